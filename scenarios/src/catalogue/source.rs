//! Reading a step definition from its source: the phrase in its `#[given|when|then(...)]`
//! attribute, the doc comment above it, and the function's arguments.
//!
//! The sources are embedded at build time (`build.rs`); Cucumber tells where each step's
//! attribute is (file and line), so these functions only read what sits at that line.

/// How the attribute writes the phrase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PhraseKind {
    /// A Cucumber expression: `{user} has set up push notifications`.
    Expression,
    /// A regular expression.
    Regex,
    /// Exact text.
    Literal,
}

/// A step definition as its source writes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StepSource {
    /// `given`, `when` or `then`.
    pub keyword: String,
    /// How the phrase is written.
    pub kind: PhraseKind,
    /// The phrase, with escapes resolved.
    pub phrase: String,
    /// The lines of the doc comment, without `///`.
    pub doc: Vec<String>,
    /// The step function's arguments after the world: (name, type).
    pub args: Vec<(String, String)>,
}

/// Why a step's source could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// The line is not in the file.
    #[error("line {0} is past the end of the file")]
    NoSuchLine(usize),
    /// The line does not start a step attribute.
    #[error("line {line}: expected a #[given], #[when] or #[then] attribute, found {found:?}")]
    NotAStep {
        /// The line Cucumber registered.
        line: usize,
        /// What the line holds.
        found: String,
    },
    /// The attribute or the function after it cannot be read.
    #[error("line {line}: {what}")]
    Unreadable {
        /// The attribute's line.
        line: usize,
        /// The part that could not be read.
        what: &'static str,
    },
}

/// Reads the step whose attribute starts at `line` (1-based) of `text`.
pub fn read_step(text: &str, line: usize) -> Result<StepSource, SourceError> {
    let lines: Vec<&str> = text.lines().collect();
    if line == 0 || line > lines.len() {
        return Err(SourceError::NoSuchLine(line));
    }
    let start: usize = lines[..line - 1].iter().map(|l| l.len() + 1).sum();
    let mut p = Parser { s: &text[start..], line };
    let (keyword, kind, phrase) = p.attribute()?;
    let fn_line = lines[line - 1..]
        .iter()
        .position(|l| is_fn_line(l))
        .map(|i| line - 1 + i)
        .ok_or(SourceError::Unreadable { line, what: "no fn follows the attribute" })?;
    let doc = doc_above(&lines, fn_line);
    let mut signature = String::new();
    for l in &lines[fn_line..] {
        signature.push_str(l.trim());
        signature.push(' ');
        if l.contains('{') {
            break;
        }
    }
    let args = arguments(&signature).ok_or(SourceError::Unreadable { line: fn_line + 1, what: "cannot read the fn's arguments" })?;
    Ok(StepSource { keyword, kind, phrase, doc, args })
}

fn is_fn_line(l: &str) -> bool {
    let t = l.trim_start();
    ["fn ", "pub fn ", "pub(crate) fn ", "async fn ", "pub async fn ", "pub(crate) async fn "].iter().any(|p| t.starts_with(p))
}

/// The `///` lines of the item whose `fn` is at index `fn_line`: the attributes and doc
/// comments right above it, up to a blank line or the end of the item before.
fn doc_above(lines: &[&str], fn_line: usize) -> Vec<String> {
    let mut doc = Vec::new();
    for l in lines[..fn_line].iter().rev() {
        let t = l.trim();
        if t.is_empty() || t.ends_with('}') || t.ends_with(';') || t.starts_with("//!") || (t.starts_with("//") && !t.starts_with("///")) {
            break;
        }
        if let Some(d) = t.strip_prefix("///") {
            doc.push(d.strip_prefix(' ').unwrap_or(d).to_string());
        }
    }
    doc.reverse();
    doc
}

