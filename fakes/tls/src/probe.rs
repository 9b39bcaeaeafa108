//! `mailconform tls-probe HOST:PORT`: which of SSL 3.0 … TLS 1.3 a real server accepts, judged
//! by full handshakes (one per version, offering that version alone), and, from the seed's
//! tables, which device profiles under which policy can connect to it.

use crate::client::{self, ClientOffer, Handshake, PROBE_CIPHERS};
use crate::error::TlsError;
use crate::matrix;
use crate::profile::{self, DeviceProfile, Policy};
use crate::version::{Version, VersionSet};
use serde::Serialize;
use std::time::Duration;

#[derive(Clone, Debug, Serialize)]
pub struct VersionLine {
    pub version: Version,
    pub accepted: bool,
    pub cipher: Option<String>,
    /// Why it was refused (the alert and who sent it, or the connection error).
    pub detail: String,
}

#[derive(Clone, Debug, Serialize)]
pub struct DeviceLine {
    pub device: &'static str,
    pub policy: &'static str,
    pub offered: VersionSet,
    /// The version it would negotiate, or the alert that would end its handshake.
    pub outcome: String,
    pub connects: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct ProbeReport {
    pub target: String,
    pub versions: Vec<VersionLine>,
    pub accepted: VersionSet,
    pub devices: Vec<DeviceLine>,
}

impl ProbeReport {
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
pub fn devices_for(accepted: VersionSet) -> Vec<DeviceLine> {
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

/// Probes `target` (`host:port`) over TCP. `server_name` is sent as SNI when it is a name.
pub async fn probe(target: &str, server_name: &str, timeout: Duration) -> Result<ProbeReport, TlsError> {
    let mut versions = Vec::new();
    let mut accepted = VersionSet::EMPTY;
    for v in Version::ALL {
        let mut offer = ClientOffer::new(VersionSet::of(&[v]), server_name);
        offer.ciphers = PROBE_CIPHERS;
        let attempt = async {
            let tcp = tokio::net::TcpStream::connect(target).await.map_err(|e| TlsError::Usage(format!("cannot reach {target}: {e}")))?;
            let (h, stream) = client::connect(tcp, &offer).await?;
            if let Some(mut s) = stream {
                let _ = tokio::io::AsyncWriteExt::shutdown(&mut s).await;
            }
            Ok::<Handshake, TlsError>(h)
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
    Ok(ProbeReport { target: target.to_string(), devices: devices_for(accepted), versions, accepted })
}
