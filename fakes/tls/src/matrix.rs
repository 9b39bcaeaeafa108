//! The whole SSLv3/TLS matrix: every device profile under every policy against servers of each
//! single version and of mixed sets, each cell a real handshake over an in-memory pipe, beside
//! what the RFCs' negotiation rules predict for it ([`expected`]). `mailconform run` writes it
//! as `tls-matrix.json` and `tls-matrix.md`; `mailconform bench` times it.

use crate::client::{self, ClientOffer};
use crate::error::TlsError;
use crate::profile::{self, oui_non, DeviceProfile, Policy};
use crate::server::LegacyServer;
use crate::version::{Version, VersionSet};
use crate::wire::{self, ClientHello};
use serde::Serialize;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The server version sets of the matrix: each single version, then the mixed sets deployments
/// had — Domino after the POODLE fixes (SSL 3.0 and TLS 1.0), a TLS 1.0–1.2 server, a modern one.
pub const SERVER_SETS: [&str; 8] = ["ssl3", "tls1.0", "tls1.1", "tls1.2", "tls1.3", "ssl3,tls1.0", "tls1.0,tls1.1,tls1.2", "tls1.2,tls1.3"];

/// The host name of the matrix's server (a Notes Traveler).
pub const HOST: &str = "traveler.example.test";

/// [`SERVER_SETS`], parsed.
pub(crate) fn server_sets() -> Vec<VersionSet> {
    SERVER_SETS.iter().map(|s| VersionSet::parse(s).expect("the matrix's own sets parse")).collect()
}

/// What the RFCs' rules predict when a client offering `offered` (OpenSSL's hello: legacy up
/// to TLS 1.2, supported_versions when it offers TLS 1.3) meets a server of `server`: a version
/// name, or "ALERT from the client|server".
pub fn expected(offered: VersionSet, server: VersionSet) -> String {
    let hello = ClientHello::offering(offered, &[0x002f], false);
    match wire::negotiate(server, &hello) {
        Ok(v) if offered.contains(v) => v.name().to_string(),
        Ok(_) => format!("{} from the client", crate::Alert::ProtocolVersion),
        Err(a) => format!("{a} from the server"),
    }
}

/// One cell of the matrix: a device under a policy against one server set.
#[derive(Clone, Debug, Serialize)]
pub struct Row {
    /// The device profile's English name ([`DeviceProfile::name`]).
    pub device: &'static str,
    /// The policy as the MDX console shows it ([`Policy::name`]).
    pub policy: &'static str,
    /// The seed's cells for this device and policy: the SSLv3 column ("Oui"/"Non").
    pub sslv3: &'static str,
    /// The seed's TLS column ("Oui"/"Non").
    pub tls: &'static str,
    /// What the device offered ([`profile::offered`]).
    pub offered: VersionSet,
    /// The versions the server accepted.
    pub server: VersionSet,
    /// What the RFCs' rules predict ([`expected`]).
    pub expected: String,
    /// What the real handshake gave ([`client::Handshake::result`]).
    pub observed: String,
    /// The negotiated suite, when the handshake completed.
    pub cipher: Option<String>,
    /// The version the ServerHello on the wire named, when there was one.
    pub server_hello: Option<Version>,
    /// Observed equals expected, and a completed handshake's session version is the ServerHello's.
    pub agrees: bool,
}

/// The whole matrix, as `tls-matrix.json` holds it.
#[derive(Clone, Debug, Serialize)]
pub struct Matrix {
    /// The seed section the matrix checks (`001.ssl-tls`, see docs/sources.md).
    pub source: &'static str,
    /// Every cell: server sets, then policies, then devices.
    pub rows: Vec<Row>,
    /// How long the real handshakes took (milliseconds in the JSON).
    #[serde(serialize_with = "millis")]
    pub wall_time: Duration,
}

fn millis<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64() * 1000.0)
}

impl Matrix {
    /// The cells whose handshake did not do what the RFCs predict.
    pub fn disagreements(&self) -> Vec<&Row> {
        self.rows.iter().filter(|r| !r.agrees).collect()
    }

    /// Markdown: one table per policy, devices down, server sets across.
    pub fn markdown(&self) -> String {
        let sets = server_sets();
        let mut out = String::from(
            "# SSLv3/TLS matrix\n\nSecure Mail's ActiveSync connection per device OS and \"Connection security level\" policy \
            (seed 001, \"Configuration du niveau de sécurité SSL/TLS\") against servers that speak exactly the versions in each column. \
            A cell is the version negotiated on the wire, or the alert that ended the handshake and who sent it.\n",
        );
        for policy in Policy::ALL {
            out.push_str(&format!("\n## Policy \"{policy}\"\n\n| device | SSLv3 | TLS | offers |"));
            for s in &sets {
                out.push_str(&format!(" {s} |"));
            }
            out.push_str("\n|---|---|---|---|");
            out.push_str(&"---|".repeat(sets.len()));
            out.push('\n');
            for device in DeviceProfile::ALL {
                let cell = profile::seed_cell(device, policy);
                out.push_str(&format!(
                    "| {device} | {} | {} | {} |",
                    oui_non(cell.sslv3),
                    oui_non(cell.tls),
                    profile::offered(device, policy)
                ));
                for s in &sets {
                    let r = self.rows.iter().find(|r| r.device == device.name() && r.policy == policy.name() && r.server == *s);
                    let text = r
                        .map(|r| if r.agrees { r.observed.clone() } else { format!("**{}** (expected {})", r.observed, r.expected) })
                        .unwrap_or_default();
                    out.push_str(&format!(" {text} |"));
                }
                out.push('\n');
            }
        }
        out.push_str(&format!(
            "\n{} cells, {} disagreeing with the RFCs' rules; {:.1} ms of wall time.\n",
            self.rows.len(),
            self.disagreements().len(),
            self.wall_time.as_secs_f64() * 1000.0
        ));
        out
    }
}

