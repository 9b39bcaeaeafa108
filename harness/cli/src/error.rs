//! The one error type of the command line; its messages say what to change.
//! Exit codes for each variant live in [`crate::exit::of_error`].

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum CliError {
    #[error(
        "invalid tag expression `{expr}`: {reason}\n  write tags with `@` and combine them with \
         `and`, `or`, `not` and parentheses, e.g. --tags '@source:004.data-flow.Q6 and not @slow'"
    )]
    TagExpression { expr: String, reason: String },

    #[error("invalid --name regular expression `{pattern}`: {source}")]
    NameRegex {
        pattern: String,
        #[source]
        source: regex::Error,
    },

    #[error(
        "feature path `{}` does not exist; pass .feature files or directories holding them \
         (the default is `features/`, relative to the current directory)",
        path.display()
    )]
    MissingFeaturePath { path: PathBuf },

    #[error("feature path `{}` cannot be read: {source}; check its permissions", path.display())]
    UnreadableFeaturePath {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error(
        "serve: role `{role}` is not available in this build ({})",
        if available.is_empty() { "no roles are available yet".to_string() } else { format!("available: {}", available.join(", ")) }
    )]
    UnknownRole { role: String, available: Vec<String> },

    #[error("{0}")]
    Usage(String),

    #[error(
        "cannot create report directory `{}`: {source}; choose a writable one with --report-dir",
        path.display()
    )]
    ReportDir {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("cannot create report file `{}`: {source}", path.display())]
    ReportFile {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("a role could not start: {0}")]
    RoleStart(String),

    #[error("the harness itself failed: {0}")]
    Harness(String),
}
