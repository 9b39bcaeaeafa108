//! What an EWS client (Secure Mail, ENS2) makes of Exchange's answer to a SOAP request: the
//! body of a 200, or why not — in one place, so that a schema version refused by the server
//! is one variant everywhere and each client can try the next version on it.

use crate::role_error::{ErrorKind, Kinded};
use bytes::Bytes;
use mailconform_ews::{parse_fault, ResponseCode, SchemaVersion};
use mailconform_sim::{Response, SimError};

/// Why an EWS request gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum EwsRefusal {
    /// 401, with the schemes the server offered (`Basic`, `NTLM`, …).
    #[error("EWS refused the credentials (401; it offers {})", offered_list(offered))]
    Unauthorized {
        /// Scheme of each `WWW-Authenticate` challenge, in the server's order.
        offered: Vec<String>,
    },
    /// `ErrorInvalidServerVersion`: the request's schema version is not one the server takes.
    #[error("the server refused the schema version")]
    VersionRefused,
    /// Another SOAP fault.
    #[error("EWS fault {code}: {message}")]
    Fault {
        /// The fault's `ResponseCode` ([MS-OXWSCDATA] `ResponseCodeType`).
        code: String,
        /// The fault's `MessageText`.
        message: String,
    },
    /// A 500 without a SOAP fault in it.
    #[error("EWS answered 500 without a SOAP fault")]
    FaultlessError,
    /// Any other status, with the start of the body.
    #[error("EWS answered HTTP {status}: {body}")]
    Status {
        /// The HTTP status code.
        status: u16,
        /// The first 200 characters of the body.
        body: String,
    },
}

/// "Basic, NTLM", or "nothing".
pub(crate) fn offered_list(offered: &[String]) -> String {
    if offered.is_empty() {
        "nothing".into()
    } else {
        offered.join(", ")
    }
}

impl Kinded for EwsRefusal {
    fn kind(&self) -> ErrorKind {
        match self {
            EwsRefusal::Unauthorized { .. } => ErrorKind::Unauthorized,
            EwsRefusal::VersionRefused => ErrorKind::ProtocolVersionRefused,
            EwsRefusal::Fault { .. } | EwsRefusal::FaultlessError => ErrorKind::ServerFault,
            EwsRefusal::Status { status, .. } => ErrorKind::of_status(*status),
        }
    }
}

/// Why one EWS operation of a client failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum EwsCallError {
    /// The request could not be built (a header value that is not one).
    #[error("cannot build the EWS request: {0}")]
    Request(#[from] http::Error),
    /// No HTTP answer: refused, timed out, TLS failed.
    #[error("EWS unreachable: {0}")]
    Transport(#[from] SimError),
    /// The server answered, but not with a usable 200.
    #[error(transparent)]
    Refused(#[from] EwsRefusal),
    /// A 200 whose body is not the answer the operation has.
    #[error("EWS answered what the operation does not: {0}")]
    Unreadable(#[from] mailconform_ews::EwsError),
    /// The operation's response message is an error.
    #[error("{operation} failed: {code} {message}")]
    Operation {
        /// The EWS operation (`GetFolder`, `Subscribe`).
        operation: &'static str,
        /// Its `ResponseCode` ([MS-OXWSCDATA] `ResponseCodeType`).
        code: String,
        /// Its `MessageText`.
        message: String,
    },
    /// The answer names no folder.
    #[error("GetFolder answered no folder")]
    NoFolder,
    /// Every schema version the client speaks was refused.
    #[error("the server accepted none of the EWS schema versions tried ({})", tried.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "))]
    NoSchemaVersion {
        /// The versions tried, newest first.
        tried: Vec<SchemaVersion>,
    },
}

impl Kinded for EwsCallError {
    fn kind(&self) -> ErrorKind {
        match self {
            EwsCallError::Request(_) => ErrorKind::Internal,
            EwsCallError::Transport(e) => ErrorKind::of_transport(e),
            EwsCallError::Refused(r) => r.kind(),
            EwsCallError::Unreadable(_) | EwsCallError::NoFolder => ErrorKind::ProtocolViolation,
            EwsCallError::Operation { .. } => ErrorKind::ServerFault,
            EwsCallError::NoSchemaVersion { .. } => ErrorKind::ProtocolVersionRefused,
        }
    }
}

impl EwsRefusal {
    /// The HTTP status the refusal came with.
    pub(crate) fn status(&self) -> u16 {
        match self {
            EwsRefusal::Unauthorized { .. } => 401,
            EwsRefusal::VersionRefused | EwsRefusal::Fault { .. } | EwsRefusal::FaultlessError => 500,
            EwsRefusal::Status { status, .. } => *status,
        }
    }
}

/// The body of a 200, or the refusal.
pub(crate) fn read(resp: Response) -> Result<Bytes, EwsRefusal> {
    match resp.status().as_u16() {
        200 => Ok(resp.into_body()),
        401 => Err(EwsRefusal::Unauthorized {
            offered: resp
                .headers()
                .get_all(http::header::WWW_AUTHENTICATE)
                .iter()
                .filter_map(|v| v.to_str().ok())
                .map(|v| v.split_whitespace().next().unwrap_or(v).to_string())
                .collect(),
        }),
        500 => match parse_fault(resp.body()) {
            Ok(Some(f)) if f.code == ResponseCode::ErrorInvalidServerVersion => Err(EwsRefusal::VersionRefused),
            Ok(Some(f)) => Err(EwsRefusal::Fault { code: f.code.to_string(), message: f.message }),
            _ => Err(EwsRefusal::FaultlessError),
        },
        status => Err(EwsRefusal::Status { status, body: String::from_utf8_lossy(resp.body()).chars().take(200).collect() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_ews::{write_fault, Fault};
    use mailconform_sim::http::response;

    #[test]
    fn answers_are_sorted_by_what_a_client_does_next() {
        assert_eq!(read(response(200, "text/xml", "<ok/>")).unwrap(), Bytes::from_static(b"<ok/>"));
        let mut r = response(401, "text/html", "");
        r.headers_mut().append(http::header::WWW_AUTHENTICATE, "Basic realm=\"x\"".parse().unwrap());
        r.headers_mut().append(http::header::WWW_AUTHENTICATE, "NTLM".parse().unwrap());
        assert_eq!(read(r), Err(EwsRefusal::Unauthorized { offered: vec!["Basic".into(), "NTLM".into()] }));
        let mut version = Fault::schema_error("x");
        version.code = ResponseCode::ErrorInvalidServerVersion;
        assert_eq!(read(response(500, "text/xml", write_fault(None, &version))), Err(EwsRefusal::VersionRefused));
        assert_eq!(read(response(500, "text/plain", "boom")), Err(EwsRefusal::FaultlessError));
        assert_eq!(read(response(404, "text/plain", "no")).unwrap_err().status(), 404);
    }
}
