//! Serving a fake on one connection: TLS (when configured), then HTTP/2 where ALPN chose `h2`
//! and HTTP/1.1 everywhere else, then the fault gate, then the fake's handler, with the
//! timeouts of the role's [`ConnLimits`].

use super::{response, Request, Response, MAX_BODY};
use crate::fault::FaultGate;
use crate::limits::{ConnLimits, TimeoutAnswer};
use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use rustls::ServerConfig;
use rustls_pki_types::CertificateDer;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::task::{Context, Poll};
use std::time::Duration;
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};
use tokio::sync::watch;

/// What a handler answers with: a boxed future of the response.
pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A fake's HTTP side. It sees the whole request and what the connection knows of the peer.
pub trait Handler: Send + Sync + 'static {
    /// Answers one request; `conn` tells whether it came over TLS, with which certificates and ALPN.
    fn handle(&self, req: Request, conn: ConnInfo) -> HandlerFuture;

    /// The answer to a request whose body is over [`MAX_BODY`]. The body is never read, so
    /// only the request's head is given. The default is a plain 413; a protocol that answers
    /// every error in its own form (APNs: `apns-id` and a JSON `reason`) says so here.
    fn body_too_large(&self, head: &http::request::Parts, conn: &ConnInfo) -> Response {
        let _ = (head, conn);
        body_too_large()
    }

    /// The answer to a request that must not have its body read: one that is refused from its
    /// head alone (no credentials where the server requires them). Asked before a body over
    /// [`EARLY_BODY`] (or one announced with `Expect: 100-continue`) is read, so that an
    /// unauthenticated client cannot make the server buffer megabytes; the client then gets
    /// the answer instead of `100 Continue` (RFC 9110 10.1.1). `None` (the default) reads on.
    /// Must give the answer [`Handler::handle`] would give, and change no state.
    fn before_body(&self, head: &http::request::Parts, conn: &ConnInfo) -> Option<Response> {
        let _ = (head, conn);
        None
    }

    /// Timeouts, connection cap and HTTP/2 settings of the real server this fake stands for,
    /// applied when it is served on real sockets (see [`ConnLimits`]).
    fn limits(&self) -> ConnLimits {
        ConnLimits::GENERIC
    }

    /// Whether this host opens tunnels for `CONNECT` (RFC 9110 9.3.6): a gateway. Its
    /// HTTP/1.1 connections are then served with upgrades, and [`Handler::connect`] answers
    /// each `CONNECT`; elsewhere a `CONNECT` reaches [`Handler::handle`] like any request.
    fn tunnels(&self) -> bool {
        false
    }

    /// The far end of the tunnel a `CONNECT` asks for (its head in `req`, no body), or the
    /// answer refusing it. On success the client gets `200` and the bytes of both ends are
    /// copied until either closes. Asked only when [`Handler::tunnels`] is true.
    fn connect(&self, req: Request, conn: ConnInfo) -> TunnelFuture {
        let _ = (req, conn);
        Box::pin(async { Err(response(405, "text/plain", "this host opens no tunnels")) })
    }
}

/// What [`Handler::connect`] answers with: the tunnel's far end, or the refusal.
pub type TunnelFuture = Pin<Box<dyn Future<Output = Result<crate::net::BoxIo, Response>> + Send>>;

/// A fake that answers as a shared `Arc` of itself, because answering starts tasks that
/// outlive the request (push deliveries, long polls). `Arc<T>` is then its [`Handler`].
pub trait SharedHandler: Send + Sync + 'static {
    /// As [`Handler::handle`], with the `Arc` the answer's tasks can keep.
    fn handle(self: Arc<Self>, req: Request, conn: ConnInfo) -> HandlerFuture;

    /// As [`Handler::body_too_large`].
    fn body_too_large(&self, head: &http::request::Parts, conn: &ConnInfo) -> Response {
        let _ = (head, conn);
        body_too_large()
    }

    /// As [`Handler::before_body`].
    fn before_body(&self, head: &http::request::Parts, conn: &ConnInfo) -> Option<Response> {
        let _ = (head, conn);
        None
    }

    /// As [`Handler::limits`].
    fn limits(&self) -> ConnLimits {
        ConnLimits::GENERIC
    }

    /// As [`Handler::tunnels`].
    fn tunnels(&self) -> bool {
        false
    }

    /// As [`Handler::connect`].
    fn connect(self: Arc<Self>, req: Request, conn: ConnInfo) -> TunnelFuture {
        let _ = (req, conn);
        Box::pin(async { Err(response(405, "text/plain", "this host opens no tunnels")) })
    }
}

