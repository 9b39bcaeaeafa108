//! Exchange's control API: deliver mail, change read state, read subscriptions and deliveries.
//!
//! | method and path (under `/_mailconform`) | does |
//! |---|---|
//! | `POST /mailboxes/{email}/messages` `{"subject","from"}` | delivers a message to the inbox |
//! | `POST /messages` `{"messages":[{"to","subject"}]}` | delivers many messages in one call |
//! | `POST /mailboxes/{email}/messages/{id}/read` `{"read":true}` | marks it read or unread |
//! | `POST /mailboxes/{email}/read-all` | marks the whole inbox read |
//! | `GET /mailboxes/{email}/inbox` | `{"total","unread","folder_id"}` |
//! | `POST /mailboxes/{email}/notes`, `/tasks` `{"subject","body"}` | a note or a task (ActiveSync side) |
//! | `/activesync/…` | the ActiveSync side's own control API (devices, device-policy, log, …; see `mailconform_activesync::server::control`) |
//! | `GET /subscriptions` | every push subscription and its state |
//! | `GET /requests` | every EWS request: host name, user, operation |
//! | `GET /deliveries` | every SendNotification POST with its time and outcome |
//! | `GET /auth` | `{"ews": ["negotiate","ntlm","basic",...], "oauth": {...} or null, "kerberos_spn"}` |
//! | `PUT /auth` `{"ews": [...], "oauth"?: {"issuer","audience","jwks"} or null}` | sets the EWS methods (and the trusted OAuth issuer) |

use super::mailbox::MailboxEvent;
use super::push::{self, DeliveryRecord, SubscriptionView};
use super::Exchange;
use mailconform_ews::EventType;
use mailconform_sim::http::{json_response, response};
use mailconform_sim::{ControlClient, ControlError, Response};
use serde_json::{json, Value};
use std::sync::Arc;

pub(super) async fn handle(ex: &Arc<Exchange>, method: http::Method, path: &str, body: &[u8]) -> Response {
    let parts = mailconform_sim::http::segments(path);
    let body: Value = match mailconform_sim::http::json_body(body) {
        Ok(v) => v,
        Err(answer) => return *answer,
    };
    match (method.as_str(), parts.as_slice()) {
        ("POST", ["mailboxes", email, "messages"]) => {
            let subject = body["subject"].as_str().unwrap_or("(no subject)").to_string();
            let from = body["from"].as_str().unwrap_or("sender@example.test").to_string();
            match deliver(ex, email, &subject, &from) {
                Some((id, unread)) => json_response(201, &json!({"item_id": id, "unread": unread})),
                None => no_mailbox(email),
            }
        }
        ("POST", ["messages"]) => {
            // Bulk delivery: `{"messages":[{"to":..., "subject":...}, ...]}`, for load runs.
            let Some(list) = body["messages"].as_array() else {
                return json_response(400, &json!({"error": "send {\"messages\": [{\"to\": ..., \"subject\": ...}]}"}));
            };
            let mut ids = Vec::with_capacity(list.len());
            for m in list {
                let to = m["to"].as_str().unwrap_or_default();
                let subject = m["subject"].as_str().unwrap_or("(no subject)");
                match deliver(ex, to, subject, m["from"].as_str().unwrap_or("sender@example.test")) {
                    Some((id, _)) => ids.push(id),
                    None => return no_mailbox(to),
                }
            }
            json_response(201, &json!({"item_ids": ids}))
        }
        ("POST", ["mailboxes", email, "messages", id, "read"]) => {
            let read = body["read"].as_bool().unwrap_or(true);
            match set_read(ex, email, Some(id), read) {
                Some(unread) => json_response(200, &json!({"unread": unread})),
                None => json_response(404, &json!({"error": format!("no message {id} in {email}'s inbox")})),
            }
        }
        ("POST", ["mailboxes", email, "read-all"]) => match set_read(ex, email, None, true) {
            Some(unread) => json_response(200, &json!({"unread": unread})),
            None => no_mailbox(email),
        },
        ("GET", ["mailboxes", email, "inbox"]) => {
            let state = ex.state.lock().expect("state poisoned");
            match state.mailboxes.iter().find(|m| m.user.email.eq_ignore_ascii_case(email)) {
                Some(mb) => {
                    let inbox = mb.inbox();
                    json_response(200, &json!({"total": inbox.items.len(), "unread": inbox.unread(), "folder_id": inbox.id}))
                }
                None => no_mailbox(email),
            }
        }
        ("GET", ["subscriptions"]) => {
            let state = ex.state.lock().expect("state poisoned");
            let v: Vec<SubscriptionView> = state.subscriptions.values().map(SubscriptionView::from).collect();
            json_response(200, &serde_json::to_value(v).unwrap_or_default())
        }
        ("POST", ["mailboxes", email, "notes"]) => add_companion_item(ex, email, &body, mailconform_activesync::store::FolderType::Notes),
        ("POST", ["mailboxes", email, "tasks"]) => add_companion_item(ex, email, &body, mailconform_activesync::store::FolderType::Tasks),
        ("GET", ["requests"]) => {
            let state = ex.state.lock().expect("state poisoned");
            json_response(200, &serde_json::to_value(&state.requests).unwrap_or_default())
        }
        ("GET", ["deliveries"]) => {
            let state = ex.state.lock().expect("state poisoned");
            json_response(200, &serde_json::to_value(&state.deliveries).unwrap_or_default())
        }
        ("GET", ["auth"]) => json_response(200, &auth_view(ex)),
        ("PUT", ["auth"]) => set_auth(ex, &body),
        _ => response(404, "application/json", json!({"error": format!("no control operation {method} {path}")}).to_string()),
    }
}

