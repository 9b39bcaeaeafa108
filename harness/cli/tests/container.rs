//! The image of mailconform (`tests/containers/build-image`: the binary and the libraries `ldd`
//! lists, FROM scratch, nothing pulled): a container serves a role, reports healthy through
//! `mailconform health`, and a run on the host uses it through its state directory as it uses
//! any `mailconform serve`; a container that cannot serve is reported with its exit and last
//! log lines, within a bound, never waited on forever. Needs a Docker engine (no registry).

mod common;

use common::{mailconform, repo, scratch};
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn docker(args: &[&str]) -> Output {
    Command::new("docker").args(args).output().unwrap_or_else(|e| panic!("docker {args:?}: {e}; this test needs a Docker engine"))
}

/// The image, built once for the tests of this binary from the binary under test.
fn image() -> &'static str {
    static TAG: OnceLock<String> = OnceLock::new();
    TAG.get_or_init(|| {
        let tag = "mailconform:test".to_string();
        let out = Command::new(repo().join("tests/containers/build-image"))
            .args([env!("CARGO_BIN_EXE_mailconform"), &tag])
            .output()
            .expect("build-image runs");
        assert!(
            out.status.success(),
            "build-image failed: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        tag
    })
}

/// A running container, removed when dropped.
struct Container(String);

impl Container {
    fn start(name: &str, state: &Path, args: &[&str]) -> Container {
        let _ = docker(&["rm", "-f", name]);
        let volume = format!("{}:/state", state.display());
        let mut run = vec!["run", "-d", "--name", name, "--network", "host", "-v", &volume, image()];
        run.extend_from_slice(args);
        let out = docker(&run);
        assert!(out.status.success(), "docker run: {}", String::from_utf8_lossy(&out.stderr));
        Container(name.to_string())
    }

    /// Waits until the health check passes; the time it took, or why it never will (the
    /// container exited, or `limit` ran out), with its last log lines.
    fn healthy_within(&self, limit: Duration) -> Result<Duration, String> {
        let started = Instant::now();
        loop {
            let out = docker(&["inspect", "--format", "{{.State.Status}} {{.State.ExitCode}} {{.State.Health.Status}}", &self.0]);
            let state = String::from_utf8_lossy(&out.stdout).trim().to_string();
            let mut words = state.split(' ');
            let (status, code, health) = (words.next().unwrap_or(""), words.next().unwrap_or(""), words.next().unwrap_or(""));
            if health == "healthy" {
                return Ok(started.elapsed());
            }
            if status == "exited" || status == "dead" || started.elapsed() > limit {
                let logs = docker(&["logs", "--tail", "5", &self.0]);
                let lines = format!("{}{}", String::from_utf8_lossy(&logs.stdout), String::from_utf8_lossy(&logs.stderr));
                let why =
                    if status == "exited" { format!("exited with code {code}") } else { format!("not healthy after {limit:?} ({state})") };
                return Err(format!("container {} {why}; its last log lines:\n{lines}", self.0));
            }
            std::thread::sleep(Duration::from_millis(200));
        }
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", &self.0]);
    }
}

#[test]
fn a_container_serves_exchange_healthy_and_a_run_on_the_host_uses_it() {
    let state = scratch("container-state");
    let c = Container::start("mailconform-test-exchange", &state, &["serve", "exchange", "--bind", "127.0.0.1", "--state-dir", "/state"]);
    let took = c.healthy_within(Duration::from_secs(60)).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("exchange healthy {took:?} after docker run");
    let reports = scratch("container-reports");
    let run = mailconform(
        repo(),
        &[
            "run",
            "--served",
            state.to_str().unwrap(),
            "--report-dir",
            reports.to_str().unwrap(),
            "--name",
            "provisions the device|lets no unprovisioned",
            "features/activesync/exchange.feature",
        ],
    );
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.last_line().starts_with("5 passed, 0 failed"), "{}", run.last_line());
    assert!(run.stderr.contains("exchange: served by another process"), "{}", run.stderr);
    let health = mailconform(repo(), &["health", "--state-dir", state.to_str().unwrap()]);
    assert_eq!(health.code, 0, "{}", health.stdout);
    assert!(health.stdout.contains("exchange: ok"), "{}", health.stdout);
}

#[test]
fn a_container_that_cannot_serve_is_reported_with_its_last_log_lines() {
    let state = scratch("container-bad");
    let c = Container::start("mailconform-test-bad", &state, &["serve", "nope", "--state-dir", "/state"]);
    let started = Instant::now();
    let e = c.healthy_within(Duration::from_secs(60)).expect_err("a serve of an unknown role never gets healthy");
    assert!(started.elapsed() < Duration::from_secs(30), "waited {:?} on a container that had exited", started.elapsed());
    assert!(e.contains("exited with code 2"), "{e}");
    assert!(e.contains("role `nope` is not available"), "{e}");
}

/// The testcontainers module: the container started by testcontainers' runner, ready by the
/// image's health check, Exchange answering ActiveSync at the URL the module hands back, over
/// TLS checked against the CA of the state directory the module mounted.
#[tokio::test(flavor = "multi_thread")]
async fn the_testcontainers_module_hands_back_a_serving_exchange_and_its_ca() {
    use mailconform_testcontainers::Mailconform;
    use rustls_pki_types::pem::PemObject;
    use testcontainers::runners::AsyncRunner;
    let tag = image().split_once(':').map(|(_, t)| t.to_string()).expect("name:tag");
    let module = Mailconform::new(&["exchange"]).unwrap().with_tag(&tag);
    let ca_path = module.ca_pem_path();
    let container = module.start().await.unwrap_or_else(|e| panic!("the module's container did not start: {e}"));
    let base = Mailconform::base_url(&container, "exchange").await.unwrap();
    let ca = rustls_pki_types::CertificateDer::from_pem_file(&ca_path).unwrap_or_else(|e| panic!("{}: {e}", ca_path.display()));
    let client = mailconform_sim::HttpClient::new(
        std::sync::Arc::new(mailconform_sim::TcpDialer::default()),
        mailconform_sim::tls::roots(&[ca]),
        mailconform_sim::Clock::real(),
    );
    let req = http::Request::builder()
        .method("OPTIONS")
        .uri(format!("{base}/Microsoft-Server-ActiveSync"))
        .header("authorization", mailconform_sim::basic_authorization("alice", "alice-pw"))
        .body(bytes::Bytes::new())
        .unwrap();
    let resp = client.send(req, &Default::default()).await.unwrap_or_else(|e| panic!("{base}: {e}"));
    assert_eq!(resp.status(), 200);
    let versions = resp.headers().get("ms-asprotocolversions").expect("ActiveSync's OPTIONS names its versions");
    assert!(versions.to_str().unwrap().contains("14.1"), "{versions:?}");
    assert!(Mailconform::base_url(&container, "apns").await.is_err(), "a role not asked for has no URL");
}
