//! The fakes on real sockets, and the state directory outside clients read: `ca.pem`,
//! `endpoints.json`, APNs provider credentials for the default App ID, and the ES256 signing
//! key for token authentication.

use crate::apns::{generate_team_key, Apns, ApnsConfig, Environment};
use crate::defaults;
use crate::deployment::{default_exchange_config, default_people};
use crate::exchange::Exchange;
use crate::listener::{Listener, ListenerConfig, ListenerControl, Region};
use crate::traveler::{Traveler, TravelerConfig};
use mailconform_sim::pki::ClientCertSpec;
use mailconform_sim::serve::RealWorld;
use mailconform_sim::tls::{self, ClientAuth};
use mailconform_sim::{ControlClient, SimError};
use serde_json::json;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;

/// Roles `serve` knows. `listener` means all three regions.
pub const ROLES: [&str; 12] = [
    "exchange",
    "listener",
    "listener.us-east-1",
    "listener.eu-west-1",
    "listener.ap-southeast-1",
    "apns",
    "traveler",
    "kdc",
    "login",
    "uem",
    "seg",
    "ens",
];

pub fn known(role: &str) -> bool {
    ROLES.contains(&role) || role == "all"
}

/// How `serve` sets up its roles beyond which ones run.
#[derive(Clone, Debug, Default)]
pub struct ServeOptions {
    /// Exactly the protocol versions Traveler and Exchange accept on their HTTPS port (served by
    /// OpenSSL, SSL 3.0 included); `None` keeps rustls with TLS 1.2 and 1.3.
    pub tls_versions: Option<mailconform_tls::VersionSet>,
    /// The EWS authentication methods of Exchange (default: Basic only).
    pub ews_auth: Option<Vec<crate::exchange::AuthMethod>>,
}

/// Start `roles` and write the state directory. The fakes run on the current tokio runtime
/// until it ends.
pub async fn start(roles: &[String], bind: IpAddr, state_dir: &Path) -> Result<RealWorld, SimError> {
    start_with(roles, bind, state_dir, &ServeOptions::default()).await
}

/// Serve `handler` as `host` with TLS: rustls, or OpenSSL with exactly `versions`.
async fn bind_tls(
    world: &RealWorld,
    role: &str,
    host: &str,
    handler: Arc<dyn mailconform_sim::Handler>,
    versions: Option<mailconform_tls::VersionSet>,
    bind: IpAddr,
) -> Result<(), SimError> {
    match versions {
        None => {
            world.bind(role, host, handler, ClientAuth::None, bind).await?;
        }
        Some(v) => {
            let leaf =
                world.pki.ca.server_leaf_rsa(&[host, "localhost", "127.0.0.1", &bind.to_string()], world.clock.offset_date_time())?;
            let server = mailconform_tls::LegacyServer::new(v, &leaf).map_err(|e| SimError::Pki(e.to_string()))?;
            world.bind_with_acceptor(role, host, handler, Arc::new(server), bind).await?;
        }
    }
    Ok(())
}

