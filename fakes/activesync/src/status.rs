//! Every ActiveSync `Status` value a client can meet, named per command.
//!
//! A status is only meaningful together with the element it sits in: `3` is "invalid sync
//! key" in Sync, "missing parameters" in Ping and "server error" in Provision. So each
//! command has its own module, and the common statuses of [MS-ASCMD] 2.2.2 (101–177,
//! which any command may return from 14.0 on) have theirs.
//!
//! Sources: [MS-ASCMD] 2.2.2 and the per-command Status sections, [MS-ASPROV] 2.2.2.54,
//! cross-checked against Z-Push's `lib/core/zpushdefs.php`, which defines every value here.
//! Where a name or value rests on Z-Push alone, its doc comment says UNCONFIRMED.

/// A status value as it appears in WBXML (`<Status>142</Status>`).
pub type Status = u16;

/// The common status codes of [MS-ASCMD] 2.2.2, valid for every command from 14.0 on.
pub mod common {
    use super::Status;
    /// Success; commands that have their own Status use 1 for it too.
    pub const SUCCESS: Status = 1;
    /// The body does not match the command's schema (a missing or misplaced element).
    pub const INVALID_CONTENT: Status = 101;
    /// The body is not valid WBXML.
    pub const INVALID_WBXML: Status = 102;
    /// The body decodes but is not valid XML for the command.
    pub const INVALID_XML: Status = 103;
    /// A date-time value is malformed.
    pub const INVALID_DATETIME: Status = 104;
    /// Ids that cannot be used together (such as a ServerId with a LongId).
    pub const INVALID_COMBINATION_OF_IDS: Status = 105;
    /// An id is malformed.
    pub const INVALID_IDS: Status = 106;
    /// The MIME of a message to send cannot be parsed.
    pub const INVALID_MIME: Status = 107;
    /// The DeviceId is absent or malformed.
    pub const DEVICE_ID_MISSING_OR_INVALID: Status = 108;
    /// The DeviceType is absent or malformed.
    pub const DEVICE_TYPE_MISSING_OR_INVALID: Status = 109;
    /// An unspecified server failure; the client may retry.
    pub const SERVER_ERROR: Status = 110;
    /// A transient server failure; retry later.
    pub const SERVER_ERROR_RETRY_LATER: Status = 111;
    /// The server cannot read the user's directory object.
    pub const ACTIVE_DIRECTORY_ACCESS_DENIED: Status = 112;
    /// The mailbox is full.
    pub const MAILBOX_QUOTA_EXCEEDED: Status = 113;
    /// The mailbox server is offline.
    pub const MAILBOX_SERVER_OFFLINE: Status = 114;
    /// The user may send no more mail.
    pub const SEND_QUOTA_EXCEEDED: Status = 115;
    /// A recipient of the message could not be resolved.
    pub const MESSAGE_RECIPIENT_UNRESOLVED: Status = 116;
    /// The message may not be replied to.
    pub const MESSAGE_REPLY_NOT_ALLOWED: Status = 117;
    /// A message with this ClientId was already sent.
    pub const MESSAGE_PREVIOUSLY_SENT: Status = 118;
    /// The message names no recipient.
    pub const MESSAGE_HAS_NO_RECIPIENT: Status = 119;
    /// The server could not submit the message.
    pub const MAIL_SUBMISSION_FAILED: Status = 120;
    /// The reply or forward could not be built from the original.
    pub const MESSAGE_REPLY_FAILED: Status = 121;
    /// An attachment exceeds the server's limit.
    pub const ATTACHMENT_IS_TOO_LARGE: Status = 122;
    /// The user has no mailbox.
    pub const USER_HAS_NO_MAILBOX: Status = 123;
    /// The request was not authenticated as a user.
    pub const USER_CANNOT_BE_ANONYMOUS: Status = 124;
    /// The user is not in the directory.
    pub const USER_PRINCIPAL_COULD_NOT_BE_FOUND: Status = 125;
    /// ActiveSync is disabled for the user.
    pub const USER_DISABLED_FOR_SYNC: Status = 126;
    /// The mailbox is on a server version this server cannot proxy to.
    pub const USER_ON_NEW_MAILBOX_CANNOT_SYNC: Status = 127;
    /// The mailbox is on a legacy server this server cannot proxy to.
    pub const USER_ON_LEGACY_MAILBOX_CANNOT_SYNC: Status = 128;
    /// An administrator blocked this device for this user.
    pub const DEVICE_IS_BLOCKED_FOR_THIS_USER: Status = 129;
    /// The user may not perform this operation.
    pub const ACCESS_DENIED: Status = 130;
    /// The user's account is disabled.
    pub const ACCOUNT_DISABLED: Status = 131;
    /// The server lost the sync state; the client must resynchronize.
    pub const SYNC_STATE_NOT_FOUND: Status = 132;
    /// The sync state is locked by a concurrent request; retry.
    pub const SYNC_STATE_LOCKED: Status = 133;
    /// The sync state is corrupt; the client must resynchronize.
    pub const SYNC_STATE_CORRUPT: Status = 134;
    /// The sync state already exists.
    pub const SYNC_STATE_ALREADY_EXISTS: Status = 135;
    /// The sync state is of a version the server cannot read.
    pub const SYNC_STATE_VERSION_INVALID: Status = 136;
    /// The server does not serve this command (14.0 on; older clients get HTTP 501).
    pub const COMMAND_NOT_SUPPORTED: Status = 137;
    /// The server does not speak the requested protocol version.
    pub const VERSION_NOT_SUPPORTED: Status = 138;
    /// The device cannot fully comply with the policy ([MS-ASPROV] 3.1.5.2).
    pub const DEVICE_NOT_FULLY_PROVISIONABLE: Status = 139;
    /// A remote wipe is pending: the client must send Provision to receive it.
    pub const REMOTE_WIPE_REQUESTED: Status = 140;
    /// The device sent no policy key and the server requires one; it cannot be provisioned
    /// (legacy device on a strict policy).
    pub const LEGACY_DEVICE_ON_STRICT_POLICY: Status = 141;
    /// The device is not provisioned: it must run Provision.
    pub const DEVICE_NOT_PROVISIONED: Status = 142;
    /// The policy changed since the device was provisioned: run Provision again.
    pub const POLICY_REFRESH: Status = 143;
    /// The policy key the device sent is not the current one.
    pub const INVALID_POLICY_KEY: Status = 144;
    /// The device is managed by a third party, which the policy forbids.
    pub const EXTERNALLY_MANAGED_DEVICES_NOT_ALLOWED: Status = 145;
    /// The operation needs a recurring meeting and the item is not one.
    pub const NO_RECURRENCE_IN_CALENDAR: Status = 146;
    /// The item is not of a class the operation applies to.
    pub const UNEXPECTED_ITEM_CLASS: Status = 147;
    /// The proxied-to server does not offer TLS.
    pub const REMOTE_SERVER_HAS_NO_SSL: Status = 148;
    /// A cached request (empty Sync or Ping) cannot be reused.
    pub const INVALID_STORED_REQUEST: Status = 149;
    /// The item does not exist.
    pub const ITEM_NOT_FOUND: Status = 150;
    /// The mailbox has more folders than the server will sync.
    pub const TOO_MANY_FOLDERS: Status = 151;
    /// The mailbox has no folders.
    pub const NO_FOLDERS_FOUND: Status = 152;
    /// Items were lost while moving between folders.
    pub const ITEMS_LOST_AFTER_MOVE: Status = 153;
    /// A move failed.
    pub const FAILURE_IN_MOVE_OPERATION: Status = 154;
    /// A conversation move without `MoveAlways` is refused.
    pub const MOVE_COMMAND_DISALLOWED_FOR_NON_PERSISTENT_MOVE_ACTION: Status = 155;
    /// The move's destination folder is not valid.
    pub const MOVE_COMMAND_INVALID_DESTINATION_FOLDER: Status = 156;
    /// A free/busy request names too many recipients.
    pub const AVAILABILITY_TOO_MANY_RECIPIENTS: Status = 160;
    /// A distribution list in a free/busy request is too large.
    pub const AVAILABILITY_DL_LIMIT_REACHED: Status = 161;
    /// Free/busy lookup failed transiently.
    pub const AVAILABILITY_TRANSIENT_FAILURE: Status = 162;
    /// Free/busy lookup failed.
    pub const AVAILABILITY_FAILURE: Status = 163;
    /// The BodyPartPreference asks for a type other than HTML.
    pub const BODY_PART_PREFERENCE_TYPE_NOT_SUPPORTED: Status = 164;
    /// Provision without `settings:DeviceInformation` from a 14.1+ client.
    pub const DEVICE_INFORMATION_REQUIRED: Status = 165;
    /// The AccountId names no account of the user.
    pub const INVALID_ACCOUNT_ID: Status = 166;
    /// Sending from that account is disabled.
    pub const ACCOUNT_SEND_DISABLED: Status = 167;
    /// Information Rights Management is disabled.
    pub const IRM_FEATURE_DISABLED: Status = 168;
    /// An IRM operation failed transiently.
    pub const IRM_TRANSIENT_ERROR: Status = 169;
    /// An IRM operation failed.
    pub const IRM_PERMANENT_ERROR: Status = 170;
    /// The IRM template id is unknown.
    pub const IRM_INVALID_TEMPLATE_ID: Status = 171;
    /// The IRM rights do not permit the operation.
    pub const IRM_OPERATION_NOT_PERMITTED: Status = 172;
    /// The contact has no picture.
    pub const NO_PICTURE: Status = 173;
    /// The picture exceeds the requested size.
    pub const PICTURE_TOO_LARGE: Status = 174;
    /// More pictures were asked for than the server returns.
    pub const PICTURE_LIMIT_REACHED: Status = 175;
    /// The conversation is too large to return as a body part.
    pub const BODY_PART_CONVERSATION_TOO_LARGE: Status = 176;
    /// The user has as many device partnerships as the server allows.
    pub const MAXIMUM_DEVICES_REACHED: Status = 177;

