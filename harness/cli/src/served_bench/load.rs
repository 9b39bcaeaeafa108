//! Load from outside: hyper's client over rustls, as a third-party client talks to a served
//! role. HTTP/1.1 is N keep-alive connections, each sending its next request when the last is
//! answered; HTTP/2 is one connection carrying M streams at once. Connections are opened (TCP
//! and TLS) before the clock starts, so the figures are of requests, not handshakes.
//!
//! Every answer is checked against what a right one is; a wrong one is counted and the first
//! is kept to be shown, and only right answers are timed.

use super::endpoints::Address;
use super::error::ServedBenchError;
use bytes::Bytes;
use hdrhistogram::Histogram;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo};
use rustls::ClientConfig;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;

/// How long one request may take before it counts as failed and its connection is given up.
pub(crate) const REQUEST_TIMEOUT: Duration = Duration::from_secs(10);
/// Latencies are recorded in microseconds up to this (a minute), to three significant digits.
const HIGHEST_MICROS: u64 = 60_000_000;

/// How the load reaches the server.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Protocol {
    /// `connections` keep-alive HTTP/1.1 connections, one request in flight on each.
    Http1 { connections: usize },
    /// One HTTP/2 connection with `streams` requests in flight.
    Http2 { streams: usize },
}

impl Protocol {
    fn alpn(self) -> &'static [u8] {
        match self {
            Protocol::Http1 { .. } => b"http/1.1",
            Protocol::Http2 { .. } => b"h2",
        }
    }
}

/// One request, sent over and over, and what a right answer to it is.
#[derive(Debug, Clone)]
pub(crate) struct RequestSpec {
    pub method: Method,
    /// Path and query, e.g. `/EWS/Exchange.asmx`.
    pub path: String,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    pub body: Bytes,
    /// The status a right answer has.
    pub status: StatusCode,
    /// Text a right answer's body holds, when the status alone does not say the request worked.
    pub body_holds: Option<String>,
}

impl RequestSpec {
    /// `None` when the answer is right, else what was wrong with it.
    pub(crate) fn wrong(&self, status: StatusCode, body: &[u8]) -> Option<String> {
        let body_holds = self.body_holds.as_deref().is_none_or(|t| memmem(body, t.as_bytes()));
        if status == self.status && body_holds {
            return None;
        }
        let shown = String::from_utf8_lossy(&body[..body.len().min(300)]).into_owned();
        Some(match &self.body_holds {
            Some(t) if status == self.status => format!("{status} without `{t}` in the body: {shown}"),
            _ => format!("{status} (expected {}): {shown}", self.status),
        })
    }

    fn request(&self, address: &Address, protocol: Protocol) -> Result<http::Request<Full<Bytes>>, http::Error> {
        let mut b = http::Request::builder().method(self.method.clone());
        b = match protocol {
            // HTTP/1.1 sends the origin form and a Host header; HTTP/2 takes :scheme and
            // :authority from an absolute URI.
            Protocol::Http1 { .. } => b.uri(self.path.as_str()).header(http::header::HOST, address.authority.as_str()),
            Protocol::Http2 { .. } => b.uri(format!("https://{}{}", address.authority, self.path)),
        };
        for (k, v) in &self.headers {
            b = b.header(k, v);
        }
        b.body(Full::new(self.body.clone()))
    }
}

fn memmem(haystack: &[u8], needle: &[u8]) -> bool {
    needle.is_empty() || haystack.windows(needle.len()).any(|w| w == needle)
}

/// What a load measured.
#[derive(Debug, Clone)]
pub(crate) struct LoadResult {
    /// Right answers.
    pub ok: u64,
    /// Wrong answers, transport errors and timeouts.
    pub failed: u64,
    /// The first failure, for the report.
    pub first_failure: Option<String>,
    /// Latency of the right answers, in microseconds.
    pub latency: Histogram<u64>,
    /// From the first request to the last answer.
    pub wall: Duration,
}

impl LoadResult {
    pub(crate) fn empty() -> LoadResult {
        LoadResult {
            ok: 0,
            failed: 0,
            first_failure: None,
            latency: Histogram::new_with_bounds(1, HIGHEST_MICROS, 3).expect("valid histogram bounds"),
            wall: Duration::ZERO,
        }
    }

    fn fail(&mut self, why: String) {
        self.failed += 1;
        self.first_failure.get_or_insert(why);
    }

    /// Adds `other`'s counts, latencies and wall time (a worker's or a round's) to these.
    pub(crate) fn merge(&mut self, other: LoadResult) {
        self.ok += other.ok;
        self.wall += other.wall;
        self.failed += other.failed;
        if self.first_failure.is_none() {
            self.first_failure = other.first_failure;
        }
        let _ = self.latency.add(&other.latency);
    }
}

