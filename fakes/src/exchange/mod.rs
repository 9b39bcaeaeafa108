//! The Exchange fake: EWS over SOAP 1.1 at `/EWS/Exchange.asmx`, push subscriptions with
//! Exchange's retry behaviour, and a control API to deliver mail and read what was pushed.

pub mod auth;
pub mod contract;
mod control;
mod ews;
pub mod mailbox;
mod profile;
mod push;
mod retry;

pub use contract::{AuthSettings, DeliveryRecord, EwsRequestRecord, ExchangeControl, SubscriptionView};
pub use mailconform_auth::{AuthMethod, Keytab, OAuthTrust};
pub use profile::ServerProfile;
pub use push::{EndReason, SubscriptionState};
pub use retry::{RetryMode, RetrySchedule};

use mailbox::{Mailbox, User};
use mailconform_sim::http::response;
use mailconform_sim::{ConnInfo, FakeEnv, HandlerFuture, Journal, Request, Response, SharedHandler};
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The EWS endpoint path; IIS matches it case-insensitively, and so does this fake.
pub const EWS_PATH: &str = "/EWS/Exchange.asmx";
/// The ActiveSync virtual directory.
pub const EAS_PATH: &str = mailconform_activesync::http::DEFAULT_PATH;

/// How one Exchange is set up: host, version, users, push retry and authentication.
#[derive(Clone, Debug)]
pub struct ExchangeConfig {
    /// Host name EWS and ActiveSync answer on (the certificate's name, the OAuth audience).
    pub host: String,
    /// Which Exchange version it answers as.
    pub profile: ServerProfile,
    /// When it retries a push notification that did not get through.
    pub retry: RetrySchedule,
    /// How long Exchange waits for the listener to answer one push POST.
    pub push_timeout: Duration,
    /// The mailboxes it serves, one per user.
    pub users: Vec<User>,
    /// NetBIOS domain of down-level `DOMAIN\login` names and of NTLM ([MS-NLMP]).
    pub domain: String,
    /// Authentication methods of the EWS virtual directory; by default Basic only. Certificate
    /// also needs the host to ask for client certificates (deployment does when it is set).
    pub ews_auth: Vec<AuthMethod>,
    /// The keytab of `HTTP/<host>`, for Negotiate (Kerberos) tickets from the KDC.
    pub keytab: Option<Keytab>,
    /// The OAuth issuer whose tokens EWS accepts as Bearer credentials.
    pub oauth: Option<OAuthTrust>,
    /// Authentication methods of the ActiveSync virtual directory (its own IIS settings);
    /// by default Basic only.
    pub eas_auth: Vec<AuthMethod>,
    /// Serve EWS only on requests addressed to this host name (an EWS FQDN of its own, the
    /// ActiveSync FQDN answering 404 for EWS); `None` serves EWS on every name.
    pub ews_only_on: Option<String>,
    /// The build its EWS answers give in `ServerVersionInfo`, when not the profile's own (a
    /// cumulative update or rollup of that version).
    pub build: Option<mailconform_ews::ServerVersionInfo>,
}

impl ExchangeConfig {
    /// Exchange 2013 on `host` with Basic only, no users, the documented retry table, a 20 s push timeout.
    pub fn new(host: &str) -> Self {
        ExchangeConfig {
            host: host.to_string(),
            profile: ServerProfile::Exchange2013,
            retry: RetrySchedule::default(),
            push_timeout: Duration::from_secs(20),
            users: Vec::new(),
            domain: "EXAMPLE".into(),
            ews_auth: vec![AuthMethod::Basic],
            keytab: Some(Keytab::new(crate::defaults::KERBEROS_REALM, &format!("HTTP/{host}"), crate::defaults::EXCHANGE_SERVICE_PASSWORD)),
            oauth: None,
            eas_auth: vec![AuthMethod::Basic],
            ews_only_on: None,
            build: None,
        }
    }

    /// The same with these EWS authentication methods.
    pub fn with_ews_auth(mut self, methods: &[AuthMethod]) -> Self {
        self.ews_auth = methods.to_vec();
        self
    }

    /// The OAuth audience (resource) of this server: `https://<host>`.
    pub fn oauth_audience(&self) -> String {
        format!("https://{}", self.host)
    }

    /// Adds a mailbox for `login`, reachable also as `email` and `DOMAIN\login`.
    pub fn with_user(mut self, login: &str, email: &str, password: &str) -> Self {
        self.users.push(User { login: login.into(), email: email.into(), password: password.into(), domain: self.domain.clone() });
        self
    }
}

/// The Exchange fake: the handler of EWS, ActiveSync and its control API on one host.
pub(crate) struct Exchange {
    pub(crate) env: FakeEnv,
    /// The ActiveSync side, over the same mailboxes: mail delivered through the control API is
    /// put into both.
    pub(crate) eas: Arc<mailconform_activesync::EasServer>,
    pub(crate) eas_store: mailconform_activesync::MemoryStore,
    pub(crate) config: ExchangeConfig,
    pub(crate) state: Mutex<State>,
    pub(crate) auth: auth::EwsAuth,
    /// The ActiveSync virtual directory's own authentication settings.
    pub(crate) eas_auth: auth::EwsAuth,
}

#[derive(Default)]
pub(crate) struct State {
    pub mailboxes: Vec<Mailbox>,
    pub subscriptions: BTreeMap<String, push::Subscription>,
    /// Every SendNotification POST and its outcome, newest [`FakeEnv::journal_capacity`] kept.
    pub deliveries: Journal<DeliveryRecord>,
    /// Every EWS request, newest [`FakeEnv::journal_capacity`] kept: the busiest journal under
    /// load (one entry per request).
    pub requests: Journal<EwsRequestRecord>,
}

