//! Secure Mail's MDX "Connection security level" policy.

use super::closed_vocabulary;
use mailconform_tls::profile::Policy;
use std::ops::Deref;

/// A value of the "Connection security level" policy, as the MDX console shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "security_level", regex = "TLS|SSLv3 and TLS")]
pub struct SecurityLevel(pub Policy);

closed_vocabulary!(SecurityLevel, "a connection security level", {
    "TLS" => SecurityLevel(Policy::Tls),
    "SSLv3 and TLS" => SecurityLevel(Policy::Sslv3AndTls),
});

impl Deref for SecurityLevel {
    type Target = Policy;

    fn deref(&self) -> &Policy {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn the_consoles_values() {
        closed::<SecurityLevel>();
        rejects::<SecurityLevel>("SSLv3");
        let words: Vec<&str> = SecurityLevel::WORDS.iter().map(|(w, _)| *w).collect();
        assert_eq!(words, Policy::ALL.map(|p| p.name()));
    }
}
