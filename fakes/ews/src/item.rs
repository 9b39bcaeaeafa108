//! Items: the messages CreateItem makes ([MS-OXWSCORE] 3.1.4.2, [MS-OXWSMSG]), FindItem lists
//! ([MS-OXWSSRCH] 3.1.4.2), UpdateItem changes ([MS-OXWSCORE] 3.1.4.9) and
//! MarkAllItemsAsRead marks ([MS-OXWSCORE] 3.1.4.10, Exchange 2013+), as far as a conformance
//! harness needs them: subject, body, recipients, sender and read state.
//!
//! The element-level readers and writers here are shared by the request side
//! ([`crate::parse_request`], [`crate::write_request`]) and the response side.

use crate::dom::Node;
use crate::folder::{read_id_attrs, write_id_attrs};
use crate::names as n;
use crate::ns::Prefix;
use crate::xml_out::{ncname, XmlOut};
use crate::EwsError;

wire_enum! {
    /// `MessageDisposition` ([MS-OXWSCDATA] 2.2.5.15): what CreateItem and UpdateItem do with a
    /// message. Required for messages; Exchange answers ErrorMessageDispositionRequired without it.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum MessageDisposition {
        /// Save the message (CreateItem: in `SavedItemFolderId`, Drafts by default); send nothing.
        SaveOnly => "SaveOnly",
        /// Send the message and keep no copy; the response names no item.
        SendOnly => "SendOnly",
        /// Send the message and keep a copy in `SavedItemFolderId` (Sent Items by default); the
        /// response names no item either.
        SendAndSaveCopy => "SendAndSaveCopy",
    }
}

wire_enum! {
    /// UpdateItem's `ConflictResolution` attribute ([MS-OXWSCDATA] 2.2.5.6): what happens when
    /// the request's ChangeKey is older than the item's.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum ConflictResolution {
        /// Fail with ErrorIrresolvableConflict on a stale ChangeKey.
        NeverOverwrite => "NeverOverwrite",
        /// Merge where possible (exchangelib's default for `save()`).
        AutoResolve => "AutoResolve",
        /// The request wins regardless of the ChangeKey.
        AlwaysOverwrite => "AlwaysOverwrite",
    }
}

wire_enum! {
    /// `t:BaseShape` of a FindItem `ItemShape` ([MS-OXWSCDATA] 2.2.5.11 DefaultShapeNamesType).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum BaseShape {
        /// Only `t:ItemId` (plus any `AdditionalProperties`): what exchangelib asks for.
        IdOnly => "IdOnly",
        /// A default set that includes Subject, From and IsRead.
        Default => "Default",
        /// Every property FindItem can return (never the body).
        AllProperties => "AllProperties",
    }
}

wire_enum! {
    /// FindItem's `Traversal` attribute ([MS-OXWSSRCH] 2.2.5.1 ItemQueryTraversalType).
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum Traversal {
        /// The items of the folder itself: the only traversal mail clients use.
        Shallow => "Shallow",
        /// Items deleted from the folder but still recoverable.
        SoftDeleted => "SoftDeleted",
        /// The folder's hidden (associated) items: rules, views, configuration.
        Associated => "Associated",
    }
}

wire_enum! {
    /// The `BodyType` attribute of `t:Body` ([MS-OXWSCDATA] 2.2.5.4). The wire spelling of HTML
    /// is upper case.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum BodyType {
        /// `HTML`.
        Html => "HTML",
        /// `Text`: plain text.
        Text => "Text",
    }
}

wire_enum! {
    /// `BasePoint` of an `IndexedPageItemView`: whether `Offset` counts from the first item or
    /// back from the last.
    #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
    pub enum BasePoint {
        /// Count from the first item (exchangelib always pages this way).
        Beginning => "Beginning",
        /// Count back from the last item.
        End => "End",
    }
}

