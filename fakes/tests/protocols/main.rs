//! The fakes from outside, over their real sockets and protocols, in one test binary (one per
//! file would link every fake again): EWS, the listener's API, the gateways, serving.

mod common;

mod ews_items;
mod exchange_auth;
mod exchange_ews;
mod exchange_push;
mod exchange_push_replayed;
mod gateway_tunnels;
mod listener_api;
mod serve_memory;
mod serve_state;
mod smime_sent_read_by_openssl;
mod ws1_direct;
