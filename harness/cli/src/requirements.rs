//! Microsoft's ActiveSync server requirements, one by one: which ones a run's assertions put
//! to the test and what they found (`requirements.md`, `requirements.json`), and which ones
//! the selected scenarios' `@spec:` tags name (`mailconform list --format requirements`).
//!
//! The lists are Microsoft's own (`scenarios/requirements/`, from the
//! `*_RequirementSpecification.xlsx` of its Interop-TestSuites); a requirement counts as
//! verified or violated only when a step's assertion recorded it
//! ([`mailconform_scenarios::MailWorld::verify`]), never because a scenario's tag names its
//! section.

use crate::run::ScenarioResult;
use mailconform_scenarios::requirements::{self, Applicability, Requirement};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The JSON twin of `requirements.md`.
pub(crate) const REQUIREMENTS_JSON: &str = "requirements.json";

/// One `@spec:` tag of the selection, the scenarios carrying it and the requirements it names.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct Coverage {
    pub document: String,
    pub section: String,
    pub scenarios: Vec<String>,
    pub requirements: Vec<Requirement>,
}

/// Whether `section` is `tagged` or one of its subsections.
fn within(section: &str, tagged: &str) -> bool {
    section == tagged || section.strip_prefix(tagged).is_some_and(|r| r.starts_with('.'))
}

/// The requirements named by the `@spec:` tags of the scenarios, each given as its name
/// (`file:line title`) and its tags (with `@`), by document and section.
pub(crate) fn coverage<'a>(scenarios: impl IntoIterator<Item = (String, &'a [String])>) -> Vec<Coverage> {
    let documents = requirements::documents();
    let mut by_tag: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (name, tags) in scenarios {
        for tag in tags {
            let Some(spec) = tag.strip_prefix("@spec:") else { continue };
            let Some((document, section)) = documents
                .iter()
                .find_map(|d| spec.strip_prefix(d).and_then(|r| r.strip_prefix('.')).map(|sec| (d.to_string(), sec.to_string())))
            else {
                continue;
            };
            let entry = by_tag.entry((document, section)).or_default();
            if !entry.contains(&name) {
                entry.push(name.clone());
            }
        }
    }
    by_tag
        .into_iter()
        .map(|((document, section), scenarios)| {
            let requirements = requirements::of_document(&document).filter(|r| within(&r.section, &section)).cloned().collect();
            Coverage { document, section, scenarios, requirements }
        })
        .collect()
}

/// The tag index as Markdown: a summary table, then each section's requirement IDs.
pub(crate) fn render_tag_index(coverage: &[Coverage]) -> String {
    let mut out = String::from("# Server requirements named by the scenarios' tags\n\nNormative server requirements of Microsoft's ActiveSync requirement specifications in the sections the selected scenarios' `@spec:` tags name. Which of them a run verified is in its `requirements.md`.\n\n| section | scenarios | requirements |\n| --- | --- | --- |\n");
    for c in coverage {
        out.push_str(&format!("| {}.{} | {} | {} |\n", c.document, c.section, c.scenarios.len(), c.requirements.len()));
    }
    let total: std::collections::BTreeSet<&str> = coverage.iter().flat_map(|c| c.requirements.iter().map(|r| r.id.as_str())).collect();
    out.push_str(&format!("\n{} distinct requirements.\n", total.len()));
    for c in coverage {
        out.push_str(&format!("\n## {}.{}\n\n", c.document, c.section));
        for s in &c.scenarios {
            out.push_str(&format!("- scenario {s}\n"));
        }
        out.push('\n');
        for r in &c.requirements {
            out.push_str(&format!("- `{}` ({}) {}\n", r.id, r.section, r.description));
        }
    }
    out
}

/// One assertion's finding on one requirement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Check {
    /// `file:line name` of the scenario.
    pub scenario: String,
    pub held: bool,
    pub expected: String,
    pub observed: String,
}

/// A requirement some assertion put to the test.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Exercised {
    pub id: String,
    pub document: String,
    pub section: String,
    pub description: String,
    /// Whom it binds ([`Applicability`]).
    #[serde(default = "required")]
    pub applicability: Applicability,
    /// `verified` when every check held, `violated` when any did not, `not claimed` when one
    /// did not on a requirement the target does not claim (a SHOULD, say).
    pub verdict: String,
    pub checks: Vec<Check>,
}

/// One document's figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct DocumentFigures {
    pub document: String,
    /// Normative server requirements in Microsoft's list.
    pub listed: usize,
    /// Those the target claims (every required one, and the kinds its `claims` names).
    #[serde(default)]
    pub claimed: usize,
    pub verified: usize,
    pub violated: usize,
    pub not_exercised: usize,
    /// Requirements the target does not claim on which a check did not hold.
    #[serde(default)]
    pub not_claimed: usize,
}

fn required() -> Applicability {
    Applicability::Required
}

