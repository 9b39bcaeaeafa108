//! Putting fakes on hosts: inside a simulation, with the default names of the conventions.
//!
//! Steps never hold a fake; they get control clients from the topology. This module is the
//! only place that constructs fakes for a simulation.

use crate::apns::{generate_team_key, Apns, ApnsConfig, ApnsControl, Environment};
use crate::defaults;
use crate::exchange::{Exchange, ExchangeConfig, ExchangeControl};
use crate::listener::{Listener, ListenerConfig, ListenerControl, Region};
use crate::traveler::{Person, Traveler, TravelerConfig, TravelerControl};
use crate::securemail::{DeviceControl, MailBackend, SecureMail, SecureMailConfig};
use mailconform_ews::SchemaVersion;
use mailconform_sim::tls::{self, ClientAuth};
use mailconform_sim::pki::{ClientCertSpec, Credential};
use mailconform_sim::{ControlClient, FakeEnv, FaultGate, SimError, Simulation};
use std::sync::Arc;
use std::time::Duration;

/// A fake's environment on a simulation: its own HTTP client (own connection pool), the
/// scenario's clock, and a random stream of its own.
pub fn env(sim: &Simulation, label: &str) -> FakeEnv {
    FakeEnv { http: sim.client(), clock: sim.clock.clone(), rng: sim.rng.fork(label) }
}

pub fn default_exchange_config() -> ExchangeConfig {
    let mut c = ExchangeConfig::new(defaults::EXCHANGE_HOST);
    for (login, email, pw) in defaults::USERS {
        c = c.with_user(login, email, pw);
    }
    c
}

/// Exchange on its host, and on every alias (another IIS site with its own FQDN serving the same
/// mailboxes, as FAQ Configuration Q7/Q8 describe). Returns each role with its fault gate.
pub fn add_exchange(sim: &mut Simulation, config: ExchangeConfig, aliases: &[String]) -> Result<Vec<(String, FaultGate)>, SimError> {
    let host = config.host.clone();
    let ex = {
        let _rt = sim.enter();
        Exchange::new(env(sim, &format!("exchange:{host}")), config)
    };
    let role = if host == defaults::EXCHANGE_HOST { defaults::roles::EXCHANGE.to_string() } else { format!("exchange.{host}") };
    let mut gates = vec![(role.clone(), sim.add_host(&role, &host, Arc::new(ex.clone()), ClientAuth::None, false)?)];
    for alias in aliases {
        let r = format!("exchange.{alias}");
        gates.push((r.clone(), sim.add_host(&r, alias, Arc::new(ex.clone()), ClientAuth::None, false)?));
    }
    Ok(gates)
}

/// An APNs provider certificate for `app_id` (subject UID = the bundle ID), issued by the run's
/// push CA and valid from a day ago for `validity` of virtual time.
pub fn provider_certificate(sim: &Simulation, app_id: &str, validity: Duration) -> Result<Credential, SimError> {
    let now = sim.unix_millis() as i64 / 1000;
    sim.pki.push_ca.client_leaf(&ClientCertSpec {
        common_name: format!("Apple Push Services: {app_id}"),
        uid: Some(app_id.to_string()),
        not_before_unix: now - 86_400,
        not_after_unix: now + validity.as_secs() as i64,
    })
}

pub fn add_listener(sim: &mut Simulation, region: Region) -> Result<FaultGate, SimError> {
    let host = region.host(defaults::DOMAIN);
    let config = ListenerConfig {
        region,
        host: host.clone(),
        apns_production: format!("https://{}", defaults::APNS_HOST),
        apns_sandbox: format!("https://{}", defaults::APNS_SANDBOX_HOST),
    };
    let l = {
        let _rt = sim.enter();
        Listener::new(env(sim, &host), config)
    };
    sim.add_host(&region.role(), &host, Arc::new(l), ClientAuth::None, false)
}

/// The two APNs environments, trusting provider certificates of the run's push CA and the
/// default team's signing key. Returns the team key's PKCS#8 (for token-mode providers).
pub fn add_apns(sim: &mut Simulation) -> Result<Vec<u8>, SimError> {
    let (team, pkcs8, _pem) = generate_team_key(defaults::TEAM_ID, defaults::KEY_ID);
    let roots = tls::roots(&[sim.pki.push_ca.cert_der().clone()]);
    for (role, host, environment) in [
        (defaults::roles::APNS, defaults::APNS_HOST, Environment::Production),
        (defaults::roles::APNS_SANDBOX, defaults::APNS_SANDBOX_HOST, Environment::Sandbox),
    ] {
        let apns = {
            let _rt = sim.enter();
            Apns::new(env(sim, host), ApnsConfig { environment, teams: vec![team.clone()] })
        };
        sim.add_host(role, host, apns, ClientAuth::Optional(roots.clone()), false)?;
    }
    Ok(pkcs8)
}

