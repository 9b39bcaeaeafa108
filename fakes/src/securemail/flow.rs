//! The app's behaviour over time: set-up, receiving pushes, foreground status checks,
//! resubscription, policy check-ins, background refresh.

use super::error::SecureMailError;
use super::{MailBackend, Permission, SecureMail};
use crate::role_error::Kinded;
use bytes::Bytes;
use mailconform_sim::RequestOptions;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// How long one long poll for pushes waits before it asks again.
const PUSH_POLL: Duration = Duration::from_secs(600);

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

impl SecureMail {
    async fn json_call(
        &self,
        method: http::Method,
        url: &str,
        body: Option<Value>,
        timeout: Duration,
    ) -> Result<(u16, Value), SecureMailError> {
        let bytes = body.map(|b| Bytes::from(b.to_string())).unwrap_or_default();
        let req = http::Request::builder().method(method).uri(url).header(http::header::CONTENT_TYPE, "application/json").body(bytes)?;
        let resp = self.env.http.send(req, &RequestOptions { timeout, ..Default::default() }).await?;
        let status = resp.status().as_u16();
        let v = if resp.body().is_empty() { Value::Null } else { serde_json::from_slice(resp.body()).unwrap_or(Value::Null) };
        Ok((status, v))
    }

    /// Records that `doing` failed with `e`: logged, and published as the last error.
    fn fail(&self, doing: &'static str, e: impl Into<SecureMailError>) -> SecureMailError {
        let e = e.into().during(doing);
        self.log(e.to_string());
        self.state.lock().expect("state poisoned").last_error = Some(e.published());
        e
    }

    /// The user opens the app. `allow` is the answer to iOS's notification prompt.
    pub async fn launch(self: &Arc<Self>, allow: bool) -> Result<(), SecureMailError> {
        {
            let mut s = self.state.lock().expect("state poisoned");
            if s.launched {
                return Ok(());
            }
            s.launched = true;
            s.foreground = true;
        }
        self.log("launched");
        let me = self.clone();
        tokio::spawn(async move { me.foreground_checks().await });
        let push_on = self.state.lock().expect("state poisoned").apns_policy;
        if !push_on || self.config.backend != MailBackend::Exchange {
            self.log("APNs push not in use: badge updates by background app refresh");
            return Ok(());
        }
        self.ask_permission(allow);
        self.set_up_push().await
    }

    fn ask_permission(&self, allow: bool) {
        let mut s = self.state.lock().expect("state poisoned");
        if s.permission == Permission::NotAsked {
            s.permission = if allow { Permission::Allowed } else { Permission::Denied };
        }
    }

    /// Set-up steps 3–6 of the FAQ's flow: token, registration, inbox, subscription, hand-over.
    pub async fn set_up_push(self: &Arc<Self>) -> Result<(), SecureMailError> {
        let _flow = self.flow_lock.lock().await;
        if self.state.lock().expect("state poisoned").permission != Permission::Allowed {
            self.log("notifications not allowed: no APNs registration");
            return Ok(());
        }
        let known_token = self.state.lock().expect("state poisoned").device_token.clone();
        let token = match known_token {
            Some(t) => t,
            None => {
                let url = format!("{}{}/devices", self.config.apns_base, mailconform_sim::CONTROL_PREFIX);
                let (status, v) = self
                    .json_call(
                        http::Method::POST,
                        &url,
                        Some(json!({"bundle_id": self.config.app_id, "environment": self.config.apns_environment})),
                        Duration::from_secs(30),
                    )
                    .await
                    .map_err(|e| self.fail("getting a device token from APNs", e))?;
                let Some(t) = v["token"].as_str().filter(|_| status < 300) else {
                    return Err(self.fail("getting a device token from APNs", SecureMailError::Refused { status, body: v.to_string() }));
                };
                self.state.lock().expect("state poisoned").device_token = Some(t.to_string());
                self.log("got a device token from APNs");
                let me = self.clone();
                let t2 = t.to_string();
                tokio::spawn(async move { me.receive_pushes(t2).await });
                t.to_string()
            }
        };
        let reg = json!({
            "device_token": token,
            "app_id": self.config.app_id,
            "region": self.config.region,
            "environment": self.config.apns_environment,
            "activesync_device_id_sha256": sha256_hex(&self.config.activesync_device_id),
            "email_sha256": sha256_hex(&self.config.email.to_ascii_lowercase()),
            "ios_version": self.config.ios_version,
        });
        let (status, v) = self
            .json_call(
                http::Method::POST,
                &format!("{}/api/v1/registrations", self.config.listener_base),
                Some(reg),
                Duration::from_secs(30),
            )
            .await
            .map_err(|e| self.fail("registering with the listener", e))?;
        let (Some(id), Some(url)) = (v["registration_id"].as_str(), v["notify_url"].as_str()) else {
            return Err(self.fail("registering with the listener", SecureMailError::Refused { status, body: v.to_string() }));
        };
        {
            let mut s = self.state.lock().expect("state poisoned");
            s.registration_id = Some(id.to_string());
            s.notify_url = Some(url.to_string());
        }
        self.log("registered with the listener");
        self.subscribe_and_hand_over().await
    }

