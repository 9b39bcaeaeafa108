//! Roles served by another process for this run (`mailconform run --served DIR`): the roles a
//! `mailconform serve` wrote into its state directory's `endpoints.json` take the place of the
//! in-process fakes of those roles, in every scenario, on the real clock.
//!
//! A scenario then runs in a live simulation signing with the served deployment's CAs (read
//! from the state directory, so that each side trusts the other's certificates). Each served
//! host name is passed through to the port that serves it; the scenario's own roles are
//! bridged out ([`mailconform_sim::Bridge`]) and pinned in the serving process
//! (`/_mailconform/peers`), so that a served Exchange posts its notifications to the scenario's
//! listener. Before each scenario the serving process is reset (`/_mailconform/reset`), so that
//! a scenario finds the served role as fresh as an in-process one. Steps reach a served role
//! only through its URL and its control API.
//!
//! A scenario that configures a served role otherwise than the served process runs it (another
//! Exchange version, a listener without Secure Mail's certificate) is not applicable, with the
//! setting named: the harness cannot reconfigure another process's fake.

use mailconform_fakes::defaults;
use mailconform_fakes::serve::files;
use mailconform_sim::{Bridge, Endpoint, Peer, Pki, ResetReport, Simulation, Topology};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Why a served deployment's state directory cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ServedError {
    /// A file of the state directory is missing or unreadable.
    #[error("{path}: {reason} (is it the --state-dir of a running `mailconform serve`?)")]
    File {
        /// The file.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// An endpoint's URL does not name the address it listens on.
    #[error("{path}: role {role}'s URL {url} does not give an address and port")]
    Url {
        /// `endpoints.json`.
        path: String,
        /// The role.
        role: String,
        /// Its URL.
        url: String,
    },
}

/// One served role: its host name and where its ports answer.
#[derive(Clone, Debug)]
pub struct ServedRole {
    /// Role name (`exchange`, `listener.us-east-1`).
    pub role: String,
    /// The host name it answers for.
    pub host: String,
    /// Its HTTPS port's address.
    pub https: SocketAddr,
    /// Its plain HTTP port's address, when it has one.
    pub plain: Option<SocketAddr>,
    /// The addresses of the protocols other than HTTP it serves, with the port each has in the
    /// topology (the directory's 389 and 636).
    pub services: Vec<(u16, SocketAddr)>,
}

/// The roles of one `mailconform serve` state directory.
#[derive(Clone, Debug)]
pub struct ServedRoles {
    /// The state directory.
    pub dir: PathBuf,
    /// Its CAs, with their keys: the scenario's simulation signs with them.
    pub pki: Pki,
    /// Every role it serves.
    pub roles: Vec<ServedRole>,
    /// The PKCS#8 key the served APNs trusts for token authentication (its `AuthKey_*.p8`),
    /// for the scenario's providers that push to it (ENS2); `None` when APNs is not served.
    pub apns_team_pkcs8: Option<Vec<u8>>,
}