impl DocumentFigures {
    /// Exercised requirements over the claimed ones, in per cent with one decimal.
    pub(crate) fn exercised_share(&self) -> String {
        let exercised = self.verified + self.violated;
        format!("{:.1} %", if self.claimed == 0 { 0.0 } else { exercised as f64 * 100.0 / self.claimed as f64 })
    }
}

/// A scenario's outcome, for `report compare`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct ScenarioOutcome {
    pub scenario: String,
    pub outcome: String,
}

/// What one run found, requirement by requirement (`requirements.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RequirementReport {
    /// What the target claims beyond the required requirements.
    #[serde(default)]
    pub claims: Vec<Applicability>,
    pub documents: Vec<DocumentFigures>,
    pub requirements: Vec<Exercised>,
    pub scenarios: Vec<ScenarioOutcome>,
}

/// The verdicts of a run's scenarios, by requirement, for a target that claims `claims`
/// beyond the required requirements.
pub(crate) fn report(scenarios: &[ScenarioResult], claims: &[Applicability]) -> RequirementReport {
    let claimed = |a: Applicability| a == Applicability::Required || claims.contains(&a);
    let mut checks: BTreeMap<&str, Vec<Check>> = BTreeMap::new();
    for s in scenarios {
        let name = format!("{}:{} {}", s.file, s.line, s.name);
        for v in &s.verdicts {
            checks.entry(v.requirement.as_str()).or_default().push(Check {
                scenario: name.clone(),
                held: v.held,
                expected: v.expected.clone(),
                observed: v.observed.clone(),
            });
        }
    }
    let mut documents = Vec::new();
    let mut exercised = Vec::new();
    for document in requirements::documents() {
        let mut figures = DocumentFigures {
            document: document.to_string(),
            listed: 0,
            claimed: 0,
            verified: 0,
            violated: 0,
            not_exercised: 0,
            not_claimed: 0,
        };
        for r in requirements::of_document(document) {
            figures.listed += 1;
            let is_claimed = claimed(r.applicability);
            figures.claimed += usize::from(is_claimed);
            let Some(found) = checks.get(r.id.as_str()) else {
                figures.not_exercised += usize::from(is_claimed);
                continue;
            };
            let verdict = match (found.iter().all(|c| c.held), is_claimed) {
                (true, true) => {
                    figures.verified += 1;
                    "verified"
                }
                (false, true) => {
                    figures.violated += 1;
                    "violated"
                }
                (true, false) => "verified",
                (false, false) => {
                    figures.not_claimed += 1;
                    NOT_CLAIMED
                }
            };
            exercised.push(Exercised {
                id: r.id.clone(),
                document: document.to_string(),
                section: r.section.clone(),
                description: r.description.clone(),
                applicability: r.applicability,
                verdict: verdict.to_string(),
                checks: found.clone(),
            });
        }
        documents.push(figures);
    }
    let scenarios = scenarios
        .iter()
        .map(|s| ScenarioOutcome { scenario: format!("{}:{} {}", s.file, s.line, s.name), outcome: s.outcome.as_str().to_string() })
        .collect();
    let claims = Applicability::ALL.into_iter().filter(|a| *a != Applicability::Required && claimed(*a)).collect();
    RequirementReport { claims, documents, requirements: exercised, scenarios }
}

/// The verdict of a requirement the target does not claim on which a check did not hold.
pub(crate) const NOT_CLAIMED: &str = "not claimed";

