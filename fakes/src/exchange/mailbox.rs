//! Mailboxes: users, their folders and items, and the event log that watermarks point into;
//! and the changes made to them — mail delivered, saved or marked read — which the control API
//! and EWS (CreateItem, UpdateItem, MarkAllItemsAsRead) both make through the same functions,
//! so that push subscriptions see the same events whichever side made the change.

use super::Exchange;
use mailconform_activesync::store::FolderType;
use mailconform_ews::{EventType, FolderInfo};
use mailconform_sim::Journal;
use serde::Serialize;

/// A mailbox owner and the names and password Exchange authenticates them by.
#[derive(Clone, Debug, Serialize)]
pub struct User {
    /// Short logon name (`alice`).
    pub login: String,
    /// SMTP address, also the UPN for Basic, certificate mapping and OAuth.
    pub email: String,
    /// Password for Basic, NTLM and Kerberos.
    pub password: String,
    /// `DOMAIN\login` form accepted by Windows authentication.
    pub domain: String,
}

impl User {
    /// Whether `name` is one of the names Exchange accepts for this user (login, UPN/SMTP,
    /// down-level `DOMAIN\login`), case-insensitively.
    pub(crate) fn answers_to(&self, name: &str) -> bool {
        let n = name.to_ascii_lowercase();
        n == self.login.to_ascii_lowercase()
            || n == self.email.to_ascii_lowercase()
            || n == format!("{}\\{}", self.domain, self.login).to_ascii_lowercase()
    }
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Item {
    pub(crate) id: String,
    pub(crate) change_key: u32,
    pub(crate) subject: String,
    pub(crate) from: String,
    pub(crate) read: bool,
    /// The same message's ServerId on the ActiveSync side.
    pub(crate) eas_id: Option<String>,
}

impl Item {
    /// The ChangeKey EWS shows (FindItem, UpdateItem, notifications): it moves with every change.
    pub(crate) fn wire_change_key(&self) -> String {
        format!("CQAAAA{:08}", self.change_key)
    }
}

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Folder {
    pub(crate) distinguished: &'static str,
    pub(crate) id: String,
    pub(crate) change_key: u32,
    pub(crate) display_name: &'static str,
    pub(crate) items: Vec<Item>,
}

impl Folder {
    /// The ChangeKey EWS shows for the folder.
    pub(crate) fn wire_change_key(&self) -> String {
        format!("AQAAAA{:08}", self.change_key)
    }

    /// `(Id, ChangeKey)` as events carry them.
    fn wire_ref(&self) -> (String, String) {
        (self.id.clone(), self.wire_change_key())
    }

    pub(crate) fn info(&self) -> FolderInfo {
        FolderInfo {
            folder_id: self.id.clone(),
            change_key: self.wire_change_key(),
            display_name: self.display_name.to_string(),
            total_count: self.items.len() as u32,
            unread_count: self.items.iter().filter(|i| !i.read).count() as u32,
            child_folder_count: 0,
        }
    }

    pub(crate) fn unread(&self) -> u32 {
        self.items.iter().filter(|i| !i.read).count() as u32
    }
}

/// One change in a mailbox, as subscriptions see it.
#[derive(Clone, Debug)]
pub(crate) struct MailboxEvent {
    pub(crate) seq: u64,
    pub(crate) kind: EventType,
    pub(crate) at_unix: std::time::Duration,
    pub(crate) item_id: Option<(String, String)>,
    pub(crate) folder_id: Option<(String, String)>,
    pub(crate) parent_folder_id: (String, String),
    pub(crate) unread_count: Option<u32>,
}

/// Folders every mailbox has; only the inbox receives mail in this fake.
pub(crate) const DISTINGUISHED: [(&str, &str); 5] = [
    ("msgfolderroot", "Top of Information Store"),
    ("inbox", "Inbox"),
    ("sentitems", "Sent Items"),
    ("drafts", "Drafts"),
    ("deleteditems", "Deleted Items"),
];

#[derive(Clone, Debug)]
pub(crate) struct Mailbox {
    pub(crate) user: User,
    pub(crate) folders: Vec<Folder>,
    /// The mailbox's event table, which subscriptions read from their watermark on; the
    /// newest `FakeEnv::journal_capacity` events are kept (Exchange keeps 30 days, and a
    /// watermark older than what is kept gets ErrorInvalidWatermark).
    pub(crate) events: Journal<MailboxEvent>,
    pub(crate) next_item: u64,
}

impl Mailbox {
    pub(crate) fn new(user: User, id_prefix: &str, events: Journal<MailboxEvent>) -> Self {
        let folders = DISTINGUISHED
            .iter()
            .map(|(d, name)| Folder {
                distinguished: d,
                id: format!("{id_prefix}{}", d.to_ascii_uppercase()),
                change_key: 1,
                display_name: name,
                items: Vec::new(),
            })
            .collect();
        Mailbox { user, folders, events, next_item: 1 }
    }