    /// The statuses that tell a client to (re-)provision before anything else.
    pub const PROVISIONING: &[Status] = &[
        DEVICE_NOT_FULLY_PROVISIONABLE,
        REMOTE_WIPE_REQUESTED,
        LEGACY_DEVICE_ON_STRICT_POLICY,
        DEVICE_NOT_PROVISIONED,
        POLICY_REFRESH,
        INVALID_POLICY_KEY,
    ];

    /// The schema name of a common status, for reports.
    pub fn name(status: Status) -> Option<&'static str> {
        Some(match status {
            INVALID_CONTENT => "InvalidContent",
            INVALID_WBXML => "InvalidWBXML",
            INVALID_XML => "InvalidXML",
            INVALID_DATETIME => "InvalidDateTime",
            INVALID_COMBINATION_OF_IDS => "InvalidCombinationOfIDs",
            INVALID_IDS => "InvalidIDs",
            INVALID_MIME => "InvalidMIME",
            DEVICE_ID_MISSING_OR_INVALID => "DeviceIdMissingOrInvalid",
            DEVICE_TYPE_MISSING_OR_INVALID => "DeviceTypeMissingOrInvalid",
            SERVER_ERROR => "ServerError",
            SERVER_ERROR_RETRY_LATER => "ServerErrorRetryLater",
            ACTIVE_DIRECTORY_ACCESS_DENIED => "ActiveDirectoryAccessDenied",
            MAILBOX_QUOTA_EXCEEDED => "MailboxQuotaExceeded",
            MAILBOX_SERVER_OFFLINE => "MailboxServerOffline",
            SEND_QUOTA_EXCEEDED => "SendQuotaExceeded",
            MESSAGE_RECIPIENT_UNRESOLVED => "MessageRecipientUnresolved",
            MESSAGE_REPLY_NOT_ALLOWED => "MessageReplyNotAllowed",
            MESSAGE_PREVIOUSLY_SENT => "MessagePreviouslySent",
            MESSAGE_HAS_NO_RECIPIENT => "MessageHasNoRecipient",
            MAIL_SUBMISSION_FAILED => "MailSubmissionFailed",
            MESSAGE_REPLY_FAILED => "MessageReplyFailed",
            ATTACHMENT_IS_TOO_LARGE => "AttachmentIsTooLarge",
            USER_HAS_NO_MAILBOX => "UserHasNoMailbox",
            USER_CANNOT_BE_ANONYMOUS => "UserCannotBeAnonymous",
            USER_PRINCIPAL_COULD_NOT_BE_FOUND => "UserPrincipalCouldNotBeFound",
            USER_DISABLED_FOR_SYNC => "UserDisabledForSync",
            USER_ON_NEW_MAILBOX_CANNOT_SYNC => "UserOnNewMailboxCannotSync",
            USER_ON_LEGACY_MAILBOX_CANNOT_SYNC => "UserOnLegacyMailboxCannotSync",
            DEVICE_IS_BLOCKED_FOR_THIS_USER => "DeviceIsBlockedForThisUser",
            ACCESS_DENIED => "AccessDenied",
            ACCOUNT_DISABLED => "AccountDisabled",
            SYNC_STATE_NOT_FOUND => "SyncStateNotFound",
            SYNC_STATE_LOCKED => "SyncStateLocked",
            SYNC_STATE_CORRUPT => "SyncStateCorrupt",
            SYNC_STATE_ALREADY_EXISTS => "SyncStateAlreadyExists",
            SYNC_STATE_VERSION_INVALID => "SyncStateVersionInvalid",
            COMMAND_NOT_SUPPORTED => "CommandNotSupported",
            VERSION_NOT_SUPPORTED => "VersionNotSupported",
            DEVICE_NOT_FULLY_PROVISIONABLE => "DeviceNotFullyProvisionable",
            REMOTE_WIPE_REQUESTED => "RemoteWipeRequested",
            LEGACY_DEVICE_ON_STRICT_POLICY => "LegacyDeviceOnStrictPolicy",
            DEVICE_NOT_PROVISIONED => "DeviceNotProvisioned",
            POLICY_REFRESH => "PolicyRefresh",
            INVALID_POLICY_KEY => "InvalidPolicyKey",
            EXTERNALLY_MANAGED_DEVICES_NOT_ALLOWED => "ExternallyManagedDevicesNotAllowed",
            NO_RECURRENCE_IN_CALENDAR => "NoRecurrenceInCalendar",
            UNEXPECTED_ITEM_CLASS => "UnexpectedItemClass",
            REMOTE_SERVER_HAS_NO_SSL => "RemoteServerHasNoSSL",
            INVALID_STORED_REQUEST => "InvalidStoredRequest",
            ITEM_NOT_FOUND => "ItemNotFound",
            TOO_MANY_FOLDERS => "TooManyFolders",
            NO_FOLDERS_FOUND => "NoFoldersFound",
            ITEMS_LOST_AFTER_MOVE => "ItemsLostAfterMove",
            FAILURE_IN_MOVE_OPERATION => "FailureInMoveOperation",
            MOVE_COMMAND_DISALLOWED_FOR_NON_PERSISTENT_MOVE_ACTION => "MoveCommandDisallowedForNonPersistentMoveAction",
            MOVE_COMMAND_INVALID_DESTINATION_FOLDER => "MoveCommandInvalidDestinationFolder",
            AVAILABILITY_TOO_MANY_RECIPIENTS => "AvailabilityTooManyRecipients",
            AVAILABILITY_DL_LIMIT_REACHED => "AvailabilityDLLimitReached",
            AVAILABILITY_TRANSIENT_FAILURE => "AvailabilityTransientFailure",
            AVAILABILITY_FAILURE => "AvailabilityFailure",
            BODY_PART_PREFERENCE_TYPE_NOT_SUPPORTED => "BodyPartPreferenceTypeNotSupported",
            DEVICE_INFORMATION_REQUIRED => "DeviceInformationRequired",
            INVALID_ACCOUNT_ID => "InvalidAccountId",
            ACCOUNT_SEND_DISABLED => "AccountSendDisabled",
            IRM_FEATURE_DISABLED => "IRM_FeatureDisabled",
            IRM_TRANSIENT_ERROR => "IRM_TransientError",
            IRM_PERMANENT_ERROR => "IRM_PermanentError",
            IRM_INVALID_TEMPLATE_ID => "IRM_InvalidTemplateID",
            IRM_OPERATION_NOT_PERMITTED => "IRM_OperationNotPermitted",
            NO_PICTURE => "NoPicture",
            PICTURE_TOO_LARGE => "PictureTooLarge",
            PICTURE_LIMIT_REACHED => "PictureLimitReached",
            BODY_PART_CONVERSATION_TOO_LARGE => "BodyPart_ConversationTooLarge",
            MAXIMUM_DEVICES_REACHED => "MaximumDevicesReached",
            _ => return None,
        })
    }
}

