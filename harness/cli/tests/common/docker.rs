//! Docker for the container tests: the image of the binary under test, and a container that
//! is removed when dropped and reports why it never got healthy. Needs a Docker engine (no
//! registry: the image is built from the binary, FROM scratch).

use super::repo;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub(crate) fn docker(args: &[&str]) -> Output {
    Command::new("docker").args(args).output().unwrap_or_else(|e| panic!("docker {args:?}: {e}; this test needs a Docker engine"))
}

/// The image tagged `tag`, built once per test binary from the binary under test.
pub(crate) fn image(tag: &str) -> &'static str {
    static TAG: OnceLock<String> = OnceLock::new();
    TAG.get_or_init(|| {
        let tag = tag.to_string();
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
pub(crate) struct Container(pub String);

impl Container {
    pub(crate) fn start(name: &str, state: &Path, tag: &str, args: &[&str]) -> Container {
        let _ = docker(&["rm", "-f", name]);
        let volume = format!("{}:/state", state.display());
        let mut run = vec!["run", "-d", "--name", name, "--network", "host", "-v", &volume, image(tag)];
        run.extend_from_slice(args);
        let out = docker(&run);
        assert!(out.status.success(), "docker run: {}", String::from_utf8_lossy(&out.stderr));
        Container(name.to_string())
    }

    /// Waits until the health check passes; the time it took, or why it never will (the
    /// container exited, or `limit` ran out), with its last log lines.
    pub(crate) fn healthy_within(&self, limit: Duration) -> Result<Duration, String> {
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
