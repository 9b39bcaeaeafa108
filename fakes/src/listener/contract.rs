//! The listener's contracts: the registration API devices and the admin portal call, and the
//! control API steps read the listener's store through. Routes, bodies and the typed clients
//! ([`ListenerControl`] for steps, [`RegistrationClient`] for devices).
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/api/v1/registrations` | [`NewRegistration`] | 201 [`Registered`]: the registration ID and the URL to give Exchange |
//! | `PUT` | `/api/v1/registrations/{id}/subscription` | [`SubscriptionHandover`] | 204: the EWS subscription ID and inbox folder ID are recorded |
//! | `GET` | `/api/v1/registrations/{id}/status` | | [`RegistrationStatus`]: when Exchange last reached the listener for it |
//! | `DELETE` | `/api/v1/registrations/{id}` | | 204: the device is forgotten |
//! | `PUT` | `/api/v1/apps/{app_id}/certificates/{region}` | [`CertificateUpload`] | 201 (first) or 200 (renewal) [`CertificateUploaded`] |
//! | `GET` | `/api/v1/apps` | | `Vec<`[`CertificateInfo`]`>`: the uploaded certificates, without keys |
//! | `GET` | `/_mailconform/state` | | [`ListenerState`]: everything it stores |
//! | `GET` | `/_mailconform/pushes` | query `after`, `limit` ([`PageQuery`]) | [`PushPage`]: the APNs attempts after `after`, with their outcome (the newest `FakeEnv::journal_capacity` are kept) |
//!
//! A body that does not parse is refused with 400 and an example of the expected one. The
//! listener's own refusals are a [`RefusalBody`](super::error::RefusalBody),
//! `{"error": {"kind": "wildcard_app_id", "message": …}}`: 400 for a value the listener does not
//! take (a token that is not hex, a hash that is not SHA-256, a wildcard App ID, a certificate
//! that does not load), 404 for an unknown registration, 412 for an App ID without a
//! certificate in the region, 421 for a region served by another listener.
//! Exchange's `SendNotification` POSTs go to `/ews/notify/{id}` (SOAP, not JSON).

use super::region::Region;
use super::store::Registration;
use crate::role_error::{ErrorKind, RoleError};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, Page, CONTROL_PREFIX};

pub use mailconform_sim::PageQuery;

/// A page of the listener's journal of APNs attempts.
pub type PushPage = Page<PushRecord>;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use super::store::PushRecord;

/// Where the registration API lives.
pub const API_PREFIX: &str = "/api/v1";

/// The operations of the registration API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiOp {
    Register,
    HandOver,
    Status,
    Forget,
    UploadCertificate,
    Apps,
}

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlOp {
    State,
    Pushes,
}

pub(crate) const API_ROUTES: Routes<ApiOp> = Routes::new(
    API_PREFIX,
    &[
        Route::new(ApiOp::Register, "POST", "/registrations"),
        Route::new(ApiOp::HandOver, "PUT", "/registrations/{id}/subscription"),
        Route::new(ApiOp::Status, "GET", "/registrations/{id}/status"),
        Route::new(ApiOp::Forget, "DELETE", "/registrations/{id}"),
        Route::new(ApiOp::UploadCertificate, "PUT", "/apps/{app_id}/certificates/{region}"),
        Route::new(ApiOp::Apps, "GET", "/apps"),
    ],
);

pub(crate) const CONTROL_ROUTES: Routes<ControlOp> =
    Routes::new(CONTROL_PREFIX, &[Route::new(ControlOp::State, "GET", "/state"), Route::new(ControlOp::Pushes, "GET", "/pushes")]);

fn production() -> String {
    "production".into()
}

/// A device's registration: only hashes of personal data, never the values themselves.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewRegistration {
    /// The hex device token APNs issued.
    pub device_token: String,
    /// Bundle ID of the wrapped Secure Mail; needs an uploaded APNs certificate in the region.
    pub app_id: String,
    /// The region code (`us-east-1`, `eu-west-1`, `ap-southeast-1`).
    pub region: String,
    /// The APNs environment the token belongs to.
    #[serde(default = "production")]
    pub environment: String,
    /// SHA-256 hex of the ActiveSync device ID.
    pub activesync_device_id_sha256: String,
    /// SHA-256 hex of the lowercased e-mail address.
    pub email_sha256: String,
    /// iOS version of the device (optional).
    #[serde(default)]
    pub ios_version: String,
}

/// A registration the listener took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registered {
    /// Listener-assigned ID the device keeps for updates, status checks and deletion.
    pub registration_id: String,
    /// Where Exchange is to POST the device's notifications (the subscription's URL).
    pub notify_url: String,
}

/// The EWS subscription the device made with [`Registered::notify_url`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubscriptionHandover {
    /// EWS `SubscriptionId` Exchange answered to the device's Subscribe.
    pub subscription_id: String,
    /// EWS `FolderId` of the inbox, whose `UnreadCount` the listener badges with.
    pub inbox_folder_id: String,
}

/// What a device asks when it checks its registration.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationStatus {
    /// The registration asked about.
    pub registration_id: String,
    /// EWS `SubscriptionId` last handed over, if any.
    pub subscription_id: Option<String>,
    /// Virtual ms since the epoch of the last hand-over.
    pub subscription_updated_ms: Option<u64>,
    /// When Exchange last reached the listener for it (keep-alives included).
    pub last_heard_from_exchange_ms: Option<u64>,
    /// The listener's clock, so the device can tell how long Exchange has been silent.
    pub now_ms: u64,
}

/// An app's APNs provider certificate for one region.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateUpload {
    /// APNs provider certificate, PEM.
    pub cert_pem: String,
    /// Its private key, PEM.
    pub key_pem: String,
    /// `production` (the default) or `sandbox`: the APNs gateway it is for.
    #[serde(default = "production")]
    pub environment: String,
}

/// The certificate the listener now pushes with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateUploaded {
    /// Bundle ID the certificate is for.
    pub app_id: String,
    /// Region it was uploaded to.
    pub region: Region,
    /// 1 for the first upload, bumped by every renewal.
    pub generation: u64,
}

/// An uploaded certificate as the listener shows it: never its PEMs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Bundle ID the certificate is for.
    pub app_id: String,
    /// Region it was uploaded to.
    pub region: Region,
    /// `production` or `sandbox`.
    pub environment: String,
    /// Virtual ms since the epoch of the last upload.
    pub uploaded_ms: u64,
    /// Bumped on every update, so the APNs connection made with the old certificate is not reused.
    pub generation: u64,
}

/// Everything the listener stores, which a scenario searches for personal data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListenerState {
    /// By registration ID.
    pub registrations: BTreeMap<String, Registration>,
    /// By `<app_id>@<region>`.
    pub certificates: BTreeMap<String, CertificateInfo>,
    /// The APNs attempts the journal holds (the newest `FakeEnv::journal_capacity`).
    pub pushes: Vec<PushRecord>,
}

const TOKEN: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";
const EMAIL_SHA256: &str = "ff8d9819fc0e12bf0d24892e45987e249a28dce836a85cad60e28eaaa8c6d976";
const DEVICE_SHA256: &str = "3c8f0c0c1c4f5bd7fd2b40a9b1c4e4a3e16b50c6e0ab0a1b6f3f54b4b3b3a9f1";

impl Body for NewRegistration {
    fn example() -> Self {
        NewRegistration {
            device_token: TOKEN.into(),
            app_id: "com.example.securemail".into(),
            region: "us-east-1".into(),
            environment: "production".into(),
            activesync_device_id_sha256: DEVICE_SHA256.into(),
            email_sha256: EMAIL_SHA256.into(),
            ios_version: "17.5".into(),
        }
    }
}

impl Body for Registered {
    fn example() -> Self {
        Registered {
            registration_id: "0123456789abcdef0123456789abcdef".into(),
            notify_url: "https://us-east-1.listener.example.test/ews/notify/0123456789abcdef0123456789abcdef".into(),
        }
    }
}

impl Body for SubscriptionHandover {
    fn example() -> Self {
        SubscriptionHandover { subscription_id: "EQBtYWlsLmV4YW1wbGUudGVzdA000001".into(), inbox_folder_id: "AAMkAD00INBOX".into() }
    }
}

impl Body for RegistrationStatus {
    fn example() -> Self {
        RegistrationStatus {
            registration_id: "0123456789abcdef0123456789abcdef".into(),
            subscription_id: Some("EQBtYWlsLmV4YW1wbGUudGVzdA000001".into()),
            subscription_updated_ms: Some(1_767_600_000_000),
            last_heard_from_exchange_ms: Some(1_767_600_060_000),
            now_ms: 1_767_600_300_000,
        }
    }
}

impl Body for CertificateUpload {
    fn example() -> Self {
        CertificateUpload {
            cert_pem: "-----BEGIN CERTIFICATE-----...".into(),
            key_pem: "-----BEGIN PRIVATE KEY-----...".into(),
            environment: "sandbox".into(),
        }
    }
}

impl Body for CertificateUploaded {
    fn example() -> Self {
        CertificateUploaded { app_id: "com.example.securemail".into(), region: Region::Emea, generation: 2 }
    }
}

impl Body for CertificateInfo {
    fn example() -> Self {
        CertificateInfo {
            app_id: "com.example.securemail".into(),
            region: Region::Apac,
            environment: "production".into(),
            uploaded_ms: 1_767_600_000_000,
            generation: 1,
        }
    }
}

impl Body for Registration {
    fn example() -> Self {
        Registration {
            registration_id: "0123456789abcdef0123456789abcdef".into(),
            device_token: TOKEN.into(),
            app_id: "com.example.securemail".into(),
            region: Region::Americas,
            environment: "production".into(),
            activesync_device_id_sha256: DEVICE_SHA256.into(),
            email_sha256: EMAIL_SHA256.into(),
            ios_version: "17.5".into(),
            subscription_id: Some("EQBtYWlsLmV4YW1wbGUudGVzdA000002".into()),
            inbox_folder_id: Some("AAMkAD00INBOX".into()),
            registered_ms: 1_767_600_000_000,
            subscription_updated_ms: Some(1_767_600_001_000),
            last_heard_from_exchange_ms: Some(1_767_600_060_000),
            last_apns_id: Some("7f3c6a52-2b7e-4d4b-9c41-0b1a4b2f9d10".into()),
            notifications_sent: 4,
            retired_subscription_ids: vec!["EQBtYWlsLmV4YW1wbGUudGVzdA000001".into()],
            status_checks_ms: vec![1_767_600_300_000, 1_767_600_600_000],
        }
    }
}

impl Body for PushRecord {
    fn example() -> Self {
        PushRecord {
            at_ms: 1_767_600_060_000,
            registration_id: "0123456789abcdef0123456789abcdef".into(),
            kind: "badge".into(),
            badge: Some(3),
            status: Some(410),
            reason: Some("Unregistered".into()),
            unregistered_ms: Some(1_767_600_000_000),
            error: Some(RoleError::new(ErrorKind::CertificateRejected, "no APNs answer: APNs refused the client certificate")),
        }
    }
}

impl Body for ListenerState {
    fn example() -> Self {
        let reg = Registration::example();
        ListenerState {
            registrations: BTreeMap::from([(reg.registration_id.clone(), reg)]),
            certificates: BTreeMap::from([("com.example.securemail@ap-southeast-1".to_string(), CertificateInfo::example())]),
            pushes: vec![PushRecord::example()],
        }
    }
}

/// Typed client of the listener's control API and of its admin-facing registration API
/// (certificate uploads, registrations), for steps.
#[derive(Clone)]
pub struct ListenerControl {
    /// Client of the listener's control API (`/_mailconform`).
    pub control: ControlClient,
    /// Base `https://<host>/api/v1`: what the admin portal and devices call.
    pub api: ControlClient,
}

