//! The simulation core of mailconform.
//!
//! Every fake talks to its peers through the types here, so that the same fake code runs
//! in two places: inside a [`Simulation`] (an in-process network of named hosts, in-memory
//! byte streams, a paused per-scenario clock) and on real sockets with the real clock
//! (`mailconform serve`). Fakes never see which of the two they are in: they get a
//! [`Dialer`] to reach other hosts, a [`Clock`] to read the time, and they answer HTTP
//! through a [`Handler`].

#![forbid(unsafe_code)]

pub mod clock;
pub mod error;
pub mod fault;
pub mod host;
pub mod http;
pub mod limits;
pub mod net;
pub mod pki;
pub mod rng;
pub mod serve;
pub mod sim;
pub mod tls;
pub mod topology;

pub use clock::Clock;
pub use error::{HandshakeError, SimError, TlsAlert, TlsPeer};
pub use fault::{Fault, FaultGate};
pub use host::{Hosting, Placement, TlsTermination};
pub use limits::{ConnLimits, ProcessLimits, TimeoutAnswer};
pub use http::client::{ClientIdentity, HttpClient, RequestOptions};
pub use http::server::{serve_connection, ConnInfo, Handler, HandlerFuture, ServeError, SharedHandler};
pub use http::{Request, Response};
pub use net::{AcceptFuture, BoxIo, Dialer, IoStream, StreamAcceptor, StreamConnector};
pub use pki::Pki;
pub use rng::SeededRng;
pub use sim::Simulation;
pub use topology::{Endpoint, Topology};

/// Path prefix of every fake's control API, on the same host and port as its protocol.
pub const CONTROL_PREFIX: &str = "/_mailconform";
pub mod contract;
pub mod control;
pub use control::{ControlClient, ControlError, FakeEnv};
