//! The Cucumber JSON report with tags spelled as the format's other writers spell them.
//!
//! The Gherkin parser keeps a tag's name without its `@`, and cucumber's JSON writer writes it
//! that way (`"source:004.config.Q4"`). cucumber-jvm and cucumber-js write
//! `"@source:004.config.Q4"`, and the tools that read the format (report viewers, CI plugins,
//! gates counting scenarios by tag) expect that. [`TagsWithAt`] sits in front of cucumber's
//! JSON writer and hands it features and scenarios whose tags carry their `@` again, so the
//! rest of the file stays exactly as cucumber writes it, except that a step which found its
//! scenario not applicable ([`crate::summary::not_applicable_reason`]) is written `skipped`, not
//! `failed`, so a tool counting failures counts only real ones.

use cucumber::event::{self, Source};
use cucumber::gherkin::{Feature, Scenario};
use cucumber::writer::{self, discard};
use cucumber::{parser, Event, Writer, WriterExt as _};
use std::collections::HashMap;
use std::io;

/// cucumber's JSON writer behind [`TagsWithAt`], ready for a `tee`.
pub(crate) fn for_tee<Out: io::Write>(output: Out) -> discard::Arbitrary<discard::Stats<TagsWithAt<writer::Json<Out>>>> {
    TagsWithAt::new(writer::Json::raw(output)).discard_stats_writes().discard_arbitrary_writes()
}

/// Passes every event on to `inner`, with the tags of its feature and scenario written `@tag`.
///
/// Each feature and scenario is copied once, when first seen, and the copy is reused for its
/// later events (a writer may tell features apart by identity); the copies are dropped when
/// the scenario or feature finishes.
#[derive(Debug)]
pub(crate) struct TagsWithAt<Wr> {
    inner: Wr,
    features: HashMap<Source<Feature>, Source<Feature>>,
    scenarios: HashMap<Source<Scenario>, Source<Scenario>>,
}

impl<Wr> TagsWithAt<Wr> {
    pub(crate) fn new(inner: Wr) -> Self {
        TagsWithAt { inner, features: HashMap::new(), scenarios: HashMap::new() }
    }

    fn feature(&mut self, f: Source<Feature>, finished: bool) -> Source<Feature> {
        let tagged =
            self.features.entry(f.clone()).or_insert_with(|| Source::new(Feature { tags: with_at(&f.tags), ..(*f).clone() })).clone();
        if finished {
            self.features.remove(&f);
        }
        tagged
    }

    fn scenario(&mut self, sc: Source<Scenario>, finished: bool) -> Source<Scenario> {
        let tagged =
            self.scenarios.entry(sc.clone()).or_insert_with(|| Source::new(Scenario { tags: with_at(&sc.tags), ..(*sc).clone() })).clone();
        if finished {
            self.scenarios.remove(&sc);
        }
        tagged
    }

    fn retag<W>(&mut self, ev: event::Cucumber<W>) -> event::Cucumber<W> {
        use event::{Cucumber, Feature as F, Rule as R, Scenario as S};
        let Cucumber::Feature(f, ev) = ev else { return ev };
        let feature_done = matches!(ev, F::Finished);
        let ev = match ev {
            F::Scenario(sc, ev) => {
                let done = matches!(ev.event, S::Finished);
                F::Scenario(self.scenario(sc, done), not_applicable_as_skipped(ev))
            }
            F::Rule(r, R::Scenario(sc, ev)) => {
                let done = matches!(ev.event, S::Finished);
                F::Rule(r, R::Scenario(self.scenario(sc, done), not_applicable_as_skipped(ev)))
            }
            other => other,
        };
        Cucumber::Feature(self.feature(f, feature_done), ev)
    }
}

/// A step that found its scenario not applicable, as a skipped step.
fn not_applicable_as_skipped<W>(mut ev: event::RetryableScenario<W>) -> event::RetryableScenario<W> {
    use event::{Scenario as S, Step};
    ev.event = match ev.event {
        S::Step(step, Step::Failed(_, _, _, e)) if crate::summary::not_applicable_reason(&e).is_some() => S::Step(step, Step::Skipped),
        S::Background(step, Step::Failed(_, _, _, e)) if crate::summary::not_applicable_reason(&e).is_some() => {
            S::Background(step, Step::Skipped)
        }
        other => other,
    };
    ev
}

/// Tag names as written in the feature file: `@` and the name.
fn with_at(tags: &[String]) -> Vec<String> {
    tags.iter().map(|t| format!("@{t}")).collect()
}

impl<W, Wr: Writer<W>> Writer<W> for TagsWithAt<Wr> {
    type Cli = Wr::Cli;

    async fn handle_event(&mut self, event: parser::Result<Event<event::Cucumber<W>>>, cli: &Self::Cli) {
        let event = event.map(|ev| ev.map(|ev| self.retag(ev)));
        self.inner.handle_event(event, cli).await;
    }
}