impl ListenerControl {
    /// Registrations, certificates and pushes (`GET /_mailconform/state`).
    pub async fn state(&self) -> Result<ListenerState, ControlError> {
        self.control.get("/state").await
    }

    /// Every push attempt, oldest first (`GET /_mailconform/pushes`).
    pub async fn pushes(&self) -> Result<Vec<PushRecord>, ControlError> {
        self.control.get_journal("/pushes").await
    }

    /// One page of the journal of APNs attempts.
    pub async fn pushes_page(&self, query: &PageQuery) -> Result<PushPage, ControlError> {
        self.control.get_page("/pushes", query).await
    }

    /// Upload or renew an app's APNs certificate for a region (the admin portal's "Update").
    pub async fn upload_certificate(
        &self,
        app_id: &str,
        region: Region,
        cert_pem: &str,
        key_pem: &str,
    ) -> Result<CertificateUploaded, ControlError> {
        let upload = CertificateUpload { cert_pem: cert_pem.into(), key_pem: key_pem.into(), environment: production() };
        self.api.put(&format!("/apps/{app_id}/certificates/{}", region.code()), &upload).await
    }

    /// Uploaded certificates, without their PEMs (`GET /api/v1/apps`).
    pub async fn certificates(&self) -> Result<Vec<CertificateInfo>, ControlError> {
        self.api.get("/apps").await
    }

