//! The listener service's registrations and the pushes it sent.

use super::DriverFuture;
use crate::listener::contract::{ListenerControl, ListenerState, NewRegistration, Registered};
use crate::listener::PushRecord;

/// What a listener service holds for the devices registered with it.
///
/// Forgetting a registration is part of the listener's own API (`DELETE
/// /api/v1/registrations/{id}`), so every backing can do it; reading the whole state and the
/// push log needs the fake's control API (a real listener keeps them in its database, which
/// only its control adapter can read).
pub trait Registrations: Send + Sync {
    /// Every registration and what the listener last heard from Exchange.
    fn state(&self) -> DriverFuture<'_, ListenerState>;
    /// Every push the listener sent to APNs, oldest first.
    fn pushes(&self) -> DriverFuture<'_, Vec<PushRecord>>;
    /// Deletes one registration, as a device's unregistration or a data loss would.
    fn forget<'a>(&'a self, registration_id: &'a str) -> DriverFuture<'a, ()>;
    /// Registers a device through the listener's public API (`POST /registrations`), as the
    /// app does at launch; the same token and app again renew the registration.
    fn register<'a>(&'a self, registration: &'a NewRegistration) -> DriverFuture<'a, Registered>;
}

/// The listener's fake, in-process or served: its control API and its public API.
impl Registrations for ListenerControl {
    fn state(&self) -> DriverFuture<'_, ListenerState> {
        Box::pin(async move { Ok(ListenerControl::state(self).await?) })
    }

    fn pushes(&self) -> DriverFuture<'_, Vec<PushRecord>> {
        Box::pin(async move { Ok(ListenerControl::pushes(self).await?) })
    }

    fn forget<'a>(&'a self, registration_id: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { Ok(ListenerControl::delete_registration(self, registration_id).await?) })
    }

    fn register<'a>(&'a self, registration: &'a NewRegistration) -> DriverFuture<'a, Registered> {
        Box::pin(async move { Ok(ListenerControl::register(self, registration).await?) })
    }
}
