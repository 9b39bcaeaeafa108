//! Reaching a host: the in-process network of a simulation, or real TCP.

use crate::error::{HandshakeError, SimError};
use crate::http::server::{handshake, serve_connection, serve_decrypted, HostServer};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::net::SocketAddr;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncRead, AsyncWrite, DuplexStream};

/// Any byte stream a connection can run on: an in-memory pipe, a TCP socket, a TLS stream.
pub trait IoStream: AsyncRead + AsyncWrite + Send + Unpin + 'static {}
impl<T: AsyncRead + AsyncWrite + Send + Unpin + 'static> IoStream for T {}

/// A connection's byte stream, whatever carries it.
pub type BoxIo = Box<dyn IoStream>;
/// What [`Dialer::dial`] returns: the stream, or why the host could not be reached.
pub type DialFuture<'a> = Pin<Box<dyn Future<Output = Result<BoxIo, SimError>> + Send + 'a>>;
/// What a handshake of another TLS stack returns: the plaintext stream, or why it failed.
pub type AcceptFuture = Pin<Box<dyn Future<Output = Result<BoxIo, HandshakeError>> + Send>>;

/// A client-side TLS stack other than rustls: a simulated device whose OS offers SSL 3.0 to TLS
/// 1.1 (rustls cannot) connects through one of these. It gets the dialed stream and the host
/// name, and returns the plaintext stream, or why the handshake failed.
pub trait StreamConnector: Send + Sync + 'static {
    /// Runs the client side of the handshake on `io` to `host`; the stream returned carries plaintext.
    fn connect(&self, io: BoxIo, host: &str) -> AcceptFuture;
}

/// A TLS stack other than rustls on one host's port. rustls speaks only TLS 1.2 and 1.3, so a
/// host that must speak SSL 3.0, TLS 1.0 or 1.1 (an old Notes Traveler) gets its TLS from
/// elsewhere (`mailconform-tls`, on OpenSSL); this crate only hands it the accepted stream and
/// serves HTTP on what comes back, so the fakes' handlers stay the same.
pub trait StreamAcceptor: Send + Sync + 'static {
    /// Run the server side of the handshake on `io`; the stream returned carries plaintext.
    fn accept(&self, io: BoxIo) -> AcceptFuture;
}

/// What a [`StreamService`] runs for one connection.
pub type ServiceFuture = Pin<Box<dyn Future<Output = ()> + Send>>;

/// A protocol other than HTTP on a host's port (LDAP on a directory's 389): it gets the server
/// end of each connection and speaks its protocol on it. The host's fault gate applies to its
/// connections as to HTTP ones.
pub trait StreamService: Send + Sync + 'static {
    /// Serves one accepted connection until it ends.
    fn serve(self: Arc<Self>, io: BoxIo) -> ServiceFuture;
}

/// A service on a port, with the fault gate of its host.
type BoundService = (Arc<dyn StreamService>, crate::FaultGate);

/// Opens a byte stream to `host:port`. Fakes get one of these and never know whether the
/// bytes cross a socket or an in-memory pipe.
pub trait Dialer: Send + Sync + 'static {
    /// Opens a stream to `host:port`; faults of the host apply (refused, black hole, latency).
    fn dial<'a>(&'a self, host: &'a str, port: u16) -> DialFuture<'a>;
}

/// Buffer of each in-memory pipe: large enough that an HTTP request or response crosses in
/// one write, small enough to keep thousands of connections cheap.
const PIPE_BUFFER: usize = 64 * 1024;

/// The hosts of one simulation. Connecting spawns the host's server for the new connection on
/// the simulation's runtime, so the server's timers share the scenario's clock.
#[derive(Default)]
pub struct SimNet {
    hosts: Mutex<HashMap<(String, u16), Arc<HostServer>>>,
    /// Hosts whose TLS comes from another stack (see [`StreamAcceptor`]).
    acceptors: Mutex<HashMap<(String, u16), Arc<dyn StreamAcceptor>>>,
    /// Server halves held open without being read: the black hole.
    swallowed: Mutex<Vec<DuplexStream>>,
    /// Hosts outside the simulation (a real server under test), reached over real TCP.
    /// Each is reached at its own name, or at the address it is pinned to (a served fake).
    outside: Mutex<std::collections::HashMap<(String, u16), Outbound>>,
    /// How many connections reached each outside `host:port`: whether a scenario reached the
    /// real component under test at all, and since when.
    reached: Mutex<BTreeMap<(String, u16), u64>>,
    /// Ports serving a protocol other than HTTP, with the gate of the host they belong to.
    services: Mutex<HashMap<(String, u16), BoundService>>,
    /// Hosts on the internal network: [`Outside`] does not reach them.
    internal: Mutex<std::collections::BTreeSet<String>>,
}

