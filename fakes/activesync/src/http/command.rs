//! The ActiveSync commands: their `Cmd=` names, their base64 query codes, and the body
//! element each one carries.
//!
//! Codes 0–16 are [MS-ASHTTP] 2.2.1.1.1.1.2; 17–22 are the same table as Z-Push's and
//! Horde's base64 decoders read it (Horde's own test fixture decodes a Provision request
//! as command 20). `Find` (23, 16.1) comes from a Z-Push port only: UNCONFIRMED. The
//! commands 2.5 had before FolderSync existed (GetHierarchy, CreateCollection,
//! DeleteCollection, MoveCollection) have no code because the base64 form postdates them.

use crate::pages::{
    AirSync, ComposeMail, Find, FolderHierarchy, GetItemEstimate, ItemOperations, MeetingResponse, Move, Ping, Provision,
    ResolveRecipients, Search, Settings, Tag, ValidateCert,
};
use std::fmt;

/// One ActiveSync command, named as in `Cmd=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
pub enum Command {
    /// Synchronizes a collection's items in both directions ([MS-ASCMD] 2.2.1.20).
    Sync,
    /// Sends a MIME message ([MS-ASCMD] 2.2.1.16).
    SendMail,
    /// Forwards a message without resending its original content ([MS-ASCMD] 2.2.1.18).
    SmartForward,
    /// Replies to a message without resending its original content ([MS-ASCMD] 2.2.1.19).
    SmartReply,
    /// Fetches an attachment by file reference; 2.5 to 12.1 only ([MS-ASCMD] 2.2.1.7).
    GetAttachment,
    /// The 2.5-era folder list, replaced by FolderSync; no base64 code.
    GetHierarchy,
    /// The 2.5-era folder creation, replaced by FolderCreate; no base64 code.
    CreateCollection,
    /// The 2.5-era folder deletion, replaced by FolderDelete; no base64 code.
    DeleteCollection,
    /// The 2.5-era folder move, replaced by FolderUpdate; no base64 code.
    MoveCollection,
    /// Synchronizes the folder hierarchy ([MS-ASCMD] 2.2.1.5).
    FolderSync,
    /// Creates a folder ([MS-ASCMD] 2.2.1.3).
    FolderCreate,
    /// Deletes a folder ([MS-ASCMD] 2.2.1.4).
    FolderDelete,
    /// Renames or moves a folder ([MS-ASCMD] 2.2.1.6).
    FolderUpdate,
    /// Moves items between folders ([MS-ASCMD] 2.2.1.11).
    MoveItems,
    /// Counts the items a Sync would bring ([MS-ASCMD] 2.2.1.8).
    GetItemEstimate,
    /// Accepts, tentatively accepts or declines a meeting request ([MS-ASCMD] 2.2.1.10).
    MeetingResponse,
    /// Searches the mailbox, the GAL or a document library ([MS-ASCMD] 2.2.1.15).
    Search,
    /// Reads and sets account settings, and reports DeviceInformation ([MS-ASCMD] 2.2.1.17).
    Settings,
    /// Long-polls folders for changes: the push of ActiveSync ([MS-ASCMD] 2.2.1.12).
    Ping,
    /// Fetches, moves or empties items and attachments ([MS-ASCMD] 2.2.1.9).
    ItemOperations,
    /// Downloads and acknowledges the device policy, and delivers a remote wipe ([MS-ASCMD] 2.2.1.13, [MS-ASPROV]).
    Provision,
    /// Resolves recipients against the GAL and contacts ([MS-ASCMD] 2.2.1.14).
    ResolveRecipients,
    /// Asks the server to validate certificates ([MS-ASCMD] 2.2.1.21).
    ValidateCert,
    /// Searches mail and the GAL, 16.1 only ([MS-ASCMD] 2.2.1.2).
    Find,
}