/// `Status` in FolderSync, FolderCreate, FolderDelete and FolderUpdate ([MS-ASCMD] 2.2.3.177.x).
pub mod folder_sync {
    use super::Status;
    /// The operation succeeded.
    pub const SUCCESS: Status = 1;
    /// FolderCreate/FolderUpdate: a folder of that name exists.
    pub const FOLDER_EXISTS: Status = 2;
    /// The folder is a special folder that cannot be changed.
    pub const SYSTEM_FOLDER: Status = 3;
    /// The folder named by ServerId does not exist.
    pub const FOLDER_DOES_NOT_EXIST: Status = 4;
    /// The ParentId names no folder.
    pub const PARENT_NOT_FOUND: Status = 5;
    /// A server failure; retry.
    pub const SERVER_ERROR: Status = 6;
    /// The request timed out on the server; retry.
    pub const REQUEST_TIMED_OUT: Status = 8;
    /// The sync key does not match: the client must restart with key 0. A server MUST send it.
    pub const INVALID_SYNC_KEY: Status = 9;
    /// The request does not follow the schema.
    pub const MALFORMED_REQUEST: Status = 10;
    /// An unknown failure.
    pub const UNKNOWN_ERROR: Status = 11;
    /// Z-Push's `CODEUNKNOWN`; [MS-ASCMD] describes 12 as an unusual back-end issue.
    pub const CODE_UNKNOWN: Status = 12;
}

