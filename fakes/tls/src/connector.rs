//! A simulated device's TLS: every HTTPS/1.1 connection its HTTP client opens goes through
//! OpenSSL offering exactly the versions of its profile under its policy
//! ([`crate::profile::offered`]). Each handshake is kept, so a step can say which version the
//! device's ActiveSync connection actually negotiated.

use crate::client::{self, ClientOffer, Handshake};
use crate::version::VersionSet;
use mailconform_sim::{AcceptFuture, BoxIo, Clock, HandshakeError, StreamConnector};
use std::sync::{Arc, Mutex};

/// The cipher suites of [`client::DEVICE_CIPHERS`] plus the ECDSA ones, for the hosts that keep
/// rustls and an ECDSA certificate (listeners, EWS on Exchange).
pub(crate) const DEVICE_CIPHERS_ANY_KEY: &str = "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-AES128-SHA:ECDHE-RSA-AES256-SHA:AES128-SHA:AES256-SHA:DES-CBC3-SHA:@SECLEVEL=0";

/// One handshake the device made, with the host it was for.
#[derive(Clone, Debug)]
pub struct DeviceHandshake {
    /// The host name the device dialled (and sent as SNI).
    pub host: String,
    /// The handshake as the device saw it.
    pub handshake: Handshake,
}

/// A device's TLS stack for the simulation's HTTP client: OpenSSL offering exactly a set of
/// versions, logging every handshake.
pub struct LegacyConnector {
    versions: VersionSet,
    ca_pem: String,
    clock: Clock,
    log: Arc<Mutex<Vec<DeviceHandshake>>>,
}

impl LegacyConnector {
    /// A connector offering `versions`, trusting `ca_pem`, checking certificates at `clock`'s time.
    pub fn new(versions: VersionSet, ca_pem: &str, clock: Clock) -> Self {
        LegacyConnector { versions, ca_pem: ca_pem.to_string(), clock, log: Arc::default() }
    }

    /// Every handshake so far, oldest first.
    pub fn handshakes(&self) -> Vec<DeviceHandshake> {
        self.log.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    /// The last handshake with `host`.
    pub fn last_with(&self, host: &str) -> Option<Handshake> {
        self.handshakes().into_iter().rev().find(|h| h.host.eq_ignore_ascii_case(host)).map(|h| h.handshake)
    }
}

impl StreamConnector for LegacyConnector {
    fn connect(&self, io: BoxIo, host: &str) -> AcceptFuture {
        let mut offer = ClientOffer::new(self.versions, host);
        offer.ciphers = DEVICE_CIPHERS_ANY_KEY;
        offer.ca_pem = Some(self.ca_pem.clone());
        offer.unix_time = Some((self.clock.unix_millis() / 1000) as i64);
        let log = self.log.clone();
        let host = host.to_string();
        Box::pin(async move {
            let (handshake, stream) = client::connect(io, &offer).await.map_err(|e| HandshakeError::without_alert(e.to_string()))?;
            let failed = HandshakeError {
                reason: format!("TLS handshake failed: {}", handshake.reason()),
                alert: handshake.alert.map(|a| a.to_sim()),
            };
            log.lock().unwrap_or_else(|p| p.into_inner()).push(DeviceHandshake { host, handshake });
            match stream {
                Some(s) => Ok(Box::new(s) as BoxIo),
                None => Err(failed),
            }
        })
    }
}
