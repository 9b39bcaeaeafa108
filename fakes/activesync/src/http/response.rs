//! What an ActiveSync server answers at the HTTP level: the status codes of [MS-ASHTTP]
//! 2.2.2.1.1, the header names, and builders for the few response shapes there are (a
//! WBXML body, an empty 200, an error status with its companion header, the OPTIONS answer).

use super::{Command, ProtocolVersion};
use crate::{encode, Document};
use bytes::Bytes;
use mailconform_sim::Response;

/// HTTP status codes an ActiveSync server sends, by their [MS-ASHTTP] meaning.
pub mod code {
    /// Success: the body, if any, carries the command's own Status.
    pub const OK: u16 = 200;
    /// Malformed request: bad query, unknown command, body that is not the command's WBXML.
    pub const BAD_REQUEST: u16 = 400;
    /// Credentials missing or wrong; goes with `WWW-Authenticate: Basic`.
    pub const UNAUTHORIZED: u16 = 401;
    /// The user is not enabled for ActiveSync.
    pub const FORBIDDEN: u16 = 403;
    /// Not an ActiveSync URI.
    pub const NOT_FOUND: u16 = 404;
    /// "Retry after sending a PROVISION command": the pre-14.0 signal to provision
    /// (and to learn of a pending remote wipe).
    pub const NEEDS_PROVISIONING: u16 = 449;
    /// The mailbox lives elsewhere; the new URL is in `X-MS-Location`.
    pub const REDIRECT: u16 = 451;
    /// The device is blocked for this user.
    pub const BLOCKED: u16 = 456;
    /// The user's password has expired.
    pub const PASSWORD_EXPIRED: u16 = 457;
    /// An unexpected server failure.
    pub const SERVER_ERROR: u16 = 500;
    /// A command the server knows but does not serve, for clients older than 14.0 (later
    /// ones get common status 137 in the body).
    pub const NOT_IMPLEMENTED: u16 = 501;
    /// Temporarily unavailable; `Retry-After` says when to come back.
    pub const SERVICE_UNAVAILABLE: u16 = 503;
}

/// Header names, spelled as [MS-ASHTTP] spells them.
pub mod header {
    /// The version a request is written in ([MS-ASHTTP] 2.2.1.1.2.6).
    pub const PROTOCOL_VERSION: &str = "MS-ASProtocolVersion";
    /// The device's current policy key, sent with every command after Provision ([MS-ASHTTP] 2.2.1.1.2.8).
    pub const POLICY_KEY: &str = "X-MS-PolicyKey";
    /// OPTIONS answer: the comma-separated versions the server speaks ([MS-ASHTTP] 2.2.4.1.2.2).
    pub const PROTOCOL_VERSIONS: &str = "MS-ASProtocolVersions";
    /// OPTIONS answer: the comma-separated commands the server serves ([MS-ASHTTP] 2.2.4.1.2.1).
    pub const PROTOCOL_COMMANDS: &str = "MS-ASProtocolCommands";
    /// The server's ActiveSync build, on OPTIONS and command answers ([MS-ASHTTP] response headers).
    pub const SERVER_VERSION: &str = "MS-Server-ActiveSync";
    /// With 451: the URL the client must use from now on ([MS-ASHTTP] response headers).
    pub const LOCATION: &str = "X-MS-Location";
    /// `T` asks for ItemOperations results as a multipart body ([MS-ASHTTP] 2.2.1.1.2, request headers).
    pub const ACCEPT_MULTIPART: &str = "MS-ASAcceptMultiPart";
    /// OPTIONS answer: the methods the path takes.
    pub const ALLOW: &str = "Allow";
    /// OPTIONS answer: the methods the server takes.
    pub const PUBLIC: &str = "Public";
    /// With 503: seconds before the client may retry.
    pub const RETRY_AFTER: &str = "Retry-After";
}

/// The content type of every WBXML body, request and response alike.
pub const WBXML_CONTENT_TYPE: &str = "application/vnd.ms-sync.wbxml";
/// The content type of a pre-14.0 SendMail body.
pub(crate) const MIME_CONTENT_TYPE: &str = "message/rfc822";
/// The default ActiveSync path.
pub const DEFAULT_PATH: &str = "/Microsoft-Server-ActiveSync";
/// The methods an ActiveSync URI allows, for `Allow` and `Public`.
pub(crate) const ALLOWED_METHODS: &str = "OPTIONS,POST";