/// [`start`] with options.
pub async fn start_with(roles: &[String], bind: IpAddr, state_dir: &Path, options: &ServeOptions) -> Result<RealWorld, SimError> {
    let world = RealWorld::new(1)?;
    let want = |r: &str| roles.iter().any(|x| x == r || x == "all");
    std::fs::create_dir_all(state_dir)?;
    std::fs::write(state_dir.join("ca.pem"), world.pki.ca.cert_pem())?;

    let mut regions: Vec<Region> = Vec::new();
    for r in Region::ALL {
        if want("listener") || want(&r.role()) {
            regions.push(r);
        }
    }
    // The OAuth issuer comes first: a served Exchange trusts it.
    let issuer = if want("login") || options.ews_auth.as_ref().is_some_and(|m| m.contains(&crate::exchange::AuthMethod::OAuth)) {
        Some(crate::deployment::default_oauth_issuer(world.clock.clone())?)
    } else {
        None
    };
    if let (true, Some(issuer)) = (want("login"), &issuer) {
        world.bind(defaults::roles::LOGIN, defaults::LOGIN_HOST, Arc::new(issuer.clone()), ClientAuth::None, bind).await?;
    }
    if want("exchange") {
        let mut config = default_exchange_config();
        if let Some(methods) = &options.ews_auth {
            config.ews_auth = methods.clone();
        }
        config.oauth = issuer.as_ref().map(|i| i.trust(&config.oauth_audience()));
        let client_auth = crate::deployment::exchange_client_auth(&config.ews_auth, world.pki.ca.cert_der());
        let ex = Exchange::new(world.env("exchange"), config);
        match options.tls_versions {
            // Certificate authentication needs rustls's client-certificate checks.
            None => {
                world.bind(defaults::roles::EXCHANGE, defaults::EXCHANGE_HOST, Arc::new(ex), client_auth, bind).await?;
            }
            versions => bind_tls(&world, defaults::roles::EXCHANGE, defaults::EXCHANGE_HOST, Arc::new(ex), versions, bind).await?,
        }
    }
    if want("kdc") {
        let kdc = crate::deployment::default_kdc(world.clock.clone(), world.env("kdc").rng);
        world
            .bind(defaults::roles::KDC, defaults::KDC_HOST, Arc::new(mailconform_auth::KdcServer(Arc::new(kdc))), ClientAuth::None, bind)
            .await?;
    }
    let provider = world.pki.push_ca.client_leaf(&ClientCertSpec {
        common_name: format!("Apple Push Services: {}", defaults::APP_ID),
        uid: Some(defaults::APP_ID.into()),
        not_before_unix: world.clock.unix_secs() as i64 - 86_400,
        not_after_unix: world.clock.unix_secs() as i64 + 365 * 86_400,
    })?;
    let (team, team_pkcs8, p8) = generate_team_key(defaults::TEAM_ID, defaults::KEY_ID);
    if want("apns") {
        let roots = tls::roots(&[world.pki.push_ca.cert_der().clone()]);
        for (role, host, environment) in [
            (defaults::roles::APNS, defaults::APNS_HOST, Environment::Production),
            (defaults::roles::APNS_SANDBOX, defaults::APNS_SANDBOX_HOST, Environment::Sandbox),
        ] {
            let apns = Apns::new(world.env(host), ApnsConfig { environment, teams: vec![team.clone()] });
            world.bind(role, host, apns, ClientAuth::Optional(roots.clone()), bind).await?;
        }
        let dir = state_dir.join("apns");
        std::fs::create_dir_all(&dir)?;
        std::fs::write(dir.join("provider-cert.pem"), &provider.cert_pem)?;
        std::fs::write(dir.join("provider-key.pem"), &provider.key_pem)?;
        std::fs::write(dir.join("push-ca.pem"), world.pki.push_ca.cert_pem())?;
        std::fs::write(dir.join(format!("AuthKey_{}.p8", defaults::KEY_ID)), p8)?;
        std::fs::write(
            dir.join("token.json"),
            serde_json::to_vec_pretty(
                &json!({"team_id": defaults::TEAM_ID, "key_id": defaults::KEY_ID, "key_file": format!("AuthKey_{}.p8", defaults::KEY_ID), "topic": defaults::APP_ID}),
            )?,
        )?;
    }
    for r in regions {
        let host = r.host(defaults::DOMAIN);
        let l = Listener::new(
            world.env(&host),
            ListenerConfig {
                region: r,
                host: host.clone(),
                apns_production: format!("https://{}", defaults::APNS_HOST),
                apns_sandbox: format!("https://{}", defaults::APNS_SANDBOX_HOST),
            },
        );
        let (endpoint, _, _) = world.bind(&r.role(), &host, Arc::new(l), ClientAuth::None, bind).await?;
        // The listener of a served deployment can push at once: Secure Mail's certificate is uploaded.
        let control = ListenerControl {
            control: ControlClient::new(world.client(), &endpoint.control_url),
            api: ControlClient::new(world.client(), &format!("{}/api/v1", endpoint.base_url)),
        };
        control
            .upload_certificate(defaults::APP_ID, r, &provider.cert_pem, &provider.key_pem)
            .await
            .map_err(|e| SimError::Http { host, reason: e.to_string() })?;
    }
    if want("traveler") {
        let mut cfg = TravelerConfig::recommended(defaults::TRAVELER_HOST);
        cfg.people = default_people();
        let t = Traveler::new(world.env("traveler"), cfg);
        bind_tls(&world, defaults::roles::TRAVELER, defaults::TRAVELER_HOST, Arc::new(t.clone()), options.tls_versions, bind).await?;
        let plain = world.bind_plain(defaults::TRAVELER_HOST, Arc::new(t), bind).await?;
        std::fs::write(state_dir.join("traveler-http.txt"), format!("http://{plain}\n"))?;
    }
    // The Workspace ONE side: the console, SEG V2 proxying ActiveSync and EWS to the served
    // Exchange (asking the console when it is served), ENS2 subscribing through SEG.
    if want("uem") {
        let uem = crate::uem::Uem::new(world.env("uem"));
        world.bind(defaults::ws1_roles::UEM, defaults::UEM_HOST, Arc::new(uem), ClientAuth::None, bind).await?;
    }
    if want("seg") {
        let mut config = crate::deployment::default_seg_config("2.12.0", defaults::EXCHANGE_HOST);
        config.enable_boxer_ens_ews_proxy = true;
        config.remove_unsupported_auth_for_ews = true;
        if !want("uem") {
            config.compliance_api = None;
        }
        let seg = crate::seg::Seg::new(world.env("seg"), config).map_err(|e| SimError::Pki(e.to_string()))?;
        let roots = tls::roots(std::slice::from_ref(world.pki.ca.cert_der()));
        world.bind(defaults::ws1_roles::SEG, defaults::SEG_HOST, Arc::new(seg), ClientAuth::Optional(roots), bind).await?;
    }
    if want("ens") {
        let through = if want("seg") { defaults::SEG_HOST } else { defaults::EXCHANGE_HOST };
        let config = crate::ens::EnsConfig {
            host: defaults::ENS_HOST.to_string(),
            placement: crate::ens::Placement::Cloud,
            ews_url: format!("https://{through}/EWS/Exchange.asmx"),
            apns_base: format!("https://{}", defaults::APNS_HOST),
            app_id: defaults::BOXER_APP_ID.to_string(),
            apns_team_id: defaults::TEAM_ID.to_string(),
            apns_key_id: defaults::KEY_ID.to_string(),
            apns_key_pkcs8: team_pkcs8.clone(),
        };
        let ens = crate::ens::Ens::new(world.env("ens"), config);
        world.bind(defaults::ws1_roles::ENS, defaults::ENS_HOST, Arc::new(ens), ClientAuth::None, bind).await?;
    }
    let topology = world.topology.lock().expect("topology poisoned").clone();
    std::fs::write(state_dir.join("endpoints.json"), serde_json::to_vec_pretty(&topology)?)?;
    Ok(world)
}
