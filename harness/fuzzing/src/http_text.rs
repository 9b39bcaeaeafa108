//! A plain text form of one HTTP request, for the targets whose decoder reads a whole request
//! (the ActiveSync query, headers and body; the APNs headers, path and body):
//!
//! ```text
//! POST /3/device/0123abcd
//! apns-topic: com.example.securemail
//! apns-push-type: alert
//!
//! {"aps":{"badge":1}}
//! ```
//!
//! The request line is a method and a target (origin or absolute form); each header line is a
//! name, a colon and a value; an empty line ends the headers and the rest is the body, byte for
//! byte. HTTP/2 pseudo-headers are not written: the method and the path say the same. The form
//! is a test fixture's, not HTTP/1.1 (no version, LF line ends, no Content-Length), so that a
//! seed file reads like the request and a fuzzer mutates what the decoder sees.

use bytes::Bytes;
use http::header::{HeaderName, HeaderValue};
use http::{Method, Request, Uri};

/// Reads the text form. `None` when the bytes cannot be an `http::Request` at all (a header
/// name with a space, a value with a control character, a target that is not a URI): such
/// input never reaches a decoder behind a real HTTP stack either.
pub fn parse(input: &[u8]) -> Option<Request<Bytes>> {
    let (head, body) = match find(input, b"\n\n") {
        Some(at) => (&input[..at], &input[at + 2..]),
        None => (input, &[][..]),
    };
    let mut lines = head.split(|&b| b == b'\n');
    let request_line = lines.next()?;
    let space = request_line.iter().position(|&b| b == b' ')?;
    let method = Method::from_bytes(&request_line[..space]).ok()?;
    let uri = Uri::try_from(&request_line[space + 1..]).ok()?;
    let mut req = Request::builder().method(method).uri(uri).body(Bytes::copy_from_slice(body)).ok()?;
    for line in lines {
        let colon = line.iter().position(|&b| b == b':')?;
        let name = HeaderName::from_bytes(&line[..colon]).ok()?;
        let value = line[colon + 1..].strip_prefix(b" ").unwrap_or(&line[colon + 1..]);
        req.headers_mut().append(name, HeaderValue::from_bytes(value).ok()?);
    }
    Some(req)
}

/// Writes the text form of `req`; [`parse`] gives it back.
pub fn write(req: &Request<Bytes>) -> Vec<u8> {
    let target = match req.uri().path_and_query() {
        Some(pq) if req.uri().scheme().is_none() => pq.to_string(),
        _ => req.uri().to_string(),
    };
    let mut out = format!("{} {target}\n", req.method()).into_bytes();
    for (name, value) in req.headers() {
        out.extend_from_slice(name.as_str().as_bytes());
        out.extend_from_slice(b": ");
        out.extend_from_slice(value.as_bytes());
        out.push(b'\n');
    }
    out.push(b'\n');
    out.extend_from_slice(req.body());
    out
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_survives_the_text_form() {
        let req = Request::post("https://mail.example.test/Microsoft-Server-ActiveSync?Cmd=Sync&User=alice")
            .header("ms-asprotocolversion", "14.1")
            .header("x-ms-policykey", "3942919513")
            .body(Bytes::from_static(b"\x03\x01\x6a\x00\n\n\x45\x01"))
            .unwrap();
        let text = write(&req);
        let back = parse(&text).unwrap();
        assert_eq!(back.method(), req.method());
        assert_eq!(back.uri(), req.uri());
        assert_eq!(back.headers(), req.headers());
        assert_eq!(back.body(), req.body(), "a body may hold blank lines of its own");
    }

    #[test]
    fn what_http_cannot_carry_is_refused() {
        assert!(parse(b"").is_none());
        assert!(parse(b"POST").is_none());
        assert!(parse(b"POST /x\nbad name: v\n\n").is_none());
        assert!(parse(b"POST /x\nno-colon\n\n").is_none());
        assert!(parse(b"POST /x\na: \x01\n\n").is_none());
        assert!(parse(b"GET /3/device/ab").is_some());
    }
}
