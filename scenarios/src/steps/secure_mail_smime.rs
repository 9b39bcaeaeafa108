//! S/MIME in Secure Mail (seed 002): the PFX files mailed to the user, imported with their
//! password, the S/MIME settings, sending signed and encrypted mail with recipients'
//! certificates from the directory, and opening what arrives. Through the device's control API;
//! the mail travels over ActiveSync and the directory answers over LDAP.

use super::device;
use crate::params::{CertSource, CertUse, OnOff, SentForm, SmimeRefusal, SmimeSwitches, User};
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::adcs::EnrollmentClient;
use mailconform_fakes::defaults;
use mailconform_fakes::securemail::contract::{DeviceStateView, EasSend, SmimeSettings};
use mailconform_fakes::securemail::smime::{Attachment, CertificateSource, SmimeView, TableReading};
use mailconform_fakes::securemail::DeviceControl;
use mailconform_smime::Use;

fn phone(w: &mut MailWorld, user: &User) -> DeviceControl {
    device::phone(w, user)
}

fn smime(w: &mut MailWorld, user: &User) -> SmimeView {
    device::state(w, user).smime
}

/// Runs a device action and returns the state it answered, failing the step on a transport error.
fn act(w: &mut MailWorld, f: impl std::future::Future<Output = Result<DeviceStateView, mailconform_sim::ControlError>>) -> DeviceStateView {
    w.run(f).expect("device control API answers")
}

/// Secure Mail trusts the domain's CA: its root, fetched from the enrollment site, is delivered to the device by the credentials policy.
#[given(expr = "{user}'s Secure Mail trusts the domain's CA")]
fn trusts_ca(w: &mut MailWorld, user: User) {
    let (login, password) = user.builtin_login();
    let client = EnrollmentClient::new(w.sim_ref().client(), &format!("https://{}/certsrv", defaults::ADCS_HOST), login, password);
    let root = w.run(client.ca_certificate()).expect("the enrollment site gives its CA certificate");
    let pem = String::from_utf8(root.to_pem().expect("PEM")).expect("PEM is text");
    w.device_plan(&user).smime.trusted_roots.push(pem);
}

/// The MDX policy "LDAP anonymous access": searched without binding (ON) or as the user (OFF, the default).
#[given(expr = "{user}'s Secure Mail has the LDAP anonymous access policy {on_off}")]
fn ldap_anonymous(w: &mut MailWorld, user: User, on: OnOff) {
    w.device_plan(&user).smime.ldap_anonymous = on.is_on();
}

/// An administrator lets the directory answer searches without a bind (Active Directory refuses them by default).
#[given("the directory allows anonymous searches")]
fn directory_anonymous(w: &mut MailWorld) {
    let authority = w.authority();
    super::adcs::administer(w, authority.allow_anonymous_search());
}

/// The "S/MIME certificate source" policy: the MDX shared vault (which a digital identity provider's app fills) or derived credentials.
#[given(expr = "{user}'s Secure Mail takes its S\\/MIME certificates from {cert_source}")]
fn from_source(w: &mut MailWorld, user: User, source: CertSource) {
    w.device_plan(&user).smime.certificate_source = source.0;
}

/// Secure Mail reads the seed's feature table as printed: its empty derived-credentials cells mean no platform (the default follows the section's text and its iOS article).
#[given(expr = "{user}'s Secure Mail reads the seed's feature table as printed")]
fn table_as_printed(w: &mut MailWorld, user: User) {
    w.device_plan(&user).smime.table_reading = TableReading::AsPrinted;
}

/// The policy "Enable S/MIME on first Secure Mail launch" (OFF by default).
#[given(expr = "{user}'s Secure Mail has the policy Enable S\\/MIME on first launch {on_off}")]
fn enable_on_first_launch(w: &mut MailWorld, user: User, on: OnOff) {
    w.device_plan(&user).smime.enable_on_first_launch = on.is_on();
}

