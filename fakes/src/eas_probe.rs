//! A bare ActiveSync client at a mail server: one command with exactly the policy key or the
//! Ping heartbeat a scenario names, and what the server answered.
//!
//! Secure Mail and Boxer always provision before anything else and pick a heartbeat the server
//! accepts, so the server's own gates (provisioning, heartbeat bounds) are never tested through
//! them. This client skips what they do right.

use mailconform_activesync::bodies::{provision_acknowledgement, provision_request};
use mailconform_activesync::client::PingOutcome;
use mailconform_activesync::policy::policy_type_for;
use mailconform_activesync::status::{policy, provision, Status};
use mailconform_activesync::store::{FolderType, ItemClass};
use mailconform_activesync::{el, leaf, Document, EasClient, EasError, Element, ProtocolVersion, Provision};
use mailconform_sim::HttpClient;

/// The `X-MS-PolicyKey` the client sends.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PolicyKey {
    /// None at all: the device never provisioned.
    Missing,
    /// A key the server never issued.
    Wrong,
    /// The key the server issued to this device in a full Provision.
    Provisioned,
}

/// What the server answered the one command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EasAnswer {
    /// HTTP 200 with Status 1 (for Ping: the heartbeat expired with nothing changed).
    Done,
    /// Ping Status 2: these folders changed while the Ping was held, by the display names
    /// FolderSync gave them (their ServerIds when FolderSync did not list them).
    Changed(Vec<String>),
    /// An HTTP error status (449: provision first, up to 12.1).
    Http(u16),
    /// The command's Status (142 DeviceNotProvisioned, 144 InvalidPolicyKey, ...).
    Status(u16),
    /// Ping Status 5: the heartbeat was out of bounds; the server names the nearest one.
    HeartbeatOutOfRange {
        /// The `HeartbeatInterval` the server sent back, in seconds.
        limit: u32,
    },
    /// Ping Status 6: the request monitored more folders than the server allows; it names
    /// its limit in `MaxFolders`.
    TooManyFolders {
        /// The `MaxFolders` the server sent back.
        max: u32,
    },
    /// The `Status` under `Policy` in a Provision answer whose own Status was 1 (3: unknown
    /// PolicyType, 5: the acknowledgement named a key the server never issued).
    PolicyStatus(u16),
    /// A Provision answer carrying a `RemoteWipe` directive, with the answer's Status.
    RemoteWipe {
        /// The Provision Status beside the directive (2 after a failed wipe).
        status: u16,
    },
    /// Anything else, in words.
    Failed(String),
}

/// One Provision exchange a scenario sends as it is, to see the server's side of the
/// handshake ([MS-ASPROV] 3.2.5.1) that a device which provisions correctly never shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProvisionStep {
    /// Acknowledges a remote wipe with this Status (1 wiped, 2 failed). With `directive`,
    /// a Provision first fetches the directive the acknowledgement answers; without, the
    /// acknowledgement comes out of the blue.
    AcknowledgeWipe {
        /// The client's `RemoteWipe/Status`.
        status: Status,
        /// Whether the server's directive was fetched first.
        directive: bool,
    },
    /// Phase 1 naming this `PolicyType`.
    RequestPolicy(String),
    /// Phase 1 with the version's PolicyType, then the acknowledgement reporting this
    /// Policy Status (1 applied, 2 partially applied, 3 not applied).
    Acknowledge(Status),
    /// Phase 1, then an acknowledgement naming a key the server never issued.
    AcknowledgeWrongKey,
}

/// Who the client is and where it talks.
#[derive(Clone, Debug)]
pub struct EasProbe {
    /// The ActiveSync endpoint, e.g. `https://mail.example.test/Microsoft-Server-ActiveSync`.
    pub url: String,
    /// The account.
    pub login: String,
    /// Its password.
    pub password: String,
    /// The `DeviceId` to present (a device the server has not seen is best).
    pub device_id: String,
    /// The `MS-ASProtocolVersion` of every request.
    pub version: ProtocolVersion,
}

impl EasProbe {
    fn client(&self, http: &HttpClient) -> EasClient {
        let c = EasClient::new(http.clone(), &self.url, &self.login, &self.password, &self.device_id, "Probe", self.version);
        c.set_auto_provision(false);
        c
    }

    /// FolderSync with `key` (provisioning first for [`PolicyKey::Provisioned`]).
    pub async fn folder_sync(&self, http: &HttpClient, key: PolicyKey) -> EasAnswer {
        let c = self.client(http);
        match key {
            PolicyKey::Missing => c.set_policy_key(None),
            PolicyKey::Wrong => c.set_policy_key(Some("1234567890".into())),
            PolicyKey::Provisioned => {
                if let Err(e) = c.provision().await {
                    return EasAnswer::Failed(format!("Provision failed: {e}"));
                }
            }
        }
        match c.folder_sync().await {
            Ok(_) => EasAnswer::Done,
            Err(e) => answer_of(e),
        }
    }

