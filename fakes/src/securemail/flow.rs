//! The app's behaviour over time: set-up, receiving pushes, foreground status checks,
//! resubscription, policy check-ins, background refresh.

use super::error::SecureMailError;
use super::{MailBackend, Permission, SecureMail};
use crate::apns::contract::RegisterDevice;
use crate::apns::{ApnsControl, Environment};
use crate::listener::contract::{NewRegistration, SubscriptionHandover, API_PREFIX};
use crate::listener::RegistrationClient;
use crate::role_error::Kinded;
use mailconform_sim::{ControlClient, ControlError};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::time::Duration;

/// How long one long poll for pushes waits before it asks again.
const PUSH_POLL: Duration = Duration::from_secs(600);

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

impl super::SecureMailConfig {
    /// What the app sends the listener to register `token` (`POST /registrations`): its
    /// identifiers hashed, as Data Flow Q4 lists them. The same again renews the registration.
    pub fn registration(&self, token: &str) -> NewRegistration {
        NewRegistration {
            device_token: token.to_string(),
            app_id: self.app_id.clone(),
            region: self.region.clone(),
            environment: self.apns_environment.clone(),
            activesync_device_id_sha256: sha256_hex(&self.activesync_device_id),
            email_sha256: sha256_hex(&self.email.to_ascii_lowercase()),
            ios_version: self.ios_version.clone(),
        }
    }
}

impl SecureMail {
    /// The listener's registration API, as the app calls it.
    fn listener(&self) -> RegistrationClient {
        RegistrationClient(ControlClient::new(self.env.http.clone(), &format!("{}{}", self.config.listener_base, API_PREFIX)))
    }

    /// The device side of APNs (the harness plays iOS through the fake's control API).
    fn apns(&self) -> ApnsControl {
        ApnsControl::new(self.env.http.clone(), &format!("{}{}", self.config.apns_base, mailconform_sim::CONTROL_PREFIX))
    }

    /// Records that `doing` failed with `e`: logged, and published as the last error.
    fn fail(&self, doing: &'static str, e: impl Into<SecureMailError>) -> SecureMailError {
        let e = e.into().during(doing);
        self.log(e.to_string());
        self.state.lock().expect("state poisoned").last_error = Some(e.published());
        e
    }

