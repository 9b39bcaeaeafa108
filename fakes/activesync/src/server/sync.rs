//! Sync ([MS-ASCMD] 2.2.1.21): both directions of item synchronisation, per collection.
//!
//! * SyncKey 0 primes a collection: a new key, no items (a client then asks for changes).
//! * With the current key (or the previous one, on a retry) the client's Add, Change,
//!   Delete and Fetch are applied first, then up to WindowSize server changes are sent,
//!   with `MoreAvailable` (placed before `Commands`) when more remain. GetChanges is on by
//!   default from 12.1 when the key is not 0, as [MS-ASCMD] 2.2.3.84 has it.
//! * Any other key gets collection Status 3 with SyncKey 0; an unknown CollectionId gets 12
//!   (re-run FolderSync).
//! * A Notes folder is listed by FolderSync at every version, but Notes items exist only
//!   from 14.0 on: a Sync of a Notes collection at 12.1 or earlier (priming included) gets
//!   collection Status 4, [MS-ASCMD]'s protocol error for a request that does not comply
//!   with the specification of its version (the Class `Notes` is not valid before 14.0).
//!   The collection is left unprimed and nothing in it changes.
//! * Client deletes follow `DeletesAsMoves` (default on): the item moves to Deleted Items.
//!   The store's [`MeetingDeletePolicy`](crate::store::MeetingDeletePolicy) may keep a
//!   meeting message instead; the device is still told the delete succeeded and is never
//!   offered that item again.
//! * `Wait` (minutes) or `HeartbeatInterval` (seconds) turn the Sync into a long poll: with
//!   nothing to report, the server waits in virtual time for a mailbox change and answers an
//!   empty 200 when the interval ends. Both at once is Status 4; out of range is Status 14
//!   with `Limit`. An empty request body repeats the last full request; without one, Status 13.
//! * Global failures carry a top-level `Status`; a normal answer has none, as Exchange sends it.

use super::appdata::{self, BodyPreference};
use super::devices::{pending, CollectionState, Known, Pending};
use super::{doc, Ctx, EasServer};
use crate::http::{response, ProtocolVersion};
use crate::status::{sync as st, Status};
use crate::store::{DeleteOutcome, Folder, FolderType, ItemClass};
use crate::{el, empty, leaf, AirSync as A, Document, Element};
use mailconform_sim::Response;
use std::collections::BTreeSet;
use std::time::Duration;

fn global_status(status: Status, limit: Option<u32>) -> Response {
    let mut children = vec![leaf(A::Status, status.to_string())];
    if let Some(l) = limit {
        children.push(leaf(A::Limit, l.to_string()));
    }
    response::wbxml(&doc(A::Sync, children))
}

/// One collection's answer and whether it says anything a waiting Sync should return for.
struct CollectionOut {
    element: Element,
    interesting: bool,
}

fn collection_status(key: &str, id: &str, status: Status) -> CollectionOut {
    CollectionOut {
        element: el(A::Collection, [leaf(A::SyncKey, key), leaf(A::CollectionId, id), leaf(A::Status, status.to_string())]),
        interesting: true,
    }
}

/// Where a client may add items of which class.
fn accepts_adds(folder: &Folder) -> bool {
    matches!(
        folder.folder_type,
        FolderType::Drafts
            | FolderType::Calendar
            | FolderType::UserCalendar
            | FolderType::Contacts
            | FolderType::UserContacts
            | FolderType::Tasks
            | FolderType::UserTasks
            | FolderType::Notes
            | FolderType::UserNotes
    )
}

/// Whether a protocol version has the item class at all: Notes ([MS-ASNOTE]) only from
/// 14.0 on; the Class value `Notes` is not valid in 12.1 and earlier ([MS-ASCMD] 2.2.3.27.5).
fn class_supported(class: ItemClass, version: ProtocolVersion) -> bool {
    class != ItemClass::Notes || version >= ProtocolVersion::V14_0
}

