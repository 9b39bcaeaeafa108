//! The project's own feature suite, in-process: it must pass, and give the same outcome and
//! the same virtual time per scenario on every run with the same seed.
//!
//! Ten runs by default: each is the whole suite, and the test command's time goes to other
//! tests too; `MAILCONFORM_SUITE_RUNS=50` looks harder. `MAILCONFORM_SUITE_RUNS=1` runs it
//! once: what mutation testing (`tests/mutants/run`) needs from each mutant, where the
//! determinism check would only cost time.

use mailconform::{run_suite, Outcome, RunOptions};
use std::path::Path;

fn suite() -> RunOptions {
    let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../features");
    RunOptions { features: vec![features], ..RunOptions::default() }
}

/// How many runs to compare: 10, or `MAILCONFORM_SUITE_RUNS`.
fn runs() -> usize {
    std::env::var("MAILCONFORM_SUITE_RUNS").ok().and_then(|v| v.parse().ok()).filter(|n| *n >= 1).unwrap_or(10)
}

#[test]
fn the_feature_suite_passes_identically_ten_times() {
    let first = run_suite(&suite()).expect("the suite runs");
    let failed: Vec<_> =
        first.scenarios.iter().filter(|s| s.outcome != Outcome::Passed).map(|s| format!("{}:{} {}", s.file, s.line, s.name)).collect();
    assert!(failed.is_empty(), "scenarios that did not pass: {failed:#?}");
    assert!(first.scenarios.len() >= 30, "the suite shrank to {} scenarios", first.scenarios.len());
    let times = |r: &mailconform::RunResult| r.scenarios.iter().map(|s| (s.name.clone(), s.virtual_time)).collect::<Vec<_>>();
    // The other runs two at a time: a run keeps one core busy, and runs side by side must agree
    // as much as runs in a row.
    let again: Vec<(usize, mailconform::RunResult)> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..2)
            .map(|w| {
                scope.spawn(move || {
                    (1 + w..runs()).step_by(2).map(|i| (i, run_suite(&suite()).expect("the suite runs"))).collect::<Vec<_>>()
                })
            })
            .collect();
        workers.into_iter().flat_map(|w| w.join().expect("a run panicked")).collect()
    });
    assert_eq!(again.len(), runs() - 1);
    for (i, again) in again {
        assert_eq!(again.outcomes(), first.outcomes(), "run {i} gave other outcomes");
        assert_eq!(times(&again), times(&first), "run {i} covered other virtual times");
    }
}