    async fn subscribe_and_hand_over(&self) -> Result<(), SecureMailError> {
        let inbox = self.get_inbox().await.map_err(|e| self.fail("reading the inbox over EWS", e))?;
        let (reg, url) = {
            let s = self.state.lock().expect("state poisoned");
            (s.registration_id.clone().unwrap_or_default(), s.notify_url.clone().unwrap_or_default())
        };
        let sub = self.subscribe(&inbox.folder_id, &url).await.map_err(|e| self.fail("subscribing to EWS push", e))?;
        {
            let mut s = self.state.lock().expect("state poisoned");
            s.subscription_id = Some(sub.clone());
            s.inbox_folder_id = Some(inbox.folder_id.clone());
            s.subscriptions_made += 1;
            s.badge = inbox.unread_count;
        }
        self.log(format!("subscribed to EWS push ({sub})"));
        let (status, v) = self
            .json_call(
                http::Method::PUT,
                &format!("{}/api/v1/registrations/{reg}/subscription", self.config.listener_base),
                Some(json!({"subscription_id": sub, "inbox_folder_id": inbox.folder_id})),
                Duration::from_secs(30),
            )
            .await
            .map_err(|e| self.fail("handing the subscription to the listener", e))?;
        if status >= 300 {
            return Err(self.fail("handing the subscription to the listener", SecureMailError::Refused { status, body: v.to_string() }));
        }
        self.state.lock().expect("state poisoned").last_error = None;
        Ok(())
    }

    async fn receive_pushes(self: Arc<Self>, token: String) {
        let mut after = 0u64;
        loop {
            let url = format!(
                "{}{}/devices/{token}/notifications?after={after}&wait_ms={}",
                self.config.apns_base,
                mailconform_sim::CONTROL_PREFIX,
                PUSH_POLL.as_millis()
            );
            let got = self.json_call(http::Method::GET, &url, None, PUSH_POLL + Duration::from_secs(30)).await;
            let list = match got {
                Ok((200, v)) => v["notifications"].as_array().cloned().unwrap_or_default(),
                _ => {
                    // APNs out of reach: iOS keeps trying in the background.
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    continue;
                }
            };
            for n in list {
                after = after.max(n["seq"].as_u64().unwrap_or(after));
                let aps = &n["payload"]["aps"];
                self.state.lock().expect("state poisoned").pushes_received += 1;
                if let Some(b) = aps["badge"].as_u64() {
                    self.state.lock().expect("state poisoned").badge = b as u32;
                    self.log(format!("push: badge {b}"));
                } else if aps["content-available"].as_u64() == Some(1) {
                    self.log("push: content-available, refreshing");
                    self.refresh_badge().await;
                }
            }
        }
    }

    /// Local badging: count the unread mail itself.
    pub async fn refresh_badge(&self) {
        match self.get_inbox().await {
            Ok(f) => self.state.lock().expect("state poisoned").badge = f.unread_count,
            Err(e) => {
                self.fail("refreshing the badge", e);
            }
        }
    }

    /// iOS woke the app for background app refresh.
    pub async fn background_refresh(&self) {
        self.state.lock().expect("state poisoned").background_refreshes += 1;
        self.log("background app refresh");
        self.refresh_badge().await;
    }

    async fn foreground_checks(self: Arc<Self>) {
        loop {
            tokio::time::sleep(self.config.foreground_check_interval).await;
            let (fg, registered) = {
                let s = self.state.lock().expect("state poisoned");
                (s.foreground, s.registration_id.is_some())
            };
            if fg && registered {
                self.check_status().await;
            }
        }
    }

    /// Ask the listener when it last heard from Exchange; resubscribe after 30 minutes of silence.
    pub async fn check_status(&self) {
        let reg = self.state.lock().expect("state poisoned").registration_id.clone();
        let Some(reg) = reg else { return };
        self.state.lock().expect("state poisoned").status_checks += 1;
        let url = format!("{}/api/v1/registrations/{reg}/status", self.config.listener_base);
        let (status, v) = match self.json_call(http::Method::GET, &url, None, Duration::from_secs(30)).await {
            Ok(x) => x,
            Err(e) => {
                self.fail("checking the registration status", e);
                return;
            }
        };
        if status == 404 {
            self.log("the listener forgot this device: registering again");
            self.state.lock().expect("state poisoned").registration_id = None;
            drop(self.flow_lock.lock().await);
            return;
        }
        let now = v["now_ms"].as_u64().unwrap_or(0);
        let since = v["last_heard_from_exchange_ms"].as_u64().or(v["subscription_updated_ms"].as_u64()).unwrap_or(now);
        let silent = Duration::from_millis(now.saturating_sub(since));
        self.log(format!("status check: {} s since the listener heard from Exchange", silent.as_secs()));
        if silent >= self.config.silence_before_resubscribe {
            let _flow = self.flow_lock.lock().await;
            self.log("resubscribing: Exchange has been silent for too long");
            let _ = self.subscribe_and_hand_over().await;
        }
    }

    pub fn set_foreground(&self, fg: bool) {
        self.state.lock().expect("state poisoned").foreground = fg;
        self.log(if fg { "brought to the foreground" } else { "sent to the background" });
    }

    /// The admin changed the policy; it takes effect at the next check-in.
    pub fn set_policy(&self, apns: bool) {
        self.state.lock().expect("state poisoned").pending_apns_policy = Some(apns);
    }

    /// Secure Mail checks in with the server for its policies (FAQ Configuration Q13): OFF→ON
    /// starts push; ON→OFF is not supported, so a registered device keeps its push.
    pub async fn policy_check(self: &Arc<Self>, allow: bool) -> Result<(), SecureMailError> {
        let pending = self.state.lock().expect("state poisoned").pending_apns_policy.take();
        let Some(on) = pending else { return Ok(()) };
        let was = self.state.lock().expect("state poisoned").apns_policy;
        self.state.lock().expect("state poisoned").apns_policy = on;
        self.log(format!("policy check-in: APNs push {}", if on { "ON" } else { "OFF" }));
        let launched = self.state.lock().expect("state poisoned").launched;
        if on && !was && self.config.backend == MailBackend::Exchange && launched {
            self.ask_permission(allow);
            return self.set_up_push().await;
        }
        Ok(())
    }
}
