//! Simulated devices: the tokens APNs knows, the app and environment each is bound to, and
//! the notifications delivered to each.
//!
//! Apple's device side of APNs is private, so this is the harness's own model: a device
//! registers for one app (bundle id) in one environment and gets a 32-byte token; pushes to
//! it are kept in order with a per-device sequence number that observers long-poll on.

use crate::Environment;
use mailconform_sim::Journal;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;

/// Notifications kept per device: a phone's notification centre, not a log; older ones are
/// dropped (their sequence numbers stay used, and a reader is told how many it missed).
pub(crate) const MAX_KEPT_NOTIFICATIONS: usize = 1_000;
/// The longest a notifications long poll may wait.
pub(crate) const MAX_WAIT: Duration = Duration::from_secs(600);

/// One push as the device received it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DeliveredNotification {
    /// 1 for the first push to the device, then consecutive.
    pub seq: u64,
    /// The `apns-id` the push was answered with (the provider's or one APNs made up).
    pub apns_id: String,
    /// The `apns-topic` (or the certificate's default topic) the push was accepted for.
    pub topic: String,
    /// `apns-push-type`, `None` when the provider sent none.
    pub push_type: Option<String>,
    /// `apns-priority`: 10 immediate, 5 power-considerate, 1 lowest (10 when absent).
    pub priority: u8,
    /// `apns-collapse-id`: pushes with the same id replace each other on the device.
    pub collapse_id: Option<String>,
    /// `apns-expiration` (UNIX seconds) when sent.
    #[serde(default)]
    pub expiration: Option<u64>,
    /// The JSON payload as sent (the `aps` dictionary and custom keys).
    pub payload: serde_json::Value,
    /// When APNs accepted it, UNIX milliseconds on the run's clock.
    pub received_at_ms: u64,
}

impl DeliveredNotification {
    /// `aps.badge` of the payload, when it sets one.
    pub fn badge(&self) -> Option<u64> {
        self.payload.get("aps")?.get("badge")?.as_u64()
    }

    /// Whether the payload is a background push (`aps.content-available` 1).
    pub fn content_available(&self) -> bool {
        self.payload.get("aps").and_then(|a| a.get("content-available")).and_then(|c| c.as_u64()) == Some(1)
    }
}

/// Why a push cannot go to a token, before authentication is even looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TokenProblem {
    /// Never registered here, or registered in the other environment (Apple's
    /// `BadDeviceToken` covers "the token does not match the environment").
    Unknown,
    /// Uninstalled at this time (UNIX ms).
    Unregistered(u64),
    /// Bound to another app.
    NotForTopic,
}

pub(crate) struct Device {
    pub token: String,
    pub bundle_id: String,
    pub environment: Environment,
    state: Mutex<DeviceState>,
    /// The highest sequence number delivered, for long polls to wait on.
    latest: watch::Sender<u64>,
}

struct DeviceState {
    notifications: Journal<DeliveredNotification>,
    uninstalled_at_ms: Option<u64>,
    throttled: u32,
}

impl Device {
    /// Mark the app uninstalled: from now on pushes get 410 `Unregistered` with this time.
    pub(crate) fn uninstall(&self, at_ms: u64) -> u64 {
        let mut s = self.state.lock().expect("device poisoned");
        *s.uninstalled_at_ms.get_or_insert(at_ms)
    }

    pub(crate) fn uninstalled_at_ms(&self) -> Option<u64> {
        self.state.lock().expect("device poisoned").uninstalled_at_ms
    }

    /// Make the next `n` otherwise accepted pushes answer 429 `TooManyRequests`.
    pub(crate) fn throttle(&self, n: u32) {
        self.state.lock().expect("device poisoned").throttled = n;
    }

    /// Use up one throttled push, if any is left.
    pub(crate) fn take_throttle(&self) -> bool {
        let mut s = self.state.lock().expect("device poisoned");
        if s.throttled > 0 {
            s.throttled -= 1;
            true
        } else {
            false
        }
    }

    /// Store a push and wake its long polls. `seq` in `n` is ignored and assigned here.
    pub(crate) fn deliver(&self, mut n: DeliveredNotification) -> u64 {
        let seq = {
            let mut s = self.state.lock().expect("device poisoned");
            n.seq = s.notifications.last_seq() + 1;
            s.notifications.push(n)
        };
        self.latest.send_replace(seq);
        seq
    }

    pub(crate) fn after(&self, after: u64) -> Vec<DeliveredNotification> {
        let s = self.state.lock().expect("device poisoned");
        s.notifications.since(after).cloned().collect()
    }

    /// The notifications with `seq > after`, waiting up to `wait` (virtual time in a
    /// simulation) for the first one to arrive. Returns an empty list when none came.
    pub(crate) async fn wait_after(&self, after: u64, wait: Duration) -> Vec<DeliveredNotification> {
        let mut rx = self.latest.subscribe();
        let _ = tokio::time::timeout(wait.min(MAX_WAIT), rx.wait_for(|seq| *seq > after)).await;
        self.after(after)
    }
}

