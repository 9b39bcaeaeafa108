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
//! API under `/api/ens` (cloud) or `/MailNotifications/api/ens` (on premises):
//!
//! | call | what it does |
//! | --- | --- |
//! | `GET …/alive` | 200 while the service runs |
//! | `POST …/v1/registrations` `{device_id, email, apns_token, apns_environment, auth}` | subscribe to EWS push for the device; 201 `{subscription_id}` or 502 with EWS's answer |
//! | `DELETE …/v1/registrations/{device_id}` | unregister: forget the device (Exchange's next notification is answered Unsubscribe) |
//! | `POST …/v1/notify/{device_id}` | Exchange's `SendNotification` |
//!
//! `auth` is `{"kind":"basic","username","password"}`, `{"kind":"oauth","token"}` or
//! `{"kind":"certificate","cert_pem","key_pem"}` (sent as the TLS client certificate) or
//! `{"kind":"ntlm","username":"EXAMPLE\\alice","password"}`.
//! Control API: `GET /_mailconform/registrations`, `GET /_mailconform/pushes`,
//! `GET /_mailconform/requests` (every registration and unregistration call it answered).

mod api;
mod ews;
mod notify;

use crate::role_error::RoleError;
use mailconform_auth::AuthMethod;
use mailconform_sim::http::json_response;
use mailconform_sim::{ConnInfo, ControlClient, ControlError, FakeEnv, HandlerFuture, Request, SharedHandler, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The header that names, on each EWS request ENS sends through SEG, the device it is for.
pub const DEVICE_HEADER: &str = "x-ens-device-id";

/// Where ENS runs: the VMware cloud or the customer's own servers. The API path differs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    Cloud,
    OnPremises,
}

impl Placement {
    pub fn api_prefix(self) -> &'static str {
        match self {
            Placement::Cloud => "/api/ens",
            Placement::OnPremises => "/MailNotifications/api/ens",
        }
    }

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
pub struct EnsConfig {
    pub host: String,
    pub placement: Placement,
    /// The EWS endpoint ENS subscribes and reads through: SEG's `/EWS/Exchange.asmx` when SEG
    /// proxies EWS, Exchange's own otherwise.
    pub ews_url: String,
    pub apns_base: String,
    /// Boxer's bundle ID, the APNs topic.
    pub app_id: String,
    /// ES256 provider-token signing key (team, key ID, PKCS#8 DER).
    pub apns_team_id: String,
    pub apns_key_id: String,
    pub apns_key_pkcs8: Vec<u8>,
}

/// How ENS authenticates to EWS for one device: the method Boxer uses for ActiveSync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailAuth {
    Basic {
        username: String,
        password: String,
    },
    Oauth {
        token: String,
    },
    Certificate {
        cert_pem: String,
        key_pem: String,
    },
    /// NTLM with `DOMAIN\user` (a connection-bound handshake; SEG does not carry it).
    Ntlm {
        username: String,
        password: String,
    },
}

