//! Active Directory Certificate Services and the user's certificate store: the templates an
//! administrator issues, requests at the web enrollment page, the published `userCertificate`,
//! and the PFX export the seed mails to the user (seed 002, "Distribution de certificats par
//! e-mail").
//!
//! Against a real AD CS (`adcs` in the target configuration) the users sign in at its
//! enrollment site with the target's mailboxes, its templates are the ones the target declares
//! (a scenario that sets up another is not applicable), and its directory is out of reach.

use crate::params::{BaseTemplate, CertUse, Denial, User};
use crate::{MailWorld, NOT_APPLICABLE};
use cucumber::{given, then, when};
use mailconform_fakes::adcs::contract::TemplateSpec;
use mailconform_fakes::adcs::{EnrollmentClient, EnrollmentError};
use mailconform_fakes::defaults;
use mailconform_fakes::driver::DriverFuture;
use mailconform_sim::HttpClient;
use mailconform_smime::authority::{request, MIN_KEY_BITS};
use mailconform_smime::{Identity, SmimeError};

/// Runs a call of the CA's administration driver ([`MailWorld::authority`]): on the real clock
/// for a real AD CS, on the scenario's simulation for the fake.
pub(super) fn administer<T>(w: &mut MailWorld, call: DriverFuture<'_, T>) -> T {
    match w.live_adcs().is_some() {
        true => w.drive_real(call),
        false => w.drive(call),
    }
}

fn template(w: &mut MailWorld, name: &str) -> TemplateSpec {
    let authority = w.authority();
    let all = administer(w, authority.templates());
    all.get(name).cloned().unwrap_or_else(|| panic!("the CA does not issue a template {name}: issue it in an earlier step"))
}

fn change_template(w: &mut MailWorld, name: &str, change: impl FnOnce(&mut TemplateSpec)) {
    let mut spec = template(w, name);
    change(&mut spec);
    let authority = w.authority();
    administer(w, authority.issue_template(name, &spec));
}

/// The web enrollment site: a real AD CS's at its URL (its exchanges kept with `run --record`),
/// or the scenario's.
fn site(w: &mut MailWorld) -> (HttpClient, String) {
    let recorder = w.recorder();
    match w.live_adcs() {
        Some(adcs) => (recorder.map_or_else(|| adcs.http.clone(), |r| adcs.http.recording(r)), adcs.url.clone()),
        None => (w.sim_ref().client(), format!("https://{}/certsrv", defaults::ADCS_HOST)),
    }
}

/// Active Directory Certificate Services with web enrollment at ad.example.test, over the domain's users.
#[given("Active Directory Certificate Services with web enrollment")]
fn with_adcs(w: &mut MailWorld) {
    assert!(!w.is_deployed(), "choose the servers before the first action");
    let keys = w.smime.keys(w.seed);
    w.plan().domain_controller = Some(keys);
}

/// The CA issues a template duplicated from one of AD CS's, set as the seed says: minimum key size 2048, private key exportable, published in Active Directory.
#[given(expr = "the CA issues the template {string} duplicated from \"{base_template}\"")]
fn issues_template(w: &mut MailWorld, name: String, base: BaseTemplate) {
    let spec = TemplateSpec { purpose: base.0, min_key_bits: MIN_KEY_BITS, exportable: true, publish_to_directory: true };
    let authority = w.authority();
    administer(w, authority.issue_template(&name, &spec));
}

/// The template's "Publish certificate in Active Directory" box is cleared.
#[given(expr = "the template {string} does not publish certificates in Active Directory")]
fn not_published(w: &mut MailWorld, name: String) {
    change_template(w, &name, |t| t.publish_to_directory = false);
}

/// The template's "Allow private key to be exported" box is cleared.
#[given(expr = "the template {string} does not allow the private key to be exported")]
fn not_exportable(w: &mut MailWorld, name: String) {
    change_template(w, &name, |t| t.exportable = false);
}

/// The user, signed in to the web enrollment page, requests a certificate from the template with a new RSA key of that size (PKCS#10) and installs what the CA issues.
#[when(expr = "{user} requests a certificate from the template {string} with a {int}-bit key")]
fn requests(w: &mut MailWorld, user: User, name: String, bits: u32) {
    enroll(w, &user, &name, bits);
}

/// A request at the web enrollment page; what the CA issued is installed in the user's store.
pub(super) fn enroll(w: &mut MailWorld, user: &User, name: &str, bits: u32) {
    let (login, password) = match w.live_adcs() {
        Some(adcs) => adcs.mailboxes.get(user.as_str()).cloned().unwrap_or_else(|| {
            panic!("{NOT_APPLICABLE}the target configuration has no mailbox for {user}: add [[target.adcs.mailbox]] user = \"{user}\"")
        }),
        None => {
            let (login, password) = user.builtin_login();
            (login.to_string(), password.to_string())
        }
    };
    let (http, base) = site(w);
    enroll_with(w, EnrollmentClient::new(http, &base, &login, &password), user, name, bits);
}

