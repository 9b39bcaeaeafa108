//! S/MIME in Secure Mail (seed 002): the certificates the user imports from a mailed PFX, the
//! "Enable signing" / "Enable encryption" / "Encrypt by default" settings, signing and
//! encrypting what the user sends, with recipients' encryption certificates looked up over
//! LDAP, and reading signed and encrypted mail.
//!
//! What the seed states and this follows:
//! - a certificate made for one purpose is imported automatically with a notice on iOS; a
//!   certificate for both purposes asks which role it takes (the feature table has no
//!   automatic import on Android, so there every import asks);
//! - the certificates belong to Secure Mail alone;
//! - a message to a recipient without a valid encryption key goes unencrypted, and in a group
//!   message one such recipient is enough for the whole message to go unencrypted;
//! - with S/MIME off, the app does not take messages as MIME, so a signed message's attachments,
//!   which only the MIME carries, do not reach it (ActiveSync's limitation);
//! - "Encrypt by default" on encrypts at compose; off, the lock icon must be tapped.

use super::error::SecureMailError;
use super::SecureMail;
use crate::directory::client::LdapLookup;
use crate::role_error::{Kinded, RoleError};
use mailconform_smime::message::{self, SmimeKind, Trust};
use mailconform_smime::{Identity, Purposes, SmimeError, Use};
use openssl::x509::X509;
use serde::{Deserialize, Serialize};

/// The first Secure Mail with S/MIME as seed 002 describes it, on iOS and on Android
/// ("Secure Mail pour iOS (version minimum 10.8.10) ; Secure Mail pour appareils Android
/// (version minimum 10.8.10)").
pub const MIN_APP_VERSION: &str = "10.8.10";

/// One line of seed 002's required Exchange software: a version (`MajorVersion`,
/// `MinorVersion`), the first build of it that qualifies (`MajorBuildNumber`,
/// `MinorBuildNumber`), and its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RequiredExchange {
    /// `MajorVersion`, `MinorVersion`.
    pub version: (u32, u32),
    /// The first qualifying `MajorBuildNumber`, `MinorBuildNumber`.
    pub first_build: (u32, u32),
    /// The update's name.
    pub name: &'static str,
}

/// The Exchange builds seed 002's required software lists for S/MIME. A later version
/// (Exchange 2019, 15.2) qualifies.
pub const EXCHANGE_REQUIRED: [RequiredExchange; 3] = [
    RequiredExchange { version: (14, 3), first_build: (319, 2), name: "Exchange Server 2010 SP3 Update Rollup 16" },
    RequiredExchange { version: (15, 0), first_build: (1263, 5), name: "Exchange Server 2013 Cumulative Update 15" },
    RequiredExchange { version: (15, 1), first_build: (669, 32), name: "Exchange Server 2016 Cumulative Update 4" },
];

/// Whether an Exchange of this `ServerVersionInfo` is one seed 002's S/MIME set-up is written
/// for: `Ok` with the listed build it reaches (or `None` for a later version), `Err` with the
/// update it lacks, or with the oldest listed when it predates them all.
pub fn exchange_meets_requirements(info: &mailconform_ews::ServerVersionInfo) -> Result<Option<&'static str>, &'static str> {
    let version = (info.major, info.minor);
    let build = (info.major_build, info.minor_build);
    if let Some(r) = EXCHANGE_REQUIRED.iter().find(|r| r.version == version) {
        return if build >= r.first_build { Ok(Some(r.name)) } else { Err(r.name) };
    }
    let newest = EXCHANGE_REQUIRED.iter().map(|r| r.version).max().unwrap_or_default();
    if version > newest {
        Ok(None)
    } else {
        Err(EXCHANGE_REQUIRED[0].name)
    }
}

/// Whether `version` (dotted numbers) is at least `minimum`; a part that is not a number counts as 0.
fn at_least(version: &str, minimum: &str) -> bool {
    let parts = |v: &str| v.split('.').map(|p| p.trim().parse::<u32>().unwrap_or(0)).collect::<Vec<_>>();
    let (v, m) = (parts(version), parts(minimum));
    let width = v.len().max(m.len());
    let pad = |mut x: Vec<u32>| {
        x.resize(width, 0);
        x
    };
    pad(v) >= pad(m)
}

