//! Roles backed by real components for this run (`mailconform run --target-config`): where
//! each answers, who signs in, what the harness may do on it, and the real-clock runtime their
//! calls run on.
//!
//! A live run reaches a real component only through steps written for it: the bare ActiveSync
//! client, the mailbox adapter, and Secure Mail's ActiveSync account, which then runs with the
//! scenario's other fakes on the real clock ([`Simulation::live`]). A step that needs the
//! simulation for anything else (Secure Mail's EWS push, the built-in Exchange's state) would be
//! testing a built-in fake instead of the target, so it ends its scenario
//! [`super::NOT_APPLICABLE`] rather than passing silently.
//!
//! A real EWS (`exchange.ews`) is reached by Secure Mail's EWS client (the inbox, the push
//! subscription) and by the built-in EWS adapter (mail sent from another mailbox, mail marked
//! read, the unread count); the listener it pushes to is the scenario's own, bridged out on the
//! run's advertised address ([`Callback`]), so the real Exchange's SendNotification crosses a
//! real network into the scenario, through the listener's fault gate.

use mailconform_fakes::driver::RealComponent;
use mailconform_sim::http::record::Recorder;
use mailconform_sim::{FaultGate, HttpClient, Simulation};
use std::collections::BTreeMap;
use std::future::Future;

/// A real ActiveSync server in the mail server's role (`exchange.eas`).
pub struct LiveEas {
    /// Its ActiveSync endpoint (`…/Microsoft-Server-ActiveSync`).
    pub url: String,
    /// Who signs in, by the features' user name (`alice`): login and password.
    pub mailboxes: BTreeMap<String, (String, String)>,
    /// A client over real TCP that trusts what the target configuration says.
    pub http: HttpClient,
    /// The ActiveSync versions the target configuration says the server offers (empty when
    /// it does not say).
    pub versions: Vec<mailconform_activesync::ProtocolVersion>,
    /// The driver of what the harness may do on the server (its command adapter).
    pub component: RealComponent,
}

/// A real EWS in the mail server's role (`exchange.ews`).
pub struct LiveEws {
    /// Its EWS endpoint (`…/EWS/Exchange.asmx`).
    pub url: String,
    /// Who signs in, by the features' user name (`alice`): login and password.
    pub mailboxes: BTreeMap<String, (String, String)>,
    /// A client over real TCP that trusts what the target configuration says.
    pub http: HttpClient,
    /// The driver of what the harness may do on the server (the built-in EWS adapter, or the
    /// configuration's commands).
    pub component: RealComponent,
}

/// A real APNs environment (`apns`: production, `apns.sandbox`), reached by the features' own
/// bare provider (`features/apns/provider_api.feature`): it signs with the operator's team key,
/// which the real APNs knows, and pushes to the operator's phone. What reached the phone is
/// not seen, and the scenario's listeners and phones keep the built-in APNs, so only the bare
/// provider's scenarios apply.
#[derive(Clone)]
pub struct LiveApns {
    /// The role (`apns`, `apns.sandbox`).
    pub role: String,
    /// The environment it is.
    pub environment: mailconform_fakes::apns::Environment,
    /// Its base URL (`https://api.push.apple.com`).
    pub url: String,
    /// A client over real TCP that trusts what the target configuration says.
    pub http: HttpClient,
    /// The provider's team key: team ID, key ID and the PKCS#8 key.
    pub team_id: String,
    /// See `team_id`.
    pub key_id: String,
    /// See `team_id`.
    pub pkcs8_der: Vec<u8>,
    /// The app pushed to (`apns-topic`).
    pub topic: String,
    /// The operator's phone with that app, in this environment.
    pub device_token: String,
}

impl std::fmt::Debug for LiveApns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveApns").field("role", &self.role).field("url", &self.url).field("topic", &self.topic).finish()
    }
}

/// A real AD CS (`adcs`): the users of the features request certificates at its web
/// enrollment site, signed in with the target's mailboxes; its templates are as the target
/// declares them, and its directory is out of reach.
#[derive(Clone)]
pub struct LiveAdcs {
    /// Its web enrollment site (`https://ca.corp.example/certsrv`).
    pub url: String,
    /// Who signs in, by the features' user name (`alice`): login and password.
    pub mailboxes: BTreeMap<String, (String, String)>,
    /// The users' addresses in its directory, where the target gives them (`email`, or a
    /// login that is one): what the certificates it issues name.
    pub emails: BTreeMap<String, String>,
    /// A client over real TCP that trusts what the target configuration says.
    pub http: HttpClient,
    /// The driver of its administration (the declared templates).
    pub authority: mailconform_fakes::driver::RealAuthority,
}

impl std::fmt::Debug for LiveAdcs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveAdcs").field("url", &self.url).field("templates", &self.authority.templates.keys()).finish()
    }
}

