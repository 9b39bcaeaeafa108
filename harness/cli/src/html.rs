//! `index.html`: the run for people. Counts by source document (the `@source:NNN` prefix that
//! CI gates count by), every scenario with its outcome, virtual time and tags, the known
//! limitations that still hold, and links to the machine-readable reports beside it.
//!
//! It holds nothing that changes between two runs with the same seed (no wall time), so the
//! page itself is as reproducible as the run.

use crate::list::ListedScenario;
use crate::run::RunResult;
use crate::summary::Outcome;
use std::collections::BTreeMap;
use std::fmt::Write;

/// The page's file name in the report directory.
pub(crate) const INDEX_FILE: &str = "index.html";

fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `@source:004.data-flow.Q6` → `004`.
fn source_document(tags: &[String]) -> Option<String> {
    tags.iter().find_map(|t| t.strip_prefix("@source:")).map(|s| s.split('.').next().unwrap_or(s).to_string())
}

/// A failure message as the page shows it: whole up to a screenful, then cut with a note,
/// so one scenario that dumps a large state cannot bury the rest of the report.
fn shorten(message: &str) -> String {
    const MAX: usize = 4000;
    if message.len() <= MAX {
        return message.to_string();
    }
    let mut end = MAX;
    while !message.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}\n… ({} more characters in cucumber.json)", &message[..end], message.len() - end)
}

/// The outcome as a CSS class (one word).
fn css_class(o: Outcome) -> String {
    o.as_str().replace(' ', "-")
}

fn duration(d: std::time::Duration) -> String {
    let s = d.as_secs();
    match (s / 3600, s / 60 % 60, s % 60) {
        (0, 0, 0) => format!("{} ms", d.as_millis()),
        (0, 0, sec) => format!("{sec} s"),
        (0, m, sec) => format!("{m} min {sec} s"),
        (h, m, _) => format!("{h} h {m} min"),
    }
}

#[derive(Default)]
struct Tally {
    passed: usize,
    failed: usize,
    skipped: usize,
    not_applicable: usize,
}

impl Tally {
    fn add(&mut self, o: Outcome) {
        match o {
            Outcome::Passed => self.passed += 1,
            Outcome::Failed => self.failed += 1,
            Outcome::Skipped => self.skipped += 1,
            Outcome::NotApplicable => self.not_applicable += 1,
        }
    }
}

