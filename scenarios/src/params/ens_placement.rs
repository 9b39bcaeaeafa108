//! Where ENS2 runs: the vendor's cloud or the customer's own servers.

use super::closed_vocabulary;
use mailconform_fakes::ens::Placement;
use std::ops::Deref;

/// ENS2's placement, which decides the path of its API.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "ens_placement", regex = "in the cloud|on premises")]
pub struct EnsPlacement(pub Placement);

closed_vocabulary!(EnsPlacement, "where ENS2 runs", {
    "in the cloud" => EnsPlacement(Placement::Cloud),
    "on premises" => EnsPlacement(Placement::OnPremises),
});

impl Deref for EnsPlacement {
    type Target = Placement;

    fn deref(&self) -> &Placement {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn placements() {
        closed::<EnsPlacement>();
        rejects::<EnsPlacement>("on-premises");
        assert!(EnsPlacement::WORDS.iter().all(|(w, p)| Placement::parse(w) == Some(p.0)));
    }
}