/// A real identity provider (`login`): the scenario's Exchange trusts its issuer and signing
/// keys, found by OpenID Connect discovery when the run starts, and Boxer's modern
/// authentication signs in there with the target's mailboxes (the password grant) for a token
/// of the mail server's audience.
#[derive(Clone)]
pub struct LiveLogin {
    /// Its issuer URL, as the target gives it.
    pub url: String,
    /// Its configuration and keys, as discovered.
    pub provider: mailconform_auth::oidc::IdentityProvider,
    /// How its users sign in.
    pub sign_in: SignIn,
    /// What its tokens name the mail server as (`audience`), when not the scenario's
    /// Exchange's own.
    pub audience: Option<String>,
    /// The scopes asked for (`scope`), when not the audience's `EWS.AccessAsUser.All`.
    pub scope: Option<String>,
    /// Who signs in, by the features' user name (`alice`): login and password.
    pub mailboxes: BTreeMap<String, (String, String)>,
    /// A client over real TCP that trusts what the target configuration says.
    pub http: HttpClient,
}

impl std::fmt::Debug for LiveLogin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveLogin").field("url", &self.url).field("issuer", &self.provider.configuration.issuer).finish()
    }
}

/// How the features' users sign in at a real identity provider.
pub use mailconform_auth::oidc::SignIn;

impl LiveLogin {
    /// The audience a mail server whose own is `exchange` accepts this provider's tokens for.
    pub fn audience(&self, exchange: &str) -> String {
        self.audience.clone().unwrap_or_else(|| exchange.to_string())
    }

    /// The scopes a token for `audience` is asked for.
    pub fn scope(&self, audience: &str) -> String {
        self.scope.clone().unwrap_or_else(|| mailconform_auth::oidc::ews_scope(audience))
    }

    /// The features' `user`'s login and password at the provider, or why the scenario is not
    /// applicable (the target has no mailbox for that user).
    pub fn mailbox(&self, user: &str) -> Result<(String, String), String> {
        self.mailboxes
            .get(user)
            .cloned()
            .ok_or_else(|| format!("the target configuration has no mailbox for {user}: add [[target.login.mailbox]] user = \"{user}\""))
    }

    /// The password grant for the features' `user` and `audience` as `client_id` (see
    /// [`LiveLogin::mailbox`] for when it is not applicable).
    pub fn grant(
        &self,
        user: &str,
        audience: &str,
        client_id: &str,
        client_secret: Option<&str>,
    ) -> Result<mailconform_auth::oidc::PasswordGrant, String> {
        let (username, password) = self.mailbox(user)?;
        Ok(mailconform_auth::oidc::PasswordGrant {
            client_id: client_id.to_string(),
            client_secret: client_secret.map(str::to_string),
            scope: self.scope(audience),
            username,
            password,
        })
    }
}

/// A real component the scenario's fakes run beside, reached at its URL: a listener service
/// (`listener.<region>`: the scenario's phones register with it, its Exchange posts to it, it
/// pushes to its APNs), a SEG (`seg`: the phones reach Exchange through it) or ENS2 (`ens`:
/// Boxer registers with it, it subscribes to EWS and pushes to APNs). It calls the scenario's
/// own roles back on the fixed ports of `[callback.ports]`.
#[derive(Clone, Debug)]
pub struct LiveBeside {
    /// The role it backs (`listener.us-east-1`, `seg`, `ens`).
    pub role: String,
    /// Its base URL, without a trailing slash.
    pub url: String,
    /// The certificates its own certificate chains to: the scenario's fakes (its Exchange,
    /// its phones) trust them besides the run's CA.
    pub trust: Vec<rustls_pki_types::CertificateDer<'static>>,
    /// Names it hands out that are reached at another address (`resolve`): host, port, address.
    pub resolve: Vec<(String, u16, std::net::SocketAddr)>,
}

impl LiveBeside {
    /// `https://<host>` of the default world's role it stands for.
    fn default_base(&self) -> Option<String> {
        mailconform_fakes::role::target(&self.role).ok().map(|t| format!("https://{}", t.role.host))
    }
}

/// A real KDC ([`mailconform_auth::krb5`]): the scenarios' SEG asks it for its users' tickets
/// to Exchange by constrained delegation, as SEG's service account, and the scenarios' Exchange
/// opens them with the keys of Exchange's account.
#[derive(Clone, Debug)]
pub struct LiveKdc {
    /// Where it is, and its realm.
    pub kdc: mailconform_auth::krb5::KdcUrl,
    /// SEG's KCD settings at it: its URL, SEG's account and password, Exchange's SPN.
    pub kcd: mailconform_fakes::seg::KcdConfig,
    /// The password of Exchange's account (the SPN SEG delegates to).
    pub exchange_password: String,
}

