//! Mail folders, as a mail app names them.

use super::closed_vocabulary;
use mailconform_fakes::traveler::contract::FolderKind;

/// A folder of a user's mailbox.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "folder", regex = "Inbox|Calendar|Contacts|Sent Items|Deleted Items")]
pub enum Folder {
    /// The Inbox.
    Inbox,
    /// The Calendar.
    Calendar,
    /// The Contacts.
    Contacts,
    /// Sent Items.
    SentItems,
    /// Deleted Items.
    DeletedItems,
}

closed_vocabulary!(Folder, "a mail folder", {
    "Inbox" => Folder::Inbox,
    "Calendar" => Folder::Calendar,
    "Contacts" => Folder::Contacts,
    "Sent Items" => Folder::SentItems,
    "Deleted Items" => Folder::DeletedItems,
});

impl Folder {
    /// The folder as the Traveler control API names it.
    pub fn kind(self) -> FolderKind {
        match self {
            Folder::Inbox => FolderKind::Inbox,
            Folder::Calendar => FolderKind::Calendar,
            Folder::Contacts => FolderKind::Contacts,
            Folder::SentItems => FolderKind::Sent,
            Folder::DeletedItems => FolderKind::Deleted,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn folders() {
        closed::<Folder>();
        rejects::<Folder>("Sent");
        assert_eq!(Folder::SentItems.kind(), FolderKind::Sent);
    }
}
