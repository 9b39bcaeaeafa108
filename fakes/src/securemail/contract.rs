//! The device's control contract: what a tester does with the phone. Every route answers
//! the device's state after the action, with the action's error if it failed
//! ([`DeviceStateView`]). Routes, bodies and the typed client.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/_mailconform/launch` | [`NotificationChoice`] | [`DeviceStateView`]: the app opens (the first launch runs set-up) |
//! | `POST` | `/_mailconform/logon` | | [`DeviceStateView`]: the user logs on (Secure Hub) at the gateway and Endpoint Management, as the MDX network policies need: a new session, a new ticket |
//! | `POST` | `/_mailconform/foreground` | | [`DeviceStateView`]: the app comes to the foreground (and checks its registration) |
//! | `POST` | `/_mailconform/background` | | [`DeviceStateView`] |
//! | `POST` | `/_mailconform/policy` | [`PolicyChange`] | [`DeviceStateView`]: the admin changes the APNs policy |
//! | `POST` | `/_mailconform/policy-check` | [`NotificationChoice`] | [`DeviceStateView`]: the app checks in for policies |
//! | `POST` | `/_mailconform/background-refresh` | | [`DeviceStateView`]: iOS wakes the app in the background |
//! | `POST` | `/_mailconform/eas/connect` | | [`DeviceStateView`]: the ActiveSync account connects (OPTIONS through Sync) |
//! | `POST` | `/_mailconform/eas/sync` | | [`DeviceStateView`] |
//! | `POST` | `/_mailconform/eas/ping` | | [`DeviceStateView`]: one Ping, answered when the server's is |
//! | `POST` | `/_mailconform/eas/delete` | [`EasDelete`] | [`DeviceStateView`]: a message is deleted |
//! | `POST` | `/_mailconform/eas/meeting-response` | [`MeetingReply`] | [`DeviceStateView`] |
//! | `POST` | `/_mailconform/eas/send` | [`EasSend`] | [`DeviceStateView`] |
//! | `POST` | `/_mailconform/companion/sync` | [`CompanionSync`] | [`DeviceStateView`]: Secure Notes or Secure Tasks syncs |
//! | `POST` | `/_mailconform/smime/import` | [`SmimeImport`] | [`DeviceStateView`]: the user opens a PFX attached to a message, with its password |
//! | `POST` | `/_mailconform/smime/choose` | [`SmimeChoose`] | [`DeviceStateView`]: the user says which role the certificate the app asked about takes |
//! | `POST` | `/_mailconform/smime/settings` | [`SmimeSettings`] | [`DeviceStateView`]: S/MIME, signing, encryption, "Encrypt by default" |
//! | `POST` | `/_mailconform/smime/read` | [`SmimeRead`] | [`DeviceStateView`]: the user opens a message (decrypted, its signature checked) |
//! | `POST` | `/_mailconform/certificate-sources` | [`SourceDeposit`] | [`DeviceStateView`]: a certificate lands in the MDX shared vault (a digital identity provider's app) or in Secure Hub's derived credentials |
//! | `GET` | `/_mailconform/state` | | [`DeviceStateView`]: badge, token, registration, subscription, log |
//!
//! A body that does not parse is refused with 400 and an example of the expected one.

use super::companion::{Companion, CompanionView};
use super::eas::EasView;
use super::{DeviceLogEntry, DeviceState, Permission};
use crate::role_error::{ErrorKind, RoleError};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::time::Duration;

pub use mailconform_activesync::client::MeetingAnswer;
pub use mailconform_activesync::DevicePolicy;

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Launch,
    Foreground,
    Background,
    Policy,
    PolicyCheck,
    BackgroundRefresh,
    EasConnect,
    EasSync,
    EasPing,
    EasDelete,
    EasMeetingResponse,
    EasSend,
    CompanionSync,
    SmimeImport,
    SmimeChoose,
    SmimeSettings,
    SmimeRead,
    SourceDeposit,
    Logon,
    State,
}

