//! ENS2's contracts: the API Boxer (and Exchange) call, and the control API steps read ENS's
//! registrations, pushes and requests through. Routes, bodies and the typed clients
//! ([`EnsControl`] for steps, [`EnsClient`] for Boxer).
//!
//! The API is under `/api/ens` in the cloud and `/MailNotifications/api/ens` on premises
//! (see [`Placement`]); the table shows the cloud's.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/api/ens/alive` | | [`Alive`] while the service runs |
//! | `POST` | `/api/ens/v1/registrations` | [`NewRegistration`] | 201 [`Registered`] once ENS subscribed to EWS push for the device; 502 [`EwsRefusal`] with EWS's answer |
//! | `DELETE` | `/api/ens/v1/registrations/{device_id}` | | 204: the device is forgotten (Exchange's next notification is answered Unsubscribe) |
//! | `POST` | `/api/ens/v1/notify/{device_id}` | EWS `SendNotification` (SOAP) | `SendNotificationResult` (SOAP) |
//! | `GET` | `/_mailconform/configuration` | | [`EnsSettings`] |
//! | `PUT` | `/_mailconform/configuration` | [`EnsSettings`] | [`EnsSettings`]: ENS reaches EWS at the new URL from its next call; 400 for another placement, which is where ENS2 is installed |
//! | `GET` | `/_mailconform/registrations` | | `Vec<`[`RegistrationSummary`]`>`: credentials stay inside ENS |
//! | `GET` | `/_mailconform/pushes` | query `after`, `limit` ([`PageQuery`]) | [`EnsPushPage`]: the pushes to Boxer after `after` |
//! | `GET` | `/_mailconform/requests` | query `after`, `limit` ([`PageQuery`]) | [`EnsRequestPage`]: the registration and unregistration calls answered after `after` |
//!
//! A registration ENS cannot act on is refused with 502 and EWS's answer as a
//! [`RoleError`] (a stable kind and a message) under `error`; other refusals are
//! `{"error": "…"}`; a body that does not parse is refused with 400 and an example of the
//! expected one.

use super::Placement;
use crate::role_error::{ErrorKind, RoleError};
use mailconform_auth::AuthMethod;
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, Page, CONTROL_PREFIX};

pub use mailconform_sim::PageQuery;

/// A page of ENS's journal of pushes (the newest `FakeEnv::journal_capacity` are kept).
pub type EnsPushPage = Page<EnsPush>;

/// A page of ENS's journal of registration API calls.
pub type EnsRequestPage = Page<EnsRequestRecord>;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The operations of the API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiOp {
    Alive,
    Register,
    Unregister,
    Notify,
}

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlOp {
    Configuration,
    Configure,
    Registrations,
    Pushes,
    Requests,
}

const API: &[Route<ApiOp>] = &[
    Route::new(ApiOp::Alive, "GET", "/alive"),
    Route::new(ApiOp::Register, "POST", "/v1/registrations"),
    Route::new(ApiOp::Unregister, "DELETE", "/v1/registrations/{device_id}"),
    Route::new(ApiOp::Notify, "POST", "/v1/notify/{device_id}"),
];

/// The API of an ENS in `placement`.
pub(crate) fn api_routes(placement: Placement) -> Routes<ApiOp> {
    Routes::new(placement.api_prefix(), API)
}

pub(crate) const CONTROL_ROUTES: Routes<ControlOp> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(ControlOp::Configuration, "GET", "/configuration"),
        Route::new(ControlOp::Configure, "PUT", "/configuration"),
        Route::new(ControlOp::Registrations, "GET", "/registrations"),
        Route::new(ControlOp::Pushes, "GET", "/pushes"),
        Route::new(ControlOp::Requests, "GET", "/requests"),
    ],
);

/// ENS2's configuration as its console sets it: where it is installed, and the EWS URL it
/// subscribes at (Exchange's, or SEG's EWS proxy). A harness serving ENS2 in another process
/// sends each scenario's EWS URL.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnsSettings {
    /// In the cloud or on premises: the API's path prefix.
    pub placement: Placement,
    /// Where ENS sends its EWS requests.
    pub ews_url: String,
}

