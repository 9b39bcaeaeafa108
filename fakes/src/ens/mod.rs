//! VMware's Email Notification Service 2 (ENS2): Boxer registers here, ENS subscribes to EWS
//! push on the user's behalf — through SEG V2 when EWS is not public — with the same
//! authentication Boxer uses for ActiveSync, and turns Exchange's notifications into APNs
//! pushes for Boxer.
//!
//! On each notification ENS reads the inbox over EWS (for the unread count it badges with),
//! through the same path; with SEG in it, a device the console blocks gets no push, which is
//! how "ENS2 together with SEG V2 can block or unblock a client" (seed 003) shows on the wire.
//! SEG learns which device an EWS request is for from the [`DEVICE_HEADER`] ENS sends.
//!
//! Its API (under `/api/ens` in the cloud, `/MailNotifications/api/ens` on premises) and its
//! control API are listed with their bodies in [`contract`].

mod api;
pub mod contract;
mod device_queue;
mod ews;
mod notify;

pub use contract::{EnsClient, EnsControl, EnsPush, EnsRequestRecord, EnsSettings, MailAuth, PushOutcome};

use contract::{ControlOp, RegistrationSummary, CONTROL_ROUTES};
use mailconform_sim::contract::{error, reply};
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Journal, PageQuery, Request, SharedHandler};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The header that names, on each EWS request ENS sends through SEG, the device it is for.
pub const DEVICE_HEADER: &str = "x-ens-device-id";

/// Where ENS runs: the VMware cloud or the customer's own servers. The API path differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// VMware's hosted ENS2 (API under `/api/ens`).
    Cloud,
    /// ENS2 installed on the customer's servers (API under `/MailNotifications/api/ens`).
    OnPremises,
}

/// As steps and messages say it: `in the cloud`, `on premises`.
impl std::fmt::Display for Placement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Placement::Cloud => "in the cloud",
            Placement::OnPremises => "on premises",
        })
    }
}

impl Placement {
    /// The word `serve --ens-placement` takes for it.
    pub const fn option(self) -> &'static str {
        match self {
            Placement::Cloud => "cloud",
            Placement::OnPremises => "on-premises",
        }
    }

    /// Path prefix of the registration and notification API in this placement.
    pub const fn api_prefix(self) -> &'static str {
        match self {
            Placement::Cloud => "/api/ens",
            Placement::OnPremises => "/MailNotifications/api/ens",
        }
    }

    /// The placement a step names: `cloud`, `on-premises`, `on premises`, `in the cloud`, ...
    pub fn parse(s: &str) -> Option<Placement> {
        let s = s.to_ascii_lowercase();
        let s = s.trim().trim_start_matches("in the ").trim_start_matches("on ");
        match s.replace(['-', ' '], "").as_str() {
            "cloud" => Some(Placement::Cloud),
            "onpremises" | "premises" | "onprem" | "onpremise" => Some(Placement::OnPremises),
            _ => None,
        }
    }
}

#[derive(Clone, Debug)]
pub(crate) struct EnsConfig {
    pub(crate) host: String,
    pub(crate) placement: Placement,
    /// The EWS endpoint ENS subscribes and reads through: SEG's `/EWS/Exchange.asmx` when SEG
    /// proxies EWS, Exchange's own otherwise.
    pub(crate) ews_url: String,
    pub(crate) apns_base: String,
    /// Boxer's bundle ID, the APNs topic.
    pub(crate) app_id: String,
    /// ES256 provider-token signing key (team, key ID, PKCS#8 DER).
    pub(crate) apns_team_id: String,
    pub(crate) apns_key_id: String,
    pub(crate) apns_key_pkcs8: Vec<u8>,
}

/// A device ENS pushes to, with the subscription it made for it.
#[derive(Clone, Debug)]
pub(crate) struct EnsRegistration {
    pub(crate) device_id: String,
    pub(crate) email: String,
    pub(crate) apns_token: String,
    pub(crate) auth: MailAuth,
    pub(crate) subscription_id: Option<String>,
}

#[derive(Default)]
pub(crate) struct EnsState {
    pub registrations: BTreeMap<String, EnsRegistration>,
    /// Every push to Boxer, newest `FakeEnv::journal_capacity` kept.
    pub pushes: Journal<EnsPush>,
    /// Every registration API call, newest `FakeEnv::journal_capacity` kept.
    pub requests: Journal<EnsRequestRecord>,
}

