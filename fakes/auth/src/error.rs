//! The one error type of this crate. Every variant says what was wrong and, where it helps, what
//! a caller could change; the HTTP layer maps them to the status a real server gives.

/// Why a credential, token or message was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
    #[error("the {scheme} token is not valid base64 ({reason}); send the message base64-encoded after the scheme name")]
    Base64 { scheme: &'static str, reason: String },
    #[error("the header value is malformed: {0}")]
    Header(String),
    #[error("unknown authentication method `{0}`; use basic, ntlm, negotiate, certificate or oauth")]
    UnknownMethod(String),
    #[error("the NTLM message is malformed: {0}")]
    NtlmMalformed(String),
    #[error("an NTLM {got} message arrived where a {expected} message was expected")]
    NtlmUnexpected { expected: &'static str, got: &'static str },
    #[error("connection {conn} has no pending NTLM challenge; an AUTHENTICATE message must arrive on the connection that received the CHALLENGE (a proxy that pools upstream connections breaks this)")]
    NtlmNoChallenge { conn: u64 },
    #[error("NTLM: the response for {user} does not match its password (or the user is unknown)")]
    NtlmBadResponse { user: String },
    #[error("NTLM: only NTLMv2 responses are accepted; {0}")]
    NtlmVersion(String),
    #[error("NTLM: the message integrity code (MIC) does not match the handshake")]
    NtlmMic,
    #[error("SPNEGO token is malformed: {0}")]
    Spnego(String),
    #[error("Kerberos: principal {0} is unknown to the KDC")]
    UnknownPrincipal(String),
    #[error("Kerberos: pre-authentication failed for {0} (wrong password)")]
    PreauthFailed(String),
    #[error("Kerberos: {service} may not delegate to {target}; add it to the service's allowed-to-delegate list")]
    DelegationNotAllowed { service: String, target: String },
    #[error("Kerberos: the ticket is for {got}, not for this service ({want})")]
    WrongService { got: String, want: String },
    #[error("Kerberos: the ticket does not decrypt with the service key (tampered, or sealed for another key)")]
    TicketIntegrity,
    #[error("Kerberos: the ticket is malformed: {0}")]
    TicketMalformed(String),
    #[error("Kerberos: the ticket is valid from {start} to {end} (unix seconds) and it is now {now}")]
    TicketTime { start: u64, end: u64, now: u64 },
    #[error("the JWT is malformed: {0}")]
    JwtMalformed(String),
    #[error("the JWT signature does not verify against the issuer's keys")]
    JwtSignature,
    #[error("the JWT is not valid at {now}: it is valid from {nbf} until {exp} (unix seconds, with {skew} s of clock skew)")]
    JwtTime { nbf: u64, exp: u64, now: u64, skew: u64 },
    #[error("the JWT audience is {got:?}; this resource is {want}")]
    JwtAudience { got: Vec<String>, want: String },
    #[error("the JWT issuer is {got}; the trusted issuer is {want}")]
    JwtIssuer { got: String, want: String },
    #[error("the JWT names no user (neither `upn`, `email` nor `preferred_username`)")]
    JwtNoUser,
    #[error("the client certificate cannot be read: {0}")]
    Certificate(String),
    #[error("cryptography failed: {0}")]
    Crypto(String),
}

pub type Result<T, E = AuthError> = std::result::Result<T, E>;
