//! A small ActiveSync client, as the harness's device simulators use it.
//!
//! This is the client engine, the third layer of the crate: it writes requests with the
//! transport types of [`crate::http`] and knows nothing of the server engine, so it works
//! the same against [`crate::server`], a served fake or a real Exchange.
//!
//! It speaks the same wire format as a phone: Basic authentication, the plain query form
//! (or the base64 form on request), WBXML bodies, policy keys in `X-MS-PolicyKey`. It keeps
//! what a device keeps between commands (policy key, hierarchy and collection sync keys,
//! the items it holds) and reacts as a device does: a 449 or Status 140–144 sends it to
//! Provision and retries once, a 451 moves it to the `X-MS-Location` URL, a RemoteWipe is
//! acknowledged and carried out (all local state is dropped and [`EasError::Wiped`] is
//! returned from then on).

mod commands;
mod error;
mod provision;
mod sync;
mod types;
mod wire;

pub use error::EasError;
pub use types::{DeviceInformation, FolderSyncResult, MeetingAnswer, PingOutcome, ProvisionOutcome, ServerOptions, SyncItem, SyncResult};

use crate::http::ProtocolVersion;
use crate::policy::DevicePolicy;
use crate::store::{Folder, FolderType};
use mailconform_sim::HttpClient;
use std::collections::BTreeMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

#[derive(Clone, Debug, Default)]
struct CollectionCache {
    key: Option<String>,
    items: BTreeMap<String, SyncItem>,
}

/// How the account authenticates: Basic with its login and password (the default), an
/// OAuth access token, or a client certificate (certificate-based authentication).
#[derive(Clone)]
pub enum Credentials {
    /// HTTP Basic with the account's login and password.
    Basic,
    /// `Authorization: Bearer` with this OAuth access token (modern authentication).
    Bearer(String),
    /// A TLS client certificate; no `Authorization` header.
    Certificate(mailconform_sim::ClientIdentity),
}

struct ClientState {
    credentials: Credentials,
    base_url: String,
    policy_key: Option<String>,
    policy: Option<DevicePolicy>,
    folder_key: Option<String>,
    folders: BTreeMap<String, Folder>,
    collections: BTreeMap<String, CollectionCache>,
    wiped: bool,
    auto_provision: bool,
    base64_query: bool,
    window_size: u32,
    device_information: DeviceInformation,
    next_client_id: u64,
    /// `EASProvisionDoc` settings this device cannot enforce (e.g. `RequireDeviceEncryption`).
    unenforceable: Vec<String>,
    /// Those of the current policy it acknowledged as not applied (Policy Status 2).
    not_applied: Vec<String>,
    /// Whether Sync asks for whole messages (`MIMESupport` 2, `BodyPreference` Type 4), as a
    /// client reading S/MIME does.
    mime: bool,
}

/// One simulated device's ActiveSync account.
pub struct EasClient {
    http: HttpClient,
    login: String,
    password: String,
    device_id: String,
    device_type: String,
    version: ProtocolVersion,
    state: Mutex<ClientState>,
}

/// Extra time a request may take beyond the long poll it asked for.
const POLL_MARGIN: Duration = Duration::from_secs(120);
/// The timeout of an ordinary command.
const COMMAND_TIMEOUT: Duration = Duration::from_secs(60);

