//! How Domino's Internet authentication finds a user: which name variations it tries, in
//! which directory.

use super::closed_vocabulary;
use mailconform_fakes::traveler;

/// Domino's "Internet authentication" setting: fewer or more name variations.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "name_variations", regex = "fewer|more")]
pub struct NameVariations(pub traveler::NameVariations);

closed_vocabulary!(NameVariations, "a name variations setting", {
    "fewer" => NameVariations(traveler::NameVariations::Fewer),
    "more" => NameVariations(traveler::NameVariations::More),
});

impl NameVariations {
    /// The setting as the Traveler control API names it.
    pub fn as_str(self) -> &'static str {
        match self.0 {
            traveler::NameVariations::Fewer => "fewer",
            traveler::NameVariations::More => "more",
        }
    }
}

/// Where users are looked up: the Domino Directory or LDAP.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "directory", regex = "Domino|LDAP")]
pub struct Directory(pub traveler::DirectoryKind);

closed_vocabulary!(Directory, "a user directory", {
    "Domino" => Directory(traveler::DirectoryKind::Domino),
    "LDAP" => Directory(traveler::DirectoryKind::Ldap),
});

impl Directory {
    /// The directory as the Traveler control API names it.
    pub fn as_str(self) -> &'static str {
        match self.0 {
            traveler::DirectoryKind::Domino => "domino",
            traveler::DirectoryKind::Ldap => "ldap",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn settings_and_their_wire_names() {
        closed::<NameVariations>();
        closed::<Directory>();
        rejects::<Directory>("AD");
        for (_, v) in NameVariations::WORDS {
            assert_eq!(serde_json::to_value(v.0).unwrap(), v.as_str());
        }
        for (_, d) in Directory::WORDS {
            assert_eq!(serde_json::to_value(d.0).unwrap(), d.as_str());
        }
    }
}
