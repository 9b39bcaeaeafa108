//! `mailconform tls-probe HOST:PORT`: see [`mailconform_probe::probe_tls_versions`].

use crate::cli::{ProbeFormat, TlsProbeArgs};
use crate::error::CliError;
use crate::exit;
use std::time::Duration;

pub(crate) fn tls_probe(args: &TlsProbeArgs) -> Result<u8, CliError> {
    let host = match args.target.rsplit_once(':') {
        Some((h, p)) if !h.is_empty() && p.parse::<u16>().is_ok() => h.trim_matches(|c| c == '[' || c == ']').to_string(),
        _ => return Err(CliError::Usage(format!("tls-probe wants HOST:PORT, e.g. traveler.example.com:443, not {:?}", args.target))),
    };
    let server_name = args.server_name.clone().unwrap_or(host);
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| CliError::Harness(e.to_string()))?;
    let report = runtime
        .block_on(mailconform_probe::probe_tls_versions(&args.target, &server_name, Duration::from_secs(args.timeout.max(1))))
        .map_err(|e| match e {
            unreachable @ mailconform_probe::ProbeError::Unreachable { .. } => CliError::Usage(unreachable.to_string()),
            mailconform_probe::ProbeError::Tls(e) => CliError::Harness(e.to_string()),
        })?;
    match args.format {
        ProbeFormat::Text => print!("{}", report.render()),
        ProbeFormat::Json => println!("{}", serde_json::to_string_pretty(&report).map_err(|e| CliError::Harness(e.to_string()))?),
    }
    Ok(exit::PASSED)
}
