//! The Cucumber world and step definitions of mailconform.
//!
//! Each scenario gets a [`MailWorld`] holding its own [`mailconform_sim::Simulation`]: its own
//! runtime and paused clock, its own network and certificates. Steps reach roles by name
//! through the topology and act on them only through their protocols and control APIs.

#![forbid(unsafe_code)]

pub mod catalogue;
pub mod params;
pub mod requirements;
mod steps;
pub mod world;

pub use world::{MailWorld, NOT_APPLICABLE};
