//! Scenario selection shared by `run`, `list` and `bench`: a Cucumber tag expression over the
//! tags a scenario carries (its own, its Rule's, its Feature's and its Examples'), and a
//! regular expression over its name. Both given means both must match; a `--partition` then
//! keeps its shard of what they select.

use crate::error::CliError;
use cucumber::gherkin::tagexpr::TagOperation;
use cucumber::gherkin::{Feature, Rule, Scenario};
use cucumber::tag::Ext as _;
use regex::Regex;

#[derive(Debug, Clone, Default)]
pub(crate) struct ScenarioFilter {
    tags: Option<TagOperation>,
    name: Option<Regex>,
    partition: Option<crate::partition::Partition>,
}

impl ScenarioFilter {
    /// Parses the `--tags` expression and the `--name` regular expression.
    pub(crate) fn new(tags: Option<&str>, name: Option<&str>) -> Result<Self, CliError> {
        let tags = tags.map(parse_tag_expression).transpose()?;
        let name = name
            .map(|pattern| Regex::new(pattern).map_err(|source| CliError::NameRegex { pattern: pattern.to_string(), source }))
            .transpose()?;
        Ok(ScenarioFilter { tags, name, partition: None })
    }

    /// The same selection, cut down to `partition`'s shard when there is one.
    pub(crate) fn partitioned(self, partition: Option<crate::partition::Partition>) -> Self {
        ScenarioFilter { partition, ..self }
    }

    /// Whether the scenario is selected.
    pub(crate) fn matches(&self, feature: &Feature, rule: Option<&Rule>, scenario: &Scenario) -> bool {
        let by_tags = self.tags.as_ref().is_none_or(|op| op.eval(merged_tags(feature, rule, scenario)));
        let by_name = self.name.as_ref().is_none_or(|re| re.is_match(&scenario.name));
        let in_shard = self.partition.is_none_or(|p| p.contains(feature.path.as_deref(), scenario.position.line));
        by_tags && by_name && in_shard
    }
}

fn parse_tag_expression(expr: &str) -> Result<TagOperation, CliError> {
    let trimmed = expr.trim();
    if trimmed.is_empty() {
        return Err(CliError::TagExpression { expr: expr.to_string(), reason: "it is empty".to_string() });
    }
    trimmed.parse::<TagOperation>().map_err(|e| CliError::TagExpression { expr: expr.to_string(), reason: e.to_string() })
}

/// Tags in effect for a scenario, without the `@`: Feature, then Rule, then the scenario's own
/// (which include its Examples' tags once outlines are expanded); first occurrence kept.
pub(crate) fn merged_tags(feature: &Feature, rule: Option<&Rule>, scenario: &Scenario) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for tag in feature.tags.iter().chain(rule.into_iter().flat_map(|r| &r.tags)).chain(&scenario.tags) {
        if !out.contains(tag) {
            out.push(tag.clone());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use cucumber::gherkin::GherkinEnv;

    const TEXT: &str = "\
@source:004.failure.Q6
Feature: F
  @slow
  Scenario: long wait
    Given a fresh simulation

  Rule: R
    @known-limitation
    Scenario: limited
      Given a fresh simulation
";

    fn feature() -> Feature {
        Feature::parse(TEXT, GherkinEnv::default()).expect("fixture parses")
    }

    #[test]
    fn tags_merge_feature_rule_and_scenario() {
        let f = feature();
        let rule = &f.rules[0];
        assert_eq!(merged_tags(&f, None, &f.scenarios[0]), ["source:004.failure.Q6", "slow"]);
        assert_eq!(merged_tags(&f, Some(rule), &rule.scenarios[0]), ["source:004.failure.Q6", "known-limitation"]);
    }

    #[test]
    fn tag_expression_sees_inherited_tags() {
        let f = feature();
        let rule = &f.rules[0];
        let sel = ScenarioFilter::new(Some("@source:004.failure.Q6 and not @slow"), None).unwrap();
        assert!(!sel.matches(&f, None, &f.scenarios[0]));
        assert!(sel.matches(&f, Some(rule), &rule.scenarios[0]));
    }

    #[test]
    fn name_and_tags_must_both_match() {
        let f = feature();
        let sel = ScenarioFilter::new(Some("@slow"), Some("^long")).unwrap();
        assert!(sel.matches(&f, None, &f.scenarios[0]));
        let sel = ScenarioFilter::new(Some("@slow"), Some("^limited")).unwrap();
        assert!(!sel.matches(&f, None, &f.scenarios[0]));
    }

    #[test]
    fn no_filter_selects_everything() {
        let f = feature();
        assert!(ScenarioFilter::default().matches(&f, None, &f.scenarios[0]));
    }

    #[test]
    fn bad_expressions_are_usage_errors() {
        for bad in ["", "   ", "@a and", "slow", "@a not @b", "(@a"] {
            match ScenarioFilter::new(Some(bad), None) {
                Err(CliError::TagExpression { .. }) => {}
                other => panic!("`{bad}` gave {other:?}"),
            }
        }
        assert!(matches!(ScenarioFilter::new(None, Some("(")), Err(CliError::NameRegex { .. })));
    }
}
