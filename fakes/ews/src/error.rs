//! The one error type of the crate.

use crate::{Fault, ResponseCode};

/// Why a document could not be decoded. Each message names the element path
/// or the line and column, so a failing conformance run points at the byte
/// that broke it.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EwsError {
    /// Not well-formed XML (or not UTF-8). `line` and `position` are 1-based;
    /// `position` counts characters, like Exchange's `LinePosition`.
    #[error("malformed XML at line {line}, position {position}: {message}")]
    Xml {
        /// 1-based line of the offending byte.
        line: u64,
        /// 1-based character column on that line.
        position: u64,
        /// The XML reader's complaint.
        message: String,
    },

    /// Well-formed XML that does not have the shape the EWS schema requires.
    #[error("{path}: {message}")]
    Schema {
        /// Slash-separated local names from the root, e.g. `Envelope/Body/Subscribe`.
        path: String,
        /// What the schema requires there.
        message: String,
    },

    /// A closed enumeration (response code, event type, boolean, status…) held
    /// a value outside it.
    #[error("{path}: {value:?} is not a known {what}")]
    UnknownValue {
        /// Where the value sits, as in [`EwsError::Schema`].
        path: String,
        /// The enumeration's name (`event type`, `response code`, ...).
        what: &'static str,
        /// The text that is not in it.
        value: String,
    },

    /// The peer answered with a SOAP fault where a response was expected.
    #[error("SOAP fault {}: {} ({})", .0.code, .0.message, .0.faultstring)]
    Fault(Box<Fault>),

    /// A response message that must succeed (a SendNotification message) did not.
    #[error("{element} has ResponseClass {response_class:?} and ResponseCode {code:?}: {message}")]
    Unsuccessful {
        /// The response message element, e.g. `SendNotificationResponseMessage`.
        element: String,
        /// Its `ResponseClass` attribute as sent (`Error`, `Warning`).
        response_class: String,
        /// Its `m:ResponseCode` as sent.
        code: String,
        /// Its `m:MessageText`, empty when absent.
        message: String,
    },
}

impl EwsError {
    pub(crate) fn schema(path: impl Into<String>, message: impl Into<String>) -> Self {
        EwsError::Schema { path: path.into(), message: message.into() }
    }

    pub(crate) fn unknown(path: impl Into<String>, what: &'static str, value: impl Into<String>) -> Self {
        EwsError::UnknownValue { path: path.into(), what, value: value.into() }
    }

    /// The fault Exchange answers a request with when it cannot decode it: bad
    /// XML and schema violations both come back as `ErrorSchemaValidation`
    /// (with coordinates when there are any). A fault or an unsuccessful
    /// message is not a decoding problem of the request; those map to
    /// `ErrorInvalidRequest`.
    pub fn to_request_fault(&self) -> Fault {
        const SCHEMA_MESSAGE: &str = "The request failed schema validation.";
        let (code, message, detail, line_position) = match self {
            EwsError::Xml { line, position, message } => (
                ResponseCode::ErrorSchemaValidation,
                SCHEMA_MESSAGE,
                format!("{message}. Line {line}, position {position}."),
                Some((*line, *position)),
            ),
            EwsError::Schema { .. } | EwsError::UnknownValue { .. } => {
                (ResponseCode::ErrorSchemaValidation, SCHEMA_MESSAGE, self.to_string(), None)
            }
            EwsError::Fault(_) | EwsError::Unsuccessful { .. } => {
                (ResponseCode::ErrorInvalidRequest, "The request is invalid.", self.to_string(), None)
            }
        };
        Fault {
            faultcode: format!("{}:{}", crate::ns::Prefix::FaultCode.as_str(), code.as_str()),
            faultstring: format!("{}: {detail}", message.trim_end_matches('.')),
            code,
            message: message.to_owned(),
            line_position,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_actionable() {
        let e = EwsError::Xml { line: 3, position: 7, message: "unexpected end".into() };
        assert_eq!(e.to_string(), "malformed XML at line 3, position 7: unexpected end");
        let f = e.to_request_fault();
        assert_eq!(f.faultcode, "a:ErrorSchemaValidation");
        assert_eq!(f.code, ResponseCode::ErrorSchemaValidation);
        assert_eq!(f.line_position, Some((3, 7)));
        assert!(f.faultstring.starts_with("The request failed schema validation: "));

        let e = EwsError::unknown("Envelope/Body/X", "event type", "Nope");
        assert_eq!(e.to_string(), "Envelope/Body/X: \"Nope\" is not a known event type");
        assert_eq!(e.to_request_fault().line_position, None);
    }
}
