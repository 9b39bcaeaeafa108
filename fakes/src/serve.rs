//! The fakes on real sockets, and the state directory outside clients read: `ca.pem`,
//! `endpoints.json`, APNs provider credentials for the default App ID, and the ES256 signing
//! key for token authentication.

use crate::apns::generate_team_key;
use crate::defaults;
use crate::deployment::{self, default_exchange_config, default_people, Roles};
use crate::listener::Region;
use crate::role::RoleKind;
use crate::traveler::TravelerConfig;
use mailconform_sim::pki::Credential;
use mailconform_sim::serve::RealWorld;
use mailconform_sim::{Hosting, SimError, TlsTermination};
use serde_json::json;
use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Whether `serve` accepts `name` (a role of the default world, `listener` or `all`).
pub fn known(name: &str) -> bool {
    crate::role::selectable().iter().any(|s| s.name == name)
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
pub async fn start(roles: &[String], bind: IpAddr, state_dir: &Path) -> Result<RealWorld, ServeError> {
    start_with(roles, bind, state_dir, &ServeOptions::default()).await
}

/// Why `serve` could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    UnknownRole(#[from] crate::role::UnknownRole),
    #[error("a role could not start: {0}")]
    Start(#[from] SimError),
    #[error("the state directory cannot be written: {0}")]
    StateDir(#[from] std::io::Error),
    #[error("the state directory cannot be written: {0}")]
    Json(#[from] serde_json::Error),
    #[error("Secure Mail's APNs certificate could not be uploaded to {role}: {reason}")]
    Upload { role: String, reason: String },
}

/// TLS for `host` speaking exactly `versions` (OpenSSL), or rustls when `None`.
fn legacy_tls(world: &RealWorld, host: &str, versions: Option<mailconform_tls::VersionSet>) -> Result<Option<TlsTermination>, SimError> {
    let Some(v) = versions else { return Ok(None) };
    let leaf = world.pki.ca.server_leaf_rsa(&[host, "localhost", "127.0.0.1", &world.bind.to_string()], world.clock.offset_date_time())?;
    let server = mailconform_tls::LegacyServer::new(v, &leaf).map_err(|e| SimError::Pki(e.to_string()))?;
    Ok(Some(TlsTermination::Acceptor(Arc::new(server))))
}

/// [`start`] with options. The roles are put on real sockets by the same functions that put
/// them in a simulation ([`crate::deployment`]), in the order of [`crate::role::default_world`].
pub async fn start_with(roles: &[String], bind: IpAddr, state_dir: &Path, options: &ServeOptions) -> Result<RealWorld, ServeError> {
    let selected = crate::role::select(roles)?;
    let mut world = RealWorld::new(1, bind)?;
    std::fs::create_dir_all(state_dir)?;
    std::fs::write(state_dir.join("ca.pem"), world.pki.ca.cert_pem())?;

    let wants_oauth = options.ews_auth.as_ref().is_some_and(|m| m.contains(&crate::exchange::AuthMethod::OAuth));
    let issuer = if selected.iter().any(|r| r.kind == RoleKind::OAuthIssuer) || wants_oauth {
        Some(deployment::default_oauth_issuer(world.clock.clone())?)
    } else {
        None
    };
    let provider = deployment::provider_certificate(&world, defaults::APP_ID, Duration::from_secs(365 * 86_400))?;
    let (team, team_pkcs8, p8) = generate_team_key(defaults::TEAM_ID, defaults::KEY_ID);
    let serves = |kind: RoleKind| selected.iter().any(|r| r.kind == kind);
    for r in &selected {
        match r.kind {
            RoleKind::OAuthIssuer => {
                let issuer = issuer.clone().expect("created above when selected");
                deployment::add_oauth_issuer(&mut world, issuer)?;
            }
            RoleKind::Exchange => {
                let mut config = default_exchange_config();
                if let Some(methods) = &options.ews_auth {
                    config.ews_auth = methods.clone();
                }
                config.oauth = issuer.as_ref().map(|i| i.trust(&config.oauth_audience()));
                let tls = legacy_tls(&world, &r.host, options.tls_versions)?;
                deployment::add_exchange_with_tls(&mut world, config, &[], tls)?;
            }
            RoleKind::Kdc => {
                let kdc = deployment::default_kdc(world.clock.clone(), world.env("kdc").rng);
                deployment::add_kdc(&mut world, kdc)?;
            }
            // Both environments start together, with the sandbox's entry.
            RoleKind::Apns if r.name == crate::role::APNS => {
                deployment::add_apns_for(&mut world, &team)?;
                write_apns_credentials(&world, state_dir, &provider, &p8)?;
            }
            RoleKind::Apns => {}
            RoleKind::Listener => {
                let region = Region::ALL.into_iter().find(|g| crate::role::listener(*g) == r.name).expect("a listener role names a region");
                deployment::add_listener(&mut world, region)?;
                // The listener of a served deployment can push at once: Secure Mail's certificate is uploaded.
                let roles = Roles::with(&world.topology.lock().expect("topology poisoned").clone(), world.client(), world.client())
                    .listener(region)
                    .map_err(|e| ServeError::Upload { role: r.name.clone(), reason: e.to_string() })?;
                roles
                    .upload_certificate(defaults::APP_ID, region, &provider.cert_pem, &provider.key_pem)
                    .await
                    .map_err(|e| ServeError::Upload { role: r.name.clone(), reason: e.to_string() })?;
            }
            RoleKind::Traveler => {
                let mut cfg = TravelerConfig::recommended(&r.host);
                cfg.people = default_people();
                let tls = legacy_tls(&world, &r.host, options.tls_versions)?;
                let (endpoint, _) = deployment::add_traveler_with_tls(&mut world, cfg, tls)?;
                let plain = endpoint.plain_url.unwrap_or_default();
                std::fs::write(state_dir.join("traveler-http.txt"), format!("{plain}\n"))?;
            }
            RoleKind::Uem => {
                deployment::add_uem(&mut world)?;
            }
            // SEG V2 proxying ActiveSync and EWS to the served Exchange (asking the console
            // when it is served).
            RoleKind::Seg => {
                let mut config = deployment::default_seg_config("2.12.0", defaults::EXCHANGE_HOST);
                config.enable_boxer_ens_ews_proxy = true;
                config.remove_unsupported_auth_for_ews = true;
                if !serves(RoleKind::Uem) {
                    config.compliance_api = None;
                }
                deployment::add_seg(&mut world, &r.name, config)?;
            }
            // ENS2 subscribing through SEG when it is served.
            RoleKind::Ens => {
                let through = if serves(RoleKind::Seg) { defaults::SEG_HOST } else { defaults::EXCHANGE_HOST };
                let ews_url = format!("https://{through}/EWS/Exchange.asmx");
                deployment::add_ens(&mut world, crate::ens::Placement::Cloud, &ews_url, team_pkcs8.clone())?;
            }
            RoleKind::SecureMail | RoleKind::Boxer => {}
        }
    }
    let topology = world.topology.lock().expect("topology poisoned").clone();
    std::fs::write(state_dir.join("endpoints.json"), serde_json::to_vec_pretty(&topology)?)?;
    Ok(world)
}

/// APNs provider credentials for the default App ID: a certificate of the push CA, and the
/// team's ES256 key for token authentication.
fn write_apns_credentials(world: &RealWorld, state_dir: &Path, provider: &Credential, p8: &str) -> Result<(), ServeError> {
    let dir = state_dir.join("apns");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("provider-cert.pem"), &provider.cert_pem)?;
    std::fs::write(dir.join("provider-key.pem"), &provider.key_pem)?;
    std::fs::write(dir.join("push-ca.pem"), world.pki.push_ca.cert_pem())?;
    std::fs::write(dir.join(format!("AuthKey_{}.p8", defaults::KEY_ID)), p8)?;
    let token = json!({"team_id": defaults::TEAM_ID, "key_id": defaults::KEY_ID, "key_file": format!("AuthKey_{}.p8", defaults::KEY_ID), "topic": defaults::APP_ID});
    std::fs::write(dir.join("token.json"), serde_json::to_vec_pretty(&token)?)?;
    Ok(())
}
