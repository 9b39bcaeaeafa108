//! A fake Exchange ActiveSync server: [MS-ASHTTP] on the outside, a [`MemoryStore`] inside.
//!
//! This is the server engine, the second layer of the crate: it reads requests with the
//! transport types of [`crate::http`], answers with the Status values of [`crate::status`],
//! and knows nothing of the client engine ([`crate::client`]).
//!
//! [`EasServer::handle`] takes a request whose user is already authenticated (the host in
//! front of it does Basic auth, forms auth or whatever the scenario plays) and answers as an
//! Exchange or Notes Traveler server would: OPTIONS with the version and command lists,
//! POST commands with WBXML, and every malformed request with the status a real server
//! sends (HTTP 400 for what cannot be parsed, the command's Status for what can).
//!
//! Before a command runs, two gates apply, in this order:
//! 1. a pending remote wipe: every command but Provision is refused (Status 140 from 14.0,
//!    HTTP 449 before), so the device comes to Provision and receives the wipe;
//! 2. with [`EasConfig::enforce_policy`] and a policy, every command but Provision and Ping
//!    needs the device's current policy key (Status 142/144 from 14.0, HTTP 449 before).
//!    Ping is exempt as in Z-Push, so a device in a push loop is not locked out of
//!    recovering; OPTIONS is not a command.
//!
//! One module per command family holds its handler; `devices` holds the per-device state.
//! Scenario steps drive the server through [`EasServer::control`], the JSON control API
//! under [`CONTROL_PATH`] whose routes and bodies [`contract`] lists; the host routes it
//! before authentication.

mod appdata;
mod config;
pub mod contract;
mod control;
mod devices;
mod folders;
mod item_operations;
mod kept;
mod meeting;
mod mime;
mod ping;
mod provision;
mod send_mail;
mod settings;
mod sync;

#[cfg(test)]
mod tests;

pub use crate::policy::DevicePolicy;
pub use config::EasConfig;
pub use contract::{EasControl, Partnership, CONTROL_PATH};
pub use devices::WipeState;

use crate::http::{self as eas_http, response, Command, EasRequest, ProtocolVersion, QueryForm};
use crate::status::{common, Status};
use crate::store::MemoryStore;
use crate::{el, leaf, Document, Element, MeetingResponse as MR, Move};
use devices::DeviceState;
use mailconform_sim::{FakeEnv, Journal, Page, PageQuery, Request, Response};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// The commands this server serves, in the order OPTIONS lists them.
pub(crate) const SERVED_COMMANDS: &[Command] = &[
    Command::Sync,
    Command::SendMail,
    Command::SmartForward,
    Command::SmartReply,
    Command::FolderSync,
    Command::FolderCreate,
    Command::FolderDelete,
    Command::FolderUpdate,
    Command::MoveItems,
    Command::GetItemEstimate,
    Command::MeetingResponse,
    Command::Settings,
    Command::Ping,
    Command::ItemOperations,
    Command::Provision,
];

/// A server-wide condition that overrides normal service, each with the HTTP answer
/// [MS-ASHTTP] gives it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Availability {
    /// Commands are served.
    #[default]
    Normal,
    /// 451 with `X-MS-Location`: the mailbox moved.
    Redirect {
        /// The URL the client must use instead, sent as `X-MS-Location`.
        location: String,
    },
    /// 503 with `Retry-After`.
    Unavailable {
        /// The `Retry-After` value, in seconds.
        retry_after_secs: u64,
    },
    /// 403: the user is not enabled for ActiveSync.
    Disabled,
    /// 456: the device is blocked.
    Blocked,
    /// 457: the password expired.
    PasswordExpired,
}

/// One request as the server saw it, for the control API and reports.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct RequestRecord {
    /// The authenticated login.
    pub user: String,
    /// `POST` or `OPTIONS`.
    pub method: String,
    /// The command; `None` for OPTIONS or a query that could not be read.
    pub command: Option<Command>,
    /// The DeviceId, when the query could be read.
    pub device_id: Option<String>,
    /// The request's version, when known.
    pub protocol_version: Option<ProtocolVersion>,
    /// Which query form the request used.
    pub form: Option<QueryForm>,
    /// The HTTP status of the answer.
    pub http_status: u16,
    /// The top-level `Status` of the WBXML answer, when it has one.
    pub status: Option<Status>,
    /// When it was answered, UNIX milliseconds on the run's clock.
    pub at_ms: u64,
}

type DeviceKey = (String, String);

