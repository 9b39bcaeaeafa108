//! The record of every provider request, for steps to assert on what a provider sent and
//! what it was told.

use crate::auth::AuthMode;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::sync::Mutex;

/// Entries kept; the oldest are dropped beyond this so a long `serve` cannot grow without end.
pub(crate) const MAX_LOG_ENTRIES: usize = 10_000;

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

#[derive(Default)]
pub(crate) struct RequestLog {
    entries: Mutex<VecDeque<LogEntry>>,
}

impl RequestLog {
    pub(crate) fn push(&self, e: LogEntry) {
        let mut v = self.entries.lock().expect("log poisoned");
        v.push_back(e);
        while v.len() > MAX_LOG_ENTRIES {
            v.pop_front();
        }
    }

    pub(crate) fn entries(&self) -> Vec<LogEntry> {
        self.entries.lock().expect("log poisoned").iter().cloned().collect()
    }
}
