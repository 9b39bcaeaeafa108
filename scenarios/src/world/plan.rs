//! What a scenario's Given steps configure, and the deployment it becomes.
//!
//! A [`Plan`] is a builder: steps change it freely until the first action, which calls
//! [`Plan::deploy`]. Deploying consumes the plan, so nothing can configure a running
//! deployment; what a Then step needs to know about the configuration it reads from
//! [`Deployment::plan`], read-only.

use super::served::ServedRoles;
use super::tls::TlsState;
use super::ws1;
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::exchange::ExchangeConfig;
use mailconform_fakes::listener::Region;
use mailconform_fakes::securemail::SecureMailConfig;
use mailconform_fakes::{defaults, role};
use mailconform_sim::{FaultGate, Simulation};
use std::collections::BTreeMap;
use std::time::Duration;

/// What the scenario's Given steps asked for, before anything is deployed.
#[derive(Clone, Debug)]
pub struct Plan {
    /// Exchange's configuration (version, authentication, retry schedule, ...).
    pub exchange: ExchangeConfig,
    /// Extra host names the Exchange fake answers EWS on (a separate EWS FQDN).
    pub exchange_aliases: Vec<String>,
    /// Regions whose listener has Secure Mail's APNs certificate uploaded at start.
    pub uploaded_regions: Vec<Region>,
    /// Secure Mail devices configured before the deployment started.
    pub devices: BTreeMap<String, SecureMailConfig>,
    /// A Notes Traveler server, when the scenario has one.
    pub traveler: Option<mailconform_fakes::traveler::TravelerConfig>,
    /// SEG V2, ENS2, the console and Boxers, when the scenario has them.
    pub ws1: Option<ws1::Ws1Plan>,
    /// Hosts whose port 443 speaks exactly these protocol versions (on OpenSSL, see
    /// `mailconform-tls`); the others keep rustls.
    pub server_tls: BTreeMap<String, mailconform_tls::VersionSet>,
    /// The domain controller (AD CS and the directory over LDAP), when the scenario enrolls
    /// or looks up certificates, with the source of its CA's key (the scenario's).
    pub domain_controller: Option<mailconform_smime::KeySource>,
    /// Secure Mail's MDX network policies, when the scenario has NetScaler Gateway and
    /// Endpoint Management: every Secure Mail then connects as they say.
    pub network: Option<mailconform_fakes::mdx::NetworkPolicies>,
    /// Hosts placed on the internal network, which phones reach only through the gateway.
    pub internal_hosts: std::collections::BTreeSet<String>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            exchange: deployment::default_exchange_config(),
            exchange_aliases: Vec::new(),
            uploaded_regions: vec![Region::Americas],
            devices: BTreeMap::new(),
            traveler: None,
            ws1: None,
            server_tls: BTreeMap::new(),
            domain_controller: None,
            network: None,
            internal_hosts: Default::default(),
        }
    }
}

