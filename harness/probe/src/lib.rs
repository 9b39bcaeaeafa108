//! Checks of real servers, as opposed to the fakes: what a live target actually does on the
//! wire: [`probe_tls_versions`] (`mailconform tls-probe HOST:PORT`): which of SSL 3.0 … TLS 1.3
//! the target accepts, judged by full handshakes, and from the Secure Mail connection-security
//! tables which device profiles could connect to it; and [`target`] (`mailconform target check
//! FILE`): the target configuration and the checks of each configured target (reachable, TLS
//! with the configured trust, the protocol at the URL, each mailbox's sign-in).
//!
//! This crate only ever acts as a client; the legacy handshake client and the device tables
//! come from `mailconform-tls`.

mod error;
pub mod target;
mod tls_versions;

pub use error::ProbeError;
pub use tls_versions::{probe_tls_versions, DeviceLine, TlsVersionsReport, VersionLine};