    pub(crate) fn folder(&self, distinguished_or_id: &str) -> Option<&Folder> {
        self.folders.iter().find(|f| f.distinguished == distinguished_or_id || f.id == distinguished_or_id)
    }

    pub(crate) fn inbox(&self) -> &Folder {
        self.folder("inbox").expect("every mailbox has an inbox")
    }

    fn folder_mut(&mut self, distinguished_or_id: &str) -> Option<&mut Folder> {
        self.folders.iter_mut().find(|f| f.distinguished == distinguished_or_id || f.id == distinguished_or_id)
    }

    /// The folder holding the item `id`, and the item's index in it.
    pub(crate) fn find_item(&self, id: &str) -> Option<(&Folder, usize)> {
        self.folders.iter().find_map(|f| f.items.iter().position(|i| i.id == id).map(|n| (f, n)))
    }

    fn root_ref(&self) -> (String, String) {
        self.folder("msgfolderroot").map(Folder::wire_ref).unwrap_or_default()
    }

    /// Appends events numbered after the last one.
    fn push_events(&mut self, at: std::time::Duration, events: impl IntoIterator<Item = NewEvent>) {
        for (seq, e) in (self.events.last_seq() + 1..).zip(events) {
            self.events.push(MailboxEvent {
                seq,
                kind: e.kind,
                at_unix: at,
                item_id: e.item_id,
                folder_id: e.folder_id,
                parent_folder_id: e.parent_folder_id,
                unread_count: e.unread_count,
            });
        }
    }
}

/// A [`MailboxEvent`] before it is numbered.
struct NewEvent {
    kind: EventType,
    item_id: Option<(String, String)>,
    folder_id: Option<(String, String)>,
    parent_folder_id: (String, String),
    unread_count: Option<u32>,
}

impl NewEvent {
    /// An event about an item of `folder`.
    fn item(kind: EventType, item: (String, String), folder: (String, String)) -> NewEvent {
        NewEvent { kind, item_id: Some(item), folder_id: None, parent_folder_id: folder, unread_count: None }
    }

    /// The folder's own Modified, with its unread count after the change (what a badge shows).
    fn folder_modified(folder: (String, String), parent: (String, String), unread: u32) -> NewEvent {
        NewEvent { kind: EventType::Modified, item_id: None, folder_id: Some(folder), parent_folder_id: parent, unread_count: Some(unread) }
    }
}

// ---- changes to mailboxes ----------------------------------------------------------------------

/// A message to put into a mailbox folder.
pub(crate) struct NewMail<'a> {
    pub(crate) subject: &'a str,
    /// The sender's address.
    pub(crate) from: &'a str,
    /// The recipients' addresses as the ActiveSync side shows them (`To`).
    pub(crate) to: &'a str,
    /// Plain text; kept on the ActiveSync side only (EWS here serves no GetItem).
    pub(crate) body: &'a str,
}

/// A message put into a folder: its item id and ChangeKey, and the folder's unread count after.
#[derive(Clone, Debug)]
pub(crate) struct Added {
    pub(crate) item_id: String,
    pub(crate) change_key: String,
    pub(crate) unread: u32,
}

