//! The SSLv3/TLS matrix's area of a scenario: servers on OpenSSL, device profiles, the last
//! handshake.

use mailconform_tls::connector::LegacyConnector;
use mailconform_tls::profile::{self, DeviceProfile, Policy};
use mailconform_tls::server::LegacyServer;
use mailconform_tls::Handshake;
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the matrix's steps keep between them.
#[derive(Default)]
pub(crate) struct TlsState {
    /// Hosts served by OpenSSL, with their handshake logs.
    pub servers: BTreeMap<String, Arc<LegacyServer>>,
    pub(crate) devices: BTreeMap<String, (DeviceProfile, Policy)>,
    /// The user whose device connected last.
    pub(crate) last_device: Option<String>,
    pub(crate) last: Option<Connection>,
    /// The TLS of Secure Mail devices created with a profile, by user.
    pub(crate) connectors: BTreeMap<String, Arc<LegacyConnector>>,
}

impl TlsState {
    /// The TLS of `user`'s Secure Mail when a step gave it a device profile: OpenSSL offering
    /// exactly what the profile and policy allow, for every HTTPS/1.1 connection it opens.
    pub(crate) fn device_connector(&mut self, user: &str, sim: &mailconform_sim::Simulation) -> Option<Arc<LegacyConnector>> {
        let (d, p) = *self.devices.get(user)?;
        let c = Arc::new(LegacyConnector::new(profile::offered(d, p), sim.pki.ca.cert_pem(), sim.clock.clone()));
        self.connectors.insert(user.to_string(), c.clone());
        Some(c)
    }
}

/// One connection attempt: the handshake, then ActiveSync's answer to OPTIONS when it completed.
pub(crate) struct Connection {
    pub(crate) handshake: Handshake,
    /// HTTP status and MS-ASProtocolVersions of the OPTIONS answer.
    pub(crate) options: Option<Result<(u16, String), mailconform_tls::TlsError>>,
}
