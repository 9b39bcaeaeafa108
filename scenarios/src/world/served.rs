//! Roles served by other processes for this run (`mailconform run --served DIR...`): the roles
//! each `mailconform serve` wrote into its state directory's `endpoints.json` take the place of
//! the in-process fakes of those roles, in every scenario, on the real clock. Several state
//! directories make one deployment when their processes share a CA: one container per role on
//! a private network (`tests/containers/topology`), each reaching the others by host name.
//!
//! A scenario then runs in a live simulation signing with the served deployment's CAs (read
//! from the state directory, so that each side trusts the other's certificates). Each served
//! host name is passed through to the port that serves it; the scenario's own roles are
//! bridged out ([`mailconform_sim::Bridge`], on the address the serving processes reach this
//! one at) and pinned in every serving process (`/_mailconform/peers`), so that a served
//! Exchange posts its notifications to the scenario's listener. Before each scenario every
//! serving process is reset (`/_mailconform/reset`), so that
//! a scenario finds the served role as fresh as an in-process one. Steps reach a served role
//! only through its URL and its control API.
//!
//! A scenario that configures a served role otherwise than the served process runs it (another
//! Exchange version, a listener without Secure Mail's certificate) is not applicable, with the
//! setting named: the harness cannot reconfigure another process's fake.

use mailconform_fakes::defaults;
use mailconform_fakes::serve::files;
use mailconform_sim::{Bridge, Endpoint, Peer, Pki, ResetReport, Simulation, Topology};
use std::net::{IpAddr, SocketAddr};
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
    /// Two state directories whose processes sign with different CAs: neither would trust the
    /// other's certificates.
    #[error(
        "{dir} has another CA than {first}: the processes of one deployment share one CA (copy ca.pem, ca-key.pem and \
         apns/ from {first} into {dir} before its `mailconform serve` starts)"
    )]
    OtherCa {
        /// The first state directory.
        first: String,
        /// The one that differs.
        dir: String,
    },
    /// A role served by two processes.
    #[error("role {role} is served both from {first} and from {second}: give each role one backing")]
    Twice {
        /// The role.
        role: String,
        /// One state directory serving it.
        first: String,
        /// The other.
        second: String,
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
    /// The state directory of the process serving it.
    pub dir: PathBuf,
}

/// The roles of one or more `mailconform serve` state directories, one deployment.
#[derive(Clone, Debug)]
pub struct ServedRoles {
    /// The state directories, one per serving process.
    pub dirs: Vec<PathBuf>,
    /// Where the scenario's own roles are bridged out for the served ones to reach them: an
    /// address of this machine that the serving processes reach (127.0.0.1 for processes on
    /// this machine, the Docker network's gateway for containers: `run --advertise`).
    pub bridge_ip: IpAddr,
    /// Its CAs, with their keys: the scenario's simulation signs with them.
    pub pki: Pki,
    /// Every role it serves.
    pub roles: Vec<ServedRole>,
    /// The APNs team key of the served deployment (its `AuthKey_*.p8`), with its PKCS#8 key,
    /// when APNs (which trusts it) or ENS2 (which signs its provider tokens with it) is
    /// served: the scenario's ENS2 signs with it, or the scenario's APNs trusts it.
    pub apns_team: Option<(mailconform_fakes::apns::TeamKey, Vec<u8>)>,
    /// The command that cuts a served role off its network and lets it back (`run
    /// --network-command`), when the roles stand on a network of their own; `None`: a cut is
    /// the served fake's own refusal, through its control API.
    pub network: Option<PathBuf>,
    /// The roles cut off and not let back yet, let back when the scenario ends.
    pub cut: Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
}

impl ServedRoles {
    /// Reads the state directories of one deployment: their roles together, their common CA.
    pub fn load_all(dirs: &[PathBuf]) -> Result<Self, ServedError> {
        let mut all: Option<ServedRoles> = None;
        for dir in dirs {
            let one = ServedRoles::load(dir)?;
            let Some(so_far) = all.as_mut() else {
                all = Some(one);
                continue;
            };
            let first = so_far.dirs[0].display().to_string();
            if one.pki.ca.cert_der() != so_far.pki.ca.cert_der() || one.pki.push_ca.cert_der() != so_far.pki.push_ca.cert_der() {
                return Err(ServedError::OtherCa { first, dir: dir.display().to_string() });
            }
            for r in &one.roles {
                if let Some(before) = so_far.roles.iter().find(|b| b.role == r.role) {
                    return Err(ServedError::Twice {
                        role: r.role.clone(),
                        first: before.dir.display().to_string(),
                        second: dir.display().to_string(),
                    });
                }
            }
            so_far.dirs.extend(one.dirs);
            so_far.roles.extend(one.roles);
            so_far.apns_team = so_far.apns_team.take().or(one.apns_team);
        }
        all.ok_or_else(|| ServedError::File { path: String::new(), reason: "no state directory given".into() })
    }

