//! The `mailconform` binary end to end, in one test binary: each module drives the binary (or a
//! served fake, a container, a third-party client) the way its users do. One binary instead of
//! one per file: each would link the whole harness again.

mod common;

mod cli;
mod container;
mod features;
mod interop;
mod live_adcs;
mod live_apns;
mod live_bad_targets;
mod live_ens;
mod live_ews;
mod live_kdc;
mod live_listener;
mod live_login;
mod live_seg;
mod live_sogo;
mod live_sogo_container;
mod live_traveler;
mod live_uem;
mod partition;
mod policy_check;
mod serve_process;
mod served_bench;
mod served_roles;
mod suite;
mod target_check;
mod tls_interop;
mod tls_s_server;
mod topology;
