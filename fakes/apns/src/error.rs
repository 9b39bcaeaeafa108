//! The one error type of this crate: what can go wrong for a provider or a step using it.
//!
//! APNs rejections are not errors here: a 400 or 410 is a [`crate::PushOutcome`], because
//! scenarios assert on them. Errors are what stops a push from getting an APNs answer at all.

use mailconform_sim::{ControlError, SimError};

/// Why a provider push, a token signature or a control call got no APNs answer at all.
#[derive(Debug, thiserror::Error)]
pub enum ApnsError {
    /// Connecting, TLS or HTTP/2 failed.
    #[error("no APNs answer from {url}: {source}")]
    Transport {
        /// The push URL that was called.
        url: String,
        /// What the connection failed with.
        #[source]
        source: SimError,
    },
    /// In certificate mode, the connection died in TLS or under the first request: APNs refused
    /// the provider certificate. In TLS 1.3 the server checks the client certificate after the
    /// client's side of the handshake is done, so the refusal shows up as the connection dying
    /// under the first request rather than as a handshake error.
    #[error("no APNs answer from {url}: {source} (APNs refused the client certificate {identity:?}: expired, not yet valid, or not issued by the push CA)")]
    CertificateRefused {
        /// The push URL that was called.
        url: String,
        /// The [`mailconform_sim::ClientIdentity`] id of the certificate.
        identity: String,
        /// What the connection failed with.
        #[source]
        source: SimError,
    },
    /// A control API call failed (transport, status or body).
    #[error("APNs control call failed: {0}")]
    Control(#[from] ControlError),
    /// The provider's `.p8` key could not be read as a PKCS#8 P-256 key.
    #[error("unusable provider signing key: {0} (expected the PKCS#8 P-256 key of an AuthKey_<key id>.p8 file)")]
    SigningKey(String),
    /// A team's public key could not be read as a P-256 SPKI.
    #[error("unusable public key for APNs key id {key_id}: {reason} (expected the SPKI PEM, 'BEGIN PUBLIC KEY', of a P-256 key)")]
    TeamKey {
        /// The key id the public key was offered for.
        key_id: String,
        /// What is wrong with the PEM or the key in it.
        reason: String,
    },
    /// A provider token could not be signed or parsed.
    #[error("malformed provider token (JWT): {0}")]
    Jwt(String),
    /// The push request could not be built (header value, URL).
    #[error("cannot build a request to APNs: {0}")]
    Request(String),
    /// The control API answered with a body this client does not understand.
    #[error("unexpected answer from the APNs control API: {0}")]
    Response(String),
}
