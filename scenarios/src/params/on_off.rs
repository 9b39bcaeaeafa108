//! Policies an administrator turns ON or OFF.

use super::closed_vocabulary;

/// A policy switch, written as the console shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, cucumber::Parameter)]
#[param(name = "on_off", regex = "ON|OFF")]
pub struct OnOff(pub bool);

closed_vocabulary!(OnOff, "a policy switch", {
    "ON" => OnOff(true),
    "OFF" => OnOff(false),
});

impl OnOff {
    /// Whether the switch is on.
    pub fn is_on(self) -> bool {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::params::tests::{closed, rejects};

    #[test]
    fn on_and_off() {
        closed::<OnOff>();
        rejects::<OnOff>("Off");
        assert_eq!("ON".parse::<OnOff>().map(OnOff::is_on), Ok(true));
        assert_eq!("OFF".parse::<OnOff>().map(OnOff::is_on), Ok(false));
    }
}
