//! Boxer's control contract: what a tester does with the app. Every route answers Boxer's
//! state after the action, with the action's error if it failed ([`BoxerView`]). Routes,
//! bodies and the typed client.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/_mailconform/setup` | | [`BoxerView`]: a device token from APNs, the registration with ENS |
//! | `POST` | `/_mailconform/sync` | | [`BoxerView`]: ActiveSync through SEG (OPTIONS, Provision, FolderSync, Sync of the Inbox) |
//! | `POST` | `/_mailconform/checkin` | | [`BoxerView`]: the console's commands are picked up (an enterprise wipe starts here) |
//! | `GET` | `/_mailconform/state` | | [`BoxerView`]: token, registration, sync result, wipe and unregistration attempts |

use super::BoxerState;
use crate::role_error::{ErrorKind, RoleError};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};
use std::time::Duration;

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Setup,
    Sync,
    CheckIn,
    State,
}

pub(crate) const ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(Op::Setup, "POST", "/setup"),
        Route::new(Op::Sync, "POST", "/sync"),
        Route::new(Op::CheckIn, "POST", "/checkin"),
        Route::new(Op::State, "GET", "/state"),
    ],
);

/// Boxer's state, with the error of the action that returned it (if it failed).
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct BoxerView {
    /// Boxer's state after the action, flattened beside `error`.
    #[serde(flatten)]
    pub state: BoxerState,
    /// The action's failure: its kind and message (see [`crate::role_error`]).
    #[serde(default)]
    pub error: Option<RoleError>,
}

impl Body for BoxerView {
    fn example() -> Self {
        BoxerView {
            state: BoxerState {
                device_token: Some("5f2d0c9a6e8b41d3a7c2e9f0b1d4a6c85f2d0c9a6e8b41d3a7c2e9f0b1d4a6c8".into()),
                registered: true,
                register_error: Some(RoleError::new(
                    ErrorKind::BadGateway,
                    "registering with ENS: reading the inbox over EWS failed: EWS answered HTTP 502",
                )),
                eas_synced: true,
                eas_error: Some(RoleError::new(ErrorKind::Forbidden, "Provision: HTTP 403")),
                inbox: vec!["Quarterly numbers".into()],
                wiped: true,
                unregister_attempts: 2,
                unregistered_at_ms: Some(1_767_600_600_000),
                log: vec!["2026-01-05T09:00:00Z registered with ENS".into()],
            },
            error: Some(RoleError::new(ErrorKind::Wiped, "Boxer was wiped; it holds no account")),
        }
    }
}

/// The longest a control action waits for the device: it may wait on every server behind it
/// (ENS, SEG, Exchange, each with its own timeouts).
const ACTION_TIMEOUT: Duration = Duration::from_secs(600);

/// Typed client of Boxer's control API, for steps. Every call answers the state after it,
/// with `error` set when the action failed (a [`RoleError`]: kind and message).
#[derive(Clone)]
pub struct BoxerControl(pub ControlClient);

impl BoxerControl {
    async fn act(&self, path: &str) -> Result<BoxerView, ControlError> {
        self.0.post_waiting::<(), _>(path, None, ACTION_TIMEOUT).await
    }

    /// Gets a device token from APNs and registers with ENS (`POST /setup`).
    pub async fn setup(&self) -> Result<BoxerView, ControlError> {
        self.act("/setup").await
    }

    /// Syncs the Inbox over ActiveSync through SEG (`POST /sync`).
    pub async fn sync(&self) -> Result<BoxerView, ControlError> {
        self.act("/sync").await
    }

    /// Checks in with the UEM console and acts on its commands (`POST /checkin`).
    pub async fn check_in(&self) -> Result<BoxerView, ControlError> {
        self.act("/checkin").await
    }

    /// Boxer's state, without acting (`GET /state`).
    pub async fn state(&self) -> Result<BoxerView, ControlError> {
        self.0.get("/state").await
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::contract_check::check_handler_serves;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<BoxerView>();
    }

    #[test]
    fn every_documented_route_reaches_the_handler() {
        let (sim, env) = crate::contract_check::sim();
        let b = {
            let _rt = sim.enter();
            super::super::Boxer::new(env, crate::deployment::default_boxer_config("alice", "alice@example.test"))
        };
        check_handler_serves(&sim, b, include_str!("contract.rs"));
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[ROUTES.listing()]);
    }
}
