//! Push subscriptions and their delivery: notifications, StatusEvent keep-alives, retries,
//! and the end of a subscription.
//!
//! Each subscription is one task. It waits for mailbox events or for its StatusFrequency to
//! run out, POSTs a `SendNotification` to the subscriber, and obeys the answer. When a POST
//! fails (no connection, timeout, an HTTP error, or a body that is not a well-formed
//! `SendNotificationResult`), it retries on [`super::RetrySchedule`] within StatusFrequency,
//! carrying every event that arrived meanwhile, and ends the subscription when the window
//! closes without a success.

use super::contract::{DeliveryRecord, SubscriptionView};
use super::mailbox::{watermark_for, MailboxEvent};
use super::Exchange;
use bytes::Bytes;
use mailconform_ews::{write_send_notification, Event, EventType, Notification, ObjectId, SchemaVersion, SubscriptionStatus};
use mailconform_sim::RequestOptions;
use serde::{Deserialize, Serialize};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::Notify;
use tokio::time::Instant;

pub(super) const SUBSCRIPTION_ID_PREFIX: &str = "EQBtYWlsLmV4YW1wbGUudGVzdA";

/// Events per notification before `MoreEvents` splits the batch.
pub(super) const MAX_EVENTS_PER_NOTIFICATION: usize = 50;

pub(super) const SEND_NOTIFICATION_ACTION: &str = "http://schemas.microsoft.com/exchange/services/2006/messages/SendNotification";

/// Where a subscription stands, as the control API shows it (flattened into
/// [`SubscriptionView`] with a `state` tag).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum SubscriptionState {
    /// Notifications get through (or none was due).
    Active,
    /// A notification failed; retries follow the [`RetrySchedule`](super::RetrySchedule).
    Retrying {
        /// Virtual ms since the run started of the first failed attempt.
        since_ms: u64,
    },
    /// Exchange ended the subscription; it sends nothing more.
    Ended {
        /// Virtual ms since the run started.
        at_ms: u64,
        /// Why it ended.
        reason: EndReason,
    },
}

/// Why Exchange ended a push subscription ([MS-OXWSNTIF] 3.1.4.1 and 3.1.4.3). Serialized in
/// snake_case (`no_successful_delivery`, `unsubscribed`); the words for people are its Display.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EndReason {
    /// No notification reached the subscriber within StatusFrequency of the first failure.
    NoSuccessfulDelivery,
    /// The subscriber answered a notification with Unsubscribe.
    Unsubscribed,
}

impl std::fmt::Display for EndReason {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            EndReason::NoSuccessfulDelivery => "no successful delivery within StatusFrequency: the subscription was ended",
            EndReason::Unsubscribed => "the subscriber answered Unsubscribe",
        })
    }
}

impl SubscriptionState {
    /// Whether Exchange has ended the subscription.
    pub fn is_ended(&self) -> bool {
        matches!(self, SubscriptionState::Ended { .. })
    }

    /// When the subscription ended (virtual ms since the run started), if it has.
    pub fn ended_at_ms(&self) -> Option<u64> {
        match self {
            SubscriptionState::Ended { at_ms, .. } => Some(*at_ms),
            _ => None,
        }
    }

    /// Why the subscription ended, if it has.
    pub fn end_reason(&self) -> Option<EndReason> {
        match self {
            SubscriptionState::Ended { reason, .. } => Some(*reason),
            _ => None,
        }
    }
}

pub struct Subscription {
    pub id: String,
    pub mailbox: String,
    pub folders: Vec<String>,
    pub all_folders: bool,
    pub event_types: Vec<EventType>,
    pub status_frequency: u32,
    pub url: String,
    pub version: SchemaVersion,
    /// Sequence number of the last event the subscriber acknowledged.
    pub acked: u64,
    pub state: SubscriptionState,
    pub created_ms: u64,
    pub wake: Arc<Notify>,
}

impl Subscription {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        id: String,
        mailbox: &str,
        folders: Vec<String>,
        all_folders: bool,
        event_types: Vec<EventType>,
        status_frequency: u32,
        url: String,
        version: SchemaVersion,
        acked: u64,
        created_ms: u64,
    ) -> Self {
        Subscription {
            id,
            mailbox: mailbox.to_string(),
            folders,
            all_folders,
            event_types,
            status_frequency,
            url,
            version,
            acked,
            state: SubscriptionState::Active,
            created_ms,
            wake: Arc::new(Notify::new()),
        }
    }

    fn wants(&self, e: &MailboxEvent) -> bool {
        if !self.event_types.contains(&e.kind) {
            return false;
        }
        self.all_folders
            || self.folders.contains(&e.parent_folder_id.0)
            || e.folder_id.as_ref().is_some_and(|f| self.folders.contains(&f.0))
    }
}

