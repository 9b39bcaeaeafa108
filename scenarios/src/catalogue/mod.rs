//! The step catalogue: every step phrase with its parameters, the words they accept, a
//! one-line description and where features use it. `mailconform steps` prints it, so a QA
//! engineer writes new scenarios from it without reading Rust.
//!
//! Cucumber registers each step with the file and line of its attribute; the description and
//! the phrase as written come from the embedded sources at that place ([`source`]), the
//! parameters' words from [`crate::params`].

pub mod source;
mod usage;

pub use source::{PhraseKind, SourceError};
pub use usage::{find_uses, Use, Uses};

use crate::params::{self, ParameterInfo};
use crate::MailWorld;
use cucumber::codegen::{StepConstructor as _, WorldInventory};
use regex::Regex;
use serde::Serialize;

include!(concat!(env!("OUT_DIR"), "/step_sources.rs"));

/// Given, When or Then.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub enum Keyword {
    /// A step that sets the scene.
    Given,
    /// A step that acts.
    When,
    /// A step that checks.
    Then,
}

impl Keyword {
    fn of(word: &str) -> Option<Keyword> {
        match word {
            "given" => Some(Keyword::Given),
            "when" => Some(Keyword::When),
            "then" => Some(Keyword::Then),
            _ => None,
        }
    }

    /// The keyword as features write it.
    pub fn as_str(self) -> &'static str {
        match self {
            Keyword::Given => "Given",
            Keyword::When => "When",
            Keyword::Then => "Then",
        }
    }
}

/// A parameter of one step: its name in the phrase and what it accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepParameter {
    /// `user` for `{user}`; for a regex step, the function's argument name.
    pub name: String,
    /// What it accepts.
    #[serde(flatten)]
    pub info: ParameterInfo,
}

/// One step definition as the catalogue shows it.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// Given, When or Then.
    pub keyword: Keyword,
    /// The phrase as the attribute writes it: a Cucumber expression, a regex or exact text.
    pub phrase: String,
    /// How the phrase is written.
    pub kind: PhraseKind,
    /// The first line of the step function's doc comment.
    pub description: String,
    /// The parameters, in the order the phrase names them.
    pub parameters: Vec<StepParameter>,
    /// `scenarios/src/steps/device.rs:17`: where the step is defined.
    pub source: String,
    /// What Cucumber matches feature steps against.
    #[serde(skip)]
    pub regex: Regex,
}

impl Step {
    /// Whether a feature's step with this keyword and text runs this step definition.
    pub fn matches(&self, keyword: Keyword, text: &str) -> bool {
        keyword == self.keyword && self.regex.is_match(text)
    }
}

/// Why the catalogue could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueError {
    /// A step's file is not among the embedded sources.
    #[error("{file}: the sources of this step file are not embedded (scenarios/build.rs embeds src/steps)")]
    MissingSource {
        /// The step file, as Cucumber located it.
        file: String,
    },
    /// A step's source cannot be read at its line.
    #[error("{file}: {source}")]
    Source {
        /// The step file.
        file: String,
        /// What could not be read.
        source: SourceError,
    },
    /// The attribute at a step's line is of another keyword than Cucumber registered.
    #[error("{file}:{line}: the attribute says {written} but Cucumber registered it as {registered}")]
    KeywordMismatch {
        /// The step file.
        file: String,
        /// The attribute's line.
        line: usize,
        /// The keyword in the source.
        written: String,
        /// The keyword Cucumber registered.
        registered: &'static str,
    },
    /// A `{name}` of a phrase names no parameter type of `crate::params`.
    #[error("{file}:{line}: no parameter type is called {{{name}}}")]
    UnknownParameter {
        /// The step file.
        file: String,
        /// The attribute's line.
        line: usize,
        /// The unknown parameter name.
        name: String,
    },
}

/// Every step definition, sorted by where it is defined.
pub fn steps() -> Result<Vec<Step>, CatalogueError> {
    let given = cucumber::codegen::inventory::iter::<<MailWorld as WorldInventory>::Given>.into_iter().map(|s| (Keyword::Given, s.inner()));
    let when = cucumber::codegen::inventory::iter::<<MailWorld as WorldInventory>::When>.into_iter().map(|s| (Keyword::When, s.inner()));
    let then = cucumber::codegen::inventory::iter::<<MailWorld as WorldInventory>::Then>.into_iter().map(|s| (Keyword::Then, s.inner()));
    let mut steps = given
        .chain(when)
        .chain(then)
        .map(|(keyword, (loc, regex, _))| step(keyword, loc.path, loc.line as usize, regex()))
        .collect::<Result<Vec<_>, _>>()?;
    steps.sort_by(|a, b| source_order(&a.source).cmp(&source_order(&b.source)).then(a.keyword.cmp(&b.keyword)));
    Ok(steps)
}