/// The "S/MIME certificate source" policy: where the user's own certificates come from.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CertificateSource {
    /// The MDX shared vault, filled by a digital identity provider's app (iOS).
    SharedVault,
    /// Derived credentials (iOS).
    DerivedCredentials,
    /// Certificates mailed to the user as PFX files.
    #[default]
    Email,
}

/// How the seed's feature table is read where it contradicts its own text. Its row "Prise en
/// charge des informations d'identification dérivées" has no X under iOS nor Android, while the
/// section it points to says Secure Mail supports derived credentials as a certificate source
/// and sends the reader to "Informations d'identification dérivées pour iOS". The default
/// follows the section and its iOS article; [`TableReading::AsPrinted`] takes the empty cells
/// at their word.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TableReading {
    /// Derived credentials on iOS, as the section and its linked article say.
    #[default]
    LinkedArticle,
    /// Derived credentials on no platform, as the table's empty cells say.
    AsPrinted,
}

impl CertificateSource {
    /// Whether Secure Mail on `platform` takes certificates from this source, per the seed's
    /// feature table (read as `reading` says).
    pub fn offered_on(self, platform: super::eas::Platform, reading: TableReading) -> bool {
        use super::eas::Platform;
        match self {
            CertificateSource::Email => true,
            CertificateSource::SharedVault => platform == Platform::Ios,
            CertificateSource::DerivedCredentials => platform == Platform::Ios && reading == TableReading::LinkedArticle,
        }
    }

    /// In words, for notices.
    pub fn words(self) -> &'static str {
        match self {
            CertificateSource::SharedVault => "the shared vault",
            CertificateSource::DerivedCredentials => "derived credentials",
            CertificateSource::Email => "mailed certificates",
        }
    }
}

/// Secure Mail's S/MIME policies, with the defaults the seed gives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SmimePolicies {
    /// "S/MIME certificate source".
    pub certificate_source: CertificateSource,
    /// "Enable S/MIME on first Secure Mail launch" (default off).
    pub enable_on_first_launch: bool,
    /// "LDAP server address": `host:port`.
    pub ldap_server: String,
    /// "LDAP base DN".
    pub ldap_base_dn: String,
    /// "LDAP anonymous access": search without binding as the user.
    pub ldap_anonymous: bool,
    /// Root and intermediate certificates delivered to the device (the credentials policy), PEM.
    pub trusted_roots: Vec<String>,
    /// How the feature table is read where it contradicts its text.
    pub table_reading: TableReading,
}

impl Default for SmimePolicies {
    fn default() -> Self {
        SmimePolicies {
            certificate_source: CertificateSource::Email,
            enable_on_first_launch: false,
            ldap_server: format!("{}:{}", crate::defaults::ADCS_HOST, crate::defaults::LDAP_PORT),
            ldap_base_dn: crate::directory::BASE_DN.into(),
            ldap_anonymous: false,
            trusted_roots: Vec::new(),
            table_reading: TableReading::default(),
        }
    }
}

/// A certificate as the S/MIME settings show it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CertificateInfo {
    /// Subject common name.
    pub subject: String,
    /// Issuer common name.
    pub issuer: String,
    /// What it may be used for.
    pub purposes: Purposes,
}

/// A certificate opened from a PFX that waits for the user to say which role it takes.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingImport {
    /// The file it came from.
    pub file: String,
    /// The certificate.
    pub certificate: CertificateInfo,
}

/// What happened to the last message the user sent.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SentView {
    /// Its subject.
    pub subject: String,
    /// It was signed.
    pub signed: bool,
    /// It was encrypted.
    pub encrypted: bool,
    /// Why it was not encrypted though encryption was asked for.
    pub not_encrypted_because: Option<String>,
}

