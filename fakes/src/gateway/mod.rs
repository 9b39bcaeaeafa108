//! NetScaler Gateway (Citrix Gateway) between Secure Mail and the internal network, as seed
//! 001 draws its three connection types: the app's **micro VPN**, a per-app tunnel opened
//! after the user logged on at the gateway, and **background services** reached with a ticket
//! of the Secure Ticket Authority (Endpoint Management) instead of a session.
//!
//! Tunnels are HTTP `CONNECT`s ([`contract`]); the gateway itself sits on both networks, so
//! it reaches the internal hosts a phone cannot ([`mailconform_sim::Hosting::outside_env`]).
//! TLS to the mail server runs inside the tunnel, end to end.

pub mod contract;

use crate::xms::sta::{self, StaRefusal};
use contract::{ControlOp, TunnelKind, TunnelRecord, CONTROL_ROUTES, LOGIN_PATH, SESSION_COOKIE, TICKET_HEADER};
use mailconform_sim::contract::reply;
use mailconform_sim::http::response;
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, RequestOptions, SharedHandler, TunnelFuture};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub use contract::GatewayControl;

/// How long the gateway waits for the STA or for the host a tunnel goes to.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(30);

/// How the gateway is set up.
#[derive(Clone, Debug)]
pub struct GatewayConfig {
    /// Its host (`gateway.example.test`).
    pub host: String,
    /// Users who log on: (login, password), the domain's.
    pub users: Vec<(String, String)>,
    /// The STA's URL (Endpoint Management's `/Scripts/CtxSTA.dll`).
    pub sta_url: String,
}

/// The gateway: logon sessions and the tunnels it opened.
pub(crate) struct Gateway {
    env: FakeEnv,
    config: GatewayConfig,
    /// Session cookie → user.
    sessions: Mutex<BTreeMap<String, String>>,
    journal: Mutex<Vec<TunnelRecord>>,
}

/// A `CONNECT` refused: its status and reason, for the client and the journal.
struct Refusal(u16, String);

impl Gateway {
    pub(crate) fn new(env: FakeEnv, config: GatewayConfig) -> Arc<Self> {
        Arc::new(Gateway { env, config, sessions: Mutex::default(), journal: Mutex::default() })
    }

    fn logon(&self, req: &Request) -> mailconform_sim::Response {
        let fields: BTreeMap<String, String> = form_urlencoded::parse(req.body()).into_owned().collect();
        let (Some(login), Some(password)) = (fields.get("login"), fields.get("passwd")) else {
            return response(400, "text/plain", "post the form fields login and passwd");
        };
        let Some((user, _)) = self.config.users.iter().find(|(u, p)| u.eq_ignore_ascii_case(login) && p == password) else {
            return response(401, "text/plain", "logon failed: unknown user name or wrong password");
        };
        let session = self.env.rng.hex(16);
        self.sessions.lock().expect("sessions poisoned").insert(session.clone(), user.clone());
        let mut r = response(200, "text/plain", "logged on");
        let cookie = format!("{SESSION_COOKIE}={session}; Path=/; Secure; HttpOnly");
        r.headers_mut().insert(http::header::SET_COOKIE, http::HeaderValue::from_str(&cookie).expect("a hex cookie is a header value"));
        r
    }

    fn session_user(&self, req: &Request) -> Option<String> {
        let cookies = req.headers().get_all(http::header::COOKIE);
        let sessions = self.sessions.lock().expect("sessions poisoned");
        cookies
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .filter_map(|c| c.trim().split_once('='))
            .find(|(name, _)| *name == SESSION_COOKIE)
            .and_then(|(_, value)| sessions.get(value).cloned())
    }

    /// Asks the STA about the ticket presented (`STA<id>;<ticket>`).
    async fn validate(&self, presented: &str) -> Result<sta::Validated, Refusal> {
        let id = presented.rsplit(';').next().unwrap_or(presented).trim();
        let req = http::Request::post(&self.config.sta_url)
            .header(http::header::CONTENT_TYPE, "text/xml")
            .body(bytes::Bytes::from(sta::validation_request(id)))
            .map_err(|e| Refusal(502, format!("the STA's URL {} is not usable: {e}", self.config.sta_url)))?;
        let opts = RequestOptions { timeout: UPSTREAM_TIMEOUT, ..Default::default() };
        let resp = self.env.http.send(req, &opts).await.map_err(|e| Refusal(502, format!("the STA did not answer: {e}")))?;
        if resp.status() != 200 {
            return Err(Refusal(502, format!("the STA answered HTTP {}", resp.status())));
        }
        sta::parse_validation_response(&String::from_utf8_lossy(resp.body())).map_err(|e| match e {
            StaRefusal::Malformed(_) => Refusal(502, e.to_string()),
            e => Refusal(407, format!("background services ticket refused: {e}")),
        })
    }

