//! The SSLv3/TLS matrix's servers and clients against third-party TLS stacks, on real sockets:
//! `openssl s_client` and `curl` (Debian's OpenSSL 3.0, TLS 1.0 to 1.3) complete handshakes with
//! a served Traveler at each version it is configured with and no other; tlslite-ng (pure
//! Python, pinned in `tests/interop/requirements.txt`) completes SSL 3.0 with it and carries
//! ActiveSync's OPTIONS; `mailconform tls-probe` reports exactly the configured versions of a
//! served fake, and of `openssl s_server` and a tlslite-ng server.

use crate::common;

use std::fs::File;
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const INSTALL: &str = "pip install -r tests/interop/requirements.txt";
const READY_WITHIN: Duration = Duration::from_secs(60);
const EAS_PATH: &str = "/traveler/Microsoft-Server-ActiveSync";

/// A child process killed when dropped (also when a test panics).
struct Running {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Running {
    fn output(&self) -> String {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        format!("stdout:\n{}\nstderr:\n{}", read(&self.stdout), read(&self.stderr))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn spawn(dir: &Path, name: &str, cmd: &mut Command) -> Running {
    let (stdout, stderr) = (dir.join(format!("{name}.stdout")), dir.join(format!("{name}.stderr")));
    let child = cmd
        .stdin(Stdio::null())
        .stdout(File::create(&stdout).expect("stdout file"))
        .stderr(File::create(&stderr).expect("stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("{name} cannot be started: {e}"));
    Running { child, stdout, stderr }
}

/// `mailconform serve traveler --tls-versions <versions>`, ready.
struct Served {
    process: Running,
    state: PathBuf,
    port: u16,
}

fn serve_traveler(label: &str, versions: &str) -> Served {
    let dir = common::scratch(label);
    let state = dir.join("state");
    let mut process = spawn(
        &dir,
        "serve",
        Command::new(env!("CARGO_BIN_EXE_mailconform"))
            .args(["serve", "traveler", "--tls-versions", versions, "--state-dir"])
            .arg(&state)
            .env_remove("RUST_LOG"),
    );
    let endpoints = state.join("endpoints.json");
    let deadline = Instant::now() + READY_WITHIN;
    loop {
        if let Some(status) = process.child.try_wait().expect("poll serve") {
            panic!("mailconform serve exited with {status}\n{}", process.output());
        }
        let parsed = std::fs::read(&endpoints).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
        if let Some(url) = parsed.as_ref().and_then(|v| v["roles"]["traveler"]["base_url"].as_str().map(str::to_string)) {
            let port = url.rsplit(':').next().and_then(|p| p.parse().ok()).unwrap_or_else(|| panic!("no port in {url}"));
            return Served { process, state, port };
        }
        assert!(Instant::now() < deadline, "mailconform serve wrote no endpoints within {READY_WITHIN:?}\n{}", process.output());
        std::thread::sleep(Duration::from_millis(50));
    }
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// `openssl s_client -brief` at one version; the protocol it reports, if the handshake completed.
fn s_client(port: u16, ca: &Path, flag: &str) -> (Option<String>, String) {
    let out = Command::new("openssl")
        .args([
            "s_client",
            "-brief",
            "-connect",
            &format!("127.0.0.1:{port}"),
            "-servername",
            "localhost",
            flag,
            "-cipher",
            "DEFAULT:@SECLEVEL=0",
            "-verify_return_error",
            "-CAfile",
        ])
        .arg(ca)
        .stdin(Stdio::null())
        .output()
        .expect("openssl (the command-line tool) is installed");
    let all = text(&out);
    let protocol = all.lines().find_map(|l| l.strip_prefix("Protocol version: ")).map(|s| s.trim().to_string());
    (if out.status.success() { protocol } else { None }, all)
}

#[test]
fn openssl_s_client_completes_exactly_the_configured_versions() {
    let served = serve_traveler("tls-s-client", "tls1.0,tls1.1,tls1.3");
    let ca = served.state.join("ca.pem");
    for (flag, want) in [("-tls1", Some("TLSv1")), ("-tls1_1", Some("TLSv1.1")), ("-tls1_2", None), ("-tls1_3", Some("TLSv1.3"))] {
        let (got, all) = s_client(served.port, &ca, flag);
        assert_eq!(
            got.as_deref(),
            want,
            "openssl s_client {flag} against a Traveler serving TLS 1.0, 1.1 and 1.3:\n{all}\n{}",
            served.process.output()
        );
    }
}

#[test]
fn curl_sends_activesync_options_at_each_version() {
    let served = serve_traveler("tls-curl", "tls1.0,tls1.1,tls1.2,tls1.3");
    let ca = served.state.join("ca.pem");
    for (lo, hi, want) in
        [("--tlsv1.0", "1.0", "TLSv1"), ("--tlsv1.1", "1.1", "TLSv1.1"), ("--tlsv1.2", "1.2", "TLSv1.2"), ("--tlsv1.3", "1.3", "TLSv1.3")]
    {
        let out = Command::new("curl")
            .args([
                "-sS",
                "-v",
                "-X",
                "OPTIONS",
                "-u",
                "alice:alice-pw",
                "-D",
                "-",
                "-o",
                "/dev/null",
                lo,
                "--tls-max",
                hi,
                "--ciphers",
                "DEFAULT:@SECLEVEL=0",
                "--cacert",
            ])
            .arg(&ca)
            .arg(format!("https://localhost:{}{EAS_PATH}", served.port))
            .output()
            .expect("curl is installed");
        let all = text(&out);
        assert!(out.status.success(), "curl {lo} failed:\n{all}\n{}", served.process.output());
        assert!(all.contains(&format!("SSL connection using {want} ")), "curl {lo} did not use {want}:\n{all}");
        assert!(
            all.contains("HTTP/1.1 200") && all.to_ascii_lowercase().contains("ms-asprotocolversions: 2.5,"),
            "ActiveSync OPTIONS over {want}:\n{all}"
        );
    }
}

/// Fails, saying how to install it, unless python3 has tlslite-ng.
fn require_tlslite() {
    let ok = Command::new("python3").args(["-c", "import tlslite"]).output().is_ok_and(|o| o.status.success());
    assert!(ok, "tlslite-ng is missing; install the interop clients with: {INSTALL}");
}

fn tlslite_client(port: u16, version: &str) -> Output {
    Command::new("python3")
        .args(["tests/interop/tls_tlslite.py", "127.0.0.1", &port.to_string(), version, EAS_PATH])
        .current_dir(WORKSPACE)
        .output()
        .expect("python3 runs")
}

#[test]
fn tlslite_completes_ssl3_and_carries_activesync() {
    require_tlslite();
    let served = serve_traveler("tls-tlslite", "ssl3");
    let out = tlslite_client(served.port, "ssl3");
    let all = text(&out);
    assert!(out.status.success(), "tlslite-ng SSL 3.0 handshake:\n{all}\n{}", served.process.output());
    assert!(all.contains("version=3.0 "), "{all}");
    assert!(all.contains("status=HTTP/1.1 200"), "{all}");
    assert!(all.contains("ms-asprotocolversions=2.5,"), "{all}");
    // The same server refuses TLS 1.0 alone: it speaks SSL 3.0 and nothing else.
    let out = tlslite_client(served.port, "tls1.0");
    assert_eq!(out.status.code(), Some(3), "tlslite-ng TLS 1.0 against an SSL 3.0-only server:\n{}", text(&out));
}

fn probe(target: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_mailconform"))
        .args(["tls-probe", target, "--server-name", "localhost", "--format", "json", "--timeout", "20"])
        .output()
        .expect("mailconform runs");
    assert!(out.status.success(), "tls-probe {target}:\n{}", text(&out));
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("tls-probe printed no JSON ({e}):\n{}", text(&out)))
}

fn accepted(report: &serde_json::Value) -> Vec<String> {
    report["accepted"].as_array().expect("accepted").iter().filter_map(|v| v.as_str().map(str::to_string)).collect()
}

#[test]
fn tls_probe_reports_exactly_the_versions_of_a_served_fake() {
    // (served versions, what the probe must accept, which devices connect under "SSLv3 and TLS")
    let cases = [
        ("ssl3,tls1.2", vec!["SSL 3.0", "TLS 1.2"], 5),
        ("tls1.0,tls1.1", vec!["TLS 1.0", "TLS 1.1"], 5),
        ("tls1.3", vec!["TLS 1.3"], 1),
        ("ssl3", vec!["SSL 3.0"], 3),
    ];
    for (versions, want, connecting) in cases {
        let served = serve_traveler("tls-probe", versions);
        let report = probe(&format!("127.0.0.1:{}", served.port));
        assert_eq!(accepted(&report), want, "served with {versions}: {report:#}");
        let devices = report["devices"].as_array().expect("devices");
        let n = devices.iter().filter(|d| d["policy"] == "SSLv3 and TLS" && d["connects"] == true).count();
        assert_eq!(n, connecting, "devices that connect under \"SSLv3 and TLS\" to a server of {versions}: {report:#}");
    }
}

/// The protocols sslscan (Debian's package, unpacked by `tests/interop/setup`) reports enabled.
fn sslscan(port: u16) -> (Vec<String>, String) {
    let bin = Path::new(WORKSPACE).join("target/interop-tools/usr/bin/sslscan");
    assert!(bin.exists(), "{} is missing: run tests/interop/setup (the README's test command does)", bin.display());
    let out = Command::new(bin)
        .args([
            "--no-colour",
            "--no-ciphersuites",
            "--no-cipher-details",
            "--no-groups",
            "--no-heartbleed",
            "--no-renegotiation",
            "--no-compression",
            "--no-fallback",
            "--no-check-certificate",
        ])
        .arg(format!("127.0.0.1:{port}"))
        .stdin(Stdio::null())
        .output()
        .expect("sslscan runs");
    let all = text(&out);
    let enabled = all
        .lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            match (words.next(), words.next()) {
                (Some(protocol), Some("enabled")) if protocol.starts_with("SSLv") || protocol.starts_with("TLSv") => {
                    Some(protocol.to_string())
                }
                _ => None,
            }
        })
        .collect();
    (enabled, all)
}

/// A scanner from outside the project sees exactly the versions a served fake is configured
/// with, SSL 3.0 included.
#[test]
fn sslscan_reports_exactly_the_configured_versions() {
    let cases = [("ssl3,tls1.0", vec!["SSLv3", "TLSv1.0"]), ("tls1.1,tls1.3", vec!["TLSv1.1", "TLSv1.3"]), ("tls1.2", vec!["TLSv1.2"])];
    for (versions, want) in cases {
        let served = serve_traveler("tls-sslscan", versions);
        let (enabled, all) = sslscan(served.port);
        assert_eq!(enabled, want, "sslscan against a Traveler serving {versions}:\n{all}\n{}", served.process.output());
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

fn wait_listening(port: u16, server: &mut Running) {
    let deadline = Instant::now() + READY_WITHIN;
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if let Some(status) = server.child.try_wait().expect("poll") {
            panic!("the server exited with {status}\n{}", server.output());
        }
        assert!(Instant::now() < deadline, "nothing listens on {port}\n{}", server.output());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// An RSA key and self-signed certificate for a third-party server, made with the openssl tool.
fn rsa_cert(dir: &Path) -> (PathBuf, PathBuf) {
    let (key, cert) = (dir.join("key.pem"), dir.join("cert.pem"));
    let out = Command::new("openssl")
        .args(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", "/CN=localhost", "-days", "2", "-keyout"])
        .arg(&key)
        .arg("-out")
        .arg(&cert)
        .output()
        .expect("openssl runs");
    assert!(out.status.success(), "{}", text(&out));
    (key, cert)
}

#[test]
fn tls_probe_reports_openssl_s_server_at_tls_1_1() {
    let dir = common::scratch("tls-s-server");
    let (key, cert) = rsa_cert(&dir);
    let port = free_port();
    let mut server = spawn(
        &dir,
        "s_server",
        Command::new("openssl")
            .args(["s_server", "-www", "-tls1_1", "-cipher", "DEFAULT:@SECLEVEL=0", "-accept", &port.to_string(), "-key"])
            .arg(&key)
            .arg("-cert")
            .arg(&cert),
    );
    wait_listening(port, &mut server);
    let report = probe(&format!("127.0.0.1:{port}"));
    assert_eq!(accepted(&report), ["TLS 1.1"], "openssl s_server -tls1_1: {report:#}\n{}", server.output());
}

#[test]
fn tls_probe_completes_ssl3_with_a_tlslite_server() {
    require_tlslite();
    let dir = common::scratch("tls-tlslite-server");
    let (key, cert) = rsa_cert(&dir);
    let port = free_port();
    let mut server = spawn(
        &dir,
        "tlslite_server",
        Command::new("python3")
            .arg("tests/interop/tls_tlslite.py")
            .arg("serve")
            .arg(port.to_string())
            .arg(&cert)
            .arg(&key)
            .current_dir(WORKSPACE),
    );
    wait_listening(port, &mut server);
    let report = probe(&format!("127.0.0.1:{port}"));
    let got = accepted(&report);
    assert!(
        got.contains(&"SSL 3.0".to_string()),
        "the probe's SSL 3.0 client against an SSL 3.0-only tlslite-ng server: {report:#}\n{}",
        server.output()
    );
    assert!(!got.contains(&"TLS 1.2".to_string()), "{report:#}");
}

#[test]
fn bad_versions_and_targets_are_usage_errors() {
    let run = |args: &[&str]| Command::new(env!("CARGO_BIN_EXE_mailconform")).args(args).output().expect("mailconform runs");
    let out = run(&["serve", "traveler", "--tls-versions", "tls9"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("not a protocol version"), "{}", text(&out));
    let out = run(&["tls-probe", "no-port"]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("HOST:PORT"), "{}", text(&out));
    let port = free_port();
    let out = run(&["tls-probe", &format!("127.0.0.1:{port}")]);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("cannot reach"), "{}", text(&out));
}
