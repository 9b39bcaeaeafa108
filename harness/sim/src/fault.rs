//! Faults a step can inject on a host, and the gate every server consults.
//!
//! The gate sits in front of a fake's HTTP handler, in the simulation and on real sockets
//! alike, so "cut the listener off" means the same thing in both: the fake's own code never
//! knows it is being faulted.

use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One fault on a host, as `/_mailconform/fault` takes it (`{"kind": "status", "status": 503}`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Fault {
    /// Connections are refused (in a simulation: `ECONNREFUSED` at connect; on a real socket
    /// the accepted connection is closed at once).
    Unreachable,
    /// Connections are accepted and then nothing is ever answered: the client's own timeout
    /// decides when it gives up.
    BlackHole,
    /// Every request is answered with this HTTP status and an empty body, as a load balancer
    /// in front of a dead back end would.
    Status {
        /// The HTTP status every request gets.
        status: u16,
    },
    /// Every request waits this long before the fake sees it.
    Latency {
        /// The delay, in milliseconds.
        millis: u64,
    },
}

/// The faults currently set on one host; clones share them. At most one fault of each kind.
#[derive(Clone, Debug, Default)]
pub struct FaultGate(Arc<Mutex<GateState>>);

#[derive(Debug, Default)]
struct GateState {
    faults: Vec<Fault>,
    generation: u64,
}

impl FaultGate {
    /// Sets `fault`, replacing a fault of the same kind.
    pub fn set(&self, fault: Fault) {
        let mut s = self.0.lock().expect("gate poisoned");
        s.faults.retain(|f| std::mem::discriminant(f) != std::mem::discriminant(&fault));
        s.faults.push(fault);
        s.generation += 1;
    }

    /// Lifts every fault.
    pub fn clear(&self) {
        let mut s = self.0.lock().expect("gate poisoned");
        s.faults.clear();
        s.generation += 1;
    }

    /// The faults set, in the order they were set.
    pub fn faults(&self) -> Vec<Fault> {
        self.0.lock().expect("gate poisoned").faults.clone()
    }

    /// Bumped on every change, so that connections opened before a fault can be cut.
    pub fn generation(&self) -> u64 {
        self.0.lock().expect("gate poisoned").generation
    }

    /// Whether connections are refused.
    pub fn unreachable(&self) -> bool {
        self.faults().contains(&Fault::Unreachable)
    }

    /// Whether connections are accepted and never answered.
    pub fn black_hole(&self) -> bool {
        self.faults().contains(&Fault::BlackHole)
    }

    /// The status every request is answered with, if one is set.
    pub fn status_override(&self) -> Option<u16> {
        self.faults().iter().find_map(|f| match f {
            Fault::Status { status } => Some(*status),
            _ => None,
        })
    }

    /// The delay before each request reaches the fake, if one is set.
    pub fn latency(&self) -> Option<Duration> {
        self.faults().iter().find_map(|f| match f {
            Fault::Latency { millis } => Some(Duration::from_millis(*millis)),
            _ => None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_new_fault_of_the_same_kind_replaces_the_old() {
        let g = FaultGate::default();
        g.set(Fault::Status { status: 503 });
        g.set(Fault::Status { status: 500 });
        g.set(Fault::Latency { millis: 10 });
        assert_eq!(g.status_override(), Some(500));
        assert_eq!(g.latency(), Some(Duration::from_millis(10)));
        let gen = g.generation();
        g.clear();
        assert!(g.faults().is_empty());
        assert!(g.generation() > gen);
    }
}
