//! The UEM console check: its device API, as SEG V2 calls it for every device, asked about a
//! device it does not manage. A console answers that in JSON (404, or the device's standing);
//! a web page, a login redirect or a refusal of anonymous callers says what to fix.

use super::connect::{Answer, Connection};
use super::http_answer::not_the_protocol;
use super::report::{CheckLine, Step};
use mailconform_fakes::uem::contract::API_ROOT;

const PROTOCOL: &str = "the UEM device API";

/// A device no console manages: asking about it changes nothing on the console.
const PROBE_DEVICE: &str = "mailconform-target-check";

/// `GET <origin>/api/mdm/devices/<a device it does not know>/compliance`.
pub(crate) async fn device_api(conn: &mut Connection, url: &http::Uri) -> CheckLine {
    let origin = format!("{}://{}", url.scheme_str().unwrap_or("https"), url.authority().map_or("", |a| a.as_str()));
    let request = http::Request::get(format!("{origin}{API_ROOT}/{PROBE_DEVICE}/compliance")).body(bytes::Bytes::new());
    let answer: Answer = match request {
        Ok(r) => match conn.send(r).await {
            Ok(a) => a,
            Err(e) => return CheckLine::problem(Step::Http, format!("the device API: {e}"), "check that url names the console"),
        },
        Err(e) => return CheckLine::problem(Step::Http, format!("the device API's URL: {e}"), "check url"),
    };
    let json = answer.header("content-type").to_ascii_lowercase().contains("json");
    // What the console says of the device, shown so that a 404 of the device and a 404 of the
    // path can be told apart.
    let said = serde_json::from_slice::<serde_json::Value>(&answer.body)
        .ok()
        .and_then(|v| v["error"].as_str().map(|e| e.chars().take(120).collect::<String>()))
        .unwrap_or_default();
    match answer.status.as_u16() {
        404 if json => CheckLine::ok(Step::Http, format!("the device API answers HTTP 404 (JSON) for {PROBE_DEVICE}: {said:?}")),
        200 if json => CheckLine::ok(Step::Http, format!("the device API answers {PROBE_DEVICE}'s standing (HTTP 200, JSON)")),
        status @ (401 | 403) => CheckLine::problem(
            Step::Auth,
            format!("the device API refuses a caller without credentials (HTTP {status})"),
            "SEG V2 asks the console without credentials here: allow its address, or put the console's API behind what SEG can reach",
        ),
        status => not_the_protocol(&answer, PROTOCOL, API_ROOT).unwrap_or_else(|| {
            CheckLine::problem(
                Step::Http,
                format!("the device API answered HTTP {status} ({:?}) instead of JSON", answer.header("content-type")),
                format!("point url at the console whose device API is {API_ROOT}"),
            )
        }),
    }
}
