//! The server side of Exchange's control API, whose routes and bodies [`super::contract`] lists.

use super::contract::{
    self, AuthChange, AuthSettings, BulkDelivered, Delivered, Inbox, Op, StoredItem, SubscriptionView, UnreadCount, ROUTES,
};
use super::mailbox::{self, NewMail, ReadTarget};
use super::Exchange;
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::{PageQuery, Response};
use std::sync::Arc;

pub(super) async fn handle(ex: &Arc<Exchange>, method: http::Method, path: &str, query: Option<&str>, body: &[u8]) -> Response {
    let (op, args) = match ROUTES.find(method.as_str(), path) {
        Ok(found) => found,
        Err(answer) => return *answer,
    };
    let email = args.get("email");
    match op {
        Op::Deliver => match parse::<contract::NewMessage>(body) {
            Ok(m) => match deliver(ex, email, &m.subject, &m.from) {
                Some((item_id, unread)) => reply(201, &Delivered { item_id, unread }),
                None => no_mailbox(email),
            },
            Err(answer) => *answer,
        },
        Op::DeliverBulk => {
            let bulk: contract::BulkDelivery = match parse(body) {
                Ok(b) => b,
                Err(answer) => return *answer,
            };
            let mut item_ids = Vec::with_capacity(bulk.messages.len());
            for m in &bulk.messages {
                match deliver(ex, &m.to, &m.subject, &m.from) {
                    Some((id, _)) => item_ids.push(id),
                    None => return no_mailbox(&m.to),
                }
            }
            reply(201, &BulkDelivered { item_ids })
        }
        Op::MarkRead => {
            let change: contract::ReadChange = match parse(body) {
                Ok(c) => c,
                Err(answer) => return *answer,
            };
            let id = args.get("id");
            match set_read(ex, email, Some(id), change.read) {
                Some(unread) => reply(200, &UnreadCount { unread }),
                None => error(404, format!("no message {id} in {email}'s inbox")),
            }
        }
        Op::ReadAll => match set_read(ex, email, None, true) {
            Some(unread) => reply(200, &UnreadCount { unread }),
            None => no_mailbox(email),
        },
        Op::Inbox => {
            let state = ex.state.lock().expect("state poisoned");
            match state.mailboxes.iter().find(|m| m.user.email.eq_ignore_ascii_case(email)) {
                Some(mb) => {
                    let inbox = mb.inbox();
                    reply(200, &Inbox { total: inbox.items.len(), unread: inbox.unread(), folder_id: inbox.id.clone() })
                }
                None => no_mailbox(email),
            }
        }
        Op::Subscriptions => {
            let state = ex.state.lock().expect("state poisoned");
            let v: Vec<SubscriptionView> = state.subscriptions.values().map(SubscriptionView::from).collect();
            reply(200, &v)
        }
        Op::AddNote => add_companion_item(ex, email, body, mailconform_activesync::store::FolderType::Notes),
        Op::AddTask => add_companion_item(ex, email, body, mailconform_activesync::store::FolderType::Tasks),
        Op::Requests => match PageQuery::parse(query) {
            Ok(q) => reply(200, &ex.state.lock().expect("state poisoned").requests.page(&q)),
            Err(e) => error(400, e),
        },
        Op::Deliveries => match PageQuery::parse(query) {
            Ok(q) => reply(200, &ex.state.lock().expect("state poisoned").deliveries.page(&q)),
            Err(e) => error(400, e),
        },
        Op::Auth => reply(200, &auth_settings(ex)),
        Op::SetAuth => match parse::<AuthChange>(body) {
            Ok(change) => set_auth(ex, change),
            Err(answer) => *answer,
        },
    }
}

fn auth_settings(ex: &Exchange) -> AuthSettings {
    AuthSettings {
        ews: ex.auth.methods(),
        activesync: ex.eas_auth.methods(),
        oauth: ex.auth.oauth(),
        kerberos_spn: ex.auth.keytab().map(|k| k.spn.clone()),
    }
}

/// Applies a change that names at least one non-empty method list.
fn set_auth(ex: &Exchange, change: AuthChange) -> Response {
    let hint = "send {\"ews\": [\"basic\", \"ntlm\", \"negotiate\", \"certificate\", \"oauth\"]} and/or {\"activesync\": [...]}, each with at least one method, and optionally \"oauth\": {\"issuer\", \"audience\", \"jwks\"}";
    let empty = |l: &Option<Vec<_>>| l.as_ref().is_some_and(Vec::is_empty);
    if (change.ews.is_none() && change.activesync.is_none()) || empty(&change.ews) || empty(&change.activesync) {
        return error(400, hint);
    }
    if let Some(trust) = change.oauth {
        // One issuer for both virtual directories, as the configuration gives it at start-up.
        ex.eas_auth.set_oauth(trust.clone());
        ex.auth.set_oauth(trust);
    }
    if let Some(m) = change.ews {
        ex.auth.set_methods(m);
    }
    if let Some(m) = change.activesync {
        ex.eas_auth.set_methods(m);
    }
    reply(200, &auth_settings(ex))
}

/// A note or a task, which live only on the ActiveSync side of the mailbox here.
fn add_companion_item(ex: &Exchange, email: &str, body: &[u8], folder: mailconform_activesync::store::FolderType) -> Response {
    use mailconform_activesync::NewItem;
    let c: contract::CompanionItem = match parse(body) {
        Ok(c) => c,
        Err(answer) => return *answer,
    };
    let item = match folder {
        mailconform_activesync::store::FolderType::Notes => NewItem::note(&c.subject, &c.body),
        _ => NewItem::task(&c.subject, &c.body, &c.due),
    };
    match ex.eas_store.add_to(email, folder, item) {
        Ok(server_id) => reply(201, &StoredItem { server_id }),
        Err(e) => error(404, e.to_string()),
    }
}

fn no_mailbox(email: &str) -> Response {
    error(404, format!("no mailbox {email}; known mailboxes are configured with the Exchange fake's users"))
}

/// Kept messages are put back by the mailbox model, which keeps them; `mod.rs` calls it here.
pub(super) use super::mailbox::restore_messages;

fn deliver(ex: &Exchange, email: &str, subject: &str, from: &str) -> Option<(String, u32)> {
    mailbox::deliver(ex, email, &NewMail { subject, from, to: email, body: "" }).map(|a| (a.item_id, a.unread))
}

/// `id`: one message (in whatever folder it is); `None`: every message of the Inbox.
fn set_read(ex: &Exchange, email: &str, id: Option<&str>, read: bool) -> Option<u32> {
    let target = match id {
        Some(id) => ReadTarget::Item(id),
        None => ReadTarget::Folder("inbox"),
    };
    mailbox::set_read(ex, email, target, read)
}
