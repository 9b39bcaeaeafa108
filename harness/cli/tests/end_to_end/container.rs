//! The image of mailconform (`tests/containers/build-image`: the binary and the libraries `ldd`
//! lists, FROM scratch, nothing pulled): a container serves a role, reports healthy through
//! `mailconform health`, and a run on the host uses it through its state directory as it uses
//! any `mailconform serve`; a container that cannot serve is reported with its exit and last
//! log lines, within a bound, never waited on forever. Needs a Docker engine (no registry).

use crate::common;

use common::docker::{image, Container};
use common::{mailconform, repo, scratch};
use std::time::{Duration, Instant};

/// The tag this binary's tests build the image under.
const IMAGE: &str = "mailconform:test";

#[test]
fn a_container_serves_exchange_healthy_and_a_run_on_the_host_uses_it() {
    let state = scratch("container-state");
    let c = Container::start(
        "mailconform-test-exchange",
        &state,
        IMAGE,
        &["serve", "exchange", "--bind", "127.0.0.1", "--state-dir", "/state"],
    );
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
    let c = Container::start("mailconform-test-bad", &state, IMAGE, &["serve", "nope", "--state-dir", "/state"]);
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
    let tag = image(IMAGE).split_once(':').map(|(_, t)| t.to_string()).expect("name:tag");
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

/// `bench --containers-only`: the image of the binary under test built, its size, and each
/// role's container timed from `docker run` to serving and to healthy.
#[test]
fn the_bench_times_the_image_and_each_roles_container() {
    let bench = mailconform(repo(), &["bench", "--containers-only"]);
    assert_eq!(bench.code, 0, "{}\n{}", bench.stdout, bench.stderr);
    assert!(bench.stdout.starts_with("container image: mailconform:bench built in "), "{}", bench.stdout);
    let rows: Vec<&str> = bench.stdout.lines().filter(|l| l.starts_with("  ")).collect();
    assert_eq!(rows.len(), 12, "one row per role: {}", bench.stdout);
    for row in rows {
        let times: Vec<f64> = row.split_whitespace().filter_map(|w| w.parse().ok()).collect();
        assert!(times.len() == 2 && times[0] > 0.0 && times[0] <= times[1], "serving comes before healthy: {row}");
    }
}
