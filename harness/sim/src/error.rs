use serde::{Deserialize, Serialize};
use std::io;

/// Everything that can go wrong below a fake: reaching a host, TLS, HTTP framing.
///
/// Fakes turn these into protocol outcomes (a failed push delivery, an APNs connection
/// error), so the variants say which layer failed rather than carrying raw library errors.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error("connection to {host}:{port} refused")]
    Refused { host: String, port: u16 },
    #[error("no such host {host} in the topology (known hosts: {known})")]
    UnknownHost { host: String, known: String },
    #[error("request to {url} timed out after {after_ms} ms")]
    Timeout { url: String, after_ms: u64 },
    #[error("TLS with {host} failed: {reason}")]
    Tls {
        host: String,
        reason: String,
        /// The alert that ended the handshake, when one crossed the wire (boxed: it is rare,
        /// and every other error stays small).
        alert: Option<Box<TlsAlert>>,
    },
    #[error("HTTP exchange with {host} failed: {reason}")]
    Http { host: String, reason: String },
    #[error("invalid URL {url}: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("I/O error: {0}")]
    Io(#[from] io::Error),
    #[error("JSON: {0}")]
    Json(#[from] serde_json::Error),
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
    Client,
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
    pub alert: String,
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
    pub reason: String,
    pub alert: Option<TlsAlert>,
}

impl HandshakeError {
    /// A failure without an alert on the wire (the connection closed, or the stack gave up).
    pub fn without_alert(reason: impl Into<String>) -> Self {
        HandshakeError { reason: reason.into(), alert: None }
    }
}
