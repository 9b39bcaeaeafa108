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
    Tls { host: String, reason: String },
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
}

impl SimError {
    /// A connection-level failure (refused, reset, TLS) as opposed to an HTTP answer.
    pub fn is_connect(&self) -> bool {
        matches!(self, SimError::Refused { .. } | SimError::UnknownHost { .. } | SimError::Tls { .. })
    }
}
