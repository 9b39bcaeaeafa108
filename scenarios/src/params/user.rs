//! Users: the default world's mailboxes by login, or any mailbox by its address.

use super::{UnknownWord, Vocabulary};
use mailconform_fakes::defaults;
use std::fmt;
use std::ops::Deref;
use std::str::FromStr;

/// A user whose phone, Boxer or mailbox a step acts on: `alice` or `bob` (the default world's
/// mailboxes), or an e-mail address.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "user", regex = r"alice|bob|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")]
pub struct User(String);

impl User {
    /// The user as the feature wrote it, which also names their phone and Boxer.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The mailbox: `alice` is `alice@example.test`; an address is itself.
    pub fn email(&self) -> String {
        if self.0.contains('@') {
            self.0.clone()
        } else {
            format!("{}@{}", self.0, defaults::DOMAIN)
        }
    }

    /// A built-in user's login and password (`alice`, `alice-pw`); fails the step for anyone else.
    pub fn builtin_login(&self) -> (&'static str, &'static str) {
        let (login, _, password) = defaults::USERS
            .iter()
            .find(|(login, ..)| *login == self.0)
            .copied()
            .unwrap_or_else(|| panic!("{} is not a built-in user (alice, bob): only they have a password here", self.0));
        (login, password)
    }
}

impl Vocabulary for User {
    const ABOUT: &'static str = "a user";
    const MORE: Option<&'static str> = Some("or any e-mail address, e.g. carol@example.test");

    fn words() -> Vec<String> {
        vec!["alice".into(), "bob".into()]
    }
}

impl FromStr for User {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        if super::whole_match::<User>(s) {
            Ok(User(s.to_string()))
        } else {
            Err(UnknownWord::of::<User>(s))
        }
    }
}

impl Deref for User {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for User {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{regex_accepts, rejects};

    #[test]
    fn logins_are_the_default_worlds_mailboxes() {
        let logins: Vec<String> = defaults::USERS.iter().map(|u| u.0.to_string()).collect();
        assert_eq!(User::words(), logins);
        for (login, email, _) in defaults::USERS {
            let u: User = login.parse().unwrap();
            assert_eq!((u.as_str(), u.email().as_str()), (login, email));
        }
    }

    #[test]
    fn an_address_is_its_own_mailbox() {
        let u: User = "carol@other.test".parse().unwrap();
        assert_eq!(u.email(), "carol@other.test");
        assert!(regex_accepts::<User>("first.last+tag@mail.example.test"));
    }

    #[test]
    fn other_words_are_refused() {
        for word in ["Alice", "carol", "carol@", "@example.test", "alice's", "carol@localhost"] {
            rejects::<User>(word);
        }
        assert!(User::from_str("carol").unwrap_err().to_string().contains("any e-mail address"));
    }
}
