//! Putting fakes on hosts: inside a simulation, with the default names of the conventions.
//!
//! Steps never hold a fake; they get control clients from the topology. This module is the
//! only place that constructs fakes for a simulation.

use crate::apns::{generate_team_key, Apns, ApnsConfig, ApnsControl, Environment};
use crate::defaults;
use crate::exchange::{AuthMethod, Exchange, ExchangeConfig, ExchangeControl};
use crate::listener::{Listener, ListenerConfig, ListenerControl, Region};
use crate::securemail::{DeviceControl, MailBackend, SecureMail, SecureMailConfig};
use crate::traveler::{Person, Traveler, TravelerConfig, TravelerControl};
use mailconform_auth::{IssuerControl, IssuerServer, Kdc, KdcControl, KdcServer, TokenIssuer};
use mailconform_ews::SchemaVersion;
use mailconform_sim::pki::{ClientCertSpec, Credential};
use mailconform_sim::tls::{self, ClientAuth};
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
    let client_auth = exchange_client_auth(&[ex.config().ews_auth.clone(), ex.config().eas_auth.clone()].concat(), sim.pki.ca.cert_der());
    let mut gates = vec![(role.clone(), sim.add_host(&role, &host, Arc::new(ex.clone()), client_auth.clone(), false)?)];
    for alias in aliases {
        let r = format!("exchange.{alias}");
        gates.push((r.clone(), sim.add_host(&r, alias, Arc::new(ex.clone()), client_auth.clone(), false)?));
    }
    Ok(gates)
}

/// Exchange with a certificate of its own instead of one from the run's CA, as an Exchange
/// installed with its self-signed certificate: its TLS is trusted by nobody until its
/// certificate is added to the client's trust store. Returns the gate and that certificate
/// (PEM), the file an administrator would import.
pub fn add_exchange_self_signed(sim: &mut Simulation, config: ExchangeConfig) -> Result<(FaultGate, String), SimError> {
    let host = config.host.clone();
    let now = sim.clock.offset_date_time();
    let own = mailconform_sim::pki::CertAuthority::new(&format!("{host} (self-signed)"), now)?;
    let leaf = own.server_leaf(&[host.as_str()], now)?;
    let ex = {
        let _rt = sim.enter();
        Exchange::new(env(sim, &format!("exchange:{host}")), config)
    };
    let role = if host == defaults::EXCHANGE_HOST { defaults::roles::EXCHANGE.to_string() } else { format!("exchange.{host}") };
    let client_auth = exchange_client_auth(&[ex.config().ews_auth.clone(), ex.config().eas_auth.clone()].concat(), sim.pki.ca.cert_der());
    let gate = sim.add_host_with_leaf(&role, &host, Arc::new(ex), &leaf, client_auth, false)?;
    Ok((gate, own.cert_pem().to_string()))
}

/// SEG V2 on its host (`config.host`), asking clients for certificates of the run's CA
/// (optional: a client without one is served too, with a null UPN).
pub fn add_seg(sim: &mut Simulation, role: &str, config: crate::seg::SegConfig) -> Result<FaultGate, SimError> {
    let host = config.host.clone();
    let seg = {
        let _rt = sim.enter();
        crate::seg::Seg::new(env(sim, &host), config).map_err(|e| SimError::Pki(e.to_string()))?
    };
    let roots = tls::roots(std::slice::from_ref(sim.pki.ca.cert_der()));
    sim.add_host(role, &host, Arc::new(seg), ClientAuth::Optional(roots), false)
}

/// SEG with the default world's KCD settings (SEG's service account delegating to
/// `HTTP/<target host>`) and the console for compliance.
pub fn default_seg_config(version: &str, email_server_host: &str) -> crate::seg::SegConfig {
    let mut c = crate::seg::SegConfig::new(defaults::SEG_HOST, version, &format!("https://{email_server_host}"));
    c.compliance_api = Some(format!("https://{}{}", defaults::UEM_HOST, crate::uem::API_PREFIX.trim_end_matches('/')));
    c.kcd = Some(crate::seg::KcdConfig {
        kdc_url: format!("https://{}/kdc/v1", defaults::KDC_HOST),
        service_spn: defaults::SEG_SPN.to_string(),
        service_password: defaults::SEG_SERVICE_PASSWORD.to_string(),
        target_spn: format!("HTTP/{email_server_host}"),
    });
    c
}

