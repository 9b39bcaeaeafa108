//! Exchange's control contract: deliver mail, change read state, read subscriptions,
//! deliveries and EWS requests, change the authentication methods. Routes, bodies and the
//! typed client.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/_mailconform/mailboxes/{email}/messages` | [`NewMessage`] | 201 [`Delivered`]: the message is in the inbox |
//! | `POST` | `/_mailconform/messages` | [`BulkDelivery`] | 201 [`BulkDelivered`]: many messages in one call (load runs) |
//! | `POST` | `/_mailconform/mailboxes/{email}/messages/{id}/read` | [`ReadChange`] | [`UnreadCount`] |
//! | `POST` | `/_mailconform/mailboxes/{email}/read-all` | | [`UnreadCount`]: the whole inbox is read |
//! | `GET` | `/_mailconform/mailboxes/{email}/inbox` | | [`Inbox`] |
//! | `POST` | `/_mailconform/mailboxes/{email}/notes` | [`CompanionItem`] | 201 [`StoredItem`]: a note (ActiveSync side only) |
//! | `POST` | `/_mailconform/mailboxes/{email}/tasks` | [`CompanionItem`] | 201 [`StoredItem`]: a task (ActiveSync side only) |
//! | `GET` | `/_mailconform/subscriptions` | | `Vec<`[`SubscriptionView`]`>`: every push subscription and its state |
//! | `GET` | `/_mailconform/requests` | query `after`, `limit` ([`PageQuery`]) | [`EwsRequestPage`]: the EWS requests after `after` |
//! | `GET` | `/_mailconform/deliveries` | query `after`, `limit` ([`PageQuery`]) | [`DeliveryPage`]: the SendNotification POSTs after `after`, with time and outcome |
//! | `GET` | `/_mailconform/auth` | | [`AuthSettings`] |
//! | `PUT` | `/_mailconform/auth` | [`AuthChange`] | [`AuthSettings`] |
//!
//! The ActiveSync side has its own control API under `/_mailconform/activesync`
//! (devices, device policy, log, ...): see [`mailconform_activesync::server::contract`];
//! [`ExchangeControl::activesync`] is its client.
//!
//! The two journals keep the newest entries only (`FakeEnv::journal_capacity`, 10,000 by
//! default) and answer one page at a time: `?after=<seq>&limit=<n>` (see
//! [`mailconform_sim::journal`]); [`ExchangeControl::requests`] reads them all.
//!
//! Refusals are `{"error": …}`: 404 for an unknown mailbox or message, 400 for a body that
//! does not parse (with an example of the expected one).

use super::push::{EndReason, SubscriptionState};
use mailconform_activesync::server::contract::{DevicePolicySetting, EasControl, Partnership};
use mailconform_activesync::server::RequestRecord;
use mailconform_activesync::DevicePolicy;
use mailconform_auth::{AuthMethod, OAuthTrust};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, Page, CONTROL_PREFIX};

pub use mailconform_sim::PageQuery;
use serde::{Deserialize, Deserializer, Serialize};

pub use mailconform_activesync::server::contract::StoredItem;

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Deliver,
    DeliverBulk,
    MarkRead,
    ReadAll,
    Inbox,
    AddNote,
    AddTask,
    Subscriptions,
    Requests,
    Deliveries,
    Auth,
    SetAuth,
}

pub(crate) const ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(Op::Deliver, "POST", "/mailboxes/{email}/messages"),
        Route::new(Op::DeliverBulk, "POST", "/messages"),
        Route::new(Op::MarkRead, "POST", "/mailboxes/{email}/messages/{id}/read"),
        Route::new(Op::ReadAll, "POST", "/mailboxes/{email}/read-all"),
        Route::new(Op::Inbox, "GET", "/mailboxes/{email}/inbox"),
        Route::new(Op::AddNote, "POST", "/mailboxes/{email}/notes"),
        Route::new(Op::AddTask, "POST", "/mailboxes/{email}/tasks"),
        Route::new(Op::Subscriptions, "GET", "/subscriptions"),
        Route::new(Op::Requests, "GET", "/requests"),
        Route::new(Op::Deliveries, "GET", "/deliveries"),
        Route::new(Op::Auth, "GET", "/auth"),
        Route::new(Op::SetAuth, "PUT", "/auth"),
    ],
);

