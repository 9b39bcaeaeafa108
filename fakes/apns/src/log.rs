//! The record of every provider request, for steps to assert on what a provider sent and
//! what it was told.

use crate::auth::AuthMode;
use mailconform_sim::{Journal, Page, PageQuery};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;

/// One provider request and its answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    /// When it arrived, UNIX milliseconds on the run's clock.
    pub at_ms: u64,
    /// The device token of the path (lowercased), when the path had a well-formed one.
    pub token: Option<String>,
    /// `apns-topic`, or the certificate's default topic.
    pub topic: Option<String>,
    /// `apns-push-type` as sent, whether valid or not.
    pub push_type: Option<String>,
    /// The `apns-id` of the response.
    pub apns_id: String,
    /// The response's HTTP status: 200, or an error status of Apple's "Handling notification responses from APNs".
    pub status: u16,
    /// The reason of an error response; `None` for 200 (and for 505 to HTTP/1.1).
    pub reason: Option<String>,
    /// Whether the connection was in certificate or token mode.
    pub auth: AuthMode,
}

/// Every provider request and its answer, the newest `FakeEnv::journal_capacity` kept (a
/// provider sending at full speed records about 100,000 a second).
pub(crate) struct RequestLog {
    entries: Mutex<Journal<LogEntry>>,
}

impl RequestLog {
    pub(crate) fn new(capacity: usize) -> Self {
        RequestLog { entries: Mutex::new(Journal::new(capacity)) }
    }

    pub(crate) fn push(&self, e: LogEntry) {
        self.entries.lock().expect("log poisoned").push(e);
    }

    /// One page of the log.
    pub(crate) fn page(&self, query: &PageQuery) -> Page<LogEntry> {
        self.entries.lock().expect("log poisoned").page(query)
    }
}
