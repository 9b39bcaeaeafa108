//! The SSLv3/TLS features with every server of exact protocol versions replaced by OpenSSL's own
//! `s_server` in a process of its own (`run --tls-server`), built with SSL 3.0 from the
//! vendored sources by `tests/tls/build-openssl`: the device profiles meet a TLS server the
//! project did not write.
//!
//! Every cell of the seed's two tables holds against it. The matrix holds too, but for one
//! difference the run reports as failures: a server speaking only SSL 3.0 answers a client that
//! offers only TLS with `protocol_version` where the in-process server, and RFC 6101 (which has
//! no such alert), answer `handshake_failure`.

use crate::common;

use common::{mailconform, repo, scratch};
use std::path::PathBuf;

/// The `openssl` with SSL 3.0, built (or found built) by the project's script.
fn openssl() -> PathBuf {
    let out = std::process::Command::new(repo().join("tests/tls/build-openssl")).output().expect("tests/tls/build-openssl runs");
    assert!(out.status.success(), "tests/tls/build-openssl failed: {}", String::from_utf8_lossy(&out.stderr));
    PathBuf::from(String::from_utf8_lossy(&out.stdout).trim().lines().last().expect("the script prints the binary's path"))
}

/// Runs `feature` with `--tls-server`; gives the exit code, the summary and the failed steps' messages.
fn run(feature: &str) -> (i32, String, Vec<String>) {
    let dir = scratch("tls-s-server");
    let program = openssl();
    let r = mailconform(
        repo(),
        &["run", "--tls-server", program.to_str().unwrap(), "--report-dir", dir.join("reports").to_str().unwrap(), feature],
    );
    let failures = r.stdout.lines().filter(|l| l.contains("Step panicked") && !l.contains("not applicable:")).map(str::to_string).collect();
    (r.code, r.last_line().to_string(), failures)
}

#[test]
fn every_cell_of_the_seed_tables_holds_against_openssl_s_server() {
    let (code, summary, failures) = run("features/tls/seed_tables.feature");
    assert_eq!((code, summary.as_str()), (0, "20 passed, 0 failed"), "{failures:#?}");
}

#[test]
fn the_matrix_against_openssl_s_server_differs_only_in_the_alert_of_an_ssl3_only_server() {
    let (code, summary, failures) = run("features/tls/matrix.feature");
    assert_eq!(code, 1, "{summary}");
    assert_eq!(failures.len(), 2, "the iOS 9 row of each policy's outline: {failures:#?}\n{summary}");
    for f in &failures {
        assert!(
            f.contains("expected handshake_failure from the server")
                && f.contains("Secure Mail on iOS 9 and later")
                && f.contains("with protocol_version"),
            "{f}"
        );
    }
    assert_eq!(summary, "78 passed, 2 failed", "every other row holds");
}
