//! `mailconform report compare`: several runs' requirement verdicts and scenario outcomes side
//! by side (the fakes beside a real server, two versions of a vendor's server), from the
//! `requirements.json` each run wrote to its report directory.

use crate::cli::CompareArgs;
use crate::error::CliError;
use crate::requirements::{RequirementReport, REQUIREMENTS_JSON};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// One run to compare: its name (its report directory's) and what it found.
struct Run {
    name: String,
    report: RequirementReport,
}

fn read(dir: &Path) -> Result<Run, CliError> {
    let path = dir.join(REQUIREMENTS_JSON);
    let bytes = std::fs::read(&path).map_err(|e| CliError::ReportInput {
        path: path.clone(),
        reason: format!("{e}; pass report directories written by `mailconform run --report-dir`"),
    })?;
    let report = serde_json::from_slice(&bytes)
        .map_err(|e| CliError::ReportInput { path: path.clone(), reason: format!("not a requirements report of this version: {e}") })?;
    let name = dir.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| dir.display().to_string());
    Ok(Run { name, report })
}

/// The runs' verdicts and outcomes as Markdown tables; rows where the runs differ are marked.
fn render(runs: &[Run]) -> String {
    let header = |first: &str| {
        let names: Vec<&str> = runs.iter().map(|r| r.name.as_str()).collect();
        format!("| {first} | {} |\n| --- |{}\n", names.join(" | "), " --- |".repeat(runs.len()))
    };
    let mut out = String::from("# Runs compared\n\n");
    out.push_str(&header("figure"));
    let count = |r: &Run, outcome: &str| r.report.scenarios.iter().filter(|s| s.outcome == outcome).count();
    for outcome in ["passed", "failed", "not applicable"] {
        let cells: Vec<String> = runs.iter().map(|r| count(r, outcome).to_string()).collect();
        out.push_str(&format!("| scenarios {outcome} | {} |\n", cells.join(" | ")));
    }
    let documents: BTreeSet<&str> = runs.iter().flat_map(|r| r.report.documents.iter().map(|d| d.document.as_str())).collect();
    for d in documents {
        let cells: Vec<String> = runs
            .iter()
            .map(|r| {
                r.report.documents.iter().find(|f| f.document == d).map_or("-".to_string(), |f| {
                    format!("{} verified, {} violated of {} ({})", f.verified, f.violated, f.listed, f.exercised_share())
                })
            })
            .collect();
        out.push_str(&format!("| {d} requirements | {} |\n", cells.join(" | ")));
    }

    out.push_str("\n## Requirements\n\nEvery requirement some run exercised; **bold** where the runs differ.\n\n");
    out.push_str(&header("requirement"));
    let mut ids: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
    for r in runs {
        for e in &r.report.requirements {
            ids.entry((e.document.clone(), e.id.clone())).or_insert((e.section.clone(), e.description.clone()));
        }
    }
    for ((_, id), (section, _)) in &ids {
        let cells: Vec<String> = runs
            .iter()
            .map(|r| match r.report.requirements.iter().find(|e| &e.id == id) {
                None => "not exercised".to_string(),
                Some(e) if e.verdict == "verified" => "verified".to_string(),
                Some(e) => {
                    let first = e.checks.iter().find(|c| !c.held);
                    first.map_or("violated".to_string(), |c| format!("violated: expected {}, observed {}", c.expected, c.observed))
                }
            })
            .collect();
        let differ = cells.iter().any(|c| c != &cells[0]);
        let label = format!("`{id}` ({section})");
        out.push_str(&format!("| {} | {} |\n", if differ { format!("**{label}**") } else { label }, cells.join(" | ")));
    }

    out.push_str("\n## Scenarios\n\nEvery scenario some run ran; **bold** where the outcomes differ.\n\n");
    out.push_str(&header("scenario"));
    let names: BTreeSet<&str> = runs.iter().flat_map(|r| r.report.scenarios.iter().map(|s| s.scenario.as_str())).collect();
    for name in names {
        let cells: Vec<&str> =
            runs.iter().map(|r| r.report.scenarios.iter().find(|s| s.scenario == name).map_or("not run", |s| s.outcome.as_str())).collect();
        let differ = cells.iter().any(|c| c != &cells[0]);
        let label = name.replace('|', "\\|");
        out.push_str(&format!("| {} | {} |\n", if differ { format!("**{label}**") } else { label }, cells.join(" | ")));
    }
    out
}

/// `mailconform report compare DIR...`: prints the comparison, or writes it to `--out`.
pub(crate) fn compare(args: &CompareArgs) -> Result<u8, CliError> {
    let runs = args.dirs.iter().map(|d| read(d)).collect::<Result<Vec<_>, _>>()?;
    let page = render(&runs);
    match &args.out {
        Some(path) => crate::report::write(path, page.as_bytes())?,
        None => print!("{page}"),
    }
    Ok(crate::exit::PASSED)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::requirements::{Check, DocumentFigures, Exercised, ScenarioOutcome};

    fn run(name: &str, verdict: &str, outcome: &str) -> Run {
        let held = verdict == "verified";
        Run {
            name: name.into(),
            report: RequirementReport {
                claims: vec![],
                documents: vec![DocumentFigures {
                    document: "MS-ASCMD".into(),
                    listed: 10,
                    claimed: 10,
                    verified: usize::from(held),
                    violated: usize::from(!held),
                    not_exercised: 9,
                    not_claimed: 0,
                }],
                requirements: vec![Exercised {
                    id: "MS-ASCMD_R7564".into(),
                    document: "MS-ASCMD".into(),
                    section: "2.2.2".into(),
                    description: "449".into(),
                    applicability: mailconform_scenarios::requirements::Applicability::Required,
                    verdict: verdict.into(),
                    checks: vec![Check {
                        scenario: "s".into(),
                        held,
                        expected: "Http(449)".into(),
                        observed: if held { "Http(449)" } else { "Done" }.into(),
                    }],
                }],
                scenarios: vec![ScenarioOutcome { scenario: "features/a.feature:3 S".into(), outcome: outcome.into() }],
            },
        }
    }

    #[test]
    fn differing_verdicts_and_outcomes_are_marked_and_explained() {
        let page = render(&[run("fakes", "verified", "passed"), run("sogo", "violated", "failed")]);
        assert!(page.contains("| **`MS-ASCMD_R7564` (2.2.2)** | verified | violated: expected Http(449), observed Done |"), "{page}");
        assert!(page.contains("| **features/a.feature:3 S** | passed | failed |"), "{page}");
        assert!(
            page.contains("| MS-ASCMD requirements | 1 verified, 0 violated of 10 (10.0 %) | 0 verified, 1 violated of 10 (10.0 %) |"),
            "{page}"
        );
        let same = render(&[run("a", "verified", "passed"), run("b", "verified", "passed")]);
        assert!(same.contains("| `MS-ASCMD_R7564` (2.2.2) | verified | verified |"), "{same}");
    }

    #[test]
    fn a_directory_without_a_report_is_a_usage_error_naming_the_file() {
        let dir = std::env::temp_dir().join(format!("mailconform-compare-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = read(&dir).err().expect("no requirements.json");
        assert!(e.to_string().contains("requirements.json"), "{e}");
        assert_eq!(crate::exit::of_error(&e), crate::exit::USAGE);
        std::fs::remove_dir_all(&dir).ok();
    }
}
