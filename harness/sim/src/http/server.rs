//! Serving a fake on one connection: TLS (when configured), then HTTP/1.1 or HTTP/2 as the
//! client speaks, then the fault gate, then the fake's handler.

use super::{response, Request, Response, MAX_BODY};
use crate::fault::FaultGate;
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
use tokio::io::{AsyncRead, AsyncWrite};

pub type HandlerFuture = Pin<Box<dyn Future<Output = Response> + Send>>;

/// A fake's HTTP side. It sees the whole request and what the connection knows of the peer.
pub trait Handler: Send + Sync + 'static {
    fn handle(&self, req: Request, conn: ConnInfo) -> HandlerFuture;

    /// The answer to a request whose body is over [`MAX_BODY`]. The body is never read, so
    /// only the request's head is given. The default is a plain 413; a protocol that answers
    /// every error in its own form (APNs: `apns-id` and a JSON `reason`) says so here.
    fn body_too_large(&self, head: &http::request::Parts, conn: &ConnInfo) -> Response {
        let _ = (head, conn);
        body_too_large()
    }
}

/// A fake that answers as a shared `Arc` of itself, because answering starts tasks that
/// outlive the request (push deliveries, long polls). `Arc<T>` is then its [`Handler`].
pub trait SharedHandler: Send + Sync + 'static {
    fn handle(self: Arc<Self>, req: Request, conn: ConnInfo) -> HandlerFuture;

    /// As [`Handler::body_too_large`].
    fn body_too_large(&self, head: &http::request::Parts, conn: &ConnInfo) -> Response {
        let _ = (head, conn);
        body_too_large()
    }
}

impl<T: SharedHandler> Handler for Arc<T> {
    fn handle(&self, req: Request, conn: ConnInfo) -> HandlerFuture {
        SharedHandler::handle(self.clone(), req, conn)
    }

    fn body_too_large(&self, head: &http::request::Parts, conn: &ConnInfo) -> Response {
        SharedHandler::body_too_large(&**self, head, conn)
    }
}

/// The generic answer to a body over [`MAX_BODY`]: `413` in plain text.
pub fn body_too_large() -> Response {
    response(413, "text/plain", "request body too large")
}

/// What one connection knows about its client.
#[derive(Clone, Debug, Default)]
pub struct ConnInfo {
    /// Distinct per connection, so that connection-bound state (HTTP/2 token binding, NTLM)
    /// can be keyed by it.
    pub id: u64,
    pub tls: bool,
    pub peer_certificates: Vec<CertificateDer<'static>>,
    pub alpn: Option<Vec<u8>>,
    pub http2: bool,
}

/// One host's server: what it answers with, and the gate that faults it.
pub(crate) struct HostServer {
    pub name: String,
    pub handler: Arc<dyn Handler>,
    pub tls: Option<Arc<ServerConfig>>,
    pub gate: FaultGate,
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
    /// The HTTP connection failed (a malformed request, a reset).
    #[error("HTTP: {0}")]
    Http(Box<dyn std::error::Error + Send + Sync>),
}

/// Serve every request of one accepted connection until the client closes it.
pub(crate) async fn serve_connection<S>(io: S, server: Arc<HostServer>) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let mut info = ConnInfo { id: NEXT_CONN.fetch_add(1, Ordering::Relaxed), ..Default::default() };
    match server.tls.clone() {
        Some(cfg) => {
            let tls = tokio_rustls::TlsAcceptor::from(cfg).accept(io).await.map_err(ServeError::Tls)?;
            let (_, conn) = tls.get_ref();
            info.tls = true;
            info.peer_certificates = conn.peer_certificates().map(|c| c.to_vec()).unwrap_or_default();
            info.alpn = conn.alpn_protocol().map(|p| p.to_vec());
            serve_http(tls, server, info).await
        }
        None => serve_http(io, server, info).await,
    }
}

/// Serve HTTP on a stream whose TLS another stack has already terminated (see
/// [`crate::net::StreamAcceptor`]): the handler sees a TLS connection as usual.
pub(crate) async fn serve_decrypted<S>(io: S, server: Arc<HostServer>) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let info = ConnInfo { id: NEXT_CONN.fetch_add(1, Ordering::Relaxed), tls: true, ..Default::default() };
    serve_http(io, server, info).await
}

async fn serve_http<S>(io: S, server: Arc<HostServer>, info: ConnInfo) -> Result<(), ServeError>
where
    S: AsyncRead + AsyncWrite + Send + Unpin + 'static,
{
    let service = hyper::service::service_fn(move |req: http::Request<Incoming>| {
        let server = server.clone();
        let mut info = info.clone();
        info.http2 = req.version() == http::Version::HTTP_2;
        async move { dispatch(req, server, info).await }
    });
    let mut builder = hyper_util::server::conn::auto::Builder::new(TokioExecutor::new());
    builder.http1().timer(TokioTimer::new()).keep_alive(true);
    builder.http2().timer(TokioTimer::new()).max_concurrent_streams(1000);
    builder.serve_connection(TokioIo::new(io), service).await.map_err(ServeError::Http)
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
    let (parts, body) = req.into_parts();
    let body = match Limited::new(body, MAX_BODY).collect().await {
        Ok(b) => b.to_bytes(),
        Err(e) => {
            let too_big = e.downcast_ref::<http_body_util::LengthLimitError>().is_some();
            let r =
                if too_big { server.handler.body_too_large(&parts, &info) } else { response(400, "text/plain", "unreadable request body") };
            return Ok(r.map(Full::new));
        }
    };
    let resp = match gate.status_override().filter(|_| !controlled) {
        Some(status) => response(status, "text/plain", ""),
        None => server.handler.handle(http::Request::from_parts(parts, body), info).await,
    };
    Ok(resp.map(Full::new))
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