/// `Status` in Sync ([MS-ASCMD] 2.2.3.177.17). 2, 10 and 11 are not assigned.
pub mod sync {
    use super::Status;
    /// The collection synchronized.
    pub const SUCCESS: Status = 1;
    /// The SyncKey is not the current (or the just-replaced) one: restart with key 0.
    pub const INVALID_SYNC_KEY: Status = 3;
    /// A malformed request, including one with both Wait and HeartbeatInterval.
    pub const PROTOCOL_ERROR: Status = 4;
    /// A server failure; retry the Sync.
    pub const SERVER_ERROR: Status = 5;
    /// A client change could not be converted to a server item.
    pub const CONVERSION_ERROR: Status = 6;
    /// A client change conflicts with a server change; the server's wins.
    pub const CONFLICT: Status = 7;
    /// A client change names an item the server does not have.
    pub const OBJECT_NOT_FOUND: Status = 8;
    /// The Sync cannot be completed (mailbox full, for one).
    pub const CANNOT_BE_COMPLETED: Status = 9;
    /// The folder hierarchy changed (or the CollectionId is unknown): run FolderSync.
    pub const FOLDER_HIERARCHY_CHANGED: Status = 12;
    /// An empty or partial Sync request the server has nothing cached to complete with.
    pub const REQUEST_INCOMPLETE: Status = 13;
    /// Wait or HeartbeatInterval out of range; the response carries `Limit`.
    pub const INVALID_WAIT_OR_HEARTBEAT: Status = 14;
    /// The request is invalid as a whole (Exchange: too many collections).
    pub const INVALID_REQUEST: Status = 15;
    /// Something on the server caused a retriable error; resend the request.
    pub const RETRY: Status = 16;
}

