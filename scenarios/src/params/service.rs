//! The server roles a scenario can restart, by the names features give them.

use super::closed_vocabulary;
use mailconform_fakes::listener::Region;
use mailconform_fakes::role;

/// A server role whose process a scenario restarts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "service", regex = "Exchange|APNs|the Americas listener service|the EMEA listener service|the APAC listener service")]
pub enum Service {
    /// Exchange (EWS and ActiveSync) at `mail.example.test`.
    Exchange,
    /// APNs' production environment.
    Apns,
    /// The vendor's push listener service of one region.
    Listener(Region),
}

closed_vocabulary!(Service, "a server role that can restart", {
    "Exchange" => Service::Exchange,
    "APNs" => Service::Apns,
    "the Americas listener service" => Service::Listener(Region::Americas),
    "the EMEA listener service" => Service::Listener(Region::Emea),
    "the APAC listener service" => Service::Listener(Region::Apac),
});

impl Service {
    /// The role's name in the topology (`exchange`, `apns`, `listener.us-east-1`).
    pub fn role(self) -> String {
        match self {
            Service::Exchange => role::EXCHANGE.to_string(),
            Service::Apns => role::APNS.to_string(),
            Service::Listener(r) => role::listener(r),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn services_name_their_roles() {
        closed::<Service>();
        rejects::<Service>("the listener service");
        assert_eq!(Service::Exchange.role(), "exchange");
        assert_eq!(Service::Apns.role(), "apns");
        assert_eq!(Service::Listener(Region::Emea).role(), role::listener(Region::Emea));
    }
}