/// Delivers mail to `email`'s Inbox, unread, as transport does: NewMail, Created and the Inbox's
/// Modified with its unread count, then every subscription of the mailbox is woken. `None` when
/// `email` (matched case-insensitively) has no mailbox here.
pub(crate) fn deliver(ex: &Exchange, email: &str, mail: &NewMail<'_>) -> Option<Added> {
    add_item(ex, email, "inbox", mail, false, true)
}

/// Puts a message into a folder of `email`'s mailbox (`folder` is a distinguished name or a
/// folder id) without delivering it: a Sent Items copy or a draft. Created and the folder's
/// Modified, but no NewMail. `None` when the mailbox or the folder does not exist.
pub(crate) fn save(ex: &Exchange, email: &str, folder: &str, mail: &NewMail<'_>, read: bool) -> Option<Added> {
    add_item(ex, email, folder, mail, read, false)
}

fn add_item(ex: &Exchange, email: &str, folder: &str, mail: &NewMail<'_>, read: bool, new_mail: bool) -> Option<Added> {
    let at = ex.env.clock.unix();
    let mut state = ex.state.lock().expect("state poisoned");
    let mb = state.mailboxes.iter_mut().find(|m| m.user.email.eq_ignore_ascii_case(email))?;
    let email = mb.user.email.clone();
    let root = mb.root_ref();
    let n = mb.next_item;
    let f = mb.folder_mut(folder)?;
    // The ActiveSync side of the same mailbox gets the message in the folder of the same type.
    let eas_id = eas_folder_type(f.distinguished).and_then(|t| {
        let item =
            mailconform_activesync::NewItem { read, ..mailconform_activesync::NewItem::email(mail.from, mail.to, mail.subject, mail.body) };
        ex.eas_store.add_to(&email, t, item).ok()
    });
    let item =
        Item { id: format!("{}ITEM{n:06}", f.id), change_key: 1, subject: mail.subject.into(), from: mail.from.into(), read, eas_id };
    keep_message(ex, &email, f.distinguished, &item);
    let added = Added { item_id: item.id.clone(), change_key: item.wire_change_key(), unread: 0 };
    f.items.push(item);
    f.change_key += 1;
    let folder_ref = f.wire_ref();
    let unread = f.unread();
    mb.next_item += 1;
    let item_ref = (added.item_id.clone(), added.change_key.clone());
    let mut events = Vec::with_capacity(3);
    if new_mail {
        events.push(NewEvent::item(EventType::NewMail, item_ref.clone(), folder_ref.clone()));
    }
    events.push(NewEvent::item(EventType::Created, item_ref, folder_ref.clone()));
    events.push(NewEvent::folder_modified(folder_ref, root, unread));
    mb.push_events(at, events);
    drop(state);
    super::push::poke(ex, &email);
    Some(Added { unread, ..added })
}

