//! Alert descriptions (RFC 5246 §7.2, RFC 6101 §5.4.2, RFC 7507, RFC 8446 §6).

use serde::{Serialize, Serializer};
use std::fmt;

/// An alert description: what ended (or warned about) a connection. Serialized by its RFC name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Alert {
    /// 0 `close_notify`: an orderly end of the connection, not an error.
    CloseNotify,
    /// 10 `unexpected_message`: a message out of order for the handshake state.
    UnexpectedMessage,
    /// 20 `bad_record_mac`: a record failed decryption or its MAC.
    BadRecordMac,
    /// 22 `record_overflow`: a record longer than the protocol allows.
    RecordOverflow,
    /// 40 `handshake_failure`: no acceptable set of parameters (the SSL 3.0-era "no common version").
    HandshakeFailure,
    /// 42 `bad_certificate`: the peer's certificate is corrupt or untrusted.
    BadCertificate,
    /// 47 `illegal_parameter`: a field out of range or inconsistent with others.
    IllegalParameter,
    /// 50 `decode_error`: a message that cannot be decoded (TLS 1.0 and later).
    DecodeError,
    /// 70 `protocol_version`: the version offered or chosen is not one this end will speak.
    ProtocolVersion,
    /// 71 `insufficient_security`: the peer's offer is below this end's minimum (ciphers).
    InsufficientSecurity,
    /// 80 `internal_error`: a failure unrelated to the peer.
    InternalError,
    /// 86 `inappropriate_fallback` (RFC 7507): TLS_FALLBACK_SCSV below the server's highest version.
    InappropriateFallback,
    /// 109 `missing_extension` (RFC 8446): a TLS 1.3 handshake lacks a mandatory extension.
    MissingExtension,
    /// Any other description code, kept as sent.
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

    /// The description byte on the wire.
    pub fn code(self) -> u8 {
        match self {
            Alert::Other(c) => c,
            a => Self::KNOWN.iter().find(|k| k.0 == a).map(|k| k.1).unwrap_or_default(),
        }
    }

    /// The alert a description byte names; unknown codes are [`Alert::Other`].
    pub(crate) fn from_code(c: u8) -> Alert {
        Self::KNOWN.iter().find(|k| k.1 == c).map(|k| k.0).unwrap_or(Alert::Other(c))
    }

    /// The RFC's name, e.g. `protocol_version`.
    pub fn name(self) -> String {
        match Self::KNOWN.iter().find(|k| k.0 == self) {
            Some(k) => k.2.to_string(),
            None => format!("alert_{}", self.code()),
        }
    }

    /// Reads an RFC name (`protocol_version`), any case; `None` for names not listed here.
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