/// The user's certificate (here from the template) lands with its key in the source on the user's phone.
fn deposit(w: &mut MailWorld, user: &User, template: &str, source: CertificateSource) {
    super::adcs::enroll(w, user, template, mailconform_smime::authority::MIN_KEY_BITS);
    let pfx = w.smime.installed(user, template).to_pfx("deposit", template).expect("the source's key is exportable");
    let d = phone(w, user);
    let s = act(w, d.source_deposit(source, &pfx, "deposit"));
    assert!(s.error.is_none(), "{} refused the certificate: {:?}", source.words(), s.error);
}

/// The identity provider's app gets the user's certificate (here from the template) and puts it, with its key, in the MDX shared vault on the user's phone.
#[given(expr = "the identity provider app puts {user}'s certificate from {string} in the shared vault")]
fn vault_put(w: &mut MailWorld, user: User, template: String) {
    deposit(w, &user, &template, CertificateSource::SharedVault);
}

/// Secure Hub holds the user's certificate (here from the template) as a derived credential.
#[given(expr = "Secure Hub holds {user}'s certificate from {string} as a derived credential")]
fn derived_put(w: &mut MailWorld, user: User, template: String) {
    deposit(w, &user, &template, CertificateSource::DerivedCredentials);
}

/// At its first launch Secure Mail turned S/MIME on with the certificates of the source, signing and encryption on.
#[then(expr = "{user}'s Secure Mail turned S\\/MIME on with the certificates of {cert_source} for signing and encryption")]
fn on_from_source(w: &mut MailWorld, user: User, source: CertSource) {
    let s = smime(w, &user);
    assert!(s.notices.iter().any(|n| n.ends_with(source.0.words())), "no notice names {}: {:?}", source.0.words(), s.notices);
    assert!(
        s.enabled && s.sign_enabled && s.encrypt_enabled,
        "S/MIME is not on with both (enabled {}, notices {:?})",
        s.enabled,
        s.notices
    );
    assert!(s.signing.is_some() && s.encryption.is_some(), "the vault's certificates were not taken");
}

/// Secure Mail asked the user to import certificates, S/MIME still off.
#[then(expr = "{user}'s Secure Mail asks the user to import certificates")]
fn asked_to_import(w: &mut MailWorld, user: User) {
    let s = smime(w, &user);
    assert!(s.asked_to_import, "the user was not asked (notices {:?})", s.notices);
    assert!(!s.enabled, "S/MIME was turned on without certificates");
}

/// S/MIME is off in Secure Mail: the user has to turn it on in the settings.
#[then(expr = "{user}'s Secure Mail leaves S\\/MIME off")]
fn left_off(w: &mut MailWorld, user: User) {
    let s = smime(w, &user);
    assert!(!s.enabled && s.signing.is_none() && s.encryption.is_none(), "S/MIME was turned on (notices {:?})", s.notices);
}

/// The user mails the exported files (comma-separated) from their mailbox, as the seed does from Outlook Web Access: one message, one attachment per file.
#[when(expr = "{user} mails {string} to {user} with the subject {string}")]
fn mails_files(w: &mut MailWorld, from: User, files: String, to: User, subject: String) {
    let attachments: Vec<(String, Vec<u8>)> = files
        .split(',')
        .map(|f| f.trim().to_string())
        .map(|f| {
            let bytes = w.smime.files.get(&f).cloned().unwrap_or_else(|| panic!("no file {f} was exported"));
            (f, bytes)
        })
        .collect();
    crate::world::smime::mail_attachments(w, &from, &to.email(), &subject, &attachments);
}

/// The user opens the message in Secure Mail, taps the PFX attached and types the password.
#[when(expr = "{user} imports {string} from {string} in Secure Mail with the password {string}")]
fn imports(w: &mut MailWorld, user: User, file: String, subject: String, password: String) {
    let d = phone(w, &user);
    let synced = act(w, d.eas_connect());
    assert!(synced.eas.synced, "{user}'s Secure Mail did not sync: {:?}", synced.eas.error);
    let s = act(w, d.smime_import(&subject, &file, &password));
    w.smime.last_device_error = s.error;
}