/// A property path (`t:FieldURI/@FieldURI`, [MS-OXWSCDATA] 2.2.5.27 UnindexedFieldURIType).
/// The schema lists hundreds; the three the harness reads are named, every other one is kept
/// as sent so that a request asking for many properties (exchangelib's `.all()` asks for every
/// field of `Message`) still decodes.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum FieldUri {
    /// `item:Subject`.
    Subject,
    /// `message:IsRead`.
    IsRead,
    /// `message:From`: the sender's address.
    From,
    /// Any other path, trimmed of XML white space (`item:DateTimeReceived`, …).
    Other(String),
}

impl FieldUri {
    /// The named paths.
    pub const KNOWN: &'static [FieldUri] = &[FieldUri::Subject, FieldUri::IsRead, FieldUri::From];

    /// The exact spelling on the wire.
    pub fn as_str(&self) -> &str {
        match self {
            FieldUri::Subject => "item:Subject",
            FieldUri::IsRead => "message:IsRead",
            FieldUri::From => "message:From",
            FieldUri::Other(s) => s,
        }
    }

    /// Never fails: an unnamed path is [`FieldUri::Other`]. Case-sensitive, as the schema
    /// enumeration is.
    pub fn parse(s: &str) -> FieldUri {
        let s = s.trim_matches(|c| matches!(c, ' ' | '\t' | '\r' | '\n'));
        Self::KNOWN.iter().find(|k| k.as_str() == s).cloned().unwrap_or_else(|| FieldUri::Other(s.to_owned()))
    }
}

impl std::fmt::Display for FieldUri {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An item id (`t:ItemId Id=… ChangeKey=…`, [MS-OXWSCORE] 2.2.4.25 ItemIdType).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct ItemRef {
    /// The opaque EWS id of the item.
    pub id: String,
    /// The item's version stamp; always sent by servers, optional in requests.
    pub change_key: Option<String>,
}

/// A `t:Message` to create: the properties a harness sets when it sends mail.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewMessage {
    /// `t:Subject`.
    pub subject: String,
    /// `t:Body` text.
    pub body: String,
    /// `t:Body/@BodyType`.
    pub body_type: BodyType,
    /// `t:ToRecipients/t:Mailbox/t:EmailAddress`, in order. A mailbox without an address
    /// (`t:Name` only, a contact's `t:ItemId`) reads as an empty string, which Exchange refuses
    /// with ErrorInvalidRecipients.
    pub to: Vec<String>,
}

impl NewMessage {
    /// A plain-text message.
    pub fn text(subject: &str, body: &str, to: &[&str]) -> NewMessage {
        NewMessage { subject: subject.into(), body: body.into(), body_type: BodyType::Text, to: to.iter().map(|s| s.to_string()).collect() }
    }
}

/// One item of a FindItem response. The optional properties are `None` when the response
/// did not carry them (an `IdOnly` shape without `AdditionalProperties`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundItem {
    /// `t:ItemId`.
    pub item: ItemRef,
    /// `t:Subject`.
    pub subject: Option<String>,
    /// `t:From/t:Mailbox/t:EmailAddress`.
    pub from: Option<String>,
    /// `t:IsRead`.
    pub is_read: Option<bool>,
}

/// The `m:RootFolder` of one FindItemResponseMessage: a page of a folder's items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FoundItems {
    /// `TotalItemsInView`: how many items match, across all pages.
    pub total_items_in_view: u32,
    /// `IncludesLastItemInRange`: whether this page reaches the last matching item.
    pub includes_last_item_in_range: bool,
    /// `IndexedPagingOffset`: where the next page starts; present when the request paged with
    /// an `IndexedPageItemView`.
    pub indexed_paging_offset: Option<u32>,
    /// `t:Items`, in the server's order.
    pub items: Vec<FoundItem>,
}

/// A FindItem `m:IndexedPageItemView`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedPage {
    /// `MaxEntriesReturned`; `None` lets the server choose (Exchange caps it at 1000).
    pub max_entries: Option<u32>,
    /// `Offset` from `base_point`.
    pub offset: u32,
    /// `BasePoint`.
    pub base_point: BasePoint,
}