impl From<&Subscription> for SubscriptionView {
    fn from(s: &Subscription) -> Self {
        SubscriptionView {
            id: s.id.clone(),
            mailbox: s.mailbox.clone(),
            url: s.url.clone(),
            status_frequency: s.status_frequency,
            version: s.version.as_str().to_string(),
            created_ms: s.created_ms,
            state: s.state.clone(),
        }
    }
}

pub(super) fn spawn(ex: Arc<Exchange>, id: String, wake: Arc<Notify>) {
    // A task of this Exchange's life: a restart ends it, and the subscription with it.
    let life = ex.env.life.clone();
    life.spawn(async move { run(ex, id, wake).await });
}

enum Attempt {
    Ok,
    Unsubscribe,
    Failed,
    Gone,
}

async fn run(ex: Arc<Exchange>, id: String, wake: Arc<Notify>) {
    let Some(freq) = ex.state.lock().expect("state poisoned").subscriptions.get(&id).map(|s| s.status_frequency) else {
        return;
    };
    let window = Duration::from_secs(u64::from(freq) * 60);
    let mut last_sent = Instant::now();
    loop {
        // Wait for events, or for StatusFrequency without any: then a StatusEvent is due.
        let deadline = last_sent + window;
        loop {
            if pending(&ex, &id).is_none_or(|n| n > 0) {
                break;
            }
            tokio::select! {
                _ = wake.notified() => {}
                _ = tokio::time::sleep_until(deadline) => break,
            }
        }
        let first_failure = Instant::now();
        match attempt(&ex, &id, 0).await {
            Attempt::Ok => {
                last_sent = Instant::now();
                continue;
            }
            Attempt::Unsubscribe => return end(&ex, &id, EndReason::Unsubscribed),
            Attempt::Gone => return,
            Attempt::Failed => {}
        }
        set_state(&ex, &id, SubscriptionState::Retrying { since_ms: ms_since_start(&ex, first_failure) });
        let schedule = ex.config().retry.offsets(window);
        let mut recovered = false;
        for (k, offset) in schedule.iter().enumerate() {
            tokio::time::sleep_until(first_failure + *offset).await;
            match attempt(&ex, &id, k as u32 + 1).await {
                Attempt::Ok => {
                    recovered = true;
                    break;
                }
                Attempt::Unsubscribe => return end(&ex, &id, EndReason::Unsubscribed),
                Attempt::Gone => return,
                Attempt::Failed => {}
            }
        }
        if !recovered {
            tokio::time::sleep_until(first_failure + window).await;
            return end(&ex, &id, EndReason::NoSuccessfulDelivery);
        }
        set_state(&ex, &id, SubscriptionState::Active);
        last_sent = Instant::now();
    }
}

fn ms_since_start(ex: &Exchange, at: Instant) -> u64 {
    let now_ms = ex.now_ms();
    now_ms.saturating_sub(Instant::now().saturating_duration_since(at).as_millis() as u64)
}

/// Unacknowledged events the subscription wants; `None` when it is gone.
fn pending(ex: &Exchange, id: &str) -> Option<usize> {
    let state = ex.state.lock().expect("state poisoned");
    let sub = state.subscriptions.get(id)?;
    if matches!(sub.state, SubscriptionState::Ended { .. }) {
        return None;
    }
    let mb = state.mailboxes.iter().find(|m| m.user.email == sub.mailbox)?;
    Some(unacked(mb, sub.acked).filter(|e| sub.wants(e)).count())
}

/// The events after `acked`: the event table is numbered without gaps, so they are found
/// without walking the mailbox's whole history on every check.
fn unacked(mb: &super::mailbox::Mailbox, acked: u64) -> impl Iterator<Item = &MailboxEvent> {
    mb.events.since(acked)
}

fn set_state(ex: &Exchange, id: &str, st: SubscriptionState) {
    if let Some(s) = ex.state.lock().expect("state poisoned").subscriptions.get_mut(id) {
        if !matches!(s.state, SubscriptionState::Ended { .. }) {
            s.state = st;
        }
    }
}

fn end(ex: &Exchange, id: &str, reason: EndReason) {
    let at_ms = ex.now_ms();
    let mut state = ex.state.lock().expect("state poisoned");
    if let Some(s) = state.subscriptions.get_mut(id) {
        s.state = SubscriptionState::Ended { at_ms, reason };
    }
    tracing::debug!(subscription = id, %reason, "push subscription ended");
}