impl SimNet {
    pub(crate) fn bind(&self, host: &str, port: u16, server: Arc<HostServer>) {
        self.hosts.lock().expect("net poisoned").insert((host.to_ascii_lowercase(), port), server);
        self.acceptors.lock().expect("net poisoned").remove(&(host.to_ascii_lowercase(), port));
    }

    /// Serve `server` (whose own `tls` is then unused) behind `acceptor`'s TLS on `host:port`.
    pub(crate) fn bind_with_acceptor(&self, host: &str, port: u16, server: Arc<HostServer>, acceptor: Arc<dyn StreamAcceptor>) {
        self.bind(host, port, server);
        self.acceptors.lock().expect("net poisoned").insert((host.to_ascii_lowercase(), port), acceptor);
    }

    /// Puts `handler` in place of what answers on every port of `host`, keeping each port's
    /// TLS, fault gate and limits; returns the servers replaced (whose connections the caller
    /// cuts by ending their lives).
    pub(crate) fn rebind(&self, host: &str, handler: Arc<dyn crate::Handler>) -> Vec<Arc<HostServer>> {
        let host = host.to_ascii_lowercase();
        let mut hosts = self.hosts.lock().expect("net poisoned");
        let mut replaced = Vec::new();
        for ((h, _), server) in hosts.iter_mut() {
            if *h == host {
                let new = Arc::new(server.restarted(handler.clone()));
                replaced.push(std::mem::replace(server, new));
            }
        }
        replaced
    }

    /// Serves `service` on `host:port`, behind `gate` (its host's).
    pub(crate) fn bind_service(&self, host: &str, port: u16, service: Arc<dyn StreamService>, gate: crate::FaultGate) {
        self.services.lock().expect("net poisoned").insert((host.to_ascii_lowercase(), port), (service, gate));
    }

    /// The server bound on `host:port`, if any.
    pub(crate) fn server(&self, host: &str, port: u16) -> Option<Arc<HostServer>> {
        self.hosts.lock().expect("net poisoned").get(&(host.to_ascii_lowercase(), port)).cloned()
    }

    /// Every bound `host:port`, sorted: what an unknown-host error lists.
    pub fn host_names(&self) -> Vec<String> {
        let mut v: Vec<String> = self.hosts.lock().expect("net poisoned").keys().map(|(h, p)| format!("{h}:{p}")).collect();
        v.sort();
        v
    }

    /// Lets connections to `host:port`, which no fake serves, leave the simulation over real
    /// TCP: a real server under test, in a run on the real clock ([`crate::Simulation::live`]).
    pub fn pass_through(&self, host: &str, port: u16) {
        self.outside.lock().expect("net poisoned").insert((host.to_ascii_lowercase(), port), Outbound::default());
    }

    /// Lets connections to `host:port` leave the simulation over real TCP (to `addr` when
    /// given, else to the name itself) through `gate`: the network between the simulation and
    /// a real component refuses them, swallows them or delays them as the gate's faults say.
    /// An HTTP status cannot be put in a real component's mouth; the gate's status fault is
    /// ignored here, and whoever sets it must say so ([`crate::Fault::Status`]).
    pub fn pass_through_gated(&self, host: &str, port: u16, addr: Option<SocketAddr>, gate: crate::FaultGate) {
        self.outside.lock().expect("net poisoned").insert((host.to_ascii_lowercase(), port), Outbound { addr, gate: Some(gate) });
    }

    /// Every outside `host:port` a connection of this network reached (over real TCP), sorted,
    /// with how many connections reached it.
    pub fn reached_outside(&self) -> Vec<((String, u16), u64)> {
        self.reached.lock().expect("net poisoned").iter().map(|(k, n)| (k.clone(), *n)).collect()
    }

    /// How many connections of this network reached a host outside it, in all.
    pub fn connections_out(&self) -> u64 {
        self.reached.lock().expect("net poisoned").values().sum()
    }

