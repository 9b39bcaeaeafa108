//! Fakes on real sockets with the real clock: what `mailconform serve` runs, so that outside
//! clients (a vendor's, a third party's) can talk to them.

use crate::clock::Clock;
use crate::error::SimError;
use crate::fault::FaultGate;
use crate::http::client::HttpClient;
use crate::http::server::{serve_connection, Handler, HostServer};
use crate::net::{serve_accepted, StreamAcceptor, TcpDialer};
use crate::pki::Pki;
use crate::rng::SeededRng;
use crate::tls::{self, ClientAuth};
use crate::topology::{Endpoint, Topology};
use crate::FakeEnv;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

/// The real-socket counterpart of [`crate::Simulation`]: a CA, a clock, a dialer that knows
/// where each served host name really listens.
pub struct RealWorld {
    pub dialer: Arc<TcpDialer>,
    pub clock: Clock,
    pub pki: Pki,
    pub rng: SeededRng,
    pub topology: Mutex<Topology>,
}

impl RealWorld {
    /// Must be called inside a tokio runtime with the real clock.
    pub fn new(seed: u64) -> Result<Self, SimError> {
        let clock = Clock::real();
        let pki = Pki::new(clock.offset_date_time())?;
        Ok(RealWorld { dialer: Arc::new(TcpDialer::default()), clock, pki, rng: SeededRng::new(seed), topology: Mutex::default() })
    }

    pub fn client(&self) -> HttpClient {
        HttpClient::new(self.dialer.clone(), tls::roots(&[self.pki.ca.cert_der().clone()]), self.clock.clone())
    }

    pub fn env(&self, label: &str) -> FakeEnv {
        FakeEnv { http: self.client(), clock: self.clock.clone(), rng: self.rng.fork(label) }
    }

    /// Serve `handler` as `host` on an ephemeral port of `bind` with TLS, and pin the host name
    /// (port 443) to it so other served fakes reach it by name.
    pub async fn bind(
        &self,
        role: &str,
        host: &str,
        handler: Arc<dyn Handler>,
        client_auth: ClientAuth,
        bind: IpAddr,
    ) -> Result<(Endpoint, SocketAddr, FaultGate), SimError> {
        let leaf = self.pki.ca.server_leaf(&[host, "localhost", "127.0.0.1", &bind.to_string()], self.clock.offset_date_time())?;
        let cfg = tls::server_config(&leaf, client_auth, &self.clock, handler.alpn_protocols())?;
        let gate = FaultGate::default();
        let server = Arc::new(HostServer { name: host.to_string(), handler, tls: Some(cfg), gate: gate.clone() });
        let listener = tokio::net::TcpListener::bind((bind, 0)).await?;
        let addr = listener.local_addr()?;
        self.dialer.pin(host, 443, addr);
        tokio::spawn(accept_loop(listener, server));
        let base_url = format!("https://{addr}");
        let e = Endpoint {
            role: role.to_string(),
            host: host.to_string(),
            control_url: format!("{base_url}{}", crate::CONTROL_PREFIX),
            base_url,
        };
        self.topology.lock().expect("topology poisoned").insert(e.clone());
        Ok((e, addr, gate))
    }
}

impl RealWorld {
    /// Like [`Self::bind`], with TLS from `acceptor` (another stack, see
    /// [`crate::net::StreamAcceptor`]) instead of rustls.
    pub async fn bind_with_acceptor(
        &self,
        role: &str,
        host: &str,
        handler: Arc<dyn Handler>,
        acceptor: Arc<dyn StreamAcceptor>,
        bind: IpAddr,
    ) -> Result<(Endpoint, SocketAddr, FaultGate), SimError> {
        let gate = FaultGate::default();
        let server = Arc::new(HostServer { name: host.to_string(), handler, tls: None, gate: gate.clone() });
        let listener = tokio::net::TcpListener::bind((bind, 0)).await?;
        let addr = listener.local_addr()?;
        self.dialer.pin(host, 443, addr);
        tokio::spawn(accept_loop_with(listener, server, acceptor));
        let base_url = format!("https://{addr}");
        let e = Endpoint {
            role: role.to_string(),
            host: host.to_string(),
            control_url: format!("{base_url}{}", crate::CONTROL_PREFIX),
            base_url,
        };
        self.topology.lock().expect("topology poisoned").insert(e.clone());
        Ok((e, addr, gate))
    }

    /// Serve `handler` in plain HTTP (no TLS) on an ephemeral port, pinned as `host:80`, for
    /// the servers that also answer on port 80.
    pub async fn bind_plain(&self, host: &str, handler: Arc<dyn Handler>, bind: IpAddr) -> Result<SocketAddr, SimError> {
        let server = Arc::new(HostServer { name: host.to_string(), handler, tls: None, gate: FaultGate::default() });
        let listener = tokio::net::TcpListener::bind((bind, 0)).await?;
        let addr = listener.local_addr()?;
        self.dialer.pin(host, 80, addr);
        tokio::spawn(accept_loop(listener, server));
        Ok(addr)
    }
}

async fn accept_loop_with(listener: tokio::net::TcpListener, server: Arc<HostServer>, acceptor: Arc<dyn StreamAcceptor>) {
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                let _ = stream.set_nodelay(true);
                tokio::spawn(serve_accepted(stream, server.clone(), Some(acceptor.clone())));
            }
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::task::yield_now().await;
            }
        }
    }
}

async fn accept_loop(listener: tokio::net::TcpListener, server: Arc<HostServer>) {
    loop {
        match listener.accept().await {
            Ok((stream, _peer)) => {
                let _ = stream.set_nodelay(true);
                let server = server.clone();
                tokio::spawn(async move {
                    if let Err(e) = serve_connection(stream, server).await {
                        tracing::debug!("connection ended: {e}");
                    }
                });
            }
            Err(e) => {
                tracing::warn!("accept failed: {e}");
                tokio::task::yield_now().await;
            }
        }
    }
}
