//! Docker for the container tests: the image of the binary under test, and a container that
//! is removed when dropped and reports why it never got healthy. Needs a Docker engine (no
//! registry: the image is built from the binary, FROM scratch).

use super::repo;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub(crate) fn docker(args: &[&str]) -> Output {
    Command::new("docker").args(args).output().unwrap_or_else(|e| panic!("docker {args:?}: {e}; this test needs a Docker engine"))
}

/// The image tagged `tag`, built once per test binary from the binary under test.
pub(crate) fn image(tag: &'static str) -> &'static str {
    build_once("tests/containers/build-image", &[env!("CARGO_BIN_EXE_mailconform"), tag]);
    tag
}

/// Runs the repository's `script ARGS...` once per test binary (the tests that need the image
/// it builds wait for the first), failing every test that needs it with its output when it fails.
pub(crate) fn build_once(script: &str, args: &[&str]) {
    static BUILT: Mutex<Vec<String>> = Mutex::new(Vec::new());
    let key = format!("{script} {}", args.join(" "));
    let mut built = BUILT.lock().unwrap_or_else(|p| p.into_inner());
    if built.contains(&key) {
        return;
    }
    let out = Command::new(repo().join(script)).args(args).output().unwrap_or_else(|e| panic!("{script} does not run: {e}"));
    assert!(out.status.success(), "{script} failed:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    built.push(key);
}

/// A running container, removed when dropped.
pub(crate) struct Container(pub String);

impl Container {
    pub(crate) fn start(name: &str, state: &Path, tag: &'static str, args: &[&str]) -> Container {
        let _ = docker(&["rm", "-f", name]);
        let volume = format!("{}:/state", state.display());
        let mut run = vec!["run", "-d", "--name", name, "--network", "host", "-v", &volume, image(tag)];
        run.extend_from_slice(args);
        let out = docker(&run);
        assert!(out.status.success(), "docker run: {}", String::from_utf8_lossy(&out.stderr));
        Container(name.to_string())
    }

    /// Waits until the health check passes; the time it took, or why it never will (the
    /// container exited, or `limit` ran out), with its last log lines: the wait `run
    /// --target-image` and the bench use.
    pub(crate) fn healthy_within(&self, limit: Duration) -> Result<Duration, String> {
        use mailconform::docker::{wait_ready, Ready};
        wait_ready(&self.0, Ready::Healthy, "", Instant::now(), limit, Duration::from_millis(200))
            .map_err(|e| format!("container {}: {e}", self.0))
    }
}

impl Drop for Container {
    fn drop(&mut self) {
        let _ = docker(&["rm", "-f", &self.0]);
    }
}
