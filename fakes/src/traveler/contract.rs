//! Traveler's control contract: what its administrator changes (notes.ini, the Internet Site,
//! the Internet authentication setting, the sync protocols) and what a tester does with its
//! mailboxes (deliver mail and meeting requests, look at a folder, wipe a device). Routes,
//! bodies and the typed client.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/_mailconform/config` | | [`TravelerConfig`]: the whole configuration |
//! | `PUT` | `/_mailconform/notes-ini` | [`NotesIni`] `{"NTS_AS_ENFORCE_POLICY":"false"}` | [`NotesIniSetting`]: every entry after the change |
//! | `PUT` | `/_mailconform/web-site` | [`WebSite`] | [`WebSite`]: the Internet Site document |
//! | `PUT` | `/_mailconform/internet-authentication` | [`InternetAuthenticationChange`] | [`InternetAuthentication`]: Domino's setting |
//! | `PUT` | `/_mailconform/sync-protocols` | [`SyncProtocolsSetting`] | [`SyncProtocolsSetting`]: what Traveler offers |
//! | `POST` | `/_mailconform/mailboxes/{user}/messages` | [`NewMail`] | 201 [`StoredItem`] |
//! | `POST` | `/_mailconform/mailboxes/{user}/meetings` | [`NewMeeting`] | 201 [`StoredItem`]: a meeting request |
//! | `POST` | `/_mailconform/mailboxes/{user}/meeting-responses` | [`NewMeetingResponse`] | 201 [`StoredItem`]: a meeting response (accepted) |
//! | `GET` | `/_mailconform/mailboxes/{user}/folders/{kind}` | | `Vec<`[`Item`]`>`: what the server holds in a [`FolderKind`] |
//! | `POST` | `/_mailconform/devices/{user}/{device_id}/wipe` | | 202 [`WipeRequested`]: the device wipes at its next request |
//!
//! Refusals are `{"error": …}`: 404 for an unknown mailbox, 400 for a body that does not
//! parse (with an example of the expected one) or an unknown folder kind.

use super::config::{SyncProtocols, TravelerConfig, WebSite};
use super::directory::{DirectoryKind, NameVariations, Person};
use mailconform_activesync::store::message_class;
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use mailconform_activesync::server::contract::{Item, StoredItem};

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Config,
    SetNotesIni,
    SetWebSite,
    SetInternetAuthentication,
    SetSyncProtocols,
    Deliver,
    DeliverMeeting,
    DeliverMeetingResponse,
    Folder,
    Wipe,
}

pub(crate) const ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(Op::Config, "GET", "/config"),
        Route::new(Op::SetNotesIni, "PUT", "/notes-ini"),
        Route::new(Op::SetWebSite, "PUT", "/web-site"),
        Route::new(Op::SetInternetAuthentication, "PUT", "/internet-authentication"),
        Route::new(Op::SetSyncProtocols, "PUT", "/sync-protocols"),
        Route::new(Op::Deliver, "POST", "/mailboxes/{user}/messages"),
        Route::new(Op::DeliverMeeting, "POST", "/mailboxes/{user}/meetings"),
        Route::new(Op::DeliverMeetingResponse, "POST", "/mailboxes/{user}/meeting-responses"),
        Route::new(Op::Folder, "GET", "/mailboxes/{user}/folders/{kind}"),
        Route::new(Op::Wipe, "POST", "/devices/{user}/{device_id}/wipe"),
    ],
);

/// notes.ini entries to set (names are upper-cased; values are text, as in the file).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct NotesIni(pub BTreeMap<String, String>);

/// Every notes.ini entry after a change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotesIniSetting {
    /// Every `notes.ini` entry, by name.
    pub notes_ini: BTreeMap<String, String>,
}

/// A change of Domino's Internet authentication setting; an absent field stays as it is.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetAuthenticationChange {
    /// New name variations; absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name_variations: Option<NameVariations>,
    /// New directory; absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub directory: Option<DirectoryKind>,
}

/// Domino's Internet authentication setting.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InternetAuthentication {
    /// Which login names Domino accepts.
    pub name_variations: NameVariations,
    /// Where users are looked up.
    pub directory: DirectoryKind,
}

/// The sync protocols Traveler offers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyncProtocolsSetting {
    /// The protocols offered to devices.
    pub sync_protocols: SyncProtocols,
}

fn no_subject() -> String {
    "(no subject)".into()
}

fn sender() -> String {
    "sender@example.test".into()
}

fn bob() -> String {
    "bob@example.test".into()
}

fn meeting() -> String {
    "Meeting".into()
}

fn monday_ten() -> String {
    "2026-01-06T10:00:00Z".into()
}

fn monday_eleven() -> String {
    "2026-01-06T11:00:00Z".into()
}

fn accepted() -> String {
    "Accepted".into()
}

fn accepted_class() -> String {
    message_class::MEETING_ACCEPTED.into()
}

/// A mail to deliver.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMail {
    /// `Subject` (default `(no subject)`).
    #[serde(default = "no_subject")]
    pub subject: String,
    /// Sender's SMTP address (default `sender@example.test`).
    #[serde(default = "sender")]
    pub from: String,
    /// Body text; empty by default.
    #[serde(default)]
    pub body: String,
}

