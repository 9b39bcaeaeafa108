//! What `target check` found: one line per check, ok or a problem with what to fix, grouped
//! by target, and the text people read.

use serde::Serialize;

/// Which check a line is about, in the order they run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The host name resolves.
    Resolve,
    /// A TCP connection opens.
    Connect,
    /// The TLS handshake completes with the configured trust.
    Tls,
    /// The URL answers as the protocol does (not an HTML page, not a 404).
    Http,
    /// A mailbox signs in.
    Auth,
    /// The run can be called back: a port opens on the advertised address, and the callback
    /// CA signs a certificate for it that chains to the CA.
    Callback,
}

impl Step {
    fn word(self) -> &'static str {
        match self {
            Step::Resolve => "resolve",
            Step::Connect => "connect",
            Step::Tls => "tls",
            Step::Http => "http",
            Step::Auth => "auth",
            Step::Callback => "callback",
        }
    }
}

/// One check's result.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct CheckLine {
    /// The check.
    pub step: Step,
    /// What was seen.
    pub text: String,
    /// For a problem, what to change; `None` when the check passed.
    pub fix: Option<String>,
}

impl CheckLine {
    /// A check that passed.
    pub(crate) fn ok(step: Step, text: impl Into<String>) -> CheckLine {
        CheckLine { step, text: text.into(), fix: None }
    }

    /// A check that failed, with what to change.
    pub(crate) fn problem(step: Step, text: impl Into<String>, fix: impl Into<String>) -> CheckLine {
        CheckLine { step, text: text.into(), fix: Some(fix.into()) }
    }

    /// The check failed.
    pub fn is_problem(&self) -> bool {
        self.fix.is_some()
    }
}

/// The checks of one protocol endpoint of a target.
#[derive(Clone, Debug, Serialize)]
pub struct EndpointReport {
    /// The target's key (`exchange.eas`).
    pub target: String,
    /// The protocol's name (`ActiveSync`).
    pub protocol: &'static str,
    /// The URL checked.
    pub url: String,
    /// Whom the TLS client trusted, in words (`insecure` is said loudly).
    pub trust: String,
    /// The checks, in order; the first problem of a connection ends that connection's checks.
    pub lines: Vec<CheckLine>,
}

/// Every target's checks.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CheckReport {
    /// One entry per endpoint, in the configuration's order.
    pub endpoints: Vec<EndpointReport>,
}

impl CheckReport {
    /// How many checks failed.
    pub fn problems(&self) -> usize {
        self.endpoints.iter().flat_map(|e| &e.lines).filter(|l| l.is_problem()).count()
    }

    /// The report as text: a heading per endpoint, one line per check, the fix under a problem,
    /// and a last line counting problems.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for e in &self.endpoints {
            out.push_str(&format!("{} ({}) {}\n  trust: {}\n", e.target, e.protocol, e.url, e.trust));
            for l in &e.lines {
                let verdict = if l.is_problem() { "PROBLEM" } else { "ok" };
                out.push_str(&format!("  {verdict:<8} {:<8} {}\n", l.step.word(), l.text));
                if let Some(fix) = &l.fix {
                    out.push_str(&format!("  {:<8} {:<8} fix: {fix}\n", "", ""));
                }
            }
            out.push('\n');
        }
        let checks: usize = self.endpoints.iter().map(|e| e.lines.len()).sum();
        match self.problems() {
            0 => out.push_str(&format!("{checks} checks, all ok\n")),
            n => out.push_str(&format!("{checks} checks, {n} with a problem\n")),
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_problem_shows_its_fix_and_is_counted() {
        let report = CheckReport {
            endpoints: vec![EndpointReport {
                target: "exchange.eas".into(),
                protocol: "ActiveSync",
                url: "https://mail.example.com/Microsoft-Server-ActiveSync".into(),
                trust: "the system's trust store".into(),
                lines: vec![
                    CheckLine::ok(Step::Resolve, "mail.example.com is 192.0.2.1"),
                    CheckLine::problem(Step::Connect, "connection refused by 192.0.2.1:443", "start the server"),
                ],
            }],
        };
        assert_eq!(report.problems(), 1);
        let text = report.render();
        assert!(text.contains("  ok       resolve  mail.example.com is 192.0.2.1\n"), "{text}");
        assert!(
            text.contains("  PROBLEM  connect  connection refused by 192.0.2.1:443\n                    fix: start the server\n"),
            "{text}"
        );
        assert!(text.ends_with("2 checks, 1 with a problem\n"), "{text}");
    }
}
