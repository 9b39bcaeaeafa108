//! The HTTP client every fake uses to reach its peers (Exchange → listener, listener → APNs,
//! device → everyone), with keep-alive connections pooled per peer and identity.
//!
//! Pooling matters for more than speed: APNs expects providers to keep a connection open and
//! send many streams on it, and connection reuse is what a fault must be able to cut.

use super::{record, Request, Response};
use crate::clock::Clock;
use crate::error::{ExchangePhase, SimError};
use crate::net::{BoxIo, Dialer};
use crate::pki::Credential;
use crate::tls;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::client::conn::{http1, http2};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::{ClientConfig, RootCertStore};
use rustls_pki_types::ServerName;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A client certificate to present, named so that the pool keeps its connections apart from
/// other identities' connections.
#[derive(Clone, Debug)]
pub struct ClientIdentity {
    /// Keys this identity's connections in the pool: one name per certificate.
    pub id: String,
    /// The certificate and key presented when the server asks.
    pub credential: Credential,
}

/// How one request is sent.
#[derive(Clone, Debug)]
pub struct RequestOptions {
    /// The whole exchange (connect, TLS, request, response) must finish within this.
    pub timeout: Duration,
    /// The client certificate to present, if any (APNs certificate mode, SEG's KCD, devices).
    pub identity: Option<ClientIdentity>,
    /// Speak HTTP/2 (APNs); otherwise HTTP/1.1 with keep-alive.
    pub http2: bool,
}

impl Default for RequestOptions {
    fn default() -> Self {
        RequestOptions { timeout: Duration::from_secs(60), identity: None, http2: false }
    }
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
struct PoolKey {
    https: bool,
    host: String,
    port: u16,
    identity: Option<String>,
    http2: bool,
}

/// What sends requests on an HTTP/1.1 connection, and on an HTTP/2 one.
type H1Sender = http1::SendRequest<Full<Bytes>>;
type H2Sender = http2::SendRequest<Full<Bytes>>;

enum Sender {
    H1(H1Sender, ConnEnd),
    H2(H2Sender, ConnEnd),
}

/// The end of a connection's task, and why it ended.
///
/// hyper can lose a request handed to a connection at the instant the connection closes: the
/// request is queued after the connection's task took its last look at the queue, and its
/// answer then never comes, neither a response nor an error. It shows when a server refuses a
/// client certificate under TLS 1.3 (the client's side of the handshake is done, the request
/// goes out, and the server's alert ends the connection): about one exchange in a few
/// thousand on a loaded machine waited for its whole timeout instead of failing at once. So
/// each exchange also watches its connection, and fails with the connection's own error.
#[derive(Clone)]
struct ConnEnd(tokio::sync::watch::Receiver<Option<String>>);

/// How long a request may stay unanswered once its connection has ended, before it counts
/// as lost: hyper answers a request it held with the connection's error at once, if at all.
const LOST_REQUEST_GRACE: Duration = Duration::from_millis(500);

impl ConnEnd {
    /// Runs the connection `conn` in a task of its own, watched.
    fn spawn<F>(conn: F) -> ConnEnd
    where
        F: std::future::Future<Output = Result<(), hyper::Error>> + Send + 'static,
    {
        let (tx, rx) = tokio::sync::watch::channel(None);
        tokio::spawn(async move {
            let why = match conn.await {
                Ok(()) => "the connection closed".to_string(),
                Err(e) => e.to_string(),
            };
            let _ = tx.send(Some(why));
        });
        ConnEnd(rx)
    }

    /// Why the connection ended, once it has.
    async fn ended(&mut self) -> String {
        match self.0.wait_for(Option::is_some).await {
            Ok(why) => why.clone().unwrap_or_default(),
            Err(_) => "the connection's task ended".to_string(),
        }
    }