/// The last message the user opened.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReadView {
    /// Its subject.
    pub subject: String,
    /// It was encrypted, and decrypted.
    pub encrypted: bool,
    /// The signer, when it was signed and the app could read the signature.
    pub signer: Option<String>,
    /// Whether the signature holds (signer trusted, content unchanged); `None` when unsigned.
    pub signature_valid: Option<bool>,
    /// Why the signature does not hold, or why the message could not be opened.
    pub problem: Option<RoleError>,
    /// The text the app shows.
    pub text: String,
    /// The attachments the app shows, by file name.
    pub attachments: Vec<String>,
}

/// The S/MIME part of the app's state.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SmimeView {
    /// S/MIME is on in the app's settings.
    pub enabled: bool,
    /// The signing certificate imported.
    pub signing: Option<CertificateInfo>,
    /// The encryption certificate imported.
    pub encryption: Option<CertificateInfo>,
    /// "Enable signing".
    pub sign_enabled: bool,
    /// "Enable encryption".
    pub encrypt_enabled: bool,
    /// "Encrypt by default".
    pub encrypt_by_default: bool,
    /// Notices the app showed, oldest first.
    pub notices: Vec<String>,
    /// A certificate waiting for the user to choose its role.
    pub pending: Option<PendingImport>,
    /// The app asked the user to import certificates (S/MIME to be on at first launch, and
    /// none in the shared vault).
    pub asked_to_import: bool,
    /// Certificates the MDX shared vault and derived credentials hold for the app, by source.
    pub sources: std::collections::BTreeMap<CertificateSource, Vec<CertificateInfo>>,
    /// The last message sent.
    pub last_sent: Option<SentView>,
    /// The last message opened.
    pub last_read: Option<ReadView>,
}

/// The certificates the app holds, with their keys (they never leave the app).
#[derive(Default)]
pub(crate) struct Keys {
    signing: Option<Identity>,
    encryption: Option<Identity>,
    pending: Option<Identity>,
    /// What a digital identity provider's app put in the MDX shared vault, and the derived
    /// credentials Secure Hub holds.
    sources: std::collections::BTreeMap<CertificateSource, Vec<Identity>>,
}

/// An attachment the user adds to a message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// File name.
    pub name: String,
    /// Its bytes, base64.
    pub content_base64: String,
}

fn info(cert: &X509) -> CertificateInfo {
    CertificateInfo {
        subject: mailconform_smime::identity::subject(cert),
        issuer: mailconform_smime::identity::issuer(cert),
        purposes: mailconform_smime::identity::purposes(cert),
    }
}

impl SecureMail {
    fn smime_state<T>(&self, f: impl FnOnce(&mut SmimeView) -> T) -> T {
        f(&mut self.state.lock().expect("state poisoned").smime)
    }

    fn trust(&self) -> Trust {
        Trust::new(self.config.smime.trusted_roots.iter().filter_map(|p| X509::from_pem(p.as_bytes()).ok()).collect()).at(self
            .env
            .clock
            .unix_secs()
            as i64)
    }

    /// The whole message (MIME) of the Inbox item with `subject`, fetched as the app does to
    /// open an attachment.
    async fn message_mime(&self, subject: &str) -> Result<Vec<u8>, SecureMailError> {
        let (c, inbox, item) = self.inbox_item(subject)?;
        let fetched = c.fetch_with(&inbox, &item.server_id, 4).await?;
        Ok(fetched.body().unwrap_or_default().as_bytes().to_vec())
    }

    /// Fails unless the app's version has S/MIME.
    fn smime_available(&self) -> Result<(), SecureMailError> {
        match at_least(&self.config.app_version, MIN_APP_VERSION) {
            true => Ok(()),
            false => Err(SecureMailError::SmimeNeedsNewerApp { version: self.config.app_version.clone(), minimum: MIN_APP_VERSION }),
        }
    }

