//! Legacy TLS for real: SSL 3.0, TLS 1.0, 1.1, 1.2 and 1.3 on the wire from a vendored OpenSSL
//! built with SSL 3.0, for the servers (Notes Traveler, Exchange) and the Secure Mail client of
//! the SSLv3/TLS matrix; the device profiles and the connection-security policy tables
//! ([`profile`]); a pure-Rust reader of the handshake's plaintext ([`wire`]) and the whole matrix
//! ([`matrix`]). Probing real servers' versions is `mailconform-probe`'s job, on [`client`].

#![forbid(unsafe_code)]

mod alert;
pub mod client;
pub mod connector;
mod error;
pub mod matrix;
pub mod profile;
pub mod s_server;
pub mod server;
pub mod tap;
mod version;
pub mod wire;

pub use alert::Alert;
pub use client::{ClientOffer, Handshake, HandshakeFailure, SeenAlert, Side};
pub use error::TlsError;
pub use profile::{DeviceProfile, Policy};
pub use server::LegacyServer;
pub use version::{Version, VersionSet};