impl<T: SharedHandler> Handler for Arc<T> {
    fn handle(&self, req: Request, conn: ConnInfo) -> HandlerFuture {
        SharedHandler::handle(self.clone(), req, conn)
    }

    fn body_too_large(&self, head: &http::request::Parts, conn: &ConnInfo) -> Response {
        SharedHandler::body_too_large(&**self, head, conn)
    }

    fn before_body(&self, head: &http::request::Parts, conn: &ConnInfo) -> Option<Response> {
        SharedHandler::before_body(&**self, head, conn)
    }

    fn limits(&self) -> ConnLimits {
        SharedHandler::limits(&**self)
    }

    fn tunnels(&self) -> bool {
        SharedHandler::tunnels(&**self)
    }

    fn connect(&self, req: Request, conn: ConnInfo) -> TunnelFuture {
        SharedHandler::connect(self.clone(), req, conn)
    }
}

/// The generic answer to a body over [`MAX_BODY`]: `413` in plain text.
pub fn body_too_large() -> Response {
    response(413, "text/plain", "request body too large")
}

/// Bodies up to this size are read before the handler sees anything, as every request of the
/// protocols here is; past it the handler is asked first ([`Handler::before_body`]).
pub const EARLY_BODY: usize = 64 * 1024;

/// What one connection knows about its client.
#[derive(Clone, Debug, Default)]
pub struct ConnInfo {
    /// Distinct per connection, so that connection-bound state (HTTP/2 token binding, NTLM)
    /// can be keyed by it.
    pub id: u64,
    /// The connection came over TLS (rustls or another stack).
    pub tls: bool,
    /// The client's certificate chain, when it presented one (rustls only).
    pub peer_certificates: Vec<CertificateDer<'static>>,
    /// The ALPN protocol agreed (`h2`, `http/1.1`), if any.
    pub alpn: Option<Vec<u8>>,
    /// The request came over HTTP/2 (APNs requires it).
    pub http2: bool,
}

/// One host's server: what it answers with, and the gate that faults it.
pub(crate) struct HostServer {
    pub name: String,
    pub handler: Arc<dyn Handler>,
    pub tls: Option<Arc<ServerConfig>>,
    pub gate: FaultGate,
    /// Timeouts and HTTP/2 settings of this host's connections.
    pub limits: ConnLimits,
    /// Turns true when the serving process stops: each connection then finishes what is in
    /// flight and closes (HTTP/2 GOAWAY, TLS close_notify). `None` in the simulation.
    pub stop: Option<watch::Receiver<bool>>,
    /// Ends when the role restarts in a simulation: every connection to this server is then
    /// cut at once, as a process's death cuts its sockets.
    pub life: crate::Lifetime,
    /// Where a served role's handler is read, request by request, so that a reset of the
    /// serving process replaces it under open connections; `None` answers with `handler`.
    pub slot: Option<crate::process_control::HandlerSlot>,
    /// The serving process's own control routes (peers, reset); `None` in the simulation.
    pub process: Option<Arc<crate::process_control::ProcessControl>>,
}

impl HostServer {
    /// A host of the in-process simulation ([`ConnLimits::IN_PROCESS`], never stopped).
    pub(crate) fn in_process(name: &str, handler: Arc<dyn Handler>, tls: Option<Arc<ServerConfig>>, gate: FaultGate) -> Self {
        HostServer {
            name: name.to_string(),
            handler,
            tls,
            gate,
            limits: ConnLimits::IN_PROCESS,
            stop: None,
            life: Default::default(),
            slot: None,
            process: None,
        }
    }

