//! A bare APNs provider beside the listener: a push service of its own, with its own signing key
//! and token habits, and a phone of its own to push to. It provokes what Apple's provider API
//! answers to a provider that misbehaves, which the listener (a well-behaved provider) never does.

use mailconform_fakes::apns::{Environment, ProviderClient};
use std::sync::Arc;
use std::time::Duration;

/// The provider's set-up and connection.
#[derive(Default)]
pub(crate) struct ProviderState {
    /// How often the provider re-signs its token; set by the step that introduces it.
    pub(crate) token_refresh: Option<Duration>,
    /// The phone it pushes to: its device token and the APNs environment it registered with.
    pub(crate) phone: Option<(String, Environment)>,
    /// Its connection, made at the first push (to the phone's environment).
    pub(crate) client: Option<Arc<ProviderClient>>,
}
