//! The contract of the KDC host (`kdc.example.test`): its ticket API, which a served gateway
//! calls the way it would ask a domain controller, and its control API. Routes, bodies and
//! the typed clients.
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `POST` | `/kdc/v1/ticket` | [`TicketRequest`] | [`KdcTicket`] |
//! | `POST` | `/kdc/v1/s4u` | [`S4uRequest`] | [`KdcTicket`]: a ticket for `user` to `target` (constrained delegation) |
//! | `GET` | `/_mailconform/principals` | | [`Principals`]: realm, users, services with their delegation lists |
//! | `POST` | `/_mailconform/users` | [`NewUser`] | 201 [`UserAdded`] |
//! | `POST` | `/_mailconform/services` | [`NewService`] | 201 [`Delegation`] |
//! | `PUT` | `/_mailconform/services/{class}/{host}/delegation` | [`DelegationChange`] | [`Delegation`]: the service `{class}/{host}`'s new list |
//! | `GET` | `/_mailconform/issued` | query `after`, `limit` ([`PageQuery`]) | [`IssuedPage`]: the tickets issued after `after` (the newest 10,000 are kept) |
//!
//! The ticket API refuses with [`KdcErrorBody`] `{"error": <Kerberos error name>, "message"}`:
//! 401 KDC_ERR_PREAUTH_FAILED, 404 KDC_ERR_S_PRINCIPAL_UNKNOWN, 403 KDC_ERR_BADOPTION
//! (delegation not allowed). A body that does not parse is refused with 400 and an example
//! of the expected one.

use crate::kerberos::IssueRecord;
use mailconform_sim::contract::{Body, Route, Routes};
use mailconform_sim::{ControlClient, ControlError, Page, CONTROL_PREFIX};

pub use mailconform_sim::PageQuery;

/// A page of the KDC's journal of issued tickets.
pub type IssuedPage = Page<IssueRecord>;
use serde::{Deserialize, Serialize};

/// The operations of both APIs, one per route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Op {
    Ticket,
    S4u,
    Principals,
    AddUser,
    AddService,
    SetDelegation,
    Issued,
}

/// Where the ticket API lives.
pub const API_PREFIX: &str = "/kdc/v1";

pub(crate) const API_ROUTES: Routes<Op> =
    Routes::new(API_PREFIX, &[Route::new(Op::Ticket, "POST", "/ticket"), Route::new(Op::S4u, "POST", "/s4u")]);

pub(crate) const CONTROL_ROUTES: Routes<Op> = Routes::new(
    CONTROL_PREFIX,
    &[
        Route::new(Op::Principals, "GET", "/principals"),
        Route::new(Op::AddUser, "POST", "/users"),
        Route::new(Op::AddService, "POST", "/services"),
        // SPNs contain a slash: the route is services/<service class>/<host>/delegation.
        Route::new(Op::SetDelegation, "PUT", "/services/{class}/{host}/delegation"),
        Route::new(Op::Issued, "GET", "/issued"),
    ],
);

/// A ticket for `client` (with its password) to `service`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketRequest {
    /// The user's UPN.
    pub client: String,
    /// The user's password (the fake's stand-in for AS-REQ pre-authentication).
    pub password: String,
    /// The SPN of the service the ticket is for.
    pub service: String,
}

/// Constrained delegation: `service` (with its password) asks for a ticket for `user` to `target`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct S4uRequest {
    /// The delegating service's SPN (SEG's `HTTP/seg.example.test`).
    pub service: String,
    /// The delegating service account's password.
    pub password: String,
    /// The UPN of the user it acts for (S4U2Self, [MS-SFU] 3.2.5.1).
    pub user: String,
    /// The SPN it wants a ticket to (S4U2Proxy, [MS-SFU] 3.2.5.2).
    pub target: String,
}

/// An issued ticket and the forms it is sent in.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdcTicket {
    /// The client principal the ticket names.
    pub client: String,
    /// The SPN the ticket is for.
    pub service: String,
    /// The ticket's endtime (unix seconds).
    pub end_time: u64,
    /// The delegating service's SPN for an S4U ticket, absent otherwise.
    pub delegated_by: Option<String>,
    /// The whole `Authorization` header value (`Negotiate YI…`).
    pub authorization: String,
    /// The SPNEGO token, base64.
    pub negotiate: String,
    /// The AP-REQ alone, base64.
    pub ticket: String,
}