/// Secure Mail imported the certificate for that use by itself and told the user so.
#[then(expr = "{user}'s Secure Mail imported the certificate for {cert_use} on its own and said so")]
fn imported_on_its_own(w: &mut MailWorld, user: User, u: CertUse) {
    assert_eq!(w.smime.last_device_error, None, "the import failed");
    let s = smime(w, &user);
    assert!(s.pending.is_none(), "Secure Mail asked which role the certificate takes");
    let held = match u.0 {
        mailconform_smime::Use::Signing => &s.signing,
        mailconform_smime::Use::Encryption => &s.encryption,
    };
    assert!(held.is_some(), "no certificate for {} was imported", u.0);
    assert!(s.notices.iter().any(|n| n.contains(&format!("for {}", u.0))), "no notice told the user: {:?}", s.notices);
}

/// Secure Mail opened the certificate and asks the user which role it takes, importing nothing yet.
#[then(expr = "{user}'s Secure Mail asks which role the certificate takes")]
fn asks_role(w: &mut MailWorld, user: User) {
    assert_eq!(w.smime.last_device_error, None, "the import failed");
    let s = smime(w, &user);
    assert!(s.pending.is_some(), "Secure Mail did not ask (signing: {:?}, encryption: {:?})", s.signing, s.encryption);
    assert!(s.signing.is_none() && s.encryption.is_none(), "Secure Mail imported without asking");
}

/// The user answers the question with a role, and Secure Mail keeps the certificate for it.
#[when(expr = "{user} chooses {cert_use} for the certificate")]
fn chooses(w: &mut MailWorld, user: User, u: CertUse) {
    let d = phone(w, &user);
    let s = act(w, d.smime_choose(u.0));
    assert!(s.error.is_none(), "choosing failed: {:?}", s.error);
    let held = match u.0 {
        mailconform_smime::Use::Signing => s.smime.signing.is_some(),
        mailconform_smime::Use::Encryption => s.smime.encryption.is_some(),
    };
    assert!(held, "the certificate was not kept for {}", u.0);
}

/// Secure Mail refused the file or the message, with the error of that reason.
#[then(expr = "{user}'s Secure Mail refuses it because {smime_refusal}")]
fn refuses(w: &mut MailWorld, user: User, why: SmimeRefusal) {
    let problem = w.smime.last_device_error.clone().or_else(|| smime(w, &user).last_read.and_then(|r| r.problem));
    let problem = problem.unwrap_or_else(|| panic!("{user}'s Secure Mail refused nothing"));
    assert_eq!(problem.kind, why.0, "refused for another reason: {}", problem.message);
}

/// The version of Secure Mail on the user's phone.
#[given(expr = "{user}'s Secure Mail is version {string}")]
fn app_version(w: &mut MailWorld, user: User, version: String) {
    w.device_plan(&user).app_version = version;
}

/// Secure Mail's settings show S/MIME on, with exactly these features.
#[then(expr = "{user}'s Secure Mail has S\\/MIME on with {smime_settings}")]
fn has_on(w: &mut MailWorld, user: User, on: SmimeSwitches) {
    let s = smime(w, &user);
    assert!(s.enabled, "S/MIME is off");
    assert_eq!((s.sign_enabled, s.encrypt_enabled, s.encrypt_by_default), (on.sign, on.encrypt, on.encrypt_by_default), "other settings");
}

/// The user turns S/MIME on in Secure Mail's settings with these features.
#[when(expr = "{user} turns on S\\/MIME with {smime_settings}")]
fn turns_on(w: &mut MailWorld, user: User, on: SmimeSwitches) {
    let d = phone(w, &user);
    let settings = SmimeSettings { enabled: true, sign: on.sign, encrypt: on.encrypt, encrypt_by_default: on.encrypt_by_default };
    let s = act(w, d.smime_settings(&settings));
    assert!(s.error.is_none(), "S/MIME could not be turned on: {:?}", s.error);
}