/// `Status` in Ping ([MS-ASCMD] 2.2.3.177.13; all eight in Z-Push's `SYNC_PINGSTATUS_*`).
pub mod ping {
    use super::Status;
    /// The heartbeat expired with no change: reissue the Ping.
    pub const EXPIRED: Status = 1;
    /// Changes in the folders listed under `Folders`: Sync them.
    pub const CHANGES: Status = 2;
    /// The Ping needs parameters the server has not cached (first Ping without folders or
    /// heartbeat).
    pub const MISSING_PARAMETERS: Status = 3;
    /// The request does not follow the schema.
    pub const SYNTAX_ERROR: Status = 4;
    /// HeartbeatInterval out of range; the response's `HeartbeatInterval` is the bound.
    pub const HEARTBEAT_OUT_OF_RANGE: Status = 5;
    /// Too many folders; the response's `MaxFolders` is the limit.
    pub const TOO_MANY_FOLDERS: Status = 6;
    /// A monitored folder no longer exists: run FolderSync.
    pub const FOLDER_SYNC_REQUIRED: Status = 7;
    /// A server failure; retry.
    pub const SERVER_ERROR: Status = 8;
}

/// `Status` directly under `Provision` ([MS-ASPROV] 2.2.2.54.2). Z-Push also defines 4
/// (`DEVEXTMANAGED`), which the specification does not list: UNCONFIRMED.
pub mod provision {
    use super::Status;
    /// The Provision request succeeded.
    pub const SUCCESS: Status = 1;
    /// The request does not follow the schema.
    pub const PROTOCOL_ERROR: Status = 2;
    /// A server failure; retry.
    pub const SERVER_ERROR: Status = 3;
    /// UNCONFIRMED (Z-Push only): the device is externally managed.
    pub const DEVICE_EXTERNALLY_MANAGED: Status = 4;
}

