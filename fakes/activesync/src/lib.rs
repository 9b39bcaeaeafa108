//! The WBXML codec of [MS-ASWBXML] as Exchange ActiveSync uses it.
//!
//! ActiveSync bodies are WBXML 1.3 restricted to tags, code pages, inline
//! strings and opaque data: no attributes, entities, processing instructions
//! or string-table references. This crate implements exactly that subset, so
//! that a fake server and a client simulator can speak byte-exact ActiveSync
//! and a conformance run can name the offending byte when a peer does not.
//!
//! * [`decode`] turns a body into a [`Document`] and refuses everything
//!   outside the subset with a [`WbxmlError`] that names the byte offset. It
//!   never panics and its work is bounded by the input, however hostile.
//! * [`encode`] is canonical: the `03 01 6A 00` header, SWITCH_PAGE only when
//!   the page changes, the content flag only on elements with content.
//! * The code pages live in [`pages`], one name ↔ token table per page, with
//!   a typed enum per page so bodies can be built concisely:
//!
//! ```
//! use mailconform_activesync::{decode, el, encode, leaf, Document, FolderHierarchy};
//!
//! let request = Document::new(el(FolderHierarchy::FolderSync, [leaf(FolderHierarchy::SyncKey, "0")]));
//! let bytes = encode(&request).unwrap();
//! assert_eq!(bytes, [0x03, 0x01, 0x6A, 0x00, 0x00, 0x07, 0x56, 0x52, 0x03, 0x30, 0x00, 0x01, 0x01]);
//! assert_eq!(decode(&bytes).unwrap().find(&["SyncKey"]), Some("0"));
//! ```
//!
//! * [`Document::to_xml_string`] prints a body the way Microsoft's
//!   documentation shows it, for reports and transcripts.
//!
//! On top of the codec sit the protocol layers, one job per module:
//!
//! * [`http`]: the [MS-ASHTTP] transport — protocol versions, command names and
//!   codes, both query forms, [`http::EasRequest`] for reading and writing
//!   requests, HTTP status codes and response builders.
//! * [`status`]: every command Status value, named per command.
//! * [`policy`]: the device security policy and its `EASProvisionDoc`.
//! * [`bodies`]: builders of the bodies of an account set-up (FolderSync, Sync, Provision).
//! * [`store`]: the in-memory mailboxes a fake server serves.
//! * [`server`]: the fake ActiveSync server ([`EasServer`]).
//! * [`client`]: the ActiveSync client of the device simulators ([`EasClient`]).

#![forbid(unsafe_code)]
#![warn(missing_docs)]

pub mod bodies;
pub mod client;
mod decode;
mod document;
mod encode;
mod error;
mod header;
pub mod http;
mod mbuint;
mod pages;
pub mod policy;
pub mod server;
pub mod status;
pub mod store;
mod token;
mod xml;

#[cfg(test)]
mod examples;
#[cfg(test)]
mod proptests;

pub use client::{EasClient, EasError};
pub use decode::{decode, MAX_DEPTH};
pub use document::{el, empty, leaf, opaque, text, Document, Element, Node};
pub use encode::encode;
pub use error::WbxmlError;
pub use http::{Command, EasRequest, ProtocolVersion};
pub use pages::{
    AirSync, AirSyncBase, Calendar, CodePage, ComposeMail, Contacts, Contacts2, DocumentLibrary, Email, Email2, Find, FolderHierarchy, Gal,
    GetItemEstimate, ItemOperations, MeetingResponse, Move, Notes, Ping, Provision, ResolveRecipients, RightsManagement, Search, Settings,
    Tag, TagEntry, Tasks, ValidateCert,
};
pub use policy::DevicePolicy;
pub use server::{EasConfig, EasServer};
pub use store::{MeetingDeletePolicy, MemoryStore, NewItem};
