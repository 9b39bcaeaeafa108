//! The simulated servers and clients of mailconform. Each is a real protocol implementation
//! behind a [`mailconform_sim::Handler`], so it runs unchanged inside a simulation and on real
//! sockets, and each has a small JSON control API under [`mailconform_sim::CONTROL_PREFIX`].

#![forbid(unsafe_code)]

pub mod boxer;
#[cfg(test)]
mod contract_check;
pub mod defaults;
pub mod deployment;
pub mod driver;
pub mod ens;
pub mod ews_answer;
pub mod exchange;
pub mod listener;
pub mod role;
pub mod role_error;
pub mod securemail;
pub mod seg;
pub mod serve;
pub mod traveler;
pub mod uem;

pub use mailconform_apns as apns;
pub use role_error::{ErrorKind, Kinded, RoleError};
