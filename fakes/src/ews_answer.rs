//! What an EWS client (Secure Mail, ENS2) makes of Exchange's answer to a SOAP request: the
//! body of a 200, or why not — in one place, so that a schema version refused by the server
//! reads the same everywhere and each client can try the next version.

use bytes::Bytes;
use mailconform_ews::{parse_fault, ResponseCode};
use mailconform_sim::Response;

/// How clients word [`EwsRefusal::VersionRefused`] in their own error strings, to try the
/// next schema version on it.
pub const VERSION_REFUSED: &str = "server refused the schema version";

/// Why an EWS request gave no usable answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EwsRefusal {
    /// 401, with the schemes the server offered (`Basic`, `NTLM`, …).
    Unauthorized { offered: Vec<String> },
    /// `ErrorInvalidServerVersion`: the request's schema version is not one the server takes.
    VersionRefused,
    /// Another SOAP fault.
    Fault { code: String, message: String },
    /// A 500 without a SOAP fault in it.
    FaultlessError,
    /// Any other status, with the start of the body.
    Status { status: u16, body: String },
}

impl EwsRefusal {
    /// The HTTP status the refusal came with.
    pub fn status(&self) -> u16 {
        match self {
            EwsRefusal::Unauthorized { .. } => 401,
            EwsRefusal::VersionRefused | EwsRefusal::Fault { .. } | EwsRefusal::FaultlessError => 500,
            EwsRefusal::Status { status, .. } => *status,
        }
    }
}

/// The body of a 200, or the refusal.
pub fn read(resp: Response) -> Result<Bytes, EwsRefusal> {
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