impl Plan {
    /// Put every planned server on the simulation: APNs, Exchange (or the Workspace ONE side
    /// with it), the three listeners, Traveler, the servers on OpenSSL; upload Secure Mail's
    /// certificate where planned. Devices start on their first action.
    ///
    /// Roles `served` by another process are not put: the simulation reaches them at their
    /// ports ([`super::served`]), and a plan that configures them otherwise than they run is
    /// not applicable. Nor are the real components beside the fakes, which the simulation
    /// reaches at their URLs ([`super::live::place_beside`]).
    pub(crate) fn deploy(
        mut self,
        sim: &mut Simulation,
        tls: &mut TlsState,
        served: Option<&ServedRoles>,
        beside: Option<&super::live::LiveTargets>,
    ) -> Deployment {
        let real = |role: &str| beside.is_some_and(|l| l.beside(role).is_some());
        let serves = |role: &str| served.is_some_and(|s| s.serves(role));
        if let Some(why) = served.and_then(|s| self.unlike_served(s)) {
            panic!("{}{why}", super::NOT_APPLICABLE);
        }
        let real_login = beside.and_then(|l| l.login.as_ref());
        let mut ws1_runtime = self.ws1.is_some().then(|| ws1::prepare_exchange(&mut self, sim, served, real_login));
        if serves(role::EXCHANGE) {
            configure_served_exchange(sim, &self.exchange);
        }
        // ENS2 signs its provider tokens with the key the APNs of the scenario trusts: the
        // served deployment's when APNs or ENS2 is served.
        let real_ens = beside.and_then(|l| l.ens.as_ref().filter(|_| real(role::ENS)));
        let team_pkcs8 = match (served.and_then(|s| s.apns_team.clone()), real_ens) {
            // A real ENS2 signs with its own team key, which the scenario's APNs trusts.
            (_, Some(ens)) => {
                deployment::add_apns_for(sim, &ens.team).expect("APNs fake starts");
                Vec::new()
            }
            (None, None) => deployment::add_apns(sim).expect("APNs fake starts"),
            (Some((_, pkcs8)), None) if serves(role::APNS) => pkcs8,
            (Some((team, pkcs8)), None) => {
                deployment::add_apns_for(sim, &team).expect("APNs fake starts");
                pkcs8
            }
        };
        let mut gates = match &self.ws1 {
            Some(planned) => {
                let issuer_host = ws1_runtime.as_mut().and_then(ws1::Ws1Runtime::take_issuer_host);
                ws1::deploy(sim, &self, planned, team_pkcs8, served, beside, issuer_host)
            }
            None if serves(role::EXCHANGE) => Vec::new(),
            None => deployment::add_exchange(sim, self.exchange.clone(), &self.exchange_aliases).expect("Exchange fake starts"),
        };
        for r in Region::ALL.into_iter().filter(|r| !serves(&role::listener(*r)) && !real(&role::listener(*r))) {
            gates.push((role::listener(r), deployment::add_listener(sim, r).expect("listener starts")));
        }
        if let Some(t) = self.traveler.clone().filter(|_| !serves(role::TRAVELER)) {
            gates.push((role::TRAVELER.to_string(), deployment::add_traveler(sim, t).expect("Traveler fake starts")));
        }
        if let Some(keys) = self.domain_controller.clone().filter(|_| !serves(role::ADCS)) {
            gates.push((role::ADCS.to_string(), deployment::add_domain_controller(sim, keys).expect("the domain controller starts")));
        }
        if let Some(policies) = &self.network {
            if serves(role::XMS) {
                // A served Endpoint Management takes the app's policies through its control API.
                let xms = Roles::new(sim).xms().expect("the served Endpoint Management is in the topology");
                sim.block_on(xms.set_policies(policies)).expect("the served Endpoint Management takes the app's policies");
            } else {
                gates.push((role::XMS.to_string(), deployment::add_xms(sim, policies.clone()).expect("Endpoint Management starts")));
            }
            if !serves(role::GATEWAY) {
                gates.push((role::GATEWAY.to_string(), deployment::add_gateway(sim).expect("the gateway starts")));
            }
        }
        for host in &self.internal_hosts {
            sim.place_internal(host);
        }
        for (host, versions) in &self.server_tls {
            tls.serve(sim, host, *versions);
        }
        let roles = Roles::new(sim);
        for r in &self.uploaded_regions {
            let l = roles.listener(*r).expect("listener role");
            let cert = deployment::provider_certificate(&*sim, defaults::APP_ID, Duration::from_secs(365 * 24 * 3600))
                .expect("certificate minted");
            sim.block_on(l.upload_certificate(defaults::APP_ID, *r, &cert.cert_pem, &cert.key_pem)).expect("certificate upload");
        }
        let pending = std::mem::take(&mut self.devices);
        Deployment {
            plan: self,
            gates: gates.into_iter().collect(),
            pending_devices: pending,
            created_devices: Vec::new(),
            ws1: ws1_runtime,
            delivered: BTreeMap::new(),
            boxer_pushes_seen: BTreeMap::new(),
            restarted_at_ms: BTreeMap::new(),
        }
    }
}

