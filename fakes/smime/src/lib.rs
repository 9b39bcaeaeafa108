//! S/MIME for the Secure Mail fakes, on real cryptography: what seed 002 ("S/MIME pour Secure
//! Mail") asks of certificates and messages, made and read by the workspace's OpenSSL, so that
//! any other S/MIME implementation reads what these fakes write and the other way round.
//!
//! - [`authority`]: the AD CS certification authority and its templates (2048-bit minimum,
//!   one purpose each, exportable key, published to the directory or not).
//! - [`identity`]: a certificate with its key and chain, and its PKCS#12 (`.pfx`) form.
//! - [`purpose`]: signing or encryption, read from a certificate's key usages.
//! - [`message`]: signed and encrypted messages, and reading them back.
//!
//! Every failure is a [`SmimeError`] (or an [`authority::EnrollError`]) whose kind code
//! matches on and whose message says what to do.

pub mod authority;
mod error;
pub mod identity;
pub mod keys;
pub mod message;
pub mod purpose;

pub use error::SmimeError;
pub use identity::Identity;
pub use keys::KeySource;
pub use purpose::{Purposes, Use};