/// The page for `result`; `listed` gives each scenario's tags (matched by file and line).
pub(crate) fn render(result: &RunResult, listed: &[ListedScenario], reports: &[&str], record: Option<&std::path::Path>) -> String {
    let tags: BTreeMap<(&str, usize), &[String]> = listed.iter().map(|s| ((s.file.as_str(), s.line), s.tags.as_slice())).collect();
    let tags_of = |file: &str, line: usize| tags.get(&(file, line)).copied().unwrap_or(&[]);

    let mut by_source: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_file: BTreeMap<&str, Vec<&crate::run::ScenarioResult>> = BTreeMap::new();
    for s in &result.scenarios {
        let doc = source_document(tags_of(&s.file, s.line)).unwrap_or_else(|| "untagged".into());
        by_source.entry(doc).or_default().add(s.outcome);
        by_file.entry(s.file.as_str()).or_default().push(s);
    }

    let c = &result.counts;
    let mut h = String::new();
    let _ = write!(
        h,
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>mailconform: {} passed, {} failed</title>\n<style>\
body{{font:14px system-ui,sans-serif;margin:2em;color:#222}}table{{border-collapse:collapse;margin:1em 0}}\
td,th{{border:1px solid #ccc;padding:.25em .6em;text-align:left;vertical-align:top}}th{{background:#f3f3f3}}\
.passed{{color:#176f2c}}.failed{{color:#b00020;font-weight:bold}}.skipped,.not-applicable{{color:#8a6d00}}.tag{{color:#555;font-size:12px}}pre{{white-space:pre-wrap;margin:4px 0}}.detail td{{border-top:none}}\
</style></head><body>\n<h1>mailconform</h1>\n<p><b>{} passed, {} failed{}</b> · seed {} · {} of protocol time</p>\n",
        c.passed,
        c.failed,
        c.passed,
        c.failed,
        crate::summary::summary_line(c).split_once(" failed").map_or("", |(_, rest)| rest),
        result.seed,
        duration(result.virtual_time)
    );
    if !reports.is_empty() {
        h.push_str("<p>Beside this page: ");
        let links: Vec<String> = reports.iter().map(|r| format!("<a href=\"{0}\">{0}</a>", escape(r))).collect();
        h.push_str(&links.join(" · "));
        h.push_str("</p>\n");
    }
    for e in &result.parse_errors {
        let _ = writeln!(h, "<p class=\"failed\">{}</p>", escape(e));
    }

    h.push_str("<h2>By source document</h2>\n<table><tr><th>@source</th><th>passed</th><th>failed</th><th>skipped</th><th>not applicable</th></tr>\n");
    for (doc, t) in &by_source {
        let _ = writeln!(
            h,
            "<tr><td>{}</td><td class=\"passed\">{}</td><td class=\"failed\">{}</td><td>{}</td><td class=\"not-applicable\">{}</td></tr>",
            escape(doc),
            t.passed,
            t.failed,
            t.skipped,
            t.not_applicable
        );
    }
    h.push_str("</table>\n");

    let limitations: Vec<_> =
        result.scenarios.iter().filter(|s| tags_of(&s.file, s.line).iter().any(|t| t == "@known-limitation")).collect();
    if !limitations.is_empty() {
        h.push_str("<h2>Known limitations</h2>\n<p>A passing scenario here means the vendor's documented limitation still holds; a failing one, that it no longer does.</p>\n<ul>\n");
        for s in limitations {
            let _ = writeln!(h, "<li class=\"{}\">{} ({})</li>", css_class(s.outcome), escape(&s.name), s.outcome.as_str());
        }
        h.push_str("</ul>\n");
    }

    h.push_str("<h2>Scenarios</h2>\n");
    for (file, scenarios) in &by_file {
        let _ = writeln!(h, "<h3>{} <span class=\"tag\">{}</span></h3>", escape(&scenarios[0].feature), escape(file));
        h.push_str("<table><tr><th>line</th><th>scenario</th><th>outcome</th><th>virtual time</th><th>tags</th></tr>\n");
        for s in scenarios {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td class=\"tag\">{}</td></tr>",
                s.line,
                escape(&s.name),
                css_class(s.outcome),
                s.outcome.as_str(),
                duration(s.virtual_time),
                escape(&tags_of(&s.file, s.line).join(" "))
            );
            if let Some(f) = &s.failure {
                let _ = writeln!(
                    h,
                    "<tr class=\"detail\"><td></td><td colspan=\"4\">{} at line {}: <code>{}</code><pre>{}</pre></td></tr>",
                    if s.outcome == Outcome::NotApplicable { "not applicable" } else { "failed" },
                    f.line,
                    escape(f.step.trim()),
                    escape(&shorten(&f.message))
                );
            }
            if let (Some(root), false) = (record, s.recorded.is_empty()) {
                let dir = crate::record::scenario_dir(root, s);
                let _ = write!(
                    h,
                    "<tr class=\"detail\"><td></td><td colspan=\"4\">{} exchanges with the target (<a href=\"{}\">bodies</a>):<ol>",
                    s.recorded.len(),
                    escape(&dir.join(crate::record::LISTING).display().to_string())
                );
                let first = s.recorded[0].at_ms;
                for e in &s.recorded {
                    let answer = e.status.map_or_else(|| e.error.clone().unwrap_or_default(), |st| st.to_string());
                    let target = e.url.split_once("://").and_then(|(_, rest)| rest.find('/').map(|i| &rest[i..])).unwrap_or(&e.url);
                    let _ = write!(
                        h,
                        "<li>+{} ms <code>{} {}</code> → {}</li>",
                        e.at_ms.saturating_sub(first),
                        escape(&e.method),
                        escape(target),
                        escape(&answer)
                    );
                }
                h.push_str("</ol></td></tr>\n");
            }
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::ScenarioResult;
    use crate::summary::Counts;
    use std::time::Duration;

    fn scenario(line: usize, name: &str, outcome: Outcome) -> ScenarioResult {
        ScenarioResult {
            file: "features/x.feature".into(),
            line,
            feature: "F <x>".into(),
            rule: None,
            name: name.into(),
            outcome,
            virtual_time: Duration::from_secs(90),
            verdicts: vec![],
            recorded: vec![],
            failure: (outcome != Outcome::Passed).then(|| crate::summary::StepFailure {
                step: "Then the badge shows <1>".into(),
                line: line + 2,
                message: format!("assertion `left == right` failed\n  left: 0\n right: 1{}", "x".repeat(5000)),
            }),
        }
    }

    fn listed(line: usize, tags: &[&str]) -> ListedScenario {
        ListedScenario {
            file: "features/x.feature".into(),
            line,
            feature: "F".into(),
            rule: None,
            scenario: String::new(),
            tags: tags.iter().map(|t| t.to_string()).collect(),
        }
    }

    #[test]
    fn counts_by_source_document_escapes_names_and_lists_known_limitations() {
        let result = RunResult {
            seed: 7,
            scenarios: vec![
                scenario(3, "a <b> & c", Outcome::Passed),
                scenario(9, "limit", Outcome::Failed),
                scenario(20, "restart", Outcome::NotApplicable),
            ],
            counts: Counts { passed: 1, failed: 1, skipped: 0, parse_errors: 0, not_applicable: 1 },
            parse_errors: vec![],
            virtual_time: Duration::from_secs(180),
            wall_time: Duration::from_millis(5),
        };
        let page = render(
            &result,
            &[listed(3, &["@source:004.data-flow.Q6"]), listed(9, &["@source:001.x", "@known-limitation"]), listed(20, &["@source:001.x"])],
            &["junit.xml"],
            None,
        );
        assert!(page.contains("<td>004</td><td class=\"passed\">1</td><td class=\"failed\">0</td>"), "{page}");
        assert!(
            page.contains(
                "<td>001</td><td class=\"passed\">0</td><td class=\"failed\">1</td><td>0</td><td class=\"not-applicable\">1</td>"
            ),
            "{page}"
        );
        assert!(page.contains("a &lt;b&gt; &amp; c") && !page.contains("a <b>"), "{page}");
        assert!(page.contains("<li class=\"failed\">limit (failed)</li>"), "{page}");
        assert!(page.contains("<a href=\"junit.xml\">junit.xml</a>"));
        assert!(page.contains("1 passed, 1 failed") && page.contains("3 min 0 s of protocol time"), "{page}");
        // The failed scenario shows its step (escaped), the assertion, and a cut message.
        assert!(page.contains("failed at line 11: <code>Then the badge shows &lt;1&gt;</code>"), "{page}");
        assert!(page.contains("left: 0\n right: 1"), "{page}");
        assert!(page.contains("more characters in cucumber.json") && !page.contains(&"x".repeat(4500)), "message not cut");
        assert_eq!(page.matches("failed at line").count(), 1, "only the failed scenario has a failure row");
        assert!(page.contains("<td class=\"not-applicable\">not applicable</td>") && page.contains("not applicable at line 22"), "{page}");
        assert!(page.contains("1 passed, 1 failed, 1 not applicable"), "{page}");
    }

    #[test]
    fn a_recorded_scenario_lists_its_exchanges_with_the_target() {
        let mut s = scenario(3, "synced", Outcome::Passed);
        let exchange = |at_ms, method: &str, url: &str, status| mailconform_sim::http::record::RecordedExchange {
            at_ms,
            method: method.into(),
            url: url.into(),
            request_headers: vec![],
            request_body: Default::default(),
            status,
            response_headers: vec![],
            response_body: Default::default(),
            error: status.is_none().then(|| "timed out after 60000 ms".to_string()),
        };
        s.recorded = vec![
            exchange(1_000, "OPTIONS", "http://127.0.0.1:20000/SOGo/Microsoft-Server-ActiveSync", Some(200)),
            exchange(1_480, "POST", "http://127.0.0.1:20000/SOGo/Microsoft-Server-ActiveSync?Cmd=Ping&User=alice", None),
        ];
        let result = RunResult {
            seed: 1,
            scenarios: vec![s],
            counts: Counts { passed: 1, ..Counts::default() },
            parse_errors: vec![],
            virtual_time: Duration::ZERO,
            wall_time: Duration::ZERO,
        };
        let page = render(&result, &[listed(3, &[])], &[], Some(std::path::Path::new("rec")));
        assert!(page.contains("2 exchanges with the target (<a href=\"rec/x.feature-3/exchanges.json\">bodies</a>)"), "{page}");
        assert!(page.contains("<li>+0 ms <code>OPTIONS /SOGo/Microsoft-Server-ActiveSync</code> → 200</li>"), "{page}");
        assert!(
            page.contains(
                "<li>+480 ms <code>POST /SOGo/Microsoft-Server-ActiveSync?Cmd=Ping&amp;User=alice</code> → timed out after 60000 ms</li>"
            ),
            "{page}"
        );
        assert!(!render(&result, &[listed(3, &[])], &[], None).contains("exchanges with the target"), "without --record, no list");
    }
}
