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

/// Prints the role and host name of each role `names` stand for (`mailconform hosts`).
pub(crate) fn hosts(names: &[String]) -> Result<(), CliError> {
    let roles = mailconform_fakes::role::select(names).map_err(|e| CliError::UnknownRole { role: e.name, available: available() })?;
    for r in roles {
        println!("{}\t{}", r.name, r.host);
    }
    Ok(())
}

/// Starts `roles` listening on `bind`, keeping the run's CA and state in `state_dir`, and
/// serves until Ctrl-C or SIGTERM. The first signal stops gracefully (no new connections,
/// requests in flight answered up to the drain timeout, then exit 0); a second one exits at
/// once with 128 + the signal's number, as a shell reports a process killed by it. Unknown
/// roles are a usage error ([`CliError::UnknownRole`]); a role that fails to start is
/// [`CliError::RoleStart`].
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
        let mut signals = Signals::new();
        let first = signals.next().await;
        println!("{first}: stopping; requests in flight have {:?} (a second signal exits at once)", world.process.drain_timeout);
        tokio::select! {
            drained = world.shutdown() => {
                if drained.cut > 0 {
                    eprintln!("{} connection(s) still open after the drain timeout were cut", drained.cut);
                }
                println!("stopped");
                Ok(())
            }
            second = signals.next() => {
                eprintln!("{second}: exiting at once");
                std::process::exit(second.exit_code());
            }
        }
    })
}

/// The stop signals `serve` reacts to.
#[derive(Clone, Copy, Debug)]
enum Stop {
    Interrupt,
    Terminate,
}

impl Stop {
    /// 128 + the signal's number (SIGINT 2, SIGTERM 15).
    fn exit_code(self) -> i32 {
        match self {
            Stop::Interrupt => 130,
            Stop::Terminate => 143,
        }
    }
}

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Stop::Interrupt => "SIGINT",
            Stop::Terminate => "SIGTERM",
        })
    }
}

/// SIGINT and SIGTERM as a stream, installed once so that no signal between the first and
/// the second is lost or falls back to the default action.
struct Signals {
    #[cfg(unix)]
    streams: Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>,
}

impl Signals {
    fn new() -> Self {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Signals { streams: signal(SignalKind::interrupt()).and_then(|i| Ok((i, signal(SignalKind::terminate())?))).ok() }
        }
        #[cfg(not(unix))]
        Signals {}
    }

    async fn next(&mut self) -> Stop {
        #[cfg(unix)]
        if let Some((int, term)) = self.streams.as_mut() {
            return tokio::select! {
                _ = int.recv() => Stop::Interrupt,
                _ = term.recv() => Stop::Terminate,
            };
        }
        let _ = tokio::signal::ctrl_c().await;
        Stop::Interrupt
    }
}
