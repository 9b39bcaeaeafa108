//! The listener service's registrations and the pushes it sent.

use super::{Backing, DriverError, DriverFuture, Operation};
use crate::apns::ApnsControl;
use crate::listener::contract::{ListenerControl, ListenerState, NewRegistration, Registered, RegistrationStatus};
use crate::listener::PushRecord;
use crate::listener::RegistrationClient;

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
    /// The registration's EWS subscription and when Exchange last reached the listener for it,
    /// as the app asks (`GET /registrations/{id}/status`, the listener's public API).
    fn status<'a>(&'a self, registration_id: &'a str) -> DriverFuture<'a, RegistrationStatus>;
    /// How many pushes for `device_token` APNs accepted (HTTP 200): the listener's own count,
    /// or, for a listener whose count stays inside it, what the scenario's APNs accepted from it.
    fn accepted_pushes<'a>(&'a self, device_token: &'a str) -> DriverFuture<'a, u64>;
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

    fn status<'a>(&'a self, registration_id: &'a str) -> DriverFuture<'a, RegistrationStatus> {
        Box::pin(async move { Ok(RegistrationClient(self.api.clone()).status(registration_id).await?) })
    }

    fn accepted_pushes<'a>(&'a self, device_token: &'a str) -> DriverFuture<'a, u64> {
        Box::pin(async move {
            let state = ListenerControl::state(self).await?;
            Ok(state.registrations.values().filter(|r| r.device_token == device_token).map(|r| r.notifications_sent).sum())
        })
    }
}

/// A real listener service, reached at its URL: its own registration API (registering,
/// forgetting) works as for the fake; what it stores and the pushes it logged stay in its
/// database, so reading them is [`DriverError::NotSupported`]. Scenarios then observe its
/// pushes where they arrive, at the scenario's APNs and on the phone.
pub struct RealListener {
    /// The role (`listener.us-east-1`).
    pub role: String,
    /// Its URL.
    pub url: String,
    /// Its registration API (`{url}/api/v1`).
    pub api: RegistrationClient,
    /// The scenario's APNs, which the listener pushes to: its log tells what it accepted.
    pub apns: ApnsControl,
}

impl RealListener {
    fn kept_inside<T>(&self, operation: Operation) -> Result<T, DriverError> {
        Err(DriverError::NotSupported {
            role: self.role.clone(),
            operation,
            backing: Backing::Real { url: self.url.clone() },
            why: "a real listener keeps its registrations and its log of APNs pushes in its own database, which its API does not show; \
                  its pushes are seen where they arrive, at the scenario's APNs and on the phone",
        })
    }
}

impl Registrations for RealListener {
    fn state(&self) -> DriverFuture<'_, ListenerState> {
        Box::pin(async move { self.kept_inside(Operation::ReadRegistrations) })
    }

    fn pushes(&self) -> DriverFuture<'_, Vec<PushRecord>> {
        Box::pin(async move { self.kept_inside(Operation::ReadPushes) })
    }

    fn forget<'a>(&'a self, registration_id: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move { Ok(self.api.forget(registration_id).await?) })
    }

    fn register<'a>(&'a self, registration: &'a NewRegistration) -> DriverFuture<'a, Registered> {
        Box::pin(async move { Ok(self.api.register(registration).await?) })
    }

    fn status<'a>(&'a self, registration_id: &'a str) -> DriverFuture<'a, RegistrationStatus> {
        Box::pin(async move { Ok(self.api.status(registration_id).await?) })
    }

    fn accepted_pushes<'a>(&'a self, device_token: &'a str) -> DriverFuture<'a, u64> {
        Box::pin(async move {
            let log = self.apns.log().await.map_err(|e| DriverError::Refused {
                role: self.role.clone(),
                operation: Operation::ReadPushes,
                reason: format!("the scenario's APNs did not show its log: {e}"),
            })?;
            Ok(log.iter().filter(|e| e.status == 200 && e.token.as_deref() == Some(&device_token.to_ascii_lowercase())).count() as u64)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::ControlClient;

    #[test]
    fn a_real_listener_keeps_its_state_and_push_log_to_itself() {
        let dialer = std::sync::Arc::new(mailconform_sim::TcpDialer::default());
        let http = mailconform_sim::HttpClient::new(dialer, mailconform_sim::tls::roots(&[]), mailconform_sim::Clock::real());
        let url = "https://listener.corp.example";
        let api = RegistrationClient(ControlClient::new(http.clone(), url));
        let apns = ApnsControl::new(http.clone(), "https://api.push.apple.test/_mailconform");
        let real = RealListener { role: "listener.us-east-1".into(), url: url.into(), api, apns };
        let rt = tokio::runtime::Builder::new_current_thread().build().unwrap();
        for e in [rt.block_on(real.state()).map(|_| ()).unwrap_err(), rt.block_on(real.pushes()).map(|_| ()).unwrap_err()] {
            assert!(e.is_not_applicable() && e.to_string().contains("its own database"), "{e}");
        }
    }
}