/// The user signs in to the enrollment site with the certificate they hold from the second template (IIS client certificate mapping) and requests one from the first.
#[when(
    expr = "{user} requests a certificate from the template {string} with a {int}-bit key, signing in with the certificate from {string}"
)]
fn requests_with_certificate(w: &mut MailWorld, user: User, name: String, bits: u32, from: String) {
    let (http, base) = site(w);
    match EnrollmentClient::with_certificate(http, &base, w.smime.installed(&user, &from)) {
        Ok(client) => enroll_with(w, client, &user, &name, bits),
        Err(e) => w.smime.last_request = Some(Err(e)),
    }
}

/// The enrollment site refused the certificate the user signed in with, at the TLS handshake.
#[then(expr = "the enrollment site refuses {user}'s certificate")]
fn certificate_refused(w: &mut MailWorld, user: User) {
    match &w.smime.last_request {
        Some(Err(EnrollmentError::CertificateRefused { .. })) => {}
        Some(Err(e)) => panic!("{user}'s request failed otherwise: {e}"),
        Some(Ok(_)) => panic!("the site took {user}'s certificate and issued one"),
        None => panic!("{user} requested nothing"),
    }
}

fn enroll_with(w: &mut MailWorld, client: EnrollmentClient, user: &User, name: &str, bits: u32) {
    let (login, _) = user.builtin_login();
    let authority = w.authority();
    let templates = administer(w, authority.templates());
    let exportable = templates.get(name).is_none_or(|t| t.exportable);
    let key = w.smime.keys(w.seed).rsa(bits).expect("a key is made");
    let csr = request(&key, login).expect("a request is made");
    let exchange = async { (client.request(&csr, name).await, client.ca_certificate().await) };
    let outcome = match w.live_adcs().is_some() {
        true => w.run_on_real(exchange),
        false => w.run(exchange),
    };
    let issued = match outcome {
        (Ok(cert), Ok(ca)) => {
            let id = Identity::new(key, cert.clone(), vec![ca]).exportable(exportable);
            w.smime.installed.insert((user.to_string(), name.to_string()), id);
            Ok(cert)
        }
        (Err(e), _) | (Ok(_), Err(e)) => Err(e),
    };
    w.smime.last_request = Some(issued);
}

/// The CA issued the certificate to the user's address, with the key usage of one purpose only.
#[then(expr = "the CA issues {user} a certificate for {cert_use} only")]
fn issued_for(w: &mut MailWorld, user: User, u: CertUse) {
    // A real CA names the address its directory holds for the user, which the target may give.
    let email = w.live_adcs().and_then(|a| a.emails.get(user.as_str()).cloned()).unwrap_or_else(|| user.email());
    let cert = w.smime.issued();
    let purposes = mailconform_smime::identity::purposes(cert);
    assert_eq!(purposes.single(), Some(u.0), "the certificate allows {}, not {} only", purposes.words(), u.0);
    assert_eq!(mailconform_smime::identity::emails(cert), [email], "the certificate is for another address");
}

/// The CA issued one certificate that both signs and encrypts.
#[then("the CA issues a certificate for signing and encryption")]
fn issued_dual(w: &mut MailWorld) {
    let purposes = mailconform_smime::identity::purposes(w.smime.issued());
    assert!(purposes.signing && purposes.encryption, "the certificate allows {}", purposes.words());
}

/// The CA denied the last request, and its disposition message carries the HRESULT of that reason.
#[then(expr = "the CA denies the request because {denial}")]
fn denied(w: &mut MailWorld, why: Denial) {
    match &w.smime.last_request {
        Some(Err(EnrollmentError::Denied { code, .. })) => assert_eq!(code, why.0, "the CA denied it for another reason"),
        Some(Err(e)) => panic!("the request failed otherwise than by a denial: {e}"),
        Some(Ok(cert)) => panic!("the CA issued a certificate (serial {:?})", cert.serial_number().to_bn().map(|b| b.to_string())),
        None => panic!("no certificate was requested"),
    }
}

/// The user's userCertificate attribute in Active Directory (what Secure Mail reads over LDAP) holds the certificate the user got from the template.
#[then(expr = "{user}'s userCertificate in Active Directory holds the certificate from {string}")]
fn published(w: &mut MailWorld, user: User, name: String) {
    let pem = w.smime.installed(&user, &name).certificate().to_pem().expect("PEM");
    let authority = w.authority();
    let entry = administer(w, authority.entry(&user));
    assert!(
        entry.user_certificates.iter().any(|c| c.pem.as_bytes() == pem.as_slice()),
        "userCertificate holds {} value(s), none of them the certificate from {name}",
        entry.user_certificates.len()
    );
}