    /// Lets connections to `host:port` leave the simulation to `addr` over real TCP: a fake
    /// served by another process, which answers for the host's name on a port of its own, in
    /// place of any fake of this simulation on that name and port.
    pub fn pass_through_to(&self, host: &str, port: u16, addr: SocketAddr) {
        self.outside.lock().expect("net poisoned").insert((host.to_ascii_lowercase(), port), Outbound { addr: Some(addr), gate: None });
    }

    /// Places `host` on the internal network: from then on a client outside it (a phone,
    /// [`Outside`]) cannot reach it; the servers of the simulation (a gateway) still do.
    pub fn place_internal(&self, host: &str) {
        self.internal.lock().expect("net poisoned").insert(host.to_ascii_lowercase());
    }

    /// Whether `host` is on the internal network ([`SimNet::place_internal`]).
    pub fn is_internal(&self, host: &str) -> bool {
        self.internal.lock().expect("net poisoned").contains(&host.to_ascii_lowercase())
    }

    /// Every `host:port` a fake of this network serves, sorted.
    pub fn hosts(&self) -> Vec<(String, u16)> {
        let mut v: Vec<(String, u16)> = self.hosts.lock().expect("net poisoned").keys().cloned().collect();
        v.sort();
        v
    }

    async fn connect(&self, host: &str, port: u16, bypass_faults: bool) -> Result<BoxIo, SimError> {
        let server = self.hosts.lock().expect("net poisoned").get(&(host.to_ascii_lowercase(), port)).cloned();
        // A host pinned to an address outside answers there even when a fake of the simulation
        // serves the name (another process took the port over); one let out by name only when
        // no fake serves it.
        let outside = self.outside.lock().expect("net poisoned").get(&(host.to_ascii_lowercase(), port)).cloned();
        match (&server, outside) {
            (_, Some(Outbound { addr: Some(addr), gate })) => return self.leave(host, port, Some(addr), gate, bypass_faults).await,
            (None, Some(Outbound { addr: None, gate })) => return self.leave(host, port, None, gate, bypass_faults).await,
            _ => {}
        }
        let Some(server) = server else {
            let service = self.services.lock().expect("net poisoned").get(&(host.to_ascii_lowercase(), port)).cloned();
            if let Some((service, gate)) = service {
                return self.connect_service(host, port, service, gate, bypass_faults).await;
            }
            return Err(SimError::UnknownHost { host: format!("{host}:{port}"), known: self.host_names().join(", ") });
        };
        let acceptor = self.acceptors.lock().expect("net poisoned").get(&(host.to_ascii_lowercase(), port)).cloned();
        // The management network skips the connection-level faults; the host's own gate stays
        // in its server, so that `/_mailconform/fault` on it faults the host (the server exempts
        // control paths from faults itself).
        if !bypass_faults {
            if let Some(swallowed) = self.through_gate(&server.gate, host, port).await? {
                return Ok(swallowed);
            }
        }
        let (client, server_end) = tokio::io::duplex(PIPE_BUFFER);
        server.life.clone().spawn(serve_accepted(server_end, server, acceptor));
        Ok(Box::new(client))
    }
}

impl SimNet {
    /// What a host's fault gate does to a new connection, whatever serves the host (a fake, a
    /// service, a real component outside): waits its latency, refuses it when the host is cut
    /// off, or gives a connection nothing will ever answer (the black hole). `None`: let it
    /// through.
    async fn through_gate(&self, gate: &crate::FaultGate, host: &str, port: u16) -> Result<Option<BoxIo>, SimError> {
        if let Some(d) = gate.latency() {
            tokio::time::sleep(d).await;
        }
        if gate.unreachable() {
            return Err(SimError::Refused { host: host.to_string(), port });
        }
        if gate.black_hole() {
            let (client, swallowed) = tokio::io::duplex(PIPE_BUFFER);
            self.swallowed.lock().expect("net poisoned").push(swallowed);
            return Ok(Some(Box::new(client)));
        }
        Ok(None)
    }

    /// A connection over real TCP to `host:port` (at `addr` when pinned), through `gate` when
    /// the way out has one.
    async fn leave(
        &self,
        host: &str,
        port: u16,
        addr: Option<SocketAddr>,
        gate: Option<crate::FaultGate>,
        bypass_faults: bool,
    ) -> Result<BoxIo, SimError> {
        if let Some(gate) = gate.filter(|_| !bypass_faults) {
            if let Some(swallowed) = self.through_gate(&gate, host, port).await? {
                return Ok(swallowed);
            }
        }
        let dialer = TcpDialer::default();
        if let Some(addr) = addr {
            dialer.pin(host, port, addr);
        }
        let io = dialer.dial(host, port).await?;
        *self.reached.lock().expect("net poisoned").entry((host.to_ascii_lowercase(), port)).or_default() += 1;
        Ok(io)
    }

