//! HTTP/1.1 and HTTP/2 (hyper) over any byte stream, with or without TLS (rustls).

pub mod client;
pub mod server;

use bytes::Bytes;

/// A request or response with its whole body in memory: every protocol here has small
/// bodies, and fakes are simpler when they never stream.
pub type Request = http::Request<Bytes>;
pub type Response = http::Response<Bytes>;

/// Bodies above this are refused (413, in the form the handler gives, see
/// [`server::Handler::body_too_large`]) rather than read: bad input must not exhaust memory.
pub const MAX_BODY: usize = 8 * 1024 * 1024;

/// A response with a status and a body, and a content type when there is a body.
pub fn response(status: u16, content_type: &str, body: impl Into<Bytes>) -> Response {
    let body: Bytes = body.into();
    let mut b = http::Response::builder().status(status);
    if !body.is_empty() {
        b = b.header(http::header::CONTENT_TYPE, content_type);
    }
    b.body(body).expect("static response parts are valid")
}

pub fn json_response(status: u16, value: &serde_json::Value) -> Response {
    response(status, "application/json", serde_json::to_vec(value).unwrap_or_default())
}

/// A control or JSON API request's body: `null` when empty, or the 400 answer naming the
/// syntax error, so every API refuses bad JSON the same way.
pub fn json_body(body: &[u8]) -> Result<serde_json::Value, Box<Response>> {
    if body.is_empty() {
        return Ok(serde_json::Value::Null);
    }
    serde_json::from_slice(body)
        .map_err(|e| Box::new(json_response(400, &serde_json::json!({"error": format!("the body is not JSON: {e}")}))))
}

/// A control path split into its segments, for matching with slice patterns.
pub fn segments(path: &str) -> Vec<&str> {
    path.trim_matches('/').split('/').collect()
}
