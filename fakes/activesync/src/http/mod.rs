//! The [MS-ASHTTP] transport: how an ActiveSync command rides on HTTP.
//!
//! Part of the wire layer: both the server engine and the client engine read and write
//! requests through these types, never through strings of their own.
//!
//! Every command is a `POST <path>?<query>` whose query is either the plain
//! `Cmd=…&User=…&DeviceId=…&DeviceType=…` (version and policy key in the
//! `MS-ASProtocolVersion` and `X-MS-PolicyKey` headers) or one base64 string packing all of
//! it; the body is WBXML of content type `application/vnd.ms-sync.wbxml`. OPTIONS on the
//! same path advertises the versions and commands the server speaks.
//!
//! * [`ProtocolVersion`] and [`Command`] are the single source of the version strings, the
//!   command names and their base64 codes.
//! * [`EasRequest`] is one request, read from HTTP by the server ([`EasRequest::from_http`])
//!   or written by the client ([`EasRequest::to_http`], [`EasRequest::to_http_base64`]).
//! * [`response`] holds the HTTP status codes, header names and response builders.

mod command;
pub mod query;
mod request;
pub mod response;
mod version;

pub use command::Command;
pub use query::{CommandParams, QueryError, QueryForm};
pub use request::{EasRequest, RequestError};
pub use response::{code, header, DEFAULT_PATH, WBXML_CONTENT_TYPE};
pub use version::ProtocolVersion;
