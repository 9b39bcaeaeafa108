//! The control contract of the fake ActiveSync server: how scenario steps deliver mail,
//! order a remote wipe, change availability and observe devices and mailboxes without
//! reaching into the server's memory, so a step works the same against a served fake.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/_mailconform/activesync/devices` | | `Vec<`[`Partnership`]`>` |
//! | `GET` | `/_mailconform/activesync/devices/{user}/{device}` | | [`Partnership`]; 404 if never seen |
//! | `DELETE` | `/_mailconform/activesync/devices/{user}/{device}` | | 204: the partnership is removed |
//! | `POST` | `/_mailconform/activesync/devices/{user}/{device}/wipe` | | 204: a remote wipe is requested |
//! | `DELETE` | `/_mailconform/activesync/devices/{user}/{device}/wipe` | | 204: the wipe is withdrawn |
//! | `PUT` | `/_mailconform/activesync/availability` | [`Availability`] | 204 |
//! | `GET` | `/_mailconform/activesync/device-policy` | | [`DevicePolicySetting`] |
//! | `PUT` | `/_mailconform/activesync/device-policy` | [`DevicePolicySetting`] | 204; provisioned devices get Status 143 |
//! | `POST` | `/_mailconform/activesync/users` | [`NewUser`] | 204: a mailbox is created |
//! | `POST` | `/_mailconform/activesync/deliver` | [`Delivery`] | [`StoredItem`] |
//! | `GET` | `/_mailconform/activesync/mailboxes/{user}/folders` | | `Vec<`[`Folder`]`>` |
//! | `GET` | `/_mailconform/activesync/mailboxes/{user}/folders/{folder}/items` | | `Vec<`[`Item`]`>` |
//! | `PUT` | `/_mailconform/activesync/meeting-delete-policy` | [`MeetingDeletePolicyChange`] | 204 (CXM-47936 on or off) |
//! | `GET` | `/_mailconform/activesync/log` | query `after`, `limit` ([`PageQuery`]) | [`RequestLogPage`]: the requests answered after `after` (the newest `FakeEnv::journal_capacity` are kept) |
//!
//! Path segments are percent-decoded (`alice%40example.test`). Refusals are
//! [`ErrorBody`](mailconform_sim::contract::ErrorBody) `{"error": …}`; a body that does not
//! parse is refused with 400 and an example of the expected one.

use super::{Availability, RequestRecord, WipeState};
use crate::http::{Command, ProtocolVersion, QueryForm};
use crate::policy::DevicePolicy;
use crate::store::{FolderType, ItemClass, MeetingDeletePolicy, NewItem};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, Page};

pub use mailconform_sim::PageQuery;

/// A page of the server's request journal.
pub type RequestLogPage = Page<RequestRecord>;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::store::{Folder, Item};

/// Where the control API lives.
pub const CONTROL_PATH: &str = "/_mailconform/activesync";

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Devices,
    Device,
    RemoveDevice,
    Wipe,
    CancelWipe,
    SetAvailability,
    DevicePolicy,
    SetDevicePolicy,
    AddUser,
    Deliver,
    Folders,
    Items,
    SetMeetingDeletePolicy,
    Log,
}

pub(crate) const ROUTES: Routes<Op> = Routes::new(
    CONTROL_PATH,
    &[
        Route::new(Op::Devices, "GET", "/devices"),
        Route::new(Op::Device, "GET", "/devices/{user}/{device}"),
        Route::new(Op::RemoveDevice, "DELETE", "/devices/{user}/{device}"),
        Route::new(Op::Wipe, "POST", "/devices/{user}/{device}/wipe"),
        Route::new(Op::CancelWipe, "DELETE", "/devices/{user}/{device}/wipe"),
        Route::new(Op::SetAvailability, "PUT", "/availability"),
        Route::new(Op::DevicePolicy, "GET", "/device-policy"),
        Route::new(Op::SetDevicePolicy, "PUT", "/device-policy"),
        Route::new(Op::AddUser, "POST", "/users"),
        Route::new(Op::Deliver, "POST", "/deliver"),
        Route::new(Op::Folders, "GET", "/mailboxes/{user}/folders"),
        Route::new(Op::Items, "GET", "/mailboxes/{user}/folders/{folder}/items"),
        Route::new(Op::SetMeetingDeletePolicy, "PUT", "/meeting-delete-policy"),
        Route::new(Op::Log, "GET", "/log"),
    ],
);

