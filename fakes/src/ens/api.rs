//! The device-facing API of ENS: alive, register, unregister, and Exchange's notifications.

use super::{Ens, EnsRegistration, EnsRequestRecord};
use mailconform_sim::http::{json_body, json_response, segments};
use mailconform_sim::{Request, Response};
use serde_json::json;
use std::sync::Arc;

pub(super) async fn handle(ens: &Arc<Ens>, req: &Request, rest: &str) -> Response {
    let parts = segments(rest);
    let method = req.method().as_str();
    match (method, parts.as_slice()) {
        ("GET", ["alive"]) => json_response(200, &json!({"status": "alive"})),
        ("POST", ["v1", "registrations"]) => {
            let resp = register(ens, req).await;
            record(ens, "register", &device_of(req), resp.status().as_u16());
            resp
        }
        ("DELETE", ["v1", "registrations", device_id]) => {
            let known = ens.lock().registrations.remove(&device_id.to_ascii_lowercase()).is_some();
            let status = if known { 204 } else { 404 };
            record(ens, "unregister", device_id, status);
            if known {
                mailconform_sim::http::response(204, "application/json", "")
            } else {
                json_response(404, &json!({"error": format!("device {device_id} is not registered")}))
            }
        }
        ("POST", ["v1", "notify", device_id]) => super::notify::handle(ens, device_id, req).await,
        _ => json_response(404, &json!({"error": format!("no such ENS call {method} {rest}")})),
    }
}

fn device_of(req: &Request) -> String {
    serde_json::from_slice::<serde_json::Value>(req.body())
        .ok()
        .and_then(|v| v["device_id"].as_str().map(str::to_string))
        .unwrap_or_default()
}

fn record(ens: &Ens, call: &str, device_id: &str, status: u16) {
    let at_ms = ens.now_ms();
    ens.lock().requests.push(EnsRequestRecord { at_ms, call: call.into(), device_id: device_id.to_string(), status });
}

/// Subscribe to EWS push for the device, with its own authentication, before saying yes:
/// a registration ENS cannot act on is refused with EWS's reason (502).
async fn register(ens: &Arc<Ens>, req: &Request) -> Response {
    let body = match json_body(req.body()) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    let mut reg: EnsRegistration = match serde_json::from_value(body) {
        Ok(r) => r,
        Err(e) => {
            return json_response(
                400,
                &json!({"error": format!("expected {{device_id, email, apns_token, auth: {{kind: basic|oauth|certificate, …}}}}: {e}")}),
            )
        }
    };
    reg.device_id = reg.device_id.to_ascii_lowercase();
    let inbox = match ens.inbox(&reg.device_id, &reg.auth).await {
        Ok(f) => f,
        Err(e) => return json_response(502, &json!({"error": format!("reading the inbox over EWS failed: {e}"), "ews_status": e.status})),
    };
    let id = match ens.subscribe(&reg.device_id, &reg.auth, &inbox.folder_id).await {
        Ok(id) => id,
        Err(e) => return json_response(502, &json!({"error": format!("subscribing to EWS push failed: {e}"), "ews_status": e.status})),
    };
    reg.subscription_id = Some(id.clone());
    reg.inbox_id = Some(inbox.folder_id);
    ens.lock().registrations.insert(reg.device_id.clone(), reg);
    json_response(201, &json!({"subscription_id": id}))
}