/// `requirements.md`: figures per document, then the violated requirements with what was
/// expected and observed, then the verified ones with the scenarios that verified them.
pub(crate) fn render_markdown(r: &RequirementReport) -> String {
    let claims: Vec<&str> = r.claims.iter().map(|a| a.word()).collect();
    let mut out = format!("# Server requirements verified\n\nNormative server requirements of Microsoft's ActiveSync specifications, by the IDs of Microsoft's requirement lists. A requirement is verified when every assertion that checks it held, violated when one did not; the others were not exercised by this run. Every server must meet the required ones; this target claims {} besides (`claims` in its target configuration), and a check that did not hold on a requirement it does not claim is counted as not claimed, not as a violation. Exercised is over the claimed requirements.\n\n| document | listed | claimed | verified | violated | not exercised | not claimed | exercised |\n| --- | --- | --- | --- | --- | --- | --- | --- |\n", if claims.is_empty() { "nothing".to_string() } else { claims.join(", ") });
    for d in &r.documents {
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
            d.document,
            d.listed,
            d.claimed,
            d.verified,
            d.violated,
            d.not_exercised,
            d.not_claimed,
            d.exercised_share()
        ));
    }
    for (verdict, title) in [("violated", "Violated"), (NOT_CLAIMED, "Not held, not claimed"), ("verified", "Verified")] {
        let rows: Vec<&Exercised> = r.requirements.iter().filter(|e| e.verdict == verdict).collect();
        out.push_str(&format!("\n## {title} ({})\n", rows.len()));
        for e in rows {
            out.push_str(&format!("\n- `{}` ({} {}, {}) {}\n", e.id, e.document, e.section, e.applicability.word(), e.description));
            for c in &e.checks {
                match c.held {
                    true => out.push_str(&format!("  - held in {}: {}\n", c.scenario, c.observed)),
                    false => {
                        out.push_str(&format!("  - **not held** in {}: expected {}, observed {}\n", c.scenario, c.expected, c.observed))
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::summary::Outcome;
    use mailconform_scenarios::requirements::Verdict;
    use std::time::Duration;

    fn tags(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn a_section_tag_names_its_requirements_and_its_subsections() {
        let t = tags(&["@source:001.x", "@spec:MS-ASPROV.3.1.5.2"]);
        let c = coverage([("features/x.feature:3 S".to_string(), t.as_slice())]);
        assert_eq!(c.len(), 1);
        assert!(c[0].requirements.iter().any(|r| r.description.contains("139")));
        assert!(c[0].requirements.iter().all(|r| within(&r.section, "3.1.5.2")));
        assert!(within("3.1.5.2.1", "3.1.5.2") && !within("3.1.5.21", "3.1.5.2"));
    }

    #[test]
    fn tags_of_other_documents_are_left_out() {
        let t = tags(&["@spec:RFC7507", "@spec:MS-OXWSNTIF.3.1"]);
        assert!(coverage([("x".to_string(), t.as_slice())]).is_empty());
    }

    fn scenario(line: usize, outcome: Outcome, verdicts: &[(&str, bool)]) -> ScenarioResult {
        ScenarioResult {
            file: "features/a.feature".into(),
            line,
            feature: "F".into(),
            rule: None,
            name: format!("S{line}"),
            outcome,
            virtual_time: Duration::ZERO,
            failure: None,
            verdicts: verdicts
                .iter()
                .map(|(id, held)| Verdict {
                    requirement: id.to_string(),
                    held: *held,
                    expected: "449".into(),
                    observed: if *held { "449" } else { "200" }.into(),
                })
                .collect(),
            recorded: vec![],
        }
    }

    #[test]
    fn one_failed_check_makes_a_requirement_violated_and_the_rest_are_counted_per_document() {
        let runs = [
            scenario(3, Outcome::Passed, &[("MS-ASCMD_R7564", true), ("MS-ASPROV_R692", true)]),
            scenario(9, Outcome::Failed, &[("MS-ASCMD_R7564", false)]),
            scenario(12, Outcome::Passed, &[("MS-ASCMD_R7564", true)]),
        ];
        let r = report(&runs, &Applicability::ALL);
        let cmd = r.documents.iter().find(|d| d.document == "MS-ASCMD").unwrap();
        assert_eq!((cmd.verified, cmd.violated, cmd.verified + cmd.violated + cmd.not_exercised), (0, 1, cmd.listed));
        let prov = r.documents.iter().find(|d| d.document == "MS-ASPROV").unwrap();
        assert_eq!((prov.verified, prov.violated), (1, 0));
        let r7564 = r.requirements.iter().find(|e| e.id == "MS-ASCMD_R7564").unwrap();
        assert_eq!((r7564.verdict.as_str(), r7564.checks.len()), ("violated", 3));
        let md = render_markdown(&r);
        assert!(md.contains("**not held** in features/a.feature:9 S9: expected 449, observed 200"), "{md}");
        assert!(md.contains("## Violated (1)") && md.contains("## Verified (1)"), "{md}");
        assert_eq!(r.scenarios[1], ScenarioOutcome { scenario: "features/a.feature:9 S9".into(), outcome: "failed".into() });
        let json = serde_json::to_string(&r).unwrap();
        assert_eq!(serde_json::from_str::<RequirementReport>(&json).unwrap(), r, "the JSON twin reads back");
    }

    #[test]
    fn a_check_that_fails_on_a_requirement_the_target_does_not_claim_is_not_a_violation() {
        // MS-ASPROV_R606: the PolicyKey SHOULD be a 32-bit unsigned integer.
        let runs = [scenario(3, Outcome::Failed, &[("MS-ASPROV_R606", false), ("MS-ASPROV_R692", false)])];
        let required_only = report(&runs, &[]);
        let prov = required_only.documents.iter().find(|d| d.document == "MS-ASPROV").unwrap();
        assert_eq!((prov.violated, prov.not_claimed), (1, 1), "R692 is required, R606 a SHOULD");
        assert!(prov.claimed < prov.listed && prov.verified + prov.violated + prov.not_exercised == prov.claimed);
        let r606 = required_only.requirements.iter().find(|e| e.id == "MS-ASPROV_R606").unwrap();
        assert_eq!((r606.verdict.as_str(), r606.applicability), (NOT_CLAIMED, Applicability::Should));
        let md = render_markdown(&required_only);
        assert!(md.contains("this target claims nothing besides") && md.contains("## Not held, not claimed (1)"), "{md}");

        let claiming = report(&runs, &[Applicability::Should]);
        let prov = claiming.documents.iter().find(|d| d.document == "MS-ASPROV").unwrap();
        assert_eq!((prov.violated, prov.not_claimed), (2, 0), "a SHOULD the target claims is held to");
        assert_eq!(claiming.claims, [Applicability::Should]);
    }
}
