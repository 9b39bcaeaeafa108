//! The sync state a server keeps across its own restart.
//!
//! Exchange keeps a device partnership's ActiveSync state (its policy key, the SyncKey of
//! every folder and the items the device holds under it, the folder hierarchy it knows, its
//! Ping parameters) in the mailbox, not in the memory of the process that serves it: after a
//! restart a device goes on with the SyncKeys it has ([MS-ASCMD] 2.2.3.177: the server
//! answers Status 3 only to a key it does not recognize). With
//! [`EasConfig::keep_sync_state`](super::EasConfig::keep_sync_state) the server writes each
//! partnership to its fake's state database ([`mailconform_sim::store`]) when a command or an
//! administrator changed it, and reads them all back when it starts.
//!
//! What is not kept is what the process holds for itself: the request journal and the per
//! partnership command counters start from zero, as a restarted server's logs would.

use super::devices::DeviceState;
use super::DeviceKey;
use mailconform_sim::store::RoleStore;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// The state database's table of device partnerships, by `<login>/<device id>`.
const KEPT_PARTNERSHIPS: &str = "eas-partnerships";

/// Writes partnerships to the state database, each only when it changed since it was last written.
pub(super) struct Keeper {
    store: RoleStore,
    written: Mutex<HashMap<String, serde_json::Value>>,
}

fn name(key: &DeviceKey) -> String {
    format!("{}/{}", key.0, key.1)
}

impl Keeper {
    /// The keeper of `store`, and the partnerships it holds.
    pub(super) fn open(store: RoleStore) -> (Keeper, BTreeMap<DeviceKey, DeviceState>) {
        let mut devices = BTreeMap::new();
        let mut written = HashMap::new();
        for (k, value) in store.load::<serde_json::Value>(KEPT_PARTNERSHIPS) {
            match serde_json::from_value::<DeviceState>(value.clone()) {
                Ok(d) => {
                    devices.insert((d.user.clone(), d.device_id.clone()), d);
                    written.insert(k, value);
                }
                Err(e) => tracing::warn!(partnership = %k, "kept ActiveSync partnership not read: {e}"),
            }
        }
        (Keeper { store, written: Mutex::new(written) }, devices)
    }

    /// Records the partnership `key` as `now` reads it (`None`: it was removed). `now` is read
    /// under this keeper's lock, so that of two commands of one device finishing together the
    /// state written last is the newer; the server's own lock is held only while `now` runs,
    /// not during the write.
    pub(super) fn keep(&self, key: &DeviceKey, now: impl FnOnce() -> Option<DeviceState>) {
        let k = name(key);
        let mut written = self.written.lock().unwrap_or_else(|e| e.into_inner());
        match now().as_ref().map(serde_json::to_value) {
            Some(Ok(value)) => {
                if written.get(&k) != Some(&value) {
                    self.store.put(KEPT_PARTNERSHIPS, &k, &value);
                    written.insert(k, value);
                }
            }
            Some(Err(e)) => tracing::warn!(partnership = %k, "ActiveSync partnership not kept: {e}"),
            None => {
                if written.remove(&k).is_some() {
                    self.store.delete(KEPT_PARTNERSHIPS, &k);
                }
            }
        }
    }
}

/// WBXML documents and elements (a collection's `Options`, the last Sync request) as kept:
/// their canonical encoding.
pub(super) mod wbxml {
    use crate::{Document, Element};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    fn bytes(doc: &Document) -> Result<Vec<u8>, String> {
        crate::encode(doc).map_err(|e| e.to_string())
    }

    /// `Option<Document>` as the bytes of its encoding.
    pub(crate) mod document {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(doc: &Option<Document>, s: S) -> Result<S::Ok, S::Error> {
            doc.as_ref().map(bytes).transpose().map_err(serde::ser::Error::custom)?.serialize(s)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Document>, D::Error> {
            Option::<Vec<u8>>::deserialize(d)?.map(|b| crate::decode(&b).map_err(serde::de::Error::custom)).transpose()
        }
    }

    /// `Option<Element>` as the bytes of a document with it as root.
    pub(crate) mod element {
        use super::*;

        pub(crate) fn serialize<S: Serializer>(e: &Option<Element>, s: S) -> Result<S::Ok, S::Error> {
            let doc = e.clone().map(Document::new);
            super::document::serialize(&doc, s)
        }

        pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Element>, D::Error> {
            Ok(super::document::deserialize(d)?.map(|doc| doc.root))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::devices::CollectionState;
    use crate::{el, leaf, AirSync as A, AirSyncBase as AB};
    use mailconform_sim::store::{MemoryStateStore, StateStore};
    use std::sync::Arc;

    #[test]
    fn partnerships_come_back_with_their_sync_keys_and_options() {
        let db: Arc<dyn StateStore> = Arc::new(MemoryStateStore::default());
        let (keeper, none) = Keeper::open(RoleStore::new(db.clone(), "exchange"));
        assert!(none.is_empty());
        let key: DeviceKey = ("alice".into(), "applf1".into());
        let mut d = DeviceState::new(&key.0, &key.1);
        d.policy_key = Some("1234".into());
        let mut inbox = CollectionState::primed();
        let base = inbox.base_for("1").unwrap();
        inbox.advance("1", base, [("1:1".to_string(), 1)].into());
        inbox.options = Some(el(A::Options, [el(AB::BodyPreference, [leaf(AB::Type, "1")])]));
        d.collections.insert("1".into(), inbox);
        d.commands.insert("Sync".into(), 3);
        keeper.keep(&key, || Some(d.clone()));

        let (_, back) = Keeper::open(RoleStore::new(db.clone(), "exchange"));
        let again = &back[&key];
        assert_eq!(again.policy_key.as_deref(), Some("1234"));
        let c = &again.collections["1"];
        assert_eq!((c.key.as_str(), c.known.len()), ("2", 1));
        assert_eq!(c.base_for("1").map(|k| k.len()), Some(0), "the previous key still answers a retry");
        assert_eq!(c.options, d.collections["1"].options);
        assert!(again.commands.is_empty(), "the command counters are the process's own");

        keeper.keep(&key, || None);
        assert!(Keeper::open(RoleStore::new(db, "exchange")).1.is_empty());
    }
}