    /// The user opens the app. `allow` is the answer to iOS's notification prompt.
    pub(crate) async fn launch(self: &Arc<Self>, allow: bool) -> Result<(), SecureMailError> {
        {
            let mut s = self.state.lock().expect("state poisoned");
            if s.launched {
                return Ok(());
            }
            s.launched = true;
            s.foreground = true;
        }
        self.log("launched");
        self.smime_first_launch();
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
    pub(crate) async fn set_up_push(self: &Arc<Self>) -> Result<(), SecureMailError> {
        let _flow = self.flow_lock.lock().await;
        if self.state.lock().expect("state poisoned").permission != Permission::Allowed {
            self.log("notifications not allowed: no APNs registration");
            return Ok(());
        }
        let known_token = self.state.lock().expect("state poisoned").device_token.clone();
        let token = match known_token {
            Some(t) => t,
            None => {
                let Some(environment) = Environment::parse(&self.config.apns_environment) else {
                    let e = SecureMailError::NoApnsEnvironment { environment: self.config.apns_environment.clone() };
                    return Err(self.fail("getting a device token from APNs", e));
                };
                let device = RegisterDevice { bundle_id: self.config.app_id.clone(), environment: Some(environment) };
                let t = self.apns().register(&device).await.map_err(|e| self.fail("getting a device token from APNs", e))?.token;
                self.state.lock().expect("state poisoned").device_token = Some(t.clone());
                self.log("got a device token from APNs");
                let me = self.clone();
                let t2 = t.clone();
                tokio::spawn(async move { me.receive_pushes(t2).await });
                t
            }
        };
        let reg = self.config.registration(&token);
        let registered = self.listener().register(&reg).await.map_err(|e| self.fail("registering with the listener", e))?;
        {
            let mut s = self.state.lock().expect("state poisoned");
            s.registration_id = Some(registered.registration_id);
            s.notify_url = Some(registered.notify_url);
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
        let handover = SubscriptionHandover { subscription_id: sub, inbox_folder_id: inbox.folder_id };
        self.listener().hand_over(&reg, &handover).await.map_err(|e| self.fail("handing the subscription to the listener", e))?;
        self.state.lock().expect("state poisoned").last_error = None;
        Ok(())
    }

    async fn receive_pushes(self: Arc<Self>, token: String) {
        let mut after = 0u64;
        let apns = self.apns();
        loop {
            let list = match apns.notifications(&token, after, PUSH_POLL).await {
                Ok(list) => list,
                Err(_) => {
                    // APNs out of reach: iOS keeps trying in the background.
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    continue;
                }
            };
            for n in list {
                after = after.max(n.seq);
                self.state.lock().expect("state poisoned").pushes_received += 1;
                if let Some(b) = n.badge() {
                    self.state.lock().expect("state poisoned").badge = b as u32;
                    self.log(format!("push: badge {b}"));
                } else if n.content_available() {
                    self.log("push: content-available, refreshing");
                    self.refresh_badge().await;
                }
            }
        }
    }

    /// Local badging: count the unread mail itself.
    pub(crate) async fn refresh_badge(&self) {
        match self.get_inbox().await {
            Ok(f) => self.state.lock().expect("state poisoned").badge = f.unread_count,
            Err(e) => {
                self.fail("refreshing the badge", e);
            }
        }
    }

    /// iOS woke the app for background app refresh.
    pub(crate) async fn background_refresh(&self) {
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
    pub(crate) async fn check_status(&self) {
        let reg = self.state.lock().expect("state poisoned").registration_id.clone();
        let Some(reg) = reg else { return };
        self.state.lock().expect("state poisoned").status_checks += 1;
        let status = match self.listener().status(&reg).await {
            Ok(status) => status,
            Err(ControlError::Status { status: 404, .. }) => {
                self.log("the listener forgot this device: registering again");
                self.state.lock().expect("state poisoned").registration_id = None;
                drop(self.flow_lock.lock().await);
                return;
            }
            Err(ControlError::Status { status, .. }) => {
                // An answer, if not a useful one: nothing tells the app Exchange went silent.
                self.log(format!("status check: the listener answered HTTP {status}"));
                return;
            }
            Err(e) => {
                self.fail("checking the registration status", e);
                return;
            }
        };
        let now = status.now_ms;
        let since = status.last_heard_from_exchange_ms.or(status.subscription_updated_ms).unwrap_or(now);
        let silent = Duration::from_millis(now.saturating_sub(since));
        self.log(format!("status check: {} s since the listener heard from Exchange", silent.as_secs()));
        if silent >= self.config.silence_before_resubscribe {
            let _flow = self.flow_lock.lock().await;
            self.log("resubscribing: Exchange has been silent for too long");
            let _ = self.subscribe_and_hand_over().await;
        }
    }

    /// Whether the app is in the foreground; only then does it check its registration status.
    pub(crate) fn set_foreground(&self, fg: bool) {
        self.state.lock().expect("state poisoned").foreground = fg;
        self.log(if fg { "brought to the foreground" } else { "sent to the background" });
    }

    /// The admin changed the policy; it takes effect at the next check-in.
    pub(crate) fn set_policy(&self, apns: bool) {
        self.state.lock().expect("state poisoned").pending_apns_policy = Some(apns);
    }

    /// Secure Mail checks in with the server for its policies (FAQ Configuration Q13): OFF→ON
    /// starts push; ON→OFF is not supported, so a registered device keeps its push.
    pub(crate) async fn policy_check(self: &Arc<Self>, allow: bool) -> Result<(), SecureMailError> {
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
