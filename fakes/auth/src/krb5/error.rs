//! What can go wrong between a Kerberos client, a real KDC and a service, in words that say
//! what to fix.

use std::time::Duration;

/// A Kerberos exchange that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Krb5Error {
    /// The KDC could not be reached (or closed the connection before answering).
    #[error("the KDC at {kdc} could not be reached: {why}")]
    Unreachable {
        /// `host:port` of the KDC.
        kdc: String,
        /// The socket's error.
        why: String,
    },
    /// The KDC did not answer within the exchange's time limit.
    #[error("the KDC at {kdc} did not answer within {} ms", after.as_millis())]
    Timeout {
        /// `host:port` of the KDC.
        kdc: String,
        /// The limit.
        after: Duration,
    },
    /// The KDC refused with a KRB-ERROR (RFC 4120 §5.9.1, codes in §7.5.9).
    #[error("the KDC refused {asked}: {name} ({code}){}; {}", text.as_ref().map(|t| format!(": {t}")).unwrap_or_default(), refusal_fix(*code))]
    Refused {
        /// What was asked (`a TGT for HTTP/seg.example.test`).
        asked: String,
        /// The error code.
        code: u32,
        /// Its name in RFC 4120 (`KDC_ERR_BADOPTION`).
        name: &'static str,
        /// The KDC's e-text, when it sent one.
        text: Option<String>,
    },
    /// A message that does not decode as what the protocol puts there.
    #[error("malformed Kerberos message: {0}")]
    Malformed(String),
    /// Decryption failed its integrity check: the wrong key (a wrong password, a stale
    /// keytab) or a tampered message.
    #[error("{0} did not decrypt: wrong key (a wrong password or an old key version) or altered in transit")]
    Integrity(String),
    /// An encryption type this implementation does not do (it does AES-CTS-HMAC-SHA1-96).
    #[error("encryption type {0} is not supported (aes256-cts-hmac-sha1-96 and aes128-cts-hmac-sha1-96 are)")]
    UnsupportedEtype(i64),
    /// A ticket or authenticator outside its time, with the clock skew allowed.
    #[error("{what} is not valid now: {why}")]
    Time {
        /// What (`the ticket`).
        what: &'static str,
        /// Why (`it ended at 2026-12-08T10:00:00Z`).
        why: String,
    },
    /// An AP-REQ for another service than the acceptor's.
    #[error("the ticket is for {got}, not for {want}")]
    WrongService {
        /// The ticket's service principal.
        got: String,
        /// The acceptor's.
        want: String,
    },
    /// An answer that decodes but breaks the protocol (a reply to another request, another
    /// client than asked for).
    #[error("the KDC's answer does not match the request: {0}")]
    Mismatch(String),
}

/// The name of a KRB-ERROR code (RFC 4120 §7.5.9; MS-KILE's additions where a KDC of Active
/// Directory sends them).
pub(crate) fn error_name(code: u32) -> &'static str {
    match code {
        0 => "KDC_ERR_NONE",
        6 => "KDC_ERR_C_PRINCIPAL_UNKNOWN",
        7 => "KDC_ERR_S_PRINCIPAL_UNKNOWN",
        12 => "KDC_ERR_POLICY",
        13 => "KDC_ERR_BADOPTION",
        14 => "KDC_ERR_ETYPE_NOSUPP",
        16 => "KDC_ERR_PADATA_TYPE_NOSUPP",
        18 => "KDC_ERR_CLIENT_REVOKED",
        23 => "KDC_ERR_KEY_EXPIRED",
        24 => "KDC_ERR_PREAUTH_FAILED",
        25 => "KDC_ERR_PREAUTH_REQUIRED",
        31 => "KRB_AP_ERR_BAD_INTEGRITY",
        32 => "KRB_AP_ERR_TKT_EXPIRED",
        34 => "KRB_AP_ERR_REPEAT",
        37 => "KRB_AP_ERR_SKEW",
        41 => "KRB_AP_ERR_MODIFIED",
        52 => "KRB_ERR_RESPONSE_TOO_BIG",
        60 => "KRB_ERR_GENERIC",
        68 => "KDC_ERR_WRONG_REALM",
        _ => "an error code RFC 4120 does not name",
    }
}

/// What a refusal most likely means for the KCD set-up, for a message a person can act on.
fn refusal_fix(code: u32) -> &'static str {
    match code {
        6 => "the client principal is not in the KDC's database: check its name and realm",
        7 => "the service principal is not in the KDC's database: register the SPN",
        13 => "the KDC's policy refuses the option: for S4U2Proxy, allow the service account to delegate to the target SPN (constrained delegation), and let it use any authentication protocol (protocol transition) so that its S4U2Self tickets are forwardable",
        14 => "the KDC has no key of an encryption type asked for: give the account AES keys",
        18 => "the account is disabled or locked out",
        23 => "the account's password has expired",
        24 => "the password is wrong",
        37 => "the clocks of this machine and the KDC are more than five minutes apart",
        68 => "the realm is not the KDC's: check the realm (upper case)",
        _ => "see the KDC's log",
    }
}
