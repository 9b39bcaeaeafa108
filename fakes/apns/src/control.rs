//! The server side of the control API whose routes and bodies [`crate::contract`] lists:
//! devices, their notifications, uninstalls, throttling, team keys and the request log.

use crate::contract::{self, DeviceInfo, Notifications, Op, TeamAdded, Uninstalled, ROUTES};
use crate::devices::Device;
use crate::server::Apns;
use crate::TeamKey;
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::{HandlerFuture, Request, Response};
use std::sync::Arc;
use std::time::Duration;

fn ready(r: Response) -> HandlerFuture {
    Box::pin(async move { r })
}

pub(crate) fn handle(apns: &Apns, req: Request) -> HandlerFuture {
    let (op, args) = match ROUTES.find(req.method().as_str(), req.uri().path()) {
        Ok(found) => found,
        Err(answer) => return ready(*answer),
    };
    let token = args.get("token");
    match op {
        Op::Register => ready(register(apns, req.body())),
        Op::Device => ready(with_device(apns, token, |d| reply(200, &describe(d)))),
        Op::Notifications => notifications(apns, token, req.uri().query().unwrap_or("")),
        Op::Uninstall => {
            let now = apns.env.clock.unix_millis();
            ready(with_device(apns, token, |d| {
                let at = d.uninstall(now);
                apns.env.store.put(crate::server::KEPT_DEVICES, &d.token, &describe(d));
                reply(200, &Uninstalled { token: d.token.clone(), uninstalled_at_ms: at })
            }))
        }
        Op::Throttle => ready(throttle(apns, req.body())),
        Op::AddTeam => ready(add_team(apns, req.body())),
        Op::Log => ready(match mailconform_sim::PageQuery::parse(req.uri().query()) {
            Ok(q) => reply(200, &apns.log.page(&q)),
            Err(e) => mailconform_sim::contract::error(400, e),
        }),
    }
}

fn describe(d: &Device) -> DeviceInfo {
    DeviceInfo {
        token: d.token.clone(),
        bundle_id: d.bundle_id.clone(),
        environment: d.environment,
        uninstalled_at_ms: d.uninstalled_at_ms(),
    }
}

fn with_device(apns: &Apns, token: &str, f: impl FnOnce(&Arc<Device>) -> Response) -> Response {
    match apns.devices.get(token) {
        Some(d) => f(&d),
        None => error(404, format!("no device with token {token}; register one with POST /devices")),
    }
}

fn register(apns: &Apns, body: &[u8]) -> Response {
    let r: contract::RegisterDevice = match parse(body) {
        Ok(r) => r,
        Err(answer) => return *answer,
    };
    if r.bundle_id.trim().is_empty() {
        return error(400, "bundle_id must not be empty");
    }
    // 32 bytes, as the tokens of current iOS versions.
    let token = apns.env.rng.hex(32);
    let device = apns.devices.register(token, &r.bundle_id, r.environment.unwrap_or(apns.environment));
    let info = describe(&device);
    apns.env.store.put(crate::server::KEPT_DEVICES, &info.token, &info);
    reply(200, &info)
}

fn notifications(apns: &Apns, token: &str, query: &str) -> HandlerFuture {
    let Some(device) = apns.devices.get(token) else {
        return ready(error(404, format!("no device with token {token}; register one with POST /devices")));
    };
    let (mut after, mut wait_ms) = (0u64, 0u64);
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let slot = match k {
            "after" => &mut after,
            "wait_ms" => &mut wait_ms,
            _ => continue,
        };
        match v.parse() {
            Ok(n) => *slot = n,
            Err(_) => return ready(error(400, format!("{k} must be a non-negative integer, got {v:?}"))),
        }
    }
    Box::pin(async move {
        let notifications = device.wait_after(after, Duration::from_millis(wait_ms)).await;
        reply(200, &Notifications { notifications })
    })
}

fn throttle(apns: &Apns, body: &[u8]) -> Response {
    let t: contract::Throttle = match parse(body) {
        Ok(t) => t,
        Err(answer) => return *answer,
    };
    with_device(apns, &t.token, |d| {
        d.throttle(t.count);
        reply(200, &contract::Throttle { token: d.token.clone(), count: t.count })
    })
}

fn add_team(apns: &Apns, body: &[u8]) -> Response {
    let team: TeamKey = match parse(body) {
        Ok(t) => t,
        Err(answer) => return *answer,
    };
    match apns.tokens.add_team(&team) {
        Ok(()) => reply(200, &TeamAdded { team_id: team.team_id, key_id: team.key_id }),
        Err(e) => error(400, e.to_string()),
    }
}