fn no_subject() -> String {
    "(no subject)".into()
}

fn default_sender() -> String {
    "sender@example.test".into()
}

/// A message to deliver to one mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMessage {
    /// `Subject` of the message (default `(no subject)`).
    #[serde(default = "no_subject")]
    pub subject: String,
    /// Sender's SMTP address (default `sender@example.test`).
    #[serde(default = "default_sender")]
    pub from: String,
}

/// The delivered message and the inbox's unread count after it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivered {
    /// EWS `ItemId` of the new message.
    pub item_id: String,
    /// The inbox's unread count with it.
    pub unread: u32,
}

/// Messages for many mailboxes, delivered in one call.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDelivery {
    /// The messages, delivered in this order.
    pub messages: Vec<BulkMessage>,
}

/// One message of a [`BulkDelivery`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkMessage {
    /// Recipient mailbox's SMTP address.
    pub to: String,
    /// `Subject` of the message (default `(no subject)`).
    #[serde(default = "no_subject")]
    pub subject: String,
    /// Sender's SMTP address (default `sender@example.test`).
    #[serde(default = "default_sender")]
    pub from: String,
}

/// The item IDs of a bulk delivery, in the order of its messages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkDelivered {
    /// EWS `ItemId` of each message.
    pub item_ids: Vec<String>,
}

/// Marks a message read (or unread).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadChange {
    /// `true` (the default) marks it read, `false` unread.
    #[serde(default = "yes")]
    pub read: bool,
}

fn yes() -> bool {
    true
}

/// The inbox's unread count after a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnreadCount {
    /// The inbox's `UnreadCount`: what Secure Mail badges with.
    pub unread: u32,
}

/// What the inbox holds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Inbox {
    /// Items in the inbox (`TotalCount`).
    pub total: usize,
    /// Unread items in the inbox (`UnreadCount`).
    pub unread: u32,
    /// EWS `FolderId` of the inbox.
    pub folder_id: String,
}

/// A note or a task, which live only on the ActiveSync side of the mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanionItem {
    /// `Subject` of the note or task (default `(no subject)`).
    #[serde(default = "no_subject")]
    pub subject: String,
    /// Body text; empty by default.
    #[serde(default)]
    pub body: String,
    /// Tasks: `xs:dateTime` due (empty: none).
    #[serde(default)]
    pub due: String,
}

/// What the control API shows of a push subscription.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionView {
    /// EWS `SubscriptionId` ([MS-OXWSNTIF]).
    pub id: String,
    /// SMTP address of the subscribed mailbox.
    pub mailbox: String,
    /// The subscriber's URL Exchange POSTs `SendNotification` to.
    pub url: String,
    /// `StatusFrequency` in minutes: the retry window and the longest silence before a status notification.
    pub status_frequency: u32,
    /// `RequestServerVersion` the subscription was made with.
    pub version: String,
    /// Virtual ms since the run started when it was made.
    pub created_ms: u64,
    /// Where the subscription stands, flattened with a `state` tag.
    #[serde(flatten)]
    pub state: SubscriptionState,
}

/// One EWS request as the server saw it: which host name it came in on, for whom, which operation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EwsRequestRecord {
    /// Virtual ms since the run started.
    pub at_ms: u64,
    /// The host name the request was addressed to (`Host`), one of Exchange's FQDNs.
    pub host: String,
    /// The user it authenticated as (empty when it did not).
    pub user: String,
    /// The EWS operation (`GetFolder`, `Subscribe`, ...).
    pub operation: String,
    /// The authentication method the request used (`basic`, `ntlm`, `negotiate`, ...).
    #[serde(default)]
    pub auth: String,
}

/// A page of Exchange's EWS request journal.
pub type EwsRequestPage = Page<EwsRequestRecord>;

/// A page of Exchange's journal of SendNotification POSTs.
pub type DeliveryPage = Page<DeliveryRecord>;

