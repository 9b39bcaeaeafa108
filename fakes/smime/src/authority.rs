//! The certification authority of Active Directory Certificate Services, as seed 002 sets it up
//! ("Création de nouveaux modèles de certificats"): the "Exchange Signature Only" and "Exchange
//! User" templates duplicated, each with one purpose, a minimum key size of 2048, an exportable
//! private key, enrollment without user input, and "publish the certificate in Active Directory";
//! both templates issued by the CA; a PKCS#10 request for a template gives a certificate with
//! that template's key usages.

use crate::identity::Identity;
use crate::purpose::Use;
use openssl::asn1::{Asn1Integer, Asn1Time};
use openssl::bn::BigNum;
use openssl::hash::MessageDigest;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;
use openssl::x509::extension::{
    AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, KeyUsage, SubjectAlternativeName, SubjectKeyIdentifier,
};
use openssl::x509::{X509Name, X509Req, X509};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// The smallest key the seed's templates accept ("Taille de clé minimale : 2048").
pub const MIN_KEY_BITS: u32 = 2048;

/// A certificate template of the CA.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    /// Its name, as requests give it (`CertificateTemplate:<name>`).
    pub name: String,
    /// What its certificates are for; `None` for a template of both purposes (the "User" kind).
    pub purpose: Option<Use>,
    /// The smallest key it accepts, in bits.
    pub min_key_bits: u32,
    /// "Allow private key to be exported".
    pub exportable: bool,
    /// "Publish certificate in Active Directory": the certificate goes to the user's
    /// `userCertificate` attribute.
    pub publish_to_directory: bool,
}

impl Template {
    /// A duplicate of "Exchange Signature Only" as the seed sets it.
    pub fn signature(name: &str) -> Self {
        Template {
            name: name.into(),
            purpose: Some(Use::Signing),
            min_key_bits: MIN_KEY_BITS,
            exportable: true,
            publish_to_directory: true,
        }
    }

    /// A duplicate of "Exchange User" as the seed sets it.
    pub fn encryption(name: &str) -> Self {
        Template { purpose: Some(Use::Encryption), ..Template::signature(name) }
    }

    /// A template whose certificates both sign and encrypt (one certificate for both, the
    /// seed's "un seul certificat de signature et de cryptage").
    pub fn dual(name: &str) -> Self {
        Template { purpose: None, ..Template::signature(name) }
    }
}

/// How long a certificate is valid, in seconds since the Unix epoch.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Validity {
    /// First valid second.
    pub not_before: i64,
    /// Last valid second.
    pub not_after: i64,
}

impl Validity {
    /// From an hour ago for a year, by the real clock: what the CA gives by default.
    pub fn current() -> Self {
        Validity::current_at(real_now())
    }

    /// From an hour before `now` (Unix seconds) for a year.
    pub fn current_at(now: i64) -> Self {
        Validity { not_before: now - 3600, not_after: now + 365 * 86_400 }
    }

    /// Ended yesterday by the real clock: a certificate that has expired.
    pub fn expired() -> Self {
        let now = real_now();
        Validity { not_before: now - 400 * 86_400, not_after: now - 86_400 }
    }
}

/// The real clock in Unix seconds.
pub fn real_now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_secs() as i64).unwrap_or_default()
}

/// The clock a CA dates its certificates by, in Unix seconds: the real one, or a simulation's.
pub type Now = std::sync::Arc<dyn Fn() -> i64 + Send + Sync>;

/// Why the CA refuses a request.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum EnrollError {
    /// The request's key is smaller than the template's minimum.
    #[error("the request's key has {bits} bits; the template {template} requires at least {minimum}: make a new request with a {minimum}-bit key")]
    KeyTooSmall {
        /// The request's key size.
        bits: u32,
        /// The template's minimum.
        minimum: u32,
        /// The template.
        template: String,
    },
    /// The CA does not issue this template.
    #[error("the CA does not issue the template {template} (it issues: {issued}): issue it under Certificate Templates > New > Certificate Template to Issue")]
    TemplateNotIssued {
        /// The template asked for.
        template: String,
        /// The templates it issues.
        issued: String,
    },
    /// The request is not a PKCS#10 request whose signature holds.
    #[error("the request is not a valid PKCS#10 certificate request: {reason}")]
    BadRequest {
        /// What is wrong.
        reason: String,
    },
    /// OpenSSL failed while issuing.
    #[error("the CA could not issue the certificate: {0}")]
    Issuing(String),
}