    /// The user taps the PFX attached to the message with `subject` and types its password:
    /// a single-purpose certificate is imported at once with a notice on iOS; otherwise the app
    /// asks which role it takes ([`Self::smime_choose`]).
    pub(crate) async fn smime_import(&self, subject: &str, file: &str, password: &str) -> Result<(), SecureMailError> {
        self.smime_available()?;
        let mime = self.message_mime(subject).await?;
        let parsed =
            mail_parser::MessageParser::default().parse(&mime).ok_or_else(|| SecureMailError::NoSuchMessage { subject: subject.into() })?;
        use mail_parser::MimeHeaders;
        let pfx = parsed
            .attachments()
            .find(|a| a.attachment_name() == Some(file))
            .map(|a| a.contents().to_vec())
            .ok_or_else(|| SecureMailError::NoAttachment { subject: subject.into(), file: file.into() })?;
        let id = Identity::from_pfx(&pfx, password)?;
        let cert = info(id.certificate());
        let single = id.purposes().single();
        match (single, self.config.platform) {
            (Some(u), super::eas::Platform::Ios) => {
                self.keep(u, id);
                self.smime_state(|s| s.notices.push(format!("Certificate imported for {u}: {}", cert.subject)));
                self.log(format!("S/MIME: {file} imported for {u}"));
            }
            _ => {
                self.keys.lock().expect("keys poisoned").pending = Some(id);
                self.smime_state(|s| s.pending = Some(PendingImport { file: file.into(), certificate: cert }));
                self.log(format!("S/MIME: {file} opened; asking which role it takes"));
            }
        }
        Ok(())
    }

    fn keep(&self, u: Use, id: Identity) {
        let cert = info(id.certificate());
        let mut keys = self.keys.lock().expect("keys poisoned");
        match u {
            Use::Signing => keys.signing = Some(id),
            Use::Encryption => keys.encryption = Some(id),
        }
        drop(keys);
        self.smime_state(|s| match u {
            Use::Signing => s.signing = Some(cert),
            Use::Encryption => s.encryption = Some(cert),
        });
    }

    /// A certificate with its key lands in a source on the phone: a digital identity
    /// provider's app (wrapped with the MDX Toolkit, seed 002) puts it in the MDX shared vault,
    /// which only MDX apps reach, or Secure Hub holds it as a derived credential.
    pub(crate) fn source_deposit(&self, source: CertificateSource, pfx: &[u8], password: &str) -> Result<(), SecureMailError> {
        let id = Identity::from_pfx(pfx, password)?;
        let cert = info(id.certificate());
        self.keys.lock().expect("keys poisoned").sources.entry(source).or_default().push(id);
        self.smime_state(|s| s.sources.entry(source).or_default().push(cert));
        Ok(())
    }

    /// At the first launch, with the "S/MIME certificate source" policy on the shared vault
    /// (or derived credentials) and "Enable S/MIME on first Secure Mail launch" on: S/MIME is
    /// turned on with the source's certificates, or, when it holds none, the user is asked to
    /// import some. With the policy off (the default), S/MIME stays off until the user turns it
    /// on. A source the feature table does not give the phone's platform yields nothing.
    pub(crate) fn smime_first_launch(&self) {
        let p = &self.config.smime;
        let source = p.certificate_source;
        if source == CertificateSource::Email || !p.enable_on_first_launch || self.smime_available().is_err() {
            return;
        }
        if !source.offered_on(self.config.platform, p.table_reading) {
            self.log(format!("S/MIME: {} is not a certificate source on {:?}", source.words(), self.config.platform));
            return;
        }
        let held = self.keys.lock().expect("keys poisoned").sources.get(&source).cloned().unwrap_or_default();
        if held.is_empty() {
            self.smime_state(|s| {
                s.asked_to_import = true;
                s.notices.push(format!("No certificate in {}: import your S/MIME certificates", source.words()));
            });
            return;
        }
        for id in held {
            let purposes = id.purposes();
            for u in Use::ALL.into_iter().filter(|u| purposes.allows(*u)) {
                self.keep(u, id.clone());
            }
        }
        let (sign, encrypt) = {
            let keys = self.keys.lock().expect("keys poisoned");
            (keys.signing.is_some(), keys.encryption.is_some())
        };
        self.smime_state(|s| {
            s.enabled = true;
            s.sign_enabled = sign;
            s.encrypt_enabled = encrypt;
            s.notices.push(format!("S/MIME turned on with the certificates of {}", source.words()));
        });
        self.eas_client().set_mime(true);
    }

