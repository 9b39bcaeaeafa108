//! How an [`EasServer`](super::EasServer) behaves: which versions it speaks, which policy
//! it pushes and whether it insists on it, and the limits real servers put on long polls
//! and sync windows.

use crate::http::{ProtocolVersion, DEFAULT_PATH};
use crate::policy::DevicePolicy;

/// The configuration of a fake ActiveSync server.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct EasConfig {
    /// Advertised in `MS-ASProtocolVersions` and accepted in requests; others get 400.
    pub versions: Vec<ProtocolVersion>,
    /// The `MS-Server-ActiveSync` header (Exchange 2016 sends `15.1`).
    pub server_version_header: String,
    /// The device policy Provision hands out; `None` answers Policy Status 2 ("no policy
    /// for this client") and accepts every device without provisioning.
    pub policy: Option<DevicePolicy>,
    /// With a policy, refuse every command but OPTIONS, Provision and Ping until the device
    /// presents the key its acknowledgement earned: HTTP 449 up to 12.1, Status 142 (no
    /// key) or 144 (wrong key) from 14.0. Off, devices work without provisioning (the
    /// `NTS_AS_ENFORCE_POLICY=false` / loose provisioning behaviour).
    pub enforce_policy: bool,
    /// Ping and Sync heartbeat bounds in seconds; outside them Ping answers Status 5 and Sync
    /// Status 14, both with the bound. Exchange's are 60 and 3540.
    pub heartbeat_min_secs: u32,
    /// The upper heartbeat bound, in seconds.
    pub heartbeat_max_secs: u32,
    /// The largest WindowSize honoured; larger requests are served this many items.
    pub window_size_max: u32,
    /// The window when the client names none ([MS-ASCMD]: 100).
    pub window_size_default: u32,
    /// The most folders one Ping may watch; more get Ping Status 6 with `MaxFolders`.
    pub ping_max_folders: u32,
    /// The paths served (compared without regard to case); anything else is 404. Notes
    /// Traveler also answers on `/traveler/Microsoft-Server-ActiveSync`.
    pub paths: Vec<String>,
    /// Answer a 14.1+ initial Provision that lacks `settings:DeviceInformation` with Status
    /// 165, as Exchange 2010 SP1 and later do.
    pub require_device_information: bool,
    /// Keep every device partnership's sync state (policy key, SyncKeys and the items synced
    /// under them, Ping parameters) in the fake's state database, and read it back on start:
    /// Exchange keeps it in the mailbox, so its devices go on with their SyncKeys after the
    /// server restarts. Off, a restarted server knows no device.
    pub keep_sync_state: bool,
}

impl Default for EasConfig {
    fn default() -> Self {
        EasConfig {
            versions: ProtocolVersion::ALL.to_vec(),
            server_version_header: "15.1".into(),
            policy: None,
            enforce_policy: false,
            heartbeat_min_secs: 60,
            heartbeat_max_secs: 3540,
            window_size_max: 512,
            window_size_default: 100,
            ping_max_folders: 300,
            paths: vec![DEFAULT_PATH.to_string()],
            require_device_information: false,
            keep_sync_state: false,
        }
    }
}

impl EasConfig {
    /// Whether devices must provision before they may sync.
    pub fn provisioning_required(&self) -> bool {
        self.enforce_policy && self.policy.is_some()
    }

    /// Whether `path` is one this server answers on.
    pub(crate) fn serves_path(&self, path: &str) -> bool {
        let path = path.trim_end_matches('/');
        self.paths.iter().any(|p| p.trim_end_matches('/').eq_ignore_ascii_case(path))
    }
}
