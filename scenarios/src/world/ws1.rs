//! The Workspace ONE side of a scenario (seed 003): SEG V2, ENS2, the UEM console, the KDC
//! and Boxer devices — planned by Given steps, deployed with the rest of the world.

use super::live::SignIn;
use super::served::ServedRoles;
use crate::params::{BoxerAuth, User};
use crate::MailWorld;
use mailconform_auth::oidc::{self, PasswordGrant};
use mailconform_auth::IssuerServer;
use mailconform_fakes::boxer::BoxerConfig;
use mailconform_fakes::defaults;
use mailconform_fakes::deployment;
use mailconform_fakes::deployment::Roles;
use mailconform_fakes::ens::{EnsSettings, MailAuth, Placement};
use mailconform_fakes::role;
use mailconform_fakes::seg::{SegConfig, SegVersion};
use mailconform_fakes::uem::ComplianceState;
use mailconform_sim::Simulation;
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

/// A SEG of the plan: its role in the topology, configuration and properties text.
#[derive(Clone, Debug)]
pub struct PlannedSeg {
    /// Its role name (`seg`, or `seg.<host>` for another).
    pub role: String,
    /// Its configuration before `application.properties` is applied.
    pub config: SegConfig,
    /// Lines of its `application.properties`.
    pub properties: Vec<String>,
}

/// The Workspace ONE side as Given steps configure it.
#[derive(Clone, Debug)]
pub struct Ws1Plan {
    /// The SEGs, the default world's first.
    pub segs: Vec<PlannedSeg>,
    /// Where ENS2 runs (cloud or on premises).
    pub ens_placement: Placement,
    /// Where ENS reaches EWS; by default the first SEG's EWS proxy when it is enabled,
    /// Exchange's EWS otherwise.
    pub ens_ews_url: Option<String>,
    /// How each user's Boxer authenticates (Basic when not set).
    pub boxer_auth: BTreeMap<String, BoxerAuth>,
    /// Exchange serves a self-signed certificate instead of one of the run's CA.
    pub exchange_self_signed: bool,
    /// SEG roles whose Java trust store holds Exchange's self-signed certificate.
    pub trusting_segs: Vec<String>,
}

impl Default for Ws1Plan {
    fn default() -> Self {
        Ws1Plan {
            segs: vec![PlannedSeg {
                role: role::SEG.to_string(),
                config: deployment::default_seg_config(deployment::SERVED_SEG_VERSION, defaults::EXCHANGE_HOST),
                properties: Vec::new(),
            }],
            ens_placement: Placement::Cloud,
            ens_ews_url: None,
            boxer_auth: BTreeMap::new(),
            exchange_self_signed: false,
            trusting_segs: Vec::new(),
        }
    }
}

impl Ws1Plan {
    /// The SEG at `seg.example.test`.
    pub fn main_seg(&mut self) -> &mut PlannedSeg {
        &mut self.segs[0]
    }

    fn effective(seg: &PlannedSeg) -> SegConfig {
        let mut c = seg.config.clone();
        c.apply_properties(&seg.properties.join("\n")).unwrap_or_else(|e| panic!("SEG {}'s application.properties: {e}", seg.role));
        c
    }
}

/// What the Workspace ONE side needs at run time.
pub struct Ws1Runtime {
    /// Where Boxers with modern authentication get their tokens.
    pub tokens: TokenSource,
    /// The audience Exchange accepts tokens for.
    pub audience: String,
    /// The in-process OAuth issuer, until it is put on its host.
    issuer_host: Option<Arc<IssuerServer>>,
    /// The Boxers started so far.
    pub created_boxers: Vec<String>,
}

/// Where Boxer's modern authentication signs in: the scenario's OAuth issuer (in-process, or
/// served by another process) at its token endpoint, or the live run's real identity provider.
/// Either way by the password grant, over HTTP, as a Boxer does.
#[derive(Clone, Debug)]
pub enum TokenSource {
    /// The scenario's issuer (`login`), reached through the simulation.
    Scenario {
        /// Its token endpoint.
        token_endpoint: String,
    },
    /// The real identity provider of the run (`[target.login]`).
    Real(Box<super::live::LiveLogin>),
}

/// How long the scenario's own issuer may take to answer a discovery or a grant.
const ISSUER_TIMEOUT: Duration = Duration::from_secs(30);

