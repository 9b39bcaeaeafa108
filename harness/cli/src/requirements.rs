//! Which server requirements of Microsoft's ActiveSync specifications the selected scenarios
//! exercise, named by the IDs of Microsoft's own requirement lists (the
//! `*_RequirementSpecification.xlsx` of its Interop-TestSuites, reduced to their normative
//! server-side rows in `harness/cli/requirements/`).
//!
//! A scenario tagged `@spec:MS-ASPROV.3.1.5.2` covers the requirements of section 3.1.5.2 and
//! of its subsections. The mapping is by section, as precise as the tags; a vendor reading
//! the list can see at a glance which numbered requirements a run put to the test.

use std::collections::BTreeMap;

/// The requirement lists this project carries: (document, CSV of req_id,section,description).
const LISTS: &[(&str, &str)] = &[
    ("MS-ASCMD", include_str!("../requirements/MS-ASCMD.csv")),
    ("MS-ASPROV", include_str!("../requirements/MS-ASPROV.csv")),
    ("MS-ASHTTP", include_str!("../requirements/MS-ASHTTP.csv")),
];

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Requirement {
    pub id: String,
    pub section: String,
    pub description: String,
}

/// One `@spec:` tag of the selection, the scenarios carrying it and the requirements it covers.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Coverage {
    pub document: String,
    pub section: String,
    pub scenarios: Vec<String>,
    pub requirements: Vec<Requirement>,
}

/// Splits one CSV line of three fields, the last of which may be quoted with `""` escapes.
fn fields(line: &str) -> Option<(String, String, String)> {
    let mut rest = line;
    let mut take = || -> Option<String> {
        if let Some(q) = rest.strip_prefix('"') {
            let mut out = String::new();
            let mut chars = q.char_indices().peekable();
            while let Some((i, c)) = chars.next() {
                if c == '"' {
                    if chars.peek().map(|p| p.1) == Some('"') {
                        out.push('"');
                        chars.next();
                    } else {
                        rest = q[i + 1..].strip_prefix(',').unwrap_or("");
                        return Some(out);
                    }
                } else {
                    out.push(c);
                }
            }
            None
        } else {
            let (v, r) = rest.split_once(',').unwrap_or((rest, ""));
            rest = r;
            Some(v.to_string())
        }
    };
    Some((take()?, take()?, take()?))
}

fn requirements_of(document: &str) -> Vec<Requirement> {
    LISTS
        .iter()
        .filter(|(d, _)| *d == document)
        .flat_map(|(_, csv)| csv.lines().skip(1))
        .filter_map(fields)
        .map(|(id, section, description)| Requirement { id, section, description })
        .collect()
}

/// Whether `section` is `tagged` or one of its subsections.
fn within(section: &str, tagged: &str) -> bool {
    section == tagged || section.strip_prefix(tagged).is_some_and(|r| r.starts_with('.'))
}

/// The coverage of the `@spec:` tags of the scenarios, each given as its name (`file:line
/// title`) and its tags (with `@`), by document and section.
pub(crate) fn coverage<'a>(scenarios: impl IntoIterator<Item = (String, &'a [String])>) -> Vec<Coverage> {
    let mut by_tag: BTreeMap<(String, String), Vec<String>> = BTreeMap::new();
    for (name, tags) in scenarios {
        for tag in tags {
            let Some(spec) = tag.strip_prefix("@spec:") else { continue };
            let Some((document, section)) = LISTS
                .iter()
                .find_map(|(d, _)| spec.strip_prefix(d).and_then(|r| r.strip_prefix('.')).map(|sec| (d.to_string(), sec.to_string())))
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
            let requirements = requirements_of(&document).into_iter().filter(|r| within(&r.section, &section)).collect();
            Coverage { document, section, scenarios, requirements }
        })
        .collect()
}

/// The coverage as Markdown: a summary table, then each section's requirement IDs.
pub(crate) fn render_markdown(coverage: &[Coverage]) -> String {
    let mut out = String::from("# Server requirements exercised\n\nNormative server requirements of Microsoft's ActiveSync requirement specifications, by the `@spec:` tags of the selected scenarios.\n\n| section | scenarios | requirements |\n| --- | --- | --- |\n");
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

#[cfg(test)]
mod tests {
    use super::*;

    fn tags(tags: &[&str]) -> Vec<String> {
        tags.iter().map(|t| t.to_string()).collect()
    }

    #[test]
    fn a_section_tag_covers_its_requirements_and_its_subsections() {
        let t = tags(&["@source:001.x", "@spec:MS-ASPROV.3.1.5.2"]);
        let c = coverage([("features/x.feature:3 S".to_string(), t.as_slice())]);
        assert_eq!(c.len(), 1);
        let ids: Vec<&str> = c[0].requirements.iter().map(|r| r.id.as_str()).collect();
        // Status 139 of Provision, from Microsoft's list.
        assert!(c[0].requirements.iter().any(|r| r.description.contains("139")), "{ids:?}");
        assert!(c[0].requirements.iter().all(|r| within(&r.section, "3.1.5.2")));
        assert!(!ids.is_empty());
        assert!(within("3.1.5.2.1", "3.1.5.2") && !within("3.1.5.21", "3.1.5.2"));
    }

    #[test]
    fn tags_of_other_documents_are_left_out() {
        let t = tags(&["@spec:RFC7507", "@spec:MS-OXWSNTIF.3.1"]);
        assert!(coverage([("x".to_string(), t.as_slice())]).is_empty());
    }

    #[test]
    fn quoted_fields_with_commas_and_quotes_are_read_whole() {
        assert_eq!(fields(r#"R1,2.1,"a, ""b"" c""#), Some(("R1".into(), "2.1".into(), r#"a, "b" c"#.into())));
        assert_eq!(fields("R2,3,plain"), Some(("R2".into(), "3".into(), "plain".into())));
    }
}