    /// What answers this host's requests now.
    fn current(&self) -> Arc<dyn Handler> {
        match &self.slot {
            Some(slot) => slot.read().expect("handler slot poisoned").clone(),
            None => self.handler.clone(),
        }
    }

    /// The same host (certificate, TLS, gate, limits) answered by `handler`, with a new life.
    pub(crate) fn restarted(&self, handler: Arc<dyn Handler>) -> Self {
        HostServer {
            name: self.name.clone(),
            handler,
            tls: self.tls.clone(),
            gate: self.gate.clone(),
            limits: self.limits.clone(),
            stop: self.stop.clone(),
            life: Default::default(),
            slot: None,
            process: self.process.clone(),
        }
    }
}

static NEXT_CONN: AtomicU64 = AtomicU64::new(1);

/// Why serving one accepted connection stopped before the client closed it. Only logged: the
/// client sees the same failure from its side.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServeError {
    /// rustls could not complete the server side of the handshake.
    #[error("TLS handshake: {0}")]
    Tls(std::io::Error),
    /// Another TLS stack (see [`crate::net::StreamAcceptor`]) could not.
    #[error("TLS handshake: {0}")]
    Handshake(#[from] crate::error::HandshakeError),
    /// The client did not complete its TLS handshake within [`ConnLimits::tls_handshake_timeout`].
    #[error("TLS handshake not completed within {0:?}")]
    HandshakeTimeout(Duration),
    /// The serving process stopped before the handshake completed.
    #[error("stopped during the TLS handshake")]
    Stopped,
    /// The HTTP connection failed (a malformed request, a reset, a stalled request head).
    #[error("HTTP: {0}")]
    Http(Box<dyn std::error::Error + Send + Sync>),
}

/// Resolves once `stop` turns true; never without one.
pub(crate) async fn stopped(stop: Option<watch::Receiver<bool>>) {
    match stop {
        Some(mut rx) => {
            if rx.wait_for(|s| *s).await.is_err() {
                // The sender is gone: the process is ending anyway.
                std::future::pending::<()>().await;
            }
        }
        None => std::future::pending::<()>().await,
    }
}

/// Runs a handshake within `limit`, giving up when the process stops.
pub(crate) async fn handshake<T, E>(
    limit: Option<Duration>,
    stop: Option<watch::Receiver<bool>>,
    fut: impl Future<Output = Result<T, E>>,
) -> Result<T, ServeError>
where
    ServeError: From<E>,
{
    let timed = async {
        match limit {
            Some(d) => tokio::time::timeout(d, fut).await.map_err(|_| ServeError::HandshakeTimeout(d))?.map_err(ServeError::from),
            None => fut.await.map_err(ServeError::from),
        }
    };
    tokio::select! {
        r = timed => r,
        _ = stopped(stop) => Err(ServeError::Stopped),
    }
}

impl From<std::io::Error> for ServeError {
    fn from(e: std::io::Error) -> Self {
        ServeError::Tls(e)
    }
}

/// Serve every request of one accepted connection until the client closes it.
pub(crate) async fn serve_connection<S>(io: S, server: Arc<HostServer>) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let mut info = ConnInfo { id: NEXT_CONN.fetch_add(1, Ordering::Relaxed), ..Default::default() };
    match server.tls.clone() {
        Some(cfg) => {
            let accept = tokio_rustls::TlsAcceptor::from(cfg).accept(io);
            let tls = handshake(server.limits.tls_handshake_timeout, server.stop.clone(), accept).await?;
            let (_, conn) = tls.get_ref();
            info.tls = true;
            info.peer_certificates = conn.peer_certificates().map(|c| c.to_vec()).unwrap_or_default();
            info.alpn = conn.alpn_protocol().map(|p| p.to_vec());
            // HTTP/2 over TLS only where ALPN chose it (RFC 9113 3.2), or, without ALPN, on a
            // server that speaks only HTTP/2; elsewhere an HTTP/2 preface is not an HTTP/1.1
            // request and is refused.
            match info.alpn.as_deref() {
                Some(b"h2") => serve_h2(tls, server, info).await,
                None if server.limits.http2_without_alpn => serve_sniffed(tls, server, info).await,
                _ => serve_h1(tls, server, info).await,
            }
        }
        // Plain ports speak HTTP/1.1 only: neither IIS nor Domino speaks h2c.
        None => serve_h1(io, server, info).await,
    }
}

