//! `mailconform serve`: fake roles on real sockets with the real clock.

use crate::cli::ServeArgs;
use crate::error::CliError;
use crate::roles;
use std::path::PathBuf;

pub(crate) fn serve(args: &ServeArgs) -> Result<(), CliError> {
    let dir = match &args.state_dir {
        Some(d) => d.clone(),
        None => fresh_state_dir(),
    };
    let tls_versions = args
        .tls_versions
        .as_deref()
        .map(mailconform_tls::VersionSet::parse)
        .transpose()
        .map_err(|e| CliError::Usage(format!("--tls-versions: {e}")))?;
    let options = mailconform_fakes::serve::ServeOptions {
        tls_versions,
        ews_auth: args.ews_auth.clone(),
        exchange_profile: args.exchange_version,
        seg_version: args.seg_version.clone(),
        ens_placement: args.ens_placement,
        fresh: args.fresh,
        ports: args.ports.clone(),
        seed: args.seed,
        journal_capacity: Some(args.journal_size),
        max_connections: args.max_connections.map(|n| n as usize),
        drain_timeout: Some(std::time::Duration::from_secs(args.drain_timeout)),
        advertise: args.advertise,
        resolve: args.resolve.clone(),
    };
    roles::start(&args.roles, args.bind, &dir, &options)
}

/// A new directory per serve, so two serves never share keys or endpoints.
fn fresh_state_dir() -> PathBuf {
    let stamp = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or_default();
    std::env::temp_dir().join(format!("mailconform-serve-{}-{stamp}", std::process::id()))
}
