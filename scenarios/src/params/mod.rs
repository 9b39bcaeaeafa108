//! Cucumber parameter types: the words features use, each with the list of words it accepts.

pub mod reason;
