//! The fakes on real sockets, and the state directory outside clients read: `ca.pem`,
//! `endpoints.json`, APNs provider credentials for the default App ID, and the ES256 signing
//! key for token authentication.
//!
//! A state directory that exists already is a deployment restarted: its CAs (with their
//! keys), provider certificate and signing key are reused, each role takes the port it had
//! when that port is free, and the fakes read back what they kept in `state.redb` (mailboxes
//! and the ActiveSync sync state of every device partnership, device tokens, listener
//! registrations and certificates). EWS push subscriptions are not kept: Exchange holds
//! them in the memory of the server that made them, and a restart of the EWS process loses
//! them (Microsoft, "Handling notification-related errors in EWS in Exchange":
//! ErrorSubscriptionNotFound, "the EWS process might have been restarted"), so clients
//! subscribe again as they would against Exchange.

use crate::apns::{generate_team_key, team_key_from_p8};
use crate::defaults;
use crate::deployment::{self, Roles};
use crate::listener::Region;
use crate::role::RoleKind;
use mailconform_sim::store::RedbStore;
use mailconform_sim::{Credential, Pki, PortKind, RealWorld, SimError, TlsTermination, Topology};
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
    /// Which Exchange the served one pretends to be (its schema, `ServerVersionInfo` and ALPN:
    /// only Office 365 offers HTTP/2); `None` keeps the default world's, Exchange 2013.
    pub exchange_profile: Option<crate::exchange::ServerProfile>,
    /// The version SEG is (`serve --seg-version`); `None`: [`deployment::SERVED_SEG_VERSION`].
    pub seg_version: Option<crate::seg::SegVersion>,
    /// Where ENS2 is installed (`serve --ens-placement`); `None`: in the cloud.
    pub ens_placement: Option<crate::ens::Placement>,
    /// Start afresh even if the state directory holds an earlier run: new CAs, credentials,
    /// ports and an empty database.
    pub fresh: bool,
    /// Ports roles must listen on (`--port ROLE=PORT`).
    pub ports: Vec<(String, u16)>,
    /// The seed of the fakes' randomness (device tokens, registration and subscription IDs);
    /// `None` draws one from the operating system, so no two runs hand out the same tokens.
    pub seed: Option<u64>,
    /// Entries each journal of each fake keeps (default
    /// [`mailconform_sim::journal::DEFAULT_CAPACITY`]).
    pub journal_capacity: Option<usize>,
    /// Concurrent connections per role, instead of each role's own cap
    /// ([`mailconform_sim::ConnLimits::max_connections`]).
    pub max_connections: Option<usize>,
    /// How long a graceful stop waits for requests in flight
    /// ([`mailconform_sim::ProcessLimits::drain_timeout`] when `None`).
    pub drain_timeout: Option<Duration>,
    /// The address others reach the roles at, when it is not the bind address (`--advertise`).
    pub advertise: Option<IpAddr>,
    /// Names the roles reach at another address than the system's resolver gives
    /// (`--resolve`): a listener's APNs gateway at a test harness, as an operator points it.
    pub resolve: Vec<mailconform_sim::Peer>,
}

/// The file names of a state directory.
pub mod files {
    /// The run CA's certificate, which outside clients trust.
    pub const CA: &str = "ca.pem";
    /// Its private key, kept so a restart signs with the same CA.
    pub const CA_KEY: &str = "ca-key.pem";
    /// The push CA (Apple's certification authority for provider certificates).
    pub const PUSH_CA: &str = "apns/push-ca.pem";
    /// The push CA's private key, so provider certificates survive a restart.
    pub const PUSH_CA_KEY: &str = "apns/push-ca-key.pem";
    /// The APNs provider certificate issued for the default App ID (what a listener uploads).
    pub const PROVIDER_CERT: &str = "apns/provider-cert.pem";
    /// The provider certificate's private key.
    pub const PROVIDER_KEY: &str = "apns/provider-key.pem";
    /// Every served role's URLs and control URL, for outside clients to discover.
    pub const ENDPOINTS: &str = "endpoints.json";
    /// The embedded database of what the fakes keep across restarts.
    pub const DATABASE: &str = "state.redb";
}

