//! Fake Apple Push Notification service: Apple's HTTP/2 provider API with certificate and
//! token (JWT) authentication, simulated devices that receive what providers push, and a
//! provider client for the other fakes.
//!
//! The provider side speaks the real protocol, so an unmodified third-party APNs client
//! (aioapns, Pushy, sideshow/apns2, node-apn) works against [`Apns`] when it is served on a
//! real socket. The device side is the harness's own (Apple's is private) and lives under the
//! control prefix [`mailconform_sim::CONTROL_PREFIX`] with the other control calls:
//!
//! | call | what it does |
//! | --- | --- |
//! | `POST /_mailconform/devices` `{"bundle_id","environment"?}` | register a device, answer `{"token"}` |
//! | `GET /_mailconform/devices/<token>` | the device's app, environment and uninstall time |
//! | `GET /_mailconform/devices/<token>/notifications?after=<seq>&wait_ms=<n>` | long poll for pushes |
//! | `POST /_mailconform/devices/<token>/uninstall` | later pushes get 410 `Unregistered` |
//! | `POST /_mailconform/throttle` `{"token","count"}` | the next `count` pushes get 429 |
//! | `POST /_mailconform/teams` (a [`TeamKey`]) | trust another signing key |
//! | `GET /_mailconform/log` | every provider request seen, as [`LogEntry`] |
//!
//! What is out of scope, because hyper's HTTP/2 server cannot do it through its public API:
//! GOAWAY frames carrying a JSON reason, and lowering `SETTINGS_MAX_CONCURRENT_STREAMS` to 1
//! after a rejection or before the first valid token. The connection advertises 1000 streams
//! (the value observed from Apple) throughout, and every rejection is a per-stream response.

#![forbid(unsafe_code)]

pub mod auth;
pub mod control;
mod control_api;
pub mod devices;
pub mod error;
pub mod jwt;
pub mod log;
pub mod provider;
pub mod reason;
pub mod request;
pub mod server;

pub use auth::AuthMode;
pub use control::ApnsControl;
pub use devices::DeliveredNotification;
pub use error::ApnsError;
pub use jwt::{generate_team_key, sign_es256};
pub use log::LogEntry;
pub use provider::{Notification, ProviderAuth, ProviderClient, PushOutcome};
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
    pub team_id: String,
    pub key_id: String,
    pub public_key_pem: String,
}

/// How an [`Apns`] starts: its environment and the team keys it trusts from the outset
/// (more can be added through the control API).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApnsConfig {
    pub environment: Environment,
    #[serde(default)]
    pub teams: Vec<TeamKey>,
}
