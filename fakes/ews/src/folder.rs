//! Folder identifiers (request side) and folder properties (GetFolder response).

use crate::dom::Node;
use crate::names as n;
use crate::ns::Prefix;
use crate::xml_out::XmlOut;
use crate::EwsError;

/// A folder named in `FolderIds`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FolderRef {
    /// `t:DistinguishedFolderId Id="inbox"`. exchangelib always adds the
    /// mailbox (`t:Mailbox/t:EmailAddress`), EWS Managed API usually does not;
    /// a fake must accept both.
    Distinguished {
        /// The well-known name ([MS-OXWSCDATA] DistinguishedFolderIdNameType): `inbox`, `msgfolderroot`, ...
        id: String,
        /// `t:Mailbox/t:EmailAddress`: whose folder, for delegate access; `None` means the caller's.
        mailbox: Option<String>,
    },
    /// `t:FolderId Id=… ChangeKey=…`.
    Id {
        /// The opaque EWS id of the folder.
        id: String,
        /// The version stamp; optional in requests ([MS-OXWSCDATA] 2.2.4.35 FolderIdType).
        change_key: Option<String>,
    },
}

/// The folder properties a fake server reports, enough for exchangelib to
/// build a folder object and for a client to notice unread counts move.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FolderInfo {
    /// `t:FolderId/@Id`: the id later requests and notifications name the folder by.
    pub folder_id: String,
    /// `t:FolderId/@ChangeKey`: changes whenever the folder does.
    pub change_key: String,
    /// `t:DisplayName`, e.g. `Inbox`.
    pub display_name: String,
    /// `t:TotalCount`: items in the folder.
    pub total_count: u32,
    /// `t:UnreadCount`: what the client's badge shows.
    pub unread_count: u32,
    /// `t:ChildFolderCount`.
    pub child_folder_count: u32,
}

/// Writes `container` (`t:FolderIds` in Subscribe, `m:FolderIds` in
/// GetFolder — the schemas differ) with one child per folder.
pub(crate) fn write_folder_ids(out: &mut XmlOut, container: Prefix, folders: &[FolderRef]) {
    out.elem(container, n::FOLDER_IDS, &[], |o| {
        for folder in folders {
            write_folder_ref(o, folder);
        }
    });
}

/// One `t:DistinguishedFolderId` or `t:FolderId`, for containers other than `FolderIds`
/// (`SavedItemFolderId`, `ParentFolderIds`).
pub(crate) fn write_folder_ref(out: &mut XmlOut, folder: &FolderRef) {
    match folder {
        FolderRef::Distinguished { id, mailbox } => {
            out.elem(Prefix::Types, n::DISTINGUISHED_FOLDER_ID, &[(n::ID, id)], |o| {
                if let Some(address) = mailbox {
                    o.elem(Prefix::Types, n::MAILBOX, &[], |o| {
                        o.leaf(Prefix::Types, n::EMAIL_ADDRESS, &[], address);
                    });
                }
            });
        }
        FolderRef::Id { id, change_key } => {
            write_id_attrs(out, n::FOLDER_ID, id, change_key.as_deref());
        }
    }
}

/// `<t:{element} Id=… [ChangeKey=…]/>`, the shape of every id type.
pub(crate) fn write_id_attrs(out: &mut XmlOut, element: &str, id: &str, change_key: Option<&str>) {
    match change_key {
        Some(ck) => out.empty(Prefix::Types, element, &[], &[(n::ID, id), (n::CHANGE_KEY, ck)]),
        None => out.empty(Prefix::Types, element, &[], &[(n::ID, id)]),
    }
}

/// Reads the children of a `FolderIds` element. Anything other than the two
/// folder id forms fails: Exchange would reject it in schema validation, and
/// silently dropping it would widen or narrow a subscription.
pub(crate) fn read_folder_ids(container: &Node<'_>) -> Result<Vec<FolderRef>, EwsError> {
    container
        .children()
        .map(|child| match child.name() {
            n::DISTINGUISHED_FOLDER_ID => Ok(FolderRef::Distinguished {
                id: child.require_attr(n::ID)?.to_owned(),
                mailbox: child.child(n::MAILBOX).and_then(|m| m.child(n::EMAIL_ADDRESS)).map(|e| e.text().to_owned()),
            }),
            n::FOLDER_ID => {
                Ok(FolderRef::Id { id: child.require_attr(n::ID)?.to_owned(), change_key: child.attr(n::CHANGE_KEY).map(str::to_owned) })
            }
            other => Err(child.error(format!("<{other}> is not a folder id; expected {} or {}", n::DISTINGUISHED_FOLDER_ID, n::FOLDER_ID))),
        })
        .collect()
}

/// `(Id, ChangeKey)` of any id-typed element.
pub(crate) fn read_id_attrs(node: &Node<'_>) -> Result<(String, Option<String>), EwsError> {
    Ok((node.require_attr(n::ID)?.to_owned(), node.attr(n::CHANGE_KEY).map(str::to_owned)))
}

/// Writes `t:Folder` in the schema's order (FolderId, DisplayName,
/// TotalCount, ChildFolderCount, UnreadCount).
pub(crate) fn write_folder(out: &mut XmlOut, folder: &FolderInfo) {
    out.elem(Prefix::Types, n::FOLDER, &[], |o| {
        write_id_attrs(o, n::FOLDER_ID, &folder.folder_id, Some(&folder.change_key));
        o.leaf(Prefix::Types, n::DISPLAY_NAME, &[], &folder.display_name);
        o.leaf_number(Prefix::Types, n::TOTAL_COUNT, &[], folder.total_count.into());
        o.leaf_number(Prefix::Types, n::CHILD_FOLDER_COUNT, &[], folder.child_folder_count.into());
        o.leaf_number(Prefix::Types, n::UNREAD_COUNT, &[], folder.unread_count.into());
    });
}

/// Reads any folder element (`Folder`, `CalendarFolder`, `SearchFolder`…).
/// Properties a narrower shape (IdOnly) leaves out read as empty or zero; a
/// count that is present but not a number is an error.
pub(crate) fn read_folder(node: &Node<'_>) -> Result<FolderInfo, EwsError> {
    let id = node.require_child(n::FOLDER_ID)?;
    let count = |name: &str| -> Result<u32, EwsError> {
        match node.child(name) {
            Some(c) => c.parse_u32(c.text(), "folder count"),
            None => Ok(0),
        }
    };
    Ok(FolderInfo {
        folder_id: id.require_attr(n::ID)?.to_owned(),
        change_key: id.attr(n::CHANGE_KEY).unwrap_or_default().to_owned(),
        display_name: node.child(n::DISPLAY_NAME).map(|d| d.text().to_owned()).unwrap_or_default(),
        total_count: count(n::TOTAL_COUNT)?,
        unread_count: count(n::UNREAD_COUNT)?,
        child_folder_count: count(n::CHILD_FOLDER_COUNT)?,
    })
}