fn auth_view(ex: &Exchange) -> Value {
    json!({"ews": ex.auth.methods(), "activesync": ex.eas_auth.methods(), "oauth": ex.auth.oauth(), "kerberos_spn": ex.auth.keytab().map(|k| k.spn.clone())})
}

/// `{"ews": [...]}` replaces the EWS methods; `"oauth"` (when present) replaces the trusted issuer.
fn set_auth(ex: &Exchange, body: &Value) -> Response {
    let hint = "send {\"ews\": [\"basic\", \"ntlm\", \"negotiate\", \"certificate\", \"oauth\"]} and/or {\"activesync\": [...]}, each with at least one method, and optionally \"oauth\": {\"issuer\", \"audience\", \"jwks\"}";
    // The error is the message of the 400 to send.
    let parse_list = |key: &str| -> Result<Option<Vec<mailconform_auth::AuthMethod>>, String> {
        let Some(v) = body.get(key) else { return Ok(None) };
        let Some(list) = v.as_array() else { return Err(hint.to_string()) };
        let mut methods = Vec::new();
        for v in list {
            match v.as_str().and_then(mailconform_auth::AuthMethod::parse) {
                Some(m) => methods.push(m),
                None => return Err(format!("unknown authentication method {v}; {hint}")),
            }
        }
        if methods.is_empty() {
            return Err(hint.to_string());
        }
        Ok(Some(methods))
    };
    let (ews, activesync) = match (parse_list("ews"), parse_list("activesync")) {
        (Ok(e), Ok(a)) => (e, a),
        (Err(e), _) | (_, Err(e)) => return json_response(400, &json!({"error": e})),
    };
    if ews.is_none() && activesync.is_none() {
        return json_response(400, &json!({"error": hint}));
    }
    if let Some(o) = body.get("oauth") {
        match serde_json::from_value::<Option<mailconform_auth::OAuthTrust>>(o.clone()) {
            Ok(t) => ex.auth.set_oauth(t),
            Err(e) => return json_response(400, &json!({"error": format!("oauth: {e}; {hint}")})),
        }
    }
    if let Some(m) = ews {
        ex.auth.set_methods(m);
    }
    if let Some(m) = activesync {
        ex.eas_auth.set_methods(m);
    }
    json_response(200, &auth_view(ex))
}

/// The EWS authentication settings as the control API reports them.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct EwsAuthView {
    pub ews: Vec<mailconform_auth::AuthMethod>,
    #[serde(default)]
    pub activesync: Vec<mailconform_auth::AuthMethod>,
    pub oauth: Option<mailconform_auth::OAuthTrust>,
    pub kerberos_spn: Option<String>,
}

/// A note or a task, which live only on the ActiveSync side of the mailbox here.
fn add_companion_item(ex: &Exchange, email: &str, body: &Value, folder: mailconform_activesync::store::FolderType) -> Response {
    use mailconform_activesync::NewItem;
    let subject = body["subject"].as_str().unwrap_or("(no subject)");
    let text = body["body"].as_str().unwrap_or("");
    let item = match folder {
        mailconform_activesync::store::FolderType::Notes => NewItem::note(subject, text),
        _ => NewItem::task(subject, text, body["due"].as_str().unwrap_or("")),
    };
    match ex.eas_store.add_to(email, folder, item) {
        Ok(id) => json_response(201, &json!({"server_id": id})),
        Err(e) => json_response(404, &json!({"error": e.to_string()})),
    }
}

fn no_mailbox(email: &str) -> Response {
    json_response(404, &json!({"error": format!("no mailbox {email}; known mailboxes are configured with the Exchange fake's users")}))
}

