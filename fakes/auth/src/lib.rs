//! HTTP authentication for the fakes, each part a real protocol implementation:
//!
//! - [`ntlm`]: the [MS-NLMP] messages, NTLMv2, a connection-bound acceptor and an initiator;
//! - [`spnego`]: the Negotiate (RFC 4559) token forms;
//! - [`kerberos`]: a fake KDC with constrained delegation and the keytab services verify with;
//! - [`krb5`]: Kerberos V5 itself with S4U, the client of a real KDC and the service's side;
//! - [`kdc_host`]: that KDC as a simulation host with a small HTTP API;
//! - [`jwt`]: a fake OAuth issuer (ES256, JWKS) and the verifier a resource runs;
//! - [`issuer_host`]: that issuer as a simulation host with a token endpoint;
//! - [`oidc`]: the client of an identity provider (discovery, the password grant), fake or real;
//! - [`certificate`]: the UPN a client certificate names;
//! - [`challenge`]: `WWW-Authenticate`/`Authorization` values and the scheme names;
//! - [`http_client`]: the NTLM handshake sent through the simulation's HTTP client.

#![forbid(unsafe_code)]

pub mod certificate;
pub mod challenge;
mod der;
pub mod error;
pub mod http_client;
pub mod issuer_host;
pub mod jwt;
pub mod kdc_host;
pub mod kerberos;
pub mod krb5;
pub mod ntlm;
pub mod oidc;
pub mod spnego;

pub use challenge::{AuthMethod, Challenge, Scheme};
pub use error::AuthError;
pub use issuer_host::{IssuerControl, IssuerServer};
pub use jwt::{OAuthTrust, TokenIssuer, VerifiedToken};
pub use kdc_host::{KdcClient, KdcControl, KdcServer, KdcSlot, KerberosTcp};
pub use kerberos::{IssuedTicket, Kdc, Keytab, TicketInfo};
pub use ntlm::{Forgery, MicHandling, NtlmAcceptor, NtlmIdentity, NtlmInitiator};
