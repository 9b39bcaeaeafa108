//! Server side: decoding the requests a client sends to `/EWS/Exchange.asmx`.

use crate::dom::Node;
use crate::envelope;
use crate::folder::read_folder_ids;
use crate::item::{read_additional_properties, read_item_change, read_new_message, read_restriction};
use crate::names as n;
use crate::{
    BasePoint, BaseShape, ConflictResolution, EventType, EwsError, FieldUri, FolderRef, IndexedPage, ItemChange, MessageDisposition,
    NewMessage, Restriction, Traversal,
};

/// `m:PushSubscriptionRequest` ([MS-OXWSNTIF] 3.1.4.3.3.6), field by field. Values a server must judge
/// (the URL, the status frequency) are kept raw so that the server, not the
/// codec, decides which error code a bad value earns.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushSubscriptionRequest {
    /// The `SubscribeToAllFolders` attribute (Exchange 2010+): watch the whole mailbox.
    pub subscribe_to_all_folders: bool,
    /// `t:FolderIds`: the folders to watch; empty with `SubscribeToAllFolders`.
    pub folder_ids: Vec<FolderRef>,
    /// `t:EventTypes`, in request order; never [`EventType::Status`], which the schema does not allow here.
    pub event_types: Vec<EventType>,
    /// Read from `Watermark` in either namespace: exchangelib sends `m:Watermark`
    /// where the schema says `t:Watermark`.
    pub watermark: Option<String>,
    /// Raw text; the schema's range is 1..=1440 minutes.
    pub status_frequency: Option<String>,
    /// `t:URL`, raw: where the server POSTs SendNotification; the server judges it.
    pub url: Option<String>,
    /// Exchange 2013+ only; echoed by nothing in this codec.
    pub caller_data: Option<String>,
}

/// `m:CreateItem` of messages ([MS-OXWSCORE] 3.1.4.2, [MS-OXWSMSG] 3.1.4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CreateItemRequest {
    /// `MessageDisposition`; `None` when absent, which Exchange refuses for messages
    /// (ErrorMessageDispositionRequired): kept so the server, not the codec, says so.
    pub disposition: Option<MessageDisposition>,
    /// `m:SavedItemFolderId`: where SaveOnly saves and SendAndSaveCopy keeps the copy; by
    /// default Drafts and Sent Items.
    pub saved_item_folder: Option<FolderRef>,
    /// `m:Items`, in order; one response message each.
    pub items: Vec<NewMessage>,
}

/// `m:FindItem` ([MS-OXWSSRCH] 3.1.4.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FindItemRequest {
    /// The `Traversal` attribute.
    pub traversal: Traversal,
    /// `m:ItemShape/t:BaseShape`.
    pub base_shape: BaseShape,
    /// `m:ItemShape/t:AdditionalProperties`: properties wanted beyond the base shape.
    pub additional_properties: Vec<FieldUri>,
    /// `m:IndexedPageItemView`. The other views (`FractionalPageItemView`, `CalendarView`,
    /// `ContactsView`) read as `None`: this codec pages by index only.
    pub page: Option<IndexedPage>,
    /// `m:Restriction`. A `SortOrder`, a `GroupBy` and a `QueryString` are not decoded.
    pub restriction: Option<Restriction>,
    /// `m:ParentFolderIds`: one response message per folder, in this order.
    pub parent_folder_ids: Vec<FolderRef>,
}

/// `m:UpdateItem` ([MS-OXWSCORE] 3.1.4.9).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpdateItemRequest {
    /// The `ConflictResolution` attribute (required by the schema).
    pub conflict_resolution: ConflictResolution,
    /// `MessageDisposition`; Exchange requires it when the item is a message.
    pub disposition: Option<MessageDisposition>,
    /// `SuppressReadReceipts` (Exchange 2013 SP1+; exchangelib sends it from that build on).
    pub suppress_read_receipts: Option<bool>,
    /// `m:ItemChanges`, in order; one response message each.
    pub changes: Vec<ItemChange>,
}

/// `m:MarkAllItemsAsRead` (Exchange 2013+, [MS-OXWSCORE] 3.1.4.10).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MarkAllItemsAsReadRequest {
    /// `m:ReadFlag`: `true` marks read, `false` unread.
    pub read_flag: bool,
    /// `m:SuppressReadReceipts`.
    pub suppress_read_receipts: bool,
    /// `m:FolderIds`: one response message per folder, in this order.
    pub folder_ids: Vec<FolderRef>,
}

impl CreateItemRequest {
    /// Sends `items` and keeps a copy of each in the sender's Sent Items (Exchange's default
    /// when `SavedItemFolderId` is absent), as Outlook and exchangelib's `send_and_save()` do.
    pub fn send_and_save_copy(items: Vec<NewMessage>) -> CreateItemRequest {
        CreateItemRequest { disposition: Some(MessageDisposition::SendAndSaveCopy), saved_item_folder: None, items }
    }
}

