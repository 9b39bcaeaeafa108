//! The UEM console's view of devices, as SEG V2 consults it per request: a device is
//! compliant, non-compliant, enterprise-wiped or removed, and an administrator changes that
//! state. It also queues the commands a managed app picks up at check-in (enterprise wipe).
//!
//! | API | what it is |
//! | --- | --- |
//! | `GET /api/mdm/devices/{device_id}/compliance` | `{"device_id","user","state"}`; 404 for a device the console does not manage |
//! | `GET /api/mdm/devices/{device_id}/commands` | the commands waiting for the device, handed over once (`["EnterpriseWipe"]`) |
//! | control `PUT /_mailconform/devices/{device_id}` `{"user","state"}` | enrol a device or change its state; `enterprise_wiped` also queues `EnterpriseWipe` |
//! | control `GET /_mailconform/devices` | every device and how often SEG asked about it |

use mailconform_sim::http::{json_body, json_response, segments};
use mailconform_sim::{ConnInfo, ControlClient, ControlError, FakeEnv, HandlerFuture, Request, SharedHandler, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Where SEG and the managed apps reach the console.
pub const API_PREFIX: &str = "/api/mdm/devices/";

/// A device's standing in the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceState {
    Compliant,
    NonCompliant,
    EnterpriseWiped,
    Removed,
}

impl ComplianceState {
    /// Whether mail traffic of a device in this state may pass the gateway.
    pub fn allows_mail(self) -> bool {
        self == ComplianceState::Compliant
    }

    pub fn parse(s: &str) -> Option<ComplianceState> {
        serde_json::from_value(Value::String(s.replace([' ', '-'], "_").to_ascii_lowercase())).ok()
    }
}

#[derive(Clone, Debug, Serialize)]
struct ManagedDevice {
    user: String,
    state: ComplianceState,
    /// Commands not yet picked up.
    pending: Vec<String>,
    /// How many times the gateway asked about this device.
    lookups: u64,
}

pub struct Uem {
    devices: Mutex<BTreeMap<String, ManagedDevice>>,
}

impl Uem {
    pub fn new(_env: FakeEnv) -> Arc<Uem> {
        Arc::new(Uem { devices: Mutex::new(BTreeMap::new()) })
    }

    fn api(&self, method: &str, rest: &str) -> mailconform_sim::Response {
        let parts = segments(rest);
        let mut devices = self.devices.lock().expect("devices poisoned");
        match (method, parts.as_slice()) {
            ("GET", [id, "compliance"]) => match devices.get_mut(&id.to_ascii_lowercase()) {
                Some(d) => {
                    d.lookups += 1;
                    json_response(200, &json!({"device_id": id, "user": d.user, "state": d.state}))
                }
                None => json_response(404, &json!({"error": format!("device {id} is not managed by this console")})),
            },
            ("GET", [id, "commands"]) => match devices.get_mut(&id.to_ascii_lowercase()) {
                Some(d) => json_response(200, &json!({"commands": std::mem::take(&mut d.pending)})),
                None => json_response(404, &json!({"error": format!("device {id} is not managed by this console")})),
            },
            _ => json_response(404, &json!({"error": format!("no such API {method} {API_PREFIX}{rest}")})),
        }
    }

    fn control(&self, method: &str, rest: &str, body: &[u8]) -> mailconform_sim::Response {
        let parts = segments(rest);
        let mut devices = self.devices.lock().expect("devices poisoned");
        match (method, parts.as_slice()) {
            ("PUT", ["devices", id]) => {
                let body = match json_body(body) {
                    Ok(v) => v,
                    Err(answer) => return *answer,
                };
                let Some(state) = body["state"].as_str().and_then(ComplianceState::parse) else {
                    return json_response(
                        400,
                        &json!({"error": "send {\"user\": \"alice@example.test\", \"state\": \"compliant|non_compliant|enterprise_wiped|removed\"}"}),
                    );
                };
                let entry = devices.entry(id.to_ascii_lowercase()).or_insert_with(|| ManagedDevice {
                    user: String::new(),
                    state,
                    pending: Vec::new(),
                    lookups: 0,
                });
                if let Some(user) = body["user"].as_str() {
                    entry.user = user.to_string();
                }
                entry.state = state;
                if state == ComplianceState::EnterpriseWiped && !entry.pending.iter().any(|c| c == "EnterpriseWipe") {
                    entry.pending.push("EnterpriseWipe".into());
                }
                json_response(200, &serde_json::to_value(&*entry).unwrap_or_default())
            }
            ("GET", ["devices"]) => json_response(200, &serde_json::to_value(&*devices).unwrap_or_default()),
            _ => json_response(404, &json!({"error": format!("no control operation {method} {rest}")})),
        }
    }
}

impl SharedHandler for Uem {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path().to_string();
            let method = req.method().as_str().to_string();
            if let Some(rest) = path.strip_prefix(CONTROL_PREFIX) {
                return self.control(&method, rest, req.body());
            }
            if let Some(rest) = path.strip_prefix(API_PREFIX) {
                return self.api(&method, rest);
            }
            json_response(404, &json!({"error": format!("no such endpoint {path}")}))
        })
    }
}

/// Typed client of the console's control API, for steps.
#[derive(Clone)]
pub struct UemControl(pub ControlClient);

impl UemControl {
    pub async fn set_state(&self, device_id: &str, user: &str, state: ComplianceState) -> Result<Value, ControlError> {
        self.0.put(&format!("/devices/{device_id}"), &json!({"user": user, "state": state})).await
    }

    pub async fn devices(&self) -> Result<Value, ControlError> {
        self.0.get("/devices").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::Simulation;

    #[test]
    fn states_read_as_the_console_writes_them() {
        assert_eq!(ComplianceState::parse("non-compliant"), Some(ComplianceState::NonCompliant));
        assert_eq!(ComplianceState::parse("Enterprise Wiped"), Some(ComplianceState::EnterpriseWiped));
        assert_eq!(ComplianceState::parse("lost"), None);
        assert!(ComplianceState::Compliant.allows_mail() && !ComplianceState::Removed.allows_mail());
    }

    #[test]
    fn an_enterprise_wipe_is_queued_once_and_handed_over_once() {
        let mut sim = Simulation::new(1).unwrap();
        let uem = {
            let _rt = sim.enter();
            Uem::new(crate::deployment::env(&sim, "uem"))
        };
        sim.add_host("uem", "uem.example.test", Arc::new(uem), mailconform_sim::tls::ClientAuth::None, false).unwrap();
        let control = UemControl(ControlClient::new(sim.control_client(), "https://uem.example.test/_mailconform"));
        let api = ControlClient::new(sim.client(), "https://uem.example.test/api/mdm/devices");
        sim.block_on(control.set_state("Boxer1", "alice@example.test", ComplianceState::Compliant)).unwrap();
        assert_eq!(sim.block_on(api.get("/boxer1/compliance")).unwrap()["state"], "compliant");
        for _ in 0..2 {
            sim.block_on(control.set_state("Boxer1", "alice@example.test", ComplianceState::EnterpriseWiped)).unwrap();
        }
        assert_eq!(sim.block_on(api.get("/Boxer1/commands")).unwrap()["commands"], json!(["EnterpriseWipe"]));
        assert_eq!(sim.block_on(api.get("/Boxer1/commands")).unwrap()["commands"], json!([]));
        assert!(sim.block_on(api.get("/unknown/compliance")).is_err(), "an unmanaged device is 404");
        assert_eq!(sim.block_on(control.devices()).unwrap()["boxer1"]["lookups"], 1);
    }
}
