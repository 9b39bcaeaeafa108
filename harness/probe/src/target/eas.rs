//! The ActiveSync checks: OPTIONS without credentials (is ActiveSync at this URL?), then per
//! mailbox OPTIONS with its credentials (the versions the server offers) and a FolderSync at
//! the highest version both sides speak ([MS-ASHTTP], [MS-ASCMD]).

use super::config::{Mailbox, Target};
use super::connect::{Answer, Connection};
use super::http_answer::{basic, not_the_protocol, refused, schemes};
use super::report::{CheckLine, Step};
use mailconform_activesync::http::header::PROTOCOL_VERSIONS;
use mailconform_activesync::{bodies, Command, EasRequest, ProtocolVersion};

const PROTOCOL: &str = "ActiveSync";
/// The `DeviceId` the check presents: one no phone has, so no partnership is disturbed.
const DEVICE_ID: &str = "MCTARGETCHECK0001";
const DEVICE_TYPE: &str = "TargetCheck";

fn options(url: &http::Uri, authorization: Option<&str>) -> http::Request<bytes::Bytes> {
    let mut b = http::Request::builder().method(http::Method::OPTIONS).uri(url.clone());
    if let Some(a) = authorization {
        b = b.header(http::header::AUTHORIZATION, a);
    }
    b.body(bytes::Bytes::new()).expect("an OPTIONS request from a checked URI")
}

fn versions_of(answer: &Answer) -> Vec<ProtocolVersion> {
    answer.header(PROTOCOL_VERSIONS).split(',').filter_map(|v| ProtocolVersion::parse(v.trim())).collect()
}

fn names(versions: &[ProtocolVersion]) -> String {
    versions.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
}

/// OPTIONS without credentials: ActiveSync answers 200 with its versions or 401 with its
/// challenges; anything else says what is there instead.
pub(crate) async fn anonymous(conn: &mut Connection, url: &http::Uri, standard_path: &str) -> CheckLine {
    match conn.send(options(url, None)).await {
        Err(e) => {
            CheckLine::problem(Step::Http, format!("OPTIONS: {e}"), "check that the url names the ActiveSync endpoint of an HTTP server")
        }
        Ok(a) => {
            if let Some(problem) = not_the_protocol(&a, PROTOCOL, standard_path) {
                return problem;
            }
            match a.status.as_u16() {
                200 if !versions_of(&a).is_empty() => {
                    CheckLine::ok(Step::Http, format!("OPTIONS answered 200 with ActiveSync versions {}", names(&versions_of(&a))))
                }
                401 => CheckLine::ok(Step::Http, format!("OPTIONS answered 401, asking for credentials ({})", schemes(&a))),
                s => CheckLine::problem(
                    Step::Http,
                    format!("OPTIONS answered HTTP {s} without {PROTOCOL_VERSIONS}: this does not look like ActiveSync"),
                    format!("point url at the ActiveSync endpoint (usually {standard_path})"),
                ),
            }
        }
    }
}

/// One mailbox: OPTIONS with its credentials, then FolderSync.
pub(crate) async fn sign_in(conn: &mut Connection, target: &Target, url: &http::Uri, mailbox: &Mailbox) -> CheckLine {
    let auth = basic(mailbox);
    let a = match conn.send(options(url, Some(&auth))).await {
        Err(e) => {
            return CheckLine::problem(
                Step::Auth,
                format!("{}: OPTIONS: {e}", mailbox.user),
                "check that the server stays up under a sign-in",
            )
        }
        Ok(a) => a,
    };
    if a.status == 401 {
        return refused(&a, mailbox, "OPTIONS");
    }
    let offered = versions_of(&a);
    let theirs = if offered.is_empty() { target.versions.clone() } else { offered };
    if theirs.is_empty() {
        return CheckLine::problem(
            Step::Auth,
            format!(
                "{}: OPTIONS answered HTTP {} without {PROTOCOL_VERSIONS}, and the configuration names no versions",
                mailbox.user,
                a.status.as_u16()
            ),
            format!(
                "write versions = [\"14.1\"] (the versions the server speaks: {}) for target.\"{}\"",
                names(ProtocolVersion::ALL),
                target.key
            ),
        );
    }
    let Some(version) = ProtocolVersion::highest_common(ProtocolVersion::ALL, &theirs) else {
        return CheckLine::problem(
            Step::Auth,
            format!("{}: no ActiveSync version in common", mailbox.user),
            "write versions this client knows",
        );
    };
    let request =
        EasRequest::new(Command::FolderSync, &mailbox.login, DEVICE_ID, DEVICE_TYPE, version).with_body(bodies::folder_sync_request("0"));
    let mut http_request = match request.to_http(&url.to_string()) {
        Ok(r) => r,
        Err(e) => {
            return CheckLine::problem(Step::Auth, format!("{}: cannot build FolderSync: {e}", mailbox.user), "check the login and url")
        }
    };
    http_request.headers_mut().insert(http::header::AUTHORIZATION, auth.parse().expect("base64 is a header value"));
    match conn.send(http_request).await {
        Err(e) => {
            CheckLine::problem(Step::Auth, format!("{}: FolderSync: {e}", mailbox.user), "check that the server stays up under a sign-in")
        }
        Ok(a) => match a.status.as_u16() {
            200 | 449 => CheckLine::ok(
                Step::Auth,
                format!(
                    "{}: signed in as {:?}; FolderSync at {} answered {}",
                    mailbox.user,
                    mailbox.login,
                    version.as_str(),
                    if a.status == 449 { "449 (provision first: the server enforces a device policy)" } else { "200" }
                ),
            ),
            401 => refused(&a, mailbox, "FolderSync"),
            403 => CheckLine::problem(
                Step::Auth,
                format!("{}: the password is right but FolderSync was forbidden (HTTP 403)", mailbox.user),
                "allow this account ActiveSync access on the server (mailbox features, device access rules, or the gateway's compliance)",
            ),
            s => CheckLine::problem(
                Step::Auth,
                format!("{}: FolderSync answered HTTP {s}", mailbox.user),
                "look at the server's log for this request; the account may lack a mailbox",
            ),
        },
    }
}