/// Before Exchange starts: trust the scenario's OAuth issuer for EWS and ActiveSync (the
/// in-process one, or a served one as discovered at its host), or the live run's real identity
/// provider (its issuer and keys as discovered, the audience its tokens name the mail server by).
pub fn prepare_exchange(
    plan: &mut super::Plan,
    sim: &Simulation,
    served: Option<&ServedRoles>,
    real: Option<&super::live::LiveLogin>,
) -> Ws1Runtime {
    let own = plan.exchange.oauth_audience();
    let base = format!("https://{}", defaults::LOGIN_HOST);
    let (tokens, audience, trust, issuer_host) = match (real, served.is_some_and(|s| s.serves(role::LOGIN))) {
        (Some(login), _) => {
            let audience = login.audience(&own);
            let trust = login.provider.trust(&audience);
            (TokenSource::Real(Box::new(login.clone())), audience, trust, None)
        }
        (None, true) => {
            let found = sim
                .block_on(oidc::discover(&sim.client(), &base, ISSUER_TIMEOUT))
                .unwrap_or_else(|e| panic!("the served OAuth issuer could not be discovered: {e}"));
            let token_endpoint = found.configuration.token_endpoint.clone();
            (TokenSource::Scenario { token_endpoint }, own.clone(), found.trust(&own), None)
        }
        (None, false) => {
            let server = deployment::default_oauth_issuer(sim.clock.clone()).expect("the OAuth issuer's key is generated");
            let token_endpoint = format!("{base}{}", mailconform_auth::issuer_host::contract::TOKEN_PATH);
            let trust = server.trust(&own);
            (TokenSource::Scenario { token_endpoint }, own.clone(), trust, Some(server))
        }
    };
    plan.exchange.oauth = Some(trust);
    Ws1Runtime { tokens, audience, issuer_host, created_boxers: Vec::new() }
}

impl Ws1Runtime {
    /// The in-process OAuth issuer, to put on its host (once).
    pub(crate) fn take_issuer_host(&mut self) -> Option<Arc<IssuerServer>> {
        self.issuer_host.take()
    }
}

