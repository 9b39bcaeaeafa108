//! Putting a role on a host: the one operation a deployment needs from where it runs.
//!
//! A [`crate::Simulation`] (in-process network, virtual clock) and a [`crate::serve::RealWorld`]
//! (real sockets, real clock) both implement [`Hosting`], so the code that builds a deployment
//! is written once and runs in either place: the feature suite deploys into a simulation,
//! `mailconform serve` deploys the same roles onto real sockets.

use crate::clock::Clock;
use crate::error::SimError;
use crate::fault::FaultGate;
use crate::http::client::HttpClient;
use crate::http::server::Handler;
use crate::net::StreamAcceptor;
use crate::pki::{Credential, Pki};
use crate::tls::ClientAuth;
use crate::topology::Endpoint;
use crate::FakeEnv;
use std::sync::Arc;

/// ALPN protocols a server offers when its placement does not say otherwise.
pub(crate) const DEFAULT_ALPN: &[&[u8]] = &[b"h2", b"http/1.1"];

/// How a host's port 443 terminates TLS.
#[derive(Clone)]
pub enum TlsTermination {
    /// rustls with a certificate of the run's CA (or `leaf`, a certificate of its own), asking
    /// for client certificates per `client_auth`, offering `alpn`.
    Rustls {
        /// Whether client certificates are asked for, and which roots they must chain to.
        client_auth: ClientAuth,
        /// The host's own certificate; `None` mints one from the run's CA.
        leaf: Option<Credential>,
        /// ALPN protocol ids offered, in preference order (`h2`, `http/1.1`).
        alpn: Vec<Vec<u8>>,
    },
    /// Another TLS stack (OpenSSL speaking exactly some protocol versions, see
    /// [`StreamAcceptor`]).
    Acceptor(Arc<dyn StreamAcceptor>),
}

impl TlsTermination {
    /// rustls, the run's CA, the default ALPN list.
    pub fn rustls(client_auth: ClientAuth) -> Self {
        TlsTermination::Rustls { client_auth, leaf: None, alpn: DEFAULT_ALPN.iter().map(|p| p.to_vec()).collect() }
    }
}

/// One role on one host: what answers there, and how.
#[derive(Clone)]
pub struct Placement {
    /// The role's name in the topology (`exchange`, `listener.eu-west-1`, ...).
    pub role: String,
    /// The host name it answers to (`mail.example.test`).
    pub host: String,
    /// What answers the role's requests.
    pub handler: Arc<dyn Handler>,
    /// How port 443 terminates TLS.
    pub tls: TlsTermination,
    /// Also answer plain HTTP on port 80 (Notes Traveler does).
    pub plain_http: bool,
    /// How the role's fake is built again when the role restarts in a simulation; `None`
    /// for a role that cannot be restarted there. Real sockets ignore it: restarting a
    /// served process is its operator's business.
    pub rebuild: Option<crate::Rebuild>,
}

impl Placement {
    /// A role served over HTTPS only, with rustls and the run's CA.
    pub fn https(role: &str, host: &str, handler: Arc<dyn Handler>, client_auth: ClientAuth) -> Self {
        Placement {
            role: role.to_string(),
            host: host.to_string(),
            handler,
            tls: TlsTermination::rustls(client_auth),
            plain_http: false,
            rebuild: None,
        }
    }

    /// Restartable in a simulation, rebuilt by `rebuild`.
    pub fn rebuilt_by(mut self, rebuild: crate::Rebuild) -> Self {
        self.rebuild = Some(rebuild);
        self
    }

    /// Also (or not) answering plain HTTP on port 80.
    pub fn plain_http(mut self, yes: bool) -> Self {
        self.plain_http = yes;
        self
    }
}

/// Where roles are put: the simulation or real sockets. Implemented by both, so that a
/// deployment is described and built once.
pub trait Hosting {
    /// The environment a fake placed here gets: its HTTP client, the clock, its own random
    /// stream (`label` names the stream, so that each fake's randomness is independent).
    fn env(&self, label: &str) -> FakeEnv;
    /// The environment of a client outside the organisation (a phone): as [`Hosting::env`],
    /// but its client reaches no host placed on the internal network. On real sockets the
    /// real network decides, so this is [`Hosting::env`].
    fn outside_env(&self, label: &str) -> FakeEnv {
        self.env(label)
    }
    /// The base URL at which a component outside the run reaches `host`, when the run
    /// advertised one ([`crate::Simulation::advertise`]); `None`: the host's own name.
    fn advertised(&self, host: &str) -> Option<String> {
        let _ = host;
        None
    }
    /// The run's certificate authorities.
    fn pki(&self) -> &Pki;
    /// The clock every fake placed here reads.
    fn clock(&self) -> &Clock;
    /// An HTTP client that reaches the control APIs of the roles placed here.
    fn control_http(&self) -> HttpClient;
    /// Enters the runtime the fakes run on, for constructors that start timers; `None` when the
    /// caller is already inside it (real sockets are always served from inside the runtime).
    fn enter(&self) -> Option<tokio::runtime::EnterGuard<'_>>;
    /// Puts a role on its host and registers it in the topology. Returns the gate that faults
    /// the host (cut off, black hole, error status, latency).
    fn put(&mut self, placement: Placement) -> Result<(Endpoint, FaultGate), SimError>;
    /// The endpoint registered for `role`, if any.
    fn topology_entry(&self, role: &str) -> Option<Endpoint>;
    /// Serves another protocol than HTTP (`service`, URL scheme `scheme`) on `port` of the host
    /// of `role`, already put: its connections share the host's fault gate in a simulation; a
    /// served process listens on a port of its own and lists it in the role's `services`.
    fn add_service(&mut self, role: &str, scheme: &str, port: u16, service: Arc<dyn crate::net::StreamService>) -> Result<(), SimError>;
}