impl LiveKdc {
    /// The keytab of Exchange's account, with which the scenarios' Exchange opens the tickets.
    pub fn exchange_keytab(&self) -> mailconform_auth::Keytab {
        mailconform_auth::Keytab::new(&self.kdc.realm, &self.kcd.target_spn, &self.exchange_password)
    }

    /// `host:port` of the KDC, for the scenario's network to let SEG out to.
    pub fn address(&self) -> Option<(String, u16)> {
        let (host, port) = self.kdc.address.rsplit_once(':')?;
        Some((host.to_string(), port.parse().ok()?))
    }
}

/// A real SEG V2 as its operator configured it (`[target.seg]`'s `product_version` and
/// `properties`): a scenario that plans another SEG is not applicable, naming the difference.
#[derive(Clone, Debug)]
pub struct SegDeclared {
    /// The version installed.
    pub version: mailconform_fakes::seg::SegVersion,
    /// The lines of its `application.properties`.
    pub properties: Vec<String>,
}

/// A real ENS2 as its operator configured it (`[target.ens]`'s `placement`, `ews_via` and APNs
/// team key): a scenario that plans another ENS2 is not applicable, naming the difference.
#[derive(Clone, Debug)]
pub struct EnsDeclared {
    /// Where it is installed (its API's prefix).
    pub placement: mailconform_fakes::ens::Placement,
    /// The role of the scenario whose EWS it was pointed at (`exchange`, `seg`).
    pub ews_via: String,
    /// The team key it signs its APNs provider tokens with: the scenario's APNs trusts it.
    pub team: mailconform_fakes::apns::TeamKey,
}

/// How a real component calls the run's fakes back (`[callback]`, `--advertise`).
#[derive(Clone, Debug)]
pub struct Callback {
    /// The address it reaches this machine at: the bridge's ports listen there (every
    /// interface when it is a name), and the fakes hand out URLs with it.
    pub advertise: String,
    /// The CA the component trusts, when the operator gave one: the scenario's simulation signs
    /// with it. `None`: the run's own CA, new for each scenario.
    pub pki: Option<mailconform_sim::Pki>,
    /// The fixed ports where the scenario's roles answer the real components beside them
    /// (`[callback.ports]`), by role.
    pub ports: BTreeMap<String, u16>,
}

impl Default for Callback {
    fn default() -> Self {
        Callback { advertise: "127.0.0.1".into(), pki: None, ports: BTreeMap::new() }
    }
}

impl Callback {
    /// Where the bridge listens: the advertised address when it is one, else every interface.
    pub(crate) fn bind(&self) -> std::net::IpAddr {
        mailconform_sim::advertised_ip(&self.advertise).unwrap_or(std::net::IpAddr::from([0, 0, 0, 0]))
    }

    /// The base URL of a bridged port, as the component calls it.
    pub(crate) fn base_url(&self, port: u16) -> String {
        let host = match self.advertise.parse::<std::net::Ipv6Addr>() {
            Ok(_) => format!("[{}]", self.advertise),
            Err(_) => self.advertise.clone(),
        };
        format!("https://{host}:{port}")
    }
}

/// Every real component of the run, and the runtime (real clock) their calls run on.
pub struct LiveTargets {
    /// The real ActiveSync server, when `exchange.eas` is a target.
    pub eas: Option<LiveEas>,
    /// The real Notes Traveler server, when `traveler` is a target: the mail server of the
    /// scenarios that plan a Traveler, reached over ActiveSync.
    pub traveler: Option<LiveEas>,
    /// The real EWS, when `exchange.ews` is a target.
    pub ews: Option<LiveEws>,
    /// The real components the scenario's fakes run beside (listener services, a SEG, ENS2).
    pub beside: Vec<LiveBeside>,
    /// The SEG V2 under test as its operator configured it, when `seg` is a target.
    pub seg: Option<SegDeclared>,
    /// The ENS2 under test as its operator configured it, when `ens` is a target.
    pub ens: Option<EnsDeclared>,
    /// The real APNs environments, when `apns` or `apns.sandbox` is a target.
    pub apns: Vec<LiveApns>,
    /// The real AD CS, when `adcs` is a target.
    pub adcs: Option<LiveAdcs>,
    /// The real identity provider, when `login` is a target.
    pub login: Option<LiveLogin>,
    /// The real KDC, when `kdc` is a target: SEG's constrained delegation asks it.
    pub kdc: Option<LiveKdc>,
    /// The administration of the real UEM console, when `uem` is a target (it also stands
    /// beside the scenario's fakes, in [`LiveTargets::beside`]).
    pub console: Option<mailconform_fakes::driver::RealConsole>,
    /// How the real components call the scenario's fakes back.
    pub callback: Callback,
    /// Tells this run's devices apart from an earlier run's on the same server, which keeps
    /// their state (the time the run started, in hex).
    pub run_id: String,
    /// The most real time one step may wait for a real component (`--real-time-budget`): a
    /// server that holds a request the built-in fake answers at once (a Ping with a heartbeat
    /// Exchange refuses) fails the step when it runs out, instead of holding the run for an hour.
    pub budget: std::time::Duration,
    /// Whether each scenario keeps its exchanges with the targets (`run --record`).
    pub record: bool,
    /// The kinds of requirement the real component claims beyond the required ones (its
    /// `claims`); every kind when no real component is in the run (the built-in fakes and served
    /// ones claim them all).
    pub claims: Vec<crate::requirements::Applicability>,
    /// The `openssl` whose `s_server` serves the hosts a scenario gives exact protocol versions
    /// (`run --tls-server PROGRAM`), in place of the in-process OpenSSL server.
    pub tls_server: Option<std::path::PathBuf>,
    /// Roles served by another process (`run --served DIR`), in place of their in-process fakes.
    pub served: Option<std::sync::Arc<super::served::ServedRoles>>,
    runtime: tokio::runtime::Runtime,
}

