//! Fakes on real sockets with the real clock: what `mailconform serve` runs, so that outside
//! clients (a vendor's, a third party's) can talk to them.

use crate::clock::Clock;
use crate::error::SimError;
use crate::fault::FaultGate;
use crate::host::{Hosting, Placement, TlsTermination};
use crate::http::client::HttpClient;
use crate::http::server::HostServer;
use crate::limits::ProcessLimits;
use crate::net::{serve_accepted, StreamAcceptor, TcpDialer};
use crate::pki::Pki;
use crate::ports::{PortKind, PortPlan};
use crate::rng::SeededRng;
use crate::store::StateStore;
use crate::tls;
use crate::topology::{Endpoint, Topology};
use crate::FakeEnv;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::{watch, Semaphore};

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
    /// The address others reach the roles at when it is not [`Self::bind`] (a container bound
    /// to 0.0.0.0 is reached at its address on its network): `endpoints.json`'s URLs name it
    /// and every role's certificate holds it.
    pub advertise: Option<IpAddr>,
    /// The port each role takes ([`PortPlan`]): pinned, the previous run's, or ephemeral.
    pub ports: PortPlan,
    /// Entries each fake's journals keep.
    pub journal_capacity: usize,
    /// Where fakes keep what survives a restart (the state directory's database).
    pub store: Option<Arc<dyn StateStore>>,
    /// Limits of the process as a whole: drain timeout, accept backoff, warning rate.
    pub process: ProcessLimits,
    /// Cap on concurrent connections per role, instead of the one of the role's
    /// [`ConnLimits`] (`--max-connections`).
    pub max_connections: Option<usize>,
    /// Turned true by [`RealWorld::shutdown`]: accept loops close their listeners, connections
    /// finish what is in flight.
    stop: watch::Sender<bool>,
    /// Each role's connection slots, with the cap they were made with: a role is drained when
    /// all its slots are free again.
    slots: Mutex<Vec<(String, Arc<Semaphore>, usize)>>,
    /// The process's own control routes (peers, reset) and what they act on.
    control: Arc<crate::process_control::ProcessControl>,
}

/// What a graceful stop left behind.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Drained {
    /// Connections still open when the drain timeout passed (cut when the process exits).
    pub cut: usize,
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
        let dialer = Arc::new(TcpDialer::default());
        RealWorld {
            control: Arc::new(crate::process_control::ProcessControl::new(dialer.clone())),
            dialer,
            clock: Clock::real(),
            pki,
            rng: SeededRng::new(seed),
            topology: Mutex::default(),
            bind,
            advertise: None,
            ports: PortPlan::default(),
            journal_capacity: crate::journal::DEFAULT_CAPACITY,
            store: None,
            process: ProcessLimits::default(),
            max_connections: None,
            stop: watch::Sender::new(false),
            slots: Mutex::default(),
        }
    }

    /// The names besides its host name that every role's certificate holds: loopback, the bind
    /// address and the advertised one.
    pub fn own_names(&self) -> Vec<String> {
        let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), self.bind.to_string()];
        names.extend(self.advertise.map(|a| a.to_string()));
        names
    }

    /// Where others reach a port listening at `addr`: the advertised address, when there is
    /// one, at the same port.
    fn public(&self, addr: SocketAddr) -> SocketAddr {
        SocketAddr::new(self.advertise.unwrap_or(addr.ip()), addr.port())
    }

    /// A client on real sockets that trusts this world's CA and reaches served hosts by name.
    pub fn client(&self) -> HttpClient {
        HttpClient::new(self.dialer.clone(), tls::roots(&[self.pki.ca.cert_der().clone()]), self.clock.clone())
    }

    /// What runs after [`Self::reset`] rebuilt the roles (re-uploading what start-up uploaded).
    pub fn after_reset(&self, hook: crate::AfterReset) {
        self.control.set_after_reset(hook);
    }

    /// Rebuilds every role put with a [`crate::Rebuild`] from empty state: what
    /// `POST /_mailconform/reset` does (see [`crate::process_control`]).
    pub async fn reset(&self, request: &crate::ResetRequest) -> Result<crate::ResetReport, String> {
        self.control.reset(request).await
    }

    /// Pins `peers`' host names to their addresses: what `PUT /_mailconform/peers` does.
    pub fn set_peers(&self, peers: Vec<crate::Peer>) {
        self.control.set_peers(peers);
    }

    /// Stops serving gracefully: every role stops accepting (its port then refuses
    /// connections), idle connections close, requests in flight are answered, HTTP/2
    /// connections get GOAWAY and TLS connections close_notify. Waits for all of it up to
    /// [`ProcessLimits::drain_timeout`].
    pub async fn shutdown(&self) -> Drained {
        self.stop.send_replace(true);
        let slots = self.slots.lock().expect("slots poisoned").clone();
        let deadline = tokio::time::Instant::now() + self.process.drain_timeout;
        let mut cut = 0;
        for (role, sem, cap) in slots {
            let all = u32::try_from(cap).unwrap_or(u32::MAX);
            if tokio::time::timeout_at(deadline, sem.acquire_many(all)).await.is_err() {
                let open = cap - sem.available_permits().min(cap);
                tracing::warn!("{role}: {open} connection(s) still open after the drain timeout");
                cut += open;
            }
        }
        Drained { cut }
    }

    /// A listener on [`Self::bind`] at the port [`Self::ports`] gives `role`, pinned as `host:port` so other served
    /// fakes reach it by name. Synchronous, so that [`Hosting::put`] is the same call here and
    /// in a simulation; needs to run inside the runtime.
    fn listen(&self, role: &str, host: &str, port: u16) -> Result<(tokio::net::TcpListener, SocketAddr), SimError> {
        let which = match port {
            80 => PortKind::PlainHttp,
            443 => PortKind::Https,
            other => PortKind::Service(other),
        };
        let std_listener = self.ports.bind(self.bind, role, which)?;
        std_listener.set_nonblocking(true)?;
        let listener = tokio::net::TcpListener::from_std(std_listener)?;
        let addr = listener.local_addr()?;
        self.dialer.pin(host, port, addr);
        Ok((listener, addr))
    }

    /// The server of one port of a role placed here.
    fn host_server(
        &self,
        host: &str,
        p: &Placement,
        tls: Option<Arc<rustls::ServerConfig>>,
        gate: &FaultGate,
        slot: &crate::process_control::HandlerSlot,
    ) -> Arc<HostServer> {
        Arc::new(HostServer {
            slot: Some(slot.clone()),
            process: Some(self.control.clone()),
            name: host.to_string(),
            handler: p.handler.clone(),
            tls,
            gate: gate.clone(),
            limits: p.handler.limits(),
            stop: Some(self.stop.subscribe()),
            life: Default::default(),
        })
    }

    fn accept(
        &self,
        role: &str,
        listener: tokio::net::TcpListener,
        server: Arc<HostServer>,
        acceptor: Option<Arc<dyn StreamAcceptor>>,
        slots: Arc<Semaphore>,
    ) {
        let a = Acceptor { role: role.to_string(), server, acceptor, slots, limits: self.process.clone(), stop: self.stop.subscribe() };
        tokio::spawn(a.run(listener));
    }
}

