//! S/MIME messages (RFC 8551) on CMS SignedData and EnvelopedData (RFC 5652), made and read by
//! the workspace's OpenSSL: a signed message is `multipart/signed` with a detached
//! `application/pkcs7-signature` (readable without S/MIME), an encrypted one is
//! `application/pkcs7-mime; smime-type=enveloped-data`, AES-256-CBC with RSA key transport to
//! each recipient's encryption certificate. Signed then encrypted is an enveloped message whose
//! content is the signed one.

use crate::error::SmimeError;
use crate::identity::{emails, issuer, subject, usable_for, Identity};
use crate::purpose::Use;
use openssl::asn1::Asn1Time;
use openssl::nid::Nid;
use openssl::pkcs7::{Pkcs7, Pkcs7Flags};
use openssl::stack::Stack;
use openssl::symm::Cipher;
use openssl::x509::store::{X509Store, X509StoreBuilder};
use openssl::x509::X509;
use serde::{Deserialize, Serialize};

/// The roots a reader trusts for signers' certificates, and the time it checks them at.
#[derive(Clone, Default)]
pub struct Trust {
    roots: Vec<X509>,
    at: Option<i64>,
}

impl Trust {
    /// Trusting `roots`, now by the real clock.
    pub fn new(roots: Vec<X509>) -> Self {
        Trust { roots, at: None }
    }

    /// Checking validity at `unix` seconds (a simulation's clock) instead of the real clock.
    pub fn at(self, unix: i64) -> Self {
        Trust { at: Some(unix), ..self }
    }

    fn now(&self) -> Result<Asn1Time, SmimeError> {
        match self.at {
            Some(t) => Asn1Time::from_unix(t),
            None => Asn1Time::days_from_now(0),
        }
        .map_err(SmimeError::crypto("read the clock"))
    }

    fn store(&self) -> Result<X509Store, SmimeError> {
        let mut b = X509StoreBuilder::new().map_err(SmimeError::crypto("make a trust store"))?;
        for r in &self.roots {
            b.add_cert(r.clone()).map_err(SmimeError::crypto("add a trusted root"))?;
        }
        if let Some(t) = self.at {
            let mut param = openssl::x509::verify::X509VerifyParam::new().map_err(SmimeError::crypto("make verify parameters"))?;
            param.set_time(t as _);
            b.set_param(&param).map_err(SmimeError::crypto("set the verification time"))?;
        }
        Ok(b.build())
    }
}

/// What kind of MIME entity a message is, by its top-level `Content-Type`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SmimeKind {
    /// Neither signed nor encrypted.
    Plain,
    /// `multipart/signed` or an opaque `signed-data`.
    Signed,
    /// `enveloped-data` (encrypted, perhaps signed inside).
    Encrypted,
}

/// The kind of the MIME entity `message` (headers, blank line, body).
pub fn kind(message: &[u8]) -> SmimeKind {
    let text = String::from_utf8_lossy(message).to_ascii_lowercase();
    let headers = text.split("\r\n\r\n").next().unwrap_or_default().split("\n\n").next().unwrap_or_default().to_string();
    let unfolded = headers.replace("\r\n ", " ").replace("\r\n\t", " ").replace("\n ", " ").replace("\n\t", " ");
    let ctype = unfolded.lines().find_map(|l| l.strip_prefix("content-type:")).unwrap_or_default();
    if ctype.contains("multipart/signed") || ctype.contains("signed-data") {
        SmimeKind::Signed
    } else if ctype.contains("pkcs7-mime") {
        SmimeKind::Encrypted
    } else {
        SmimeKind::Plain
    }
}

/// `content` (a MIME entity, CRLF line ends) signed by `signer`: a `multipart/signed` entity
/// carrying the signer's certificate and chain.
pub fn sign(content: &[u8], signer: &Identity) -> Result<Vec<u8>, SmimeError> {
    let cert = signer.for_use(Use::Signing)?;
    let mut chain = Stack::new().map_err(SmimeError::crypto("make a certificate stack"))?;
    for c in signer.chain() {
        chain.push(c.clone()).map_err(SmimeError::crypto("make a certificate stack"))?;
    }
    let flags = Pkcs7Flags::DETACHED | Pkcs7Flags::BINARY;
    let p7 = Pkcs7::sign(cert, signer.key(), &chain, content, flags).map_err(SmimeError::crypto("sign the message"))?;
    p7.to_smime(content, Pkcs7Flags::DETACHED | Pkcs7Flags::CRLFEOL | Pkcs7Flags::NOOLDMIMETYPE)
        .map_err(SmimeError::crypto("write the signed message"))
}