impl LiveEas {
    /// The ActiveSync version the harness's own clients speak to it: the newest the target
    /// configuration names, 14.1 when it names none.
    pub fn newest_version(&self) -> mailconform_activesync::ProtocolVersion {
        self.versions.last().copied().unwrap_or(mailconform_activesync::ProtocolVersion::V14_1)
    }
}

impl std::fmt::Debug for LiveTargets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveTargets")
            .field("eas", &self.eas.as_ref().map(|e| &e.url))
            .field("served", &self.served.as_ref().map(|s| s.names()))
            .finish()
    }
}

impl LiveTargets {
    /// The targets, with a runtime of their own on the real clock.
    pub fn new(eas: Option<LiveEas>, budget: std::time::Duration) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Ok(LiveTargets {
            eas,
            traveler: None,
            ews: None,
            beside: Vec::new(),
            seg: None,
            ens: None,
            apns: Vec::new(),
            adcs: None,
            login: None,
            kdc: None,
            console: None,
            callback: Callback::default(),
            run_id: format!("{:x}", started.as_secs() & 0xff_ffff),
            budget,
            record: false,
            claims: crate::requirements::Applicability::ALL.to_vec(),
            served: None,
            tls_server: None,
            runtime,
        })
    }

    /// What backs each role that is not an in-process fake, one line each, for the run's header.
    pub fn backings(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(eas) = &self.eas {
            out.push(format!("exchange.eas: the real component at {}", eas.url));
        }
        if let Some(traveler) = &self.traveler {
            out.push(format!("traveler: the real component at {}", traveler.url));
        }
        if let Some(ews) = &self.ews {
            let trust = match &self.callback.pki {
                Some(_) => "the [callback] CA",
                None => "each scenario's own CA",
            };
            out.push(format!(
                "exchange.ews: the real component at {}; it reaches the listeners at {} (certificates of {trust})",
                ews.url, self.callback.advertise
            ));
        }
        if let Some(adcs) = &self.adcs {
            let templates: Vec<&str> = adcs.authority.templates.keys().map(String::as_str).collect();
            out.push(format!("adcs: the real component at {}, issuing the templates declared: {}", adcs.url, templates.join(", ")));
        }
        if let Some(login) = &self.login {
            out.push(format!(
                "login: the real component at {} (issuer {}), where Boxer's modern authentication signs in {}",
                login.url, login.provider.configuration.issuer, login.sign_in
            ));
        }
        for a in &self.apns {
            out.push(format!("{}: the real component at {}, pushed to by the features' own provider (topic {})", a.role, a.url, a.topic));
        }
        for b in &self.beside {
            let calls: Vec<String> =
                self.callback.ports.iter().map(|(role, port)| format!("{role} at {}", self.callback.base_url(*port))).collect();
            // A console calls nothing back: what is said of it is who sets its devices.
            let tail = match self.console.as_ref().filter(|c| c.role == b.role) {
                Some(c) => match &c.set_device_state {
                    Some(command) => format!("devices set by the adapter's `{command}`"),
                    None => "no adapter sets its devices (the scenarios that do are not applicable)".to_string(),
                },
                None => format!("it reaches the scenario's {}", calls.join(", ")),
            };
            out.push(format!("{}: the real component at {}; {tail}", b.role, b.url));
        }
        if let Some(program) = &self.tls_server {
            out.push(format!("the hosts of exact TLS versions: OpenSSL's s_server ({})", program.display()));
        }
        if let Some(served) = &self.served {
            for r in &served.roles {
                out.push(format!("{}: served by another process at {} ({})", r.role, r.https, r.dir.display()));
            }
        }
        out
    }

    /// This run's and scenario `seed`'s mark (`4f2a1c03B7`): what tells their devices and mail
    /// apart on a real server, which keeps those of earlier runs.
    pub fn mark(&self, seed: u64) -> String {
        format!("{}{:04X}", self.run_id, seed & 0xffff)
    }

    /// Whether any role of the run is a real component (a mail server, or one beside the fakes).
    pub fn has_real_component(&self) -> bool {
        self.eas.is_some()
            || self.ews.is_some()
            || self.traveler.is_some()
            || !self.beside.is_empty()
            || !self.apns.is_empty()
            || self.adcs.is_some()
            || self.login.is_some()
            || self.kdc.is_some()
    }

    /// Whether the scenario's fakes run with the real components beside them, on the real
    /// clock, every scenario then closed by [`REACHED_STEP`]: a listener, a SEG or ENS2 they
    /// call and are called by, an identity provider they take tokens from.
    pub fn fakes_run_beside(&self) -> bool {
        !self.beside.is_empty() || self.login.is_some() || self.kdc.is_some()
    }

    /// The real APNs of `environment`, when it is a target.
    pub fn apns(&self, environment: mailconform_fakes::apns::Environment) -> Option<&LiveApns> {
        self.apns.iter().find(|a| a.environment == environment)
    }

    /// The real component beside the scenario's fakes in `role`, when it is a target.
    pub fn beside(&self, role: &str) -> Option<&LiveBeside> {
        self.beside.iter().find(|b| b.role == role)
    }

    /// Runs `f` to completion on the real clock, for at most the run's budget: past it the
    /// step fails, saying the real component did not answer in time.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        let budget = self.budget;
        // The timer is made inside the runtime, whose clock it reads.
        in_budget(budget, "the real component did not answer", self.runtime.block_on(async move { tokio::time::timeout(budget, f).await }))
    }
}