pub(crate) const ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(Op::Launch, "POST", "/launch"),
        Route::new(Op::Logon, "POST", "/logon"),
        Route::new(Op::Foreground, "POST", "/foreground"),
        Route::new(Op::Background, "POST", "/background"),
        Route::new(Op::Policy, "POST", "/policy"),
        Route::new(Op::PolicyCheck, "POST", "/policy-check"),
        Route::new(Op::BackgroundRefresh, "POST", "/background-refresh"),
        Route::new(Op::EasConnect, "POST", "/eas/connect"),
        Route::new(Op::EasSync, "POST", "/eas/sync"),
        Route::new(Op::EasPing, "POST", "/eas/ping"),
        Route::new(Op::EasDelete, "POST", "/eas/delete"),
        Route::new(Op::EasMeetingResponse, "POST", "/eas/meeting-response"),
        Route::new(Op::EasSend, "POST", "/eas/send"),
        Route::new(Op::CompanionSync, "POST", "/companion/sync"),
        Route::new(Op::SmimeImport, "POST", "/smime/import"),
        Route::new(Op::SmimeChoose, "POST", "/smime/choose"),
        Route::new(Op::SmimeSettings, "POST", "/smime/settings"),
        Route::new(Op::SmimeRead, "POST", "/smime/read"),
        Route::new(Op::SourceDeposit, "POST", "/certificate-sources"),
        Route::new(Op::State, "GET", "/state"),
    ],
);

fn yes() -> bool {
    true
}

/// The user's answer to iOS's notification prompt, should the action raise it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationChoice {
    /// `true` (the default): the user allows notifications.
    #[serde(default = "yes")]
    pub allow_notifications: bool,
}

/// The admin turns the MDX policy "APNs-based push notifications" on or off; it takes effect
/// at the app's next policy check-in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyChange {
    /// The policy's new value.
    pub apns_push: bool,
}

/// The message (by subject) the user deletes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EasDelete {
    /// Subject of the message in the synced Inbox.
    pub subject: String,
}

/// The user answers the meeting request with this subject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingReply {
    /// Subject of the meeting request in the synced Inbox.
    pub subject: String,
    /// The answer (default: accept).
    #[serde(default = "accept")]
    pub answer: MeetingAnswer,
}

fn accept() -> MeetingAnswer {
    MeetingAnswer::Accept
}

/// A message the user sends.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EasSend {
    /// Recipient's SMTP address.
    pub to: String,
    /// The message's subject.
    pub subject: String,
    /// The message's body text (empty by default).
    #[serde(default)]
    pub body: String,
    /// The lock icon: `true` encrypts, `false` does not; absent, "Encrypt by default" decides.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lock: Option<bool>,
    /// Files attached.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attachments: Vec<super::smime::Attachment>,
}

/// The PFX attached to a message that the user opens, and the password typed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmimeImport {
    /// Subject of the message in the Inbox.
    pub subject: String,
    /// The attachment's file name (`alice-sign.pfx`).
    pub file: String,
    /// The password typed.
    pub password: String,
}

/// The role the user gives the certificate the app asked about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmimeChoose {
    /// `signing` or `encryption`.
    pub role: mailconform_smime::Use,
}

/// The S/MIME settings of the app.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmimeSettings {
    /// S/MIME on.
    #[serde(default)]
    pub enabled: bool,
    /// "Enable signing".
    #[serde(default)]
    pub sign: bool,
    /// "Enable encryption".
    #[serde(default)]
    pub encrypt: bool,
    /// "Encrypt by default".
    #[serde(default)]
    pub encrypt_by_default: bool,
}

/// A certificate with its key (PKCS#12, base64) that lands in a certificate source on the
/// phone, and the file's password.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceDeposit {
    /// `shared_vault` or `derived_credentials`.
    pub source: super::smime::CertificateSource,
    /// The PKCS#12 file, base64.
    pub pfx_base64: String,
    /// Its password.
    pub password: String,
}

/// The message the user opens.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SmimeRead {
    /// Subject of the message in the Inbox.
    pub subject: String,
}

/// The companion app that syncs: `secure notes` or `secure tasks`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanionSync {
    /// `secure notes` or `secure tasks`.
    pub app: String,
}

/// The device's state, with the error of the action that returned it (if it failed).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct DeviceStateView {
    /// The device's state after the action, flattened beside `error`.
    #[serde(flatten)]
    pub state: DeviceState,
    /// The action's failure: its kind and message (see [`crate::role_error`]).
    #[serde(default)]
    pub error: Option<RoleError>,
}