/// A refusal of the ticket API, named as Kerberos names it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct KdcErrorBody {
    /// `KDC_ERR_PREAUTH_FAILED`, `KDC_ERR_S_PRINCIPAL_UNKNOWN`, `KDC_ERR_BADOPTION`, ...
    pub error: String,
    /// The refusal in words, with what to change.
    pub message: String,
}

/// Everyone the KDC knows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Principals {
    /// The KDC's realm, upper case.
    pub realm: String,
    /// User principal names.
    pub users: Vec<String>,
    /// Every service account with its allowed-to-delegate list.
    pub services: Vec<Delegation>,
}

/// A user account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// The user's UPN, e.g. `alice@example.test`.
    pub upn: String,
    /// The password the user will prove.
    pub password: String,
}

/// A user account the KDC took.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserAdded {
    /// The UPN as registered.
    pub upn: String,
}

/// A service account and the services it may obtain tickets to on a user's behalf.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewService {
    /// The service principal name, e.g. `HTTP/seg.example.test`.
    pub spn: String,
    /// The service account's password, from which its key is derived.
    pub password: String,
    /// msDS-AllowedToDelegateTo: SPNs it may obtain tickets to by S4U2Proxy; empty when absent.
    #[serde(default)]
    pub allowed_to_delegate: Vec<String>,
}

/// A new allowed-to-delegate list for a service account.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DelegationChange {
    /// The whole new msDS-AllowedToDelegateTo list (an empty list stops all delegation).
    pub allowed_to_delegate: Vec<String>,
}

/// A service account and its allowed-to-delegate list.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Delegation {
    /// The service account's SPN.
    pub spn: String,
    /// Its msDS-AllowedToDelegateTo list.
    pub allowed_to_delegate: Vec<String>,
}

impl Body for TicketRequest {
    fn example() -> Self {
        TicketRequest { client: "alice@example.test".into(), password: "alice-pw".into(), service: "HTTP/mail.example.test".into() }
    }
}

impl Body for S4uRequest {
    fn example() -> Self {
        S4uRequest {
            service: "HTTP/seg.example.test".into(),
            password: "seg-pw".into(),
            user: "alice@example.test".into(),
            target: "HTTP/mail.example.test".into(),
        }
    }
}

impl Body for KdcTicket {
    fn example() -> Self {
        KdcTicket {
            client: "alice@example.test".into(),
            service: "HTTP/mail.example.test".into(),
            end_time: 1_767_636_000,
            delegated_by: Some("HTTP/seg.example.test".into()),
            authorization: "Negotiate YIIB...".into(),
            negotiate: "YIIB...".into(),
            ticket: "boIB...".into(),
        }
    }
}

impl Body for KdcErrorBody {
    fn example() -> Self {
        KdcErrorBody {
            error: "KDC_ERR_BADOPTION".into(),
            message: "HTTP/seg.example.test may not delegate to HTTP/mail.example.test".into(),
        }
    }
}

impl Body for Principals {
    fn example() -> Self {
        Principals { realm: "EXAMPLE.TEST".into(), users: vec!["alice@example.test".into()], services: vec![Delegation::example()] }
    }
}

impl Body for NewUser {
    fn example() -> Self {
        NewUser { upn: "alice@example.test".into(), password: "alice-pw".into() }
    }
}

impl Body for UserAdded {
    fn example() -> Self {
        UserAdded { upn: "alice@example.test".into() }
    }
}

impl Body for NewService {
    fn example() -> Self {
        NewService {
            spn: "HTTP/seg.example.test".into(),
            password: "seg-pw".into(),
            allowed_to_delegate: vec!["HTTP/mail.example.test".into()],
        }
    }
}

impl Body for DelegationChange {
    fn example() -> Self {
        DelegationChange { allowed_to_delegate: vec!["HTTP/mail.example.test".into()] }
    }
}

impl Body for Delegation {
    fn example() -> Self {
        Delegation { spn: "HTTP/seg.example.test".into(), allowed_to_delegate: vec!["HTTP/mail.example.test".into()] }
    }
}