#[derive(Default)]
struct ServerState {
    /// The device policy in force and whether it is enforced: the configuration's at first,
    /// changed at run time by an administrator (which sends every provisioned device
    /// through a policy refresh).
    policy: Option<DevicePolicy>,
    enforce_policy: bool,
    devices: BTreeMap<DeviceKey, DeviceState>,
    availability: Availability,
    /// Every request answered, newest `FakeEnv::journal_capacity` kept.
    log: Journal<RequestRecord>,
}

/// The fake server. Share it as `Arc<EasServer>`.
pub struct EasServer {
    env: FakeEnv,
    config: EasConfig,
    store: MemoryStore,
    state: Mutex<ServerState>,
    /// Where partnerships are kept, with [`EasConfig::keep_sync_state`].
    kept: Option<kept::Keeper>,
}

/// One command in flight: the parsed request and whose mailbox it concerns.
pub(crate) struct Ctx {
    pub login: String,
    pub key: DeviceKey,
    pub req: EasRequest,
}

impl Ctx {
    pub(crate) fn version(&self) -> ProtocolVersion {
        self.req.protocol_version
    }

    /// The WBXML root, when the request had a body.
    pub(crate) fn root(&self) -> Option<&Element> {
        self.req.body.as_ref().map(|d| &d.root)
    }

    /// The 400 a command that needs a body gets without one.
    pub(crate) fn missing_body(&self) -> Response {
        response::bad_request(&format!("{} needs a WBXML body", self.req.command))
    }
}

impl EasServer {
    /// A server over `store`, configured by `config`, using the fake's clock and randomness.
    pub fn new(env: FakeEnv, config: EasConfig, store: MemoryStore) -> Arc<EasServer> {
        let mut state = ServerState {
            policy: config.policy.clone(),
            enforce_policy: config.enforce_policy,
            log: env.journal(),
            ..ServerState::default()
        };
        let kept = config.keep_sync_state.then(|| {
            let (keeper, devices) = kept::Keeper::open(env.store.clone());
            state.devices = devices;
            keeper
        });
        Arc::new(EasServer { env, config, store, state: Mutex::new(state), kept })
    }

    /// Writes partnership `key` as it is now to the state database, when sync state is kept.
    fn keep(&self, key: &DeviceKey) {
        if let Some(k) = &self.kept {
            k.keep(key, || self.lock().devices.get(key).cloned());
        }
    }

    /// [`Self::keep`] for every partnership.
    fn keep_all(&self) {
        if self.kept.is_some() {
            let keys: Vec<DeviceKey> = self.lock().devices.keys().cloned().collect();
            for key in keys {
                self.keep(&key);
            }
        }
    }

    /// The configuration it was started with.
    pub fn config(&self) -> &EasConfig {
        &self.config
    }

    /// The mailboxes it serves.
    pub fn store(&self) -> &MemoryStore {
        &self.store
    }

    /// The device policy in force (`None`: Policy Status 2, devices accepted without one).
    pub(crate) fn device_policy(&self) -> Option<DevicePolicy> {
        self.lock().policy.clone()
    }

    /// Whether devices must hold the current policy's key before they may sync.
    pub(crate) fn provisioning_required(&self) -> bool {
        let s = self.lock();
        s.enforce_policy && s.policy.is_some()
    }

    /// Whether the policy is enforced (Exchange's `AllowNonProvisionableDevices` off).
    pub fn enforcing(&self) -> bool {
        self.lock().enforce_policy
    }

    /// An administrator changes the device policy. Every device that holds a key must fetch
    /// the new policy: its next command gets Status 143 (HTTP 449 before 14.0), as
    /// [MS-ASPROV] 3.2.5.1 has a server do when the policy changed since the key was issued.
    pub fn set_device_policy(&self, policy: Option<DevicePolicy>, enforce: bool) {
        let mut s = self.lock();
        s.policy = policy;
        s.enforce_policy = enforce;
        for d in s.devices.values_mut() {
            if d.policy_key.is_some() || d.no_policy {
                d.policy_stale = true;
            }
        }
        drop(s);
        self.keep_all();
    }

