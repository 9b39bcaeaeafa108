//! A registration with one field spoilt, to check what the listener's API accepts.

use super::closed_vocabulary;
use mailconform_fakes::listener::contract::NewRegistration;

/// The field a registration gets wrong: personal data in clear where the listener takes only
/// SHA-256 digests, or a device token that is not an APNs token.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "registration_flaw",
    regex = "its e-mail address in clear|its ActiveSync device ID in clear|a device token that is not hexadecimal"
)]
pub enum RegistrationFlaw {
    /// `email_sha256` holds the address itself.
    EmailInClear,
    /// `activesync_device_id_sha256` holds a (hexadecimal) DeviceId itself.
    DeviceIdInClear,
    /// `device_token` has a character that is not a hex digit.
    TokenNotHex,
}

closed_vocabulary!(RegistrationFlaw, "a spoilt registration field", {
    "its e-mail address in clear" => RegistrationFlaw::EmailInClear,
    "its ActiveSync device ID in clear" => RegistrationFlaw::DeviceIdInClear,
    "a device token that is not hexadecimal" => RegistrationFlaw::TokenNotHex,
});

impl RegistrationFlaw {
    /// Spoils `r`'s field; `email` is the user's address.
    pub fn apply(self, r: &mut NewRegistration, email: &str) {
        match self {
            RegistrationFlaw::EmailInClear => r.email_sha256 = email.to_string(),
            // A DeviceId as Android devices make them: hexadecimal, but 32 digits, not a digest's 64.
            RegistrationFlaw::DeviceIdInClear => r.activesync_device_id_sha256 = "3B9A7C1E5D2F40A8B6C1D9E7F0A2B4C6".to_string(),
            RegistrationFlaw::TokenNotHex => r.device_token = format!("{}zz", r.device_token),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn three_flaws() {
        closed::<RegistrationFlaw>();
        rejects::<RegistrationFlaw>("its e-mail address");
    }
}