    /// The answer to a request sent on this connection: its response head, hyper's error, or
    /// the connection's end when the request was lost in it.
    async fn answer<T>(&mut self, sent: impl std::future::Future<Output = Result<T, hyper::Error>>) -> Result<T, ExchangeError> {
        tokio::pin!(sent);
        tokio::select! {
            biased;
            answered = &mut sent => answered.map_err(ExchangeError::Send),
            why = self.ended() => match tokio::time::timeout(LOST_REQUEST_GRACE, sent).await {
                Ok(answered) => answered.map_err(ExchangeError::Send),
                Err(_) => Err(ExchangeError::Lost(why)),
            },
        }
    }
}

#[derive(Default)]
struct Pool {
    h1: HashMap<PoolKey, Vec<(H1Sender, ConnEnd)>>,
    h2: HashMap<PoolKey, (H2Sender, ConnEnd)>,
    /// One HTTP/2 connection per peer: concurrent first requests wait for the one being opened.
    h2_opening: HashMap<PoolKey, Arc<tokio::sync::Mutex<()>>>,
    tls: HashMap<Option<String>, (bool, Arc<ClientConfig>)>,
}

/// Connections opened by every client of the process: benchmarks report it, since a pool that
/// stops reusing connections shows here first.
pub static CONNECTIONS_OPENED: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// HTTP/1.1 and HTTP/2 over a [`Dialer`], with rustls (or another stack's TLS) and a pool of
/// connections per peer and identity. Clones share the pool.
#[derive(Clone)]
pub struct HttpClient {
    dialer: Arc<dyn Dialer>,
    roots: Arc<RootCertStore>,
    /// Accept any server certificate (a gateway told to ignore TLS errors).
    accept_any_certificate: bool,
    clock: Clock,
    pool: Arc<Mutex<Pool>>,
    /// TLS for HTTPS/1.1 without a client certificate from another stack instead of rustls.
    connector: Option<Arc<dyn crate::net::StreamConnector>>,
    /// Where the exchanges with watched hosts are kept, when they are.
    recorder: Option<record::Recorder>,
}

impl HttpClient {
    /// A byte stream to `host:port` over this client's network (faults apply), for a protocol
    /// other than HTTP (LDAP).
    pub async fn open_stream(&self, host: &str, port: u16) -> Result<crate::net::BoxIo, crate::SimError> {
        self.dialer.dial(host, port).await
    }

    /// A client that reaches hosts through `dialer`, trusts `roots` and checks validity against `clock`.
    pub fn new(dialer: Arc<dyn Dialer>, roots: Arc<RootCertStore>, clock: Clock) -> Self {
        HttpClient { dialer, roots, clock, accept_any_certificate: false, pool: Arc::default(), connector: None, recorder: None }
    }

    /// The same client (same connections) keeping its exchanges with the hosts `recorder`
    /// watches.
    pub fn recording(&self, recorder: record::Recorder) -> Self {
        HttpClient { recorder: Some(recorder), ..self.clone() }
    }

    /// A client on the same network with a pool of its own, trusting `roots` instead: a
    /// gateway with its own trust store.
    pub fn with_roots(&self, roots: Arc<RootCertStore>) -> Self {
        HttpClient {
            dialer: self.dialer.clone(),
            roots,
            clock: self.clock.clone(),
            accept_any_certificate: false,
            pool: Arc::default(),
            connector: None,
            recorder: self.recorder.clone(),
        }
    }

    /// A client on the same network with a pool of its own that accepts any server
    /// certificate: a gateway configured to ignore TLS errors towards its mail server.
    pub fn accepting_any_certificate(&self) -> Self {
        HttpClient { accept_any_certificate: true, ..self.with_roots(self.roots.clone()) }
    }

    /// The same client (roots, clock, TLS stack, recorder) reaching hosts through `dialer`
    /// instead, with a pool of its own: a phone whose connections an MDX policy routes.
    pub fn through(&self, dialer: Arc<dyn Dialer>) -> Self {
        HttpClient { dialer, pool: Arc::default(), ..self.clone() }
    }