impl std::ops::Deref for DeviceStateView {
    type Target = DeviceState;

    fn deref(&self) -> &DeviceState {
        &self.state
    }
}

impl Body for NotificationChoice {
    fn example() -> Self {
        NotificationChoice { allow_notifications: false }
    }
}

impl Body for PolicyChange {
    fn example() -> Self {
        PolicyChange { apns_push: true }
    }
}

impl Body for EasDelete {
    fn example() -> Self {
        EasDelete { subject: "Quarterly numbers".into() }
    }
}

impl Body for MeetingReply {
    fn example() -> Self {
        MeetingReply { subject: "Planning".into(), answer: MeetingAnswer::Tentative }
    }
}

impl Body for EasSend {
    fn example() -> Self {
        EasSend {
            to: "bob@example.test".into(),
            subject: "Lunch".into(),
            body: "At noon?".into(),
            lock: Some(true),
            attachments: vec![super::smime::Attachment { name: "menu.pdf".into(), content_base64: "JVBERi0=".into() }],
        }
    }
}

impl Body for SmimeImport {
    fn example() -> Self {
        SmimeImport { subject: "Your certificates".into(), file: "alice-sign.pfx".into(), password: "Pfx-2026!".into() }
    }
}

impl Body for SmimeChoose {
    fn example() -> Self {
        SmimeChoose { role: mailconform_smime::Use::Encryption }
    }
}

impl Body for SmimeSettings {
    fn example() -> Self {
        SmimeSettings { enabled: true, sign: true, encrypt: true, encrypt_by_default: false }
    }
}

impl Body for SourceDeposit {
    fn example() -> Self {
        SourceDeposit {
            source: super::smime::CertificateSource::DerivedCredentials,
            pfx_base64: "MIIJ...".into(),
            password: "Pfx-2026!".into(),
        }
    }
}

impl Body for SmimeRead {
    fn example() -> Self {
        SmimeRead { subject: "Quarterly numbers".into() }
    }
}

impl Body for CompanionSync {
    fn example() -> Self {
        CompanionSync { app: Companion::SecureNotes.name().into() }
    }
}

