//! Scenario outcomes of a run: a Cucumber [`Writer`] that counts them, and the closing
//! `N passed, N failed` line CI reads.
//!
//! A scenario is failed when any of its steps (Background included) or hooks failed; undefined
//! steps fail too, because the run uses `fail_on_skipped` (a scenario tagged `@allow.skipped`
//! with an undefined step is skipped instead). When a scenario is retried, its last attempt
//! counts. A feature file that cannot be parsed counts once as failed. A scenario whose step
//! stopped because a role's backing cannot do what it asks (the step's message starts with
//! [`NOT_APPLICABLE`]) is not applicable, counted apart, with that message as its reason.

use crate::features::file_of;
use cucumber::event::{self, Hook, Step, StepError};
use cucumber::{gherkin, parser, writer, Event, Writer};
use mailconform_scenarios::NOT_APPLICABLE;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

/// How a scenario ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Every step and hook passed.
    Passed,
    /// A step or hook failed, or a step was undefined or ambiguous.
    Failed,
    /// A step was skipped and none failed: only in a scenario tagged `@allow.skipped`, since the
    /// run fails skipped (undefined) steps everywhere else.
    Skipped,
    /// A step asked a role for what its backing cannot do (a real server without the control
    /// adapter an operation needs, a served fake that cannot be restarted from here), and none
    /// failed: the scenario says nothing about that backing.
    NotApplicable,
}

impl Outcome {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Outcome::Passed => "passed",
            Outcome::Failed => "failed",
            Outcome::Skipped => "skipped",
            Outcome::NotApplicable => "not applicable",
        }
    }
}

/// Where a scenario is: its feature file and line (an Outline's row has the row's line).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) struct ScenarioKey {
    pub file: String,
    pub line: usize,
}

impl ScenarioKey {
    pub(crate) fn of(feature: &gherkin::Feature, scenario: &gherkin::Scenario) -> Self {
        ScenarioKey { file: file_of(feature), line: scenario.position.line }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ScenarioRecord {
    pub feature: String,
    pub rule: Option<String>,
    pub name: String,
    pub outcome: Outcome,
    /// For a failed scenario, its first failing step and what it said; for a not applicable
    /// one, the step that found it so and why.
    pub failure: Option<StepFailure>,
}

/// The step that failed a scenario, and the message it failed with (an assertion's expected
/// and observed values, a driver's error): what `index.html` shows for a failed scenario, so a
/// run against a real server can be read without the console log.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct StepFailure {
    /// The step as written, keyword first (`Then alice's badge shows 1`).
    pub step: String,
    /// Its line in the feature file.
    pub line: usize,
    /// What the step failed with.
    pub message: String,
}

/// Scenarios of a run by outcome, and the feature files that could not be parsed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Scenarios that passed.
    pub passed: usize,
    /// Scenarios that failed (not counting unparsable files).
    pub failed: usize,
    /// Scenarios skipped.
    pub skipped: usize,
    /// Scenarios not applicable to the backing of a role they use.
    pub not_applicable: usize,
    /// Feature files that could not be parsed.
    pub parse_errors: usize,
}

impl Counts {
    /// Failures as the summary line reports them: failed scenarios plus unparsable files.
    pub fn failed_total(&self) -> usize {
        self.failed + self.parse_errors
    }
}

/// The closing line: `N passed, N failed`, with `, N skipped` only when some were.
pub(crate) fn summary_line(counts: &Counts) -> String {
    let mut line = format!("{} passed, {} failed", counts.passed, counts.failed_total());
    if counts.skipped > 0 {
        line.push_str(&format!(", {} skipped", counts.skipped));
    }
    if counts.not_applicable > 0 {
        line.push_str(&format!(", {} not applicable", counts.not_applicable));
    }
    line
}

#[derive(Debug, Default, Clone)]
struct Attempt {
    failed: bool,
    skipped: bool,
    failure: Option<StepFailure>,
    /// The step that found the scenario not applicable, with its reason.
    not_applicable: Option<StepFailure>,
}

/// The reason in a step's failure, when the step found its scenario not applicable.
pub(crate) fn not_applicable_reason(error: &StepError) -> Option<String> {
    let StepError::Panic(info) = error else { return None };
    let message = info.downcast_ref::<String>().map(String::as_str).or_else(|| info.downcast_ref::<&str>().copied())?;
    message.strip_prefix(NOT_APPLICABLE).map(str::to_string)
}