    /// A tunnel to `target` (`host:port`) through the gateway at `gateway_host:gateway_port`:
    /// HTTPS to the gateway, `CONNECT target` with `headers` (a session cookie, a ticket),
    /// and on `200` the stream the gateway now carries to `target`. Any other answer is
    /// [`SimError::TunnelRefused`] with the gateway's reason. What goes through is the
    /// caller's: TLS to `target` runs inside, end to end.
    pub async fn open_tunnel(
        &self,
        gateway_host: &str,
        gateway_port: u16,
        target: &str,
        headers: &[(&str, String)],
    ) -> Result<BoxIo, SimError> {
        let io = self.dialer.dial(gateway_host, gateway_port).await?;
        let cfg = self.tls_config(&RequestOptions::default())?;
        let tls_err = |reason: String| SimError::Tls { host: gateway_host.to_string(), reason, alert: None };
        let name = ServerName::try_from(gateway_host.to_string()).map_err(|e| tls_err(e.to_string()))?;
        let tls = tokio_rustls::TlsConnector::from(cfg).connect(name, io).await.map_err(|e| SimError::Tls {
            host: gateway_host.to_string(),
            reason: tls_reason(&e),
            alert: received_alert(&e).map(Box::new),
        })?;
        let herr = |e: hyper::Error| SimError::Http { host: gateway_host.to_string(), reason: e.to_string() };
        let (mut sender, conn) = http1::handshake(TokioIo::new(tls)).await.map_err(herr)?;
        let mut end = ConnEnd::spawn(conn.with_upgrades());
        let mut req = http::Request::builder().method(http::Method::CONNECT).uri(target).header(http::header::HOST, target);
        for (name, value) in headers {
            req = req.header(*name, value.as_str());
        }
        let req = req.body(Full::new(Bytes::new())).map_err(|e| SimError::BadUrl { url: target.to_string(), reason: e.to_string() })?;
        let resp = end.answer(sender.send_request(req)).await.map_err(|e| e.into_sim(gateway_host))?;
        if resp.status() != http::StatusCode::OK {
            let status = resp.status().as_u16();
            let body = resp.into_body().collect().await.map(|b| b.to_bytes()).unwrap_or_default();
            return Err(SimError::TunnelRefused(Box::new(crate::error::TunnelRefusal {
                gateway: format!("{gateway_host}:{gateway_port}"),
                target: target.to_string(),
                status,
                reason: String::from_utf8_lossy(&body).trim().to_string(),
            })));
        }
        let upgraded = hyper::upgrade::on(resp).await.map_err(herr)?;
        Ok(Box::new(TokioIo::new(upgraded)))
    }

    /// Whether this client accepts any server certificate ([`HttpClient::accepting_any_certificate`]).
    pub fn accepts_any_certificate(&self) -> bool {
        self.accept_any_certificate
    }

    /// The roots this client trusts.
    pub fn roots(&self) -> &Arc<RootCertStore> {
        &self.roots
    }

    /// The same client whose HTTPS/1.1 connections (those without a client certificate) get
    /// their TLS from `connector`: a device whose OS offers versions rustls does not speak.
    pub fn with_tls_connector(mut self, connector: Arc<dyn crate::net::StreamConnector>) -> Self {
        self.connector = Some(connector);
        self.pool = Arc::default();
        self
    }

    /// Forget every pooled connection (a device that goes offline, a listener restart).
    pub fn reset(&self) {
        let mut p = self.pool.lock().expect("pool poisoned");
        p.h1.clear();
        p.h2.clear();
    }

    /// Send a request to the absolute URL in its URI and read the whole response.
    pub async fn send(&self, req: Request, opts: &RequestOptions) -> Result<Response, SimError> {
        let url = req.uri().to_string();
        let watched = self.recorder.as_ref().filter(|r| {
            let https = req.uri().scheme_str() == Some("https");
            r.watches(req.uri().host().unwrap_or_default(), req.uri().port_u16().unwrap_or(if https { 443 } else { 80 }))
        });
        let record = watched.map(|r| {
            let body = record::redacted_body(req.headers(), req.body());
            (r.clone(), self.clock.unix_millis(), req.method().to_string(), record::redacted(req.headers()), body)
        });
        let progress = Progress::default();
        let answer = match tokio::time::timeout(opts.timeout, self.send_inner(req, opts, &progress)).await {
            Ok(r) => r,
            Err(_) => Err(SimError::Timeout { url: url.clone(), after_ms: opts.timeout.as_millis() as u64, phase: progress.get() }),
        };
        if let Some((recorder, at_ms, method, request_headers, request_body)) = record {
            let (status, response_headers, response_body, error) = match &answer {
                Ok(resp) => (
                    Some(resp.status().as_u16()),
                    record::redacted(resp.headers()),
                    record::redacted_body(resp.headers(), resp.body()),
                    None,
                ),
                Err(e) => (None, Vec::new(), Bytes::new(), Some(e.to_string())),
            };
            recorder.keep(record::RecordedExchange {
                at_ms,
                method,
                url,
                request_headers,
                request_body,
                status,
                response_headers,
                response_body,
                error,
            });
        }
        answer
    }

