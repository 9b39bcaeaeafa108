//! Where Secure Mail's connections go under its MDX network policies (seed 001): straight to
//! the host, through the gateway's micro VPN on the user's logon session, through the
//! background gateway on the STA ticket Endpoint Management issued, or nowhere.
//!
//! Every connection the app opens (ActiveSync, EWS, the listener, LDAP) goes through
//! [`Routed`], a [`Dialer`] the app's HTTP client is built on; TLS to the host then runs end to
//! end inside whatever tunnel carries it. The user logs on (Secure Hub's logon) before the
//! first connection and again when asked to: the app then gets its policies from Endpoint
//! Management, a micro VPN session at the gateway and a ticket as the policies need. A ticket
//! is never renewed behind the user's back, so once it expires background connections fail
//! until they log on again; a policy changed in Endpoint Management takes effect at that logon.

use super::eas::Platform;
use crate::gateway::contract::{LOGIN_PATH, SESSION_COOKIE, TICKET_HEADER};
use crate::mdx::{Effective, NetworkAccess, NetworkPolicies, Route, ServiceAddress};
use crate::xms::contract::{TicketGrant, POLICIES_PATH, TICKET_PATH};
use mailconform_sim::{BoxIo, DialFuture, Dialer, HttpClient, RequestOptions, SimError};
use serde::{Deserialize, Serialize};
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// How long a logon at the gateway or at Endpoint Management may take.
const LOGON_TIMEOUT: Duration = Duration::from_secs(30);

/// Where the phone is enrolled: the servers that give the app its policies and carry its
/// tunnels. The policies themselves come from Endpoint Management at logon.
#[derive(Clone, Debug)]
pub struct NetworkSetup {
    /// The gateway the micro VPN goes through (the one the device enrolled through).
    pub gateway: ServiceAddress,
    /// Endpoint Management's base URL (`https://xms.example.test`): policies and tickets.
    pub endpoint_management: String,
}

/// One connection the app opened, and how.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionRecord {
    /// `host:port`.
    pub target: String,
    /// The route its policies gave it.
    #[serde(flatten)]
    pub route: Route,
    /// The user was asked to authenticate for it.
    pub prompted: bool,
    /// Why it failed, when it did.
    pub error: Option<String>,
}

/// What the app's network shows: published in the device's state under `network`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkView {
    /// The network access in effect; `None` without MDX network policies (a plain phone).
    pub access: Option<NetworkAccess>,
    /// Every connection, oldest first.
    pub connections: Vec<ConnectionRecord>,
    /// Times the user logged on (at the gateway and Endpoint Management).
    pub logons: u32,
    /// Times the user was asked to authenticate for one connection.
    pub auth_prompts: u32,
    /// When the background services ticket expires (seconds since the epoch), once issued.
    pub ticket_expires_unix: Option<u64>,
    /// The gateway refused the ticket: background services fail until the user logs on again.
    pub needs_logon: bool,
}

/// The user's session: what logging on gave.
#[derive(Default)]
struct Session {
    view: NetworkView,
    /// The policies in effect, from the last logon.
    effective: Option<Effective>,
    cookie: Option<String>,
    ticket: Option<String>,
}

/// The app's connections routed by its policies.
pub(crate) struct Routed {
    /// The phone's own network (outside the internal one).
    base: HttpClient,
    setup: NetworkSetup,
    platform: Platform,
    /// The LDAP server of the S/MIME policies: its lookups are routed by platform.
    directory: (String, u16),
    /// Hosts the phone's OS reaches itself, outside the app's policies (APNs).
    os_hosts: Vec<String>,
    credentials: (String, String),
    session: Mutex<Session>,
}

impl Routed {
    pub(crate) fn new(
        base: HttpClient,
        setup: NetworkSetup,
        platform: Platform,
        directory: (String, u16),
        os_hosts: Vec<String>,
        credentials: (String, String),
    ) -> Arc<Self> {
        Arc::new(Routed { base, setup, platform, directory, os_hosts, credentials, session: Mutex::default() })
    }

    /// What the app's network shows now.
    pub(crate) fn view(&self) -> NetworkView {
        self.session.lock().expect("session poisoned").view.clone()
    }

    fn is_directory(&self, host: &str, port: u16) -> bool {
        port == self.directory.1 && host.eq_ignore_ascii_case(&self.directory.0)
    }

