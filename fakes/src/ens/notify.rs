//! Exchange's notifications for one device: answered at once (OK, or Unsubscribe for a device
//! that unregistered), then the inbox is read over EWS — through SEG, which may block the
//! device — and the unread count pushed to Boxer through APNs.

use super::{Ens, EnsPush, PushOutcome};
use crate::role_error::{ErrorKind, Kinded, RoleError};
use mailconform_apns::{ProviderAuth, ProviderClient};
use mailconform_ews::{parse_send_notification, write_fault, write_send_notification_result, EventType, Fault, SubscriptionStatus};
use mailconform_sim::http::response;
use mailconform_sim::{Request, Response};
use serde_json::json;
use std::sync::Arc;

const XML: &str = "text/xml; charset=utf-8";

pub(super) async fn handle(ens: &Arc<Ens>, device_id: &str, req: &Request) -> Response {
    let notifications = match parse_send_notification(req.body()) {
        Ok(n) => n,
        Err(e) => {
            return response(500, XML, write_fault(None, &Fault::schema_error(e)));
        }
    };
    let device_id = device_id.to_ascii_lowercase();
    let Some(reg) = ens.lock().registrations.get(&device_id).cloned() else {
        return response(200, XML, write_send_notification_result(SubscriptionStatus::Unsubscribe));
    };
    let changed = notifications
        .iter()
        .flat_map(|n| &n.events)
        .any(|e| matches!(e.kind, EventType::NewMail | EventType::Created | EventType::Modified));
    if changed {
        let ens = ens.clone();
        tokio::spawn(async move { push(&ens, &reg).await });
    }
    response(200, XML, write_send_notification_result(SubscriptionStatus::Ok))
}

/// ENS2's provider client, made at the first push and reused (its token with it).
async fn provider(ens: &Ens) -> &Result<ProviderClient, RoleError> {
    ens.provider
        .get_or_init(|| async {
            let auth = ProviderAuth::Token {
                team_id: ens.config.apns_team_id.clone(),
                key_id: ens.config.apns_key_id.clone(),
                pkcs8_der: ens.config.apns_key_pkcs8.clone(),
            };
            ProviderClient::new(ens.env.http.clone(), ens.env.clock.clone(), &ens.config.apns_base, auth).map_err(|e| e.published())
        })
        .await
}

async fn push(ens: &Ens, reg: &super::EnsRegistration) {
    // Held until the push is recorded: the device's next notification reads the inbox after it.
    let _turn = ens.queue.turn(&reg.device_id).await;
    let at_ms = ens.now_ms();
    let mut badge = None;
    let outcome = match ens.inbox(&reg.device_id, &reg.auth).await {
        // SEG answers 403 (or the status it is configured with, 456 among them) for a device
        // the console blocks.
        Err(e) if e.status() == 403 || e.status() == 456 => {
            PushOutcome::Withheld { error: RoleError::new(ErrorKind::Forbidden, format!("blocked by the gateway: {e}")) }
        }
        Err(e) => PushOutcome::Withheld { error: RoleError::new(e.kind(), format!("reading the inbox failed: {e}")) },
        Ok(inbox) => {
            badge = Some(inbox.unread_count);
            let payload = json!({"aps": {"badge": inbox.unread_count, "content-available": 1}});
            match provider(ens).await {
                Err(error) => PushOutcome::Failed { error: error.clone() },
                Ok(client) => match client.push(&reg.apns_token, &ens.config.app_id, "alert", 10, &payload).await {
                    Ok(o) if o.status == 200 => PushOutcome::Sent,
                    Ok(o) => PushOutcome::Refused { status: o.status, reason: o.reason },
                    Err(e) => PushOutcome::Failed { error: e.published() },
                },
            }
        }
    };
    let record = EnsPush { at_ms, device_id: reg.device_id.clone(), badge, outcome };
    ens.lock().pushes.push(record);
}
