//! `mailconform check FILE`: reads an MDX policy document (the Secure Mail app's
//! `policy_metadata.xml` as Endpoint Management exports it, or the TOML form) and checks it
//! against the seeds' rules ([`mailconform_fakes::mdx::lint`]), so an administrator learns
//! before enrolling a device that mail would not take the STA path, or that iOS users would
//! get authentication prompts.

use crate::error::CliError;
use crate::exit;
use clap::{Args, ValueEnum};
use mailconform_fakes::mdx::{check, Finding, Form, PolicyDocument, Severity};
use std::path::{Path, PathBuf};

/// How the findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(crate) enum PolicyCheckFormat {
    /// `error[rule_id]: message (source: tag)` per finding, then a summary line
    Text,
    /// A JSON array of {rule, severity, message, source}
    Json,
}

#[derive(Debug, Clone, Args)]
pub(crate) struct PolicyCheckArgs {
    /// The policy document: policy_metadata.xml, or TOML (by extension; otherwise XML when it
    /// starts with `<`)
    #[arg(value_name = "FILE")]
    pub file: PathBuf,

    /// Output format
    #[arg(long, value_enum, default_value_t = PolicyCheckFormat::Text)]
    pub format: PolicyCheckFormat,
}

/// Runs the check; the exit code is FAILED when any finding is an error, PASSED otherwise
/// (warnings do not fail), USAGE when the file cannot be read as a policy document.
pub(crate) fn policy_check(args: &PolicyCheckArgs) -> Result<u8, CliError> {
    let doc = load(&args.file)?;
    let findings = check(&doc);
    match args.format {
        PolicyCheckFormat::Text => print!("{}", render(&args.file, &doc, &findings)),
        PolicyCheckFormat::Json => {
            let json = serde_json::to_string_pretty(&findings).map_err(|e| CliError::Harness(e.to_string()))?;
            println!("{json}");
        }
    }
    Ok(if findings.iter().any(|f| f.severity == Severity::Error) { exit::FAILED } else { exit::PASSED })
}

/// Reads `file` in the form its name or first character gives.
fn load(file: &Path) -> Result<PolicyDocument, CliError> {
    let bytes = std::fs::read(file).map_err(|e| {
        CliError::Usage(format!("{}: cannot read the policy document: {e}; pass a policy_metadata.xml or a TOML file", file.display()))
    })?;
    PolicyDocument::read(&bytes, Form::detect(Some(file), &bytes)).map_err(|e| CliError::Usage(format!("{}: {e}", file.display())))
}

/// One line per finding, then `FILE: N errors, N warnings` (and how many policies of the
/// document the check does not look at, so a short count is not mistaken for a full audit).
fn render(file: &Path, doc: &PolicyDocument, findings: &[Finding]) -> String {
    let mut out = String::new();
    for f in findings {
        out.push_str(&f.to_string());
        out.push('\n');
    }
    let errors = findings.iter().filter(|f| f.severity == Severity::Error).count();
    let warnings = findings.len() - errors;
    let counted = |n: usize, what: &str| format!("{n} {what}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!("{}: {}, {}", file.display(), counted(errors, "error"), counted(warnings, "warning")));
    match doc.other_policies.len() {
        0 => {}
        1 => out.push_str(" (1 other policy not checked)"),
        n => out.push_str(&format!(" ({n} other policies not checked)")),
    }
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_summary_counts_errors_warnings_and_unchecked_policies() {
        let doc = PolicyDocument { other_policies: vec!["CutAndCopy".into()], ..PolicyDocument::default() };
        let findings = check(&doc);
        let text = render(Path::new("p.xml"), &doc, &findings);
        assert!(text.starts_with("error[exchange_server_empty]: Secure Mail Exchange Server is not set"), "{text}");
        assert!(text.ends_with("p.xml: 1 error, 0 warnings (1 other policy not checked)\n"), "{text}");
    }
}
