//! The listener check: its registration API's list of uploaded certificates (`GET
//! {url}/api/v1/apps`), which needs no device and changes nothing; a listener answers it with
//! a JSON array.

use super::config::Endpoint;
use super::connect::Connection;
use super::http_answer::not_the_protocol;
use super::report::{CheckLine, Step};

const PROTOCOL: &str = "the listener's registration API";

/// `GET /api/v1/apps` at the endpoint's origin: a JSON array of the certificates uploaded.
pub(crate) async fn apps(conn: &mut Connection, endpoint: &Endpoint) -> CheckLine {
    let apps = format!("{}{}/apps", endpoint.origin(), mailconform_fakes::listener::API_PREFIX);
    let request = http::Request::get(apps.as_str()).body(bytes::Bytes::new()).expect("a GET from a checked URI");
    let answer = match conn.send(request).await {
        Ok(a) => a,
        Err(e) => return CheckLine::problem(Step::Http, format!("GET {apps}: {e}"), "check that the url names the listener service"),
    };
    if let Some(problem) = not_the_protocol(&answer, PROTOCOL, mailconform_fakes::listener::API_PREFIX) {
        return problem;
    }
    match serde_json::from_slice::<Vec<serde_json::Value>>(&answer.body) {
        Ok(certificates) if answer.status.is_success() => {
            CheckLine::ok(Step::Http, format!("GET {apps} answered {} certificate(s) uploaded", certificates.len()))
        }
        _ => CheckLine::problem(
            Step::Http,
            format!("GET {apps} answered HTTP {} without the JSON list of uploaded certificates", answer.status.as_u16()),
            format!(
                "point url at the listener service's base URL (its registration API is under {})",
                mailconform_fakes::listener::API_PREFIX
            ),
        ),
    }
}