/// Serve HTTP on a stream whose TLS another stack has already terminated (see
/// [`crate::net::StreamAcceptor`]): the handler sees a TLS connection as usual. Those stacks
/// stand for servers of the SSL 3.0 to TLS 1.1 era and select `http/1.1` by ALPN, so this is
/// HTTP/1.1.
pub(crate) async fn serve_decrypted<S>(io: S, server: Arc<HostServer>) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let info = ConnInfo { id: NEXT_CONN.fetch_add(1, Ordering::Relaxed), tls: true, ..Default::default() };
    serve_h1(io, server, info).await
}

fn service(
    server: Arc<HostServer>,
    info: ConnInfo,
    streams: Option<Arc<watch::Sender<Activity>>>,
) -> impl hyper::service::Service<
    http::Request<Incoming>,
    Response = http::Response<Full<Bytes>>,
    Error = Cut,
    Future = impl Future<Output = Result<http::Response<Full<Bytes>>, Cut>> + Send + 'static,
> + Clone {
    hyper::service::service_fn(move |req: http::Request<Incoming>| {
        let server = server.clone();
        let mut info = info.clone();
        info.http2 = req.version() == http::Version::HTTP_2;
        let open = streams.clone().map(StreamOpen::new);
        async move {
            let r = dispatch(req, server, info).await;
            drop(open);
            r
        }
    })
}

/// HTTP/1.1 on one connection, with hyper's head timeout ([`ConnLimits::header_read_timeout`]).
/// A head left half sent gets [`ConnLimits::timeout_answer`]; an idle connection is just closed.
async fn serve_h1<S>(io: S, server: Arc<HostServer>, info: ConnInfo) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    if server.current().tunnels() {
        return serve_h1_tunnels(io, server, info).await;
    }
    let limits = server.limits.clone();
    let stop = server.stop.clone();
    let mut io = PartialHead::new(io);
    let outcome = {
        let mut builder = hyper::server::conn::http1::Builder::new();
        builder.timer(TokioTimer::new()).keep_alive(true).header_read_timeout(limits.header_read_timeout);
        let conn = builder.serve_connection(TokioIo::new(&mut io), service(server, info, None));
        tokio::pin!(conn);
        tokio::select! {
            r = conn.as_mut() => r,
            _ = stopped(stop) => {
                conn.as_mut().graceful_shutdown();
                conn.await
            }
        }
    };
    match outcome {
        Ok(()) => Ok(()),
        Err(e) if e.is_timeout() => {
            if io.partial && limits.timeout_answer == TimeoutAnswer::RequestTimeout {
                let _ = io.inner.write_all(REQUEST_TIMEOUT).await;
            }
            // close_notify on TLS, FIN on TCP.
            let _ = io.inner.shutdown().await;
            Err(ServeError::Http(Box::new(e)))
        }
        Err(e) => Err(ServeError::Http(Box::new(e))),
    }
}

/// HTTP/1.1 on a gateway's connection: served with upgrades, so that a `CONNECT` the handler
/// accepts becomes a tunnel ([`Handler::connect`]). Upgrades need the stream itself, so a
/// request head left half sent is just closed here, without [`ConnLimits::timeout_answer`].
async fn serve_h1_tunnels<S>(io: S, server: Arc<HostServer>, info: ConnInfo) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let stop = server.stop.clone();
    let mut builder = hyper::server::conn::http1::Builder::new();
    builder.timer(TokioTimer::new()).keep_alive(true).header_read_timeout(server.limits.header_read_timeout);
    let conn = builder.serve_connection(TokioIo::new(io), service(server, info, None)).with_upgrades();
    tokio::pin!(conn);
    let outcome = tokio::select! {
        r = conn.as_mut() => r,
        _ = stopped(stop) => {
            conn.as_mut().graceful_shutdown();
            conn.await
        }
    };
    outcome.map_err(|e| ServeError::Http(Box::new(e)))
}

