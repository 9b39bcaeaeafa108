//! The server side of the device's control API, whose routes and bodies [`super::contract`] lists.

use super::contract::{self, DeviceStateView, NotificationChoice, Op, ROUTES};
use super::SecureMail;
use crate::role_error::Kinded;
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::Response;
use std::sync::Arc;

/// The request body as `T`, or the 400 to answer from the enclosing function.
macro_rules! body {
    ($body:expr) => {
        match parse($body) {
            Ok(v) => v,
            Err(answer) => return *answer,
        }
    };
}

pub(super) async fn handle(d: &Arc<SecureMail>, method: http::Method, path: &str, body: &[u8]) -> Response {
    let op = match ROUTES.find(method.as_str(), path) {
        Ok((op, _)) => op,
        Err(answer) => return *answer,
    };
    let result = match op {
        Op::Launch => {
            let c: NotificationChoice = body!(body);
            d.launch(c.allow_notifications).await
        }
        Op::Foreground => {
            d.set_foreground(true);
            // Coming to the foreground is itself a moment the app checks its registration.
            d.check_status().await;
            Ok(())
        }
        Op::Background => {
            d.set_foreground(false);
            Ok(())
        }
        Op::Policy => {
            let p: contract::PolicyChange = body!(body);
            d.set_policy(p.apns_push);
            Ok(())
        }
        Op::PolicyCheck => {
            let c: NotificationChoice = body!(body);
            d.policy_check(c.allow_notifications).await
        }
        Op::BackgroundRefresh => {
            d.background_refresh().await;
            Ok(())
        }
        Op::EasConnect => d.eas_connect().await,
        Op::EasSync => d.eas_sync().await,
        Op::EasPing => d.eas_ping().await,
        Op::EasDelete => {
            let m: contract::EasDelete = body!(body);
            d.eas_delete(&m.subject).await
        }
        Op::EasMeetingResponse => {
            let m: contract::MeetingReply = body!(body);
            d.eas_meeting_response(&m.subject, m.answer).await
        }
        Op::EasSend => {
            let m: contract::EasSend = body!(body);
            match d.snapshot().smime.enabled || !m.attachments.is_empty() {
                true => d.smime_send(&m).await,
                false => d.eas_send(&m.to, &m.subject, &m.body).await,
            }
        }
        Op::SmimeImport => {
            let m: contract::SmimeImport = body!(body);
            d.smime_import(&m.subject, &m.file, &m.password).await
        }
        Op::SmimeChoose => {
            let m: contract::SmimeChoose = body!(body);
            d.smime_choose(m.role)
        }
        Op::SmimeSettings => {
            let m: contract::SmimeSettings = body!(body);
            d.smime_settings(&m).await
        }
        Op::SourceDeposit => {
            use base64::Engine;
            let m: contract::SourceDeposit = body!(body);
            match base64::engine::general_purpose::STANDARD.decode(m.pfx_base64.trim()) {
                Ok(pfx) => d.source_deposit(m.source, &pfx, &m.password),
                Err(e) => return error(400, format!("pfx_base64 is not base64: {e}")),
            }
        }
        Op::SmimeRead => {
            let m: contract::SmimeRead = body!(body);
            d.smime_read(&m.subject).await
        }
        Op::CompanionSync => {
            let c: contract::CompanionSync = body!(body);
            match super::companion::Companion::parse(&c.app) {
                Some(app) => d.companion_sync(app).await,
                None => return error(400, "send {\"app\": \"secure notes\" | \"secure tasks\"}"),
            }
        }
        Op::Logon => d.log_on().await,
        Op::State => Ok(()),
    };
    reply(200, &DeviceStateView { state: d.snapshot(), error: result.err().map(|e| e.published()) })
}
