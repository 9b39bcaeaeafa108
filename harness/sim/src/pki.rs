//! Certificates minted per run: a CA the run trusts, server leaves for every host name, and
//! client certificates (APNs provider certificates, later device certificates).
//!
//! Nothing here is cached across runs: each simulation and each `serve` mints its own, so no
//! private key ever lives in the repository.

use crate::error::SimError;
use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, DnValue, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, SanType,
};
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::sync::{Arc, Mutex};
use time::{Duration as TimeDuration, OffsetDateTime};

/// The subject attribute `UID` (0.9.2342.19200300.100.1.1): Apple puts the bundle ID of a
/// push certificate's app there, and APNs takes the default topic from it.
pub const OID_UID: &[u64] = &[0, 9, 2342, 19200300, 100, 1, 1];

/// A certificate with its private key, in the forms both rustls and outside tools want.
#[derive(Debug)]
pub struct Credential {
    /// The certificate first, then any intermediates (DER), as rustls sends them.
    pub chain: Vec<CertificateDer<'static>>,
    /// The private key, PKCS#8 DER.
    pub key_der: Vec<u8>,
    /// The chain as PEM, for outside tools (`ca.pem`, a device's certificate upload).
    pub cert_pem: String,
    /// The private key as PKCS#8 PEM.
    pub key_pem: String,
    /// End of validity, Unix seconds (0 when read back from PEM, where it is not parsed).
    pub not_after_unix: i64,
}

impl Clone for Credential {
    fn clone(&self) -> Self {
        Credential {
            chain: self.chain.clone(),
            key_der: self.key_der.clone(),
            cert_pem: self.cert_pem.clone(),
            key_pem: self.key_pem.clone(),
            not_after_unix: self.not_after_unix,
        }
    }
}

impl Credential {
    /// The private key as rustls takes it.
    pub fn key(&self) -> PrivateKeyDer<'static> {
        PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()))
    }

    /// Rebuild from PEM text, as a certificate uploaded through a control API arrives.
    pub fn from_pem(cert_pem: &str, key_pem: &str) -> Result<Self, SimError> {
        use rustls_pki_types::pem::PemObject;
        let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
            .collect::<Result<_, _>>()
            .map_err(|e| SimError::Pki(format!("certificate PEM: {e}")))?;
        if chain.is_empty() {
            return Err(SimError::Pki("no CERTIFICATE block in the PEM text".into()));
        }
        let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).map_err(|e| SimError::Pki(format!("private key PEM: {e}")))?;
        let key_der = key.secret_der().to_vec();
        Ok(Credential { chain, key_der, cert_pem: cert_pem.to_string(), key_pem: key_pem.to_string(), not_after_unix: 0 })
    }
}

/// What a client certificate should say.
#[derive(Clone, Debug)]
pub struct ClientCertSpec {
    /// Subject CN: a user's UPN for a device certificate, `Apple Push Services: <bundle id>` for an
    /// APNs provider certificate.
    pub common_name: String,
    /// Subject UID (bundle ID for an APNs provider certificate).
    pub uid: Option<String>,
    /// Start of validity, Unix seconds.
    pub not_before_unix: i64,
    /// End of validity, Unix seconds: an expired provider certificate is refused from then on.
    pub not_after_unix: i64,
}

/// A self-signed CA that mints the run's server and client certificates.
pub struct CertAuthority {
    name: String,
    issuer: Mutex<Issuer<'static, KeyPair>>,
    cert_der: CertificateDer<'static>,
    cert_pem: String,
    /// The signing key, so a served CA can be kept in its state directory and restored.
    key_pem: String,
}

impl std::fmt::Debug for CertAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertAuthority").field("name", &self.name).finish()
    }
}

