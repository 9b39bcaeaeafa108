//! Step definitions, one module per role. Each step acts through a role's protocol or its
//! control API; parsing of the words features use (regions, versions, times) lives in `words`.

mod activesync;
mod apns;
mod deployment;
mod device;
mod exchange;
mod listener;
mod mail;
mod time;
pub(crate) mod tls;
mod traveler;
pub(crate) mod words;
mod ws1;