    /// The same, with cuts made by `program` ([`mailconform_fakes::driver::NetworkFaults`]).
    pub fn with_network_command(mut self, program: PathBuf) -> Self {
        self.network = Some(program);
        self
    }

    /// Every served role's addresses, as peers: each serving process then reaches the roles
    /// of the others at the address the run reaches them, whatever names its network resolves.
    fn peers(&self) -> Vec<Peer> {
        let mut peers = Vec::new();
        for r in &self.roles {
            peers.push(Peer { host: r.host.clone(), port: 443, addr: r.https });
            if let Some(plain) = r.plain {
                peers.push(Peer { host: r.host.clone(), port: 80, addr: plain });
            }
            peers.extend(r.services.iter().map(|(port, addr)| Peer { host: r.host.clone(), port: *port, addr: *addr }));
        }
        peers
    }

    /// The same, with the scenario's roles bridged out on `ip`.
    pub fn bridged_on(mut self, ip: IpAddr) -> Self {
        self.bridge_ip = ip;
        self
    }

    /// The state directories, for messages.
    pub fn dirs_shown(&self) -> String {
        self.dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
    }

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
            roles.push(ServedRole {
                role: e.role.clone(),
                host: e.host.clone(),
                https: addr(&e.base_url)?,
                plain,
                services,
                dir: dir.to_path_buf(),
            });
        }
        if roles.is_empty() {
            return Err(bad(files::ENDPOINTS, "it lists no role".into()));
        }
        let team_holders = [mailconform_fakes::role::APNS, mailconform_fakes::role::ENS];
        let apns_team = match roles.iter().any(|r| team_holders.contains(&r.role.as_str())) {
            false => None,
            true => {
                let p8_file = format!("apns/AuthKey_{}.p8", defaults::KEY_ID);
                let team = mailconform_fakes::apns::team_key_from_p8(defaults::TEAM_ID, defaults::KEY_ID, &read(&p8_file)?)
                    .map_err(|e| bad(&p8_file, e.to_string()))?;
                Some(team)
            }
        };
        Ok(ServedRoles {
            dirs: vec![dir.to_path_buf()],
            bridge_ip: IpAddr::from([127, 0, 0, 1]),
            pki,
            roles,
            apns_team,
            network: None,
            cut: Default::default(),
        })
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

    /// The base of each serving process's control API (any of its roles answers the process's routes).
    fn control_bases(&self) -> Vec<String> {
        self.dirs.iter().filter_map(|dir| self.roles.iter().find(|r| &r.dir == dir)).map(|r| format!("https://{}", r.host)).collect()
    }

    /// Resets every serving process (`POST /_mailconform/reset`) and pins the served roles in
    /// each other; fails the step when one cannot.
    pub(crate) async fn reset(&self, http: &mailconform_sim::HttpClient) -> ResetReport {
        if self.dirs.len() > 1 {
            self.set_peers(http, &self.peers()).await;
        }
        // Without start-up's uploads: the scenario's plan says which listener has Secure Mail's certificate.
        let request = serde_json::to_vec(&mailconform_sim::ResetRequest { start_up: false }).expect("request encodes");
        let mut all = ResetReport::default();
        for base in self.control_bases() {
            let url = format!("{base}{}", mailconform_sim::RESET_PATH);
            let answer = send(http, "POST", &url, request.clone()).await;
            let report: ResetReport = serde_json::from_slice(&answer)
                .unwrap_or_else(|e| panic!("the served deployment's reset at {url} answered what is not a reset report: {e}"));
            all.reset.extend(report.reset);
            all.kept.extend(report.kept);
        }
        all
    }

    /// Tells every serving process where the scenario's own roles answer (`PUT /_mailconform/peers`).
    pub(crate) async fn set_peers(&self, http: &mailconform_sim::HttpClient, peers: &[Peer]) {
        let body = serde_json::to_vec(peers).expect("peers encode");
        for base in self.control_bases() {
            send(http, "PUT", &format!("{base}{}", mailconform_sim::PEERS_PATH), body.clone()).await;
        }
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
        let bridge = Bridge::new(sim.net.clone(), roles.bridge_ip);
        ServedLink { roles, bridge }
    }

    /// A served role's restart, when the run has a network command: the command restarts its
    /// process (`PROGRAM restart ROLE`, a container killed and started again), which then
    /// knows none of the scenario's hosts, so they and the served roles are pinned in it again.
    pub(crate) fn lifecycle(&self, sim: &Simulation) -> Option<Box<dyn mailconform_fakes::driver::Lifecycle>> {
        let program = self.roles.network.clone()?;
        let mut peers = self.bridge.peers();
        peers.extend(self.roles.peers());
        Some(Box::new(CommandLifecycle { roles: self.roles.clone(), program, peers, http: sim.control_client() }))
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

/// Lets back, when the scenario ends, every role it cut off and did not let back itself (a
/// scenario that failed, or whose last step leaves the listener off): the next scenario, and
/// the next run, find the network whole.
impl Drop for ServedLink {
    fn drop(&mut self) {
        let Some(program) = self.roles.network.clone() else { return };
        if self.roles.cut.lock().expect("cut poisoned").is_empty() {
            return;
        }
        let cut = self.roles.cut.clone();
        // A thread of its own: the scenario may end inside its runtime, which cannot block on another.
        let mended = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| e.to_string())?;
            rt.block_on(mailconform_fakes::driver::mend_all(&program, &cut)).map_err(|e| e.to_string())
        })
        .join();
        match mended {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("mailconform: a role the scenario cut off could not be let back: {e}"),
            Err(_) => eprintln!("mailconform: letting back the roles the scenario cut off panicked"),
        }
    }
}

