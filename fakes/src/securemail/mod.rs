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
pub mod network;
pub mod smime;

pub use contract::{DeviceControl, DeviceStateView};

use mailconform_ews::SchemaVersion;
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, SharedHandler};
use serde::Serialize;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Which mail server the account is on. Only Exchange has EWS push (FAQ General Q7); a Notes
/// Traveler account relies on iOS background app refresh.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum MailBackend {
    /// Exchange: ActiveSync for mail, EWS push through the listener for the badge.
    Exchange,
    /// IBM Notes Traveler: ActiveSync only, no EWS push.
    NotesTraveler,
}

/// How one Secure Mail device is set up: identity, account, servers and MDX policies.
#[derive(Clone, Debug)]
pub struct SecureMailConfig {
    /// The phone's name (`alice`): its role is `device.<name>`.
    pub device_name: String,
    /// The mailbox's SMTP address.
    pub email: String,
    /// The mailbox login.
    pub login: String,
    /// The mailbox password.
    pub password: String,
    /// `PushNotificationsEWSHostName`: where EWS is, when it is not the ActiveSync host.
    pub ews_host: String,
    /// The whole EWS URL, when EWS is not at `https://<ews host>/EWS/Exchange.asmx`: a real
    /// Exchange under test (`run --target exchange.ews=URL`).
    pub ews_url: Option<String>,
    /// Who signs in to EWS, when not the mailbox login (a real EWS's own mailbox, while
    /// ActiveSync stays on the built-in Exchange).
    pub ews_credentials: Option<(String, String)>,
    /// Host of the ActiveSync endpoint (and of EWS unless `ews_host` is set).
    pub activesync_host: String,
    /// Base URL of the listener's registration API in the device's region.
    pub listener_base: String,
    /// Region code registered with the listener (`us-east-1`, ...).
    pub region: String,
    /// Base URL of the APNs fake the app asks for a device token.
    pub apns_base: String,
    /// `production` or `sandbox`: the APNs environment of the app's entitlement.
    pub apns_environment: String,
    /// Bundle ID of the wrapped app: the APNs topic.
    pub app_id: String,
    /// ActiveSync DeviceId; the listener gets only its SHA-256.
    pub activesync_device_id: String,
    /// iOS version reported to the listener.
    pub ios_version: String,
    /// Secure Mail's own version (`10.8.10`): S/MIME as seed 002 describes it needs 10.8.10 or
    /// later on both platforms.
    pub app_version: String,
    /// The kind of mail server the account is on.
    pub backend: MailBackend,
    /// The MDX policy "APNs-based push notifications".
    pub apns_policy: bool,
    /// `StatusFrequency` of the EWS push subscription, in minutes (1 to 1440, [MS-OXWSNTIF]).
    pub status_frequency_minutes: u32,
    /// Silence from Exchange after which the app resubscribes (30 minutes, APNs FAQ).
    pub silence_before_resubscribe: Duration,
    /// How often the app checks its registration status while in the foreground (5 minutes).
    pub foreground_check_interval: Duration,
    /// Schema versions tried newest first; a server that refuses one gets the next.
    pub ews_versions: Vec<SchemaVersion>,
    /// The MDX "Secure Mail Exchange Server" policy: a bare FQDN or a full ActiveSync URL.
    pub exchange_server: String,
    /// The phone's OS.
    pub platform: eas::Platform,
    /// The name the user types at login, when it differs from the mailbox login.
    pub eas_login: Option<String>,
    /// EAS device-policy settings (`EASProvisionDoc` names) this device cannot enforce.
    pub eas_unenforceable: Vec<String>,
    /// "Secure Notes Exchange Server" and "Secure Notes user domain" (iOS).
    pub secure_notes: Option<companion::CompanionPolicy>,
    /// "Secure Tasks Exchange Server" and "Secure Tasks user domain".
    pub secure_tasks: Option<companion::CompanionPolicy>,
    /// The S/MIME policies.
    pub smime: smime::SmimePolicies,
    /// The MDX network policies and the gateway and Endpoint Management they rely on; `None`
    /// for a phone that connects straight to every host (no network policy in effect).
    pub network: Option<network::NetworkSetup>,
}

impl SecureMailConfig {
    /// Where the app speaks EWS: `ews_url`, else the standard path on the EWS host.
    pub fn ews_url(&self) -> String {
        match &self.ews_url {
            Some(url) => url.clone(),
            None => format!("https://{}{}", self.ews_host(), crate::exchange::EWS_PATH),
        }
    }

    /// The login and password EWS is signed in with.
    pub fn ews_credentials(&self) -> (&str, &str) {
        match &self.ews_credentials {
            Some((login, password)) => (login, password),
            None => (&self.login, &self.password),
        }
    }

    /// The EWS host: `ews_host`, or the ActiveSync host when it is empty.
    pub fn ews_host(&self) -> &str {
        if self.ews_host.is_empty() {
            &self.activesync_host
        } else {
            &self.ews_host
        }
    }
}

/// Whether the user allowed notifications at iOS's prompt.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    /// Not asked yet (before the first launch).
    #[default]
    NotAsked,
    /// The user allowed notifications.
    Allowed,
    /// The user denied notifications: no device token, no push.
    Denied,
}

