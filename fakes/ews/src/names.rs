//! Every element name, attribute name and fixed value this crate reads or
//! writes, spelled once: a typo in `URL` vs `Url` is a real interop bug (php-ews
//! shipped one), and one spelling shared by reader and writer cannot drift.

// ---- SOAP envelope -------------------------------------------------------
pub(crate) const ENVELOPE: &str = "Envelope";
pub(crate) const HEADER: &str = "Header";
/// Both `soap:Body` and an item's `t:Body`.
pub(crate) const BODY: &str = "Body";
pub(crate) const FAULT: &str = "Fault";
/// SOAP 1.1 fault children are unqualified.
pub(crate) const FAULT_CODE: &str = "faultcode";
pub(crate) const FAULT_STRING: &str = "faultstring";
pub(crate) const DETAIL: &str = "detail";

// ---- headers -------------------------------------------------------------
pub(crate) const REQUEST_SERVER_VERSION: &str = "RequestServerVersion";
pub(crate) const SERVER_VERSION_INFO: &str = "ServerVersionInfo";

// ---- attributes ----------------------------------------------------------
pub(crate) const VERSION: &str = "Version";
pub(crate) const MAJOR_VERSION: &str = "MajorVersion";
pub(crate) const MINOR_VERSION: &str = "MinorVersion";
pub(crate) const MAJOR_BUILD_NUMBER: &str = "MajorBuildNumber";
pub(crate) const MINOR_BUILD_NUMBER: &str = "MinorBuildNumber";
pub(crate) const ID: &str = "Id";
pub(crate) const CHANGE_KEY: &str = "ChangeKey";
pub(crate) const RESPONSE_CLASS: &str = "ResponseClass";
pub(crate) const SUBSCRIBE_TO_ALL_FOLDERS: &str = "SubscribeToAllFolders";
pub(crate) const DESTINATION_FORMAT: &str = "DestinationFormat";
pub(crate) const FORMAT: &str = "Format";
pub(crate) const RETURN_FULL_CONTACT_DATA: &str = "ReturnFullContactData";
/// Attribute of `t:Value` in fault `MessageXml`, and the display-name element of a `t:Mailbox`.
pub(crate) const NAME: &str = "Name";
/// Exchange tags `faultstring` with a language; written for fidelity only.
pub(crate) const XML_LANG: &str = "xml:lang";

// ---- folder ids ----------------------------------------------------------
pub(crate) const FOLDER_IDS: &str = "FolderIds";
pub(crate) const DISTINGUISHED_FOLDER_ID: &str = "DistinguishedFolderId";
pub(crate) const FOLDER_ID: &str = "FolderId";
/// Both the `t:Mailbox` element under `DistinguishedFolderId` and the
/// `Mailbox` attribute of `t:AlternateId`.
pub(crate) const MAILBOX: &str = "Mailbox";
pub(crate) const EMAIL_ADDRESS: &str = "EmailAddress";

// ---- operations (body payload local names) -------------------------------
pub(crate) const GET_FOLDER: &str = "GetFolder";
pub(crate) const SUBSCRIBE: &str = "Subscribe";
pub(crate) const UNSUBSCRIBE: &str = "Unsubscribe";
pub(crate) const CONVERT_ID: &str = "ConvertId";
pub(crate) const RESOLVE_NAMES: &str = "ResolveNames";
pub(crate) const SEND_NOTIFICATION: &str = "SendNotification";
pub(crate) const SEND_NOTIFICATION_RESULT: &str = "SendNotificationResult";
pub(crate) const CREATE_ITEM: &str = "CreateItem";
pub(crate) const FIND_ITEM: &str = "FindItem";
pub(crate) const UPDATE_ITEM: &str = "UpdateItem";
/// Exchange 2013 and later.
pub(crate) const MARK_ALL_ITEMS_AS_READ: &str = "MarkAllItemsAsRead";

// ---- GetFolder -----------------------------------------------------------
pub(crate) const FOLDER_SHAPE: &str = "FolderShape";
pub(crate) const BASE_SHAPE: &str = "BaseShape";
pub(crate) const FOLDERS: &str = "Folders";
pub(crate) const FOLDER: &str = "Folder";
pub(crate) const DISPLAY_NAME: &str = "DisplayName";
pub(crate) const TOTAL_COUNT: &str = "TotalCount";
pub(crate) const CHILD_FOLDER_COUNT: &str = "ChildFolderCount";
pub(crate) const UNREAD_COUNT: &str = "UnreadCount";

