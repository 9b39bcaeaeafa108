//! APNs as Apple's developer portal and the phones see it: a phone's device token for an app,
//! the provider keys APNs trusts, what reached a phone, an app removed from it.

use super::DriverFuture;
use super::Operation;
use crate::apns::{ApnsControl, DeliveredNotification, Environment, TeamKey};

/// What the harness does on APNs's side that no provider can: install the app on a phone (a
/// device token), make a developer's key known, read what reached the phone, remove the app.
///
/// Only the fake offers this: Apple's APNs tells the phone alone what reached it, so a real
/// APNs runs the features' own provider with a phone its operator declares (see the live run's
/// `apns` targets), and the phones' scenarios are not applicable there.
pub trait PushDevices: Send + Sync {
    /// A phone with app `bundle_id` installed, in `environment`: its device token.
    fn install(&self, bundle_id: &str, environment: Environment) -> DriverFuture<'_, String>;
    /// Makes a provider's team key known, as a developer does in Apple's portal.
    fn trust_team(&self, team: &TeamKey) -> DriverFuture<'_, ()>;
    /// The notifications APNs delivered to `token`'s phone, oldest first.
    fn delivered(&self, token: &str) -> DriverFuture<'_, Vec<DeliveredNotification>>;
    /// The app is removed from `token`'s phone: APNs answers later pushes 410.
    fn uninstall(&self, token: &str) -> DriverFuture<'_, ()>;
}

/// The APNs fake, in-process or served: the device side of its control API.
impl PushDevices for ApnsControl {
    fn install(&self, bundle_id: &str, environment: Environment) -> DriverFuture<'_, String> {
        let bundle_id = bundle_id.to_string();
        Box::pin(async move { self.register_device_in(&bundle_id, environment).await.map_err(apns_error(Operation::Register)) })
    }

    fn trust_team(&self, team: &TeamKey) -> DriverFuture<'_, ()> {
        let team = team.clone();
        Box::pin(async move { self.add_team(&team).await.map(drop).map_err(apns_error(Operation::Configure)) })
    }

    fn delivered(&self, token: &str) -> DriverFuture<'_, Vec<DeliveredNotification>> {
        let token = token.to_string();
        Box::pin(async move { self.notifications(&token, 0, std::time::Duration::ZERO).await.map_err(apns_error(Operation::ReadPhone)) })
    }

    fn uninstall(&self, token: &str) -> DriverFuture<'_, ()> {
        let token = token.to_string();
        Box::pin(async move { ApnsControl::uninstall(self, &token).await.map(drop).map_err(apns_error(Operation::RemoveApp)) })
    }
}

/// The APNs fake's client error, in answer to `operation`, as a driver error.
fn apns_error(operation: Operation) -> impl FnOnce(crate::apns::ApnsError) -> super::DriverError {
    move |e| match e {
        crate::apns::ApnsError::Control(c) => super::DriverError::Control(c),
        other => super::DriverError::Refused { role: crate::role::APNS.into(), operation, reason: other.to_string() },
    }
}
