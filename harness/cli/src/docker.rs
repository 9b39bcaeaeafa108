//! The Docker command line, as the container figures and `run --target-image` use it: a
//! command's output as text, and the one wait for a container to be ready, bounded, that says
//! why it never will (it exited, or the time ran out) with the container's last log lines.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// Why the `docker` command gave nothing: it is missing or could not run.
#[derive(Debug, thiserror::Error)]
#[error("the docker command cannot run ({0}); this needs a Docker engine")]
pub struct NoDocker(String);

/// A container that did not get ready.
#[derive(Debug, thiserror::Error)]
#[error("{why}; its last log lines:\n{logs}")]
pub struct NotReady {
    /// It exited, or the wait ran out (with its last state).
    pub why: String,
    /// Its last log lines.
    pub logs: String,
}

/// `docker ARGS...`, run to its end.
pub fn docker(args: &[&str]) -> Result<Output, NoDocker> {
    Command::new("docker").args(args).output().map_err(|e| NoDocker(e.to_string()))
}

/// What a command printed, both streams, trimmed.
pub fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)).trim().to_string()
}

/// What the container is ready at, besides running.
#[derive(Clone, Copy, Debug)]
pub enum Ready {
    /// Docker reports its health check passing.
    Healthy,
    /// This predicate holds (a file written, a port accepting connections).
    When(fn(&str) -> bool),
}

/// Waits until container `name` is ready, polling every `every`, for at most `within` from
/// `started`; `arg` is what a [`Ready::When`] predicate is asked about.
pub fn wait_ready(name: &str, ready: Ready, arg: &str, started: Instant, within: Duration, every: Duration) -> Result<Duration, NotReady> {
    loop {
        let format = "{{.State.Status}} {{.State.ExitCode}} {{if .State.Health}}{{.State.Health.Status}}{{end}}";
        let (known, state) = match docker(&["inspect", "--format", format, name]) {
            Ok(o) => (o.status.success(), text(&o)),
            Err(e) => (false, e.to_string()),
        };
        let mut words = state.split(' ');
        let (status, code) = (words.next().unwrap_or(""), words.next().unwrap_or(""));
        let done = match ready {
            Ready::Healthy => state.ends_with(" healthy"),
            Ready::When(holds) => status == "running" && holds(arg),
        };
        if done {
            return Ok(started.elapsed());
        }
        let gone = !known || status == "exited" || status == "dead";
        if gone || started.elapsed() > within {
            let why = match (known, status) {
                (true, "exited") => format!("the container exited with code {code}"),
                _ if gone => format!("the container is not running ({state})"),
                _ => format!("not ready within {within:?} ({state})"),
            };
            return Err(not_ready(name, why));
        }
        std::thread::sleep(every);
    }
}

/// `why`, with the container's last log lines.
pub fn not_ready(name: &str, why: String) -> NotReady {
    let logs = docker(&["logs", "--tail", "10", name]).map(|o| text(&o)).unwrap_or_default();
    NotReady { why, logs }
}

/// Whether the image of container `name` has a health check.
pub fn has_health_check(name: &str) -> bool {
    docker(&["inspect", "--format", "{{if .Config.Healthcheck}}yes{{end}}", name]).is_ok_and(|o| text(&o) == "yes")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_container_that_is_not_there_is_not_waited_for() {
        let started = Instant::now();
        let e =
            wait_ready("mailconform-no-such-container", Ready::Healthy, "", started, Duration::from_secs(30), Duration::from_millis(50))
                .unwrap_err();
        assert!(started.elapsed() < Duration::from_secs(10), "waited {:?}", started.elapsed());
        assert!(e.why.starts_with("the container is not running"), "{e}");
    }
}
