//! A device's standing in the Workspace ONE console.

use super::closed_vocabulary;
use mailconform_fakes::uem;
use std::ops::Deref;

/// A compliance state, as the console shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "compliance", regex = "compliant|non-compliant|enterprise wiped|removed")]
pub struct ComplianceState(pub uem::ComplianceState);

closed_vocabulary!(ComplianceState, "a compliance state", {
    "compliant" => ComplianceState(uem::ComplianceState::Compliant),
    "non-compliant" => ComplianceState(uem::ComplianceState::NonCompliant),
    "enterprise wiped" => ComplianceState(uem::ComplianceState::EnterpriseWiped),
    "removed" => ComplianceState(uem::ComplianceState::Removed),
});

impl Deref for ComplianceState {
    type Target = uem::ComplianceState;

    fn deref(&self) -> &uem::ComplianceState {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn states() {
        closed::<ComplianceState>();
        rejects::<ComplianceState>("wiped");
        assert!(ComplianceState::WORDS.iter().all(|(w, s)| uem::ComplianceState::parse(w) == Some(s.0)));
    }
}
