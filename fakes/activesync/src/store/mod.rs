//! The mailbox the fake ActiveSync server serves: users, their folders (typed as
//! FolderSync reports them) and items (mail, meeting messages, calendar items, contacts).
//!
//! The store is the server's only source of truth and the scenarios' way in: a step
//! "delivers" mail with [`MemoryStore::deliver`], and every change wakes the user's
//! [`MemoryStore::subscribe`] receivers, which is how a pending Ping learns of new mail in
//! virtual time. Each folder also keeps a change sequence and log ([`MemoryStore::changes_since`])
//! for steps that want to observe what a client's commands did.
//!
//! [`MeetingDeletePolicy::KeepOnServer`] reproduces Notes Traveler's CXM-47936: a client
//! delete of a meeting message is acknowledged but the server keeps the item.

mod memory;
mod model;

pub use memory::{address_of, MemoryStore, StoreError};
pub use model::{
    message_class, Change, ChangeKind, ChangeSet, DeleteOutcome, Folder, FolderType, Item, ItemClass, MeetingDeletePolicy, NewItem,
};
