//! OpenSSL's own test server, `openssl s_server`, as a process speaking exactly a set of
//! protocol versions: a TLS server the project did not write, for the seed tables' cells.
//!
//! It is started with the same cipher suites and security level as [`crate::LegacyServer`] and
//! `-www`, so that a client that completed its handshake can ask `GET /` and read the server's
//! own account of the session ("Protocol  : SSLv3"). SSL 3.0 needs an `openssl` built with
//! `enable-ssl3` (Debian's has none): `tests/tls/build-openssl` builds one from the vendored
//! OpenSSL the workspace already compiles.

use crate::{TlsError, Version, VersionSet};
use mailconform_sim::Credential;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long `s_server` may take to print `ACCEPT`.
pub const READY_WITHIN: Duration = Duration::from_secs(10);

/// A running `openssl s_server`; killed when dropped.
pub struct SServer {
    child: Child,
    /// Where it accepts connections.
    pub addr: SocketAddr,
    /// What it speaks.
    pub versions: VersionSet,
    /// Its certificate and key files, removed with it.
    dir: tempfile::TempDir,
}

impl std::fmt::Debug for SServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SServer").field("addr", &self.addr).field("versions", &self.versions.to_string()).finish()
    }
}

/// OpenSSL's name of a protocol version (`-min_protocol`, the `Protocol  :` line of `-www`).
pub fn openssl_name(v: Version) -> &'static str {
    match v {
        Version::Ssl3 => "SSLv3",
        Version::Tls10 => "TLSv1",
        Version::Tls11 => "TLSv1.1",
        Version::Tls12 => "TLSv1.2",
        Version::Tls13 => "TLSv1.3",
    }
}

/// The `s_server` switch that turns one version off.
fn no_flag(v: Version) -> &'static str {
    match v {
        Version::Ssl3 => "-no_ssl3",
        Version::Tls10 => "-no_tls1",
        Version::Tls11 => "-no_tls1_1",
        Version::Tls12 => "-no_tls1_2",
        Version::Tls13 => "-no_tls1_3",
    }
}

/// The arguments that make `s_server` speak exactly `versions` on 127.0.0.1:`port`.
fn arguments(versions: VersionSet, port: u16, cert: &Path, key: &Path) -> Result<Vec<String>, TlsError> {
    let (lo, hi) = versions.min().zip(versions.max()).ok_or(TlsError::NoVersions)?;
    let mut args: Vec<String> = [
        "s_server",
        "-accept",
        &format!("127.0.0.1:{port}"),
        "-cert",
        &cert.display().to_string(),
        "-key",
        &key.display().to_string(),
        "-www",
        "-cipher",
        crate::server::SERVER_CIPHERS,
        "-min_protocol",
        openssl_name(lo),
        "-max_protocol",
        openssl_name(hi),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    // A set with a gap ("SSL 3.0 and TLS 1.2") turns off what lies between.
    for v in VersionSet::range(lo, hi).iter().filter(|v| !versions.contains(*v)) {
        args.push(no_flag(v).to_string());
    }
    Ok(args)
}

impl SServer {
    /// Starts `openssl` (the binary at `program`) as `s_server` on a free loopback port with
    /// `leaf` (an RSA certificate: SSL 3.0 has no other kind), speaking exactly `versions`;
    /// returns once it accepts.
    pub fn start(program: &Path, versions: VersionSet, leaf: &Credential) -> Result<SServer, TlsError> {
        let dir = tempfile::tempdir()?;
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        std::fs::write(&cert, &leaf.cert_pem)?;
        std::fs::write(&key, &leaf.key_pem)?;
        let port = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?.port();
        let mut child = Command::new(program)
            .args(arguments(versions, port, &cert, &key)?)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|e| {
                TlsError::Usage(format!("{} cannot be started: {e} (build one with tests/tls/build-openssl)", program.display()))
            })?;
        let stdout = child.stdout.take().expect("piped");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.trim() == "ACCEPT" {
                    let _ = tx.send(());
                }
            }
        });
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if rx.recv_timeout(Duration::from_millis(50)).is_ok() {
                let addr = SocketAddr::from(([127, 0, 0, 1], port));
                return Ok(SServer { child, addr, versions, dir });
            }
            if let Some(status) = child.try_wait()? {
                let mut stderr = String::new();
                if let Some(mut e) = child.stderr.take() {
                    let _ = std::io::Read::read_to_string(&mut e, &mut stderr);
                }
                return Err(TlsError::Usage(format!(
                    "{} s_server for {versions} exited with {status}: {} (an openssl without SSL 3.0 refuses -min_protocol SSLv3: build one with tests/tls/build-openssl)",
                    program.display(),
                    stderr.lines().take(3).collect::<Vec<_>>().join(" / ")
                )));
            }
            if Instant::now() > deadline {
                return Err(TlsError::Usage(format!("{} s_server did not accept within {} s", program.display(), READY_WITHIN.as_secs())));
            }
        }
    }

    /// The directory holding its certificate and key.
    pub fn dir(&self) -> PathBuf {
        self.dir.path().to_path_buf()
    }
}

