//! What a served fake keeps across a restart, in an embedded database in the state directory.
//!
//! A fake records the state a real deployment keeps on disk (mailbox contents, a listener's
//! device registrations, APNs's device tokens) through its [`RoleStore`] as it changes, and
//! reads it back when it starts. A served deployment keeps it in a [`RedbStore`] in its state
//! directory; a simulation keeps it in a [`MemoryStateStore`] of its own, which starts empty
//! for every scenario and outlives a role's restart within it (a restarted fake reads back what
//! it kept, as the served one does from disk).
//!
//! The database is [redb](https://docs.rs/redb) (pure Rust, one file, ACID, each write
//! committed durably before the call returns), one table per role and kind of record, keyed by
//! the record's natural key, the value its JSON.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// Why the state database could not be opened, read or written.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file cannot be opened or created (another process holds it, or it is not a
    /// redb file).
    #[error("the state database {path} cannot be opened: {reason}")]
    Open {
        /// The file.
        path: String,
        /// redb's reason.
        reason: String,
    },
    /// A read or write failed.
    #[error("the state database failed: {0}")]
    Db(String),
}

fn db<E: std::fmt::Display>(e: E) -> StoreError {
    StoreError::Db(e.to_string())
}

/// Tables of keyed records; [`RedbStore`] on disk.
pub trait StateStore: Send + Sync {
    /// Writes (or replaces) one record, durably.
    fn put(&self, table: &str, key: &str, value: &[u8]) -> Result<(), StoreError>;
    /// Removes one record (absent is fine).
    fn delete(&self, table: &str, key: &str) -> Result<(), StoreError>;
    /// Every record of a table, in key order (none for a table never written).
    fn scan(&self, table: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError>;
    /// Drops every table whose name starts with `prefix` (a role's `<label>/`): what a served
    /// deployment's reset forgets.
    fn clear(&self, prefix: &str) -> Result<(), StoreError>;
}

/// How long [`RedbStore::open`] waits for a database this process is still letting go of.
pub const OPEN_WAIT: std::time::Duration = std::time::Duration::from_secs(2);

/// The redb file of a state directory.
pub struct RedbStore {
    db: redb::Database,
}

impl RedbStore {
    /// Opens `path`, creating it when absent.
    ///
    /// A database still held (by a deployment of this same process finishing its stop, whose
    /// last connection tasks drop their handles a moment after the drain, or by another
    /// `serve`) is waited for up to [`OPEN_WAIT`], then refused.
    pub fn open(path: &Path) -> Result<RedbStore, StoreError> {
        let deadline = std::time::Instant::now() + OPEN_WAIT;
        loop {
            match redb::Database::create(path) {
                Ok(db) => return Ok(RedbStore { db }),
                Err(redb::DatabaseError::DatabaseAlreadyOpen) if std::time::Instant::now() < deadline => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                Err(e) => return Err(StoreError::Open { path: path.display().to_string(), reason: e.to_string() }),
            }
        }
    }
}

fn table(name: &str) -> redb::TableDefinition<'_, &'static str, &'static [u8]> {
    redb::TableDefinition::new(name)
}