/// One POST to a subscriber, for reports and for steps that check the retry schedule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveryRecord {
    /// The subscription the notification belongs to.
    pub subscription_id: String,
    /// Virtual milliseconds since the run started.
    pub at_ms: u64,
    /// 0 for a first attempt, k for the k-th retry.
    pub retry: u32,
    /// Event types in the notification (`NewMailEvent`, `StatusEvent`, ...).
    pub events: Vec<String>,
    /// `ok`, `unsubscribe`, or what went wrong.
    pub outcome: String,
    /// The notification's `MoreEvents`: more events were queued than it carried, and another
    /// notification follows at once.
    #[serde(default)]
    pub more_events: bool,
    /// How long the attempt took until its outcome (milliseconds): 0 for a listener that
    /// answers or refuses at once, seconds for a host gone from the network, whose connection
    /// fails only after the network gives up on it.
    #[serde(default)]
    pub took_ms: u64,
}

/// The authentication settings of the EWS and ActiveSync virtual directories.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AuthSettings {
    /// The EWS methods, in IIS order.
    pub ews: Vec<AuthMethod>,
    /// The ActiveSync methods, in IIS order.
    #[serde(default)]
    pub activesync: Vec<AuthMethod>,
    /// The OAuth issuer EWS trusts, if any.
    pub oauth: Option<OAuthTrust>,
    /// The SPN of Exchange's keytab, when it accepts Kerberos.
    pub kerberos_spn: Option<String>,
}

/// A change of the authentication settings: each field present replaces that setting, and
/// at least one of the method lists must be present (and not empty).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuthChange {
    /// New EWS methods; absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ews: Option<Vec<AuthMethod>>,
    /// New ActiveSync methods; absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activesync: Option<Vec<AuthMethod>>,
    /// Absent: unchanged; `null`: trust no issuer; an [`OAuthTrust`]: trust that one.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "present")]
    pub oauth: Option<Option<OAuthTrust>>,
}

/// A field that is present reads as `Some`, even when it is `null`.
fn present<'de, D: Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<T>, D::Error> {
    T::deserialize(d).map(Some)
}

impl Body for NewMessage {
    fn example() -> Self {
        NewMessage { subject: "Quarterly numbers".into(), from: "bob@example.test".into() }
    }
}

impl Body for Delivered {
    fn example() -> Self {
        Delivered { item_id: "AAMkInboxITEM000001".into(), unread: 1 }
    }
}

impl Body for BulkDelivery {
    fn example() -> Self {
        BulkDelivery { messages: vec![BulkMessage::example()] }
    }
}

impl Body for BulkMessage {
    fn example() -> Self {
        BulkMessage { to: "alice@example.test".into(), subject: "Quarterly numbers".into(), from: "bob@example.test".into() }
    }
}

impl Body for BulkDelivered {
    fn example() -> Self {
        BulkDelivered { item_ids: vec!["AAMkInboxITEM000001".into()] }
    }
}

impl Body for ReadChange {
    fn example() -> Self {
        ReadChange { read: false }
    }
}

impl Body for UnreadCount {
    fn example() -> Self {
        UnreadCount { unread: 2 }
    }
}

impl Body for Inbox {
    fn example() -> Self {
        Inbox { total: 3, unread: 2, folder_id: "AAMkInbox".into() }
    }
}

impl Body for CompanionItem {
    fn example() -> Self {
        CompanionItem { subject: "Call Bob".into(), body: "about the numbers".into(), due: "2026-01-09T17:00:00Z".into() }
    }
}

impl Body for SubscriptionView {
    fn example() -> Self {
        SubscriptionView {
            id: "EQBtYWlsLmV4YW1wbGUudGVzdA000001".into(),
            mailbox: "alice@example.test".into(),
            url: "https://us-east-1.listener.example.test/ews/notify/0123456789abcdef".into(),
            status_frequency: 30,
            version: "Exchange2013".into(),
            created_ms: 1_000,
            state: SubscriptionState::Ended { at_ms: 1_800_000, reason: EndReason::NoSuccessfulDelivery },
        }
    }
}

impl Body for EwsRequestRecord {
    fn example() -> Self {
        EwsRequestRecord {
            at_ms: 1_000,
            host: "mail.example.test".into(),
            user: "alice@example.test".into(),
            operation: "Subscribe".into(),
            auth: "ntlm".into(),
        }
    }
}

