//! The fakes on real sockets, and the state directory outside clients read: `ca.pem`,
//! `endpoints.json`, APNs provider credentials for the default App ID, and the ES256 signing
//! key for token authentication.

use crate::apns::generate_team_key;
use crate::defaults;
use crate::deployment::{self, Roles};
use crate::listener::Region;
use crate::role::RoleKind;
use mailconform_sim::{Credential, RealWorld, SimError, TlsTermination};
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
    /// Concurrent connections per role, instead of each role's own cap
    /// ([`mailconform_sim::ConnLimits::max_connections`]).
    pub max_connections: Option<usize>,
    /// How long a graceful stop waits for requests in flight
    /// ([`mailconform_sim::ProcessLimits::drain_timeout`] when `None`).
    pub drain_timeout: Option<Duration>,
}

/// Start `roles` and write the state directory. The fakes run on the current tokio runtime
/// until it ends.
pub async fn start(roles: &[String], bind: IpAddr, state_dir: &Path) -> Result<RealWorld, ServeError> {
    start_with(roles, bind, state_dir, &ServeOptions::default()).await
}

/// Why `serve` could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// A role name that the default world does not have (the message lists those it has).
    #[error(transparent)]
    UnknownRole(#[from] crate::role::UnknownRole),
    /// A listener could not bind, or a certificate could not be issued.
    #[error("a role could not start: {0}")]
    Start(#[from] SimError),
    /// `ca.pem`, `endpoints.json` or a credential file could not be written.
    #[error("the state directory cannot be written: {0}")]
    StateDir(#[from] std::io::Error),
    /// `endpoints.json` could not be encoded.
    #[error("the state directory cannot be written: {0}")]
    Json(#[from] serde_json::Error),
    /// A listener refused the APNs certificate that lets it push for Secure Mail.
    #[error("Secure Mail's APNs certificate could not be uploaded to {role}: {reason}")]
    Upload {
        /// The listener's role name.
        role: String,
        /// Its answer.
        reason: String,
    },
}

/// TLS speaking exactly `versions` (OpenSSL) for a host, with a certificate of the run's CA
/// that also names the bind address.
fn legacy_tls(world: &RealWorld, versions: mailconform_tls::VersionSet) -> deployment::TlsFor {
    let ca = world.pki.ca.clone();
    let now = world.clock.offset_date_time();
    let bind = world.bind.to_string();
    Box::new(move |host: &str| {
        let leaf = ca.server_leaf_rsa(&[host, "localhost", "127.0.0.1", &bind], now)?;
        let server = mailconform_tls::LegacyServer::new(versions, &leaf).map_err(|e| SimError::Pki(e.to_string()))?;
        Ok(TlsTermination::Acceptor(Arc::new(server)))
    })
}

/// [`start`] with options. The roles are put on real sockets by the same functions that put
/// them in a simulation ([`crate::deployment`]), in the order of [`crate::role::default_world`].
pub async fn start_with(roles: &[String], bind: IpAddr, state_dir: &Path, options: &ServeOptions) -> Result<RealWorld, ServeError> {
    let selected = crate::role::select(roles)?;
    let mut world = RealWorld::new(1, bind)?;
    world.max_connections = options.max_connections;
    if let Some(d) = options.drain_timeout {
        world.process.drain_timeout = d;
    }
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
    let context = deployment::DefaultWorld {
        oauth_issuer: issuer,
        team,
        team_pkcs8,
        ews_auth: options.ews_auth.clone(),
        tls: options.tls_versions.map(|v| legacy_tls(&world, v)),
        kinds: selected.iter().map(|r| r.kind).collect(),
    };
    for r in &selected {
        let endpoint = deployment::put_default_role(&mut world, r, &context)?;
        match r.kind {
            RoleKind::Apns if r.name == crate::role::APNS => write_apns_credentials(&world, state_dir, &provider, &p8)?,
            // The listener of a served deployment can push at once: Secure Mail's certificate is uploaded.
            RoleKind::Listener => {
                let region = Region::ALL.into_iter().find(|g| crate::role::listener(*g) == r.name).expect("a listener role names a region");
                let upload = |e: &dyn std::fmt::Display| ServeError::Upload { role: r.name.clone(), reason: e.to_string() };
                let topology = world.topology.lock().expect("topology poisoned").clone();
                let listener = Roles::with(&topology, world.client(), world.client()).listener(region).map_err(|e| upload(&e))?;
                listener
                    .upload_certificate(defaults::APP_ID, region, &provider.cert_pem, &provider.key_pem)
                    .await
                    .map_err(|e| upload(&e))?;
            }
            RoleKind::Traveler => {
                let plain = endpoint.and_then(|e| e.plain_url).unwrap_or_default();
                std::fs::write(state_dir.join("traveler-http.txt"), format!("{plain}\n"))?;
            }
            _ => {}
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