impl Plan {
    /// Where every Secure Mail is enrolled when the scenario has network policies: the default
    /// world's gateway and Endpoint Management, which gives the app the planned policies.
    pub fn network_setup(&self) -> Option<mailconform_fakes::securemail::network::NetworkSetup> {
        self.network.as_ref().map(|_| mailconform_fakes::securemail::network::NetworkSetup {
            gateway: mailconform_fakes::mdx::ServiceAddress::new(defaults::GATEWAY_HOST, 443),
            endpoint_management: format!("https://{}", defaults::XMS_HOST),
        })
    }

    /// Why this plan cannot run with the `served` roles as they are served, if it cannot: each
    /// served role must be configured as `mailconform serve` runs it, since the harness cannot
    /// reconfigure another process's fake.
    fn unlike_served(&self, served: &ServedRoles) -> Option<String> {
        let differs = |role: &str, setting: &str| {
            Some(format!(
                "the scenario sets {setting} of {role}, which is served by another process ({}) as `mailconform serve` runs it; \
                 run this scenario with {role} in-process, or serve it so configured",
                served.dirs_shown()
            ))
        };
        if served.serves(role::EXCHANGE) {
            // ExchangeConfig holds keys and trust without equality; its Debug form lists every
            // setting. Its authentication is what a served Exchange takes through its control
            // API ([`configure_served_exchange`]), so it does not count here.
            if !self.exchange_aliases.is_empty() {
                return differs(role::EXCHANGE, "another host name");
            }
            if format!("{:?}", without_auth(&self.exchange)) != format!("{:?}", without_auth(&deployment::default_exchange_config())) {
                return differs(role::EXCHANGE, "the configuration (version, retry schedule or mailboxes)");
            }
            if self.ws1.as_ref().is_some_and(|w| w.exchange_self_signed) {
                return differs(role::EXCHANGE, "a self-signed certificate");
            }
        }
        if let Some(planned) = self.traveler.as_ref().filter(|_| served.serves(role::TRAVELER)) {
            let mut planned = planned.clone();
            if planned.people.is_empty() {
                planned.people = deployment::default_people();
            }
            if format!("{planned:?}") != format!("{:?}", deployment::served_traveler_config(&planned.host)) {
                return differs(role::TRAVELER, "notes.ini or the Domino directory otherwise than the recommended settings");
            }
        }
        for host in self.server_tls.keys() {
            if served.roles.iter().any(|r| &r.host == host) {
                return differs(host, "the TLS versions");
            }
        }
        None
    }
}

/// `config` with the default authentication: what is left when the settings a served Exchange
/// takes through its control API are set aside.
fn without_auth(config: &mailconform_fakes::exchange::ExchangeConfig) -> mailconform_fakes::exchange::ExchangeConfig {
    let default = deployment::default_exchange_config();
    let mut c = config.clone();
    (c.ews_auth, c.eas_auth, c.oauth) = (default.ews_auth, default.eas_auth, default.oauth);
    c
}

/// A served Exchange given the scenario's authentication (IIS's methods of both virtual
/// directories, and the OAuth issuer of the Workspace ONE side) through `PUT
/// /_mailconform/auth`, when it is not the default a reset leaves.
fn configure_served_exchange(sim: &Simulation, planned: &mailconform_fakes::exchange::ExchangeConfig) {
    let default = deployment::default_exchange_config();
    if (&planned.ews_auth, &planned.eas_auth, format!("{:?}", planned.oauth))
        == (&default.ews_auth, &default.eas_auth, format!("{:?}", default.oauth))
    {
        return;
    }
    let exchange = Roles::new(sim).exchange().expect("the served Exchange is in the topology");
    let change = mailconform_fakes::exchange::contract::AuthChange {
        ews: Some(planned.ews_auth.clone()),
        activesync: Some(planned.eas_auth.clone()),
        oauth: Some(planned.oauth.clone()),
    };
    sim.block_on(exchange.change_auth(&change))
        .unwrap_or_else(|e| panic!("the served Exchange refused the scenario's authentication: {e}"));
}

