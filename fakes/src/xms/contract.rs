//! Endpoint Management's contracts: what Secure Mail (through Secure Hub) calls to log on and
//! get its background services ticket, the STA the gateway validates tickets with, and the
//! control API a step reads tickets through. Routes, bodies and the typed client ([`XmsControl`]).
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/zdm/sta/ticket` | HTTP Basic as the user | [`TicketGrant`]: a ticket for the app's background services, valid for the expiration policy |
//! | `POST` | `/Scripts/CtxSTA.dll` | `CtxSTAProtocol` `RequestData` ([`super::sta`]) | `CtxSTAProtocol` `ResponseData` |
//! | `GET` | `/_mailconform/tickets` | | list of [`TicketRecord`]: every ticket issued, with its validations |
//! | `GET` | `/_mailconform/settings` | | [`XmsSettings`] |
//! | `PUT` | `/_mailconform/settings` | [`XmsSettings`] | [`XmsSettings`]: the app's background services and ticket expiration, from then on |

use crate::mdx::{ServiceAddress, DEFAULT_TICKET_HOURS};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};

/// Where Secure Hub asks for the background services ticket.
pub const TICKET_PATH: &str = "/zdm/sta/ticket";

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlOp {
    Tickets,
    Settings,
    PutSettings,
}

pub(crate) const CONTROL_ROUTES: Routes<ControlOp> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(ControlOp::Tickets, "GET", "/tickets"),
        Route::new(ControlOp::Settings, "GET", "/settings"),
        Route::new(ControlOp::PutSettings, "PUT", "/settings"),
    ],
);

/// A ticket handed to a user's app.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketGrant {
    /// What the app presents to the gateway: `STA<id>;<ticket>`.
    pub ticket: String,
    /// When it expires, in seconds since the Unix epoch (the run's clock).
    pub expires_unix: u64,
    /// The background services it opens.
    pub services: Vec<ServiceAddress>,
}

/// One ticket Endpoint Management issued, and what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRecord {
    /// The user it was issued to.
    pub user: String,
    /// Issued at, seconds since the Unix epoch.
    pub issued_unix: u64,
    /// Expires at, seconds since the Unix epoch.
    pub expires_unix: u64,
    /// Validations the STA answered with the ticket's values.
    pub validated: u32,
    /// Validations the STA refused because it had expired.
    pub refused_expired: u32,
}

/// The Secure Mail app's settings in Endpoint Management that tickets depend on.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct XmsSettings {
    /// "Background network services".
    #[serde(default)]
    pub background_services: Vec<ServiceAddress>,
    /// "Background services ticket expiration", hours.
    #[serde(default = "default_hours")]
    pub ticket_expiration_hours: u32,
}

fn default_hours() -> u32 {
    DEFAULT_TICKET_HOURS
}

impl Default for XmsSettings {
    fn default() -> Self {
        XmsSettings { background_services: Vec::new(), ticket_expiration_hours: DEFAULT_TICKET_HOURS }
    }
}

impl Body for XmsSettings {
    fn example() -> Self {
        XmsSettings { background_services: vec![ServiceAddress::new("mail.example.test", 443)], ticket_expiration_hours: 24 }
    }
}

/// Typed client of the control API.
#[derive(Clone)]
pub struct XmsControl(pub ControlClient);

impl XmsControl {
    /// Every ticket issued, oldest first.
    pub async fn tickets(&self) -> Result<Vec<TicketRecord>, ControlError> {
        self.0.get("/tickets").await
    }

    /// The settings tickets are issued with.
    pub async fn settings(&self) -> Result<XmsSettings, ControlError> {
        self.0.get("/settings").await
    }

    /// Changes the settings for the tickets issued from now on.
    pub async fn set_settings(&self, settings: &XmsSettings) -> Result<XmsSettings, ControlError> {
        self.0.put("/settings", settings).await
    }
}
