//! `run --record DIR`: each scenario's exchanges with the real components, as files a person
//! can read and attach to a bug report, and a test can replay (wiremock).
//!
//! `DIR/<feature>-<line>/exchanges.json` lists the exchanges in order (time since the first,
//! method, URL, status or error, headers with credentials redacted, and the names of the body
//! files); each body is `NNN-request.bin` / `NNN-response.bin`, and a WBXML body is also
//! decoded to `NNN-request.xml` / `NNN-response.xml`.

use crate::error::CliError;
use crate::run::ScenarioResult;
use mailconform_sim::http::record::RecordedExchange;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The listing of one scenario's exchanges.
pub(crate) const LISTING: &str = "exchanges.json";

/// ActiveSync's WBXML media type.
const WBXML: &str = "application/vnd.ms-sync.wbxml";

/// One exchange as `exchanges.json` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Listed {
    /// Milliseconds since the scenario's first exchange.
    pub after_ms: u64,
    #[serde(flatten)]
    pub exchange: RecordedExchange,
    /// The body files, beside `exchanges.json` (`None` for an empty body).
    pub request_body: Option<String>,
    pub request_xml: Option<String>,
    pub response_body: Option<String>,
    pub response_xml: Option<String>,
}

/// The directory a scenario's exchanges go to: `activesync-exchange.feature-21`.
pub(crate) fn scenario_dir(root: &Path, s: &ScenarioResult) -> PathBuf {
    let stem = s.file.trim_start_matches("features/").replace(['/', '\\'], "-");
    root.join(format!("{stem}-{}", s.line))
}

fn content_type(headers: &[(String, String)]) -> Option<&str> {
    headers.iter().find(|(n, _)| n.eq_ignore_ascii_case("content-type")).map(|(_, v)| v.as_str())
}

/// Writes `body` as `NNN-<side>.bin`, and as `.xml` too when it is WBXML that decodes.
fn write_body(
    dir: &Path,
    n: usize,
    side: &str,
    body: &[u8],
    headers: &[(String, String)],
) -> Result<(Option<String>, Option<String>), CliError> {
    if body.is_empty() {
        return Ok((None, None));
    }
    let bin = format!("{n:03}-{side}.bin");
    crate::report::write(&dir.join(&bin), body)?;
    let xml = match content_type(headers).is_some_and(|t| t.starts_with(WBXML)) {
        true => mailconform_activesync::decode(body).ok().map(|doc| doc.to_xml_string()),
        false => None,
    };
    let xml_name = match xml {
        Some(text) => {
            let name = format!("{n:03}-{side}.xml");
            crate::report::write(&dir.join(&name), text.as_bytes())?;
            Some(name)
        }
        None => None,
    };
    Ok((Some(bin), xml_name))
}

/// Writes the scenario's exchanges under `root`; returns their listing (empty when it had none).
pub(crate) fn write(root: &Path, s: &ScenarioResult) -> Result<Vec<Listed>, CliError> {
    if s.recorded.is_empty() {
        return Ok(Vec::new());
    }
    let dir = scenario_dir(root, s);
    std::fs::create_dir_all(&dir).map_err(|source| CliError::ReportDir { path: dir.clone(), source })?;
    let first = s.recorded.first().map(|e| e.at_ms).unwrap_or_default();
    let mut listed = Vec::new();
    for (i, e) in s.recorded.iter().enumerate() {
        let n = i + 1;
        let (request_body, request_xml) = write_body(&dir, n, "request", &e.request_body, &e.request_headers)?;
        let (response_body, response_xml) = write_body(&dir, n, "response", &e.response_body, &e.response_headers)?;
        listed.push(Listed {
            after_ms: e.at_ms.saturating_sub(first),
            exchange: e.clone(),
            request_body,
            request_xml,
            response_body,
            response_xml,
        });
    }
    let json = serde_json::to_vec_pretty(&listed).map_err(|e| CliError::Harness(format!("{LISTING}: {e}")))?;
    crate::report::write(&dir.join(LISTING), &json)?;
    Ok(listed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bytes::Bytes;
    use mailconform_activesync::{el, leaf, Document, FolderHierarchy};

    #[test]
    fn bodies_are_written_as_bytes_and_wbxml_also_as_xml() {
        let wbxml =
            mailconform_activesync::encode(&Document::new(el(FolderHierarchy::FolderSync, [leaf(FolderHierarchy::SyncKey, "0")]))).unwrap();
        let exchange = |at_ms, body: Vec<u8>, status| RecordedExchange {
            at_ms,
            method: "POST".into(),
            url: "http://127.0.0.1:20000/SOGo/Microsoft-Server-ActiveSync?Cmd=FolderSync&User=alice".into(),
            request_headers: vec![("content-type".into(), WBXML.into()), ("authorization".into(), "(redacted)".into())],
            request_body: Bytes::from(body),
            status,
            response_headers: vec![("content-type".into(), "text/plain".into())],
            response_body: Bytes::from_static(b"plain"),
            error: None,
        };
        let s = ScenarioResult {
            file: "features/activesync/exchange.feature".into(),
            line: 21,
            feature: "F".into(),
            rule: None,
            name: "S".into(),
            outcome: crate::summary::Outcome::Passed,
            virtual_time: std::time::Duration::ZERO,
            failure: None,
            verdicts: vec![],
            recorded: vec![exchange(1_000, wbxml.clone(), Some(200)), exchange(1_250, Vec::new(), None)],
        };
        let root = std::env::temp_dir().join(format!("mailconform-record-{}", std::process::id()));
        let listed = write(&root, &s).unwrap();
        let dir = root.join("activesync-exchange.feature-21");
        assert_eq!(std::fs::read(dir.join("001-request.bin")).unwrap(), wbxml);
        let xml = std::fs::read_to_string(dir.join("001-request.xml")).unwrap();
        assert!(xml.contains("FolderSync") && xml.contains("SyncKey"), "{xml}");
        assert_eq!(std::fs::read(dir.join("001-response.bin")).unwrap(), b"plain");
        assert!(!dir.join("001-response.xml").exists(), "a text body is not WBXML");
        assert_eq!((listed[1].after_ms, listed[1].request_body.as_deref()), (250, None));
        let json: Vec<Listed> = serde_json::from_slice(&std::fs::read(dir.join(LISTING)).unwrap()).unwrap();
        assert_eq!(json[0].exchange.url, s.recorded[0].url);
        assert_eq!(json[0].request_xml.as_deref(), Some("001-request.xml"));
        std::fs::remove_dir_all(&root).ok();
    }
}
