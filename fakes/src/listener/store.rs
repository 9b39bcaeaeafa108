//! Everything the listener keeps. Shown whole by the control API's `state` (certificates
//! without their PEMs), so a scenario can search it for personal data.

use super::region::Region;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::Arc;

/// One device's registration, as stored and as the control API shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Listener-assigned ID; the device names it when it updates or deletes the registration.
    pub registration_id: String,
    /// APNs device token (hex) pushes go to.
    pub device_token: String,
    /// Bundle ID of the wrapped Secure Mail: the `apns-topic`, and the key of its APNs certificate.
    pub app_id: String,
    /// The region the device registered in.
    pub region: Region,
    /// `production` or `sandbox`: which APNs gateway the token belongs to.
    pub environment: String,
    /// SHA-256 (hex) of the ActiveSync DeviceId; the ID itself never reaches the listener.
    pub activesync_device_id_sha256: String,
    /// SHA-256 (hex) of the e-mail address; the address itself never reaches the listener.
    pub email_sha256: String,
    /// iOS version the device reported.
    pub ios_version: String,
    /// EWS `SubscriptionId` the device handed over; notifications for it are pushed to this device.
    pub subscription_id: Option<String>,
    /// EWS `FolderId` of the inbox, whose `UnreadCount` becomes the badge.
    pub inbox_folder_id: Option<String>,
    /// Virtual ms since the epoch when the device registered.
    pub registered_ms: u64,
    /// Virtual ms since the epoch when the device last handed over a subscription.
    pub subscription_updated_ms: Option<u64>,
    /// When Exchange last reached the listener for this registration (any notification,
    /// keep-alives included).
    pub last_heard_from_exchange_ms: Option<u64>,
    /// `apns-id` of the last push APNs accepted.
    pub last_apns_id: Option<String>,
    /// Pushes APNs accepted for this registration.
    pub notifications_sent: u64,
    /// Subscriptions the device has replaced: Exchange is told to end them. A subscription not
    /// yet handed over is not among them, so mail arriving between Subscribe and hand-over
    /// still reaches the device.
    pub retired_subscription_ids: Vec<String>,
    /// When the device last asked for its registration's status (virtual ms since the epoch,
    /// oldest first, the latest [`STATUS_CHECKS_KEPT`]): the foreground checks of Data Flow Q6,
    /// as the listener sees them.
    #[serde(default)]
    pub status_checks_ms: Vec<u64>,
}

/// Replaced subscriptions remembered per registration.
pub(super) const RETIRED_KEPT: usize = 16;

/// Status checks remembered per registration: two hours of foreground checks every 5 minutes.
pub const STATUS_CHECKS_KEPT: usize = 24;

/// An uploaded certificate with its key; the API shows it as a
/// [`CertificateInfo`](super::contract::CertificateInfo), never with the PEMs. Kept in the
/// state database (the parsed form is made again after a restart).
#[derive(Clone, Debug, Serialize, Deserialize)]
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
    #[serde(skip)]
    pub parsed: Arc<std::sync::OnceLock<Result<mailconform_sim::Credential, Arc<mailconform_sim::SimError>>>>,
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
    pub(crate) fn credential(&self) -> Result<mailconform_sim::Credential, Arc<mailconform_sim::SimError>> {
        self.parsed.get_or_init(|| mailconform_sim::Credential::from_pem(&self.cert_pem, &self.key_pem).map_err(Arc::new)).clone()
    }
}

/// One attempt to push through APNs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PushRecord {
    /// Virtual ms since the epoch.
    pub at_ms: u64,
    /// The registration pushed for.
    pub registration_id: String,
    /// `badge` (an alert push carrying the unread count) or `background` (a `content-available` wake-up).
    pub kind: String,
    /// The badge count sent, if any.
    pub badge: Option<u32>,
    /// APNs' HTTP status, when it answered.
    pub status: Option<u16>,
    /// APNs' `reason` for a refusal (`BadDeviceToken`, `Unregistered`, ...).
    pub reason: Option<String>,
    /// APNs' `timestamp` of a 410 Unregistered (ms since the epoch): when it last confirmed that
    /// the token is no longer valid for the topic, i.e. when the app was uninstalled.
    #[serde(default)]
    pub unregistered_ms: Option<u64>,
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
