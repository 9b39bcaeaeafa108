//! ItemOperations ([MS-ASCMD] 2.2.1.10) and MoveItems (2.2.1.12): working on single items
//! outside a Sync.
//!
//! ItemOperations serves `Fetch` of a mailbox item by CollectionId + ServerId (the whole
//! body, as a client fetches a truncated message) and `EmptyFolderContents`. Fetches of
//! attachments (`FileReference`), search results (`LongId`) and document libraries have no
//! backing here and answer "object not found" / "store unknown"; the conversation `Move`
//! answers "action not supported".

use super::appdata::{self, BodyPreference};
use super::{doc, Ctx, EasServer};
use crate::http::response;
use crate::status::{item_operations as io, move_items as mv};
use crate::store::StoreError;
use crate::{el, leaf, AirSync as A, Element, ItemOperations as I, Move as M};
use mailconform_sim::Response;

impl EasServer {
    pub(crate) fn item_operations(&self, ctx: &Ctx) -> Response {
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let operations: Vec<&Element> = root.elements().collect();
        if operations.is_empty() {
            return response::wbxml(&doc(I::ItemOperations, vec![leaf(I::Status, io::PROTOCOL_ERROR.to_string())]));
        }
        let mut results = Vec::new();
        for op in operations {
            results.push(match op.name() {
                "Fetch" => self.fetch(ctx, op),
                "EmptyFolderContents" => {
                    let id = op.find(&["CollectionId"]).unwrap_or("").trim().to_string();
                    let status = match self.store.items(&ctx.login, &id) {
                        Ok(items) => {
                            for item in items {
                                let _ = self.store.delete(&ctx.login, &id, &item.server_id, true);
                            }
                            io::SUCCESS
                        }
                        Err(_) => io::OBJECT_NOT_FOUND,
                    };
                    el(I::EmptyFolderContents, [leaf(I::Status, status.to_string()), leaf(A::CollectionId, id)])
                }
                "Move" => el(I::Move, [leaf(I::Status, io::ACTION_NOT_SUPPORTED.to_string())]),
                _ => return response::wbxml(&doc(I::ItemOperations, vec![leaf(I::Status, io::PROTOCOL_ERROR.to_string())])),
            });
        }
        response::wbxml(&doc(I::ItemOperations, vec![leaf(I::Status, io::SUCCESS.to_string()), el(I::Response, results)]))
    }

    fn fetch(&self, ctx: &Ctx, op: &Element) -> Element {
        let failed = |status: u16, extra: Vec<Element>| {
            let mut children = vec![leaf(I::Status, status.to_string())];
            children.extend(extra);
            el(I::Fetch, children)
        };
        let store_name = op.find(&["Store"]).unwrap_or("").trim();
        if !store_name.eq_ignore_ascii_case("Mailbox") {
            return failed(if store_name.is_empty() { io::PROTOCOL_ERROR } else { io::STORE_UNKNOWN }, vec![]);
        }
        if op.child("FileReference").is_some() || op.child("LongId").is_some() {
            return failed(io::OBJECT_NOT_FOUND, vec![]);
        }
        let Some(sid) = op.find(&["ServerId"]).map(|s| s.trim().to_string()) else {
            return failed(io::PROTOCOL_ERROR, vec![]);
        };
        let cid =
            op.find(&["CollectionId"]).map(|s| s.trim().to_string()).unwrap_or_else(|| sid.split(':').next().unwrap_or("").to_string());
        let echo = vec![leaf(A::CollectionId, cid.as_str()), leaf(A::ServerId, sid.as_str())];
        match self.store.item(&ctx.login, &sid) {
            Ok(item) if sid.starts_with(&format!("{cid}:")) => {
                let pref = BodyPreference::from_options(op.child("Options")).unwrap_or_default();
                let mut children = vec![leaf(I::Status, io::SUCCESS.to_string())];
                children.extend(echo);
                children.push(leaf(A::Class, item.class.as_str()));
                children.push(el(I::Properties, appdata::render(&item, pref, ctx.version())));
                el(I::Fetch, children)
            }
            _ => failed(io::OBJECT_NOT_FOUND, echo),
        }
    }

    pub(crate) fn move_items(&self, ctx: &Ctx) -> Response {
        let Some(root) = ctx.root() else {
            return ctx.missing_body();
        };
        let mut responses = Vec::new();
        for m in root.find_all(&["Move"]) {
            let src = m.find(&["SrcMsgId"]).unwrap_or("").trim().to_string();
            let from = m.find(&["SrcFldId"]).unwrap_or("").trim().to_string();
            let to = m.find(&["DstFldId"]).unwrap_or("").trim().to_string();
            let mut children = vec![leaf(M::SrcMsgId, src.as_str())];
            let status = if from == to {
                mv::SAME_SOURCE_AND_DESTINATION
            } else if self.store.folder(&ctx.login, &to).is_err() {
                mv::INVALID_DESTINATION
            } else {
                match self.store.move_item(&ctx.login, &from, &src, &to) {
                    Ok(new_id) => {
                        children.push(leaf(M::DstMsgId, new_id));
                        mv::SUCCESS
                    }
                    Err(StoreError::UnknownFolder { .. } | StoreError::UnknownItem { .. }) => mv::INVALID_SOURCE,
                    Err(_) => mv::CANNOT_MOVE,
                }
            };
            children.insert(1, leaf(M::Status, status.to_string()));
            responses.push(el(M::Response, children));
        }
        if responses.is_empty() {
            return response::bad_request("MoveItems without Move");
        }
        response::wbxml(&doc(M::MoveItems, responses))
    }
}
