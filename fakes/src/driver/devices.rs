//! Mobile device management on the mail server: its ActiveSync partnerships and device policy.

use super::DriverFuture;
use crate::exchange::ExchangeControl;
use mailconform_activesync::server::contract::Partnership;
use mailconform_activesync::DevicePolicy;

/// What an Exchange administrator does with `Get-MobileDevice` and `Set-MobileDeviceMailboxPolicy`.
///
/// A real server does these through its own administration (PowerShell, a console), which the
/// live-target control adapter performs or declares [`super::DriverError::NotSupported`].
pub trait DeviceManagement: Send + Sync {
    /// The ActiveSync partnerships the server holds (one per user and device ID).
    fn partnerships(&self) -> DriverFuture<'_, Vec<Partnership>>;
    /// Replaces the device policy (`None`: no policy); `enforce` makes provisioning mandatory,
    /// so a device that has not applied the new policy is told to provision again.
    fn set_policy(&self, policy: Option<DevicePolicy>, enforce: bool) -> DriverFuture<'_, ()>;
    /// Requests a remote wipe of `user`'s device `device_id` (`Clear-MobileDevice`): its next
    /// command is sent to Provision, which carries the directive.
    fn wipe(&self, user: &str, device_id: &str) -> DriverFuture<'_, ()>;
}

/// Exchange's fake, in-process or served: its control API.
impl DeviceManagement for ExchangeControl {
    fn partnerships(&self) -> DriverFuture<'_, Vec<Partnership>> {
        Box::pin(async move { Ok(ExchangeControl::activesync_devices(self).await?) })
    }

    fn set_policy(&self, policy: Option<DevicePolicy>, enforce: bool) -> DriverFuture<'_, ()> {
        Box::pin(async move { Ok(ExchangeControl::set_device_policy(self, policy, enforce).await?) })
    }

    fn wipe(&self, user: &str, device_id: &str) -> DriverFuture<'_, ()> {
        let (user, device_id) = (user.to_string(), device_id.to_string());
        Box::pin(async move { Ok(self.activesync().wipe(&user, &device_id).await?) })
    }
}