/// Answers a `CONNECT` on a host that tunnels: asks the handler for the far end and, when it
/// gives one, copies bytes both ways once hyper hands over the connection. The tunnel lives as
/// long as the host's server ([`HostServer::life`]): a restart cuts it.
async fn open_tunnel(mut req: http::Request<Incoming>, server: &HostServer, info: ConnInfo) -> Response {
    let upgrade = hyper::upgrade::on(&mut req);
    let (parts, _) = req.into_parts();
    match server.current().connect(http::Request::from_parts(parts, Bytes::new()), info).await {
        Ok(mut far) => {
            server.life.clone().spawn(async move {
                match upgrade.await {
                    Ok(upgraded) => {
                        let mut near = TokioIo::new(upgraded);
                        let _ = tokio::io::copy_bidirectional(&mut near, &mut far).await;
                    }
                    Err(e) => tracing::debug!("tunnel not upgraded: {e}"),
                }
            });
            response(200, "text/plain", "")
        }
        Err(refusal) => refusal,
    }
}

/// HTTP/2 if the client opens with the HTTP/2 connection preface (prior knowledge, RFC 9113
/// 3.3), HTTP/1.1 otherwise: a server that speaks HTTP/2 to clients that offer no ALPN.
async fn serve_sniffed<S>(mut io: S, server: Arc<HostServer>, info: ConnInfo) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    const PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
    let mut first = Vec::with_capacity(PREFACE.len());
    let sniff = async {
        let mut buf = [0u8; 24];
        while first.len() < PREFACE.len() && PREFACE.starts_with(&first) {
            let n = io.read(&mut buf[..PREFACE.len() - first.len()]).await?;
            if n == 0 {
                break;
            }
            first.extend_from_slice(&buf[..n]);
        }
        Ok::<_, std::io::Error>(())
    };
    let sniffed = match server.limits.header_read_timeout {
        Some(d) => tokio::time::timeout(d, sniff).await.map_err(|_| ServeError::HandshakeTimeout(d))?,
        None => sniff.await,
    };
    sniffed.map_err(|e| ServeError::Http(Box::new(e)))?;
    let h2 = first == PREFACE;
    let io = Prefixed { prefix: first, at: 0, inner: io };
    if h2 {
        serve_h2(io, server, info).await
    } else {
        serve_h1(io, server, info).await
    }
}

/// A stream that first gives back the bytes already read from it.
struct Prefixed<S> {
    prefix: Vec<u8>,
    at: usize,
    inner: S,
}

impl<S: AsyncRead + Unpin> AsyncRead for Prefixed<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        if self.at < self.prefix.len() {
            let n = (self.prefix.len() - self.at).min(buf.remaining());
            let at = self.at;
            buf.put_slice(&self.prefix[at..at + n]);
            self.at += n;
            return Poll::Ready(Ok(()));
        }
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Prefixed<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, data)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// The whole answer to a request head that stopped arriving (RFC 9110 15.5.9).
const REQUEST_TIMEOUT: &[u8] = b"HTTP/1.1 408 Request Timeout\r\nConnection: close\r\nContent-Length: 0\r\n\r\n";

/// HTTP/2 on one connection: the role's stream limit and PING keep-alive (hyper's own), and an
/// idle timeout that sends GOAWAY once no stream has been open for
/// [`ConnLimits::http2_idle_timeout`].
async fn serve_h2<S>(io: S, server: Arc<HostServer>, info: ConnInfo) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let limits = server.limits.clone();
    let stop = server.stop.clone();
    let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
    builder.timer(TokioTimer::new()).max_concurrent_streams(limits.http2_max_concurrent_streams);
    if let Some(interval) = limits.http2_keep_alive_interval {
        builder.keep_alive_interval(interval).keep_alive_timeout(limits.http2_keep_alive_timeout);
    }
    let activity = Arc::new(watch::Sender::new(Activity { open: 0, since: tokio::time::Instant::now() }));
    let conn = builder.serve_connection(TokioIo::new(io), service(server, info, Some(activity.clone())));
    tokio::pin!(conn);
    let idle = idle_for(activity.subscribe(), limits.http2_idle_timeout);
    tokio::select! {
        r = conn.as_mut() => return r.map_err(|e| ServeError::Http(Box::new(e))),
        _ = idle => {}
        _ = stopped(stop) => {}
    }
    conn.as_mut().graceful_shutdown();
    conn.await.map_err(|e| ServeError::Http(Box::new(e)))
}