impl EasClient {
    /// A device with nothing synced yet. `base_url` is the ActiveSync endpoint, e.g.
    /// `https://mail.example.test/Microsoft-Server-ActiveSync`.
    pub fn new(
        http: HttpClient,
        base_url: &str,
        login: &str,
        password: &str,
        device_id: &str,
        device_type: &str,
        version: ProtocolVersion,
    ) -> EasClient {
        EasClient {
            http,
            login: login.to_string(),
            password: password.to_string(),
            device_id: device_id.to_string(),
            device_type: device_type.to_string(),
            version,
            state: Mutex::new(ClientState {
                credentials: Credentials::Basic,
                base_url: base_url.to_string(),
                policy_key: None,
                policy: None,
                folder_key: None,
                folders: BTreeMap::new(),
                collections: BTreeMap::new(),
                wiped: false,
                auto_provision: true,
                base64_query: false,
                window_size: 100,
                device_information: DeviceInformation::default(),
                next_client_id: 1,
                unenforceable: Vec::new(),
                not_applied: Vec::new(),
                mime: false,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, ClientState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The protocol version every request is written in.
    pub fn version(&self) -> ProtocolVersion {
        self.version
    }

    /// The DeviceId that, with the user, names the partnership on the server.
    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    /// The endpoint in use (it changes after a 451).
    pub fn base_url(&self) -> String {
        self.lock().base_url.clone()
    }

    /// Provision automatically on 449 / Status 140–144 and retry (on by default).
    pub fn set_auto_provision(&self, on: bool) {
        self.lock().auto_provision = on;
    }

    /// Authenticate with a token or a certificate instead of Basic.
    pub fn set_credentials(&self, credentials: Credentials) {
        self.lock().credentials = credentials;
    }

    /// Send the base64 query form instead of the plain one (12.1 and later only).
    pub fn set_base64_query(&self, on: bool) {
        self.lock().base64_query = on;
    }

    /// The WindowSize of every Sync.
    pub fn set_window_size(&self, n: u32) {
        self.lock().window_size = n.max(1);
    }

    /// Whether Sync asks for whole messages as MIME (`MIMESupport` 2 with `BodyPreference`
    /// Type 4) rather than their text (Type 1).
    pub fn set_mime(&self, on: bool) {
        self.lock().mime = on;
    }

    /// The policy settings (by `EASProvisionDoc` element name) this device cannot enforce.
    /// A policy that demands one of them is acknowledged as partially applied (Policy
    /// Status 2); a server that insists on its whole policy then refuses the device (139).
    pub fn set_unenforceable_policies(&self, settings: Vec<String>) {
        self.lock().unenforceable = settings;
    }

    /// The settings of the current policy this device acknowledged as not applied.
    pub fn policies_not_applied(&self) -> Vec<String> {
        self.lock().not_applied.clone()
    }

    /// What the device reports in Provision (14.1+) and Settings.
    pub fn set_device_information(&self, info: DeviceInformation) {
        self.lock().device_information = info;
    }

    /// The policy key sent in `X-MS-PolicyKey` (or the base64 query), once provisioned.
    pub fn policy_key(&self) -> Option<String> {
        self.lock().policy_key.clone()
    }

    /// Overrides the policy key (a device restored from backup, a stale key).
    pub fn set_policy_key(&self, key: Option<String>) {
        self.lock().policy_key = key;
    }

    /// The policy of the last successful Provision.
    pub fn policy(&self) -> Option<DevicePolicy> {
        self.lock().policy.clone()
    }

    /// Whether the device carried out a remote wipe; every later call is [`EasError::Wiped`].
    pub fn is_wiped(&self) -> bool {
        self.lock().wiped
    }

    /// The hierarchy as of the last FolderSync.
    pub fn folders(&self) -> Vec<Folder> {
        self.lock().folders.values().cloned().collect()
    }

    /// The ServerId of the first folder of a type, from the last FolderSync.
    pub fn folder_id(&self, folder_type: FolderType) -> Option<String> {
        self.lock().folders.values().find(|f| f.folder_type == folder_type).map(|f| f.server_id.clone())
    }

    /// The items the device holds in a collection.
    pub fn items(&self, collection_id: &str) -> Vec<SyncItem> {
        self.lock().collections.get(collection_id).map(|c| c.items.values().cloned().collect()).unwrap_or_default()
    }

    /// The SyncKey the device holds for a collection (`None` before its first Sync).
    pub fn sync_key(&self, collection_id: &str) -> Option<String> {
        self.lock().collections.get(collection_id).and_then(|c| c.key.clone())
    }

    fn wipe_locally(&self) {
        let mut s = self.lock();
        s.wiped = true;
        s.policy_key = None;
        s.policy = None;
        s.folder_key = None;
        s.folders.clear();
        s.collections.clear();
    }
}