impl StateStore for RedbStore {
    fn put(&self, name: &str, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let tx = self.db.begin_write().map_err(db)?;
        {
            let mut t = tx.open_table(table(name)).map_err(db)?;
            t.insert(key, value).map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    fn delete(&self, name: &str, key: &str) -> Result<(), StoreError> {
        let tx = self.db.begin_write().map_err(db)?;
        {
            let mut t = tx.open_table(table(name)).map_err(db)?;
            t.remove(key).map_err(db)?;
        }
        tx.commit().map_err(db)
    }

    fn scan(&self, name: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        use redb::ReadableTable;
        let tx = self.db.begin_read().map_err(db)?;
        let t = match tx.open_table(table(name)) {
            Ok(t) => t,
            Err(redb::TableError::TableDoesNotExist(_)) => return Ok(Vec::new()),
            Err(e) => return Err(db(e)),
        };
        let mut out = Vec::new();
        for row in t.iter().map_err(db)? {
            let (k, v) = row.map_err(db)?;
            out.push((k.value().to_string(), v.value().to_vec()));
        }
        Ok(out)
    }

    fn clear(&self, prefix: &str) -> Result<(), StoreError> {
        use redb::TableHandle;
        let tx = self.db.begin_write().map_err(db)?;
        let names: Vec<String> = tx.list_tables().map_err(db)?.map(|t| t.name().to_string()).filter(|n| n.starts_with(prefix)).collect();
        for name in names {
            tx.delete_table(table(&name)).map_err(db)?;
        }
        tx.commit().map_err(db)
    }
}

/// A state database in memory: the simulation's, one per scenario. Same semantics as
/// [`RedbStore`] (tables of records in key order), nothing written to disk.
#[derive(Default)]
pub struct MemoryStateStore {
    tables: std::sync::Mutex<std::collections::BTreeMap<String, std::collections::BTreeMap<String, Vec<u8>>>>,
}

impl StateStore for MemoryStateStore {
    fn put(&self, table: &str, key: &str, value: &[u8]) -> Result<(), StoreError> {
        let mut tables = self.tables.lock().map_err(db)?;
        tables.entry(table.to_string()).or_default().insert(key.to_string(), value.to_vec());
        Ok(())
    }

    fn delete(&self, table: &str, key: &str) -> Result<(), StoreError> {
        if let Some(t) = self.tables.lock().map_err(db)?.get_mut(table) {
            t.remove(key);
        }
        Ok(())
    }

    fn scan(&self, table: &str) -> Result<Vec<(String, Vec<u8>)>, StoreError> {
        let tables = self.tables.lock().map_err(db)?;
        Ok(tables.get(table).map(|t| t.iter().map(|(k, v)| (k.clone(), v.clone())).collect()).unwrap_or_default())
    }

    fn clear(&self, prefix: &str) -> Result<(), StoreError> {
        self.tables.lock().map_err(db)?.retain(|name, _| !name.starts_with(prefix));
        Ok(())
    }
}

/// One role's part of the state database (its tables are named `<role>/<kind>`), or nothing
/// (a fake built outside any [`crate::Hosting`], in a unit test). A write that fails is reported through `tracing` and the fake goes on
/// serving from memory: losing durability must not take a served role down.
#[derive(Clone, Default)]
pub struct RoleStore {
    inner: Option<(Arc<dyn StateStore>, String)>,
}

impl RoleStore {
    /// The part of `store` that belongs to `role`.
    pub fn new(store: Arc<dyn StateStore>, role: &str) -> RoleStore {
        RoleStore { inner: Some((store, role.to_string())) }
    }

    /// Whether records are kept at all (false only for a fake built outside any hosting).
    pub fn is_kept(&self) -> bool {
        self.inner.is_some()
    }

    /// Records `value` under `key` in this role's table `kind`.
    pub fn put<T: Serialize + ?Sized>(&self, kind: &str, key: &str, value: &T) {
        let Some((store, role)) = &self.inner else { return };
        let name = format!("{role}/{kind}");
        let result = serde_json::to_vec(value).map_err(db).and_then(|bytes| store.put(&name, key, &bytes));
        if let Err(e) = result {
            tracing::warn!(table = %name, key, "state not kept: {e}");
        }
    }

    /// Forgets the record under `key` in table `kind`.
    pub fn delete(&self, kind: &str, key: &str) {
        let Some((store, role)) = &self.inner else { return };
        let name = format!("{role}/{kind}");
        if let Err(e) = store.delete(&name, key) {
            tracing::warn!(table = %name, key, "state not forgotten: {e}");
        }
    }

    /// Every record of table `kind` that reads as `T`, in key order; one that does not (a
    /// database written by another version) is skipped with a warning.
    pub fn load<T: DeserializeOwned>(&self, kind: &str) -> Vec<(String, T)> {
        let Some((store, role)) = &self.inner else { return Vec::new() };
        let name = format!("{role}/{kind}");
        let rows = match store.scan(&name) {
            Ok(rows) => rows,
            Err(e) => {
                tracing::warn!(table = %name, "kept state not read: {e}");
                return Vec::new();
            }
        };
        rows.into_iter()
            .filter_map(|(k, v)| match serde_json::from_slice(&v) {
                Ok(t) => Some((k, t)),
                Err(e) => {
                    tracing::warn!(table = %name, key = %k, "kept record not read: {e}");
                    None
                }
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_survive_reopening_the_file_and_roles_do_not_mix() {
        let dir = std::env::temp_dir().join(format!("mailconform-store-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.redb");
        let _ = std::fs::remove_file(&path);
        {
            let store: Arc<dyn StateStore> = Arc::new(RedbStore::open(&path).unwrap());
            let a = RoleStore::new(store.clone(), "listener.eu");
            let b = RoleStore::new(store, "listener.us");
            a.put("devices", "d1", &serde_json::json!({"token": "aa"}));
            a.put("devices", "d2", &serde_json::json!({"token": "bb"}));
            a.delete("devices", "d2");
            b.put("devices", "d9", &serde_json::json!({"token": "zz"}));
        }
        let store: Arc<dyn StateStore> = Arc::new(RedbStore::open(&path).unwrap());
        let a = RoleStore::new(store.clone(), "listener.eu");
        let rows: Vec<(String, serde_json::Value)> = a.load("devices");
        assert_eq!(rows, vec![("d1".to_string(), serde_json::json!({"token": "aa"}))]);
        assert!(a.load::<serde_json::Value>("never-written").is_empty());
        assert!(RoleStore::default().load::<serde_json::Value>("devices").is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn the_memory_store_reads_back_what_it_was_given() {
        let store: Arc<dyn StateStore> = Arc::new(MemoryStateStore::default());
        let a = RoleStore::new(store.clone(), "exchange");
        a.put("messages", "m2", &2);
        a.put("messages", "m1", &1);
        a.put("messages", "m3", &3);
        a.delete("messages", "m3");
        let again = RoleStore::new(store, "exchange");
        assert_eq!(again.load::<u32>("messages"), vec![("m1".to_string(), 1), ("m2".to_string(), 2)], "in key order");
        assert!(again.load::<u32>("other").is_empty());
    }

    #[test]
    fn clearing_a_roles_prefix_forgets_its_tables_and_keeps_the_others() {
        let dir = std::env::temp_dir().join(format!("mailconform-clear-{}-{:?}", std::process::id(), std::thread::current().id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("state.redb");
        let _ = std::fs::remove_file(&path);
        let stores: [Arc<dyn StateStore>; 2] = [Arc::new(RedbStore::open(&path).unwrap()), Arc::new(MemoryStateStore::default())];
        for store in stores {
            let ex = RoleStore::new(store.clone(), "exchange:mail.example.test");
            let other = RoleStore::new(store.clone(), "push.us.example.test");
            ex.put("messages", "m1", &1);
            ex.put("devices", "d1", &1);
            other.put("registrations", "r1", &1);
            store.clear("exchange:mail.example.test/").unwrap();
            assert!(ex.load::<u32>("messages").is_empty() && ex.load::<u32>("devices").is_empty(), "every table of the role is gone");
            assert_eq!(other.load::<u32>("registrations"), vec![("r1".to_string(), 1)], "another role keeps its records");
            ex.put("messages", "m2", &2);
            assert_eq!(ex.load::<u32>("messages").len(), 1, "the role writes afresh");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
