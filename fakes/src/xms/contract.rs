//! Endpoint Management's contracts: what Secure Mail (through Secure Hub) calls to log on and
//! get its background services ticket, the STA the gateway validates tickets with, and the
//! control API a step reads tickets through. Routes, bodies and the typed client ([`XmsControl`]).
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/zdm/app/policies` | HTTP Basic as the user | [`NetworkPolicies`]: the Secure Mail app's MDX network policies, as Secure Hub fetches them at logon |
//! | `POST` | `/zdm/sta/ticket` | HTTP Basic as the user | [`TicketGrant`]: a ticket for the app's background services, valid for the expiration policy |
//! | `POST` | `/Scripts/CtxSTA.dll` | `CtxSTAProtocol` `RequestData` ([`super::sta`]) | `CtxSTAProtocol` `ResponseData` |
//! | `GET` | `/_mailconform/tickets` | | list of [`TicketRecord`]: every ticket issued, with its validations |
//! | `GET` | `/_mailconform/policies` | | [`NetworkPolicies`]: the app's network policies |
//! | `PUT` | `/_mailconform/policies` | [`NetworkPolicies`] | [`NetworkPolicies`]: the administrator sets them; apps get them at their next logon, tickets are issued for them from then on |

use crate::mdx::{NetworkPolicies, ServiceAddress};
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, CONTROL_PREFIX};
use serde::{Deserialize, Serialize};

/// Where Secure Hub asks for the background services ticket.
pub const TICKET_PATH: &str = "/zdm/sta/ticket";
/// Where Secure Hub fetches the app's MDX network policies.
pub const POLICIES_PATH: &str = "/zdm/app/policies";

/// The operations of the control API, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ControlOp {
    Tickets,
    Policies,
    PutPolicies,
}

pub(crate) const CONTROL_ROUTES: Routes<ControlOp> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(ControlOp::Tickets, "GET", "/tickets"),
        Route::new(ControlOp::Policies, "GET", "/policies"),
        Route::new(ControlOp::PutPolicies, "PUT", "/policies"),
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

impl Body for NetworkPolicies {
    fn example() -> Self {
        NetworkPolicies::sta(ServiceAddress::new("mail.example.test", 443), ServiceAddress::new("gateway.example.test", 443))
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

    /// The app's network policies.
    pub async fn policies(&self) -> Result<NetworkPolicies, ControlError> {
        self.0.get("/policies").await
    }

    /// The administrator sets the app's network policies.
    pub async fn set_policies(&self, policies: &NetworkPolicies) -> Result<NetworkPolicies, ControlError> {
        self.0.put("/policies", policies).await
    }
}
