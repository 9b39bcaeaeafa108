//! SSLv3/TLS figures: full legacy handshakes per second on the OpenSSL server the matrix uses,
//! and the wall time of the whole matrix (every device profile under every policy against every
//! server set, each a real handshake).

use mailconform_tls::client::{ClientOffer, DEVICE_CIPHERS};
use mailconform_tls::matrix;
use mailconform_tls::{LegacyServer, TlsError, Version, VersionSet};
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// Wall time each handshake figure runs for at least.
pub(crate) const MIN_WALL: Duration = Duration::from_millis(500);

/// Full handshakes at one version.
#[derive(Debug, Clone)]
pub(crate) struct HandshakeRate {
    pub version: Version,
    pub cipher: String,
    /// Handshakes the server completed, and the wall time they took.
    pub completed: u64,
    pub wall: Duration,
}

impl HandshakeRate {
    pub(crate) fn per_second(&self) -> f64 {
        self.completed as f64 / self.wall.as_secs_f64().max(f64::EPSILON)
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TlsFigures {
    pub rates: Vec<HandshakeRate>,
    pub matrix_cells: usize,
    pub matrix_disagreements: usize,
    pub matrix_wall: Duration,
}

/// Measures full handshakes (no session resumption: each one a new session, RSA key exchange
/// with an RSA-2048 certificate where the suite has it) at SSL 3.0, TLS 1.0 and TLS 1.2 between
/// the server and a client in the same thread over an in-memory pipe; counted on the server.
pub(crate) fn measure() -> Result<TlsFigures, TlsError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let rates = rt.block_on(async {
        let now = time::OffsetDateTime::now_utc();
        let pki = mailconform_sim::Pki::new(now)?;
        let leaf = pki.ca.server_leaf_rsa(&[matrix::HOST], now)?;
        let mut rates = Vec::new();
        for v in [Version::Ssl3, Version::Tls10, Version::Tls12] {
            let server = LegacyServer::new(VersionSet::of(&[v]), &leaf)?;
            let mut offer = ClientOffer::new(VersionSet::of(&[v]), matrix::HOST);
            offer.ciphers = DEVICE_CIPHERS;
            let started = Instant::now();
            let mut cipher = String::new();
            while started.elapsed() < MIN_WALL {
                let h = matrix::cell(&server, &offer).await?;
                if !h.completed() {
                    return Err(TlsError::Usage(format!("a {v} handshake failed in the bench: {}", h.reason())));
                }
                cipher = h.cipher.unwrap_or_default();
            }
            rates.push(HandshakeRate {
                version: v,
                cipher,
                completed: server.log.completed.load(Ordering::Relaxed),
                wall: started.elapsed(),
            });
        }
        Ok::<_, TlsError>(rates)
    })?;
    let m = matrix::run()?;
    Ok(TlsFigures { rates, matrix_cells: m.rows.len(), matrix_disagreements: m.disagreements().len(), matrix_wall: m.wall_time })
}

/// The lines `bench` prints for them.
pub(crate) fn render(f: &TlsFigures) -> String {
    let mut out = String::new();
    for r in &f.rates {
        out += &format!(
            "  {} handshakes  {}/s full ({} in {:.3} s, {}, server and client on one thread)\n",
            r.version.name(),
            crate::bench::grouped(r.per_second()),
            r.completed,
            r.wall.as_secs_f64(),
            r.cipher
        );
    }
    out += &format!(
        "  TLS matrix          {} cells in {:.1} ms ({} disagreeing with the RFCs' rules)\n",
        f.matrix_cells,
        f.matrix_wall.as_secs_f64() * 1000.0,
        f.matrix_disagreements
    );
    out
}
