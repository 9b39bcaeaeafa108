//! HTTP/1.1 and HTTP/2 (hyper) over any byte stream, with or without TLS (rustls).

pub(crate) mod client;
pub mod record;
pub(crate) mod server;

pub use client::CONNECTIONS_OPENED;
pub use server::{body_too_large, EARLY_BODY};

use bytes::Bytes;

/// A request or response with its whole body in memory: every protocol here has small
/// bodies, and fakes are simpler when they never stream.
pub type Request = http::Request<Bytes>;
/// As [`Request`]: a response with its whole body.
pub type Response = http::Response<Bytes>;

/// Bodies above this are refused (413, in the form the handler gives, see
/// [`server::Handler::body_too_large`]) rather than read: bad input must not exhaust memory.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// The `Authorization` value of HTTP Basic authentication (RFC 7617): `Basic` and the
/// base64 of `login:password`. Every client of the harness that signs in with a password
/// builds its header here.
pub fn basic_authorization(login: &str, password: &str) -> String {
    use base64::Engine;
    format!("Basic {}", base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}")))
}

/// A response with a status and a body, and a content type when there is a body.
pub fn response(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response {
    let body: Bytes = body.into();
    let mut b = http::Response::builder().status(status);
    if !body.is_empty() {
        b = b.header(http::header::CONTENT_TYPE, content_type);
    }
    b.body(body).expect("static response parts are valid")
}