/// What [`set_read`] changes.
#[derive(Clone, Copy, Debug)]
pub(crate) enum ReadTarget<'a> {
    /// One item, by id, in whatever folder it is.
    Item(&'a str),
    /// Every item of a folder, by distinguished name or id.
    Folder(&'a str),
}

/// Marks items of `email`'s mailbox read or unread: a Modified event for every item whose state
/// changed and one for its folder with the unread count after, then the subscriptions are woken.
/// Items already in that state are left alone (their ChangeKey does not move). Gives the
/// folder's unread count after; `None` when the mailbox, the item or the folder does not exist.
pub(crate) fn set_read(ex: &Exchange, email: &str, target: ReadTarget<'_>, read: bool) -> Option<u32> {
    let at = ex.env.clock.unix();
    let mut state = ex.state.lock().expect("state poisoned");
    let mb = state.mailboxes.iter_mut().find(|m| m.user.email.eq_ignore_ascii_case(email))?;
    let email = mb.user.email.clone();
    let root = mb.root_ref();
    let (folder_id, only) = match target {
        ReadTarget::Item(id) => (mb.find_item(id)?.0.id.clone(), Some(id)),
        ReadTarget::Folder(folder) => (mb.folder(folder)?.id.clone(), None),
    };
    let f = mb.folder_mut(&folder_id)?;
    let eas_type = eas_folder_type(f.distinguished);
    let mut changed = Vec::new();
    for item in f.items.iter_mut().filter(|i| only.is_none_or(|x| x == i.id)) {
        if item.read != read {
            item.read = read;
            item.change_key += 1;
            changed.push((item.id.clone(), item.wire_change_key()));
            keep_message(ex, &email, f.distinguished, item);
            if let (Some(eas_id), Some(t)) = (&item.eas_id, eas_type) {
                mirror_read(&ex.eas_store, &email, t, eas_id, read);
            }
        }
    }
    f.change_key += 1;
    let folder_ref = f.wire_ref();
    let unread = f.unread();
    let mut events: Vec<NewEvent> = changed.into_iter().map(|item| NewEvent::item(EventType::Modified, item, folder_ref.clone())).collect();
    if !events.is_empty() {
        events.push(NewEvent::folder_modified(folder_ref, root, unread));
    }
    mb.push_events(at, events);
    drop(state);
    super::push::poke(ex, &email);
    Some(unread)
}

/// The ActiveSync folder type of a distinguished folder; `None` for the root, which holds no mail.
fn eas_folder_type(distinguished: &str) -> Option<FolderType> {
    match distinguished {
        "inbox" => Some(FolderType::Inbox),
        "sentitems" => Some(FolderType::SentItems),
        "drafts" => Some(FolderType::Drafts),
        "deleteditems" => Some(FolderType::DeletedItems),
        _ => None,
    }
}

/// Mirror a read-state change on the ActiveSync side of the same mailbox.
fn mirror_read(store: &mailconform_activesync::MemoryStore, email: &str, folder: FolderType, eas_id: &str, read: bool) {
    let Some(login) = store.resolve(email) else { return };
    if let Ok(f) = store.folder_of_type(&login, folder) {
        let _ = store.set_read(&login, &f.server_id, eas_id, read);
    }
}

// ---- what a restarted Exchange keeps ------------------------------------------------------------

/// The state database's table of messages, by EWS item ID.
const KEPT_MESSAGES: &str = "messages";

/// A message as the state database keeps it: what a restarted Exchange still has in the mailbox
/// (the mailbox store is on disk in a real one).
#[derive(serde::Serialize, serde::Deserialize)]
struct KeptMessage {
    mailbox: String,
    subject: String,
    from: String,
    read: bool,
    /// Its ServerId on the ActiveSync side: the partnerships kept with it name it.
    #[serde(default)]
    eas_id: Option<String>,
    /// The distinguished folder it is in; kept before Sent Items and Drafts held mail, so absent
    /// means the Inbox.
    #[serde(default)]
    folder: Option<String>,
}

fn keep_message(ex: &Exchange, mailbox: &str, folder: &str, item: &Item) {
    let kept = KeptMessage {
        mailbox: mailbox.to_string(),
        subject: item.subject.clone(),
        from: item.from.clone(),
        read: item.read,
        eas_id: item.eas_id.clone(),
        folder: Some(folder.to_string()),
    };
    ex.env.store.put(KEPT_MESSAGES, &item.id, &kept);
}

/// Puts the messages a restarted Exchange kept back into their folders, on the EWS side with
/// their item IDs and on the ActiveSync side with their ServerIds, so that a device goes on
/// syncing with the SyncKey it has (a message kept without one comes back as a new item).
pub(crate) fn restore_messages(
    store: &mailconform_sim::store::RoleStore,
    mailboxes: &mut [Mailbox],
    eas_store: &mailconform_activesync::MemoryStore,
) {
    for (id, m) in store.load::<KeptMessage>(KEPT_MESSAGES) {
        let Some(mb) = mailboxes.iter_mut().find(|b| b.user.email == m.mailbox) else { continue };
        let email = mb.user.email.clone();
        let folder = m.folder.as_deref().unwrap_or("inbox");
        let Some(eas_type) = eas_folder_type(folder) else { continue };
        let new = mailconform_activesync::NewItem::email(&m.from, &email, &m.subject, "");
        let eas_id = match &m.eas_id {
            Some(server_id) => eas_store.restore(&email, server_id, new),
            None => eas_store.add_to(&email, eas_type, new),
        }
        .ok();
        if m.read {
            if let Some(e) = &eas_id {
                mirror_read(eas_store, &email, eas_type, e, true);
            }
        }
        if let Some(n) = id.rsplit("ITEM").next().and_then(|n| n.parse::<u64>().ok()) {
            mb.next_item = mb.next_item.max(n + 1);
        }
        let Some(f) = mb.folder_mut(folder) else { continue };
        f.items.push(Item { id, change_key: 1, subject: m.subject, from: m.from, read: m.read, eas_id });
        f.change_key += 1;
    }
}

/// Watermarks are opaque to clients; this one encodes mailbox and event sequence so the fake
/// can resume from it and reject one from another mailbox.
pub(crate) fn watermark_for(email: &str, seq: u64) -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode(format!("mc1:{email}:{seq}"))
}

