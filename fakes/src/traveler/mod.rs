//! The IBM Notes Traveler fake: a Domino HTTP front (forms or Basic authentication, web-site
//! rules, Internet name variations) over Traveler's ActiveSync service, configured the way its
//! administrators configure it (notes.ini, the Domino Directory, sync protocols).
//!
//! It answers on 443 with TLS and on 80 in plain HTTP, as the seed's port requirements state.

pub mod config;
pub mod contract;
mod control;
mod directory;
mod domino;

pub use config::{SyncProtocols, TravelerConfig, STANDARD_EAS_PATH, TRAVELER_EAS_PATH};
pub use contract::TravelerControl;
pub use directory::{DirectoryKind, NameVariations, Person};

use config::{TRAVELER_HOME, TRAVELER_SERVLET};
use mailconform_activesync::store::{MeetingDeletePolicy, MemoryStore};
use mailconform_activesync::{DevicePolicy, EasConfig, EasServer};
use mailconform_sim::http::response;
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Request, Response, SharedHandler};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// The Traveler fake: Domino's HTTP front and Traveler's ActiveSync service, with its control API.
pub(crate) struct Traveler {
    pub(crate) env: FakeEnv,
    pub(crate) config: Mutex<TravelerConfig>,
    pub(crate) store: MemoryStore,
    eas: Mutex<Arc<EasServer>>,
    /// Forms-login sessions: cookie value → short name.
    sessions: Mutex<BTreeMap<String, String>>,
}

/// The EAS device policy Traveler sends when it enforces its own (`NTS_AS_ENFORCE_POLICY`
/// not false): a device password of at least 4 characters.
pub(crate) fn traveler_policy() -> DevicePolicy {
    DevicePolicy { device_password_enabled: true, min_device_password_length: Some(4), ..DevicePolicy::default() }
}

impl Traveler {
    pub(crate) fn new(env: FakeEnv, config: TravelerConfig) -> Arc<Self> {
        // CXM-47936: a meeting message deleted on the device stays on the Traveler server.
        let store = MemoryStore::new().with_clock(env.clock.clone()).with_meeting_delete_policy(MeetingDeletePolicy::KeepOnServer);
        for p in &config.people {
            store.add_user(&p.short_name, &p.internet_address);
        }
        let eas = EasServer::new(env.clone(), eas_config(&config), store.clone());
        Arc::new(Traveler { env, config: Mutex::new(config), store, eas: Mutex::new(eas), sessions: Mutex::default() })
    }

    pub(crate) fn config(&self) -> TravelerConfig {
        self.config.lock().expect("config poisoned").clone()
    }

    /// Apply a changed configuration (notes.ini and the policy take effect for the next request,
    /// as after `tell traveler restart`).
    pub(crate) fn reconfigure(&self, config: TravelerConfig) {
        for p in &config.people {
            if self.store.resolve(&p.short_name).is_none() {
                self.store.add_user(&p.short_name, &p.internet_address);
            }
        }
        let eas = EasServer::new(self.env.clone(), eas_config(&config), self.store.clone());
        *self.eas.lock().expect("eas poisoned") = eas;
        *self.config.lock().expect("config poisoned") = config;
    }

    pub(crate) fn eas(&self) -> Arc<EasServer> {
        self.eas.lock().expect("eas poisoned").clone()
    }

    async fn serve(self: Arc<Self>, req: Request) -> Response {
        let cfg = self.config();
        let raw_path = req.uri().path().to_string();
        if raw_path.starts_with(LOGIN_PREFIX) {
            return self.login(&req);
        }
        let path = cfg.substitute(&raw_path);
        let route = route(&path);
        if route == Route::NotFound {
            return domino::not_found();
        }
        let person = match self.authenticate(&req, &cfg, &path) {
            Ok(p) => p,
            Err(answer) => return *answer,
        };
        match route {
            Route::ActiveSync => {
                if cfg.sync_protocols == SyncProtocols::SyncMlPrimary {
                    // SyncML forced as the primary protocol: the ActiveSync service turns EAS
                    // devices away ("user not enabled for ActiveSync").
                    return response(403, "text/plain", "ActiveSync is not the primary sync protocol of this Traveler server");
                }
                // Traveler's EAS service answers on whatever path the request came in on.
                self.eas().handle(req, &person.short_name).await
            }
            Route::Home => response(
                200,
                "text/html; charset=UTF-8",
                format!(
                    "<html><head><title>IBM Notes Traveler</title></head><body><h1>IBM Notes Traveler {}</h1><p>{}</p></body></html>",
                    cfg.traveler_version,
                    person.common_name()
                ),
            ),
            Route::Servlet => syncml(&cfg),
            Route::NotFound => domino::not_found(),
        }
    }

