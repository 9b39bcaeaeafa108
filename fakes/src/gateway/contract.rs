//! NetScaler Gateway's contracts: the logon page Secure Hub posts to, the tunnels it opens
//! (HTTP `CONNECT`, RFC 9110 9.3.6), and the control API a step reads the tunnels through.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/cgi/login` | form: `login`, `passwd` | `200` with `Set-Cookie: NSC_AAAC=<session>`, or `401` |
//! | `CONNECT` | `host:port` | `Cookie: NSC_AAAC=<session>` (micro VPN) or `X-Citrix-STA-Ticket: STA<id>;<ticket>` (background services) | `200` and the tunnel; `407` without a session or with a ticket the STA refuses; `403` for a service the ticket does not open; `502` when the host does not answer |
//! | `GET` | `/_mailconform/tunnels` | | list of [`TunnelRecord`]: every `CONNECT`, opened or refused |
//!
//! How a background connection carries its ticket through NetScaler Gateway is not public; a
//! header on the `CONNECT` is this project's choice, the ticket itself is the STA's.

use mailconform_sim::contract::{Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};

/// Where Secure Hub logs on.
pub const LOGIN_PATH: &str = "/cgi/login";
/// The session cookie the gateway sets at logon.
pub const SESSION_COOKIE: &str = "NSC_AAAC";
/// The header a background connection presents its ticket in.
pub const TICKET_HEADER: &str = "x-citrix-sta-ticket";

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlOp {
    Tunnels,
}

pub(crate) const CONTROL_ROUTES: Routes<ControlOp> = Routes::new(CONTROL_PREFIX, &[Route::new(ControlOp::Tunnels, "GET", "/tunnels")]);

/// How a tunnel was asked for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TunnelKind {
    /// The app's micro VPN, on its logon session.
    MicroVpn,
    /// A background service, on its STA ticket.
    Sta,
    /// Neither a session nor a ticket.
    Anonymous,
}

/// One `CONNECT` the gateway answered.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TunnelRecord {
    /// Virtual milliseconds since the run started.
    pub at_ms: u64,
    /// The `host:port` asked for.
    pub target: String,
    /// Session or ticket.
    pub kind: TunnelKind,
    /// The user of the session or ticket, when known.
    pub user: Option<String>,
    /// `200` when opened, else the refusal's status.
    pub status: u16,
    /// Why it was refused (empty when opened).
    pub reason: String,
}

/// Typed client of the control API.
#[derive(Clone)]
pub struct GatewayControl(pub ControlClient);

impl GatewayControl {
    /// Every tunnel asked for, oldest first.
    pub async fn tunnels(&self) -> Result<Vec<TunnelRecord>, ControlError> {
        self.0.get("/tunnels").await
    }
}
