//! The mailbox model: folders as FolderSync names them, items as Sync carries them.

use serde::{Deserialize, Serialize};

/// Folder types of [MS-ASCMD] 2.2.3.186.3 (`FolderHierarchy:Type`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[repr(u8)]
pub enum FolderType {
    /// A user-created generic folder.
    Generic = 1,
    /// The default Inbox.
    Inbox = 2,
    /// The default Drafts folder.
    Drafts = 3,
    /// The default Deleted Items folder.
    DeletedItems = 4,
    /// The default Sent Items folder.
    SentItems = 5,
    /// The default Outbox.
    Outbox = 6,
    /// The default Tasks folder.
    Tasks = 7,
    /// The default Calendar.
    Calendar = 8,
    /// The default Contacts folder.
    Contacts = 9,
    /// The default Notes folder.
    Notes = 10,
    /// The default Journal.
    Journal = 11,
    /// A user-created mail folder.
    UserMail = 12,
    /// A user-created calendar.
    UserCalendar = 13,
    /// A user-created contacts folder.
    UserContacts = 14,
    /// A user-created tasks folder.
    UserTasks = 15,
    /// A user-created journal.
    UserJournal = 16,
    /// A user-created notes folder.
    UserNotes = 17,
    /// A folder of a type the server cannot name.
    Unknown = 18,
    /// The recipient information cache (read-only contacts).
    RecipientInformationCache = 19,
}

impl FolderType {
    /// The number FolderSync sends.
    pub const fn code(self) -> u8 {
        self as u8
    }

    /// The type of a FolderSync `Type` value; `None` outside 1–19.
    pub fn from_code(code: u8) -> Option<FolderType> {
        use FolderType::*;
        Some(match code {
            1 => Generic,
            2 => Inbox,
            3 => Drafts,
            4 => DeletedItems,
            5 => SentItems,
            6 => Outbox,
            7 => Tasks,
            8 => Calendar,
            9 => Contacts,
            10 => Notes,
            11 => Journal,
            12 => UserMail,
            13 => UserCalendar,
            14 => UserContacts,
            15 => UserTasks,
            16 => UserJournal,
            17 => UserNotes,
            18 => Unknown,
            19 => RecipientInformationCache,
            _ => return None,
        })
    }

    /// The item class a folder of this type holds, as Ping's `Class` names it.
    pub fn item_class(self) -> ItemClass {
        match self {
            FolderType::Calendar | FolderType::UserCalendar => ItemClass::Calendar,
            FolderType::Contacts | FolderType::UserContacts | FolderType::RecipientInformationCache => ItemClass::Contacts,
            FolderType::Tasks | FolderType::UserTasks => ItemClass::Tasks,
            FolderType::Notes | FolderType::UserNotes => ItemClass::Notes,
            _ => ItemClass::Email,
        }
    }
}

/// One folder as FolderSync reports it. `parent_id` `"0"` is the root.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Folder {
    /// `ServerId`: the folder's id, the CollectionId of Sync.
    pub server_id: String,
    /// `ParentId`: the containing folder's ServerId, `"0"` at the root.
    pub parent_id: String,
    /// `DisplayName`.
    pub display_name: String,
    /// `Type`.
    pub folder_type: FolderType,
}

/// The `airsync:Class` of an item: which schema its ApplicationData follows.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ItemClass {
    /// [MS-ASEMAIL]: mail and meeting messages.
    #[default]
    Email,
    /// [MS-ASCAL]: appointments and meetings.
    Calendar,
    /// [MS-ASCNTC]: contacts.
    Contacts,
    /// [MS-ASTASK]: every protocol version.
    Tasks,
    /// [MS-ASNOTE]: protocol 14.0 and later only.
    Notes,
}

