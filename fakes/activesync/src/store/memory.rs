//! [`MemoryStore`]: mailboxes in memory, shared by the server that serves them and the
//! scenario steps that deliver mail into them.

use super::model::*;
use mailconform_sim::Clock;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};
use tokio::sync::watch;

/// Why a store operation failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum StoreError {
    /// No mailbox has this login or address.
    #[error("no mailbox for {0:?}")]
    UnknownUser(String),
    #[error("mailbox {user} has no folder {folder:?}")]
    /// The mailbox has no folder with this ServerId.
    UnknownFolder {
        /// The mailbox's login.
        user: String,
        /// The ServerId asked for.
        folder: String,
    },
    #[error("folder {folder} has no item {server_id:?}")]
    /// The folder has no item with this ServerId.
    UnknownItem {
        /// The folder's ServerId.
        folder: String,
        /// The item's ServerId asked for.
        server_id: String,
    },
}

/// The folders every new mailbox gets, in FolderSync order: (id, name, type).
const DEFAULT_FOLDERS: &[(&str, &str, FolderType)] = &[
    ("1", "Inbox", FolderType::Inbox),
    ("2", "Drafts", FolderType::Drafts),
    ("3", "Deleted Items", FolderType::DeletedItems),
    ("4", "Sent Items", FolderType::SentItems),
    ("5", "Outbox", FolderType::Outbox),
    ("6", "Tasks", FolderType::Tasks),
    ("7", "Calendar", FolderType::Calendar),
    ("8", "Contacts", FolderType::Contacts),
    ("9", "Notes", FolderType::Notes),
];

/// The time stamp of items delivered into a store without a clock: the simulation epoch.
const FALLBACK_NOW: &str = "2026-01-05T09:00:00.000Z";

/// In-memory mailboxes: users → folders → items, with a change log per folder and a signal
/// per user that fires on any change (what a Ping waits on). Cloning shares the store.
#[derive(Clone, Default)]
pub struct MemoryStore {
    inner: Arc<Mutex<Inner>>,
}

#[derive(Default)]
struct Inner {
    users: BTreeMap<String, Mailbox>,
    meeting_delete_policy: MeetingDeletePolicy,
    clock: Option<Clock>,
}

struct Mailbox {
    login: String,
    email: String,
    folders: BTreeMap<u64, FolderState>,
    next_folder: u64,
    hierarchy_seq: u64,
    signal: watch::Sender<u64>,
}

struct FolderState {
    folder: Folder,
    items: BTreeMap<u64, Item>,
    next_item: u64,
    seq: u64,
    log: Vec<Change>,
}

impl FolderState {
    fn record(&mut self, kind: ChangeKind, server_id: &str) {
        self.seq += 1;
        self.log.push(Change { seq: self.seq, kind, server_id: server_id.to_string() });
    }

    fn item_number(&self, server_id: &str) -> Option<u64> {
        let (folder, n) = server_id.split_once(':')?;
        if folder != self.folder.server_id {
            return None;
        }
        let n: u64 = n.parse().ok()?;
        self.items.contains_key(&n).then_some(n)
    }
}

impl Mailbox {
    fn notify(&self) {
        self.signal.send_modify(|v| *v += 1);
    }

    fn folder(&self, id: &str) -> Option<&FolderState> {
        self.folders.get(&id.parse().ok()?)
    }

    fn folder_mut(&mut self, id: &str) -> Option<&mut FolderState> {
        self.folders.get_mut(&id.parse().ok()?)
    }

    fn folder_of_type(&self, t: FolderType) -> Option<&FolderState> {
        self.folders.values().find(|f| f.folder.folder_type == t)
    }

    /// A folder of `user`'s mailbox, or the error that names it.
    fn existing_folder(&self, user: &str, id: &str) -> Result<&FolderState, StoreError> {
        self.folder(id).ok_or_else(|| unknown_folder(user, id))
    }

    /// [`Self::existing_folder`], to change.
    fn existing_folder_mut(&mut self, user: &str, id: &str) -> Result<&mut FolderState, StoreError> {
        self.folder_mut(id).ok_or_else(|| unknown_folder(user, id))
    }