/// (file, line) of `path:line`, so that line 9 comes before line 10.
fn source_order(source: &str) -> (&str, usize) {
    let (file, line) = source.rsplit_once(':').unwrap_or((source, ""));
    (file, line.parse().unwrap_or(0))
}

fn step(keyword: Keyword, path: &str, line: usize, regex: Regex) -> Result<Step, CatalogueError> {
    let file = path.replace('\\', "/");
    let text = STEP_SOURCES
        .iter()
        .find(|(relative, _)| file.ends_with(relative))
        .map(|(_, text)| *text)
        .ok_or_else(|| CatalogueError::MissingSource { file: file.clone() })?;
    let src = source::read_step(text, line).map_err(|source| CatalogueError::Source { file: file.clone(), source })?;
    if Keyword::of(&src.keyword) != Some(keyword) {
        return Err(CatalogueError::KeywordMismatch { file, line, written: src.keyword, registered: keyword.as_str() });
    }
    let parameters = match src.kind {
        PhraseKind::Expression => expression_parameters(&src.phrase)
            .into_iter()
            .map(|name| {
                params::by_name(&name)
                    .map(|info| StepParameter { name: name.clone(), info })
                    .ok_or_else(|| CatalogueError::UnknownParameter { file: file.clone(), line, name })
            })
            .collect::<Result<_, _>>()?,
        PhraseKind::Regex => src.args.iter().map(|(name, ty)| StepParameter { name: name.clone(), info: by_type(ty) }).collect(),
        PhraseKind::Literal => Vec::new(),
    };
    let description = src.doc.first().cloned().unwrap_or_default();
    Ok(Step { keyword, phrase: src.phrase, kind: src.kind, description, parameters, source: format!("{file}:{line}"), regex })
}

/// The `{name}`s of a Cucumber expression, in order (`\{` is a brace, not a parameter).
fn expression_parameters(expr: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut chars = expr.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                chars.next();
            }
            '{' => names.push(chars.by_ref().take_while(|c| *c != '}').collect()),
            _ => {}
        }
    }
    names
}

/// What a regex step's argument of type `ty` accepts: a parameter type's words, a number, or
/// any text.
fn by_type(ty: &str) -> ParameterInfo {
    let name = match ty.rsplit("::").next().unwrap_or(ty) {
        "u8" | "u16" | "u32" | "u64" | "usize" | "i32" | "i64" => "int",
        "f32" | "f64" => "float",
        "String" => "string",
        other => return params::by_type(other).unwrap_or_else(|| params::by_name("string").expect("string is built in")),
    };
    params::by_name(name).expect("built-in parameters are listed")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_step_reads_from_its_source() {
        let steps = steps().unwrap_or_else(|e| panic!("{e}"));
        assert!(steps.len() > 150, "{} steps", steps.len());
        for s in &steps {
            assert!(!s.description.is_empty(), "{} ({}) has no /// description", s.phrase, s.source);
            assert!(s.description.ends_with('.') || s.description.ends_with(':'), "{}: {:?} is not a sentence", s.source, s.description);
        }
    }

    #[test]
    fn no_step_takes_a_bare_word() {
        for s in steps().unwrap() {
            assert!(
                s.parameters.iter().all(|p| p.name != "word"),
                "{} ({}) takes a {{word}}: give it a parameter type",
                s.phrase,
                s.source
            );
        }
    }

    #[test]
    fn a_known_step() {
        let steps = steps().unwrap();
        let s = steps
            .iter()
            .find(|s| s.phrase == "{user} has Secure Mail for {platform} with the Exchange Server policy {string}")
            .expect("listed");
        assert_eq!((s.keyword, s.kind), (Keyword::Given, PhraseKind::Expression));
        assert!(s.source.starts_with("scenarios/src/steps/activesync.rs:"), "{}", s.source);
        let names: Vec<&str> = s.parameters.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["user", "platform", "string"]);
        assert_eq!(s.parameters[1].info.words, ["iOS", "Android"]);
        assert!(s.matches(Keyword::Given, "alice has Secure Mail for Android with the Exchange Server policy \"mail.example.test\""));
        assert!(!s.matches(Keyword::Given, "alice has Secure Mail for Windows with the Exchange Server policy \"mail.example.test\""));
        assert!(!s.matches(Keyword::When, "alice has Secure Mail for iOS with the Exchange Server policy \"mail.example.test\""));
    }

    #[test]
    fn expression_parameters_in_order() {
        assert_eq!(expression_parameters("{user}'s badge shows {int}"), ["user", "int"]);
        assert_eq!(expression_parameters(r"a \{literal} brace and {region}"), ["region"]);
        assert!(expression_parameters("the default topology").is_empty());
    }

    #[test]
    fn regex_arguments_by_type() {
        assert_eq!(by_type("User").name, "user");
        assert_eq!(by_type("crate::params::User").name, "user");
        assert_eq!(by_type("u16").name, "int");
        assert_eq!(by_type("String").name, "string");
    }
}
