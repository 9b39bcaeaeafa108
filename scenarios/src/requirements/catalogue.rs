//! The requirement lists the project carries, parsed once.

use std::sync::OnceLock;

/// The lists: (document, CSV of `req_id,section,description`).
const LISTS: &[(&str, &str)] = &[
    ("MS-ASCMD", include_str!("../../requirements/MS-ASCMD.csv")),
    ("MS-ASPROV", include_str!("../../requirements/MS-ASPROV.csv")),
    ("MS-ASHTTP", include_str!("../../requirements/MS-ASHTTP.csv")),
];

/// One normative server requirement.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Requirement {
    /// Microsoft's ID (`MS-ASPROV_R692`).
    pub id: String,
    /// The document it comes from (`MS-ASPROV`).
    pub document: &'static str,
    /// Its section in that document (`3.1.5.2`).
    pub section: String,
    /// Its text, as Microsoft's list gives it (cut at about 200 characters there).
    pub description: String,
}

fn all() -> &'static [Requirement] {
    static ALL: OnceLock<Vec<Requirement>> = OnceLock::new();
    ALL.get_or_init(|| {
        LISTS
            .iter()
            .flat_map(|(document, csv)| {
                csv.lines().skip(1).filter_map(fields).map(|(id, section, description)| Requirement { id, document, section, description })
            })
            .collect()
    })
}

/// The documents with a requirement list, in the order the reports show them.
pub fn documents() -> Vec<&'static str> {
    LISTS.iter().map(|(d, _)| *d).collect()
}

/// The requirements of `document`, in the list's order.
pub fn of_document(document: &str) -> impl Iterator<Item = &'static Requirement> + '_ {
    all().iter().filter(move |r| r.document == document)
}

/// The requirement with this ID, if a list has it.
pub fn find(id: &str) -> Option<&'static Requirement> {
    all().iter().find(|r| r.id == id)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_fields_with_commas_and_quotes_are_read_whole() {
        assert_eq!(fields(r#"R1,2.1,"a, ""b"" c""#), Some(("R1".into(), "2.1".into(), r#"a, "b" c"#.into())));
        assert_eq!(fields("R2,3,plain"), Some(("R2".into(), "3".into(), "plain".into())));
    }

    #[test]
    fn every_list_is_read_and_ids_are_unique_and_prefixed_by_their_document() {
        for d in documents() {
            let n = of_document(d).count();
            assert!(n > 100, "{d}: {n} requirements");
            assert!(of_document(d).all(|r| r.id.starts_with(&format!("{d}_R"))), "{d}");
        }
        let mut ids: Vec<&str> = all().iter().map(|r| r.id.as_str()).collect();
        let n = ids.len();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), n, "duplicate IDs");
        assert_eq!(find("MS-ASPROV_R692").map(|r| r.section.as_str()), Some("3.1.5.2"));
        assert_eq!(find("MS-ASPROV_R0"), None);
    }
}