/// A URL's host and port, which the simulation lets out and the recorder watches; a bare
/// `host[:port]` (as a device's Exchange Server policy may name it) is read as HTTPS.
pub(crate) fn address(url: &str) -> Option<(String, u16)> {
    let uri = url.parse::<http::Uri>().ok()?;
    let default = if uri.scheme_str() == Some("http") { 80 } else { 443 };
    Some((uri.host()?.to_string(), uri.port_u16().unwrap_or(default)))
}

/// What work timed by the run's real-time `budget` gave; past the budget the step fails,
/// saying what did not happen in time.
fn in_budget<T>(budget: std::time::Duration, late: &str, answered: Result<T, tokio::time::error::Elapsed>) -> T {
    answered.unwrap_or_else(|_| {
        panic!("{late} within the run's real-time budget of {} s (--real-time-budget); the built-in fakes answer sooner", budget.as_secs())
    })
}

/// What to change when a device could not use the live run's real ActiveSync server, by the
/// kind of error it met (empty for an error that is the server's behaviour under test).
pub(crate) fn advice(kind: &mailconform_fakes::role_error::ErrorKind) -> &'static str {
    use mailconform_fakes::role_error::ErrorKind;
    match kind {
        ErrorKind::Unauthorized => {
            " (fix: check the mailbox's login and password, or the variable its password_env names, in the target configuration)"
        }
        ErrorKind::Unreachable => " (fix: check the host and port of the target's url, and that the server is running)",
        ErrorKind::TlsFailed => {
            " (fix: the server's certificate is not trusted: set ca = \"<its CA certificate, PEM>\" in the target configuration, \
             or insecure = true, which the report shows)"
        }
        _ => "",
    }
}

/// Why a step that needs the simulation does not apply to a live run.
pub(crate) const SIMULATED_ONLY: &str =
    "this step drives in-process roles (Secure Mail's EWS push, another built-in fake or virtual time) \
     that do not reach the real target of this run; against a real exchange.eas the bare ActiveSync client's scenarios and \
     Secure Mail's ActiveSync scenarios apply, against a real traveler the scenarios that plan a Traveler server, against a real apns \
     the bare provider's";

/// Why a step that reads the built-in Exchange's own state does not apply against a real mail server.
pub(crate) const FAKE_EXCHANGE: &str = "this step reads the built-in Exchange (its push subscriptions, request log, device \
     partnerships or mailboxes), which holds none of the real target's mailboxes in this run";

/// Bridges the listeners of every region out on the run's advertised address, before they
/// start, and tells the simulation so: each listener then gives Secure Mail a notification URL
/// the real Exchange can reach, with a certificate that names the advertised address.
pub(crate) fn bridge_listeners(live: &LiveTargets, sim: &mut Simulation) -> mailconform_sim::Bridge {
    let bridge = mailconform_sim::Bridge::new(sim.net.clone(), live.callback.bind());
    for region in mailconform_fakes::listener::Region::ALL {
        let host = region.host(mailconform_fakes::defaults::DOMAIN);
        bridge_out(live, sim, &bridge, &host, None).unwrap_or_else(|e| {
            panic!("the listener {host} could not listen on {} for the real Exchange (--advertise): {e}", live.callback.advertise)
        });
    }
    bridge
}

