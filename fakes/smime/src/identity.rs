//! A user's certificate with its private key and chain, and its PKCS#12 (`.pfx`) form: what the
//! seed exports from the Windows certificate store ("Yes, export the private key", "include all
//! certificates in the certification path if possible") and mails to the user as
//! `userX-sign.pfx` / `userX-enc.pfx` (seed 002, "Exportation des certificats utilisateur").

use crate::error::{says, SmimeError};
use crate::purpose::{Purposes, Use};
use openssl::nid::Nid;
use openssl::pkcs12::Pkcs12;
use openssl::pkey::{PKey, Private};
use openssl::stack::Stack;
use openssl::x509::{X509Ref, X509};

/// A certificate, its private key, and the certificates of its chain (issuer first, root last).
#[derive(Clone)]
pub struct Identity {
    key: PKey<Private>,
    cert: X509,
    chain: Vec<X509>,
    exportable: bool,
}

impl std::fmt::Debug for Identity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Identity").field("subject", &subject(&self.cert)).field("chain", &self.chain.len()).finish_non_exhaustive()
    }
}

impl Identity {
    /// The identity of `cert`, whose private key is `key`.
    pub fn new(key: PKey<Private>, cert: X509, chain: Vec<X509>) -> Self {
        Identity { key, cert, chain, exportable: true }
    }

    /// The identity with its private key marked exportable or not (the template's "Allow
    /// private key to be exported").
    pub fn exportable(self, exportable: bool) -> Self {
        Identity { exportable, ..self }
    }

    /// The certificate.
    pub fn certificate(&self) -> &X509 {
        &self.cert
    }

    /// The private key.
    pub fn key(&self) -> &PKey<Private> {
        &self.key
    }

    /// The chain above the certificate.
    pub fn chain(&self) -> &[X509] {
        &self.chain
    }

    /// The certificate's subject common name.
    pub fn subject(&self) -> String {
        subject(&self.cert)
    }

    /// The uses the certificate allows.
    pub fn purposes(&self) -> Purposes {
        purposes(&self.cert)
    }

    /// The certificate, unless it may not be used for `u`.
    pub fn for_use(&self, u: Use) -> Result<&X509, SmimeError> {
        usable_for(&self.cert, u).map(|_| &self.cert)
    }

    /// The identity as a PKCS#12 file opened by `password`, with its chain and a friendly name:
    /// AES-256-CBC with PBKDF2 and a SHA-256 MAC, OpenSSL 3's defaults, which every current
    /// reader opens.
    pub fn to_pfx(&self, password: &str, friendly_name: &str) -> Result<Vec<u8>, SmimeError> {
        if !self.exportable {
            return Err(SmimeError::KeyNotExportable { subject: self.subject() });
        }
        let mut chain = Stack::new().map_err(SmimeError::crypto("make a certificate stack"))?;
        for c in &self.chain {
            chain.push(c.clone()).map_err(SmimeError::crypto("make a certificate stack"))?;
        }
        let mut builder = Pkcs12::builder();
        builder.name(friendly_name).pkey(&self.key).cert(&self.cert).ca(chain);
        let pfx = builder.build2(password).map_err(SmimeError::crypto("build the PKCS#12 file"))?;
        pfx.to_der().map_err(SmimeError::crypto("encode the PKCS#12 file"))
    }

    /// The identity a PKCS#12 file holds, opened with `password`.
    pub fn from_pfx(der: &[u8], password: &str) -> Result<Identity, SmimeError> {
        let pfx = Pkcs12::from_der(der).map_err(|e| SmimeError::NotPkcs12 { reason: first_reason(&e) })?;
        let parsed = pfx.parse2(password).map_err(|e| match says(&e, "mac verify failure") {
            true => SmimeError::WrongPassword,
            false => SmimeError::NotPkcs12 { reason: first_reason(&e) },
        })?;
        let cert = parsed.cert.ok_or(SmimeError::NotPkcs12 { reason: "it holds no certificate".into() })?;
        let key = parsed.pkey.ok_or(SmimeError::NoPrivateKey)?;
        let chain = parsed.ca.map(|s| s.into_iter().collect()).unwrap_or_default();
        Ok(Identity { key, cert, chain, exportable: true })
    }
}

