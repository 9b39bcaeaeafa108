//! Listener regions, by the APNs FAQ's names or the AWS codes their hosts carry.

use super::closed_vocabulary;
use mailconform_fakes::listener;
use std::ops::Deref;

/// A region of the push listener service.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "region", regex = "Americas|EMEA|APAC|us-east-1|eu-west-1|ap-southeast-1")]
pub struct Region(pub listener::Region);

closed_vocabulary!(Region, "a listener region", {
    "Americas" => Region(listener::Region::Americas),
    "EMEA" => Region(listener::Region::Emea),
    "APAC" => Region(listener::Region::Apac),
    "us-east-1" => Region(listener::Region::Americas),
    "eu-west-1" => Region(listener::Region::Emea),
    "ap-southeast-1" => Region(listener::Region::Apac),
});

impl Deref for Region {
    type Target = listener::Region;

    fn deref(&self) -> &listener::Region {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::closed;

    #[test]
    fn names_and_codes() {
        // Display gives the first word of a value: the FAQ's name.
        assert_eq!(Region(listener::Region::Emea).to_string(), "EMEA");
        for (word, r) in Region::WORDS {
            assert_eq!(listener::Region::parse(word), Some(r.0), "{word}");
        }
        for r in listener::Region::ALL {
            assert!(Region::WORDS.iter().any(|(w, v)| v.0 == r && *w == r.name()));
            assert!(Region::WORDS.iter().any(|(w, v)| v.0 == r && *w == r.code()));
        }
    }

    #[test]
    fn vocabulary() {
        closed::<Region>();
        crate::params::tests::rejects::<Region>("mars");
    }
}
