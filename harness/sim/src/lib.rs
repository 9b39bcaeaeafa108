//! The simulation core of mailconform.
//!
//! Every fake talks to its peers through the types here, so that the same fake code runs
//! in two places: inside a [`Simulation`] (an in-process network of named hosts, in-memory
//! byte streams, a paused per-scenario clock) and on real sockets with the real clock
//! (`mailconform serve`). Fakes never see which of the two they are in: they get a
//! [`Dialer`] to reach other hosts, a [`Clock`] to read the time, and they answer HTTP
//! through a [`Handler`].
//!
//! Three modules are namespaces of their own: [`contract`] (what a role's control contract is
//! made of), [`http`] (whole-body requests and responses) and [`tls`] (rustls configurations on
//! the run's clock). Everything else is used from the crate root.

#![forbid(unsafe_code)]

// Namespaces meant to be used as such: a role's control contract (`contract::Routes`,
// `contract::reply`), HTTP helpers (`http::response`), rustls configurations (`tls::roots`),
// bounded journals (`journal::DEFAULT_CAPACITY`), the state kept across restarts
// (`store::RoleStore`).
pub mod contract;
pub mod http;
pub mod journal;
pub mod store;
pub mod tls;

mod bridge;
mod clock;
mod control;
mod error;
mod fault;
mod host;
mod lifetime;
mod limits;
mod net;
mod pki;
mod ports;
mod process_control;
mod restart;
mod rng;
mod serve;
mod sim;
mod topology;

pub use bridge::{advertised_ip, unbracketed, Arrival, Bridge, Peer};
pub use clock::{rfc3339, Clock};
pub use control::{ControlClient, ControlError, FakeEnv};
pub use error::{ExchangePhase, HandshakeError, SimError, TlsAlert, TlsPeer, TunnelRefusal};
pub use fault::{Fault, FaultGate};
pub use host::{Hosting, Placement, TlsTermination};
pub use http::client::{ClientIdentity, HttpClient, RequestOptions};
pub use http::server::{ConnInfo, FnHandler, Handler, HandlerFuture, SharedHandler, TunnelFuture};
pub use http::{basic_authorization, Request, Response};
pub use journal::{BadPageQuery, Journal, Page, PageQuery};
pub use lifetime::Lifetime;
pub use limits::{ConnLimits, ProcessLimits, TimeoutAnswer, DEFAULT_MAX_CONNECTIONS};
pub use net::{
    AcceptFuture, BoxIo, DialFuture, Dialer, IoStream, Outside, ServiceFuture, SimNet, StreamAcceptor, StreamConnector, StreamService,
    TcpDialer,
};
pub use pki::{CertAuthority, ClientCertSpec, Credential, Pki, OID_UID};
pub use ports::{PortKind, PortPlan};
pub use process_control::{AfterReset, ResetReport, ResetRequest, PEERS_PATH, RESET_PATH};
pub use restart::{Rebuild, Restarts};
pub use rng::SeededRng;
pub use serve::{Drained, RealWorld};
pub use sim::Simulation;
pub use topology::{Endpoint, NoSuchRole, Topology};

/// Path prefix of every fake's control API, on the same host and port as its protocol.
pub const CONTROL_PREFIX: &str = "/_mailconform";
