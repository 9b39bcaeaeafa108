//! `mailconform steps`: the step catalogue, for people who write scenarios without reading
//! Rust.
//!
//! Every step phrase the suite understands, with its parameters and the words they accept, a
//! one-line description, and a scenario that uses it (or a flag that none does). What a step
//! is comes from `mailconform_scenarios::catalogue`; this module finds the features, matches
//! their steps and prints.

use crate::cli::{StepsArgs, StepsFormat};
use crate::error::CliError;
use crate::exit;
use crate::features;
use mailconform_scenarios::catalogue::{self, Step, StepParameter, Use};
use serde::Serialize;

/// One step of the catalogue with where the features use it.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Entry {
    #[serde(flatten)]
    pub step: Step,
    /// How many feature steps run it (Background steps once per scenario).
    pub uses: usize,
    /// The first scenario that runs it, or `None` when no feature does.
    pub example: Option<Use>,
}

/// The catalogue, with uses found in the feature files `args` names, and the messages of files
/// that failed to parse.
pub(crate) fn collect(args: &StepsArgs) -> Result<(Vec<Entry>, Vec<String>), CliError> {
    let steps = catalogue::steps().map_err(|e| CliError::Harness(format!("the step catalogue cannot be read: {e}")))?;
    let mut parsed = Vec::new();
    let mut errors = Vec::new();
    for file in features::discover(&args.features)? {
        match features::parse(&file) {
            Ok(f) => parsed.push(f),
            Err(e) => errors.push(e.to_string()),
        }
    }
    let uses = catalogue::find_uses(&steps, &parsed);
    let entries = steps.into_iter().zip(uses).map(|(step, u)| Entry { step, uses: u.count, example: u.example }).collect();
    Ok((entries, errors))
}

/// The text form: steps grouped by the module that defines them, each with its description,
/// its parameters' words and an example.
pub(crate) fn render_text(entries: &[Entry]) -> String {
    let mut out = String::new();
    let mut area = "";
    for e in entries {
        let file = e.step.source.rsplit_once(':').map_or(e.step.source.as_str(), |(f, _)| f);
        let this_area = file.rsplit('/').next().unwrap_or(file).trim_end_matches(".rs");
        if this_area != area {
            area = this_area;
            out.push_str(&format!("{}── {area} ({file})\n\n", if out.is_empty() { "" } else { "\n" }));
        }
        out.push_str(&format!("{} {}\n", e.step.keyword.as_str(), phrase(&e.step)));
        out.push_str(&format!("    {}\n", e.step.description));
        let params = distinct(&e.step.parameters);
        let width = params.iter().map(|p| p.name.chars().count() + 2).max().unwrap_or(0);
        for p in params {
            let name = format!("{{{}}}", p.name);
            out.push_str(&format!("    {name:<width$}  {}: {}\n", p.info.about, p.info.accepted()));
        }
        match &e.example {
            Some(u) => out.push_str(&format!(
                "    e.g. {}:{}  {} ({} use{})\n",
                u.file,
                u.line,
                u.scenario,
                e.uses,
                if e.uses == 1 { "" } else { "s" }
            )),
            None => out.push_str("    UNUSED: no scenario of these features uses this step\n"),
        }
        out.push('\n');
    }
    let unused = entries.iter().filter(|e| e.example.is_none()).count();
    out.push_str(&format!("{} steps, {unused} used by no scenario\n", entries.len()));
    out
}

/// A regex step's phrase without its anchors; other phrases as written.
fn phrase(step: &Step) -> &str {
    match step.kind {
        catalogue::PhraseKind::Regex => step.phrase.trim_start_matches('^').trim_end_matches('$'),
        _ => &step.phrase,
    }
}

/// Each parameter once, in the order the phrase first names it.
fn distinct(params: &[StepParameter]) -> Vec<&StepParameter> {
    let mut seen: Vec<&StepParameter> = Vec::new();
    for p in params {
        if !seen.iter().any(|s| s.name == p.name) {
            seen.push(p);
        }
    }
    seen
}

/// `mailconform steps`: prints the catalogue; exit 1 when a feature file cannot be parsed.
pub(crate) fn steps(args: &StepsArgs) -> Result<u8, CliError> {
    let (entries, errors) = collect(args)?;
    let rendered = match args.format {
        StepsFormat::Text => render_text(&entries),
        StepsFormat::Json => crate::list::pretty_json(&entries)?,
    };
    crate::list::print_with_errors(&rendered, &errors);
    Ok(if errors.is_empty() { exit::PASSED } else { exit::FAILED })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn args() -> StepsArgs {
        StepsArgs { features: vec![PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../../features"))], format: StepsFormat::Text }
    }

    #[test]
    fn every_step_is_listed_once_with_a_description() {
        let (entries, errors) = collect(&args()).unwrap();
        assert!(errors.is_empty(), "{errors:?}");
        let text = render_text(&entries);
        for e in &entries {
            assert!(text.contains(&format!("{} {}\n    {}\n", e.step.keyword.as_str(), phrase(&e.step), e.step.description)), "{e:?}");
        }
        assert!(text.ends_with(&format!(
            "{} steps, {} used by no scenario\n",
            entries.len(),
            entries.iter().filter(|e| e.example.is_none()).count()
        )));
    }

    #[test]
    fn regex_phrases_lose_their_anchors() {
        let (entries, _) = collect(&args()).unwrap();
        // Every step of the suite is an expression: a regex one is made from the first.
        let written = entries[0].step.phrase.clone();
        let mut regex = entries[0].step.clone();
        regex.kind = catalogue::PhraseKind::Regex;
        regex.phrase = format!("^{written}$");
        assert_eq!(phrase(&regex), written);
    }
}
