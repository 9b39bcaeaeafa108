//! `run --target-image ROLE=IMAGE[:TAG]`: a vendor's own image in a role. The run starts a
//! container of it with the target's port published on loopback, waits until it is ready (its
//! image's health check, or its port answering when it has none), points the target
//! configuration's URL at it, fills `{container}` in the adapter's commands with its name (so
//! `docker exec -i {container} ...` acts on it), and removes it when the run ends. No registry
//! is asked: the image must be on this machine (built locally).

use crate::docker::{docker, has_health_check, text, wait_ready, Ready};
use crate::error::CliError;
use mailconform_probe::target::TargetConfig;
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
        let _ = docker(&["rm", "-f", &self.name]);
    }
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
    let run = docker(&["run", "-d", "--pull", "never", "--name", &name, "-p", &publish, image]).map_err(|e| usage(e.to_string()))?;
    if !run.status.success() {
        return Err(usage(format!("docker run failed: {} (nothing is pulled: build the image on this machine first)", text(&run))));
    }
    // Removed from here on, whatever fails.
    let mut guard = StartedImage { name: name.clone(), role: role.to_string(), image: image.to_string(), ready_after: Duration::ZERO };
    let mapped = text(&docker(&["port", &name, &format!("{port}/tcp")]).map_err(|e| usage(e.to_string()))?);
    let host_port: u16 = mapped
        .lines()
        .find_map(|l| l.rsplit(':').next().and_then(|p| p.parse().ok()))
        .ok_or_else(|| usage(format!("Docker did not publish the container's port {port} (it said {mapped:?})")))?;
    // Ready by the image's own health check; without one, when its port accepts a connection.
    let ready = match has_health_check(&name) {
        true => Ready::Healthy,
        false => Ready::When(|port| std::net::TcpStream::connect(("127.0.0.1", port.parse().unwrap_or(0))).is_ok()),
    };
    guard.ready_after = wait_ready(&name, ready, &host_port.to_string(), started, READY_WITHIN, Duration::from_millis(200))
        .map_err(|e| usage(e.to_string()))?;
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