fn deliver(ex: &Exchange, email: &str, subject: &str, from: &str) -> Option<(String, u32)> {
    let at = ex.env.clock.unix();
    let eas_id = ex.eas_store.deliver(email, mailconform_activesync::NewItem::email(from, email, subject, "")).ok();
    let mut state = ex.state.lock().expect("state poisoned");
    let mb = state.mailboxes.iter_mut().find(|m| m.user.email.eq_ignore_ascii_case(email))?;
    let n = mb.next_item;
    mb.next_item += 1;
    let email = mb.user.email.clone();
    let root = mb.folder("msgfolderroot").map(|f| (f.id.clone(), format!("AQAAAA{:08}", f.change_key))).unwrap_or_default();
    let inbox = mb.inbox_mut();
    let item_id = format!("{}ITEM{n:06}", inbox.id);
    inbox.items.push(super::mailbox::Item {
        id: item_id.clone(),
        change_key: 1,
        subject: subject.into(),
        from: from.into(),
        read: false,
        eas_id,
    });
    inbox.change_key += 1;
    let inbox_ref = (inbox.id.clone(), format!("AQAAAA{:08}", inbox.change_key));
    let unread = inbox.unread();
    let mut seq = mb.events.last().map(|e| e.seq).unwrap_or(0);
    let mut push_ev = |kind, item: Option<(String, String)>, folder: Option<(String, String)>, parent: (String, String), unread_count| {
        seq += 1;
        mb.events.push(MailboxEvent { seq, kind, at_unix: at, item_id: item, folder_id: folder, parent_folder_id: parent, unread_count });
    };
    let item_ref = Some((item_id.clone(), "CQAAAA".to_string()));
    push_ev(EventType::NewMail, item_ref.clone(), None, inbox_ref.clone(), None);
    push_ev(EventType::Created, item_ref, None, inbox_ref.clone(), None);
    push_ev(EventType::Modified, None, Some(inbox_ref), root, Some(unread));
    drop(state);
    push::poke(ex, &email);
    Some((item_id, unread))
}

fn set_read(ex: &Exchange, email: &str, id: Option<&str>, read: bool) -> Option<u32> {
    let at = ex.env.clock.unix();
    let mut state = ex.state.lock().expect("state poisoned");
    let mb = state.mailboxes.iter_mut().find(|m| m.user.email.eq_ignore_ascii_case(email))?;
    let email = mb.user.email.clone();
    let root = mb.folder("msgfolderroot").map(|f| (f.id.clone(), format!("AQAAAA{:08}", f.change_key))).unwrap_or_default();
    let inbox = mb.inbox_mut();
    let mut changed = Vec::new();
    for item in inbox.items.iter_mut().filter(|i| id.is_none_or(|x| x == i.id)) {
        if item.read != read {
            item.read = read;
            item.change_key += 1;
            changed.push(item.id.clone());
            if let Some(eas_id) = &item.eas_id {
                mirror_read(&ex.eas_store, &email, eas_id, read);
            }
        }
    }
    if id.is_some() && !inbox.items.iter().any(|i| Some(i.id.as_str()) == id) {
        return None;
    }
    inbox.change_key += 1;
    let inbox_ref = (inbox.id.clone(), format!("AQAAAA{:08}", inbox.change_key));
    let unread = inbox.unread();
    let mut seq = mb.events.last().map(|e| e.seq).unwrap_or(0);
    for item in changed.iter() {
        seq += 1;
        mb.events.push(MailboxEvent {
            seq,
            kind: EventType::Modified,
            at_unix: at,
            item_id: Some((item.clone(), "CQAAAA".into())),
            folder_id: None,
            parent_folder_id: inbox_ref.clone(),
            unread_count: None,
        });
    }
    if !changed.is_empty() {
        seq += 1;
        mb.events.push(MailboxEvent {
            seq,
            kind: EventType::Modified,
            at_unix: at,
            item_id: None,
            folder_id: Some(inbox_ref),
            parent_folder_id: root,
            unread_count: Some(unread),
        });
    }
    drop(state);
    push::poke(ex, &email);
    Some(unread)
}

/// Mirror a read-state change on the ActiveSync side of the same mailbox.
fn mirror_read(store: &mailconform_activesync::MemoryStore, email: &str, eas_id: &str, read: bool) {
    let Some(login) = store.resolve(email) else { return };
    if let Ok(inbox) = store.folder_of_type(&login, mailconform_activesync::store::FolderType::Inbox) {
        let _ = store.set_read(&login, &inbox.server_id, eas_id, read);
    }
}

/// Typed client of this control API, for steps.
#[derive(Clone)]
pub struct ExchangeControl(pub ControlClient);

impl ExchangeControl {
    pub async fn deliver(&self, email: &str, subject: &str) -> Result<String, ControlError> {
        let v = self.0.post(&format!("/mailboxes/{email}/messages"), &json!({"subject": subject})).await?;
        Ok(v["item_id"].as_str().unwrap_or_default().to_string())
    }