    /// The folder `folder_id` and the number in it of the item `server_id`, to change: the
    /// error names the folder when it is missing, else the item.
    fn existing_item_mut(&mut self, user: &str, folder_id: &str, server_id: &str) -> Result<(&mut FolderState, u64), StoreError> {
        let f = self.existing_folder_mut(user, folder_id)?;
        let n = f.item_number(server_id).ok_or_else(|| unknown_item(folder_id, server_id))?;
        Ok((f, n))
    }
}

/// The address part of `Name <addr>`, or the whole value.
pub fn address_of(value: &str) -> &str {
    let v = value.trim();
    match (v.rfind('<'), v.rfind('>')) {
        (Some(a), Some(b)) if a < b => v[a + 1..b].trim(),
        _ => v,
    }
}

impl MemoryStore {
    /// A store without mailboxes; add them with `add_user`.
    pub fn new() -> MemoryStore {
        MemoryStore::default()
    }

    /// Stamps delivered items with this clock's time (otherwise with the simulation epoch).
    pub fn with_clock(self, clock: Clock) -> MemoryStore {
        self.lock().clock = Some(clock);
        self
    }

    /// Starts with this meeting-delete behaviour (CXM-47936 on or off).
    pub fn with_meeting_delete_policy(self, policy: MeetingDeletePolicy) -> MemoryStore {
        self.set_meeting_delete_policy(policy);
        self
    }

    pub(crate) fn set_meeting_delete_policy(&self, policy: MeetingDeletePolicy) {
        self.lock().meeting_delete_policy = policy;
    }

    /// What a client's delete of a meeting message does now.
    pub fn meeting_delete_policy(&self) -> MeetingDeletePolicy {
        self.lock().meeting_delete_policy
    }