/// A running deployment: what was planned, the gates that fault its hosts, and what steps
/// keep about it while it runs.
pub struct Deployment {
    plan: Plan,
    gates: BTreeMap<String, FaultGate>,
    /// Devices configured but not started yet (they start on their first action).
    pending_devices: BTreeMap<String, SecureMailConfig>,
    created_devices: Vec<String>,
    /// The Workspace ONE side at run time (its OAuth issuer, the Boxers created).
    pub ws1: Option<ws1::Ws1Runtime>,
    /// The item ids delivered to each mailbox, oldest first.
    pub delivered: BTreeMap<String, Vec<String>>,
    /// Pushes each Boxer had received when a step last looked.
    pub boxer_pushes_seen: BTreeMap<String, usize>,
    /// When each restarted role last restarted (UNIX ms on the scenario's clock), by role.
    pub restarted_at_ms: BTreeMap<String, u64>,
}

impl Deployment {
    /// What was deployed.
    pub fn plan(&self) -> &Plan {
        &self.plan
    }

    /// The gate that faults `role`'s host.
    pub fn gate(&self, role: &str) -> FaultGate {
        self.gates
            .get(role)
            .cloned()
            .unwrap_or_else(|| panic!("no host for role {role}; known: {:?}", self.gates.keys().collect::<Vec<_>>()))
    }

    /// Every host's gate, by role.
    pub fn gates(&self) -> impl Iterator<Item = (&String, &FaultGate)> {
        self.gates.iter()
    }

    /// Adds a host's gate (a role started after the deployment, such as a device).
    pub fn add_gate(&mut self, role: String, gate: FaultGate) {
        self.gates.insert(role, gate);
    }

    /// The configuration of device `name` to start now, or `None` when it already runs.
    pub(crate) fn take_device_config(&mut self, name: &str) -> Option<SecureMailConfig> {
        if self.created_devices.iter().any(|d| d == name) {
            return None;
        }
        self.created_devices.push(name.to_string());
        let cfg = self.pending_devices.remove(name).unwrap_or_else(|| super::default_device(name));
        // Steps read a device's configuration after it started (its ActiveSync device ID).
        self.plan.devices.insert(name.to_string(), cfg.clone());
        Some(cfg)
    }

