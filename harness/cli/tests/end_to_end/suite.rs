//! `run_suite` in-process: determinism and per-scenario clocks.

use crate::common;

use common::fixture;
use mailconform::{run_suite, Outcome, RunOptions};
use std::sync::Mutex;
use std::time::Duration;

/// Cucumber swaps the process panic hook during a run; keep in-process runs one at a time.
static IN_PROCESS: Mutex<()> = Mutex::new(());

fn opts(features: &[&str]) -> RunOptions {
    RunOptions { features: features.iter().map(|f| fixture(f)).collect(), ..RunOptions::default() }
}

#[test]
fn same_seed_gives_identical_outcomes_twenty_times() {
    let _one = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    let options = RunOptions { seed: 7, ..opts(&["passing", "failing", "undefined", "concurrent", "outline"]) };
    let first = run_suite(&options).expect("suite runs");
    assert_eq!(first.scenarios.len(), 7);
    assert_eq!((first.counts.passed, first.counts.failed), (5, 2));
    for i in 1..20 {
        let again = run_suite(&options).expect("suite runs");
        assert_eq!(again.outcomes(), first.outcomes(), "run {i} differed");
        assert_eq!(again.counts, first.counts, "run {i} differed");
        let times = |r: &mailconform::RunResult| r.scenarios.iter().map(|s| s.virtual_time).collect::<Vec<_>>();
        assert_eq!(times(&again), times(&first), "run {i} differed in virtual time");
    }
}

#[test]
fn concurrent_scenarios_keep_their_own_clocks() {
    let _one = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    let result = run_suite(&RunOptions { concurrency: Some(2), ..opts(&["concurrent"]) }).expect("suite runs");
    let got: Vec<_> = result.scenarios.iter().map(|s| (s.name.as_str(), s.outcome, s.virtual_time)).collect();
    assert_eq!(
        got,
        [("a long wait", Outcome::Passed, Duration::from_secs(16 * 60)), ("a short wait", Outcome::Passed, Duration::from_secs(60))]
    );
    assert_eq!(result.virtual_time, Duration::from_secs(17 * 60));
    assert_eq!(result.exit_code(), 0);
}

#[test]
fn undefined_step_is_a_failure_not_a_skip() {
    let _one = IN_PROCESS.lock().unwrap_or_else(|p| p.into_inner());
    let result = run_suite(&opts(&["undefined"])).expect("suite runs");
    assert_eq!(result.outcomes(), [("Undefined step".to_string(), "a step nobody defined".to_string(), Outcome::Failed)]);
    assert_eq!(result.summary_line(), "0 passed, 1 failed");
    assert_eq!(result.exit_code(), 1);
}