/// One device partnership (user × DeviceId) as the server remembers it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Partnership {
    /// The authenticated login the partnership belongs to.
    pub user: String,
    /// The DeviceId of the query.
    pub device_id: String,
    /// The DeviceType of the query.
    pub device_type: String,
    /// The version of the device's last command.
    pub protocol_version: Option<ProtocolVersion>,
    /// The `User-Agent` of the device's last command.
    pub user_agent: Option<String>,
    /// Whether the device holds a policy key it earned by acknowledging the policy.
    pub provisioned: bool,
    /// The policy key the device acknowledged (the one it must send).
    pub policy_key: Option<String>,
    /// The temporary key of a phase-1 Provision awaiting acknowledgement.
    pub pending_policy_key: Option<String>,
    /// Accepted without a policy (Policy Status 2).
    pub no_policy: bool,
    /// The policy changed since the device acknowledged it: its next command gets Status 143.
    pub policy_stale: bool,
    /// Where a remote wipe of the device stands.
    pub wipe: WipeState,
    /// The `Settings` `DeviceInformation` fields the device sent (`OS`, `Model`, ...).
    pub device_information: BTreeMap<String, String>,
    /// The Ping heartbeat the device last asked for, in seconds.
    pub heartbeat_interval: Option<u32>,
    /// The folders the device's Ping watches (cached for Pings without a folder list).
    pub ping_folders: Vec<PingFolder>,
    /// The current FolderSync SyncKey; `None` before the first FolderSync.
    pub folder_sync_key: Option<String>,
    /// Per folder ServerId, the sync state.
    pub collections: BTreeMap<String, CollectionSummary>,
    /// How many times each command was sent.
    pub commands: BTreeMap<String, u64>,
    /// The command the device sent last.
    pub last_command: Option<Command>,
}

/// A folder a device's Ping watches.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PingFolder {
    /// The folder's ServerId.
    pub id: String,
    /// The Ping `Class`: `Email`, `Calendar`, `Contacts`, `Tasks` or `Notes`.
    pub class: String,
}

/// One folder's sync state as a device holds it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CollectionSummary {
    /// The collection's current SyncKey.
    pub sync_key: String,
    /// How many items the device is known to hold.
    pub items: usize,
    /// Items the device deleted that the server kept (CXM-47936).
    pub hidden: Vec<String>,
}

/// The EAS device policy in force and whether devices must acknowledge it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevicePolicySetting {
    /// `null`: no policy.
    pub policy: Option<DevicePolicy>,
    /// Exchange's `AllowNonProvisionableDevices` off.
    pub enforce: bool,
}

/// A mailbox to create.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The name the user authenticates with (`alice`, `DOMAIN\alice`).
    pub login: String,
    /// The primary SMTP address.
    pub email: String,
}

/// An item to deliver to a mailbox (`to` is a login or an address).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delivery {
    /// The recipient: a login or an address of an existing mailbox.
    pub to: String,
    /// What arrives; its class picks the folder (mail in Inbox, appointments in Calendar, ...).
    pub item: NewItem,
}

/// The ServerId the store gave an item.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredItem {
    /// The ServerId, as devices will see it in Sync.
    pub server_id: String,
}

/// Whether a client's delete of a meeting message reaches the server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MeetingDeletePolicyChange {
    /// `Propagate` (Exchange) or `KeepOnServer` (CXM-47936).
    pub policy: MeetingDeletePolicy,
}

