//! The one error type of this crate. Every variant says what was wrong and, where it helps, what
//! a caller could change; the HTTP layer maps them to the status a real server gives.

/// Why a credential, token or message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    /// The token68 after the scheme name is not base64 (RFC 9110 §11.2); IIS answers 400.
    #[error("the {scheme} token is not valid base64 ({reason}); send the message base64-encoded after the scheme name")]
    Base64 {
        /// The scheme the token came under (`NTLM`, `Negotiate`, `Basic`, ...).
        scheme: &'static str,
        /// What the base64 decoder objected to.
        reason: String,
    },
    /// A `WWW-Authenticate` or `Authorization` value does not follow the RFC 9110 §11 grammar.
    #[error("the header value is malformed: {0}")]
    Header(String),
    /// A method name in configuration that is none of [`crate::AuthMethod`]'s.
    #[error("unknown authentication method `{0}`; use basic, ntlm, negotiate, certificate or oauth")]
    UnknownMethod(String),
    /// An NTLM message that does not decode ([MS-NLMP] 2.2): bad signature, type, or a field
    /// pointing outside the message. The handshake state of the connection is left as it was.
    #[error("the NTLM message is malformed: {0}")]
    NtlmMalformed(String),
    /// A well-formed NTLM message out of order (a CHALLENGE sent to the acceptor, or anything
    /// but a CHALLENGE given to the initiator).
    #[error("an NTLM {got} message arrived where a {expected} message was expected")]
    NtlmUnexpected {
        /// The message type(s) the handshake was waiting for.
        expected: &'static str,
        /// The message type that arrived.
        got: &'static str,
    },
    /// An AUTHENTICATE on a connection that was never sent a CHALLENGE: NTLM is
    /// connection-bound, so this is what a pooling proxy produces.
    #[error("connection {conn} has no pending NTLM challenge; an AUTHENTICATE message must arrive on the connection that received the CHALLENGE (a proxy that pools upstream connections breaks this)")]
    NtlmNoChallenge {
        /// The connection id the AUTHENTICATE arrived on.
        conn: u64,
    },
    /// The NTProofStr ([MS-NLMP] 3.3.2) does not match the user's password, or the user is unknown
    /// (the two are not told apart, as Windows does not).
    #[error("NTLM: the response for {user} does not match its password (or the user is unknown)")]
    NtlmBadResponse {
        /// `DOMAIN\user` as the client sent it, or `(anonymous)`.
        user: String,
    },
    /// An NTLMv1 (or otherwise not NTLMv2) response, refused as at LmCompatibilityLevel 5.
    #[error("NTLM: only NTLMv2 responses are accepted; {0}")]
    NtlmVersion(String),
    /// The client promised a MIC (MsvAvFlags 0x2) and it is missing or does not match the three
    /// messages ([MS-NLMP] 3.2.5.1.2): the handshake was tampered with or spliced.
    #[error("NTLM: the message integrity code (MIC) does not match the handshake")]
    NtlmMic,
    /// A Negotiate token that is neither SPNEGO (RFC 4178), a Kerberos GSS token nor NTLMSSP.
    #[error("SPNEGO token is malformed: {0}")]
    Spnego(String),
    /// KDC_ERR_C_PRINCIPAL_UNKNOWN / KDC_ERR_S_PRINCIPAL_UNKNOWN (RFC 4120 §7.5.9): the named
    /// user or service has no account.
    #[error("Kerberos: principal {0} is unknown to the KDC")]
    UnknownPrincipal(String),
    /// KDC_ERR_PREAUTH_FAILED (RFC 4120 §7.5.9): the principal's password was wrong.
    #[error("Kerberos: pre-authentication failed for {0} (wrong password)")]
    PreauthFailed(String),
    /// KDC_ERR_BADOPTION for S4U2Proxy ([MS-SFU] 3.2.5.2): the target is not in the service's
    /// msDS-AllowedToDelegateTo list.
    #[error("Kerberos: {service} may not delegate to {target}; add it to the service's allowed-to-delegate list")]
    DelegationNotAllowed {
        /// The delegating service's SPN.
        service: String,
        /// The SPN it asked a ticket to.
        target: String,
    },
    /// KRB_AP_ERR_NOT_US (RFC 4120 §3.2.3): the ticket names another service or realm.
    #[error("Kerberos: the ticket is for {got}, not for this service ({want})")]
    WrongService {
        /// `service@REALM` the ticket names.
        got: String,
        /// `service@REALM` of the keytab that tried it.
        want: String,
    },
    /// KRB_AP_ERR_BAD_INTEGRITY (RFC 4120 §3.2.3): the ticket does not open with the service key.
    #[error("Kerberos: the ticket does not decrypt with the service key (tampered, or sealed for another key)")]
    TicketIntegrity,
    /// A real Kerberos AP-REQ refused for another reason than those above (an authenticator
    /// out of time or naming another client, a key type the keytab does not hold).
    #[error("Kerberos: {0}")]
    Kerberos(crate::krb5::Krb5Error),
    /// The ticket's structure does not decode; a server answers 400 rather than 401.
    #[error("Kerberos: the ticket is malformed: {0}")]
    TicketMalformed(String),
    /// KRB_AP_ERR_TKT_NYV / KRB_AP_ERR_TKT_EXPIRED (RFC 4120 §3.2.3), after the clock skew.
    #[error("Kerberos: the ticket is valid from {start} to {end} (unix seconds) and it is now {now}")]
    TicketTime {
        /// The ticket's starttime (unix seconds).
        start: u64,
        /// The ticket's endtime (unix seconds).
        end: u64,
        /// The service's clock when it checked (unix seconds).
        now: u64,
    },
    /// A token that is not a compact JWS (RFC 7515 §7.1) with JSON claims (RFC 7519 §7.2), or
    /// that names an algorithm other than ES256 and RS256.
    #[error("the JWT is malformed: {0}")]
    JwtMalformed(String),
    /// The ES256 or RS256 signature (RFC 7518 §3.3–3.4) verifies against no key of the issuer's
    /// JWKS of that kind (the key the header's `kid` names, when it names one).
    #[error("the JWT signature does not verify against the issuer's keys")]
    JwtSignature,
    /// `nbf`/`exp` (RFC 7519 §4.1.4–4.1.5) exclude the current time, skew included.
    #[error("the JWT is not valid at {now}: it is valid from {nbf} until {exp} (unix seconds, with {skew} s of clock skew)")]
    JwtTime {
        /// The `nbf` claim (0 when absent).
        nbf: u64,
        /// The `exp` claim.
        exp: u64,
        /// The resource's clock (unix seconds).
        now: u64,
        /// The skew allowed on both ends, in seconds.
        skew: u64,
    },
    /// The `aud` claim (RFC 7519 §4.1.3) does not name this resource.
    #[error("the JWT audience is {got:?}; this resource is {want}")]
    JwtAudience {
        /// Every audience the token names.
        got: Vec<String>,
        /// The resource's own audience.
        want: String,
    },
    /// The `iss` claim (RFC 7519 §4.1.1) is not the trusted issuer.
    #[error("the JWT issuer is {got}; the trusted issuer is {want}")]
    JwtIssuer {
        /// The token's `iss`.
        got: String,
        /// The issuer the resource trusts.
        want: String,
    },
    /// A valid token with no claim that names a mailbox user.
    #[error("the JWT names no user (neither `upn`, `email` nor `preferred_username`)")]
    JwtNoUser,
    /// A client certificate that is not DER X.509, or whose UPN otherName is malformed.
    #[error("the client certificate cannot be read: {0}")]
    Certificate(String),
    /// A key could not be generated or read (never a verdict on a peer's token).
    #[error("cryptography failed: {0}")]
    Crypto(String),
}

/// The crate's result, failing with [`AuthError`].
pub type Result<T, E = AuthError> = std::result::Result<T, E>;

impl From<crate::krb5::Krb5Error> for AuthError {
    /// The refusals a service's keytab shares with the fake's tickets keep their kinds (and
    /// Exchange its answers: 400 for a malformed ticket, 401 for the others).
    fn from(e: crate::krb5::Krb5Error) -> Self {
        use crate::krb5::Krb5Error as K;
        match e {
            K::Integrity(_) => AuthError::TicketIntegrity,
            K::WrongService { got, want } => AuthError::WrongService { got, want },
            K::Malformed(m) => AuthError::TicketMalformed(m),
            other => AuthError::Kerberos(other),
        }
    }
}
