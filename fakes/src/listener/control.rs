//! The listener's control API: `GET /_mailconform/state` (everything it stores) and
//! `GET /_mailconform/pushes` (every APNs attempt with its outcome).

use super::store::PushRecord;
use super::Listener;
use mailconform_sim::http::json_response;
use mailconform_sim::{ControlClient, ControlError, Response};
use serde_json::{json, Value};
use std::sync::Arc;

pub(super) fn handle(l: &Arc<Listener>, method: &http::Method, path: &str) -> Response {
    let store = l.store.lock().expect("store poisoned");
    match (method.as_str(), path.trim_matches('/')) {
        ("GET", "state") => json_response(200, &serde_json::to_value(&*store).unwrap_or_default()),
        ("GET", "pushes") => json_response(200, &serde_json::to_value(&store.pushes).unwrap_or_default()),
        _ => json_response(404, &json!({"error": format!("no control operation {method} {path}")})),
    }
}

/// Typed client of the listener's control API and of its admin-facing registration API
/// (certificate uploads, registrations), for steps.
#[derive(Clone)]
pub struct ListenerControl {
    pub control: ControlClient,
    /// Base `https://<host>/api/v1`: what the admin portal and devices call.
    pub api: ControlClient,
}

impl ListenerControl {
    pub async fn state(&self) -> Result<Value, ControlError> {
        self.control.get("/state").await
    }

    pub async fn pushes(&self) -> Result<Vec<PushRecord>, ControlError> {
        self.control.get_as("/pushes").await
    }

    /// Upload or renew an app's APNs certificate for a region (the admin portal's "Update").
    pub async fn upload_certificate(
        &self,
        app_id: &str,
        region: super::Region,
        cert_pem: &str,
        key_pem: &str,
    ) -> Result<Value, ControlError> {
        self.api.put(&format!("/apps/{app_id}/certificates/{}", region.code()), &json!({"cert_pem": cert_pem, "key_pem": key_pem})).await
    }

    pub async fn delete_registration(&self, id: &str) -> Result<Value, ControlError> {
        self.api.delete(&format!("/registrations/{id}")).await
    }

    pub async fn register(&self, body: &Value) -> Result<Value, ControlError> {
        self.api.post("/registrations", body).await
    }
}
