//! The client side of every fake's control API: JSON over HTTPS at the role's control URL.
//!
//! Steps drive and observe roles through this and through the roles' own protocols, never
//! through a fake's memory, so a step works the same against an in-process fake and a served one.

use crate::error::SimError;
use crate::http::client::{HttpClient, RequestOptions};
use crate::rng::SeededRng;
use bytes::Bytes;
use std::time::Duration;

#[derive(Clone)]
pub struct ControlClient {
    http: HttpClient,
    base: String,
}

/// A control call that did not give the answer expected, with what came back.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    #[error(transparent)]
    Transport(#[from] SimError),
    #[error("{method} {url} answered {status}: {body}")]
    Status { method: String, url: String, status: u16, body: String },
    #[error("{url} answered with JSON that does not parse: {reason}")]
    Json { url: String, reason: String },
}

impl ControlClient {
    pub fn new(http: HttpClient, control_url: &str) -> Self {
        ControlClient { http, base: control_url.trim_end_matches('/').to_string() }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    pub async fn get(&self, path: &str) -> Result<serde_json::Value, ControlError> {
        self.call(http::Method::GET, path, None, Duration::from_secs(30)).await
    }

    /// A GET whose JSON answer is read as `T`; an answer of another shape is an error, never a default.
    pub async fn get_as<T: serde::de::DeserializeOwned>(&self, path: &str) -> Result<T, ControlError> {
        let v = self.get(path).await?;
        serde_json::from_value(v).map_err(|e| ControlError::Json { url: format!("{}{path}", self.base), reason: e.to_string() })
    }

    /// A POST whose JSON answer is read as `T`.
    pub async fn post_as<T: serde::de::DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, ControlError> {
        let v = self.post(path, body).await?;
        serde_json::from_value(v).map_err(|e| ControlError::Json { url: format!("{}{path}", self.base), reason: e.to_string() })
    }

    /// A GET that may legitimately wait (a long poll) up to `timeout`.
    pub async fn get_waiting(&self, path: &str, timeout: Duration) -> Result<serde_json::Value, ControlError> {
        self.call(http::Method::GET, path, None, timeout).await
    }

    /// A POST whose answer may legitimately take long (an action that holds a long poll).
    pub async fn post_waiting<T: serde::de::DeserializeOwned>(
        &self,
        path: &str,
        body: &serde_json::Value,
        timeout: Duration,
    ) -> Result<T, ControlError> {
        let v = self.call(http::Method::POST, path, Some(body), timeout).await?;
        serde_json::from_value(v).map_err(|e| ControlError::Json { url: format!("{}{path}", self.base), reason: e.to_string() })
    }

    pub async fn post(&self, path: &str, body: &serde_json::Value) -> Result<serde_json::Value, ControlError> {
        self.call(http::Method::POST, path, Some(body), Duration::from_secs(30)).await
    }

    pub async fn put(&self, path: &str, body: &serde_json::Value) -> Result<serde_json::Value, ControlError> {
        self.call(http::Method::PUT, path, Some(body), Duration::from_secs(30)).await
    }

    pub async fn delete(&self, path: &str) -> Result<serde_json::Value, ControlError> {
        self.call(http::Method::DELETE, path, None, Duration::from_secs(30)).await
    }

    async fn call(
        &self,
        method: http::Method,
        path: &str,
        body: Option<&serde_json::Value>,
        timeout: Duration,
    ) -> Result<serde_json::Value, ControlError> {
        let url = format!("{}{}", self.base, path);
        let bytes = body.map(|b| Bytes::from(serde_json::to_vec(b).unwrap_or_default())).unwrap_or_default();
        let req = http::Request::builder()
            .method(method.clone())
            .uri(&url)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(bytes)
            .map_err(|e| SimError::BadUrl { url: url.clone(), reason: e.to_string() })?;
        let resp = self.http.send(req, &RequestOptions { timeout, ..Default::default() }).await?;
        let status = resp.status().as_u16();
        let text = String::from_utf8_lossy(resp.body()).to_string();
        if !(200..300).contains(&status) {
            return Err(ControlError::Status { method: method.to_string(), url, status, body: text });
        }
        if text.trim().is_empty() {
            return Ok(serde_json::Value::Null);
        }
        serde_json::from_str(&text).map_err(|e| ControlError::Json { url, reason: e.to_string() })
    }
}

/// What every fake is given: how to reach other hosts, what time it is, and where its
/// randomness comes from.
#[derive(Clone)]
pub struct FakeEnv {
    pub http: HttpClient,
    pub clock: crate::Clock,
    pub rng: SeededRng,
}