/// `content` encrypted to every one of `recipients`' certificates, each of which must allow
/// encryption.
pub fn encrypt(content: &[u8], recipients: &[X509]) -> Result<Vec<u8>, SmimeError> {
    let mut certs = Stack::new().map_err(SmimeError::crypto("make a certificate stack"))?;
    for r in recipients {
        usable_for(r, Use::Encryption)?;
        certs.push(r.clone()).map_err(SmimeError::crypto("make a certificate stack"))?;
    }
    let p7 =
        Pkcs7::encrypt(&certs, content, Cipher::aes_256_cbc(), Pkcs7Flags::BINARY).map_err(SmimeError::crypto("encrypt the message"))?;
    p7.to_smime(&[], Pkcs7Flags::CRLFEOL | Pkcs7Flags::NOOLDMIMETYPE).map_err(SmimeError::crypto("write the encrypted message"))
}

/// A message as its recipient reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Opened {
    /// The content: the MIME entity that was signed or encrypted.
    pub content: Vec<u8>,
    /// It was encrypted (and decrypted with the reader's key).
    pub encrypted: bool,
    /// Its signature, when it was signed.
    pub signature: Option<Signature>,
}

/// A signature and what checking it gave.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Signature {
    /// The signer's common name.
    pub signer: String,
    /// The signer's addresses.
    pub emails: Vec<String>,
    /// `Ok` when the signature holds, its certificate may sign, is current and chains to a
    /// trusted root; otherwise why not (the message can still be read).
    pub verdict: Result<(), SmimeError>,
}

/// Reads `message`: decrypts it with `reader`'s key when it is encrypted, and checks its
/// signature against `trust` when it is signed.
pub fn open(message: &[u8], reader: Option<&Identity>, trust: &Trust) -> Result<Opened, SmimeError> {
    let (p7, detached) = Pkcs7::from_smime(message).map_err(|e| SmimeError::NotSmime { reason: e.to_string() })?;
    let nid = p7.type_().map(|t| t.nid());
    match nid {
        Some(Nid::PKCS7_ENVELOPED) => {
            let reader = reader.ok_or(SmimeError::NoDecryptionKey)?;
            let inner = p7
                .decrypt(reader.key(), reader.certificate(), Pkcs7Flags::BINARY)
                .map_err(|_| SmimeError::NotARecipient { holder: reader.subject() })?;
            match kind(&inner) {
                SmimeKind::Plain => Ok(Opened { content: inner, encrypted: true, signature: None }),
                _ => {
                    let mut opened = open(&inner, Some(reader), trust)?;
                    opened.encrypted = true;
                    Ok(opened)
                }
            }
        }
        Some(Nid::PKCS7_SIGNED) => verify(&p7, detached.as_deref(), trust),
        _ => Err(SmimeError::NotSmime { reason: "it is neither signed-data nor enveloped-data".into() }),
    }
}

fn verify(p7: &Pkcs7, detached: Option<&[u8]>, trust: &Trust) -> Result<Opened, SmimeError> {
    let none = Stack::new().map_err(SmimeError::crypto("make a certificate stack"))?;
    let signers = p7.signers(&none, Pkcs7Flags::empty()).map_err(|e| SmimeError::NotSmime { reason: e.to_string() })?;
    let signer = signers.iter().next().ok_or(SmimeError::NotSmime { reason: "it has no signer".into() })?.to_owned();
    let mut content = Vec::new();
    let empty = X509StoreBuilder::new().map_err(SmimeError::crypto("make a trust store"))?.build();
    let holds = p7.verify(&none, &empty, detached, Some(&mut content), Pkcs7Flags::NOVERIFY | Pkcs7Flags::BINARY).is_ok();
    if let Some(d) = detached {
        content = d.to_vec();
    }
    let verdict = if !holds { Err(SmimeError::BadSignature) } else { check_signer(p7, &signer, detached, trust) };
    Ok(Opened { content, encrypted: false, signature: Some(Signature { signer: subject(&signer), emails: emails(&signer), verdict }) })
}