/// Everything the seed's user does once the two templates are issued: request both certificates, export them as PFX, mail them, import them in Secure Mail and turn S/MIME on with these features.
#[given(expr = "{user} has imported signing and encryption certificates into Secure Mail and turned on S\\/MIME with {smime_settings}")]
fn fully_set_up(w: &mut MailWorld, user: User, on: SmimeSwitches) {
    let mut files = Vec::new();
    for (template, kind, role) in [("SecureMailSigning", "sign", Use::Signing), ("SecureMailEncryption", "enc", Use::Encryption)] {
        super::adcs::request_and_export(w, &user, template, &format!("{user}-{kind}.pfx"), "Pfx-2026!");
        files.push((format!("{user}-{kind}.pfx"), role));
    }
    let subject = format!("{user}'s certificates");
    let names: Vec<&str> = files.iter().map(|(f, _)| f.as_str()).collect();
    mails_files(w, user.clone(), names.join(", "), user.clone(), subject.clone());
    for (f, role) in files {
        imports(w, user.clone(), f, subject.clone(), "Pfx-2026!".into());
        assert_eq!(w.smime.last_device_error, None, "the import failed");
        // Where Secure Mail asks (Android), the user gives the role the file was made for.
        if smime(w, &user).pending.is_some() {
            chooses(w, user.clone(), CertUse(role));
        }
    }
    turns_on(w, user, on);
}

/// The MDX policy "LDAP server address": `host:port`, `ldap://host` or `ldaps://host` (LDAPS).
#[given(expr = "{user}'s Secure Mail has the LDAP server address {string}")]
fn ldap_server(w: &mut MailWorld, user: User, address: String) {
    w.device_plan(&user).smime.ldap_server = address;
}

/// The MDX policy "LDAP base DN" (the directory's own by default).
#[given(expr = "{user}'s Secure Mail has the LDAP base DN {string}")]
fn ldap_base_dn(w: &mut MailWorld, user: User, dn: String) {
    w.device_plan(&user).smime.ldap_base_dn = dn;
}

/// The user sends with the lock closed; whether Secure Mail manages is for the next step to say.
#[when(expr = "{user} tries to send {string} to {string} from Secure Mail with the lock closed")]
fn tries_locked(w: &mut MailWorld, user: User, subject: String, to: String) {
    let s = compose_and_send(w, &user, &subject, &to, Some(true), None);
    w.smime.last_device_error = s.error;
}

fn send(w: &mut MailWorld, user: &User, subject: &str, to: &str, lock: Option<bool>, attachment: Option<&str>) {
    let s = compose_and_send(w, user, subject, to, lock, attachment);
    assert!(s.error.is_none(), "sending failed: {:?}", s.error);
}

fn compose_and_send(
    w: &mut MailWorld,
    user: &User,
    subject: &str,
    to: &str,
    lock: Option<bool>,
    attachment: Option<&str>,
) -> DeviceStateView {
    let d = phone(w, user);
    let attachments = attachment
        .map(|name| {
            use base64::Engine;
            vec![Attachment {
                name: name.into(),
                content_base64: base64::engine::general_purpose::STANDARD.encode(b"%PDF-1.7 quarterly numbers"),
            }]
        })
        .unwrap_or_default();
    let message = EasSend { to: to.into(), subject: subject.into(), body: format!("{subject}: see inside."), lock, attachments };
    act(w, d.send(&message))
}

/// The user writes a message to the recipients (comma-separated) and sends it as composed.
#[when(expr = "{user} sends {string} to {string} from Secure Mail")]
fn sends(w: &mut MailWorld, user: User, subject: String, to: String) {
    send(w, &user, &subject, &to, None, None);
}

/// The user taps the lock icon before sending: the message is to be encrypted.
#[when(expr = "{user} sends {string} to {string} from Secure Mail with the lock closed")]
fn sends_locked(w: &mut MailWorld, user: User, subject: String, to: String) {
    send(w, &user, &subject, &to, Some(true), None);
}