impl CertAuthority {
    /// A new CA named `name` (its CN), valid from two days before `now` for ten years.
    pub fn new(name: &str, now: OffsetDateTime) -> Result<Self, SimError> {
        let key = KeyPair::generate().map_err(pki_err)?;
        let mut params = Self::params(name);
        params.not_before = now - TimeDuration::days(2);
        params.not_after = now + TimeDuration::days(3650);
        let cert = params.self_signed(&key).map_err(pki_err)?;
        Ok(CertAuthority {
            name: name.to_string(),
            cert_der: cert.der().clone(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            issuer: Mutex::new(Issuer::new(params, key)),
        })
    }

    /// The CA `name` minted earlier, from its certificate and key: what it signs chains to
    /// the certificate outside clients already trust. Its subject is the one [`Self::new`]
    /// gives every CA of that name, and the key identifier comes from the key, so leaves
    /// name the stored certificate as their issuer.
    pub fn restore(name: &str, cert_pem: &str, key_pem: &str) -> Result<Self, SimError> {
        use rustls_pki_types::pem::PemObject;
        let key = KeyPair::from_pem(key_pem).map_err(pki_err)?;
        let cert_der =
            CertificateDer::from_pem_slice(cert_pem.as_bytes()).map_err(|e| SimError::Pki(format!("CA certificate PEM: {e}")))?;
        Ok(CertAuthority {
            name: name.to_string(),
            cert_der,
            cert_pem: cert_pem.to_string(),
            key_pem: key_pem.to_string(),
            issuer: Mutex::new(Issuer::new(Self::params(name), key)),
        })
    }

    /// A CA of the operator's own (`[callback]` of a target configuration), which the
    /// components under test already trust: leaves name its own subject as their issuer.
    pub fn adopt(cert_pem: &str, key_pem: &str) -> Result<Self, SimError> {
        use rustls_pki_types::pem::PemObject;
        let key = KeyPair::from_pem(key_pem).map_err(pki_err)?;
        let cert_der =
            CertificateDer::from_pem_slice(cert_pem.as_bytes()).map_err(|e| SimError::Pki(format!("CA certificate PEM: {e}")))?;
        let issuer = Issuer::from_ca_cert_der(&cert_der, key).map_err(pki_err)?;
        Ok(CertAuthority {
            name: RUN_CA.to_string(),
            cert_der,
            cert_pem: cert_pem.to_string(),
            key_pem: key_pem.to_string(),
            issuer: Mutex::new(issuer),
        })
    }

    /// What every CA of this name says of itself.
    fn params(name: &str) -> CertificateParams {
        let mut params = CertificateParams::default();
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, name);
        dn.push(DnType::OrganizationName, "mailconform");
        params.distinguished_name = dn;
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign, KeyUsagePurpose::DigitalSignature];
        params
    }

    /// The CA's private key (PKCS#8 PEM), to keep it in a state directory.
    pub fn key_pem(&self) -> &str {
        &self.key_pem
    }

    /// The CA certificate (DER), to put in a trust store.
    pub fn cert_der(&self) -> &CertificateDer<'static> {
        &self.cert_der
    }

    /// The CA certificate (PEM), as `serve` writes it to `ca.pem`.
    pub fn cert_pem(&self) -> &str {
        &self.cert_pem
    }

    /// A TLS server certificate valid for every name given (DNS names or IP addresses).
    pub fn server_leaf(&self, names: &[&str], now: OffsetDateTime) -> Result<Credential, SimError> {
        self.sign(Self::server_params(names, now)?)
    }

    fn server_params(names: &[&str], now: OffsetDateTime) -> Result<CertificateParams, SimError> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(pki_err)?;
        for n in names {
            let san = match n.parse::<std::net::IpAddr>() {
                Ok(ip) => SanType::IpAddress(ip),
                Err(_) => SanType::DnsName((*n).try_into().map_err(pki_err)?),
            };
            params.subject_alt_names.push(san);
        }
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, names.first().copied().unwrap_or("localhost"));
        params.distinguished_name = dn;
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.not_before = now - TimeDuration::days(1);
        params.not_after = now + TimeDuration::days(825);
        Ok(params)
    }

    /// The same as [`Self::server_leaf`] with an RSA key: SSL 3.0 has no ECDSA suite, so a
    /// server that must speak it needs an RSA certificate. The key (2048 bits) is minted once per
    /// process and reused, because RSA key generation costs more than a whole scenario; each
    /// run's certificates are still its own, signed by its own CA.
    pub fn server_leaf_rsa(&self, names: &[&str], now: OffsetDateTime) -> Result<Credential, SimError> {
        static RSA_KEY: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let der = match RSA_KEY.get() {
            Some(d) => d.clone(),
            None => {
                let k = KeyPair::generate_for(&rcgen::PKCS_RSA_SHA256).map_err(pki_err)?;
                RSA_KEY.get_or_init(|| k.serialize_der()).clone()
            }
        };
        let pkcs8 = rustls_pki_types::PrivatePkcs8KeyDer::from(der);
        let key = KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8, &rcgen::PKCS_RSA_SHA256).map_err(pki_err)?;
        let params = Self::server_params(names, now)?;
        self.sign_with(params, key)
    }

    /// A TLS client certificate as `spec` says (APNs provider certificates, device certificates).
    pub fn client_leaf(&self, spec: &ClientCertSpec) -> Result<Credential, SimError> {
        self.client_leaf_with_upn(spec, None)
    }

    /// A client certificate that also names a user principal (subjectAltName otherName
    /// 1.3.6.1.4.1.311.20.2.3), as certificates for Windows certificate mapping and KCD do.
    pub fn client_leaf_with_upn(&self, spec: &ClientCertSpec, upn: Option<&str>) -> Result<Credential, SimError> {
        let mut params = CertificateParams::new(Vec::<String>::new()).map_err(pki_err)?;
        let mut dn = DistinguishedName::new();
        dn.push(DnType::CommonName, spec.common_name.as_str());
        if let Some(uid) = &spec.uid {
            dn.push(DnType::CustomDnType(OID_UID.to_vec()), DnValue::Utf8String(uid.clone()));
        }
        params.distinguished_name = dn;
        if let Some(upn) = upn {
            params.subject_alt_names.push(SanType::OtherName((vec![1, 3, 6, 1, 4, 1, 311, 20, 2, 3], upn.into())));
        }
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
        params.not_before = OffsetDateTime::from_unix_timestamp(spec.not_before_unix).map_err(pki_err)?;
        params.not_after = OffsetDateTime::from_unix_timestamp(spec.not_after_unix).map_err(pki_err)?;
        self.sign(params)
    }

    fn sign(&self, params: CertificateParams) -> Result<Credential, SimError> {
        self.sign_with(params, KeyPair::generate().map_err(pki_err)?)
    }

    fn sign_with(&self, params: CertificateParams, key: KeyPair) -> Result<Credential, SimError> {
        let not_after_unix = params.not_after.unix_timestamp();
        let issuer = self.issuer.lock().expect("issuer poisoned");
        let cert = params.signed_by(&key, &issuer).map_err(pki_err)?;
        Ok(Credential {
            chain: vec![cert.der().clone()],
            key_der: key.serialize_der(),
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
            not_after_unix,
        })
    }
}