impl Body for EnsSettings {
    fn example() -> Self {
        EnsSettings { placement: Placement::Cloud, ews_url: "https://seg.example.test/EWS/Exchange.asmx".into() }
    }
}

/// How ENS authenticates to EWS for one device: the method Boxer uses for ActiveSync.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum MailAuth {
    /// Basic authentication ([RFC 7617]) with the mailbox's credentials.
    Basic {
        /// User name sent in the Basic credentials.
        username: String,
        /// The mailbox password.
        password: String,
    },
    /// An OAuth 2.0 bearer access token (modern authentication).
    Oauth {
        /// The access token, sent as `Authorization: Bearer`.
        token: String,
    },
    /// Sent as the TLS client certificate.
    Certificate {
        /// Client certificate, PEM.
        cert_pem: String,
        /// Its private key, PEM (PKCS#8).
        key_pem: String,
    },
    /// NTLM with `DOMAIN\user` (a connection-bound handshake; SEG does not carry it).
    Ntlm {
        /// `DOMAIN\user`.
        username: String,
        /// The mailbox password.
        password: String,
    },
}

impl MailAuth {
    /// The authentication method these credentials are for.
    pub fn method(&self) -> AuthMethod {
        match self {
            MailAuth::Basic { .. } => AuthMethod::Basic,
            MailAuth::Oauth { .. } => AuthMethod::OAuth,
            MailAuth::Certificate { .. } => AuthMethod::Certificate,
            MailAuth::Ntlm { .. } => AuthMethod::Ntlm,
        }
    }
}

fn production() -> String {
    "production".into()
}

/// A device to push to, and how ENS reaches its mailbox.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRegistration {
    /// Boxer's device ID, the key of the registration (and of [`super::DEVICE_HEADER`]).
    pub device_id: String,
    /// The mailbox's SMTP address.
    pub email: String,
    /// APNs device token to push to (hex).
    pub apns_token: String,
    /// `production` or `sandbox`: which APNs gateway the token belongs to.
    #[serde(default = "production")]
    pub apns_environment: String,
    /// How ENS authenticates to EWS for this mailbox.
    pub auth: MailAuth,
}

/// The EWS push subscription ENS made for the device.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    /// EWS `SubscriptionId` of the push subscription ([MS-OXWSNTIF] Subscribe).
    pub subscription_id: String,
}

/// A registration ENS could not act on: EWS's answer to reading the inbox or subscribing.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EwsRefusal {
    /// What EWS answered, as a kind (`auth_method_refused`, `bad_gateway` ...) and a message.
    pub error: RoleError,
    /// The HTTP status EWS answered with (0 when none came back).
    pub ews_status: u16,
}

/// The health check's answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alive {
    /// `alive`.
    pub status: String,
}

/// A registration as the control API shows it: the authentication method, never the
/// credentials.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationSummary {
    /// Boxer's device ID.
    pub device_id: String,
    /// The mailbox's SMTP address.
    pub email: String,
    /// `basic`, `oauth`, `certificate` or `ntlm`.
    pub auth: String,
    /// EWS `SubscriptionId`, once the subscription was made.
    pub subscription_id: Option<String>,
    /// APNs device token ENS pushes to.
    pub apns_token: String,
}

/// One push ENS attempted, or chose not to send.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnsPush {
    /// Virtual ms since the epoch.
    pub at_ms: u64,
    /// The device pushed to.
    pub device_id: String,
    /// Badge count (the inbox's unread count), when ENS read it.
    pub badge: Option<u32>,
    /// What became of the push.
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
    Refused {
        /// APNs' HTTP status.
        status: u16,
        /// APNs' `reason` (`BadDeviceToken`, `Unregistered`, ...).
        reason: Option<String>,
    },
    /// No push went out: reading the inbox over EWS failed (a gateway that blocks the device
    /// answers 403).
    Withheld {
        /// Why reading the inbox failed.
        error: RoleError,
    },
    /// APNs could not be reached, or the provider could not sign its token.
    Failed {
        /// Why the push could not be sent.
        error: RoleError,
    },
}

