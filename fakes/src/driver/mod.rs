//! Typed drivers: how steps act on a role whatever backs it.
//!
//! A role can be backed by an in-process fake, by a fake served in another process, or by a
//! real component at a URL ([`Backing`]). Steps never ask which: they call a driver trait
//! ([`HostFaults`], [`Mailboxes`], [`CertificateAuthority`], [`PushDevices`], [`PushSubscriptions`], [`Registrations`], [`DeviceManagement`],
//! [`Traffic`], [`Lifecycle`], [`TravelerAdministration`]) and get either the answer or a typed
//! [`DriverError::NotSupported`] naming the operation and the backing that cannot perform it,
//! which a run reports as "not applicable" rather than as a pass or a failure.
//!
//! Fakes are driven over their control API in both of their backings (the in-process
//! simulation routes control calls over its management network), so one implementation serves
//! both; a real component's driver can only use what the component itself offers.

mod authority;
mod command;
mod console;
mod devices;
mod eas_reader;
mod ews_adapter;
mod faults;
mod journal;
mod lifecycle;
mod mailboxes;
mod phones;
mod push;
mod real;
mod registrations;
mod traveler;

pub use authority::{CertificateAuthority, RealAuthority, RealDirectory};
pub use command::access_token;
pub use console::{Console, RealConsole};
pub use devices::DeviceManagement;
pub use eas_reader::EasReader;
pub use ews_adapter::{EwsAccount, EwsAdapter};
pub use faults::{mend_all, network_command, ControlFaults, GateFaults, HostFaults, NetworkFaults, OutsideFaults, NETWORK_COMMAND_TIMEOUT};
pub use journal::Traffic;
pub use lifecycle::{ForeignLifecycle, Lifecycle};
pub use mailboxes::Mailboxes;
pub use phones::PushDevices;
pub use push::{ObservedPushes, PushSubscriptions};
pub use real::{CommandAdapter, RealComponent, SendMailFrom, COMMAND_TIMEOUT};
pub use registrations::{RealListener, Registrations};
pub use traveler::TravelerAdministration;

use mailconform_sim::{ControlError, NoSuchRole};
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// A driver call in flight.
pub type DriverFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, DriverError>> + Send + 'a>>;

/// What backs a role.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Backing {
    /// A fake inside this process's simulation (virtual clock).
    InProcess,
    /// A fake served by `mailconform serve` (or another process), reached at its control URL.
    Served {
        /// Base of the fake's control API (`…/_mailconform`).
        control_url: String,
    },
    /// A real component at `url`: only what its own protocols offer can be driven.
    Real {
        /// Where the component serves its protocol.
        url: String,
    },
}

impl fmt::Display for Backing {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Backing::InProcess => write!(f, "an in-process fake"),
            Backing::Served { control_url } => write!(f, "a served fake at {control_url}"),
            Backing::Real { url } => write!(f, "a real component at {url}"),
        }
    }
}

/// An operation steps ask of a role, named for reports (a "not applicable" line names it).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    /// [`HostFaults::set`].
    SetFault,
    /// [`HostFaults::clear`].
    ClearFaults,
    /// [`Mailboxes::deliver`].
    Deliver,
    /// [`Mailboxes::mark_read`].
    MarkRead,
    /// [`Mailboxes::read_all`].
    ReadAll,
    /// [`Mailboxes::unread`].
    Unread,
    /// [`Mailboxes::add_note`] and [`Mailboxes::add_task`].
    AddItem,
    /// [`PushSubscriptions::subscriptions`].
    ReadSubscriptions,
    /// [`PushSubscriptions::deliveries`].
    ReadDeliveries,
    /// [`Traffic`]'s journals.
    ReadRequests,
    /// [`DeviceManagement::partnerships`].
    ReadPartnerships,
    /// [`DeviceManagement::set_policy`].
    SetDevicePolicy,
    /// [`DeviceManagement::wipe`].
    Wipe,
    /// [`Registrations::state`].
    ReadRegistrations,
    /// [`Registrations::pushes`].
    ReadPushes,
    /// [`Registrations::forget`].
    ForgetRegistration,
    /// [`Registrations::register`].
    Register,
    /// [`Lifecycle::restart`].
    Restart,
    /// Changing a server's own configuration ([`TravelerAdministration`]'s settings).
    Configure,
    /// Reading what a server holds in a mailbox folder ([`TravelerAdministration::folder`]).
    ReadFolder,
    /// Reading a user's certificates in the directory ([`CertificateAuthority::entry`]).
    ReadDirectory,
    /// Changing a user's certificates in the directory ([`CertificateAuthority::publish`]).
    WriteDirectory,
    /// Reading what reached a phone ([`PushDevices::delivered`]).
    ReadPhone,
    /// Removing an app from a phone ([`PushDevices::uninstall`]).
    RemoveApp,
    /// Setting a device's compliance state in the console ([`Console::set_state`]).
    SetDeviceState,
    /// Signing a user in at an identity provider ([`access_token`]).
    SignIn,
}

impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Operation::SetFault => "injecting a network fault",
            Operation::ClearFaults => "lifting network faults",
            Operation::Deliver => "delivering a message",
            Operation::MarkRead => "changing a message's read state",
            Operation::ReadAll => "marking a mailbox read",
            Operation::Unread => "reading a mailbox's unread count",
            Operation::AddItem => "adding a note or a task to a mailbox",
            Operation::ReadSubscriptions => "reading the server's push subscriptions",
            Operation::ReadDeliveries => "reading the notifications the server sent",
            Operation::ReadRequests => "reading the requests the server received",
            Operation::ReadPartnerships => "reading the server's ActiveSync partnerships",
            Operation::SetDevicePolicy => "changing the device policy",
            Operation::Wipe => "requesting a remote wipe",
            Operation::ReadRegistrations => "reading the listener's registrations",
            Operation::ReadPushes => "reading the pushes the listener sent",
            Operation::ForgetRegistration => "deleting a registration",
            Operation::Register => "registering a device",
            Operation::Restart => "restarting the role",
            Operation::Configure => "changing the server's configuration",
            Operation::ReadFolder => "reading a mailbox folder on the server",
            Operation::ReadDirectory => "reading a user's certificates in the directory",
            Operation::WriteDirectory => "changing a user's certificates in the directory",
            Operation::ReadPhone => "reading what reached a phone",
            Operation::RemoveApp => "removing an app from a phone",
            Operation::SetDeviceState => "setting a device's state in the console",
            Operation::SignIn => "signing a user in at the identity provider",
        })
    }
}

/// Why a driver call did not give its answer.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The role's backing cannot do this; the scenario is not applicable to it.
    #[error("{operation} is not supported by {role}, backed by {backing}: {why}")]
    NotSupported {
        /// The role asked.
        role: String,
        /// What was asked of it.
        operation: Operation,
        /// What backs the role.
        backing: Backing,
        /// Why that backing cannot do it, for the report's "not applicable" line.
        why: &'static str,
    },
    /// The role is not in the deployment.
    #[error(transparent)]
    NoSuchRole(#[from] NoSuchRole),
    /// The control API refused or could not be reached.
    #[error(transparent)]
    Control(#[from] ControlError),
    /// The role answered, but not what its contract says (for instance a mailbox it does not have).
    #[error("{role} refused {operation}: {reason}")]
    Refused {
        /// The role asked.
        role: String,
        /// What was asked of it.
        operation: Operation,
        /// The role's own words.
        reason: String,
    },
}

impl DriverError {
    /// Whether the scenario cannot apply to this backing (rather than having failed).
    pub fn is_not_applicable(&self) -> bool {
        matches!(self, DriverError::NotSupported { .. })
    }
}

/// What the drivers' tests share: a real component with no server behind it, and a runtime.
#[cfg(test)]
pub(crate) mod test_support {
    use super::{CommandAdapter, RealComponent};

    /// `role` backed by a "real component" at `url`, with `deliver_mail` as its adapter command.
    pub(crate) fn real_component(role: &str, url: &str, deliver_mail: Option<&str>) -> RealComponent {
        RealComponent {
            role: role.into(),
            url: url.into(),
            adapter: CommandAdapter { deliver_mail: deliver_mail.map(str::to_string), ..CommandAdapter::default() },
            sender: None,
            ews: None,
            eas_reader: None,
        }
    }

    /// Runs `f` on a runtime of its own (real clock).
    pub(crate) fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(f)
    }
}
