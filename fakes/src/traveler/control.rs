//! Traveler's control API: what its administrator changes (notes.ini, the Internet Site, the
//! Internet authentication setting, the sync protocols) and what a tester does with its
//! mailboxes (deliver mail and meeting requests, look at a folder, wipe a device).
//!
//! | method and path (under `/_mailconform`) | does |
//! |---|---|
//! | `GET /config` | the whole configuration |
//! | `PUT /notes-ini` `{"NTS_AS_ENFORCE_POLICY":"false"}` | sets notes.ini entries |
//! | `PUT /web-site` `{"session_authentication","override_session_authentication","substitutions"}` | the Internet Site document |
//! | `PUT /internet-authentication` `{"name_variations":"fewer"|"more","directory":"domino"|"ldap"}` | Domino's Internet authentication |
//! | `PUT /sync-protocols` `{"sync_protocols":"active_sync_and_sync_ml"|"sync_ml_primary"}` | what Traveler offers |
//! | `POST /mailboxes/{user}/messages` `{"subject","from"}` | delivers a mail |
//! | `POST /mailboxes/{user}/meetings` `{"subject","organizer","start","end","location"}` | delivers a meeting request |
//! | `POST /mailboxes/{user}/meeting-responses` `{"subject","from"}` | delivers a meeting response (accepted) |
//! | `GET /mailboxes/{user}/folders/{inbox|calendar|contacts|sent}` | the items the server holds there |
//! | `POST /devices/{user}/{device_id}/wipe` | asks the device to wipe at its next request |

use super::config::SyncProtocols;
use super::directory::{DirectoryKind, NameVariations};
use super::Traveler;
use mailconform_activesync::store::{FolderType, NewItem};
use mailconform_sim::http::json_response;
use mailconform_sim::{ControlClient, ControlError, Response};
use serde_json::{json, Value};
use std::sync::Arc;

fn bad(msg: impl Into<String>) -> Response {
    json_response(400, &json!({"error": msg.into()}))
}

pub(super) async fn handle(t: &Arc<Traveler>, method: http::Method, path: &str, body: &[u8]) -> Response {
    let body: Value = match mailconform_sim::http::json_body(body) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    let parts = mailconform_sim::http::segments(path);
    match (method.as_str(), parts.as_slice()) {
        ("GET", ["config"]) => json_response(200, &serde_json::to_value(t.config()).unwrap_or_default()),
        ("PUT", ["notes-ini"]) => {
            let Some(entries) = body.as_object() else { return bad("send {\"NAME\": \"value\", ...}") };
            let mut cfg = t.config();
            for (k, v) in entries {
                cfg.notes_ini.insert(k.to_ascii_uppercase(), v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string()));
            }
            t.reconfigure(cfg);
            json_response(200, &json!({"notes_ini": t.config().notes_ini}))
        }
        ("PUT", ["web-site"]) => match serde_json::from_value(body) {
            Ok(site) => {
                let mut cfg = t.config();
                cfg.web_site = site;
                t.reconfigure(cfg);
                json_response(200, &serde_json::to_value(t.config().web_site).unwrap_or_default())
            }
            Err(e) => bad(format!("expected the Internet Site fields: {e}")),
        },
        ("PUT", ["internet-authentication"]) => {
            let mut cfg = t.config();
            if let Some(v) = body.get("name_variations") {
                match serde_json::from_value::<NameVariations>(v.clone()) {
                    Ok(n) => cfg.name_variations = n,
                    Err(_) => return bad("name_variations is \"fewer\" or \"more\""),
                }
            }
            if let Some(v) = body.get("directory") {
                match serde_json::from_value::<DirectoryKind>(v.clone()) {
                    Ok(d) => cfg.directory = d,
                    Err(_) => return bad("directory is \"domino\" or \"ldap\""),
                }
            }
            t.reconfigure(cfg);
            json_response(200, &json!({"name_variations": t.config().name_variations, "directory": t.config().directory}))
        }
        ("PUT", ["sync-protocols"]) => match body.get("sync_protocols").map(|v| serde_json::from_value::<SyncProtocols>(v.clone())) {
            Some(Ok(p)) => {
                let mut cfg = t.config();
                cfg.sync_protocols = p;
                t.reconfigure(cfg);
                json_response(200, &json!({"sync_protocols": p}))
            }
            _ => bad("sync_protocols is \"active_sync_and_sync_ml\" or \"sync_ml_primary\""),
        },
        ("POST", ["mailboxes", user, "messages"]) => {
            let item = NewItem::email(
                body["from"].as_str().unwrap_or("sender@example.test"),
                user,
                body["subject"].as_str().unwrap_or("(no subject)"),
                body["body"].as_str().unwrap_or(""),
            );
            deliver(t, user, item)
        }
        ("POST", ["mailboxes", user, "meetings"]) => {
            let uid = t.env.rng.hex(16);
            let item = NewItem::meeting_request(
                body["organizer"].as_str().unwrap_or("bob@example.test"),
                user,
                body["subject"].as_str().unwrap_or("Meeting"),
                body["start"].as_str().unwrap_or("2026-01-06T10:00:00Z"),
                body["end"].as_str().unwrap_or("2026-01-06T11:00:00Z"),
                body["location"].as_str().unwrap_or(""),
                &uid,
            );
            deliver(t, user, item)
        }
        ("POST", ["mailboxes", user, "meeting-responses"]) => {
            let item = NewItem {
                message_class: body["message_class"]
                    .as_str()
                    .unwrap_or(mailconform_activesync::store::message_class::MEETING_ACCEPTED)
                    .to_string(),
                ..NewItem::email(
                    body["from"].as_str().unwrap_or("bob@example.test"),
                    user,
                    body["subject"].as_str().unwrap_or("Accepted"),
                    "",
                )
            };
            deliver(t, user, item)
        }
        ("GET", ["mailboxes", user, "folders", kind]) => {
            let folder_type = match *kind {
                "inbox" => FolderType::Inbox,
                "calendar" => FolderType::Calendar,
                "contacts" => FolderType::Contacts,
                "sent" => FolderType::SentItems,
                "deleted" => FolderType::DeletedItems,
                other => return bad(format!("no folder kind {other}; use inbox, calendar, contacts, sent or deleted")),
            };
            let Some(login) = t.store.resolve(user) else { return json_response(404, &json!({"error": format!("no mailbox {user}")})) };
            match t.store.folder_of_type(&login, folder_type).and_then(|f| t.store.items(&login, &f.server_id)) {
                Ok(items) => json_response(200, &serde_json::to_value(items).unwrap_or_default()),
                Err(e) => json_response(404, &json!({"error": e.to_string()})),
            }
        }
        ("POST", ["devices", user, device, "wipe"]) => {
            let Some(login) = t.store.resolve(user) else { return json_response(404, &json!({"error": format!("no mailbox {user}")})) };
            t.eas().request_remote_wipe(&login, device);
            json_response(202, &json!({"wipe": "requested"}))
        }
        _ => json_response(404, &json!({"error": format!("no control operation {method} {path}")})),
    }
}