impl Hosting for RealWorld {
    fn env(&self, label: &str) -> FakeEnv {
        let (dialer, ca, clock) = (self.dialer.clone(), self.pki.ca.cert_der().clone(), self.clock.clone());
        let recipe = crate::process_control::EnvRecipe {
            http: Arc::new(move || HttpClient::new(dialer.clone(), tls::roots(std::slice::from_ref(&ca)), clock.clone())),
            clock: self.clock.clone(),
            rng: self.rng.clone(),
            journal_capacity: self.journal_capacity,
            store: self.store.clone(),
        };
        self.control.env(recipe, label)
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
        let cap = self.max_connections.unwrap_or(p.handler.limits().max_connections).max(1);
        let slots = Arc::new(Semaphore::new(cap.min(Semaphore::MAX_PERMITS)));
        self.slots.lock().expect("slots poisoned").push((p.role.clone(), slots.clone(), cap.min(Semaphore::MAX_PERMITS)));
        let (listener, addr) = self.listen(&p.role, host, 443)?;
        let slot = self.control.place(&p.role, p.rebuild.clone(), p.handler.clone());
        match &p.tls {
            TlsTermination::Rustls { client_auth, leaf, alpn } => {
                let leaf = match leaf {
                    Some(l) => l.clone(),
                    None => {
                        let names = self.own_names();
                        let mut san: Vec<&str> = vec![host];
                        san.extend(names.iter().map(String::as_str));
                        self.pki.ca.server_leaf(&san, self.clock.offset_date_time())?
                    }
                };
                let alpn: Vec<&[u8]> = alpn.iter().map(Vec::as_slice).collect();
                let cfg = tls::server_config(&leaf, client_auth.clone(), &self.clock, &alpn)?;
                let server = self.host_server(host, &p, Some(cfg), &gate, &slot);
                self.accept(&p.role, listener, server, None, slots.clone());
            }
            TlsTermination::Acceptor(acceptor) => {
                let server = self.host_server(host, &p, None, &gate, &slot);
                self.accept(&p.role, listener, server, Some(acceptor.clone()), slots.clone());
            }
        }
        let plain_url = if p.plain_http {
            let (listener, plain) = self.listen(&p.role, host, 80)?;
            let server = self.host_server(host, &p, None, &gate, &slot);
            self.accept(&p.role, listener, server, None, slots);
            Some(format!("http://{}", self.public(plain)))
        } else {
            None
        };
        let base_url = format!("https://{}", self.public(addr));
        let e = Endpoint {
            role: p.role,
            host: host.to_string(),
            control_url: format!("{base_url}{}", crate::CONTROL_PREFIX),
            base_url,
            plain_url,
            services: Default::default(),
        };
        self.topology.lock().expect("topology poisoned").insert(e.clone());
        Ok((e, gate))
    }

