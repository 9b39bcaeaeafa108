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