// ---- Subscribe / Unsubscribe ---------------------------------------------
pub(crate) const PUSH_SUBSCRIPTION_REQUEST: &str = "PushSubscriptionRequest";
pub(crate) const PULL_SUBSCRIPTION_REQUEST: &str = "PullSubscriptionRequest";
pub(crate) const STREAMING_SUBSCRIPTION_REQUEST: &str = "StreamingSubscriptionRequest";
pub(crate) const EVENT_TYPES: &str = "EventTypes";
pub(crate) const EVENT_TYPE: &str = "EventType";
pub(crate) const WATERMARK: &str = "Watermark";
pub(crate) const STATUS_FREQUENCY: &str = "StatusFrequency";
/// Upper case on the wire, although the reference page is titled "Url".
pub(crate) const URL: &str = "URL";
pub(crate) const CALLER_DATA: &str = "CallerData";
pub(crate) const TIMEOUT: &str = "Timeout";
pub(crate) const SUBSCRIPTION_ID: &str = "SubscriptionId";

// ---- items ([MS-OXWSCORE], [MS-OXWSMSG]) --------------------------------
/// `m:Items` in CreateItem and in Create/UpdateItem responses, `t:Items` in a FindItem `RootFolder`.
pub(crate) const ITEMS: &str = "Items";
pub(crate) const MESSAGE_DISPOSITION: &str = "MessageDisposition";
pub(crate) const SAVED_ITEM_FOLDER_ID: &str = "SavedItemFolderId";
pub(crate) const SUBJECT: &str = "Subject";
pub(crate) const BODY_TYPE: &str = "BodyType";
pub(crate) const TO_RECIPIENTS: &str = "ToRecipients";
pub(crate) const FROM: &str = "From";
pub(crate) const IS_READ: &str = "IsRead";
pub(crate) const ROUTING_TYPE: &str = "RoutingType";
/// The only routing type this codec writes.
pub(crate) const ROUTING_TYPE_SMTP: &str = "SMTP";

// ---- FindItem ([MS-OXWSSRCH]) ---------------------------------------------
pub(crate) const TRAVERSAL: &str = "Traversal";
pub(crate) const ITEM_SHAPE: &str = "ItemShape";
pub(crate) const ADDITIONAL_PROPERTIES: &str = "AdditionalProperties";
/// Both the `t:FieldURI` element and its `FieldURI` attribute.
pub(crate) const FIELD_URI: &str = "FieldURI";
pub(crate) const INDEXED_PAGE_ITEM_VIEW: &str = "IndexedPageItemView";
pub(crate) const MAX_ENTRIES_RETURNED: &str = "MaxEntriesReturned";
pub(crate) const OFFSET: &str = "Offset";
pub(crate) const BASE_POINT: &str = "BasePoint";
pub(crate) const RESTRICTION: &str = "Restriction";
pub(crate) const IS_EQUAL_TO: &str = "IsEqualTo";
pub(crate) const FIELD_URI_OR_CONSTANT: &str = "FieldURIOrConstant";
pub(crate) const CONSTANT: &str = "Constant";
pub(crate) const PARENT_FOLDER_IDS: &str = "ParentFolderIds";
pub(crate) const ROOT_FOLDER: &str = "RootFolder";
pub(crate) const TOTAL_ITEMS_IN_VIEW: &str = "TotalItemsInView";
pub(crate) const INCLUDES_LAST_ITEM_IN_RANGE: &str = "IncludesLastItemInRange";
pub(crate) const INDEXED_PAGING_OFFSET: &str = "IndexedPagingOffset";

// ---- UpdateItem / MarkAllItemsAsRead --------------------------------------
pub(crate) const CONFLICT_RESOLUTION: &str = "ConflictResolution";
/// The UpdateItem attribute (Exchange 2013 SP1+) and the MarkAllItemsAsRead element.
pub(crate) const SUPPRESS_READ_RECEIPTS: &str = "SuppressReadReceipts";
pub(crate) const ITEM_CHANGES: &str = "ItemChanges";
pub(crate) const ITEM_CHANGE: &str = "ItemChange";
pub(crate) const UPDATES: &str = "Updates";
pub(crate) const SET_ITEM_FIELD: &str = "SetItemField";
pub(crate) const CONFLICT_RESULTS: &str = "ConflictResults";
pub(crate) const COUNT: &str = "Count";
pub(crate) const READ_FLAG: &str = "ReadFlag";