fn pki_err(e: impl std::fmt::Display) -> SimError {
    SimError::Pki(e.to_string())
}

/// The run's certificate authorities: one for every TLS server of the topology and one that
/// plays Apple's push certification authority (provider certificates).
#[derive(Debug, Clone)]
pub struct Pki {
    /// Signs every TLS server of the topology; every client of the run trusts it.
    pub ca: Arc<CertAuthority>,
    /// Plays Apple's WWDR CA: signs APNs provider certificates, which APNs trusts.
    pub push_ca: Arc<CertAuthority>,
}

/// Subject CN of the CA every TLS server's certificate chains to.
pub(crate) const RUN_CA: &str = "mailconform run CA";
/// Subject CN of the CA that plays Apple's push certification authority.
pub(crate) const PUSH_CA: &str = "mailconform Apple Worldwide Developer Relations CA";

impl Pki {
    /// Mints both CAs, valid at `now`.
    pub fn new(now: OffsetDateTime) -> Result<Self, SimError> {
        Ok(Pki { ca: Arc::new(CertAuthority::new(RUN_CA, now)?), push_ca: Arc::new(CertAuthority::new(PUSH_CA, now)?) })
    }

    /// The server CA from `ca` (certificate and key, PEM): one a component outside the run
    /// already trusts (`[callback]` of a target configuration), with a push CA minted for `now`.
    pub fn with_ca(ca: (&str, &str), now: OffsetDateTime) -> Result<Self, SimError> {
        Ok(Pki { ca: Arc::new(CertAuthority::adopt(ca.0, ca.1)?), push_ca: Arc::new(CertAuthority::new(PUSH_CA, now)?) })
    }