/// A meeting request to deliver; `start` and `end` are `xs:dateTime`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeeting {
    /// `Subject` (default `Meeting`).
    #[serde(default = "meeting")]
    pub subject: String,
    /// Organizer's SMTP address (default `bob@example.test`).
    #[serde(default = "bob")]
    pub organizer: String,
    /// Start, `xs:dateTime` (default `2026-01-06T10:00:00Z`).
    #[serde(default = "monday_ten")]
    pub start: String,
    /// End, `xs:dateTime` (default `2026-01-06T11:00:00Z`).
    #[serde(default = "monday_eleven")]
    pub end: String,
    /// Location; empty by default.
    #[serde(default)]
    pub location: String,
}

/// A meeting response to deliver (accepted unless `message_class` says otherwise).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewMeetingResponse {
    /// `Subject` (default `Accepted`).
    #[serde(default = "accepted")]
    pub subject: String,
    /// Attendee's SMTP address (default `bob@example.test`).
    #[serde(default = "bob")]
    pub from: String,
    /// Message class ([MS-ASEMAIL] `MessageClass`; default `IPM.Schedule.Meeting.Resp.Pos`).
    #[serde(default = "accepted_class")]
    pub message_class: String,
}

/// The folders the control API shows, named as in the path.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FolderKind {
    /// The Inbox (`inbox`).
    Inbox,
    /// The calendar (`calendar`).
    Calendar,
    /// The contacts (`contacts`).
    Contacts,
    /// Sent Items (`sent`).
    Sent,
    /// Deleted Items (`deleted`).
    Deleted,
}

impl FolderKind {
    /// Every kind the control API shows.
    pub const ALL: [FolderKind; 5] = [FolderKind::Inbox, FolderKind::Calendar, FolderKind::Contacts, FolderKind::Sent, FolderKind::Deleted];

    /// The path segment.
    pub fn as_str(self) -> &'static str {
        match self {
            FolderKind::Inbox => "inbox",
            FolderKind::Calendar => "calendar",
            FolderKind::Contacts => "contacts",
            FolderKind::Sent => "sent",
            FolderKind::Deleted => "deleted",
        }
    }

    /// The ActiveSync folder type of this kind ([MS-ASCMD] 2.2.3.186.3).
    pub fn folder_type(self) -> mailconform_activesync::store::FolderType {
        use mailconform_activesync::store::FolderType;
        match self {
            FolderKind::Inbox => FolderType::Inbox,
            FolderKind::Calendar => FolderType::Calendar,
            FolderKind::Contacts => FolderType::Contacts,
            FolderKind::Sent => FolderType::SentItems,
            FolderKind::Deleted => FolderType::DeletedItems,
        }
    }

    /// The kind a path segment names (`inbox`, `calendar`, ...).
    pub fn parse(s: &str) -> Option<FolderKind> {
        FolderKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// A remote wipe now waits for the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WipeRequested {
    /// Where the wipe stands.
    pub wipe: WipeStatus,
}

/// Where a remote wipe ([MS-ASPROV] RemoteWipe) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WipeStatus {
    /// Requested: the device is told to wipe at its next request.
    Requested,
}

impl Body for TravelerConfig {
    fn example() -> Self {
        let mut c = TravelerConfig::recommended("traveler.example.test");
        c.web_site = WebSite::example();
        c.people.push(Person {
            hierarchical_name: "Alice Example/Sales/Example".into(),
            first_name: "Alice".into(),
            last_name: "Example".into(),
            short_name: "alice".into(),
            internet_address: "alice@example.test".into(),
            ldap_uid: "aexample".into(),
            http_password: "alice-pw".into(),
        });
        c
    }
}

impl Body for NotesIni {
    fn example() -> Self {
        NotesIni(BTreeMap::from([("NTS_AS_ENFORCE_POLICY".to_string(), "false".to_string())]))
    }
}

impl Body for NotesIniSetting {
    fn example() -> Self {
        NotesIniSetting { notes_ini: NotesIni::example().0 }
    }
}

impl Body for WebSite {
    fn example() -> Self {
        WebSite {
            session_authentication: true,
            override_session_authentication: vec!["/traveler*".into()],
            substitutions: vec![super::config::Substitution {
                from: "/Microsoft-Server-ActiveSync*".into(),
                to: "/traveler/Microsoft-Server-ActiveSync*".into(),
            }],
        }
    }
}

impl Body for InternetAuthenticationChange {
    fn example() -> Self {
        InternetAuthenticationChange { name_variations: Some(NameVariations::More), directory: Some(DirectoryKind::Ldap) }
    }
}

impl Body for InternetAuthentication {
    fn example() -> Self {
        InternetAuthentication { name_variations: NameVariations::Fewer, directory: DirectoryKind::Domino }
    }
}

impl Body for SyncProtocolsSetting {
    fn example() -> Self {
        SyncProtocolsSetting { sync_protocols: SyncProtocols::SyncMlPrimary }
    }
}

impl Body for NewMail {
    fn example() -> Self {
        NewMail { subject: "Quarterly numbers".into(), from: "bob@example.test".into(), body: "See attached.".into() }
    }
}

