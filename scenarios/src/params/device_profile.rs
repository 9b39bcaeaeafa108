//! The device OS rows of the SSLv3/TLS guide's tables.

use super::closed_vocabulary;
use mailconform_tls::profile;
use std::ops::Deref;

/// A device OS with the protocol versions it can offer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "device_profile", regex = "iOS before 9|iOS 9 and later|Android before M|Android M and N|Android O")]
pub struct DeviceProfile(pub profile::DeviceProfile);

closed_vocabulary!(DeviceProfile, "a device profile", {
    "iOS before 9" => DeviceProfile(profile::DeviceProfile::IosBefore9),
    "iOS 9 and later" => DeviceProfile(profile::DeviceProfile::Ios9Plus),
    "Android before M" => DeviceProfile(profile::DeviceProfile::AndroidBeforeM),
    "Android M and N" => DeviceProfile(profile::DeviceProfile::AndroidMN),
    "Android O" => DeviceProfile(profile::DeviceProfile::AndroidO),
});

impl Deref for DeviceProfile {
    type Target = profile::DeviceProfile;

    fn deref(&self) -> &profile::DeviceProfile {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn every_profile_by_its_name() {
        closed::<DeviceProfile>();
        rejects::<DeviceProfile>("iOS 8");
        let words: Vec<&str> = DeviceProfile::WORDS.iter().map(|(w, _)| *w).collect();
        assert_eq!(words, profile::DeviceProfile::ALL.map(|p| p.name()));
        assert!(DeviceProfile::WORDS.iter().all(|(w, p)| profile::DeviceProfile::parse(w) == Some(p.0)));
    }
}