    /// The user picks the role of the certificate the app asked about.
    pub(crate) fn smime_choose(&self, u: Use) -> Result<(), SecureMailError> {
        let id = self.keys.lock().expect("keys poisoned").pending.take().ok_or(SecureMailError::NoPendingCertificate)?;
        id.for_use(u)?;
        self.keep(u, id);
        self.smime_state(|s| s.pending = None);
        Ok(())
    }

    /// The user turns S/MIME, signing, encryption and "Encrypt by default" on or off in the
    /// settings; signing and encryption each need their certificate.
    pub(crate) async fn smime_settings(&self, s: &super::contract::SmimeSettings) -> Result<(), SecureMailError> {
        if s.enabled {
            self.smime_available()?;
        }
        let keys = self.keys.lock().expect("keys poisoned");
        if s.sign && keys.signing.is_none() {
            return Err(SecureMailError::NoCertificate { needed: Use::Signing });
        }
        if s.encrypt && keys.encryption.is_none() {
            return Err(SecureMailError::NoCertificate { needed: Use::Encryption });
        }
        drop(keys);
        self.smime_state(|v| {
            v.enabled = s.enabled;
            v.sign_enabled = s.sign;
            v.encrypt_enabled = s.encrypt;
            v.encrypt_by_default = s.encrypt_by_default;
        });
        self.eas_client().set_mime(s.enabled);
        Ok(())
    }

    /// The recipients' encryption certificates from the directory: each must have a current
    /// one that allows encryption, or the reason the message cannot be encrypted.
    async fn recipients_certificates(&self, to: &[String]) -> Result<Result<Vec<X509>, String>, SecureMailError> {
        let bind = (!self.config.smime.ldap_anonymous).then(|| (self.config.email.clone(), self.config.password.clone()));
        let smime = &self.config.smime;
        let lookup = LdapLookup::at(self.env.http.clone(), &smime.ldap_server, &smime.ldap_base_dn, bind, self.env.clock.clone());
        let now = openssl::asn1::Asn1Time::from_unix(self.env.clock.unix_secs() as i64)
            .map_err(|e| SecureMailError::Smime(SmimeError::Crypto { doing: "read the clock", reason: e.to_string() }))?;
        let mut certs = Vec::new();
        for rcpt in to {
            let found = lookup.user_certificates(rcpt).await?;
            let usable =
                found.into_iter().find(|c| mailconform_smime::identity::usable_for(c, Use::Encryption).is_ok() && c.not_after() >= now);
            match usable {
                Some(c) => certs.push(c),
                None => return Ok(Err(format!("{rcpt} has no valid encryption certificate in the directory"))),
            }
        }
        Ok(Ok(certs))
    }

