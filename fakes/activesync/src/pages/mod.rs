//! The [MS-ASWBXML] code pages: one module per page, each holding the page's
//! single name ↔ token table.
//!
//! Element names are the schemas' own (`Sync`, `Collection`, `ServerId`,
//! `HeartbeatInterval`), never the renamed ones some servers use internally
//! (`Synchronize`, `Folder`, `ServerEntryId`, `LifeTime`), because the XML
//! printer's output is compared with Microsoft's documentation and the names
//! are what scenarios and reports quote.
//!
//! Each page is written once, as a list of `Name = token` lines; the
//! `code_page!` macro turns that list into both the typed enum (for
//! `el(AirSync::Sync, …)`) and the static [`TagEntry`] table that decoding and
//! name lookups read, so the two cannot drift apart.
//!
//! Tokens are those of Microsoft's own [MS-ASWBXML] implementation in the
//! Exchange ActiveSync protocol test suites, checked against Z-Push's
//! `wbxmldefs.php` and the EAS-4-TbSync tables. Tokens that only 2.5 used
//! (bodies and attachments inside Email, Contacts, Calendar and Tasks) are not
//! listed: every version this harness speaks carries those in AirSyncBase.

use std::fmt;

/// Declares one code page: the typed enum, its `TAGS` table and the
/// conversions into [`Tag`].
macro_rules! code_page {
    ($ty:ident on $page:ident { $($name:ident = $token:literal),+ $(,)? }) => {
        #[doc = concat!("The tags of code page `", stringify!($page), "`, named as in the schemas.")]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(clippy::upper_case_acronyms)]
        #[repr(u8)]
        pub enum $ty {
            $(
                #[doc = concat!("`", stringify!($name), "`, tag token ", stringify!($token), " of this page.")]
                $name = $token
            ),+
        }

        /// This page's name ↔ token table, ascending by token.
        pub(crate) static TAGS: &[TagEntry] = &[$(TagEntry { token: $token, name: stringify!($name) }),+];

        impl $ty {
            /// The page these tags live on.
            pub const PAGE: CodePage = CodePage::$page;

            /// Every tag of the page, ascending by token.
            pub const ALL: &'static [Self] = &[$(Self::$name),+];

            /// The tag identity (without the content flag).
            pub const fn token(self) -> u8 {
                self as u8
            }

            /// The element name, as the schema spells it.
            pub const fn name(self) -> &'static str {
                match self {
                    $(Self::$name => stringify!($name)),+
                }
            }

            /// The page-qualified tag.
            pub const fn tag(self) -> Tag {
                Tag { page: CodePage::$page, token: self as u8 }
            }
        }

        impl From<$ty> for Tag {
            fn from(value: $ty) -> Tag {
                value.tag()
            }
        }
    };
}

/// Declares the [`CodePage`] enum from one line per page.
macro_rules! code_pages {
    ($($variant:ident = $number:literal, $namespace:literal, $prefix:literal, $module:ident;)+) => {
        $(pub(crate) mod $module;)+

        /// An [MS-ASWBXML] code page. Page 3 (AirNotify) is absent on purpose:
        /// it has been retired and no version this codec speaks switches to it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[repr(u8)]
        pub enum CodePage {
            $(
                #[doc = concat!("Code page ", stringify!($number), ", namespace `", $namespace, "` ([MS-ASWBXML] 2.1.2.1).")]
                $variant = $number
            ),+
        }

        impl CodePage {
            /// Every page, ascending by number.
            pub const ALL: &'static [CodePage] = &[$(CodePage::$variant),+];

            /// The page number that SWITCH_PAGE carries.
            pub const fn number(self) -> u8 {
                self as u8
            }

            /// The page for a SWITCH_PAGE operand, if the codec knows it.
            pub const fn from_number(number: u8) -> Option<CodePage> {
                match number {
                    $($number => Some(CodePage::$variant),)+
                    _ => None,
                }
            }

            /// The XML namespace name Microsoft's documentation uses for the page
            /// (`xmlns="AirSync"`).
            pub const fn namespace(self) -> &'static str {
                match self {
                    $(CodePage::$variant => $namespace),+
                }
            }

            /// The prefix the XML printer uses when the page is not the root's
            /// (`airsyncbase:Body`).
            pub const fn prefix(self) -> &'static str {
                match self {
                    $(CodePage::$variant => $prefix),+
                }
            }

            /// The page's name ↔ token table, ascending by token.
            pub fn tags(self) -> &'static [TagEntry] {
                match self {
                    $(CodePage::$variant => $module::TAGS),+
                }
            }
        }
    };
}

