//! Exit codes of `mailconform`, and the mapping from results and errors to them.
//!
//! This module is the only place the numbers appear; `docs/conventions.md` states the
//! contract CI gates and outside tools rely on.

use crate::error::CliError;
use crate::summary::Counts;

/// Every selected scenario passed; for `check`, no finding of the policy document is an error
/// (warnings do not fail it).
pub(crate) const PASSED: u8 = 0;
/// A scenario failed (a step failed, a step was undefined or ambiguous, a hook panicked,
/// a feature file could not be parsed), or a known limitation stopped holding; for
/// `target check`, a check of a target found a problem; for `check`, a finding of the policy
/// document is an error.
pub(crate) const FAILED: u8 = 1;
/// Bad usage or configuration: the command line or the inputs it names need fixing (for
/// `target check`, a target configuration that cannot be used; for `check`, a policy document
/// that cannot be read: not XML nor TOML, or a value no policy takes).
pub(crate) const USAGE: u8 = 2;
/// Nothing was selected, nothing ran, or nothing that ran applied: every scenario was not
/// applicable to the backing of a role it uses (a real target without the control adapter
/// its operations need).
pub(crate) const NOTHING_RAN: u8 = 3;
/// The harness itself broke (a fake could not start, a report could not be written).
pub(crate) const HARNESS_BROKE: u8 = 4;

/// Exit code of a finished run or bench.
pub(crate) fn of_counts(counts: &Counts) -> u8 {
    if counts.failed > 0 || counts.parse_errors > 0 {
        FAILED
    } else if counts.passed == 0 {
        NOTHING_RAN
    } else {
        PASSED
    }
}

/// Exit code of a command that stopped with an error.
pub(crate) fn of_error(error: &CliError) -> u8 {
    match error {
        CliError::TagExpression { .. }
        | CliError::NameRegex { .. }
        | CliError::MissingFeaturePath { .. }
        | CliError::UnreadableFeaturePath { .. }
        | CliError::UnknownRole { .. }
        | CliError::TargetConfig(_)
        | CliError::ReportInput { .. }
        | CliError::Usage(_) => USAGE,
        CliError::ReportDir { .. } | CliError::ReportFile { .. } | CliError::RoleStart(_) | CliError::Harness(_) => HARNESS_BROKE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(passed: usize, failed: usize, skipped: usize, parse_errors: usize) -> Counts {
        Counts { passed, failed, skipped, parse_errors, not_applicable: 0 }
    }

    #[test]
    fn a_run_in_which_nothing_applied_exits_three() {
        let only_not_applicable = Counts { not_applicable: 4, ..Counts::default() };
        assert_eq!(of_counts(&only_not_applicable), NOTHING_RAN);
        assert_eq!(of_counts(&Counts { passed: 1, ..only_not_applicable }), PASSED);
        assert_eq!(of_counts(&Counts { failed: 1, ..only_not_applicable }), FAILED);
    }

    #[test]
    fn passing_run_exits_zero() {
        assert_eq!(of_counts(&counts(3, 0, 0, 0)), PASSED);
        assert_eq!(of_counts(&counts(3, 0, 1, 0)), PASSED);
    }

    #[test]
    fn any_failure_or_parse_error_exits_one() {
        assert_eq!(of_counts(&counts(3, 1, 0, 0)), FAILED);
        assert_eq!(of_counts(&counts(0, 0, 0, 1)), FAILED);
    }

    #[test]
    fn nothing_passed_nor_failed_exits_three() {
        assert_eq!(of_counts(&counts(0, 0, 0, 0)), NOTHING_RAN);
        assert_eq!(of_counts(&counts(0, 0, 2, 0)), NOTHING_RAN);
    }

    #[test]
    fn errors_map_to_usage_or_harness() {
        assert_eq!(of_error(&CliError::Usage("x".into())), USAGE);
        assert_eq!(of_error(&CliError::Harness("x".into())), HARNESS_BROKE);
    }
}