    /// Sends a message as the user composed it: signed when signing is on, encrypted when the
    /// lock is closed (`lock`, else "Encrypt by default") and every recipient has a valid
    /// encryption certificate; otherwise as it is.
    pub(crate) async fn smime_send(&self, m: &super::contract::EasSend) -> Result<(), SecureMailError> {
        let view = self.smime_state(|s| s.clone());
        let sign = view.enabled && view.sign_enabled;
        let encrypt_asked = view.enabled && view.encrypt_enabled && m.lock.unwrap_or(view.encrypt_by_default);
        let recipients: Vec<String> = m.to.split(',').map(|a| a.trim().to_string()).filter(|a| !a.is_empty()).collect();
        let mut entity = compose(&m.body, &m.attachments)?;
        if sign {
            let id =
                self.keys.lock().expect("keys poisoned").signing.clone().ok_or(SecureMailError::NoCertificate { needed: Use::Signing })?;
            entity = message::sign(&entity, &id)?;
        }
        let mut not_encrypted_because = None;
        if encrypt_asked {
            match self.recipients_certificates(&recipients).await? {
                Ok(mut certs) => {
                    // The sender's own certificate too, so that Sent Items opens.
                    if let Some(own) = self.keys.lock().expect("keys poisoned").encryption.as_ref() {
                        certs.push(own.certificate().clone());
                    }
                    entity = message::encrypt(&entity, &certs)?;
                }
                Err(why) => not_encrypted_because = Some(why),
            }
        }
        let encrypted = encrypt_asked && not_encrypted_because.is_none();
        let mut mime = format!("From: {}\r\nTo: {}\r\nSubject: {}\r\n", self.config.email, recipients.join(", "), m.subject).into_bytes();
        if !entity.starts_with(b"MIME-Version") {
            mime.extend_from_slice(b"MIME-Version: 1.0\r\n");
        }
        mime.extend_from_slice(&entity);
        self.eas_client().send_mail(&mime).await?;
        self.smime_state(|s| {
            s.last_sent =
                Some(SentView { subject: m.subject.clone(), signed: sign, encrypted, not_encrypted_because: not_encrypted_because.clone() })
        });
        Ok(())
    }

    /// The user opens the Inbox message with `subject`: with S/MIE on, the app has it as MIME
    /// and decrypts and verifies it; with S/MIME off, it has what the server gives without MIME.
    pub(crate) async fn smime_read(&self, subject: &str) -> Result<(), SecureMailError> {
        let enabled = self.smime_state(|s| s.enabled);
        let (c, inbox, item) = self.inbox_item(subject)?;
        let mut view = ReadView { subject: subject.into(), ..ReadView::default() };
        if !enabled {
            let fetched = c.fetch_with(&inbox, &item.server_id, 1).await?;
            view.text = fetched.body().unwrap_or_default().trim().to_string();
            view.attachments = fetched.attachment_names().into_iter().map(str::to_string).collect();
            self.smime_state(|s| s.last_read = Some(view));
            return Ok(());
        }
        let mime = c.fetch_with(&inbox, &item.server_id, 4).await?.body().unwrap_or_default().as_bytes().to_vec();
        let content = match message::kind(&mime) {
            SmimeKind::Plain => mime,
            _ => {
                let reader = self.keys.lock().expect("keys poisoned").encryption.clone();
                match message::open(&mime, reader.as_ref(), &self.trust()) {
                    Ok(opened) => {
                        view.encrypted = opened.encrypted;
                        if let Some(sig) = opened.signature {
                            view.signer = Some(sig.signer);
                            view.signature_valid = Some(sig.verdict.is_ok());
                            view.problem = sig.verdict.err().map(|e| SecureMailError::Smime(e).published());
                        }
                        opened.content
                    }
                    Err(e) => {
                        view.problem = Some(SecureMailError::Smime(e).published());
                        self.smime_state(|s| s.last_read = Some(view));
                        return Ok(());
                    }
                }
            }
        };
        if let Some(parsed) = mail_parser::MessageParser::default().parse(&content) {
            use mail_parser::MimeHeaders;
            view.text = parsed.body_text(0).map(|t| t.trim().to_string()).unwrap_or_default();
            view.attachments = parsed.attachments().filter_map(|a| a.attachment_name().map(str::to_string)).collect();
        }
        self.smime_state(|s| s.last_read = Some(view));
        Ok(())
    }
}