/// One registration or unregistration call ENS answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnsRequestRecord {
    /// Virtual ms since the epoch.
    pub at_ms: u64,
    /// `register` or `unregister`.
    pub call: String,
    /// The device the call was about.
    pub device_id: String,
    /// HTTP status ENS answered.
    pub status: u16,
}

impl Body for NewRegistration {
    fn example() -> Self {
        NewRegistration {
            device_id: "boxer1".into(),
            email: "alice@example.test".into(),
            apns_token: "5f2d0c9a6e8b41d3a7c2e9f0b1d4a6c85f2d0c9a6e8b41d3a7c2e9f0b1d4a6c8".into(),
            apns_environment: "sandbox".into(),
            auth: MailAuth::Basic { username: "alice".into(), password: "alice-pw".into() },
        }
    }
}

impl Body for Registered {
    fn example() -> Self {
        Registered { subscription_id: "EQBtYWlsLmV4YW1wbGUudGVzdA000001".into() }
    }
}

impl Body for EwsRefusal {
    fn example() -> Self {
        EwsRefusal {
            error: RoleError::new(
                ErrorKind::AuthMethodRefused { method: AuthMethod::Basic },
                "subscribing to EWS push failed: EWS refused basic authentication (it offers Bearer)",
            ),
            ews_status: 401,
        }
    }
}

impl Body for Alive {
    fn example() -> Self {
        Alive { status: "alive".into() }
    }
}

impl Body for RegistrationSummary {
    fn example() -> Self {
        RegistrationSummary {
            device_id: "boxer1".into(),
            email: "alice@example.test".into(),
            auth: "certificate".into(),
            subscription_id: Some("EQBtYWlsLmV4YW1wbGUudGVzdA000001".into()),
            apns_token: "5f2d0c9a6e8b41d3a7c2e9f0b1d4a6c85f2d0c9a6e8b41d3a7c2e9f0b1d4a6c8".into(),
        }
    }
}

impl Body for EnsPush {
    fn example() -> Self {
        EnsPush {
            at_ms: 61_000,
            device_id: "boxer1".into(),
            badge: Some(2),
            outcome: PushOutcome::Withheld { error: RoleError::new(ErrorKind::Forbidden, "blocked by the gateway: EWS answered HTTP 403") },
        }
    }
}

impl Body for EnsRequestRecord {
    fn example() -> Self {
        EnsRequestRecord { at_ms: 1_000, call: "register".into(), device_id: "boxer1".into(), status: 201 }
    }
}

impl Body for MailAuth {
    fn example() -> Self {
        MailAuth::Ntlm { username: "EXAMPLE\\alice".into(), password: "alice-pw".into() }
    }
}

/// Typed client of ENS's control API and of its health check, for steps.
#[derive(Clone)]
pub struct EnsControl {
    /// Client of ENS's control API (`/_mailconform`).
    pub control: ControlClient,
    /// The host's root; the API sits under the placement's prefix.
    pub api: ControlClient,
}

impl EnsControl {
    /// ENS2's placement and EWS URL (`GET /_mailconform/configuration`).
    pub async fn settings(&self) -> Result<EnsSettings, ControlError> {
        self.control.get("/configuration").await
    }

    /// Points ENS2 at another EWS URL (`PUT /_mailconform/configuration`).
    pub async fn configure(&self, settings: &EnsSettings) -> Result<EnsSettings, ControlError> {
        self.control.put("/configuration", settings).await
    }

    /// Every registration, without credentials (`GET /_mailconform/registrations`).
    pub async fn registrations(&self) -> Result<Vec<RegistrationSummary>, ControlError> {
        self.control.get("/registrations").await
    }

    /// Every push attempted or withheld, oldest first (`GET /_mailconform/pushes`).
    pub async fn pushes(&self) -> Result<Vec<EnsPush>, ControlError> {
        self.control.get_journal("/pushes").await
    }

    /// Every registration and unregistration call ENS answered (`GET /_mailconform/requests`).
    pub async fn requests(&self) -> Result<Vec<EnsRequestRecord>, ControlError> {
        self.control.get_journal("/requests").await
    }

    /// The health check of an ENS in `placement`.
    pub async fn alive(&self, placement: Placement) -> Result<Alive, ControlError> {
        self.api.get(&format!("{}/alive", placement.api_prefix())).await
    }
}