/// Exchange asks for client certificates (of the run's CA) only when certificate
/// authentication is enabled, so that every other deployment's TLS stays as it was.
pub fn exchange_client_auth(methods: &[AuthMethod], ca: &rustls_pki_types::CertificateDer<'static>) -> ClientAuth {
    if methods.contains(&AuthMethod::Certificate) {
        ClientAuth::Optional(tls::roots(std::slice::from_ref(ca)))
    } else {
        ClientAuth::None
    }
}

/// The KDC of the default world: the built-in users, Exchange's service account
/// (`HTTP/mail.example.test`) and SEG's (`HTTP/seg.example.test`, allowed to delegate to
/// Exchange).
pub fn default_kdc(clock: mailconform_sim::Clock, rng: mailconform_sim::SeededRng) -> Kdc {
    let kdc = Kdc::new(defaults::KERBEROS_REALM, clock, rng);
    for (_, email, pw) in defaults::USERS {
        kdc.add_user(email, pw);
    }
    let exchange_spn = format!("HTTP/{}", defaults::EXCHANGE_HOST);
    kdc.add_service(&exchange_spn, defaults::EXCHANGE_SERVICE_PASSWORD, &[]);
    kdc.add_service(defaults::SEG_SPN, defaults::SEG_SERVICE_PASSWORD, &[&exchange_spn]);
    kdc
}

/// The KDC on `kdc.example.test` (role `kdc`).
pub fn add_kdc(sim: &mut Simulation, kdc: Kdc) -> Result<FaultGate, SimError> {
    sim.add_host(defaults::roles::KDC, defaults::KDC_HOST, Arc::new(KdcServer(Arc::new(kdc))), ClientAuth::None, false)
}

/// The default world's OAuth issuer with the built-in users, not yet on a host: put its
/// [`IssuerServer::trust`] into `ExchangeConfig::oauth` before deploying Exchange, then
/// [`add_oauth_issuer`] it.
pub fn default_oauth_issuer(clock: mailconform_sim::Clock) -> Result<Arc<IssuerServer>, SimError> {
    let issuer = TokenIssuer::new(defaults::OAUTH_ISSUER, "mailconform-1").map_err(|e| SimError::Pki(e.to_string()))?;
    let server = IssuerServer::new(issuer, &format!("https://{}", defaults::LOGIN_HOST), clock);
    for (_, email, pw) in defaults::USERS {
        server.add_user(email, pw);
    }
    Ok(server)
}

/// The OAuth issuer on `login.example.test` (role `login`).
pub fn add_oauth_issuer(sim: &mut Simulation, issuer: Arc<IssuerServer>) -> Result<FaultGate, SimError> {
    sim.add_host(defaults::roles::LOGIN, defaults::LOGIN_HOST, Arc::new(issuer), ClientAuth::None, false)
}

