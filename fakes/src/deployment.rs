//! Putting fakes on hosts, with the default names of the conventions: the one place that
//! constructs fakes. Every function takes a [`Hosting`], so the same code deploys into a
//! simulation (the feature suite) and onto real sockets (`mailconform serve`).
//!
//! Steps never hold a fake; they get control clients from the topology ([`Roles`]).

use crate::apns::{generate_team_key, Apns, ApnsConfig, ApnsControl, Environment};
use crate::defaults;
use crate::exchange::{AuthMethod, Exchange, ExchangeConfig, ExchangeControl, ServerProfile};
use crate::listener::{Listener, ListenerConfig, ListenerControl, Region};
use crate::role;
use crate::securemail::{DeviceControl, MailBackend, SecureMail, SecureMailConfig};
use crate::traveler::{Person, Traveler, TravelerConfig, TravelerControl};
use mailconform_auth::{IssuerControl, IssuerServer, Kdc, KdcControl, KdcServer, KdcSlot, KerberosTcp, TokenIssuer};
use mailconform_ews::SchemaVersion;
use mailconform_sim::tls::{self, ClientAuth};
use mailconform_sim::{
    ClientCertSpec, ControlClient, Credential, FakeEnv, FaultGate, Handler, Hosting, HttpClient, NoSuchRole, Placement, Rebuild, SimError,
    TlsTermination, Topology,
};
use std::sync::Arc;
use std::time::Duration;

/// Puts `handler` on `host` as `role`, HTTPS with rustls (and plain HTTP when `plain_http`).
fn put(
    h: &mut impl Hosting,
    role: &str,
    host: &str,
    handler: Arc<dyn Handler>,
    client_auth: ClientAuth,
    plain_http: bool,
) -> Result<FaultGate, SimError> {
    put_placement(h, Placement::https(role, host, handler, client_auth).plain_http(plain_http))
}

/// A fake's environment on a simulation: its own HTTP client (own connection pool), the
/// scenario's clock, and a random stream of its own.
pub fn env(h: &impl Hosting, label: &str) -> FakeEnv {
    h.env(label)
}

/// Exchange of the default world: on its host, with the built-in users (Exchange 2013, Basic).
pub fn default_exchange_config() -> ExchangeConfig {
    let mut c = ExchangeConfig::new(defaults::EXCHANGE_HOST);
    for (login, email, pw) in defaults::USERS {
        c = c.with_user(login, email, pw);
    }
    c
}

/// Exchange on its host, and on every alias (another IIS site with its own FQDN serving the same
/// mailboxes, as FAQ Configuration Q7/Q8 describe). Returns each role with its fault gate.
pub fn add_exchange(sim: &mut impl Hosting, config: ExchangeConfig, aliases: &[String]) -> Result<Vec<(String, FaultGate)>, SimError> {
    add_exchange_with_tls(sim, config, aliases, None)
}

/// [`add_exchange`] with TLS terminated by `tls` on its main host instead of rustls (another
/// stack speaking exactly some protocol versions).
pub fn add_exchange_with_tls(
    sim: &mut impl Hosting,
    config: ExchangeConfig,
    aliases: &[String],
    tls: Option<TlsTermination>,
) -> Result<Vec<(String, FaultGate)>, SimError> {
    let host = config.host.clone();
    let label = format!("exchange:{host}");
    let rebuild = exchange_rebuild(&label, config.clone());
    let ex = {
        let _rt = Hosting::enter(sim);
        Exchange::new(env(sim, &label), config)
    };
    let role = role::exchange_on(&host);
    let client_auth = exchange_client_auth(&[ex.config().ews_auth.clone(), ex.config().eas_auth.clone()].concat(), sim.pki().ca.cert_der());
    let iis = exchange_tls(ex.config().profile, client_auth, None);
    let main = Placement {
        role: role.clone(),
        host: host.clone(),
        handler: Arc::new(ex.clone()),
        tls: tls.unwrap_or_else(|| iis.clone()),
        plain_http: false,
        rebuild: Some(rebuild.clone()),
    };
    let mut gates = vec![(role.clone(), sim.put(main)?.1)];
    for alias in aliases {
        let r = role::exchange_on(alias);
        let p = Placement {
            role: r.clone(),
            host: alias.clone(),
            handler: Arc::new(ex.clone()),
            tls: iis.clone(),
            plain_http: false,
            rebuild: Some(rebuild.clone()),
        };
        gates.push((r, sim.put(p)?.1));
    }
    Ok(gates)
}