/// Whether a content type is ActiveSync WBXML (parameters and case ignored).
pub(crate) fn is_wbxml_content_type(value: &str) -> bool {
    value.split(';').next().is_some_and(|t| t.trim().eq_ignore_ascii_case(WBXML_CONTENT_TYPE))
}

fn builder(status: u16) -> ::http::response::Builder {
    ::http::Response::builder().status(status)
}

fn finish(b: ::http::response::Builder, body: Bytes) -> Response {
    b.body(body).unwrap_or_else(|_| {
        let mut r = Response::new(Bytes::new());
        *r.status_mut() = ::http::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

/// 200 with a WBXML body. A document the encoder refuses (text holding U+0000) is a server
/// fault, answered 500 rather than sent half-written.
pub fn wbxml(doc: &Document) -> Response {
    match encode(doc) {
        Ok(bytes) => finish(builder(code::OK).header(::http::header::CONTENT_TYPE, WBXML_CONTENT_TYPE), Bytes::from(bytes)),
        Err(e) => {
            tracing::warn!(error = %e, "ActiveSync response does not encode");
            status(code::SERVER_ERROR)
        }
    }
}

/// 200 with no body: a successful SendMail, or a Sync with nothing to say.
pub(crate) fn empty_ok() -> Response {
    finish(builder(code::OK), Bytes::new())
}

/// A bare status with no body.
pub fn status(code: u16) -> Response {
    finish(builder(code), Bytes::new())
}

/// 400 with a plain-text reason, so a failing conformance run can say what was malformed.
pub fn bad_request(reason: &str) -> Response {
    finish(builder(code::BAD_REQUEST).header(::http::header::CONTENT_TYPE, "text/plain; charset=utf-8"), Bytes::from(reason.to_string()))
}

/// 451 with the URL the client must use from now on.
pub fn redirect(location: &str) -> Response {
    finish(builder(code::REDIRECT).header(header::LOCATION, location), Bytes::new())
}

/// 503 with `Retry-After` in seconds.
pub fn unavailable(retry_after_secs: u64) -> Response {
    finish(builder(code::SERVICE_UNAVAILABLE).header(header::RETRY_AFTER, retry_after_secs.to_string()), Bytes::new())
}

/// 401 with a Basic challenge, which EAS clients need to prompt for (or resend) credentials.
pub fn unauthorized(realm: &str) -> Response {
    let challenge = format!("Basic realm=\"{}\"", realm.replace('"', ""));
    finish(builder(code::UNAUTHORIZED).header(::http::header::WWW_AUTHENTICATE, challenge), Bytes::new())
}

/// The OPTIONS answer of [MS-ASHTTP] 3.2.5.2: both MS-AS lists are required.
pub fn options(versions: &[ProtocolVersion], commands: &[Command], server_version: &str) -> Response {
    let versions = versions.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(",");
    let commands = commands.iter().map(|c| c.name()).collect::<Vec<_>>().join(",");
    finish(
        builder(code::OK)
            .header(header::ALLOW, ALLOWED_METHODS)
            .header(header::SERVER_VERSION, server_version)
            .header(header::PROTOCOL_VERSIONS, versions)
            .header(header::PROTOCOL_COMMANDS, commands)
            .header(header::PUBLIC, ALLOWED_METHODS)
            .header(::http::header::CACHE_CONTROL, "private"),
        Bytes::new(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn options_carries_both_lists() {
        let r = options(&[ProtocolVersion::V14_1, ProtocolVersion::V16_1], &[Command::Sync, Command::Ping], "15.1");
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()[header::PROTOCOL_VERSIONS], "14.1,16.1");
        assert_eq!(r.headers()[header::PROTOCOL_COMMANDS], "Sync,Ping");
        assert_eq!(r.headers()[header::ALLOW], "OPTIONS,POST");
        assert_eq!(r.headers()[header::PUBLIC], "OPTIONS,POST");
        assert_eq!(r.headers()[header::SERVER_VERSION], "15.1");
    }

    #[test]
    fn companions_go_with_their_statuses() {
        assert_eq!(
            redirect("https://b.example.test/Microsoft-Server-ActiveSync").headers()[header::LOCATION],
            "https://b.example.test/Microsoft-Server-ActiveSync"
        );
        assert_eq!(unavailable(30).headers()[header::RETRY_AFTER], "30");
        assert!(is_wbxml_content_type("Application/Vnd.MS-Sync.WBXML; charset=utf-8"));
        assert!(!is_wbxml_content_type("text/html"));
    }
}
