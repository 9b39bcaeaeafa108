//! What the client's commands return.

use crate::http::ProtocolVersion;
use crate::policy::DevicePolicy;
use crate::store::Folder;
use crate::{leaf, Element};

/// What OPTIONS advertised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerOptions {
    pub versions: Vec<String>,
    pub commands: Vec<String>,
    pub server_version: Option<String>,
}

impl ServerOptions {
    /// The advertised versions this crate knows.
    pub fn protocol_versions(&self) -> Vec<ProtocolVersion> {
        self.versions.iter().filter_map(|v| ProtocolVersion::parse(v)).collect()
    }
}

/// How a Provision ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvisionOutcome {
    /// The policy was applied and acknowledged; `policy_key` goes on every later command.
    Provisioned { policy: DevicePolicy, policy_key: String },
    /// The server has no policy for this device (Policy Status 2): it syncs without a key.
    NoPolicy,
    /// The server ordered a remote wipe; it was acknowledged and carried out.
    Wiped,
}

/// What a FolderSync changed, and the whole hierarchy after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderSyncResult {
    pub added: Vec<Folder>,
    pub updated: Vec<Folder>,
    pub deleted: Vec<String>,
    pub folders: Vec<Folder>,
}

/// One item as the device holds it: its ServerId and the `ApplicationData` it was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncItem {
    pub server_id: String,
    pub data: Element,
}

impl SyncItem {
    /// The text of a property by element name (`"Subject"`, `"MessageClass"`, `"StartTime"`).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.data.find(&[name])
    }

    pub fn subject(&self) -> Option<&str> {
        self.field("Subject")
    }

    /// The body text (`airsyncbase:Body/Data`).
    pub fn body(&self) -> Option<&str> {
        self.data.find(&["Body", "Data"])
    }

    pub fn message_class(&self) -> Option<&str> {
        self.field("MessageClass")
    }

    pub fn read(&self) -> Option<bool> {
        self.field("Read").map(|r| r.trim() == "1")
    }
}

/// What one [`EasClient::sync`](super::EasClient::sync) brought in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncResult {
    pub added: Vec<SyncItem>,
    pub changed: Vec<SyncItem>,
    pub deleted: Vec<String>,
    pub sync_key: String,
    /// Sync requests sent (priming and every MoreAvailable round included).
    pub requests: usize,
}

/// How a Ping ended.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PingOutcome {
    /// Status 1: the heartbeat expired without a change.
    Expired,
    /// Status 2: these folders changed.
    Changed(Vec<String>),
    /// Status 5: the interval was refused; this is the bound to use.
    HeartbeatOutOfRange { limit: u32 },
    /// Status 6: too many folders; at most this many.
    TooManyFolders { max: u32 },
}

/// The answer to a meeting request (`accept`, `tentative`, `decline` in JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MeetingAnswer {
    Accept = 1,
    Tentative = 2,
    Decline = 3,
}

/// What the device says about itself in Provision (14.1+) and Settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInformation {
    pub model: String,
    pub friendly_name: String,
    pub os: String,
    pub os_language: String,
    pub user_agent: String,
}

impl Default for DeviceInformation {
    fn default() -> Self {
        DeviceInformation {
            model: "SimPhone".into(),
            friendly_name: "mailconform device".into(),
            os: "SimOS 1.0".into(),
            os_language: "en-US".into(),
            user_agent: "mailconform-eas/1.0".into(),
        }
    }
}

impl DeviceInformation {
    /// The `DeviceInformation` element that carries it.
    pub fn to_element(&self) -> Element {
        use crate::Settings as S;
        crate::bodies::device_information([
            leaf(S::Model, self.model.as_str()),
            leaf(S::FriendlyName, self.friendly_name.as_str()),
            leaf(S::OS, self.os.as_str()),
            leaf(S::OSLanguage, self.os_language.as_str()),
            leaf(S::UserAgent, self.user_agent.as_str()),
        ])
    }
}
