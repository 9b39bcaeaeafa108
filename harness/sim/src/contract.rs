//! What every role's control contract is made of.
//!
//! A role's `contract` module defines one serde type per request and response body of its
//! routes and lists the routes twice: in a table in its documentation (method, path, request,
//! response), for people, and in a [`Routes`] value its handler dispatches through, so the
//! handler cannot serve a route the table does not have. Each route names an operation, a
//! variant of the role's own enum that the handler matches exhaustively: an operation left
//! out of the table is a variant never constructed, which the compiler reports as dead code.
//! The server reads bodies with [`parse`] and answers with [`reply`]; the client
//! ([`crate::ControlClient`]) sends and reads the same types, so the two sides cannot disagree
//! on a field name.
//!
//! What each contract module's tests call: [`check_documented`] keeps the documented table
//! equal to the routes in code, [`check_served`] drives the real handler with every documented
//! route (so the prefixes it is mounted under are right too), and [`check_round_trip`] shows
//! that a type's JSON reads back as the same value (no field lost to a `skip` or a rename).

use crate::http::{response, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A request or response body of a route.
pub trait Body: Serialize + DeserializeOwned {
    /// A filled-in value (every optional field set): shown in the 400 a malformed request
    /// gets, and round-tripped by [`check_round_trip`].
    fn example() -> Self;
}

/// The JSON answer of a refused request: what was wrong, in words.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    /// What was wrong, for a person to read.
    pub error: String,
}

impl Body for ErrorBody {
    fn example() -> Self {
        ErrorBody { error: "no mailbox bob@example.test".into() }
    }
}

/// The answer to a method and path no route takes (404) or a path that takes other methods
/// (405): what went wrong and every route there is.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RouteMiss {
    /// Why the route missed (`no route GET /x`, `POST is not allowed on /y; it takes GET`).
    pub error: String,
    /// `METHOD /path/{param}` of every route under the prefix.
    pub routes: Vec<String>,
}

impl Body for RouteMiss {
    fn example() -> Self {
        RouteMiss { error: "no route GET /_mailconform/nothing".into(), routes: vec!["GET /_mailconform/state".into()] }
    }
}

/// A JSON answer.
pub fn reply<T: Serialize + ?Sized>(status: u16, body: &T) -> Response {
    response(status, "application/json", serde_json::to_vec(body).unwrap_or_default())
}

/// `204 No Content`: the route did what was asked and has nothing to tell.
pub fn no_content() -> Response {
    response(204, "application/json", "")
}

/// A refusal: `{"error": message}`.
pub fn error(status: u16, message: impl std::fmt::Display) -> Response {
    reply(status, &ErrorBody { error: message.to_string() })
}

/// The request body as `T`, or the 400 to answer, which shows an example of `T`. An empty
/// body reads as `{}`, so a route whose fields all have defaults can be called bare.
pub fn parse<T: Body>(body: &[u8]) -> Result<T, Box<Response>> {
    let text: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"{}" } else { body };
    serde_json::from_slice(text).map_err(|e| {
        let example = serde_json::to_string(&T::example()).unwrap_or_default();
        Box::new(error(400, format!("expected a body like {example}: {e}")))
    })
}

/// One route: the operation it stands for, its method, and its path under the table's
/// prefix, with `{name}` for a segment that carries a value.
#[derive(Clone, Copy, Debug)]
pub struct Route<Op: 'static> {
    /// The operation the handler dispatches on.
    pub op: Op,
    /// The HTTP method (`GET`, `POST`, ...).
    pub method: &'static str,
    /// The path under the table's prefix, `{name}` for a segment that carries a value.
    pub path: &'static str,
}

impl<Op> Route<Op> {
    /// A route, for a `const` table.
    pub const fn new(op: Op, method: &'static str, path: &'static str) -> Self {
        Route { op, method, path }
    }
}

/// A role's routes under one prefix (`/_mailconform`, `/api/v1`, ...).
#[derive(Clone, Copy, Debug)]
pub struct Routes<Op: 'static> {
    /// Where the routes are mounted (`/_mailconform`); paths are matched after it.
    pub prefix: &'static str,
    /// Every route under the prefix.
    pub routes: &'static [Route<Op>],
}

/// The values of a matched route's `{name}` segments, percent-decoded.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Args(Vec<(&'static str, String)>);