/// The API as Boxer calls it: build it with ENS's API base (`https://<ens>/api/ens`).
#[derive(Clone)]
pub struct EnsClient(pub ControlClient);

impl EnsClient {
    /// Registers the device; ENS answers only after subscribing over EWS, so the call may
    /// take up to `timeout`.
    pub async fn register(&self, registration: &NewRegistration, timeout: Duration) -> Result<Registered, ControlError> {
        self.0.post_waiting("/v1/registrations", Some(registration), timeout).await
    }

    /// Forgets the device; Exchange's next notification for it is answered `Unsubscribe`.
    pub async fn unregister(&self, device_id: &str) -> Result<(), ControlError> {
        self.0.delete(&format!("/v1/registrations/{device_id}")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<EnsSettings>();
        check_round_trip::<NewRegistration>();
        check_round_trip::<Registered>();
        check_round_trip::<EwsRefusal>();
        check_round_trip::<Alive>();
        check_round_trip::<RegistrationSummary>();
        check_round_trip::<EnsPush>();
        check_round_trip::<EnsRequestRecord>();
        check_round_trip::<EnsPushPage>();
        check_round_trip::<EnsRequestPage>();
        check_round_trip::<MailAuth>();
    }

    /// A cloud ENS2 on a simulation of its own, and the simulation.
    fn cloud_ens() -> (mailconform_sim::Simulation, std::sync::Arc<super::super::Ens>) {
        let (sim, env) = crate::contract_check::sim();
        let config = super::super::EnsConfig {
            host: "ens.example.test".into(),
            placement: Placement::Cloud,
            ews_url: "https://mail.example.test/EWS/Exchange.asmx".into(),
            apns_base: "https://api.push.apple.test".into(),
            app_id: "com.example.boxer".into(),
            apns_team_id: "TEAM123456".into(),
            apns_key_id: "KEY1234567".into(),
            apns_key_pkcs8: Vec::new(),
        };
        let ens = {
            let _rt = sim.enter();
            super::super::Ens::new(env, config)
        };
        (sim, ens)
    }

    /// The EWS URL is the console's to change; the placement is where ENS2 is installed.
    #[test]
    fn the_ews_url_changes_and_the_placement_does_not() {
        use mailconform_sim::{ConnInfo, SharedHandler};
        let (sim, ens) = cloud_ens();
        let put = |settings: &EnsSettings| {
            let req =
                http::Request::put("/_mailconform/configuration").body(bytes::Bytes::from(serde_json::to_vec(settings).unwrap())).unwrap();
            sim.block_on(ens.clone().handle(req, ConnInfo::default()))
        };
        let seg = EnsSettings { placement: Placement::Cloud, ews_url: "https://seg.example.test/EWS/Exchange.asmx".into() };
        let answer = put(&seg);
        assert_eq!(answer.status(), 200, "{:?}", answer.body());
        assert_eq!(serde_json::from_slice::<EnsSettings>(answer.body()).unwrap(), seg);
        assert_eq!(ens.ews_url(), seg.ews_url, "the next EWS call goes there");
        let moved = put(&EnsSettings { placement: Placement::OnPremises, ..seg.clone() });
        assert_eq!(moved.status(), 400);
        assert!(String::from_utf8_lossy(moved.body()).contains("--ens-placement on-premises"), "{:?}", moved.body());
        assert_eq!(ens.ews_url(), seg.ews_url, "a refused change changes nothing");
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, ens) = cloud_ens();
        check_handler_serves(&sim, ens, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[api_routes(Placement::Cloud).listing(), CONTROL_ROUTES.listing()]);
    }

    #[test]
    fn on_premises_serves_the_same_routes_under_its_prefix() {
        let cloud = api_routes(Placement::Cloud).listing();
        let on_premises = api_routes(Placement::OnPremises).listing();
        assert_eq!(cloud.len(), on_premises.len());
        for (c, o) in cloud.iter().zip(&on_premises) {
            assert_eq!(o, &c.replace("/api/ens", "/MailNotifications/api/ens"));
        }
    }
}