    /// Both CAs from their kept certificates and keys (PEM).
    pub fn restore(ca: (&str, &str), push_ca: (&str, &str)) -> Result<Self, SimError> {
        Ok(Pki {
            ca: Arc::new(CertAuthority::restore(RUN_CA, ca.0, ca.1)?),
            push_ca: Arc::new(CertAuthority::restore(PUSH_CA, push_ca.0, push_ca.1)?),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_adopted_ca_of_another_subject_signs_leaves_that_chain_to_it() {
        use rustls::client::danger::ServerCertVerifier;
        let now = OffsetDateTime::now_utc();
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::default();
        params.distinguished_name.push(DnType::CommonName, "Corp Test Root");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        let own = params.self_signed(&key).unwrap();
        let pki = Pki::with_ca((&own.pem(), &key.serialize_pem()), now).unwrap();
        let leaf = pki.ca.server_leaf(&["push.us.example.test", "192.0.2.10"], now).unwrap();
        let roots = crate::tls::roots(&[own.der().clone()]);
        let verifier = rustls::client::WebPkiServerVerifier::builder(roots).build().unwrap();
        let chain = &leaf.chain;
        let name = rustls_pki_types::ServerName::try_from("192.0.2.10").unwrap();
        let at = rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(now.unix_timestamp() as u64));
        verifier.verify_server_cert(&chain[0], &chain[1..], &name, &[], at).expect("the leaf chains to the adopted CA");
    }

    #[test]
    fn mints_server_and_client_certificates() {
        let now = OffsetDateTime::from_unix_timestamp(1_767_603_600).unwrap();
        let pki = Pki::new(now).unwrap();
        let leaf = pki.ca.server_leaf(&["mail.example.test", "localhost", "127.0.0.1"], now).unwrap();
        assert!(leaf.cert_pem.contains("BEGIN CERTIFICATE"));
        let spec = ClientCertSpec {
            common_name: "Apple Push Services: com.example.securemail".into(),
            uid: Some("com.example.securemail".into()),
            not_before_unix: 1_767_600_000,
            not_after_unix: 1_767_700_000,
        };
        let c = pki.push_ca.client_leaf(&spec).unwrap();
        assert_eq!(c.not_after_unix, 1_767_700_000);
        let back = Credential::from_pem(&c.cert_pem, &c.key_pem).unwrap();
        assert_eq!(back.chain[0], c.chain[0]);
        let rsa = pki.ca.server_leaf_rsa(&["traveler.example.test"], now).unwrap();
        assert!(rsa.key_pem.contains("BEGIN PRIVATE KEY"));
        assert_ne!(rsa.key_der, leaf.key_der);
    }

    #[test]
    fn a_restored_ca_signs_leaves_that_chain_to_the_kept_certificate() {
        use rustls::client::danger::ServerCertVerifier;
        let now = OffsetDateTime::from_unix_timestamp(1_767_603_600).unwrap();
        let pki = Pki::new(now).unwrap();
        let again = Pki::restore((pki.ca.cert_pem(), pki.ca.key_pem()), (pki.push_ca.cert_pem(), pki.push_ca.key_pem())).unwrap();
        assert_eq!(again.ca.cert_der(), pki.ca.cert_der());
        let leaf = again.ca.server_leaf(&["mail.example.test"], now).unwrap();
        let roots = crate::tls::roots(&[pki.ca.cert_der().clone()]);
        let verifier = rustls::client::WebPkiServerVerifier::builder(roots).build().unwrap();
        let name = rustls_pki_types::ServerName::try_from("mail.example.test").unwrap();
        let at = rustls_pki_types::UnixTime::since_unix_epoch(std::time::Duration::from_secs(1_767_603_600));
        verifier.verify_server_cert(&leaf.chain[0], &leaf.chain[1..], &name, &[], at).expect("the leaf chains to the kept CA");
    }
}