impl Body for DeviceStateView {
    fn example() -> Self {
        let eas = EasView {
            endpoint: "https://mail.example.test/Microsoft-Server-ActiveSync".into(),
            synced: true,
            error: Some(RoleError::new(ErrorKind::HttpStatus { status: 503 }, "Sync: HTTP 503")),
            version: Some("14.1".into()),
            policy: Some(DevicePolicy { device_password_enabled: true, min_device_password_length: Some(6), ..DevicePolicy::default() }),
            policy_not_applied: vec!["RequireDeviceEncryption".into()],
            wiped: false,
            inbox: vec!["Quarterly numbers".into()],
            calendar: vec!["Planning".into()],
            contacts: vec!["Bob Example".into()],
            pings: 2,
            pings_reissued: 1,
            last_inbox_sync: Some(super::eas::InboxSync {
                presented_key: "3".into(),
                sync_key: "4".into(),
                added: vec!["Quarterly numbers".into()],
                changed: 0,
                deleted: 0,
                requests: 1,
            }),
        };
        let notes = CompanionView {
            account: "https://notes.example.test".into(),
            items: vec!["Ideas".into()],
            error: Some(RoleError::new(ErrorKind::Unauthorized, "OPTIONS: HTTP 401")),
        };
        DeviceStateView {
            state: DeviceState {
                launched: true,
                foreground: true,
                permission: Permission::Allowed,
                apns_policy: true,
                pending_apns_policy: Some(false),
                device_token: Some("5f2d0c9a6e8b41d3a7c2e9f0b1d4a6c85f2d0c9a6e8b41d3a7c2e9f0b1d4a6c8".into()),
                registration_id: Some("0123456789abcdef0123456789abcdef".into()),
                notify_url: Some("https://us-east-1.listener.example.test/ews/notify/0123456789abcdef0123456789abcdef".into()),
                subscription_id: Some("EQBtYWlsLmV4YW1wbGUudGVzdA000001".into()),
                inbox_folder_id: Some("AAMkAD00INBOX".into()),
                ews_version: Some("Exchange2013".into()),
                badge: 3,
                pushes_received: 2,
                subscriptions_made: 1,
                status_checks: 4,
                background_refreshes: 1,
                last_error: Some(RoleError::new(ErrorKind::HttpStatus { status: 503 }, "refreshing the badge: EWS answered HTTP 503")),
                log: vec![DeviceLogEntry { at_ms: 1_000, what: "launched".into() }],
                eas,
                companions: BTreeMap::from([(Companion::SecureNotes, notes)]),
                smime: super::smime::SmimeView {
                    enabled: true,
                    signing: Some(super::smime::CertificateInfo {
                        subject: "Alice Example".into(),
                        issuer: "Example Enterprise Root CA".into(),
                        purposes: mailconform_smime::Purposes { signing: true, encryption: false },
                    }),
                    sign_enabled: true,
                    notices: vec!["Certificate imported for signing: Alice Example".into()],
                    last_sent: Some(super::smime::SentView {
                        subject: "Team lunch".into(),
                        signed: true,
                        encrypted: false,
                        not_encrypted_because: Some("carol@example.test has no valid encryption certificate in the directory".into()),
                    }),
                    ..Default::default()
                },
                network: super::network::NetworkView {
                    access: Some(crate::mdx::NetworkAccess::Tunneled),
                    connections: vec![super::network::ConnectionRecord {
                        target: "mail.example.test:443".into(),
                        route: crate::mdx::Route::Sta { gateway: crate::mdx::ServiceAddress::new("gateway.example.test", 443) },
                        prompted: false,
                        error: None,
                    }],
                    logons: 1,
                    auth_prompts: 0,
                    ticket_expires_unix: Some(605_000),
                    needs_logon: false,
                },
            },
            error: Some(RoleError::new(ErrorKind::HttpStatus { status: 412 }, "registering with the listener: HTTP 412")),
        }
    }
}

/// The longest a control action waits for the device when it holds a Ping: the heartbeat
/// and then some.
fn ping_wait() -> Duration {
    Duration::from_secs(u64::from(super::eas::HEARTBEAT_SECS) + 120)
}

/// Typed client of the device's control API, for steps.
#[derive(Clone)]
pub struct DeviceControl(pub ControlClient);

impl DeviceControl {
    async fn act(&self, path: &str) -> Result<DeviceStateView, ControlError> {
        self.0.post_empty(path).await
    }

    /// Opens the app; `allow` answers iOS's notification prompt. The first launch sets up push.
    pub async fn launch(&self, allow: bool) -> Result<DeviceStateView, ControlError> {
        self.0.post("/launch", &NotificationChoice { allow_notifications: allow }).await
    }
    /// The user logs on (Secure Hub): a micro VPN session at the gateway and a new background
    /// services ticket from Endpoint Management, as the policies need.
    pub async fn log_on(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/logon").await
    }
    /// Brings the app to the foreground, where it checks its registration status.
    pub async fn foreground(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/foreground").await
    }
    /// Sends the app to the background.
    pub async fn background(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/background").await
    }
    /// The admin sets the MDX policy "APNs-based push notifications"; effective at the next check-in.
    pub async fn set_policy(&self, apns: bool) -> Result<DeviceStateView, ControlError> {
        self.0.post("/policy", &PolicyChange { apns_push: apns }).await
    }
    /// The app checks in for policies (FAQ Configuration Q13): OFF→ON starts push.
    pub async fn policy_check(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/policy-check").await
    }
    /// iOS wakes the app for background app refresh (how a Traveler account gets mail).
    pub async fn background_refresh(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/background-refresh").await
    }
    /// Connects the ActiveSync account: OPTIONS, Provision, FolderSync and a first Sync.
    pub async fn eas_connect(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/eas/connect").await
    }
    /// Syncs the account's folders.
    pub async fn eas_sync(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/eas/sync").await
    }
    /// One Ping: the answer comes when the server's does, up to the heartbeat later.
    pub async fn eas_ping(&self) -> Result<DeviceStateView, ControlError> {
        self.0.post_waiting::<(), _>("/eas/ping", None, ping_wait()).await
    }
    /// Deletes the message with `subject` from the Inbox (a Sync `Delete`).
    pub async fn eas_delete(&self, subject: &str) -> Result<DeviceStateView, ControlError> {
        self.0.post("/eas/delete", &EasDelete { subject: subject.into() }).await
    }
    /// Answers the meeting request with `subject` ([MS-ASCMD] MeetingResponse).
    pub async fn eas_meeting_response(&self, subject: &str, answer: MeetingAnswer) -> Result<DeviceStateView, ControlError> {
        self.0.post("/eas/meeting-response", &MeetingReply { subject: subject.into(), answer }).await
    }
    /// Sends a message ([MS-ASCMD] SendMail).
    pub async fn eas_send(&self, to: &str, subject: &str) -> Result<DeviceStateView, ControlError> {
        self.0
            .post(
                "/eas/send",
                &EasSend { to: to.into(), subject: subject.into(), body: String::new(), lock: None, attachments: Vec::new() },
            )
            .await
    }
    /// Sends a message as composed: recipients (comma-separated), lock icon, attachments.
    pub async fn send(&self, message: &EasSend) -> Result<DeviceStateView, ControlError> {
        self.0.post("/eas/send", message).await
    }