code_pages! {
    AirSync = 0, "AirSync", "airsync", airsync;
    Contacts = 1, "Contacts", "contacts", contacts;
    Email = 2, "Email", "email", email;
    Calendar = 4, "Calendar", "calendar", calendar;
    Move = 5, "Move", "move", move_items;
    GetItemEstimate = 6, "GetItemEstimate", "getitemestimate", getitemestimate;
    FolderHierarchy = 7, "FolderHierarchy", "folderhierarchy", folderhierarchy;
    MeetingResponse = 8, "MeetingResponse", "meetingresponse", meetingresponse;
    Tasks = 9, "Tasks", "tasks", tasks;
    ResolveRecipients = 10, "ResolveRecipients", "resolverecipients", resolverecipients;
    ValidateCert = 11, "ValidateCert", "validatecert", validatecert;
    Contacts2 = 12, "Contacts2", "contacts2", contacts2;
    Ping = 13, "Ping", "ping", ping;
    Provision = 14, "Provision", "provision", provision;
    Search = 15, "Search", "search", search;
    Gal = 16, "GAL", "gal", gal;
    AirSyncBase = 17, "AirSyncBase", "airsyncbase", airsyncbase;
    Settings = 18, "Settings", "settings", settings;
    DocumentLibrary = 19, "DocumentLibrary", "documentlibrary", documentlibrary;
    ItemOperations = 20, "ItemOperations", "itemoperations", itemoperations;
    ComposeMail = 21, "ComposeMail", "composemail", composemail;
    Email2 = 22, "Email2", "email2", email2;
    Notes = 23, "Notes", "notes", notes;
    RightsManagement = 24, "RightsManagement", "rm", rightsmanagement;
    Find = 25, "Find", "find", find;
}

pub use airsync::AirSync;
pub use airsyncbase::AirSyncBase;
pub use calendar::Calendar;
pub use composemail::ComposeMail;
pub use contacts::Contacts;
pub use contacts2::Contacts2;
pub use documentlibrary::DocumentLibrary;
pub use email::Email;
pub use email2::Email2;
pub use find::Find;
pub use folderhierarchy::FolderHierarchy;
pub use gal::Gal;
pub use getitemestimate::GetItemEstimate;
pub use itemoperations::ItemOperations;
pub use meetingresponse::MeetingResponse;
pub use move_items::Move;
pub use notes::Notes;
pub use ping::Ping;
pub use provision::Provision;
pub use resolverecipients::ResolveRecipients;
pub use rightsmanagement::RightsManagement;
pub use search::Search;
pub use settings::Settings;
pub use tasks::Tasks;
pub use validatecert::ValidateCert;

/// One row of a page table.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TagEntry {
    /// The tag identity, 0x05–0x3F.
    pub token: u8,
    /// The element name, as the schema spells it.
    pub name: &'static str,
}

impl CodePage {
    /// The tag with this name on this page.
    pub fn tag(self, name: &str) -> Option<Tag> {
        Tag::from_name(self, name)
    }
}

impl fmt::Display for CodePage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.namespace())
    }
}

/// A page-qualified element tag. It can only be built from a page table (the
/// typed page enums, [`Tag::from_token`], [`Tag::from_name`]), so every `Tag`
/// has a name and the encoder never meets an undefined token.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Tag {
    page: CodePage,
    token: u8,
}

impl Tag {
    /// The tag `token` on `page`, if the page defines it. `token` is the tag
    /// identity without the content or attribute flags.
    pub fn from_token(page: CodePage, token: u8) -> Option<Tag> {
        page.tags().binary_search_by_key(&token, |entry| entry.token).ok().map(|_| Tag { page, token })
    }

