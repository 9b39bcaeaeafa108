//! Every element name, attribute name and fixed value this crate reads or
//! writes, spelled once. Public so that the harness can name elements in its
//! own assertions without retyping them (a typo in `URL` vs `Url` is a real
//! interop bug: php-ews shipped one).

// ---- SOAP envelope -------------------------------------------------------
pub const ENVELOPE: &str = "Envelope";
pub const HEADER: &str = "Header";
pub const BODY: &str = "Body";
pub const FAULT: &str = "Fault";
/// SOAP 1.1 fault children are unqualified.
pub const FAULT_CODE: &str = "faultcode";
pub const FAULT_STRING: &str = "faultstring";
pub const DETAIL: &str = "detail";

// ---- headers -------------------------------------------------------------
pub const REQUEST_SERVER_VERSION: &str = "RequestServerVersion";
pub const SERVER_VERSION_INFO: &str = "ServerVersionInfo";

// ---- attributes ----------------------------------------------------------
pub const VERSION: &str = "Version";
pub const MAJOR_VERSION: &str = "MajorVersion";
pub const MINOR_VERSION: &str = "MinorVersion";
pub const MAJOR_BUILD_NUMBER: &str = "MajorBuildNumber";
pub const MINOR_BUILD_NUMBER: &str = "MinorBuildNumber";
pub const ID: &str = "Id";
pub const CHANGE_KEY: &str = "ChangeKey";
pub const RESPONSE_CLASS: &str = "ResponseClass";
pub const SUBSCRIBE_TO_ALL_FOLDERS: &str = "SubscribeToAllFolders";
pub const DESTINATION_FORMAT: &str = "DestinationFormat";
pub const FORMAT: &str = "Format";
pub const RETURN_FULL_CONTACT_DATA: &str = "ReturnFullContactData";
/// Attribute of `t:Value` in fault `MessageXml`.
pub const NAME: &str = "Name";
/// Exchange tags `faultstring` with a language; written for fidelity only.
pub const XML_LANG: &str = "xml:lang";

// ---- folder ids ----------------------------------------------------------
pub const FOLDER_IDS: &str = "FolderIds";
pub const DISTINGUISHED_FOLDER_ID: &str = "DistinguishedFolderId";
pub const FOLDER_ID: &str = "FolderId";
/// Both the `t:Mailbox` element under `DistinguishedFolderId` and the
/// `Mailbox` attribute of `t:AlternateId`.
pub const MAILBOX: &str = "Mailbox";
pub const EMAIL_ADDRESS: &str = "EmailAddress";

// ---- operations (body payload local names) -------------------------------
pub const GET_FOLDER: &str = "GetFolder";
pub const SUBSCRIBE: &str = "Subscribe";
pub const UNSUBSCRIBE: &str = "Unsubscribe";
pub const CONVERT_ID: &str = "ConvertId";
pub const RESOLVE_NAMES: &str = "ResolveNames";
pub const SEND_NOTIFICATION: &str = "SendNotification";
pub const SEND_NOTIFICATION_RESULT: &str = "SendNotificationResult";

// ---- GetFolder -----------------------------------------------------------
pub const FOLDER_SHAPE: &str = "FolderShape";
pub const BASE_SHAPE: &str = "BaseShape";
pub const FOLDERS: &str = "Folders";
pub const FOLDER: &str = "Folder";
pub const DISPLAY_NAME: &str = "DisplayName";
pub const TOTAL_COUNT: &str = "TotalCount";
pub const CHILD_FOLDER_COUNT: &str = "ChildFolderCount";
pub const UNREAD_COUNT: &str = "UnreadCount";