/// Exchange (self-signed when planned), the KDC, the console, the SEGs and ENS. A role
/// `served` by another process is not put but configured as the scenario plans it, through
/// its control API: a served SEG takes the scenario's MEM configuration and its
/// `application.properties`, a served ENS2 its EWS URL; the KDC and the console need nothing
/// (the KDC derives its keys from the default world's passwords, the console is told each
/// device's state by the steps). What a served role cannot be made (another SEG version,
/// another ENS2 placement) makes the scenario not applicable, naming it.
/// Returns the gates by role.
pub fn deploy(
    sim: &mut Simulation,
    plan: &super::Plan,
    ws1: &Ws1Plan,
    team_pkcs8: Vec<u8>,
    served: Option<&ServedRoles>,
    beside: Option<&super::live::LiveTargets>,
    issuer_host: Option<Arc<IssuerServer>>,
) -> Vec<(String, mailconform_sim::FaultGate)> {
    let serves = |role: &str| served.is_some_and(|s| s.serves(role));
    let mut gates = Vec::new();
    if let Some(issuer) = issuer_host {
        gates.push((role::LOGIN.to_string(), deployment::add_oauth_issuer(sim, issuer).expect("the OAuth issuer starts")));
    }
    let onto_beside = |url: String| beside.map_or(url.clone(), |l| super::live::onto_beside(l, &url));
    // A served Exchange (never self-signed: the plan checked) took the scenario's
    // authentication already.
    let real_kdc = beside.and_then(|l| l.kdc.as_ref());
    // With a real KDC, Exchange opens its tickets with the keys of Exchange's account there (a
    // served Exchange keeps the default world's account: mail-svc-pw).
    let mut exchange = plan.exchange.clone();
    if let Some(kdc) = real_kdc {
        exchange.keytab = Some(kdc.exchange_keytab());
    }
    let exchange_pem = if ws1.exchange_self_signed {
        let (gate, pem) = deployment::add_exchange_self_signed(sim, exchange).expect("Exchange fake starts");
        gates.push((role::EXCHANGE.to_string(), gate));
        Some(pem)
    } else {
        if !serves(role::EXCHANGE) {
            gates.extend(deployment::add_exchange(sim, exchange, &plan.exchange_aliases).expect("Exchange fake starts"));
        }
        None
    };
    match real_kdc {
        Some(kdc) => {
            let (host, port) = kdc.address().unwrap_or_else(|| panic!("the kdc target's address {} is not HOST:PORT", kdc.kdc.address));
            let gate = mailconform_sim::FaultGate::default();
            sim.net.pass_through_gated(&host, port, None, gate.clone());
            gates.push((role::KDC.to_string(), gate));
        }
        None if !serves(role::KDC) => {
            let kdc = deployment::default_kdc(sim.clock.clone(), sim.rng.fork("kdc"));
            gates.push((role::KDC.to_string(), deployment::add_kdc(sim, kdc).expect("KDC starts")));
        }
        None => {}
    }
    // A real console stands beside the scenario: SEG asks it about devices at its URL.
    if !serves(role::UEM) && beside.is_none_or(|l| l.beside(role::UEM).is_none()) {
        gates.push((role::UEM.to_string(), deployment::add_uem(sim).expect("console starts")));
    }
    for seg in &ws1.segs {
        let mut c = Ws1Plan::effective(seg);
        c.compliance_api = c.compliance_api.map(onto_beside);
        let declared = beside.and_then(|l| l.seg.as_ref().filter(|_| l.beside(&seg.role).is_some()));
        if let Some(kcd) = c.kcd.as_mut() {
            match real_kdc {
                Some(kdc) => *kcd = kdc.kcd.clone(),
                // In one process with the KDC, SEG asks it in Kerberos itself (port 88); a SEG or
                // KDC served by another process keeps the KDC's ticket API on its HTTPS host.
                None if !serves(&seg.role) && declared.is_none() && !serves(role::KDC) => kcd.kdc_url = deployment::kerberos_url(),
                None => {}
            }
        }
        if let (Some(pem), true) = (&exchange_pem, ws1.trusting_segs.contains(&seg.role)) {
            c.trusted_certificates.push(pem.clone());
        }
        match (serves(&seg.role), declared) {
            (_, Some(declared)) => require_declared_seg(&seg.role, &c, declared),
            (true, None) => configure_served_seg(sim, &seg.role, &c),
            (false, None) => gates.push((seg.role.clone(), deployment::add_seg(sim, &seg.role, c).expect("SEG starts"))),
        }
    }
    let main = Ws1Plan::effective(&ws1.segs[0]);
    let planned_ews_url = ws1.ens_ews_url.clone().unwrap_or_else(|| {
        if main.enable_boxer_ens_ews_proxy {
            format!("https://{}/EWS/Exchange.asmx", main.host)
        } else {
            format!("https://{}/EWS/Exchange.asmx", defaults::EXCHANGE_HOST)
        }
    });
    let ews_url = onto_beside(planned_ews_url.clone());
    let real_ens = beside.and_then(|l| l.ens.as_ref().filter(|_| l.beside(role::ENS).is_some()));
    match (serves(role::ENS), real_ens) {
        (_, Some(declared)) => require_declared_ens(&planned_ews_url, ws1.ens_placement, declared),
        (true, None) => configure_served_ens(sim, EnsSettings { placement: ws1.ens_placement, ews_url }),
        (false, None) => {
            gates.push((role::ENS.to_string(), deployment::add_ens(sim, ws1.ens_placement, &ews_url, team_pkcs8).expect("ENS starts")))
        }
    }
    gates
}

/// A real SEG is configured by its operator, once: the scenario applies when it plans that
/// configuration (the target's `product_version` and `properties`, the rest at the default
/// world's MEM configuration), and is not applicable otherwise, naming what differs.
fn require_declared_seg(role: &str, planned: &SegConfig, declared: &super::live::SegDeclared) {
    let refuse = |what: String| -> ! {
        panic!(
            "{}the scenario plans {what}; the real {role} is configured as its target declares (product_version, properties), \
             so run this scenario against a SEG so configured, or with SEG in-process",
            super::NOT_APPLICABLE
        )
    };
    if planned.version != declared.version {
        refuse(format!("SEG V2 {}, and the real {role} is SEG V2 {}", planned.version, declared.version));
    }
    let mut real = deployment::default_seg_config(&declared.version.to_string(), defaults::EXCHANGE_HOST);
    real.apply_properties(&declared.properties.join("\n"))
        .unwrap_or_else(|e| panic!("the target's properties of {role} do not read as application.properties: {e}"));
    if planned.properties_text() != real.properties_text() {
        refuse(format!("the application.properties\n{}\nwhere the real {role} has\n{}", planned.properties_text(), real.properties_text()));
    }
    if format!("{:?}", planned.mem()) != format!("{:?}", real.mem()) {
        refuse("another MEM configuration (server timeout, trust store, KCD or compliance)".into());
    }
}