/// One handshake between a device and a server, over an in-memory pipe.
pub async fn cell(server: &LegacyServer, offer: &ClientOffer) -> Result<client::Handshake, TlsError> {
    use mailconform_sim::StreamAcceptor;
    let (c, s) = tokio::io::duplex(64 * 1024);
    let accept = server.accept(Box::new(s));
    let serve = tokio::spawn(accept);
    let (h, stream) = client::connect(c, offer).await?;
    drop(stream);
    let _ = serve.await;
    Ok(h)
}

/// Runs the whole matrix on a runtime of its own and times it.
pub fn run() -> Result<Matrix, TlsError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    rt.block_on(async {
        let started = Instant::now();
        let now = time_now();
        let pki = mailconform_sim::Pki::new(now)?;
        let leaf = pki.ca.server_leaf_rsa(&[HOST, "localhost", "127.0.0.1"], now)?;
        let mut rows = Vec::new();
        for server_set in server_sets() {
            let server = Arc::new(LegacyServer::new(server_set, &leaf)?);
            for policy in Policy::ALL {
                for device in DeviceProfile::ALL {
                    let offered = profile::offered(device, policy);
                    let mut offer = ClientOffer::new(offered, HOST);
                    offer.ca_pem = Some(pki.ca.cert_pem().to_string());
                    let h = cell(&server, &offer).await?;
                    let expected = expected(offered, server_set);
                    let observed = h.result();
                    let seed = profile::seed_cell(device, policy);
                    rows.push(Row {
                        device: device.name(),
                        policy: policy.name(),
                        sslv3: oui_non(seed.sslv3),
                        tls: oui_non(seed.tls),
                        offered,
                        server: server_set,
                        agrees: expected == observed && (!h.completed() || h.server_hello == h.negotiated),
                        expected,
                        observed,
                        cipher: h.cipher.clone(),
                        server_hello: h.server_hello,
                    });
                }
            }
        }
        Ok(Matrix { source: "001.ssl-tls", rows, wall_time: started.elapsed() })
    })
}

fn time_now() -> time::OffsetDateTime {
    time::OffsetDateTime::now_utc()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_model_predicts_the_seed() {
        let ssl3 = VersionSet::of(&[Version::Ssl3]);
        for d in DeviceProfile::ALL {
            let allowed = profile::seed_cell(d, Policy::Sslv3AndTls).sslv3;
            let got = expected(profile::offered(d, Policy::Sslv3AndTls), ssl3);
            assert_eq!(got == "SSL 3.0", allowed, "{d}: {got}");
            assert_ne!(expected(profile::offered(d, Policy::Tls), ssl3), "SSL 3.0");
        }
        assert_eq!(
            expected(profile::offered(DeviceProfile::AndroidO, Policy::Tls), VersionSet::of(&[Version::Tls13])),
            "protocol_version from the server"
        );
        assert_eq!(expected(profile::offered(DeviceProfile::Ios9Plus, Policy::Tls), ssl3), "handshake_failure from the server");
    }

    /// Every cell, on the wire, agrees with the RFCs' rules (the handshakes are real).
    #[test]
    fn the_whole_matrix_agrees() {
        let m = run().unwrap();
        assert_eq!(m.rows.len(), SERVER_SETS.len() * 10);
        let bad: Vec<String> = m
            .disagreements()
            .iter()
            .map(|r| format!("{} / {} / {}: observed {}, expected {}", r.device, r.policy, r.server, r.observed, r.expected))
            .collect();
        assert!(bad.is_empty(), "{bad:#?}");
        let r = m
            .rows
            .iter()
            .find(|r| r.device == "iOS before 9" && r.policy == "SSLv3 and TLS" && r.server == VersionSet::of(&[Version::Ssl3]))
            .unwrap();
        assert_eq!(r.observed, "SSL 3.0");
        assert!(r.cipher.as_deref().unwrap_or_default().contains("CBC") || r.cipher.as_deref() == Some("AES128-SHA"), "{:?}", r.cipher);
        assert!(m.markdown().contains("| iOS 9 and later | Non | Oui |"));
    }
}