/// `Status` under `Policy` in a server response ([MS-ASPROV] 2.2.2.54.1).
pub mod policy {
    use super::Status;
    /// The policy is in the response (or the acknowledgement was accepted).
    pub const SUCCESS: Status = 1;
    /// There is no policy for this client: it is accepted without provisioning.
    pub const NO_POLICY: Status = 2;
    /// The PolicyType is not one this server knows (see [`crate::policy`]).
    pub const UNKNOWN_POLICY_TYPE: Status = 3;
    /// The server's policy data is corrupt.
    pub const POLICY_DATA_CORRUPT: Status = 4;
    /// The client acknowledged a policy key other than the one it was sent.
    pub const WRONG_POLICY_KEY: Status = 5;
}

/// `Status` under `Policy` in a client acknowledgement ([MS-ASPROV] 2.2.2.54.1).
pub mod policy_ack {
    use super::Status;
    /// The policy was applied in full.
    pub const APPLIED: Status = 1;
    /// Partially applied: at least the PIN was enabled.
    pub const PARTIAL: Status = 2;
    /// The policy was not applied.
    pub const NOT_APPLIED: Status = 3;
    /// The client claims a third party provisioned it.
    pub const THIRD_PARTY: Status = 4;
}

/// `Status` under `RemoteWipe` in the client's acknowledgement ([MS-ASPROV] 3.1.5.1.2.2).
pub mod remote_wipe_ack {
    use super::Status;
    /// The device carried out the remote wipe.
    pub const WIPED: Status = 1;
    /// The device failed to wipe.
    pub const FAILED: Status = 2;
}

/// `Status` in GetItemEstimate ([MS-ASCMD] 2.2.3.177.6).
pub mod get_item_estimate {
    use super::Status;
    /// The estimate is in the response.
    pub const SUCCESS: Status = 1;
    /// The CollectionId names no collection.
    pub const INVALID_COLLECTION: Status = 2;
    /// The collection has no sync state yet (key 0): Sync first.
    pub const SYNC_STATE_NOT_PRIMED: Status = 3;
    /// The SyncKey is not the collection's current one.
    pub const INVALID_SYNC_KEY: Status = 4;
}

/// `Status` in ItemOperations ([MS-ASCMD] 2.2.3.177.7). Values and names follow Z-Push's
/// `SYNC_ITEMOPERATIONSSTATUS_*`; 17 and 18 rest on Z-Push alone: UNCONFIRMED.
pub mod item_operations {
    use super::Status;
    /// The operation succeeded.
    pub const SUCCESS: Status = 1;
    /// The request does not follow the schema.
    pub const PROTOCOL_ERROR: Status = 2;
    /// A server failure; retry.
    pub const SERVER_ERROR: Status = 3;
    /// The document library URI is malformed.
    pub const DOCUMENT_LIBRARY_BAD_URI: Status = 4;
    /// The document library denied access.
    pub const DOCUMENT_LIBRARY_ACCESS_DENIED: Status = 5;
    /// The object was not found (or access denied).
    pub const OBJECT_NOT_FOUND: Status = 6;
    /// The document library could not be reached.
    pub const DOCUMENT_LIBRARY_CONNECTION_FAILED: Status = 7;
    /// The Range is invalid or beyond the data.
    pub const BYTE_RANGE_INVALID: Status = 8;
    /// The Store is neither Mailbox nor Document Library.
    pub const STORE_UNKNOWN: Status = 9;
    /// The file is empty.
    pub const FILE_EMPTY: Status = 10;
    /// The data exceeds what the server returns in one response.
    pub const DATA_TOO_LARGE: Status = 11;
    /// The file could not be read.
    pub const IO_FAILURE: Status = 12;
    /// The item could not be converted to the requested form.
    pub const CONVERSION_FAILED: Status = 14;
    /// The FileReference names no attachment.
    pub const INVALID_ATTACHMENT: Status = 15;
    /// Access to the resource is blocked by policy.
    pub const RESOURCE_BLOCKED: Status = 16;
    /// UNCONFIRMED name.
    pub const PARTIAL_SUCCESS: Status = 17;
    /// UNCONFIRMED name.
    pub const CREDENTIALS_REQUIRED: Status = 18;
    /// A required element of the operation is missing.
    pub const PROTOCOL_ERROR_ELEMENT_MISSING: Status = 155;
    /// The server does not support the requested action.
    pub const ACTION_NOT_SUPPORTED: Status = 156;
}