    async fn send_inner(&self, req: Request, opts: &RequestOptions, progress: &Progress) -> Result<Response, SimError> {
        let uri = req.uri().clone();
        let bad = |reason: &str| SimError::BadUrl { url: uri.to_string(), reason: reason.into() };
        let https = match uri.scheme_str() {
            Some("https") => true,
            Some("http") => false,
            _ => return Err(bad("scheme must be http or https")),
        };
        let host = uri.host().ok_or_else(|| bad("no host"))?.trim_matches(|c| c == '[' || c == ']').to_string();
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let key = PoolKey { https, host: host.clone(), port, identity: opts.identity.as_ref().map(|i| i.id.clone()), http2: opts.http2 };

        let (mut parts, body) = req.into_parts();
        let path = parts.uri.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
        if !opts.http2 {
            // HTTP/1.1 wants origin-form and a Host header; HTTP/2 keeps the absolute URI for :authority.
            parts.uri = path.parse().map_err(|_| bad("bad path"))?;
            let authority = if (https && port == 443) || (!https && port == 80) { host.clone() } else { format!("{host}:{port}") };
            parts.headers.entry(http::header::HOST).or_insert(authority.parse().map_err(|_| bad("bad host"))?);
            parts.version = http::Version::HTTP_11;
        } else {
            parts.version = http::Version::HTTP_2;
        }
        // A pooled connection the server has just closed (an idle keep-alive running out at the
        // very instant of reuse, or a server that closes after every answer without saying
        // `Connection: close`, as SOGo's sogod does) fails before any answer: the server took
        // the request on a connection it had given up, so it goes once more on a fresh
        // connection, as browsers and HTTP client libraries do for a reused connection. Only a
        // failure that comes at once counts: a request held and then cut (a Ping when the
        // server restarts) was taken and worked on, and its caller must see the cut.
        let (sender, reused) = self.sender(&key, opts, progress).await?;
        let sent = tokio::time::Instant::now();
        match self.exchange(sender, &key, http::Request::from_parts(parts.clone(), Full::new(body.clone())), progress).await {
            Err(e) if reused && e.is_stale_connection(sent.elapsed()) => {
                let sender = self.connect(&key, opts, progress).await?;
                self.exchange(sender, &key, http::Request::from_parts(parts, Full::new(body)), progress)
                    .await
                    .map_err(|e| e.into_sim(&host))
            }
            other => other.map_err(|e| e.into_sim(&host)),
        }
    }

    /// A connection for `key`: a pooled one (`true`) or a new one.
    async fn sender(&self, key: &PoolKey, opts: &RequestOptions, progress: &Progress) -> Result<(Sender, bool), SimError> {
        let pooled = match self.take_pooled(key) {
            // A connection handed back a moment ago may not have been polled to idle yet:
            // wait for it rather than judge it busy and open another.
            Some(Sender::H1(mut s, end)) => s.ready().await.ok().map(|_| Sender::H1(s, end)),
            other => other,
        };
        Ok(match pooled {
            Some(s) => (s, true),
            None if key.http2 => {
                let gate = self.pool.lock().expect("pool poisoned").h2_opening.entry(key.clone()).or_default().clone();
                let _opening = gate.lock().await;
                match self.take_pooled(key) {
                    Some(s) => (s, true),
                    None => (self.connect(key, opts, progress).await?, false),
                }
            }
            None => (self.connect(key, opts, progress).await?, false),
        })
    }

