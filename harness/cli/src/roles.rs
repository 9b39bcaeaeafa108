//! Fake roles that `mailconform serve` starts on real sockets with the real clock.

use crate::error::CliError;
use mailconform_fakes::serve;
use std::net::IpAddr;
use std::path::Path;

/// Names of the roles this build can serve.
pub(crate) fn available() -> Vec<String> {
    mailconform_fakes::role::selectable().into_iter().map(|s| s.name).collect()
}

/// The roles `serve` accepts with one line each, for `serve --help`.
pub(crate) fn help() -> String {
    let list = mailconform_fakes::role::selectable();
    let width = list.iter().map(|s| s.name.len()).max().unwrap_or(0);
    list.iter().map(|s| format!("  {:<width$}  {}", s.name, s.summary)).collect::<Vec<_>>().join("\n")
}

/// Starts `roles` listening on `bind`, keeping the run's CA and state in `state_dir`, and
/// serves until Ctrl-C or SIGTERM. Unknown roles are a usage error ([`CliError::UnknownRole`]);
/// a role that fails to start is [`CliError::RoleStart`].
pub(crate) fn start(roles: &[String], bind: IpAddr, state_dir: &Path, options: &serve::ServeOptions) -> Result<(), CliError> {
    if let Some(role) = roles.iter().find(|r| !serve::known(r)) {
        return Err(CliError::UnknownRole { role: role.clone(), available: available() });
    }
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| CliError::RoleStart(e.to_string()))?;
    runtime.block_on(async {
        let world = serve::start_with(roles, bind, state_dir, options).await.map_err(|e| match e {
            serve::ServeError::UnknownRole(u) => CliError::UnknownRole { role: u.name, available: u.known },
            other => CliError::RoleStart(other.to_string()),
        })?;
        println!("state directory: {}", state_dir.display());
        if let Some(v) = options.tls_versions {
            println!("exchange and traveler accept exactly: {v}");
        }
        let topology = world.topology.lock().expect("topology poisoned").clone();
        for e in topology.roles.values() {
            println!("{:<26} {:<36} {}", e.role, e.host, e.base_url);
        }
        println!("serving; stop with Ctrl-C");
        wait_for_stop().await;
        println!("stopped");
        Ok(())
    })
}

async fn wait_for_stop() {
    #[cfg(unix)]
    {
        let mut term = match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(s) => s,
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
                return;
            }
        };
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