/// The CAs a state directory keeps, with their keys: `None` when one of the four files is
/// missing, a [`ServeError::Kept`] when they are there but do not restore. A restarted `serve`
/// signs with them again; `run --served` signs the scenario's side with them.
pub fn kept_pki(state_dir: &Path) -> Result<Option<Pki>, ServeError> {
    let read = |name: &str| std::fs::read_to_string(state_dir.join(name)).ok();
    match (read(files::CA), read(files::CA_KEY), read(files::PUSH_CA), read(files::PUSH_CA_KEY)) {
        (Some(ca), Some(ca_key), Some(push), Some(push_key)) => Pki::restore((&ca, &ca_key), (&push, &push_key))
            .map(Some)
            .map_err(|e| ServeError::Kept { file: files::CA.to_string(), reason: e.to_string() }),
        _ => Ok(None),
    }
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
    /// A file of an earlier run cannot be read back.
    #[error("the state directory's {file} cannot be used: {reason} (start with --fresh to begin anew)")]
    Kept {
        /// The file, relative to the state directory.
        file: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The fakes' database cannot be opened.
    #[error(transparent)]
    Store(#[from] mailconform_sim::store::StoreError),
}

/// TLS speaking exactly `versions` (OpenSSL) for a host, with a certificate of the run's CA
/// that also names the addresses the host is reached at.
fn legacy_tls(world: &RealWorld, versions: mailconform_tls::VersionSet) -> deployment::TlsFor {
    let ca = world.pki.ca.clone();
    let now = world.clock.offset_date_time();
    let names = world.own_names();
    Box::new(move |host: &str| {
        let mut san: Vec<&str> = vec![host];
        san.extend(names.iter().map(String::as_str));
        let leaf = ca.server_leaf_rsa(&san, now)?;
        let server = mailconform_tls::LegacyServer::new(versions, &leaf).map_err(|e| SimError::Pki(e.to_string()))?;
        Ok(TlsTermination::Acceptor(Arc::new(server)))
    })
}

/// [`start`] with options. The roles are put on real sockets by the same functions that put
/// them in a simulation ([`crate::deployment`]), in the order of [`crate::role::default_world`].
pub async fn start_with(roles: &[String], bind: IpAddr, state_dir: &Path, options: &ServeOptions) -> Result<RealWorld, ServeError> {
    let selected = crate::role::select(roles)?;
    for (role, _) in &options.ports {
        if !known(role) || role == "all" {
            return Err(crate::role::UnknownRole {
                name: role.clone(),
                known: crate::role::selectable().into_iter().map(|s| s.name).collect(),
            }
            .into());
        }
    }
    std::fs::create_dir_all(state_dir.join("apns"))?;
    let kept = |name: &str| if options.fresh { None } else { std::fs::read_to_string(state_dir.join(name)).ok() };
    let bad = |file: &str, e: &dyn std::fmt::Display| ServeError::Kept { file: file.to_string(), reason: e.to_string() };
    let pki = match if options.fresh { None } else { kept_pki(state_dir)? } {
        Some(pki) => pki,
        None => Pki::new(mailconform_sim::Clock::real().offset_date_time())?,
    };
    let mut world = RealWorld::with_pki(options.seed.unwrap_or_else(rand::random), bind, pki);
    if let Some(n) = options.journal_capacity {
        world.journal_capacity = n;
    }
    world.max_connections = options.max_connections;
    world.advertise = options.advertise;
    world.set_peers(options.resolve.clone());
    if let Some(d) = options.drain_timeout {
        world.process.drain_timeout = d;
    }
    if let Some(previous) = kept(files::ENDPOINTS) {
        let topology: Topology = serde_json::from_str(&previous).map_err(|e| bad(files::ENDPOINTS, &e))?;
        for e in topology.roles.values() {
            for (url, which) in [(Some(&e.base_url), PortKind::Https), (e.plain_url.as_ref(), PortKind::PlainHttp)] {
                if let Some(port) = url.and_then(|u| u.rsplit(':').next()).and_then(|p| p.trim_end_matches('/').parse().ok()) {
                    world.ports.remember(&e.role, which, port);
                }
            }
        }
    }
    for (role, port) in &options.ports {
        world.ports.pin(role, *port);
    }
    let database = state_dir.join(files::DATABASE);
    if options.fresh && database.exists() {
        std::fs::remove_file(&database)?;
    }
    world.store = Some(Arc::new(RedbStore::open(&database)?));
    std::fs::write(state_dir.join(files::CA), world.pki.ca.cert_pem())?;
    write_private(&state_dir.join(files::CA_KEY), world.pki.ca.key_pem())?;
    std::fs::write(state_dir.join(files::PUSH_CA), world.pki.push_ca.cert_pem())?;
    write_private(&state_dir.join(files::PUSH_CA_KEY), world.pki.push_ca.key_pem())?;

    let wants_oauth = options.ews_auth.as_ref().is_some_and(|m| m.contains(&crate::exchange::AuthMethod::OAuth));
    let issuer = if selected.iter().any(|r| r.kind == RoleKind::OAuthIssuer) || wants_oauth {
        Some(deployment::default_oauth_issuer(world.clock.clone())?)
    } else {
        None
    };
    let provider = match (kept(files::PROVIDER_CERT), kept(files::PROVIDER_KEY)) {
        (Some(cert), Some(key)) => Credential::from_pem(&cert, &key).map_err(|e| bad(files::PROVIDER_CERT, &e))?,
        _ => deployment::provider_certificate(&world, defaults::APP_ID, Duration::from_secs(365 * 86_400))?,
    };
    let p8_file = format!("apns/AuthKey_{}.p8", defaults::KEY_ID);
    let (team, team_pkcs8, p8) = match kept(&p8_file) {
        Some(p8) => {
            let (team, pkcs8) = team_key_from_p8(defaults::TEAM_ID, defaults::KEY_ID, &p8).map_err(|e| bad(&p8_file, &e))?;
            (team, pkcs8, p8)
        }
        None => generate_team_key(defaults::TEAM_ID, defaults::KEY_ID),
    };
    write_apns_credentials(state_dir, &provider, &p8)?;
    let context = deployment::DefaultWorld {
        oauth_issuer: issuer,
        team,
        team_pkcs8,
        ews_auth: options.ews_auth.clone(),
        exchange_profile: options.exchange_profile,
        seg_version: options.seg_version.clone(),
        ens_placement: options.ens_placement,
        tls: options.tls_versions.map(|v| legacy_tls(&world, v)),
        kinds: selected.iter().map(|r| r.kind).collect(),
    };
    for r in &selected {
        let endpoint = deployment::put_default_role(&mut world, r, &context)?;
        match r.kind {
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
    world.after_reset(reupload(&world, &topology, &selected, provider));
    Ok(world)
}

/// What a reset of the served roles (`POST /_mailconform/reset`) must do again after
/// rebuilding them: upload Secure Mail's APNs certificate to each served listener, as start-up
/// did, so that a reset listener can push at once.
fn reupload(world: &RealWorld, topology: &Topology, selected: &[crate::role::Role], provider: Credential) -> mailconform_sim::AfterReset {
    let regions: Vec<Region> = Region::ALL
        .into_iter()
        .filter(|g| selected.iter().any(|r| r.kind == RoleKind::Listener && crate::role::listener(*g) == r.name))
        .collect();
    let (topology, client) = (topology.clone(), world.client());
    Arc::new(move || {
        let (topology, client, provider, regions) = (topology.clone(), client.clone(), provider.clone(), regions.clone());
        Box::pin(async move {
            for region in regions {
                let listener = Roles::with(&topology, client.clone(), client.clone()).listener(region).map_err(|e| e.to_string())?;
                listener.upload_certificate(defaults::APP_ID, region, &provider.cert_pem, &provider.key_pem).await.map_err(|e| {
                    format!("Secure Mail's APNs certificate could not be uploaded again to {}: {e}", crate::role::listener(region))
                })?;
            }
            Ok(())
        })
    })
}

/// A private key, readable by its owner only where the platform has such permissions.
fn write_private(path: &Path, pem: &str) -> std::io::Result<()> {
    std::fs::write(path, pem)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// APNs provider credentials for the default App ID: a certificate of the push CA, and the
/// team's ES256 key for token authentication.
fn write_apns_credentials(state_dir: &Path, provider: &Credential, p8: &str) -> Result<(), ServeError> {
    let dir = state_dir.join("apns");
    std::fs::create_dir_all(&dir)?;
    std::fs::write(state_dir.join(files::PROVIDER_CERT), &provider.cert_pem)?;
    write_private(&state_dir.join(files::PROVIDER_KEY), &provider.key_pem)?;
    write_private(&dir.join(format!("AuthKey_{}.p8", defaults::KEY_ID)), p8)?;
    let token = json!({"team_id": defaults::TEAM_ID, "key_id": defaults::KEY_ID, "key_file": format!("AuthKey_{}.p8", defaults::KEY_ID), "topic": defaults::APP_ID});
    std::fs::write(dir.join("token.json"), serde_json::to_vec_pretty(&token)?)?;
    Ok(())
}
