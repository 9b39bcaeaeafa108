//! A run's own record (`run.json`: every scenario with its outcome, failure, protocol time,
//! requirement verdicts and tags) and `mailconform report merge`, which joins the report
//! directories of a run's shards (`run --partition hash:K/N`) into one: JUnit, Cucumber JSON,
//! the requirements and `index.html`, as one run over the whole selection would have written
//! them, and the merged run's exit code.

use crate::error::CliError;
use crate::list::ListedScenario;
use crate::report;
use crate::run::{RunResult, ScenarioResult};
use crate::summary::{Counts, Outcome};
use mailconform_scenarios::requirements::Applicability;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The record's file name in a report directory.
pub(crate) const RUN_JSON: &str = "run.json";

/// One scenario as `run.json` keeps it: its result and its tags.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RecordedScenario {
    #[serde(flatten)]
    pub result: ScenarioResult,
    /// Tags in effect, with `@`.
    pub tags: Vec<String>,
}

/// What `run.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(crate) struct RunRecord {
    pub seed: u64,
    /// The shard this run was (`hash:K/N`), if it was one.
    pub partition: Option<String>,
    /// What the target claims beyond the required requirements.
    pub claims: Vec<Applicability>,
    pub scenarios: Vec<RecordedScenario>,
    pub parse_errors: Vec<String>,
    pub virtual_time: Duration,
    pub wall_time: Duration,
}

impl RunRecord {
    /// The record of `result`, with each scenario's tags from `listed`.
    pub(crate) fn of(result: &RunResult, listed: &[ListedScenario], partition: Option<String>, claims: &[Applicability]) -> RunRecord {
        let tags: BTreeMap<(&str, usize), &Vec<String>> = listed.iter().map(|s| ((s.file.as_str(), s.line), &s.tags)).collect();
        RunRecord {
            seed: result.seed,
            partition,
            claims: claims.to_vec(),
            scenarios: result
                .scenarios
                .iter()
                .map(|s| RecordedScenario {
                    result: s.clone(),
                    tags: tags.get(&(s.file.as_str(), s.line)).map(|t| t.to_vec()).unwrap_or_default(),
                })
                .collect(),
            parse_errors: result.parse_errors.clone(),
            virtual_time: result.virtual_time,
            wall_time: result.wall_time,
        }
    }

    /// Writes it to `dir`.
    pub(crate) fn write(&self, dir: &Path) -> Result<(), CliError> {
        let json = serde_json::to_vec_pretty(self).map_err(|e| CliError::Harness(format!("{RUN_JSON}: {e}")))?;
        report::write(&dir.join(RUN_JSON), &json)
    }

    fn read(dir: &Path) -> Result<RunRecord, CliError> {
        let path = dir.join(RUN_JSON);
        let bytes = std::fs::read(&path).map_err(|e| CliError::ReportInput {
            path: path.clone(),
            reason: format!("{e}; pass report directories written by `mailconform run --report-dir` (with or without --partition)"),
        })?;
        serde_json::from_slice(&bytes)
            .map_err(|e| CliError::ReportInput { path, reason: format!("not the record of a run of this version: {e}") })
    }
}

/// The counts of these outcomes, with `parse_errors` unparsable files.
fn counts(scenarios: &[ScenarioResult], parse_errors: usize) -> Counts {
    let mut c = Counts { parse_errors, ..Counts::default() };
    for s in scenarios {
        match s.outcome {
            Outcome::Passed => c.passed += 1,
            Outcome::Failed => c.failed += 1,
            Outcome::Skipped => c.skipped += 1,
            Outcome::NotApplicable => c.not_applicable += 1,
        }
    }
    c
}