// ---- ConvertId / ResolveNames probes -------------------------------------
pub(crate) const SOURCE_IDS: &str = "SourceIds";
pub(crate) const ALTERNATE_ID: &str = "AlternateId";
pub(crate) const UNRESOLVED_ENTRY: &str = "UnresolvedEntry";

// ---- response messages ---------------------------------------------------
pub(crate) const RESPONSE_MESSAGES: &str = "ResponseMessages";
pub(crate) const RESPONSE_CODE: &str = "ResponseCode";
pub(crate) const MESSAGE_TEXT: &str = "MessageText";
pub(crate) const DESCRIPTIVE_LINK_KEY: &str = "DescriptiveLinkKey";
/// `{Operation}Response` wraps the messages of every operation.
pub(crate) const RESPONSE_SUFFIX: &str = "Response";
/// `{Operation}ResponseMessage` is one message inside `ResponseMessages`.
pub(crate) const RESPONSE_MESSAGE_SUFFIX: &str = "ResponseMessage";

// ---- notifications -------------------------------------------------------
pub(crate) const NOTIFICATION: &str = "Notification";
pub(crate) const PREVIOUS_WATERMARK: &str = "PreviousWatermark";
pub(crate) const MORE_EVENTS: &str = "MoreEvents";
pub(crate) const TIME_STAMP: &str = "TimeStamp";
pub(crate) const ITEM_ID: &str = "ItemId";
pub(crate) const PARENT_FOLDER_ID: &str = "ParentFolderId";
pub(crate) const OLD_ITEM_ID: &str = "OldItemId";
pub(crate) const OLD_FOLDER_ID: &str = "OldFolderId";
pub(crate) const OLD_PARENT_FOLDER_ID: &str = "OldParentFolderId";
pub(crate) const SUBSCRIPTION_STATUS: &str = "SubscriptionStatus";

// ---- fault detail --------------------------------------------------------
/// `e:Message` in fault detail, and the `t:Message` item.
pub(crate) const MESSAGE: &str = "Message";
/// Exchange 2007 put schema-error coordinates directly in detail.
pub(crate) const LINE: &str = "Line";
pub(crate) const POSITION: &str = "Position";
/// Exchange 2010+ put them in `t:MessageXml`, which is where exchangelib looks.
pub(crate) const MESSAGE_XML: &str = "MessageXml";
pub(crate) const LINE_NUMBER: &str = "LineNumber";
pub(crate) const LINE_POSITION: &str = "LinePosition";
/// The `t:Value` element of `MessageXml`, and the `Value` attribute of a restriction's `t:Constant`.
pub(crate) const VALUE: &str = "Value";

// ---- fixed values --------------------------------------------------------
pub(crate) const TRUE: &str = "true";
pub(crate) const FALSE: &str = "false";
pub(crate) const BASE_SHAPE_ALL_PROPERTIES: &str = "AllProperties";
/// exchangelib's version/auth probe converts a dummy EwsId to an EntryId.
pub(crate) const DESTINATION_FORMAT_ENTRY_ID: &str = "EntryId";
pub(crate) const FORMAT_EWS_ID: &str = "EwsId";
pub(crate) const PROBE_DUMMY: &str = "DUMMY";
pub(crate) const BACK_OFF_MILLISECONDS: &str = "BackOffMilliseconds";
pub(crate) const FAULT_STRING_LANG: &str = "en-US";
/// Minutes; the smallest legal value, used by the pull-subscribe probe.
pub(crate) const PROBE_PULL_TIMEOUT: &str = "1";

/// `GetFolder` → `GetFolderResponse`.
pub(crate) fn response_name(operation: &str) -> String {
    format!("{operation}{RESPONSE_SUFFIX}")
}

/// `GetFolder` → `GetFolderResponseMessage`.
pub(crate) fn response_message_name(operation: &str) -> String {
    format!("{operation}{RESPONSE_MESSAGE_SUFFIX}")
}
