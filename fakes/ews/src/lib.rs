//! EWS SOAP 1.1 codec for the operations a push-notification conversation needs:
//! GetFolder, Subscribe (push), Unsubscribe, the ConvertId/ResolveNames probes,
//! SendNotification and its SendNotificationResult, and SOAP faults; and for the
//! item operations that make mail move in a mailbox: CreateItem (send or save a
//! message), FindItem, UpdateItem (read state) and MarkAllItemsAsRead.
//!
//! Two rules shape every module:
//!
//! * **Read by local name.** Real clients and servers disagree on prefixes and
//!   even on namespaces (exchangelib writes `m:Watermark` where the schema says
//!   `t:Watermark`; some Exchange 2007 captures put `RequestServerVersion` in
//!   `m:`). A conformance harness has to accept what the real peers send, so the
//!   parsers never look at namespaces.
//! * **Write the canonical namespaces.** What we emit must be what the strictest
//!   peer (exchangelib's `{namespace}Local` lookups, .NET's XmlSerializer)
//!   accepts, so writers always use the `soap`/`m`/`t`/`e` URIs from [`ns`].
//!
//! Parsers return [`EwsError`] for any input they cannot make sense of and never
//! panic; the property tests feed them arbitrary bytes to hold that line.

#![forbid(unsafe_code)]

/// Generates `as_str`/`parse`/`ALL` for enums whose variants are wire strings, so
/// that each string is spelled exactly once.
macro_rules! wire_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($(#[$vmeta:meta])* $variant:ident => $wire:literal),+ $(,)? }) => {
        $(#[$meta])*
        pub enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The exact spelling on the wire.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $wire),+ }
            }

            /// Exact, case-sensitive match on the wire spelling (the schemas are
            /// enumerations, and .NET rejects any other casing).
            pub fn parse(s: &str) -> Option<Self> {
                match s { $($wire => Some(Self::$variant),)+ _ => None }
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

mod codes;
mod dom;
mod envelope;
mod error;
mod event_type;
mod fault;
mod folder;
mod item;
mod names;
mod notification;
pub mod ns;
mod request;
mod request_writer;
mod response;
mod version;
mod xml_out;

#[cfg(test)]
mod proptests;
#[cfg(test)]
mod testdata;

pub use codes::{ResponseClass, ResponseCode};
pub use envelope::parse_server_version_info;
pub use error::EwsError;
pub use event_type::EventType;
pub use fault::{parse_fault, parse_fault_back_off, write_fault, write_fault_with_back_off, Fault};
pub use folder::{FolderInfo, FolderRef};
pub use item::{
    BasePoint, BaseShape, BodyType, ConflictResolution, FieldUri, FoundItem, FoundItems, IndexedPage, ItemChange, ItemRef, ItemUpdate,
    MessageDisposition, NewMessage, Restriction, Traversal, UpdatedItem,
};
pub use notification::{
    parse_send_notification, parse_send_notification_result, write_send_notification, write_send_notification_result, Event, Notification,
    ObjectId, SubscriptionStatus,
};
pub use request::{
    parse_request, CreateItemRequest, FindItemRequest, MarkAllItemsAsReadRequest, Operation, PushSubscriptionRequest, RequestEnvelope,
    UpdateItemRequest,
};
pub use request_writer::write_request;
pub use response::{
    parse_create_item_response, parse_error_response, parse_find_item_response, parse_get_folder_response, parse_mark_all_read_response,
    parse_subscribe_response, parse_unsubscribe_response, parse_update_item_response, write_create_item_response, write_error_response,
    write_find_item_response, write_get_folder_response, write_mark_all_read_response, write_subscribe_response,
    write_unsubscribe_response, write_update_item_response, ResponseError,
};
pub use version::{SchemaVersion, ServerVersionInfo};