impl Body for Partnership {
    fn example() -> Self {
        Partnership {
            user: "alice".into(),
            device_id: "iphone1".into(),
            device_type: "iPhone".into(),
            protocol_version: Some(ProtocolVersion::V14_1),
            user_agent: Some("Apple-iPhone/1401.1".into()),
            provisioned: true,
            policy_key: Some("3942919513".into()),
            pending_policy_key: Some("1307199584".into()),
            no_policy: false,
            policy_stale: true,
            wipe: WipeState::Pending,
            device_information: BTreeMap::from([("OS".to_string(), "iOS 17.4".to_string())]),
            heartbeat_interval: Some(480),
            ping_folders: vec![PingFolder { id: "1".into(), class: "Email".into() }],
            folder_sync_key: Some("2".into()),
            collections: BTreeMap::from([("1".to_string(), CollectionSummary::example())]),
            commands: BTreeMap::from([("Sync".to_string(), 3)]),
            last_command: Some(Command::Ping),
        }
    }
}

impl Body for PingFolder {
    fn example() -> Self {
        PingFolder { id: "1".into(), class: "Email".into() }
    }
}

impl Body for CollectionSummary {
    fn example() -> Self {
        CollectionSummary { sync_key: "4".into(), items: 12, hidden: vec!["1:7".into()] }
    }
}

impl Body for Availability {
    fn example() -> Self {
        Availability::Unavailable { retry_after_secs: 30 }
    }
}

impl Body for DevicePolicySetting {
    fn example() -> Self {
        DevicePolicySetting {
            policy: Some(DevicePolicy { device_password_enabled: true, min_device_password_length: Some(6), ..DevicePolicy::default() }),
            enforce: true,
        }
    }
}

impl Body for NewUser {
    fn example() -> Self {
        NewUser { login: "alice".into(), email: "alice@example.test".into() }
    }
}

impl Body for Delivery {
    fn example() -> Self {
        Delivery { to: "alice".into(), item: NewItem::email("bob@example.test", "alice@example.test", "Hi", "") }
    }
}

impl Body for StoredItem {
    fn example() -> Self {
        StoredItem { server_id: "1:1".into() }
    }
}

impl Body for MeetingDeletePolicyChange {
    fn example() -> Self {
        MeetingDeletePolicyChange { policy: MeetingDeletePolicy::KeepOnServer }
    }
}

impl Body for Folder {
    fn example() -> Self {
        Folder { server_id: "1".into(), parent_id: "0".into(), display_name: "Inbox".into(), folder_type: FolderType::Inbox }
    }
}

impl Body for Item {
    fn example() -> Self {
        Item {
            server_id: "1:1".into(),
            class: ItemClass::Email,
            message_class: "IPM.Note".into(),
            subject: "Hi".into(),
            from: "bob@example.test".into(),
            to: "alice@example.test".into(),
            body: "Hello".into(),
            date_received: "2026-01-05T09:00:00.000Z".into(),
            busy_status: Some(2),
            importance: Some(1),
            categories: vec!["Work".into()],
            version: 2,
            ..Item::default()
        }
    }
}

impl Body for RequestRecord {
    fn example() -> Self {
        RequestRecord {
            user: "alice".into(),
            method: "POST".into(),
            command: Some(Command::Sync),
            device_id: Some("iphone1".into()),
            protocol_version: Some(ProtocolVersion::V14_1),
            form: Some(QueryForm::Base64),
            http_status: 200,
            status: Some(1),
            at_ms: 1_500,
        }
    }
}

/// Typed client of this control API: build it with the server's control URL
/// (`https://<host>/_mailconform/activesync`).
#[derive(Clone)]
pub struct EasControl(pub ControlClient);

impl EasControl {
    /// Every partnership the server has seen.
    pub async fn devices(&self) -> Result<Vec<Partnership>, ControlError> {
        self.0.get("/devices").await
    }

    /// One partnership; 404 (an error) if the device never connected.
    pub async fn device(&self, user: &str, device_id: &str) -> Result<Partnership, ControlError> {
        self.0.get(&format!("/devices/{user}/{device_id}")).await
    }

    /// Removes a partnership, as an administrator does to end a wipe.
    pub async fn remove_device(&self, user: &str, device_id: &str) -> Result<(), ControlError> {
        self.0.delete(&format!("/devices/{user}/{device_id}")).await
    }

