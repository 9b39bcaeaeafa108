//! `mailconform target check FILE`: the target configuration (which roles are real
//! components, where, whom to trust, which mailboxes sign in) and the checks that tell a vendor
//! what is wrong with the set-up before any scenario runs: name resolution, TCP, TLS with the
//! configured trust, whether EWS, ActiveSync, AD CS web enrollment, a listener's registration API or
//! an identity provider's OpenID configuration or a UEM console's device API answers at the URL,
//! and each mailbox's sign-in.

mod adcs;
mod callback;
mod check;
mod config;
mod config_error;
mod connect;
mod eas;
mod ews;
mod http_answer;
mod kdc;
mod listener;
mod login;
mod report;
mod uem;

pub use check::check_targets;
pub use config::{
    ApnsKey, Callback, CallbackCa, Endpoint, KcdAccounts, Mailbox, Resolve, ServiceAccount, Target, TargetConfig, Trust, NO_SIGN_IN,
};
pub use config_error::ConfigError;
pub use report::{CheckLine, CheckReport, EndpointReport, Step};
