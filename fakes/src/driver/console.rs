//! The UEM console as its administrator uses it: a device's compliance state, set by hand or by
//! the console's compliance policies. The console's device API, which SEG V2 and Boxer call, is
//! the console's own protocol and needs no driver.

use super::{Backing, DriverError, DriverFuture, Operation};
use crate::uem::{ComplianceState, UemControl};

/// What a step asks of the console's administrator.
pub trait Console: Send + Sync {
    /// Device `device_id` of the user `email` is enrolled, or changed, in `state`.
    fn set_state<'a>(&'a self, device_id: &'a str, email: &'a str, state: ComplianceState) -> DriverFuture<'a, ()>;
}

/// The console fake, in-process or served: its control API.
impl Console for UemControl {
    fn set_state<'a>(&'a self, device_id: &'a str, email: &'a str, state: ComplianceState) -> DriverFuture<'a, ()> {
        Box::pin(async move { UemControl::set_state(self, device_id, email, state).await.map(drop).map_err(DriverError::Control) })
    }
}

/// A real console (`uem`): its administration done by the target's command
/// (`adapter.set_device_state`, with `{device_id}`, `{email}` and `{state}`: `compliant`,
/// `non_compliant`, `enterprise_wiped`, `removed`), which its operator writes against the
/// console's own administration (a REST call, a script).
#[derive(Clone, Debug)]
pub struct RealConsole {
    /// The role (`uem`).
    pub role: String,
    /// The console's URL.
    pub url: String,
    /// The command that sets a device's state, if the target gives one.
    pub set_device_state: Option<String>,
}

impl Console for RealConsole {
    fn set_state<'a>(&'a self, device_id: &'a str, email: &'a str, state: ComplianceState) -> DriverFuture<'a, ()> {
        Box::pin(async move {
            let Some(template) = &self.set_device_state else {
                return Err(DriverError::NotSupported {
                    role: self.role.clone(),
                    operation: Operation::SetDeviceState,
                    backing: Backing::Real { url: self.url.clone() },
                    why: "its target configuration has no [target.uem.adapter] set_device_state command",
                });
            };
            let line = super::command::fill(template, &[("device_id", device_id), ("email", email), ("state", state.word())]);
            super::command::run(&self.role, Operation::SetDeviceState, &line, b"").await.map(drop)
        })
    }
}
