//! FolderSync, FolderCreate, FolderDelete and FolderUpdate ([MS-ASCMD] 2.2.1.2–2.2.1.5).
//!
//! The hierarchy sync key works like a collection's: key 0 sends every folder as an Add,
//! later keys send the difference between what the device holds and the mailbox (Add,
//! Update, Delete), a key that is neither the current nor the previous one gets Status 9
//! (which a server MUST send on a mismatch). When nothing changed, the key stays the same.
//! The folder commands require the current key and advance it, so the device's next
//! FolderSync does not report its own change back.

use super::devices::HierarchyState;
use super::{doc, Ctx, EasServer};
use crate::http::{response, Command};
use crate::status::folder_sync as fs;
use crate::store::{Folder, FolderType, StoreError};
use crate::{el, leaf, Element, FolderHierarchy as FH};
use mailconform_sim::Response;
use std::collections::BTreeMap;

fn folder_children(f: &Folder) -> Vec<Element> {
    vec![
        leaf(FH::ServerId, f.server_id.as_str()),
        leaf(FH::ParentId, f.parent_id.as_str()),
        leaf(FH::DisplayName, f.display_name.as_str()),
        leaf(FH::Type, f.folder_type.code().to_string()),
    ]
}

/// Folders the device may create, rename or delete (the default folders are system folders).
fn user_created(t: FolderType) -> bool {
    matches!(
        t,
        FolderType::Generic
            | FolderType::UserMail
            | FolderType::UserCalendar
            | FolderType::UserContacts
            | FolderType::UserTasks
            | FolderType::UserJournal
            | FolderType::UserNotes
    )
}

impl EasServer {
    pub(crate) fn folder_sync(&self, ctx: &Ctx) -> Response {
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let status_only = |s: u16| response::wbxml(&doc(FH::FolderSync, vec![leaf(FH::Status, s.to_string())]));
        let Some(key) = root.find(&["SyncKey"]).map(|k| k.trim().to_string()) else {
            return status_only(fs::MALFORMED_REQUEST);
        };
        let current: BTreeMap<String, Folder> = match self.store.folders(&ctx.login) {
            Ok(f) => f.into_iter().map(|f| (f.server_id.clone(), f)).collect(),
            Err(_) => return status_only(fs::SERVER_ERROR),
        };
        let outcome = self.with_device(&ctx.key, |d| {
            if key == "0" {
                let state = HierarchyState { key: "1".into(), counter: 1, known: current.clone(), previous: None };
                d.hierarchy = Some(state);
                return Some(("1".to_string(), BTreeMap::new()));
            }
            let h = d.hierarchy.as_mut()?;
            let base = if key == h.key {
                h.known.clone()
            } else {
                match &h.previous {
                    Some((k, known)) if *k == key => known.clone(),
                    _ => return None,
                }
            };
            if base == current && key == h.key {
                return Some((h.key.clone(), base));
            }
            h.counter += 1;
            h.previous = Some((key.clone(), base.clone()));
            h.key = h.counter.to_string();
            h.known = current.clone();
            Some((h.key.clone(), base))
        });
        let Some((new_key, base)) = outcome else {
            return status_only(fs::INVALID_SYNC_KEY);
        };
        let mut changes = Vec::new();
        for (id, f) in &current {
            match base.get(id) {
                None => changes.push(el(FH::Add, folder_children(f))),
                Some(old) if old != f => changes.push(el(FH::Update, folder_children(f))),
                Some(_) => {}
            }
        }
        for id in base.keys().filter(|id| !current.contains_key(*id)) {
            changes.push(el(FH::Delete, [leaf(FH::ServerId, id.as_str())]));
        }
        let mut change_children = vec![leaf(FH::Count, changes.len().to_string())];
        change_children.extend(changes);
        response::wbxml(&doc(
            FH::FolderSync,
            vec![leaf(FH::Status, fs::SUCCESS.to_string()), leaf(FH::SyncKey, new_key), el(FH::Changes, change_children)],
        ))
    }