/// Exchange as a restart finds it: the same configuration, the mailboxes and ActiveSync sync
/// state it kept (what a real Exchange keeps in its mailbox databases), no EWS subscription
/// (those live in the memory of the EWS process, see [`crate::serve`]).
fn exchange_rebuild(label: &str, config: ExchangeConfig) -> Rebuild {
    Rebuild::new(label, move |env| Arc::new(Exchange::new(env, config.clone())))
}

/// Exchange's rustls termination (with the run's CA, or `leaf`), offering by ALPN what the
/// profile's IIS offers ([`ServerProfile::alpn`]: HTTP/1.1 only before IIS 10).
fn exchange_tls(profile: ServerProfile, client_auth: ClientAuth, leaf: Option<Credential>) -> TlsTermination {
    TlsTermination::Rustls { client_auth, leaf, alpn: profile.alpn().iter().map(|p| p.to_vec()).collect() }
}

/// Exchange with a certificate of its own instead of one from the run's CA, as an Exchange
/// installed with its self-signed certificate: its TLS is trusted by nobody until its
/// certificate is added to the client's trust store. Returns the gate and that certificate
/// (PEM), the file an administrator would import.
pub fn add_exchange_self_signed(sim: &mut impl Hosting, config: ExchangeConfig) -> Result<(FaultGate, String), SimError> {
    let host = config.host.clone();
    let now = sim.clock().offset_date_time();
    let own = mailconform_sim::CertAuthority::new(&format!("{host} (self-signed)"), now)?;
    let leaf = own.server_leaf(&[host.as_str()], now)?;
    let ex = {
        let _rt = Hosting::enter(sim);
        Exchange::new(env(sim, &format!("exchange:{host}")), config)
    };
    let role = role::exchange_on(&host);
    let client_auth = exchange_client_auth(&[ex.config().ews_auth.clone(), ex.config().eas_auth.clone()].concat(), sim.pki().ca.cert_der());
    let tls = exchange_tls(ex.config().profile, client_auth, Some(leaf));
    let (_, gate) = sim.put(Placement { role, host, handler: Arc::new(ex), tls, plain_http: false, rebuild: None })?;
    Ok((gate, own.cert_pem().to_string()))
}

/// SEG V2 on its host (`config.host`), asking clients for certificates of the run's CA
/// (optional: a client without one is served too, with a null UPN). A reset of a served SEG
/// starts it again on `config`, whatever its control API was told since.
pub fn add_seg(sim: &mut impl Hosting, role: &str, config: crate::seg::SegConfig) -> Result<FaultGate, SimError> {
    let host = config.host.clone();
    let seg = {
        let _rt = Hosting::enter(sim);
        crate::seg::Seg::new(env(sim, &host), config.clone()).map_err(|e| SimError::Pki(e.to_string()))?
    };
    let rebuild = Rebuild::new(&host, move |env| match crate::seg::Seg::new(env, config.clone()) {
        Ok(seg) => Arc::new(seg),
        // The same configuration built a SEG above; should it not again, every request says why.
        Err(e) => {
            let why = format!("SEG could not start again after a reset: {e}");
            Arc::new(mailconform_sim::FnHandler(move |_req, _conn| {
                std::future::ready(mailconform_sim::http::response(503, "text/plain", why.clone()))
            }))
        }
    });
    let roots = tls::roots(std::slice::from_ref(sim.pki().ca.cert_der()));
    put_placement(sim, Placement::https(role, &host, Arc::new(seg), ClientAuth::Optional(roots)).rebuilt_by(rebuild))
}

/// Puts `placement`: its fault gate.
fn put_placement(h: &mut impl Hosting, placement: Placement) -> Result<FaultGate, SimError> {
    h.put(placement).map(|(_, gate)| gate)
}

