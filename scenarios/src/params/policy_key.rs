//! The `X-MS-PolicyKey` a bare ActiveSync client sends.

use super::closed_vocabulary;
use mailconform_fakes::eas_probe;

/// Which policy key the client presents.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "policy_key", regex = "no policy key|a wrong policy key|its provisioned policy key")]
pub struct PolicyKey(pub eas_probe::PolicyKey);

closed_vocabulary!(PolicyKey, "the policy key an ActiveSync client sends", {
    "no policy key" => PolicyKey(eas_probe::PolicyKey::Missing),
    "a wrong policy key" => PolicyKey(eas_probe::PolicyKey::Wrong),
    "its provisioned policy key" => PolicyKey(eas_probe::PolicyKey::Provisioned),
});

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn three_keys() {
        closed::<PolicyKey>();
        rejects::<PolicyKey>("a policy key");
        assert_eq!("a wrong policy key".parse::<PolicyKey>(), Ok(PolicyKey(eas_probe::PolicyKey::Wrong)));
    }
}