    fn lock(&self) -> MutexGuard<'_, ServerState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn device_key(&self, user: &str, device_id: &str) -> DeviceKey {
        let login = self.store.resolve(user).unwrap_or_else(|| user.to_ascii_lowercase());
        (login, device_id.to_ascii_lowercase())
    }

    /// Runs `f` on the device's state, creating the partnership on first contact.
    pub(crate) fn with_device<T>(&self, key: &DeviceKey, f: impl FnOnce(&mut DeviceState) -> T) -> T {
        let mut state = self.lock();
        let device = state.devices.entry(key.clone()).or_insert_with(|| DeviceState::new(&key.0, &key.1));
        f(device)
    }

    /// A fresh policy key: a non-zero decimal u32 from the run's seeded randomness.
    pub(crate) fn new_policy_key(&self) -> String {
        loop {
            let k = (self.env.rng.next_u64() & 0xFFFF_FFFF) as u32;
            if k != 0 {
                return k.to_string();
            }
        }
    }

    /// The store's time, or the server clock's when the store has none.
    pub(crate) fn now(&self) -> String {
        let t = self.env.clock.rfc3339();
        t.strip_suffix('Z').map(|b| format!("{b}.000Z")).unwrap_or(t)
    }

    // ----- control operations -----

    /// Marks a device for remote wipe. Its next command (or its pending Ping) learns of it.
    pub fn request_remote_wipe(&self, user: &str, device_id: &str) {
        let key = self.device_key(user, device_id);
        self.with_device(&key, |d| d.wipe = WipeState::Pending);
        self.keep(&key);
        self.store.poke(&key.0);
    }

    /// Withdraws a wipe (the administrator removed the request or the partnership).
    pub(crate) fn cancel_remote_wipe(&self, user: &str, device_id: &str) {
        let key = self.device_key(user, device_id);
        if let Some(d) = self.lock().devices.get_mut(&key) {
            d.wipe = WipeState::None;
        }
        self.keep(&key);
    }

    /// A device partnership (`None` when the server never saw the device).
    pub(crate) fn device_state(&self, user: &str, device_id: &str) -> Option<Partnership> {
        let key = self.device_key(user, device_id);
        self.lock().devices.get(&key).map(DeviceState::partnership)
    }

    /// Every partnership, as the control API shows them.
    pub fn devices(&self) -> Vec<Partnership> {
        self.lock().devices.values().map(DeviceState::partnership).collect()
    }

    /// Removes a partnership: the device starts over (provisioning, key 0 syncs).
    pub(crate) fn remove_device(&self, user: &str, device_id: &str) -> bool {
        let key = self.device_key(user, device_id);
        let removed = self.lock().devices.remove(&key).is_some();
        self.keep(&key);
        removed
    }

    pub(crate) fn set_availability(&self, availability: Availability) {
        self.lock().availability = availability;
    }

    /// Every request the journal still holds, oldest first.
    #[cfg(test)]
    pub(crate) fn request_log(&self) -> Vec<RequestRecord> {
        self.lock().log.to_vec()
    }

    /// One page of the request journal.
    pub(crate) fn request_log_page(&self, query: &PageQuery) -> Page<RequestRecord> {
        self.lock().log.page(query)
    }

    // ----- HTTP -----

    /// Answers one request for the authenticated `user` (a login or address known to the store).
    pub async fn handle(&self, req: Request, user: &str) -> Response {
        let method = req.method().to_string();
        let mut record = RequestRecord {
            user: user.to_string(),
            method: method.clone(),
            command: None,
            device_id: None,
            protocol_version: None,
            form: None,
            http_status: 0,
            status: None,
            at_ms: self.env.clock.elapsed().as_millis() as u64,
        };
        let resp = self.answer(req, user, &mut record).await;
        record.http_status = resp.status().as_u16();
        if response::is_wbxml_content_type(resp.headers().get(::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")) {
            record.status =
                crate::decode(resp.body()).ok().and_then(|d| d.root.child("Status").and_then(Element::text).and_then(|s| s.parse().ok()));
        }
        let mut state = self.lock();
        state.log.push(record);
        drop(state);
        resp
    }

    async fn answer(&self, req: Request, user: &str, record: &mut RequestRecord) -> Response {
        if !self.config.serves_path(req.uri().path()) {
            return response::status(eas_http::code::NOT_FOUND);
        }
        match *req.method() {
            ::http::Method::OPTIONS => {
                return response::options(&self.config.versions, SERVED_COMMANDS, &self.config.server_version_header)
            }
            ::http::Method::POST => {}
            _ => {
                let mut r = response::status(405);
                r.headers_mut().insert(::http::header::ALLOW, ::http::HeaderValue::from_static(response::ALLOWED_METHODS));
                return r;
            }
        }
        let availability = self.lock().availability.clone();
        match availability {
            Availability::Normal => {}
            Availability::Redirect { location } => return response::redirect(&location),
            Availability::Unavailable { retry_after_secs } => return response::unavailable(retry_after_secs),
            Availability::Disabled => return response::status(eas_http::code::FORBIDDEN),
            Availability::Blocked => return response::status(eas_http::code::BLOCKED),
            Availability::PasswordExpired => return response::status(eas_http::code::PASSWORD_EXPIRED),
        }
        let parsed = match EasRequest::from_http(&req) {
            Ok(r) => r,
            Err(e) => return response::bad_request(&e.to_string()),
        };
        record.command = Some(parsed.command);
        record.device_id = Some(parsed.device_id.clone());
        record.protocol_version = Some(parsed.protocol_version);
        record.form = Some(parsed.form);
        if !self.config.versions.contains(&parsed.protocol_version) {
            return response::bad_request(&format!("protocol version {} is not supported", parsed.protocol_version));
        }
        let Some(login) = self.store.resolve(user) else {
            return response::status(eas_http::code::FORBIDDEN);
        };
        let key = (login.clone(), parsed.device_id.to_ascii_lowercase());
        let (wipe, device_key, stale) = self.with_device(&key, |d| {
            d.device_type = parsed.device_type.clone();
            d.protocol_version = Some(parsed.protocol_version);
            if parsed.user_agent.is_some() {
                d.user_agent = parsed.user_agent.clone();
            }
            *d.commands.entry(parsed.command.name().to_string()).or_default() += 1;
            d.last_command = Some(parsed.command);
            (d.wipe.active(), d.policy_key.clone(), d.policy_stale)
        });
        let ctx = Ctx { login, key, req: parsed };
        if wipe && ctx.req.command != Command::Provision {
            return provisioning_signal(&ctx, common::REMOTE_WIPE_REQUESTED);
        }
        if self.provisioning_required() && !matches!(ctx.req.command, Command::Provision | Command::Ping) {
            let sent = ctx.req.policy_key.as_deref().filter(|k| *k != "0");
            if sent.is_none() || sent != device_key.as_deref() {
                let status = if sent.is_none() { common::DEVICE_NOT_PROVISIONED } else { common::INVALID_POLICY_KEY };
                return provisioning_signal(&ctx, status);
            }
            if stale {
                return provisioning_signal(&ctx, common::POLICY_REFRESH);
            }
        }
        let resp = self.dispatch(&ctx).await;
        self.keep(&ctx.key);
        resp
    }

    async fn dispatch(&self, ctx: &Ctx) -> Response {
        match ctx.req.command {
            Command::Provision => self.provision(ctx),
            Command::FolderSync => self.folder_sync(ctx),
            Command::FolderCreate | Command::FolderDelete | Command::FolderUpdate => self.folder_change(ctx),
            Command::Sync => self.sync(ctx).await,
            Command::Ping => self.ping(ctx).await,
            Command::GetItemEstimate => self.get_item_estimate(ctx),
            Command::ItemOperations => self.item_operations(ctx),
            Command::SendMail | Command::SmartReply | Command::SmartForward => self.send_mail(ctx),
            Command::MeetingResponse => self.meeting_response(ctx),
            Command::Settings => self.settings(ctx),
            Command::MoveItems => self.move_items(ctx),
            _ => not_supported(ctx),
        }
    }
}

