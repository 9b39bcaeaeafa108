//! What the server remembers per device partnership (user × DeviceId): its policy keys and
//! wipe state, its cached Ping parameters, and one sync state per folder and for the
//! hierarchy.
//!
//! A sync state is the set of items (with their versions) the device is known to hold
//! under its current sync key. The next Sync sends the difference between that set and the
//! folder, at most a window at a time; so windows, client-side changes and retries fall
//! out of one comparison instead of a per-device change log. The state under the previous
//! key is kept too: a client whose response was lost resends the previous key and gets the
//! same changes again rather than Status 3.

use super::contract::{CollectionSummary, Partnership, PingFolder};
use crate::http::{Command, ProtocolVersion};
use crate::store::{Folder, Item};
use std::collections::{BTreeMap, BTreeSet};

/// Where a remote wipe stands.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WipeState {
    /// No wipe requested.
    #[default]
    None,
    /// Requested by an administrator; the device learns of it on its next command.
    Pending,
    /// The device confirmed the wipe. The partnership stays in wipe: a device that comes
    /// back is wiped again, as Exchange does until the partnership is removed.
    Acknowledged,
    /// The device reported that the wipe failed; the wipe is sent again.
    Failed,
}

impl WipeState {
    /// Whether a wipe is requested or in force: commands other than Provision are refused.
    pub fn active(self) -> bool {
        self != WipeState::None
    }
}

/// Items the device holds under one sync key: ServerId → item version.
pub(super) type Known = BTreeMap<String, u64>;

/// One folder's sync state.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct CollectionState {
    pub key: String,
    pub counter: u64,
    pub known: Known,
    pub previous: Option<(String, Known)>,
    /// Items the device deleted that the server kept (MeetingDeletePolicy::KeepOnServer):
    /// the device believes them gone, so they are never offered again.
    pub hidden: BTreeSet<String>,
    /// The last `Options` element the client sent for this folder: servers keep them, so
    /// a later Sync without Options is served the same way.
    #[serde(default, with = "super::kept::wbxml::element")]
    pub options: Option<crate::Element>,
}

impl CollectionState {
    /// The state a SyncKey of 0 creates: key 1, nothing known.
    pub(crate) fn primed() -> CollectionState {
        CollectionState { key: "1".into(), counter: 1, ..Default::default() }
    }

    /// The known set for a key the client presents: the current one, or the previous one
    /// on a retry. `None` is an invalid key.
    pub(crate) fn base_for(&self, key: &str) -> Option<Known> {
        if key == self.key {
            return Some(self.known.clone());
        }
        match &self.previous {
            Some((k, known)) if k == key => Some(known.clone()),
            _ => None,
        }
    }

    /// Moves to a new key holding `known`, keeping the state under the presented key.
    pub(crate) fn advance(&mut self, presented_key: &str, presented_known: Known, known: Known) -> String {
        self.counter += 1;
        self.previous = Some((presented_key.to_string(), presented_known));
        self.key = self.counter.to_string();
        self.known = known;
        self.key.clone()
    }
}

/// One pending change for a device.
#[derive(Clone, Debug)]
pub(super) enum Pending {
    Add(Item),
    Change(Item),
    Delete(String),
}

/// What the device lacks: deletes first, then new and changed items newest first (so the
/// first window of a large Inbox carries the latest mail, as Exchange orders it).
pub(super) fn pending(items: &[Item], known: &Known, hidden: &BTreeSet<String>) -> Vec<Pending> {
    let present: BTreeSet<&str> = items.iter().map(|i| i.server_id.as_str()).collect();
    let mut out: Vec<Pending> = known.keys().filter(|id| !present.contains(id.as_str())).map(|id| Pending::Delete(id.clone())).collect();
    for item in items.iter().rev() {
        if hidden.contains(&item.server_id) {
            continue;
        }
        match known.get(&item.server_id) {
            None => out.push(Pending::Add(item.clone())),
            Some(v) if *v != item.version => out.push(Pending::Change(item.clone())),
            Some(_) => {}
        }
    }
    out
}

/// The folder hierarchy as the device knows it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct HierarchyState {
    pub key: String,
    pub counter: u64,
    pub known: BTreeMap<String, Folder>,
    pub previous: Option<(String, BTreeMap<String, Folder>)>,
}

