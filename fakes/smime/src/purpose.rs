//! What a certificate may be used for in S/MIME, read from its key usage and extended key
//! usage (RFC 8550 §4.4): signing needs `digitalSignature` or `nonRepudiation`, encryption with
//! an RSA key needs `keyEncipherment`. A certificate without a key usage extension is not
//! restricted (RFC 5280 §4.2.1.3); one whose extended key usage leaves out
//! `emailProtection` is not for mail at all. The seed's two templates make single-purpose
//! certificates, which Secure Mail for iOS imports without asking (seed 002, feature table).

use serde::{Deserialize, Serialize};
use x509_parser::prelude::{FromDer, X509Certificate};

/// What a certificate is used for in S/MIME.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Use {
    /// Signing messages (the "Exchange Signature Only" template's purpose).
    Signing,
    /// Encrypting messages to the holder (the "Exchange User" template's purpose).
    Encryption,
}

impl Use {
    /// Both, in the order the seed names them.
    pub const ALL: [Use; 2] = [Use::Signing, Use::Encryption];

    /// The word features use (`signing`, `encryption`).
    pub fn word(self) -> &'static str {
        match self {
            Use::Signing => "signing",
            Use::Encryption => "encryption",
        }
    }

    /// The use named by `word`.
    pub fn parse(word: &str) -> Option<Use> {
        Use::ALL.into_iter().find(|u| u.word() == word)
    }
}

impl std::fmt::Display for Use {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.word())
    }
}

/// The S/MIME uses one certificate allows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Purposes {
    /// It may sign.
    pub signing: bool,
    /// It may receive encrypted messages.
    pub encryption: bool,
}

impl Purposes {
    /// The uses `der` (one X.509 certificate) allows; none when it does not parse.
    pub fn of_der(der: &[u8]) -> Purposes {
        let Ok((_, cert)) = X509Certificate::from_der(der) else { return Purposes::default() };
        if let Ok(Some(eku)) = cert.extended_key_usage() {
            if !eku.value.email_protection && !eku.value.any {
                return Purposes::default();
            }
        }
        match cert.key_usage() {
            Ok(Some(ku)) => {
                Purposes { signing: ku.value.digital_signature() || ku.value.non_repudiation(), encryption: ku.value.key_encipherment() }
            }
            Ok(None) => Purposes { signing: true, encryption: true },
            Err(_) => Purposes::default(),
        }
    }

    /// Whether `u` is allowed.
    pub fn allows(self, u: Use) -> bool {
        match u {
            Use::Signing => self.signing,
            Use::Encryption => self.encryption,
        }
    }

    /// The one use allowed, for a single-purpose certificate.
    pub fn single(self) -> Option<Use> {
        match (self.signing, self.encryption) {
            (true, false) => Some(Use::Signing),
            (false, true) => Some(Use::Encryption),
            _ => None,
        }
    }

    /// In words, for messages: `signing and encryption`, `signing only`, `neither`.
    pub fn words(self) -> &'static str {
        match (self.signing, self.encryption) {
            (true, true) => "signing and encryption",
            (true, false) => "signing only",
            (false, true) => "encryption only",
            (false, false) => "neither signing nor encryption",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_name_each_use_and_parse_back() {
        for u in Use::ALL {
            assert_eq!(Use::parse(u.word()), Some(u));
        }
        assert_eq!(Use::parse("both"), None);
    }

    #[test]
    fn a_single_purpose_is_one_use_exactly() {
        assert_eq!(Purposes { signing: true, encryption: false }.single(), Some(Use::Signing));
        assert_eq!(Purposes { signing: false, encryption: true }.single(), Some(Use::Encryption));
        assert_eq!(Purposes { signing: true, encryption: true }.single(), None);
        assert_eq!(Purposes::default().single(), None);
    }

    #[test]
    fn bytes_that_are_no_certificate_allow_nothing() {
        assert_eq!(Purposes::of_der(b"not a certificate"), Purposes::default());
    }
}
