//! The project's own feature suite, in-process: it must pass, and give the same outcome and
//! the same virtual time per scenario on every run with the same seed.

use mailconform::{run_suite, Outcome, RunOptions};
use std::path::Path;

fn suite() -> RunOptions {
    let features = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../features");
    RunOptions { features: vec![features], ..RunOptions::default() }
}

#[test]
fn the_feature_suite_passes_identically_twenty_times() {
    let first = run_suite(&suite()).expect("the suite runs");
    let failed: Vec<_> =
        first.scenarios.iter().filter(|s| s.outcome != Outcome::Passed).map(|s| format!("{}:{} {}", s.file, s.line, s.name)).collect();
    assert!(failed.is_empty(), "scenarios that did not pass: {failed:#?}");
    assert!(first.scenarios.len() >= 30, "the suite shrank to {} scenarios", first.scenarios.len());
    let times = |r: &mailconform::RunResult| r.scenarios.iter().map(|s| (s.name.clone(), s.virtual_time)).collect::<Vec<_>>();
    for i in 1..20 {
        let again = run_suite(&suite()).expect("the suite runs");
        assert_eq!(again.outcomes(), first.outcomes(), "run {i} gave other outcomes");
        assert_eq!(times(&again), times(&first), "run {i} covered other virtual times");
    }
}