/// A real ENS2 is configured by its operator, once: the scenario applies when it plans ENS2
/// where the target declares it installed (`placement`) and reaching EWS through the role it
/// declares (`ews_via`), and is not applicable otherwise, naming what differs.
fn require_declared_ens(planned_ews_url: &str, planned_placement: Placement, declared: &super::live::EnsDeclared) {
    let refuse = |what: String| -> ! {
        panic!(
            "{}the scenario plans {what}; the real ens is configured as its target declares (placement, ews_via), so run this \
             scenario against an ENS2 so configured, or with ENS2 in-process",
            super::NOT_APPLICABLE
        )
    };
    if planned_placement != declared.placement {
        refuse(format!("ENS2 {planned_placement}, and the real ens is installed {}", declared.placement));
    }
    let host = super::live::address(planned_ews_url).map(|(host, _)| host).unwrap_or_default();
    let via = match role::target(&declared.ews_via) {
        Ok(t) => t.role.host,
        Err(_) => String::new(),
    };
    if !host.eq_ignore_ascii_case(&via) {
        refuse(format!("ENS2 reaching EWS at {planned_ews_url}, and the real ens reaches it through the scenario's {}", declared.ews_via));
    }
}

/// A served SEG made the scenario's: the same version, then its MEM configuration and its
/// whole `application.properties` (what the start-up file of `serve` set is written over).
fn configure_served_seg(sim: &Simulation, role: &str, planned: &SegConfig) {
    let seg = Roles::new(sim).seg(role).expect("the served SEG is in the topology");
    let served = sim.block_on(seg.config()).unwrap_or_else(|e| panic!("the served {role} did not show its settings: {e}"));
    if SegVersion::parse(&served.version).as_ref() != Some(&planned.version) {
        panic!(
            "{}the scenario plans SEG V2 {}, and the served {role} is SEG V2 {} (a version is what is installed, not a setting); \
             serve it with --seg-version {}, or run this scenario with SEG in-process",
            super::NOT_APPLICABLE,
            planned.version,
            served.version,
            planned.version
        );
    }
    sim.block_on(seg.set_mem_configuration(&planned.mem()))
        .unwrap_or_else(|e| panic!("the served {role} refused the scenario's MEM configuration: {e}"));
    sim.block_on(seg.apply_properties(&planned.properties_text()))
        .unwrap_or_else(|e| panic!("the served {role} refused the scenario's application.properties: {e}"));
}

/// A served ENS2 pointed at the scenario's EWS URL, if it is installed where the scenario
/// plans it.
fn configure_served_ens(sim: &Simulation, planned: EnsSettings) {
    let ens = Roles::new(sim).ens().expect("the served ENS2 is in the topology");
    let served = sim.block_on(ens.settings()).unwrap_or_else(|e| panic!("the served ENS2 did not show its configuration: {e}"));
    if served.placement != planned.placement {
        panic!(
            "{}the scenario plans ENS2 {}, and the served ENS2 is installed {} (its API under {}); serve it with \
             --ens-placement {}, or run this scenario with ENS2 in-process",
            super::NOT_APPLICABLE,
            planned.placement,
            served.placement,
            served.placement.api_prefix(),
            planned.placement.option()
        );
    }
    sim.block_on(ens.configure(&planned)).unwrap_or_else(|e| panic!("the served ENS2 refused the scenario's EWS URL: {e}"));
}

