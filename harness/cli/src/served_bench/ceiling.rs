//! The ceiling the served figures are read against: a plain hyper server on the same TLS stack
//! as the served fakes (rustls with aws-lc-rs, the configuration of
//! [`mailconform_sim::tls::server_config`], HTTP/1.1 or HTTP/2 by ALPN, TCP_NODELAY), that
//! reads each request's body and answers 200 with a few bytes. Whatever a served role does
//! beyond that (routing, authentication, parsing SOAP, journals, the store) is what the ratio
//! served/ceiling shows.
//!
//! It runs as `mailconform bench-ceiling-server --state-dir DIR`, a subcommand hidden from help,
//! and writes `ca.pem` and `endpoints.json` as `serve` does, so the bench starts, reads and
//! stops it exactly as it does `serve`.

use crate::cli::CeilingArgs;
use crate::error::CliError;
use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper_util::rt::{TokioExecutor, TokioIo};
use mailconform_fakes::serve::files;
use mailconform_sim::tls::{server_config, ClientAuth};
use mailconform_sim::{CertAuthority, Clock, Endpoint, Topology};
use std::convert::Infallible;
use std::path::Path;
use tokio::net::TcpListener;
use tokio_rustls::TlsAcceptor;

/// The role name the ceiling server writes to `endpoints.json`.
pub(crate) const CEILING_ROLE: &str = "ceiling";
/// What it answers to every request.
pub(crate) const HELLO: &str = "hello\n";
/// Streams per HTTP/2 connection: above the served roles' own (100 for Exchange, 1000 for
/// APNs), so the ceiling never queues a stream a served role would take.
const MAX_STREAMS: u32 = 1000;

/// `mailconform bench-ceiling-server`: serves until SIGTERM or Ctrl-C, then exits 0.
pub(crate) fn serve(args: &CeilingArgs) -> Result<(), CliError> {
    let start = |e: &dyn std::fmt::Display| CliError::RoleStart(format!("{CEILING_ROLE}: {e}"));
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| start(&e))?;
    runtime.block_on(async {
        let now = Clock::real().offset_date_time();
        let ca = CertAuthority::new("mailconform bench ceiling CA", now).map_err(|e| start(&e))?;
        let bind = args.bind.to_string();
        let leaf = ca.server_leaf(&["localhost", &bind], now).map_err(|e| start(&e))?;
        let tls = server_config(&leaf, ClientAuth::None, &Clock::real(), &[b"h2", b"http/1.1"]).map_err(|e| start(&e))?;
        let listener = TcpListener::bind((args.bind, 0)).await.map_err(|e| start(&e))?;
        let addr = listener.local_addr().map_err(|e| start(&e))?;
        write_state(&args.state_dir, ca.cert_pem(), &format!("https://{addr}")).map_err(|e| start(&e))?;
        println!("{CEILING_ROLE} https://{addr}");
        let acceptor = TlsAcceptor::from(tls);
        let mut stop = Box::pin(stop_signal());
        loop {
            tokio::select! {
                _ = &mut stop => return Ok(()),
                accepted = listener.accept() => {
                    let Ok((tcp, _)) = accepted else { continue };
                    let _ = tcp.set_nodelay(true);
                    tokio::spawn(connection(acceptor.clone(), tcp));
                }
            }
        }
    })
}

/// `ca.pem`, then `endpoints.json` (last: the bench takes it as the sign of readiness).
fn write_state(dir: &Path, ca_pem: &str, base_url: &str) -> std::io::Result<()> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join(files::CA), ca_pem)?;
    let mut topology = Topology::default();
    topology.insert(Endpoint {
        services: Default::default(),
        role: CEILING_ROLE.to_string(),
        host: "localhost".to_string(),
        base_url: base_url.to_string(),
        control_url: base_url.to_string(),
        plain_url: None,
    });
    std::fs::write(dir.join(files::ENDPOINTS), serde_json::to_vec_pretty(&topology)?)
}

async fn connection(acceptor: TlsAcceptor, tcp: tokio::net::TcpStream) {
    let Ok(tls) = acceptor.accept(tcp).await else { return };
    let h2 = tls.get_ref().1.alpn_protocol() == Some(b"h2");
    let io = TokioIo::new(tls);
    let service = hyper::service::service_fn(hello);
    if h2 {
        let mut builder = hyper::server::conn::http2::Builder::new(TokioExecutor::new());
        builder.max_concurrent_streams(MAX_STREAMS);
        let _ = builder.serve_connection(io, service).await;
    } else {
        let _ = hyper::server::conn::http1::Builder::new().serve_connection(io, service).await;
    }
}

/// Reads the whole request, as a served role does before it answers, and answers 200.
async fn hello(req: http::Request<Incoming>) -> Result<http::Response<Full<Bytes>>, Infallible> {
    let _ = req.into_body().collect().await;
    Ok(http::Response::builder()
        .header(http::header::CONTENT_TYPE, "text/plain")
        .body(Full::new(Bytes::from_static(HELLO.as_bytes())))
        .unwrap_or_default())
}

/// SIGTERM or Ctrl-C.
async fn stop_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        if let Ok(mut term) = signal(SignalKind::terminate()) {
            tokio::select! {
                _ = term.recv() => {}
                _ = tokio::signal::ctrl_c() => {}
            }
            return;
        }
    }
    let _ = tokio::signal::ctrl_c().await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn state_is_what_the_bench_reads() {
        let dir = tempfile::tempdir().unwrap();
        write_state(dir.path(), "-----BEGIN CERTIFICATE-----\n", "https://127.0.0.1:4443").unwrap();
        let t = super::super::endpoints::read_endpoints(dir.path(), "ceiling").unwrap();
        let a = super::super::endpoints::address(&t, "ceiling", CEILING_ROLE).unwrap();
        assert_eq!(a.socket, "127.0.0.1:4443".parse().unwrap());
    }
}