impl ServedRoles {
    /// Reads `dir`'s `endpoints.json` and CAs.
    pub fn load(dir: &Path) -> Result<Self, ServedError> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| ServedError::File { path: path.display().to_string(), reason: e.to_string() })
        };
        let bad = |name: &str, reason: String| ServedError::File { path: dir.join(name).display().to_string(), reason };
        let pki = mailconform_fakes::serve::kept_pki(dir)
            .map_err(|e| bad(files::CA, e.to_string()))?
            .ok_or_else(|| bad(files::CA, "the CA files (ca.pem, ca-key.pem, apns/push-ca*.pem) are not all there".into()))?;
        let topology: Topology = serde_json::from_str(&read(files::ENDPOINTS)?).map_err(|e| bad(files::ENDPOINTS, e.to_string()))?;
        let mut roles = Vec::new();
        for e in topology.roles.values() {
            let addr = |url: &str| {
                let authority = url.split("://").nth(1).unwrap_or_default().trim_end_matches('/');
                authority.parse::<SocketAddr>().map_err(|_| ServedError::Url {
                    path: dir.join(files::ENDPOINTS).display().to_string(),
                    role: e.role.clone(),
                    url: url.to_string(),
                })
            };
            let plain = e.plain_url.as_deref().map(addr).transpose()?;
            let mut services = Vec::new();
            for (scheme, url) in &e.services {
                let port = match scheme.as_str() {
                    "ldap" => defaults::LDAP_PORT,
                    "ldaps" => defaults::LDAPS_PORT,
                    _ => continue,
                };
                services.push((port, addr(url)?));
            }
            roles.push(ServedRole { role: e.role.clone(), host: e.host.clone(), https: addr(&e.base_url)?, plain, services });
        }
        if roles.is_empty() {
            return Err(bad(files::ENDPOINTS, "it lists no role".into()));
        }
        let apns_team_pkcs8 = match roles.iter().any(|r| r.role == mailconform_fakes::role::APNS) {
            false => None,
            true => {
                let p8_file = format!("apns/AuthKey_{}.p8", defaults::KEY_ID);
                let (_, pkcs8) = mailconform_fakes::apns::team_key_from_p8(defaults::TEAM_ID, defaults::KEY_ID, &read(&p8_file)?)
                    .map_err(|e| bad(&p8_file, e.to_string()))?;
                Some(pkcs8)
            }
        };
        Ok(ServedRoles { dir: dir.to_path_buf(), pki, roles, apns_team_pkcs8 })
    }

    /// Whether `role` is served here.
    pub fn serves(&self, role: &str) -> bool {
        self.roles.iter().any(|r| r.role == role)
    }

    /// The names of the served roles.
    pub fn names(&self) -> Vec<String> {
        self.roles.iter().map(|r| r.role.clone()).collect()
    }

    /// Lets the simulation reach every served host at its port, and puts each served role in
    /// the simulation's topology under its host name, so that control clients and devices
    /// call it as they would call the in-process fake.
    pub(crate) fn attach(&self, sim: &mut Simulation) {
        for r in &self.roles {
            sim.net.pass_through_to(&r.host, 443, r.https);
            for (port, addr) in &r.services {
                sim.net.pass_through_to(&r.host, *port, *addr);
            }
            let mut plain_url = None;
            if let Some(plain) = r.plain {
                sim.net.pass_through_to(&r.host, 80, plain);
                plain_url = Some(format!("http://{}", r.host));
            }
            let base_url = format!("https://{}", r.host);
            sim.topology.insert(Endpoint {
                services: Default::default(),
                role: r.role.clone(),
                host: r.host.clone(),
                control_url: format!("{base_url}{}", mailconform_sim::CONTROL_PREFIX),
                base_url,
                plain_url,
            });
        }
    }

    /// The base of the serving process's control API (any of its roles answers the process's routes).
    fn control_base(&self) -> String {
        format!("https://{}", self.roles[0].host)
    }

    /// Resets the serving process (`POST /_mailconform/reset`); fails the step when it cannot.
    pub(crate) async fn reset(&self, http: &mailconform_sim::HttpClient) -> ResetReport {
        let url = format!("{}{}", self.control_base(), mailconform_sim::RESET_PATH);
        // Without start-up's uploads: the scenario's plan says which listener has Secure Mail's certificate.
        let request = mailconform_sim::ResetRequest { start_up: false };
        let answer = send(http, "POST", &url, serde_json::to_vec(&request).expect("request encodes")).await;
        serde_json::from_slice(&answer).unwrap_or_else(|e| panic!("the served deployment's reset answered what is not a reset report: {e}"))
    }

    /// Tells the serving process where the scenario's own roles answer (`PUT /_mailconform/peers`).
    pub(crate) async fn set_peers(&self, http: &mailconform_sim::HttpClient, peers: &[Peer]) {
        let url = format!("{}{}", self.control_base(), mailconform_sim::PEERS_PATH);
        send(http, "PUT", &url, serde_json::to_vec(peers).expect("peers encode")).await;
    }
}

async fn send(http: &mailconform_sim::HttpClient, method: &str, url: &str, body: Vec<u8>) -> bytes::Bytes {
    let req = http::Request::builder()
        .method(method)
        .uri(url)
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(bytes::Bytes::from(body))
        .expect("request builds");
    let opts = mailconform_sim::RequestOptions::default();
    match http.send(req, &opts).await {
        Ok(r) if r.status().is_success() => r.into_body(),
        Ok(r) => panic!("the served deployment refused {method} {url}: {} {}", r.status(), String::from_utf8_lossy(r.body())),
        Err(e) => panic!("the served deployment did not answer {method} {url}: {e}"),
    }
}

/// A scenario's link with the served roles: the bridge carrying the served roles' calls to the
/// scenario's own, and the hosts bridged so far.
pub(crate) struct ServedLink {
    pub roles: Arc<ServedRoles>,
    bridge: Bridge,
}

impl ServedLink {
    /// Attaches the scenario's simulation to the served roles.
    pub(crate) fn new(roles: Arc<ServedRoles>, sim: &mut Simulation) -> Self {
        roles.attach(sim);
        let bridge = Bridge::new(sim.net.clone(), std::net::IpAddr::from([127, 0, 0, 1]));
        ServedLink { roles, bridge }
    }

    /// Bridges the scenario's hosts not bridged yet (a device started since) and pins them in
    /// the serving process.
    pub(crate) fn sync(&self, sim: &Simulation) {
        let added = {
            let _inside = sim.enter();
            self.bridge.open_new().unwrap_or_else(|e| panic!("the scenario's roles could not be bridged to the served ones: {e}"))
        };
        if !added.is_empty() {
            let http = sim.control_client();
            sim.block_on(self.roles.set_peers(&http, &added));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_directory_without_a_served_deployment_says_what_is_missing() {
        let dir = std::env::temp_dir().join(format!("mailconform-served-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let e = ServedRoles::load(&dir).unwrap_err().to_string();
        assert!(e.contains("ca.pem") && e.contains("--state-dir of a running `mailconform serve`"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
