//! What goes wrong with certificates and S/MIME messages, as the user would be told: each kind
//! names what to do about it. Code and features match on the kind, never on the words.

use crate::purpose::Use;

/// A certificate, PKCS#12 file or S/MIME message that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SmimeError {
    /// The password does not open the PKCS#12 file (its integrity check fails).
    #[error("the password does not open this certificate file: type the password set when the certificate was exported")]
    WrongPassword,
    /// The bytes are not a whole PKCS#12 file (truncated, or something else).
    #[error("this is not a complete PKCS#12 (.pfx) file ({reason}): export the certificate again, with its private key")]
    NotPkcs12 {
        /// What the reader met.
        reason: String,
    },
    /// The PKCS#12 file holds a certificate but no private key.
    #[error("the certificate file holds no private key: export it again choosing \"Yes, export the private key\"")]
    NoPrivateKey,
    /// The private key was issued as not exportable.
    #[error(
        "the private key of {subject}'s certificate cannot be exported: its template must have \"Allow private key to be \
         exported\" selected"
    )]
    KeyNotExportable {
        /// The certificate's subject.
        subject: String,
    },
    /// The certificate's key usages do not allow what it is asked to do.
    #[error(
        "the certificate of {subject} cannot be used for {needed}: its key usage allows {allows}; request one from the {needed} template"
    )]
    WrongPurpose {
        /// The certificate's subject.
        subject: String,
        /// What it was to be used for.
        needed: Use,
        /// What its key usages allow, in words.
        allows: String,
    },
    /// The certificate is past its validity.
    #[error("the certificate of {subject} expired on {not_after}: enroll for a new one")]
    Expired {
        /// The certificate's subject.
        subject: String,
        /// Its last valid moment, as the certificate states it.
        not_after: String,
    },
    /// The certificate's issuer is not among the device's trusted roots.
    #[error(
        "the certificate of {subject} was issued by {issuer}, which this device does not trust: deliver the root and \
         intermediate certificates to the device (the credentials policy)"
    )]
    Untrusted {
        /// The certificate's subject.
        subject: String,
        /// Its issuer.
        issuer: String,
    },
    /// The signature does not match the signed content.
    #[error("the signature does not match the message: it was changed after it was signed")]
    BadSignature,
    /// The enveloped message is not encrypted for the certificate at hand.
    #[error("this message is not encrypted for the certificate of {holder}: it was encrypted to another certificate")]
    NotARecipient {
        /// The subject of the certificate tried.
        holder: String,
    },
    /// The message is encrypted and the reader has no decryption certificate.
    #[error("this message is encrypted: import your encryption certificate (its .pfx) to read it")]
    NoDecryptionKey,
    /// The bytes are not an S/MIME message.
    #[error("this is not an S/MIME message: {reason}")]
    NotSmime {
        /// What the reader met.
        reason: String,
    },
    /// OpenSSL failed at a step that should not fail on good input.
    #[error("OpenSSL could not {doing}: {reason}")]
    Crypto {
        /// What was being done.
        doing: &'static str,
        /// OpenSSL's error stack, in words.
        reason: String,
    },
}

impl SmimeError {
    /// OpenSSL's failure while `doing` something.
    pub(crate) fn crypto(doing: &'static str) -> impl FnOnce(openssl::error::ErrorStack) -> SmimeError {
        move |e| SmimeError::Crypto { doing, reason: e.to_string() }
    }
}

/// Whether OpenSSL's `e` says `reason` (its reason strings are stable across 3.x).
pub(crate) fn says(e: &openssl::error::ErrorStack, reason: &str) -> bool {
    e.errors().iter().any(|x| x.reason().is_some_and(|r| r.contains(reason)))
}
