//! The phone's operating system Secure Mail runs on.

use super::closed_vocabulary;
use mailconform_fakes::securemail::eas;
use std::ops::Deref;

/// The platform of a Secure Mail device: it names the device type on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "platform", regex = "iOS|Android")]
pub struct Platform(pub eas::Platform);

closed_vocabulary!(Platform, "a phone platform", {
    "iOS" => Platform(eas::Platform::Ios),
    "Android" => Platform(eas::Platform::Android),
});

impl Deref for Platform {
    type Target = eas::Platform;

    fn deref(&self) -> &eas::Platform {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn vocabulary() {
        closed::<Platform>();
        rejects::<Platform>("iPhone");
        for (word, p) in Platform::WORDS {
            assert_eq!(eas::Platform::parse(word), Some(p.0));
        }
    }
}
