//! The registration API the device calls (JSON over HTTPS).
//!
//! | method and path (under `/api/v1/`) | does |
//! |---|---|
//! | `POST registrations` | registers a device; answers its ID and the URL to give Exchange |
//! | `PUT registrations/{id}/subscription` | records the EWS subscription ID and inbox folder ID |
//! | `GET registrations/{id}/status` | when Exchange last reached the listener for it |
//! | `DELETE registrations/{id}` | forgets the device |
//! | `PUT apps/{app_id}/certificates/{region}` | uploads or renews the app's APNs certificate |
//! | `GET apps` | the uploaded certificates (without keys) |

use super::region::Region;
use super::store::{AppCertificate, Registration};
use super::{Listener, NOTIFY_PATH};
use mailconform_sim::http::{json_response, response};
use mailconform_sim::Response;
use serde_json::{json, Value};
use std::sync::Arc;

fn bad(msg: impl Into<String>) -> Response {
    json_response(400, &json!({"error": msg.into()}))
}

fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())
}

pub(super) async fn handle(l: &Arc<Listener>, method: http::Method, path: &str, body: &[u8]) -> Response {
    let body: Value = match mailconform_sim::http::json_body(body) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    let parts = mailconform_sim::http::segments(path);
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["registrations"]) => register(l, &body),
        ("PUT", ["registrations", id, "subscription"]) => {
            let (Some(sub), Some(folder)) = (body["subscription_id"].as_str(), body["inbox_folder_id"].as_str()) else {
                return bad("send {\"subscription_id\": ..., \"inbox_folder_id\": ...}");
            };
            let now = l.now_ms();
            let mut store = l.store.lock().expect("store poisoned");
            match store.registrations.get_mut(*id) {
                Some(r) => {
                    if let Some(old) = r.subscription_id.take().filter(|old| old != sub) {
                        r.retired_subscription_ids.push(old);
                        let excess = r.retired_subscription_ids.len().saturating_sub(super::store::RETIRED_KEPT);
                        r.retired_subscription_ids.drain(..excess);
                    }
                    r.subscription_id = Some(sub.to_string());
                    r.inbox_folder_id = Some(folder.to_string());
                    r.subscription_updated_ms = Some(now);
                    response(204, "text/plain", "")
                }
                None => not_registered(id),
            }
        }
        ("GET", ["registrations", id, "status"]) => {
            let store = l.store.lock().expect("store poisoned");
            match store.registrations.get(*id) {
                Some(r) => json_response(
                    200,
                    &json!({
                        "registration_id": r.registration_id,
                        "subscription_id": r.subscription_id,
                        "subscription_updated_ms": r.subscription_updated_ms,
                        "last_heard_from_exchange_ms": r.last_heard_from_exchange_ms,
                        "now_ms": l.now_ms(),
                    }),
                ),
                None => not_registered(id),
            }
        }
        ("DELETE", ["registrations", id]) => {
            let mut store = l.store.lock().expect("store poisoned");
            match store.registrations.remove(*id) {
                Some(_) => response(204, "text/plain", ""),
                None => not_registered(id),
            }
        }
        ("PUT", ["apps", app_id, "certificates", region]) => upload(l, app_id, region, &body),
        ("GET", ["apps"]) => {
            let store = l.store.lock().expect("store poisoned");
            json_response(200, &serde_json::to_value(store.certificates.values().collect::<Vec<_>>()).unwrap_or_default())
        }
        _ => json_response(404, &json!({"error": format!("no API operation {method} /api/v1/{path}")})),
    }
}

fn not_registered(id: &str) -> Response {
    json_response(404, &json!({"error": format!("no registration {id}; register the device again")}))
}

fn cert_key(app_id: &str, region: Region) -> String {
    format!("{app_id}@{}", region.code())
}

