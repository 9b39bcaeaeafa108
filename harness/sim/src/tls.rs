//! rustls configurations for servers and clients, tied to the run's clock.
//!
//! Certificate validity is checked against [`Clock`], so an APNs provider certificate that
//! expires at 10:00 in a simulated run is refused at 10:00 of virtual time, however fast the
//! run goes.

use crate::clock::{Clock, RustlsTime};
use crate::error::SimError;
use crate::pki::Credential;
use rustls::server::WebPkiClientVerifier;
use rustls::{ClientConfig, RootCertStore, ServerConfig};
use rustls_pki_types::CertificateDer;
use std::sync::Arc;

pub(crate) fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::aws_lc_rs::default_provider())
}

/// A trust store of `certs` (certificates that do not parse are left out).
pub fn roots(certs: &[CertificateDer<'static>]) -> Arc<RootCertStore> {
    let mut store = RootCertStore::empty();
    for c in certs {
        let _ = store.add(c.clone());
    }
    Arc::new(store)
}

/// How a server treats client certificates.
#[derive(Clone, Debug)]
pub enum ClientAuth {
    /// No client certificate is asked for.
    None,
    /// Accept connections with or without a certificate; a certificate that is presented must
    /// chain to these roots and be valid now (APNs: certificate mode or token mode per connection).
    Optional(Arc<RootCertStore>),
}

/// A server configuration presenting `leaf`, asking for client certificates per `client_auth`,
/// offering `alpn`, checking certificate validity against `clock`.
pub fn server_config(leaf: &Credential, client_auth: ClientAuth, clock: &Clock, alpn: &[&[u8]]) -> Result<Arc<ServerConfig>, SimError> {
    let builder = ServerConfig::builder_with_details(provider(), Arc::new(RustlsTime(clock.clone())))
        .with_protocol_versions(rustls::DEFAULT_VERSIONS)
        .map_err(|e| SimError::Pki(e.to_string()))?;
    let builder = match client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Optional(roots) => {
            let verifier = WebPkiClientVerifier::builder_with_provider(roots, provider())
                .allow_unauthenticated()
                .build()
                .map_err(|e| SimError::Pki(e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut cfg = builder.with_single_cert(leaf.chain.clone(), leaf.key()).map_err(|e| SimError::Pki(e.to_string()))?;
    cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(cfg))
}

/// A client configuration trusting `roots`, presenting `identity` when asked, offering `alpn`,
/// checking certificate validity against `clock`.
pub fn client_config(
    roots: Arc<RootCertStore>,
    identity: Option<&Credential>,
    clock: &Clock,
    alpn: &[&[u8]],
) -> Result<Arc<ClientConfig>, SimError> {
    let builder = ClientConfig::builder_with_details(provider(), Arc::new(RustlsTime(clock.clone())))
        .with_protocol_versions(rustls::DEFAULT_VERSIONS)
        .map_err(|e| SimError::Pki(e.to_string()))?
        .with_root_certificates(roots);
    let mut cfg = match identity {
        Some(id) => builder.with_client_auth_cert(id.chain.clone(), id.key()).map_err(|e| SimError::Pki(e.to_string()))?,
        None => builder.with_no_client_auth(),
    };
    cfg.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    Ok(Arc::new(cfg))
}

/// A client configuration that accepts any server certificate: what a gateway configured to
/// ignore TLS errors towards its mail server does (SEG's `ignoreSslErrorsWithExch`).
pub fn client_config_accepting_any(identity: Option<&Credential>, clock: &Clock, alpn: &[&[u8]]) -> Result<Arc<ClientConfig>, SimError> {
    let mut cfg = (*client_config(Arc::new(RootCertStore::empty()), identity, clock, alpn)?).clone();
    cfg.dangerous().set_certificate_verifier(Arc::new(AcceptAnyServerCertificate::new(provider())));
    Ok(Arc::new(cfg))
}

/// Checks the handshake signatures but not the certificate chain or name: the handshake stays
/// real (a server must still hold the key of the certificate it shows) while trust is waived, as
/// a gateway ignoring TLS errors or a target configured `insecure = true` does.
#[derive(Debug)]
pub struct AcceptAnyServerCertificate(Arc<rustls::crypto::CryptoProvider>);

impl AcceptAnyServerCertificate {
    /// A verifier checking signatures with `provider`'s algorithms.
    pub fn new(provider: Arc<rustls::crypto::CryptoProvider>) -> Self {
        Self(provider)
    }
}

impl rustls::client::danger::ServerCertVerifier for AcceptAnyServerCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &rustls_pki_types::ServerName<'_>,
        _ocsp_response: &[u8],
        _now: rustls_pki_types::UnixTime,
    ) -> Result<rustls::client::danger::ServerCertVerified, rustls::Error> {
        Ok(rustls::client::danger::ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &rustls::DigitallySignedStruct,
    ) -> Result<rustls::client::danger::HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.0.signature_verification_algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<rustls::SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}
