//! Checks of real servers, as opposed to the fakes: what a live target actually does on the
//! wire. Today that is [`probe_tls_versions`] (`mailconform tls-probe HOST:PORT`): which of
//! SSL 3.0 … TLS 1.3 the target accepts, judged by full handshakes, and from the Secure Mail
//! connection-security tables which device profiles could connect to it.
//!
//! This crate is the home of the live-target checks (`mailconform target check`: reachable,
//! TLS, authentication). It only ever acts as a client; the handshake client and the device
//! tables come from `mailconform-tls`.

mod error;
mod tls_versions;

pub use error::ProbeError;
pub use tls_versions::{probe_tls_versions, DeviceLine, TlsVersionsReport, VersionLine};