/// A FindItem `m:Restriction`, decoded as far as the harness filters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Restriction {
    /// `t:IsEqualTo` of a property and a `t:Constant` (what exchangelib's
    /// `filter(subject=…)` and `filter(is_read=False)` send).
    IsEqualTo {
        /// The property compared.
        field: FieldUri,
        /// `t:Constant/@Value`, as sent (`true`/`false` for booleans).
        value: String,
    },
    /// Any other search expression (`And`, `Contains`, `IsGreaterThan`, an `IsEqualTo` of two
    /// properties…), by the local name of its element, so that a server can refuse it rather
    /// than answer as if unrestricted.
    Other(String),
}

/// One change of an UpdateItem `t:Updates`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ItemUpdate {
    /// `t:SetItemField` of `message:IsRead` with `t:Message/t:IsRead`.
    SetIsRead(bool),
    /// Any other update, by the local name of its element (`SetItemField`,
    /// `AppendToItemField`, `DeleteItemField`) and its property path (an
    /// `IndexedFieldURI`/`ExtendedFieldURI` path reads as `Other` of that element's name). The
    /// writer writes the path only, which is a complete `DeleteItemField`.
    Other {
        /// The update element's local name.
        action: String,
        /// The property it changes.
        field: FieldUri,
    },
}

/// One `t:ItemChange`: an item and what to change on it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ItemChange {
    /// `t:ItemId` of the item to change.
    pub item: ItemRef,
    /// `t:Updates`, in order.
    pub updates: Vec<ItemUpdate>,
}

impl ItemChange {
    /// The change that marks `item` read (`true`) or unread.
    pub fn set_is_read(item: ItemRef, read: bool) -> ItemChange {
        ItemChange { item, updates: vec![ItemUpdate::SetIsRead(read)] }
    }
}

/// The payload of a successful UpdateItemResponseMessage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdatedItem {
    /// `m:Items/*/t:ItemId`: the item with its new ChangeKey. `None` when the server names no
    /// item (UpdateItem with SendAndSaveCopy or SendOnly).
    pub item: Option<ItemRef>,
    /// `m:ConflictResults/t:Count`: properties the server resolved against the request (0
    /// with AlwaysOverwrite).
    pub conflict_count: u32,
}

// ---- element readers and writers -------------------------------------------

pub(crate) fn write_item_id(o: &mut XmlOut, item: &ItemRef) {
    write_id_attrs(o, n::ITEM_ID, &item.id, item.change_key.as_deref());
}

pub(crate) fn read_item_id(node: &Node<'_>) -> Result<ItemRef, EwsError> {
    let (id, change_key) = read_id_attrs(node)?;
    Ok(ItemRef { id, change_key })
}

/// `t:Mailbox` with an address, as recipients are written.
fn write_recipient(o: &mut XmlOut, address: &str) {
    o.elem(Prefix::Types, n::MAILBOX, &[], |o| o.leaf(Prefix::Types, n::EMAIL_ADDRESS, &[], address));
}

/// The address of a `t:Mailbox`; empty when it has none.
fn read_address(mailbox: &Node<'_>) -> String {
    mailbox.child(n::EMAIL_ADDRESS).map(|e| e.text().to_owned()).unwrap_or_default()
}

/// `t:Message` in the schema's order: Subject and Body (ItemType), then ToRecipients
/// (MessageType). An empty recipient list is left out rather than written empty.
pub(crate) fn write_new_message(o: &mut XmlOut, m: &NewMessage) {
    o.elem(Prefix::Types, n::MESSAGE, &[], |o| {
        o.leaf(Prefix::Types, n::SUBJECT, &[], &m.subject);
        o.leaf(Prefix::Types, n::BODY, &[(n::BODY_TYPE, m.body_type.as_str())], &m.body);
        if !m.to.is_empty() {
            o.elem(Prefix::Types, n::TO_RECIPIENTS, &[], |o| {
                for address in &m.to {
                    write_recipient(o, address);
                }
            });
        }
    });
}