/// Every device APNs knows, by token.
#[derive(Default)]
pub(crate) struct Devices {
    by_token: Mutex<HashMap<String, Arc<Device>>>,
}

impl Devices {
    /// Register a device for `bundle_id` under `token` (64 lowercase hex digits).
    pub(crate) fn register(&self, token: String, bundle_id: &str, environment: Environment) -> Arc<Device> {
        self.register_continuing(token, bundle_id, environment, 0)
    }

    /// A device known before a restart, whose next notification is number `delivered + 1`:
    /// a device that read up to `delivered` reads on from there.
    pub(crate) fn register_continuing(&self, token: String, bundle_id: &str, environment: Environment, delivered: u64) -> Arc<Device> {
        let (latest, _) = watch::channel(delivered);
        let notifications = Journal::continuing(MAX_KEPT_NOTIFICATIONS, delivered);
        let device = Arc::new(Device {
            token: token.clone(),
            bundle_id: bundle_id.to_string(),
            environment,
            state: Mutex::new(DeviceState { notifications, uninstalled_at_ms: None, throttled: 0 }),
            latest,
        });
        self.by_token.lock().expect("devices poisoned").insert(token, device.clone());
        device
    }

    pub(crate) fn get(&self, token: &str) -> Option<Arc<Device>> {
        self.by_token.lock().expect("devices poisoned").get(&token.to_ascii_lowercase()).cloned()
    }

    /// The device a push for `topic_bundle` in `environment` may go to, or why not. The
    /// order follows Pushy's mock: unknown token, then unregistered, then wrong topic.
    pub(crate) fn target(&self, token: &str, topic_bundle: &str, environment: Environment) -> Result<Arc<Device>, TokenProblem> {
        let device = self.get(token).filter(|d| d.environment == environment).ok_or(TokenProblem::Unknown)?;
        if let Some(at) = device.uninstalled_at_ms() {
            return Err(TokenProblem::Unregistered(at));
        }
        if device.bundle_id != topic_bundle {
            return Err(TokenProblem::NotForTopic);
        }
        Ok(device)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn note(topic: &str) -> DeliveredNotification {
        DeliveredNotification {
            seq: 0,
            apns_id: "id".into(),
            topic: topic.into(),
            push_type: Some("alert".into()),
            priority: 10,
            collapse_id: None,
            expiration: None,
            payload: serde_json::json!({"aps": {}}),
            received_at_ms: 1,
        }
    }

    #[test]
    fn targets_follow_registration_uninstall_and_environment() {
        let d = Devices::default();
        let tok = "ab".repeat(32);
        d.register(tok.clone(), "com.example.securemail", Environment::Production);
        assert!(d.target(&tok, "com.example.securemail", Environment::Production).is_ok());
        assert!(d.target(&tok.to_uppercase(), "com.example.securemail", Environment::Production).is_ok());
        assert_eq!(d.target(&tok, "com.example.other", Environment::Production).err(), Some(TokenProblem::NotForTopic));
        assert_eq!(d.target(&tok, "com.example.securemail", Environment::Sandbox).err(), Some(TokenProblem::Unknown));
        assert_eq!(d.target(&"cd".repeat(32), "com.example.securemail", Environment::Production).err(), Some(TokenProblem::Unknown));
        let dev = d.get(&tok).unwrap();
        assert_eq!(dev.uninstall(5000), 5000);
        assert_eq!(dev.uninstall(9000), 5000, "the first uninstall time stays");
        assert_eq!(d.target(&tok, "com.example.other", Environment::Production).err(), Some(TokenProblem::Unregistered(5000)));
    }

    #[test]
    fn throttle_counts_down() {
        let d = Devices::default();
        let dev = d.register("ab".repeat(32), "a", Environment::Production);
        dev.throttle(2);
        assert!(dev.take_throttle());
        assert!(dev.take_throttle());
        assert!(!dev.take_throttle());
    }

    #[tokio::test(start_paused = true)]
    async fn long_poll_wakes_on_delivery_and_times_out_in_virtual_time() {
        let d = Devices::default();
        let dev = d.register("ab".repeat(32), "a", Environment::Production);
        let t0 = tokio::time::Instant::now();
        assert!(dev.wait_after(0, Duration::from_secs(30)).await.is_empty());
        assert_eq!(t0.elapsed(), Duration::from_secs(30));
        let waiter = {
            let dev = dev.clone();
            tokio::spawn(async move { dev.wait_after(0, Duration::from_secs(30)).await })
        };
        tokio::time::sleep(Duration::from_secs(2)).await;
        assert_eq!(dev.deliver(note("a")), 1);
        let got = waiter.await.unwrap();
        assert_eq!(got.len(), 1);
        assert_eq!(got[0].seq, 1);
        assert_eq!(t0.elapsed(), Duration::from_secs(32));
        dev.deliver(note("a"));
        assert_eq!(dev.wait_after(1, Duration::ZERO).await.iter().map(|n| n.seq).collect::<Vec<_>>(), vec![2]);
    }
}