impl FindItemRequest {
    /// The caller's Inbox, shallow, `IdOnly` plus `item:Subject` and `message:IsRead`, no
    /// paging and no restriction: what exchangelib's `inbox.all().only('subject', 'is_read')`
    /// asks, less its `IndexedPageItemView`.
    pub fn inbox_subjects() -> FindItemRequest {
        FindItemRequest {
            traversal: Traversal::Shallow,
            base_shape: BaseShape::IdOnly,
            additional_properties: vec![FieldUri::Subject, FieldUri::IsRead],
            page: None,
            restriction: None,
            parent_folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        }
    }
}

impl UpdateItemRequest {
    /// `changes` with AlwaysOverwrite and SaveOnly: the request's values win whatever the
    /// items' ChangeKeys, and nothing is sent.
    pub fn always_overwrite(changes: Vec<ItemChange>) -> UpdateItemRequest {
        UpdateItemRequest {
            conflict_resolution: ConflictResolution::AlwaysOverwrite,
            disposition: Some(MessageDisposition::SaveOnly),
            suppress_read_receipts: None,
            changes,
        }
    }
}

/// The operation in `soap:Body`, decoded as far as this harness needs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Operation {
    /// `m:GetFolder` ([MS-OXWSFOLD]): exchangelib's first call after the probe.
    GetFolder {
        /// `m:FolderIds`, in request order.
        folder_ids: Vec<FolderRef>,
        /// `m:FolderShape/t:BaseShape` (`IdOnly`, `Default`, `AllProperties`), raw.
        base_shape: Option<String>,
    },
    /// `m:Subscribe` with a push subscription ([MS-OXWSNTIF] 3.1.4.3).
    Subscribe(PushSubscriptionRequest),
    /// A pull subscription; its details are not modelled because the fake
    /// only needs to refuse or accept it.
    PullSubscribe,
    /// `m:Unsubscribe` ([MS-OXWSNTIF] 3.1.4.4).
    Unsubscribe {
        /// The subscription to end, as the Subscribe response named it.
        subscription_id: String,
    },
    /// exchangelib's version and auth probe (a dummy id conversion).
    ConvertId,
    /// The probe older exchangelib versions (< 4.9) used instead of ConvertId.
    ResolveNames {
        /// `m:UnresolvedEntry`: the name to resolve.
        unresolved: String,
    },
    /// `m:CreateItem` of `t:Message` items.
    CreateItem(CreateItemRequest),
    /// `m:FindItem`.
    FindItem(FindItemRequest),
    /// `m:UpdateItem`.
    UpdateItem(UpdateItemRequest),
    /// `m:MarkAllItemsAsRead` (Exchange 2013+).
    MarkAllItemsAsRead(MarkAllItemsAsReadRequest),
    /// Any other operation, by the local name of its body element. A
    /// streaming `Subscribe` also lands here, as `Other("Subscribe")`, so the
    /// server can answer with a Subscribe-shaped error; so does a `CreateItem`
    /// of anything but messages (calendar items, contacts…), as
    /// `Other("CreateItem")`.
    Other(String),
}

/// A decoded request: the schema version the client asked for and the operation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestEnvelope {
    /// `t:RequestServerVersion/@Version` exactly as sent (clients probe with
    /// values such as `Exchange2015_SP1` that [`crate::SchemaVersion`] does not
    /// list). `None` when the header or the element is absent, which
    /// Exchange 2007 tolerated and later versions do not.
    pub request_server_version: Option<String>,
    /// The one operation of `soap:Body`.
    pub operation: Operation,
}

/// Decodes a request. Malformed XML is [`EwsError::Xml`]; a missing Body or a
/// known operation missing a required part is [`EwsError::Schema`]; an
/// unknown event type is [`EwsError::UnknownValue`]. All three are what
/// Exchange reports as an ErrorSchemaValidation fault
/// ([`EwsError::to_request_fault`]).
pub fn parse_request(xml: &[u8]) -> Result<RequestEnvelope, EwsError> {
    let doc = envelope::parse(xml)?;
    let env = doc.root();
    let request_server_version = match envelope::header(&env).and_then(|h| h.child(n::REQUEST_SERVER_VERSION)) {
        Some(rsv) => Some(rsv.require_attr(n::VERSION)?.to_owned()),
        None => None,
    };
    let payload = envelope::payload(&env)?;
    let operation = match payload.name() {
        n::GET_FOLDER => Operation::GetFolder {
            folder_ids: match payload.child(n::FOLDER_IDS) {
                Some(ids) => read_folder_ids(&ids)?,
                None => Vec::new(),
            },
            base_shape: payload.child(n::FOLDER_SHAPE).and_then(|s| s.child(n::BASE_SHAPE)).map(|b| b.token().to_owned()),
        },
        n::SUBSCRIBE => read_subscribe(&payload)?,
        n::UNSUBSCRIBE => Operation::Unsubscribe { subscription_id: payload.require_child(n::SUBSCRIPTION_ID)?.text().to_owned() },
        n::CONVERT_ID => Operation::ConvertId,
        n::RESOLVE_NAMES => Operation::ResolveNames { unresolved: payload.require_child(n::UNRESOLVED_ENTRY)?.text().to_owned() },
        n::CREATE_ITEM => read_create_item(&payload)?,
        n::FIND_ITEM => Operation::FindItem(read_find_item(&payload)?),
        n::UPDATE_ITEM => Operation::UpdateItem(read_update_item(&payload)?),
        n::MARK_ALL_ITEMS_AS_READ => Operation::MarkAllItemsAsRead(read_mark_all_items_as_read(&payload)?),
        other => Operation::Other(other.to_owned()),
    };
    Ok(RequestEnvelope { request_server_version, operation })
}