impl Command {
    /// Every command.
    pub const ALL: &'static [Command] = &[
        Command::Sync,
        Command::SendMail,
        Command::SmartForward,
        Command::SmartReply,
        Command::GetAttachment,
        Command::GetHierarchy,
        Command::CreateCollection,
        Command::DeleteCollection,
        Command::MoveCollection,
        Command::FolderSync,
        Command::FolderCreate,
        Command::FolderDelete,
        Command::FolderUpdate,
        Command::MoveItems,
        Command::GetItemEstimate,
        Command::MeetingResponse,
        Command::Search,
        Command::Settings,
        Command::Ping,
        Command::ItemOperations,
        Command::Provision,
        Command::ResolveRecipients,
        Command::ValidateCert,
        Command::Find,
    ];

    /// The `Cmd=` value and the name in `MS-ASProtocolCommands`.
    pub const fn name(self) -> &'static str {
        match self {
            Command::Sync => "Sync",
            Command::SendMail => "SendMail",
            Command::SmartForward => "SmartForward",
            Command::SmartReply => "SmartReply",
            Command::GetAttachment => "GetAttachment",
            Command::GetHierarchy => "GetHierarchy",
            Command::CreateCollection => "CreateCollection",
            Command::DeleteCollection => "DeleteCollection",
            Command::MoveCollection => "MoveCollection",
            Command::FolderSync => "FolderSync",
            Command::FolderCreate => "FolderCreate",
            Command::FolderDelete => "FolderDelete",
            Command::FolderUpdate => "FolderUpdate",
            Command::MoveItems => "MoveItems",
            Command::GetItemEstimate => "GetItemEstimate",
            Command::MeetingResponse => "MeetingResponse",
            Command::Search => "Search",
            Command::Settings => "Settings",
            Command::Ping => "Ping",
            Command::ItemOperations => "ItemOperations",
            Command::Provision => "Provision",
            Command::ResolveRecipients => "ResolveRecipients",
            Command::ValidateCert => "ValidateCert",
            Command::Find => "Find",
        }
    }

    /// The command named `name`, matched exactly as Exchange does (`Cmd=sync` is not a command).
    pub fn parse(name: &str) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.name() == name)
    }

    /// The byte of the base64 query form, for the commands that have one.
    pub const fn code(self) -> Option<u8> {
        match self {
            Command::Sync => Some(0),
            Command::SendMail => Some(1),
            Command::SmartForward => Some(2),
            Command::SmartReply => Some(3),
            Command::GetAttachment => Some(4),
            Command::FolderSync => Some(9),
            Command::FolderCreate => Some(10),
            Command::FolderDelete => Some(11),
            Command::FolderUpdate => Some(12),
            Command::MoveItems => Some(13),
            Command::GetItemEstimate => Some(14),
            Command::MeetingResponse => Some(15),
            Command::Search => Some(16),
            Command::Settings => Some(17),
            Command::Ping => Some(18),
            Command::ItemOperations => Some(19),
            Command::Provision => Some(20),
            Command::ResolveRecipients => Some(21),
            Command::ValidateCert => Some(22),
            Command::Find => Some(23),
            Command::GetHierarchy | Command::CreateCollection | Command::DeleteCollection | Command::MoveCollection => None,
        }
    }

    /// The command a base64 query byte names.
    pub fn from_code(code: u8) -> Option<Command> {
        Command::ALL.iter().copied().find(|c| c.code() == Some(code))
    }

    /// The top-level element of the command's WBXML body, for the commands whose body is
    /// WBXML. SendMail, SmartReply and SmartForward carry ComposeMail WBXML from 14.0 on and
    /// raw MIME before; GetAttachment and the 2.5 collection commands carry no WBXML.
    pub(crate) fn root_tag(self) -> Option<Tag> {
        let tag: Tag = match self {
            Command::Sync => AirSync::Sync.into(),
            Command::SendMail => ComposeMail::SendMail.into(),
            Command::SmartForward => ComposeMail::SmartForward.into(),
            Command::SmartReply => ComposeMail::SmartReply.into(),
            Command::FolderSync => FolderHierarchy::FolderSync.into(),
            Command::FolderCreate => FolderHierarchy::FolderCreate.into(),
            Command::FolderDelete => FolderHierarchy::FolderDelete.into(),
            Command::FolderUpdate => FolderHierarchy::FolderUpdate.into(),
            Command::MoveItems => Move::MoveItems.into(),
            Command::GetItemEstimate => GetItemEstimate::GetItemEstimate.into(),
            Command::MeetingResponse => MeetingResponse::MeetingResponse.into(),
            Command::Search => Search::Search.into(),
            Command::Settings => Settings::Settings.into(),
            Command::Ping => Ping::Ping.into(),
            Command::ItemOperations => ItemOperations::ItemOperations.into(),
            Command::Provision => Provision::Provision.into(),
            Command::ResolveRecipients => ResolveRecipients::ResolveRecipients.into(),
            Command::ValidateCert => ValidateCert::ValidateCert.into(),
            Command::Find => Find::Find.into(),
            Command::GetAttachment
            | Command::GetHierarchy
            | Command::CreateCollection
            | Command::DeleteCollection
            | Command::MoveCollection => return None,
        };
        Some(tag)
    }

    /// The `Status` element that sits directly under the root in a response, where a
    /// global failure (a common status such as 142) is reported. MeetingResponse and
    /// MoveItems keep their Status one level down (under `Result` / `Response`) and have none here.
    pub(crate) fn root_status_tag(self) -> Option<Tag> {
        let tag: Tag = match self {
            Command::Sync => AirSync::Status.into(),
            Command::SendMail | Command::SmartForward | Command::SmartReply => ComposeMail::Status.into(),
            Command::FolderSync | Command::FolderCreate | Command::FolderDelete | Command::FolderUpdate => FolderHierarchy::Status.into(),
            Command::GetItemEstimate => GetItemEstimate::Status.into(),
            Command::Search => Search::Status.into(),
            Command::Settings => Settings::Status.into(),
            Command::Ping => Ping::Status.into(),
            Command::ItemOperations => ItemOperations::Status.into(),
            Command::Provision => Provision::Status.into(),
            Command::ResolveRecipients => ResolveRecipients::Status.into(),
            Command::ValidateCert => ValidateCert::Status.into(),
            Command::Find => Find::Status.into(),
            _ => return None,
        };
        Some(tag)
    }

    /// Whether the body is MIME rather than WBXML at this version (SendMail and the smart
    /// commands before 14.0).
    pub(crate) fn body_is_mime(self, version: super::ProtocolVersion) -> bool {
        matches!(self, Command::SendMail | Command::SmartForward | Command::SmartReply) && version < super::ProtocolVersion::V14_0
    }
}

impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_codes_round_trip() {
        for &c in Command::ALL {
            assert_eq!(Command::parse(c.name()), Some(c));
            if let Some(code) = c.code() {
                assert_eq!(Command::from_code(code), Some(c));
            }
        }
        assert_eq!(Command::from_code(0), Some(Command::Sync));
        assert_eq!(Command::from_code(9), Some(Command::FolderSync));
        assert_eq!(Command::from_code(20), Some(Command::Provision));
        assert_eq!(Command::from_code(5), None);
        assert_eq!(Command::parse("sync"), None);
    }

    #[test]
    fn root_tags_name_the_command() {
        for &c in Command::ALL {
            if let Some(tag) = c.root_tag() {
                assert_eq!(tag.name(), c.name(), "{c}");
            }
        }
        assert_eq!(Command::Ping.root_status_tag().map(|t| t.token()), Some(0x07));
    }
}
