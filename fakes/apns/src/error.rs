//! The one error type of this crate: what can go wrong for a provider or a step using it.
//!
//! APNs rejections are not errors here: a 400 or 410 is a [`crate::PushOutcome`], because
//! scenarios assert on them. Errors are what stops a push from getting an APNs answer at all.

use mailconform_sim::{ControlError, SimError};

#[derive(Debug, thiserror::Error)]
pub enum ApnsError {
    /// Connecting, TLS or HTTP/2 failed.
    #[error("no APNs answer from {url}: {source}")]
    Transport {
        url: String,
        #[source]
        source: SimError,
    },
    /// In certificate mode, the connection died in TLS or under the first request: APNs refused
    /// the provider certificate. In TLS 1.3 the server checks the client certificate after the
    /// client's side of the handshake is done, so the refusal shows up as the connection dying
    /// under the first request rather than as a handshake error.
    #[error("no APNs answer from {url}: {source} (APNs refused the client certificate {identity:?}: expired, not yet valid, or not issued by the push CA)")]
    CertificateRefused {
        url: String,
        /// The [`mailconform_sim::ClientIdentity`] id of the certificate.
        identity: String,
        #[source]
        source: SimError,
    },
    #[error("APNs control call failed: {0}")]
    Control(#[from] ControlError),
    #[error("unusable provider signing key: {0} (expected the PKCS#8 P-256 key of an AuthKey_<key id>.p8 file)")]
    SigningKey(String),
    #[error("unusable public key for APNs key id {key_id}: {reason} (expected the SPKI PEM, 'BEGIN PUBLIC KEY', of a P-256 key)")]
    TeamKey { key_id: String, reason: String },
    #[error("malformed provider token (JWT): {0}")]
    Jwt(String),
    #[error("cannot build a request to APNs: {0}")]
    Request(String),
    #[error("unexpected answer from the APNs control API: {0}")]
    Response(String),
}