impl ItemClass {
    /// The `Class` value as Sync and Ping spell it.
    pub const fn as_str(self) -> &'static str {
        match self {
            ItemClass::Email => "Email",
            ItemClass::Calendar => "Calendar",
            ItemClass::Contacts => "Contacts",
            ItemClass::Tasks => "Tasks",
            ItemClass::Notes => "Notes",
        }
    }

    /// The class of a `Class` value, exactly as spelled by [`ItemClass::as_str`].
    pub fn parse(value: &str) -> Option<ItemClass> {
        match value {
            "Email" => Some(ItemClass::Email),
            "Calendar" => Some(ItemClass::Calendar),
            "Contacts" => Some(ItemClass::Contacts),
            "Tasks" => Some(ItemClass::Tasks),
            "Notes" => Some(ItemClass::Notes),
            _ => None,
        }
    }

    /// The message class an item of this class gets when none is given.
    pub const fn default_message_class(self) -> &'static str {
        match self {
            ItemClass::Email => message_class::NOTE,
            ItemClass::Calendar => message_class::APPOINTMENT,
            ItemClass::Contacts => message_class::CONTACT,
            ItemClass::Tasks => message_class::TASK,
            ItemClass::Notes => message_class::STICKY_NOTE,
        }
    }

    /// The default folder items of this class are delivered to.
    pub const fn default_folder(self) -> FolderType {
        match self {
            ItemClass::Email => FolderType::Inbox,
            ItemClass::Calendar => FolderType::Calendar,
            ItemClass::Contacts => FolderType::Contacts,
            ItemClass::Tasks => FolderType::Tasks,
            ItemClass::Notes => FolderType::Notes,
        }
    }
}

/// MAPI message classes the harness meets.
pub mod message_class {
    pub(crate) const NOTE: &str = "IPM.Note";
    /// An encrypted (or opaque-signed) S/MIME message ([MS-OXOSMIME] 2.1.3.1).
    pub const SMIME: &str = "IPM.Note.SMIME";
    /// A clear-signed S/MIME message ([MS-OXOSMIME] 2.1.3.1).
    pub const SMIME_MULTIPART_SIGNED: &str = "IPM.Note.SMIME.MultipartSigned";
    pub(crate) const APPOINTMENT: &str = "IPM.Appointment";
    pub(crate) const CONTACT: &str = "IPM.Contact";
    pub(crate) const TASK: &str = "IPM.Task";
    /// The only message class of a note ([MS-ASNOTE] 2.2.2.6).
    pub(crate) const STICKY_NOTE: &str = "IPM.StickyNote";
    pub(crate) const MEETING_REQUEST: &str = "IPM.Schedule.Meeting.Request";
    pub(crate) const MEETING_CANCELED: &str = "IPM.Schedule.Meeting.Canceled";
    /// A meeting response accepting the request.
    pub const MEETING_ACCEPTED: &str = "IPM.Schedule.Meeting.Resp.Pos";
    /// A meeting response tentatively accepting the request.
    pub const MEETING_TENTATIVE: &str = "IPM.Schedule.Meeting.Resp.Tent";
    pub(crate) const MEETING_DECLINED: &str = "IPM.Schedule.Meeting.Resp.Neg";
    /// Every meeting message (request, cancellation, response) starts with this.
    pub(crate) const MEETING_PREFIX: &str = "IPM.Schedule.Meeting";

    /// Whether a message class is a meeting message (CXM-47936 concerns exactly these).
    pub(crate) fn is_meeting(class: &str) -> bool {
        class.starts_with(MEETING_PREFIX)
    }
}