    /// Opens the PFX `file` attached to the message `subject` with `password`.
    pub async fn smime_import(&self, subject: &str, file: &str, password: &str) -> Result<DeviceStateView, ControlError> {
        self.0.post("/smime/import", &SmimeImport { subject: subject.into(), file: file.into(), password: password.into() }).await
    }

    /// Gives the certificate the app asked about its role.
    pub async fn smime_choose(&self, role: mailconform_smime::Use) -> Result<DeviceStateView, ControlError> {
        self.0.post("/smime/choose", &SmimeChoose { role }).await
    }

    /// Sets the S/MIME settings.
    pub async fn smime_settings(&self, settings: &SmimeSettings) -> Result<DeviceStateView, ControlError> {
        self.0.post("/smime/settings", settings).await
    }

    /// The PKCS#12 file `pfx` (opened by `password`) lands in `source` on the phone.
    pub async fn source_deposit(
        &self,
        source: super::smime::CertificateSource,
        pfx: &[u8],
        password: &str,
    ) -> Result<DeviceStateView, ControlError> {
        use base64::Engine;
        let deposit =
            SourceDeposit { source, pfx_base64: base64::engine::general_purpose::STANDARD.encode(pfx), password: password.into() };
        self.0.post("/certificate-sources", &deposit).await
    }

    /// Opens the message `subject`.
    pub async fn smime_read(&self, subject: &str) -> Result<DeviceStateView, ControlError> {
        self.0.post("/smime/read", &SmimeRead { subject: subject.into() }).await
    }

    /// Syncs a companion app (Secure Notes or Secure Tasks).
    pub async fn companion_sync(&self, app: Companion) -> Result<DeviceStateView, ControlError> {
        self.0.post("/companion/sync", &CompanionSync { app: app.name().into() }).await
    }
    /// The device's state, without acting.
    pub async fn state(&self) -> Result<DeviceStateView, ControlError> {
        self.0.get("/state").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<NotificationChoice>();
        check_round_trip::<PolicyChange>();
        check_round_trip::<EasDelete>();
        check_round_trip::<SmimeImport>();
        check_round_trip::<SmimeChoose>();
        check_round_trip::<SmimeSettings>();
        check_round_trip::<SmimeRead>();
        check_round_trip::<SourceDeposit>();
        check_round_trip::<MeetingReply>();
        check_round_trip::<EasSend>();
        check_round_trip::<CompanionSync>();
        check_round_trip::<DeviceStateView>();
    }

    #[test]
    fn a_bare_launch_allows_notifications() {
        let choice: NotificationChoice = mailconform_sim::contract::parse(b"").unwrap();
        assert!(choice.allow_notifications);
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let d = {
            let _rt = sim.enter();
            let config = crate::deployment::default_device_config("phone", "alice@example.test", crate::listener::Region::Americas);
            super::super::SecureMail::new(env, config)
        };
        check_handler_serves(&sim, d, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[ROUTES.listing()]);
    }
}