/// A client certificate of the run's CA for `upn` (subjectAltName otherName UPN), valid from a
/// day ago for `validity` of virtual time: what IIS maps to an account and SEG uses for KCD.
pub fn user_certificate(sim: &Simulation, upn: &str, validity: Duration) -> Result<Credential, SimError> {
    let now = sim.unix_millis() as i64 / 1000;
    let _rt = sim.enter();
    sim.pki.ca.client_leaf_with_upn(
        &ClientCertSpec {
            common_name: upn.to_string(),
            uid: None,
            not_before_unix: now - 86_400,
            not_after_unix: now + validity.as_secs() as i64,
        },
        Some(upn),
    )
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
        eas_unenforceable: Vec::new(),
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
pub fn add_device_with_http(
    sim: &mut Simulation,
    config: SecureMailConfig,
    http: mailconform_sim::HttpClient,
) -> Result<FaultGate, SimError> {
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

/// The UEM console.
pub fn add_uem(sim: &mut Simulation) -> Result<FaultGate, SimError> {
    let uem = {
        let _rt = sim.enter();
        crate::uem::Uem::new(env(sim, defaults::UEM_HOST))
    };
    sim.add_host(defaults::ws1_roles::UEM, defaults::UEM_HOST, Arc::new(uem), ClientAuth::None, false)
}

/// ENS2 on its host, pushing with the default team's signing key (`team_pkcs8`, from
/// [`add_apns`]).
pub fn add_ens(sim: &mut Simulation, placement: crate::ens::Placement, ews_url: &str, team_pkcs8: Vec<u8>) -> Result<FaultGate, SimError> {
    let config = crate::ens::EnsConfig {
        host: defaults::ENS_HOST.to_string(),
        placement,
        ews_url: ews_url.to_string(),
        apns_base: format!("https://{}", defaults::APNS_HOST),
        app_id: defaults::BOXER_APP_ID.to_string(),
        apns_team_id: defaults::TEAM_ID.to_string(),
        apns_key_id: defaults::KEY_ID.to_string(),
        apns_key_pkcs8: team_pkcs8,
    };
    let ens = {
        let _rt = sim.enter();
        crate::ens::Ens::new(env(sim, defaults::ENS_HOST), config)
    };
    sim.add_host(defaults::ws1_roles::ENS, defaults::ENS_HOST, Arc::new(ens), ClientAuth::None, false)
}

/// Boxer for one of the default users, with Basic authentication, syncing through SEG and
/// registered with a cloud ENS.
pub fn default_boxer_config(name: &str, email: &str) -> crate::boxer::BoxerConfig {
    let (login, password) = defaults::USERS
        .iter()
        .find(|u| u.1 == email)
        .map(|u| (u.0.to_string(), u.2.to_string()))
        .unwrap_or_else(|| (email.split('@').next().unwrap_or(email).to_string(), String::new()));
    crate::boxer::BoxerConfig {
        device_name: name.to_string(),
        device_id: format!("Boxer{:X}", name.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))),
        email: email.to_string(),
        auth: crate::ens::MailAuth::Basic { username: login, password },
        eas_url: format!("https://{}/Microsoft-Server-ActiveSync", defaults::SEG_HOST),
        ens_api: format!("https://{}{}", defaults::ENS_HOST, crate::ens::Placement::Cloud.api_prefix()),
        uem_api: format!("https://{}{}", defaults::UEM_HOST, crate::uem::API_PREFIX.trim_end_matches('/')),
        apns_base: format!("https://{}", defaults::APNS_HOST),
        app_id: defaults::BOXER_APP_ID.to_string(),
        unregister_retry: Duration::from_secs(60),
    }
}

pub fn add_boxer(sim: &mut Simulation, config: crate::boxer::BoxerConfig) -> Result<FaultGate, SimError> {
    let name = config.device_name.clone();
    let b = {
        let _rt = sim.enter();
        crate::boxer::Boxer::new(env(sim, &format!("boxer:{name}")), config)
    };
    sim.add_host(&defaults::ws1_roles::boxer(&name), &defaults::boxer_host(&name), Arc::new(b), ClientAuth::None, false)
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

    pub fn kdc(&self) -> Result<KdcControl, String> {
        self.control(defaults::roles::KDC).map(KdcControl)
    }

    pub fn oauth_issuer(&self) -> Result<IssuerControl, String> {
        self.control(defaults::roles::LOGIN).map(IssuerControl)
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

    pub fn uem(&self) -> Result<crate::uem::UemControl, String> {
        self.control(defaults::ws1_roles::UEM).map(crate::uem::UemControl)
    }

    pub fn ens(&self) -> Result<crate::ens::EnsControl, String> {
        let e = self.sim.topology.require(defaults::ws1_roles::ENS)?;
        Ok(crate::ens::EnsControl {
            control: ControlClient::new(self.sim.control_client(), &e.control_url),
            api: ControlClient::new(self.sim.client(), &e.base_url),
        })
    }

    pub fn seg(&self, role: &str) -> Result<crate::seg::SegControl, String> {
        self.control(role).map(crate::seg::SegControl)
    }

    pub fn boxer(&self, name: &str) -> Result<crate::boxer::BoxerControl, String> {
        self.control(&defaults::ws1_roles::boxer(name)).map(crate::boxer::BoxerControl)
    }
}
