use thiserror::Error;

/// Everything that can go wrong in this crate, each with what to do about it.
#[derive(Debug, Error)]
pub enum TlsError {
    #[error("OpenSSL refused to {what}: {source} (the vendored OpenSSL must be built with SSL 3.0: see fakes/tls/Cargo.toml)")]
    OpenSsl { what: &'static str, source: openssl::error::ErrorStack },
    #[error("no protocol version given: name at least one of ssl3, tls1.0, tls1.1, tls1.2, tls1.3")]
    NoVersions,
    #[error("certificate: {0}")]
    Pki(#[from] mailconform_sim::SimError),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    /// A word in a list of protocol versions that names none.
    #[error("{word:?} is not a protocol version: use SSL 3.0, TLS 1.0, TLS 1.1, TLS 1.2 or TLS 1.3 (or ssl3, tls1.0 … tls1.3)")]
    UnknownVersion { word: String },
    /// A list of protocol versions that names none.
    #[error("{text:?} names no protocol version")]
    NoVersionNamed { text: String },
    /// HTTP/1.1 over an established TLS stream failed.
    #[error("HTTP {stage}: {source}")]
    Http { stage: &'static str, source: hyper::Error },
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