    /// The route of a connection, and whether it costs an authentication prompt. The policies
    /// decide ([`Effective::route`]), except for LDAP lookups, which seed 002 routes by
    /// platform: on iOS, a background gateway in effect makes every lookup ask the user to
    /// authenticate; on Android, lookups are background connections, through the background
    /// gateway only when the LDAP server is in the background services, else straight to it.
    fn route(&self, e: &Effective, host: &str, port: u16) -> (Route, bool) {
        if self.os_hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            // The OS's own connection (APNs): MDX wraps the app, not the phone.
            return (Route::Direct, false);
        }
        if e.access == NetworkAccess::Tunneled && self.is_directory(host, port) {
            match (self.platform, &e.background_gateway) {
                (Platform::Ios, Some(_)) => return (Route::MicroVpn, true),
                (Platform::Android, Some(gateway)) if e.is_background_service(host, port) => {
                    return (Route::Sta { gateway: gateway.clone() }, false)
                }
                (Platform::Android, _) => return (Route::Direct, false),
                _ => {}
            }
        }
        (e.route(host, port), false)
    }

    /// Secure Hub's logon: the app's policies from Endpoint Management, then a session at the
    /// gateway when the app tunnels (the micro VPN's), and a ticket from Endpoint Management
    /// when a background gateway is in effect. Returns the policies now in effect.
    pub(crate) async fn log_on(&self) -> Result<Effective, SimError> {
        let effective = self.policies().await?.effective();
        let cookie = match effective.access {
            NetworkAccess::Tunneled => Some(self.gateway_session().await?),
            _ => None,
        };
        let grant = match effective.background_gateway {
            Some(_) => Some(self.ticket().await?),
            None => None,
        };
        let mut s = self.session.lock().expect("session poisoned");
        s.view.access = Some(effective.access);
        s.effective = Some(effective.clone());
        s.cookie = cookie;
        s.view.ticket_expires_unix = grant.as_ref().map(|g| g.expires_unix);
        s.ticket = grant.map(|g| g.ticket);
        s.view.logons += 1;
        s.view.needs_logon = false;
        Ok(effective)
    }

    /// The app's policies, as Endpoint Management gives them to the user.
    async fn policies(&self) -> Result<NetworkPolicies, SimError> {
        self.ask_endpoint_management(http::Method::GET, POLICIES_PATH, "the policy request").await
    }

    /// A ticket for the app's background services.
    async fn ticket(&self) -> Result<TicketGrant, SimError> {
        self.ask_endpoint_management(http::Method::POST, TICKET_PATH, "the ticket request").await
    }

    /// What Endpoint Management answers at `path`, signed in as the user.
    async fn ask_endpoint_management<T: serde::de::DeserializeOwned>(
        &self,
        method: http::Method,
        path: &str,
        what: &str,
    ) -> Result<T, SimError> {
        let (user, password) = &self.credentials;
        let url = format!("{}{path}", self.setup.endpoint_management.trim_end_matches('/'));
        let req = http::Request::builder()
            .method(method)
            .uri(&url)
            .header(http::header::AUTHORIZATION, mailconform_sim::basic_authorization(user, password))
            .body(bytes::Bytes::new())
            .map_err(|e| SimError::BadUrl { url: url.clone(), reason: e.to_string() })?;
        let resp = self.base.send(req, &RequestOptions { timeout: LOGON_TIMEOUT, ..Default::default() }).await?;
        if resp.status() != 200 {
            return Err(SimError::Http { host: url, reason: format!("Endpoint Management answered HTTP {} to {what}", resp.status()) });
        }
        Ok(serde_json::from_slice(resp.body())?)
    }

    async fn gateway_session(&self) -> Result<String, SimError> {
        let (user, password) = &self.credentials;
        let url = format!("https://{}:{}{LOGIN_PATH}", self.setup.gateway.host, self.setup.gateway.port);
        let form: String =
            form_urlencoded::Serializer::new(String::new()).append_pair("login", user).append_pair("passwd", password).finish();
        let req = http::Request::post(&url)
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(bytes::Bytes::from(form))
            .map_err(|e| SimError::BadUrl { url: url.clone(), reason: e.to_string() })?;
        let resp = self.base.send(req, &RequestOptions { timeout: LOGON_TIMEOUT, ..Default::default() }).await?;
        let cookie = resp
            .headers()
            .get_all(http::header::SET_COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .filter_map(|v| v.split(';').next())
            .find(|c| c.trim_start().starts_with(&format!("{SESSION_COOKIE}=")))
            .map(|c| c.trim().to_string());
        cookie.ok_or_else(|| SimError::Http {
            host: self.setup.gateway.host.clone(),
            reason: format!(
                "logon at the gateway answered HTTP {} without a session: {}",
                resp.status(),
                String::from_utf8_lossy(resp.body()).trim()
            ),
        })
    }

    async fn open(&self, host: &str, port: u16, route: &Route, prompted: bool) -> Result<BoxIo, SimError> {
        let target = format!("{host}:{port}");
        match route {
            Route::Blocked => Err(SimError::Blocked { host: host.into(), port, policy: "the MDX policy Network access is Blocked".into() }),
            Route::Direct => self.base.open_stream(host, port).await,
            Route::MicroVpn => {
                let cookie = match prompted {
                    // Asked again: a session of its own for this connection.
                    true => Some(self.gateway_session().await?),
                    false => self.session.lock().expect("session poisoned").cookie.clone(),
                };
                let headers: Vec<(&str, String)> = cookie.map(|c| ("cookie", c)).into_iter().collect();
                let gw = &self.setup.gateway;
                self.base.open_tunnel(&gw.host, gw.port, &target, &headers).await
            }
            Route::Sta { gateway } => {
                let ticket = self.session.lock().expect("session poisoned").ticket.clone();
                let headers: Vec<(&str, String)> = ticket.map(|t| (TICKET_HEADER, t)).into_iter().collect();
                let outcome = self.base.open_tunnel(&gateway.host, gateway.port, &target, &headers).await;
                if matches!(&outcome, Err(SimError::TunnelRefused(r)) if r.status == 407) {
                    self.session.lock().expect("session poisoned").view.needs_logon = true;
                }
                outcome
            }
        }
    }
}

impl Dialer for Routed {
    fn dial<'a>(&'a self, host: &'a str, port: u16) -> DialFuture<'a> {
        Box::pin(async move {
            let effective = self.session.lock().expect("session poisoned").effective.clone();
            let effective = match effective {
                Some(e) => e,
                // Before the first logon the app has no policies: Secure Hub logs the user on.
                None => self.log_on().await?,
            };
            let (route, prompted) = self.route(&effective, host, port);
            let outcome = self.open(host, port, &route, prompted).await;
            let mut s = self.session.lock().expect("session poisoned");
            s.view.auth_prompts += u32::from(prompted);
            let error = outcome.as_ref().err().map(ToString::to_string);
            s.view.connections.push(ConnectionRecord { target: format!("{host}:{port}"), route, prompted, error });
            outcome
        })
    }
}