/// The shards' JUnit reports as one: every `testsuite` under one `testsuites`, numbered anew.
fn merge_junit(parts: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut suites = String::new();
    for (i, part) in parts.iter().enumerate() {
        let text = std::str::from_utf8(part).map_err(|e| format!("shard {}: junit.xml is not UTF-8: {e}", i + 1))?;
        let open = text.find("<testsuites").ok_or_else(|| format!("shard {}: junit.xml has no <testsuites>", i + 1))?;
        let after_open = text[open..].find('>').map(|p| open + p + 1).ok_or("an unterminated <testsuites>")?;
        if text[..after_open].ends_with("/>") {
            continue;
        }
        let close = text.rfind("</testsuites>").ok_or_else(|| format!("shard {}: junit.xml has no </testsuites>", i + 1))?;
        suites.push_str(&text[after_open..close]);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?><testsuites>");
    let mut rest = suites.as_str();
    let mut id = 0;
    while let Some(at) = rest.find("<testsuite id=\"") {
        out.push_str(&rest[..at]);
        let value_start = at + "<testsuite id=\"".len();
        let value_end = rest[value_start..].find('"').map(|p| value_start + p).ok_or("an unterminated testsuite id")?;
        out.push_str(&format!("<testsuite id=\"{id}\""));
        id += 1;
        rest = &rest[value_end + 1..];
    }
    out.push_str(rest);
    out.push_str("</testsuites>");
    Ok(out.into_bytes())
}

/// The shards' Cucumber JSON reports as one: a feature split among shards becomes one feature
/// again, its scenarios in file order.
fn merge_cucumber_json(parts: &[Vec<u8>]) -> Result<Vec<u8>, String> {
    let mut features: Vec<serde_json::Value> = Vec::new();
    for (i, part) in parts.iter().enumerate() {
        let list: Vec<serde_json::Value> =
            serde_json::from_slice(part).map_err(|e| format!("shard {}: cucumber.json is not a list of features: {e}", i + 1))?;
        for feature in list {
            let uri = feature.get("uri").cloned();
            match features.iter_mut().find(|f| f.get("uri") == uri.as_ref()) {
                Some(existing) => {
                    let more = feature.get("elements").and_then(|e| e.as_array()).cloned().unwrap_or_default();
                    if let Some(elements) = existing.get_mut("elements").and_then(|e| e.as_array_mut()) {
                        elements.extend(more);
                        elements.sort_by_key(|e| e.get("line").and_then(|l| l.as_u64()).unwrap_or(0));
                    }
                }
                None => features.push(feature),
            }
        }
    }
    features.sort_by(|a, b| a.get("uri").and_then(|u| u.as_str()).cmp(&b.get("uri").and_then(|u| u.as_str())));
    serde_json::to_vec(&features).map_err(|e| e.to_string())
}

/// `mailconform report merge DIR... --into OUT`: returns the merged run's exit code.
pub(crate) fn merge(dirs: &[PathBuf], into: &Path) -> Result<u8, CliError> {
    let records: Vec<RunRecord> = dirs.iter().map(|d| RunRecord::read(d)).collect::<Result<_, _>>()?;
    let input = |dir: &Path, file: &str| {
        std::fs::read(dir.join(file)).map_err(|e| CliError::ReportInput { path: dir.join(file), reason: e.to_string() })
    };
    let junit: Vec<Vec<u8>> = dirs.iter().map(|d| input(d, report::JUNIT_FILE)).collect::<Result<_, _>>()?;
    let json: Vec<Vec<u8>> = dirs.iter().map(|d| input(d, report::CUCUMBER_JSON_FILE)).collect::<Result<_, _>>()?;
    let seeds: std::collections::BTreeSet<u64> = records.iter().map(|r| r.seed).collect();
    if seeds.len() > 1 {
        return Err(CliError::Usage(format!(
            "the runs used different seeds ({seeds:?}): merge the shards of one run, run with the same --seed"
        )));
    }
    let mut by_key: BTreeMap<(String, usize), (usize, RecordedScenario)> = BTreeMap::new();
    for (i, record) in records.iter().enumerate() {
        for s in &record.scenarios {
            let key = (s.result.file.clone(), s.result.line);
            if let Some((other, _)) = by_key.insert(key.clone(), (i, s.clone())) {
                return Err(CliError::Usage(format!(
                    "{}:{} ran in both {} and {}: merge the shards of one partition (--partition hash:K/N, each K once)",
                    key.0,
                    key.1,
                    dirs[other].display(),
                    dirs[i].display()
                )));
            }
        }
    }
    let scenarios: Vec<ScenarioResult> = by_key.values().map(|(_, s)| s.result.clone()).collect();
    let listed: Vec<ListedScenario> = by_key
        .values()
        .map(|(_, s)| ListedScenario {
            file: s.result.file.clone(),
            line: s.result.line,
            feature: s.result.feature.clone(),
            rule: s.result.rule.clone(),
            scenario: s.result.name.clone(),
            tags: s.tags.clone(),
        })
        .collect();
    let mut parse_errors: Vec<String> = records.iter().flat_map(|r| r.parse_errors.clone()).collect();
    parse_errors.sort();
    parse_errors.dedup();
    let result = RunResult {
        seed: records.first().map_or(1, |r| r.seed),
        counts: counts(&scenarios, parse_errors.len()),
        virtual_time: scenarios.iter().map(|s| s.virtual_time).sum(),
        wall_time: records.iter().map(|r| r.wall_time).max().unwrap_or_default(),
        scenarios,
        parse_errors,
    };
    let claims = records.first().map(|r| r.claims.clone()).unwrap_or_default();
    let paths = report::create(into)?;
    report::write(
        &paths.junit,
        &merge_junit(&junit).map_err(|reason| CliError::ReportInput { path: dirs[0].join(report::JUNIT_FILE), reason })?,
    )?;
    report::write(
        &paths.cucumber_json,
        &merge_cucumber_json(&json).map_err(|reason| CliError::ReportInput { path: dirs[0].join(report::CUCUMBER_JSON_FILE), reason })?,
    )?;
    crate::run::write_after_run(into, &result, &listed, &claims, None, None)?;
    for file in [report::TLS_MATRIX_JSON, report::TLS_MATRIX_MD] {
        if let Some(found) = dirs.iter().map(|d| d.join(file)).find(|p| p.exists()) {
            std::fs::copy(&found, into.join(file)).map_err(|source| CliError::ReportFile { path: into.join(file), source })?;
        }
    }
    println!("{}", result.summary_line());
    Ok(result.exit_code())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn junit_suites_of_every_shard_under_one_root_numbered_anew() {
        let a = br#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite id="0" name="A"><testcase name="a1"/></testsuite><testsuite id="1" name="B"></testsuite></testsuites>"#;
        let b = br#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite id="0" name="C"><testcase name="c1"/></testsuite></testsuites>"#;
        let merged = String::from_utf8(merge_junit(&[a.to_vec(), b.to_vec(), b"<testsuites/>".to_vec()]).unwrap()).unwrap();
        assert_eq!(
            merged,
            r#"<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite id="0" name="A"><testcase name="a1"/></testsuite><testsuite id="1" name="B"></testsuite><testsuite id="2" name="C"><testcase name="c1"/></testsuite></testsuites>"#
        );
        assert!(merge_junit(&[b"not xml".to_vec()]).is_err());
    }

    #[test]
    fn a_feature_split_among_shards_is_one_feature_again() {
        let a = br#"[{"uri":"features/x.feature","elements":[{"line":9}]},{"uri":"features/y.feature","elements":[{"line":3}]}]"#;
        let b = br#"[{"uri":"features/x.feature","elements":[{"line":4}]}]"#;
        let merged: serde_json::Value = serde_json::from_slice(&merge_cucumber_json(&[a.to_vec(), b.to_vec()]).unwrap()).unwrap();
        assert_eq!(
            merged,
            serde_json::json!([
                {"uri":"features/x.feature","elements":[{"line":4},{"line":9}]},
                {"uri":"features/y.feature","elements":[{"line":3}]}
            ])
        );
        assert!(merge_cucumber_json(&[b"{}".to_vec()]).is_err());
    }
}