/// Bridges the scenario's `host` (its HTTPS port) out on `fixed` (any free port when `None`)
/// and tells the simulation, before the host's fake starts: the fake then hands out that URL
/// where it hands out its own, and its certificate names the advertised address.
fn bridge_out(
    live: &LiveTargets,
    sim: &mut Simulation,
    bridge: &mailconform_sim::Bridge,
    host: &str,
    fixed: Option<u16>,
) -> std::io::Result<()> {
    let opened = {
        let _inside = sim.enter();
        match fixed {
            Some(port) => bridge.open_at(host, 443, port),
            None => bridge.open(host, 443),
        }
    }?;
    sim.advertise(host, &live.callback.base_url(opened.port())).unwrap_or_else(|e| panic!("{e}"));
    Ok(())
}

/// Puts the real components beside the scenario's fakes in its network before anything is
/// deployed: the simulation's clients trust their certificates, its way out to each (and to the
/// names it hands out, `resolve`) goes through a fault gate of its own, and the topology names
/// each at its URL (so that a listener's certificate upload goes to its API). The roles of
/// `[callback.ports]` are bridged out on their fixed ports, with certificates that name the
/// advertised address, for those components to call (a listener's APNs, a SEG's Exchange).
///
/// Gives the bridge (closed with the scenario) and each real component's role with its gate.
pub(crate) fn place_beside(live: &LiveTargets, sim: &mut Simulation) -> Option<(mailconform_sim::Bridge, Vec<(String, FaultGate)>)> {
    if live.beside.is_empty() {
        return None;
    }
    let mut gates = Vec::new();
    for b in &live.beside {
        sim.trust_also(&b.trust);
        let gate = FaultGate::default();
        let (host, port) = address(&b.url).unwrap_or_else(|| panic!("the {} target's url {} names no host", b.role, b.url));
        sim.net.pass_through_gated(&host, port, None, gate.clone());
        for (name, name_port, addr) in &b.resolve {
            sim.net.pass_through_gated(name, *name_port, Some(*addr), gate.clone());
        }
        sim.topology.insert(mailconform_sim::Endpoint {
            role: b.role.clone(),
            host,
            base_url: b.url.clone(),
            control_url: format!("{}{}", b.url, mailconform_sim::CONTROL_PREFIX),
            plain_url: None,
            services: Default::default(),
        });
        gates.push((b.role.clone(), gate));
    }
    let bridge = mailconform_sim::Bridge::new(sim.net.clone(), live.callback.bind());
    for (role, port) in &live.callback.ports {
        let host = mailconform_fakes::role::target(role).map(|t| t.role.host).unwrap_or_else(|e| panic!("[callback.ports] {role}: {e}"));
        bridge_out(live, sim, &bridge, &host, Some(*port)).unwrap_or_else(|e| {
            panic!(
                "the scenario's {role} could not listen on {}:{port} ([callback.ports]) for the real components: {e}",
                live.callback.advertise
            )
        });
    }
    Some((bridge, gates))
}

/// `url` read onto the real component beside the scenario that stands for its host: the
/// default world's `https://<host>` of the role is the target's URL, the path kept; a URL of
/// another host stays as it is.
pub(crate) fn onto_beside(live: &LiveTargets, url: &str) -> String {
    for b in &live.beside {
        let Some(base) = b.default_base() else { continue };
        if let Some(rest) = url.strip_prefix(&base).filter(|rest| rest.is_empty() || rest.starts_with('/')) {
            return format!("{}{rest}", b.url);
        }
    }
    url.to_string()
}

/// The step a live run with real components beside its fakes appends to every scenario
/// ([`super::MailWorld::check_reached_real_component`]): a scenario whose steps all ran on
/// built-in fakes beside the real component is then not applicable rather than passed.
pub const REACHED_STEP: &str = "the scenario reached a real component of the run";

/// Why a scenario that reached none of the run's real components is not applicable.
pub(crate) const UNREACHED: &str = "this scenario reached none of the run's real components (its roles were all built-in fakes), \
     so it says nothing of them";

/// Marks every message of the real EWS mailboxes' Inboxes read before a scenario, so that a
/// badge counts this scenario's mail and not what earlier runs left on the server.
pub(crate) fn read_all_mail(live: &LiveTargets, sim: &Simulation) {
    use mailconform_fakes::driver::Mailboxes;
    let Some(ews) = &live.ews else { return };
    for user in ews.mailboxes.keys() {
        let email = format!("{user}@{}", mailconform_fakes::defaults::DOMAIN);
        if let Err(e) = within(live.budget, sim, ews.component.read_all(&email)) {
            super::not_applicable_or_panic(e);
        }
    }
}

