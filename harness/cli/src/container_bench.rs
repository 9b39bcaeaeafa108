//! The container figures of `mailconform bench`: how long the image of this very binary takes to
//! build (`tests/containers/build-image`, FROM scratch, nothing pulled), how large it is, and
//! how long each role's container takes from `docker run` to a passing health check. Measured
//! with the Docker command line, as a user starts the containers; every wait is bounded, and a
//! container that does not get healthy is reported with its last log lines.

use crate::docker::{docker, not_ready, text, wait_ready, NoDocker, Ready};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

/// The tag the bench builds its image under.
pub(crate) const TAG: &str = "mailconform:bench";

/// The script that builds the image, relative to the repository's root.
const BUILD_IMAGE: &str = "tests/containers/build-image";

/// The roles whose start-up is measured, one container each: every role `serve` has.
const ROLES: &[&str] =
    &["exchange", "traveler", "listener.us-east-1", "apns", "kdc", "login", "uem", "seg", "ens", "adcs", "xms", "gateway"];

/// The longest a container may take to get healthy before the figure is given up.
const HEALTHY_WITHIN: Duration = Duration::from_secs(60);

/// Why the container figures were not taken.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ContainerBenchError {
    /// No Docker command.
    #[error(transparent)]
    NoDocker(#[from] NoDocker),
    /// No engine behind it.
    #[error("no Docker engine answers `docker version` ({0}); the container figures need one")]
    NoEngine(String),
    /// The build script is not where a checkout has it.
    #[error("{0} is missing: run `mailconform bench` from the repository's root")]
    NoScript(PathBuf),
    /// The running binary's path is unknown.
    #[error("the path of this mailconform binary cannot be read: {0}")]
    NoBinary(std::io::Error),
    /// The image did not build.
    #[error("{BUILD_IMAGE} failed: {0}")]
    Build(String),
    /// A container exited or stayed unhealthy.
    #[error("{role}: {why}; its last log lines:\n{logs}")]
    Start {
        /// The role served.
        role: String,
        /// What happened.
        why: String,
        /// The container's last log lines.
        logs: String,
    },
}

/// One container's start, from `docker run`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct StartUp {
    /// Until every role listens (`endpoints.json` written, on the mounted state directory).
    pub serving: Duration,
    /// Until Docker reports it healthy (its health check runs every second).
    pub healthy: Duration,
}

/// What was measured.
pub(crate) struct ContainerFigures {
    /// The image built.
    pub tag: String,
    /// Wall time of the build.
    pub build: Duration,
    /// The image's size in bytes, as Docker reports it.
    pub size: u64,
    /// Each role's container: its start-up.
    pub start_up: Vec<(String, StartUp)>,
}

/// Builds the image from this binary and starts each role's container once.
pub(crate) fn measure() -> Result<ContainerFigures, ContainerBenchError> {
    let version = docker(&["version", "--format", "{{.Server.Version}}"])?;
    if !version.status.success() {
        return Err(ContainerBenchError::NoEngine(text(&version)));
    }
    let script = Path::new(BUILD_IMAGE);
    if !script.exists() {
        return Err(ContainerBenchError::NoScript(script.to_path_buf()));
    }
    let binary = std::env::current_exe().map_err(ContainerBenchError::NoBinary)?;
    let started = Instant::now();
    let built = Command::new(script).arg(&binary).arg(TAG).output().map_err(|e| ContainerBenchError::Build(e.to_string()))?;
    let build = started.elapsed();
    if !built.status.success() {
        return Err(ContainerBenchError::Build(text(&built)));
    }
    let size = text(&docker(&["image", "inspect", "--format", "{{.Size}}", TAG])?).parse().unwrap_or(0);
    let mut start_up = Vec::new();
    for role in ROLES {
        start_up.push((role.to_string(), start_once(role)?));
    }
    Ok(ContainerFigures { tag: TAG.to_string(), build, size, start_up })
}

/// `docker run` of one role, alone, without a network of its own (`--network none`: its health
/// check reaches it on loopback), its state directory mounted from here, until it serves and
/// until its health check passes; removed after.
fn start_once(role: &str) -> Result<StartUp, ContainerBenchError> {
    let name = format!("mailconform-bench-{}-{}", role.replace('.', "-"), std::process::id());
    let state = tempfile::Builder::new().prefix("mailconform-bench-state-").tempdir().map_err(|e| failed(&name, role, e.to_string()))?;
    let volume = format!("{}:/state", state.path().display());
    let _ = docker(&["rm", "-f", &name]);
    let started = Instant::now();
    let run = docker(&["run", "-d", "--name", &name, "--network", "none", "-v", &volume, TAG, "serve", role, "--state-dir", "/state"])?;
    let result = match run.status.success() {
        false => Err(failed(&name, role, text(&run))),
        true => wait_serving(&name, role, state.path(), started).and_then(|serving| {
            let healthy = wait_ready(&name, Ready::Healthy, "", started, HEALTHY_WITHIN, Duration::from_millis(20))
                .map_err(|e| ContainerBenchError::Start { role: role.to_string(), why: e.why, logs: e.logs })?;
            Ok(StartUp { serving, healthy })
        }),
    };
    let _ = docker(&["rm", "-f", &name]);
    result
}

/// Until `endpoints.json`, which `serve` writes once every role listens, is in `state`.
fn wait_serving(name: &str, role: &str, state: &Path, started: Instant) -> Result<Duration, ContainerBenchError> {
    let endpoints = state.join(mailconform_fakes::serve::files::ENDPOINTS);
    loop {
        if std::fs::metadata(&endpoints).is_ok_and(|m| m.len() > 0) {
            return Ok(started.elapsed());
        }
        if started.elapsed() > HEALTHY_WITHIN {
            return Err(failed(name, role, format!("no {} within {HEALTHY_WITHIN:?}", endpoints.display())));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn failed(name: &str, role: &str, why: String) -> ContainerBenchError {
    let e = not_ready(name, why);
    ContainerBenchError::Start { role: role.to_string(), why: e.why, logs: e.logs }
}

/// The figures as the bench prints them.
pub(crate) fn render(f: &ContainerFigures) -> String {
    let mut out = format!(
        "container image: {} built in {:.1} s, {:.0} MB (this binary and the libraries ldd lists, FROM scratch)\n",
        f.tag,
        f.build.as_secs_f64(),
        f.size as f64 / 1e6
    );
    out.push_str("container start-up per role, from `docker run`: serving (every port listening) / healthy (Docker's check, every 1 s)\n");
    let width = f.start_up.iter().map(|(r, _)| r.len()).max().unwrap_or(0);
    for (role, took) in &f.start_up {
        out.push_str(&format!("  {role:<width$}  {:.2} s / {:.2} s\n", took.serving.as_secs_f64(), took.healthy.as_secs_f64()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_figures_read_as_a_table() {
        let f = ContainerFigures {
            tag: TAG.into(),
            build: Duration::from_millis(7_800),
            size: 278_000_000,
            start_up: vec![
                ("exchange".into(), StartUp { serving: Duration::from_millis(310), healthy: Duration::from_millis(1_240) }),
                ("listener.us-east-1".into(), StartUp { serving: Duration::from_millis(280), healthy: Duration::from_millis(980) }),
            ],
        };
        let text = render(&f);
        assert!(text.starts_with("container image: mailconform:bench built in 7.8 s, 278 MB"), "{text}");
        assert!(text.contains("  exchange            0.31 s / 1.24 s\n"), "{text}");
        assert!(text.contains("  listener.us-east-1  0.28 s / 0.98 s\n"), "{text}");
    }
}
