//! `mailconform health --state-dir DIR`: whether every role a `mailconform serve` lists in its
//! state directory answers its control API, over TLS checked against the directory's CA. What
//! the container image's `HEALTHCHECK` runs (a `FROM scratch` image has no shell nor curl), and
//! what a script waits on before it starts a run.

use crate::error::CliError;
use crate::exit;
use mailconform_sim::{tls, Clock, HttpClient, RequestOptions, TcpDialer, Topology};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

/// Checks each role of `state_dir`'s `endpoints.json`; exit 0 when every one answered, 1 when
/// one did not, 2 when the directory is not a serve's.
pub(crate) fn health(state_dir: &Path, timeout: Duration) -> Result<u8, CliError> {
    let read = |name: &str| {
        std::fs::read(state_dir.join(name)).map_err(|e| {
            CliError::Usage(format!(
                "cannot read {}: {e}; give the --state-dir of a running `mailconform serve`",
                state_dir.join(name).display()
            ))
        })
    };
    let topology: Topology = serde_json::from_slice(&read("endpoints.json")?)
        .map_err(|e| CliError::Usage(format!("{} is not a serve's endpoints.json: {e}", state_dir.join("endpoints.json").display())))?;
    let ca = CertificateDer::from_pem_slice(&read("ca.pem")?)
        .map_err(|e| CliError::Usage(format!("{} is not a PEM certificate: {e}", state_dir.join("ca.pem").display())))?;
    if topology.roles.is_empty() {
        println!("no role is served yet");
        return Ok(exit::FAILED);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| CliError::Harness(e.to_string()))?;
    let client = HttpClient::new(Arc::new(TcpDialer::default()), tls::roots(&[ca]), Clock::real());
    let mut failed = 0;
    for e in topology.roles.values() {
        let url = format!("{}/fault", e.control_url);
        let req = http::Request::get(&url).body(bytes::Bytes::new()).map_err(|e| CliError::Harness(e.to_string()))?;
        let answer = runtime.block_on(client.send(req, &RequestOptions { timeout, ..Default::default() }));
        match answer {
            Ok(resp) if resp.status() == 200 => println!("{}: ok ({})", e.role, e.base_url),
            Ok(resp) => {
                failed += 1;
                println!("{}: PROBLEM: {url} answered HTTP {}", e.role, resp.status());
            }
            Err(err) => {
                failed += 1;
                println!("{}: PROBLEM: {err}", e.role);
            }
        }
    }
    Ok(if failed == 0 { exit::PASSED } else { exit::FAILED })
}