/// A root CA with the templates it issues.
pub struct CertificateAuthority {
    keys: crate::KeySource,
    now: Now,
    key: PKey<Private>,
    cert: X509,
    templates: Mutex<BTreeMap<String, Template>>,
    next_serial: Mutex<u32>,
}

impl std::fmt::Debug for CertificateAuthority {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CertificateAuthority").field("name", &crate::identity::subject(&self.cert)).finish_non_exhaustive()
    }
}

impl CertificateAuthority {
    /// A root CA named `common_name`, with a new 2048-bit RSA key, issuing no template yet.
    pub fn new(common_name: &str) -> Result<Self, EnrollError> {
        Self::with_keys(common_name, crate::KeySource::Fresh, std::sync::Arc::new(real_now))
    }

    /// [`Self::new`], its own key and the keys of [`Self::issue`] drawn from `keys`, its
    /// certificates dated by `now` (a simulation's clock, which its TLS checks them against).
    pub fn with_keys(common_name: &str, keys: crate::KeySource, now: Now) -> Result<Self, EnrollError> {
        let key = keys.rsa(MIN_KEY_BITS).map_err(issuing)?;
        let name = name(common_name, None)?;
        let mut b = X509::builder().map_err(issuing)?;
        b.set_version(2).map_err(issuing)?;
        let first = serial(1)?;
        b.set_serial_number(&first).map_err(issuing)?;
        b.set_subject_name(&name).map_err(issuing)?;
        b.set_issuer_name(&name).map_err(issuing)?;
        b.set_pubkey(&key).map_err(issuing)?;
        let v = Validity::current_at(now());
        set_validity(&mut b, Validity { not_after: v.not_after + 9 * 365 * 86_400, ..v })?;
        b.append_extension(BasicConstraints::new().critical().ca().build().map_err(issuing)?).map_err(issuing)?;
        b.append_extension(KeyUsage::new().critical().key_cert_sign().crl_sign().build().map_err(issuing)?).map_err(issuing)?;
        let ski = SubjectKeyIdentifier::new().build(&b.x509v3_context(None, None)).map_err(issuing)?;
        b.append_extension(ski).map_err(issuing)?;
        b.sign(&key, MessageDigest::sha256()).map_err(issuing)?;
        Ok(CertificateAuthority { keys, now, key, cert: b.build(), templates: Mutex::default(), next_serial: Mutex::new(2) })
    }

    /// The CA's certificate: the root devices must trust.
    pub fn root(&self) -> &X509 {
        &self.cert
    }

    /// Issues `template` ("Certificate Template to Issue"), replacing one of the same name.
    pub fn issue_template(&self, template: Template) {
        self.templates.lock().expect("templates poisoned").insert(template.name.clone(), template);
    }

    /// Issues no template any more (a fresh CA's state; its key and certificate stay).
    pub fn clear_templates(&self) {
        self.templates.lock().expect("templates poisoned").clear();
    }

    /// The template named `name`, if the CA issues it.
    pub fn template(&self, name: &str) -> Option<Template> {
        self.templates.lock().expect("templates poisoned").get(name).cloned()
    }

    /// Every template the CA issues, by name.
    pub fn templates(&self) -> Vec<Template> {
        self.templates.lock().expect("templates poisoned").values().cloned().collect()
    }

    /// Certifies the PKCS#10 request `csr` (PEM or DER) under `template_name` for the user
    /// whose address is `email` (the CA builds the subject from the directory, as AD CS does).
    pub fn enroll(&self, csr: &[u8], template_name: &str, common_name: &str, email: &str) -> Result<X509, EnrollError> {
        self.enroll_valid(csr, template_name, common_name, email, Validity::current_at((self.now)()))
    }