    /// Requests a remote wipe: the device's next command is sent to Provision, which delivers the wipe ([MS-ASPROV] RemoteWipe).
    pub async fn wipe(&self, user: &str, device_id: &str) -> Result<(), ControlError> {
        self.0.post_empty(&format!("/devices/{user}/{device_id}/wipe")).await
    }

    /// Withdraws a wipe the device has not yet carried out.
    pub async fn cancel_wipe(&self, user: &str, device_id: &str) -> Result<(), ControlError> {
        self.0.delete(&format!("/devices/{user}/{device_id}/wipe")).await
    }

    /// How the server answers every ActiveSync request from now on (451, 503, 403, ...).
    pub async fn set_availability(&self, availability: &Availability) -> Result<(), ControlError> {
        self.0.put("/availability", availability).await
    }

    /// The device policy in force and whether it is enforced.
    pub async fn device_policy(&self) -> Result<DevicePolicySetting, ControlError> {
        self.0.get("/device-policy").await
    }

    /// Changes the device policy (`None` for none) and whether it is enforced.
    pub async fn set_device_policy(&self, setting: &DevicePolicySetting) -> Result<(), ControlError> {
        self.0.put("/device-policy", setting).await
    }

    /// Creates a mailbox with the default folders.
    pub async fn add_user(&self, user: &NewUser) -> Result<(), ControlError> {
        self.0.post("/users", user).await
    }

    /// Delivers an item to a mailbox; pending Pings on its folder answer Status 2.
    pub async fn deliver(&self, delivery: &Delivery) -> Result<StoredItem, ControlError> {
        self.0.post("/deliver", delivery).await
    }

    /// A mailbox's folder hierarchy.
    pub async fn folders(&self, user: &str) -> Result<Vec<Folder>, ControlError> {
        self.0.get(&format!("/mailboxes/{user}/folders")).await
    }

    /// The items of one folder of a mailbox.
    pub async fn items(&self, user: &str, folder: &str) -> Result<Vec<Item>, ControlError> {
        self.0.get(&format!("/mailboxes/{user}/folders/{folder}/items")).await
    }

    /// Turns the CXM-47936 behaviour (client deletes of meeting messages kept on the server) on or off.
    pub async fn set_meeting_delete_policy(&self, policy: MeetingDeletePolicy) -> Result<(), ControlError> {
        self.0.put("/meeting-delete-policy", &MeetingDeletePolicyChange { policy }).await
    }

    /// Every ActiveSync request the server answered, with its HTTP status and top-level Status.
    pub async fn log(&self) -> Result<Vec<RequestRecord>, ControlError> {
        self.0.get_journal("/log").await
    }

    /// One page of the request journal.
    pub async fn log_page(&self, query: &PageQuery) -> Result<RequestLogPage, ControlError> {
        self.0.get_page("/log", query).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<Partnership>();
        check_round_trip::<PingFolder>();
        check_round_trip::<CollectionSummary>();
        check_round_trip::<Availability>();
        check_round_trip::<DevicePolicySetting>();
        check_round_trip::<NewUser>();
        check_round_trip::<Delivery>();
        check_round_trip::<StoredItem>();
        check_round_trip::<MeetingDeletePolicyChange>();
        check_round_trip::<Folder>();
        check_round_trip::<Item>();
        check_round_trip::<RequestRecord>();
        check_round_trip::<RequestLogPage>();
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let sim = mailconform_sim::Simulation::new(7).unwrap();
        let env = mailconform_sim::FakeEnv::new(sim.client(), sim.clock.clone(), sim.rng.fork("eas"));
        let server = {
            let _rt = sim.enter();
            super::super::EasServer::new(env, super::super::EasConfig::default(), crate::MemoryStore::new())
        };
        sim.block_on(mailconform_sim::contract::check_served(include_str!("contract.rs"), |req| std::future::ready(server.control(&req))));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[ROUTES.listing()]);
    }
}
