//! Citrix Endpoint Management (XenMobile Server) as Secure Mail's network policies need it:
//! when the app connects through NetScaler Gateway to a background service, "Endpoint
//! Management issues a token that Secure Mail uses to connect to the internal Exchange
//! server", valid for the "Background services ticket expiration" policy, after which "users
//! must log on again to generate a new token" (seed 001). Endpoint Management is the Secure
//! Ticket Authority the gateway validates those tickets with ([`sta`]).
//!
//! Tickets expire on the run's clock, so a simulation crosses 168 hours in no time.

pub mod contract;
pub mod sta;

use crate::mdx::NetworkPolicies;
use contract::{ControlOp, TicketGrant, TicketRecord, CONTROL_ROUTES, POLICIES_PATH, TICKET_PATH};
use mailconform_sim::contract::{error, parse, reply};
use mailconform_sim::http::response;
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, SharedHandler};
use sta::{StaRefusal, Validated, STA_PATH};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

pub use contract::XmsControl;

/// The STA's identifier, the prefix of every ticket it issues.
pub const STA_ID: &str = "STA0E1D2C3B4A59";

/// How Endpoint Management is set up.
#[derive(Clone, Debug)]
pub struct XmsConfig {
    /// Its host (`xms.example.test`).
    pub host: String,
    /// Users who log on: (login, password).
    pub users: Vec<(String, String)>,
    /// The Secure Mail app's MDX network policies: what the app gets at logon, and the
    /// background services and expiration of its tickets.
    pub policies: NetworkPolicies,
}

/// One ticket, as the STA keeps it.
struct Ticket {
    record: TicketRecord,
    services: Vec<crate::mdx::ServiceAddress>,
}

/// Endpoint Management and its STA.
pub(crate) struct Xms {
    env: FakeEnv,
    config: XmsConfig,
    policies: Mutex<NetworkPolicies>,
    tickets: Mutex<BTreeMap<String, Ticket>>,
    /// Ticket IDs in the order issued.
    order: Mutex<Vec<String>>,
}

impl Xms {
    pub(crate) fn new(env: FakeEnv, config: XmsConfig) -> Arc<Self> {
        let policies = Mutex::new(config.policies.clone());
        Arc::new(Xms { env, config, policies, tickets: Mutex::default(), order: Mutex::default() })
    }

    fn user(&self, req: &Request) -> Option<String> {
        let (user, password) = crate::basic_auth::credentials(req)?;
        self.config.users.iter().find(|(u, p)| u.eq_ignore_ascii_case(&user) && *p == password).map(|(u, _)| u.clone())
    }

    /// A new ticket for `user`, valid for the expiration policy from now.
    fn issue(&self, user: String) -> TicketGrant {
        let policies = self.policies.lock().expect("policies poisoned").clone();
        let now = self.env.clock.unix_secs();
        let expires_unix = now + u64::from(policies.ticket_expiration_hours) * 3600;
        let id = self.env.rng.hex(16).to_ascii_uppercase();
        let record = TicketRecord { user, issued_unix: now, expires_unix, validated: 0, refused_expired: 0 };
        let ticket = Ticket { record, services: policies.background_services.clone() };
        self.tickets.lock().expect("tickets poisoned").insert(id.clone(), ticket);
        self.order.lock().expect("order poisoned").push(id.clone());
        TicketGrant { ticket: format!("{STA_ID};{id}"), expires_unix, services: policies.background_services }
    }

    /// The STA's verdict on `id`: valid until its expiry, to the second.
    fn validate(&self, id: &str) -> Result<Validated, StaRefusal> {
        let now = self.env.clock.unix_secs();
        let mut tickets = self.tickets.lock().expect("tickets poisoned");
        let t = tickets.get_mut(id).ok_or(StaRefusal::Unknown)?;
        if now >= t.record.expires_unix {
            t.record.refused_expired += 1;
            return Err(StaRefusal::Expired);
        }
        t.record.validated += 1;
        Ok(Validated { user: t.record.user.clone(), services: t.services.clone(), expires_unix: t.record.expires_unix })
    }

    fn control(&self, op: ControlOp, body: &[u8]) -> mailconform_sim::Response {
        match op {
            ControlOp::Tickets => {
                let tickets = self.tickets.lock().expect("tickets poisoned");
                let list: Vec<TicketRecord> =
                    self.order.lock().expect("order poisoned").iter().filter_map(|id| tickets.get(id)).map(|t| t.record.clone()).collect();
                reply(200, &list)
            }
            ControlOp::Policies => reply(200, &*self.policies.lock().expect("policies poisoned")),
            ControlOp::PutPolicies => match parse::<NetworkPolicies>(body) {
                Ok(p) if p.ticket_expiration_hours == 0 => error(400, "ticket_expiration_hours must be at least 1"),
                Ok(p) => {
                    *self.policies.lock().expect("policies poisoned") = p.clone();
                    reply(200, &p)
                }
                Err(answer) => *answer,
            },
        }
    }
}

/// The answer to a request without a domain user's credentials.
fn unauthorized() -> mailconform_sim::Response {
    let mut r = response(401, "text/plain", "log on with your domain user name and password");
    r.headers_mut().insert("www-authenticate", http::HeaderValue::from_static("Basic realm=\"Endpoint Management\""));
    r
}

impl SharedHandler for Xms {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if CONTROL_ROUTES.covers(&path) {
                return match CONTROL_ROUTES.find(req.method().as_str(), &path) {
                    Ok((op, _)) => self.control(op, req.body()),
                    Err(answer) => *answer,
                };
            }
            match (req.method().as_str(), path.as_str()) {
                ("GET", POLICIES_PATH) => match self.user(&req) {
                    Some(_) => reply(200, &*self.policies.lock().expect("policies poisoned")),
                    None => unauthorized(),
                },
                ("POST", TICKET_PATH) => match self.user(&req) {
                    Some(user) => reply(200, &self.issue(user)),
                    None => unauthorized(),
                },
                ("POST", p) if p.eq_ignore_ascii_case(STA_PATH) => {
                    let outcome = sta::parse_validation_request(&String::from_utf8_lossy(req.body())).and_then(|id| self.validate(&id));
                    match outcome {
                        Err(StaRefusal::Malformed(why)) => response(400, "text/plain", format!("not a CtxSTAProtocol request: {why}")),
                        outcome => response(200, "text/xml", sta::validation_response(&outcome)),
                    }
                }
                _ => response(
                    404,
                    "text/plain",
                    "Endpoint Management serves /zdm/app/policies, /zdm/sta/ticket and the STA at /Scripts/CtxSTA.dll",
                ),
            }
        })
    }
}
