//! FolderSync and Sync from the device's side: keys, windows, the items it holds, and its
//! own adds, changes and deletes.

use super::wire::find_status;
use super::{EasClient, EasError, FolderSyncResult, SyncItem, SyncResult, COMMAND_TIMEOUT};
use crate::http::Command;
use crate::status::{folder_sync as fs, sync as ss};
use crate::store::{Folder, FolderType};
use crate::{bodies, el, empty, leaf, AirSync as A, AirSyncBase as AB, Document, Element};

impl EasClient {
    /// FolderSync from the current key (0 the first time); a Status 9 restarts from 0 once.
    pub async fn folder_sync(&self) -> Result<FolderSyncResult, EasError> {
        const C: Command = Command::FolderSync;
        let mut restarted = false;
        loop {
            let key = self.lock().folder_key.clone().unwrap_or_else(|| "0".into());
            let body = bodies::folder_sync_request(&key);
            let doc = self
                .command(C, Some(body), COMMAND_TIMEOUT)
                .await?
                .ok_or(EasError::Protocol { command: C, reason: "empty FolderSync answer".into() })?;
            let status = find_status(&doc.root, &["Status"]);
            if status == Some(fs::INVALID_SYNC_KEY) && !restarted {
                restarted = true;
                let mut s = self.lock();
                s.folder_key = None;
                s.folders.clear();
                continue;
            }
            if status != Some(fs::SUCCESS) {
                return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
            }
            let new_key = doc.find(&["SyncKey"]).ok_or(EasError::Protocol { command: C, reason: "no SyncKey".into() })?.to_string();
            let mut result = FolderSyncResult::default();
            let mut s = self.lock();
            if key == "0" {
                s.folders.clear();
            }
            if let Some(changes) = doc.root.child("Changes") {
                for change in changes.elements() {
                    match change.name() {
                        "Add" | "Update" => {
                            let Some(folder) = parse_folder(change) else {
                                continue;
                            };
                            s.folders.insert(folder.server_id.clone(), folder.clone());
                            if change.name() == "Add" {
                                result.added.push(folder);
                            } else {
                                result.updated.push(folder);
                            }
                        }
                        "Delete" => {
                            if let Some(id) = change.find(&["ServerId"]) {
                                s.folders.remove(id);
                                s.collections.remove(id);
                                result.deleted.push(id.to_string());
                            }
                        }
                        _ => {}
                    }
                }
            }
            s.folder_key = Some(new_key);
            result.folders = s.folders.values().cloned().collect();
            return Ok(result);
        }
    }

    /// Sync one collection: primes it with key 0 the first time, then asks for changes until
    /// the server stops saying MoreAvailable. A Status 3 forgets the key (the next call
    /// starts over) and is returned.
    pub async fn sync(&self, collection_id: &str) -> Result<SyncResult, EasError> {
        const C: Command = Command::Sync;
        let mut result = SyncResult::default();
        loop {
            let (key, window, mime) = {
                let s = self.lock();
                (s.collections.get(collection_id).and_then(|c| c.key.clone()), s.window_size, s.mime)
            };
            let priming = key.is_none();
            let key = key.unwrap_or_else(|| "0".into());
            let mut coll = vec![leaf(A::SyncKey, key.as_str()), leaf(A::CollectionId, collection_id)];
            if !priming {
                coll.push(empty(A::DeletesAsMoves));
                coll.push(empty(A::GetChanges));
                coll.push(leaf(A::WindowSize, window.to_string()));
                coll.push(match mime {
                    false => el(A::Options, [el(AB::BodyPreference, [leaf(AB::Type, "1")])]),
                    true => el(A::Options, [leaf(A::MIMESupport, "2"), el(AB::BodyPreference, [leaf(AB::Type, "4")])]),
                });
            }
            let body = bodies::sync_collection(coll);
            result.requests += 1;
            let Some(doc) = self.command(C, Some(body), COMMAND_TIMEOUT).await? else {
                result.sync_key = key;
                return Ok(result);
            };
            let collection = self.checked_collection(&doc, collection_id)?;
            let new_key = collection.find(&["SyncKey"]).unwrap_or(&key).to_string();
            let more = collection.child("MoreAvailable").is_some();
            {
                let mut s = self.lock();
                let cache = s.collections.entry(collection_id.to_string()).or_default();
                if priming {
                    cache.items.clear();
                }
                cache.key = Some(new_key.clone());
                if let Some(commands) = collection.child("Commands") {
                    for c in commands.elements() {
                        let Some(sid) = c.find(&["ServerId"]).map(str::to_string) else {
                            continue;
                        };
                        match c.name() {
                            "Add" | "Change" => {
                                let data = c.child("ApplicationData").cloned().unwrap_or_else(|| empty(A::ApplicationData));
                                let item = SyncItem { server_id: sid.clone(), data };
                                cache.items.insert(sid, item.clone());
                                if c.name() == "Add" {
                                    result.added.push(item);
                                } else {
                                    result.changed.push(item);
                                }
                            }
                            "Delete" | "SoftDelete" => {
                                cache.items.remove(&sid);
                                result.deleted.push(sid);
                            }
                            _ => {}
                        }
                    }
                }
            }
            result.sync_key = new_key;
            if !priming && !more {
                return Ok(result);
            }
            if result.requests > 10_000 {
                return Err(EasError::Protocol { command: C, reason: "MoreAvailable never ends".into() });
            }
        }
    }