impl EasServer {
    pub(crate) async fn sync(&self, ctx: &Ctx) -> Response {
        let request = match &ctx.req.body {
            Some(d) => self.merge_partial(ctx, d),
            None => match self.with_device(&ctx.key, |d| d.last_sync.clone()) {
                Some(d) => d,
                None => return global_status(st::REQUEST_INCOMPLETE, None),
            },
        };
        let root = &request.root;
        let wait = root.find(&["Wait"]);
        let heartbeat = root.find(&["HeartbeatInterval"]);
        let interval = match (wait, heartbeat) {
            (Some(_), Some(_)) => return global_status(st::PROTOCOL_ERROR, None),
            (Some(w), None) => {
                let Ok(minutes) = w.trim().parse::<u32>() else {
                    return global_status(st::PROTOCOL_ERROR, None);
                };
                let (min, max) = (self.config.heartbeat_min_secs.div_ceil(60).max(1), self.config.heartbeat_max_secs / 60);
                if minutes < min {
                    return global_status(st::INVALID_WAIT_OR_HEARTBEAT, Some(min));
                }
                if minutes > max {
                    return global_status(st::INVALID_WAIT_OR_HEARTBEAT, Some(max));
                }
                Some(Duration::from_secs(u64::from(minutes) * 60))
            }
            (None, Some(h)) => {
                let Ok(secs) = h.trim().parse::<u32>() else {
                    return global_status(st::PROTOCOL_ERROR, None);
                };
                if secs < self.config.heartbeat_min_secs {
                    return global_status(st::INVALID_WAIT_OR_HEARTBEAT, Some(self.config.heartbeat_min_secs));
                }
                if secs > self.config.heartbeat_max_secs {
                    return global_status(st::INVALID_WAIT_OR_HEARTBEAT, Some(self.config.heartbeat_max_secs));
                }
                Some(Duration::from_secs(u64::from(secs)))
            }
            (None, None) => None,
        };
        let collections: Vec<Element> = root.find_all(&["Collections", "Collection"]).into_iter().cloned().collect();
        if collections.is_empty() {
            return global_status(st::REQUEST_INCOMPLETE, None);
        }
        let global_window = root.find(&["WindowSize"]).and_then(|w| w.trim().parse::<u32>().ok());
        if ctx.req.body.is_some() {
            self.with_device(&ctx.key, |d| d.last_sync = Some(request.clone()));
        }

        let mut changes = self.store.subscribe(&ctx.login).ok();
        if let Some(rx) = changes.as_mut() {
            rx.borrow_and_update();
        }
        let deadline = interval.map(|d| self.env.clock.now() + d);
        let mut first = true;
        loop {
            let outs: Vec<CollectionOut> = collections.iter().map(|c| self.sync_collection(ctx, c, global_window, first)).collect();
            first = false;
            let interesting = outs.iter().any(|o| o.interesting);
            if interesting || deadline.is_none() {
                let children: Vec<Element> = outs.into_iter().map(|o| o.element).collect();
                return response::wbxml(&doc(A::Sync, vec![el(A::Collections, children)]));
            }
            let (Some(deadline), Some(rx)) = (deadline, changes.as_mut()) else {
                return response::empty_ok();
            };
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {
                    rx.borrow_and_update();
                }
                _ => return response::empty_ok(),
            }
        }
    }

    /// A `Partial` Sync names only some collections; the rest come from the last full request.
    fn merge_partial(&self, ctx: &Ctx, body: &Document) -> Document {
        if body.root.child("Partial").is_none() {
            return body.clone();
        }
        let Some(last) = self.with_device(&ctx.key, |d| d.last_sync.clone()) else {
            return body.clone();
        };
        let mut merged = body.clone();
        let named: BTreeSet<String> = body
            .find_all(&["Collections", "Collection", "CollectionId"])
            .into_iter()
            .filter_map(|e| e.text().map(str::to_string))
            .collect();
        let extra: Vec<Element> = last
            .find_all(&["Collections", "Collection"])
            .into_iter()
            .filter(|c| c.find(&["CollectionId"]).is_some_and(|id| !named.contains(id)))
            .cloned()
            .collect();
        let has_collections = merged.root.child("Collections").is_some();
        if !has_collections {
            merged.root.children.push(el(A::Collections, Vec::<Element>::new()).into());
        }
        for node in merged.root.children.iter_mut() {
            if let crate::Node::Element(e) = node {
                if e.name() == "Collections" {
                    e.children.extend(extra.iter().cloned().map(Into::into));
                }
            }
        }
        merged.root.children.retain(|n| !matches!(n, crate::Node::Element(e) if e.name() == "Partial"));
        merged
    }

    fn sync_collection(&self, ctx: &Ctx, coll: &Element, global_window: Option<u32>, apply_client_commands: bool) -> CollectionOut {
        let (Some(key), Some(id)) = (coll.find(&["SyncKey"]).map(str::trim), coll.find(&["CollectionId"]).map(str::trim)) else {
            return CollectionOut { element: el(A::Collection, [leaf(A::Status, st::PROTOCOL_ERROR.to_string())]), interesting: true };
        };
        let folder = match self.store.folder(&ctx.login, id) {
            Ok(f) => f,
            Err(_) => return collection_status(key, id, st::FOLDER_HIERARCHY_CHANGED),
        };
        if !class_supported(folder.folder_type.item_class(), ctx.version()) {
            return collection_status(key, id, st::PROTOCOL_ERROR);
        }
        let sent_options = coll.child("Options").cloned();
        if key == "0" {
            self.with_device(&ctx.key, |d| {
                let mut state = CollectionState::primed();
                state.options = sent_options;
                d.collections.insert(id.to_string(), state);
            });
            return collection_status("1", id, st::SUCCESS);
        }
        let state = self.with_device(&ctx.key, |d| {
            let c = d.collections.get_mut(id)?;
            if sent_options.is_some() {
                c.options = sent_options.clone();
            }
            c.base_for(key).map(|base| (base, c.hidden.clone(), c.options.clone(), c.key.clone()))
        });
        let Some((base, mut hidden, options, current_key)) = state else {
            return collection_status("0", id, st::INVALID_SYNC_KEY);
        };
        let pref = BodyPreference::from_options(options.as_ref()).unwrap_or_default();
        let version = ctx.version();
        let mut known: Known = base.clone();
        let mut responses: Vec<Element> = Vec::new();
        let client_commands: Vec<&Element> =
            if apply_client_commands { coll.child("Commands").map(|c| c.elements().collect()).unwrap_or_default() } else { Vec::new() };
        for command in &client_commands {
            if let Some(r) = self.client_command(ctx, &folder, coll, command, &mut known, &mut hidden, pref, version) {
                responses.push(r);
            }
        }
        let get_changes = match coll.child("GetChanges") {
            None => version >= ProtocolVersion::V12_1,
            Some(e) => e.text().map(str::trim) != Some("0"),
        };
        let window = coll
            .find(&["WindowSize"])
            .and_then(|w| w.trim().parse::<u32>().ok())
            .or(global_window)
            .unwrap_or(self.config.window_size_default)
            .clamp(1, self.config.window_size_max.max(1)) as usize;
        let mut outgoing: Vec<Element> = Vec::new();
        let mut more = false;
        if get_changes {
            let items = self.store.items(&ctx.login, id).unwrap_or_default();
            let present: BTreeSet<&str> = items.iter().map(|i| i.server_id.as_str()).collect();
            hidden.retain(|h| present.contains(h.as_str()));
            let todo = pending(&items, &known, &hidden);
            more = todo.len() > window;
            for p in todo.into_iter().take(window) {
                match p {
                    Pending::Add(item) => {
                        known.insert(item.server_id.clone(), item.version);
                        outgoing.push(el(
                            A::Add,
                            [leaf(A::ServerId, item.server_id.as_str()), el(A::ApplicationData, appdata::render(&item, pref, version))],
                        ));
                    }
                    Pending::Change(item) => {
                        known.insert(item.server_id.clone(), item.version);
                        outgoing.push(el(
                            A::Change,
                            [leaf(A::ServerId, item.server_id.as_str()), el(A::ApplicationData, appdata::render(&item, pref, version))],
                        ));
                    }
                    Pending::Delete(sid) => {
                        known.remove(&sid);
                        outgoing.push(el(A::Delete, [leaf(A::ServerId, sid)]));
                    }
                }
            }
        }
        let changed = !outgoing.is_empty() || !client_commands.is_empty();
        let new_key = self.with_device(&ctx.key, |d| {
            let c = d.collections.entry(id.to_string()).or_default();
            c.hidden = hidden;
            if changed {
                c.advance(key, base, known)
            } else {
                c.key.clone()
            }
        });
        let interesting = changed || more || new_key != current_key || key != current_key;
        let mut children = vec![leaf(A::SyncKey, new_key), leaf(A::CollectionId, id), leaf(A::Status, st::SUCCESS.to_string())];
        if more {
            children.push(empty(A::MoreAvailable));
        }
        if !outgoing.is_empty() {
            children.push(el(A::Commands, outgoing));
        }
        if !responses.is_empty() {
            children.push(el(A::Responses, responses));
        }
        CollectionOut { element: el(A::Collection, children), interesting }
    }

    /// Applies one client operation; returns its `Responses` entry when there is one (Add and
    /// Fetch always, Change and Delete only on failure, as [MS-ASCMD] 2.2.3.154 has it).
    #[allow(clippy::too_many_arguments)]
    fn client_command(
        &self,
        ctx: &Ctx,
        folder: &Folder,
        coll: &Element,
        command: &Element,
        known: &mut Known,
        hidden: &mut BTreeSet<String>,
        pref: BodyPreference,
        version: ProtocolVersion,
    ) -> Option<Element> {
        let server_id = command.find(&["ServerId"]).map(|s| s.trim().to_string());
        let fid = folder.server_id.as_str();
        match command.name() {
            "Add" => {
                let client_id = command.find(&["ClientId"]).unwrap_or("").to_string();
                let class = folder.folder_type.item_class();
                let app = command.child("ApplicationData");
                let added = match app {
                    Some(app) if accepts_adds(folder) => {
                        let mut item = appdata::parse_new_item(class, app);
                        if class == ItemClass::Email {
                            item.from = self.store.email_of(&ctx.login).unwrap_or_default();
                            item.read = true;
                        }
                        self.store.add_item(&ctx.login, fid, item).ok()
                    }
                    _ => None,
                };
                Some(match added {
                    Some(sid) => {
                        let v = self.store.item(&ctx.login, &sid).map(|i| i.version).unwrap_or(1);
                        known.insert(sid.clone(), v);
                        el(A::Add, [leaf(A::ClientId, client_id), leaf(A::ServerId, sid), leaf(A::Status, st::SUCCESS.to_string())])
                    }
                    None => el(A::Add, [leaf(A::ClientId, client_id), leaf(A::Status, st::CONVERSION_ERROR.to_string())]),
                })
            }
            "Change" => {
                let sid = server_id.unwrap_or_default();
                let app = command.child("ApplicationData");
                let now = self.store.now();
                let updated = match app {
                    Some(app) => self.store.update(&ctx.login, fid, &sid, |i| appdata::apply_change(i, app, &now)).ok(),
                    None => None,
                };
                match updated {
                    Some(item) => {
                        known.insert(sid, item.version);
                        None
                    }
                    None => Some(el(A::Change, [leaf(A::ServerId, sid), leaf(A::Status, st::OBJECT_NOT_FOUND.to_string())])),
                }
            }
            "Delete" => {
                let sid = server_id.unwrap_or_default();
                let as_moves = coll.child("DeletesAsMoves").is_none_or(|e| e.text().map(str::trim) != Some("0"));
                let trash = if as_moves && folder.folder_type != FolderType::DeletedItems {
                    self.store.folder_of_type(&ctx.login, FolderType::DeletedItems).ok().map(|f| f.server_id)
                } else {
                    None
                };
                match self.store.remove(&ctx.login, fid, &sid, true, trash.as_deref()) {
                    Ok(DeleteOutcome::KeptOnServer) => {
                        known.remove(&sid);
                        hidden.insert(sid);
                        None
                    }
                    Ok(_) => {
                        known.remove(&sid);
                        None
                    }
                    Err(_) => Some(el(A::Delete, [leaf(A::ServerId, sid), leaf(A::Status, st::OBJECT_NOT_FOUND.to_string())])),
                }
            }
            "Fetch" => {
                let sid = server_id.unwrap_or_default();
                Some(match self.store.item(&ctx.login, &sid) {
                    Ok(item) if sid.starts_with(&format!("{fid}:")) => el(
                        A::Fetch,
                        [
                            leaf(A::ServerId, sid),
                            leaf(A::Status, st::SUCCESS.to_string()),
                            el(A::ApplicationData, appdata::render(&item, pref, version)),
                        ],
                    ),
                    _ => el(A::Fetch, [leaf(A::ServerId, sid), leaf(A::Status, st::OBJECT_NOT_FOUND.to_string())]),
                })
            }
            _ => None,
        }
    }

    /// GetItemEstimate ([MS-ASCMD] 2.2.1.9): how many changes the next Sync would carry.
    pub(crate) fn get_item_estimate(&self, ctx: &Ctx) -> Response {
        use crate::status::get_item_estimate as ge;
        use crate::GetItemEstimate as G;
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let collections = root.find_all(&["Collections", "Collection"]);
        if collections.is_empty() {
            return response::wbxml(&doc(G::GetItemEstimate, vec![el(G::Response, [leaf(G::Status, ge::INVALID_COLLECTION.to_string())])]));
        }
        let mut responses = Vec::new();
        for c in collections {
            let id = c.find(&["CollectionId"]).unwrap_or("").trim().to_string();
            let key = c.find(&["SyncKey"]).map(|k| k.trim().to_string());
            let answer = |status: Status, estimate: Option<usize>| {
                let mut coll = vec![leaf(G::CollectionId, id.as_str())];
                if let Some(n) = estimate {
                    coll.push(leaf(G::Estimate, n.to_string()));
                }
                el(G::Response, [leaf(G::Status, status.to_string()), el(G::Collection, coll)])
            };
            if self.store.folder(&ctx.login, &id).is_err() {
                responses.push(answer(ge::INVALID_COLLECTION, None));
                continue;
            }
            let state = self.with_device(&ctx.key, |d| d.collections.get(&id).cloned());
            let Some(state) = state else {
                responses.push(answer(ge::SYNC_STATE_NOT_PRIMED, None));
                continue;
            };
            // 14.0+ sends the collection's SyncKey; 12.x sends none and is estimated from
            // the current state.
            let base = match key.as_deref() {
                Some("0") => {
                    responses.push(answer(ge::SYNC_STATE_NOT_PRIMED, None));
                    continue;
                }
                Some(k) => state.base_for(k),
                None => Some(state.known.clone()),
            };
            let Some(base) = base else {
                responses.push(answer(ge::INVALID_SYNC_KEY, None));
                continue;
            };
            let items = self.store.items(&ctx.login, &id).unwrap_or_default();
            responses.push(answer(ge::SUCCESS, Some(pending(&items, &base, &state.hidden).len())));
        }
        response::wbxml(&doc(G::GetItemEstimate, responses))
    }
}
