//! Everything the listener keeps. Serialized whole by the control API's `state`, so a scenario
//! can search it for personal data.

use super::region::Region;
use serde::Serialize;
use std::collections::BTreeMap;
use std::sync::Arc;

#[derive(Clone, Debug, Serialize)]
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

#[derive(Clone, Debug, Serialize)]
pub(crate) struct AppCertificate {
    pub app_id: String,
    pub region: Region,
    pub environment: String,
    pub uploaded_ms: u64,
    /// Bumped on every update, so the APNs connection made with the old certificate is not reused.
    pub generation: u64,
    #[serde(skip)]
    pub cert_pem: String,
    #[serde(skip)]
    pub key_pem: String,
    /// The parsed certificate and key, made once per upload rather than once per push.
    #[serde(skip)]
    pub parsed: Arc<std::sync::OnceLock<Result<mailconform_sim::pki::Credential, String>>>,
}

impl AppCertificate {
    pub(crate) fn credential(&self) -> Result<mailconform_sim::pki::Credential, String> {
        self.parsed
            .get_or_init(|| mailconform_sim::pki::Credential::from_pem(&self.cert_pem, &self.key_pem).map_err(|e| e.to_string()))
            .clone()
    }
}

/// One attempt to push through APNs.
#[derive(Clone, Debug, Serialize, serde::Deserialize)]
pub struct PushRecord {
    pub at_ms: u64,
    pub registration_id: String,
    pub kind: String,
    pub badge: Option<u32>,
    pub status: Option<u16>,
    pub reason: Option<String>,
    pub error: Option<String>,
}

#[derive(Default, Serialize)]
pub(crate) struct Store {
    pub registrations: BTreeMap<String, Registration>,
    pub certificates: BTreeMap<String, AppCertificate>,
    pub pushes: Vec<PushRecord>,
    #[serde(skip)]
    pub push_order: BTreeMap<String, Arc<tokio::sync::Mutex<()>>>,
}
