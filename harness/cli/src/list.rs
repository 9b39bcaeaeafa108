//! `mailconform list`: the scenarios a run with the same selection would run.
//!
//! Scenario Outlines are expanded as they run: one entry per Examples row, at the row's line,
//! with the row's values in the name and the Examples' tags among the scenario's.

use crate::cli::{ListArgs, ListFormat, Selection};
use crate::error::CliError;
use crate::exit;
use crate::features::{self, file_of};
use crate::filter::{merged_tags, ScenarioFilter};
use serde::Serialize;
use std::io::Write as _;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct ListedScenario {
    pub file: String,
    pub line: usize,
    pub feature: String,
    pub rule: Option<String>,
    pub scenario: String,
    /// Tags in effect, with `@`: the Feature's, the Rule's, then the scenario's own.
    pub tags: Vec<String>,
}

/// Selected scenarios in file and line order, and the messages of files that failed to parse.
pub(crate) fn collect(selection: &Selection) -> Result<(Vec<ListedScenario>, Vec<String>), CliError> {
    let filter = ScenarioFilter::new(selection.tags.as_deref(), selection.name.as_deref())?.partitioned(selection.partition);
    let mut listed = Vec::new();
    let mut errors = Vec::new();
    for file in features::discover(&selection.features)? {
        let feature = match features::parse(&file) {
            Ok(f) => f,
            Err(e) => {
                errors.push(e.to_string());
                continue;
            }
        };
        let in_rules = feature.rules.iter().flat_map(|r| r.scenarios.iter().map(move |s| (Some(r), s)));
        let scenarios = feature.scenarios.iter().map(|s| (None, s)).chain(in_rules);
        for (rule, scenario) in scenarios {
            if !filter.matches(&feature, rule, scenario) {
                continue;
            }
            listed.push(ListedScenario {
                file: file_of(&feature),
                line: scenario.position.line,
                feature: feature.name.clone(),
                rule: rule.map(|r| r.name.clone()),
                scenario: scenario.name.clone(),
                tags: merged_tags(&feature, rule, scenario).into_iter().map(|t| format!("@{t}")).collect(),
            });
        }
    }
    listed.sort_by(|a, b| (a.file.as_str(), a.line).cmp(&(b.file.as_str(), b.line)));
    Ok((listed, errors))
}

/// The Microsoft server requirements the listed scenarios' `@spec:` tags cover.
pub(crate) fn requirements_of(listed: &[ListedScenario]) -> Vec<crate::requirements::Coverage> {
    crate::requirements::coverage(listed.iter().map(|s| (format!("{}:{} {}", s.file, s.line, s.scenario), s.tags.as_slice())))
}

/// Text form: `file:line  scenario name  tags`, columns aligned.
pub(crate) fn render_text(listed: &[ListedScenario]) -> String {
    let places: Vec<String> = listed.iter().map(|s| format!("{}:{}", s.file, s.line)).collect();
    let place_width = places.iter().map(|p| p.chars().count()).max().unwrap_or(0);
    let name_width = listed.iter().map(|s| s.scenario.chars().count()).max().unwrap_or(0);
    let mut out = String::new();
    for (place, s) in places.iter().zip(listed) {
        let line = format!("{place:<place_width$}  {:<name_width$}  {}", s.scenario, s.tags.join(" "));
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// `mailconform list`: returns the exit code (3 when nothing is selected, 1 when a feature
/// file cannot be parsed).
pub(crate) fn list(args: &ListArgs) -> Result<u8, CliError> {
    let (listed, errors) = collect(&args.selection)?;
    let rendered = match args.format {
        ListFormat::Text => render_text(&listed),
        ListFormat::Requirements => crate::requirements::render_tag_index(&requirements_of(&listed)),
        ListFormat::Json => pretty_json(&listed)?,
    };
    print_with_errors(&rendered, &errors);
    Ok(if !errors.is_empty() {
        exit::FAILED
    } else if listed.is_empty() {
        eprintln!("mailconform: no scenario was selected; check --tags, --name and the feature paths");
        exit::NOTHING_RAN
    } else {
        exit::PASSED
    })
}

/// `value` as indented JSON with a final newline, for `--format json`.
pub(crate) fn pretty_json<T: Serialize>(value: &T) -> Result<String, CliError> {
    let mut s = serde_json::to_string_pretty(value).map_err(|e| CliError::Harness(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

/// Writes a listing to stdout, then each problem met while making it to stderr.
pub(crate) fn print_with_errors(rendered: &str, errors: &[impl std::fmt::Display]) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(rendered.as_bytes());
    let _ = out.flush();
    for e in errors {
        eprintln!("mailconform: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_columns_align() {
        let s = |file: &str, line, name: &str, tags: &[&str]| ListedScenario {
            file: file.into(),
            line,
            feature: "F".into(),
            rule: None,
            scenario: name.into(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        };
        let text = render_text(&[s("a.feature", 4, "short", &["@source:000.x"]), s("bb.feature", 12, "longer name", &[])]);
        assert_eq!(text, "a.feature:4    short        @source:000.x\nbb.feature:12  longer name\n");
    }
}
