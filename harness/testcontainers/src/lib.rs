//! mailconform's fakes as a [testcontainers](https://docs.rs/testcontainers) module, the way
//! testcontainers modules for other servers work: one call starts a container serving the
//! roles asked for, waits for its health check, and hands back each role's URL on the host and
//! the CA its certificates chain to.
//!
//! ```no_run
//! use mailconform_testcontainers::Mailconform;
//! use testcontainers::runners::AsyncRunner;
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let image = Mailconform::new(&["exchange", "listener.us-east-1"])?;
//! let ca_pem = image.ca_pem_path();                                  // trust this CA (once started)
//! let container = image.start().await?;
//! let exchange = Mailconform::base_url(&container, "exchange").await?; // https://127.0.0.1:PORT
//! # let _ = (ca_pem, exchange);
//! # Ok(()) }
//! ```
//!
//! The image is the one `tests/containers/build-image` builds (no registry: it is made from the
//! binary, `FROM scratch`); [`Mailconform::with_tag`] picks another tag. The served state
//! (`ca.pem`, `endpoints.json`, the APNs credentials) is a directory of the host mounted at
//! `/state`, so it can be read while the container runs; it is removed with the
//! [`Mailconform`] value.

use std::borrow::Cow;
use std::path::{Path, PathBuf};
use testcontainers::core::{ContainerPort, Mount, WaitFor};
use testcontainers::{ContainerAsync, Image, TestcontainersError};

/// The container port of the first role; the others follow, one each, in the order given.
pub const FIRST_PORT: u16 = 10443;

/// The image's default tag (`tests/containers/build-image`'s).
pub const DEFAULT_TAG: &str = "dev";

/// Why the module could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ModuleError {
    /// The host directory mounted as the container's state could not be made.
    #[error("the state directory for the container could not be made: {0}")]
    StateDir(#[from] std::io::Error),
    /// A role name is empty or has characters no role name has.
    #[error("{0:?} is not a role name (exchange, listener.us-east-1, apns, traveler, ...)")]
    BadRole(String),
    /// No role was asked for.
    #[error("ask for at least one role")]
    NoRole,
}

/// A role asked for that the container does not serve.
#[derive(Debug, thiserror::Error)]
#[error("the container serves no role {role:?}; it serves: {served}")]
pub struct NoSuchRole {
    role: String,
    served: String,
}

/// Why a role has no URL on the host.
#[derive(Debug, thiserror::Error)]
pub enum UrlError {
    /// The container does not serve that role.
    #[error(transparent)]
    NoSuchRole(#[from] NoSuchRole),
    /// Docker did not say which host port the role's port is mapped to.
    #[error("the host port of the role could not be read: {0}")]
    Port(#[from] TestcontainersError),
}

/// The image, the roles it serves and its state directory.
#[derive(Debug)]
pub struct Mailconform {
    tag: String,
    roles: Vec<String>,
    ports: Vec<ContainerPort>,
    cmd: Vec<String>,
    mounts: Vec<Mount>,
    state: tempfile::TempDir,
}

impl Mailconform {
    /// Serves `roles` (names of `mailconform serve`), each on a container port of its own from
    /// [`FIRST_PORT`] on.
    pub fn new(roles: &[&str]) -> Result<Self, ModuleError> {
        if roles.is_empty() {
            return Err(ModuleError::NoRole);
        }
        if let Some(bad) = roles.iter().find(|r| r.is_empty() || !r.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
            return Err(ModuleError::BadRole(bad.to_string()));
        }
        let state = tempfile::Builder::new().prefix("mailconform-state-").tempdir()?;
        let roles: Vec<String> = roles.iter().map(|r| r.to_string()).collect();
        let ports: Vec<u16> = (0..roles.len()).map(|i| FIRST_PORT + i as u16).collect();
        let mut cmd: Vec<String> = vec!["serve".into()];
        cmd.extend(roles.iter().cloned());
        cmd.extend(["--bind", "0.0.0.0", "--state-dir", "/state"].map(String::from));
        for (role, port) in roles.iter().zip(&ports) {
            cmd.extend(["--port".to_string(), format!("{role}={port}")]);
        }
        let mounts = vec![Mount::bind_mount(state.path().to_string_lossy().into_owned(), "/state")];
        Ok(Mailconform { tag: DEFAULT_TAG.into(), ports: ports.into_iter().map(ContainerPort::Tcp).collect(), roles, cmd, mounts, state })
    }

    /// The same with the image tagged `tag` (`mailconform:<tag>`).
    pub fn with_tag(mut self, tag: &str) -> Self {
        self.tag = tag.to_string();
        self
    }

    /// The host directory the container keeps its state in.
    pub fn state_dir(&self) -> &Path {
        self.state.path()
    }

    /// Where the CA every role's certificate chains to is, once the container started.
    pub fn ca_pem_path(&self) -> PathBuf {
        self.state.path().join("ca.pem")
    }

    /// The container port `role` is served on.
    pub fn container_port(&self, role: &str) -> Result<u16, NoSuchRole> {
        self.roles
            .iter()
            .position(|r| r == role)
            .map(|i| FIRST_PORT + i as u16)
            .ok_or_else(|| NoSuchRole { role: role.into(), served: self.roles.join(", ") })
    }

    /// `https://127.0.0.1:<host port>` of `role` in the started container (its certificate
    /// names 127.0.0.1).
    pub async fn base_url(container: &ContainerAsync<Mailconform>, role: &str) -> Result<String, UrlError> {
        let port = container.image().container_port(role)?;
        let host_port = container.get_host_port_ipv4(ContainerPort::Tcp(port)).await?;
        Ok(format!("https://127.0.0.1:{host_port}"))
    }
}

impl Image for Mailconform {
    fn name(&self) -> &str {
        "mailconform"
    }

    fn tag(&self) -> &str {
        &self.tag
    }

    /// The image's health check (`mailconform health`): every role answers its control API.
    fn ready_conditions(&self) -> Vec<WaitFor> {
        vec![WaitFor::healthcheck()]
    }

    fn cmd(&self) -> impl IntoIterator<Item = impl Into<Cow<'_, str>>> {
        self.cmd.iter().map(String::as_str)
    }

    fn expose_ports(&self) -> &[ContainerPort] {
        &self.ports
    }

    fn mounts(&self) -> impl IntoIterator<Item = &Mount> {
        &self.mounts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_serves_each_role_on_a_port_of_its_own() {
        let m = Mailconform::new(&["exchange", "apns"]).unwrap();
        assert_eq!(
            m.cmd,
            ["serve", "exchange", "apns", "--bind", "0.0.0.0", "--state-dir", "/state", "--port", "exchange=10443", "--port", "apns=10444"]
        );
        assert_eq!(m.container_port("apns").unwrap(), 10444);
        assert!(m.container_port("traveler").unwrap_err().to_string().contains("exchange, apns"));
        assert!(matches!(Mailconform::new(&[]), Err(ModuleError::NoRole)));
        assert!(matches!(Mailconform::new(&["exchange; rm"]), Err(ModuleError::BadRole(_))));
        assert_eq!(m.with_tag("test").tag(), "test");
    }
}