fn register(l: &Arc<Listener>, b: &Value) -> Response {
    let field = |k: &str| b[k].as_str().map(str::to_string);
    let (Some(token), Some(app_id), Some(region), Some(as_hash), Some(mail_hash)) =
        (field("device_token"), field("app_id"), field("region"), field("activesync_device_id_sha256"), field("email_sha256"))
    else {
        return bad("send device_token, app_id, region, activesync_device_id_sha256, email_sha256 and ios_version");
    };
    if token.is_empty() || !token.bytes().all(|c| c.is_ascii_hexdigit()) {
        return bad("device_token must be the hex device token APNs issued");
    }
    if !is_sha256_hex(&as_hash) || !is_sha256_hex(&mail_hash) {
        return bad(
            "activesync_device_id_sha256 and email_sha256 must be SHA-256 hex digests; the listener never takes the values themselves",
        );
    }
    let Some(region) = Region::parse(&region) else {
        return bad(format!("unknown region {region}; use us-east-1, eu-west-1 or ap-southeast-1"));
    };
    if region != l.config.region {
        return json_response(
            421,
            &json!({"error": format!("this is the {} listener; register with {}", l.config.region.code(), region.host("example.test"))}),
        );
    }
    if app_id.contains('*') {
        return bad("a wildcard App ID cannot receive APNs pushes; wrap Secure Mail with a unique App ID");
    }
    let environment = field("environment").unwrap_or_else(|| "production".into());
    let now = l.now_ms();
    let mut store = l.store.lock().expect("store poisoned");
    if !store.certificates.contains_key(&cert_key(&app_id, region)) {
        return json_response(
            412,
            &json!({"error": format!("no APNs certificate is uploaded for App ID {app_id} in region {}", region.code())}),
        );
    }
    let existing = store.registrations.values().find(|r| r.device_token == token && r.app_id == app_id).map(|r| r.registration_id.clone());
    let id = existing.unwrap_or_else(|| l.env.rng.hex(16));
    let previous = store.registrations.get(&id).cloned();
    store.registrations.insert(
        id.clone(),
        Registration {
            registration_id: id.clone(),
            device_token: token,
            app_id,
            region,
            environment,
            activesync_device_id_sha256: as_hash.to_ascii_lowercase(),
            email_sha256: mail_hash.to_ascii_lowercase(),
            ios_version: field("ios_version").unwrap_or_default(),
            subscription_id: previous.as_ref().and_then(|p| p.subscription_id.clone()),
            inbox_folder_id: previous.as_ref().and_then(|p| p.inbox_folder_id.clone()),
            registered_ms: now,
            subscription_updated_ms: previous.as_ref().and_then(|p| p.subscription_updated_ms),
            last_heard_from_exchange_ms: previous.as_ref().and_then(|p| p.last_heard_from_exchange_ms),
            last_apns_id: None,
            notifications_sent: previous.as_ref().map(|p| p.notifications_sent).unwrap_or(0),
            retired_subscription_ids: previous.map(|p| p.retired_subscription_ids).unwrap_or_default(),
        },
    );
    json_response(201, &json!({"registration_id": id, "notify_url": format!("https://{}{NOTIFY_PATH}{id}", l.config.host)}))
}

fn upload(l: &Arc<Listener>, app_id: &str, region: &str, b: &Value) -> Response {
    if app_id.contains('*') {
        return bad("a wildcard App ID cannot have an APNs certificate; APNs needs a unique App ID");
    }
    let Some(region) = Region::parse(region) else {
        return bad(format!("unknown region {region}"));
    };
    if region != l.config.region {
        return json_response(421, &json!({"error": format!("this is the {} listener", l.config.region.code())}));
    }
    let (Some(cert), Some(key)) = (b["cert_pem"].as_str(), b["key_pem"].as_str()) else {
        return bad("send {\"cert_pem\": ..., \"key_pem\": ...}");
    };
    if let Err(e) = mailconform_sim::pki::Credential::from_pem(cert, key) {
        return bad(format!("the certificate does not load: {e}"));
    }
    let now = l.now_ms();
    let mut store = l.store.lock().expect("store poisoned");
    let k = cert_key(app_id, region);
    let generation = store.certificates.get(&k).map(|c| c.generation + 1).unwrap_or(1);
    let status = if generation == 1 { 201 } else { 200 };
    store.certificates.insert(
        k,
        AppCertificate {
            app_id: app_id.to_string(),
            region,
            environment: b["environment"].as_str().unwrap_or("production").to_string(),
            uploaded_ms: now,
            generation,
            cert_pem: cert.to_string(),
            key_pem: key.to_string(),
            parsed: Default::default(),
        },
    );
    json_response(status, &json!({"app_id": app_id, "region": region.code(), "generation": generation}))
}

pub(crate) fn certificate_for(l: &Listener, app_id: &str) -> Option<AppCertificate> {
    l.store.lock().expect("store poisoned").certificates.get(&cert_key(app_id, l.config.region)).cloned()
}