impl Args {
    /// The value of `{name}`; empty for a name the route does not have.
    pub fn get(&self, name: &str) -> &str {
        self.0.iter().find(|(n, _)| *n == name).map(|(_, v)| v.as_str()).unwrap_or_default()
    }
}

fn segments(path: &str) -> Vec<&str> {
    let path = path.trim_matches('/');
    if path.is_empty() {
        Vec::new()
    } else {
        path.split('/').collect()
    }
}

/// `%XX` escapes decoded; `None` when an escape is malformed or the result is not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = b.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Whether `segs` fits `pattern`, and the raw values of its `{name}` segments.
fn fit<'a>(pattern: &'static str, segs: &[&'a str]) -> Option<Vec<(&'static str, &'a str)>> {
    let pat = segments(pattern);
    if pat.len() != segs.len() {
        return None;
    }
    let mut args = Vec::new();
    for (p, s) in pat.iter().zip(segs) {
        match p.strip_prefix('{').and_then(|p| p.strip_suffix('}')) {
            Some(name) if !s.is_empty() => args.push((name, *s)),
            Some(_) => return None,
            None if p == s => {}
            None => return None,
        }
    }
    Some(args)
}

impl<Op: Copy> Routes<Op> {
    /// A route table, for a `const`.
    pub const fn new(prefix: &'static str, routes: &'static [Route<Op>]) -> Self {
        Routes { prefix, routes }
    }

    /// Whether `path` lies under this table's prefix.
    pub fn covers(&self, path: &str) -> bool {
        path.strip_prefix(self.prefix).is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    }

    /// `METHOD /prefix/path` of every route, as the documentation table lists them.
    pub fn listing(&self) -> Vec<String> {
        self.routes.iter().map(|r| format!("{} {}{}", r.method, self.prefix, r.path)).collect()
    }

    /// The operation `method path` asks for with its arguments, or the answer to send: 404
    /// for a path no route has, 405 for a method the path does not take, 400 for a segment
    /// that is not valid percent-encoding. `path` is the whole request path, without query.
    pub fn find(&self, method: &str, path: &str) -> Result<(Op, Args), Box<Response>> {
        let miss = |status: u16, error: String| Box::new(reply(status, &RouteMiss { error, routes: self.listing() }));
        let Some(rest) = path.strip_prefix(self.prefix).filter(|_| self.covers(path)) else {
            return Err(miss(404, format!("no route {method} {path}")));
        };
        let segs = segments(rest);
        let mut other_methods = Vec::new();
        for r in self.routes {
            let Some(raw) = fit(r.path, &segs) else { continue };
            if !r.method.eq_ignore_ascii_case(method) {
                other_methods.push(r.method);
                continue;
            }
            let mut args = Vec::with_capacity(raw.len());
            for (name, value) in raw {
                match percent_decode(value) {
                    Some(v) => args.push((name, v)),
                    None => return Err(Box::new(error(400, format!("the path segment {value:?} is not valid percent-encoding")))),
                }
            }
            return Ok((r.op, Args(args)));
        }
        if other_methods.is_empty() {
            Err(miss(404, format!("no route {method} {path}")))
        } else {
            Err(miss(405, format!("{method} is not allowed on {path}; it takes {}", other_methods.join(", "))))
        }
    }
}

/// One row of a documented route table, made into a request: `{name}` segments filled in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentedRoute {
    /// The row's method.
    pub method: String,
    /// The documented path, `{name}` segments and all.
    pub path: String,
    /// Whether the row names a request type (a `[`Type`]` link in its request cell).
    pub takes_body: bool,
}

/// The rows of the route tables in a contract module's documentation.
pub fn documented_table(source: &str) -> Vec<DocumentedRoute> {
    const METHODS: [&str; 5] = ["GET", "POST", "PUT", "DELETE", "PATCH"];
    source
        .lines()
        .filter_map(|l| l.trim().strip_prefix("//!"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.trim().strip_prefix('|')?.split('|').map(str::trim).collect();
            let method = cells.first()?.strip_prefix('`')?.strip_suffix('`')?;
            let path = cells.get(1)?.strip_prefix('`')?.strip_suffix('`')?;
            let takes_body = cells.get(2).is_some_and(|c| c.contains("[`"));
            METHODS.contains(&method).then(|| DocumentedRoute { method: method.into(), path: path.into(), takes_body })
        })
        .collect()
}

