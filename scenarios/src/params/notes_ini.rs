//! Entries of a Domino server's notes.ini.

use super::{UnknownWord, Vocabulary};
use std::fmt;
use std::str::FromStr;

/// One notes.ini setting, `NAME=value`.
#[derive(Clone, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "notes_ini", regex = r"[A-Za-z_][A-Za-z0-9_]*=\S*")]
pub struct NotesIni {
    /// The setting's name, e.g. `NTS_AS_ENFORCE_POLICY`.
    pub name: String,
    /// Its value, as written.
    pub value: String,
}

impl Vocabulary for NotesIni {
    const ABOUT: &'static str = "a notes.ini setting";
    const MORE: Option<&'static str> = Some("NAME=value, e.g. NTS_AS_ENFORCE_POLICY=true");

    fn words() -> Vec<String> {
        Vec::new()
    }
}

impl FromStr for NotesIni {
    type Err = UnknownWord;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once('=') {
            Some((name, value)) if super::whole_match::<NotesIni>(s) => Ok(NotesIni { name: name.into(), value: value.into() }),
            _ => Err(UnknownWord::of::<NotesIni>(s)),
        }
    }
}

impl fmt::Display for NotesIni {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}={}", self.name, self.value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::rejects;

    #[test]
    fn name_and_value() {
        let s: NotesIni = "NTS_AS_ENFORCE_POLICY=true".parse().unwrap();
        assert_eq!((s.name.as_str(), s.value.as_str()), ("NTS_AS_ENFORCE_POLICY", "true"));
        assert_eq!(s.to_string(), "NTS_AS_ENFORCE_POLICY=true");
        for bad in ["NTS_AS_ENFORCE_POLICY", "=true", "A B=1"] {
            rejects::<NotesIni>(bad);
        }
    }
}
