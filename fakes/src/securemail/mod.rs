//! Secure Mail for iOS, simulated: the device side of the APNs push flow (APNs FAQ, Data Flow Q1
//! and Q6, Configuration Q7 and Q13).
//!
//! Set-up on launch: ask for notification permission, get a device token from APNs, register
//! with the listener of its region, read the inbox over EWS, subscribe to EWS push with the
//! listener's URL, hand the subscription ID to the listener. Then: show the badge APNs pushes;
//! while in the foreground, check the registration status every 5 minutes and resubscribe
//! once the listener has not heard from Exchange for 30 minutes.

pub mod companion;
pub mod contract;
mod control;
pub mod eas;
mod error;
mod ews_client;
mod flow;

pub use contract::{DeviceControl, DeviceStateView};
pub use error::SecureMailError;

use mailconform_ews::SchemaVersion;
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, SharedHandler};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Which mail server the account is on. Only Exchange has EWS push (FAQ General Q7); a Notes
/// Traveler account relies on iOS background app refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MailBackend {
    Exchange,
    NotesTraveler,
}

#[derive(Clone, Debug)]
pub struct SecureMailConfig {
    pub device_name: String,
    pub email: String,
    pub login: String,
    pub password: String,
    /// `PushNotificationsEWSHostName`: where EWS is, when it is not the ActiveSync host.
    pub ews_host: String,
    pub activesync_host: String,
    pub listener_base: String,
    pub region: String,
    pub apns_base: String,
    pub apns_environment: String,
    pub app_id: String,
    pub activesync_device_id: String,
    pub ios_version: String,
    pub backend: MailBackend,
    /// The MDX policy "APNs-based push notifications".
    pub apns_policy: bool,
    pub status_frequency_minutes: u32,
    pub silence_before_resubscribe: Duration,
    pub foreground_check_interval: Duration,
    /// Schema versions tried newest first; a server that refuses one gets the next.
    pub ews_versions: Vec<SchemaVersion>,
    /// The MDX "Secure Mail Exchange Server" policy: a bare FQDN or a full ActiveSync URL.
    pub exchange_server: String,
    pub platform: eas::Platform,
    /// The name the user types at login, when it differs from the mailbox login.
    pub eas_login: Option<String>,
    /// EAS device-policy settings (`EASProvisionDoc` names) this device cannot enforce.
    pub eas_unenforceable: Vec<String>,
    /// "Secure Notes Exchange Server" and "Secure Notes user domain" (iOS).
    pub secure_notes: Option<companion::CompanionPolicy>,
    /// "Secure Tasks Exchange Server" and "Secure Tasks user domain".
    pub secure_tasks: Option<companion::CompanionPolicy>,
}

impl SecureMailConfig {
    pub fn ews_host(&self) -> &str {
        if self.ews_host.is_empty() {
            &self.activesync_host
        } else {
            &self.ews_host
        }
    }
}

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    #[default]
    NotAsked,
    Allowed,
    Denied,
}

#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct DeviceLogEntry {
    pub at_ms: u64,
    pub what: String,
}

/// What the device shows and knows; served whole by `GET /_mailconform/state` (inside a
/// [`DeviceStateView`]), and read back from there by [`DeviceControl`].
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DeviceState {
    pub launched: bool,
    pub foreground: bool,
    pub permission: Permission,
    pub apns_policy: bool,
    pub pending_apns_policy: Option<bool>,
    pub device_token: Option<String>,
    pub registration_id: Option<String>,
    pub notify_url: Option<String>,
    pub subscription_id: Option<String>,
    pub inbox_folder_id: Option<String>,
    pub ews_version: Option<String>,
    pub badge: u32,
    pub pushes_received: u64,
    pub subscriptions_made: u32,
    pub status_checks: u32,
    pub background_refreshes: u32,
    /// The last failure of the push set-up or of a status check (cleared by a set-up that
    /// succeeds).
    pub last_error: Option<crate::role_error::RoleError>,
    pub log: Vec<DeviceLogEntry>,
    pub eas: eas::EasView,
    pub companions: std::collections::BTreeMap<companion::Companion, companion::CompanionView>,
}

pub struct SecureMail {
    pub(crate) env: FakeEnv,
    pub(crate) config: SecureMailConfig,
    pub(crate) state: Mutex<DeviceState>,
    /// Serializes set-up and resubscription so a policy check and a status check cannot
    /// subscribe twice at once.
    pub(crate) flow_lock: tokio::sync::Mutex<()>,
    pub(crate) eas: Mutex<Option<Arc<mailconform_activesync::EasClient>>>,
    pub(crate) companions: Mutex<std::collections::BTreeMap<companion::Companion, Arc<mailconform_activesync::EasClient>>>,
}

impl SecureMail {
    pub fn new(env: FakeEnv, config: SecureMailConfig) -> Arc<Self> {
        let state = DeviceState { apns_policy: config.apns_policy, ..DeviceState::default() };
        Arc::new(SecureMail {
            env,
            config,
            state: Mutex::new(state),
            flow_lock: tokio::sync::Mutex::new(()),
            eas: Mutex::new(None),
            companions: Mutex::default(),
        })
    }

    pub(crate) fn log(&self, what: impl Into<String>) {
        let at_ms = self.env.clock.elapsed().as_millis() as u64;
        let what = what.into();
        tracing::debug!(device = %self.config.device_name, at_ms, "{what}");
        self.state.lock().expect("state poisoned").log.push(DeviceLogEntry { at_ms, what });
    }

    pub fn snapshot(&self) -> DeviceState {
        self.state.lock().expect("state poisoned").clone()
    }
}

impl SharedHandler for SecureMail {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let me = self;
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if contract::ROUTES.covers(&path) {
                control::handle(&me, req.method().clone(), &path, req.body()).await
            } else {
                mailconform_sim::http::response(404, "text/plain", "a device serves only its control API")
            }
        })
    }
}