/// The default world's KDC in Kerberos itself: `kerberos://kdc.example.test:88/EXAMPLE.TEST`.
pub fn kerberos_url() -> String {
    format!("{}{}:{}/{}", mailconform_auth::krb5::KdcUrl::SCHEME, defaults::KDC_HOST, defaults::KERBEROS_PORT, defaults::KERBEROS_REALM)
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
pub fn add_kdc(sim: &mut impl Hosting, kdc: Kdc) -> Result<FaultGate, SimError> {
    let kdc = Arc::new(kdc);
    let gate = put(sim, role::KDC, defaults::KDC_HOST, Arc::new(KdcServer(kdc.clone())), ClientAuth::None, false)?;
    add_kerberos(sim, KdcSlot::new(kdc))?;
    Ok(gate)
}

/// The KDC's Kerberos side on its host's port 88 ([`defaults::KERBEROS_PORT`]), in the topology
/// as its `kerberos` service.
fn add_kerberos(sim: &mut impl Hosting, slot: Arc<KdcSlot>) -> Result<(), SimError> {
    sim.add_service(role::KDC, "kerberos", defaults::KERBEROS_PORT, Arc::new(KerberosTcp::new(slot)))
}

/// The default world's KDC ([`default_kdc`]), which a reset of a served one starts again.
pub fn add_default_kdc(sim: &mut impl Hosting) -> Result<FaultGate, SimError> {
    let kdc = Arc::new(default_kdc(sim.clock().clone(), env(sim, "kdc").rng));
    let slot = KdcSlot::new(kdc.clone());
    let reset = slot.clone();
    let rebuild = Rebuild::new(defaults::KDC_HOST, move |env| {
        let fresh = Arc::new(default_kdc(env.clock, env.rng));
        reset.set(fresh.clone());
        Arc::new(KdcServer(fresh))
    });
    let gate = put_placement(
        sim,
        Placement::https(role::KDC, defaults::KDC_HOST, Arc::new(KdcServer(kdc)), ClientAuth::None).rebuilt_by(rebuild),
    )?;
    add_kerberos(sim, slot)?;
    Ok(gate)
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
pub fn add_oauth_issuer(sim: &mut impl Hosting, issuer: Arc<IssuerServer>) -> Result<FaultGate, SimError> {
    put(sim, role::LOGIN, defaults::LOGIN_HOST, Arc::new(issuer), ClientAuth::None, false)
}

/// A client certificate of the run's CA for `upn` (subjectAltName otherName UPN), valid from a
/// day ago for `validity` of virtual time: what IIS maps to an account and SEG uses for KCD.
pub fn user_certificate(sim: &impl Hosting, upn: &str, validity: Duration) -> Result<Credential, SimError> {
    let now = sim.clock().unix_secs() as i64;
    let _rt = Hosting::enter(sim);
    sim.pki().ca.client_leaf_with_upn(
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
pub fn provider_certificate(sim: &impl Hosting, app_id: &str, validity: Duration) -> Result<Credential, SimError> {
    let now = sim.clock().unix_secs() as i64;
    sim.pki().push_ca.client_leaf(&ClientCertSpec {
        common_name: format!("Apple Push Services: {app_id}"),
        uid: Some(app_id.to_string()),
        not_before_unix: now - 86_400,
        not_after_unix: now + validity.as_secs() as i64,
    })
}

/// The listener of `region` on its host, pushing through the default world's APNs.
pub fn add_listener(sim: &mut impl Hosting, region: Region) -> Result<FaultGate, SimError> {
    let host = region.host(defaults::DOMAIN);
    let config = ListenerConfig {
        region,
        host: host.clone(),
        public_base: sim.advertised(&host),
        apns_production: format!("https://{}", defaults::APNS_HOST),
        apns_sandbox: format!("https://{}", defaults::APNS_SANDBOX_HOST),
    };
    let l = {
        let _rt = Hosting::enter(sim);
        Listener::new(env(sim, &host), config.clone())
    };
    // A restarted listener has its registrations and certificates back from its database.
    let rebuild = Rebuild::new(&host, move |env| Arc::new(Listener::new(env, config.clone())));
    let placement = Placement::https(&role::listener(region), &host, Arc::new(l), ClientAuth::None).rebuilt_by(rebuild);
    sim.put(placement).map(|(_, gate)| gate)
}

/// The two APNs environments, trusting provider certificates of the run's push CA and the
/// default team's signing key. Returns the team key's PKCS#8 (for token-mode providers).
pub fn add_apns(sim: &mut impl Hosting) -> Result<Vec<u8>, SimError> {
    let (team, pkcs8, _pem) = generate_team_key(defaults::TEAM_ID, defaults::KEY_ID);
    add_apns_for(sim, &team)?;
    Ok(pkcs8)
}

/// The two APNs environments trusting `team`'s signing key (and provider certificates of the
/// run's push CA).
pub fn add_apns_for(sim: &mut impl Hosting, team: &crate::apns::TeamKey) -> Result<(), SimError> {
    let roots = tls::roots(&[sim.pki().push_ca.cert_der().clone()]);
    for environment in [Environment::Production, Environment::Sandbox] {
        let (role, host) = apns_role(environment);
        let config = ApnsConfig { environment, teams: vec![team.clone()] };
        let apns = {
            let _rt = Hosting::enter(sim);
            Apns::new(env(sim, host), config.clone())
        };
        // A restarted APNs has its device tokens back, and trusts the same team key.
        let rebuild = Rebuild::new(host, move |env| Apns::new(env, config.clone()));
        let placement = Placement::https(role, host, apns, ClientAuth::Optional(roots.clone())).rebuilt_by(rebuild);
        sim.put(placement)?;
    }
    Ok(())
}

/// The role and host of APNs's `environment` (`api.push.apple.com`, `api.sandbox.push.apple.com`).
pub fn apns_role(environment: Environment) -> (&'static str, &'static str) {
    match environment {
        Environment::Production => (role::APNS, defaults::APNS_HOST),
        Environment::Sandbox => (role::APNS_SANDBOX, defaults::APNS_SANDBOX_HOST),
    }
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
        ews_url: None,
        ews_credentials: None,
        activesync_host: defaults::EXCHANGE_HOST.to_string(),
        listener_base: format!("https://{}", region.host(defaults::DOMAIN)),
        region: region.code().to_string(),
        apns_base: format!("https://{}", defaults::APNS_HOST),
        apns_environment: "production".into(),
        app_id: defaults::APP_ID.to_string(),
        activesync_device_id: format!("ApplF{:X}", name.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)))),
        ios_version: "17.5".into(),
        app_version: crate::securemail::smime::MIN_APP_VERSION.into(),
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
        smime: Default::default(),
        network: None,
        ews_versions: vec![
            SchemaVersion::Exchange2013,
            SchemaVersion::Exchange2010Sp1,
            SchemaVersion::Exchange2010,
            SchemaVersion::Exchange2007Sp1,
        ],
    }
}