/// Open streams of an HTTP/2 connection, and since when that number has been what it is.
#[derive(Clone, Copy, Debug)]
struct Activity {
    open: usize,
    since: tokio::time::Instant,
}

/// Counts one stream as open while it lives.
struct StreamOpen(Arc<watch::Sender<Activity>>);

impl StreamOpen {
    fn new(a: Arc<watch::Sender<Activity>>) -> Self {
        a.send_modify(|a| {
            a.open += 1;
            a.since = tokio::time::Instant::now();
        });
        StreamOpen(a)
    }
}

impl Drop for StreamOpen {
    fn drop(&mut self) {
        self.0.send_modify(|a| {
            a.open -= 1;
            a.since = tokio::time::Instant::now();
        });
    }
}

/// Resolves once no stream has been open for `limit`; never without a limit.
async fn idle_for(mut rx: watch::Receiver<Activity>, limit: Option<Duration>) {
    let Some(limit) = limit else { return std::future::pending().await };
    loop {
        let now = *rx.borrow_and_update();
        if now.open == 0 {
            tokio::select! {
                _ = tokio::time::sleep_until(now.since + limit) => return,
                r = rx.changed() => if r.is_err() { return std::future::pending().await },
            }
        } else if rx.changed().await.is_err() {
            return std::future::pending().await;
        }
    }
}

/// A connection's stream that knows whether the client has sent bytes since the server last
/// wrote: when hyper's head timeout fires, that tells a half-sent request (answered per
/// [`ConnLimits::timeout_answer`]) from an idle keep-alive connection (closed silently).
struct PartialHead<S> {
    inner: S,
    partial: bool,
}