    /// [`Self::enroll`] with a validity of the caller's choosing (an expired certificate).
    pub fn enroll_valid(&self, csr: &[u8], template_name: &str, cn: &str, email: &str, v: Validity) -> Result<X509, EnrollError> {
        let template = self.template(template_name).ok_or_else(|| EnrollError::TemplateNotIssued {
            template: template_name.into(),
            issued: self.templates.lock().expect("templates poisoned").keys().cloned().collect::<Vec<_>>().join(", "),
        })?;
        let req = match csr.starts_with(b"-----") {
            true => X509Req::from_pem(csr),
            false => X509Req::from_der(csr),
        }
        .map_err(|e| EnrollError::BadRequest { reason: e.to_string() })?;
        let public = req.public_key().map_err(|e| EnrollError::BadRequest { reason: e.to_string() })?;
        if !req.verify(&public).unwrap_or(false) {
            return Err(EnrollError::BadRequest { reason: "its signature does not match its key".into() });
        }
        if public.bits() < template.min_key_bits {
            return Err(EnrollError::KeyTooSmall { bits: public.bits(), minimum: template.min_key_bits, template: template.name });
        }
        let serial = {
            let mut next = self.next_serial.lock().expect("serial poisoned");
            *next += 1;
            *next - 1
        };
        let mut b = X509::builder().map_err(issuing)?;
        b.set_version(2).map_err(issuing)?;
        let serial = self::serial(serial)?;
        b.set_serial_number(&serial).map_err(issuing)?;
        let subject = name(cn, Some(email))?;
        b.set_subject_name(&subject).map_err(issuing)?;
        b.set_issuer_name(self.cert.subject_name()).map_err(issuing)?;
        b.set_pubkey(&public).map_err(issuing)?;
        set_validity(&mut b, v)?;
        b.append_extension(BasicConstraints::new().build().map_err(issuing)?).map_err(issuing)?;
        let mut ku = KeyUsage::new();
        ku.critical();
        if template.purpose != Some(Use::Encryption) {
            ku.digital_signature().non_repudiation();
        }
        if template.purpose != Some(Use::Signing) {
            ku.key_encipherment();
        }
        b.append_extension(ku.build().map_err(issuing)?).map_err(issuing)?;
        // AD's "User" template (both purposes) also gives Client Authentication, which
        // certificate logon to IIS (the enrollment site's client certificate mapping) needs.
        let mut eku = ExtendedKeyUsage::new();
        eku.email_protection();
        if template.purpose.is_none() {
            eku.client_auth();
        }
        b.append_extension(eku.build().map_err(issuing)?).map_err(issuing)?;
        let ctx = b.x509v3_context(Some(&self.cert), None);
        let san = SubjectAlternativeName::new().email(email).build(&ctx).map_err(issuing)?;
        let ski = SubjectKeyIdentifier::new().build(&ctx).map_err(issuing)?;
        let aki = AuthorityKeyIdentifier::new().keyid(false).build(&ctx).map_err(issuing)?;
        for ext in [san, ski, aki] {
            b.append_extension(ext).map_err(issuing)?;
        }
        b.sign(&self.key, MessageDigest::sha256()).map_err(issuing)?;
        Ok(b.build())
    }

    /// What the seed's user does at the web enrollment page in one go: a new 2048-bit key, a
    /// request for `template`, the certificate installed with its key and this CA as its chain.
    /// `template` is issued first (replacing one of the same name).
    pub fn issue(&self, common_name: &str, email: &str, template: &Template) -> Result<Identity, EnrollError> {
        self.issue_valid(common_name, email, template, Validity::current_at((self.now)()), MIN_KEY_BITS)
    }

    /// [`Self::issue`] with a validity and key size of the caller's choosing.
    pub fn issue_valid(&self, cn: &str, email: &str, template: &Template, v: Validity, bits: u32) -> Result<Identity, EnrollError> {
        self.issue_template(template.clone());
        let key = self.keys.rsa(bits).map_err(issuing)?;
        let csr = request(&key, cn)?;
        let cert = self.enroll_valid(&csr, &template.name, cn, email, v)?;
        Ok(Identity::new(key, cert, vec![self.cert.clone()]).exportable(template.exportable))
    }
}

/// A new RSA key of `bits` bits.
pub fn rsa_key(bits: u32) -> Result<PKey<Private>, EnrollError> {
    PKey::from_rsa(Rsa::generate(bits).map_err(issuing)?).map_err(issuing)
}

