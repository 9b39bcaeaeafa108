//! What a child server wrote to its state directory, read as an outside client reads it:
//! `endpoints.json` (each role's base URL) and `ca.pem` (the CA to trust).

use super::error::ServedBenchError;
use mailconform_fakes::serve::files;
use mailconform_sim::Topology;
use rustls_pki_types::{CertificateDer, ServerName};
use std::net::SocketAddr;
use std::path::Path;

/// Where one role listens, as a client dials it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Address {
    /// The socket to connect to.
    pub socket: SocketAddr,
    /// The name checked against the server's certificate (its IP address: served
    /// certificates are valid for `127.0.0.1`).
    pub server_name: ServerName<'static>,
    /// `host:port`, for HTTP/2's `:authority` and HTTP/1.1's `Host`.
    pub authority: String,
}

/// `endpoints.json` as `serve` writes it.
pub(crate) fn parse_endpoints(json: &str) -> Result<Topology, serde_json::Error> {
    serde_json::from_str(json)
}

/// The address of `role` in `topology`: its `base_url` must be `https://IP:PORT`.
pub(crate) fn address(topology: &Topology, child: &str, role: &str) -> Result<Address, ServedBenchError> {
    let endpoint = topology.get(role).ok_or_else(|| ServedBenchError::MissingRole {
        child: child.to_string(),
        role: role.to_string(),
        listed: topology.roles.keys().cloned().collect(),
    })?;
    let bad =
        |reason: &str| ServedBenchError::BaseUrl { role: role.to_string(), url: endpoint.base_url.clone(), reason: reason.to_string() };
    let uri: http::Uri = endpoint.base_url.parse().map_err(|e: http::uri::InvalidUri| bad(&e.to_string()))?;
    if uri.scheme_str() != Some("https") {
        return Err(bad("the scheme is not https"));
    }
    let authority = uri.authority().ok_or_else(|| bad("no host and port"))?.as_str().to_string();
    let socket: SocketAddr = authority.parse().map_err(|_| bad("the host is not an IP address with a port"))?;
    Ok(Address { socket, server_name: ServerName::IpAddress(socket.ip().into()), authority })
}

/// Reads `endpoints.json` from `dir`.
pub(crate) fn read_endpoints(dir: &Path, child: &str) -> Result<Topology, ServedBenchError> {
    let file = dir.join(files::ENDPOINTS);
    let text = std::fs::read_to_string(&file).map_err(|e| ServedBenchError::StateFile {
        child: child.to_string(),
        file: file.clone(),
        reason: e.to_string(),
    })?;
    parse_endpoints(&text).map_err(|e| ServedBenchError::StateFile { child: child.to_string(), file, reason: e.to_string() })
}

/// The certificates of `ca.pem` in `dir`.
pub(crate) fn read_ca(dir: &Path, child: &str) -> Result<Vec<CertificateDer<'static>>, ServedBenchError> {
    use rustls_pki_types::pem::PemObject;
    let file = dir.join(files::CA);
    let bad = |reason: String| ServedBenchError::StateFile { child: child.to_string(), file: file.clone(), reason };
    let pem = std::fs::read(&file).map_err(|e| bad(e.to_string()))?;
    let certs: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(&pem).collect::<Result<_, _>>().map_err(|e| bad(format!("not PEM: {e}")))?;
    if certs.is_empty() {
        return Err(bad("holds no certificate".into()));
    }
    Ok(certs)
}

#[cfg(test)]
mod tests {
    use super::*;

    const ENDPOINTS: &str = r#"{
      "roles": {
        "apns": {"role": "apns", "host": "api.push.apple.test", "base_url": "https://127.0.0.1:40123",
                 "control_url": "https://127.0.0.1:40123/_mailconform"},
        "exchange": {"role": "exchange", "host": "mail.example.test", "base_url": "https://127.0.0.1:40125/",
                     "control_url": "https://127.0.0.1:40125/_mailconform"},
        "traveler": {"role": "traveler", "host": "traveler.example.test", "base_url": "http://127.0.0.1:40127",
                     "control_url": "http://127.0.0.1:40127/_mailconform", "plain_url": "http://127.0.0.1:40128"},
        "named": {"role": "named", "host": "n", "base_url": "https://localhost:1", "control_url": "https://localhost:1"}
      }
    }"#;

    #[test]
    fn reads_each_roles_address() {
        let t = parse_endpoints(ENDPOINTS).unwrap();
        let apns = address(&t, "serve", "apns").unwrap();
        assert_eq!(apns.socket, "127.0.0.1:40123".parse().unwrap());
        assert_eq!(apns.authority, "127.0.0.1:40123");
        assert_eq!(apns.server_name, ServerName::try_from("127.0.0.1").unwrap());
        assert_eq!(address(&t, "serve", "exchange").unwrap().socket.port(), 40125);
    }

    #[test]
    fn refuses_what_a_tls_client_cannot_dial() {
        let t = parse_endpoints(ENDPOINTS).unwrap();
        let err = address(&t, "serve", "traveler").unwrap_err().to_string();
        assert!(err.contains("not https"), "{err}");
        let err = address(&t, "serve", "named").unwrap_err().to_string();
        assert!(err.contains("not an IP address"), "{err}");
        let err = address(&t, "serve", "seg").unwrap_err().to_string();
        assert!(err.contains("no role `seg`") && err.contains("\"apns\""), "{err}");
    }

    #[test]
    fn a_truncated_file_is_an_error() {
        assert!(parse_endpoints(r#"{"roles": {"apns": {"role": "apns""#).is_err());
    }
}
