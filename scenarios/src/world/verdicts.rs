//! Assertions that record the requirements they put to the test (see [`crate::requirements`]).

use super::MailWorld;
use crate::requirements::{self, Verdict};
use std::fmt::Debug;

impl MailWorld {
    /// Checks `observed` against `expected`, records the verdict on each requirement of `ids`
    /// for the run's requirement report, then fails the step if they differ. An ID the
    /// project's lists do not have fails the step too: it would be a verdict on nothing.
    pub fn verify<T: PartialEq + Debug>(&mut self, ids: &[&str], what: &str, expected: &T, observed: &T) {
        let held = expected == observed;
        for id in ids {
            assert!(requirements::find(id).is_some(), "{id} is not in the project's requirement lists (scenarios/requirements/)");
            self.verdicts.push(Verdict {
                requirement: id.to_string(),
                held,
                expected: format!("{expected:?}"),
                observed: format!("{observed:?}"),
            });
        }
        let stated = if ids.is_empty() { String::new() } else { format!(" ({} violated)", ids.join(", ")) };
        assert!(held, "{what}: expected {expected:?}, observed {observed:?}{stated}");
    }

    /// The verdicts this scenario's steps recorded, in order; the run takes them when the
    /// scenario ends.
    pub fn take_verdicts(&mut self) -> Vec<Verdict> {
        std::mem::take(&mut self.verdicts)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    #[test]
    fn a_verdict_is_recorded_whether_the_assertion_holds_or_not() {
        let mut w = MailWorld::new();
        w.verify(&["MS-ASCMD_R4906"], "FolderSync", &142, &142);
        let failed = catch_unwind(AssertUnwindSafe(|| w.verify(&["MS-ASCMD_R4912"], "FolderSync", &144, &1)));
        let message = failed.expect_err("a violation fails the step");
        let message = message.downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.contains("MS-ASCMD_R4912 violated") && message.contains("observed 1"), "{message}");
        let v = w.take_verdicts();
        assert_eq!(
            v.iter().map(|v| (v.requirement.as_str(), v.held)).collect::<Vec<_>>(),
            [("MS-ASCMD_R4906", true), ("MS-ASCMD_R4912", false)]
        );
        assert_eq!((v[1].expected.as_str(), v[1].observed.as_str()), ("144", "1"));
        assert!(w.take_verdicts().is_empty(), "taken once");
    }

    #[test]
    fn an_id_outside_the_lists_fails_the_step() {
        let mut w = MailWorld::new();
        assert!(catch_unwind(AssertUnwindSafe(|| w.verify(&["MS-ASCMD_R0"], "x", &1, &1))).is_err());
    }
}
