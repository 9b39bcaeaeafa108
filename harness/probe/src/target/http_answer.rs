//! Reading an answer where EWS or ActiveSync should be: the answers that show something else
//! is at the URL (a web page, a login form, nothing) and the sign-in verdicts shared by both.

use super::config::Mailbox;
use super::connect::Answer;
use super::report::{CheckLine, Step};

/// An answer that shows the URL is not `protocol`'s endpoint, as a problem line; `None` when
/// the answer could be the protocol's.
pub(crate) fn not_the_protocol(answer: &Answer, protocol: &str, standard_path: &str) -> Option<CheckLine> {
    let status = answer.status.as_u16();
    let content_type = answer.header("content-type").to_ascii_lowercase();
    if status == 404 {
        return Some(CheckLine::problem(
            Step::Http,
            format!("HTTP 404: nothing at this path, where {protocol} should be"),
            format!("fix the path in url (the standard {protocol} path is {standard_path}), or enable {protocol} on the server"),
        ));
    }
    if (300..400).contains(&status) {
        let location = answer.header("location");
        return Some(CheckLine::problem(
            Step::Http,
            format!("HTTP {status}: redirected to {location:?}, where {protocol} should answer"),
            format!("a login page or a web server redirects {protocol} requests: exempt the {protocol} path from forms-based authentication, or point url at where the redirect goes"),
        ));
    }
    // A 401 is the protocol asking for credentials, whatever page comes with it (IIS sends an
    // HTML one).
    if content_type.starts_with("text/html") && status != 401 {
        return Some(CheckLine::problem(
            Step::Http,
            format!("HTTP {status}: an HTML page answers where {protocol} should be"),
            format!("a web page or a forms-based login is in front of {protocol}: exempt the {protocol} path from forms authentication (Traveler: override it for /traveler), or fix the path in url"),
        ));
    }
    None
}

/// The challenge schemes of a 401, for the message (`Basic, NTLM`).
pub(crate) fn schemes(answer: &Answer) -> String {
    let offered: Vec<&str> = answer
        .headers
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .map(|v| v.split_whitespace().next().unwrap_or(v))
        .collect();
    if offered.is_empty() {
        "no scheme named".to_string()
    } else {
        offered.join(", ")
    }
}

/// The line of a 401 to `mailbox`'s credentials: the password is wrong, unless the server
/// does not offer Basic at all.
pub(crate) fn refused(answer: &Answer, mailbox: &Mailbox, request: &str) -> CheckLine {
    let offered = schemes(answer);
    if !offered.to_ascii_lowercase().split(", ").any(|s| s == "basic") && offered != "no scheme named" {
        return CheckLine::problem(
            Step::Auth,
            format!("{}: {request} refused (HTTP 401); the server offers {offered}, not Basic", mailbox.user),
            "this check signs in with Basic: enable Basic authentication on this virtual directory for the check",
        );
    }
    CheckLine::problem(
        Step::Auth,
        format!("{}: wrong password or login: {request} as {:?} refused with HTTP 401", mailbox.user, mailbox.login),
        format!("check {} and the login {:?} (some servers want DOMAIN\\user or the UPN)", mailbox.password_source, mailbox.login),
    )
}

/// `Authorization: Basic ...` for `mailbox`.
pub(crate) fn basic(mailbox: &Mailbox) -> String {
    mailconform_sim::basic_authorization(&mailbox.login, &mailbox.password)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(status: u16, headers: &[(&str, &str)]) -> Answer {
        let mut map = http::HeaderMap::new();
        for (k, v) in headers {
            map.append(http::HeaderName::from_bytes(k.as_bytes()).unwrap(), v.parse().unwrap());
        }
        Answer { status: http::StatusCode::from_u16(status).unwrap(), headers: map, body: bytes::Bytes::new() }
    }

    fn mailbox() -> Mailbox {
        Mailbox {
            user: "alice".into(),
            login: "alice@example.com".into(),
            email: Some("alice@example.com".into()),
            password: "x".into(),
            password_source: "the password in ALICE_PASSWORD".into(),
        }
    }

    #[test]
    fn html_404_and_redirects_are_not_the_protocol() {
        let page =
            not_the_protocol(&answer(200, &[("content-type", "text/html; charset=utf-8")]), "ActiveSync", "/Microsoft-Server-ActiveSync")
                .unwrap();
        assert!(page.text.contains("an HTML page") && page.fix.unwrap().contains("forms"));
        let missing = not_the_protocol(&answer(404, &[]), "EWS", "/EWS/Exchange.asmx").unwrap();
        assert!(missing.text.contains("404") && missing.fix.unwrap().contains("/EWS/Exchange.asmx"));
        let moved = not_the_protocol(&answer(302, &[("location", "/owa/auth/logon.aspx")]), "EWS", "/EWS/Exchange.asmx").unwrap();
        assert!(moved.text.contains("/owa/auth/logon.aspx"));
        let challenge = [("www-authenticate", "Basic realm=\"x\""), ("content-type", "text/html")];
        assert!(not_the_protocol(&answer(401, &challenge), "EWS", "/EWS/Exchange.asmx").is_none());
    }

    #[test]
    fn a_401_names_the_wrong_password_unless_basic_is_not_offered() {
        let wrong = refused(&answer(401, &[("www-authenticate", "Basic realm=\"x\"")]), &mailbox(), "OPTIONS");
        assert!(wrong.text.contains("wrong password") && wrong.fix.unwrap().contains("ALICE_PASSWORD"));
        let ntlm = refused(&answer(401, &[("www-authenticate", "NTLM"), ("www-authenticate", "Negotiate")]), &mailbox(), "OPTIONS");
        assert!(ntlm.text.contains("offers NTLM, Negotiate, not Basic"), "{}", ntlm.text);
    }
}