/// A TLS client configuration offering only `protocol`'s ALPN.
fn for_protocol(tls: &Arc<ClientConfig>, protocol: Protocol) -> Arc<ClientConfig> {
    let mut cfg = (**tls).clone();
    cfg.alpn_protocols = vec![protocol.alpn().to_vec()];
    Arc::new(cfg)
}

/// One request sender over a new TLS connection that negotiated `protocol`.
enum Sender {
    H1(http1::SendRequest<Full<Bytes>>),
    H2(http2::SendRequest<Full<Bytes>>),
}

async fn connect(address: &Address, tls: &Arc<ClientConfig>, protocol: Protocol) -> Result<Sender, ServedBenchError> {
    let fail = |reason: String| ServedBenchError::Connect { target: address.authority.clone(), reason };
    let tcp = TcpStream::connect(address.socket).await.map_err(|e| fail(e.to_string()))?;
    let _ = tcp.set_nodelay(true);
    let tls = TlsConnector::from(for_protocol(tls, protocol))
        .connect(address.server_name.clone(), tcp)
        .await
        .map_err(|e| fail(format!("TLS: {e}")))?;
    let alpn = tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec);
    if alpn.as_deref() != Some(protocol.alpn()) {
        return Err(fail(format!(
            "the server chose ALPN {:?}, not {}",
            alpn.map(|a| String::from_utf8_lossy(&a).into_owned()),
            String::from_utf8_lossy(protocol.alpn())
        )));
    }
    let io = TokioIo::new(tls);
    Ok(match protocol {
        Protocol::Http1 { .. } => {
            let (sender, conn) = http1::handshake(io).await.map_err(|e| fail(e.to_string()))?;
            tokio::spawn(conn);
            Sender::H1(sender)
        }
        Protocol::Http2 { .. } => {
            let (sender, conn) = http2::handshake(TokioExecutor::new(), io).await.map_err(|e| fail(e.to_string()))?;
            tokio::spawn(conn);
            Sender::H2(sender)
        }
    })
}

impl Sender {
    fn h2_clone(&self) -> Option<Sender> {
        match self {
            Sender::H2(s) => Some(Sender::H2(s.clone())),
            Sender::H1(_) => None,
        }
    }

    /// Sends `req` and reads the whole answer.
    async fn send(&mut self, req: http::Request<Full<Bytes>>) -> Result<(StatusCode, Bytes), String> {
        let resp = match self {
            Sender::H1(s) => {
                s.ready().await.map_err(|e| format!("connection closed: {e}"))?;
                s.send_request(req).await
            }
            Sender::H2(s) => {
                s.ready().await.map_err(|e| format!("connection closed: {e}"))?;
                s.send_request(req).await
            }
        }
        .map_err(|e| format!("no answer: {e}"))?;
        let status = resp.status();
        let body = resp.into_body().collect().await.map_err(|e| format!("answer body: {e}"))?.to_bytes();
        Ok((status, body))
    }
}

/// One request on a new connection, for set-up (registering a device); the answer's status
/// and body.
pub(crate) async fn send_once(
    address: &Address,
    tls: &Arc<ClientConfig>,
    protocol: Protocol,
    spec: &RequestSpec,
) -> Result<(StatusCode, Bytes), ServedBenchError> {
    let fail = |reason: String| ServedBenchError::Connect { target: address.authority.clone(), reason };
    let mut sender = connect(address, tls, protocol).await?;
    let req = spec.request(address, protocol).map_err(|e| fail(e.to_string()))?;
    tokio::time::timeout(REQUEST_TIMEOUT, sender.send(req))
        .await
        .map_err(|_| fail(format!("no answer within {REQUEST_TIMEOUT:?}")))?
        .map_err(fail)
}

/// Sends `spec` over and over for `duration` in the shape `protocol` says; every answer is
/// checked.
pub(crate) async fn run(
    address: &Address,
    tls: &Arc<ClientConfig>,
    protocol: Protocol,
    spec: Arc<RequestSpec>,
    duration: Duration,
) -> Result<LoadResult, ServedBenchError> {
    let senders = match protocol {
        Protocol::Http1 { connections } => {
            let mut v = Vec::with_capacity(connections);
            for _ in 0..connections.max(1) {
                v.push(connect(address, tls, protocol).await?);
            }
            v
        }
        Protocol::Http2 { streams } => {
            let first = connect(address, tls, protocol).await?;
            let mut v: Vec<Sender> = (1..streams.max(1)).filter_map(|_| first.h2_clone()).collect();
            v.push(first);
            v
        }
    };
    let start = Instant::now();
    let deadline = start + duration;
    let workers: Vec<_> = senders
        .into_iter()
        .map(|sender| {
            let (spec, address) = (spec.clone(), address.clone());
            tokio::spawn(worker(sender, spec, address, protocol, deadline))
        })
        .collect();
    let mut total = LoadResult::empty();
    // Workers' wall times are zero; the load's is from the first request to the last answer.
    for w in workers {
        match w.await {
            Ok(r) => total.merge(r),
            Err(e) => total.fail(format!("a load task ended abnormally: {e}")),
        }
    }
    total.wall = start.elapsed();
    Ok(total)
}