fn read_subscribe(subscribe: &Node<'_>) -> Result<Operation, EwsError> {
    if let Some(push) = subscribe.child(n::PUSH_SUBSCRIPTION_REQUEST) {
        return read_push(&push).map(Operation::Subscribe);
    }
    if subscribe.child(n::PULL_SUBSCRIPTION_REQUEST).is_some() {
        return Ok(Operation::PullSubscribe);
    }
    if subscribe.child(n::STREAMING_SUBSCRIPTION_REQUEST).is_some() {
        return Ok(Operation::Other(n::SUBSCRIBE.to_owned()));
    }
    Err(subscribe.error(format!(
        "expected {}, {} or {}",
        n::PUSH_SUBSCRIPTION_REQUEST,
        n::PULL_SUBSCRIPTION_REQUEST,
        n::STREAMING_SUBSCRIPTION_REQUEST
    )))
}

/// A wire-enum attribute: absent is `None`, present but outside the enumeration is an error.
fn enum_attr<T>(node: &Node<'_>, name: &str, what: &'static str, parse: fn(&str) -> Option<T>) -> Result<Option<T>, EwsError> {
    match node.attr(name) {
        Some(v) => parse(v.trim()).map(Some).ok_or_else(|| EwsError::unknown(format!("{}/@{name}", node.path()), what, v)),
        None => Ok(None),
    }
}

fn require_enum_attr<T>(node: &Node<'_>, name: &str, what: &'static str, parse: fn(&str) -> Option<T>) -> Result<T, EwsError> {
    enum_attr(node, name, what, parse)?.ok_or_else(|| node.error(format!("required attribute {name} is missing")))
}

fn read_create_item(create: &Node<'_>) -> Result<Operation, EwsError> {
    let disposition = enum_attr(create, n::MESSAGE_DISPOSITION, "message disposition", MessageDisposition::parse)?;
    let saved_item_folder = match create.child(n::SAVED_ITEM_FOLDER_ID) {
        Some(saved) => {
            let mut ids = read_folder_ids(&saved)?;
            match ids.len() {
                1 => ids.pop(),
                found => return Err(saved.error(format!("expected exactly one folder id, found {found}"))),
            }
        }
        None => None,
    };
    let items = create.require_child(n::ITEMS)?;
    if items.children().next().is_none() {
        return Err(items.error("Items must hold at least one item"));
    }
    if items.children().any(|i| i.name() != n::MESSAGE) {
        return Ok(Operation::Other(n::CREATE_ITEM.to_owned()));
    }
    let items = items.children().map(|m| read_new_message(&m)).collect::<Result<_, _>>()?;
    Ok(Operation::CreateItem(CreateItemRequest { disposition, saved_item_folder, items }))
}

fn read_find_item(find: &Node<'_>) -> Result<FindItemRequest, EwsError> {
    let traversal = require_enum_attr(find, n::TRAVERSAL, "item traversal", Traversal::parse)?;
    let shape = find.require_child(n::ITEM_SHAPE)?;
    let base = shape.require_child(n::BASE_SHAPE)?;
    let base_shape = BaseShape::parse(base.token()).ok_or_else(|| EwsError::unknown(base.path(), "base shape", base.text()))?;
    let additional_properties = match shape.child(n::ADDITIONAL_PROPERTIES) {
        Some(p) => read_additional_properties(&p)?,
        None => Vec::new(),
    };
    let page = match find.child(n::INDEXED_PAGE_ITEM_VIEW) {
        Some(view) => Some(IndexedPage {
            max_entries: match view.attr(n::MAX_ENTRIES_RETURNED) {
                Some(v) => Some(view.parse_u32(v, "MaxEntriesReturned")?),
                None => None,
            },
            offset: view.parse_u32(view.require_attr(n::OFFSET)?, "Offset")?,
            base_point: require_enum_attr(&view, n::BASE_POINT, "base point", BasePoint::parse)?,
        }),
        None => None,
    };
    let restriction = match find.child(n::RESTRICTION) {
        Some(r) => Some(read_restriction(&r)?),
        None => None,
    };
    let parent_folder_ids = read_folder_ids(&find.require_child(n::PARENT_FOLDER_IDS)?)?;
    Ok(FindItemRequest { traversal, base_shape, additional_properties, page, restriction, parent_folder_ids })
}