/// Reads a `t:Message` to create. Properties the harness does not model (exchangelib writes
/// Sensitivity, Importance, IsRead… on every message) are skipped; an absent Subject or
/// Body reads as empty, an absent BodyType as Text.
pub(crate) fn read_new_message(node: &Node<'_>) -> Result<NewMessage, EwsError> {
    let subject = node.child(n::SUBJECT).map(|s| s.text().to_owned()).unwrap_or_default();
    let (body, body_type) = match node.child(n::BODY) {
        Some(b) => {
            let body_type = match b.attr(n::BODY_TYPE) {
                Some(t) => BodyType::parse(t.trim()).ok_or_else(|| EwsError::unknown(b.path(), "body type", t))?,
                None => BodyType::Text,
            };
            (b.text().to_owned(), body_type)
        }
        None => (String::new(), BodyType::Text),
    };
    let to = match node.child(n::TO_RECIPIENTS) {
        Some(r) => r.children_named(n::MAILBOX).map(|m| read_address(&m)).collect(),
        None => Vec::new(),
    };
    Ok(NewMessage { subject, body, body_type, to })
}

/// `t:FieldURI FieldURI=…`.
pub(crate) fn write_field_uri(o: &mut XmlOut, field: &FieldUri) {
    o.empty(Prefix::Types, n::FIELD_URI, &[], &[(n::FIELD_URI, field.as_str())]);
}

/// The paths of an `AdditionalProperties`. Only `t:FieldURI` paths are kept: the harness
/// models no indexed (`IndexedFieldURI`) or extended (`ExtendedFieldURI`) property.
pub(crate) fn read_additional_properties(node: &Node<'_>) -> Result<Vec<FieldUri>, EwsError> {
    node.children_named(n::FIELD_URI).map(|f| Ok(FieldUri::parse(f.require_attr(n::FIELD_URI)?))).collect()
}

pub(crate) fn write_restriction(o: &mut XmlOut, r: &Restriction) {
    o.elem(Prefix::Messages, n::RESTRICTION, &[], |o| match r {
        Restriction::IsEqualTo { field, value } => o.elem(Prefix::Types, n::IS_EQUAL_TO, &[], |o| {
            write_field_uri(o, field);
            o.elem(Prefix::Types, n::FIELD_URI_OR_CONSTANT, &[], |o| {
                o.empty(Prefix::Types, n::CONSTANT, &[], &[(n::VALUE, value)]);
            });
        }),
        Restriction::Other(name) => o.empty(Prefix::Types, &ncname(name), &[], &[]),
    });
}

/// Reads `m:Restriction`, which must hold one search expression.
pub(crate) fn read_restriction(node: &Node<'_>) -> Result<Restriction, EwsError> {
    let expr = node.children().next().ok_or_else(|| node.error("a Restriction must hold one search expression"))?;
    if expr.name() == n::IS_EQUAL_TO {
        let field = expr.child(n::FIELD_URI);
        let constant = expr.child(n::FIELD_URI_OR_CONSTANT).and_then(|c| c.child(n::CONSTANT));
        if let (Some(field), Some(constant)) = (field, constant) {
            return Ok(Restriction::IsEqualTo {
                field: FieldUri::parse(field.require_attr(n::FIELD_URI)?),
                value: constant.require_attr(n::VALUE)?.to_owned(),
            });
        }
    }
    Ok(Restriction::Other(expr.name().to_owned()))
}

/// `t:ItemChange`: ItemId, then Updates.
pub(crate) fn write_item_change(o: &mut XmlOut, change: &ItemChange) {
    o.elem(Prefix::Types, n::ITEM_CHANGE, &[], |o| {
        write_item_id(o, &change.item);
        o.elem(Prefix::Types, n::UPDATES, &[], |o| {
            for update in &change.updates {
                match update {
                    ItemUpdate::SetIsRead(read) => o.elem(Prefix::Types, n::SET_ITEM_FIELD, &[], |o| {
                        write_field_uri(o, &FieldUri::IsRead);
                        o.elem(Prefix::Types, n::MESSAGE, &[], |o| {
                            o.leaf(Prefix::Types, n::IS_READ, &[], if *read { n::TRUE } else { n::FALSE });
                        });
                    }),
                    ItemUpdate::Other { action, field } => o.elem(Prefix::Types, &ncname(action), &[], |o| write_field_uri(o, field)),
                }
            }
        });
    });
}