impl MailAuth {
    pub fn method(&self) -> AuthMethod {
        match self {
            MailAuth::Basic { .. } => AuthMethod::Basic,
            MailAuth::Oauth { .. } => AuthMethod::OAuth,
            MailAuth::Certificate { .. } => AuthMethod::Certificate,
            MailAuth::Ntlm { .. } => AuthMethod::Ntlm,
        }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnsRegistration {
    pub device_id: String,
    pub email: String,
    pub apns_token: String,
    #[serde(default = "production")]
    pub apns_environment: String,
    pub auth: MailAuth,
    #[serde(default)]
    pub subscription_id: Option<String>,
    #[serde(default)]
    pub inbox_id: Option<String>,
}

fn production() -> String {
    "production".into()
}

/// One push ENS attempted, or chose not to send.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnsPush {
    pub at_ms: u64,
    pub device_id: String,
    pub badge: Option<u32>,
    pub outcome: PushOutcome,
}

/// What became of one notification for a device. JSON: `{"result": "sent"}`,
/// `{"result": "refused", "status": 410, "reason": "Unregistered"}`, or
/// `{"result": "withheld", "error": {"kind": "forbidden", "message": ...}}`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum PushOutcome {
    /// APNs accepted the push.
    Sent,
    /// APNs answered with an error status.
    Refused { status: u16, reason: Option<String> },
    /// No push went out: reading the inbox over EWS failed (a gateway that blocks the device
    /// answers 403).
    Withheld { error: RoleError },
    /// APNs could not be reached, or the provider could not sign its token.
    Failed { error: RoleError },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EnsRequestRecord {
    pub at_ms: u64,
    pub call: String,
    pub device_id: String,
    pub status: u16,
}

#[derive(Default)]
pub(crate) struct EnsState {
    pub registrations: BTreeMap<String, EnsRegistration>,
    pub pushes: Vec<EnsPush>,
    pub requests: Vec<EnsRequestRecord>,
}

pub struct Ens {
    pub(crate) env: FakeEnv,
    pub(crate) config: EnsConfig,
    pub(crate) state: Mutex<EnsState>,
}

impl Ens {
    pub fn new(env: FakeEnv, config: EnsConfig) -> Arc<Ens> {
        Arc::new(Ens { env, config, state: Mutex::new(EnsState::default()) })
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.env.clock.unix_millis()
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, EnsState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The URL Exchange posts a device's notifications to.
    pub fn notify_url(&self, device_id: &str) -> String {
        format!("https://{}{}/v1/notify/{device_id}", self.config.host, self.config.placement.api_prefix())
    }

    fn control(&self, method: &str, rest: &str) -> mailconform_sim::Response {
        let s = self.lock();
        match (method, rest.trim_matches('/')) {
            ("GET", "registrations") => {
                // Credentials stay inside ENS; the control API shows only the method.
                let view: Vec<Value> = s
                    .registrations
                    .values()
                    .map(|r| json!({"device_id": r.device_id, "email": r.email, "auth": r.auth.method(), "subscription_id": r.subscription_id, "apns_token": r.apns_token}))
                    .collect();
                json_response(200, &json!(view))
            }
            ("GET", "pushes") => json_response(200, &serde_json::to_value(&s.pushes).unwrap_or_default()),
            ("GET", "requests") => json_response(200, &serde_json::to_value(&s.requests).unwrap_or_default()),
            _ => json_response(
                404,
                &json!({"error": format!("no control operation {method} {rest}; try GET registrations, pushes or requests")}),
            ),
        }
    }
}

impl SharedHandler for Ens {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if let Some(rest) = path.strip_prefix(CONTROL_PREFIX) {
                return self.control(req.method().as_str(), rest);
            }
            if let Some(rest) = path.strip_prefix(self.config.placement.api_prefix()) {
                return api::handle(&self, &req, rest).await;
            }
            json_response(
                404,
                &json!({"error": format!("no such endpoint {path}; the ENS API is under {}", self.config.placement.api_prefix())}),
            )
        })
    }
}

/// Typed client of ENS's control API and of its device-facing API, for steps.
#[derive(Clone)]
pub struct EnsControl {
    pub control: ControlClient,
    /// The host's root; the API sits under the placement's prefix.
    pub api: ControlClient,
}

impl EnsControl {
    pub async fn registrations(&self) -> Result<Vec<Value>, ControlError> {
        self.control.get_as("/registrations").await
    }

    pub async fn pushes(&self) -> Result<Vec<EnsPush>, ControlError> {
        self.control.get_as("/pushes").await
    }

    pub async fn requests(&self) -> Result<Vec<EnsRequestRecord>, ControlError> {
        self.control.get_as("/requests").await
    }

    /// The health check of an ENS in `placement`.
    pub async fn alive(&self, placement: Placement) -> Result<Value, ControlError> {
        self.api.get(&format!("{}/alive", placement.api_prefix())).await
    }
}