/// An access token for the features' user `login` (with `email` and `password` in the default
/// world) to `audience`, as Boxer's modern authentication signs in: the password grant at the
/// scenario's issuer, or at the live run's real identity provider with the target's mailbox (a
/// user the target has no mailbox for makes the scenario not applicable).
fn boxer_token(world: &mut MailWorld, source: &TokenSource, (login, email, password): (&str, &str, &str), audience: &str) -> String {
    let answered = match source {
        TokenSource::Real(real) => {
            let (client_id, client_secret) = match &real.sign_in {
                SignIn::PasswordGrant { client_id, client_secret } => (client_id, client_secret.as_deref()),
                SignIn::Command(command) => {
                    let (username, _) = real.mailbox(login).unwrap_or_else(|why| panic!("{}{why}", super::NOT_APPLICABLE));
                    let fetched =
                        world.run_on_real(mailconform_fakes::driver::access_token(command, login, &username, &real.scope(audience)));
                    return fetched.unwrap_or_else(|e| panic!("Boxer's modern authentication: {e}"));
                }
            };
            let grant =
                real.grant(login, audience, client_id, client_secret).unwrap_or_else(|why| panic!("{}{why}", super::NOT_APPLICABLE));
            let http = world.recorder().map_or_else(|| real.http.clone(), |r| real.http.recording(r));
            let endpoint = real.provider.configuration.token_endpoint.clone();
            let timeout = world.live.as_ref().map(|l| l.budget).unwrap_or_default();
            world.run_on_real(oidc::password_grant(&http, &endpoint, &grant, timeout))
        }
        TokenSource::Scenario { token_endpoint } => {
            let grant = PasswordGrant {
                client_id: defaults::BOXER_CLIENT_ID.into(),
                client_secret: None,
                scope: oidc::ews_scope(audience),
                username: email.into(),
                password: password.into(),
            };
            let http = world.sim_ref().client();
            world.run(oidc::password_grant(&http, token_endpoint, &grant, ISSUER_TIMEOUT))
        }
    };
    answered.unwrap_or_else(|e| panic!("Boxer's modern authentication: {e}")).access_token
}

/// `user`'s Boxer, created on first use, enrolled in the console as compliant.
pub fn ensure_boxer(world: &mut MailWorld, user: &User) -> String {
    world.deploy();
    let name = user.to_ascii_lowercase();
    let rt = world.running().ws1.as_ref().expect("a Workspace ONE deployment is planned (Given a Workspace ONE deployment …)");
    let created = rt.created_boxers.contains(&name);
    let auth = world.spec().ws1.as_ref().and_then(|p| p.boxer_auth.get(&name).copied()).unwrap_or(BoxerAuth::Basic);
    if created {
        return name;
    }
    let email = user.email().to_ascii_lowercase();
    let placement = world.spec().ws1.as_ref().map(|p| p.ens_placement).unwrap_or(Placement::Cloud);
    let mut cfg: BoxerConfig = deployment::default_boxer_config(&name, &email);
    cfg.ens_api = format!("https://{}{}", defaults::ENS_HOST, placement.api_prefix());
    if let Some(live) = world.live.clone() {
        // A real SEG or ENS2 stands for the default world's.
        cfg.eas_url = super::live::onto_beside(&live, &cfg.eas_url);
        cfg.ens_api = super::live::onto_beside(&live, &cfg.ens_api);
        cfg.uem_api = super::live::onto_beside(&live, &cfg.uem_api);
    }
    let login = defaults::USERS.iter().find(|u| u.1 == email).map(|u| (u.0.to_string(), u.2.to_string())).unwrap_or_default();
    let (tokens, audience) = world.running().ws1.as_ref().map(|rt| (rt.tokens.clone(), rt.audience.clone())).expect("deployed");
    let token = (auth == BoxerAuth::OAuth).then(|| boxer_token(world, &tokens, (&login.0, &email, &login.1), &audience));
    let sim = world.sim_ref();
    cfg.auth = match auth {
        BoxerAuth::Basic => MailAuth::Basic { username: login.0, password: login.1 },
        BoxerAuth::Ntlm => MailAuth::Ntlm { username: format!("{}\\{}", defaults::NTLM_DOMAIN, login.0), password: login.1 },
        BoxerAuth::OAuth => MailAuth::Oauth { token: token.expect("a token is asked for OAuth") },
        BoxerAuth::Certificate => {
            let cert = deployment::user_certificate(sim, &email, Duration::from_secs(365 * 86_400)).expect("user certificate minted");
            MailAuth::Certificate { cert_pem: cert.cert_pem, key_pem: cert.key_pem }
        }
    };
    let device_id = cfg.device_id.clone();
    deployment::add_boxer(world.sim(), cfg).expect("Boxer starts");
    world.running().ws1.as_mut().expect("deployed").created_boxers.push(name.clone());
    let console = world.console();
    world.drive(console.set_state(&device_id, &email, ComplianceState::Compliant));
    name
}
