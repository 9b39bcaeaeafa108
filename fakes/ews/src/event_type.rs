//! Notification event kinds.

wire_enum! {
    /// An event kind, named as on the wire: the `t:EventType` text in a
    /// subscription and the element name of the event in a notification.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum EventType {
        /// An item or folder was copied; carries the old and new ids.
        Copied => "CopiedEvent",
        /// An item or folder was created in a watched folder.
        Created => "CreatedEvent",
        /// An item or folder was deleted (hard delete; a soft delete to Deleted Items is Moved).
        Deleted => "DeletedEvent",
        /// An item or folder changed; on a folder it carries the new `UnreadCount`.
        Modified => "ModifiedEvent",
        /// An item or folder was moved; carries the old and new ids and parents.
        Moved => "MovedEvent",
        /// A message arrived in the mailbox: the event that drives a push and the badge.
        NewMail => "NewMailEvent",
        /// The free/busy state of a calendar item changed.
        FreeBusyChanged => "FreeBusyChangedEvent",
        /// The server's keep-alive. It appears in notifications only: the
        /// subscription schema does not list it, so a request naming it fails
        /// schema validation.
        Status => "StatusEvent",
    }
}

impl EventType {
    /// The seven kinds a client may subscribe to — exchangelib's default set.
    pub const SUBSCRIBABLE: [Self; 7] =
        [Self::Copied, Self::Created, Self::Deleted, Self::Modified, Self::Moved, Self::NewMail, Self::FreeBusyChanged];

    /// Whether a subscription may name it (every kind but [`EventType::Status`]).
    pub fn is_subscribable(self) -> bool {
        self != Self::Status
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names() {
        for &e in EventType::ALL {
            assert_eq!(EventType::parse(e.as_str()), Some(e));
            assert!(e.as_str().ends_with("Event"));
        }
        assert_eq!(EventType::NewMail.as_str(), "NewMailEvent");
        assert_eq!(EventType::parse("NewMail"), None);
        assert!(EventType::SUBSCRIBABLE.iter().all(|e| e.is_subscribable()));
        assert!(!EventType::Status.is_subscribable());
        assert_eq!(EventType::SUBSCRIBABLE.len() + 1, EventType::ALL.len());
    }
}
