//! Ping ([MS-ASCMD] 2.2.1.13): the long poll that tells a device which folders to Sync.
//!
//! The HeartbeatInterval and the folder list are cached per device, so a later Ping may
//! omit either (or send no body at all); a first Ping without them gets Status 3. Out of
//! range intervals get Status 5 with the violated bound in `HeartbeatInterval`; too many
//! folders get Status 6 with `MaxFolders`; an unknown folder gets Status 7.
//!
//! A folder counts as changed when the device's sync state lacks something the folder has
//! (or holds something it lost). For a folder the device never synced, any change after
//! the Ping began counts. With nothing changed, the server waits on the mailbox's change
//! signal until the interval ends (virtual time in a simulation) and answers Status 1; a
//! remote wipe requested meanwhile ends the wait with the wipe signal.

use super::devices::pending;
use super::{doc, provisioning_signal, Ctx, EasServer};
use crate::http::response;
use crate::status::{common, ping as st, Status};
use crate::{el, leaf, Element, Ping as P};
use mailconform_sim::Response;
use std::collections::BTreeMap;
use std::time::Duration;

fn ping_status(status: Status, extra: Vec<Element>) -> Response {
    let mut children = vec![leaf(P::Status, status.to_string())];
    children.extend(extra);
    response::wbxml(&doc(P::Ping, children))
}

impl EasServer {
    pub(crate) async fn ping(&self, ctx: &Ctx) -> Response {
        let mut heartbeat: Option<u32> = None;
        let mut folders: Option<Vec<(String, String)>> = None;
        if let Some(body) = &ctx.req.body {
            let root = &body.root;
            if let Some(h) = root.child("HeartbeatInterval") {
                match h.text().and_then(|t| t.trim().parse::<u32>().ok()) {
                    Some(v) => heartbeat = Some(v),
                    None => return ping_status(st::SYNTAX_ERROR, vec![]),
                }
            }
            if let Some(list) = root.child("Folders") {
                let mut v = Vec::new();
                for f in list.elements() {
                    let (Some(id), Some(class)) = (f.find(&["Id"]), f.find(&["Class"])) else {
                        return ping_status(st::SYNTAX_ERROR, vec![]);
                    };
                    v.push((id.trim().to_string(), class.trim().to_string()));
                }
                if v.is_empty() {
                    return ping_status(st::SYNTAX_ERROR, vec![]);
                }
                folders = Some(v);
            }
        }
        if let Some(h) = heartbeat {
            if h < self.config.heartbeat_min_secs {
                return ping_status(
                    st::HEARTBEAT_OUT_OF_RANGE,
                    vec![leaf(P::HeartbeatInterval, self.config.heartbeat_min_secs.to_string())],
                );
            }
            if h > self.config.heartbeat_max_secs {
                return ping_status(
                    st::HEARTBEAT_OUT_OF_RANGE,
                    vec![leaf(P::HeartbeatInterval, self.config.heartbeat_max_secs.to_string())],
                );
            }
        }
        if let Some(f) = &folders {
            if f.len() > self.config.ping_max_folders as usize {
                return ping_status(st::TOO_MANY_FOLDERS, vec![leaf(P::MaxFolders, self.config.ping_max_folders.to_string())]);
            }
        }
        let (heartbeat, folders) = self.with_device(&ctx.key, |d| {
            if let Some(h) = heartbeat {
                d.heartbeat = Some(h);
            }
            if let Some(f) = &folders {
                d.ping_folders = f.clone();
            }
            (d.heartbeat, if d.ping_folders.is_empty() { None } else { Some(d.ping_folders.clone()) })
        });
        let (Some(heartbeat), Some(folders)) = (heartbeat, folders) else {
            return ping_status(st::MISSING_PARAMETERS, vec![]);
        };
        let mut baseline: BTreeMap<String, u64> = BTreeMap::new();
        for (id, _) in &folders {
            match self.store.folder_seq(&ctx.login, id) {
                Ok(seq) => {
                    baseline.insert(id.clone(), seq);
                }
                Err(_) => return ping_status(st::FOLDER_SYNC_REQUIRED, vec![]),
            }
        }
        let Ok(mut rx) = self.store.subscribe(&ctx.login) else {
            return ping_status(st::SERVER_ERROR, vec![]);
        };
        rx.borrow_and_update();
        let deadline = self.env.clock.now() + Duration::from_secs(u64::from(heartbeat));
        loop {
            if self.with_device(&ctx.key, |d| d.wipe.active()) {
                return provisioning_signal(ctx, common::REMOTE_WIPE_REQUESTED);
            }
            let changed = self.changed_folders(ctx, &folders, &baseline);
            match changed {
                Err(()) => return ping_status(st::FOLDER_SYNC_REQUIRED, vec![]),
                Ok(ids) if !ids.is_empty() => {
                    let list = el(P::Folders, ids.into_iter().map(|id| leaf(P::Folder, id)));
                    return ping_status(st::CHANGES, vec![list]);
                }
                Ok(_) => {}
            }
            match tokio::time::timeout_at(deadline, rx.changed()).await {
                Ok(Ok(())) => {
                    rx.borrow_and_update();
                }
                Ok(Err(_)) => return ping_status(st::SERVER_ERROR, vec![]),
                Err(_) => return ping_status(st::EXPIRED, vec![]),
            }
        }
    }

    /// The monitored folders with something the device has not synced. `Err` when a folder
    /// has disappeared.
    fn changed_folders(&self, ctx: &Ctx, folders: &[(String, String)], baseline: &BTreeMap<String, u64>) -> Result<Vec<String>, ()> {
        let mut out = Vec::new();
        for (id, _) in folders {
            let items = self.store.items(&ctx.login, id).map_err(|_| ())?;
            let state = self.with_device(&ctx.key, |d| d.collections.get(id).map(|c| (c.known.clone(), c.hidden.clone())));
            let changed = match state {
                Some((known, hidden)) => !pending(&items, &known, &hidden).is_empty(),
                None => self.store.folder_seq(&ctx.login, id).map_err(|_| ())? > baseline.get(id).copied().unwrap_or(0),
            };
            if changed {
                out.push(id.clone());
            }
        }
        Ok(out)
    }
}