/// Points a Secure Mail device at the live run's real servers. Against a real ActiveSync
/// server its "Secure Mail Exchange Server" policy is the target's URL, it signs in with the
/// target's credentials for its user and its DeviceId is this run's (a real server keeps every
/// device's state); against a real EWS its EWS client reads the inbox and subscribes to push
/// there, with the EWS target's credentials. The simulation lets its connections to the
/// targets' hosts out over TCP, trusting what the target configuration trusts.
///
/// Gives the device's HTTP client when a target speaks HTTPS or the run records: the
/// simulation's CA (for the fakes) and the targets' trust together.
pub(crate) fn put_device_on_target(
    live: &LiveTargets,
    traveler: bool,
    cfg: &mut mailconform_fakes::securemail::SecureMailConfig,
    sim: &Simulation,
    seed: u64,
    recorder: Option<Recorder>,
) -> Option<HttpClient> {
    let user = cfg.device_name.clone();
    let credentials = |mailboxes: &BTreeMap<String, (String, String)>, key: &str| {
        mailboxes.get(&user).cloned().unwrap_or_else(|| {
            panic!(
                "{}the target configuration has no mailbox for {user}: add [[target.\"{key}\".mailbox]] user = \"{user}\"",
                super::NOT_APPLICABLE
            )
        })
    };
    let mut reached: Vec<(&str, &HttpClient)> = Vec::new();
    let (eas, ews) = match traveler {
        true => (live.traveler.as_ref(), None),
        false => (live.eas.as_ref(), live.ews.as_ref()),
    };
    if let Some(eas) = eas {
        let (login, password) = credentials(&eas.mailboxes, &eas.component.role);
        cfg.exchange_server = match traveler {
            true => traveler_url(&cfg.exchange_server, &eas.url).unwrap_or_else(|why| panic!("{}{why}", super::NOT_APPLICABLE)),
            false => eas.url.clone(),
        };
        cfg.login = login;
        cfg.password = password;
        cfg.eas_login = None;
        cfg.activesync_device_id = format!("{}{}", cfg.activesync_device_id, live.mark(seed));
        reached.push((&eas.url, &eas.http));
    }
    if let Some(ews) = ews {
        let (login, password) = credentials(&ews.mailboxes, "exchange.ews");
        cfg.ews_url = Some(ews.url.clone());
        cfg.ews_credentials = Some((login, password));
        reached.push((&ews.url, &ews.http));
    }
    if reached.is_empty() {
        return None;
    }
    let mut https = false;
    let mut client = sim.client();
    for (url, http) in &reached {
        let (host, port) = address(url)?;
        sim.net.pass_through(&host, port);
        if !url.starts_with("https:") {
            continue;
        }
        https = true;
        client = match http.accepts_any_certificate() {
            true => client.accepting_any_certificate(),
            false => {
                let mut roots = (**client.roots()).clone();
                roots.roots.extend(http.roots().roots.iter().cloned());
                client.with_roots(std::sync::Arc::new(roots))
            }
        };
    }
    match recorder {
        Some(r) => Some(client.recording(r)),
        None => https.then_some(client),
    }
}

/// Where a device whose Exchange Server policy is `policy` reaches a real Traveler at `target`
/// (its ActiveSync URL): the default world's Traveler host stands for the target's scheme, host
/// and port, and the guide's full path for the target's path; any other path (a bare FQDN's
/// standard `/Microsoft-Server-ActiveSync`) stays, since it is what the scenario puts to the
/// server. A policy on plain HTTP needs a target on plain HTTP: the error says so.
pub(crate) fn traveler_url(policy: &str, target: &str) -> Result<String, String> {
    use mailconform_fakes::traveler::TRAVELER_EAS_PATH;
    let target_uri = target.parse::<http::Uri>().map_err(|e| format!("the traveler target's url {target:?} is not a URL: {e}"))?;
    let (scheme, authority) = (target_uri.scheme_str().unwrap_or("https"), target_uri.authority().map_or("", |a| a.as_str()));
    let Some((host, _)) = address(policy) else { return Ok(policy.to_string()) };
    if !host.eq_ignore_ascii_case(mailconform_fakes::defaults::TRAVELER_HOST) {
        return Ok(policy.to_string());
    }
    if policy.trim().starts_with("http://") && scheme != "http" {
        return Err(format!(
            "this scenario reaches Traveler over plain HTTP ({policy}); the traveler target is {target}: give its plain-HTTP URL (--target traveler=http://...) to run it"
        ));
    }
    let path = match policy.split_once("://").map(|(_, rest)| rest.find('/').map_or("", |i| &rest[i..])) {
        Some(p) if p.trim_end_matches('/').eq_ignore_ascii_case(TRAVELER_EAS_PATH) => target_uri.path(),
        Some(p) => p,
        None => "",
    };
    Ok(format!("{scheme}://{authority}{path}"))
}