    /// Deletes a registration through the registration API.
    pub async fn delete_registration(&self, id: &str) -> Result<(), ControlError> {
        RegistrationClient(self.api.clone()).forget(id).await
    }

    /// Registers a device, as the admin-facing API takes it.
    pub async fn register(&self, registration: &NewRegistration) -> Result<Registered, ControlError> {
        RegistrationClient(self.api.clone()).register(registration).await
    }
}

/// The registration API as a device calls it: build it with `https://<listener>/api/v1`.
#[derive(Clone)]
pub struct RegistrationClient(pub ControlClient);

impl RegistrationClient {
    /// Registers the device (`POST /registrations`).
    pub async fn register(&self, registration: &NewRegistration) -> Result<Registered, ControlError> {
        self.0.post("/registrations", registration).await
    }

    /// Hands the EWS subscription made with the registration's notify URL to the listener.
    pub async fn hand_over(&self, registration_id: &str, handover: &SubscriptionHandover) -> Result<(), ControlError> {
        self.0.put(&format!("/registrations/{registration_id}/subscription"), handover).await
    }

    /// The registration's subscription and when Exchange was last heard from (`GET .../status`).
    pub async fn status(&self, registration_id: &str) -> Result<RegistrationStatus, ControlError> {
        self.0.get(&format!("/registrations/{registration_id}/status")).await
    }

    /// Deletes the registration (`DELETE /registrations/{id}`).
    pub async fn forget(&self, registration_id: &str) -> Result<(), ControlError> {
        self.0.delete(&format!("/registrations/{registration_id}")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<NewRegistration>();
        check_round_trip::<Registered>();
        check_round_trip::<SubscriptionHandover>();
        check_round_trip::<RegistrationStatus>();
        check_round_trip::<CertificateUpload>();
        check_round_trip::<CertificateUploaded>();
        check_round_trip::<CertificateInfo>();
        check_round_trip::<Registration>();
        check_round_trip::<PushRecord>();
        check_round_trip::<PushPage>();
        check_round_trip::<ListenerState>();
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let l = {
            let _rt = sim.enter();
            let config = super::super::ListenerConfig {
                region: Region::Americas,
                host: "us-east-1.listener.example.test".into(),
                public_base: None,
                apns_production: "https://api.push.apple.test".into(),
                apns_sandbox: "https://api.sandbox.push.apple.test".into(),
            };
            super::super::Listener::new(env, config)
        };
        check_handler_serves(&sim, l, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[API_ROUTES.listing(), CONTROL_ROUTES.listing()]);
    }
}
