//! What a client sent to one server and what came back, kept in order: the record of a run
//! against a real component (`mailconform run --record`), so that a failure can be read and
//! the exchanges replayed later (wiremock, in the client's own tests).
//!
//! Secrets do not get into the record: `Authorization`, `Proxy-Authorization` and `Cookie`
//! request headers and `Set-Cookie` response headers are kept by name with the value replaced,
//! and so are the secrets OAuth carries in bodies: a form's `password`, `client_secret` and
//! `refresh_token` (the password grant), a JSON answer's tokens (the token endpoint's).

use bytes::Bytes;
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};

/// What a redacted header's value becomes.
pub const REDACTED: &str = "(redacted)";

/// Headers whose values are credentials.
const SECRET_HEADERS: &[&str] = &["authorization", "proxy-authorization", "cookie", "set-cookie"];

/// Fields of a form or a JSON object whose values are credentials (RFC 6749 §4.3.2, §5.1).
const SECRET_FIELDS: &[&str] = &["password", "client_secret", "refresh_token", "access_token", "id_token"];

/// `body` with the values of its secret fields replaced, when `headers` say it is a form or
/// JSON and it has any; else the very bytes.
pub(crate) fn redacted_body(headers: &http::HeaderMap, body: &Bytes) -> Bytes {
    let content_type = headers.get(http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default().to_ascii_lowercase();
    if content_type.starts_with("application/x-www-form-urlencoded") {
        let pairs: Vec<(String, String)> = form_urlencoded::parse(body).into_owned().collect();
        if !pairs.iter().any(|(k, _)| SECRET_FIELDS.contains(&k.as_str())) {
            return body.clone();
        }
        let mut out = form_urlencoded::Serializer::new(String::new());
        for (k, v) in &pairs {
            out.append_pair(k, if SECRET_FIELDS.contains(&k.as_str()) { REDACTED } else { v });
        }
        return Bytes::from(out.finish());
    }
    if content_type.contains("json") {
        if let Ok(serde_json::Value::Object(mut fields)) = serde_json::from_slice::<serde_json::Value>(body) {
            let mut found = false;
            for name in SECRET_FIELDS {
                if let Some(v) = fields.get_mut(*name) {
                    *v = serde_json::Value::String(REDACTED.into());
                    found = true;
                }
            }
            if found {
                return Bytes::from(serde_json::Value::Object(fields).to_string());
            }
        }
    }
    body.clone()
}

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
    fn the_secrets_of_a_password_grant_and_its_answer_are_redacted() {
        let form = http::HeaderMap::from_iter([(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded".parse().unwrap())]);
        let body = Bytes::from_static(b"grant_type=password&username=alice%40example.test&password=s%26cret&client_id=app");
        let r = String::from_utf8(redacted_body(&form, &body).to_vec()).unwrap();
        assert_eq!(r, "grant_type=password&username=alice%40example.test&password=%28redacted%29&client_id=app");
        let json = http::HeaderMap::from_iter([(http::header::CONTENT_TYPE, "application/json; charset=utf-8".parse().unwrap())]);
        let answer = Bytes::from_static(br#"{"access_token":"eyJ.x.y","token_type":"Bearer","expires_in":3600}"#);
        let r: serde_json::Value = serde_json::from_slice(&redacted_body(&json, &answer)).unwrap();
        assert_eq!(r, serde_json::json!({"access_token": REDACTED, "token_type": "Bearer", "expires_in": 3600}));
        // Bodies without secrets, and of other kinds, are kept byte for byte.
        let plain = Bytes::from_static(b"{ \"issuer\": \"https://idp\" }");
        assert_eq!(redacted_body(&json, &plain), plain);
        let xml = http::HeaderMap::from_iter([(http::header::CONTENT_TYPE, "text/xml".parse().unwrap())]);
        let soap = Bytes::from_static(b"<password>kept: not a form</password>");
        assert_eq!(redacted_body(&xml, &soap), soap);
    }

    #[test]
    fn only_watched_hosts_are_kept() {
        let r = Recorder::default();
        assert!(r.watches("any.example.test", 443), "watching nothing keeps everything");
        r.watch("127.0.0.1", 20000);
        assert!(r.watches("127.0.0.1", 20000) && !r.watches("127.0.0.1", 443) && !r.watches("mail.example.test", 20000));
    }
}