/// Secure Mail on the phone `config.device_name`, with an HTTP client of its own.
pub fn add_device(sim: &mut impl Hosting, config: SecureMailConfig) -> Result<FaultGate, SimError> {
    let http = Hosting::outside_env(sim, "device-http").http;
    add_device_with_http(sim, config, http)
}

/// A device whose HTTP client is `http`: one whose OS's TLS is not rustls (see
/// `mailconform_sim::StreamConnector`), for the SSLv3/TLS matrix.
pub fn add_device_with_http(
    sim: &mut impl Hosting,
    config: SecureMailConfig,
    http: mailconform_sim::HttpClient,
) -> Result<FaultGate, SimError> {
    let name = config.device_name.clone();
    let d = {
        let _rt = Hosting::enter(sim);
        let mut env = env(sim, &format!("device:{name}"));
        env.http = http;
        SecureMail::new(env, config)
    };
    put(sim, &role::device(&name), &defaults::device_host(&name), Arc::new(d), ClientAuth::None, false)
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
pub fn add_traveler(sim: &mut impl Hosting, config: TravelerConfig) -> Result<FaultGate, SimError> {
    add_traveler_with_tls(sim, config, None).map(|(_, gate)| gate)
}

/// [`add_traveler`] with TLS terminated by `tls` instead of rustls; returns its endpoint too
/// (with the plain-HTTP URL).
pub fn add_traveler_with_tls(
    sim: &mut impl Hosting,
    mut config: TravelerConfig,
    tls: Option<TlsTermination>,
) -> Result<(mailconform_sim::Endpoint, FaultGate), SimError> {
    if config.people.is_empty() {
        config.people = default_people();
    }
    let host = config.host.clone();
    let t = {
        let _rt = Hosting::enter(sim);
        Traveler::new(env(sim, &host), config.clone())
    };
    // Rebuilt from its configuration: what a served Traveler's reset starts again from.
    let rebuild = Rebuild::new(&host, move |env| Arc::new(Traveler::new(env, config.clone())));
    let mut p = Placement::https(role::TRAVELER, &host, Arc::new(t), ClientAuth::None).rebuilt_by(rebuild);
    p.plain_http = true;
    if let Some(tls) = tls {
        p.tls = tls;
    }
    sim.put(p)
}

/// The UEM console (a reset of a served one forgets every device).
pub fn add_uem(sim: &mut impl Hosting) -> Result<FaultGate, SimError> {
    let uem = {
        let _rt = Hosting::enter(sim);
        crate::uem::Uem::new(env(sim, defaults::UEM_HOST))
    };
    let rebuild = Rebuild::new(defaults::UEM_HOST, |env| Arc::new(crate::uem::Uem::new(env)));
    put_placement(sim, Placement::https(role::UEM, defaults::UEM_HOST, Arc::new(uem), ClientAuth::None).rebuilt_by(rebuild))
}

/// AD CS with web enrollment, issuing no template yet, publishing to `directory`, its CA's key
/// drawn from `keys`.
pub fn add_adcs(
    sim: &mut impl Hosting,
    directory: Arc<crate::directory::Directory>,
    keys: mailconform_smime::KeySource,
) -> Result<FaultGate, SimError> {
    let adcs = {
        let _rt = Hosting::enter(sim);
        crate::adcs::AdCs::new(env(sim, defaults::ADCS_HOST), directory, keys).map_err(|e| SimError::Pki(e.to_string()))?
    };
    // "Accept" client certificates (the seed's IIS SSL settings), those of the domain's CA.
    let client_auth = ClientAuth::Optional(mailconform_sim::tls::roots(&[adcs.root_der().into()]));
    let first = adcs.clone();
    let rebuild = Rebuild::new(defaults::ADCS_HOST, move |_env| Arc::new(first.fresh()));
    let placement = Placement::https(role::ADCS, defaults::ADCS_HOST, Arc::new(adcs), client_auth).rebuilt_by(rebuild);
    sim.put(placement).map(|(_, gate)| gate)
}

/// The domain controller: AD CS on HTTPS and the directory over LDAP on port
/// [`defaults::LDAP_PORT`] of the same host, over the default world's people; searches without
/// a bind refused, as Active Directory does by default.
pub fn add_domain_controller(h: &mut impl Hosting, keys: mailconform_smime::KeySource) -> Result<FaultGate, SimError> {
    let directory = Arc::new(crate::directory::Directory::new(default_people(), false));
    let gate = add_adcs(h, directory.clone(), keys)?;
    let leaf = h.pki().ca.server_leaf(&[defaults::ADCS_HOST, "localhost", "127.0.0.1"], h.clock().offset_date_time())?;
    let tls = mailconform_sim::tls::server_config(&leaf, ClientAuth::None, h.clock(), &[])?;
    let ldap = crate::directory::ldap::LdapServer::with_tls(directory, tls);
    h.add_service(role::ADCS, "ldap", defaults::LDAP_PORT, ldap.clone())?;
    h.add_service(role::ADCS, "ldaps", defaults::LDAPS_PORT, ldap.ldaps())?;
    Ok(gate)
}

/// The users of the default world as (login, password): who logs on at the gateway and at
/// Endpoint Management.
fn default_logins() -> Vec<(String, String)> {
    defaults::USERS.iter().map(|(login, _, pw)| (login.to_string(), pw.to_string())).collect()
}

/// Endpoint Management of the default world on its host, with the Secure Mail app's MDX
/// network `policies` (which the app gets at logon, and its tickets follow).
pub fn add_xms(h: &mut impl Hosting, policies: crate::mdx::NetworkPolicies) -> Result<FaultGate, SimError> {
    let config = crate::xms::XmsConfig { host: defaults::XMS_HOST.into(), users: default_logins(), policies };
    let xms = crate::xms::Xms::new(env(h, defaults::XMS_HOST), config.clone());
    // A reset issues no ticket any more and forgets those it issued.
    let rebuild = Rebuild::new(defaults::XMS_HOST, move |env| Arc::new(crate::xms::Xms::new(env, config.clone())));
    let placement = Placement::https(role::XMS, defaults::XMS_HOST, Arc::new(xms), ClientAuth::None).rebuilt_by(rebuild);
    h.put(placement).map(|(_, gate)| gate)
}

/// NetScaler Gateway of the default world on its host, validating tickets with the STA of
/// Endpoint Management ([`add_xms`]).
pub fn add_gateway(h: &mut impl Hosting) -> Result<FaultGate, SimError> {
    let config = crate::gateway::GatewayConfig {
        host: defaults::GATEWAY_HOST.into(),
        users: default_logins(),
        sta_url: format!("https://{}{}", defaults::XMS_HOST, crate::xms::sta::STA_PATH),
    };
    let gateway = crate::gateway::Gateway::new(env(h, defaults::GATEWAY_HOST), config.clone());
    // A reset ends every session and forgets the tunnels.
    let rebuild = Rebuild::new(defaults::GATEWAY_HOST, move |env| Arc::new(crate::gateway::Gateway::new(env, config.clone())));
    let placement = Placement::https(role::GATEWAY, defaults::GATEWAY_HOST, Arc::new(gateway), ClientAuth::None).rebuilt_by(rebuild);
    h.put(placement).map(|(_, gate)| gate)
}

/// ENS2 on its host, pushing with the default team's signing key (`team_pkcs8`, from
/// [`add_apns`]).
pub fn add_ens(
    sim: &mut impl Hosting,
    placement: crate::ens::Placement,
    ews_url: &str,
    team_pkcs8: Vec<u8>,
) -> Result<FaultGate, SimError> {
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
        let _rt = Hosting::enter(sim);
        crate::ens::Ens::new(env(sim, defaults::ENS_HOST), config.clone())
    };
    // A reset of a served ENS2 forgets its registrations and the EWS URL it was pointed at.
    let rebuild = Rebuild::new(defaults::ENS_HOST, move |env| Arc::new(crate::ens::Ens::new(env, config.clone())));
    put_placement(sim, Placement::https(role::ENS, defaults::ENS_HOST, Arc::new(ens), ClientAuth::None).rebuilt_by(rebuild))
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

/// Boxer on the phone `config.device_name`.
pub fn add_boxer(sim: &mut impl Hosting, config: crate::boxer::BoxerConfig) -> Result<FaultGate, SimError> {
    let name = config.device_name.clone();
    let b = {
        let _rt = Hosting::enter(sim);
        crate::boxer::Boxer::new(env(sim, &format!("boxer:{name}")), config)
    };
    put(sim, &role::boxer(&name), &defaults::boxer_host(&name), Arc::new(b), ClientAuth::None, false)
}

/// TLS for a host name, when a deployment's servers do not use rustls (see [`TlsTermination`]).
pub type TlsFor = Box<dyn Fn(&str) -> Result<TlsTermination, SimError> + Send + Sync>;

/// What the default world's roles share when they are put on hosts one by one
/// ([`put_default_role`]).
pub struct DefaultWorld {
    /// The OAuth issuer Exchange trusts (and serves as `login` when that role is selected).
    pub oauth_issuer: Option<Arc<IssuerServer>>,
    /// The team key APNs trusts and ENS signs with.
    pub team: crate::apns::TeamKey,
    /// The team key's PKCS#8 DER, which ENS signs its provider tokens with.
    pub team_pkcs8: Vec<u8>,
    /// Exchange's EWS authentication methods, when not the default.
    pub ews_auth: Option<Vec<AuthMethod>>,
    /// Which Exchange it is, when not the default's.
    pub exchange_profile: Option<crate::exchange::ServerProfile>,
    /// TLS of Exchange and Traveler when they must speak other versions than rustls does.
    pub tls: Option<TlsFor>,
    /// SEG's version, when not the default world's ([`SERVED_SEG_VERSION`]).
    pub seg_version: Option<crate::seg::SegVersion>,
    /// Where ENS2 is installed, when not in the cloud.
    pub ens_placement: Option<crate::ens::Placement>,
    /// The kinds of role deployed beside this one (SEG asks the console only when it is there).
    pub kinds: Vec<role::RoleKind>,
}

/// The SEG version `serve` runs unless told another (`serve --seg-version`).
pub const SERVED_SEG_VERSION: &str = "2.12.0";

/// Puts one role of the default world on `h`, configured as the default world has it; the
/// endpoint it got, when it is a role with a host of its own (`apns.sandbox` comes with `apns`).
/// This is what `serve` runs for each role it is asked for: adding a role to the default world
/// is a new arm here and an entry in [`role::default_world`].
pub fn put_default_role(h: &mut impl Hosting, r: &role::Role, world: &DefaultWorld) -> Result<Option<mailconform_sim::Endpoint>, SimError> {
    use role::RoleKind;
    let with = |kind: RoleKind| world.kinds.contains(&kind);
    let tls = |host: &str| world.tls.as_ref().map(|f| f(host)).transpose();
    match r.kind {
        RoleKind::OAuthIssuer => {
            let issuer = world.oauth_issuer.clone().ok_or_else(|| SimError::Pki("the OAuth issuer was not created".into()))?;
            add_oauth_issuer(h, issuer)?;
        }
        RoleKind::Exchange => {
            let mut config = default_exchange_config();
            if let Some(profile) = world.exchange_profile {
                config.profile = profile;
            }
            if let Some(methods) = &world.ews_auth {
                config.ews_auth = methods.clone();
            }
            config.oauth = world.oauth_issuer.as_ref().map(|i| i.trust(&config.oauth_audience()));
            add_exchange_with_tls(h, config, &[], tls(&r.host)?)?;
        }
        RoleKind::Kdc => {
            add_default_kdc(h)?;
        }
        RoleKind::Apns if r.name == role::APNS => add_apns_for(h, &world.team)?,
        RoleKind::Apns => return Ok(None),
        RoleKind::Listener => {
            let region = Region::ALL.into_iter().find(|g| role::listener(*g) == r.name).expect("a listener role names a region");
            add_listener(h, region)?;
        }
        RoleKind::Traveler => {
            add_traveler_with_tls(h, served_traveler_config(&r.host), tls(&r.host)?)?;
        }
        RoleKind::Uem => {
            add_uem(h)?;
        }
        // SEG V2 proxying ActiveSync and EWS to Exchange, asking the console when it is there.
        RoleKind::Seg => {
            let mut config = default_seg_config(SERVED_SEG_VERSION, defaults::EXCHANGE_HOST);
            if let Some(v) = &world.seg_version {
                config.version = v.clone();
            }
            config.enable_boxer_ens_ews_proxy = true;
            config.remove_unsupported_auth_for_ews = true;
            if !with(RoleKind::Uem) {
                config.compliance_api = None;
            }
            add_seg(h, &r.name, config)?;
        }
        // ENS2 subscribing through SEG when it is there.
        RoleKind::Ens => {
            let through = if with(RoleKind::Seg) { defaults::SEG_HOST } else { defaults::EXCHANGE_HOST };
            let placement = world.ens_placement.unwrap_or(crate::ens::Placement::Cloud);
            add_ens(h, placement, &format!("https://{through}/EWS/Exchange.asmx"), world.team_pkcs8.clone())?;
        }
        RoleKind::Adcs => {
            add_domain_controller(h, mailconform_smime::KeySource::Fresh)?;
        }
        RoleKind::Xms => {
            add_xms(h, crate::mdx::NetworkPolicies::default())?;
        }
        RoleKind::Gateway => {
            add_gateway(h)?;
        }
        RoleKind::SecureMail | RoleKind::Boxer => return Ok(None),
    }
    Ok(h.topology_entry(&r.name))
}

/// The Traveler `serve` runs on `host`: the recommended settings and the default world's people.
pub fn served_traveler_config(host: &str) -> TravelerConfig {
    let mut cfg = TravelerConfig::recommended(host);
    cfg.people = default_people();
    cfg
}

/// Control clients for roles, looked up by name in the topology.
pub struct Roles<'a> {
    topology: &'a Topology,
    /// Reaches control APIs (on the simulation's management network, which faults spare).
    control: HttpClient,
    /// Reaches the roles' own protocols (for APIs a test drives as a client would).
    http: HttpClient,
}

