//! What a client sent to one server and what came back, kept in order: the record of a run
//! against a real component (`mailconform run --record`), so that a failure can be read and
//! the exchanges replayed later (wiremock, in the client's own tests).
//!
//! Secrets do not get into the record: `Authorization`, `Proxy-Authorization` and `Cookie`
//! request headers and `Set-Cookie` response headers are kept by name with the value replaced.

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// What a redacted header's value becomes.
pub const REDACTED: &str = "(redacted)";

/// Headers whose values are credentials.
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// One request and its answer (or why there was none).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedExchange {
    /// When the request left: UNIX milliseconds on the client's clock.
    pub at_ms: u64,
    /// `POST`, `OPTIONS`, ...
    pub method: String,
    /// The request URL, as the client had it.
    pub url: String,
    /// Request headers in order, secrets redacted.
    pub request_headers: Vec<(String, String)>,
    /// The request body.
    #[serde(skip)]
    pub request_body: Bytes,
    /// The answer's status, or `None` when the request failed.
    pub status: Option<u16>,
    /// Response headers in order, secrets redacted.
    pub response_headers: Vec<(String, String)>,
    /// The response body.
    #[serde(skip)]
    pub response_body: Bytes,
    /// Why there was no answer (timeout, refused, reset), when there was none.
    pub error: Option<String>,
}

/// Keeps the exchanges of the clients it is given to ([`crate::HttpClient::recording`]) with
/// the hosts it is told to watch.
#[derive(Clone, Default)]
pub struct Recorder {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    /// `host:port` pairs whose exchanges are kept; empty keeps every exchange.
    hosts: Vec<(String, u16)>,
    kept: Vec<RecordedExchange>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.lock().expect("recorder poisoned");
        f.debug_struct("Recorder").field("hosts", &inner.hosts).field("kept", &inner.kept.len()).finish()
    }
}

impl Recorder {
    /// A recorder that keeps the exchanges with `host:port` only (call again for more hosts).
    pub fn watch(&self, host: &str, port: u16) {
        let mut inner = self.inner.lock().expect("recorder poisoned");
        let key = (host.to_ascii_lowercase(), port);
        if !inner.hosts.contains(&key) {
            inner.hosts.push(key);
        }
    }

    /// Whether a request to `host:port` is kept.
    pub(crate) fn watches(&self, host: &str, port: u16) -> bool {
        let inner = self.inner.lock().expect("recorder poisoned");
        inner.hosts.is_empty() || inner.hosts.iter().any(|(h, p)| h.eq_ignore_ascii_case(host) && *p == port)
    }

    pub(crate) fn keep(&self, exchange: RecordedExchange) {
        self.inner.lock().expect("recorder poisoned").kept.push(exchange);
    }

    /// The exchanges kept so far, in the order the requests left; the recorder is emptied.
    pub fn take(&self) -> Vec<RecordedExchange> {
        std::mem::take(&mut self.inner.lock().expect("recorder poisoned").kept)
    }
}

/// `headers` as (name, value) pairs, secrets redacted.
pub(crate) fn redacted(headers: &http::HeaderMap) -> Vec<(String, String)> {
    headers
        .iter()
        .map(|(name, value)| {
            let value = if SECRET_HEADERS.contains(&name.as_str()) {
                REDACTED.to_string()
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name.as_str().to_string(), value)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_are_redacted_and_the_rest_kept_in_order() {
        let mut h = http::HeaderMap::new();
        h.insert("authorization", "Basic YWxpY2U6YWxpY2UtcHc=".parse().unwrap());
        h.insert("ms-asprotocolversion", "14.1".parse().unwrap());
        h.append("cookie", "s=1".parse().unwrap());
        let r = redacted(&h);
        assert_eq!(r.iter().find(|(n, _)| n == "authorization").map(|(_, v)| v.as_str()), Some(REDACTED));
        assert_eq!(r.iter().find(|(n, _)| n == "cookie").map(|(_, v)| v.as_str()), Some(REDACTED));
        assert_eq!(r.iter().find(|(n, _)| n == "ms-asprotocolversion").map(|(_, v)| v.as_str()), Some("14.1"));
        assert!(!format!("{r:?}").contains("YWxpY2U"), "{r:?}");
    }

    #[test]
    fn only_watched_hosts_are_kept() {
        let r = Recorder::default();
        assert!(r.watches("any.example.test", 443), "watching nothing keeps everything");
        r.watch("127.0.0.1", 20000);
        assert!(r.watches("127.0.0.1", 20000) && !r.watches("127.0.0.1", 443) && !r.watches("mail.example.test", 20000));
    }
}