    /// Sends `step` and sorts the last answer: [`EasAnswer::Done`] for Status 1 with Policy
    /// Status 1 (or no Policy, as a wipe acknowledgement's answer has none).
    pub async fn provision(&self, http: &HttpClient, step: &ProvisionStep) -> EasAnswer {
        let c = self.client(http);
        let policy_type = policy_type_for(self.version);
        let device = (self.version >= ProtocolVersion::V14_1).then(device_information);
        let result = match step {
            ProvisionStep::AcknowledgeWipe { status, directive } => {
                if *directive {
                    match c.send_provision(provision_request(device, policy_type)).await {
                        Ok(Some(doc)) if doc.root.child("RemoteWipe").is_some() => {}
                        Ok(_) => return EasAnswer::Failed("the server sent no RemoteWipe directive to acknowledge".into()),
                        Err(e) => return answer_of(e),
                    }
                }
                let ack =
                    Document::new(el(Provision::Provision, [el(Provision::RemoteWipe, [leaf(Provision::Status, status.to_string())])]));
                c.send_provision(ack).await
            }
            ProvisionStep::RequestPolicy(policy_type) => c.send_provision(provision_request(device, policy_type)).await,
            ProvisionStep::Acknowledge(_) | ProvisionStep::AcknowledgeWrongKey => {
                let temp = match c.send_provision(provision_request(device, policy_type)).await {
                    Ok(Some(doc)) => match doc.find(&["Policies", "Policy", "PolicyKey"]) {
                        Some(key) => key.trim().to_string(),
                        None => return sort_provision(&doc.root),
                    },
                    Ok(None) => return EasAnswer::Failed("the server answered phase 1 of Provision with no body".into()),
                    Err(e) => return answer_of(e),
                };
                let (key, status) = match step {
                    ProvisionStep::Acknowledge(status) => (temp, *status),
                    _ => (format!("{temp}9"), 1),
                };
                c.send_provision(provision_acknowledgement(policy_type, &key, status)).await
            }
        };
        match result {
            Ok(Some(doc)) => sort_provision(&doc.root),
            Ok(None) => EasAnswer::Failed("the server answered Provision with no body".into()),
            Err(e) => answer_of(e),
        }
    }

    /// Ping on the Inbox with `heartbeat_secs`, as a provisioned device that has listed its
    /// folders but never synced the Inbox.
    pub async fn ping(&self, http: &HttpClient, heartbeat_secs: u32) -> EasAnswer {
        self.ping_folders(http, 1, heartbeat_secs).await
    }

    /// Ping on `count` folders with `heartbeat_secs`, as a provisioned device that has listed
    /// its folders (FolderSync) but synced none of them: the Inbox first, then the account's
    /// other folders, then the same list again until there are `count` entries. Repeating
    /// folders keeps every entry a folder the server knows, so the only thing a count over the
    /// server's limit can trip is the limit itself.
    pub async fn ping_folders(&self, http: &HttpClient, count: usize, heartbeat_secs: u32) -> EasAnswer {
        let c = self.client(http);
        if let Err(e) = c.provision().await {
            return EasAnswer::Failed(format!("Provision failed: {e}"));
        }
        if let Err(e) = c.folder_sync().await {
            return EasAnswer::Failed(format!("FolderSync failed: {e}"));
        }
        let Some(inbox) = c.folder_id(FolderType::Inbox) else {
            return EasAnswer::Failed("the server listed no Inbox".into());
        };
        let listed = c.folders();
        let mut known: Vec<(&str, &str)> = vec![(inbox.as_str(), ItemClass::Email.as_str())];
        known.extend(listed.iter().filter(|f| f.server_id != inbox).map(|f| (f.server_id.as_str(), f.folder_type.item_class().as_str())));
        let folders: Vec<(&str, &str)> = known.iter().copied().cycle().take(count).collect();
        match c.ping(Some(&folders), Some(heartbeat_secs)).await {
            Ok(PingOutcome::Expired) => EasAnswer::Done,
            Ok(PingOutcome::Changed(ids)) => EasAnswer::Changed(ids.into_iter().map(|id| display_name(&c, id)).collect()),
            Ok(PingOutcome::HeartbeatOutOfRange { limit }) => EasAnswer::HeartbeatOutOfRange { limit },
            Ok(PingOutcome::TooManyFolders { max }) => EasAnswer::TooManyFolders { max },
            Err(e) => answer_of(e),
        }
    }
}

/// The name FolderSync gave folder `id`, or the id itself for a folder it did not list.
fn display_name(c: &EasClient, id: String) -> String {
    c.folders().into_iter().find(|f| f.server_id == id).map_or(id, |f| f.display_name)
}

/// The DeviceInformation a 14.1 device must send in its first Provision ([MS-ASPROV] 2.2.2.53).
fn device_information() -> Element {
    mailconform_activesync::client::DeviceInformation::default().to_element()
}

/// A Provision answer, by its Status, its directive and its Policy's Status.
fn sort_provision(root: &Element) -> EasAnswer {
    let status = |path: &[&str]| root.find(path).and_then(|s| s.trim().parse::<u16>().ok());
    let top = status(&["Status"]).unwrap_or(0);
    if root.child("RemoteWipe").is_some() {
        return EasAnswer::RemoteWipe { status: top };
    }
    if top != provision::SUCCESS {
        return EasAnswer::Status(top);
    }
    match status(&["Policies", "Policy", "Status"]) {
        None | Some(policy::SUCCESS) => EasAnswer::Done,
        Some(other) => EasAnswer::PolicyStatus(other),
    }
}

fn answer_of(e: EasError) -> EasAnswer {
    match (e.http_status(), e.command_status()) {
        (Some(status), _) => EasAnswer::Http(status),
        (None, Some(status)) => EasAnswer::Status(status),
        (None, None) => EasAnswer::Failed(e.to_string()),
    }
}
