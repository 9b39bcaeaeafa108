use serde::{Deserialize, Serialize};
use std::io;

/// A gateway's refusal of a tunnel ([`SimError::TunnelRefused`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TunnelRefusal {
    /// The gateway's `host:port`.
    pub gateway: String,
    /// The `host:port` asked for.
    pub target: String,
    /// The gateway's status code.
    pub status: u16,
    /// The gateway's explanation (its answer's body).
    pub reason: String,
}

/// Everything that can go wrong below a fake: reaching a host, TLS, HTTP framing.
///
/// Fakes turn these into protocol outcomes (a failed push delivery, an APNs connection
/// error), so the variants say which layer failed rather than carrying raw library errors.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    /// Nothing listens there, or the host is faulted [`crate::Fault::Unreachable`].
    #[error("connection to {host}:{port} refused")]
    Refused {
        /// The host dialled.
        host: String,
        /// The port dialled.
        port: u16,
    },
    /// The host is on the internal network and the client is outside it: a real network
    /// would not route there (its name does not even resolve outside); a gateway does.
    #[error("no route to {host}:{port}: it is on the internal network, reachable only through the gateway")]
    NoRoute {
        /// The host dialled.
        host: String,
        /// The port dialled.
        port: u16,
    },
    /// The client's own policy forbids the connection (an app whose MDX "Network access" is
    /// Blocked): nothing left the device.
    #[error("connection to {host}:{port} blocked: {policy}")]
    Blocked {
        /// The host asked for.
        host: String,
        /// The port asked for.
        port: u16,
        /// The policy that blocks it.
        policy: String,
    },
    /// A gateway answered a `CONNECT` with something else than `200`: it refused the tunnel
    /// (boxed: it is rare, and every other error stays small).
    #[error("{} refused a tunnel to {}: HTTP {}: {}", .0.gateway, .0.target, .0.status, .0.reason)]
    TunnelRefused(Box<TunnelRefusal>),
    /// The simulated network has no host of that name (a typo in a URL, a role not deployed).
    #[error("no such host {host} in the topology (known hosts: {known})")]
    UnknownHost {
        /// `host:port` as dialled.
        host: String,
        /// Every `host:port` there is, comma-separated.
        known: String,
    },
    /// The exchange did not finish within [`crate::RequestOptions::timeout`].
    #[error("request to {url} timed out after {after_ms} ms {phase}")]
    Timeout {
        /// The request's URL.
        url: String,
        /// The timeout that ran out.
        after_ms: u64,
        /// Where the exchange was when it ran out: a server that never accepts, one that never
        /// finishes its TLS handshake and one that takes the request and never answers are
        /// three different bugs.
        phase: ExchangePhase,
    },
    /// The TLS handshake failed (an untrusted or expired certificate, no common version).
    #[error("TLS with {host} failed: {reason}")]
    Tls {
        /// The server's name as the client checked it.
        host: String,
        /// What the TLS stack said.
        reason: String,
        /// The alert that ended the handshake, when one crossed the wire (boxed: it is rare,
        /// and every other error stays small).
        alert: Option<Box<TlsAlert>>,
    },
    /// The connection was up but the HTTP exchange broke (a reset, a malformed answer).
    #[error("HTTP exchange with {host} failed: {reason}")]
    Http {
        /// The server's host.
        host: String,
        /// What hyper said.
        reason: String,
    },
    /// A role was asked to restart that was not placed with a way to rebuild it.
    #[error("{role} cannot be restarted in this simulation; the roles that can are: {restartable}")]
    NotRestartable {
        /// The role asked.
        role: String,
        /// The roles that can, comma-separated.
        restartable: String,
    },
    /// A URL that cannot be requested (no host, a scheme other than http or https).
    #[error("invalid URL {url}: {reason}")]
    BadUrl {
        /// The URL as given.
        url: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A socket or runtime failure below HTTP.
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    /// A body that should have been JSON of a given shape was not.
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
    /// A certificate or key could not be made, read or used (rcgen, PEM, rustls configuration).
    #[error("certificate minting failed: {0}")]
    Pki(String),
    /// A role pinned to a port (`serve --port`) cannot listen there.
    #[error("{role} cannot listen on port {port} (--port): {reason}")]
    PortTaken {
        /// The role.
        role: String,
        /// The port it was pinned to.
        port: u16,
        /// Why binding failed (usually: in use).
        reason: String,
    },
}

impl SimError {
    /// A connection-level failure (refused, reset, TLS) as opposed to an HTTP answer.
    pub fn is_connect(&self) -> bool {
        matches!(self, SimError::Refused { .. } | SimError::UnknownHost { .. } | SimError::Tls { .. })
    }
}

/// Which end of a TLS connection sent an alert.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TlsPeer {
    /// The end that sent the ClientHello.
    Client,
    /// The end that answered it.
    Server,
}

impl std::fmt::Display for TlsPeer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TlsPeer::Client => "client",
            TlsPeer::Server => "server",
        })
    }
}

/// A TLS alert that ended a handshake: its name as the RFCs spell it (`protocol_version`,
/// `handshake_failure`, `bad_certificate` ...) and the end that sent it. A client role publishes
/// it as the reason it could not connect, so it is data, not prose.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct TlsAlert {
    /// The AlertDescription's name (RFC 8446 6.2, RFC 6101 5.4.2 for SSL 3.0).
    pub alert: String,
    /// Which end sent it.
    pub from: TlsPeer,
}

impl std::fmt::Display for TlsAlert {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} from the {}", self.alert, self.from)
    }
}

/// Why a TLS stack other than rustls (a [`crate::StreamConnector`] or
/// [`crate::StreamAcceptor`]) handed back no stream: what it said, and the alert that ended the
/// handshake, so that the client's [`SimError::Tls`] keeps it.
#[derive(Clone, Debug, thiserror::Error)]
#[error("{reason}")]
pub struct HandshakeError {
    /// What the stack said, in words.
    pub reason: String,
    /// The alert that ended the handshake, when one was sent or received.
    pub alert: Option<TlsAlert>,
}

impl HandshakeError {
    /// A failure without an alert on the wire (the connection closed, or the stack gave up).
    pub fn without_alert(reason: impl Into<String>) -> Self {
        HandshakeError { reason: reason.into(), alert: None }
    }
}

/// Where an HTTP exchange stands, named in [`SimError::Timeout`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExchangePhase {
    /// Opening the TCP connection (or the simulated network's).
    Connecting,
    /// In the TLS handshake, the connection open.
    TlsHandshake,
    /// The request sent (or being sent), no answer's head yet.
    AwaitingAnswer,
    /// The answer's head read, its body still coming.
    ReadingBody,
}

impl std::fmt::Display for ExchangePhase {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            ExchangePhase::Connecting => "while connecting",
            ExchangePhase::TlsHandshake => "in the TLS handshake",
            ExchangePhase::AwaitingAnswer => "waiting for the answer",
            ExchangePhase::ReadingBody => "reading the answer's body",
        })
    }
}

impl ExchangePhase {
    const ALL: [ExchangePhase; 4] =
        [ExchangePhase::Connecting, ExchangePhase::TlsHandshake, ExchangePhase::AwaitingAnswer, ExchangePhase::ReadingBody];

    pub(crate) fn from_u8(n: u8) -> ExchangePhase {
        Self::ALL.get(n as usize).copied().unwrap_or(ExchangePhase::Connecting)
    }
}