fn deliver(t: &Traveler, user: &str, item: NewItem) -> Response {
    match t.store.deliver(user, item) {
        Ok(id) => json_response(201, &json!({"server_id": id})),
        Err(e) => json_response(404, &json!({"error": e.to_string()})),
    }
}

/// Typed client of this control API, for steps.
#[derive(Clone)]
pub struct TravelerControl(pub ControlClient);

impl TravelerControl {
    pub async fn set_notes_ini(&self, name: &str, value: &str) -> Result<Value, ControlError> {
        self.0.put("/notes-ini", &json!({ name: value })).await
    }
    pub async fn config(&self) -> Result<Value, ControlError> {
        self.0.get("/config").await
    }
    pub async fn set_web_site(&self, site: &Value) -> Result<Value, ControlError> {
        self.0.put("/web-site", site).await
    }
    pub async fn set_internet_authentication(&self, name_variations: &str, directory: &str) -> Result<Value, ControlError> {
        self.0.put("/internet-authentication", &json!({"name_variations": name_variations, "directory": directory})).await
    }
    pub async fn set_sync_protocols(&self, protocols: &str) -> Result<Value, ControlError> {
        self.0.put("/sync-protocols", &json!({ "sync_protocols": protocols })).await
    }
    pub async fn deliver(&self, user: &str, subject: &str) -> Result<String, ControlError> {
        let v = self.0.post(&format!("/mailboxes/{user}/messages"), &json!({ "subject": subject })).await?;
        Ok(v["server_id"].as_str().unwrap_or_default().to_string())
    }
    pub async fn deliver_meeting(&self, user: &str, subject: &str) -> Result<String, ControlError> {
        let v = self.0.post(&format!("/mailboxes/{user}/meetings"), &json!({ "subject": subject })).await?;
        Ok(v["server_id"].as_str().unwrap_or_default().to_string())
    }
    pub async fn deliver_meeting_response(&self, user: &str, subject: &str) -> Result<String, ControlError> {
        let v = self.0.post(&format!("/mailboxes/{user}/meeting-responses"), &json!({ "subject": subject })).await?;
        Ok(v["server_id"].as_str().unwrap_or_default().to_string())
    }
    pub async fn folder(&self, user: &str, kind: &str) -> Result<Vec<Value>, ControlError> {
        self.0.get_as(&format!("/mailboxes/{user}/folders/{kind}")).await
    }
    pub async fn wipe(&self, user: &str, device_id: &str) -> Result<Value, ControlError> {
        self.0.post(&format!("/devices/{user}/{device_id}/wipe"), &Value::Null).await
    }
}
