//! Mail folders, as a mail app names them.

use super::closed_vocabulary;

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
    pub fn kind(self) -> &'static str {
        match self {
            Folder::Inbox => "inbox",
            Folder::Calendar => "calendar",
            Folder::Contacts => "contacts",
            Folder::SentItems => "sent",
            Folder::DeletedItems => "deleted",
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
        assert_eq!(Folder::SentItems.kind(), "sent");
    }
}
