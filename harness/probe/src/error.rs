//! Why a check of a real server could not run at all (as opposed to the server refusing a
//! handshake, which is a result the report records).

use thiserror::Error;

/// A check that produced no report.
#[derive(Debug, Error)]
pub enum ProbeError {
    /// No TCP connection to the target: a wrong address or port, a firewall, a server down.
    #[error("cannot reach {target}: {source}")]
    Unreachable {
        /// The `host:port` that was dialled.
        target: String,
        /// The connection error as the operating system reported it.
        source: std::io::Error,
    },
    /// The local TLS client could not be set up (OpenSSL refused a context or a setting).
    #[error(transparent)]
    Tls(#[from] mailconform_tls::TlsError),
}
