use crate::MailWorld;
use cucumber::{given, then, when};
use std::time::Duration;

/// A simulation with nothing deployed yet, its clock at zero.
#[given("a fresh simulation")]
fn fresh(w: &mut MailWorld) {
    w.sim();
}

/// The virtual clock moves on this many minutes; everything due in between happens.
#[when(expr = "{int} minute(s) pass(es)")]
fn minutes_pass(w: &mut MailWorld, n: u64) {
    w.deploy();
    w.sim().advance(Duration::from_secs(n * 60));
}

/// The virtual clock moves on this many hours; everything due in between happens.
#[when(expr = "{int} hour(s) pass(es)")]
fn hours_pass(w: &mut MailWorld, n: u64) {
    w.deploy();
    w.sim().advance(Duration::from_secs(n * 3600));
}

/// The virtual clock moves on this many hours and minutes; everything due in between happens.
#[when(expr = "{int} hour(s) and {int} minute(s) pass")]
fn hours_minutes_pass(w: &mut MailWorld, h: u64, m: u64) {
    w.deploy();
    w.sim().advance(Duration::from_secs(h * 3600 + m * 60));
}

/// The virtual clock moves on this many seconds; everything due in between happens.
#[when(expr = "{int} second(s) pass(es)")]
fn seconds_pass(w: &mut MailWorld, n: u64) {
    w.deploy();
    w.sim().advance(Duration::from_secs(n));
}

/// Exactly this many minutes of virtual time have passed since the scenario began.
#[then(expr = "the virtual clock reads {int} minute(s)")]
fn clock_reads(w: &mut MailWorld, n: u64) {
    assert_eq!(w.sim().elapsed(), Duration::from_secs(n * 60));
}
