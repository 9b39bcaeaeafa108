//! The control contract of the fake APNs: the device side (Apple's is private, so this is
//! the harness's own) and what steps inspect. Routes, bodies and the typed client.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/_mailconform/devices` | [`RegisterDevice`] | [`DeviceInfo`]: a device with a new token |
//! | `GET` | `/_mailconform/devices/{token}` | | [`DeviceInfo`]: its app, environment and uninstall time |
//! | `GET` | `/_mailconform/devices/{token}/notifications` | query `after=<seq>&wait_ms=<n>` | [`Notifications`]: a long poll for pushes |
//! | `POST` | `/_mailconform/devices/{token}/uninstall` | | [`Uninstalled`]: later pushes get 410 `Unregistered` |
//! | `POST` | `/_mailconform/throttle` | [`Throttle`] | [`Throttle`]: the next `count` pushes get 429 |
//! | `POST` | `/_mailconform/teams` | [`TeamKey`] | [`TeamAdded`]: another signing key is trusted |
//! | `GET` | `/_mailconform/log` | query `after`, `limit` ([`PageQuery`]) | [`LogPage`]: the provider requests after `after` (the newest `FakeEnv::journal_capacity` are kept) |
//!
//! Refusals are `{"error": …}` saying what was expected, so a step's failure message is
//! enough to fix the call: 400 for a body that does not parse (with an example), 404 for an
//! unknown token or route, 405 for a method a route does not take.

use crate::devices::DeliveredNotification;
use crate::error::ApnsError;
use crate::log::LogEntry;
use crate::{AuthMode, Environment, TeamKey};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, HttpClient, Page, CONTROL_PREFIX};

pub use mailconform_sim::PageQuery;

/// A page of the provider request log.
pub type LogPage = Page<LogEntry>;
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Register,
    Device,
    Notifications,
    Uninstall,
    Throttle,
    AddTeam,
    Log,
}

pub(crate) const ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(Op::Register, "POST", "/devices"),
        Route::new(Op::Device, "GET", "/devices/{token}"),
        Route::new(Op::Notifications, "GET", "/devices/{token}/notifications"),
        Route::new(Op::Uninstall, "POST", "/devices/{token}/uninstall"),
        Route::new(Op::Throttle, "POST", "/throttle"),
        Route::new(Op::AddTeam, "POST", "/teams"),
        Route::new(Op::Log, "GET", "/log"),
    ],
);

/// A device to register for an app; in the server's own environment unless named.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterDevice {
    /// The app the device installs; its pushes must name it (or a suffixed form) as topic.
    pub bundle_id: String,
    /// The environment whose tokens this device's token belongs to; the server's own when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub environment: Option<Environment>,
}

/// A device as APNs knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeviceInfo {
    /// 64 lowercase hex digits.
    pub token: String,
    /// The app the token was issued for.
    pub bundle_id: String,
    /// The environment the token is valid in; the other one answers `BadDeviceToken`.
    pub environment: Environment,
    /// When the app was uninstalled (UNIX ms); later pushes get 410.
    pub uninstalled_at_ms: Option<u64>,
}

/// The pushes a device received after the sequence number asked for.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Notifications {
    /// In delivery order, ascending by `seq`.
    pub notifications: Vec<DeliveredNotification>,
}

/// The uninstall of a device's app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Uninstalled {
    /// The device token whose app was removed.
    pub token: String,
    /// The uninstall time (UNIX ms), which later 410 answers carry as `timestamp`.
    pub uninstalled_at_ms: u64,
}

/// The next `count` otherwise accepted pushes to `token` get 429 `TooManyRequests`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Throttle {
    /// The device token whose pushes are throttled.
    pub token: String,
    /// How many pushes get 429 before the device accepts pushes again.
    pub count: u32,
}

/// A team key now trusted.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamAdded {
    /// The team whose tokens the key now verifies (the JWT `iss`).
    pub team_id: String,
    /// The key id tokens must name in their `kid`.
    pub key_id: String,
}

const TOKEN: &str = "5f2d0c9a6e8b41d3a7c2e9f0b1d4a6c85f2d0c9a6e8b41d3a7c2e9f0b1d4a6c8";

impl Body for RegisterDevice {
    fn example() -> Self {
        RegisterDevice { bundle_id: "com.example.securemail".into(), environment: Some(Environment::Production) }
    }
}

impl Body for DeviceInfo {
    fn example() -> Self {
        DeviceInfo {
            token: TOKEN.into(),
            bundle_id: "com.example.securemail".into(),
            environment: Environment::Sandbox,
            uninstalled_at_ms: Some(1_767_600_000_000),
        }
    }
}

impl Body for DeliveredNotification {
    fn example() -> Self {
        DeliveredNotification {
            seq: 1,
            apns_id: "7f3c6a52-2b7e-4d4b-9c41-0b1a4b2f9d10".into(),
            topic: "com.example.securemail".into(),
            push_type: Some("alert".into()),
            priority: 10,
            collapse_id: Some("inbox".into()),
            expiration: Some(1_767_603_600),
            payload: serde_json::json!({"aps": {"badge": 3}}),
            received_at_ms: 1_767_600_000_000,
        }
    }
}

impl Body for Notifications {
    fn example() -> Self {
        Notifications { notifications: vec![DeliveredNotification::example()] }
    }
}

impl Body for Uninstalled {
    fn example() -> Self {
        Uninstalled { token: TOKEN.into(), uninstalled_at_ms: 1_767_600_000_000 }
    }
}