impl<S> PartialHead<S> {
    fn new(inner: S) -> Self {
        PartialHead { inner, partial: false }
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for PartialHead<S> {
    fn poll_read(mut self: Pin<&mut Self>, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let r = Pin::new(&mut self.inner).poll_read(cx, buf);
        if buf.filled().len() > before {
            self.partial = true;
        }
        r
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for PartialHead<S> {
    fn poll_write(mut self: Pin<&mut Self>, cx: &mut Context<'_>, data: &[u8]) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write(cx, data);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.partial = false;
        }
        r
    }

    fn poll_write_vectored(mut self: Pin<&mut Self>, cx: &mut Context<'_>, bufs: &[std::io::IoSlice<'_>]) -> Poll<std::io::Result<usize>> {
        let r = Pin::new(&mut self.inner).poll_write_vectored(cx, bufs);
        if matches!(r, Poll::Ready(Ok(n)) if n > 0) {
            self.partial = false;
        }
        r
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Why a request is dropped without an answer (the connection closes).
#[derive(Debug)]
struct Cut;
impl std::fmt::Display for Cut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("host cut off by a fault")
    }
}
impl std::error::Error for Cut {}

async fn dispatch(req: http::Request<Incoming>, server: Arc<HostServer>, info: ConnInfo) -> Result<http::Response<Full<Bytes>>, Cut> {
    let gate = &server.gate;
    if req.uri().path().starts_with(crate::CONTROL_PREFIX) {
        // The control API stays reachable whatever faults the host has: it is how they are lifted.
        if req.uri().path() == FAULT_PATH {
            return Ok(fault_control(req, gate).await.map(Full::new));
        }
        let path = req.uri().path();
        if let Some(process) = server.process.as_ref().filter(|_| crate::process_control::is_process_path(path)) {
            return Ok(process_control(req, process).await.map(Full::new));
        }
    } else if gate.unreachable() {
        return Err(Cut);
    }
    let controlled = req.uri().path().starts_with(crate::CONTROL_PREFIX);
    if !controlled && gate.black_hole() {
        std::future::pending::<()>().await;
    }
    if let (false, Some(d)) = (controlled, gate.latency()) {
        tokio::time::sleep(d).await;
    }
    if req.method() == http::Method::CONNECT && server.current().tunnels() {
        return Ok(open_tunnel(req, &server, info).await.map(Full::new));
    }
    let (parts, body) = req.into_parts();
    let body = match read_body(body, &parts, &server, &info).await {
        Ok(b) => b,
        Err(early) => return Ok(early.map(Full::new)),
    };
    let resp = match gate.status_override().filter(|_| !controlled) {
        Some(status) => response(status, "text/plain", ""),
        None => server.current().handle(http::Request::from_parts(parts, body), info).await,
    };
    Ok(resp.map(Full::new))
}

/// The request's body, or the answer given instead of reading (the rest of) it: the handler's
/// refusal from the head alone past [`EARLY_BODY`], 413 past [`MAX_BODY`], the role's timeout
/// answer when the body stops arriving.
async fn read_body(mut body: Incoming, head: &http::request::Parts, server: &HostServer, info: &ConnInfo) -> Result<Bytes, Response> {
    let declared = head.headers.get(http::header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let expects_continue = head.headers.get(http::header::EXPECT).is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"100-continue"));
    let refuse_early = || server.current().before_body(head, info).map(|r| closing(r, head.version));
    if expects_continue || declared.is_some_and(|n| n > EARLY_BODY as u64) {
        if let Some(r) = refuse_early() {
            return Err(r);
        }
    }
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return Err(closing(server.current().body_too_large(head, info), head.version));
    }
    let mut chunks: Vec<Bytes> = Vec::new();
    let mut len = 0usize;
    let mut asked = false;
    let idle = server.limits.body_idle_timeout;
    loop {
        let next = match idle {
            Some(d) => match tokio::time::timeout(d, body.frame()).await {
                Ok(f) => f,
                Err(_) => return Err(body_timeout(server.limits.timeout_answer, head.version)),
            },
            None => body.frame().await,
        };
        let Some(frame) = next else { break };
        let Ok(frame) = frame else { return Err(response(400, "text/plain", "unreadable request body")) };
        let Ok(data) = frame.into_data() else { continue };
        len += data.len();
        if len > MAX_BODY {
            return Err(closing(server.current().body_too_large(head, info), head.version));
        }
        chunks.push(data);
        if len > EARLY_BODY && !asked {
            asked = true;
            if let Some(r) = refuse_early() {
                return Err(r);
            }
        }
    }
    Ok(match chunks.len() {
        0 => Bytes::new(),
        1 => chunks.pop().expect("one chunk"),
        _ => {
            let mut all = bytes::BytesMut::with_capacity(len);
            chunks.iter().for_each(|c| all.extend_from_slice(c));
            all.freeze()
        }
    })
}

/// An answer given with the request's body left unread: on HTTP/1.x the connection cannot
/// carry another request, so the answer says it closes (RFC 9112 9.6).
fn closing(mut r: Response, version: http::Version) -> Response {
    if version < http::Version::HTTP_2 {
        r.headers_mut().insert(http::header::CONNECTION, http::HeaderValue::from_static("close"));
    }
    r
}

/// The answer to a body that stopped arriving.
fn body_timeout(answer: TimeoutAnswer, version: http::Version) -> Response {
    match answer {
        TimeoutAnswer::RequestTimeout => closing(response(408, "text/plain", "request body timed out"), version),
        // hyper has no way to close without answering but to fail the request: a 408 is the
        // nearest, and HTTP.sys's reset is what a client sees when the connection closes after it.
        TimeoutAnswer::Close => closing(response(408, "text/plain", ""), version),
    }
}

/// Where every host's faults are set and lifted: `POST` a [`crate::Fault`] as JSON, `DELETE`
/// to clear all, `GET` to list.
pub(crate) const FAULT_PATH: &str = "/_mailconform/fault";

