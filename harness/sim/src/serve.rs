//! Fakes on real sockets with the real clock: what `mailconform serve` runs, so that outside
//! clients (a vendor's, a third party's) can talk to them.

use crate::clock::Clock;
use crate::error::SimError;
use crate::fault::FaultGate;
use crate::host::{Hosting, Placement, TlsTermination};
use crate::http::client::HttpClient;
use crate::http::server::{serve_connection, HostServer};
use crate::net::{serve_accepted, StreamAcceptor, TcpDialer};
use crate::pki::Pki;
use crate::ports::{PortKind, PortPlan};
use crate::rng::SeededRng;
use crate::store::{RoleStore, StateStore};
use crate::tls;
use crate::topology::{Endpoint, Topology};
use crate::FakeEnv;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};

/// The real-socket counterpart of [`crate::Simulation`]: a CA, a clock, a dialer that knows
/// where each served host name really listens.
pub struct RealWorld {
    /// Real TCP, with every served host name pinned to its listener.
    pub dialer: Arc<TcpDialer>,
    /// The real clock.
    pub clock: Clock,
    /// The CAs of this `serve`; clients from outside trust `ca.pem`.
    pub pki: Pki,
    /// The seeded randomness the fakes fork.
    pub rng: SeededRng,
    /// Every role put so far (what `endpoints.json` lists).
    pub topology: Mutex<Topology>,
    /// The address every role listens on.
    pub bind: IpAddr,
    /// The port each role takes ([`PortPlan`]): pinned, the previous run's, or ephemeral.
    pub ports: PortPlan,
    /// Entries each fake's journals keep.
    pub journal_capacity: usize,
    /// Where fakes keep what survives a restart (the state directory's database).
    pub store: Option<Arc<dyn StateStore>>,
}

impl RealWorld {
    /// Must be called inside a tokio runtime with the real clock. Roles listen on `bind`.
    pub fn new(seed: u64, bind: IpAddr) -> Result<Self, SimError> {
        let pki = Pki::new(Clock::real().offset_date_time())?;
        Ok(RealWorld::with_pki(seed, bind, pki))
    }

    /// A world signing with `pki` (kept from an earlier run), ports chosen anew, journals of
    /// the default size and nothing kept across restarts until [`Self::store`] is set.
    pub fn with_pki(seed: u64, bind: IpAddr, pki: Pki) -> Self {
        RealWorld {
            dialer: Arc::new(TcpDialer::default()),
            clock: Clock::real(),
            pki,
            rng: SeededRng::new(seed),
            topology: Mutex::default(),
            bind,
            ports: PortPlan::default(),
            journal_capacity: crate::journal::DEFAULT_CAPACITY,
            store: None,
        }
    }

    /// A client on real sockets that trusts this world's CA and reaches served hosts by name.
    pub fn client(&self) -> HttpClient {
        HttpClient::new(self.dialer.clone(), tls::roots(&[self.pki.ca.cert_der().clone()]), self.clock.clone())
    }

    /// A listener on [`Self::bind`] at the port [`Self::ports`] gives `role`, pinned as `host:port` so other served
    /// fakes reach it by name. Synchronous, so that [`Hosting::put`] is the same call here and
    /// in a simulation; needs to run inside the runtime.
    fn listen(&self, role: &str, host: &str, port: u16) -> Result<(tokio::net::TcpListener, SocketAddr), SimError> {
        let which = if port == 80 { PortKind::PlainHttp } else { PortKind::Https };
        let std_listener = self.ports.bind(self.bind, role, which)?;
        std_listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(std_listener)?;
        let addr = listener.local_addr()?;
        self.dialer.pin(host, port, addr);
        Ok((listener, addr))
    }
}

impl Hosting for RealWorld {
    fn env(&self, label: &str) -> FakeEnv {
        let mut env = FakeEnv::new(self.client(), self.clock.clone(), self.rng.fork(label));
        env.journal_capacity = self.journal_capacity;
        if let Some(store) = &self.store {
            env.store = RoleStore::new(store.clone(), label);
        }
        env
    }

    fn pki(&self) -> &Pki {
        &self.pki
    }

    fn clock(&self) -> &Clock {
        &self.clock
    }

    fn control_http(&self) -> HttpClient {
        self.client()
    }

    fn enter(&self) -> Option<tokio::runtime::EnterGuard<'_>> {
        None
    }

    /// Serves the role on an ephemeral port of [`RealWorld::bind`] with TLS (and plain HTTP on
    /// another port when asked), pinning its host name to it.
    fn put(&mut self, p: Placement) -> Result<(Endpoint, FaultGate), SimError> {
        let gate = FaultGate::default();
        let host = p.host.as_str();
        let (listener, addr) = self.listen(&p.role, host, 443)?;
        match p.tls {
            TlsTermination::Rustls { client_auth, leaf, alpn } => {
                let leaf = match leaf {
                    Some(l) => l,
                    None => {
                        self.pki.ca.server_leaf(&[host, "localhost", "127.0.0.1", &self.bind.to_string()], self.clock.offset_date_time())?
                    }
                };
                let alpn: Vec<&[u8]> = alpn.iter().map(Vec::as_slice).collect();
                let cfg = tls::server_config(&leaf, client_auth, &self.clock, &alpn)?;
                let server =
                    Arc::new(HostServer { name: host.to_string(), handler: p.handler.clone(), tls: Some(cfg), gate: gate.clone() });
                tokio::spawn(accept_loop(listener, server));
            }
            TlsTermination::Acceptor(acceptor) => {
                let server = Arc::new(HostServer { name: host.to_string(), handler: p.handler.clone(), tls: None, gate: gate.clone() });
                tokio::spawn(accept_loop_with(listener, server, acceptor));
            }
        }
        let plain_url = if p.plain_http {
            let (listener, plain) = self.listen(&p.role, host, 80)?;
            let server = Arc::new(HostServer { name: host.to_string(), handler: p.handler, tls: None, gate: gate.clone() });
            tokio::spawn(accept_loop(listener, server));
            Some(format!("http://{plain}"))
        } else {
            None
        };
        let base_url = format!("https://{addr}");
        let e = Endpoint {
            role: p.role,
            host: host.to_string(),
            control_url: format!("{base_url}{}", crate::CONTROL_PREFIX),
            base_url,
            plain_url,
        };
        self.topology.lock().expect("topology poisoned").insert(e.clone());
        Ok((e, gate))
    }

    fn topology_entry(&self, role: &str) -> Option<Endpoint> {
        self.topology.lock().expect("topology poisoned").get(role).cloned()
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