impl Body for Throttle {
    fn example() -> Self {
        Throttle { token: TOKEN.into(), count: 3 }
    }
}

impl Body for TeamKey {
    fn example() -> Self {
        TeamKey { team_id: "TEAM123456".into(), key_id: "KEY1234567".into(), public_key_pem: "-----BEGIN PUBLIC KEY-----...".into() }
    }
}

impl Body for TeamAdded {
    fn example() -> Self {
        TeamAdded { team_id: "TEAM123456".into(), key_id: "KEY1234567".into() }
    }
}

impl Body for LogEntry {
    fn example() -> Self {
        LogEntry {
            at_ms: 1_767_600_000_000,
            token: Some(TOKEN.into()),
            topic: Some("com.example.securemail".into()),
            push_type: Some("alert".into()),
            apns_id: "7f3c6a52-2b7e-4d4b-9c41-0b1a4b2f9d10".into(),
            status: 400,
            reason: Some("BadDeviceToken".into()),
            auth: AuthMode::Token,
        }
    }
}

/// Extra time a long poll's HTTP request gets beyond the wait itself.
const POLL_MARGIN: Duration = Duration::from_secs(30);

/// The typed client steps use to play devices and inspect APNs, over the same HTTP control
/// API a served fake exposes.
#[derive(Clone)]
pub struct ApnsControl(pub ControlClient);

impl ApnsControl {
    /// `control_url` is the role's control URL, e.g. `https://api.push.apple.test/_mailconform`.
    pub fn new(http: HttpClient, control_url: &str) -> Self {
        ApnsControl(ControlClient::new(http, control_url))
    }

    /// Register a device for `bundle_id` in the server's own environment; returns its token.
    pub async fn register_device(&self, bundle_id: &str) -> Result<String, ApnsError> {
        self.register(&RegisterDevice { bundle_id: bundle_id.into(), environment: None }).await.map(|d| d.token)
    }

    /// Register a device in a given environment (a token from the other environment is
    /// `BadDeviceToken` to this server).
    pub async fn register_device_in(&self, bundle_id: &str, environment: Environment) -> Result<String, ApnsError> {
        self.register(&RegisterDevice { bundle_id: bundle_id.into(), environment: Some(environment) }).await.map(|d| d.token)
    }

    /// Register a device as described; the answer carries its new token.
    pub async fn register(&self, device: &RegisterDevice) -> Result<DeviceInfo, ApnsError> {
        Ok(self.0.post("/devices", device).await?)
    }

    /// What APNs knows of a token: app, environment, uninstall time.
    pub async fn device(&self, token: &str) -> Result<DeviceInfo, ApnsError> {
        Ok(self.0.get(&format!("/devices/{token}")).await?)
    }

    /// The notifications with `seq > after`, waiting up to `wait` for the first one.
    pub async fn notifications(&self, token: &str, after: u64, wait: Duration) -> Result<Vec<DeliveredNotification>, ApnsError> {
        let path = format!("/devices/{token}/notifications?after={after}&wait_ms={}", wait.as_millis());
        let n: Notifications = self.0.get_waiting(&path, wait + POLL_MARGIN).await?;
        Ok(n.notifications)
    }

    /// Uninstall the app from the device; returns the uninstall time (UNIX ms), which later
    /// 410 answers carry as `timestamp`.
    pub async fn uninstall(&self, token: &str) -> Result<u64, ApnsError> {
        let u: Uninstalled = self.0.post_empty(&format!("/devices/{token}/uninstall")).await?;
        Ok(u.uninstalled_at_ms)
    }

    /// Every provider request seen so far.
    pub async fn log(&self) -> Result<Vec<LogEntry>, ApnsError> {
        Ok(self.0.get_journal("/log").await?)
    }

    /// One page of the provider request log.
    pub async fn log_page(&self, query: &PageQuery) -> Result<LogPage, ApnsError> {
        Ok(self.0.get_page("/log", query).await?)
    }

    /// Trust another team key for token authentication.
    pub async fn add_team(&self, team: &TeamKey) -> Result<TeamAdded, ApnsError> {
        Ok(self.0.post("/teams", team).await?)
    }

    /// Answer the next `n` otherwise accepted pushes to `token` with 429 `TooManyRequests`.
    pub async fn throttle(&self, token: &str, n: u32) -> Result<Throttle, ApnsError> {
        Ok(self.0.post("/throttle", &Throttle { token: token.into(), count: n }).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<RegisterDevice>();
        check_round_trip::<DeviceInfo>();
        check_round_trip::<DeliveredNotification>();
        check_round_trip::<LogPage>();
        check_round_trip::<Notifications>();
        check_round_trip::<Uninstalled>();
        check_round_trip::<Throttle>();
        check_round_trip::<TeamKey>();
        check_round_trip::<TeamAdded>();
        check_round_trip::<LogEntry>();
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        use mailconform_sim::Handler;
        let sim = mailconform_sim::Simulation::new(7).unwrap();
        let env = mailconform_sim::FakeEnv::new(sim.client(), sim.clock.clone(), sim.rng.fork("apns"));
        let apns = {
            let _rt = sim.enter();
            crate::Apns::new(env, crate::ApnsConfig::default())
        };
        sim.block_on(mailconform_sim::contract::check_served(include_str!("contract.rs"), |req| {
            apns.handle(req, mailconform_sim::ConnInfo::default())
        }));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[ROUTES.listing()]);
    }
}
