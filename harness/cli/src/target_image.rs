//! `run --target-image ROLE=IMAGE[:TAG]`: a vendor's own image in a role. The run starts a
//! container of it with the target's port published on loopback, waits until it is ready (its
//! image's health check, or its port answering when it has none), points the target
//! configuration's URL at it, fills `{container}` in the adapter's commands with its name (so
//! `docker exec -i {container} ...` acts on it), and removes it when the run ends. No registry
//! is asked: the image must be on this machine (built locally).

use crate::error::CliError;
use mailconform_probe::target::TargetConfig;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long a started container may take to be ready.
pub(crate) const READY_WITHIN: Duration = Duration::from_secs(300);

/// A container the run started; removed when dropped.
#[derive(Debug)]
pub(crate) struct StartedImage {
    /// The container's name.
    pub name: String,
    /// The role it stands in.
    pub role: String,
    /// The image.
    pub image: String,
    /// How long it took to be ready.
    pub ready_after: Duration,
}

impl Drop for StartedImage {
    fn drop(&mut self) {
        let _ = Command::new("docker").args(["rm", "-f", &self.name]).output();
    }
}

fn docker(args: &[&str]) -> Result<Output, String> {
    Command::new("docker")
        .args(args)
        .output()
        .map_err(|e| format!("the docker command cannot run ({e}); --target-image needs a Docker engine"))
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)).trim().to_string()
}

/// Starts the image of `spec` (`ROLE=IMAGE[:TAG]`) for its target in `config`, and rewrites that
/// target to reach it.
pub(crate) fn start(spec: &str, config: &mut TargetConfig) -> Result<StartedImage, CliError> {
    let usage = |what: String| CliError::Usage(format!("--target-image {spec}: {what}"));
    let (role, image) = spec
        .split_once('=')
        .filter(|(r, i)| !r.is_empty() && !i.is_empty())
        .ok_or_else(|| usage("write ROLE=IMAGE[:TAG], e.g. exchange.eas=mailconform-sogo:dev".into()))?;
    let known: Vec<String> = config.targets.iter().map(|t| t.key.clone()).collect();
    let file = config.file.display().to_string();
    let target =
        config.targets.iter_mut().find(|t| t.key == role).ok_or_else(|| {
            usage(format!("{file} has no target \"{role}\" (it has: {}); add it there with its mailboxes", known.join(", ")))
        })?;
    let url = target.endpoints.first().map(|e| e.url.clone()).ok_or_else(|| usage(format!("the target \"{role}\" has no URL")))?;
    let port = url.port_u16().unwrap_or(if url.scheme_str() == Some("https") { 443 } else { 80 });
    let name = format!("mailconform-target-{}-{}", std::process::id(), role.replace(['.', '/'], "-"));
    let _ = docker(&["rm", "-f", &name]);
    let started = Instant::now();
    let publish = format!("127.0.0.1::{port}");
    let run = docker(&["run", "-d", "--pull", "never", "--name", &name, "-p", &publish, image]).map_err(usage)?;
    if !run.status.success() {
        return Err(usage(format!("docker run failed: {} (nothing is pulled: build the image on this machine first)", text(&run))));
    }
    // Removed from here on, whatever fails.
    let mut guard = StartedImage { name: name.clone(), role: role.to_string(), image: image.to_string(), ready_after: Duration::ZERO };
    let mapped = text(&docker(&["port", &name, &format!("{port}/tcp")]).map_err(usage)?);
    let host_port: u16 = mapped
        .lines()
        .find_map(|l| l.rsplit(':').next().and_then(|p| p.parse().ok()))
        .ok_or_else(|| usage(format!("Docker did not publish the container's port {port} (it said {mapped:?})")))?;
    wait_ready(&name, host_port, started).map_err(usage)?;
    guard.ready_after = started.elapsed();
    for e in &mut target.endpoints {
        let path = e.url.path_and_query().map(|p| p.as_str().to_string()).unwrap_or_default();
        let scheme = e.url.scheme_str().unwrap_or("http");
        e.url = format!("{scheme}://127.0.0.1:{host_port}{path}").parse().map_err(|e| usage(format!("the container's URL: {e}")))?;
    }
    if let Some(cmd) = &mut target.adapter.deliver_mail {
        *cmd = cmd.replace("{container}", &name);
    }
    Ok(guard)
}

/// Until the container is healthy (when its image has a health check) or its published port
/// accepts a connection (when it has none); an exit or [`READY_WITHIN`] ends the wait with the
/// container's last log lines.
fn wait_ready(name: &str, host_port: u16, started: Instant) -> Result<(), String> {
    let checked = text(&docker(&["inspect", "--format", "{{if .Config.Healthcheck}}yes{{end}}", name])?) == "yes";
    loop {
        let state = text(&docker(&["inspect", "--format", "{{.State.Status}} {{if .State.Health}}{{.State.Health.Status}}{{end}}", name])?);
        let ready = match checked {
            true => state.ends_with(" healthy"),
            false => state.starts_with("running") && std::net::TcpStream::connect(("127.0.0.1", host_port)).is_ok(),
        };
        if ready {
            return Ok(());
        }
        let gone = state.starts_with("exited") || state.starts_with("dead");
        if gone || started.elapsed() > READY_WITHIN {
            let logs = docker(&["logs", "--tail", "10", name]).map(|o| text(&o)).unwrap_or_default();
            let why = if gone { format!("the container exited ({state})") } else { format!("not ready within {READY_WITHIN:?} ({state})") };
            return Err(format!("{why}; its last log lines:\n{logs}"));
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}