/// A recorder watching the real servers' hosts, for a run with `--record`.
pub(crate) fn recorder_for(live: &LiveTargets) -> Option<Recorder> {
    if !live.record {
        return None;
    }
    let urls: Vec<&str> = live
        .eas
        .iter()
        .chain(&live.traveler)
        .map(|e| e.url.as_str())
        .chain(live.ews.iter().map(|e| e.url.as_str()))
        .chain(live.apns.iter().map(|a| a.url.as_str()))
        .chain(live.adcs.iter().map(|a| a.url.as_str()))
        .chain(live.login.iter().flat_map(|l| [l.url.as_str(), l.provider.configuration.token_endpoint.as_str()]))
        .collect();
    if urls.is_empty() {
        return None;
    }
    let recorder = Recorder::default();
    for url in urls {
        if let Some((host, port)) = address(url) {
            recorder.watch(&host, port);
        }
    }
    Some(recorder)
}

/// Runs `f` on the live simulation's runtime (real clock) for at most `budget`.
pub(crate) fn within<F: Future>(budget: std::time::Duration, sim: &Simulation, f: F) -> F::Output {
    in_budget(budget, "the step did not finish", sim.block_on(async move { tokio::time::timeout(budget, f).await }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};
    use std::time::Duration;

    #[test]
    fn an_address_is_read_from_a_url_or_a_bare_host() {
        assert_eq!(address("https://mail.example.test/EWS/Exchange.asmx"), Some(("mail.example.test".into(), 443)));
        assert_eq!(address("http://127.0.0.1:8080/"), Some(("127.0.0.1".into(), 8080)));
        assert_eq!(address("mail.example.test"), Some(("mail.example.test".into(), 443)));
        assert_eq!(address("mail.example.test:8443"), Some(("mail.example.test".into(), 8443)));
        assert_eq!(address("not a url"), None);
    }

    #[test]
    fn a_traveler_policy_is_read_onto_the_target() {
        let target = "https://notes.acme.example:8443/traveler/Microsoft-Server-ActiveSync";
        let full = "https://traveler.example.test/traveler/Microsoft-Server-ActiveSync";
        assert_eq!(traveler_url(full, target).unwrap(), target);
        assert_eq!(
            traveler_url(full, "http://127.0.0.1:20000/SOGo/Microsoft-Server-ActiveSync").unwrap(),
            "http://127.0.0.1:20000/SOGo/Microsoft-Server-ActiveSync"
        );
        // A bare FQDN and another path are put to the target as they are.
        assert_eq!(traveler_url("traveler.example.test", target).unwrap(), "https://notes.acme.example:8443");
        assert_eq!(
            traveler_url("https://traveler.example.test/Microsoft-Server-ActiveSync", target).unwrap(),
            "https://notes.acme.example:8443/Microsoft-Server-ActiveSync"
        );
        // Plain HTTP only against a plain-HTTP target.
        let plain = "http://traveler.example.test/traveler/Microsoft-Server-ActiveSync";
        let e = traveler_url(plain, target).unwrap_err();
        assert!(e.contains("plain HTTP") && e.contains("--target traveler=http://"), "{e}");
        assert_eq!(
            traveler_url(plain, "http://notes.acme.example/traveler/Microsoft-Server-ActiveSync").unwrap(),
            "http://notes.acme.example/traveler/Microsoft-Server-ActiveSync"
        );
        // Another server's policy is not Traveler's.
        assert_eq!(traveler_url("https://mail.example.test", target).unwrap(), "https://mail.example.test");
    }

    #[test]
    fn a_url_of_the_default_worlds_host_is_read_onto_the_real_component_beside_it() {
        let mut live = LiveTargets::new(None, Duration::from_secs(1)).unwrap();
        live.beside.push(LiveBeside { role: "seg".into(), url: "https://seg.corp.example:8443".into(), trust: vec![], resolve: vec![] });
        let eas = "https://seg.example.test/Microsoft-Server-ActiveSync";
        assert_eq!(onto_beside(&live, eas), "https://seg.corp.example:8443/Microsoft-Server-ActiveSync");
        assert_eq!(onto_beside(&live, "https://seg.example.test"), "https://seg.corp.example:8443");
        // Another host, even one that starts with the same name, stays.
        assert_eq!(onto_beside(&live, "https://seg.example.test.other/EWS"), "https://seg.example.test.other/EWS");
        assert_eq!(onto_beside(&live, "https://mail.example.test/EWS/Exchange.asmx"), "https://mail.example.test/EWS/Exchange.asmx");
    }

    #[test]
    fn work_past_the_budget_fails_the_step_saying_what_was_late() {
        let targets = LiveTargets::new(None, Duration::from_millis(20)).unwrap();
        assert_eq!(targets.block_on(async { 7 }), 7);
        let late = catch_unwind(AssertUnwindSafe(|| targets.block_on(async { tokio::time::sleep(Duration::from_secs(5)).await })));
        let message = late.expect_err("past the budget").downcast_ref::<String>().cloned().unwrap_or_default();
        assert!(message.starts_with("the real component did not answer within the run's real-time budget of 0 s"), "{message}");
    }
}