impl Body for DeliveryRecord {
    fn example() -> Self {
        DeliveryRecord {
            subscription_id: "EQBtYWlsLmV4YW1wbGUudGVzdA000001".into(),
            at_ms: 61_000,
            retry: 1,
            events: vec!["NewMailEvent".into(), "ModifiedEvent".into()],
            outcome: "HTTP 503".into(),
            more_events: false,
            took_ms: 12,
        }
    }
}

impl Body for AuthSettings {
    fn example() -> Self {
        AuthSettings {
            ews: vec![AuthMethod::Negotiate, AuthMethod::Ntlm, AuthMethod::Basic],
            activesync: vec![AuthMethod::Basic],
            oauth: Some(OAuthTrust::example()),
            kerberos_spn: Some("HTTP/mail.example.test".into()),
        }
    }
}

impl Body for AuthChange {
    fn example() -> Self {
        AuthChange {
            ews: Some(vec![AuthMethod::Ntlm, AuthMethod::Basic]),
            activesync: Some(vec![AuthMethod::Basic, AuthMethod::Certificate]),
            oauth: Some(Some(OAuthTrust::example())),
        }
    }
}

/// Typed client of this control API, for steps.
#[derive(Clone)]
pub struct ExchangeControl(pub ControlClient);

impl ExchangeControl {
    /// Delivers a message from `sender@example.test` to `email`'s inbox.
    pub async fn deliver(&self, email: &str, subject: &str) -> Result<Delivered, ControlError> {
        self.0.post(&format!("/mailboxes/{email}/messages"), &NewMessage { subject: subject.into(), from: default_sender() }).await
    }

    /// Deliver one message to each address in one call (load runs).
    pub async fn deliver_bulk(&self, to: &[String], subject: &str) -> Result<BulkDelivered, ControlError> {
        let messages = to.iter().map(|t| BulkMessage { to: t.clone(), subject: subject.into(), from: default_sender() }).collect();
        self.0.post("/messages", &BulkDelivery { messages }).await
    }

    /// Marks one message read or unread; answers the new unread count.
    pub async fn mark_read(&self, email: &str, item_id: &str, read: bool) -> Result<UnreadCount, ControlError> {
        self.0.post(&format!("/mailboxes/{email}/messages/{item_id}/read"), &ReadChange { read }).await
    }

    /// Marks every message of the inbox read.
    pub async fn read_all(&self, email: &str) -> Result<UnreadCount, ControlError> {
        self.0.post_empty(&format!("/mailboxes/{email}/read-all")).await
    }

    /// Counts and folder ID of `email`'s inbox.
    pub async fn inbox(&self, email: &str) -> Result<Inbox, ControlError> {
        self.0.get(&format!("/mailboxes/{email}/inbox")).await
    }

    /// Every push subscription Exchange holds, ended ones included.
    pub async fn subscriptions(&self) -> Result<Vec<SubscriptionView>, ControlError> {
        self.0.get("/subscriptions").await
    }

    /// The client of the ActiveSync side's control API.
    pub fn activesync(&self) -> EasControl {
        let base = format!("{}/activesync", self.0.base().trim_end_matches('/'));
        EasControl(ControlClient::new(self.0.http().clone(), &base))
    }

    /// ActiveSync partnerships (devices) Exchange knows.
    pub async fn activesync_devices(&self) -> Result<Vec<Partnership>, ControlError> {
        self.activesync().devices().await
    }

    /// Changes the EAS device policy (`None` for none) and whether it is enforced.
    pub async fn set_device_policy(&self, policy: Option<DevicePolicy>, enforce: bool) -> Result<(), ControlError> {
        self.activesync().set_device_policy(&DevicePolicySetting { policy, enforce }).await
    }

    /// Every ActiveSync request Exchange answered, with its HTTP status and top-level Status.
    pub async fn activesync_log(&self) -> Result<Vec<RequestRecord>, ControlError> {
        self.activesync().log().await
    }

    /// Adds a note to `email`'s mailbox (ActiveSync side).
    pub async fn add_note(&self, email: &str, subject: &str) -> Result<StoredItem, ControlError> {
        let note = CompanionItem { subject: subject.into(), body: String::new(), due: String::new() };
        self.0.post(&format!("/mailboxes/{email}/notes"), &note).await
    }