/// The user's userCertificate attribute in Active Directory has no value.
#[then(expr = "{user}'s userCertificate in Active Directory is empty")]
fn unpublished(w: &mut MailWorld, user: User) {
    if w.live_adcs().is_some() {
        panic!(
            "{NOT_APPLICABLE}a real directory keeps the certificates of earlier runs and scenarios, so an empty userCertificate \
             says nothing of this one"
        );
    }
    let authority = w.authority();
    let entry = administer(w, authority.entry(&user));
    assert!(entry.user_certificates.is_empty(), "userCertificate holds {} value(s)", entry.user_certificates.len());
}

/// The user exports the certificate from the template with its private key and the whole certification path to a PFX file protected by the password.
#[when(expr = "{user} exports the certificate from {string} as {string} with the password {string}")]
fn exports(w: &mut MailWorld, user: User, name: String, file: String, password: String) {
    export(w, &user, &name, &file, &password);
}

fn export(w: &mut MailWorld, user: &User, name: &str, file: &str, password: &str) {
    match w.smime.installed(user, name).to_pfx(password, file) {
        Ok(pfx) => {
            w.smime.files.insert(file.to_string(), pfx);
            w.smime.last_export_error = None;
        }
        Err(e) => w.smime.last_export_error = Some(e),
    }
}

/// A certificate from the template, requested with a 2048-bit key and exported as `file`:
/// what the seed's user does for each of the two templates.
pub(super) fn request_and_export(w: &mut MailWorld, user: &User, template: &str, file: &str, password: &str) {
    enroll(w, user, template, MIN_KEY_BITS);
    w.smime.issued();
    export(w, user, template, file, password);
    if let Some(e) = &w.smime.last_export_error {
        panic!("{file} could not be exported: {e}");
    }
}

/// An administrator clears the user's userCertificate attribute in Active Directory.
#[given(expr = "an administrator empties {user}'s userCertificate in Active Directory")]
fn empties(w: &mut MailWorld, user: User) {
    let authority = w.authority();
    administer(w, authority.publish(&user, Vec::new()));
}

/// The user's userCertificate attribute holds only the certificate from this template (a wrong one, when it is the signing one).
#[given(expr = "{user}'s userCertificate in Active Directory holds only the certificate from {string}")]
#[when(expr = "{user}'s userCertificate in Active Directory holds only the certificate from {string}")]
fn holds_only(w: &mut MailWorld, user: User, name: String) {
    let pem = String::from_utf8(w.smime.installed(&user, &name).certificate().to_pem().expect("PEM")).expect("PEM is text");
    let authority = w.authority();
    administer(w, authority.publish(&user, vec![pem]));
}

/// The export failed because the template did not let the private key be exported.
#[then("the export is refused because the private key is not exportable")]
fn export_refused(w: &mut MailWorld) {
    match &w.smime.last_export_error {
        Some(SmimeError::KeyNotExportable { .. }) => {}
        Some(e) => panic!("the export failed otherwise: {e}"),
        None => panic!("the export succeeded"),
    }
}

/// The PFX file opens with the password and holds the user's certificate, its private key and the CA's certificate.
#[then(expr = "{string} opens with the password {string} and holds {user}'s certificate from {string}, its key and the CA certificate")]
fn pfx_opens(w: &mut MailWorld, file: String, password: String, user: User, name: String) {
    let pfx = w.smime.files.get(&file).unwrap_or_else(|| panic!("no file {file} was exported"));
    let opened = Identity::from_pfx(pfx, &password).unwrap_or_else(|e| panic!("{file} does not open: {e}"));
    let installed = w.smime.installed(&user, &name);
    assert_eq!(opened.certificate().to_der().ok(), installed.certificate().to_der().ok(), "{file} holds another certificate");
    assert!(opened.key().public_eq(installed.key()), "{file} holds another key");
    let chain: Vec<String> = opened.chain().iter().map(|c| mailconform_smime::identity::subject(c)).collect();
    assert_eq!(chain, [mailconform_fakes::adcs::CA_NAME], "{file} does not carry the certification path");
}

/// The PFX file does not open with that password.
#[then(expr = "{string} does not open with the password {string}")]
fn pfx_refuses(w: &mut MailWorld, file: String, password: String) {
    let pfx = w.smime.files.get(&file).unwrap_or_else(|| panic!("no file {file} was exported"));
    assert_eq!(Identity::from_pfx(pfx, &password).err(), Some(SmimeError::WrongPassword));
}
