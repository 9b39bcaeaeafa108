//! The client side of every fake's control API: JSON over HTTPS at the role's control URL.
//! Each role's `*Control` client wraps one of these and sends and reads the types of its
//! `contract` module (see [`crate::contract`]).
//!
//! Steps drive and observe roles through this and through the roles' own protocols, never
//! through a fake's memory, so a step works the same against an in-process fake and a served one.

use crate::error::SimError;
use crate::http::client::{HttpClient, RequestOptions};
use crate::journal::{Page, PageQuery};
use crate::rng::SeededRng;
use bytes::Bytes;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::time::Duration;

/// How long a control call that should answer at once may take.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// A role's control API at its control URL (`https://<host>/_mailconform`).
#[derive(Clone)]
pub struct ControlClient {
    http: HttpClient,
    base: String,
}

/// A control call that did not give the answer expected, with what came back.
#[derive(Debug, thiserror::Error)]
pub enum ControlError {
    /// The call never got an answer (refused, timed out, TLS failed).
    #[error(transparent)]
    Transport(#[from] SimError),
    /// An answer other than 2xx; the role's JSON error is in `body`.
    #[error("{method} {url} answered {status}: {body}")]
    Status {
        /// The request's method.
        method: String,
        /// The full URL called.
        url: String,
        /// The HTTP status.
        status: u16,
        /// The answer's body as text.
        body: String,
    },
    /// A 2xx answer whose body is not the contract's type.
    #[error("{url} answered with JSON that does not parse: {reason}")]
    Json {
        /// The full URL called.
        url: String,
        /// serde's complaint.
        reason: String,
    },
}

impl ControlClient {
    /// Calls `control_url` (an [`crate::Endpoint::control_url`]) through `http`.
    pub fn new(http: HttpClient, control_url: &str) -> Self {
        ControlClient { http, base: control_url.trim_end_matches('/').to_string() }
    }

    /// The control URL, without a trailing slash.
    pub fn base(&self) -> &str {
        &self.base
    }

    /// The HTTP client calls go through (to make a client of a neighbouring API).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }

    /// A GET whose JSON answer is read as `T`; an answer of another shape is an error, never a default.
    pub async fn get<T: DeserializeOwned>(&self, path: &str) -> Result<T, ControlError> {
        self.call::<(), T>(http::Method::GET, path, None, DEFAULT_TIMEOUT).await
    }

    /// One page of a journal route (`path?after=..&limit=..`, see [`crate::journal`]).
    pub async fn get_page<T: DeserializeOwned>(&self, path: &str, query: &PageQuery) -> Result<Page<T>, ControlError> {
        self.get(&format!("{path}?{}", query.to_query())).await
    }

    /// Every entry a journal route holds, read page by page from the oldest.
    pub async fn get_journal<T: DeserializeOwned>(&self, path: &str) -> Result<Vec<T>, ControlError> {
        let mut query = PageQuery { after: 0, limit: crate::journal::MAX_PAGE };
        let mut all = Vec::new();
        loop {
            let page: Page<T> = self.get_page(path, &query).await?;
            all.extend(page.entries);
            if !page.more || page.next <= query.after {
                return Ok(all);
            }
            query.after = page.next;
        }
    }

    /// A GET that may legitimately wait (a long poll) up to `timeout`.
    pub async fn get_waiting<T: DeserializeOwned>(&self, path: &str, timeout: Duration) -> Result<T, ControlError> {
        self.call::<(), T>(http::Method::GET, path, None, timeout).await
    }

    /// A POST of `body`, its answer read as `T`.
    pub async fn post<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, ControlError> {
        self.call(http::Method::POST, path, Some(body), DEFAULT_TIMEOUT).await
    }

    /// A POST without a body (an action that takes no parameters).
    pub async fn post_empty<T: DeserializeOwned>(&self, path: &str) -> Result<T, ControlError> {
        self.call::<(), T>(http::Method::POST, path, None, DEFAULT_TIMEOUT).await
    }