/// What the seed's user does from Outlook Web Access ("Envoi des certificats par courrier
/// électronique"): one message from `from`'s mailbox (signed in as `login`) to `to`, the PKCS#12
/// `files` attached, sent by ActiveSync SendMail at `eas_url`.
pub async fn mail_certificates(
    http: mailconform_sim::HttpClient,
    eas_url: &str,
    (login, password): (&str, &str),
    from: &str,
    to: &str,
    subject: &str,
    files: &[(String, Vec<u8>)],
) -> Result<(), mailconform_activesync::EasError> {
    let mut message = mail_builder::MessageBuilder::new()
        .from(from.to_string())
        .to(to.to_string())
        .subject(subject.to_string())
        .text_body("Your S/MIME certificates are attached; the password comes separately.");
    for (name, bytes) in files {
        message = message.attachment("application/x-pkcs12", name.clone(), bytes.clone());
    }
    let mime = message.write_to_vec().map_err(|e| mailconform_activesync::EasError::Protocol {
        command: mailconform_activesync::Command::SendMail,
        reason: format!("the message cannot be written: {e}"),
    })?;
    let client = mailconform_activesync::EasClient::new(
        http,
        eas_url,
        login,
        password,
        "OWAWEBMAIL",
        "WebBrowser",
        mailconform_activesync::ProtocolVersion::V14_1,
    );
    client.provision().await?;
    client.send_mail(&mime).await
}

/// The MIME entity of a message's content: its text, and its attachments in a
/// `multipart/mixed` when it has any (CRLF line ends, as S/MIME signs them).
fn compose(text: &str, attachments: &[Attachment]) -> Result<Vec<u8>, SecureMailError> {
    use base64::Engine;
    use mail_builder::mime::MimePart;
    let body = MimePart::new("text/plain", text.to_string());
    let entity = if attachments.is_empty() {
        body
    } else {
        let mut parts = vec![body];
        for a in attachments {
            let bytes = base64::engine::general_purpose::STANDARD
                .decode(&a.content_base64)
                .map_err(|e| SecureMailError::BadAttachment { name: a.name.clone(), reason: e.to_string() })?;
            parts.push(MimePart::new("application/octet-stream", bytes).attachment(a.name.clone()));
        }
        MimePart::new("multipart/mixed", parts)
    };
    let mut out = Vec::new();
    entity.write_part(&mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_compare_part_by_part() {
        assert!(at_least("10.8.10", MIN_APP_VERSION));
        assert!(at_least("10.9", MIN_APP_VERSION));
        assert!(at_least("23.4.0", MIN_APP_VERSION));
        assert!(!at_least("10.8.9", MIN_APP_VERSION), "9 < 10, not '9' > '1'");
        assert!(!at_least("10.8", MIN_APP_VERSION));
        assert!(at_least("10.8.10.1", MIN_APP_VERSION));
    }

    fn build(major: u32, minor: u32, major_build: u32, minor_build: u32) -> mailconform_ews::ServerVersionInfo {
        mailconform_ews::ServerVersionInfo { major, minor, major_build, minor_build, version: String::new() }
    }

    #[test]
    fn exchange_builds_are_held_to_the_listed_update_of_their_version() {
        assert_eq!(exchange_meets_requirements(&build(14, 3, 319, 2)), Ok(Some("Exchange Server 2010 SP3 Update Rollup 16")));
        assert_eq!(exchange_meets_requirements(&build(14, 3, 301, 0)), Err("Exchange Server 2010 SP3 Update Rollup 16"));
        assert_eq!(exchange_meets_requirements(&build(15, 0, 1263, 4)), Err("Exchange Server 2013 Cumulative Update 15"));
        assert_eq!(exchange_meets_requirements(&build(15, 0, 1365, 1)), Ok(Some("Exchange Server 2013 Cumulative Update 15")));
        assert_eq!(exchange_meets_requirements(&build(15, 1, 544, 27)), Err("Exchange Server 2016 Cumulative Update 4"));
        assert_eq!(exchange_meets_requirements(&build(15, 2, 221, 12)), Ok(None), "Exchange 2019 is later than every listed one");
        assert_eq!(exchange_meets_requirements(&build(14, 2, 247, 5)), Err("Exchange Server 2010 SP3 Update Rollup 16"), "2010 SP2");
        assert_eq!(exchange_meets_requirements(&build(8, 3, 83, 6)), Err("Exchange Server 2010 SP3 Update Rollup 16"), "2007 SP1");
    }
}