/// The common name of `cert`'s subject (its whole subject when it has none).
pub fn subject(cert: &X509Ref) -> String {
    name_of(cert.subject_name())
}

/// The common name of `cert`'s issuer.
pub fn issuer(cert: &X509Ref) -> String {
    name_of(cert.issuer_name())
}

fn name_of(name: &openssl::x509::X509NameRef) -> String {
    let cn = name.entries_by_nid(Nid::COMMONNAME).next().and_then(|e| e.data().to_string().ok());
    cn.unwrap_or_else(|| format!("{name:?}"))
}

/// The uses `cert` allows.
pub fn purposes(cert: &X509Ref) -> Purposes {
    cert.to_der().map(|der| Purposes::of_der(&der)).unwrap_or_default()
}

/// `Ok` when `cert` may be used for `u`.
pub fn usable_for(cert: &X509Ref, u: Use) -> Result<(), SmimeError> {
    let p = purposes(cert);
    match p.allows(u) {
        true => Ok(()),
        false => Err(SmimeError::WrongPurpose { subject: subject(cert), needed: u, allows: p.words().into() }),
    }
}

/// The e-mail addresses `cert` is for: its subject alternative names of type rfc822Name.
pub fn emails(cert: &X509Ref) -> Vec<String> {
    cert.subject_alt_names().map(|names| names.iter().filter_map(|n| n.email().map(str::to_string)).collect()).unwrap_or_default()
}

fn first_reason(e: &openssl::error::ErrorStack) -> String {
    e.errors().first().and_then(|x| x.reason()).unwrap_or("unreadable").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority::{CertificateAuthority, Template};

    fn alice_signing() -> Identity {
        let ca = CertificateAuthority::new("Example Root CA").unwrap();
        ca.issue("Alice", "alice@example.test", &Template::signature("Secure Mail Signature")).unwrap()
    }

    #[test]
    fn a_pfx_opens_with_its_password_and_keeps_the_chain() {
        let alice = alice_signing();
        let pfx = alice.to_pfx("s3cret", "alice-sign").unwrap();
        let back = Identity::from_pfx(&pfx, "s3cret").unwrap();
        assert_eq!(back.certificate().to_der().unwrap(), alice.certificate().to_der().unwrap());
        assert!(back.key().public_eq(alice.key()));
        assert_eq!(back.chain().len(), 1, "the root travels with the certificate");
        assert_eq!(subject(&back.chain()[0]), "Example Root CA");
        assert_eq!(emails(back.certificate()), ["alice@example.test"]);
    }

    #[test]
    fn a_wrong_password_and_a_truncated_file_say_which() {
        let pfx = alice_signing().to_pfx("s3cret", "alice-sign").unwrap();
        assert_eq!(Identity::from_pfx(&pfx, "guess").unwrap_err(), SmimeError::WrongPassword);
        let cut = Identity::from_pfx(&pfx[..pfx.len() / 2], "s3cret").unwrap_err();
        assert!(matches!(cut, SmimeError::NotPkcs12 { .. }), "{cut:?}");
        assert!(matches!(Identity::from_pfx(b"", "s3cret").unwrap_err(), SmimeError::NotPkcs12 { .. }));
    }

    #[test]
    fn a_signing_certificate_refuses_encryption_naming_what_it_allows() {
        let alice = alice_signing();
        assert!(alice.for_use(Use::Signing).is_ok());
        match alice.for_use(Use::Encryption).unwrap_err() {
            SmimeError::WrongPurpose { needed, allows, .. } => {
                assert_eq!(needed, Use::Encryption);
                assert_eq!(allows, "signing only");
            }
            other => panic!("{other:?}"),
        }
    }
}
