//! Where a remote wipe stands in the mail server's partnership, as its control API names it.

use super::closed_vocabulary;
use mailconform_activesync::server::WipeState;

/// A remote wipe's state: requested, confirmed by the device, or reported failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "wipe_state", regex = r"pending|acknowledged|failed")]
pub struct Wipe(pub WipeState);

closed_vocabulary!(Wipe, "a remote wipe state", {
    "pending" => Wipe(WipeState::Pending),
    "acknowledged" => Wipe(WipeState::Acknowledged),
    "failed" => Wipe(WipeState::Failed),
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn states() {
        closed::<Wipe>();
        rejects::<Wipe>("none");
    }
}