/// Reads `t:ItemChange`. The item must be named by `t:ItemId` (the occurrence ids of calendar
/// items are not modelled); a `SetItemField` of `message:IsRead` must carry the new value.
pub(crate) fn read_item_change(node: &Node<'_>) -> Result<ItemChange, EwsError> {
    let item = read_item_id(&node.require_child(n::ITEM_ID)?)?;
    let mut updates = Vec::new();
    for update in node.require_child(n::UPDATES)?.children() {
        let path = update.children().next().ok_or_else(|| update.error("an update must name a property path"))?;
        let field = match path.name() {
            n::FIELD_URI => FieldUri::parse(path.require_attr(n::FIELD_URI)?),
            other => FieldUri::Other(other.to_owned()),
        };
        if update.name() == n::SET_ITEM_FIELD && field == FieldUri::IsRead {
            let value = update
                .children()
                .skip(1)
                .find_map(|item| item.child(n::IS_READ))
                .ok_or_else(|| update.error("SetItemField of message:IsRead needs t:Message/t:IsRead"))?;
            updates.push(ItemUpdate::SetIsRead(value.parse_bool(value.text(), "IsRead boolean")?));
        } else {
            updates.push(ItemUpdate::Other { action: update.name().to_owned(), field });
        }
    }
    Ok(ItemChange { item, updates })
}

/// A found item as `t:Message`, in the schema's order: ItemId, Subject (ItemType), then From
/// and IsRead (MessageType).
pub(crate) fn write_found_item(o: &mut XmlOut, item: &FoundItem) {
    o.elem(Prefix::Types, n::MESSAGE, &[], |o| {
        write_item_id(o, &item.item);
        if let Some(subject) = &item.subject {
            o.leaf(Prefix::Types, n::SUBJECT, &[], subject);
        }
        if let Some(from) = &item.from {
            o.elem(Prefix::Types, n::FROM, &[], |o| {
                o.elem(Prefix::Types, n::MAILBOX, &[], |o| {
                    o.leaf(Prefix::Types, n::EMAIL_ADDRESS, &[], from);
                    o.leaf(Prefix::Types, n::ROUTING_TYPE, &[], n::ROUTING_TYPE_SMTP);
                });
            });
        }
        if let Some(read) = item.is_read {
            o.leaf(Prefix::Types, n::IS_READ, &[], if read { n::TRUE } else { n::FALSE });
        }
    });
}

/// Reads any item element (`Message`, `Item`, `MeetingRequest`…) of a FindItem response.
pub(crate) fn read_found_item(node: &Node<'_>) -> Result<FoundItem, EwsError> {
    Ok(FoundItem {
        item: read_item_id(&node.require_child(n::ITEM_ID)?)?,
        subject: node.child(n::SUBJECT).map(|s| s.text().to_owned()),
        from: node.child(n::FROM).and_then(|f| f.child(n::MAILBOX)).map(|m| read_address(&m)),
        is_read: match node.child(n::IS_READ) {
            Some(r) => Some(r.parse_bool(r.text(), "IsRead boolean")?),
            None => None,
        },
    })
}

/// `m:RootFolder` with its paging attributes and `t:Items`.
pub(crate) fn write_root_folder(o: &mut XmlOut, found: &FoundItems) {
    let total = found.total_items_in_view.to_string();
    let offset = found.indexed_paging_offset.map(|v| v.to_string());
    let mut attrs = Vec::with_capacity(3);
    if let Some(offset) = &offset {
        attrs.push((n::INDEXED_PAGING_OFFSET, offset.as_str()));
    }
    attrs.push((n::TOTAL_ITEMS_IN_VIEW, total.as_str()));
    attrs.push((n::INCLUDES_LAST_ITEM_IN_RANGE, if found.includes_last_item_in_range { n::TRUE } else { n::FALSE }));
    o.elem(Prefix::Messages, n::ROOT_FOLDER, &attrs, |o| {
        o.elem(Prefix::Types, n::ITEMS, &[], |o| {
            for item in &found.items {
                write_found_item(o, item);
            }
        });
    });
}