impl<'a> Roles<'a> {
    /// The roles of a simulation.
    pub fn new(sim: &'a mailconform_sim::Simulation) -> Self {
        Roles { topology: &sim.topology, control: sim.control_client(), http: sim.client() }
    }

    /// The roles of any topology, reached with these clients.
    pub fn with(topology: &'a Topology, control: HttpClient, http: HttpClient) -> Self {
        Roles { topology, control, http }
    }

    fn control(&self, role: &str) -> Result<ControlClient, NoSuchRole> {
        let e = self.topology.require(role)?;
        Ok(ControlClient::new(self.control.clone(), &e.control_url))
    }

    /// Exchange's control client.
    pub fn exchange(&self) -> Result<ExchangeControl, NoSuchRole> {
        self.control(role::EXCHANGE).map(ExchangeControl)
    }

    /// The control and registration API clients of `region`'s listener.
    pub fn listener(&self, region: Region) -> Result<ListenerControl, NoSuchRole> {
        let e = self.topology.require(&role::listener(region))?;
        Ok(ListenerControl {
            control: ControlClient::new(self.control.clone(), &e.control_url),
            api: ControlClient::new(self.http.clone(), &format!("{}/api/v1", e.base_url)),
        })
    }

    /// The KDC's control client.
    pub fn kdc(&self) -> Result<KdcControl, NoSuchRole> {
        self.control(role::KDC).map(KdcControl)
    }