fn read_update_item(update: &Node<'_>) -> Result<UpdateItemRequest, EwsError> {
    Ok(UpdateItemRequest {
        conflict_resolution: require_enum_attr(update, n::CONFLICT_RESOLUTION, "conflict resolution", ConflictResolution::parse)?,
        disposition: enum_attr(update, n::MESSAGE_DISPOSITION, "message disposition", MessageDisposition::parse)?,
        suppress_read_receipts: match update.attr(n::SUPPRESS_READ_RECEIPTS) {
            Some(v) => Some(update.parse_bool(v, "SuppressReadReceipts boolean")?),
            None => None,
        },
        changes: update
            .require_child(n::ITEM_CHANGES)?
            .children_named(n::ITEM_CHANGE)
            .map(|c| read_item_change(&c))
            .collect::<Result<_, _>>()?,
    })
}

fn read_mark_all_items_as_read(mark: &Node<'_>) -> Result<MarkAllItemsAsReadRequest, EwsError> {
    let flag = |name: &str| -> Result<bool, EwsError> {
        let node = mark.require_child(name)?;
        node.parse_bool(node.text(), "boolean")
    };
    Ok(MarkAllItemsAsReadRequest {
        read_flag: flag(n::READ_FLAG)?,
        suppress_read_receipts: flag(n::SUPPRESS_READ_RECEIPTS)?,
        folder_ids: read_folder_ids(&mark.require_child(n::FOLDER_IDS)?)?,
    })
}

