//! Which of SSL 3.0 … TLS 1.3 a real server accepts, judged by full handshakes (one per version,
//! offering that version alone, with every cipher suite OpenSSL knows), and, from the Secure
//! Mail connection-security tables, which device profiles under which policy can connect to it.

use crate::error::ProbeError;
use mailconform_tls::client::{self, ClientOffer, Handshake, PROBE_CIPHERS};
use mailconform_tls::profile::{self, DeviceProfile, Policy};
use mailconform_tls::{matrix, TlsError, Version, VersionSet};
use serde::Serialize;
use std::time::Duration;

/// The handshake offering one version alone.
#[derive(Clone, Debug, Serialize)]
pub struct VersionLine {
    /// The only version the ClientHello offered.
    pub version: Version,
    /// The handshake completed and negotiated exactly `version`.
    pub accepted: bool,
    /// The cipher suite the server picked (OpenSSL's name), when the handshake got that far.
    pub cipher: Option<String>,
    /// Why it was refused (the alert and who sent it, or the connection error).
    pub detail: String,
}

/// One device profile under one policy against the probed server.
#[derive(Clone, Debug, Serialize)]
pub struct DeviceLine {
    /// The device profile's name in the seed's tables.
    pub device: &'static str,
    /// The connection-security policy's name, as the console shows it.
    pub policy: &'static str,
    /// The versions this profile offers under this policy.
    pub offered: VersionSet,
    /// The version it would negotiate, or the alert that would end its handshake.
    pub outcome: String,
    /// `outcome` is a version: the device would connect.
    pub connects: bool,
}

/// What `mailconform tls-probe` prints (as text with [`render`](Self::render), or as JSON).
#[derive(Clone, Debug, Serialize)]
pub struct TlsVersionsReport {
    /// The `host:port` probed.
    pub target: String,
    /// One line per version, SSL 3.0 first.
    pub versions: Vec<VersionLine>,
    /// The versions whose handshake completed.
    pub accepted: VersionSet,
    /// Every device profile under every policy, against `accepted`.
    pub devices: Vec<DeviceLine>,
}

impl TlsVersionsReport {
    /// The report as aligned text, the versions first, then the devices.
    pub fn render(&self) -> String {
        let mut out = format!("tls-probe {}\n\n", self.target);
        for l in &self.versions {
            let verdict =
                if l.accepted { format!("accepted  {}", l.cipher.clone().unwrap_or_default()) } else { format!("refused   {}", l.detail) };
            out.push_str(&format!("  {:<8} {verdict}\n", l.version.name()));
        }
        out.push_str(&format!("\naccepted: {}\n\nSecure Mail (seed 001 tables):\n", self.accepted));
        for d in &self.devices {
            let mark = if d.connects { "connects" } else { "cannot connect" };
            out.push_str(&format!("  {:<17} {:<15} {mark:<15} {}\n", d.device, format!("\"{}\"", d.policy), d.outcome));
        }
        out
    }
}

/// What the devices can do against a server accepting exactly `accepted`.
fn devices_for(accepted: VersionSet) -> Vec<DeviceLine> {
    let mut out = Vec::new();
    for policy in Policy::ALL {
        for device in DeviceProfile::ALL {
            let offered = profile::offered(device, policy);
            let outcome = if accepted.is_empty() { "no version accepted".to_string() } else { matrix::expected(offered, accepted) };
            let connects = Version::parse(&outcome).is_some();
            out.push(DeviceLine { device: device.name(), policy: policy.name(), offered, outcome, connects });
        }
    }
    out
}

/// Probes `target` (`host:port`) over TCP, one connection per version, each given `timeout` to
/// finish its handshake. `server_name` is sent as SNI when it is a name. Certificates are not
/// verified: the question is which versions the server speaks, not whom it claims to be.
pub async fn probe_tls_versions(target: &str, server_name: &str, timeout: Duration) -> Result<TlsVersionsReport, ProbeError> {
    let mut versions = Vec::new();
    let mut accepted = VersionSet::EMPTY;
    for v in Version::ALL {
        let mut offer = ClientOffer::new(VersionSet::of(&[v]), server_name);
        offer.ciphers = PROBE_CIPHERS;
        let attempt = async {
            let tcp = tokio::net::TcpStream::connect(target)
                .await
                .map_err(|source| ProbeError::Unreachable { target: target.to_string(), source })?;
            let (h, stream) = client::connect(tcp, &offer).await.map_err(|e| match e {
                TlsError::Io(source) => ProbeError::Unreachable { target: target.to_string(), source },
                other => ProbeError::Tls(other),
            })?;
            if let Some(mut s) = stream {
                let _ = tokio::io::AsyncWriteExt::shutdown(&mut s).await;
            }
            Ok::<Handshake, ProbeError>(h)
        };
        let line = match tokio::time::timeout(timeout, attempt).await {
            Err(_) => {
                VersionLine { version: v, accepted: false, cipher: None, detail: format!("no answer within {} s", timeout.as_secs()) }
            }
            Ok(Err(e)) => return Err(e),
            Ok(Ok(h)) => {
                let ok = h.completed() && h.negotiated == Some(v);
                if ok {
                    accepted = accepted.with(v);
                }
                VersionLine { version: v, accepted: ok, cipher: h.cipher.clone(), detail: if ok { String::new() } else { h.result() } }
            }
        };
        versions.push(line);
    }
    Ok(TlsVersionsReport { target: target.to_string(), devices: devices_for(accepted), versions, accepted })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_device_connects_to_a_server_accepting_nothing() {
        let lines = devices_for(VersionSet::EMPTY);
        assert_eq!(lines.len(), Policy::ALL.len() * DeviceProfile::ALL.len());
        assert!(lines.iter().all(|l| !l.connects && l.outcome == "no version accepted"), "{lines:#?}");
    }

    #[test]
    fn a_device_connects_when_it_offers_an_accepted_version() {
        let every = Version::ALL.iter().fold(VersionSet::EMPTY, |s, v| s.with(*v));
        for l in devices_for(every) {
            assert_eq!(l.connects, !l.offered.is_empty(), "{l:?}");
        }
    }
}
