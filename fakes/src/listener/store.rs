//! Everything the listener keeps. Shown whole by the control API's `state` (certificates
//! without their PEMs), so a scenario can search it for personal data.

use super::region::Region;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One device's registration, as stored and as the control API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    pub registration_id: String,
    pub device_token: String,
    pub app_id: String,
    pub region: Region,
    pub environment: String,
    pub activesync_device_id_sha256: String,
    pub email_sha256: String,
    pub ios_version: String,
    pub subscription_id: Option<String>,
    pub inbox_folder_id: Option<String>,
    pub registered_ms: u64,
    pub subscription_updated_ms: Option<u64>,
    /// When Exchange last reached the listener for this registration (any notification,
    /// keep-alives included).
    pub last_heard_from_exchange_ms: Option<u64>,
    pub last_apns_id: Option<String>,
    pub notifications_sent: u64,
    /// Subscriptions the device has replaced: Exchange is told to end them. A subscription not
    /// yet handed over is not among them, so mail arriving between Subscribe and hand-over
    /// still reaches the device.
    pub retired_subscription_ids: Vec<String>,
}

/// Replaced subscriptions remembered per registration.
pub(super) const RETIRED_KEPT: usize = 16;

/// An uploaded certificate with its key; the API shows it as a
/// [`CertificateInfo`](super::contract::CertificateInfo), never with the PEMs.
#[derive(Clone, Debug)]
pub(crate) struct AppCertificate {
    pub app_id: String,
    pub region: Region,
    pub environment: String,
    pub uploaded_ms: u64,
    /// Bumped on every update, so the APNs connection made with the old certificate is not reused.
    pub generation: u64,
    pub cert_pem: String,
    pub key_pem: String,
    /// The parsed certificate and key, made once per upload rather than once per push.
    pub parsed: Arc<std::sync::OnceLock<Result<mailconform_sim::pki::Credential, Arc<mailconform_sim::SimError>>>>,
}

impl From<&AppCertificate> for super::contract::CertificateInfo {
    fn from(c: &AppCertificate) -> Self {
        super::contract::CertificateInfo {
            app_id: c.app_id.clone(),
            region: c.region,
            environment: c.environment.clone(),
            uploaded_ms: c.uploaded_ms,
            generation: c.generation,
        }
    }
}

impl AppCertificate {
    pub(crate) fn credential(&self) -> Result<mailconform_sim::pki::Credential, Arc<mailconform_sim::SimError>> {
        self.parsed.get_or_init(|| mailconform_sim::pki::Credential::from_pem(&self.cert_pem, &self.key_pem).map_err(Arc::new)).clone()
    }
}

/// One attempt to push through APNs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRecord {
    pub at_ms: u64,
    pub registration_id: String,
    pub kind: String,
    pub badge: Option<u32>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    /// Why no APNs answer came (no certificate, APNs unreachable, the certificate refused).
    pub error: Option<crate::role_error::RoleError>,
}

#[derive(Default)]
pub(crate) struct Store {
    pub registrations: BTreeMap<String, Registration>,
    pub certificates: BTreeMap<String, AppCertificate>,
    /// Every APNs attempt, newest `FakeEnv::journal_capacity` kept.
    pub pushes: mailconform_sim::Journal<PushRecord>,
    pub push_order: BTreeMap<String, Arc<tokio::sync::Mutex<()>>>,
}