/// Reads `m:RootFolder`. `TotalItemsInView` and `IncludesLastItemInRange` are optional in
/// the schema but required here: exchangelib's paging fails without them, so a server that
/// leaves them out is one a harness must flag.
pub(crate) fn read_root_folder(node: &Node<'_>) -> Result<FoundItems, EwsError> {
    let total = node.require_attr(n::TOTAL_ITEMS_IN_VIEW)?;
    let last = node.require_attr(n::INCLUDES_LAST_ITEM_IN_RANGE)?;
    Ok(FoundItems {
        total_items_in_view: node.parse_u32(total, "TotalItemsInView")?,
        includes_last_item_in_range: node.parse_bool(last, "IncludesLastItemInRange boolean")?,
        indexed_paging_offset: match node.attr(n::INDEXED_PAGING_OFFSET) {
            Some(v) => Some(node.parse_u32(v, "IndexedPagingOffset")?),
            None => None,
        },
        items: node.require_child(n::ITEMS)?.children().map(|i| read_found_item(&i)).collect::<Result<_, _>>()?,
    })
}

/// The item id of the first item in an `m:Items` container, if any.
pub(crate) fn read_first_item_id(items: &Node<'_>) -> Result<Option<ItemRef>, EwsError> {
    match items.children().next() {
        Some(item) => Ok(Some(read_item_id(&item.require_child(n::ITEM_ID)?)?)),
        None => Ok(None),
    }
}

/// `m:Items` with at most one `t:Message` holding only its id: the success payload of
/// CreateItem and UpdateItem.
pub(crate) fn write_items_with_id(o: &mut XmlOut, item: Option<&ItemRef>) {
    o.elem(Prefix::Messages, n::ITEMS, &[], |o| {
        if let Some(item) = item {
            o.elem(Prefix::Types, n::MESSAGE, &[], |o| write_item_id(o, item));
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_uris_parse_to_named_paths_or_keep_the_text() {
        for k in FieldUri::KNOWN {
            assert_eq!(&FieldUri::parse(k.as_str()), k);
        }
        assert_eq!(FieldUri::parse(" message:IsRead\n"), FieldUri::IsRead);
        assert_eq!(FieldUri::parse("item:subject"), FieldUri::Other("item:subject".into()));
        assert_eq!(FieldUri::parse("item:DateTimeReceived").to_string(), "item:DateTimeReceived");
    }

    #[test]
    fn wire_enums_spell_like_the_schema() {
        assert_eq!(BodyType::Html.as_str(), "HTML");
        assert_eq!(BodyType::parse("Html"), None);
        assert_eq!(MessageDisposition::ALL.iter().map(|d| d.as_str()).collect::<Vec<_>>(), ["SaveOnly", "SendOnly", "SendAndSaveCopy"]);
        assert_eq!(ConflictResolution::parse("AlwaysOverwrite"), Some(ConflictResolution::AlwaysOverwrite));
        assert_eq!(Traversal::parse("Deep"), None, "FindItem has no Deep traversal (FindFolder does)");
    }

    #[test]
    fn new_message_constructor() {
        let m = NewMessage::text("Hi", "Body", &["a@x.test", "b@x.test"]);
        assert_eq!(m.body_type, BodyType::Text);
        assert_eq!(m.to, ["a@x.test", "b@x.test"]);
        let c = ItemChange::set_is_read(ItemRef { id: "I".into(), change_key: None }, true);
        assert_eq!(c.updates, [ItemUpdate::SetIsRead(true)]);
    }
}