pub(crate) fn parse_watermark(wm: &str) -> Option<(String, u64)> {
    use base64::Engine;
    let raw = base64::engine::general_purpose::STANDARD.decode(wm.trim()).ok()?;
    let s = String::from_utf8(raw).ok()?;
    let mut parts = s.splitn(3, ':');
    if parts.next()? != "mc1" {
        return None;
    }
    let email = parts.next()?.to_string();
    let seq = parts.next()?.parse().ok()?;
    Some((email, seq))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watermarks_round_trip_and_reject_garbage() {
        let w = watermark_for("alice@example.test", 42);
        assert_eq!(parse_watermark(&w), Some(("alice@example.test".into(), 42)));
        assert_eq!(parse_watermark("AAAA"), None);
        assert_eq!(parse_watermark("%%%"), None);
    }

    /// A message kept before Sent Items and Drafts held mail has no folder and comes back to
    /// the Inbox; one kept with its folder comes back there, read state and item number kept.
    #[test]
    fn kept_messages_come_back_to_their_folders() {
        let dir = std::env::temp_dir().join(format!("mailconform-kept-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let db = mailconform_sim::store::RedbStore::open(&dir.join("state.redb")).unwrap();
        let store = mailconform_sim::store::RoleStore::new(std::sync::Arc::new(db), "exchange");
        let legacy = serde_json::json!({"mailbox": "alice@example.test", "subject": "old", "from": "x@example.test", "read": false});
        store.put(KEPT_MESSAGES, "AAMkAD00INBOXITEM000001", &legacy);
        let sent = KeptMessage {
            mailbox: "alice@example.test".into(),
            subject: "sent".into(),
            from: "alice@example.test".into(),
            read: true,
            eas_id: None,
            folder: Some("sentitems".into()),
        };
        store.put(KEPT_MESSAGES, "AAMkAD00SENTITEMSITEM000007", &sent);
        let user = User { login: "alice".into(), email: "alice@example.test".into(), password: "pw".into(), domain: "EXAMPLE".into() };
        let mut mailboxes = [Mailbox::new(user, "AAMkAD00", Journal::new(16))];
        let eas = mailconform_activesync::MemoryStore::new();
        eas.add_user("alice", "alice@example.test");
        restore_messages(&store, &mut mailboxes, &eas);
        let mb = &mailboxes[0];
        let subjects = |f: &str| mb.folder(f).unwrap().items.iter().map(|i| (i.subject.as_str(), i.read)).collect::<Vec<_>>();
        assert_eq!(subjects("inbox"), [("old", false)]);
        assert_eq!(subjects("sentitems"), [("sent", true)]);
        assert_eq!(mb.next_item, 8, "new items are numbered after the kept ones");
        let login = eas.resolve("alice@example.test").unwrap();
        let eas_sent = eas.folder_of_type(&login, FolderType::SentItems).unwrap();
        assert_eq!(eas.items(&login, &eas_sent.server_id).unwrap().len(), 1, "the ActiveSync side has it in Sent Items too");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn user_names() {
        let u = User { login: "alice".into(), email: "alice@example.test".into(), password: "pw".into(), domain: "EXAMPLE".into() };
        assert!(u.answers_to("ALICE@example.test"));
        assert!(u.answers_to("example\\alice"));
        assert!(!u.answers_to("bob"));
    }
}