    /// The OAuth issuer's control client.
    pub fn oauth_issuer(&self) -> Result<IssuerControl, NoSuchRole> {
        self.control(role::LOGIN).map(IssuerControl)
    }

    /// The control client of APNs' production environment.
    pub fn apns(&self) -> Result<ApnsControl, NoSuchRole> {
        self.apns_in(Environment::Production)
    }

    /// The control client of APNs' `environment`.
    pub fn apns_in(&self, environment: Environment) -> Result<ApnsControl, NoSuchRole> {
        self.control(apns_role(environment).0).map(ApnsControl)
    }

    /// Traveler's control client.
    pub fn traveler(&self) -> Result<TravelerControl, NoSuchRole> {
        self.control(role::TRAVELER).map(TravelerControl)
    }

    /// The control client of the phone `name` running Secure Mail.
    pub fn device(&self, name: &str) -> Result<DeviceControl, NoSuchRole> {
        self.control(&role::device(name)).map(DeviceControl)
    }

    /// The UEM console's control client.
    pub fn uem(&self) -> Result<crate::uem::UemControl, NoSuchRole> {
        self.control(role::UEM).map(crate::uem::UemControl)
    }

    /// ENS's control client and its API client.
    pub fn ens(&self) -> Result<crate::ens::EnsControl, NoSuchRole> {
        let e = self.topology.require(role::ENS)?;
        Ok(crate::ens::EnsControl {
            control: ControlClient::new(self.control.clone(), &e.control_url),
            api: ControlClient::new(self.http.clone(), &e.base_url),
        })
    }

    /// The control client of the SEG called `role` (`seg`, `seg.<host>`).
    pub fn seg(&self, role: &str) -> Result<crate::seg::SegControl, NoSuchRole> {
        self.control(role).map(crate::seg::SegControl)
    }

    /// The AD CS fake's control client.
    pub fn adcs(&self) -> Result<crate::adcs::AdcsControl, NoSuchRole> {
        self.control(role::ADCS).map(crate::adcs::AdcsControl)
    }

    /// NetScaler Gateway's control client.
    pub fn gateway(&self) -> Result<crate::gateway::GatewayControl, NoSuchRole> {
        self.control(role::GATEWAY).map(crate::gateway::GatewayControl)
    }

    /// Endpoint Management's control client.
    pub fn xms(&self) -> Result<crate::xms::XmsControl, NoSuchRole> {
        self.control(role::XMS).map(crate::xms::XmsControl)
    }

    /// The control client of the phone `name` running Boxer.
    pub fn boxer(&self, name: &str) -> Result<crate::boxer::BoxerControl, NoSuchRole> {
        self.control(&role::boxer(name)).map(crate::boxer::BoxerControl)
    }
}