    fn authenticate(&self, req: &Request, cfg: &TravelerConfig, path: &str) -> Result<Person, Box<Response>> {
        if cfg.web_site.forms_apply_to(path) {
            let person = domino::session_of(req)
                .and_then(|s| self.sessions.lock().expect("sessions poisoned").get(&s).cloned())
                .and_then(|n| cfg.person(&n).cloned());
            return person.ok_or_else(|| Box::new(domino::login_form(req.uri().path_and_query().map(|p| p.as_str()).unwrap_or("/"))));
        }
        let Some((name, password)) = crate::basic_auth::credentials(req) else {
            return Err(Box::new(domino::basic_challenge()));
        };
        match cfg.person(&name) {
            Some(p) if p.http_password == password => Ok(p.clone()),
            _ => Err(Box::new(domino::basic_challenge())),
        }
    }

    fn login(&self, req: &Request) -> Response {
        let cfg = self.config();
        let fields = domino::form_fields(req.body());
        let get = |k: &str| fields.iter().find(|(n, _)| n.eq_ignore_ascii_case(k)).map(|(_, v)| v.clone()).unwrap_or_default();
        let redirect = get("RedirectTo");
        match cfg.person(&get("Username")) {
            Some(p) if p.http_password == get("Password") => {
                let session = self.env.rng.hex(16);
                self.sessions.lock().expect("sessions poisoned").insert(session.clone(), p.short_name.clone());
                domino::logged_in(if redirect.is_empty() { "/" } else { &redirect }, &session)
            }
            _ => domino::login_form(&redirect),
        }
    }
}

const LOGIN_PREFIX: &str = "/names.nsf";

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Route {
    ActiveSync,
    Home,
    Servlet,
    NotFound,
}

/// Only Traveler's own paths exist on this site: the standard ActiveSync path needs a
/// substitution rule to reach Traveler.
fn route(path: &str) -> Route {
    let lower = path.to_ascii_lowercase();
    if lower == TRAVELER_EAS_PATH.to_ascii_lowercase() {
        Route::ActiveSync
    } else if lower == TRAVELER_SERVLET || lower.starts_with(&format!("{TRAVELER_SERVLET}/")) {
        Route::Servlet
    } else if lower == TRAVELER_HOME || lower == format!("{TRAVELER_HOME}/") {
        Route::Home
    } else {
        Route::NotFound
    }
}

/// Traveler's own clients sync over SyncML at `/servlet/traveler`.
fn syncml(_cfg: &TravelerConfig) -> Response {
    response(
        200,
        "application/vnd.syncml+xml",
        "<SyncML><SyncHdr><VerDTD>1.2</VerDTD><VerProto>SyncML/1.2</VerProto></SyncHdr><SyncBody><Status><Data>200</Data></Status><Final/></SyncBody></SyncML>",
    )
}

fn eas_config(cfg: &TravelerConfig) -> EasConfig {
    let enforce = cfg.enforce_policy();
    EasConfig {
        server_version_header: format!("Traveler {}", cfg.traveler_version),
        policy: enforce.then(traveler_policy),
        enforce_policy: enforce,
        // Routing already decided this is ActiveSync (on Traveler's path or a substituted one).
        paths: vec![TRAVELER_EAS_PATH.to_string(), STANDARD_EAS_PATH.to_string()],
        ..EasConfig::default()
    }
}

impl SharedHandler for Traveler {
    fn handle(self: Arc<Self>, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let me = self;
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if contract::ROUTES.covers(&path) {
                control::handle(&me, req.method().clone(), &path, req.body()).await
            } else {
                me.serve(req).await
            }
        })
    }

    /// Domino authenticates from the request's head: a request for a protected path without
    /// valid credentials (or session) gets its challenge or login form before the body is read.
    fn before_body(&self, head: &http::request::Parts, _conn: &ConnInfo) -> Option<Response> {
        let raw_path = head.uri.path();
        if contract::ROUTES.covers(raw_path) || raw_path.starts_with(LOGIN_PREFIX) {
            return None;
        }
        let cfg = self.config();
        let path = cfg.substitute(raw_path);
        if route(&path) == Route::NotFound {
            return None;
        }
        let mut req = http::Request::new(bytes::Bytes::new());
        *req.method_mut() = head.method.clone();
        *req.uri_mut() = head.uri.clone();
        *req.headers_mut() = head.headers.clone();
        self.authenticate(&req, &cfg, &path).err().map(|r| *r)
    }

    /// Traveler is served by Domino's HTTP task.
    fn limits(&self) -> mailconform_sim::ConnLimits {
        mailconform_sim::ConnLimits::DOMINO
    }
}