    /// The tag named `name` on `page` (exact, case-sensitive, as the schema
    /// spells it).
    pub fn from_name(page: CodePage, name: &str) -> Option<Tag> {
        page.tags().iter().find(|entry| entry.name == name).map(|entry| Tag { page, token: entry.token })
    }

    /// The page the tag lives on.
    pub const fn page(self) -> CodePage {
        self.page
    }

    /// The tag identity, without the content flag.
    pub const fn token(self) -> u8 {
        self.token
    }

    /// The element name, as the schema spells it.
    pub fn name(self) -> &'static str {
        let tags = self.page.tags();
        match tags.binary_search_by_key(&self.token, |entry| entry.token) {
            Ok(index) => tags[index].name,
            // Unreachable: every constructor checks the table.
            Err(_) => "?",
        }
    }
}

impl fmt::Debug for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.page.namespace(), self.name())
    }
}

impl fmt::Display for Tag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token::{FIRST_TAG_TOKEN, TAG_MASK};
    use std::collections::HashSet;

    #[test]
    fn page_numbers_round_trip() {
        for &page in CodePage::ALL {
            assert_eq!(CodePage::from_number(page.number()), Some(page));
        }
        assert_eq!(CodePage::from_number(3), None);
        assert_eq!(CodePage::from_number(26), None);
        assert_eq!(CodePage::ALL.len(), 25);
    }

    #[test]
    fn tables_are_ascending_unique_and_within_tag_identities() {
        for &page in CodePage::ALL {
            let tags = page.tags();
            assert!(!tags.is_empty(), "{page}");
            let mut names = HashSet::new();
            for pair in tags.windows(2) {
                assert!(pair[0].token < pair[1].token, "{page}: {:?}", pair);
            }
            for entry in tags {
                assert!(entry.token >= FIRST_TAG_TOKEN && entry.token <= TAG_MASK, "{page}: {entry:?}");
                assert!(names.insert(entry.name), "{page}: duplicate {}", entry.name);
                let tag = Tag::from_name(page, entry.name).unwrap();
                assert_eq!(tag.token(), entry.token);
                assert_eq!(Tag::from_token(page, entry.token), Some(tag));
                assert_eq!(tag.name(), entry.name);
            }
        }
    }

    #[test]
    fn namespaces_and_prefixes_are_unique() {
        let namespaces: HashSet<_> = CodePage::ALL.iter().map(|p| p.namespace()).collect();
        let prefixes: HashSet<_> = CodePage::ALL.iter().map(|p| p.prefix()).collect();
        assert_eq!(namespaces.len(), CodePage::ALL.len());
        assert_eq!(prefixes.len(), CodePage::ALL.len());
    }

    #[test]
    fn typed_enums_agree_with_tables() {
        fn check<T: Copy + Into<Tag>>(all: &[T], page: CodePage, name: fn(T) -> &'static str) {
            assert_eq!(all.len(), page.tags().len(), "{page}");
            for &value in all {
                let tag: Tag = value.into();
                assert_eq!(tag.page(), page);
                assert_eq!(tag.name(), name(value));
            }
        }
        check(AirSync::ALL, CodePage::AirSync, AirSync::name);
        check(Contacts::ALL, CodePage::Contacts, Contacts::name);
        check(Email::ALL, CodePage::Email, Email::name);
        check(Calendar::ALL, CodePage::Calendar, Calendar::name);
        check(Move::ALL, CodePage::Move, Move::name);
        check(GetItemEstimate::ALL, CodePage::GetItemEstimate, GetItemEstimate::name);
        check(FolderHierarchy::ALL, CodePage::FolderHierarchy, FolderHierarchy::name);
        check(MeetingResponse::ALL, CodePage::MeetingResponse, MeetingResponse::name);
        check(Tasks::ALL, CodePage::Tasks, Tasks::name);
        check(ResolveRecipients::ALL, CodePage::ResolveRecipients, ResolveRecipients::name);
        check(ValidateCert::ALL, CodePage::ValidateCert, ValidateCert::name);
        check(Contacts2::ALL, CodePage::Contacts2, Contacts2::name);
        check(Ping::ALL, CodePage::Ping, Ping::name);
        check(Provision::ALL, CodePage::Provision, Provision::name);
        check(Search::ALL, CodePage::Search, Search::name);
        check(Gal::ALL, CodePage::Gal, Gal::name);
        check(AirSyncBase::ALL, CodePage::AirSyncBase, AirSyncBase::name);
        check(Settings::ALL, CodePage::Settings, Settings::name);
        check(DocumentLibrary::ALL, CodePage::DocumentLibrary, DocumentLibrary::name);
        check(ItemOperations::ALL, CodePage::ItemOperations, ItemOperations::name);
        check(ComposeMail::ALL, CodePage::ComposeMail, ComposeMail::name);
        check(Email2::ALL, CodePage::Email2, Email2::name);
        check(Notes::ALL, CodePage::Notes, Notes::name);
        check(RightsManagement::ALL, CodePage::RightsManagement, RightsManagement::name);
        check(Find::ALL, CodePage::Find, Find::name);
    }

    /// The tokens the research note and the byte examples rely on, spelled out
    /// so that a slip in a table shows up as a named failure.
    #[test]
    fn tokens_the_minimal_flow_needs() {
        assert_eq!(AirSync::Sync.token(), 0x05);
        assert_eq!(AirSync::SyncKey.token(), 0x0B);
        assert_eq!(AirSync::Collection.token(), 0x0F);
        assert_eq!(AirSync::CollectionId.token(), 0x12);
        assert_eq!(AirSync::Collections.token(), 0x1C);
        assert_eq!(AirSync::ApplicationData.token(), 0x1D);
        assert_eq!(AirSync::HeartbeatInterval.token(), 0x29);
        assert_eq!(FolderHierarchy::FolderSync.token(), 0x16);
        assert_eq!(FolderHierarchy::SyncKey.token(), 0x12);
        assert_eq!(FolderHierarchy::Count.token(), 0x17);
        assert_eq!(Ping::HeartbeatInterval.token(), 0x08);
        assert_eq!(Ping::MaxFolders.token(), 0x0D);
        assert_eq!(Provision::EASProvisionDoc.token(), 0x0D);
        assert_eq!(Provision::RequireStorageCardEncryption.token(), 0x10);
        assert_eq!(Provision::AttachmentsEnabled.token(), 0x13);
        assert_eq!(Provision::Hash.token(), 0x3A);
        assert_eq!(Provision::AccountOnlyRemoteWipe.token(), 0x3B);
        assert_eq!(Settings::DeviceInformation.token(), 0x16);
        assert_eq!(Settings::MobileOperator.token(), 0x22);
        assert_eq!(AirSyncBase::Body.token(), 0x0A);
        assert_eq!(AirSyncBase::NativeBodyType.token(), 0x16);
        assert_eq!(Email::InternetCPID.token(), 0x39);
        assert_eq!(GetItemEstimate::Estimate.token(), 0x0C);
        assert_eq!(ComposeMail::Mime.token(), 0x10);
        assert_eq!(ItemOperations::MoveAlways.token(), 0x19);
        assert_eq!(MeetingResponse::SendResponse.token(), 0x12);
        assert_eq!(Move::DstMsgId.token(), 0x0C);
        assert_eq!(Calendar::Timezone.token(), 0x05);
        assert_eq!(Email::TimeZone.token(), 0x33);
    }

    #[test]
    fn renamed_elements_are_not_accepted() {
        assert_eq!(Tag::from_name(CodePage::AirSync, "Synchronize"), None);
        assert_eq!(Tag::from_name(CodePage::AirSync, "ServerEntryId"), None);
        assert_eq!(Tag::from_name(CodePage::Ping, "LifeTime"), None);
        assert_eq!(Tag::from_name(CodePage::AirSync, "sync"), None);
    }

    #[test]
    fn tags_print_page_qualified() {
        assert_eq!(format!("{:?}", Tag::from(AirSyncBase::Body)), "AirSyncBase:Body");
        assert_eq!(CodePage::Gal.to_string(), "GAL");
    }
}