/// Outcomes gathered so far.
#[derive(Debug, Default)]
pub(crate) struct Tally {
    running: BTreeMap<ScenarioKey, Attempt>,
    finished: BTreeMap<ScenarioKey, ScenarioRecord>,
    parse_errors: Vec<String>,
}

impl Tally {
    /// Takes one scenario event into account.
    pub(crate) fn scenario<W>(
        &mut self,
        feature: &gherkin::Feature,
        rule: Option<&gherkin::Rule>,
        scenario: &gherkin::Scenario,
        ev: &event::Scenario<W>,
    ) {
        let key = ScenarioKey::of(feature, scenario);
        match ev {
            event::Scenario::Started => {
                self.running.insert(key, Attempt::default());
            }
            event::Scenario::Step(source, step) | event::Scenario::Background(source, step) => {
                let attempt = self.running.entry(key).or_default();
                match step {
                    Step::Failed(_, _, _, error) if not_applicable_reason(error).is_some() => {
                        let reason = not_applicable_reason(error).unwrap_or_default();
                        attempt.not_applicable.get_or_insert_with(|| StepFailure {
                            step: format!("{}{}", source.keyword, source.value),
                            line: source.position.line,
                            message: reason,
                        });
                    }
                    Step::Failed(_, _, _, error) => {
                        attempt.failed = true;
                        attempt.failure.get_or_insert_with(|| StepFailure {
                            step: format!("{}{}", source.keyword, source.value),
                            line: source.position.line,
                            message: error.to_string(),
                        });
                    }
                    Step::Skipped => attempt.skipped = true,
                    Step::Started | Step::Passed(..) => {}
                }
            }
            event::Scenario::Hook(kind, Hook::Failed(_, info)) => {
                let attempt = self.running.entry(key).or_default();
                attempt.failed = true;
                let message = info.downcast_ref::<String>().cloned().or_else(|| info.downcast_ref::<&str>().map(|s| s.to_string()));
                attempt.failure.get_or_insert_with(|| StepFailure {
                    step: format!("{kind:?} hook"),
                    line: scenario.position.line,
                    message: message.unwrap_or_else(|| "the hook panicked".into()),
                });
            }
            event::Scenario::Hook(..) | event::Scenario::Log(_) => {}
            event::Scenario::Finished => {
                let attempt = self.running.remove(&key).unwrap_or_default();
                let outcome = if attempt.failed {
                    Outcome::Failed
                } else if attempt.not_applicable.is_some() {
                    Outcome::NotApplicable
                } else if attempt.skipped {
                    Outcome::Skipped
                } else {
                    Outcome::Passed
                };
                let record = ScenarioRecord {
                    feature: feature.name.clone(),
                    rule: rule.map(|r| r.name.clone()),
                    name: scenario.name.clone(),
                    outcome,
                    failure: match outcome {
                        Outcome::Failed => attempt.failure,
                        Outcome::NotApplicable => attempt.not_applicable,
                        Outcome::Passed | Outcome::Skipped => None,
                    },
                };
                self.finished.insert(key, record);
            }
        }
    }

    /// Takes a feature file that failed to parse into account.
    pub(crate) fn parse_error(&mut self, message: String) {
        self.parse_errors.push(message);
    }

    pub(crate) fn counts(&self) -> Counts {
        let mut counts = Counts { parse_errors: self.parse_errors.len(), ..Counts::default() };
        for record in self.finished.values() {
            match record.outcome {
                Outcome::Passed => counts.passed += 1,
                Outcome::Failed => counts.failed += 1,
                Outcome::Skipped => counts.skipped += 1,
                Outcome::NotApplicable => counts.not_applicable += 1,
            }
        }
        counts
    }

    /// Finished scenarios, ordered by file and line.
    pub(crate) fn records(&self) -> &BTreeMap<ScenarioKey, ScenarioRecord> {
        &self.finished
    }

    pub(crate) fn parse_errors(&self) -> &[String] {
        &self.parse_errors
    }
}

/// Shared handle on a [`Tally`]; the [`Counter`] writer fills it during a run.
#[derive(Debug, Default, Clone)]
pub(crate) struct SharedTally(Arc<Mutex<Tally>>);

impl SharedTally {
    pub(crate) fn lock(&self) -> MutexGuard<'_, Tally> {
        self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn counter(&self) -> Counter {
        Counter { tally: self.clone() }
    }
}