/// Everything remembered about one device partnership. All of it but the command counters is
/// what a server keeps in the mailbox (see [`super::kept`]).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub(crate) struct DeviceState {
    pub user: String,
    pub device_id: String,
    pub device_type: String,
    pub protocol_version: Option<ProtocolVersion>,
    pub user_agent: Option<String>,
    /// The key the device earned by acknowledging the policy.
    pub policy_key: Option<String>,
    /// The temporary key of a phase-1 Provision awaiting acknowledgement.
    pub(crate) pending_key: Option<String>,
    /// Whether the device was accepted without a policy (Policy Status 2).
    pub no_policy: bool,
    /// The policy changed since the device acknowledged it: its next command gets Status 143.
    pub(crate) policy_stale: bool,
    pub wipe: WipeState,
    pub(crate) device_information: BTreeMap<String, String>,
    pub heartbeat: Option<u32>,
    pub(crate) ping_folders: Vec<(String, String)>,
    pub hierarchy: Option<HierarchyState>,
    pub collections: BTreeMap<String, CollectionState>,
    /// The last non-empty Sync request, for an empty or partial Sync.
    #[serde(with = "super::kept::wbxml::document")]
    pub(crate) last_sync: Option<crate::Document>,
    #[serde(skip)]
    pub commands: BTreeMap<String, u64>,
    #[serde(skip)]
    pub(crate) last_command: Option<Command>,
}

impl DeviceState {
    pub(crate) fn new(user: &str, device_id: &str) -> DeviceState {
        DeviceState { user: user.to_string(), device_id: device_id.to_string(), ..Default::default() }
    }

    /// The device as the control API shows it.
    pub(crate) fn partnership(&self) -> Partnership {
        Partnership {
            user: self.user.clone(),
            device_id: self.device_id.clone(),
            device_type: self.device_type.clone(),
            protocol_version: self.protocol_version,
            user_agent: self.user_agent.clone(),
            provisioned: self.policy_key.is_some(),
            policy_key: self.policy_key.clone(),
            pending_policy_key: self.pending_key.clone(),
            no_policy: self.no_policy,
            policy_stale: self.policy_stale,
            wipe: self.wipe,
            device_information: self.device_information.clone(),
            heartbeat_interval: self.heartbeat,
            ping_folders: self.ping_folders.iter().map(|(id, class)| PingFolder { id: id.clone(), class: class.clone() }).collect(),
            folder_sync_key: self.hierarchy.as_ref().map(|h| h.key.clone()),
            collections: self
                .collections
                .iter()
                .map(|(id, c)| {
                    let summary =
                        CollectionSummary { sync_key: c.key.clone(), items: c.known.len(), hidden: c.hidden.iter().cloned().collect() };
                    (id.clone(), summary)
                })
                .collect(),
            commands: self.commands.clone(),
            last_command: self.last_command,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::NewItem;

    fn item(id: &str, version: u64) -> Item {
        let mut i = NewItem::email("a", "b", id, "").into_item(id.to_string(), "t");
        i.version = version;
        i
    }

    #[test]
    fn pending_is_the_difference_newest_first() {
        let items = [item("1:1", 1), item("1:2", 2), item("1:3", 1)];
        let known: Known = [("1:1".to_string(), 1), ("1:2".to_string(), 1), ("1:9".to_string(), 1)].into();
        let p = pending(&items, &known, &BTreeSet::new());
        let kinds: Vec<String> = p
            .iter()
            .map(|p| match p {
                Pending::Add(i) => format!("add {}", i.server_id),
                Pending::Change(i) => format!("change {}", i.server_id),
                Pending::Delete(id) => format!("delete {id}"),
            })
            .collect();
        assert_eq!(kinds, ["delete 1:9", "add 1:3", "change 1:2"]);
        let hidden: BTreeSet<String> = ["1:3".to_string()].into();
        assert_eq!(pending(&items, &known, &hidden).len(), 2);
    }

    #[test]
    fn keys_advance_and_the_previous_one_stays_valid() {
        let mut c = CollectionState::primed();
        assert_eq!(c.key, "1");
        let base = c.base_for("1").unwrap();
        let k2 = c.advance("1", base, [("1:1".to_string(), 1)].into());
        assert_eq!(k2, "2");
        assert_eq!(c.base_for("1").unwrap().len(), 0);
        assert_eq!(c.base_for("2").unwrap().len(), 1);
        assert!(c.base_for("0").is_none());
        assert!(c.base_for("7").is_none());
    }
}
