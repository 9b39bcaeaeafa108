//! Which Exchange the Exchange fake pretends to be (APNs FAQ Q6).

use super::closed_vocabulary;
use mailconform_fakes::exchange::ServerProfile;
use std::ops::Deref;

/// An Exchange server version, as the FAQ names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "exchange_version", regex = "Exchange 2007 SP1|Exchange 2010|Exchange 2010 SP1|Exchange 2013|Office 365")]
pub struct ExchangeVersion(pub ServerProfile);

closed_vocabulary!(ExchangeVersion, "an Exchange server version", {
    "Exchange 2007 SP1" => ExchangeVersion(ServerProfile::Exchange2007Sp1),
    "Exchange 2010" => ExchangeVersion(ServerProfile::Exchange2010),
    "Exchange 2010 SP1" => ExchangeVersion(ServerProfile::Exchange2010Sp1),
    "Exchange 2013" => ExchangeVersion(ServerProfile::Exchange2013),
    "Office 365" => ExchangeVersion(ServerProfile::Office365),
});

impl Deref for ExchangeVersion {
    type Target = ServerProfile;

    fn deref(&self) -> &ServerProfile {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn every_profile_once() {
        closed::<ExchangeVersion>();
        rejects::<ExchangeVersion>("Exchange 2016");
        let values: Vec<ServerProfile> = ExchangeVersion::WORDS.iter().map(|(_, v)| v.0).collect();
        assert_eq!(values, ServerProfile::ALL);
        assert!(ExchangeVersion::WORDS.iter().all(|(w, v)| ServerProfile::parse(w) == Some(v.0)));
    }
}
