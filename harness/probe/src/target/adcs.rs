//! The AD CS web enrollment check: the CA's certificate (`certnew.cer?ReqID=CACert`), which
//! every enrollment page links to and whose download changes nothing on the CA. Without a
//! sign-in the site asks for one; signed in, it answers the certificate in DER. And the
//! directory it publishes to, when the target names it: each mailbox binds and reads its own
//! entry, as Secure Mail reads a recipient's.

use super::config::{Mailbox, Target};
use super::connect::{Answer, Connection};
use super::http_answer::{basic, not_the_protocol, refused, schemes};
use super::report::{CheckLine, EndpointReport, Step};
use mailconform_fakes::adcs::contract::CERTSRV;
use mailconform_fakes::directory::client::LdapLookup;
use std::time::Duration;

const PROTOCOL: &str = "AD CS web enrollment";

/// What the CA's certificate comes as.
const CERTIFICATE_TYPE: &str = "application/pkix-cert";

/// `GET …/certnew.cer?ReqID=CACert&Enc=bin` at the site `url`, signed in or not.
async fn ca_certificate(conn: &mut Connection, url: &http::Uri, authorization: Option<&str>) -> Result<Answer, String> {
    let mut request = http::Request::get(format!("{}/certnew.cer?ReqID=CACert&Enc=bin", url.to_string().trim_end_matches('/')));
    if let Some(value) = authorization {
        request = request.header(http::header::AUTHORIZATION, value);
    }
    conn.send(request.body(bytes::Bytes::new()).map_err(|e| e.to_string())?).await
}

fn is_certificate(a: &Answer) -> bool {
    a.status.is_success() && a.header("content-type").eq_ignore_ascii_case(CERTIFICATE_TYPE)
}

fn not_a_certificate(a: &Answer, what: &str) -> CheckLine {
    CheckLine::problem(
        Step::Http,
        format!("{what} answered HTTP {} {:?} instead of the CA's certificate", a.status.as_u16(), a.header("content-type")),
        format!("point url at the CA's web enrollment site (its standard path is {CERTSRV})"),
    )
}

/// Without a sign-in: the site asks for one (or serves the certificate to anyone).
pub(crate) async fn anonymous(conn: &mut Connection, url: &http::Uri) -> CheckLine {
    let a = match ca_certificate(conn, url, None).await {
        Ok(a) => a,
        Err(e) => {
            return CheckLine::problem(
                Step::Http,
                format!("the CA certificate's download: {e}"),
                "check that url names the CA's web enrollment site",
            )
        }
    };
    if let Some(problem) = not_the_protocol(&a, PROTOCOL, CERTSRV) {
        return problem;
    }
    match a.status.as_u16() {
        401 => CheckLine::ok(Step::Http, format!("the enrollment site asks for a sign-in ({})", schemes(&a))),
        _ if is_certificate(&a) => CheckLine::ok(Step::Http, "the enrollment site serves the CA's certificate without a sign-in"),
        _ => not_a_certificate(&a, "the CA certificate's download"),
    }
}

/// Signed in as `mailbox` (Basic): the CA's certificate.
pub(crate) async fn sign_in(conn: &mut Connection, url: &http::Uri, mailbox: &Mailbox) -> CheckLine {
    let a = match ca_certificate(conn, url, Some(&basic(mailbox))).await {
        Ok(a) => a,
        Err(e) => {
            return CheckLine::problem(
                Step::Auth,
                format!("{}: the CA certificate's download: {e}", mailbox.user),
                "check that the site stays up under a sign-in",
            )
        }
    };
    match a.status.as_u16() {
        401 => refused(&a, mailbox, "the CA certificate's download"),
        _ if is_certificate(&a) => {
            CheckLine::ok(Step::Auth, format!("{}: signed in as {:?}; the CA's certificate downloaded", mailbox.user, mailbox.login))
        }
        _ => not_a_certificate(&a, &format!("{}: signed in, the CA certificate's download", mailbox.user)),
    }
}

/// The directory at `address` (`ldaps://dc.corp.example`) under `base_dn`: each mailbox of
/// `target` binds by its address and reads its entry's `userCertificate`.
pub(crate) async fn directory(target: &Target, address: &str, base_dn: &str, trust: String, timeout: Duration) -> EndpointReport {
    let mut out = EndpointReport { target: target.key.clone(), protocol: "LDAP", url: address.to_string(), trust, lines: Vec::new() };
    let http = target.trust.http_client();
    for m in &target.mailboxes {
        let Some(email) = &m.email else {
            out.lines.push(CheckLine::problem(
                Step::Auth,
                format!("{}: no address to bind with and search the directory for", m.user),
                "give the mailbox its email",
            ));
            continue;
        };
        let bind = Some((email.clone(), m.password.clone()));
        let lookup = LdapLookup::at(http.clone(), address, base_dn, bind, mailconform_sim::Clock::real());
        let line = match tokio::time::timeout(timeout, lookup.user_certificates(email)).await {
            Ok(Ok(found)) => CheckLine::ok(
                Step::Auth,
                format!("{}: bound as {email:?}; the entry's userCertificate holds {} certificate(s)", m.user, found.len()),
            ),
            Ok(Err(e)) => CheckLine::problem(
                Step::Auth,
                format!("{}: {e}", m.user),
                format!("check {} and that {email} is the account's address (a UPN binds), and base_dn", m.password_source),
            ),
            Err(_) => CheckLine::problem(
                Step::Connect,
                format!("{}: the directory did not answer within {} s", m.user, timeout.as_secs()),
                "check that directory names a reachable LDAP server and port",
            ),
        };
        out.lines.push(line);
    }
    out
}
