//! The EWS checks: GetFolder of the Inbox without credentials (is EWS at this URL?), then per
//! mailbox the same request signed in, which must answer `ResponseClass="Success"`.

use super::config::Mailbox;
use super::connect::Connection;
use super::http_answer::{basic, not_the_protocol, refused, schemes};
use super::report::{CheckLine, Step};
use mailconform_ews::{write_request, FolderRef, Operation, SchemaVersion};

const PROTOCOL: &str = "EWS";

fn get_inbox(url: &http::Uri, authorization: Option<&str>) -> http::Request<bytes::Bytes> {
    let body = write_request(
        SchemaVersion::Exchange2013,
        &Operation::GetFolder {
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
            base_shape: Some("IdOnly".into()),
        },
    );
    let mut b = http::Request::post(url.clone()).header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8");
    if let Some(a) = authorization {
        b = b.header(http::header::AUTHORIZATION, a);
    }
    b.body(bytes::Bytes::from(body)).expect("a GetFolder request from a checked URI")
}

/// The text of the first `<...ResponseCode>` element of a SOAP answer.
fn response_code(body: &str) -> Option<&str> {
    let start = body.find("ResponseCode>")? + "ResponseCode>".len();
    let end = body[start..].find('<')?;
    Some(&body[start..start + end])
}

/// GetFolder without credentials: EWS answers 401 with its challenges.
pub(crate) async fn anonymous(conn: &mut Connection, url: &http::Uri, standard_path: &str) -> CheckLine {
    match conn.send(get_inbox(url, None)).await {
        Err(e) => CheckLine::problem(Step::Http, format!("GetFolder: {e}"), "check that the url names the EWS endpoint of an HTTP server"),
        Ok(a) => {
            if let Some(problem) = not_the_protocol(&a, PROTOCOL, standard_path) {
                return problem;
            }
            match a.status.as_u16() {
                401 => CheckLine::ok(Step::Http, format!("GetFolder answered 401, asking for credentials ({})", schemes(&a))),
                s if a.header("content-type").contains("xml") => CheckLine::ok(Step::Http, format!("GetFolder answered {s} with XML")),
                s => CheckLine::problem(
                    Step::Http,
                    format!("GetFolder answered HTTP {s} without asking for credentials or answering SOAP: this does not look like EWS"),
                    format!("point url at the EWS endpoint (usually {standard_path})"),
                ),
            }
        }
    }
}

/// One mailbox: GetFolder of its Inbox, signed in.
pub(crate) async fn sign_in(conn: &mut Connection, url: &http::Uri, mailbox: &Mailbox) -> CheckLine {
    let a = match conn.send(get_inbox(url, Some(&basic(mailbox)))).await {
        Err(e) => {
            return CheckLine::problem(
                Step::Auth,
                format!("{}: GetFolder: {e}", mailbox.user),
                "check that the server stays up under a sign-in",
            )
        }
        Ok(a) => a,
    };
    let body = String::from_utf8_lossy(&a.body);
    match a.status.as_u16() {
        401 => refused(&a, mailbox, "GetFolder"),
        200 if body.contains("ResponseClass=\"Success\"") => {
            CheckLine::ok(Step::Auth, format!("{}: signed in as {:?}; GetFolder of the Inbox succeeded", mailbox.user, mailbox.login))
        }
        s => CheckLine::problem(
            Step::Auth,
            format!(
                "{}: signed in, but GetFolder of the Inbox answered HTTP {s} {}",
                mailbox.user,
                response_code(&body).unwrap_or("without a ResponseCode")
            ),
            "check that the account has a mailbox on this server and may use EWS",
        ),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_response_code_is_read_from_the_soap_answer() {
        let body = "<m:GetFolderResponseMessage ResponseClass=\"Error\"><m:ResponseCode>ErrorAccessDenied</m:ResponseCode>";
        assert_eq!(super::response_code(body), Some("ErrorAccessDenied"));
        assert_eq!(super::response_code("<x/>"), None);
    }
}