    /// A POST whose answer may legitimately take long (an action that holds a long poll, or
    /// waits on servers behind it); `body` may be absent.
    pub async fn post_waiting<B: Serialize, T: DeserializeOwned>(
        &self,
        path: &str,
        body: Option<&B>,
        timeout: Duration,
    ) -> Result<T, ControlError> {
        self.call(http::Method::POST, path, body, timeout).await
    }

    /// A PUT of `body` as JSON whose answer is read as `T`.
    pub async fn put<B: Serialize, T: DeserializeOwned>(&self, path: &str, body: &B) -> Result<T, ControlError> {
        self.call(http::Method::PUT, path, Some(body), DEFAULT_TIMEOUT).await
    }

    /// A DELETE whose answer is read as `T`.
    pub async fn delete<T: DeserializeOwned>(&self, path: &str) -> Result<T, ControlError> {
        self.call::<(), T>(http::Method::DELETE, path, None, DEFAULT_TIMEOUT).await
    }

    /// One call: `body` as JSON, a 2xx answer read as `T` (an empty answer reads as `null`,
    /// which is `()` or `None`), anything else a [`ControlError::Status`].
    pub async fn call<B: Serialize, T: DeserializeOwned>(
        &self,
        method: http::Method,
        path: &str,
        body: Option<&B>,
        timeout: Duration,
    ) -> Result<T, ControlError> {
        let url = format!("{}{}", self.base, path);
        let bytes = match body {
            Some(b) => Bytes::from(serde_json::to_vec(b).map_err(|e| ControlError::Json { url: url.clone(), reason: e.to_string() })?),
            None => Bytes::new(),
        };
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
        let text = if text.trim().is_empty() { "null" } else { text.as_str() };
        serde_json::from_str(text).map_err(|e| ControlError::Json { url, reason: e.to_string() })
    }
}

/// What every fake is given: how to reach other hosts, what time it is, where its
/// randomness comes from, how much of its traffic it records, and where it keeps what must
/// survive a restart.
#[derive(Clone)]
pub struct FakeEnv {
    /// Reaches other hosts: the simulated network, or real sockets when served.
    pub http: HttpClient,
    /// The run's time, the only clock a fake reads.
    pub clock: crate::Clock,
    /// This fake's own stream of the run's randomness (ids, tokens).
    pub rng: SeededRng,
    /// Entries each of the fake's journals keeps ([`crate::journal`]): request logs,
    /// deliveries, pushes, events.
    pub journal_capacity: usize,
    /// The fake's part of the state database (the state directory's when served, the
    /// scenario's in memory in a simulation).
    pub store: crate::store::RoleStore,
    /// How long the fake lives: its background tasks ([`Self::spawn`]) end with it when its
    /// role restarts.
    pub life: crate::Lifetime,
}

impl FakeEnv {
    /// An environment with journals of [`crate::journal::DEFAULT_CAPACITY`] entries and no
    /// state kept across restarts.
    pub fn new(http: HttpClient, clock: crate::Clock, rng: SeededRng) -> FakeEnv {
        FakeEnv {
            http,
            clock,
            rng,
            journal_capacity: crate::journal::DEFAULT_CAPACITY,
            store: crate::store::RoleStore::default(),
            life: crate::Lifetime::default(),
        }
    }

    /// Starts a background task of the fake (a push delivery, a timer), which ends when it
    /// finishes or when the fake's role restarts: a restarted process keeps none of its tasks.
    pub fn spawn<F>(&self, task: F)
    where
        F: std::future::Future<Output = ()> + Send + 'static,
    {
        self.life.spawn(task);
    }

    /// An empty journal of this environment's capacity.
    pub fn journal<T>(&self) -> crate::journal::Journal<T> {
        crate::journal::Journal::new(self.journal_capacity)
    }
}