/// A Secure Mail device for one of the default users, on the given listener region.
pub fn default_device_config(name: &str, email: &str, region: Region) -> SecureMailConfig {
    let (login, password) = defaults::USERS
        .iter()
        .find(|u| u.1 == email)
        .map(|u| (u.0.to_string(), u.2.to_string()))
        .unwrap_or_else(|| (email.split('@').next().unwrap_or(email).to_string(), String::new()));
    SecureMailConfig {
        device_name: name.to_string(),
        email: email.to_string(),
        login,
        password,
        ews_host: String::new(),
        activesync_host: defaults::EXCHANGE_HOST.to_string(),
        listener_base: format!("https://{}", region.host(defaults::DOMAIN)),
        region: region.code().to_string(),
        apns_base: format!("https://{}", defaults::APNS_HOST),
        apns_environment: "production".into(),
        app_id: defaults::APP_ID.to_string(),
        activesync_device_id: format!("ApplF{:X}", name.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))),
        ios_version: "17.5".into(),
        backend: MailBackend::Exchange,
        apns_policy: true,
        status_frequency_minutes: 15,
        silence_before_resubscribe: Duration::from_secs(30 * 60),
        foreground_check_interval: Duration::from_secs(5 * 60),
        exchange_server: defaults::EXCHANGE_HOST.to_string(),
        platform: crate::securemail::eas::Platform::Ios,
        eas_login: None,
        secure_notes: None,
        secure_tasks: None,
        ews_versions: vec![
            SchemaVersion::Exchange2013,
            SchemaVersion::Exchange2010Sp1,
            SchemaVersion::Exchange2010,
            SchemaVersion::Exchange2007Sp1,
        ],
    }
}

pub fn add_device(sim: &mut Simulation, config: SecureMailConfig) -> Result<FaultGate, SimError> {
    let http = sim.client();
    add_device_with_http(sim, config, http)
}

/// A device whose HTTP client is `http`: one whose OS's TLS is not rustls (see
/// `mailconform_sim::StreamConnector`), for the SSLv3/TLS matrix.
pub fn add_device_with_http(sim: &mut Simulation, config: SecureMailConfig, http: mailconform_sim::HttpClient) -> Result<FaultGate, SimError> {
    let name = config.device_name.clone();
    let d = {
        let _rt = sim.enter();
        let mut env = env(sim, &format!("device:{name}"));
        env.http = http;
        SecureMail::new(env, config)
    };
    sim.add_host(&defaults::roles::device(&name), &defaults::device_host(&name), Arc::new(d), ClientAuth::None, false)
}

/// The built-in users as Domino Directory entries.
pub fn default_people() -> Vec<Person> {
    defaults::USERS
        .iter()
        .zip(defaults::DOMINO_NAMES)
        .map(|((login, email, pw), (hier, first, last, uid))| Person {
            hierarchical_name: hier.to_string(),
            first_name: first.to_string(),
            last_name: last.to_string(),
            short_name: login.to_string(),
            internet_address: email.to_string(),
            ldap_uid: uid.to_string(),
            http_password: pw.to_string(),
        })
        .collect()
}

/// Notes Traveler on its host, HTTPS on 443 and plain HTTP on 80.
pub fn add_traveler(sim: &mut Simulation, mut config: TravelerConfig) -> Result<FaultGate, SimError> {
    if config.people.is_empty() {
        config.people = default_people();
    }
    let host = config.host.clone();
    let t = {
        let _rt = sim.enter();
        Traveler::new(env(sim, &host), config)
    };
    sim.add_host(defaults::roles::TRAVELER, &host, Arc::new(t), ClientAuth::None, true)
}

/// Control clients for roles, looked up by name in the topology.
pub struct Roles<'a> {
    sim: &'a Simulation,
}

impl<'a> Roles<'a> {
    pub fn new(sim: &'a Simulation) -> Self {
        Roles { sim }
    }

    fn control(&self, role: &str) -> Result<ControlClient, String> {
        let e = self.sim.topology.require(role)?;
        Ok(ControlClient::new(self.sim.control_client(), &e.control_url))
    }

    pub fn exchange(&self) -> Result<ExchangeControl, String> {
        self.control(defaults::roles::EXCHANGE).map(ExchangeControl)
    }

    pub fn listener(&self, region: Region) -> Result<ListenerControl, String> {
        let e = self.sim.topology.require(&region.role())?;
        Ok(ListenerControl {
            control: ControlClient::new(self.sim.control_client(), &e.control_url),
            api: ControlClient::new(self.sim.client(), &format!("{}/api/v1", e.base_url)),
        })
    }

    pub fn apns(&self) -> Result<ApnsControl, String> {
        self.control(defaults::roles::APNS).map(ApnsControl)
    }

    pub fn traveler(&self) -> Result<TravelerControl, String> {
        self.control(defaults::roles::TRAVELER).map(TravelerControl)
    }

    pub fn device(&self, name: &str) -> Result<DeviceControl, String> {
        self.control(&defaults::roles::device(name)).map(DeviceControl)
    }
}
