//! The JUnit report as CI systems group it: each `testcase` with a `classname`.
//!
//! Jenkins and GitLab group and show test cases by `classname`; cucumber's JUnit writer leaves
//! it out and puts everything into `name` (`Scenario: <name>: <file>:<line>:<col>`). After the
//! run, [`with_classnames`] gives each scenario's `testcase` the feature file as its
//! `classname` ([`classname_of`]: `features/apns/failure.feature` → `apns.failure`, which
//! Jenkins shows as package `apns`, class `failure`) and the scenario as its `name`. A name
//! repeated in one feature (the rows of an Outline whose name has no placeholder) is numbered
//! from its second occurrence on (`name 2`, `name 3`), as cucumber-jvm's JUnit writer does, so
//! that CI tells the rows apart. Everything else in the file is left as cucumber wrote it; a
//! `testcase` that is not a scenario (a feature file that failed to parse) keeps its attributes.
//!
//! A scenario that was not applicable (its step's message starts with [`NOT_APPLICABLE`]) is a
//! `<skipped message="<reason>"/>` rather than a `<failure>`, and its `testsuite` counts it under
//! `skipped`, not `failures`: CI shows it apart, with why.

use mailconform_scenarios::NOT_APPLICABLE;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, Writer};
use std::collections::HashMap;
use std::path::{Component, Path};

/// Why the JUnit writer's output could not be rewritten.
#[derive(Debug, thiserror::Error)]
pub(crate) enum JunitError {
    #[error("the JUnit report is not well-formed XML: {0}")]
    Xml(#[from] quick_xml::Error),
    #[error("the JUnit report has an unreadable attribute: {0}")]
    Attribute(#[from] quick_xml::events::attributes::AttrError),
    #[error("the JUnit report could not be written: {0}")]
    Write(#[from] std::io::Error),
}

/// `xml` (as cucumber's JUnit writer wrote it) with `classname` and `name` set on every
/// scenario's `testcase`.
pub(crate) fn with_classnames(xml: &[u8]) -> Result<Vec<u8>, JunitError> {
    let not_applicable = not_applicable_per_suite(xml)?;
    let mut reader = Reader::from_reader(xml);
    let mut writer = Writer::new(Vec::with_capacity(xml.len() + xml.len() / 16));
    let mut buf = Vec::new();
    let mut seen = Seen::default();
    let mut suite = 0;
    let mut open_skip = false;
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"testsuite" => {
                writer.write_event(Event::Start(testsuite(&e, not_applicable.get(suite).copied().unwrap_or(0))?))?;
                suite += 1;
            }
            Event::Start(e) if e.name().as_ref() == b"testcase" => writer.write_event(Event::Start(testcase(&e, &mut seen)?))?,
            Event::Empty(e) if e.name().as_ref() == b"testcase" => writer.write_event(Event::Empty(testcase(&e, &mut seen)?))?,
            Event::Empty(e) if e.name().as_ref() == b"failure" => match not_applicable_reason(&e)? {
                Some(reason) => writer.write_event(Event::Empty(skipped(&reason)))?,
                None => writer.write_event(Event::Empty(e))?,
            },
            Event::Start(e) if e.name().as_ref() == b"failure" => match not_applicable_reason(&e)? {
                Some(reason) => {
                    open_skip = true;
                    writer.write_event(Event::Start(skipped(&reason)))?
                }
                None => writer.write_event(Event::Start(e))?,
            },
            Event::End(e) if e.name().as_ref() == b"failure" && open_skip => {
                open_skip = false;
                writer.write_event(Event::End(quick_xml::events::BytesEnd::new("skipped")))?
            }
            other => writer.write_event(other)?,
        }
        buf.clear();
    }
    Ok(writer.into_inner())
}

/// The reason of a `failure` that is a scenario found not applicable.
fn not_applicable_reason(e: &BytesStart<'_>) -> Result<Option<String>, JunitError> {
    for a in e.attributes() {
        let a = a?;
        if a.key.as_ref() == b"message" {
            let message = a.unescape_value()?;
            return Ok(message.find(NOT_APPLICABLE).map(|at| message[at + NOT_APPLICABLE.len()..].to_string()));
        }
    }
    Ok(None)
}

fn skipped(reason: &str) -> BytesStart<'static> {
    let mut s = BytesStart::new("skipped");
    s.push_attribute(("message", reason));
    s
}