/// [`ServedLink::lifecycle`]'s restart.
struct CommandLifecycle {
    roles: Arc<ServedRoles>,
    program: PathBuf,
    peers: Vec<Peer>,
    http: mailconform_sim::HttpClient,
}

impl mailconform_fakes::driver::Lifecycle for CommandLifecycle {
    fn restart<'a>(&'a self, role: &'a str) -> mailconform_fakes::driver::DriverFuture<'a, ()> {
        Box::pin(async move {
            mailconform_fakes::driver::network_command(&self.program, "restart", role).await?;
            self.roles.set_peers(&self.http, &self.peers).await;
            Ok(())
        })
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

    /// A state directory as `serve` writes it, serving `role` as `host` at `addr`, signing with `pki`.
    fn state_dir(pki: &Pki, role: &str, host: &str, addr: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("apns")).unwrap();
        std::fs::write(dir.path().join(files::CA), pki.ca.cert_pem()).unwrap();
        std::fs::write(dir.path().join(files::CA_KEY), pki.ca.key_pem()).unwrap();
        std::fs::write(dir.path().join(files::PUSH_CA), pki.push_ca.cert_pem()).unwrap();
        std::fs::write(dir.path().join(files::PUSH_CA_KEY), pki.push_ca.key_pem()).unwrap();
        let mut topology = Topology::default();
        let base_url = format!("https://{addr}");
        topology.insert(Endpoint {
            role: role.into(),
            host: host.into(),
            control_url: format!("{base_url}{}", mailconform_sim::CONTROL_PREFIX),
            base_url,
            plain_url: None,
            services: Default::default(),
        });
        std::fs::write(dir.path().join(files::ENDPOINTS), serde_json::to_vec(&topology).unwrap()).unwrap();
        dir
    }

    #[test]
    fn several_processes_sharing_a_ca_make_one_deployment_and_others_are_named() {
        let now = mailconform_sim::Clock::real().offset_date_time();
        let (pki, other) = (Pki::new(now).unwrap(), Pki::new(now).unwrap());
        let exchange = state_dir(&pki, "exchange", "mail.example.test", "172.30.0.10:443");
        let listener = state_dir(&pki, "listener.us-east-1", "us-east-1.listener.example.test", "172.30.0.12:443");
        let both = ServedRoles::load_all(&[exchange.path().into(), listener.path().into()]).unwrap();
        assert_eq!(both.names(), ["exchange", "listener.us-east-1"]);
        assert_eq!(both.control_bases(), ["https://mail.example.test", "https://us-east-1.listener.example.test"]);
        let peers = both.peers();
        assert!(peers
            .iter()
            .any(|p| p.host == "us-east-1.listener.example.test" && p.port == 443 && p.addr.to_string() == "172.30.0.12:443"));
        assert_eq!(both.roles[1].dir, listener.path());

        let stranger = state_dir(&other, "traveler", "traveler.example.test", "172.30.0.11:443");
        let e = ServedRoles::load_all(&[exchange.path().into(), stranger.path().into()]).unwrap_err();
        assert!(matches!(e, ServedError::OtherCa { .. }) && e.to_string().contains("copy ca.pem, ca-key.pem and apns/"), "{e}");
        let again = state_dir(&pki, "exchange", "mail.example.test", "172.30.0.13:443");
        let e = ServedRoles::load_all(&[exchange.path().into(), again.path().into()]).unwrap_err();
        assert!(matches!(e, ServedError::Twice { ref role, .. } if role == "exchange"), "{e}");
    }
}
