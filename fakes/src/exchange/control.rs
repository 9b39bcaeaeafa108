//! The server side of Exchange's control API, whose routes and bodies [`super::contract`] lists.

use super::contract::{
    self, AuthChange, AuthSettings, BulkDelivered, Delivered, Inbox, Op, StoredItem, SubscriptionView, UnreadCount, ROUTES,
};
use super::mailbox::MailboxEvent;
use super::push;
use super::Exchange;
use mailconform_ews::EventType;
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

/// The state database's table of inbox messages, by EWS item ID.
const KEPT_MESSAGES: &str = "messages";

/// An inbox message as the state database keeps it: what a restarted Exchange still has in
/// the mailbox (the mailbox store is on disk in a real one).
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptMessage {
    mailbox: String,
    subject: String,
    from: String,
    read: bool,
    /// Its ServerId on the ActiveSync side: the partnerships kept with it name it.
    #[serde(default)]
    eas_id: Option<String>,
}

fn keep_message(ex: &Exchange, mailbox: &str, item: &super::mailbox::Item) {
    let kept = KeptMessage {
        mailbox: mailbox.to_string(),
        subject: item.subject.clone(),
        from: item.from.clone(),
        read: item.read,
        eas_id: item.eas_id.clone(),
    };
    ex.env.store.put(KEPT_MESSAGES, &item.id, &kept);
}

/// Puts the messages a restarted Exchange kept back into their inboxes, on the EWS side with
/// their item IDs and on the ActiveSync side with their ServerIds, so that a device goes on
/// syncing with the SyncKey it has (a message kept without one comes back as a new item).
pub(super) fn restore_messages(
    store: &mailconform_sim::store::RoleStore,
    mailboxes: &mut [super::mailbox::Mailbox],
    eas_store: &mailconform_activesync::MemoryStore,
) {
    for (id, m) in store.load::<KeptMessage>(KEPT_MESSAGES) {
        let Some(mb) = mailboxes.iter_mut().find(|b| b.user.email == m.mailbox) else { continue };
        let email = mb.user.email.clone();
        let new = mailconform_activesync::NewItem::email(&m.from, &email, &m.subject, "");
        let eas_id = match &m.eas_id {
            Some(server_id) => eas_store.restore(&email, server_id, new),
            None => eas_store.deliver(&email, new),
        }
        .ok();
        if m.read {
            if let Some(e) = &eas_id {
                mirror_read(eas_store, &email, e, true);
            }
        }
        if let Some(n) = id.rsplit("ITEM").next().and_then(|n| n.parse::<u64>().ok()) {
            mb.next_item = mb.next_item.max(n + 1);
        }
        let inbox = mb.inbox_mut();
        inbox.items.push(super::mailbox::Item { id, change_key: 1, subject: m.subject, from: m.from, read: m.read, eas_id });
        inbox.change_key += 1;
    }
}

fn deliver(ex: &Exchange, email: &str, subject: &str, from: &str) -> Option<(String, u32)> {
    let at = ex.env.clock.unix();
    let eas_id = ex.eas_store.deliver(email, mailconform_activesync::NewItem::email(from, email, subject, "")).ok();
    let mut state = ex.state.lock().expect("state poisoned");
    let mb = state.mailboxes.iter_mut().find(|m| m.user.email.eq_ignore_ascii_case(email))?;
    let n = mb.next_item;
    mb.next_item += 1;
    let email = mb.user.email.clone();
    let root = mb.folder("msgfolderroot").map(|f| (f.id.clone(), format!("AQAAAA{:08}", f.change_key))).unwrap_or_default();
    let inbox = mb.inbox_mut();
    let item_id = format!("{}ITEM{n:06}", inbox.id);
    inbox.items.push(super::mailbox::Item {
        id: item_id.clone(),
        change_key: 1,
        subject: subject.into(),
        from: from.into(),
        read: false,
        eas_id,
    });
    if let Some(item) = inbox.items.last() {
        keep_message(ex, &email, item);
    }
    inbox.change_key += 1;
    let inbox_ref = (inbox.id.clone(), format!("AQAAAA{:08}", inbox.change_key));
    let unread = inbox.unread();
    let mut seq = mb.events.last_seq();
    let mut push_ev = |kind, item: Option<(String, String)>, folder: Option<(String, String)>, parent: (String, String), unread_count| {
        seq += 1;
        mb.events.push(MailboxEvent { seq, kind, at_unix: at, item_id: item, folder_id: folder, parent_folder_id: parent, unread_count });
    };
    let item_ref = Some((item_id.clone(), "CQAAAA".to_string()));
    push_ev(EventType::NewMail, item_ref.clone(), None, inbox_ref.clone(), None);
    push_ev(EventType::Created, item_ref, None, inbox_ref.clone(), None);
    push_ev(EventType::Modified, None, Some(inbox_ref), root, Some(unread));
    drop(state);
    push::poke(ex, &email);
    Some((item_id, unread))
}

fn set_read(ex: &Exchange, email: &str, id: Option<&str>, read: bool) -> Option<u32> {
    let at = ex.env.clock.unix();
    let mut state = ex.state.lock().expect("state poisoned");
    let mb = state.mailboxes.iter_mut().find(|m| m.user.email.eq_ignore_ascii_case(email))?;
    let email = mb.user.email.clone();
    let root = mb.folder("msgfolderroot").map(|f| (f.id.clone(), format!("AQAAAA{:08}", f.change_key))).unwrap_or_default();
    let inbox = mb.inbox_mut();
    let mut changed = Vec::new();
    for item in inbox.items.iter_mut().filter(|i| id.is_none_or(|x| x == i.id)) {
        if item.read != read {
            item.read = read;
            item.change_key += 1;
            changed.push(item.id.clone());
            keep_message(ex, &email, item);
            if let Some(eas_id) = &item.eas_id {
                mirror_read(&ex.eas_store, &email, eas_id, read);
            }
        }
    }
    if id.is_some() && !inbox.items.iter().any(|i| Some(i.id.as_str()) == id) {
        return None;
    }
    inbox.change_key += 1;
    let inbox_ref = (inbox.id.clone(), format!("AQAAAA{:08}", inbox.change_key));
    let unread = inbox.unread();
    let mut seq = mb.events.last_seq();
    for item in changed.iter() {
        seq += 1;
        mb.events.push(MailboxEvent {
            seq,
            kind: EventType::Modified,
            at_unix: at,
            item_id: Some((item.clone(), "CQAAAA".into())),
            folder_id: None,
            parent_folder_id: inbox_ref.clone(),
            unread_count: None,
        });
    }
    if !changed.is_empty() {
        seq += 1;
        mb.events.push(MailboxEvent {
            seq,
            kind: EventType::Modified,
            at_unix: at,
            item_id: None,
            folder_id: Some(inbox_ref),
            parent_folder_id: root,
            unread_count: Some(unread),
        });
    }
    drop(state);
    push::poke(ex, &email);
    Some(unread)
}

/// Mirror a read-state change on the ActiveSync side of the same mailbox.
fn mirror_read(store: &mailconform_activesync::MemoryStore, email: &str, eas_id: &str, read: bool) {
    let Some(login) = store.resolve(email) else { return };
    if let Ok(inbox) = store.folder_of_type(&login, mailconform_activesync::store::FolderType::Inbox) {
        let _ = store.set_read(&login, &inbox.server_id, eas_id, read);
    }
}