/// Events go through in the order they come, none added or dropped.
impl<Wr: writer::NonTransforming> writer::NonTransforming for TagsWithAt<Wr> {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::Buffer;
    use cucumber::event::{Cucumber, RetryableScenario, Step};
    use cucumber::gherkin::GherkinEnv;
    use mailconform_scenarios::MailWorld;

    const FEATURE: &str =
        "@source:004.config.Q4\nFeature: Tagged\n\n  @spec:MS-ASCMD.2.2.2.1 @slow\n  Scenario: one\n    Given a fresh simulation\n";

    /// Runs one feature's worth of events (one scenario, one skipped step) through `writer`.
    fn feed<Wr: Writer<MailWorld>>(writer: &mut Wr, cli: &Wr::Cli) {
        feed_step(writer, cli, Step::Skipped)
    }

    /// Runs one feature's worth of events (one scenario, its step ending as `outcome`).
    fn feed_step<Wr: Writer<MailWorld>>(writer: &mut Wr, cli: &Wr::Cli, outcome: Step<MailWorld>) {
        let feature = Source::new(Feature::parse(FEATURE, GherkinEnv::default()).expect("the feature parses"));
        let scenario = Source::new(feature.scenarios[0].clone());
        let step = Source::new(scenario.steps[0].clone());
        let at = |ev: Cucumber<MailWorld>| Ok(Event::new(ev));
        let scenario_event = |ev: event::Scenario<MailWorld>| {
            Cucumber::Feature(feature.clone(), event::Feature::Scenario(scenario.clone(), RetryableScenario { event: ev, retries: None }))
        };
        let events = vec![
            at(Cucumber::Started),
            at(Cucumber::Feature(feature.clone(), event::Feature::Started)),
            at(scenario_event(event::Scenario::Started)),
            at(scenario_event(event::Scenario::Step(step.clone(), Step::Started))),
            at(scenario_event(event::Scenario::Step(step.clone(), outcome))),
            at(scenario_event(event::Scenario::Finished)),
            at(Cucumber::Feature(feature.clone(), event::Feature::Finished)),
            at(Cucumber::Finished),
        ];
        futures::executor::block_on(async {
            for ev in events {
                writer.handle_event(ev, cli).await;
            }
        });
    }

    fn tags(v: &serde_json::Value) -> Vec<&str> {
        v["tags"].as_array().expect("a tag list").iter().map(|t| t["name"].as_str().expect("a tag name")).collect()
    }

    #[test]
    fn feature_and_scenario_tags_are_written_with_their_at() {
        let out = Buffer::default();
        let mut w = TagsWithAt::new(writer::Json::raw(out.clone()));
        feed(&mut w, &Default::default());
        let json: serde_json::Value = serde_json::from_slice(&out.contents()).expect("valid JSON");
        let feature = &json[0];
        assert_eq!(tags(feature), ["@source:004.config.Q4"], "{json}");
        assert_eq!(feature["elements"].as_array().map(Vec::len), Some(1), "{json}");
        assert_eq!(tags(&feature["elements"][0]), ["@spec:MS-ASCMD.2.2.2.1", "@slow"], "{json}");
        assert!(w.features.is_empty() && w.scenarios.is_empty(), "copies are dropped once finished");
    }

    #[test]
    fn a_step_that_found_its_scenario_not_applicable_is_written_skipped() {
        let status = |message: String| {
            let out = Buffer::default();
            let info: event::Info = std::sync::Arc::new(message);
            let failed = Step::Failed(None, None, None, event::StepError::Panic(info));
            feed_step(&mut TagsWithAt::new(writer::Json::raw(out.clone())), &Default::default(), failed);
            let json: serde_json::Value = serde_json::from_slice(&out.contents()).expect("valid JSON");
            // The writer lists the feature once per scenario event batch; the step is in one of them.
            json.as_array()
                .into_iter()
                .flatten()
                .find_map(|f| f["elements"][0]["steps"][0]["result"]["status"].as_str())
                .map(str::to_string)
        };
        assert_eq!(status(format!("{}restart is not supported", mailconform_scenarios::NOT_APPLICABLE)).as_deref(), Some("skipped"));
        assert_eq!(status("expected 2".into()).as_deref(), Some("failed"), "a real failure stays failed");
    }

    /// What the adapter corrects: cucumber's writer on its own drops the `@`.
    #[test]
    fn cucumbers_own_writer_drops_the_at() {
        let out = Buffer::default();
        feed(&mut writer::Json::raw(out.clone()), &Default::default());
        let json: serde_json::Value = serde_json::from_slice(&out.contents()).expect("valid JSON");
        assert_eq!(tags(&json[0]), ["source:004.config.Q4"], "{json}");
    }
}
