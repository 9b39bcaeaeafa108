//! How a TLS handshake ended: the version it negotiated, or the alert that ended it and who
//! sent it.

use super::{closed_vocabulary, TlsVersion, UnknownWord, Vocabulary};
use mailconform_tls::{self as tls, Alert, Version};
use std::fmt;
use std::str::FromStr;

/// A TLS alert by its RFC name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "tls_alert",
    regex = "close_notify|unexpected_message|bad_record_mac|record_overflow|handshake_failure|bad_certificate|illegal_parameter|decode_error|protocol_version|insufficient_security|internal_error|inappropriate_fallback|missing_extension"
)]
pub struct TlsAlert(pub Alert);

closed_vocabulary!(TlsAlert, "a TLS alert", {
    "close_notify" => TlsAlert(Alert::CloseNotify),
    "unexpected_message" => TlsAlert(Alert::UnexpectedMessage),
    "bad_record_mac" => TlsAlert(Alert::BadRecordMac),
    "record_overflow" => TlsAlert(Alert::RecordOverflow),
    "handshake_failure" => TlsAlert(Alert::HandshakeFailure),
    "bad_certificate" => TlsAlert(Alert::BadCertificate),
    "illegal_parameter" => TlsAlert(Alert::IllegalParameter),
    "decode_error" => TlsAlert(Alert::DecodeError),
    "protocol_version" => TlsAlert(Alert::ProtocolVersion),
    "insufficient_security" => TlsAlert(Alert::InsufficientSecurity),
    "internal_error" => TlsAlert(Alert::InternalError),
    "inappropriate_fallback" => TlsAlert(Alert::InappropriateFallback),
    "missing_extension" => TlsAlert(Alert::MissingExtension),
});

/// The end of a connection that sent an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "side", regex = "client|server")]
pub struct Side(pub tls::Side);

closed_vocabulary!(Side, "a side of the connection", {
    "client" => Side(tls::Side::Client),
    "server" => Side(tls::Side::Server),
});

/// A cell of the TLS matrix: `TLS 1.2` (negotiated) or `protocol_version from the client`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(
    name = "handshake_result",
    regex = r"SSL 3\.0|TLS 1\.[0-3]|(?:close_notify|unexpected_message|bad_record_mac|record_overflow|handshake_failure|bad_certificate|illegal_parameter|decode_error|protocol_version|insufficient_security|internal_error|inappropriate_fallback|missing_extension) from the (?:client|server)"
)]
pub enum HandshakeResult {
    /// The handshake completed with this version.
    Negotiated(Version),
    /// It ended with this alert, sent by this side.
    Refused(Alert, tls::Side),
}

impl Vocabulary for HandshakeResult {
    const ABOUT: &'static str = "how a handshake ended";
    const MORE: Option<&'static str> =
        Some("(the version negotiated), or an alert and who sent it, e.g. \"protocol_version from the client\"");

    fn words() -> Vec<String> {
        TlsVersion::words()
    }
}

impl FromStr for HandshakeResult {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let unknown = || UnknownWord::of::<HandshakeResult>(s);
        if !super::whole_match::<HandshakeResult>(s) {
            return Err(unknown());
        }
        match s.split_once(" from the ") {
            Some((alert, side)) => Ok(HandshakeResult::Refused(
                alert.parse::<TlsAlert>().map_err(|_| unknown())?.0,
                side.parse::<Side>().map_err(|_| unknown())?.0,
            )),
            None => Ok(HandshakeResult::Negotiated(s.parse::<TlsVersion>().map_err(|_| unknown())?.0)),
        }
    }
}

impl fmt::Display for HandshakeResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HandshakeResult::Negotiated(v) => TlsVersion(*v).fmt(f),
            HandshakeResult::Refused(alert, side) => write!(f, "{} from the {}", TlsAlert(*alert), Side(*side)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn alerts_by_their_rfc_names() {
        closed::<TlsAlert>();
        rejects::<TlsAlert>("PROTOCOL_VERSION");
        for (word, a) in TlsAlert::WORDS {
            assert_eq!((Alert::parse(word), a.0.name()), (Some(a.0), word.to_string()));
        }
    }

    #[test]
    fn sides() {
        closed::<Side>();
        rejects::<Side>("both");
    }

    #[test]
    fn results() {
        for (text, result) in [
            ("TLS 1.2", HandshakeResult::Negotiated(Version::Tls12)),
            ("SSL 3.0", HandshakeResult::Negotiated(Version::Ssl3)),
            ("protocol_version from the client", HandshakeResult::Refused(Alert::ProtocolVersion, tls::Side::Client)),
            ("handshake_failure from the server", HandshakeResult::Refused(Alert::HandshakeFailure, tls::Side::Server)),
        ] {
            assert_eq!(text.parse::<HandshakeResult>(), Ok(result), "{text}");
            assert_eq!(result.to_string(), text);
        }
        for bad in ["TLS 1.4", "protocol_version", "protocol_version from the middle", "ALERT from the client"] {
            rejects::<HandshakeResult>(bad);
        }
    }
}
