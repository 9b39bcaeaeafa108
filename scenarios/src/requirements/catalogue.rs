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
    /// Whom it binds: every server, or only one that claims it.
    pub applicability: Applicability,
}

/// Whom a requirement binds. Every server must meet the [`Applicability::Required`] ones; a
/// target claims the others it means to meet (`claims` in the target configuration), and a
/// check that does not hold on one it does not claim is reported apart, not as a violation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// MUST, MUST NOT, or what the protocol is ("is encoded as WBXML"): every server.
    Required,
    /// SHOULD, SHOULD NOT or RECOMMENDED ([RFC2119] 3 and 4): a server may have its reasons.
    Should,
    /// MAY or OPTIONAL ([RFC2119] 5).
    May,
    /// Holds at some protocol versions only ("Protocol version 16.1 supports this element",
    /// "when the MS-ASProtocolVersion header is set to 12.1").
    VersionDependent,
    /// Appendix A, "Product Behavior": what Microsoft's own servers do ("the implementation
    /// does ... (Exchange 2007 SP1 and above follow this behavior.)").
    ProductBehavior,
}

impl Applicability {
    /// Every kind, in the order reports list them.
    pub const ALL: [Applicability; 5] = [
        Applicability::Required,
        Applicability::Should,
        Applicability::May,
        Applicability::VersionDependent,
        Applicability::ProductBehavior,
    ];

    /// The word a target configuration's `claims` and the reports use.
    pub fn word(self) -> &'static str {
        match self {
            Applicability::Required => "required",
            Applicability::Should => "should",
            Applicability::May => "may",
            Applicability::VersionDependent => "version-dependent",
            Applicability::ProductBehavior => "product-behavior",
        }
    }

    /// The kind a word names (`should`, `may`, `version-dependent`, `product-behavior`, `required`).
    pub fn parse(word: &str) -> Option<Applicability> {
        Applicability::ALL.into_iter().find(|a| a.word() == word)
    }

    /// What binds a requirement, from its section and its text. Product behavior first (its
    /// rows also say "does" of versions), then the version it is tied to, then the weakest
    /// RFC 2119 keyword the text uses.
    fn of(description: &str) -> Applicability {
        let upper_words = |w: &str| description.split(|c: char| !c.is_ascii_alphabetic()).any(|t| t == w);
        if description.starts_with("[In Appendix A: Product Behavior]") {
            Applicability::ProductBehavior
        } else if description.contains("Protocol version") || description.contains("MS-ASProtocolVersion header is set to") {
            Applicability::VersionDependent
        } else if upper_words("MAY") || upper_words("OPTIONAL") {
            Applicability::May
        } else if upper_words("SHOULD") || upper_words("RECOMMENDED") {
            Applicability::Should
        } else {
            Applicability::Required
        }
    }
}

fn all() -> &'static [Requirement] {
    static ALL: OnceLock<Vec<Requirement>> = OnceLock::new();
    ALL.get_or_init(|| {
        LISTS
            .iter()
            .flat_map(|(document, csv)| {
                csv.lines().skip(1).filter_map(fields).map(|(id, section, description)| Requirement {
                    applicability: Applicability::of(&description),
                    id,
                    document,
                    section,
                    description,
                })
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

    #[test]
    fn each_requirement_says_whom_it_binds() {
        let of = |id: &str| find(id).unwrap_or_else(|| panic!("{id}")).applicability;
        assert_eq!(of("MS-ASCMD_R7"), Applicability::Required, "messages are encoded as WBXML");
        assert_eq!(of("MS-ASPROV_R6903"), Applicability::Required, "MUST NOT include any child elements");
        assert_eq!(of("MS-ASPROV_R6906"), Applicability::VersionDependent, "Protocol version 16.1 supports");
        assert_eq!(of("MS-ASCMD_R5420"), Applicability::ProductBehavior, "Appendix A");
        assert_eq!(Applicability::of("[In Sync] The server SHOULD return Status 4."), Applicability::Should);
        assert_eq!(Applicability::of("[In Sync] The client MAY send it; the server SHOULD accept it."), Applicability::May);
        assert_eq!(Applicability::of("[In Ping] It is Mayhem."), Applicability::Required, "a word, not a prefix");
        for a in Applicability::ALL {
            assert_eq!(Applicability::parse(a.word()), Some(a));
            assert_eq!(serde_json::to_value(a).unwrap(), a.word(), "the JSON word is the configuration's");
        }
        let kinds: std::collections::BTreeSet<Applicability> = all().iter().map(|r| r.applicability).collect();
        assert_eq!(kinds.len(), 5, "the lists hold every kind");
    }
}
