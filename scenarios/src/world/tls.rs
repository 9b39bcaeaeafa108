//! The SSLv3/TLS matrix's area of a scenario: servers on OpenSSL, device profiles, the last
//! handshake.

use mailconform_tls::connector::LegacyConnector;
use mailconform_tls::profile::{self, DeviceProfile, Policy};
use mailconform_tls::s_server::SServer;
use mailconform_tls::server::LegacyServer;
use mailconform_tls::{Handshake, VersionSet};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;

/// A host speaking exactly some protocol versions, kept for as long as the scenario runs.
pub(crate) enum TlsServer {
    /// On the vendored OpenSSL in this process, on the simulation's network, with its handshake log.
    InProcess { _server: Arc<LegacyServer> },
    /// OpenSSL's own `s_server` in a process of its own (`run --tls-server`), reached over TCP;
    /// the process ends with the scenario.
    External { _process: SServer },
}

/// What the matrix's steps keep between them.
#[derive(Default)]
pub(crate) struct TlsState {
    /// Hosts that speak exactly some protocol versions.
    pub(crate) servers: BTreeMap<String, TlsServer>,
    /// The `openssl` whose `s_server` serves those hosts instead of the in-process server
    /// (`run --tls-server`); set by the world in such a run.
    pub(crate) external: Option<PathBuf>,
    pub(crate) devices: BTreeMap<String, (DeviceProfile, Policy)>,
    /// The user whose device connected last.
    pub(crate) last_device: Option<String>,
    pub(crate) last: Option<Connection>,
    /// The TLS of Secure Mail devices created with a profile, by user.
    pub(crate) connectors: BTreeMap<String, Arc<LegacyConnector>>,
}

impl TlsState {
    /// Puts a server speaking exactly `versions` on `host`'s port 443: OpenSSL in this process,
    /// or `openssl s_server` when the run names one, which the simulation then reaches over
    /// TCP in place of the host's fake. A server already there is replaced (an administrator
    /// changing the versions).
    pub(crate) fn serve(&mut self, sim: &mut mailconform_sim::Simulation, host: &str, versions: VersionSet) {
        let server = match &self.external {
            None => TlsServer::InProcess {
                _server: mailconform_tls::server::serve_in_simulation(sim, host, versions).expect("the legacy TLS server starts"),
            },
            Some(program) => {
                let leaf = {
                    let _inside = sim.enter();
                    sim.pki.ca.server_leaf_rsa(&[host, "localhost", "127.0.0.1"], sim.clock.offset_date_time())
                }
                .expect("a certificate for the s_server");
                let server = SServer::start(program, versions, &leaf).unwrap_or_else(|e| panic!("{e}"));
                sim.net.pass_through_to(host, 443, server.addr);
                TlsServer::External { _process: server }
            }
        };
        self.servers.insert(host.to_string(), server);
    }

    /// Whether `host` is served by an `openssl s_server` of its own.
    pub(crate) fn is_external(&self, host: &str) -> bool {
        matches!(self.servers.get(host), Some(TlsServer::External { .. }))
    }

    /// The TLS of `user`'s Secure Mail when a step gave it a device profile: OpenSSL offering
    /// exactly what the profile and policy allow, for every HTTPS/1.1 connection it opens.
    pub(crate) fn device_connector(&mut self, user: &str, sim: &mailconform_sim::Simulation) -> Option<Arc<LegacyConnector>> {
        let (d, p) = *self.devices.get(user)?;
        let c = Arc::new(LegacyConnector::new(profile::offered(d, p), sim.pki.ca.cert_pem(), sim.clock.clone()));
        self.connectors.insert(user.to_string(), c.clone());
        Some(c)
    }
}

/// One connection attempt: the handshake, then the server's answer over it when it completed.
pub(crate) struct Connection {
    pub(crate) handshake: Handshake,
    /// What the server answered over the session.
    pub(crate) answer: Option<Result<Answer, mailconform_tls::TlsError>>,
}

/// What a server answered over a completed handshake.
#[derive(Debug)]
pub(crate) enum Answer {
    /// ActiveSync's OPTIONS: the HTTP status and MS-ASProtocolVersions.
    Options { status: u16, versions: String },
    /// `openssl s_server -www`'s status page for `GET /`: the HTTP status and the protocol the
    /// server itself says the session uses.
    StatusPage { status: u16, protocol: Option<mailconform_tls::Version> },
}
