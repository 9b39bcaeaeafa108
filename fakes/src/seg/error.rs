//! SEG's error types: what stops it from starting or reconfiguring, and why it blocks a device.

use mailconform_sim::ControlError;

/// A configuration SEG cannot run with.
#[derive(Debug, thiserror::Error)]
pub enum SegError {
    /// A PEM in `trusted_certificates` does not parse.
    #[error("a trusted certificate is not PEM: {0}")]
    TrustedNotPem(rustls_pki_types::pem::Error),
    /// rustls refused a trusted certificate as a root.
    #[error("a trusted certificate was refused: {0}")]
    TrustedRefused(rustls::Error),
    /// An `application.properties` line that is neither `key=value` nor a comment.
    #[error("application.properties line {line}: expected key=value, got {text:?}")]
    PropertyLine {
        /// Line number, from 1.
        line: usize,
        /// The line as written.
        text: String,
    },
    /// A switch whose value is not `true` or `false`.
    #[error("application.properties line {line}: {key} takes true or false, got {value:?}")]
    PropertyFlag {
        /// Line number, from 1.
        line: usize,
        /// The property.
        key: String,
        /// The value given.
        value: String,
    },
}

/// Why the console does not let a device have mail.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Blocked {
    #[error("the request names no device")]
    NoDevice,
    #[error("device {id} is {state}")]
    NotCompliant { id: String, state: String },
    #[error("the console gave no state for device {id}")]
    NoState { id: String },
    #[error("device {id} is not managed")]
    NotManaged { id: String },
    #[error("the console could not be asked: {0}")]
    ConsoleUnreachable(ControlError),
}