    fn topology_entry(&self, role: &str) -> Option<Endpoint> {
        self.topology.lock().expect("topology poisoned").get(role).cloned()
    }

    /// Listens for `service` on a port of its own, until the process stops.
    fn add_service(&mut self, role: &str, scheme: &str, port: u16, service: Arc<dyn crate::net::StreamService>) -> Result<(), SimError> {
        let mut e = self.topology_entry(role).ok_or_else(|| SimError::UnknownHost { host: role.to_string(), known: String::new() })?;
        let (listener, addr) = self.listen(role, &e.host, port)?;
        let mut stop = self.stop.subscribe();
        let what = format!("{role} {scheme}");
        tokio::spawn(async move {
            loop {
                let accepted = tokio::select! {
                    r = listener.accept() => r,
                    _ = stop.wait_for(|s| *s) => return,
                };
                match accepted {
                    Ok((stream, _)) => {
                        tokio::spawn(service.clone().serve(Box::new(stream)));
                    }
                    Err(e) => {
                        tracing::warn!("{what}: a connection could not be accepted: {e}");
                        tokio::time::sleep(Duration::from_millis(100)).await;
                    }
                }
            }
        });
        e.services.insert(scheme.to_string(), format!("{scheme}://{}", self.public(addr)));
        self.topology.lock().expect("topology poisoned").insert(e);
        Ok(())
    }
}

/// One port's accept loop.
struct Acceptor {
    role: String,
    server: Arc<HostServer>,
    acceptor: Option<Arc<dyn StreamAcceptor>>,
    slots: Arc<Semaphore>,
    limits: ProcessLimits,
    stop: watch::Receiver<bool>,
}

impl Acceptor {
    /// Accepts until the process stops (then the listener is dropped, and the port refuses).
    /// A connection over the role's cap is closed at once. When accept itself fails for want
    /// of descriptors or memory, the loop waits (doubling from
    /// [`ProcessLimits::accept_backoff_min`]) instead of retrying at once, which would spin a
    /// core and flood the log while the failure lasts.
    async fn run(mut self, listener: tokio::net::TcpListener) {
        let mut refused = Throttled::new(self.limits.warn_interval);
        let mut failing = Throttled::new(self.limits.warn_interval);
        let mut backoff = self.limits.accept_backoff_min;
        loop {
            let accepted = tokio::select! {
                r = listener.accept() => r,
                _ = self.stop.wait_for(|s| *s) => return,
            };
            match accepted {
                Ok((stream, _peer)) => {
                    backoff = self.limits.accept_backoff_min;
                    let Ok(slot) = self.slots.clone().try_acquire_owned() else {
                        if let Some(more) = refused.tick() {
                            tracing::warn!("{}: connection refused, the role holds its maximum of connections{more}", self.role);
                        }
                        drop(stream);
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    let (server, acceptor) = (self.server.clone(), self.acceptor.clone());
                    tokio::spawn(async move {
                        serve_accepted(stream, server, acceptor).await;
                        drop(slot);
                    });
                }
                // The peer gave up between SYN and accept: nothing wrong with the listener.
                Err(e) if matches!(e.kind(), std::io::ErrorKind::ConnectionAborted | std::io::ErrorKind::ConnectionReset) => {}
                Err(e) => {
                    if let Some(more) = failing.tick() {
                        tracing::warn!("{}: accept failed: {e}; retrying in {backoff:?}{more}", self.role);
                    }
                    tokio::select! {
                        _ = tokio::time::sleep(backoff) => {}
                        _ = self.stop.wait_for(|s| *s) => return,
                    }
                    backoff = (backoff * 2).min(self.limits.accept_backoff_max);
                }
            }
        }
    }
}

/// A warning given at most once per interval, counting the occurrences it did not log.
struct Throttled {
    interval: Duration,
    last: Option<tokio::time::Instant>,
    quiet: u64,
}

impl Throttled {
    fn new(interval: Duration) -> Self {
        Throttled { interval, last: None, quiet: 0 }
    }

    /// `Some(suffix)` when this occurrence is to be logged, the suffix telling how many were
    /// not since the last one.
    fn tick(&mut self) -> Option<String> {
        let now = tokio::time::Instant::now();
        if self.last.is_some_and(|t| now < t + self.interval) {
            self.quiet += 1;
            return None;
        }
        self.last = Some(now);
        let suffix = if self.quiet > 0 { format!(" ({} more since the last warning)", self.quiet) } else { String::new() };
        self.quiet = 0;
        Some(suffix)
    }
}
