//! The typed control client steps use to play devices and inspect APNs, over the same HTTP
//! control API a served fake exposes.

use crate::devices::DeliveredNotification;
use crate::error::ApnsError;
use crate::log::LogEntry;
use crate::{Environment, TeamKey};
use mailconform_sim::{ControlClient, HttpClient};
use serde::de::DeserializeOwned;
use serde_json::json;
use std::time::Duration;

/// Extra time a long poll's HTTP request gets beyond the wait itself.
const POLL_MARGIN: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct ApnsControl(pub ControlClient);

impl ApnsControl {
    /// `control_url` is the role's control URL, e.g. `https://api.push.apple.test/_mailconform`.
    pub fn new(http: HttpClient, control_url: &str) -> Self {
        ApnsControl(ControlClient::new(http, control_url))
    }

    /// Register a device for `bundle_id` in the server's own environment; returns its token.
    pub async fn register_device(&self, bundle_id: &str) -> Result<String, ApnsError> {
        self.register(json!({"bundle_id": bundle_id})).await
    }

    /// Register a device in a given environment (a token from the other environment is
    /// `BadDeviceToken` to this server).
    pub async fn register_device_in(&self, bundle_id: &str, environment: Environment) -> Result<String, ApnsError> {
        self.register(json!({"bundle_id": bundle_id, "environment": environment})).await
    }

    async fn register(&self, body: serde_json::Value) -> Result<String, ApnsError> {
        let v = self.0.post("/devices", &body).await?;
        v.get("token")
            .and_then(|t| t.as_str())
            .map(str::to_string)
            .ok_or_else(|| ApnsError::Response(format!("POST /devices answered without a token: {v}")))
    }

    /// The notifications with `seq > after`, waiting up to `wait` for the first one.
    pub async fn notifications(&self, token: &str, after: u64, wait: Duration) -> Result<Vec<DeliveredNotification>, ApnsError> {
        let path = format!("/devices/{token}/notifications?after={after}&wait_ms={}", wait.as_millis());
        let v = self.0.get_waiting(&path, wait + POLL_MARGIN).await?;
        decode(v.get("notifications").cloned().unwrap_or_default(), &path)
    }

    /// Uninstall the app from the device; returns the uninstall time (UNIX ms), which later
    /// 410 answers carry as `timestamp`.
    pub async fn uninstall(&self, token: &str) -> Result<u64, ApnsError> {
        let path = format!("/devices/{token}/uninstall");
        let v = self.0.post(&path, &json!({})).await?;
        v.get("uninstalled_at_ms").and_then(|t| t.as_u64()).ok_or_else(|| ApnsError::Response(format!("{path} answered {v}")))
    }

    /// Every provider request seen so far.
    pub async fn log(&self) -> Result<Vec<LogEntry>, ApnsError> {
        decode(self.0.get("/log").await?, "/log")
    }

    /// Trust another team key for token authentication.
    pub async fn add_team(&self, team: &TeamKey) -> Result<(), ApnsError> {
        self.0.post("/teams", &serde_json::to_value(team).unwrap_or_default()).await?;
        Ok(())
    }

    /// Answer the next `n` otherwise accepted pushes to `token` with 429 `TooManyRequests`.
    pub async fn throttle(&self, token: &str, n: u32) -> Result<(), ApnsError> {
        self.0.post("/throttle", &json!({"token": token, "count": n})).await?;
        Ok(())
    }
}

fn decode<T: DeserializeOwned>(v: serde_json::Value, what: &str) -> Result<T, ApnsError> {
    serde_json::from_value(v).map_err(|e| ApnsError::Response(format!("{what}: {e}")))
}
