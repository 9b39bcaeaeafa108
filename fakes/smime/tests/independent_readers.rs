//! What this crate writes, read by implementations not written here, and the other way round:
//! the system's `openssl` command (its own PKCS#12, S/MIME and request tools) and Python's
//! `cryptography` (whose PKCS#7 decryption parses the message itself). Both are installed by
//! `tests/interop/setup`, part of the test command.

use mailconform_smime::authority::{CertificateAuthority, EnrollError, Template};
use mailconform_smime::message::{self, Trust};
use mailconform_smime::{Identity, Use};
use std::path::{Path, PathBuf};
use std::process::Command;

const BODY: &str = "Content-Type: text/plain; charset=utf-8\r\n\r\nThe quarterly numbers are attached.\r\n";

fn scratch(label: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("smime-{label}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?} cannot start: {e}"));
    assert!(out.status.success(), "{cmd:?} failed: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

struct Pki {
    ca: CertificateAuthority,
    dir: PathBuf,
}

impl Pki {
    fn new(label: &str) -> Self {
        Pki { ca: CertificateAuthority::new("Example Enterprise Root CA").unwrap(), dir: scratch(label) }
    }
    fn id(&self, who: &str, purpose: Option<Use>) -> Identity {
        let t = Template { purpose, ..Template::signature("Mail") };
        self.ca.issue(who, &format!("{}@example.test", who.to_lowercase()), &t).unwrap()
    }
    fn write(&self, name: &str, bytes: &[u8]) -> PathBuf {
        let p = self.dir.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
}

#[test]
fn openssl_opens_the_pfx_with_its_key_and_chain() {
    let pki = Pki::new("pfx");
    let alice = pki.id("Alice", Some(Use::Signing));
    let pfx = pki.write("alice-sign.pfx", &alice.to_pfx("Pfx-2026!", "alice-sign").unwrap());
    let out = run(Command::new("openssl").arg("pkcs12").arg("-in").arg(&pfx).args(["-passin", "pass:Pfx-2026!", "-nodes"]));
    assert_eq!(out.matches("-----BEGIN CERTIFICATE-----").count(), 2, "the certificate and the CA's: {out}");
    assert!(out.contains("-----BEGIN PRIVATE KEY-----"));
    assert!(out.contains("friendlyName: alice-sign"));
    let wrong = Command::new("openssl").arg("pkcs12").arg("-in").arg(&pfx).args(["-passin", "pass:guess", "-nodes"]).output().unwrap();
    assert!(!wrong.status.success(), "a wrong password does not open it");
}

#[test]
fn openssl_verifies_the_signature_and_decrypts_the_message() {
    let pki = Pki::new("messages");
    let alice = pki.id("Alice", Some(Use::Signing));
    let bob = pki.id("Bob", Some(Use::Encryption));
    let root = pki.write("root.pem", &pki.ca.root().to_pem().unwrap());
    let signed = pki.write("signed.eml", &message::sign(BODY.as_bytes(), &alice).unwrap());
    let out =
        run(Command::new("openssl").args(["smime", "-verify", "-purpose", "smimesign", "-in"]).arg(&signed).arg("-CAfile").arg(&root));
    assert!(out.contains("The quarterly numbers are attached."), "{out}");
    let sealed = message::encrypt(&message::sign(BODY.as_bytes(), &alice).unwrap(), &[bob.certificate().clone()]).unwrap();
    let sealed = pki.write("sealed.eml", &sealed);
    let cert = pki.write("bob.pem", &bob.certificate().to_pem().unwrap());
    let key = pki.write("bob.key", &bob.key().private_key_to_pem_pkcs8().unwrap());
    let inner =
        run(Command::new("openssl").args(["smime", "-decrypt", "-in"]).arg(&sealed).arg("-recip").arg(&cert).arg("-inkey").arg(&key));
    assert!(inner.contains("multipart/signed"), "signed inside: {inner}");
}

#[test]
fn what_openssl_signs_and_encrypts_reads_here() {
    let pki = Pki::new("from-openssl");
    let alice = pki.id("Alice", Some(Use::Signing));
    let bob = pki.id("Bob", Some(Use::Encryption));
    let body = pki.write("body.txt", BODY.as_bytes());
    let cert = pki.write("alice.pem", &alice.certificate().to_pem().unwrap());
    let key = pki.write("alice.key", &alice.key().private_key_to_pem_pkcs8().unwrap());
    let signed = run(Command::new("openssl")
        .args(["smime", "-sign", "-binary", "-in"])
        .arg(&body)
        .arg("-signer")
        .arg(&cert)
        .arg("-inkey")
        .arg(&key));
    let opened = message::open(signed.as_bytes(), None, &Trust::new(vec![pki.ca.root().clone()])).unwrap();
    assert_eq!(opened.signature.unwrap().verdict, Ok(()));
    let bob_pem = pki.write("bob.pem", &bob.certificate().to_pem().unwrap());
    let sealed = run(Command::new("openssl").args(["smime", "-encrypt", "-aes256", "-in"]).arg(&body).arg(&bob_pem));
    let opened = message::open(sealed.as_bytes(), Some(&bob), &Trust::default()).unwrap();
    assert!(opened.encrypted);
    assert!(String::from_utf8_lossy(&opened.content).contains("The quarterly numbers are attached."));
}

#[test]
fn a_request_made_by_openssl_enrolls_and_a_short_one_is_refused() {
    let pki = Pki::new("req");
    pki.ca.issue_template(Template::encryption("SecureMailEncryption"));
    let request = |bits: u32| {
        let key = pki.dir.join(format!("k{bits}.pem"));
        let csr = pki.dir.join(format!("r{bits}.der"));
        run(Command::new("openssl")
            .args(["req", "-new", "-newkey", &format!("rsa:{bits}"), "-nodes", "-subj", "/CN=alice", "-outform", "DER", "-keyout"])
            .arg(&key)
            .arg("-out")
            .arg(&csr));
        std::fs::read(csr).unwrap()
    };
    let cert = pki.ca.enroll(&request(2048), "SecureMailEncryption", "Alice Example", "alice@example.test").unwrap();
    assert_eq!(mailconform_smime::identity::purposes(&cert).single(), Some(Use::Encryption));
    let e = pki.ca.enroll(&request(1024), "SecureMailEncryption", "Alice Example", "alice@example.test").unwrap_err();
    assert!(matches!(e, EnrollError::KeyTooSmall { bits: 1024, minimum: 2048, .. }), "{e:?}");
}

#[test]
fn python_cryptography_loads_the_pfx_and_decrypts_the_message() {
    let pki = Pki::new("python");
    let bob = pki.id("Bob", Some(Use::Encryption));
    let pfx = pki.write("bob-enc.pfx", &bob.to_pfx("Pfx-2026!", "bob-enc").unwrap());
    let sealed = pki.write("sealed.eml", &message::encrypt(BODY.as_bytes(), &[bob.certificate().clone()]).unwrap());
    let script = r#"
import sys
from cryptography.hazmat.primitives.serialization import pkcs12, pkcs7
key, cert, extra = pkcs12.load_key_and_certificates(open(sys.argv[1], "rb").read(), b"Pfx-2026!")
print("chain", len(extra))
print(pkcs7.pkcs7_decrypt_smime(open(sys.argv[2], "rb").read(), cert, key, []).decode())
"#;
    let out = run(Command::new("python3").arg("-c").arg(script).arg(&pfx).arg(&sealed));
    assert!(out.starts_with("chain 1"), "{out}");
    assert!(out.contains("The quarterly numbers are attached."), "{out}");
}
