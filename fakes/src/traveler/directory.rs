//! The Domino Directory (or LDAP) and Domino's Internet authentication setting: which login
//! names a user may type.
//!
//! "Fewer name variations with higher security" accepts the names that identify one person
//! unambiguously (hierarchical name, common name, short name, Internet address, and through LDAP
//! the directory's UID, e.g. the AD user ID); "More name variations with lower security" also
//! accepts a bare first or last name.

use serde::{Deserialize, Serialize};

/// Domino's "Internet authentication" setting: which names a user may log in with.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NameVariations {
    /// "Fewer name variations with higher security": only names that identify one person.
    Fewer,
    /// "More name variations with lower security": a bare first or last name too.
    More,
}

/// Where Domino looks users up.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DirectoryKind {
    /// Users looked up in the Domino Directory (names.nsf).
    Domino,
    /// Users looked up through LDAP (Directory Assistance), where the UID maps to the AD user ID.
    Ldap,
}

/// A user in the directory, as a Person document holds them.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Person {
    /// `Alice Example/Sales/Example`.
    pub hierarchical_name: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// The short name / user ID, e.g. `alice`.
    pub short_name: String,
    /// Internet address (SMTP).
    pub internet_address: String,
    /// The LDAP UID (the AD user ID in an AD-backed directory).
    pub ldap_uid: String,
    /// HTTP password (the Internet password of the Person document).
    pub http_password: String,
}

impl Person {
    /// Common name: the first component of the hierarchical name.
    pub(crate) fn common_name(&self) -> &str {
        self.hierarchical_name.split('/').next().unwrap_or(&self.hierarchical_name)
    }

    /// Whether `name` identifies this person under the server's settings.
    pub(crate) fn answers_to(&self, name: &str, variations: NameVariations, directory: DirectoryKind) -> bool {
        let n = name.trim().to_ascii_lowercase();
        let eq = |s: &str| !s.is_empty() && s.to_ascii_lowercase() == n;
        let unambiguous = eq(&self.hierarchical_name) || eq(self.common_name()) || eq(&self.short_name) || eq(&self.internet_address);
        let via_ldap = directory == DirectoryKind::Ldap && eq(&self.ldap_uid);
        let loose = variations == NameVariations::More && (eq(&self.first_name) || eq(&self.last_name));
        unambiguous || via_ldap || loose
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> Person {
        Person {
            hierarchical_name: "Alice Example/Example".into(),
            first_name: "Alice".into(),
            last_name: "Example".into(),
            short_name: "alice".into(),
            internet_address: "alice@example.test".into(),
            ldap_uid: "aexample".into(),
            http_password: "alice-pw".into(),
        }
    }

    #[test]
    fn fewer_variations_refuse_a_bare_last_name() {
        let a = alice();
        assert!(a.answers_to("Alice Example", NameVariations::Fewer, DirectoryKind::Domino));
        assert!(a.answers_to("alice@example.test", NameVariations::Fewer, DirectoryKind::Domino));
        assert!(!a.answers_to("Example", NameVariations::Fewer, DirectoryKind::Domino));
        assert!(a.answers_to("Example", NameVariations::More, DirectoryKind::Domino));
        assert!(!a.answers_to("aexample", NameVariations::Fewer, DirectoryKind::Domino));
        assert!(a.answers_to("aexample", NameVariations::Fewer, DirectoryKind::Ldap));
    }
}
