//! The device-facing API of ENS (routes and bodies in [`super::contract`]): alive, register,
//! unregister, and Exchange's notifications.

use super::contract::{self, Alive, ApiOp, EwsRefusal, Registered};
use super::{Ens, EnsRegistration, EnsRequestRecord};
use crate::role_error::{Kinded, RoleError};
use mailconform_sim::contract::{error, no_content, parse, reply, Args};
use mailconform_sim::{Request, Response};
use std::sync::Arc;

pub(super) async fn handle(ens: &Arc<Ens>, req: &Request, op: ApiOp, args: &Args) -> Response {
    match op {
        ApiOp::Alive => reply(200, &Alive { status: "alive".into() }),
        ApiOp::Register => {
            let (device_id, resp) = match parse::<contract::NewRegistration>(req.body()) {
                Ok(r) => (r.device_id.clone(), register(ens, r).await),
                Err(answer) => (String::new(), *answer),
            };
            record(ens, "register", &device_id, resp.status().as_u16());
            resp
        }
        ApiOp::Unregister => {
            let device_id = args.get("device_id");
            let known = ens.lock().registrations.remove(&device_id.to_ascii_lowercase()).is_some();
            let status = if known { 204 } else { 404 };
            record(ens, "unregister", device_id, status);
            if known {
                no_content()
            } else {
                error(404, format!("device {device_id} is not registered"))
            }
        }
        ApiOp::Notify => super::notify::handle(ens, args.get("device_id"), req).await,
    }
}

fn record(ens: &Ens, call: &str, device_id: &str, status: u16) {
    let at_ms = ens.now_ms();
    ens.lock().requests.push(EnsRequestRecord { at_ms, call: call.into(), device_id: device_id.to_string(), status });
}

/// Subscribe to EWS push for the device, with its own authentication, before saying yes:
/// a registration ENS cannot act on is refused (502) with EWS's answer as a
/// [`crate::role_error::RoleError`].
async fn register(ens: &Arc<Ens>, r: contract::NewRegistration) -> Response {
    let device_id = r.device_id.to_ascii_lowercase();
    let inbox = match ens.inbox(&device_id, &r.auth).await {
        Ok(f) => f,
        Err(e) => return refused(&e, "reading the inbox over EWS"),
    };
    let id = match ens.subscribe(&device_id, &r.auth, &inbox.folder_id).await {
        Ok(id) => id,
        Err(e) => return refused(&e, "subscribing to EWS push"),
    };
    let reg = EnsRegistration {
        device_id: device_id.clone(),
        email: r.email,
        apns_token: r.apns_token,
        auth: r.auth,
        subscription_id: Some(id.clone()),
    };
    ens.lock().registrations.insert(device_id, reg);
    reply(201, &Registered { subscription_id: id })
}

fn refused(e: &super::ews::EwsFailure, doing: &str) -> Response {
    let error = RoleError::new(e.kind(), format!("{doing} failed: {e}"));
    reply(502, &EwsRefusal { error, ews_status: e.status() })
}