/// A command's response holding only a global Status: `<FolderSync><Status>142</Status></FolderSync>`.
/// MeetingResponse and MoveItems keep their Status one level down.
pub(crate) fn command_status(command: Command, status: Status) -> Option<Document> {
    if let (Some(root), Some(status_tag)) = (command.root_tag(), command.root_status_tag()) {
        return Some(Document::new(el(root, [leaf(status_tag, status.to_string())])));
    }
    match command {
        Command::MeetingResponse => Some(Document::new(el(MR::MeetingResponse, [el(MR::Result, [leaf(MR::Status, status.to_string())])]))),
        Command::MoveItems => Some(Document::new(el(Move::MoveItems, [el(Move::Response, [leaf(Move::Status, status.to_string())])]))),
        _ => None,
    }
}

/// "Provision first" (or "a wipe awaits"): HTTP 449 up to 12.1, the common status in the
/// command's own response from 14.0.
fn provisioning_signal(ctx: &Ctx, status: Status) -> Response {
    if ctx.version().uses_status_for_provisioning() {
        if let Some(doc) = command_status(ctx.req.command, status) {
            return response::wbxml(&doc);
        }
    }
    response::status(eas_http::code::NEEDS_PROVISIONING)
}

/// A command this server knows but does not serve: Status 137 from 14.0, HTTP 501 before.
fn not_supported(ctx: &Ctx) -> Response {
    if ctx.version() >= ProtocolVersion::V14_0 {
        if let Some(doc) = command_status(ctx.req.command, common::COMMAND_NOT_SUPPORTED) {
            return response::wbxml(&doc);
        }
    }
    response::status(eas_http::code::NOT_IMPLEMENTED)
}

/// A document with `root` and the given children.
pub(crate) fn doc(root: impl Into<crate::Tag>, children: Vec<Element>) -> Document {
    Document::new(el(root, children))
}
