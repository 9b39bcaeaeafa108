//! What a live run adds to its scenarios.

use crate::MailWorld;
use cucumber::then;

/// Closes a scenario of a live run with real components beside its fakes (listeners, a SEG) (the run appends it; features do not write it): not applicable when no step reached a real component.
#[then("the scenario reached a real component of the run")]
fn reached(w: &mut MailWorld) {
    w.check_reached_real_component();
}