    fn lock(&self) -> MutexGuard<'_, Inner> {
        // A panic elsewhere cannot leave a mailbox half-written (every mutation completes
        // under one lock), so a poisoned lock is still sound to use.
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Creates a mailbox with the default folders (Inbox 2, Drafts 3, Deleted Items 4,
    /// Sent Items 5, Outbox 6, Tasks 7, Calendar 8, Contacts 9, Notes 10). Adding an existing login
    /// only updates its address.
    pub fn add_user(&self, login: &str, email: &str) {
        let mut inner = self.lock();
        let key = login.to_ascii_lowercase();
        if let Some(mb) = inner.users.get_mut(&key) {
            mb.email = email.to_string();
            return;
        }
        let mut folders = BTreeMap::new();
        for (id, name, t) in DEFAULT_FOLDERS {
            let folder = Folder { server_id: id.to_string(), parent_id: "0".into(), display_name: name.to_string(), folder_type: *t };
            folders.insert(id.parse().unwrap_or(0), FolderState { folder, items: BTreeMap::new(), next_item: 1, seq: 0, log: Vec::new() });
        }
        let next_folder = DEFAULT_FOLDERS.len() as u64 + 1;
        let (signal, _) = watch::channel(0);
        inner
            .users
            .insert(key, Mailbox { login: login.to_string(), email: email.to_string(), folders, next_folder, hierarchy_seq: 1, signal });
    }

    /// The login whose login or address is `who` (case-insensitive; `Name <addr>` accepted).
    pub fn resolve(&self, who: &str) -> Option<String> {
        let who = address_of(who).to_ascii_lowercase();
        let inner = self.lock();
        if inner.users.contains_key(&who) {
            return Some(who);
        }
        inner.users.iter().find(|(_, mb)| mb.email.eq_ignore_ascii_case(&who)).map(|(k, _)| k.clone())
    }

    /// Every (login, address), by login.
    pub fn users(&self) -> Vec<(String, String)> {
        self.lock().users.values().map(|mb| (mb.login.clone(), mb.email.clone())).collect()
    }

    /// The primary SMTP address of a user.
    pub(crate) fn email_of(&self, user: &str) -> Result<String, StoreError> {
        self.with_mailbox(user, |mb| Ok(mb.email.clone()))
    }

    fn with_mailbox<T>(&self, user: &str, f: impl FnOnce(&Mailbox) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let key = self.resolve(user).ok_or_else(|| StoreError::UnknownUser(user.to_string()))?;
        let inner = self.lock();
        let mb = inner.users.get(&key).ok_or_else(|| StoreError::UnknownUser(user.to_string()))?;
        f(mb)
    }

    fn with_mailbox_mut<T>(&self, user: &str, f: impl FnOnce(&mut Mailbox, &Inner2) -> Result<T, StoreError>) -> Result<T, StoreError> {
        let key = self.resolve(user).ok_or_else(|| StoreError::UnknownUser(user.to_string()))?;
        let mut inner = self.lock();
        let ctx = Inner2 { now: now_text(inner.clock.as_ref()) };
        let mb = inner.users.get_mut(&key).ok_or_else(|| StoreError::UnknownUser(user.to_string()))?;
        f(mb, &ctx)
    }

    /// The folders of a mailbox, by server id.
    pub fn folders(&self, user: &str) -> Result<Vec<Folder>, StoreError> {
        self.with_mailbox(user, |mb| Ok(mb.folders.values().map(|f| f.folder.clone()).collect()))
    }

    /// The first folder of a type (the Inbox, the Calendar …).
    pub fn folder_of_type(&self, user: &str, folder_type: FolderType) -> Result<Folder, StoreError> {
        self.with_mailbox(user, |mb| {
            mb.folder_of_type(folder_type)
                .map(|f| f.folder.clone())
                .ok_or_else(|| StoreError::UnknownFolder { user: user.to_string(), folder: format!("{folder_type:?}") })
        })
    }

    /// One folder.
    pub fn folder(&self, user: &str, folder_id: &str) -> Result<Folder, StoreError> {
        self.with_mailbox(user, |mb| Ok(mb.existing_folder(user, folder_id)?.folder.clone()))
    }

    /// Creates a folder under `parent_id` (`"0"` = root); FolderSync reports it as an Add.
    pub(crate) fn add_folder(
        &self,
        user: &str,
        parent_id: &str,
        display_name: &str,
        folder_type: FolderType,
    ) -> Result<Folder, StoreError> {
        self.with_mailbox_mut(user, |mb, _| {
            if parent_id != "0" && mb.folder(parent_id).is_none() {
                return Err(unknown_folder(user, parent_id));
            }
            let id = mb.next_folder;
            mb.next_folder += 1;
            let folder =
                Folder { server_id: id.to_string(), parent_id: parent_id.to_string(), display_name: display_name.to_string(), folder_type };
            mb.folders.insert(id, FolderState { folder: folder.clone(), items: BTreeMap::new(), next_item: 1, seq: 0, log: Vec::new() });
            mb.hierarchy_seq += 1;
            mb.notify();
            Ok(folder)
        })
    }

    /// Removes a folder and its items; FolderSync reports it as a Delete.
    pub(crate) fn delete_folder(&self, user: &str, folder_id: &str) -> Result<(), StoreError> {
        self.with_mailbox_mut(user, |mb, _| {
            let id: u64 = folder_id.parse().map_err(|_| unknown_folder(user, folder_id))?;
            mb.folders.remove(&id).ok_or_else(|| unknown_folder(user, folder_id))?;
            mb.hierarchy_seq += 1;
            mb.notify();
            Ok(())
        })
    }

    /// Renames and/or moves a folder; FolderSync reports it as an Update.
    pub(crate) fn update_folder(&self, user: &str, folder_id: &str, display_name: &str, parent_id: &str) -> Result<Folder, StoreError> {
        self.with_mailbox_mut(user, |mb, _| {
            if parent_id != "0" && (parent_id == folder_id || mb.folder(parent_id).is_none()) {
                return Err(unknown_folder(user, parent_id));
            }
            let f = mb.existing_folder_mut(user, folder_id)?;
            f.folder.display_name = display_name.to_string();
            f.folder.parent_id = parent_id.to_string();
            let folder = f.folder.clone();
            mb.hierarchy_seq += 1;
            mb.notify();
            Ok(folder)
        })
    }

    /// A counter that moves whenever the folder hierarchy changes.
    pub fn hierarchy_seq(&self, user: &str) -> Result<u64, StoreError> {
        self.with_mailbox(user, |mb| Ok(mb.hierarchy_seq))
    }

    /// Delivers an item to `who` (a login or an address): mail and meeting messages to the
    /// Inbox, calendar items to the Calendar, contacts to Contacts, tasks to Tasks, notes to
    /// Notes. Returns the ServerId.
    pub fn deliver(&self, who: &str, item: NewItem) -> Result<String, StoreError> {
        self.add_to(who, item.class.default_folder(), item)
    }

    /// Puts an item into the user's first folder of a type (`FolderType::Tasks`,
    /// `FolderType::Notes` …). Returns the ServerId.
    pub fn add_to(&self, user: &str, folder_type: FolderType, item: NewItem) -> Result<String, StoreError> {
        let folder = self.folder_of_type(user, folder_type)?;
        self.add_item(user, &folder.server_id, item)
    }

    /// Puts an item into a given folder. Returns the ServerId.
    pub(crate) fn add_item(&self, user: &str, folder_id: &str, item: NewItem) -> Result<String, StoreError> {
        self.with_mailbox_mut(user, |mb, ctx| {
            let f = mb.existing_folder_mut(user, folder_id)?;
            let n = f.next_item;
            f.next_item += 1;
            let server_id = format!("{}:{n}", f.folder.server_id);
            f.items.insert(n, item.into_item(server_id.clone(), &ctx.now));
            f.record(ChangeKind::Add, &server_id);
            mb.notify();
            Ok(server_id)
        })
    }

    /// Puts back an item a server kept across its restart, under the ServerId it had
    /// (`<folder>:<n>`), so that devices holding it under their SyncKeys still know it; later
    /// items are numbered after it. Returns the ServerId.
    pub fn restore(&self, user: &str, server_id: &str, item: NewItem) -> Result<String, StoreError> {
        let (folder_id, n) = server_id.split_once(':').unwrap_or(("", ""));
        let n: u64 = n.parse().map_err(|_| unknown_item(folder_id, server_id))?;
        self.with_mailbox_mut(user, |mb, ctx| {
            let f = mb.existing_folder_mut(user, folder_id)?;
            f.next_item = f.next_item.max(n + 1);
            f.items.insert(n, item.into_item(server_id.to_string(), &ctx.now));
            f.record(ChangeKind::Add, server_id);
            Ok(server_id.to_string())
        })
    }

    /// The items of a folder, oldest first.
    pub fn items(&self, user: &str, folder_id: &str) -> Result<Vec<Item>, StoreError> {
        self.with_mailbox(user, |mb| {
            let f = mb.existing_folder(user, folder_id)?;
            Ok(f.items.values().cloned().collect())
        })
    }

    /// One item, found by its ServerId alone (the folder is its prefix).
    pub fn item(&self, user: &str, server_id: &str) -> Result<Item, StoreError> {
        let folder_id = server_id.split_once(':').map(|(f, _)| f).unwrap_or("");
        self.with_mailbox(user, |mb| {
            let f = mb.folder(folder_id).ok_or_else(|| unknown_item(folder_id, server_id))?;
            let n = f.item_number(server_id).ok_or_else(|| unknown_item(folder_id, server_id))?;
            Ok(f.items[&n].clone())
        })
    }

    /// Marks an item read or unread.
    pub fn set_read(&self, user: &str, folder_id: &str, server_id: &str, read: bool) -> Result<Item, StoreError> {
        self.update(user, folder_id, server_id, |item| item.read = read)
    }

    /// Changes an item in place (the version moves and the folder logs a Change).
    pub fn update(&self, user: &str, folder_id: &str, server_id: &str, change: impl FnOnce(&mut Item)) -> Result<Item, StoreError> {
        self.with_mailbox_mut(user, |mb, _| {
            let (f, n) = mb.existing_item_mut(user, folder_id, server_id)?;
            let item = f.items.get_mut(&n).ok_or_else(|| unknown_item(folder_id, server_id))?;
            change(item);
            item.version += 1;
            let item = item.clone();
            f.record(ChangeKind::Change, server_id);
            mb.notify();
            Ok(item)
        })
    }

    /// Deletes an item. A delete `from_client` of a meeting message under
    /// [`MeetingDeletePolicy::KeepOnServer`] leaves the item where it is and says so.
    pub fn delete(&self, user: &str, folder_id: &str, server_id: &str, from_client: bool) -> Result<DeleteOutcome, StoreError> {
        self.remove(user, folder_id, server_id, from_client, None)
    }

    /// Deletes an item, or moves it to `move_to` (the Deleted Items folder of a client
    /// delete with `DeletesAsMoves`). The meeting policy applies as for [`Self::delete`].
    pub fn remove(
        &self,
        user: &str,
        folder_id: &str,
        server_id: &str,
        from_client: bool,
        move_to: Option<&str>,
    ) -> Result<DeleteOutcome, StoreError> {
        let keep = {
            let inner = self.lock();
            from_client && inner.meeting_delete_policy == MeetingDeletePolicy::KeepOnServer
        };
        let item = self.item(user, server_id)?;
        if !server_id.starts_with(&format!("{folder_id}:")) {
            return Err(unknown_item(folder_id, server_id));
        }
        if keep && message_class::is_meeting(&item.message_class) {
            return Ok(DeleteOutcome::KeptOnServer);
        }
        match move_to {
            Some(to) if to != folder_id => Ok(DeleteOutcome::Moved { server_id: self.move_item(user, folder_id, server_id, to)? }),
            _ => self.with_mailbox_mut(user, |mb, _| {
                let (f, n) = mb.existing_item_mut(user, folder_id, server_id)?;
                f.items.remove(&n);
                f.record(ChangeKind::Delete, server_id);
                mb.notify();
                Ok(DeleteOutcome::Deleted)
            }),
        }
    }

    /// Moves an item to another folder, where it gets a new ServerId (returned).
    pub(crate) fn move_item(&self, user: &str, from_folder: &str, server_id: &str, to_folder: &str) -> Result<String, StoreError> {
        self.with_mailbox_mut(user, |mb, _| {
            if mb.folder(to_folder).is_none() {
                return Err(unknown_folder(user, to_folder));
            }
            let (f, n) = mb.existing_item_mut(user, from_folder, server_id)?;
            let mut item = f.items.remove(&n).ok_or_else(|| unknown_item(from_folder, server_id))?;
            f.record(ChangeKind::Delete, server_id);
            let to = mb.existing_folder_mut(user, to_folder)?;
            let m = to.next_item;
            to.next_item += 1;
            item.server_id = format!("{}:{m}", to.folder.server_id);
            item.version += 1;
            let new_id = item.server_id.clone();
            to.items.insert(m, item);
            to.record(ChangeKind::Add, &new_id);
            mb.notify();
            Ok(new_id)
        })
    }

    /// The folder's change sequence number: it moves on every add, change and delete.
    pub(crate) fn folder_seq(&self, user: &str, folder_id: &str) -> Result<u64, StoreError> {
        self.with_mailbox(user, |mb| Ok(mb.existing_folder(user, folder_id)?.seq))
    }

    /// The changes of a folder after sequence number `since`.
    pub fn changes_since(&self, user: &str, folder_id: &str, since: u64) -> Result<ChangeSet, StoreError> {
        self.with_mailbox(user, |mb| {
            let f = mb.existing_folder(user, folder_id)?;
            Ok(ChangeSet { seq: f.seq, changes: f.log.iter().filter(|c| c.seq > since).cloned().collect() })
        })
    }

    /// A receiver that sees a new value whenever anything in the user's mailbox changes.
    pub fn subscribe(&self, user: &str) -> Result<watch::Receiver<u64>, StoreError> {
        self.with_mailbox(user, |mb| Ok(mb.signal.subscribe()))
    }

    /// Wakes every waiter on the user's mailbox without changing anything (a remote wipe
    /// request must end a pending Ping).
    pub fn poke(&self, user: &str) {
        let _ = self.with_mailbox(user, |mb| {
            mb.notify();
            Ok(())
        });
    }

    /// The store's notion of now, as `xs:dateTime`.
    pub fn now(&self) -> String {
        now_text(self.lock().clock.as_ref())
    }
}

struct Inner2 {
    now: String,
}

fn now_text(clock: Option<&Clock>) -> String {
    match clock {
        Some(c) => {
            let t = c.rfc3339();
            // `2026-01-05T09:00:00Z` → `2026-01-05T09:00:00.000Z`, the form EAS clients parse.
            match t.strip_suffix('Z') {
                Some(base) => format!("{base}.000Z"),
                None => t,
            }
        }
        None => FALLBACK_NOW.to_string(),
    }
}

fn unknown_folder(user: &str, folder: &str) -> StoreError {
    StoreError::UnknownFolder { user: user.to_string(), folder: folder.to_string() }
}

fn unknown_item(folder: &str, server_id: &str) -> StoreError {
    StoreError::UnknownItem { folder: folder.to_string(), server_id: server_id.to_string() }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store() -> MemoryStore {
        let s = MemoryStore::new();
        s.add_user("alice", "alice@example.test");
        s.add_user("bob", "Bob@Example.test");
        s
    }

    #[test]
    fn mailboxes_get_the_standard_folders() {
        let s = store();
        let folders = s.folders("alice").unwrap();
        let types: Vec<u8> = folders.iter().map(|f| f.folder_type.code()).collect();
        assert_eq!(types, [2, 3, 4, 5, 6, 7, 8, 9, 10]);
        assert!(folders.iter().all(|f| f.parent_id == "0"));
        assert_eq!(s.resolve("bob@example.test").as_deref(), Some("bob"));
        assert_eq!(s.resolve("Alice <ALICE@example.test>").as_deref(), Some("alice"));
        assert_eq!(s.resolve("carol"), None);
        assert!(matches!(s.folders("carol"), Err(StoreError::UnknownUser(_))));
    }

    #[test]
    fn deliveries_log_changes_and_signal() {
        let s = store();
        let mut rx = s.subscribe("alice").unwrap();
        let id = s.deliver("alice@example.test", NewItem::email("bob@example.test", "alice@example.test", "Hi", "Body")).unwrap();
        assert_eq!(id, "1:1");
        assert!(rx.has_changed().unwrap());
        rx.borrow_and_update();
        let item = s.item("alice", &id).unwrap();
        assert_eq!(item.message_class, "IPM.Note");
        assert_eq!(item.date_received, FALLBACK_NOW);
        s.set_read("alice", "1", &id, true).unwrap();
        assert!(s.item("alice", &id).unwrap().read);
        let cal = s
            .deliver("alice", NewItem::appointment("Standup", "2026-01-06T09:00:00.000Z", "2026-01-06T09:15:00.000Z", "Room 1", "uid-1"))
            .unwrap();
        assert_eq!(cal, "7:1");
        let log = s.changes_since("alice", "1", 0).unwrap();
        assert_eq!(log.seq, 2);
        assert_eq!(log.changes.iter().map(|c| c.kind).collect::<Vec<_>>(), [ChangeKind::Add, ChangeKind::Change]);
        assert_eq!(s.changes_since("alice", "1", 1).unwrap().changes.len(), 1);
        assert!(rx.has_changed().unwrap());
    }

    #[test]
    fn keep_on_server_spares_only_client_deletes_of_meeting_messages() {
        let s = store().with_meeting_delete_policy(MeetingDeletePolicy::KeepOnServer);
        let meeting = s
            .deliver(
                "alice",
                NewItem::meeting_request(
                    "bob@example.test",
                    "alice@example.test",
                    "Review",
                    "2026-01-06T10:00:00.000Z",
                    "2026-01-06T11:00:00.000Z",
                    "Room 2",
                    "uid-2",
                ),
            )
            .unwrap();
        let note = s.deliver("alice", NewItem::email("bob@example.test", "alice@example.test", "Note", "x")).unwrap();
        assert_eq!(s.delete("alice", "1", &meeting, true).unwrap(), DeleteOutcome::KeptOnServer);
        assert_eq!(s.delete("alice", "1", &note, true).unwrap(), DeleteOutcome::Deleted);
        let left: Vec<String> = s.items("alice", "1").unwrap().into_iter().map(|i| i.server_id).collect();
        assert_eq!(left, std::slice::from_ref(&meeting));
        // The server itself (an administrator, a retention policy) still deletes it.
        assert_eq!(s.delete("alice", "1", &meeting, false).unwrap(), DeleteOutcome::Deleted);
        assert!(matches!(s.delete("alice", "1", &meeting, true), Err(StoreError::UnknownItem { .. })));
    }

    #[test]
    fn moves_renumber_and_folders_come_and_go() {
        let s = store();
        let id = s.deliver("alice", NewItem::email("bob", "alice", "m", "")).unwrap();
        let moved = s.move_item("alice", "1", &id, "3").unwrap();
        assert_eq!(moved, "3:1");
        assert!(s.items("alice", "1").unwrap().is_empty());
        let before = s.hierarchy_seq("alice").unwrap();
        let f = s.add_folder("alice", "1", "Projects", FolderType::UserMail).unwrap();
        assert_eq!(f.server_id, "10");
        assert!(s.hierarchy_seq("alice").unwrap() > before);
        s.delete_folder("alice", "10").unwrap();
        assert!(s.folder("alice", "10").is_err());
        assert!(s.add_folder("alice", "42", "x", FolderType::UserMail).is_err());
    }
}