/// Writer that only counts; put it behind `normalized()` (or in a normalized `tee`).
#[derive(Debug, Clone)]
pub(crate) struct Counter {
    tally: SharedTally,
}

impl<W> Writer<W> for Counter {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(&mut self, ev: parser::Result<Event<event::Cucumber<W>>>, _cli: &Self::Cli) {
        let mut tally = self.tally.lock();
        match ev.map(Event::into_inner) {
            Err(e) => tally.parse_error(e.to_string()),
            Ok(event::Cucumber::Feature(f, event::Feature::Scenario(sc, ev))) => tally.scenario(&f, None, &sc, &ev.event),
            Ok(event::Cucumber::Feature(f, event::Feature::Rule(r, event::Rule::Scenario(sc, ev)))) => {
                tally.scenario(&f, Some(&r), &sc, &ev.event)
            }
            Ok(_) => {}
        }
    }
}

impl<W, V> writer::Arbitrary<W, V> for Counter {
    async fn write(&mut self, _value: V) {}
}

impl writer::NonTransforming for Counter {}

#[cfg(test)]
mod tests {
    use super::*;
    use cucumber::event::{HookType, Scenario as Ev, StepError};
    use cucumber::gherkin::{Feature, GherkinEnv};
    use std::sync::Arc;

    const TEXT: &str = "\
Feature: F
  Scenario: a
    Given one
  Scenario: b
    Given two
  Scenario: c
    Given three
";

    fn feature() -> Feature {
        let mut f = Feature::parse(TEXT, GherkinEnv::default()).expect("fixture parses");
        f.path = Some("fixtures/f.feature".into());
        f
    }

    fn step(f: &Feature, i: usize) -> event::Source<gherkin::Step> {
        event::Source::new(f.scenarios[i].steps[0].clone())
    }

    fn play(t: &mut Tally, f: &Feature, i: usize, evs: Vec<Ev<()>>) {
        for ev in evs {
            t.scenario(f, None, &f.scenarios[i], &ev);
        }
    }

    fn failed_step() -> Step<()> {
        Step::Failed(None, None, None, StepError::NotFound)
    }

    #[test]
    fn counts_passed_failed_skipped() {
        let f = feature();
        let mut t = Tally::default();
        play(&mut t, &f, 0, vec![Ev::Started, Ev::Step(step(&f, 0), Step::Started), Ev::Finished]);
        play(&mut t, &f, 1, vec![Ev::Started, Ev::Step(step(&f, 1), failed_step()), Ev::Finished]);
        play(&mut t, &f, 2, vec![Ev::Started, Ev::Step(step(&f, 2), Step::Skipped), Ev::Finished]);
        assert_eq!(t.counts(), Counts { passed: 1, failed: 1, skipped: 1, parse_errors: 0, not_applicable: 0 });
        let outcomes: Vec<_> = t.records().values().map(|r| (r.name.as_str(), r.outcome)).collect();
        assert_eq!(outcomes, [("a", Outcome::Passed), ("b", Outcome::Failed), ("c", Outcome::Skipped)]);
        let failures: Vec<_> = t.records().values().map(|r| r.failure.as_ref().map(|f| f.message.as_str())).collect();
        assert_eq!(failures, [None, Some("Step doesn't match any function"), None], "only the failed scenario names its failure");
    }

    fn not_applicable_step() -> Step<()> {
        let info: event::Info = Arc::new(format!("{NOT_APPLICABLE}restart is not supported by exchange, backed by a served fake"));
        Step::Failed(None, None, None, StepError::Panic(info))
    }

    #[test]
    fn a_step_the_backing_cannot_do_makes_the_scenario_not_applicable_unless_another_failed() {
        let f = feature();
        let mut t = Tally::default();
        play(&mut t, &f, 0, vec![Ev::Started, Ev::Step(step(&f, 0), not_applicable_step()), Ev::Finished]);
        let after_failure =
            vec![Ev::Started, Ev::Step(step(&f, 1), failed_step()), Ev::Step(step(&f, 1), not_applicable_step()), Ev::Finished];
        play(&mut t, &f, 1, after_failure);
        play(&mut t, &f, 2, vec![Ev::Started, Ev::Step(step(&f, 2), Step::Started), Ev::Finished]);
        assert_eq!(t.counts(), Counts { passed: 1, failed: 1, skipped: 0, parse_errors: 0, not_applicable: 1 });
        let first = t.records().values().next().expect("scenario a");
        assert_eq!(first.outcome, Outcome::NotApplicable);
        let reason = first.failure.as_ref().map(|f| f.message.as_str());
        assert_eq!(reason, Some("restart is not supported by exchange, backed by a served fake"), "the reason, without the marker");
        assert_eq!(summary_line(&t.counts()), "1 passed, 1 failed, 1 not applicable");
    }

