//! The EWS push endpoint: Exchange's `SendNotification` in, `SendNotificationResult` out, and an
//! APNs push for the device when the inbox changed.

use super::store::{PushRecord, Registration};
use super::Listener;
use crate::role_error::{ErrorKind, Kinded, RoleError};
use mailconform_apns::{ProviderAuth, ProviderClient};
use mailconform_ews::{
    parse_send_notification, write_fault, write_send_notification_result, EventType, Fault, ObjectId, SubscriptionStatus,
};
use mailconform_sim::http::response;
use mailconform_sim::{ClientIdentity, Request, Response};
use serde_json::json;
use std::sync::Arc;

const XML: &str = "text/xml; charset=utf-8";

/// What a notification asks the listener to tell the device.
#[derive(Debug, PartialEq, Eq)]
enum Push {
    /// The inbox unread count, from a folder ModifiedEvent (Exchange 2010 and later).
    Badge(u32),
    /// New mail without a count (Exchange 2007 SP1): a background push wakes the app to count.
    Wake,
}

pub(super) async fn handle(l: &Arc<Listener>, registration_id: &str, req: &Request) -> Response {
    if req.method() != http::Method::POST {
        return response(405, "text/plain", "POST a SendNotification here");
    }
    let notifications = match parse_send_notification(req.body()) {
        Ok(n) => n,
        Err(e) => {
            return response(500, XML, write_fault(None, &Fault::schema_error(e)));
        }
    };
    let now = l.now_ms();
    let mut pushes = Vec::new();
    let mut status = SubscriptionStatus::Ok;
    {
        let mut store = l.store.lock().expect("store poisoned");
        let Some(reg) = store.registrations.get_mut(registration_id) else {
            // A device we forgot (unregistered, or APNs said the token is gone): stop Exchange.
            return response(200, XML, write_send_notification_result(SubscriptionStatus::Unsubscribe));
        };
        for n in &notifications {
            if reg.retired_subscription_ids.contains(&n.subscription_id) {
                // A subscription the device replaced: end it rather than push twice.
                status = SubscriptionStatus::Unsubscribe;
                continue;
            }
            reg.last_heard_from_exchange_ms = Some(now);
            let inbox = reg.inbox_folder_id.clone().unwrap_or_default();
            let badge = n.events.iter().rev().find_map(|e| match (&e.kind, &e.object, e.unread_count) {
                (EventType::Modified, Some(ObjectId::Folder { id, .. }), Some(c)) if *id == inbox => Some(c),
                _ => None,
            });
            let new_mail = n.events.iter().any(|e| matches!(e.kind, EventType::NewMail | EventType::Created));
            match (badge, new_mail) {
                (Some(c), _) => pushes.push(Push::Badge(c)),
                (None, true) => pushes.push(Push::Wake),
                _ => {}
            }
        }
    }
    if status == SubscriptionStatus::Ok {
        // The last count of a batch is the one the device must show.
        let last_badge = pushes.iter().rev().find_map(|p| match p {
            Push::Badge(c) => Some(*c),
            _ => None,
        });
        let push = match last_badge {
            Some(c) => Some(Push::Badge(c)),
            None => pushes.pop(),
        };
        if let Some(p) = push {
            spawn_push(l.clone(), registration_id.to_string(), p);
        }
    }
    response(200, XML, write_send_notification_result(status))
}

fn spawn_push(l: Arc<Listener>, id: String, push: Push) {
    let order = {
        let mut store = l.store.lock().expect("store poisoned");
        store.push_order.entry(id.clone()).or_default().clone()
    };
    let life = l.env.life.clone();
    life.spawn(async move {
        // Pushes of one device go out in the order Exchange's notifications came in.
        let _turn = order.lock().await;
        send(&l, &id, push).await;
    });
}

async fn send(l: &Listener, id: &str, push: Push) {
    let Some(reg) = l.store.lock().expect("store poisoned").registrations.get(id).cloned() else {
        return;
    };
    let (kind, badge, payload, push_type, priority) = match push {
        Push::Badge(c) => ("badge", Some(c), json!({"aps": {"badge": c}}), "alert", 10),
        Push::Wake => ("background", None, json!({"aps": {"content-available": 1}}), "background", 5),
    };
    let mut record = PushRecord {
        at_ms: l.now_ms(),
        registration_id: id.to_string(),
        kind: kind.into(),
        badge,
        status: None,
        reason: None,
        unregistered_ms: None,
        error: None,
    };
    let Some(cert) = super::api::certificate_for(l, &reg.app_id) else {
        record.error = Some(RoleError::new(ErrorKind::NotConfigured, format!("no APNs certificate for {}", reg.app_id)));
        l.store.lock().expect("store poisoned").pushes.push(record);
        return;
    };
    let credential = match cert.credential() {
        Ok(c) => c,
        Err(e) => {
            record.error = Some(RoleError::new(ErrorKind::NotConfigured, format!("the APNs certificate does not load: {e}")));
            l.store.lock().expect("store poisoned").pushes.push(record);
            return;
        }
    };
    let base = if reg.environment == "sandbox" { &l.config.apns_sandbox } else { &l.config.apns_production };
    let identity = ClientIdentity { id: format!("{}@{}#{}", cert.app_id, cert.region.code(), cert.generation), credential };
    let outcome = match ProviderClient::new(l.env.http.clone(), l.env.clock.clone(), base, ProviderAuth::Certificate(identity)) {
        Ok(client) => client.push(&reg.device_token, &reg.app_id, push_type, priority, &payload).await,
        Err(e) => Err(e),
    };
    let mut store = l.store.lock().expect("store poisoned");
    match outcome {
        Ok(o) => {
            record.status = Some(o.status);
            record.reason = o.reason.clone();
            record.unregistered_ms = o.timestamp_ms;
            if o.status == 200 {
                if let Some(r) = store.registrations.get_mut(id) {
                    r.last_apns_id = Some(o.apns_id.clone());
                    r.notifications_sent += 1;
                }
            } else if o.status == 410 {
                // APNs says the token is no longer valid for the topic since `timestamp`: forget
                // the device unless it registered again after that moment (Apple: "stop pushing
                // notifications until the device registers a token with a later timestamp").
                let registered_since = |r: &Registration| o.timestamp_ms.is_some_and(|t| r.registered_ms > t);
                if !store.registrations.get(id).is_some_and(registered_since) {
                    store.registrations.remove(id);
                }
            }
            l.keep(&store, id);
        }
        Err(e) => record.error = Some(e.published()),
    }
    store.pushes.push(record);
}