/// Build the next notification: every unacknowledged event (up to the batch limit), or a
/// StatusEvent when there are none.
fn build(ex: &Exchange, id: &str) -> Option<(Notification, u64, String, SchemaVersion, u64)> {
    let state = ex.state.lock().expect("state poisoned");
    let sub = state.subscriptions.get(id)?;
    if matches!(sub.state, SubscriptionState::Ended { .. }) {
        return None;
    }
    let mb = state.mailboxes.iter().find(|m| m.user.email == sub.mailbox)?;
    let unread_in_events = ex.config().profile.unread_count_in_events() && sub.version >= SchemaVersion::Exchange2010;
    let wanted: Vec<&MailboxEvent> = unacked(mb, sub.acked).filter(|e| sub.wants(e)).collect();
    let head = mb.events.last_seq();
    let previous = watermark_for(&sub.mailbox, sub.acked);
    let batch: Vec<&MailboxEvent> = wanted.iter().take(MAX_EVENTS_PER_NOTIFICATION).copied().collect();
    let more = wanted.len() > batch.len();
    let (events, acked_to) = if batch.is_empty() {
        // A keep-alive: the watermark moves to the head so skipped (unwanted) events are passed.
        (
            vec![Event {
                kind: EventType::Status,
                watermark: watermark_for(&sub.mailbox, head),
                timestamp: None,
                object: None,
                parent_folder_id: None,
                old_object: None,
                old_parent_folder_id: None,
                unread_count: None,
            }],
            head,
        )
    } else {
        let last = batch.last().map(|e| e.seq).unwrap_or(sub.acked);
        let acked_to = if more { last } else { head.max(last) };
        (batch.iter().map(|e| to_wire(e, &sub.mailbox, unread_in_events)).collect(), acked_to)
    };
    let n = Notification { subscription_id: sub.id.clone(), previous_watermark: previous, more_events: more, events };
    Some((n, acked_to, sub.url.clone(), sub.version, u64::from(sub.status_frequency)))
}

fn to_wire(e: &MailboxEvent, email: &str, unread_in_events: bool) -> Event {
    let object = match (&e.item_id, &e.folder_id) {
        (Some((id, ck)), _) => Some(ObjectId::Item { id: id.clone(), change_key: Some(ck.clone()) }),
        (None, Some((id, ck))) => Some(ObjectId::Folder { id: id.clone(), change_key: Some(ck.clone()) }),
        _ => None,
    };
    Event {
        kind: e.kind,
        watermark: watermark_for(email, e.seq),
        timestamp: Some(mailconform_sim::rfc3339(e.at_unix)),
        object,
        parent_folder_id: Some((e.parent_folder_id.0.clone(), Some(e.parent_folder_id.1.clone()))),
        old_object: None,
        old_parent_folder_id: None,
        unread_count: if unread_in_events { e.unread_count } else { None },
    }
}

async fn attempt(ex: &Arc<Exchange>, id: &str, retry: u32) -> Attempt {
    let Some((notification, acked_to, url, version, _)) = build(ex, id) else {
        return Attempt::Gone;
    };
    let kinds: Vec<String> = notification.events.iter().map(|e| e.kind.as_str().to_string()).collect();
    let more_events = notification.more_events;
    let body = write_send_notification(version, std::slice::from_ref(&notification));
    let at_ms = ex.now_ms();
    let req = http::Request::post(&url)
        .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .header("SOAPAction", format!("\"{SEND_NOTIFICATION_ACTION}\""))
        .header(http::header::USER_AGENT, "ExchangeServicesClient/15.00.0847.030")
        .body(Bytes::from(body));
    let opts = RequestOptions { timeout: ex.config().push_timeout, ..Default::default() };
    let (outcome, result) = match req {
        Err(e) => (format!("bad subscription URL: {e}"), Attempt::Failed),
        Ok(req) => match ex.env.http.send(req, &opts).await {
            Err(e) => (e.to_string(), Attempt::Failed),
            Ok(resp) if !resp.status().is_success() => (format!("HTTP {}", resp.status().as_u16()), Attempt::Failed),
            Ok(resp) => match mailconform_ews::parse_send_notification_result(resp.body()) {
                Ok(SubscriptionStatus::Ok) => ("ok".into(), Attempt::Ok),
                Ok(SubscriptionStatus::Unsubscribe) => ("unsubscribe".into(), Attempt::Unsubscribe),
                Err(e) => (format!("unusable SendNotificationResult: {e}"), Attempt::Failed),
            },
        },
    };
    let mut state = ex.state.lock().expect("state poisoned");
    if matches!(result, Attempt::Ok | Attempt::Unsubscribe) {
        if let Some(s) = state.subscriptions.get_mut(id) {
            s.acked = s.acked.max(acked_to);
        }
    }
    let took_ms = ex.now_ms().saturating_sub(at_ms);
    state.deliveries.push(DeliveryRecord { subscription_id: id.to_string(), at_ms, retry, events: kinds, outcome, more_events, took_ms });
    result
}

/// Wake every subscription of `email`: a mailbox event happened.
pub(super) fn poke(ex: &Exchange, email: &str) {
    let state = ex.state.lock().expect("state poisoned");
    for s in state.subscriptions.values().filter(|s| s.mailbox == email) {
        s.wake.notify_one();
    }
}
