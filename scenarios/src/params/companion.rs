//! Secure Mail's companion apps, which sync notes and tasks from Exchange.

use super::closed_vocabulary;
use mailconform_fakes::securemail::companion::Companion;
use std::ops::Deref;

/// A companion app, by the word after "Secure": `Secure Notes`, `Secure Tasks`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "companion", regex = "Notes|Tasks")]
pub struct CompanionApp(pub Companion);

closed_vocabulary!(CompanionApp, "a companion app", {
    "Notes" => CompanionApp(Companion::SecureNotes),
    "Tasks" => CompanionApp(Companion::SecureTasks),
});

impl Deref for CompanionApp {
    type Target = Companion;

    fn deref(&self) -> &Companion {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn notes_and_tasks() {
        closed::<CompanionApp>();
        rejects::<CompanionApp>("Mail");
        assert!(CompanionApp::WORDS.iter().all(|(w, c)| Companion::parse(w) == Some(c.0)));
    }
}