/// How many not-applicable scenarios each `testsuite` holds, in order.
fn not_applicable_per_suite(xml: &[u8]) -> Result<Vec<usize>, JunitError> {
    let mut reader = Reader::from_reader(xml);
    let mut buf = Vec::new();
    let mut counts: Vec<usize> = Vec::new();
    loop {
        match reader.read_event_into(&mut buf)? {
            Event::Eof => break,
            Event::Start(e) if e.name().as_ref() == b"testsuite" => counts.push(0),
            Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"failure" && not_applicable_reason(&e)?.is_some() => {
                if let Some(last) = counts.last_mut() {
                    *last += 1;
                }
            }
            _ => {}
        }
        buf.clear();
    }
    Ok(counts)
}

/// A `testsuite` start tag whose `failures` no longer count its `not_applicable` scenarios,
/// which its `skipped` counts instead.
fn testsuite(e: &BytesStart<'_>, not_applicable: usize) -> Result<BytesStart<'static>, JunitError> {
    if not_applicable == 0 {
        return Ok(e.to_owned());
    }
    let mut out = BytesStart::new("testsuite");
    let mut had_skipped = false;
    for a in e.attributes() {
        let a = a?;
        let (key, value) = (String::from_utf8_lossy(a.key.as_ref()).into_owned(), a.unescape_value()?.into_owned());
        let adjusted = match key.as_str() {
            "failures" => value.parse::<usize>().map(|n| n.saturating_sub(not_applicable).to_string()).unwrap_or(value),
            "skipped" => {
                had_skipped = true;
                value.parse::<usize>().map(|n| (n + not_applicable).to_string()).unwrap_or(value)
            }
            _ => value,
        };
        out.push_attribute((key.as_str(), adjusted.as_str()));
    }
    if !had_skipped {
        out.push_attribute(("skipped", not_applicable.to_string().as_str()));
    }
    Ok(out)
}

/// How often each `(classname, name)` has come so far.
type Seen = HashMap<(String, String), usize>;

/// One `testcase` start tag with `name` made the scenario's and `classname` added after
/// `time` (where the JUnit writer puts it when it has one).
fn testcase(e: &BytesStart<'_>, seen: &mut Seen) -> Result<BytesStart<'static>, JunitError> {
    let mut attrs = Vec::new();
    for a in e.attributes() {
        let a = a?;
        attrs.push((String::from_utf8_lossy(a.key.as_ref()).into_owned(), a.unescape_value()?.into_owned()));
    }
    let Some(case) = attrs.iter().find(|(k, _)| k == "name").and_then(|(_, v)| CaseName::parse(v)) else {
        return Ok(e.to_owned());
    };
    let (scenario, classname) = (case.scenario(), classname_of(case.file));
    let n = seen.entry((classname.clone(), scenario.clone())).or_default();
    *n += 1;
    let name = match *n {
        1 => scenario,
        // cucumber-jvm's spelling: a space before the number, or `_` in a name without spaces.
        n if scenario.contains(' ') => format!("{scenario} {n}"),
        n => format!("{scenario}_{n}"),
    };
    let mut out = BytesStart::new("testcase");
    let mut placed = false;
    for (k, v) in &attrs {
        match k.as_str() {
            "name" => out.push_attribute(("name", name.as_str())),
            "classname" => continue,
            _ => out.push_attribute((k.as_str(), v.as_str())),
        }
        if k == "time" {
            out.push_attribute(("classname", classname.as_str()));
            placed = true;
        }
    }
    if !placed {
        out.push_attribute(("classname", classname.as_str()));
    }
    Ok(out)
}

/// A testcase name as cucumber's JUnit writer forms it:
/// `[Rule: <rule>: ]Scenario: <scenario>: <file>:<line>:<column>`.
#[derive(Debug, PartialEq, Eq)]
struct CaseName<'a> {
    rule: Option<&'a str>,
    scenario: &'a str,
    file: &'a str,
}

impl<'a> CaseName<'a> {
    fn parse(s: &'a str) -> Option<Self> {
        let (rest, column) = s.rsplit_once(':')?;
        let (rest, line) = rest.rsplit_once(':')?;
        if !is_number(column) || !is_number(line) {
            return None;
        }
        // The file is last and names no `: `; a scenario's name may hold any text.
        let (head, file) = rest.rsplit_once(": ")?;
        let (rule, scenario) = match head.strip_prefix("Rule: ") {
            Some(r) => {
                let (rule, scenario) = r.split_once(": Scenario: ")?;
                (Some(rule), scenario)
            }
            None => (None, head.strip_prefix("Scenario: ")?),
        };
        Some(CaseName { rule, scenario, file })
    }

    /// The scenario's name, after its rule's when it has one.
    fn scenario(&self) -> String {
        match self.rule {
            Some(rule) => format!("{rule}: {}", self.scenario),
            None => self.scenario.to_string(),
        }
    }
}

fn is_number(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A feature file's class name: its path below the `features` directory (or as given, when it
/// is not under one), folders and file joined by `.`, without the extension.
pub(crate) fn classname_of(file: &str) -> String {
    let parts: Vec<&str> = Path::new(file)
        .components()
        .filter_map(|c| match c {
            Component::Normal(p) => p.to_str(),
            _ => None,
        })
        .collect();
    let Some((last, dirs)) = parts.split_last() else { return file.to_string() };
    let dirs = match dirs.iter().rposition(|d| *d == "features") {
        Some(i) => &dirs[i + 1..],
        None => dirs,
    };
    let stem = Path::new(last).file_stem().and_then(|s| s.to_str()).unwrap_or(last);
    dirs.iter().copied().chain([stem]).collect::<Vec<_>>().join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_class_is_the_feature_file_below_features() {
        assert_eq!(classname_of("features/apns/failure.feature"), "apns.failure");
        assert_eq!(classname_of("/home/ci/mailconform/features/tls/matrix.feature"), "tls.matrix");
        assert_eq!(classname_of("./features/seg/auth_headers.feature"), "seg.auth_headers");
        assert_eq!(classname_of("harness/cli/tests/fixtures/passing/clock.feature"), "harness.cli.tests.fixtures.passing.clock");
        assert_eq!(classname_of("clock.feature"), "clock");
    }

    #[test]
    fn case_names_are_read_from_the_right() {
        assert_eq!(
            CaseName::parse("Scenario: APNs: retry after 410: features/apns/failure.feature:23:3"),
            Some(CaseName { rule: None, scenario: "APNs: retry after 410", file: "features/apns/failure.feature" })
        );
        let ruled = CaseName::parse("Rule: Backoff: Scenario: doubles: features/apns/retry.feature:9:5").expect("a rule's scenario");
        assert_eq!(ruled.scenario(), "Backoff: doubles");
        assert_eq!(CaseName::parse("Feature: features/broken.feature"), None);
    }

    /// A report as cucumber's JUnit writer writes it (junit-report's layout).
    const CUCUMBER_JUNIT: &str = concat!(
        r#"<?xml version="1.0" encoding="utf-8"?>"#,
        r#"<testsuites><testsuite id="0" name="Feature: Failure: features/apns/failure.feature" package="testsuite/Feature: Failure: features/apns/failure.feature" tests="2" errors="0" failures="1" hostname="localhost" timestamp="2024-01-01T00:00:00Z" time="0.5">"#,
        r#"<testcase name="Scenario: Every kind of failure is retried: &quot;410&quot;: features/apns/failure.feature:31:7" time="0.25">"#,
        r#"<system-out><![CDATA[ok & done]]></system-out></testcase>"#,
        r#"<testcase name="Scenario: A &lt;b&gt; c: features/apns/failure.feature:40:3" time="0.25">"#,
        r#"<failure type="Step Panicked" message="expected 410"/><system-out>x &amp; y</system-out></testcase>"#,
        r#"</testsuite><testsuite id="1" name="Errors" package="testsuite/Errors" tests="1" errors="0" failures="1" hostname="localhost" timestamp="2024-01-01T00:00:00Z" time="0">"#,
        r#"<testcase name="Feature: features/broken.feature" time="0"><failure type="Parser Error" message="bad"/></testcase>"#,
        r#"</testsuite></testsuites>"#,
    );

    fn testcases(xml: &str) -> Vec<(Option<String>, String)> {
        let mut reader = Reader::from_str(xml);
        let mut out = Vec::new();
        loop {
            match reader.read_event().expect("well-formed XML") {
                Event::Start(e) | Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                    let attr = |k: &str| e.try_get_attribute(k).unwrap().map(|a| a.unescape_value().unwrap().into_owned());
                    out.push((attr("classname"), attr("name").expect("a name")));
                }
                Event::Eof => return out,
                _ => {}
            }
        }
    }

    #[test]
    fn each_scenario_gets_its_feature_as_classname_and_its_name() {
        let out = String::from_utf8(with_classnames(CUCUMBER_JUNIT.as_bytes()).unwrap()).unwrap();
        assert_eq!(
            testcases(&out),
            [
                (Some("apns.failure".to_string()), "Every kind of failure is retried: \"410\"".to_string()),
                (Some("apns.failure".to_string()), "A <b> c".to_string()),
                (None, "Feature: features/broken.feature".to_string()),
            ],
            "{out}"
        );
        assert!(out.contains(r#"time="0.25" classname="apns.failure">"#), "classname follows time: {out}");
    }

    #[test]
    fn a_name_repeated_in_a_feature_is_numbered_from_its_second_occurrence() {
        let case =
            |name: &str, line: u32| format!(r#"<testcase name="Scenario: {name}: features/apns/regions.feature:{line}:5" time="0"/>"#);
        let xml = format!(
            "<testsuites><testsuite>{}{}{}{}{}</testsuite></testsuites>",
            case("pushes there", 16),
            case("pushes there", 17),
            case("other", 20),
            case("pushes there", 18),
            case("solo", 30) + &case("solo", 31),
        );
        let out = String::from_utf8(with_classnames(xml.as_bytes()).unwrap()).unwrap();
        let names: Vec<String> = testcases(&out).into_iter().map(|(_, n)| n).collect();
        assert_eq!(names, ["pushes there", "pushes there 2", "other", "pushes there 3", "solo", "solo_2"]);
    }

    #[test]
    fn a_not_applicable_scenario_is_skipped_with_its_reason_and_counted_so() {
        let xml = concat!(
            r#"<testsuites><testsuite id="0" name="Feature: R: features/restarts/role_restart.feature" tests="2" errors="0" failures="2" time="0">"#,
            r#"<testcase name="Scenario: served: features/restarts/role_restart.feature:4:3" time="0">"#,
            r#"<failure type="Step Panicked" message="Step panicked. Captured output: not applicable: restart is not supported"/></testcase>"#,
            r#"<testcase name="Scenario: broken: features/restarts/role_restart.feature:9:3" time="0">"#,
            r#"<failure type="Step Panicked" message="expected 2">details</failure></testcase>"#,
            r#"</testsuite></testsuites>"#
        );
        let out = String::from_utf8(with_classnames(xml.as_bytes()).unwrap()).unwrap();
        assert!(out.contains(r#"failures="1" time="0" skipped="1">"#), "{out}");
        assert!(out.contains(r#"<skipped message="restart is not supported"/></testcase>"#), "{out}");
        assert!(out.contains(r#"<failure type="Step Panicked" message="expected 2">details</failure>"#), "a real failure stays: {out}");
    }

    #[test]
    fn everything_but_the_testcase_tags_is_left_as_it_was() {
        let out = String::from_utf8(with_classnames(CUCUMBER_JUNIT.as_bytes()).unwrap()).unwrap();
        let without_testcase_tags = |s: &str| regex::Regex::new(r"<testcase [^>]*>").unwrap().replace_all(s, "<testcase>").into_owned();
        assert_eq!(without_testcase_tags(&out), without_testcase_tags(CUCUMBER_JUNIT));
    }
}
