//! The simulated servers and clients of mailconform. Each is a real protocol implementation
//! behind a [`mailconform_sim::Handler`], so it runs unchanged inside a simulation and on real
//! sockets, and each has a small JSON control API under [`mailconform_sim::CONTROL_PREFIX`].
//!
//! Layers, top down:
//!
//! - [`role`] names every role (its kind, protocols and host in the default world) and
//!   [`defaults`] holds the default world's names; both are what features, reports and
//!   `mailconform serve` spell roles with.
//! - [`deployment`] puts fakes on a [`mailconform_sim::Hosting`] (a simulation or real
//!   sockets) and hands out their control clients by role name ([`deployment::Roles`]);
//!   [`driver`] wraps those clients in typed drivers that also cover real components.
//! - One module per role ([`exchange`], [`traveler`], [`listener`], [`seg`], [`ens`], [`uem`],
//!   [`securemail`], [`boxer`]; APNs is [`apns`]): the fake itself stays inside the crate, its
//!   `contract` module is the public part — the route table, one serde type per request and
//!   response body, and the typed client.
//! - [`role_error`] is the one shape in which client roles publish a failure.

#![forbid(unsafe_code)]

pub mod adcs;
mod basic_auth;
pub mod boxer;
#[cfg(test)]
mod contract_check;
pub mod defaults;
pub mod deployment;
pub mod directory;
pub mod driver;
pub mod eas_probe;
pub mod ens;
mod ews_answer;
pub mod ews_probe;
pub mod exchange;
pub mod gateway;
pub mod listener;
pub mod mdx;
pub mod role;
pub mod role_error;
pub mod securemail;
pub mod seg;
pub mod serve;
pub mod traveler;
pub mod uem;
pub mod xms;

pub use mailconform_apns as apns;
pub use role_error::{ErrorKind, Kinded, RoleError};
