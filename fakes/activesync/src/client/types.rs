//! What the client's commands return.

use crate::http::ProtocolVersion;
use crate::policy::DevicePolicy;
use crate::store::Folder;
use crate::{leaf, Element};

/// What OPTIONS advertised.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ServerOptions {
    /// `MS-ASProtocolVersions`, as listed (unknown versions kept).
    pub versions: Vec<String>,
    /// `MS-ASProtocolCommands`, as listed.
    pub commands: Vec<String>,
    /// `MS-Server-ActiveSync`, when sent.
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
    Provisioned {
        /// The policy the server sent.
        policy: DevicePolicy,
        /// The final policy key of the acknowledgement phase ([MS-ASPROV] 2.2.2.42).
        policy_key: String,
    },
    /// The server has no policy for this device (Policy Status 2): it syncs without a key.
    NoPolicy,
    /// The server ordered a remote wipe; it was acknowledged and carried out.
    Wiped,
}

/// What a FolderSync changed, and the whole hierarchy after it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderSyncResult {
    /// `Add` entries: folders new since the previous SyncKey.
    pub added: Vec<Folder>,
    /// `Update` entries: folders renamed or moved.
    pub updated: Vec<Folder>,
    /// `Delete` entries: ServerIds of folders gone.
    pub deleted: Vec<String>,
    /// The whole hierarchy after applying the changes.
    pub folders: Vec<Folder>,
}

/// One item as the device holds it: its ServerId and the `ApplicationData` it was sent.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SyncItem {
    /// The ServerId the server assigned.
    pub server_id: String,
    /// The item's `ApplicationData` as last sent by the server.
    pub data: Element,
}

impl SyncItem {
    /// The text of a property by element name (`"Subject"`, `"MessageClass"`, `"StartTime"`).
    pub fn field(&self, name: &str) -> Option<&str> {
        self.data.find(&[name])
    }

    /// `Subject` (email, calendar and task items).
    pub fn subject(&self) -> Option<&str> {
        self.field("Subject")
    }

    /// The body text (`airsyncbase:Body/Data`).
    pub fn body(&self) -> Option<&str> {
        self.data.find(&["Body", "Data"])
    }

    /// The body's `airsyncbase:Type`: 1 text, 2 HTML, 4 MIME (the whole message in `Data`).
    pub fn body_type(&self) -> Option<u8> {
        self.data.find(&["Body", "Type"]).and_then(|t| t.trim().parse().ok())
    }

    /// The display names of the attachments the server listed (`airsyncbase:Attachments`).
    pub fn attachment_names(&self) -> Vec<&str> {
        self.data.child("Attachments").map(|a| a.elements().filter_map(|x| x.find(&["DisplayName"])).collect()).unwrap_or_default()
    }

    /// `MessageClass` (`IPM.Note`, `IPM.Schedule.Meeting.Request`, ...).
    pub fn message_class(&self) -> Option<&str> {
        self.field("MessageClass")
    }

    /// `Read` of an email: whether it has been read.
    pub fn read(&self) -> Option<bool> {
        self.field("Read").map(|r| r.trim() == "1")
    }
}

/// What one [`EasClient::sync`](super::EasClient::sync) brought in.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SyncResult {
    /// `Add` commands: items new to the device.
    pub added: Vec<SyncItem>,
    /// `Change` commands: items the server changed.
    pub changed: Vec<SyncItem>,
    /// `Delete` and `SoftDelete` commands: ServerIds gone.
    pub deleted: Vec<String>,
    /// The collection's SyncKey after the last round.
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
    HeartbeatOutOfRange {
        /// The response's `HeartbeatInterval`: the nearest allowed interval, in seconds.
        limit: u32,
    },
    /// Status 6: too many folders; at most this many.
    TooManyFolders {
        /// The response's `MaxFolders`.
        max: u32,
    },
}

/// The answer to a meeting request (`accept`, `tentative`, `decline` in JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MeetingAnswer {
    /// `UserResponse` 1: accepted.
    Accept = 1,
    /// `UserResponse` 2: tentatively accepted.
    Tentative = 2,
    /// `UserResponse` 3: declined.
    Decline = 3,
}

/// What the device says about itself in Provision (14.1+) and Settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceInformation {
    /// `settings:Model`.
    pub model: String,
    /// `settings:FriendlyName`: the name the user gave the device.
    pub friendly_name: String,
    /// `settings:OS`.
    pub os: String,
    /// `settings:OSLanguage`.
    pub os_language: String,
    /// `settings:UserAgent`, also sent as the `User-Agent` header.
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
