//! Fake Apple Push Notification service: Apple's HTTP/2 provider API with certificate and
//! token (JWT) authentication, simulated devices that receive what providers push, and a
//! provider client for the other fakes.
//!
//! The provider side speaks the real protocol, so an unmodified third-party APNs client
//! (aioapns, Pushy, sideshow/apns2, node-apn) works against [`Apns`] when it is served on a
//! real socket. The device side is the harness's own (Apple's is private) and lives under the
//! control prefix [`mailconform_sim::CONTROL_PREFIX`] with the other control calls; [`contract`]
//! lists them with their bodies and holds the typed client, [`ApnsControl`].
//!
//! The public modules are the protocol layers a peer or a fuzz target needs on its own:
//!
//! * [`request`]: validation of one provider request (path, the `apns-*` headers of Apple's
//!   "Sending notification requests to APNs", the payload), each failure a [`Reason`] with the
//!   status of Apple's "Handling notification responses from APNs".
//! * [`auth`] and [`jwt`]: certificate mode (the push certificate's UID and environment
//!   markers) and token mode (ES256 provider tokens, their age and rotation limits).
//! * [`provider`]: the provider client the other fakes push with ([`ProviderClient`]).
//! * [`contract`]: the control API of the simulated devices.
//!
//! [`Apns`] ties them together as a `mailconform_sim::Handler`.
//!
//! What is out of scope, because hyper's HTTP/2 server cannot do it through its public API:
//! GOAWAY frames carrying a JSON reason, and lowering `SETTINGS_MAX_CONCURRENT_STREAMS` to 1
//! after a rejection or before the first valid token. The connection advertises 1000 streams
//! (the value observed from Apple) throughout, and every rejection is a per-stream response.

#![forbid(unsafe_code)]

pub mod auth;
pub mod contract;
mod control;
mod devices;
mod error;
pub mod jwt;
mod log;
pub mod provider;
mod reason;
pub mod request;
mod server;

pub use auth::AuthMode;
pub use contract::ApnsControl;
pub use devices::DeliveredNotification;
pub use error::ApnsError;
pub use jwt::{generate_team_key, sign_es256, team_key_from_p8};
pub use log::LogEntry;
pub use provider::{Notification, ProviderAuth, ProviderClient, PushOutcome, TOKEN_REFRESH};
pub use reason::Reason;
pub use request::PushType;
pub use server::Apns;

use serde::{Deserialize, Serialize};

/// Which APNs a server plays: device tokens and provider certificates belong to one.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    /// `api.push.apple.com`.
    #[default]
    Production,
    /// `api.sandbox.push.apple.com` (older clients call it "development").
    #[serde(alias = "development")]
    Sandbox,
}

impl Environment {
    /// `production`, `sandbox` or `development` (the sandbox's older name), in any case.
    pub fn parse(s: &str) -> Option<Environment> {
        match s.trim().to_ascii_lowercase().as_str() {
            "production" => Some(Environment::Production),
            "sandbox" | "development" => Some(Environment::Sandbox),
            _ => None,
        }
    }

    /// The lowercase name used in configuration and the control contract.
    pub fn as_str(self) -> &'static str {
        match self {
            Environment::Production => "production",
            Environment::Sandbox => "sandbox",
        }
    }
}

/// A provider signing key APNs trusts for token authentication: the team, the key id (the
/// JWT `kid`) and the public half of the key as SPKI PEM.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamKey {
    /// The 10-character team id tokens name as `iss`.
    pub team_id: String,
    /// The 10-character key id tokens name as `kid`.
    pub key_id: String,
    /// The P-256 public key (`BEGIN PUBLIC KEY`) that verifies the tokens' ES256 signatures.
    pub public_key_pem: String,
}

/// How an [`Apns`] starts: its environment and the team keys it trusts from the outset
/// (more can be added through the control API).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApnsConfig {
    /// Which service this is: tokens and certificates of the other environment are refused.
    pub environment: Environment,
    /// Signing keys accepted for token authentication from the start.
    #[serde(default)]
    pub teams: Vec<TeamKey>,
}