/// `Status` in MeetingResponse `Result` ([MS-ASCMD] 2.2.3.177.9).
pub mod meeting_response {
    use super::Status;
    /// The response was recorded.
    pub const SUCCESS: Status = 1;
    /// The RequestId names no meeting request.
    pub const INVALID_MEETING_REQUEST: Status = 2;
    /// The mailbox could not be updated.
    pub const MAILBOX_ERROR: Status = 3;
    /// A server failure; retry.
    pub const SERVER_ERROR: Status = 4;
}

/// SendMail (and SmartReply/SmartForward) answer success with an empty 200 and failure with
/// a common status in `ComposeMail:Status`; these are the ones that concern sending.
pub mod send_mail {
    use super::{common, Status};
    /// Common 101: the body does not match the schema.
    pub const INVALID_CONTENT: Status = common::INVALID_CONTENT;
    /// Common 102: the body is not WBXML.
    pub const INVALID_WBXML: Status = common::INVALID_WBXML;
    /// Common 107: the message's MIME cannot be parsed.
    pub const INVALID_MIME: Status = common::INVALID_MIME;
    /// Common 110: a server failure.
    pub const SERVER_ERROR: Status = common::SERVER_ERROR;
    /// Common 116: a recipient cannot be resolved.
    pub const MESSAGE_RECIPIENT_UNRESOLVED: Status = common::MESSAGE_RECIPIENT_UNRESOLVED;
    /// Common 118: the ClientId was already sent.
    pub const MESSAGE_PREVIOUSLY_SENT: Status = common::MESSAGE_PREVIOUSLY_SENT;
    /// Common 119: the message names no recipient.
    pub const MESSAGE_HAS_NO_RECIPIENT: Status = common::MESSAGE_HAS_NO_RECIPIENT;
    /// Common 120: submission failed.
    pub const MAIL_SUBMISSION_FAILED: Status = common::MAIL_SUBMISSION_FAILED;
    /// Common 115: the user may send no more mail.
    pub const SEND_QUOTA_EXCEEDED: Status = common::SEND_QUOTA_EXCEEDED;
    /// Common 122: an attachment is too large.
    pub const ATTACHMENT_IS_TOO_LARGE: Status = common::ATTACHMENT_IS_TOO_LARGE;
}

/// `Status` in Settings and its parts ([MS-ASCMD] 2.2.3.177.15).
pub mod settings {
    use super::Status;
    /// The settings were read or set.
    pub const SUCCESS: Status = 1;
    /// The request does not follow the schema.
    pub const PROTOCOL_ERROR: Status = 2;
    /// The user may not read or set this setting.
    pub const ACCESS_DENIED: Status = 3;
    /// The server cannot serve the request now.
    pub const SERVER_UNAVAILABLE: Status = 4;
    /// A value is out of range or malformed.
    pub const INVALID_ARGUMENTS: Status = 5;
    /// Values that contradict each other.
    pub const CONFLICTING_ARGUMENTS: Status = 6;
    /// The policy forbids the change.
    pub const DENIED_BY_POLICY: Status = 7;
}

/// `Status` in MoveItems `Response` ([MS-ASCMD] 2.2.3.177.10). 3 is success here.
pub mod move_items {
    use super::Status;
    /// The source folder or item does not exist.
    pub const INVALID_SOURCE: Status = 1;
    /// The destination folder does not exist.
    pub const INVALID_DESTINATION: Status = 2;
    /// The item moved; the response carries its new id.
    pub const SUCCESS: Status = 3;
    /// Source and destination are the same folder.
    pub const SAME_SOURCE_AND_DESTINATION: Status = 4;
    /// The item cannot be moved (a failure, or more than one item matched).
    pub const CANNOT_MOVE: Status = 5;
    /// The source or destination is locked; retry.
    pub const SOURCE_OR_DESTINATION_LOCKED: Status = 7;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provisioning_statuses_are_the_139_to_144_block() {
        assert_eq!(common::PROVISIONING, &[139, 140, 141, 142, 143, 144]);
        assert_eq!(common::name(142), Some("DeviceNotProvisioned"));
        assert_eq!(common::name(165), Some("DeviceInformationRequired"));
        assert_eq!(common::name(157), None);
        for code in (101..=156).chain(160..=177) {
            assert!(common::name(code).is_some(), "{code}");
        }
    }
}