/// Declares an item struct: the content every item has (class, mail, calendar, contact,
/// task and note fields), between the struct's own fields before `..content` and after it. [`Item`] and
/// [`NewItem`] carry the same content, and this is where it is listed.
macro_rules! item_struct {
    (
        $(#[$attr:meta])*
        pub struct $name:ident {
            $($(#[$head_attr:meta])* pub $head:ident: $head_ty:ty,)*
            ..content,
            $($(#[$tail_attr:meta])* pub $tail:ident: $tail_ty:ty,)*
        }
    ) => {
        $(#[$attr])*
        pub struct $name {
            $($(#[$head_attr])* pub $head: $head_ty,)*
            /// Which schema the item follows, and so which folder type holds it.
            pub class: ItemClass,
            /// In a [`NewItem`], empty means the class's default (`IPM.Note`,
            /// `IPM.Appointment`, `IPM.Contact`, `IPM.Task`, `IPM.StickyNote`).
            pub message_class: String,
            /// `Subject` (mail, calendar, task, note).
            pub subject: String,
            /// Email `From`: the sender's address.
            pub from: String,
            /// Email `To`: the recipients' addresses, comma-separated.
            pub to: String,
            /// The body text (`airsyncbase:Body/Data`).
            pub body: String,
            /// Email `Read`: whether the message has been read.
            pub read: bool,
            /// `xs:dateTime` in UTC, e.g. `2026-01-05T09:00:00.000Z`. In a [`NewItem`], empty
            /// means "now" by the store's clock.
            pub date_received: String,
            /// Calendar and meeting request: `xs:dateTime` start and end.
            pub start: String,
            /// Calendar and meeting request: `xs:dateTime` end.
            pub end: String,
            /// Calendar and meeting request: where it takes place.
            pub location: String,
            /// The iCalendar UID that ties a meeting request to its calendar item.
            pub uid: String,
            /// Calendar: 0 free, 1 tentative, 2 busy, 3 out of office.
            pub busy_status: Option<u8>,
            /// Contact: `FirstName`.
            pub first_name: String,
            /// Contact: `LastName`.
            pub last_name: String,
            /// Contact: `Email1Address`.
            pub email: String,
            /// Email and task: 0 low, 1 normal, 2 high; `None` is normal.
            pub importance: Option<u8>,
            /// Task: whether it is done.
            pub complete: bool,
            /// Task: `xs:dateTime` it was completed (empty while open).
            pub date_completed: String,
            /// Task: `xs:dateTime` due, in UTC (empty: no due date).
            pub due: String,
            /// Note: `xs:dateTime` of the last change. In a [`NewItem`], empty means "now".
            pub last_modified: String,
            /// Task and note categories.
            pub categories: Vec<String>,
            /// Email: the whole RFC 5322 message as it was sent, which a client asking for MIME
            /// (`BodyPreference` Type 4) gets; empty when the item did not come as MIME.
            pub mime: String,
            /// Email: the file names of its attachments, which a client not asking for MIME
            /// sees as `airsyncbase:Attachments`.
            pub attachments: Vec<String>,
            $($(#[$tail_attr])* pub $tail: $tail_ty,)*
        }
    };
}

item_struct! {
    /// One item of a folder. Email fields, calendar fields and contact fields share the struct;
    /// the ones foreign to the item's class stay empty.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    pub struct Item {
        /// `<folder>:<n>`, unique in the mailbox.
        pub server_id: String,
        ..content,
        /// Bumped on every change, so a sync state can tell a changed item from an unchanged one.
        pub version: u64,
    }
}

item_struct! {
    /// An item to put into a mailbox: everything but the ids the store assigns.
    #[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
    #[serde(default)]
    pub struct NewItem {
        ..content,
    }
}

impl NewItem {
    /// An ordinary mail.
    pub fn email(from: &str, to: &str, subject: &str, body: &str) -> NewItem {
        NewItem { from: from.into(), to: to.into(), subject: subject.into(), body: body.into(), ..Default::default() }
    }

    /// A meeting request as it lands in the attendee's Inbox.
    pub fn meeting_request(organizer: &str, to: &str, subject: &str, start: &str, end: &str, location: &str, uid: &str) -> NewItem {
        NewItem { message_class: message_class::MEETING_REQUEST.into(), ..NewItem::email(organizer, to, subject, "") }
            .scheduled(start, end, location, uid)
    }

    /// A calendar item.
    pub fn appointment(subject: &str, start: &str, end: &str, location: &str, uid: &str) -> NewItem {
        NewItem { class: ItemClass::Calendar, subject: subject.into(), busy_status: Some(2), ..Default::default() }
            .scheduled(start, end, location, uid)
    }

    /// The item from `start` to `end` in `location`, with the iCalendar `uid`: the schedule a
    /// meeting request and an appointment both carry.
    fn scheduled(self, start: &str, end: &str, location: &str, uid: &str) -> NewItem {
        NewItem { start: start.into(), end: end.into(), location: location.into(), uid: uid.into(), ..self }
    }

    /// A contact.
    pub fn contact(first_name: &str, last_name: &str, email: &str) -> NewItem {
        NewItem {
            class: ItemClass::Contacts,
            first_name: first_name.into(),
            last_name: last_name.into(),
            email: email.into(),
            ..Default::default()
        }
    }

    /// A task, open, of normal importance; `due` is an `xs:dateTime` (empty: none).
    pub fn task(subject: &str, body: &str, due: &str) -> NewItem {
        NewItem { class: ItemClass::Tasks, subject: subject.into(), body: body.into(), due: due.into(), ..Default::default() }
    }

    /// A note (`IPM.StickyNote`).
    pub fn note(subject: &str, body: &str) -> NewItem {
        NewItem { class: ItemClass::Notes, subject: subject.into(), body: body.into(), ..Default::default() }
    }

    /// The stored item, with its id and version.
    pub(crate) fn into_item(self, server_id: String, now: &str) -> Item {
        let message_class = if self.message_class.is_empty() { self.class.default_message_class().to_string() } else { self.message_class };
        let date_received = if self.date_received.is_empty() { now.to_string() } else { self.date_received };
        let last_modified =
            if self.class == ItemClass::Notes && self.last_modified.is_empty() { now.to_string() } else { self.last_modified };
        Item {
            server_id,
            class: self.class,
            message_class,
            subject: self.subject,
            from: self.from,
            to: self.to,
            body: self.body,
            read: self.read,
            date_received,
            start: self.start,
            end: self.end,
            location: self.location,
            uid: self.uid,
            busy_status: self.busy_status,
            first_name: self.first_name,
            last_name: self.last_name,
            email: self.email,
            importance: self.importance,
            complete: self.complete,
            date_completed: self.date_completed,
            due: self.due,
            last_modified,
            categories: self.categories,
            mime: self.mime,
            attachments: self.attachments,
            version: 1,
        }
    }
}

/// What happened to an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ChangeKind {
    /// The item was created in the folder (delivered, moved in, added by a client).
    Add,
    /// The item was changed (read flag, content).
    Change,
    /// The item left the folder (deleted or moved out).
    Delete,
}

/// One entry of a folder's change log.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Change {
    /// The folder's sequence number after this change.
    pub seq: u64,
    /// What happened.
    pub kind: ChangeKind,
    /// The item it happened to.
    pub server_id: String,
}

/// The changes of a folder after a given sequence number, and the sequence number now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ChangeSet {
    /// The folder's sequence number now: pass it to the next call.
    pub seq: u64,
    /// The changes after the sequence number asked for, oldest first.
    pub changes: Vec<Change>,
}

/// What a delete did.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeleteOutcome {
    /// The item is gone.
    Deleted,
    /// Moved to the Deleted Items folder (a client delete with `DeletesAsMoves`), where it
    /// has this new ServerId.
    Moved {
        /// The item's ServerId in Deleted Items.
        server_id: String,
    },
    /// The client's delete of a meeting message was acknowledged but the item stays on the
    /// server ([`MeetingDeletePolicy::KeepOnServer`]).
    KeptOnServer,
}

/// What happens when a client deletes a meeting message (request, cancellation or response).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum MeetingDeletePolicy {
    /// The delete reaches the server, as Exchange does it.
    #[default]
    Propagate,
    /// The client is told the delete succeeded but the server keeps the item: Notes
    /// Traveler's known limitation CXM-47936 with Secure Mail.
    KeepOnServer,
}
