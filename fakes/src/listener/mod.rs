//! The vendor's cloud listener service: devices register here, Exchange pushes EWS
//! notifications here, and it turns them into APNs pushes carrying the inbox unread count.
//!
//! It keeps only what the APNs FAQ (Data Flow Q4) lists: device token, EWS subscription ID,
//! inbox folder ID, SHA-256 of the ActiveSync device ID and of the e-mail address, iOS
//! version, and APNs bookkeeping. The registration API refuses anything that is not a hash
//! where a hash belongs, so no address can reach its store by mistake.

mod api;
pub mod contract;
mod control;
pub mod error;
mod notify;
mod region;
mod store;

pub use contract::{ListenerControl, RegistrationClient};
pub use region::Region;
pub use store::{PushRecord, Registration, STATUS_CHECKS_KEPT};

use contract::{API_ROUTES, CONTROL_ROUTES};
use mailconform_sim::contract::error;
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, SharedHandler};
use std::sync::{Arc, Mutex};

/// Where one regional listener runs and how it reaches APNs.
#[derive(Clone, Debug)]
pub(crate) struct ListenerConfig {
    /// The region it serves; it refuses registrations for another.
    pub(crate) region: Region,
    /// Its host name (`<code>.listener.example.test`).
    pub(crate) host: String,
    /// The base URL Exchange reaches it at, when that is not `https://<host>`: a real Exchange
    /// under test posts its notifications to the run's advertised address
    /// ([`mailconform_sim::Hosting::advertised`]).
    pub(crate) public_base: Option<String>,
    /// Where the listener reaches APNs, per environment.
    pub(crate) apns_production: String,
    /// Base URL of APNs' development gateway, for sandbox device tokens.
    pub(crate) apns_sandbox: String,
}

/// One regional listener: the handler of its registration API, Exchange's push endpoint and its control API.
pub(crate) struct Listener {
    pub(crate) env: FakeEnv,
    pub(crate) config: ListenerConfig,
    pub(crate) store: Mutex<store::Store>,
}

impl Listener {
    pub(crate) fn new(env: FakeEnv, config: ListenerConfig) -> Arc<Self> {
        let mut store = store::Store { pushes: env.journal(), ..store::Store::default() };
        // A served listener restarted on its state directory has its devices back, as the
        // vendor's service keeps them in its database.
        for (id, r) in env.store.load::<store::Registration>(KEPT_REGISTRATIONS) {
            store.registrations.insert(id, r);
        }
        // So are the APNs certificates an administrator uploaded.
        for (key, c) in env.store.load::<store::AppCertificate>(KEPT_CERTIFICATES) {
            store.certificates.insert(key, c);
        }
        Arc::new(Listener { env, config, store: Mutex::new(store) })
    }

    /// Writes registration `id` as the store now has it (or forgets it) to the state database.
    pub(crate) fn keep(&self, store: &store::Store, id: &str) {
        match store.registrations.get(id) {
            Some(r) => self.env.store.put(KEPT_REGISTRATIONS, id, r),
            None => self.env.store.delete(KEPT_REGISTRATIONS, id),
        }
    }

    /// Where Exchange posts the notifications of registration `id`.
    pub(crate) fn notify_url(&self, id: &str) -> String {
        match &self.config.public_base {
            Some(base) => format!("{base}{NOTIFY_PATH}{id}"),
            None => format!("https://{}{NOTIFY_PATH}{id}", self.config.host),
        }
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.env.clock.unix_millis()
    }
}

/// The state database's table of device registrations, by registration ID.
const KEPT_REGISTRATIONS: &str = "registrations";

/// The state database's table of uploaded APNs certificates, by `<app ID>@<region>`.
pub(crate) const KEPT_CERTIFICATES: &str = "certificates";

/// The path Exchange POSTs `SendNotification` to; the registration ID follows it.
pub const NOTIFY_PATH: &str = "/ews/notify/";
pub use contract::API_PREFIX;

impl SharedHandler for Listener {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let me = self;
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if let Some(id) = path.strip_prefix(NOTIFY_PATH) {
                return notify::handle(&me, id, &req).await;
            }
            if CONTROL_ROUTES.covers(&path) {
                return match CONTROL_ROUTES.find(req.method().as_str(), &path) {
                    Ok((op, _)) => control::handle(&me, op, req.uri().query()),
                    Err(answer) => *answer,
                };
            }
            if API_ROUTES.covers(&path) {
                return match API_ROUTES.find(req.method().as_str(), &path) {
                    Ok((op, args)) => api::handle(&me, op, &args, req.body()).await,
                    Err(answer) => *answer,
                };
            }
            error(404, format!("no such endpoint {path}"))
        })
    }
}