impl Exchange {
    /// Must be called inside the runtime that will serve it: push deliveries run as its tasks.
    pub(crate) fn new(env: FakeEnv, config: ExchangeConfig) -> Arc<Self> {
        let mut state = State { deliveries: env.journal(), requests: env.journal(), ..State::default() };
        for (i, u) in config.users.iter().enumerate() {
            state.mailboxes.push(Mailbox::new(u.clone(), &format!("AAMkAD{i:02}"), env.journal()));
        }
        let eas_store = mailconform_activesync::MemoryStore::new().with_clock(env.clock.clone());
        for u in &config.users {
            eas_store.add_user(&u.login, &u.email);
        }
        control::restore_messages(&env.store, &mut state.mailboxes, &eas_store);
        let eas_config = mailconform_activesync::EasConfig {
            versions: config.profile.eas_versions(),
            server_version_header: config.profile.eas_server_header().to_string(),
            // Exchange's Default policy asks for nothing, but every device must still provision
            // (AllowNonProvisionableDevices is false).
            policy: Some(mailconform_activesync::DevicePolicy::none()),
            enforce_policy: true,
            // Exchange keeps ActiveSync sync state in the mailbox: it outlives a restart.
            keep_sync_state: true,
            ..Default::default()
        };
        let eas = mailconform_activesync::EasServer::new(env.clone(), eas_config, eas_store.clone());
        let identity = mailconform_auth::ntlm::ServerIdentity {
            nb_domain: config.domain.clone(),
            nb_computer: "EXCH01".into(),
            dns_domain: config.host.split_once('.').map(|(_, d)| d.to_string()).unwrap_or_default(),
            dns_computer: config.host.clone(),
        };
        let auth = auth::EwsAuth::new(config.ews_auth.clone(), config.oauth.clone(), config.keytab.clone(), identity.clone());
        let eas_auth = auth::EwsAuth::new(config.eas_auth.clone(), config.oauth.clone(), config.keytab.clone(), identity);
        Arc::new(Exchange { env, config, state: Mutex::new(state), eas, eas_store, auth, eas_auth })
    }

    /// Whether EWS is served for the host name this request was addressed to.
    fn serves_ews_for(&self, req: &Request) -> bool {
        let Some(only) = &self.config.ews_only_on else { return true };
        let host = req.uri().host().map(str::to_string).or_else(|| {
            req.headers().get(http::header::HOST).and_then(|h| h.to_str().ok()).map(|h| h.split(':').next().unwrap_or(h).to_string())
        });
        host.is_some_and(|h| h.eq_ignore_ascii_case(only))
    }

    pub(crate) fn config(&self) -> &ExchangeConfig {
        &self.config
    }

    pub(crate) fn now_ms(&self) -> u64 {
        self.env.clock.elapsed().as_millis() as u64
    }
}

impl SharedHandler for Exchange {
    fn handle(self: Arc<Self>, req: Request, conn: ConnInfo) -> HandlerFuture {
        let me = self;
        Box::pin(async move {
            let path = req.uri().path().to_string();
            if mailconform_activesync::server::EasServer::is_control_path(&path) {
                return me.eas.control(&req);
            }
            if contract::ROUTES.covers(&path) {
                return control::handle(&me, req.method().clone(), &path, req.uri().query(), req.body()).await;
            }
            if path.eq_ignore_ascii_case(EWS_PATH) && me.serves_ews_for(&req) {
                return ews::handle(&me, req, conn).await;
            }
            if path.eq_ignore_ascii_case(EAS_PATH) {
                return match auth::authenticate(&me.eas_auth, &me.env, &me.config.users, &me.config.host, &req, &conn) {
                    Ok(who) => {
                        let mut resp = me.eas.handle(req, &who.user.login).await;
                        if let Some((name, value)) = who.reply {
                            if let Ok(v) = http::HeaderValue::from_str(&value) {
                                resp.headers_mut().insert(name, v);
                            }
                        }
                        resp
                    }
                    Err(challenge) => *challenge,
                };
            }
            response(404, "text/html", "<html><body><h2>404 - File or directory not found.</h2></body></html>")
        })
    }

    /// IIS authenticates a request from its head, before the body is read: a POST to EWS or
    /// ActiveSync without credentials, or with Basic credentials that fail, gets its 401 (or
    /// 403) at once, however large the body it announces. NTLM, Negotiate and Bearer are left to
    /// [`Exchange::handle`](SharedHandler::handle): their legs change per-connection state.
    fn before_body(&self, head: &http::request::Parts, conn: &ConnInfo) -> Option<Response> {
        let path = head.uri.path();
        let stateless = head.headers.get(http::header::AUTHORIZATION).is_none_or(|h| {
            let v = h.as_bytes();
            v.len() > 6 && v[..6].eq_ignore_ascii_case(b"basic ")
        });
        if !stateless {
            return None;
        }
        let mut req = http::Request::new(bytes::Bytes::new());
        *req.method_mut() = head.method.clone();
        *req.uri_mut() = head.uri.clone();
        *req.version_mut() = head.version;
        *req.headers_mut() = head.headers.clone();
        let auth = if path.eq_ignore_ascii_case(EWS_PATH) && self.serves_ews_for(&req) && head.method == http::Method::POST {
            &self.auth
        } else if path.eq_ignore_ascii_case(EAS_PATH) {
            &self.eas_auth
        } else {
            return None;
        };
        auth::authenticate(auth, &self.env, &self.config.users, &self.config.host, &req, conn).err().map(|r| *r)
    }

    /// Exchange's front end is IIS on HTTP.sys.
    fn limits(&self) -> mailconform_sim::ConnLimits {
        mailconform_sim::ConnLimits::IIS
    }
}