    /// The one collection of a Sync answer, its Status checked (3 forgets the key).
    fn checked_collection(&self, doc: &Document, collection_id: &str) -> Result<Element, EasError> {
        const C: Command = Command::Sync;
        if let Some(s) = doc.root.child("Status").and_then(Element::text).and_then(|t| t.trim().parse().ok()) {
            return Err(EasError::Status { command: C, status: s });
        }
        let collection = doc
            .find_all(&["Collections", "Collection"])
            .into_iter()
            .find(|c| c.find(&["CollectionId"]) == Some(collection_id))
            .cloned()
            .ok_or(EasError::Protocol { command: C, reason: format!("no Collection {collection_id} in the answer") })?;
        let status = find_status(&collection, &["Status"]);
        if status != Some(ss::SUCCESS) {
            if status == Some(ss::INVALID_SYNC_KEY) {
                self.lock().collections.remove(collection_id);
            }
            return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
        }
        Ok(collection)
    }

    /// Sends client-side operations on a collection (without asking for server changes) and
    /// returns the collection's `Responses`, each operation's Status checked.
    async fn client_operations(&self, collection_id: &str, operations: Vec<Element>) -> Result<Vec<Element>, EasError> {
        const C: Command = Command::Sync;
        let key = self
            .sync_key(collection_id)
            .ok_or(EasError::Protocol { command: C, reason: format!("collection {collection_id} was never synced") })?;
        let coll = vec![
            leaf(A::SyncKey, key.as_str()),
            leaf(A::CollectionId, collection_id),
            empty(A::DeletesAsMoves),
            leaf(A::GetChanges, "0"),
            el(A::Commands, operations),
        ];
        let body = bodies::sync_collection(coll);
        let doc = self
            .command(C, Some(body), COMMAND_TIMEOUT)
            .await?
            .ok_or(EasError::Protocol { command: C, reason: "empty Sync answer".into() })?;
        let collection = self.checked_collection(&doc, collection_id)?;
        if let Some(k) = collection.find(&["SyncKey"]) {
            self.lock().collections.entry(collection_id.to_string()).or_default().key = Some(k.to_string());
        }
        let responses: Vec<Element> = collection.child("Responses").map(|r| r.elements().cloned().collect()).unwrap_or_default();
        for r in &responses {
            let status = find_status(r, &["Status"]);
            if status.is_some_and(|s| s != ss::SUCCESS) {
                return Err(EasError::Status { command: C, status: status.unwrap_or(0) });
            }
        }
        Ok(responses)
    }

    /// Deletes an item the device holds (Sync with a client Delete).
    pub async fn delete(&self, collection_id: &str, server_id: &str) -> Result<(), EasError> {
        self.client_operations(collection_id, vec![el(A::Delete, [leaf(A::ServerId, server_id)])]).await?;
        if let Some(c) = self.lock().collections.get_mut(collection_id) {
            c.items.remove(server_id);
        }
        Ok(())
    }

    /// Marks a mail read or unread (Sync with a client Change of `email:Read`).
    pub async fn set_read(&self, collection_id: &str, server_id: &str, read: bool) -> Result<(), EasError> {
        let change =
            el(A::Change, [leaf(A::ServerId, server_id), el(A::ApplicationData, [leaf(crate::Email::Read, if read { "1" } else { "0" })])]);
        self.client_operations(collection_id, vec![change]).await?;
        Ok(())
    }

    /// Changes an item the device holds (Sync with a client Change carrying only the given
    /// properties, e.g. `tasks:Complete`). The device's copy takes the changed properties.
    pub async fn change(&self, collection_id: &str, server_id: &str, application_data: Vec<Element>) -> Result<(), EasError> {
        let change = el(A::Change, [leaf(A::ServerId, server_id), el(A::ApplicationData, application_data.clone())]);
        self.client_operations(collection_id, vec![change]).await?;
        if let Some(item) = self.lock().collections.get_mut(collection_id).and_then(|c| c.items.get_mut(server_id)) {
            for new in application_data {
                let name = new.name();
                item.data.children.retain(|n| !matches!(n, crate::Node::Element(e) if e.name() == name));
                item.data.children.push(new.into());
            }
        }
        Ok(())
    }

    /// Adds an item to a collection (a draft, an appointment, a contact, a task, a note);
    /// returns its ServerId.
    pub async fn add(&self, collection_id: &str, application_data: Vec<Element>) -> Result<String, EasError> {
        let client_id = {
            let mut s = self.lock();
            s.next_client_id += 1;
            format!("{}-{}", self.device_id, s.next_client_id)
        };
        let add = el(A::Add, [leaf(A::ClientId, client_id.as_str()), el(A::ApplicationData, application_data.clone())]);
        let responses = self.client_operations(collection_id, vec![add]).await?;
        let server_id = responses
            .iter()
            .find(|r| r.find(&["ClientId"]) == Some(client_id.as_str()))
            .and_then(|r| r.find(&["ServerId"]))
            .ok_or(EasError::Protocol { command: Command::Sync, reason: "no ServerId for the added item".into() })?
            .to_string();
        if let Some(c) = self.lock().collections.get_mut(collection_id) {
            c.items.insert(server_id.clone(), SyncItem { server_id: server_id.clone(), data: el(A::ApplicationData, application_data) });
        }
        Ok(server_id)
    }
}

fn parse_folder(e: &Element) -> Option<Folder> {
    Some(Folder {
        server_id: e.find(&["ServerId"])?.to_string(),
        parent_id: e.find(&["ParentId"]).unwrap_or("0").to_string(),
        display_name: e.find(&["DisplayName"]).unwrap_or("").to_string(),
        folder_type: FolderType::from_code(e.find(&["Type"])?.trim().parse().ok()?)?,
    })
}