pub(crate) struct Ens {
    pub(crate) env: FakeEnv,
    pub(crate) config: EnsConfig,
    /// Where ENS reaches EWS: the configuration's, until the control API points it elsewhere.
    pub(crate) ews_url: Mutex<String>,
    pub(crate) state: Mutex<EnsState>,
    /// ENS2's one connection to APNs, made at its first push and kept: its provider token is
    /// then reused as Apple asks (refreshed at most once every 20 minutes; a token signed
    /// anew for each push gets 429 TooManyProviderTokenUpdates).
    pub(crate) provider: tokio::sync::OnceCell<Result<mailconform_apns::ProviderClient, crate::RoleError>>,
    /// Each device's pushes in the order of Exchange's notifications.
    pub(crate) queue: device_queue::DeviceQueue,
}

impl Ens {
    pub(crate) fn new(env: FakeEnv, config: EnsConfig) -> Arc<Ens> {
        let state = EnsState { pushes: env.journal(), requests: env.journal(), ..EnsState::default() };
        let ews_url = Mutex::new(config.ews_url.clone());
        Arc::new(Ens {
            env,
            config,
            ews_url,
            state: Mutex::new(state),
            provider: tokio::sync::OnceCell::new(),
            queue: device_queue::DeviceQueue::default(),
        })
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.env.clock.unix_millis()
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, EnsState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The URL Exchange posts a device's notifications to.
    pub(crate) fn notify_url(&self, device_id: &str) -> String {
        format!("https://{}{}/v1/notify/{device_id}", self.config.host, self.config.placement.api_prefix())
    }

    /// The EWS URL ENS calls now.
    pub(crate) fn ews_url(&self) -> String {
        self.ews_url.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn settings(&self) -> EnsSettings {
        EnsSettings { placement: self.config.placement, ews_url: self.ews_url() }
    }

    /// `PUT /_mailconform/configuration`: another EWS URL; the placement is where ENS2 is installed.
    fn configure(&self, body: &[u8]) -> mailconform_sim::Response {
        let wanted = match mailconform_sim::contract::parse::<EnsSettings>(body) {
            Ok(w) => w,
            Err(answer) => return *answer,
        };
        if wanted.placement != self.config.placement {
            return error(
                400,
                format!(
                    "this ENS2 is installed {} (its API under {}), which is where it runs, not a setting; serve one with --ens-placement {}",
                    self.config.placement,
                    self.config.placement.api_prefix(),
                    wanted.placement.option()
                ),
            );
        }
        if let Err(e) = wanted.ews_url.parse::<http::Uri>() {
            return error(400, format!("ews_url {}: {e}", wanted.ews_url));
        }
        *self.ews_url.lock().unwrap_or_else(|p| p.into_inner()) = wanted.ews_url;
        reply(200, &self.settings())
    }

    fn control(&self, op: ControlOp, query: Option<&str>, body: &[u8]) -> mailconform_sim::Response {
        match op {
            ControlOp::Configuration => reply(200, &self.settings()),
            ControlOp::Configure => self.configure(body),
            ControlOp::Registrations => {
                // Credentials stay inside ENS; the control API shows only the method.
                let view: Vec<RegistrationSummary> = self
                    .lock()
                    .registrations
                    .values()
                    .map(|r| RegistrationSummary {
                        device_id: r.device_id.clone(),
                        email: r.email.clone(),
                        auth: r.auth.method().name().into(),
                        subscription_id: r.subscription_id.clone(),
                        apns_token: r.apns_token.clone(),
                    })
                    .collect();
                reply(200, &view)
            }
            ControlOp::Pushes => match PageQuery::parse(query) {
                Ok(q) => reply(200, &self.lock().pushes.page(&q)),
                Err(e) => error(400, e),
            },
            ControlOp::Requests => match PageQuery::parse(query) {
                Ok(q) => reply(200, &self.lock().requests.page(&q)),
                Err(e) => error(400, e),
            },
        }
    }
}

impl SharedHandler for Ens {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if CONTROL_ROUTES.covers(&path) {
                return match CONTROL_ROUTES.find(req.method().as_str(), &path) {
                    Ok((op, _)) => self.control(op, req.uri().query(), req.body()),
                    Err(answer) => *answer,
                };
            }
            let api = contract::api_routes(self.config.placement);
            if api.covers(&path) {
                return match api.find(req.method().as_str(), &path) {
                    Ok((op, args)) => api::handle(&self, &req, op, &args).await,
                    Err(answer) => *answer,
                };
            }
            error(404, format!("no such endpoint {path}; the ENS API is under {}", self.config.placement.api_prefix()))
        })
    }
}
