//! A live run's progress on the terminal (indicatif): scenarios done out of the selection, the
//! scenario in flight with the protocol time it took in-process (the real time it is about to
//! take against the target), and the step it is waiting on. Drawn on standard error only when
//! that is a terminal, so CI logs and the console output on standard output are unchanged.

use crate::summary::ScenarioKey;
use cucumber::event::{Cucumber, Feature, Rule, Scenario, Step};
use cucumber::{parser, writer, Event, Writer};
use indicatif::{ProgressBar, ProgressStyle};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// The protocol time of each selected scenario in the in-process pre-run, by file and line.
pub(crate) type ProtocolTimes = Arc<BTreeMap<(String, usize), Duration>>;

/// The progress writer of a live run.
pub(crate) struct Progress {
    bar: ProgressBar,
    times: ProtocolTimes,
    scenario: String,
}

impl Progress {
    /// A bar over the `times.len()` scenarios of a live run; hidden without one.
    pub(crate) fn new(times: Option<ProtocolTimes>) -> Self {
        let Some(times) = times else {
            return Progress { bar: ProgressBar::hidden(), times: ProtocolTimes::default(), scenario: String::new() };
        };
        let bar = ProgressBar::new(times.len() as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:24} {pos}/{len} scenarios, {elapsed} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        Progress { bar, times, scenario: String::new() }
    }

    /// What the bar says while `scenario` (which took `took` in-process) waits on `step`.
    fn message(scenario: &str, took: Option<Duration>, step: Option<&str>) -> String {
        // The protocol time first: a narrow terminal cuts the end of the line.
        let took = took.map(|d| format!("[{}:{:02} of protocol time] ", d.as_secs() / 60, d.as_secs() % 60)).unwrap_or_default();
        match step {
            Some(step) => format!("{took}{scenario}: {step}"),
            None => format!("{took}{scenario}"),
        }
    }

    fn on_scenario<W>(&mut self, f: &cucumber::gherkin::Feature, sc: &cucumber::gherkin::Scenario, ev: &Scenario<W>) {
        let key = ScenarioKey::of(f, sc);
        let took = self.times.get(&(key.file, key.line)).copied();
        match ev {
            Scenario::Started => {
                self.scenario = sc.name.clone();
                self.bar.set_message(Self::message(&self.scenario, took, None));
            }
            Scenario::Step(step, Step::Started) | Scenario::Background(step, Step::Started) => {
                let text = format!("{}{}", step.keyword, step.value);
                self.bar.set_message(Self::message(&self.scenario, took, Some(&text)));
            }
            Scenario::Finished => self.bar.inc(1),
            _ => {}
        }
    }
}

impl<W> Writer<W> for Progress {
    type Cli = cucumber::cli::Empty;

    async fn handle_event(&mut self, ev: parser::Result<Event<Cucumber<W>>>, _cli: &Self::Cli) {
        match ev.map(Event::into_inner) {
            Ok(Cucumber::Feature(f, Feature::Scenario(sc, ev))) => self.on_scenario(&f, &sc, &ev.event),
            Ok(Cucumber::Feature(f, Feature::Rule(_, Rule::Scenario(sc, ev)))) => self.on_scenario(&f, &sc, &ev.event),
            Ok(Cucumber::Finished) => self.bar.finish_and_clear(),
            _ => {}
        }
    }
}

impl<W, V> writer::Arbitrary<W, V> for Progress {
    async fn write(&mut self, _value: V) {}
}

impl writer::NonTransforming for Progress {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_scenario_its_protocol_time_and_the_step_waited_on() {
        let m = Progress::message("Exchange retries", Some(Duration::from_secs(16 * 60)), Some("When 16 minutes pass"));
        assert_eq!(m, "[16:00 of protocol time] Exchange retries: When 16 minutes pass");
        assert_eq!(Progress::message("S", None, None), "S");
    }
}