    /// Deliver one message to each address in one call (load runs).
    pub async fn deliver_bulk(&self, to: &[String], subject: &str) -> Result<(), ControlError> {
        let messages: Vec<Value> = to.iter().map(|t| json!({"to": t, "subject": subject})).collect();
        self.0.post("/messages", &json!({"messages": messages})).await.map(|_| ())
    }

    pub async fn mark_read(&self, email: &str, item_id: &str, read: bool) -> Result<u32, ControlError> {
        let v = self.0.post(&format!("/mailboxes/{email}/messages/{item_id}/read"), &json!({"read": read})).await?;
        Ok(v["unread"].as_u64().unwrap_or_default() as u32)
    }

    pub async fn read_all(&self, email: &str) -> Result<u32, ControlError> {
        let v = self.0.post(&format!("/mailboxes/{email}/read-all"), &Value::Null).await?;
        Ok(v["unread"].as_u64().unwrap_or_default() as u32)
    }

    pub async fn inbox(&self, email: &str) -> Result<Value, ControlError> {
        self.0.get(&format!("/mailboxes/{email}/inbox")).await
    }

    pub async fn subscriptions(&self) -> Result<Vec<Value>, ControlError> {
        self.0.get_as("/subscriptions").await
    }

    pub async fn activesync_devices(&self) -> Result<Vec<Value>, ControlError> {
        self.0.get_as("/activesync/devices").await
    }

    /// Changes the EAS device policy (`null` for none) and whether it is enforced.
    pub async fn set_device_policy(&self, policy: Value, enforce: bool) -> Result<(), ControlError> {
        self.0.put("/activesync/device-policy", &json!({"policy": policy, "enforce": enforce})).await.map(|_| ())
    }

    /// Every ActiveSync request Exchange answered, with its HTTP status and top-level Status.
    pub async fn activesync_log(&self) -> Result<Vec<Value>, ControlError> {
        self.0.get_as("/activesync/log").await
    }

    pub async fn add_note(&self, email: &str, subject: &str) -> Result<Value, ControlError> {
        self.0.post(&format!("/mailboxes/{email}/notes"), &json!({ "subject": subject })).await
    }

    pub async fn add_task(&self, email: &str, subject: &str) -> Result<Value, ControlError> {
        self.0.post(&format!("/mailboxes/{email}/tasks"), &json!({ "subject": subject })).await
    }

    pub async fn requests(&self) -> Result<Vec<super::EwsRequestRecord>, ControlError> {
        self.0.get_as("/requests").await
    }

    pub async fn deliveries(&self) -> Result<Vec<DeliveryRecordView>, ControlError> {
        self.0.get_as("/deliveries").await
    }

    /// The EWS authentication methods (in IIS order) and the trusted OAuth issuer.
    pub async fn ews_auth(&self) -> Result<EwsAuthView, ControlError> {
        self.0.get_as("/auth").await
    }

    /// Replaces the EWS authentication methods.
    pub async fn set_ews_auth(&self, methods: &[mailconform_auth::AuthMethod]) -> Result<EwsAuthView, ControlError> {
        let v = self.0.put("/auth", &json!({ "ews": methods })).await?;
        serde_json::from_value(v).map_err(|e| ControlError::Json { url: format!("{}/auth", self.0.base()), reason: e.to_string() })
    }

    /// Replaces the ActiveSync virtual directory's methods.
    pub async fn set_activesync_auth(&self, methods: &[mailconform_auth::AuthMethod]) -> Result<EwsAuthView, ControlError> {
        let v = self.0.put("/auth", &json!({ "activesync": methods })).await?;
        serde_json::from_value(v).map_err(|e| ControlError::Json { url: format!("{}/auth", self.0.base()), reason: e.to_string() })
    }

    /// Replaces the methods and the trusted OAuth issuer (`None` trusts none).
    pub async fn set_ews_auth_with_oauth(
        &self,
        methods: &[mailconform_auth::AuthMethod],
        oauth: Option<&mailconform_auth::OAuthTrust>,
    ) -> Result<EwsAuthView, ControlError> {
        let v = self.0.put("/auth", &json!({ "ews": methods, "oauth": oauth })).await?;
        serde_json::from_value(v).map_err(|e| ControlError::Json { url: format!("{}/auth", self.0.base()), reason: e.to_string() })
    }
}

/// A [`DeliveryRecord`] as read back through the control API.
#[derive(Clone, Debug, serde::Deserialize)]
pub struct DeliveryRecordView {
    pub subscription_id: String,
    pub at_ms: u64,
    pub retry: u32,
    pub events: Vec<String>,
    pub outcome: String,
}

#[allow(dead_code)]
fn _assert_same_shape(r: DeliveryRecord) -> DeliveryRecordView {
    DeliveryRecordView { subscription_id: r.subscription_id, at_ms: r.at_ms, retry: r.retry, events: r.events, outcome: r.outcome }
}