    /// FolderCreate, FolderDelete and FolderUpdate share the key check and the answer shape.
    pub(crate) fn folder_change(&self, ctx: &Ctx) -> Response {
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let command = ctx.req.command;
        let root_tag = match command {
            Command::FolderCreate => FH::FolderCreate,
            Command::FolderDelete => FH::FolderDelete,
            _ => FH::FolderUpdate,
        };
        let status_only = |s: u16| response::wbxml(&doc(root_tag, vec![leaf(FH::Status, s.to_string())]));
        let Some(key) = root.find(&["SyncKey"]).map(|k| k.trim().to_string()) else {
            return status_only(fs::MALFORMED_REQUEST);
        };
        let current_key = self.with_device(&ctx.key, |d| d.hierarchy.as_ref().map(|h| h.key.clone()));
        if current_key.as_deref() != Some(key.as_str()) {
            return status_only(fs::INVALID_SYNC_KEY);
        }
        let text = |name: &str| root.find(&[name]).map(|v| v.trim().to_string());
        let folders = match self.store.folders(&ctx.login) {
            Ok(f) => f,
            Err(_) => return status_only(fs::SERVER_ERROR),
        };
        let name_taken = |parent: &str, name: &str, except: Option<&str>| {
            folders
                .iter()
                .any(|f| f.parent_id == parent && f.display_name.eq_ignore_ascii_case(name) && Some(f.server_id.as_str()) != except)
        };
        let result: Result<Option<Folder>, u16> = match command {
            Command::FolderCreate => {
                let (Some(parent), Some(name), Some(t)) = (text("ParentId"), text("DisplayName"), text("Type")) else {
                    return status_only(fs::MALFORMED_REQUEST);
                };
                match t.parse().ok().and_then(FolderType::from_code) {
                    Some(t) if user_created(t) && !name.is_empty() => {
                        if name_taken(&parent, &name, None) {
                            Err(fs::FOLDER_EXISTS)
                        } else {
                            self.store.add_folder(&ctx.login, &parent, &name, t).map(Some).map_err(|_| fs::PARENT_NOT_FOUND)
                        }
                    }
                    _ => Err(fs::MALFORMED_REQUEST),
                }
            }
            Command::FolderDelete => {
                let Some(id) = text("ServerId") else {
                    return status_only(fs::MALFORMED_REQUEST);
                };
                match folders.iter().find(|f| f.server_id == id) {
                    None => Err(fs::FOLDER_DOES_NOT_EXIST),
                    Some(f) if !user_created(f.folder_type) => Err(fs::SYSTEM_FOLDER),
                    Some(_) => self.store.delete_folder(&ctx.login, &id).map(|_| None).map_err(|_| fs::SERVER_ERROR),
                }
            }
            _ => {
                let (Some(id), Some(parent), Some(name)) = (text("ServerId"), text("ParentId"), text("DisplayName")) else {
                    return status_only(fs::MALFORMED_REQUEST);
                };
                match folders.iter().find(|f| f.server_id == id) {
                    None => Err(fs::FOLDER_DOES_NOT_EXIST),
                    Some(f) if !user_created(f.folder_type) => Err(fs::SYSTEM_FOLDER),
                    Some(_) if name_taken(&parent, &name, Some(&id)) => Err(fs::FOLDER_EXISTS),
                    Some(_) => self.store.update_folder(&ctx.login, &id, &name, &parent).map(Some).map_err(|e| match e {
                        StoreError::UnknownFolder { .. } => fs::PARENT_NOT_FOUND,
                        _ => fs::SERVER_ERROR,
                    }),
                }
            }
        };
        let created = match result {
            Ok(f) => f,
            Err(s) => return status_only(s),
        };
        // The device made this change itself: fold it into its hierarchy state.
        let now: BTreeMap<String, Folder> =
            self.store.folders(&ctx.login).unwrap_or_default().into_iter().map(|f| (f.server_id.clone(), f)).collect();
        let new_key = self.with_device(&ctx.key, |d| {
            let h = d.hierarchy.get_or_insert_with(HierarchyState::default);
            let mut known = h.known.clone();
            match command {
                Command::FolderDelete => {
                    if let Some(id) = text("ServerId") {
                        known.remove(&id);
                    }
                }
                _ => {
                    if let Some(f) = &created {
                        known.insert(f.server_id.clone(), now.get(&f.server_id).cloned().unwrap_or_else(|| f.clone()));
                    }
                }
            }
            h.counter += 1;
            h.previous = Some((h.key.clone(), h.known.clone()));
            h.key = h.counter.to_string();
            h.known = known;
            h.key.clone()
        });
        let mut out = vec![leaf(FH::Status, fs::SUCCESS.to_string()), leaf(FH::SyncKey, new_key)];
        if let (Command::FolderCreate, Some(f)) = (command, created) {
            out.push(leaf(FH::ServerId, f.server_id));
        }
        response::wbxml(&doc(root_tag, out))
    }
}
