//! Step definitions, one module per role. Each step acts through a role's protocol or its
//! control API; the words features use (users, regions, versions, times) are typed parameters
//! from `crate::params`, and every step's `///` line is its description in `mailconform steps`.

mod activesync;
mod adcs;
mod apns;
mod apns_provider;
mod deployment;
mod device;
mod eas_client;
mod eas_provision;
mod ews_client;
mod exchange;
mod listener;
mod live;
mod mail;
mod network;
mod restart;
mod secure_mail_smime;
mod time;
pub(crate) mod tls;
mod traveler;
mod ws1;