async fn fault_control(req: http::Request<Incoming>, gate: &FaultGate) -> Response {
    match *req.method() {
        http::Method::GET => crate::contract::reply(200, &gate.faults()),
        http::Method::DELETE => {
            gate.clear();
            response(204, "text/plain", "")
        }
        http::Method::POST => {
            let body = match Limited::new(req.into_body(), 64 * 1024).collect().await {
                Ok(b) => b.to_bytes(),
                Err(_) => return response(400, "text/plain", "unreadable body"),
            };
            match serde_json::from_slice::<crate::Fault>(&body) {
                Ok(f) => {
                    gate.set(f);
                    response(204, "text/plain", "")
                }
                Err(e) => response(
                    400,
                    "text/plain",
                    format!("expected a fault such as {{\"kind\":\"unreachable\"}} or {{\"kind\":\"status\",\"status\":503}}: {e}"),
                ),
            }
        }
        _ => response(405, "text/plain", "use GET, POST or DELETE"),
    }
}

/// The serving process's own routes ([`crate::process_control`]).
async fn process_control(req: http::Request<Incoming>, process: &crate::process_control::ProcessControl) -> Response {
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, 1024 * 1024).collect().await {
        Ok(b) => b.to_bytes(),
        Err(_) => return response(400, "text/plain", "unreadable body"),
    };
    process.answer(&parts.method, parts.uri.path(), &body).await.unwrap_or_else(|| response(404, "text/plain", ""))
}

/// Lets closures be handlers.
pub struct FnHandler<F>(pub F);

impl<F, Fut> Handler for FnHandler<F>
where
    F: Fn(Request, ConnInfo) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Response> + Send + 'static,
{
    fn handle(&self, req: Request, conn: ConnInfo) -> HandlerFuture {
        Box::pin((self.0)(req, conn))
    }
}

#[allow(dead_code)]
fn assert_infallible(_: Infallible) {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::ClientAuth;
    use crate::{RequestOptions, Simulation};

    /// Answers every request with 200; says nothing about body limits.
    fn plain() -> Arc<dyn Handler> {
        Arc::new(FnHandler(|_req: Request, _c| async { response(200, "text/plain", "ok") }))
    }

    /// A handler of a protocol with its own error form.
    struct OwnForm;
    impl Handler for OwnForm {
        fn handle(&self, _req: Request, _conn: ConnInfo) -> HandlerFuture {
            Box::pin(async { response(200, "text/plain", "ok") })
        }
        fn body_too_large(&self, head: &http::request::Parts, _conn: &ConnInfo) -> Response {
            let id = head.headers.get("x-id").and_then(|v| v.to_str().ok()).unwrap_or("none");
            response(413, "application/json", format!("{{\"reason\":\"TooBig\",\"id\":\"{id}\"}}"))
        }
    }

    fn sim_with(seed: u64) -> Simulation {
        let mut sim = Simulation::new(seed).unwrap();
        sim.add_host("plain", "plain.example.test", plain(), ClientAuth::None, false).unwrap();
        sim.add_host("own", "own.example.test", Arc::new(OwnForm), ClientAuth::None, false).unwrap();
        sim
    }

    fn post_big(sim: &Simulation, host: &str) -> Response {
        let req = http::Request::post(format!("https://{host}/")).header("x-id", "42").body(Bytes::from(vec![b'x'; MAX_BODY + 1])).unwrap();
        sim.block_on(sim.client().send(req, &RequestOptions::default())).unwrap()
    }

    #[test]
    fn a_body_over_the_limit_gets_the_handlers_answer_or_a_plain_413() {
        let sim = sim_with(1);
        let r = post_big(&sim, "plain.example.test");
        assert_eq!((r.status().as_u16(), r.headers()["content-type"].to_str().unwrap()), (413, "text/plain"));
        assert_eq!(r.body().as_ref(), b"request body too large");
        let r = post_big(&sim, "own.example.test");
        assert_eq!(r.status(), 413);
        assert_eq!(r.body().as_ref(), br#"{"reason":"TooBig","id":"42"}"#);
    }
}
