//! The client's one error type. It separates the failures a device simulator reacts to
//! differently: an HTTP status (401, 449, 451, 503 …), a server that answers a login page
//! instead of ActiveSync (Domino forms authentication), a body that is not WBXML, and a
//! command Status.

use crate::http::{Command, RequestError};
use crate::status::common;
use mailconform_sim::SimError;

fn status_name(status: u16) -> String {
    common::name(status).map(|n| format!(" ({n})")).unwrap_or_default()
}

/// What was sent: a command, or OPTIONS (`None`).
fn what(command: &Option<Command>) -> &'static str {
    command.map(Command::name).unwrap_or("OPTIONS")
}

/// Why a client command did not succeed: transport, HTTP status, a non-ActiveSync answer,
/// a command Status, or the device's own state (wiped, policy not applicable).
#[derive(Debug, thiserror::Error)]
pub enum EasError {
    /// The request did not get an HTTP answer (refused, timed out, TLS).
    #[error(transparent)]
    Transport(#[from] SimError),
    /// An HTTP status other than 200.
    #[error("{}: HTTP {status}", what(command))]
    Http {
        /// `None` for OPTIONS.
        command: Option<Command>,
        /// The HTTP status (401, 403, 449, 451, 456, 503, ...; [MS-ASHTTP] 2.2.2.1.1).
        status: u16,
        /// `Retry-After` of a 503.
        retry_after: Option<String>,
        /// `X-MS-Location` of a 451.
        location: Option<String>,
    },
    /// An HTML page (typically a forms-login page) answered with success, or a redirect to a
    /// login page, where ActiveSync was expected: what an EAS client meets when a Domino server
    /// has session authentication on its path. An error status with an HTML body is [`EasError::Http`].
    #[error(
        "{}: the server answered an HTML page (HTTP {status}) instead of ActiveSync, a forms login rather than a Basic challenge",
        what(command)
    )]
    LoginForm {
        /// `None` for OPTIONS.
        command: Option<Command>,
        /// The HTTP status of the HTML answer (200 or a redirect).
        status: u16,
        /// The redirect's `Location`, when the answer was one.
        location: Option<String>,
    },
    /// A 200 whose body is not ActiveSync WBXML.
    #[error("{}: the answer is not ActiveSync WBXML (content type {content_type:?}): {reason}", what(command))]
    NotWbxml {
        /// `None` for OPTIONS.
        command: Option<Command>,
        /// The answer's `Content-Type`, when sent.
        content_type: Option<String>,
        /// Why the body is not ActiveSync WBXML.
        reason: String,
    },
    /// A command Status other than success.
    #[error("{command}: Status {status}{}", status_name(*status))]
    Status {
        /// The command answered.
        command: Command,
        /// The Status value (see [`crate::status`] for its meaning in that command).
        status: u16,
    },
    /// A WBXML answer that lacks what the command's answer must hold.
    #[error("{command}: {reason}")]
    Protocol {
        /// The command answered.
        command: Command,
        /// What is missing or wrong in the answer.
        reason: String,
    },
    /// The server's policy demands settings this device cannot enforce, and the server does
    /// not accept devices that apply its policy only in part (Provision Status 139).
    #[error("Provision: the server's device policy requires {}, which this device cannot apply, and the server refuses devices that cannot fully apply its policy (Status 139)", settings.join(", "))]
    PolicyNotApplicable {
        /// The `EASProvisionDoc` elements the device cannot enforce.
        settings: Vec<String>,
    },
    /// The server ordered a remote wipe and the device carried it out.
    #[error("the device was remote-wiped")]
    Wiped,
    /// The request could not be built.
    #[error(transparent)]
    Request(#[from] RequestError),
}

impl EasError {
    /// The HTTP status, when the failure is one.
    pub fn http_status(&self) -> Option<u16> {
        match self {
            EasError::Http { status, .. } | EasError::LoginForm { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The command Status, when the failure is one.
    pub fn command_status(&self) -> Option<u16> {
        match self {
            EasError::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// Whether the server asked for (re-)provisioning: HTTP 449 or Status 139–144.
    pub fn needs_provisioning(&self) -> bool {
        self.http_status() == Some(crate::http::code::NEEDS_PROVISIONING)
            || self.command_status().is_some_and(|s| common::PROVISIONING.contains(&s))
    }
}