impl Drop for SServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The protocol `s_server -www` says the session uses, from its status page (`Protocol  : TLSv1.2`).
pub fn page_protocol(page: &str) -> Option<Version> {
    let named = page.lines().find_map(|l| l.trim().strip_prefix("Protocol").map(|r| r.trim_start_matches([' ', ':']).trim()))?;
    [Version::Ssl3, Version::Tls10, Version::Tls11, Version::Tls12, Version::Tls13].into_iter().find(|v| openssl_name(*v) == named)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_set_becomes_a_range_with_its_gaps_turned_off() {
        let (c, k) = (Path::new("c.pem"), Path::new("k.pem"));
        let args = arguments(VersionSet::parse("SSL 3.0, TLS 1.2").unwrap(), 4433, c, k).unwrap();
        let at = |flag: &str| args.iter().position(|a| a == flag).map(|i| args[i + 1].as_str());
        assert_eq!((at("-min_protocol"), at("-max_protocol")), (Some("SSLv3"), Some("TLSv1.2")));
        assert!(args.contains(&"-no_tls1".to_string()) && args.contains(&"-no_tls1_1".to_string()));
        assert!(!args.contains(&"-no_ssl3".to_string()) && !args.contains(&"-no_tls1_2".to_string()));
        assert!(matches!(arguments(VersionSet::default(), 1, c, k), Err(TlsError::NoVersions)));
    }

    #[test]
    fn the_status_page_names_the_sessions_protocol() {
        let page =
            "<pre>\nNew, TLSv1.2, Cipher is ECDHE-RSA-AES128-GCM-SHA256\nSSL-Session:\n    Protocol  : TLSv1.2\n    Cipher    : ECDHE";
        assert_eq!(page_protocol(page), Some(Version::Tls12));
        assert_eq!(page_protocol("    Protocol  : SSLv3\n"), Some(Version::Ssl3));
        assert_eq!(page_protocol("    Protocol  : TLSv1\n"), Some(Version::Tls10));
        assert_eq!(page_protocol("nothing"), None);
    }

    /// Against Debian's own `openssl`: TLS 1.2 only, and a TLS 1.2 client completes.
    #[test]
    fn the_systems_openssl_serves_exactly_the_versions_asked() {
        let now = time::OffsetDateTime::now_utc();
        let pki = mailconform_sim::Pki::new(now).unwrap();
        let leaf = pki.ca.server_leaf_rsa(&["traveler.example.test"], now).unwrap();
        let server = SServer::start(Path::new("openssl"), VersionSet::parse("TLS 1.2").unwrap(), &leaf).unwrap();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let handshake = |versions: &str| {
            let mut offer = crate::ClientOffer::new(VersionSet::parse(versions).unwrap(), "traveler.example.test");
            offer.ca_pem = Some(pki.ca.cert_pem().to_string());
            rt.block_on(async {
                let io = tokio::net::TcpStream::connect(server.addr).await.unwrap();
                crate::client::connect(io, &offer).await.unwrap().0
            })
        };
        assert_eq!(handshake("TLS 1.0 to TLS 1.3").negotiated, Some(Version::Tls12));
        let refused = handshake("TLS 1.0, TLS 1.1");
        assert!(!refused.completed() && refused.alert.is_some(), "{}", refused.result());
    }
}