    async fn exchange(
        &self,
        sender: Sender,
        key: &PoolKey,
        req: http::Request<Full<Bytes>>,
        progress: &Progress,
    ) -> Result<Response, ExchangeError> {
        progress.set(ExchangePhase::AwaitingAnswer);
        match sender {
            Sender::H2(mut s, mut end) => {
                let resp = end.answer(s.send_request(req)).await?;
                progress.set(ExchangePhase::ReadingBody);
                let (parts, body) = resp.into_parts();
                let body = body.collect().await.map_err(ExchangeError::Body)?.to_bytes();
                Ok(http::Response::from_parts(parts, body))
            }
            Sender::H1(mut s, mut end) => {
                let resp = end.answer(s.send_request(req)).await?;
                progress.set(ExchangePhase::ReadingBody);
                let (parts, body) = resp.into_parts();
                let body = body.collect().await.map_err(ExchangeError::Body)?.to_bytes();
                let keep = !parts.headers.get(http::header::CONNECTION).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"close"));
                if keep {
                    self.pool.lock().expect("pool poisoned").h1.entry(key.clone()).or_default().push((s, end));
                }
                Ok(http::Response::from_parts(parts, body))
            }
        }
    }

    fn take_pooled(&self, key: &PoolKey) -> Option<Sender> {
        let mut p = self.pool.lock().expect("pool poisoned");
        if key.http2 {
            match p.h2.get(key) {
                Some((s, end)) if !s.is_closed() => return Some(Sender::H2(s.clone(), end.clone())),
                Some(_) => {
                    p.h2.remove(key);
                }
                None => {}
            }
            return None;
        }
        let list = p.h1.get_mut(key)?;
        while let Some((s, end)) = list.pop() {
            if !s.is_closed() {
                return Some(Sender::H1(s, end));
            }
        }
        None
    }

    fn tls_config(&self, opts: &RequestOptions) -> Result<Arc<ClientConfig>, SimError> {
        let id = opts.identity.as_ref().map(|i| i.id.clone());
        let mut p = self.pool.lock().expect("pool poisoned");
        if let Some((h2, cfg)) = p.tls.get(&id) {
            if *h2 == opts.http2 {
                return Ok(cfg.clone());
            }
        }
        let alpn: &[&[u8]] = if opts.http2 { &[b"h2"] } else { &[b"http/1.1"] };
        let identity = opts.identity.as_ref().map(|i| &i.credential);
        let cfg = if self.accept_any_certificate {
            tls::client_config_accepting_any(identity, &self.clock, alpn)?
        } else {
            tls::client_config(self.roots.clone(), identity, &self.clock, alpn)?
        };
        p.tls.insert(id, (opts.http2, cfg.clone()));
        Ok(cfg)
    }

    async fn connect(&self, key: &PoolKey, opts: &RequestOptions, progress: &Progress) -> Result<Sender, SimError> {
        CONNECTIONS_OPENED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        progress.set(ExchangePhase::Connecting);
        let io = self.dialer.dial(&key.host, key.port).await?;
        if key.https {
            progress.set(ExchangePhase::TlsHandshake);
        }
        let other_stack = self.connector.as_ref().filter(|_| key.https && !key.http2 && opts.identity.is_none());
        let io: BoxIo = if let Some(connector) = other_stack {
            connector.connect(io, &key.host).await.map_err(|e| SimError::Tls {
                host: key.host.clone(),
                reason: e.reason,
                alert: e.alert.map(Box::new),
            })?
        } else if key.https {
            let cfg = self.tls_config(opts)?;
            let name = ServerName::try_from(key.host.clone()).map_err(|e| SimError::Tls {
                host: key.host.clone(),
                reason: e.to_string(),
                alert: None,
            })?;
            let tls = tokio_rustls::TlsConnector::from(cfg).connect(name, io).await.map_err(|e| SimError::Tls {
                host: key.host.clone(),
                reason: tls_reason(&e),
                alert: received_alert(&e).map(Box::new),
            })?;
            Box::new(tls)
        } else {
            io
        };
        let host = key.host.clone();
        let herr = move |e: hyper::Error| SimError::Http { host: host.clone(), reason: e.to_string() };
        if key.http2 {
            let mut b = http2::Builder::new(TokioExecutor::new());
            b.timer(TokioTimer::new());
            let (sender, conn) = b.handshake(TokioIo::new(io)).await.map_err(herr)?;
            let end = ConnEnd::spawn(conn);
            self.pool.lock().expect("pool poisoned").h2.insert(key.clone(), (sender.clone(), end.clone()));
            Ok(Sender::H2(sender, end))
        } else {
            let (sender, conn) = http1::handshake(TokioIo::new(io)).await.map_err(herr)?;
            Ok(Sender::H1(sender, ConnEnd::spawn(conn)))
        }
    }
}