    /// Decides on a `CONNECT`: who asks, whether they may, and the far end.
    async fn open(&self, req: &Request) -> (TunnelKind, Option<String>, Result<mailconform_sim::BoxIo, Refusal>) {
        let target = req.uri().authority().map(|a| a.to_string()).unwrap_or_default();
        let Some((host, port)) = target.rsplit_once(':').and_then(|(h, p)| Some((h.to_string(), p.parse::<u16>().ok()?))) else {
            return (TunnelKind::Anonymous, None, Err(Refusal(400, format!("CONNECT needs host:port, not {target:?}"))));
        };
        let mut lifetime = None;
        let (kind, user) = if let Some(ticket) = req.headers().get(TICKET_HEADER).and_then(|v| v.to_str().ok()) {
            match self.validate(ticket).await {
                Ok(v) if !v.services.iter().any(|s| s.is(&host, port)) => {
                    let listed: Vec<String> = v.services.iter().map(ToString::to_string).collect();
                    let why = format!("{target} is not a background network service of this ticket ({})", listed.join(", "));
                    return (TunnelKind::Sta, Some(v.user), Err(Refusal(403, why)));
                }
                Ok(v) => {
                    lifetime = Some(Duration::from_secs(v.expires_unix.saturating_sub(self.env.clock.unix_secs())));
                    (TunnelKind::Sta, Some(v.user))
                }
                Err(refusal) => return (TunnelKind::Sta, None, Err(refusal)),
            }
        } else if let Some(user) = self.session_user(req) {
            (TunnelKind::MicroVpn, Some(user))
        } else {
            let why = format!("log on at {LOGIN_PATH} first, or present a background services ticket");
            return (TunnelKind::Anonymous, None, Err(Refusal(407, why)));
        };
        let far = tokio::time::timeout(UPSTREAM_TIMEOUT, self.env.http.open_stream(&host, port)).await;
        let far = match far {
            Ok(Ok(io)) => Ok(self.until(io, lifetime)),
            Ok(Err(e)) => Err(Refusal(502, format!("{target} did not answer the gateway: {e}"))),
            Err(_) => Err(Refusal(502, format!("{target} did not answer the gateway within {UPSTREAM_TIMEOUT:?}"))),
        };
        (kind, user, far)
    }

    /// The far end of a tunnel, cut when its ticket expires: a background connection lives no
    /// longer than the ticket it was opened with, so the next one presents the ticket again.
    fn until(&self, far: mailconform_sim::BoxIo, lifetime: Option<Duration>) -> mailconform_sim::BoxIo {
        let Some(lifetime) = lifetime else { return far };
        let (near, mut inner) = tokio::io::duplex(64 * 1024);
        let mut far = far;
        self.env.spawn(async move {
            let _ = tokio::time::timeout(lifetime, tokio::io::copy_bidirectional(&mut inner, &mut far)).await;
        });
        Box::new(near)
    }

    fn record(&self, target: String, kind: TunnelKind, user: Option<String>, outcome: &Result<mailconform_sim::BoxIo, Refusal>) {
        let (status, reason) = match outcome {
            Ok(_) => (200, String::new()),
            Err(Refusal(status, reason)) => (*status, reason.clone()),
        };
        let at_ms = self.env.clock.elapsed().as_millis() as u64;
        self.journal.lock().expect("journal poisoned").push(TunnelRecord { at_ms, target, kind, user, status, reason });
    }
}

impl SharedHandler for Gateway {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if CONTROL_ROUTES.covers(&path) {
                return match CONTROL_ROUTES.find(req.method().as_str(), &path) {
                    Ok((ControlOp::Tunnels, _)) => reply(200, &*self.journal.lock().expect("journal poisoned")),
                    Err(answer) => *answer,
                };
            }
            match (req.method().as_str(), path.as_str()) {
                ("POST", LOGIN_PATH) => self.logon(&req),
                _ => response(404, "text/plain", "the gateway serves its logon page at /cgi/login and tunnels by CONNECT"),
            }
        })
    }

    fn tunnels(&self) -> bool {
        true
    }

    fn connect(self: Arc<Self>, req: Request, _conn: ConnInfo) -> TunnelFuture {
        Box::pin(async move {
            let target = req.uri().authority().map(|a| a.to_string()).unwrap_or_default();
            let (kind, user, outcome) = self.open(&req).await;
            self.record(target, kind, user, &outcome);
            outcome.map_err(|Refusal(status, reason)| response(status, "text/plain", reason))
        })
    }
}
