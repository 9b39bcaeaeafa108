//! Test support: drives a role's handler with every route its contract documents.

use mailconform_sim::contract::check_served;
use mailconform_sim::{ConnInfo, FakeEnv, SharedHandler, Simulation};
use std::sync::Arc;

/// A simulation to build a fake in, and the environment the fake gets.
pub(crate) fn sim() -> (Simulation, FakeEnv) {
    let sim = Simulation::new(7).expect("simulation starts");
    let env = crate::deployment::env(&sim, "fake");
    (sim, env)
}

/// Panics unless `handler` serves every route documented in `source` (its contract module).
pub(crate) fn check_handler_serves<H: SharedHandler + Send + Sync + 'static>(sim: &Simulation, handler: Arc<H>, source: &str) {
    sim.block_on(check_served(source, |req| handler.clone().handle(req, ConnInfo::default())));
}