// ---- Subscribe / Unsubscribe ---------------------------------------------
pub const PUSH_SUBSCRIPTION_REQUEST: &str = "PushSubscriptionRequest";
pub const PULL_SUBSCRIPTION_REQUEST: &str = "PullSubscriptionRequest";
pub const STREAMING_SUBSCRIPTION_REQUEST: &str = "StreamingSubscriptionRequest";
pub const EVENT_TYPES: &str = "EventTypes";
pub const EVENT_TYPE: &str = "EventType";
pub const WATERMARK: &str = "Watermark";
pub const STATUS_FREQUENCY: &str = "StatusFrequency";
/// Upper case on the wire, although the reference page is titled "Url".
pub const URL: &str = "URL";
pub const CALLER_DATA: &str = "CallerData";
pub const TIMEOUT: &str = "Timeout";
pub const SUBSCRIPTION_ID: &str = "SubscriptionId";

// ---- ConvertId / ResolveNames probes -------------------------------------
pub const SOURCE_IDS: &str = "SourceIds";
pub const ALTERNATE_ID: &str = "AlternateId";
pub const UNRESOLVED_ENTRY: &str = "UnresolvedEntry";

// ---- response messages ---------------------------------------------------
pub const RESPONSE_MESSAGES: &str = "ResponseMessages";
pub const RESPONSE_CODE: &str = "ResponseCode";
pub const MESSAGE_TEXT: &str = "MessageText";
pub const DESCRIPTIVE_LINK_KEY: &str = "DescriptiveLinkKey";
/// `{Operation}Response` wraps the messages of every operation.
pub const RESPONSE_SUFFIX: &str = "Response";
/// `{Operation}ResponseMessage` is one message inside `ResponseMessages`.
pub const RESPONSE_MESSAGE_SUFFIX: &str = "ResponseMessage";

// ---- notifications -------------------------------------------------------
pub const NOTIFICATION: &str = "Notification";
pub const PREVIOUS_WATERMARK: &str = "PreviousWatermark";
pub const MORE_EVENTS: &str = "MoreEvents";
pub const TIME_STAMP: &str = "TimeStamp";
pub const ITEM_ID: &str = "ItemId";
pub const PARENT_FOLDER_ID: &str = "ParentFolderId";
pub const OLD_ITEM_ID: &str = "OldItemId";
pub const OLD_FOLDER_ID: &str = "OldFolderId";
pub const OLD_PARENT_FOLDER_ID: &str = "OldParentFolderId";
pub const SUBSCRIPTION_STATUS: &str = "SubscriptionStatus";

// ---- fault detail --------------------------------------------------------
/// `e:Message` in fault detail.
pub const MESSAGE: &str = "Message";
/// Exchange 2007 put schema-error coordinates directly in detail.
pub const LINE: &str = "Line";
pub const POSITION: &str = "Position";
/// Exchange 2010+ put them in `t:MessageXml`, which is where exchangelib looks.
pub const MESSAGE_XML: &str = "MessageXml";
pub const LINE_NUMBER: &str = "LineNumber";
pub const LINE_POSITION: &str = "LinePosition";
pub const VALUE: &str = "Value";

// ---- fixed values --------------------------------------------------------
pub const TRUE: &str = "true";
pub const FALSE: &str = "false";
pub const BASE_SHAPE_ALL_PROPERTIES: &str = "AllProperties";
/// exchangelib's version/auth probe converts a dummy EwsId to an EntryId.
pub const DESTINATION_FORMAT_ENTRY_ID: &str = "EntryId";
pub const FORMAT_EWS_ID: &str = "EwsId";
pub const PROBE_DUMMY: &str = "DUMMY";
pub const BACK_OFF_MILLISECONDS: &str = "BackOffMilliseconds";
pub const FAULT_STRING_LANG: &str = "en-US";
/// Minutes; the smallest legal value, used by the pull-subscribe probe.
pub const PROBE_PULL_TIMEOUT: &str = "1";

/// `GetFolder` → `GetFolderResponse`.
pub fn response_name(operation: &str) -> String {
    format!("{operation}{RESPONSE_SUFFIX}")
}

/// `GetFolder` → `GetFolderResponseMessage`.
pub fn response_message_name(operation: &str) -> String {
    format!("{operation}{RESPONSE_MESSAGE_SUFFIX}")
}