fn read_push(push: &Node<'_>) -> Result<PushSubscriptionRequest, EwsError> {
    let subscribe_to_all_folders = match push.attr(n::SUBSCRIBE_TO_ALL_FOLDERS) {
        Some(v) => push.parse_bool(v, "SubscribeToAllFolders boolean")?,
        None => false,
    };
    let folder_ids = match push.child(n::FOLDER_IDS) {
        Some(ids) => read_folder_ids(&ids)?,
        None => Vec::new(),
    };
    let types = push.require_child(n::EVENT_TYPES)?;
    let mut event_types = Vec::new();
    for t in types.children_named(n::EVENT_TYPE) {
        match EventType::parse(t.token()) {
            Some(e) if e.is_subscribable() => event_types.push(e),
            _ => return Err(EwsError::unknown(t.path(), "subscribable event type", t.text())),
        }
    }
    let text = |name: &str| push.child(name).map(|c| c.text().to_owned());
    Ok(PushSubscriptionRequest {
        subscribe_to_all_folders,
        folder_ids,
        event_types,
        watermark: text(n::WATERMARK),
        status_frequency: text(n::STATUS_FREQUENCY),
        url: text(n::URL),
        caller_data: text(n::CALLER_DATA),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    fn push(xml: &str) -> PushSubscriptionRequest {
        match parse_request(xml.as_bytes()).unwrap().operation {
            Operation::Subscribe(p) => p,
            other => panic!("expected a push Subscribe, got {other:?}"),
        }
    }

    #[test]
    fn ms_docs_push_example_without_header_or_prefixes() {
        let req = parse_request(testdata::MS_DOCS_PUSH_SUBSCRIBE.as_bytes()).unwrap();
        assert_eq!(req.request_server_version, None);
        let Operation::Subscribe(p) = req.operation else { panic!("{:?}", req.operation) };
        assert_eq!(
            p,
            PushSubscriptionRequest {
                subscribe_to_all_folders: false,
                folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
                event_types: vec![
                    EventType::NewMail,
                    EventType::Copied,
                    EventType::Created,
                    EventType::Deleted,
                    EventType::Modified,
                    EventType::Moved,
                ],
                watermark: None,
                status_frequency: Some("1".into()),
                url: Some("http://clientWebService/Service.asmx".into()),
                caller_data: None,
            }
        );
    }

    #[test]
    fn exchangelib_account_subscribe_with_m_watermark_slip() {
        let req = parse_request(testdata::EXCHANGELIB_PUSH_SUBSCRIBE_ALL.as_bytes()).unwrap();
        assert_eq!(req.request_server_version.as_deref(), Some("Exchange2016"));
        let Operation::Subscribe(p) = req.operation else { panic!("{:?}", req.operation) };
        assert!(p.subscribe_to_all_folders);
        assert!(p.folder_ids.is_empty());
        assert_eq!(p.event_types, EventType::SUBSCRIBABLE.to_vec());
        assert_eq!(p.watermark.as_deref(), Some("AQAAAEaT9Mg0vAVIpsWqBEk+vJsKgQEAAAAAAAA="));
        assert_eq!(p.status_frequency.as_deref(), Some("1"));
        assert_eq!(p.url.as_deref(), Some("https://listener.example.test/ews/push?tenant=a&b=c"));
    }

    #[test]
    fn exchangelib_folder_subscribe_with_mailbox() {
        let p = push(testdata::EXCHANGELIB_PUSH_SUBSCRIBE_INBOX);
        assert!(!p.subscribe_to_all_folders);
        assert_eq!(p.folder_ids, vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("alice@example.test".into()) }]);
        assert_eq!(p.event_types, vec![EventType::NewMail, EventType::Modified]);
        assert_eq!(p.watermark, None);
    }

    #[test]
    fn get_folder_inbox() {
        let req = parse_request(testdata::EXCHANGELIB_GET_FOLDER_INBOX.as_bytes()).unwrap();
        assert_eq!(req.request_server_version.as_deref(), Some("Exchange2016"));
        assert_eq!(
            req.operation,
            Operation::GetFolder {
                folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("alice@example.test".into()) }],
                base_shape: Some("IdOnly".into()),
            }
        );
    }

    #[test]
    fn probes_and_simple_operations() {
        let req = parse_request(testdata::EXCHANGELIB_CONVERT_ID_PROBE.as_bytes()).unwrap();
        assert_eq!(req.operation, Operation::ConvertId);
        assert_eq!(req.request_server_version.as_deref(), Some("Exchange2015_SP1"));

        let wrap = |body: &str| {
            format!(
                r#"<s:Envelope xmlns:s="{}" xmlns:m="{}" xmlns:t="{}"><s:Header><t:RequestServerVersion Version="Exchange2010_SP2"/></s:Header><s:Body>{body}</s:Body></s:Envelope>"#,
                crate::ns::SOAP,
                crate::ns::MESSAGES,
                crate::ns::TYPES
            )
        };
        let op = |body: &str| parse_request(wrap(body).as_bytes()).map(|r| r.operation);
        assert_eq!(
            op("<m:Unsubscribe><m:SubscriptionId>id&amp;1</m:SubscriptionId></m:Unsubscribe>").unwrap(),
            Operation::Unsubscribe { subscription_id: "id&1".into() }
        );
        assert_eq!(
            op(r#"<m:ResolveNames ReturnFullContactData="false"><m:UnresolvedEntry>DUMMY</m:UnresolvedEntry></m:ResolveNames>"#).unwrap(),
            Operation::ResolveNames { unresolved: "DUMMY".into() }
        );
        assert_eq!(
            op("<m:Subscribe><m:PullSubscriptionRequest><t:EventTypes><t:EventType>NewMailEvent</t:EventType></t:EventTypes><t:Timeout>10</t:Timeout></m:PullSubscriptionRequest></m:Subscribe>").unwrap(),
            Operation::PullSubscribe
        );
        assert_eq!(op("<m:Subscribe><m:StreamingSubscriptionRequest/></m:Subscribe>").unwrap(), Operation::Other("Subscribe".into()));
        assert_eq!(op("<m:SyncFolderItems/>").unwrap(), Operation::Other("SyncFolderItems".into()));
        assert_eq!(
            op("<m:GetFolder><m:FolderShape><t:BaseShape> IdOnly </t:BaseShape></m:FolderShape><m:FolderIds><t:FolderId Id=\"AAMk\" ChangeKey=\"AQ\"/></m:FolderIds></m:GetFolder>").unwrap(),
            Operation::GetFolder {
                folder_ids: vec![FolderRef::Id { id: "AAMk".into(), change_key: Some("AQ".into()) }],
                base_shape: Some("IdOnly".into()),
            }
        );
    }

    #[test]
    fn schema_violations_are_errors_with_paths() {
        let wrap = |body: &str| format!(r#"<s:Envelope xmlns:s="{}"><s:Body>{body}</s:Body></s:Envelope>"#, crate::ns::SOAP);
        let err = |body: &str| parse_request(wrap(body).as_bytes()).unwrap_err();

        let e = err("<Subscribe><PushSubscriptionRequest><EventTypes><EventType>StatusEvent</EventType></EventTypes></PushSubscriptionRequest></Subscribe>");
        assert!(matches!(e, EwsError::UnknownValue { .. }), "{e}");
        assert!(e.to_string().contains("Envelope/Body/Subscribe/PushSubscriptionRequest/EventTypes/EventType"), "{e}");
        let e = err("<Subscribe><PushSubscriptionRequest><EventTypes><EventType>NewMail</EventType></EventTypes></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("\"NewMail\""), "{e}");
        let e =
            err("<Subscribe><PushSubscriptionRequest SubscribeToAllFolders=\"yes\"><EventTypes/></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("SubscribeToAllFolders"), "{e}");
        let e = err("<Subscribe><PushSubscriptionRequest><URL>x</URL></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("EventTypes is missing"), "{e}");
        let e = err("<Subscribe><PushSubscriptionRequest><FolderIds><AddressListId Id=\"x\"/></FolderIds><EventTypes/></PushSubscriptionRequest></Subscribe>");
        assert!(e.to_string().contains("AddressListId"), "{e}");
        let e = err("<Subscribe/>");
        assert!(matches!(e, EwsError::Schema { .. }), "{e}");
        let e = err("<Unsubscribe/>");
        assert!(e.to_string().contains("SubscriptionId is missing"), "{e}");
        let e = err("");
        assert!(e.to_string().contains("soap:Body is empty"), "{e}");
        let e = parse_request(format!(r#"<s:Envelope xmlns:s="{}"/>"#, crate::ns::SOAP).as_bytes()).unwrap_err();
        assert_eq!(e, EwsError::schema("Envelope", "required element Body is missing"));
        let e = parse_request(b"<s:Envelope><s:Body><Subscribe></s:Body></s:Envelope>").unwrap_err();
        assert!(matches!(e, EwsError::Xml { line: 1, .. }), "{e}");
        let e = parse_request(
            format!(
                r#"<s:Envelope xmlns:s="{}"><s:Header><t:RequestServerVersion/></s:Header><s:Body><X/></s:Body></s:Envelope>"#,
                crate::ns::SOAP
            )
            .as_bytes(),
        )
        .unwrap_err();
        assert!(e.to_string().contains("Version is missing"), "{e}");
    }

    /// Bodies exchangelib 5.6.0 writes (its services' `get_payload`, serialised), in
    /// exchangelib's own envelope.
    fn exchangelib(body: &str) -> Operation {
        let xml = format!(
            r#"<?xml version='1.0' encoding='utf-8'?><s:Envelope xmlns:m="{m}" xmlns:s="{s}" xmlns:t="{t}"><s:Header><t:RequestServerVersion Version="Exchange2013_SP1"/></s:Header><s:Body>{body}</s:Body></s:Envelope>"#,
            m = crate::ns::MESSAGES,
            s = crate::ns::SOAP,
            t = crate::ns::TYPES
        );
        parse_request(xml.as_bytes()).unwrap_or_else(|e| panic!("{e}: {xml}")).operation
    }

    const EXCHANGELIB_SEND_AND_SAVE: &str = concat!(
        r#"<m:CreateItem MessageDisposition="SendAndSaveCopy" SendMeetingInvitations="SendToNone"><m:SavedItemFolderId>"#,
        r#"<t:DistinguishedFolderId Id="sentitems"><t:Mailbox><t:EmailAddress>alice@example.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:DistinguishedFolderId>"#,
        r#"</m:SavedItemFolderId><m:Items><t:Message><t:Subject>Hello &amp; &lt;you&gt;</t:Subject><t:Sensitivity>Normal</t:Sensitivity>"#,
        r#"<t:Body BodyType="Text">Body text</t:Body><t:Importance>Normal</t:Importance><t:ReminderIsSet>0</t:ReminderIsSet>"#,
        r#"<t:ReminderMinutesBeforeStart>0</t:ReminderMinutesBeforeStart><t:ToRecipients><t:Mailbox><t:EmailAddress>bob@example.test</t:EmailAddress>"#,
        r#"<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox><t:Mailbox><t:EmailAddress>carol@example.test</t:EmailAddress>"#,
        r#"<t:RoutingType>SMTP</t:RoutingType><t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:ToRecipients><t:IsReadReceiptRequested>0</t:IsReadReceiptRequested>"#,
        r#"<t:IsDeliveryReceiptRequested>0</t:IsDeliveryReceiptRequested><t:IsRead>0</t:IsRead><t:IsResponseRequested>0</t:IsResponseRequested></t:Message></m:Items></m:CreateItem>"#
    );

    #[test]
    fn exchangelib_send_and_save() {
        assert_eq!(
            exchangelib(EXCHANGELIB_SEND_AND_SAVE),
            Operation::CreateItem(CreateItemRequest {
                disposition: Some(MessageDisposition::SendAndSaveCopy),
                saved_item_folder: Some(FolderRef::Distinguished { id: "sentitems".into(), mailbox: Some("alice@example.test".into()) }),
                items: vec![NewMessage {
                    subject: "Hello & <you>".into(),
                    body: "Body text".into(),
                    body_type: crate::BodyType::Text,
                    to: vec!["bob@example.test".into(), "carol@example.test".into()],
                }],
            })
        );
    }

    #[test]
    fn exchangelib_find_item_only_subject_and_is_read() {
        let op = exchangelib(concat!(
            r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>IdOnly</t:BaseShape><t:AdditionalProperties>"#,
            r#"<t:FieldURI FieldURI="item:Subject"/><t:FieldURI FieldURI="message:IsRead"/><t:ExtendedFieldURI PropertyTag="0x1000" PropertyType="String"/></t:AdditionalProperties></m:ItemShape>"#,
            r#"<m:IndexedPageItemView MaxEntriesReturned="100" Offset="0" BasePoint="Beginning"/>"#,
            r#"<m:Restriction><t:IsEqualTo><t:FieldURI FieldURI="item:Subject"/><t:FieldURIOrConstant><t:Constant Value="Hi &amp; bye"/></t:FieldURIOrConstant></t:IsEqualTo></m:Restriction>"#,
            r#"<m:ParentFolderIds><t:DistinguishedFolderId Id="inbox"><t:Mailbox><t:EmailAddress>bob@example.test</t:EmailAddress><t:RoutingType>SMTP</t:RoutingType>"#,
            r#"<t:MailboxType>Mailbox</t:MailboxType></t:Mailbox></t:DistinguishedFolderId></m:ParentFolderIds></m:FindItem>"#
        ));
        assert_eq!(
            op,
            Operation::FindItem(FindItemRequest {
                traversal: Traversal::Shallow,
                base_shape: BaseShape::IdOnly,
                additional_properties: vec![FieldUri::Subject, FieldUri::IsRead],
                page: Some(IndexedPage { max_entries: Some(100), offset: 0, base_point: BasePoint::Beginning }),
                restriction: Some(Restriction::IsEqualTo { field: FieldUri::Subject, value: "Hi & bye".into() }),
                parent_folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("bob@example.test".into()) }],
            })
        );
        let Operation::FindItem(f) = exchangelib(concat!(
            r#"<m:FindItem Traversal="Shallow"><m:ItemShape><t:BaseShape>Default</t:BaseShape></m:ItemShape>"#,
            r#"<m:Restriction><t:And><t:Exists><t:FieldURI FieldURI="item:Subject"/></t:Exists></t:And></m:Restriction>"#,
            r#"<m:ParentFolderIds><t:FolderId Id="AAMk"/></m:ParentFolderIds></m:FindItem>"#
        )) else {
            panic!()
        };
        assert_eq!((f.base_shape, f.page, f.restriction), (BaseShape::Default, None, Some(Restriction::Other("And".into()))));
    }

    #[test]
    fn exchangelib_save_is_read() {
        let op = exchangelib(concat!(
            r#"<m:UpdateItem ConflictResolution="AutoResolve" MessageDisposition="SaveOnly" SendMeetingInvitationsOrCancellations="SendToNone" SuppressReadReceipts="true">"#,
            r#"<m:ItemChanges><t:ItemChange><t:ItemId Id="AAMkITEM1" ChangeKey="CQAAAA"/><t:Updates><t:SetItemField><t:FieldURI FieldURI="message:IsRead"/>"#,
            r#"<t:Message><t:IsRead>1</t:IsRead></t:Message></t:SetItemField><t:DeleteItemField><t:FieldURI FieldURI="item:Categories"/></t:DeleteItemField>"#,
            r#"</t:Updates></t:ItemChange></m:ItemChanges></m:UpdateItem>"#
        ));
        assert_eq!(
            op,
            Operation::UpdateItem(UpdateItemRequest {
                conflict_resolution: ConflictResolution::AutoResolve,
                disposition: Some(MessageDisposition::SaveOnly),
                suppress_read_receipts: Some(true),
                changes: vec![ItemChange {
                    item: crate::ItemRef { id: "AAMkITEM1".into(), change_key: Some("CQAAAA".into()) },
                    updates: vec![
                        crate::ItemUpdate::SetIsRead(true),
                        crate::ItemUpdate::Other { action: "DeleteItemField".into(), field: FieldUri::Other("item:Categories".into()) },
                    ],
                }],
            })
        );
    }

    /// In the shape of the example of Microsoft's MarkAllItemsAsRead operation reference.
    #[test]
    fn mark_all_items_as_read() {
        let op = exchangelib(concat!(
            "<m:MarkAllItemsAsRead>\n  <m:ReadFlag>true</m:ReadFlag>\n  <m:SuppressReadReceipts>true</m:SuppressReadReceipts>\n",
            "  <m:FolderIds><t:FolderId Id=\"AAMkAGIm\" ChangeKey=\"AQAAABYA\"/><t:DistinguishedFolderId Id=\"inbox\"/></m:FolderIds>\n</m:MarkAllItemsAsRead>"
        ));
        assert_eq!(
            op,
            Operation::MarkAllItemsAsRead(MarkAllItemsAsReadRequest {
                read_flag: true,
                suppress_read_receipts: true,
                folder_ids: vec![
                    FolderRef::Id { id: "AAMkAGIm".into(), change_key: Some("AQAAABYA".into()) },
                    FolderRef::Distinguished { id: "inbox".into(), mailbox: None },
                ],
            })
        );
    }

    #[test]
    fn item_operations_that_are_not_modelled_or_not_valid() {
        // A calendar item is a CreateItem this codec does not model: the server answers it as an
        // operation it does not serve.
        let calendar = r#"<m:CreateItem SendMeetingInvitations="SendToNone"><m:Items><t:CalendarItem><t:Subject>x</t:Subject></t:CalendarItem></m:Items></m:CreateItem>"#;
        assert_eq!(exchangelib(calendar), Operation::Other("CreateItem".into()));
        // No disposition, no subject, no body, no recipients: decoded, for the server to judge.
        let bare = exchangelib("<m:CreateItem><m:Items><t:Message/></m:Items></m:CreateItem>");
        assert_eq!(
            bare,
            Operation::CreateItem(CreateItemRequest {
                disposition: None,
                saved_item_folder: None,
                items: vec![NewMessage { subject: String::new(), body: String::new(), body_type: crate::BodyType::Text, to: vec![] }],
            })
        );
        let recipient_without_address =
            exchangelib("<m:CreateItem MessageDisposition=\"SendOnly\"><m:Items><t:Message><t:ToRecipients><t:Mailbox><t:Name>Bob</t:Name></t:Mailbox></t:ToRecipients></t:Message></m:Items></m:CreateItem>");
        let Operation::CreateItem(c) = recipient_without_address else { panic!() };
        assert_eq!(c.items[0].to, [""]);

        let wrap = |body: &str| format!(r#"<s:Envelope xmlns:s="{}"><s:Body>{body}</s:Body></s:Envelope>"#, crate::ns::SOAP);
        let err = |body: &str| parse_request(wrap(body).as_bytes()).unwrap_err().to_string();
        for (body, says) in [
            ("<CreateItem MessageDisposition=\"Send\"><Items><Message/></Items></CreateItem>", "\"Send\" is not a known message disposition"),
            ("<CreateItem><Items/></CreateItem>", "Items must hold at least one item"),
            ("<CreateItem/>", "required element Items is missing"),
            ("<CreateItem><SavedItemFolderId/><Items><Message/></Items></CreateItem>", "expected exactly one folder id, found 0"),
            ("<CreateItem><Items><Message><Body BodyType=\"Rtf\"/></Message></Items></CreateItem>", "not a known body type"),
            ("<FindItem Traversal=\"Shallow\"/>", "required element ItemShape is missing"),
            ("<FindItem><ItemShape><BaseShape>IdOnly</BaseShape></ItemShape><ParentFolderIds/></FindItem>", "required attribute Traversal is missing"),
            ("<FindItem Traversal=\"Deep\"/>", "\"Deep\" is not a known item traversal"),
            ("<FindItem Traversal=\"Shallow\"><ItemShape><BaseShape>Everything</BaseShape></ItemShape><ParentFolderIds/></FindItem>", "not a known base shape"),
            ("<FindItem Traversal=\"Shallow\"><ItemShape><BaseShape>IdOnly</BaseShape></ItemShape></FindItem>", "ParentFolderIds is missing"),
            ("<FindItem Traversal=\"Shallow\"><ItemShape><BaseShape>IdOnly</BaseShape></ItemShape><IndexedPageItemView Offset=\"-1\" BasePoint=\"Beginning\"/><ParentFolderIds/></FindItem>", "Offset \"-1\""),
            ("<FindItem Traversal=\"Shallow\"><ItemShape><BaseShape>IdOnly</BaseShape></ItemShape><Restriction/><ParentFolderIds/></FindItem>", "one search expression"),
            ("<UpdateItem><ItemChanges/></UpdateItem>", "ConflictResolution is missing"),
            ("<UpdateItem ConflictResolution=\"AlwaysOverwrite\"><ItemChanges><ItemChange><Updates/></ItemChange></ItemChanges></UpdateItem>", "ItemId is missing"),
            ("<UpdateItem ConflictResolution=\"AlwaysOverwrite\"><ItemChanges><ItemChange><ItemId Id=\"x\"/><Updates><SetItemField><FieldURI FieldURI=\"message:IsRead\"/></SetItemField></Updates></ItemChange></ItemChanges></UpdateItem>", "needs t:Message/t:IsRead"),
            ("<UpdateItem ConflictResolution=\"AlwaysOverwrite\"><ItemChanges><ItemChange><ItemId Id=\"x\"/><Updates><SetItemField><FieldURI FieldURI=\"message:IsRead\"/><Message><IsRead>yes</IsRead></Message></SetItemField></Updates></ItemChange></ItemChanges></UpdateItem>", "\"yes\" is not a known IsRead boolean"),
            ("<UpdateItem ConflictResolution=\"AlwaysOverwrite\"><ItemChanges><ItemChange><ItemId Id=\"x\"/><Updates><SetItemField/></Updates></ItemChange></ItemChanges></UpdateItem>", "must name a property path"),
            ("<MarkAllItemsAsRead><ReadFlag>true</ReadFlag><FolderIds/></MarkAllItemsAsRead>", "SuppressReadReceipts is missing"),
            ("<MarkAllItemsAsRead><ReadFlag>maybe</ReadFlag><SuppressReadReceipts>0</SuppressReadReceipts><FolderIds/></MarkAllItemsAsRead>", "\"maybe\""),
        ] {
            let e = err(body);
            assert!(e.contains(says), "{body}: {e}");
        }
    }

    #[test]
    fn convenience_constructors() {
        let c = CreateItemRequest::send_and_save_copy(vec![NewMessage::text("s", "b", &["bob@example.test"])]);
        assert_eq!((c.disposition, c.saved_item_folder), (Some(MessageDisposition::SendAndSaveCopy), None));
        let f = FindItemRequest::inbox_subjects();
        assert_eq!(f.additional_properties, [FieldUri::Subject, FieldUri::IsRead]);
        let u = UpdateItemRequest::always_overwrite(vec![]);
        assert_eq!((u.conflict_resolution, u.disposition), (ConflictResolution::AlwaysOverwrite, Some(MessageDisposition::SaveOnly)));
    }

    #[test]
    fn request_server_version_in_messages_namespace_is_tolerated() {
        let xml = format!(
            r#"<soap:Envelope xmlns:soap="{}" xmlns:m="{}"><soap:Header><m:RequestServerVersion Version="Exchange2007_SP1"/></soap:Header><soap:Body><m:ConvertId/></soap:Body></soap:Envelope>"#,
            crate::ns::SOAP,
            crate::ns::MESSAGES
        );
        assert_eq!(parse_request(xml.as_bytes()).unwrap().request_server_version.as_deref(), Some("Exchange2007_SP1"));
    }
}