    /// Adds a task to `email`'s mailbox (ActiveSync side).
    pub async fn add_task(&self, email: &str, subject: &str) -> Result<StoredItem, ControlError> {
        let task = CompanionItem { subject: subject.into(), body: String::new(), due: String::new() };
        self.0.post(&format!("/mailboxes/{email}/tasks"), &task).await
    }

    /// Every EWS request the journal still holds, oldest first (read page by page).
    pub async fn requests(&self) -> Result<Vec<EwsRequestRecord>, ControlError> {
        self.0.get_journal("/requests").await
    }

    /// One page of the EWS request journal.
    pub async fn requests_page(&self, query: &PageQuery) -> Result<EwsRequestPage, ControlError> {
        self.0.get_page("/requests", query).await
    }

    /// Every SendNotification POST the journal still holds, oldest first.
    pub async fn deliveries(&self) -> Result<Vec<DeliveryRecord>, ControlError> {
        self.0.get_journal("/deliveries").await
    }

    /// One page of the SendNotification journal.
    pub async fn deliveries_page(&self, query: &PageQuery) -> Result<DeliveryPage, ControlError> {
        self.0.get_page("/deliveries", query).await
    }

    /// The EWS authentication methods (in IIS order) and the trusted OAuth issuer.
    pub async fn ews_auth(&self) -> Result<AuthSettings, ControlError> {
        self.0.get("/auth").await
    }

    /// Changes the authentication settings as `change` says.
    pub async fn change_auth(&self, change: &AuthChange) -> Result<AuthSettings, ControlError> {
        self.0.put("/auth", change).await
    }

    /// Replaces the EWS authentication methods.
    pub async fn set_ews_auth(&self, methods: &[AuthMethod]) -> Result<AuthSettings, ControlError> {
        self.change_auth(&AuthChange { ews: Some(methods.to_vec()), ..AuthChange::default() }).await
    }

    /// Replaces the ActiveSync virtual directory's methods.
    pub async fn set_activesync_auth(&self, methods: &[AuthMethod]) -> Result<AuthSettings, ControlError> {
        self.change_auth(&AuthChange { activesync: Some(methods.to_vec()), ..AuthChange::default() }).await
    }

    /// Replaces the methods and the trusted OAuth issuer (`None` trusts none).
    pub async fn set_ews_auth_with_oauth(&self, methods: &[AuthMethod], oauth: Option<&OAuthTrust>) -> Result<AuthSettings, ControlError> {
        self.change_auth(&AuthChange { ews: Some(methods.to_vec()), activesync: None, oauth: Some(oauth.cloned()) }).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<NewMessage>();
        check_round_trip::<Delivered>();
        check_round_trip::<BulkDelivery>();
        check_round_trip::<BulkMessage>();
        check_round_trip::<BulkDelivered>();
        check_round_trip::<ReadChange>();
        check_round_trip::<UnreadCount>();
        check_round_trip::<Inbox>();
        check_round_trip::<CompanionItem>();
        check_round_trip::<SubscriptionView>();
        check_round_trip::<EwsRequestRecord>();
        check_round_trip::<DeliveryRecord>();
        check_round_trip::<EwsRequestPage>();
        check_round_trip::<DeliveryPage>();
        check_round_trip::<AuthSettings>();
        check_round_trip::<AuthChange>();
    }

    #[test]
    fn every_subscription_state_survives_json() {
        for state in [SubscriptionState::Active, SubscriptionState::Retrying { since_ms: 5 }] {
            let s = SubscriptionView { state: state.clone(), ..SubscriptionView::example() };
            let back: SubscriptionView = serde_json::from_value(serde_json::to_value(&s).unwrap()).unwrap();
            assert_eq!(back.state, state);
        }
    }

    #[test]
    fn an_auth_change_tells_absent_from_null() {
        let c: AuthChange = serde_json::from_str(r#"{"ews":["basic"]}"#).unwrap();
        assert_eq!(c.oauth, None);
        let c: AuthChange = serde_json::from_str(r#"{"ews":["basic"],"oauth":null}"#).unwrap();
        assert_eq!(c.oauth, Some(None));
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let ex = {
            let _rt = sim.enter();
            super::super::Exchange::new(env, crate::deployment::default_exchange_config())
        };
        check_handler_serves(&sim, ex, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[ROUTES.listing()]);
    }
}
