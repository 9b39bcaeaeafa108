//! The crate's one error type.

use thiserror::Error;

/// Everything that can go wrong in this crate, each with what to do about it.
#[derive(Debug, Error)]
pub enum TlsError {
    /// OpenSSL refused a configuration step, most often because the linked OpenSSL lacks SSL 3.0.
    #[error("OpenSSL refused to {what}: {source} (the vendored OpenSSL must be built with SSL 3.0: see fakes/tls/Cargo.toml)")]
    OpenSsl {
        /// The step, as a verb phrase (`set the lowest protocol version`).
        what: &'static str,
        /// OpenSSL's error queue.
        source: openssl::error::ErrorStack,
    },
    /// A server or client configured with an empty set of versions.
    #[error("no protocol version given: name at least one of ssl3, tls1.0, tls1.1, tls1.2, tls1.3")]
    NoVersions,
    /// The simulation's PKI could not issue the certificate a server needs.
    #[error("certificate: {0}")]
    Pki(#[from] mailconform_sim::SimError),
    /// The transport under TLS failed.
    #[error("{0}")]
    Io(#[from] std::io::Error),
    /// A caller's mistake, in words that say what to change (a credential without a certificate ...).
    #[error("{0}")]
    Usage(String),
    /// A word in a list of protocol versions that names none.
    #[error("{word:?} is not a protocol version: use SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2 or TLS 1.3 (or ssl3, tls1.0 … tls1.3)")]
    UnknownVersion {
        /// The word as given.
        word: String,
    },
    /// A list of protocol versions that names none.
    #[error("{text:?} names no protocol version")]
    NoVersionNamed {
        /// The list as given.
        text: String,
    },
    /// HTTP/1.1 over an established TLS stream failed.
    #[error("HTTP {stage}: {source}")]
    Http {
        /// Which step failed: `handshake`, `request` or `body`.
        stage: &'static str,
        /// hyper's error.
        source: hyper::Error,
    },
    /// Bytes that are not a valid record or hello, with the alert that answers them.
    #[error("{0}")]
    Wire(#[from] crate::wire::WireError),
}

pub(crate) trait Context<T> {
    fn ctx(self, what: &'static str) -> Result<T, TlsError>;
}

impl<T> Context<T> for Result<T, openssl::error::ErrorStack> {
    fn ctx(self, what: &'static str) -> Result<T, TlsError> {
        self.map_err(|source| TlsError::OpenSsl { what, source })
    }
}
