use mailconform_sim::Simulation;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static RUN_SEED: AtomicU64 = AtomicU64::new(1);

/// The seed of the whole run; each scenario derives its own from it and its name, so a
/// scenario's outcome does not depend on which others run beside it.
pub fn set_run_seed(seed: u64) {
    RUN_SEED.store(seed, Ordering::SeqCst);
}

pub fn run_seed() -> u64 {
    RUN_SEED.load(Ordering::SeqCst)
}

pub fn scenario_seed(run: u64, feature: &str, scenario: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ run;
    for b in feature.bytes().chain([0u8]).chain(scenario.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct MailWorld {
    pub sim: Option<Simulation>,
    pub seed: u64,
}

impl std::fmt::Debug for MailWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailWorld").field("seed", &self.seed).field("virtual_time", &self.sim.as_ref().map(|s| s.elapsed())).finish()
    }
}

impl MailWorld {
    fn new() -> Self {
        MailWorld { sim: None, seed: run_seed() }
    }

    /// The scenario's simulation, created on first use with the scenario's seed.
    pub fn sim(&mut self) -> &mut Simulation {
        if self.sim.is_none() {
            self.sim = Some(Simulation::new(self.seed).expect("the simulation could not start (certificate minting failed)"));
        }
        self.sim.as_mut().expect("just created")
    }

    /// Virtual time this scenario covered.
    pub fn virtual_elapsed(&self) -> Duration {
        self.sim.as_ref().map(|s| s.elapsed()).unwrap_or_default()
    }
}