    /// A connection to a port serving another protocol than HTTP, faulted as its host is.
    async fn connect_service(
        &self,
        host: &str,
        port: u16,
        service: Arc<dyn StreamService>,
        gate: crate::FaultGate,
        bypass_faults: bool,
    ) -> Result<BoxIo, SimError> {
        if !bypass_faults {
            if let Some(swallowed) = self.through_gate(&gate, host, port).await? {
                return Ok(swallowed);
            }
        }
        let (client, server_end) = tokio::io::duplex(PIPE_BUFFER);
        tokio::spawn(service.serve(Box::new(server_end)));
        Ok(Box::new(client))
    }
}

/// Serve one accepted connection, through `acceptor`'s TLS when the host has one.
pub(crate) async fn serve_accepted<S: IoStream>(io: S, server: Arc<HostServer>, acceptor: Option<Arc<dyn StreamAcceptor>>) {
    let outcome = match acceptor {
        Some(a) => match handshake(server.limits.tls_handshake_timeout, server.stop.clone(), a.accept(Box::new(io))).await {
            Ok(plain) => serve_decrypted(plain, server).await,
            Err(e) => Err(e),
        },
        None => serve_connection(io, server).await,
    };
    if let Err(e) = outcome {
        tracing::debug!("connection ended: {e}");
    }
}

impl Dialer for SimNet {
    fn dial<'a>(&'a self, host: &'a str, port: u16) -> DialFuture<'a> {
        Box::pin(self.connect(host, port, false))
    }
}

/// The network as a client outside the organisation sees it (a phone on the internet): the
/// same hosts, except those placed on the internal network ([`SimNet::place_internal`]), which
/// have no route from here.
pub struct Outside(pub Arc<SimNet>);

impl Dialer for Outside {
    fn dial<'a>(&'a self, host: &'a str, port: u16) -> DialFuture<'a> {
        Box::pin(async move {
            if self.0.is_internal(host) {
                return Err(SimError::NoRoute { host: host.to_string(), port });
            }
            self.0.connect(host, port, false).await
        })
    }
}

/// The simulation's management network: reaches every host whatever faults it has, so that a
/// step can read a cut-off listener's state through its control API. Only control clients use it.
pub(crate) struct ControlPlane(pub Arc<SimNet>);

impl Dialer for ControlPlane {
    fn dial<'a>(&'a self, host: &'a str, port: u16) -> DialFuture<'a> {
        Box::pin(self.0.connect(host, port, true))
    }
}

/// How a host outside the simulation is reached ([`SimNet::pass_through`]).
#[derive(Clone, Debug, Default)]
struct Outbound {
    /// The address it is pinned to; `None`: its own name.
    addr: Option<SocketAddr>,
    /// The faults of the network on the way out, when it has any.
    gate: Option<crate::FaultGate>,
}

/// Real TCP, with the topology's host names pinned to the addresses `serve` bound, so that
/// `https://us-east-1.listener.example.test/...` in a subscription reaches the served listener.
#[derive(Clone, Debug, Default)]
pub struct TcpDialer {
    pub(crate) names: Arc<Mutex<BTreeMap<String, SocketAddr>>>,
}

impl TcpDialer {
    pub(crate) fn pin(&self, host: &str, port: u16, addr: SocketAddr) {
        self.names.lock().expect("names poisoned").insert(format!("{}:{port}", host.to_ascii_lowercase()), addr);
    }
}

impl Dialer for TcpDialer {
    fn dial<'a>(&'a self, host: &'a str, port: u16) -> DialFuture<'a> {
        Box::pin(async move {
            let pinned = self.names.lock().expect("names poisoned").get(&format!("{}:{port}", host.to_ascii_lowercase())).copied();
            let stream = match pinned {
                Some(addr) => tokio::net::TcpStream::connect(addr).await,
                None => tokio::net::TcpStream::connect((host, port)).await,
            };
            match stream {
                Ok(s) => {
                    let _ = s.set_nodelay(true);
                    Ok(Box::new(s) as BoxIo)
                }
                Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => Err(SimError::Refused { host: host.to_string(), port }),
                Err(e) => Err(SimError::Io(e)),
            }
        })
    }
}