    /// The devices still configurable, unless `name` already runs.
    pub(crate) fn pending_devices(&mut self, name: &str) -> Option<&mut BTreeMap<String, SecureMailConfig>> {
        (!self.created_devices.iter().any(|d| d == name)).then_some(&mut self.pending_devices)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::world::served::ServedRole;
    use mailconform_fakes::exchange::{RetryMode, RetrySchedule};

    fn served(roles: &[(&str, &str)]) -> ServedRoles {
        let now = mailconform_sim::Clock::real().offset_date_time();
        ServedRoles {
            dirs: vec!["/srv/state".into()],
            bridge_ip: std::net::IpAddr::from([127, 0, 0, 1]),
            network: None,
            cut: Default::default(),
            pki: mailconform_sim::Pki::new(now).unwrap(),
            apns_team: None,
            roles: roles
                .iter()
                .map(|(role, host)| ServedRole {
                    role: role.to_string(),
                    host: host.to_string(),
                    https: "127.0.0.1:1".parse().unwrap(),
                    plain: None,
                    services: Vec::new(),
                    dir: "/srv/state".into(),
                })
                .collect(),
        }
    }

    #[test]
    fn a_plan_that_configures_a_served_role_otherwise_than_it_runs_is_named() {
        let exchange = served(&[(role::EXCHANGE, defaults::EXCHANGE_HOST)]);
        assert_eq!(Plan::default().unlike_served(&exchange), None, "the default world is what `serve` runs");

        let mut prose = Plan::default();
        prose.exchange.retry = RetrySchedule { mode: RetryMode::DoublingIntervals, ..Default::default() };
        let why = prose.unlike_served(&exchange).expect("another retry schedule");
        assert!(why.contains("retry schedule") && why.contains("exchange") && why.contains("/srv/state"), "{why}");

        let mut alias = Plan::default();
        alias.exchange_aliases.push("ews.example.test".into());
        assert!(alias.unlike_served(&exchange).is_some_and(|w| w.contains("another host name")));

        let americas = served(&[(&role::listener(Region::Americas), "us-east-1.listener.example.test")]);
        assert_eq!(Plan::default().unlike_served(&americas), None);
        let mut bare = Plan::default();
        bare.uploaded_regions.clear();
        assert_eq!(bare.unlike_served(&americas), None, "the run uploads what the plan says to a served listener reset bare");
        let mut tls = Plan::default();
        tls.server_tls.insert(defaults::EXCHANGE_HOST.into(), mailconform_tls::VersionSet::parse("TLS 1.0").unwrap());
        assert!(tls.unlike_served(&exchange).is_some_and(|w| w.contains("TLS versions")), "a served role's TLS is its own");
        assert_eq!(tls.unlike_served(&americas), None, "a setting of an in-process role is the plan's own");
    }

    #[test]
    fn a_served_traveler_takes_the_recommended_settings_and_served_seg_and_exchange_the_workspace_one_plan() {
        let traveler = served(&[(role::TRAVELER, defaults::TRAVELER_HOST)]);
        let recommended = Plan {
            traveler: Some(mailconform_fakes::traveler::TravelerConfig::recommended(defaults::TRAVELER_HOST)),
            ..Default::default()
        };
        assert_eq!(recommended.unlike_served(&traveler), None, "`serve traveler` runs the recommended settings");
        let installed =
            Plan { traveler: Some(mailconform_fakes::traveler::TravelerConfig::new(defaults::TRAVELER_HOST)), ..Default::default() };
        assert!(installed.unlike_served(&traveler).is_some_and(|w| w.contains("notes.ini")));

        let seg = served(&[(role::SEG, defaults::SEG_HOST)]);
        assert_eq!(Plan::default().unlike_served(&seg), None, "a scenario without the Workspace ONE side does not use SEG");
        let ws1 = Plan { ws1: Some(Default::default()), ..Default::default() };
        assert_eq!(ws1.unlike_served(&seg), None, "a served SEG takes the scenario's configuration through its control API");
        let exchange = served(&[(role::EXCHANGE, defaults::EXCHANGE_HOST)]);
        assert_eq!(ws1.unlike_served(&exchange), None, "a served Exchange takes the scenario's OAuth issuer through its control API");
        let mut with_auth = Plan { ws1: Some(Default::default()), ..Default::default() };
        with_auth.exchange.ews_auth = vec![mailconform_fakes::exchange::AuthMethod::Ntlm];
        assert_eq!(with_auth.unlike_served(&exchange), None, "and its authentication methods");
        let self_signed =
            Plan { ws1: Some(super::ws1::Ws1Plan { exchange_self_signed: true, ..Default::default() }), ..Default::default() };
        assert!(self_signed.unlike_served(&exchange).is_some_and(|w| w.contains("self-signed")), "not another certificate");
        let mut retry = Plan::default();
        retry.exchange.retry.mode = mailconform_fakes::exchange::RetryMode::DoublingIntervals;
        assert!(retry.unlike_served(&exchange).is_some_and(|w| w.contains("retry schedule")), "nor another retry schedule");
    }
}