/// The signer's certificate may sign, is current, and chains to `trust`.
fn check_signer(p7: &Pkcs7, signer: &X509, detached: Option<&[u8]>, trust: &Trust) -> Result<(), SmimeError> {
    usable_for(signer, Use::Signing)?;
    let now = trust.now()?;
    if signer.not_after() < now {
        return Err(SmimeError::Expired { subject: subject(signer), not_after: signer.not_after().to_string() });
    }
    let none = Stack::new().map_err(SmimeError::crypto("make a certificate stack"))?;
    let store = trust.store()?;
    p7.verify(&none, &store, detached, None, Pkcs7Flags::BINARY)
        .map_err(|_| SmimeError::Untrusted { subject: subject(signer), issuer: issuer(signer) })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::authority::{CertificateAuthority, Template, Validity, MIN_KEY_BITS};

    const BODY: &[u8] = b"Content-Type: text/plain; charset=utf-8\r\n\r\nLunch at noon?\r\n";

    struct Pki {
        ca: CertificateAuthority,
    }

    impl Pki {
        fn new() -> Self {
            Pki { ca: CertificateAuthority::new("Example Root CA").unwrap() }
        }
        fn id(&self, who: &str, t: Template) -> Identity {
            self.ca.issue(who, &format!("{}@example.test", who.to_lowercase()), &t).unwrap()
        }
        fn trust(&self) -> Trust {
            Trust::new(vec![self.ca.root().clone()])
        }
    }

    #[test]
    fn a_signed_message_verifies_and_keeps_its_content() {
        let pki = Pki::new();
        let alice = pki.id("Alice", Template::signature("Sign"));
        let signed = sign(BODY, &alice).unwrap();
        assert_eq!(kind(&signed), SmimeKind::Signed);
        assert!(String::from_utf8_lossy(&signed).contains("protocol=\"application/pkcs7-signature\""));
        let opened = open(&signed, None, &pki.trust()).unwrap();
        assert_eq!(opened.content, BODY);
        let sig = opened.signature.unwrap();
        assert_eq!((sig.signer.as_str(), sig.verdict), ("Alice", Ok(())));
        assert_eq!(sig.emails, ["alice@example.test"]);
    }

    #[test]
    fn a_changed_message_an_unknown_root_and_an_expired_signer_each_fail_their_way() {
        let pki = Pki::new();
        let alice = pki.id("Alice", Template::signature("Sign"));
        let signed = String::from_utf8(sign(BODY, &alice).unwrap()).unwrap();
        let changed = signed.replace("Lunch at noon?", "Lunch at one?");
        let v = |m: &[u8], t: &Trust| open(m, None, t).unwrap().signature.unwrap().verdict;
        assert_eq!(v(changed.as_bytes(), &pki.trust()), Err(SmimeError::BadSignature));
        let e = v(signed.as_bytes(), &Trust::default()).unwrap_err();
        assert_eq!(e, SmimeError::Untrusted { subject: "Alice".into(), issuer: "Example Root CA".into() });
        let old = pki.ca.issue_valid("Olga", "olga@example.test", &Template::signature("Sign"), Validity::expired(), MIN_KEY_BITS).unwrap();
        let e = v(&sign(BODY, &old).unwrap(), &pki.trust()).unwrap_err();
        assert!(matches!(e, SmimeError::Expired { ref subject, .. } if subject == "Olga"), "{e:?}");
    }

    #[test]
    fn an_encrypted_message_opens_only_for_its_recipients() {
        let pki = Pki::new();
        let bob = pki.id("Bob", Template::encryption("Enc"));
        let carol = pki.id("Carol", Template::encryption("Enc"));
        let eve = pki.id("Eve", Template::encryption("Enc"));
        let sealed = encrypt(BODY, &[bob.certificate().clone(), carol.certificate().clone()]).unwrap();
        assert_eq!(kind(&sealed), SmimeKind::Encrypted);
        assert!(String::from_utf8_lossy(&sealed).contains("application/pkcs7-mime; smime-type=enveloped-data"));
        for reader in [&bob, &carol] {
            let opened = open(&sealed, Some(reader), &pki.trust()).unwrap();
            assert_eq!((opened.content.as_slice(), opened.encrypted, opened.signature), (BODY, true, None));
        }
        assert_eq!(open(&sealed, Some(&eve), &pki.trust()).unwrap_err(), SmimeError::NotARecipient { holder: "Eve".into() });
        assert_eq!(open(&sealed, None, &pki.trust()).unwrap_err(), SmimeError::NoDecryptionKey);
    }

    #[test]
    fn signed_then_encrypted_reads_back_both() {
        let pki = Pki::new();
        let alice = pki.id("Alice", Template::signature("Sign"));
        let bob = pki.id("Bob", Template::encryption("Enc"));
        let sealed = encrypt(&sign(BODY, &alice).unwrap(), &[bob.certificate().clone()]).unwrap();
        let opened = open(&sealed, Some(&bob), &pki.trust()).unwrap();
        assert!(opened.encrypted);
        assert_eq!(opened.content, BODY);
        assert_eq!(opened.signature.unwrap().verdict, Ok(()));
    }

    #[test]
    fn a_certificate_of_the_wrong_purpose_neither_signs_nor_receives() {
        let pki = Pki::new();
        let enc = pki.id("Bob", Template::encryption("Enc"));
        let sig = pki.id("Alice", Template::signature("Sign"));
        assert!(matches!(sign(BODY, &enc).unwrap_err(), SmimeError::WrongPurpose { needed: Use::Signing, .. }));
        assert!(matches!(
            encrypt(BODY, &[sig.certificate().clone()]).unwrap_err(),
            SmimeError::WrongPurpose { needed: Use::Encryption, .. }
        ));
    }

    #[test]
    fn what_is_not_smime_says_so() {
        assert_eq!(kind(BODY), SmimeKind::Plain);
        assert!(matches!(open(BODY, None, &Trust::default()).unwrap_err(), SmimeError::NotSmime { .. }));
        assert!(matches!(open(b"", None, &Trust::default()).unwrap_err(), SmimeError::NotSmime { .. }));
    }
}