impl Body for IssueRecord {
    fn example() -> Self {
        IssueRecord {
            at: 1_767_600_000,
            client: "alice@example.test".into(),
            service: "HTTP/mail.example.test".into(),
            delegated_by: Some("HTTP/seg.example.test".into()),
            end_time: 1_767_636_000,
        }
    }
}

/// Typed client of the KDC's control API, for steps.
#[derive(Clone)]
pub struct KdcControl(pub ControlClient);

impl KdcControl {
    /// `GET /principals`.
    pub async fn principals(&self) -> Result<Principals, ControlError> {
        self.0.get("/principals").await
    }
    /// `POST /users`.
    pub async fn add_user(&self, upn: &str, password: &str) -> Result<UserAdded, ControlError> {
        self.0.post("/users", &NewUser { upn: upn.into(), password: password.into() }).await
    }
    /// `POST /services`.
    pub async fn add_service(&self, spn: &str, password: &str, allowed_to_delegate: &[&str]) -> Result<Delegation, ControlError> {
        let service = NewService {
            spn: spn.into(),
            password: password.into(),
            allowed_to_delegate: allowed_to_delegate.iter().map(|s| s.to_string()).collect(),
        };
        self.0.post("/services", &service).await
    }
    /// `PUT /services/{spn}/delegation`: replaces the service's list.
    pub async fn set_delegation(&self, spn: &str, targets: &[&str]) -> Result<Delegation, ControlError> {
        let change = DelegationChange { allowed_to_delegate: targets.iter().map(|s| s.to_string()).collect() };
        self.0.put(&format!("/services/{spn}/delegation"), &change).await
    }
    /// `GET /issued`.
    pub async fn issued(&self) -> Result<Vec<IssueRecord>, ControlError> {
        self.0.get_journal("/issued").await
    }
}

/// Typed client of the ticket API, for fakes that need tickets: build it with
/// `ControlClient::new(http, "<kdc base url>/kdc/v1")`. Answers the `Authorization` header
/// value to send.
#[derive(Clone)]
pub struct KdcClient(pub ControlClient);

impl KdcClient {
    /// `POST /ticket`: a ticket for `client` to `service`, as its `Authorization` value.
    pub async fn ticket(&self, client: &str, password: &str, service: &str) -> Result<String, ControlError> {
        let request = TicketRequest { client: client.into(), password: password.into(), service: service.into() };
        let t: KdcTicket = self.0.post("/ticket", &request).await?;
        Ok(t.authorization)
    }

    /// Constrained delegation: `service` obtains a ticket for `user` to `target`.
    pub async fn s4u(&self, service: &str, password: &str, user: &str, target: &str) -> Result<String, ControlError> {
        let request = S4uRequest { service: service.into(), password: password.into(), user: user.into(), target: target.into() };
        let t: KdcTicket = self.0.post("/s4u", &request).await?;
        Ok(t.authorization)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mailconform_sim::contract::{check_documented, check_round_trip};

    #[test]
    fn every_body_survives_json() {
        check_round_trip::<TicketRequest>();
        check_round_trip::<S4uRequest>();
        check_round_trip::<KdcTicket>();
        check_round_trip::<KdcErrorBody>();
        check_round_trip::<Principals>();
        check_round_trip::<NewUser>();
        check_round_trip::<UserAdded>();
        check_round_trip::<NewService>();
        check_round_trip::<DelegationChange>();
        check_round_trip::<Delegation>();
        check_round_trip::<IssueRecord>();
        check_round_trip::<IssuedPage>();
    }

    #[tokio::test]
    async fn every_documented_route_reaches_the_handler() {
        use mailconform_sim::Handler;
        let kdc = crate::kerberos::Kdc::new(
            crate::kerberos::DEFAULT_REALM,
            mailconform_sim::Clock::simulated(),
            mailconform_sim::SeededRng::new(3),
        );
        let server = super::super::KdcServer(std::sync::Arc::new(kdc));
        mailconform_sim::contract::check_served(include_str!("contract.rs"), |req| {
            server.handle(req, mailconform_sim::ConnInfo::default())
        })
        .await;
    }

    #[test]
    fn the_route_table_is_the_one_served() {
        check_documented(include_str!("contract.rs"), &[API_ROUTES.listing(), CONTROL_ROUTES.listing()]);
    }
}
