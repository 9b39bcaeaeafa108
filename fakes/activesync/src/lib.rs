//! Exchange ActiveSync for the harness, in three layers that depend downwards only:
//!
//! 1. **Codec and wire** — what both ends of a connection share:
//!    * the WBXML codec of [MS-ASWBXML] ([`decode`], [`encode`], [`Document`], one typed
//!      enum per code page such as [`AirSync`] or [`Provision`]);
//!    * [`http`]: the [MS-ASHTTP] transport (protocol versions, commands and their codes,
//!      both query forms, [`EasRequest`], HTTP status codes and headers);
//!    * [`status`]: every Status value of [MS-ASCMD] 2.2.2 and the per-command tables;
//!    * [`policy`]: the [MS-ASPROV] device policy and its `EASProvisionDoc`;
//!    * [`bodies`]: builders of the request bodies of an account set-up.
//! 2. **Server engine** — [`server`] ([`EasServer`]): the fake Exchange or Notes Traveler
//!    ActiveSync endpoint, serving the in-memory mailboxes of [`store`] ([`MemoryStore`]),
//!    with the JSON control contract scenario steps drive it through
//!    ([`server::contract`]).
//! 3. **Client engine** — [`client`] ([`EasClient`]): the ActiveSync client of the device
//!    simulators, keeping what a phone keeps between commands (policy key, sync keys,
//!    items) and reacting as a phone does to 449, 451 and Status 140–144.
//!
//! The server and the client are built on the same codec and transport types, so they
//! cannot disagree about where a value travels; independent peers keep both honest: the
//! server's bodies are decoded by libwbxml and checked against Microsoft's schemas, and the
//! third-party pyactivesync client drives the server.
//!
//! # The codec
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
//! * Every code page of [MS-ASWBXML] 2.1.2.1 is a [`CodePage`] with its name ↔ token
//!   table, and a typed enum of its tags so bodies can be built concisely:
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

#![forbid(unsafe_code)]

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