/// The user sends a message with a file attached.
#[when(expr = "{user} sends {string} with the attachment {string} to {string} from Secure Mail")]
fn sends_attachment(w: &mut MailWorld, user: User, subject: String, file: String, to: String) {
    send(w, &user, &subject, &to, None, Some(&file));
}

/// How the last message the user sent left Secure Mail.
#[then(expr = "{user}'s message {string} left {sent_form}")]
fn left_as(w: &mut MailWorld, user: User, subject: String, form: SentForm) {
    let sent = smime(w, &user).last_sent.unwrap_or_else(|| panic!("{user} sent nothing with S/MIME"));
    assert_eq!(sent.subject, subject, "the last message sent is another one");
    assert_eq!((sent.signed, sent.encrypted), (form.signed, form.encrypted), "it left otherwise ({:?})", sent.not_encrypted_because);
}

/// The user opens the message in Secure Mail (after syncing).
#[when(expr = "{user} opens {string} in Secure Mail")]
fn opens(w: &mut MailWorld, user: User, subject: String) {
    let d = phone(w, &user);
    let synced = act(w, d.eas_connect());
    assert!(synced.eas.synced, "{user}'s Secure Mail did not sync: {:?}", synced.eas.error);
    let s = act(w, d.smime_read(&subject));
    w.smime.last_device_error = s.error;
}

/// Secure Mail decrypted the message and shows its text.
#[then(expr = "{user}'s Secure Mail shows {string} decrypted")]
fn shows_decrypted(w: &mut MailWorld, user: User, subject: String) {
    let read = last_read(w, &user, &subject);
    assert!(read.encrypted, "it was not encrypted (problem: {:?})", read.problem);
    assert!(read.text.contains("see inside"), "its text is not shown: {:?}", read.text);
}

/// Secure Mail shows the message as it came, not encrypted.
#[then(expr = "{user}'s Secure Mail shows {string} unencrypted")]
fn shows_plain(w: &mut MailWorld, user: User, subject: String) {
    let read = last_read(w, &user, &subject);
    assert!(!read.encrypted, "it was encrypted");
    assert!(read.text.contains("see inside"), "its text is not shown: {:?}", read.text);
}

/// Secure Mail checked the signature and shows it valid, by the signer.
#[then(expr = "{user}'s Secure Mail shows a valid signature by {string} on {string}")]
fn valid_signature(w: &mut MailWorld, user: User, signer: String, subject: String) {
    let read = last_read(w, &user, &subject);
    assert_eq!(read.signer.as_deref(), Some(signer.as_str()), "signed by someone else, or not at all");
    assert_eq!(read.signature_valid, Some(true), "the signature does not hold: {:?}", read.problem);
}

/// Secure Mail shows the message's signature as not valid.
#[then(expr = "{user}'s Secure Mail shows the signature on {string} as not valid")]
fn invalid_signature(w: &mut MailWorld, user: User, subject: String) {
    let read = last_read(w, &user, &subject);
    assert_eq!(read.signature_valid, Some(false), "the signature holds, or there is none");
}

/// Secure Mail shows the message with that attachment.
#[then(expr = "{user}'s Secure Mail shows {string} with the attachment {string}")]
fn with_attachment(w: &mut MailWorld, user: User, subject: String, file: String) {
    let read = last_read(w, &user, &subject);
    assert!(read.attachments.contains(&file), "attachments shown: {:?}", read.attachments);
}

/// Secure Mail shows the message without any attachment.
#[then(expr = "{user}'s Secure Mail shows {string} without its attachment")]
fn without_attachment(w: &mut MailWorld, user: User, subject: String) {
    let read = last_read(w, &user, &subject);
    assert!(read.attachments.is_empty(), "attachments shown: {:?}", read.attachments);
}

fn last_read(w: &mut MailWorld, user: &User, subject: &str) -> mailconform_fakes::securemail::smime::ReadView {
    assert_eq!(w.smime.last_device_error, None, "opening failed");
    let read = smime(w, user).last_read.unwrap_or_else(|| panic!("{user} opened nothing"));
    assert_eq!(read.subject, subject, "the last message opened is another one");
    read
}