    #[test]
    fn failed_hook_fails_the_scenario() {
        let f = feature();
        let mut t = Tally::default();
        let panic: event::Info = Arc::new("boom");
        play(&mut t, &f, 0, vec![Ev::Started, Ev::Hook(HookType::Before, Hook::Failed(None, panic)), Ev::Finished]);
        assert_eq!(t.counts().failed, 1);
        let failure = t.records().values().next().and_then(|r| r.failure.clone()).expect("the hook's failure is recorded");
        assert_eq!((failure.step.as_str(), failure.message.as_str()), ("Before hook", "boom"));
    }

    #[test]
    fn failure_outranks_skip_in_one_scenario() {
        let f = feature();
        let mut t = Tally::default();
        play(&mut t, &f, 0, vec![Ev::Started, Ev::Step(step(&f, 0), Step::Skipped), Ev::Step(step(&f, 0), failed_step()), Ev::Finished]);
        assert_eq!(t.counts().failed, 1);
        assert_eq!(t.counts().skipped, 0);
    }

    #[test]
    fn retried_scenario_counts_its_last_attempt_once() {
        let f = feature();
        let mut t = Tally::default();
        play(&mut t, &f, 0, vec![Ev::Started, Ev::Step(step(&f, 0), failed_step()), Ev::Finished]);
        play(&mut t, &f, 0, vec![Ev::Started, Ev::Finished]);
        assert_eq!(t.counts(), Counts { passed: 1, failed: 0, skipped: 0, parse_errors: 0, not_applicable: 0 });
    }

    #[test]
    fn parse_errors_count_as_failures_on_the_line() {
        let mut t = Tally::default();
        t.parse_error("bad file".into());
        let c = t.counts();
        assert_eq!(c.parse_errors, 1);
        assert_eq!(summary_line(&c), "0 passed, 1 failed");
    }

    #[test]
    fn summary_line_mentions_skipped_only_when_some() {
        assert_eq!(summary_line(&Counts { passed: 1, ..Counts::default() }), "1 passed, 0 failed");
        assert_eq!(
            summary_line(&Counts { passed: 2, failed: 1, skipped: 3, parse_errors: 0, not_applicable: 0 }),
            "2 passed, 1 failed, 3 skipped"
        );
    }

    #[test]
    fn counter_reads_rule_scenarios_and_parse_errors() {
        let text = "Feature: F\n  Rule: R\n    Scenario: in rule\n      Given one\n";
        let mut f = Feature::parse(text, GherkinEnv::default()).unwrap();
        f.path = Some("r.feature".into());
        let (f, r, sc) = {
            let r = f.rules[0].clone();
            let sc = r.scenarios[0].clone();
            (event::Source::new(f), event::Source::new(r), event::Source::new(sc))
        };
        let shared = SharedTally::default();
        let mut counter = shared.counter();
        let cli = cucumber::cli::Empty;
        let rule_ev = |ev: Ev<()>| {
            Ok(Event::new(event::Cucumber::Feature(
                f.clone(),
                event::Feature::Rule(r.clone(), event::Rule::Scenario(sc.clone(), ev.with_retries(None))),
            )))
        };
        futures::executor::block_on(async {
            Writer::<()>::handle_event(&mut counter, rule_ev(Ev::Started), &cli).await;
            Writer::<()>::handle_event(&mut counter, rule_ev(Ev::Finished), &cli).await;
            let err = cucumber::gherkin::Feature::parse_path("/nonexistent/x.feature", GherkinEnv::default()).unwrap_err();
            Writer::<()>::handle_event(&mut counter, Err(err.into()), &cli).await;
        });
        let t = shared.lock();
        assert_eq!(t.counts(), Counts { passed: 1, failed: 0, skipped: 0, parse_errors: 1, not_applicable: 0 });
        let rec = t.records().values().next().unwrap();
        assert_eq!(rec.rule.as_deref(), Some("R"));
        assert_eq!(rec.name, "in rule");
    }
}
