//! The one error type of the command line; its messages say what to change.
//! Exit codes for each variant live in [`crate::exit::of_error`].

use std::path::PathBuf;

/// Why a command stopped before its work was done; each variant has its exit code
/// (`docs/conventions.md`).
#[derive(Debug, thiserror::Error)]
pub enum CliError {
    /// `--tags` is not a Cucumber tag expression.
    #[error(
        "invalid tag expression `{expr}`: {reason}\n  write tags with `@` and combine them with \
         `and`, `or`, `not` and parentheses, e.g. --tags '@source:004.data-flow.Q6 and not @slow'"
    )]
    TagExpression {
        /// The expression as given.
        expr: String,
        /// The parser's complaint.
        reason: String,
    },

    /// `--name` is not a regular expression.
    #[error("invalid --name regular expression `{pattern}`: {source}")]
    NameRegex {
        /// The pattern as given.
        pattern: String,
        /// The regex crate's complaint.
        #[source]
        source: regex::Error,
    },

    /// A feature path on the command line (or the default `features/`) does not exist.
    #[error(
        "feature path `{}` does not exist; pass .feature files or directories holding them \
         (the default is `features/`, relative to the current directory)",
        path.display()
    )]
    MissingFeaturePath {
        /// The path as given.
        path: PathBuf,
    },

    /// A feature path exists but cannot be listed or read.
    #[error("feature path `{}` cannot be read: {source}; check its permissions", path.display())]
    UnreadableFeaturePath {
        /// The file or directory that failed.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// `serve` was asked for a role the default world does not have.
    #[error(
        "serve: role `{role}` is not available in this build ({})",
        if available.is_empty() { "no roles are available yet".to_string() } else { format!("available: {}", available.join(", ")) }
    )]
    UnknownRole {
        /// The name as given.
        role: String,
        /// Every role name `serve` accepts.
        available: Vec<String>,
    },

    /// Any other bad input (a `tls-probe` target, one it cannot reach, `--tls-versions`, `--runs`),
    /// with what to write instead.
    #[error("{0}")]
    Usage(String),

    /// A target configuration that cannot be used (`target check`).
    #[error(transparent)]
    TargetConfig(#[from] mailconform_probe::target::ConfigError),

    /// The report directory cannot be created.
    #[error(
        "cannot create report directory `{}`: {source}; choose a writable one with --report-dir",
        path.display()
    )]
    ReportDir {
        /// The directory (`--report-dir`).
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// A report of an earlier run, given to `report compare`, cannot be read.
    #[error("cannot read the run report `{}`: {reason}", path.display())]
    ReportInput {
        /// The file that was to be read.
        path: PathBuf,
        /// Why it cannot be used.
        reason: String,
    },

    /// A report (junit.xml, cucumber.json, ...) cannot be written.
    #[error("cannot create report file `{}`: {source}", path.display())]
    ReportFile {
        /// The report file.
        path: PathBuf,
        /// The operating system's error.
        #[source]
        source: std::io::Error,
    },

    /// `serve` could not start a role (its runtime, its listener, its certificate).
    #[error("a role could not start: {0}")]
    RoleStart(String),

    /// The harness broke: a runtime could not start, the TLS library failed, a bench step failed.
    #[error("the harness itself failed: {0}")]
    Harness(String),
}
