//! Alert descriptions (RFC 5246 §7.2, RFC 6101 §5.4.2, RFC 7507, RFC 8446 §6).

use serde::{Serialize, Serializer};
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alert {
    CloseNotify,
    UnexpectedMessage,
    BadRecordMac,
    RecordOverflow,
    HandshakeFailure,
    BadCertificate,
    IllegalParameter,
    DecodeError,
    ProtocolVersion,
    InsufficientSecurity,
    InternalError,
    InappropriateFallback,
    MissingExtension,
    Other(u8),
}

impl Alert {
    const KNOWN: [(Alert, u8, &'static str); 13] = [
        (Alert::CloseNotify, 0, "close_notify"),
        (Alert::UnexpectedMessage, 10, "unexpected_message"),
        (Alert::BadRecordMac, 20, "bad_record_mac"),
        (Alert::RecordOverflow, 22, "record_overflow"),
        (Alert::HandshakeFailure, 40, "handshake_failure"),
        (Alert::BadCertificate, 42, "bad_certificate"),
        (Alert::IllegalParameter, 47, "illegal_parameter"),
        (Alert::DecodeError, 50, "decode_error"),
        (Alert::ProtocolVersion, 70, "protocol_version"),
        (Alert::InsufficientSecurity, 71, "insufficient_security"),
        (Alert::InternalError, 80, "internal_error"),
        (Alert::InappropriateFallback, 86, "inappropriate_fallback"),
        (Alert::MissingExtension, 109, "missing_extension"),
    ];

    pub fn code(self) -> u8 {
        match self {
            Alert::Other(c) => c,
            a => Self::KNOWN.iter().find(|k| k.0 == a).map(|k| k.1).unwrap_or_default(),
        }
    }

    pub fn from_code(c: u8) -> Alert {
        Self::KNOWN.iter().find(|k| k.1 == c).map(|k| k.0).unwrap_or(Alert::Other(c))
    }

    /// The RFC's name, e.g. `protocol_version`.
    pub fn name(self) -> String {
        match Self::KNOWN.iter().find(|k| k.0 == self) {
            Some(k) => k.2.to_string(),
            None => format!("alert_{}", self.code()),
        }
    }

    pub fn parse(s: &str) -> Option<Alert> {
        let s = s.trim().to_ascii_lowercase();
        Self::KNOWN.iter().find(|k| k.2 == s).map(|k| k.0)
    }
}

impl fmt::Display for Alert {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name())
    }
}

impl Serialize for Alert {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_names() {
        for c in 0..=255u8 {
            let a = Alert::from_code(c);
            assert_eq!(a.code(), c);
            if !matches!(a, Alert::Other(_)) {
                assert_eq!(Alert::parse(&a.name()), Some(a));
            }
        }
        assert_eq!(Alert::InappropriateFallback.code(), 86);
        assert_eq!(Alert::ProtocolVersion.name(), "protocol_version");
    }
}
