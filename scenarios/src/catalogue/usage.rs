//! Where features use each step: the first scenario that runs it, and how many steps of the
//! features it runs.

use super::{Keyword, Step};
use cucumber::gherkin::{self, Feature, StepType};
use serde::Serialize;

/// One scenario that runs a step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Use {
    /// The feature file, as the features were found (`features/apns/setup.feature`).
    pub file: String,
    /// The scenario's line (an Examples row's line for an outline, as `mailconform list` shows).
    pub line: usize,
    /// The scenario's name.
    pub scenario: String,
}

/// How the features use one step.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Uses {
    /// Feature steps it runs, Background steps counted once per scenario.
    pub count: usize,
    /// The first scenario, in file and line order, that runs it.
    pub example: Option<Use>,
}

/// The steps of a Background, if there is one.
fn background(b: &Option<gherkin::Background>) -> Vec<&gherkin::Step> {
    b.iter().flat_map(|b| b.steps.iter()).collect()
}

/// For each of `steps`, where `features` (parsed, outlines expanded) use it.
pub fn find_uses(steps: &[Step], features: &[Feature]) -> Vec<Uses> {
    let mut uses = vec![Uses::default(); steps.len()];
    let mut scenarios: Vec<(String, &gherkin::Scenario, Vec<&gherkin::Step>)> = Vec::new();
    for feature in features {
        let file = feature.path.as_deref().map(|p| p.display().to_string()).unwrap_or_else(|| feature.name.clone());
        for scenario in &feature.scenarios {
            scenarios.push((file.clone(), scenario, [background(&feature.background), scenario.steps.iter().collect()].concat()));
        }
        for rule in &feature.rules {
            for scenario in &rule.scenarios {
                let steps = [background(&feature.background), background(&rule.background), scenario.steps.iter().collect()].concat();
                scenarios.push((file.clone(), scenario, steps));
            }
        }
    }
    scenarios.sort_by(|a, b| (a.0.as_str(), a.1.position.line).cmp(&(b.0.as_str(), b.1.position.line)));
    for (file, scenario, feature_steps) in scenarios {
        for fs in feature_steps {
            let keyword = match fs.ty {
                StepType::Given => Keyword::Given,
                StepType::When => Keyword::When,
                StepType::Then => Keyword::Then,
            };
            for (step, u) in steps.iter().zip(uses.iter_mut()) {
                if step.matches(keyword, &fs.value) {
                    u.count += 1;
                    u.example.get_or_insert_with(|| Use {
                        file: file.clone(),
                        line: scenario.position.line,
                        scenario: scenario.name.clone(),
                    });
                }
            }
        }
    }
    uses
}

#[cfg(test)]
mod tests {
    use super::*;
    use cucumber::gherkin::GherkinEnv;

    #[test]
    fn first_scenario_and_count() {
        let text = "Feature: F\n\n  Background:\n    Given the default topology\n\n  Scenario: one\n    When 2 minutes pass\n    Then alice's badge shows 0\n\n  Scenario: two\n    When alice sets up push notifications\n    And 1 minute passes\n";
        let mut feature = Feature::parse(text, GherkinEnv::default()).unwrap();
        feature.path = Some("features/x.feature".into());
        let steps = super::super::steps().unwrap();
        let uses = find_uses(&steps, &[feature]);
        let of = |phrase: &str| &uses[steps.iter().position(|s| s.phrase == phrase).unwrap_or_else(|| panic!("{phrase}"))];
        assert_eq!(of("the default topology").count, 2, "a Background step runs in each scenario");
        assert_eq!(of("{int} minute(s) pass(es)").count, 2);
        let example = of("{int} minute(s) pass(es)").example.clone().unwrap();
        assert_eq!((example.file.as_str(), example.line, example.scenario.as_str()), ("features/x.feature", 6, "one"));
        assert_eq!(of("{user} sets up push notifications").example.as_ref().map(|u| u.scenario.as_str()), Some("two"));
        assert_eq!(of("{user}'s badge shows {int}").count, 1);
        assert_eq!(of("a fresh simulation"), &Uses::default());
    }
}