/// `fn name(w: &mut World, a: A, b: B) {` → [(a, A), (b, B)].
fn arguments(signature: &str) -> Option<Vec<(String, String)>> {
    let open = signature.find('(')?;
    let mut depth = 0usize;
    let mut args = Vec::new();
    let mut current = String::new();
    for c in signature[open + 1..].chars() {
        match c {
            '(' | '<' | '[' => depth += 1,
            ')' if depth == 0 => {
                if !current.trim().is_empty() {
                    args.push(current.trim().to_string());
                }
                break;
            }
            ')' | '>' | ']' => depth = depth.saturating_sub(1),
            ',' if depth == 0 => {
                args.push(current.trim().to_string());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    args.into_iter()
        .skip(1)
        .map(|a| a.split_once(':').map(|(n, t)| (n.trim().trim_start_matches("mut ").to_string(), t.trim().to_string())))
        .collect()
}

/// Reads `#[kw(...)]` from the start of a string.
struct Parser<'a> {
    s: &'a str,
    line: usize,
}

impl Parser<'_> {
    fn err(&self, what: &'static str) -> SourceError {
        SourceError::Unreadable { line: self.line, what }
    }

    fn skip_ws(&mut self) {
        self.s = self.s.trim_start();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_ws();
        match self.s.strip_prefix(token) {
            Some(rest) => {
                self.s = rest;
                true
            }
            None => false,
        }
    }

    fn ident(&mut self) -> String {
        self.skip_ws();
        let end = self.s.find(|c: char| !(c.is_alphanumeric() || c == '_')).unwrap_or(self.s.len());
        let (id, rest) = self.s.split_at(end);
        self.s = rest;
        id.to_string()
    }

    fn attribute(&mut self) -> Result<(String, PhraseKind, String), SourceError> {
        let found = self.s.lines().next().unwrap_or_default().trim().to_string();
        if !self.eat("#[") {
            return Err(SourceError::NotAStep { line: self.line, found });
        }
        let keyword = self.ident();
        if !matches!(keyword.as_str(), "given" | "when" | "then") || !self.eat("(") {
            return Err(SourceError::NotAStep { line: self.line, found });
        }
        self.skip_ws();
        let kind = if self.s.starts_with('"') || self.s.starts_with("r\"") || self.s.starts_with("r#") {
            PhraseKind::Literal
        } else {
            let kind = match self.ident().as_str() {
                "expr" => PhraseKind::Expression,
                "regex" => PhraseKind::Regex,
                _ => return Err(self.err("expected expr = or regex =")),
            };
            if !self.eat("=") {
                return Err(self.err("expected ="));
            }
            kind
        };
        let phrase = self.string()?;
        if !(self.eat(")") && self.eat("]")) {
            return Err(self.err("expected )] after the phrase"));
        }
        Ok((keyword, kind, phrase))
    }

    /// A string literal, plain or raw, with its escapes resolved.
    fn string(&mut self) -> Result<String, SourceError> {
        self.skip_ws();
        if let Some(rest) = self.s.strip_prefix('r') {
            let hashes = rest.len() - rest.trim_start_matches('#').len();
            let body = rest[hashes..].strip_prefix('"').ok_or(self.err("expected a raw string"))?;
            let close = format!("\"{}", "#".repeat(hashes));
            let end = body.find(&close).ok_or(self.err("unterminated raw string"))?;
            let out = body[..end].to_string();
            self.s = &body[end + close.len()..];
            return Ok(out);
        }
        let body = self.s.strip_prefix('"').ok_or(self.err("expected a string"))?;
        let mut out = String::new();
        let mut chars = body.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.s = &body[i + 1..];
                    return Ok(out);
                }
                '\\' => match chars.next().map(|(_, c)| c) {
                    Some('n') => out.push('\n'),
                    Some('t') => out.push('\t'),
                    Some('0') => out.push('\0'),
                    Some('\n') => {
                        // A line continuation: the newline and the next line's indent vanish.
                        let rest = &body[i + 2..];
                        let skip = rest.len() - rest.trim_start().len();
                        for _ in 0..rest[..skip].chars().count() {
                            chars.next();
                        }
                    }
                    Some(c @ ('\\' | '"' | '\'')) => out.push(c),
                    _ => return Err(self.err("unsupported escape in the phrase")),
                },
                c => out.push(c),
            }
        }
        Err(self.err("unterminated string"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOURCE: &str = r##"use x;

/// Sets up push.
///
/// More words.
#[given(expr = "{user} has set up push notifications")]
#[when(expr = "{user} sets up \"push\" notifications")]
fn set_up(w: &mut MailWorld, user: User) {
}

#[then(regex = r#"^the (\w+) cell "([^"]+)" holds$"#)]
fn cell(
    w: &mut MailWorld,
    column: String,
    cell: BTreeMap<String, u8>,
) {
}

#[given("a fresh simulation")]
fn fresh(w: &mut MailWorld) {}
"##;

    #[test]
    fn expressions_with_their_docs_and_arguments() {
        let s = read_step(SOURCE, 6).unwrap();
        assert_eq!(
            (s.keyword.as_str(), s.kind, s.phrase.as_str()),
            ("given", PhraseKind::Expression, "{user} has set up push notifications")
        );
        assert_eq!(s.doc, ["Sets up push.", "", "More words."]);
        assert_eq!(s.args, [("user".to_string(), "User".to_string())]);
        let s = read_step(SOURCE, 7).unwrap();
        assert_eq!((s.keyword.as_str(), s.phrase.as_str()), ("when", "{user} sets up \"push\" notifications"));
        assert_eq!(s.doc.first().map(String::as_str), Some("Sets up push."), "a stacked attribute shares the doc");
    }

    #[test]
    fn raw_regexes_and_long_signatures() {
        let s = read_step(SOURCE, 11).unwrap();
        assert_eq!((s.kind, s.phrase.as_str()), (PhraseKind::Regex, r#"^the (\w+) cell "([^"]+)" holds$"#));
        assert!(s.doc.is_empty());
        assert_eq!(s.args, [("column".into(), "String".into()), ("cell".into(), "BTreeMap<String, u8>".into())]);
    }

    #[test]
    fn literals() {
        let s = read_step(SOURCE, 19).unwrap();
        assert_eq!((s.kind, s.phrase.as_str(), s.args.len()), (PhraseKind::Literal, "a fresh simulation", 0));
    }

    #[test]
    fn other_lines_are_not_steps() {
        assert!(matches!(read_step(SOURCE, 1), Err(SourceError::NotAStep { line: 1, .. })));
        assert_eq!(read_step(SOURCE, 999), Err(SourceError::NoSuchLine(999)));
    }
}
