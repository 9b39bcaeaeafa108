//! The device's control API: what a tester does with the phone.
//!
//! | method and path (under `/_mailconform`) | does |
//! |---|---|
//! | `POST /launch` `{"allow_notifications":true}` | opens the app (first launch runs set-up) |
//! | `POST /foreground`, `POST /background` | moves the app |
//! | `POST /policy` `{"apns_push":true}` | the admin changes the APNs policy |
//! | `POST /policy-check` | the app checks in for policies |
//! | `POST /background-refresh` | iOS wakes the app in the background |
//! | `POST /eas/connect`, `/eas/sync`, `/eas/ping`, `/eas/delete` `{"subject"}` | the ActiveSync account: connect (OPTIONS through Sync), sync, one Ping, delete a message |
//! | `GET /state` | badge, token, registration, subscription, log |

use super::{DeviceState, SecureMail};
use mailconform_activesync::client::MeetingAnswer;
use mailconform_sim::http::json_response;
use mailconform_sim::{ControlClient, ControlError, Response};
use serde_json::{json, Value};
use std::sync::Arc;

pub(super) async fn handle(d: &Arc<SecureMail>, method: http::Method, path: &str, body: &[u8]) -> Response {
    let body: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    let allow = body["allow_notifications"].as_bool().unwrap_or(true);
    let result = match (method.as_str(), path.trim_matches('/')) {
        ("POST", "launch") => d.launch(allow).await,
        ("POST", "foreground") => {
            d.set_foreground(true);
            // Coming to the foreground is itself a moment the app checks its registration.
            d.check_status().await;
            Ok(())
        }
        ("POST", "background") => {
            d.set_foreground(false);
            Ok(())
        }
        ("POST", "policy") => match body["apns_push"].as_bool() {
            Some(on) => {
                d.set_policy(on);
                Ok(())
            }
            None => return json_response(400, &json!({"error": "send {\"apns_push\": true|false}"})),
        },
        ("POST", "policy-check") => d.policy_check(allow).await,
        ("POST", "background-refresh") => {
            d.background_refresh().await;
            Ok(())
        }
        ("POST", "eas/connect") => d.eas_connect().await,
        ("POST", "eas/sync") => d.eas_sync().await,
        ("POST", "eas/ping") => d.eas_ping().await,
        ("POST", "eas/delete") => match body["subject"].as_str() {
            Some(subject) => d.eas_delete(subject).await,
            None => return json_response(400, &json!({"error": "send {\"subject\": ...}"})),
        },
        ("POST", "eas/meeting-response") => {
            let answer = match body["answer"].as_str().unwrap_or("accept") {
                "accept" => MeetingAnswer::Accept,
                "tentative" => MeetingAnswer::Tentative,
                "decline" => MeetingAnswer::Decline,
                other => return json_response(400, &json!({"error": format!("answer {other:?} is accept, tentative or decline")})),
            };
            match body["subject"].as_str() {
                Some(subject) => d.eas_meeting_response(subject, answer).await,
                None => return json_response(400, &json!({"error": "send {\"subject\": ..., \"answer\": \"accept\"}"})),
            }
        }
        ("POST", "eas/send") => match (body["to"].as_str(), body["subject"].as_str()) {
            (Some(to), Some(subject)) => d.eas_send(to, subject, body["body"].as_str().unwrap_or("")).await,
            _ => return json_response(400, &json!({"error": "send {\"to\": ..., \"subject\": ...}"})),
        },
        ("POST", "companion/sync") => match body["app"].as_str().and_then(super::companion::Companion::parse) {
            Some(app) => d.companion_sync(app).await,
            None => return json_response(400, &json!({"error": "send {\"app\": \"secure notes\" | \"secure tasks\"}"})),
        },
        ("GET", "state") => Ok(()),
        _ => return json_response(404, &json!({"error": format!("no control operation {method} {path}")})),
    };
    let mut state = serde_json::to_value(d.snapshot()).unwrap_or_default();
    if let (Err(e), Some(fields)) = (result, state.as_object_mut()) {
        fields.insert("error".into(), Value::String(e));
    }
    json_response(200, &state)
}

#[derive(Clone)]
pub struct DeviceControl(pub ControlClient);

impl DeviceControl {
    async fn act(&self, path: &str, body: Value) -> Result<DeviceStateView, ControlError> {
        self.0.post_as(path, &body).await
    }

    pub async fn launch(&self, allow: bool) -> Result<DeviceStateView, ControlError> {
        self.act("/launch", json!({"allow_notifications": allow})).await
    }
    pub async fn foreground(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/foreground", Value::Null).await
    }
    pub async fn background(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/background", Value::Null).await
    }
    pub async fn set_policy(&self, apns: bool) -> Result<DeviceStateView, ControlError> {
        self.act("/policy", json!({"apns_push": apns})).await
    }
    pub async fn policy_check(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/policy-check", Value::Null).await
    }
    pub async fn background_refresh(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/background-refresh", Value::Null).await
    }
    pub async fn eas_connect(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/eas/connect", Value::Null).await
    }
    pub async fn eas_sync(&self) -> Result<DeviceStateView, ControlError> {
        self.act("/eas/sync", Value::Null).await
    }
    /// One Ping: the answer comes when the server's does, up to the heartbeat later.
    pub async fn eas_ping(&self) -> Result<DeviceStateView, ControlError> {
        let wait = std::time::Duration::from_secs(u64::from(super::eas::HEARTBEAT_SECS) + 120);
        self.0.post_waiting("/eas/ping", &Value::Null, wait).await
    }
    pub async fn eas_delete(&self, subject: &str) -> Result<DeviceStateView, ControlError> {
        self.act("/eas/delete", json!({ "subject": subject })).await
    }
    pub async fn eas_meeting_response(&self, subject: &str, answer: &str) -> Result<DeviceStateView, ControlError> {
        self.act("/eas/meeting-response", json!({ "subject": subject, "answer": answer })).await
    }
    pub async fn eas_send(&self, to: &str, subject: &str) -> Result<DeviceStateView, ControlError> {
        self.act("/eas/send", json!({ "to": to, "subject": subject })).await
    }
    pub async fn companion_sync(&self, app: &str) -> Result<DeviceStateView, ControlError> {
        self.act("/companion/sync", json!({ "app": app })).await
    }
    pub async fn state(&self) -> Result<DeviceStateView, ControlError> {
        self.0.get_as("/state").await
    }
}

/// The device's state as read back through the control API, with the error of the action
/// that returned it (if it failed).
#[derive(Clone, Debug, Default, serde::Deserialize)]
pub struct DeviceStateView {
    #[serde(flatten)]
    pub state: DeviceState,
    #[serde(default)]
    pub error: Option<String>,
}

impl std::ops::Deref for DeviceStateView {
    type Target = DeviceState;

    fn deref(&self) -> &DeviceState {
        &self.state
    }
}