/// `METHOD /path` of every row of the route tables in a contract module's documentation:
/// the `//!` lines whose first two cells are a backquoted HTTP method and path.
pub fn documented_routes(source: &str) -> Vec<String> {
    documented_table(source).into_iter().map(|r| format!("{} {}", r.method, r.path)).collect()
}

/// Whether an answer is a route miss ([`RouteMiss`]): the method and path reached no route.
pub fn is_route_miss(resp: &Response) -> bool {
    matches!(resp.status().as_u16(), 404 | 405) && serde_json::from_slice::<RouteMiss>(resp.body()).is_ok()
}

/// Sends every route documented in `source` through `send` (each `{name}` segment filled with
/// `x`, a malformed body where the route takes one, so actions are refused rather than done)
/// and panics on any answer that is a route miss: the handler behind `send` serves every
/// route its table documents, under the documented prefixes.
pub async fn check_served<F, Fut>(source: &str, send: F)
where
    F: Fn(crate::Request) -> Fut,
    Fut: std::future::Future<Output = Response>,
{
    let table = documented_table(source);
    assert!(!table.is_empty(), "no route table in the documentation");
    for route in table {
        let path: Vec<String> =
            route.path.split('/').map(|s| if s.starts_with('{') && s.ends_with('}') { "x".to_string() } else { s.to_string() }).collect();
        let path = path.join("/");
        let body = if route.takes_body { bytes::Bytes::from_static(b"[") } else { bytes::Bytes::new() };
        let req = http::Request::builder()
            .method(route.method.as_str())
            .uri(&path)
            .header(http::header::CONTENT_TYPE, "application/json")
            .body(body)
            .expect("a documented route makes a valid request");
        let resp = send(req).await;
        assert!(!is_route_miss(&resp), "{} {path} is documented but not served: {}", route.method, String::from_utf8_lossy(resp.body()));
    }
}

/// Panics unless the route tables documented in `source` list exactly the routes of
/// `listings` (each from [`Routes::listing`]), naming what is missing on either side.
pub fn check_documented(source: &str, listings: &[Vec<String>]) {
    let documented: BTreeSet<String> = documented_routes(source).into_iter().collect();
    let served: BTreeSet<String> = listings.iter().flatten().cloned().collect();
    let undocumented: Vec<&String> = served.difference(&documented).collect();
    let unserved: Vec<&String> = documented.difference(&served).collect();
    assert!(
        undocumented.is_empty() && unserved.is_empty(),
        "the route table drifted: served but not documented {undocumented:?}; documented but not served {unserved:?}"
    );
    assert_eq!(documented_routes(source).len(), documented.len(), "a route is documented twice");
}

