//! Typed drivers: how steps act on a role whatever backs it.
//!
//! A role can be backed by an in-process fake, by a fake served in another process, or by a
//! real component at a URL ([`Backing`]). Steps never ask which: they call a driver trait
//! ([`HostFaults`], [`Mailboxes`], ...) and get either the answer or a typed
//! [`DriverError::NotSupported`] naming the operation and the backing that cannot perform it,
//! which a run reports as "not applicable" rather than as a pass or a failure.
//!
//! Fakes are driven over their control API in both of their backings (the in-process
//! simulation routes control calls over its management network), so one implementation serves
//! both; a real component's driver can only use what the component itself offers.

mod faults;
mod mailboxes;

pub use faults::{ControlFaults, GateFaults, HostFaults};
pub use mailboxes::Mailboxes;

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
    Served { control_url: String },
    /// A real component at `url`: only what its own protocols offer can be driven.
    Real { url: String },
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

/// An operation steps ask of a role, named for reports.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Operation {
    SetFault,
    ClearFaults,
    Deliver,
    MarkRead,
    ReadAll,
    Unread,
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
        })
    }
}

/// Why a driver call did not give its answer.
#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    /// The role's backing cannot do this; the scenario is not applicable to it.
    #[error("{operation} is not supported by {role}, backed by {backing}: {why}")]
    NotSupported { role: String, operation: Operation, backing: Backing, why: &'static str },
    /// The role is not in the deployment.
    #[error(transparent)]
    NoSuchRole(#[from] NoSuchRole),
    /// The control API refused or could not be reached.
    #[error(transparent)]
    Control(#[from] ControlError),
    /// The role answered, but not what its contract says (for instance a mailbox it does not have).
    #[error("{role} refused {operation}: {reason}")]
    Refused { role: String, operation: Operation, reason: String },
}

impl DriverError {
    /// Whether the scenario cannot apply to this backing (rather than having failed).
    pub fn is_not_applicable(&self) -> bool {
        matches!(self, DriverError::NotSupported { .. })
    }
}
