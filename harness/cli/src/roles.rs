//! Fake roles that `mailconform serve` can start on real sockets.
//!
//! No role is available in this build yet: every requested role is reported as unknown.

use crate::error::CliError;
use std::net::IpAddr;
use std::path::Path;

/// Names of the roles this build can serve.
pub fn available() -> Vec<String> {
    Vec::new()
}

/// Starts `roles` listening on `bind`, keeping the run's CA and state in `state_dir`, and
/// serves until interrupted. Unknown roles are a usage error ([`CliError::UnknownRole`]); a
/// role that fails to start is [`CliError::RoleStart`].
pub fn start(roles: &[String], bind: IpAddr, state_dir: &Path) -> Result<(), CliError> {
    let _ = (bind, state_dir);
    let available = available();
    match roles.iter().find(|r| !available.contains(r)) {
        Some(role) => Err(CliError::UnknownRole { role: role.clone(), available }),
        None => Ok(()),
    }
}