/// Panics unless `T::example()` written as JSON reads back as a value that writes the same JSON.
pub fn check_round_trip<T: Body>() {
    let name = std::any::type_name::<T>();
    let json = serde_json::to_value(T::example()).unwrap_or_else(|e| panic!("{name} does not serialize: {e}"));
    let back: T = serde_json::from_value(json.clone()).unwrap_or_else(|e| panic!("{name} does not read its own JSON {json}: {e}"));
    assert_eq!(serde_json::to_value(back).expect("serializes again"), json, "{name} changed on the way through JSON");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Op {
        List,
        Read,
        Delete,
        Pair,
    }

    const ROUTES: Routes<Op> = Routes::new(
        "/_mailconform",
        &[
            Route::new(Op::List, "GET", "/things"),
            Route::new(Op::Read, "GET", "/things/{id}"),
            Route::new(Op::Delete, "DELETE", "/things/{id}"),
            Route::new(Op::Pair, "PUT", "/pairs/{a}/{b}/link"),
        ],
    );

    fn status(r: Result<(Op, Args), Box<Response>>) -> u16 {
        r.err().map(|e| e.status().as_u16()).unwrap_or(200)
    }

    #[test]
    fn routes_match_by_method_and_segments_and_decode_their_arguments() {
        assert_eq!(ROUTES.find("GET", "/_mailconform/things").unwrap().0, Op::List);
        assert_eq!(ROUTES.find("GET", "/_mailconform/things/").unwrap().0, Op::List);
        let (op, args) = ROUTES.find("GET", "/_mailconform/things/alice%40example.test").unwrap();
        assert_eq!((op, args.get("id")), (Op::Read, "alice@example.test"));
        let (op, args) = ROUTES.find("PUT", "/_mailconform/pairs/HTTP/seg.example.test/link").unwrap();
        assert_eq!((op, args.get("a"), args.get("b")), (Op::Pair, "HTTP", "seg.example.test"));
        assert_eq!(ROUTES.find("DELETE", "/_mailconform/things/1").unwrap().0, Op::Delete);
    }

    #[test]
    fn a_miss_is_404_or_405_and_lists_the_routes() {
        assert_eq!(status(ROUTES.find("GET", "/_mailconform/nothing")), 404);
        assert_eq!(status(ROUTES.find("GET", "/_mailconformx/things")), 404);
        assert_eq!(status(ROUTES.find("GET", "/_mailconform/things//x")), 404, "an empty segment is no value");
        let r = ROUTES.find("POST", "/_mailconform/things/1").unwrap_err();
        assert_eq!(r.status(), 405);
        let miss: RouteMiss = serde_json::from_slice(r.body()).unwrap();
        assert!(miss.error.contains("GET, DELETE"), "{miss:?}");
        assert_eq!(miss.routes, ROUTES.listing());
        assert_eq!(status(ROUTES.find("GET", "/_mailconform/things/%zz")), 400);
    }

    #[derive(Debug, Serialize, Deserialize, PartialEq)]
    struct Launch {
        #[serde(default = "yes")]
        allow: bool,
        name: Option<String>,
    }

    fn yes() -> bool {
        true
    }

    impl Body for Launch {
        fn example() -> Self {
            Launch { allow: false, name: Some("alice".into()) }
        }
    }

    #[test]
    fn a_body_that_does_not_parse_is_refused_with_an_example() {
        assert_eq!(parse::<Launch>(b"").unwrap(), Launch { allow: true, name: None });
        assert_eq!(parse::<Launch>(br#"{"allow":false}"#).unwrap(), Launch { allow: false, name: None });
        let r = parse::<Launch>(br#"{"allow":"maybe"}"#).unwrap_err();
        assert_eq!(r.status(), 400);
        let e: ErrorBody = serde_json::from_slice(r.body()).unwrap();
        assert!(e.error.starts_with(r#"expected a body like {"allow":false,"name":"alice"}: invalid type"#), "{}", e.error);
        check_round_trip::<Launch>();
        check_round_trip::<ErrorBody>();
        check_round_trip::<RouteMiss>();
    }

    #[test]
    fn the_documented_table_is_read_from_doc_lines_only() {
        let source = "//! | method | path | request | response |\n//! |---|---|---|---|\n//! | `GET` | `/_mailconform/things` | | `Vec<Thing>` |\n//! | `GET` | `/_mailconform/things/{id}` | | [`Thing`] |\n//! | `DELETE` | `/_mailconform/things/{id}` | | 204 |\n//!   | `PUT` | `/_mailconform/pairs/{a}/{b}/link` | | |\n// | `GET` | `/not/documented` | | |\n";
        assert_eq!(documented_routes(source).len(), 4);
        check_documented(source, &[ROUTES.listing()]);
        let missing = std::panic::catch_unwind(|| check_documented(&source.replace("DELETE", "PATCH"), &[ROUTES.listing()]));
        assert!(missing.is_err(), "a drifted table is caught");
    }

    #[test]
    fn check_served_catches_a_documented_route_the_handler_does_not_serve() {
        let source = "//! | `GET` | `/_mailconform/things/{id}` | | |\n//! | `PUT` | `/_mailconform/pairs/{a}/{b}/link` | [`Launch`] | |\n";
        let handler = |req: crate::Request| {
            let answer = match ROUTES.find(req.method().as_str(), req.uri().path()) {
                Ok((Op::Pair, _)) => match parse::<Launch>(req.body()) {
                    Ok(_) => no_content(),
                    Err(answer) => *answer,
                },
                Ok(_) => no_content(),
                Err(answer) => *answer,
            };
            std::future::ready(answer)
        };
        futures::executor::block_on(check_served(source, handler));
        let undocumented = source.replace("things", "nothing");
        let missed = std::panic::catch_unwind(|| futures::executor::block_on(check_served(&undocumented, handler)));
        assert!(missed.is_err(), "a route the handler lacks is caught");
        assert!(documented_table(source)[1].takes_body && !documented_table(source)[0].takes_body);
    }
}
