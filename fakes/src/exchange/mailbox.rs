//! Mailboxes: users, their folders and items, and the event log that watermarks point into.

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

#[derive(Clone, Debug, Serialize)]
pub(crate) struct Folder {
    pub(crate) distinguished: &'static str,
    pub(crate) id: String,
    pub(crate) change_key: u32,
    pub(crate) display_name: &'static str,
    pub(crate) items: Vec<Item>,
}

impl Folder {
    pub(crate) fn info(&self) -> FolderInfo {
        FolderInfo {
            folder_id: self.id.clone(),
            change_key: format!("AQAAAA{:08}", self.change_key),
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

    pub(crate) fn inbox_mut(&mut self) -> &mut Folder {
        self.folders.iter_mut().find(|f| f.distinguished == "inbox").expect("every mailbox has an inbox")
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

    #[test]
    fn user_names() {
        let u = User { login: "alice".into(), email: "alice@example.test".into(), password: "pw".into(), domain: "EXAMPLE".into() };
        assert!(u.answers_to("ALICE@example.test"));
        assert!(u.answers_to("example\\alice"));
        assert!(!u.answers_to("bob"));
    }
}
