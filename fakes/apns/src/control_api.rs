//! The server side of the control API (see the table in the crate documentation): devices,
//! their notifications, uninstalls, throttling, team keys and the request log.
//!
//! Errors are JSON `{"error": "..."}` saying what was expected, so a step's failure message
//! is enough to fix the call.

use crate::devices::Device;
use crate::server::Apns;
use crate::{Environment, TeamKey};
use mailconform_sim::http::json_response;
use mailconform_sim::{HandlerFuture, Request, Response};
use serde::Deserialize;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const KNOWN: &str = "POST /devices, GET /devices/<token>, GET /devices/<token>/notifications, POST /devices/<token>/uninstall, POST /throttle, POST /teams, GET /log";

fn error(status: u16, msg: impl Into<String>) -> Response {
    json_response(status, &json!({"error": msg.into()}))
}

fn ready(r: Response) -> HandlerFuture {
    Box::pin(async move { r })
}

pub(crate) fn handle(apns: &Apns, req: Request) -> HandlerFuture {
    let path = req.uri().path().strip_prefix(mailconform_sim::CONTROL_PREFIX).unwrap_or("").to_string();
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    let method = req.method().clone();
    let is = |m: &http::Method| method == *m;
    match segments.as_slice() {
        ["devices"] if is(&http::Method::POST) => ready(register(apns, req.body())),
        ["devices", token] if is(&http::Method::GET) => ready(with_device(apns, token, |d| json_response(200, &describe(d)))),
        ["devices", token, "notifications"] if is(&http::Method::GET) => notifications(apns, token, req.uri().query().unwrap_or("")),
        ["devices", token, "uninstall"] if is(&http::Method::POST) => {
            let now = apns.env.clock.unix_millis();
            ready(with_device(apns, token, |d| {
                let at = d.uninstall(now);
                json_response(200, &json!({"token": d.token, "uninstalled_at_ms": at}))
            }))
        }
        ["throttle"] if is(&http::Method::POST) => ready(throttle(apns, req.body())),
        ["teams"] if is(&http::Method::POST) => ready(add_team(apns, req.body())),
        ["log"] if is(&http::Method::GET) => ready(json_response(200, &serde_json::to_value(apns.log.entries()).unwrap_or_default())),
        ["devices"] | ["devices", _] | ["devices", _, "notifications" | "uninstall"] | ["throttle"] | ["teams"] | ["log"] => {
            ready(error(405, format!("{method} is not allowed on {path}; the control API has {KNOWN}")))
        }
        _ => ready(error(404, format!("no APNs control endpoint {path}; the control API has {KNOWN}"))),
    }
}

fn describe(d: &Device) -> serde_json::Value {
    json!({
        "token": d.token,
        "bundle_id": d.bundle_id,
        "environment": d.environment,
        "uninstalled_at_ms": d.uninstalled_at_ms(),
    })
}

fn with_device(apns: &Apns, token: &str, f: impl FnOnce(&Arc<Device>) -> Response) -> Response {
    match apns.devices.get(token) {
        Some(d) => f(&d),
        None => error(404, format!("no device with token {token}; register one with POST /devices")),
    }
}

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8], example: &str) -> Result<T, Box<Response>> {
    serde_json::from_slice(body).map_err(|e| Box::new(error(400, format!("expected a body like {example}: {e}"))))
}

#[derive(Deserialize)]
struct Register {
    bundle_id: String,
    #[serde(default)]
    environment: Option<Environment>,
}

fn register(apns: &Apns, body: &[u8]) -> Response {
    let r: Register = match parse(body, r#"{"bundle_id": "com.example.securemail", "environment": "production"}"#) {
        Ok(r) => r,
        Err(e) => return *e,
    };
    if r.bundle_id.trim().is_empty() {
        return error(400, "bundle_id must not be empty");
    }
    // 32 bytes, as the tokens of current iOS versions.
    let token = apns.env.rng.hex(32);
    let device = apns.devices.register(token, &r.bundle_id, r.environment.unwrap_or(apns.environment));
    json_response(200, &describe(&device))
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
        let list = device.wait_after(after, Duration::from_millis(wait_ms)).await;
        json_response(200, &json!({"notifications": list}))
    })
}

#[derive(Deserialize)]
struct Throttle {
    token: String,
    count: u32,
}

fn throttle(apns: &Apns, body: &[u8]) -> Response {
    let t: Throttle = match parse(body, r#"{"token": "<device token>", "count": 3}"#) {
        Ok(t) => t,
        Err(e) => return *e,
    };
    with_device(apns, &t.token, |d| {
        d.throttle(t.count);
        json_response(200, &json!({"token": d.token, "count": t.count}))
    })
}

fn add_team(apns: &Apns, body: &[u8]) -> Response {
    let team: TeamKey =
        match parse(body, r#"{"team_id": "TEAM123456", "key_id": "KEY1234567", "public_key_pem": "-----BEGIN PUBLIC KEY-----..."}"#) {
            Ok(t) => t,
            Err(e) => return *e,
        };
    match apns.tokens.add_team(&team) {
        Ok(()) => json_response(200, &json!({"team_id": team.team_id, "key_id": team.key_id})),
        Err(e) => error(400, e.to_string()),
    }
}
