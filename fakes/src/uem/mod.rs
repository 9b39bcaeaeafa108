//! The UEM console's view of devices, as SEG V2 consults it per request: a device is
//! compliant, non-compliant, enterprise-wiped or removed, and an administrator changes that
//! state. It also queues the commands a managed app picks up at check-in (enterprise wipe).
//! [`contract`] lists its routes and bodies and holds the typed clients.

pub mod contract;

use contract::{ApiOp, Commands, Compliance, ControlOp, DeviceCommand, ManagedDevice, API_ROUTES, CONTROL_ROUTES};
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, SharedHandler};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub use contract::{ComplianceState, ConsoleClient, UemControl};

/// Where SEG and the managed apps reach the console (with a trailing slash).
pub const API_PREFIX: &str = "/api/mdm/devices/";

/// The UEM console: its device API and its control API.
pub(crate) struct Uem {
    devices: Mutex<BTreeMap<String, ManagedDevice>>,
}

impl Uem {
    pub(crate) fn new(_env: FakeEnv) -> Arc<Uem> {
        Arc::new(Uem { devices: Mutex::new(BTreeMap::new()) })
    }

    fn api(&self, op: ApiOp, id: &str) -> mailconform_sim::Response {
        let mut devices = self.devices.lock().expect("devices poisoned");
        let Some(d) = devices.get_mut(&id.to_ascii_lowercase()) else {
            return error(404, format!("device {id} is not managed by this console"));
        };
        match op {
            ApiOp::Compliance => {
                d.lookups += 1;
                reply(200, &Compliance { device_id: id.to_string(), user: d.user.clone(), state: d.state })
            }
            ApiOp::Commands => reply(200, &Commands { commands: std::mem::take(&mut d.pending) }),
        }
    }

    fn control(&self, op: ControlOp, id: &str, body: &[u8]) -> mailconform_sim::Response {
        let mut devices = self.devices.lock().expect("devices poisoned");
        match op {
            ControlOp::Enrol => {
                let enrolment: contract::Enrolment = match parse(body) {
                    Ok(e) => e,
                    Err(answer) => return *answer,
                };
                let state = enrolment.state;
                let entry = devices.entry(id.to_ascii_lowercase()).or_insert_with(|| ManagedDevice {
                    user: String::new(),
                    state,
                    pending: Vec::new(),
                    lookups: 0,
                });
                if let Some(user) = enrolment.user {
                    entry.user = user;
                }
                entry.state = state;
                if state == ComplianceState::EnterpriseWiped && !entry.pending.contains(&DeviceCommand::EnterpriseWipe) {
                    entry.pending.push(DeviceCommand::EnterpriseWipe);
                }
                reply(200, &*entry)
            }
            ControlOp::Devices => reply(200, &*devices),
        }
    }
}

impl SharedHandler for Uem {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path();
            let method = req.method().as_str();
            if CONTROL_ROUTES.covers(path) {
                return match CONTROL_ROUTES.find(method, path) {
                    Ok((op, args)) => self.control(op, args.get("device_id"), req.body()),
                    Err(answer) => *answer,
                };
            }
            if API_ROUTES.covers(path) {
                return match API_ROUTES.find(method, path) {
                    Ok((op, args)) => self.api(op, args.get("device_id")),
                    Err(answer) => *answer,
                };
            }
            error(404, format!("no such endpoint {path}"))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::{ControlClient, Simulation};

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
        let api = ConsoleClient(ControlClient::new(sim.client(), "https://uem.example.test/api/mdm/devices"));
        sim.block_on(control.set_state("Boxer1", "alice@example.test", ComplianceState::Compliant)).unwrap();
        assert_eq!(sim.block_on(api.compliance("boxer1")).unwrap().state, ComplianceState::Compliant);
        for _ in 0..2 {
            sim.block_on(control.set_state("Boxer1", "alice@example.test", ComplianceState::EnterpriseWiped)).unwrap();
        }
        assert_eq!(sim.block_on(api.commands("Boxer1")).unwrap().commands, [DeviceCommand::EnterpriseWipe]);
        assert_eq!(sim.block_on(api.commands("Boxer1")).unwrap().commands, []);
        assert!(sim.block_on(api.compliance("unknown")).is_err(), "an unmanaged device is 404");
        assert_eq!(sim.block_on(control.devices()).unwrap()["boxer1"].lookups, 1);
    }
}