impl Body for NewMeeting {
    fn example() -> Self {
        NewMeeting {
            subject: "Planning".into(),
            organizer: "bob@example.test".into(),
            start: "2026-01-06T10:00:00Z".into(),
            end: "2026-01-06T11:00:00Z".into(),
            location: "Room 1".into(),
        }
    }
}

impl Body for NewMeetingResponse {
    fn example() -> Self {
        NewMeetingResponse {
            subject: "Accepted: Planning".into(),
            from: "bob@example.test".into(),
            message_class: message_class::MEETING_TENTATIVE.into(),
        }
    }
}

impl Body for FolderKind {
    fn example() -> Self {
        FolderKind::Calendar
    }
}

impl Body for WipeRequested {
    fn example() -> Self {
        WipeRequested { wipe: WipeStatus::Requested }
    }
}

/// Typed client of this control API, for steps.
#[derive(Clone)]
pub struct TravelerControl(pub ControlClient);

impl TravelerControl {
    /// Sets one `notes.ini` entry; answers every entry after the change.
    pub async fn set_notes_ini(&self, name: &str, value: &str) -> Result<NotesIniSetting, ControlError> {
        self.0.put("/notes-ini", &NotesIni(BTreeMap::from([(name.to_string(), value.to_string())]))).await
    }
    /// Traveler's whole configuration.
    pub async fn config(&self) -> Result<TravelerConfig, ControlError> {
        self.0.get("/config").await
    }
    /// Replaces the Internet Site document (authentication and web-site rules).
    pub async fn set_web_site(&self, site: &WebSite) -> Result<WebSite, ControlError> {
        self.0.put("/web-site", site).await
    }
    /// Sets Domino's Internet authentication setting.
    pub async fn set_internet_authentication(
        &self,
        name_variations: NameVariations,
        directory: DirectoryKind,
    ) -> Result<InternetAuthentication, ControlError> {
        let change = InternetAuthenticationChange { name_variations: Some(name_variations), directory: Some(directory) };
        self.0.put("/internet-authentication", &change).await
    }
    /// Sets the sync protocols Traveler offers.
    pub async fn set_sync_protocols(&self, sync_protocols: SyncProtocols) -> Result<SyncProtocolsSetting, ControlError> {
        self.0.put("/sync-protocols", &SyncProtocolsSetting { sync_protocols }).await
    }
    /// Delivers a mail from `sender@example.test` to `user`'s Inbox.
    pub async fn deliver(&self, user: &str, subject: &str) -> Result<StoredItem, ControlError> {
        self.0.post(&format!("/mailboxes/{user}/messages"), &NewMail { subject: subject.into(), from: sender(), body: String::new() }).await
    }
    /// Delivers a meeting request from `bob@example.test` to `user`.
    pub async fn deliver_meeting(&self, user: &str, subject: &str) -> Result<StoredItem, ControlError> {
        let meeting =
            NewMeeting { subject: subject.into(), organizer: bob(), start: monday_ten(), end: monday_eleven(), location: String::new() };
        self.0.post(&format!("/mailboxes/{user}/meetings"), &meeting).await
    }
    /// Delivers an accepted meeting response from `bob@example.test` to `user`.
    pub async fn deliver_meeting_response(&self, user: &str, subject: &str) -> Result<StoredItem, ControlError> {
        let response = NewMeetingResponse { subject: subject.into(), from: bob(), message_class: accepted_class() };
        self.0.post(&format!("/mailboxes/{user}/meeting-responses"), &response).await
    }
    /// What the server holds in one of `user`'s folders.
    pub async fn folder(&self, user: &str, kind: FolderKind) -> Result<Vec<Item>, ControlError> {
        self.0.get(&format!("/mailboxes/{user}/folders/{}", kind.as_str())).await
    }
    /// Requests a remote wipe of `user`'s device `device_id`.
    pub async fn wipe(&self, user: &str, device_id: &str) -> Result<WipeRequested, ControlError> {
        self.0.post_empty(&format!("/devices/{user}/{device_id}/wipe")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<TravelerConfig>();
        check_round_trip::<NotesIni>();
        check_round_trip::<NotesIniSetting>();
        check_round_trip::<WebSite>();
        check_round_trip::<InternetAuthenticationChange>();
        check_round_trip::<InternetAuthentication>();
        check_round_trip::<SyncProtocolsSetting>();
        check_round_trip::<NewMail>();
        check_round_trip::<NewMeeting>();
        check_round_trip::<NewMeetingResponse>();
        check_round_trip::<FolderKind>();
        check_round_trip::<WipeRequested>();
        check_round_trip::<Item>();
        check_round_trip::<StoredItem>();
    }

    #[test]
    fn folder_kinds_are_their_path_segments() {
        for k in FolderKind::ALL {
            assert_eq!(FolderKind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), k.as_str());
        }
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let t = {
            let _rt = sim.enter();
            super::super::Traveler::new(env, TravelerConfig::recommended("traveler.example.test"))
        };
        check_handler_serves(&sim, t, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[ROUTES.listing()]);
    }
}