/// One line of the device's log.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct DeviceLogEntry {
    /// Virtual ms since the run started.
    pub at_ms: u64,
    /// What happened.
    pub what: String,
}

/// What the device shows and knows; served whole by `GET /_mailconform/state` (inside a
/// [`DeviceStateView`]), and read back from there by [`DeviceControl`].
#[derive(Clone, Debug, Default, Serialize, serde::Deserialize)]
#[serde(default)]
pub struct DeviceState {
    /// The app was launched at least once.
    pub launched: bool,
    /// The app is in the foreground.
    pub foreground: bool,
    /// The answer to iOS's notification prompt.
    pub permission: Permission,
    /// The APNs push MDX policy in effect.
    pub apns_policy: bool,
    /// A policy change not yet picked up by a check-in.
    pub pending_apns_policy: Option<bool>,
    /// APNs device token (hex).
    pub device_token: Option<String>,
    /// Listener registration ID.
    pub registration_id: Option<String>,
    /// URL the listener gave for Exchange's notifications.
    pub notify_url: Option<String>,
    /// EWS `SubscriptionId` of the current push subscription.
    pub subscription_id: Option<String>,
    /// EWS `FolderId` of the inbox.
    pub inbox_folder_id: Option<String>,
    /// EWS schema version the server accepted.
    pub ews_version: Option<String>,
    /// The badge on the app icon: the last unread count pushed or counted.
    pub badge: u32,
    /// Pushes APNs delivered to the device.
    pub pushes_received: u64,
    /// EWS push subscriptions the app made (resubscriptions included).
    pub subscriptions_made: u32,
    /// Registration status checks made.
    pub status_checks: u32,
    /// Background app refreshes iOS granted.
    pub background_refreshes: u32,
    /// The last failure of the push set-up or of a status check (cleared by a set-up that
    /// succeeds).
    pub last_error: Option<crate::role_error::RoleError>,
    /// Everything the app did, oldest first.
    pub log: Vec<DeviceLogEntry>,
    /// The ActiveSync account.
    pub eas: eas::EasView,
    /// The companion apps that synced, by app.
    pub companions: std::collections::BTreeMap<companion::Companion, companion::CompanionView>,
    /// S/MIME: certificates, settings, the last message sent and opened.
    pub smime: smime::SmimeView,
    /// Where the app's connections went under its MDX network policies.
    pub network: network::NetworkView,
}

/// Secure Mail on a phone: the handler of its control API, which drives the protocols underneath.
pub(crate) struct SecureMail {
    pub(crate) env: FakeEnv,
    pub(crate) config: SecureMailConfig,
    pub(crate) state: Mutex<DeviceState>,
    /// Serializes set-up and resubscription so a policy check and a status check cannot
    /// subscribe twice at once.
    pub(crate) flow_lock: tokio::sync::Mutex<()>,
    pub(crate) eas: Mutex<Option<Arc<mailconform_activesync::EasClient>>>,
    pub(crate) companions: Mutex<std::collections::BTreeMap<companion::Companion, Arc<mailconform_activesync::EasClient>>>,
    /// The S/MIME certificates with their keys.
    pub(crate) keys: Mutex<smime::Keys>,
    /// The app's connections routed by its network policies, when it has some.
    pub(crate) routed: Option<Arc<network::Routed>>,
}

impl SecureMail {
    pub(crate) fn new(mut env: FakeEnv, config: SecureMailConfig) -> Arc<Self> {
        let state = DeviceState { apns_policy: config.apns_policy, ..DeviceState::default() };
        let routed = config.network.clone().map(|setup| {
            let (host, port, _) = crate::directory::client::LdapLookup::address(&config.smime.ldap_server);
            let credentials = (config.login.clone(), config.password.clone());
            let apns = config.apns_base.split("://").last().unwrap_or_default().split(['/', ':']).next().unwrap_or_default().to_string();
            let routed = network::Routed::new(env.http.clone(), setup, config.platform, (host, port), vec![apns], credentials);
            env.http = env.http.through(routed.clone());
            routed
        });
        Arc::new(SecureMail {
            routed,
            env,
            config,
            state: Mutex::new(state),
            flow_lock: tokio::sync::Mutex::new(()),
            eas: Mutex::new(None),
            companions: Mutex::default(),
            keys: Mutex::default(),
        })
    }

    pub(crate) fn log(&self, what: impl Into<String>) {
        let at_ms = self.env.clock.elapsed().as_millis() as u64;
        let what = what.into();
        tracing::debug!(device = %self.config.device_name, at_ms, "{what}");
        self.state.lock().expect("state poisoned").log.push(DeviceLogEntry { at_ms, what });
    }

    /// The user logs on again (Secure Hub): a new session at the gateway, a new ticket.
    pub(crate) async fn log_on(&self) -> Result<(), error::SecureMailError> {
        let routed = self.routed.as_ref().ok_or(error::SecureMailError::NoNetworkPolicies)?;
        routed.log_on().await.map_err(error::SecureMailError::Logon)?;
        // The connections of the last session may follow older policies: open new ones.
        self.env.http.reset();
        self.log("logged on");
        Ok(())
    }

    pub(crate) fn snapshot(&self) -> DeviceState {
        let mut s = self.state.lock().expect("state poisoned").clone();
        if let Some(r) = &self.routed {
            s.network = r.view();
        }
        s
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