/// A PKCS#10 request (DER) for `key`, with `common_name` as its subject.
pub fn request(key: &PKey<Private>, common_name: &str) -> Result<Vec<u8>, EnrollError> {
    let mut b = X509Req::builder().map_err(issuing)?;
    let subject = name(common_name, None)?;
    b.set_subject_name(&subject).map_err(issuing)?;
    b.set_pubkey(key).map_err(issuing)?;
    b.sign(key, MessageDigest::sha256()).map_err(issuing)?;
    b.build().to_der().map_err(issuing)
}

fn name(common_name: &str, email: Option<&str>) -> Result<X509Name, EnrollError> {
    let mut n = X509Name::builder().map_err(issuing)?;
    n.append_entry_by_text("CN", common_name).map_err(issuing)?;
    if let Some(email) = email {
        n.append_entry_by_text("emailAddress", email).map_err(issuing)?;
    }
    Ok(n.build())
}

fn set_validity(b: &mut openssl::x509::X509Builder, v: Validity) -> Result<(), EnrollError> {
    let (from, to) = (Asn1Time::from_unix(v.not_before).map_err(issuing)?, Asn1Time::from_unix(v.not_after).map_err(issuing)?);
    b.set_not_before(&from).map_err(issuing)?;
    b.set_not_after(&to).map_err(issuing)
}

fn serial(n: u32) -> Result<Asn1Integer, EnrollError> {
    BigNum::from_u32(n).and_then(|b| b.to_asn1_integer()).map_err(issuing)
}

fn issuing(e: openssl::error::ErrorStack) -> EnrollError {
    EnrollError::Issuing(e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::purpose::Purposes;

    #[test]
    fn each_template_gives_its_purpose_only() {
        let ca = CertificateAuthority::new("Example Root CA").unwrap();
        for (template, signing, encryption) in
            [(Template::signature("Sign"), true, false), (Template::encryption("Enc"), false, true), (Template::dual("Both"), true, true)]
        {
            let id = ca.issue("Alice", "alice@example.test", &template).unwrap();
            assert_eq!(id.purposes(), Purposes { signing, encryption }, "{}", template.name);
            assert_eq!(crate::identity::issuer(id.certificate()), "Example Root CA");
        }
    }

    #[test]
    fn a_key_under_the_minimum_is_refused_with_both_sizes() {
        let ca = CertificateAuthority::new("Example Root CA").unwrap();
        ca.issue_template(Template::signature("Sign"));
        let small = rsa_key(1024).unwrap();
        let e = ca.enroll(&request(&small, "Alice").unwrap(), "Sign", "Alice", "alice@example.test").unwrap_err();
        assert_eq!(e, EnrollError::KeyTooSmall { bits: 1024, minimum: 2048, template: "Sign".into() });
        let big = rsa_key(2048).unwrap();
        assert!(ca.enroll(&request(&big, "Alice").unwrap(), "Sign", "Alice", "alice@example.test").is_ok());
    }

    #[test]
    fn a_template_the_ca_does_not_issue_and_a_garbled_request_are_refused() {
        let ca = CertificateAuthority::new("Example Root CA").unwrap();
        ca.issue_template(Template::encryption("Enc"));
        let key = rsa_key(2048).unwrap();
        let csr = request(&key, "Alice").unwrap();
        let e = ca.enroll(&csr, "Sign", "Alice", "alice@example.test").unwrap_err();
        assert!(matches!(&e, EnrollError::TemplateNotIssued { issued, .. } if issued == "Enc"), "{e:?}");
        let e = ca.enroll(&csr[..csr.len() - 8], "Enc", "Alice", "alice@example.test").unwrap_err();
        assert!(matches!(e, EnrollError::BadRequest { .. }), "{e:?}");
    }

    #[test]
    fn serial_numbers_count_up() {
        let ca = CertificateAuthority::new("Example Root CA").unwrap();
        let a = ca.issue("A", "a@example.test", &Template::signature("Sign")).unwrap();
        let b = ca.issue("B", "b@example.test", &Template::signature("Sign")).unwrap();
        let n = |id: &Identity| id.certificate().serial_number().to_bn().unwrap().to_dec_str().unwrap().to_string();
        assert_eq!((n(&a).as_str(), n(&b).as_str()), ("2", "3"));
    }
}