/// Requests one after another on `sender` until `deadline`; a transport error or a timeout
/// ends this worker (its connection is no longer usable), after counting it.
async fn worker(mut sender: Sender, spec: Arc<RequestSpec>, address: Address, protocol: Protocol, deadline: Instant) -> LoadResult {
    let mut r = LoadResult::empty();
    while Instant::now() < deadline {
        let req = match spec.request(&address, protocol) {
            Ok(req) => req,
            Err(e) => {
                r.fail(format!("cannot build the request: {e}"));
                break;
            }
        };
        let t0 = Instant::now();
        match tokio::time::timeout(REQUEST_TIMEOUT, sender.send(req)).await {
            Ok(Ok((status, body))) => match spec.wrong(status, &body) {
                None => {
                    r.ok += 1;
                    r.latency.saturating_record(t0.elapsed().as_micros().max(1) as u64);
                }
                Some(why) => r.fail(why),
            },
            Ok(Err(why)) => {
                r.fail(why);
                break;
            }
            Err(_) => {
                r.fail(format!("no answer within {REQUEST_TIMEOUT:?}"));
                break;
            }
        }
    }
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec(body_holds: Option<&str>) -> RequestSpec {
        RequestSpec {
            method: Method::POST,
            path: "/EWS/Exchange.asmx".into(),
            headers: vec![(http::header::CONTENT_TYPE, HeaderValue::from_static("text/xml"))],
            body: Bytes::from_static(b"<x/>"),
            status: StatusCode::OK,
            body_holds: body_holds.map(str::to_string),
        }
    }

    fn address() -> Address {
        Address {
            socket: "127.0.0.1:4443".parse().unwrap(),
            server_name: rustls_pki_types::ServerName::try_from("127.0.0.1").unwrap(),
            authority: "127.0.0.1:4443".into(),
        }
    }

    #[test]
    fn an_answer_is_right_only_with_its_status_and_text() {
        let s = spec(Some("NoError"));
        assert_eq!(s.wrong(StatusCode::OK, b"<ResponseCode>NoError</ResponseCode>"), None);
        let why = s.wrong(StatusCode::UNAUTHORIZED, b"").unwrap();
        assert!(why.starts_with("401 Unauthorized (expected 200 OK)"), "{why}");
        let why = s.wrong(StatusCode::OK, b"<ResponseCode>ErrorAccessDenied</ResponseCode>").unwrap();
        assert!(why.contains("without `NoError`") && why.contains("ErrorAccessDenied"), "{why}");
        assert_eq!(spec(None).wrong(StatusCode::OK, b"anything"), None);
    }

    #[test]
    fn http1_sends_origin_form_and_host_http2_an_absolute_uri() {
        let s = spec(None);
        let h1 = s.request(&address(), Protocol::Http1 { connections: 1 }).unwrap();
        assert_eq!(h1.uri(), "/EWS/Exchange.asmx");
        assert_eq!(h1.headers()[http::header::HOST], "127.0.0.1:4443");
        let h2 = s.request(&address(), Protocol::Http2 { streams: 1 }).unwrap();
        assert_eq!(h2.uri(), "https://127.0.0.1:4443/EWS/Exchange.asmx");
        assert!(h2.headers().get(http::header::HOST).is_none());
        assert_eq!(h2.headers()[http::header::CONTENT_TYPE], "text/xml");
    }

    #[test]
    fn merged_results_keep_the_first_failure_and_every_latency() {
        let mut a = LoadResult::empty();
        a.ok = 2;
        a.latency.record(100).unwrap();
        a.latency.record(300).unwrap();
        let mut b = LoadResult::empty();
        b.fail("first".into());
        b.fail("second".into());
        b.wall = Duration::from_millis(250);
        a.wall = Duration::from_millis(250);
        a.merge(b);
        assert_eq!((a.ok, a.failed, a.first_failure.as_deref()), (2, 2, Some("first")));
        assert_eq!(a.wall, Duration::from_millis(500));
        assert_eq!(a.latency.len(), 2);
    }
}
