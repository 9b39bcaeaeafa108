use crate::MailWorld;
use cucumber::{given, then, when};
use std::time::Duration;

#[given("a fresh simulation")]
fn fresh(w: &mut MailWorld) {
    w.sim();
}

#[when(expr = "{int} minute(s) pass(es)")]
fn minutes_pass(w: &mut MailWorld, n: u64) {
    w.deploy();
    w.sim().advance(Duration::from_secs(n * 60));
}

#[when(expr = "{int} second(s) pass(es)")]
fn seconds_pass(w: &mut MailWorld, n: u64) {
    w.deploy();
    w.sim().advance(Duration::from_secs(n));
}

#[then(expr = "the virtual clock reads {int} minute(s)")]
fn clock_reads(w: &mut MailWorld, n: u64) {
    assert_eq!(w.sim().elapsed(), Duration::from_secs(n * 60));
}
