//! The UEM console's contracts: the device API SEG V2 and the managed apps call, and the
//! control API an administrator (a step) changes devices through. Routes, bodies and the
//! typed clients ([`UemControl`] for steps, [`ConsoleClient`] for SEG and Boxer).
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/api/mdm/devices/{device_id}/compliance` | | [`Compliance`]; 404 for a device the console does not manage |
//! | `GET` | `/api/mdm/devices/{device_id}/commands` | | [`Commands`]: the commands waiting for the device, handed over once |
//! | `PUT` | `/_mailconform/devices/{device_id}` | [`Enrolment`] | [`ManagedDevice`]: enrolled or changed; `enterprise_wiped` also queues `EnterpriseWipe` |
//! | `GET` | `/_mailconform/devices` | | map of device ID to [`ManagedDevice`]: every device and how often SEG asked about it |
//!
//! Refusals are `{"error": …}`; a body that does not parse is refused with 400 and an
//! example of the expected one.

use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Where SEG and the managed apps reach the console's device API.
pub const API_ROOT: &str = "/api/mdm/devices";

/// The operations of the device API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ApiOp {
    Compliance,
    Commands,
}

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlOp {
    Enrol,
    Devices,
}

pub(crate) const API_ROUTES: Routes<ApiOp> = Routes::new(
    API_ROOT,
    &[Route::new(ApiOp::Compliance, "GET", "/{device_id}/compliance"), Route::new(ApiOp::Commands, "GET", "/{device_id}/commands")],
);

pub(crate) const CONTROL_ROUTES: Routes<ControlOp> = Routes::new(
    CONTROL_PREFIX,
    &[Route::new(ControlOp::Enrol, "PUT", "/devices/{device_id}"), Route::new(ControlOp::Devices, "GET", "/devices")],
);

/// A device's standing in the console.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComplianceState {
    /// The device meets the console's compliance policies: mail passes SEG.
    Compliant,
    /// The device breaks a compliance policy: SEG blocks its mail, ENS its pushes.
    NonCompliant,
    /// An administrator wiped the device's corporate data; the app is told at check-in.
    EnterpriseWiped,
    /// The device was removed from management.
    Removed,
}

impl ComplianceState {
    /// Whether mail traffic of a device in this state may pass the gateway.
    pub fn allows_mail(self) -> bool {
        self == ComplianceState::Compliant
    }

    /// Its word on the wire and in an adapter command: `compliant`, `non_compliant`,
    /// `enterprise_wiped`, `removed`.
    pub fn word(self) -> &'static str {
        match self {
            ComplianceState::Compliant => "compliant",
            ComplianceState::NonCompliant => "non_compliant",
            ComplianceState::EnterpriseWiped => "enterprise_wiped",
            ComplianceState::Removed => "removed",
        }
    }

    /// The console's words: `compliant`, `non-compliant`, `enterprise wiped`, `removed`.
    pub fn parse(s: &str) -> Option<ComplianceState> {
        serde_json::from_value(serde_json::Value::String(s.replace([' ', '-'], "_").to_ascii_lowercase())).ok()
    }
}

/// A command a managed app picks up at check-in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeviceCommand {
    /// Delete the app's corporate data.
    EnterpriseWipe,
}

/// What the console says of a device when SEG asks.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Compliance {
    /// The device asked about.
    pub device_id: String,
    /// The user it is enrolled for.
    pub user: String,
    /// Its standing.
    pub state: ComplianceState,
}

/// The commands waiting for a device.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Commands {
    /// Commands in the order they were queued; each is handed over once.
    pub commands: Vec<DeviceCommand>,
}

/// Enrols a device or changes its state (the user stays as it was when absent).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrolment {
    /// The user to enrol the device for; absent: unchanged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The device's new standing.
    pub state: ComplianceState,
}

/// A device the console manages.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManagedDevice {
    /// The user it is enrolled for.
    pub user: String,
    /// Its standing.
    pub state: ComplianceState,
    /// Commands not yet picked up.
    pub pending: Vec<DeviceCommand>,
    /// How many times the gateway asked about this device.
    pub lookups: u64,
}

impl Body for Compliance {
    fn example() -> Self {
        Compliance { device_id: "boxer1".into(), user: "alice@example.test".into(), state: ComplianceState::NonCompliant }
    }
}

impl Body for Commands {
    fn example() -> Self {
        Commands { commands: vec![DeviceCommand::EnterpriseWipe] }
    }
}

impl Body for Enrolment {
    fn example() -> Self {
        Enrolment { user: Some("alice@example.test".into()), state: ComplianceState::Compliant }
    }
}

impl Body for ManagedDevice {
    fn example() -> Self {
        ManagedDevice {
            user: "alice@example.test".into(),
            state: ComplianceState::EnterpriseWiped,
            pending: vec![DeviceCommand::EnterpriseWipe],
            lookups: 3,
        }
    }
}

/// Typed client of the console's control API, for steps.
#[derive(Clone)]
pub struct UemControl(pub ControlClient);

impl UemControl {
    /// Enrols `device_id` for `user` in `state`, or changes its state.
    pub async fn set_state(&self, device_id: &str, user: &str, state: ComplianceState) -> Result<ManagedDevice, ControlError> {
        self.0.put(&format!("/devices/{device_id}"), &Enrolment { user: Some(user.into()), state }).await
    }

    /// Every device, by its (lower-cased) ID.
    pub async fn devices(&self) -> Result<BTreeMap<String, ManagedDevice>, ControlError> {
        self.0.get("/devices").await
    }
}

/// The device API as SEG and the managed apps call it: build it with
/// `https://<console>/api/mdm/devices`.
#[derive(Clone)]
pub struct ConsoleClient(pub ControlClient);

impl ConsoleClient {
    /// The device's standing (`GET /api/mdm/devices/{id}/compliance`); 404 when not managed.
    pub async fn compliance(&self, device_id: &str) -> Result<Compliance, ControlError> {
        self.0.get(&format!("/{device_id}/compliance")).await
    }

    /// The commands waiting for the device; the console hands each over once.
    pub async fn commands(&self, device_id: &str) -> Result<Commands, ControlError> {
        self.0.get(&format!("/{device_id}/commands")).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn a_states_word_is_its_word_on_the_wire() {
        use ComplianceState::*;
        for state in [Compliant, NonCompliant, EnterpriseWiped, Removed] {
            assert_eq!(serde_json::to_value(state).unwrap(), serde_json::json!(state.word()));
            assert_eq!(ComplianceState::parse(state.word()), Some(state));
        }
    }

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<Compliance>();
        check_round_trip::<Commands>();
        check_round_trip::<Enrolment>();
        check_round_trip::<ManagedDevice>();
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let uem = {
            let _rt = sim.enter();
            super::super::Uem::new(env)
        };
        check_handler_serves(&sim, uem, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[API_ROUTES.listing(), CONTROL_ROUTES.listing()]);
    }
}