/// Where one exchange stands, for the timeout's message: shared with the future the timeout
/// drops (an atomic, as that future must be `Send`).
#[derive(Default)]
struct Progress(AtomicU8);

impl Progress {
    fn set(&self, phase: ExchangePhase) {
        self.0.store(phase as u8, Ordering::Relaxed);
    }

    fn get(&self) -> ExchangePhase {
        ExchangePhase::from_u8(self.0.load(Ordering::Relaxed))
    }
}

/// How soon after sending a close with no answer means the server had given the connection up
/// before the request came, rather than cut a request it was working on.
const STALE_CLOSE_WINDOW: std::time::Duration = std::time::Duration::from_secs(1);

/// Whether `e` comes from the peer resetting or closing the socket under the request.
fn is_reset(e: &hyper::Error) -> bool {
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            use std::io::ErrorKind::{BrokenPipe, ConnectionAborted, ConnectionReset, UnexpectedEof};
            return matches!(io.kind(), ConnectionReset | BrokenPipe | ConnectionAborted | UnexpectedEof);
        }
        source = s.source();
    }
    false
}

/// Where an exchange on a connection failed: before an answer (the request may not have been
/// processed) or while reading the answer's body.
enum ExchangeError {
    Send(hyper::Error),
    Body(hyper::Error),
    /// The connection ended with the request unanswered (see [`ConnEnd`]): why it ended.
    Lost(String),
}

impl ExchangeError {
    /// Whether the connection was already given up by the server when the request went out:
    /// hyper never sent it (canceled), or the server closed or reset it with no answer within
    /// [`STALE_CLOSE_WINDOW`] of sending.
    fn is_stale_connection(&self, after: std::time::Duration) -> bool {
        match self {
            ExchangeError::Send(e) => {
                e.is_canceled() || (after < STALE_CLOSE_WINDOW && (e.is_closed() || e.is_incomplete_message() || is_reset(e)))
            }
            ExchangeError::Lost(_) => after < STALE_CLOSE_WINDOW,
            ExchangeError::Body(_) => false,
        }
    }

    fn into_sim(self, host: &str) -> SimError {
        let reason = match self {
            ExchangeError::Send(e) | ExchangeError::Body(e) => e.to_string(),
            ExchangeError::Lost(why) => format!("the connection ended without an answer: {why}"),
        };
        SimError::Http { host: host.to_string(), reason }
    }
}

/// The alert the server ended the handshake with, named as the RFCs name it
/// (`rustls::AlertDescription::ProtocolVersion` is `protocol_version`).
fn received_alert(e: &std::io::Error) -> Option<crate::error::TlsAlert> {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::AlertReceived(alert)) => {
            Some(crate::error::TlsAlert { alert: snake_case(&format!("{alert:?}")), from: crate::error::TlsPeer::Server })
        }
        _ => None,
    }
}

fn snake_case(camel: &str) -> String {
    let mut out = String::new();
    for (i, c) in camel.chars().enumerate() {
        if c.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(c.to_ascii_lowercase());
    }
    out
}

/// The TLS alert or verification failure, in the words a report should show.
fn tls_reason(e: &std::io::Error) -> String {
    match e.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>()) {
        Some(rustls::Error::AlertReceived(alert)) => format!("alert received: {alert:?}"),
        Some(other) => other.to_string(),
        None => e.to_string(),
    }
}

#[cfg(test)]
mod alert_names {
    #[test]
    fn rustls_alert_names_become_the_rfc_names() {
        assert_eq!(super::snake_case(&format!("{:?}", rustls::AlertDescription::ProtocolVersion)), "protocol_version");
        assert_eq!(super::snake_case(&format!("{:?}", rustls::AlertDescription::BadCertificate)), "bad_certificate");
    }
}
