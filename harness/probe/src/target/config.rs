//! The target configuration: which roles are real components, where they answer, whom to
//! trust and which mailboxes sign in. Read from TOML:
//!
//! ```toml
//! [target."exchange.eas"]
//! url = "https://mail.example.com/Microsoft-Server-ActiveSync"
//! ca = "corp-ca.pem"            # or: insecure = true; neither: the system's trust store
//! versions = ["14.1"]           # used when the server does not list its versions (OPTIONS)
//! claims = ["should"]           # requirements it means to meet beyond the required ones:
//!                               # should, may, version-dependent, product-behavior
//!
//! [[target."exchange.eas".mailbox]]
//! user = "alice"
//! login = "alice@example.com"   # what is sent; default: user
//! password_env = "ALICE_PASSWORD"   # or: password = "..."
//!
//! [target."exchange.eas".adapter]
//! deliver_mail = "doveadm save -u {user} -m INBOX"   # the RFC 5322 message on stdin
//! # or, without a shell on the server: send it by ActiveSync SendMail (EWS CreateItem for
//! # an EWS target) from another mailbox
//! # send_mail_from = "bob"
//!
//! [target."listener.us-east-1"] # the listener service of a region
//! url = "https://listener.corp.example"
//! ca = "corp-ca.pem"
//! # names it hands out (its notification URLs) that this machine's DNS does not resolve:
//! resolve = ["push.corp.example:443=10.0.0.5:8443"]
//!
//! [target.seg]                   # a SEG V2, configured by its operator as declared here
//! url = "https://seg.corp.example"
//! product_version = "2.12.0"
//! properties = ["enable.boxer.ens.ews.proxy=true"]   # its application.properties
//!
//! [target.ens]                   # ENS2, configured by its operator as declared here
//! url = "https://ens.corp.example"
//! placement = "cloud"           # or "on-premises"
//! ews_via = "seg"               # the scenario's role whose EWS it was pointed at (or exchange)
//! apns_key = "AuthKey_ABC123DEFG.p8"   # the team key it signs APNs provider tokens with
//! apns_key_id = "ABC123DEFG"
//! apns_team_id = "TEAM123456"
//!
//! [target.apns]                  # APNs's production environment (apns.sandbox: the sandbox)
//! url = "https://api.push.apple.com"
//! apns_key = "AuthKey_ABC123DEFG.p8"   # the provider's team key, which APNs knows
//! apns_key_id = "ABC123DEFG"
//! apns_team_id = "TEAM123456"
//! topic = "com.example.securemail"   # the app the key pushes to (default: the features' app)
//! device_token = "9f3c…"        # a phone with that app installed, in this environment (hex)
//!
//! [target.adcs]                  # AD CS web enrollment (…/certsrv), its users' mailbox entries
//! url = "https://ca.corp.example"
//! directory = "ldaps://dc.corp.example"   # the directory it publishes to, read as each mailbox
//! base_dn = "DC=corp,DC=example"
//! [target.adcs.template.SecureMailSigning]   # a template it issues, as its administrator set it
//! purpose = "signing"           # or "encryption"; absent: both
//! min_key_bits = 2048
//! exportable = true
//! publish_to_directory = true
//!
//! [target.login]                 # an identity provider (Microsoft Entra ID, Keycloak, ...): its issuer
//! url = "https://login.microsoftonline.com/<tenant>/v2.0"   # …/.well-known/openid-configuration below it
//! client_id = "<application ID>"  # an application allowed the password grant
//! client_secret_env = "IDP_SECRET"   # its secret, for a confidential client (not for a public one)
//! audience = "https://mail.example.test"   # its tokens' aud for the mail server (default: that)
//! scope = "https://mail.example.test/EWS.AccessAsUser.All"   # asked for (default: <audience>/EWS.AccessAsUser.All)
//! [[target.login.mailbox]]
//! user = "alice"
//! login = "alice@corp.example"  # the UPN the password grant signs in with
//! password_env = "ALICE_PASSWORD"
//! [target.login.adapter]         # or: a command that prints an access token for {login} and
//! access_token = "get-token {login} {scope}"   # {scope} (any flow: MFA, device code, a cache);
//!                                # then client_id and the mailboxes' passwords are not needed
//!
//! [target.kdc]                   # a KDC, for SEG's constrained delegation (Kerberos over TCP)
//! url = "kerberos://dc1.corp.example/CORP.EXAMPLE"   # kerberos://HOST[:PORT]/REALM (port 88)
//! [target.kdc.seg_account]       # the account SEG delegates as (spn default HTTP/seg.example.test)
//! password_env = "SEG_SVC_PASSWORD"
//! [target.kdc.exchange_account]  # the account of Exchange's SPN (default HTTP/mail.example.test)
//! password_env = "MAIL_SVC_PASSWORD"
//! [[target.kdc.mailbox]]         # a user delegated for: its UPN, no password
//! user = "alice"
//! login = "alice@corp.example"
//!
//! [callback]                    # how a real component calls this run's fakes back
//! advertise = "192.0.2.10"      # the address it reaches this machine at (default 127.0.0.1)
//! ca = "callback-ca.pem"        # a CA it trusts, with its key: the fakes it calls present
//! ca_key = "callback-ca-key.pem"  # certificates this CA signs (default: the run's own CA)
//! [callback.ports]              # fixed ports of the scenario's roles a real component calls:
//! apns = 2197                   # a real listener's APNs gateway, https://<advertise>:2197
//! exchange = 2443               # a real SEG's email server (and uem, kdc: its console, its KDC)
//! ```
//!
//! The `adapter` holds the commands that do on the real server what a fake's control API does
//! for the features (`mailconform run --target-config`); an operation without one makes the
//! scenarios that need it not applicable.
//!
//! Role names come from `mailconform_fakes::role::target`; relative paths are relative to the
//! configuration file, so a configuration and its CA can move together.

use super::config_error::ConfigError;
use mailconform_activesync::ProtocolVersion;
use mailconform_auth::krb5::KdcUrl;
use mailconform_auth::oidc::SignIn;
use mailconform_fakes::role::{self, Protocol, Role};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::CertificateDer;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The file as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    target: BTreeMap<String, RawTarget>,
    callback: Option<RawCallback>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCallback {
    advertise: Option<String>,
    ca: Option<PathBuf>,
    ca_key: Option<PathBuf>,
    #[serde(default)]
    ports: BTreeMap<String, u16>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    url: String,
    ca: Option<PathBuf>,
    #[serde(default)]
    insecure: bool,
    #[serde(default)]
    versions: Vec<String>,
    #[serde(default)]
    claims: Vec<String>,
    #[serde(default)]
    mailbox: Vec<RawMailbox>,
    #[serde(default)]
    adapter: RawAdapter,
    #[serde(default)]
    resolve: Vec<String>,
    product_version: Option<String>,
    #[serde(default)]
    properties: Vec<String>,
    placement: Option<String>,
    ews_via: Option<String>,
    apns_key: Option<PathBuf>,
    apns_key_id: Option<String>,
    apns_team_id: Option<String>,
    topic: Option<String>,
    device_token: Option<String>,
    #[serde(default)]
    template: BTreeMap<String, mailconform_fakes::adcs::contract::TemplateSpec>,
    directory: Option<String>,
    base_dn: Option<String>,
    client_id: Option<String>,
    client_secret_env: Option<String>,
    audience: Option<String>,
    scope: Option<String>,
    seg_account: Option<RawAccount>,
    exchange_account: Option<RawAccount>,
}

/// A service account of a real KDC's realm, as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAccount {
    spn: Option<String>,
    password: Option<String>,
    password_env: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAdapter {
    deliver_mail: Option<String>,
    send_mail_from: Option<String>,
    set_device_state: Option<String>,
    access_token: Option<String>,
}

/// The placeholders the adapter command of `operation` gets filled (`{container}`: the
/// target's container, with `--target-image`).
pub(super) fn placeholders(operation: &str) -> &'static [&'static str] {
    match operation {
        "set_device_state" => &["device_id", "email", "state"],
        "access_token" => &["user", "login", "scope"],
        _ => &["user", "email", "container"],
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMailbox {
    user: String,
    login: Option<String>,
    email: Option<String>,
    password: Option<String>,
    password_env: Option<String>,
}

/// A whole target configuration, checked.
#[derive(Clone, Debug)]
pub struct TargetConfig {
    /// The file it was read from.
    pub file: PathBuf,
    /// Every target, in the order of their keys.
    pub targets: Vec<Target>,
    /// How the real components call the run's fakes back (`[callback]`).
    pub callback: Callback,
}

/// How a real component calls this run's fakes back: a real Exchange posts its push
/// notifications to the run's listener.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Callback {
    /// The address the component reaches this machine at (`advertise`); `None`: loopback.
    pub advertise: Option<String>,
    /// A CA the component trusts, certificate and key (PEM), which signs the certificates of
    /// the fakes it calls; `None`: the run's own CA, which it must then be told to trust.
    pub ca: Option<CallbackCa>,
    /// The fixed ports on `advertise` where the scenario's roles answer a real component
    /// (`[callback.ports]`, by role: `apns`, `exchange`, ...): a real listener's APNs gateway,
    /// a real SEG's email server, are configured once, not per scenario.
    pub ports: BTreeMap<String, u16>,
}

/// A name the target hands out that this machine reaches at another address (`resolve`), as
/// curl's `--resolve` pins it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolve {
    /// The host name, lowercase.
    pub host: String,
    /// Its port.
    pub port: u16,
    /// Where it is reached.
    pub addr: std::net::SocketAddr,
}

/// A CA of the operator's, for the certificates of the fakes a real component calls.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CallbackCa {
    /// The certificate's file.
    pub path: PathBuf,
    /// The certificate (PEM).
    pub cert_pem: String,
    /// Its private key (PEM).
    pub key_pem: String,
}

/// A service account of a real KDC's realm and its password.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    /// Its SPN, `HTTP/seg.example.test`.
    pub spn: String,
    /// Its password.
    pub password: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "ServiceAccount({})", self.spn)
    }
}

/// What the scenarios need of a real KDC for Kerberos constrained delegation: where it is, the
/// account SEG delegates as (allowed to delegate to Exchange's SPN, with protocol transition)
/// and Exchange's account, whose keys the scenarios' Exchange opens tickets with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KcdAccounts {
    /// The KDC and its realm.
    pub kdc: mailconform_auth::krb5::KdcUrl,
    /// SEG's service account (`seg_account`).
    pub seg: ServiceAccount,
    /// Exchange's service account (`exchange_account`).
    pub exchange: ServiceAccount,
}

/// What to give an identity provider's target that has no way to sign its mailboxes in.
pub const NO_SIGN_IN: &str = "give client_id (an application allowed the password grant; client_secret_env names its secret's \
     variable for a confidential one), or [target.login.adapter] access_token, a command that prints a user's token";

/// One role backed by a real component.
#[derive(Clone, Debug)]
pub struct Target {
    /// The key as written (`exchange.eas`).
    pub key: String,
    /// The role of the default world it stands for.
    pub role: Role,
    /// Each protocol checked, with the URL it is checked at.
    pub endpoints: Vec<Endpoint>,
    /// Whom the TLS client trusts.
    pub trust: Trust,
    /// ActiveSync versions to use when the server does not list its own.
    pub versions: Vec<ProtocolVersion>,
    /// The accounts that sign in.
    pub mailboxes: Vec<Mailbox>,
    /// The commands that act on the server for the features.
    pub adapter: mailconform_fakes::driver::CommandAdapter,
    /// The kinds of requirement the component claims beyond the required ones, as written
    /// (`should`, `may`, ...): `run` reads them against its requirement catalogue.
    pub claims: Vec<String>,
    /// Names it hands out that are reached at another address (`resolve`).
    pub resolve: Vec<Resolve>,
    /// The product's version as installed, where scenarios plan one (`product_version`: a
    /// SEG V2's, `2.12.0`).
    pub product_version: Option<String>,
    /// The lines of its configuration file, where scenarios plan one (`properties`: a SEG
    /// V2's `application.properties`).
    pub properties: Vec<String>,
    /// Where it is installed, where scenarios plan that (`placement`: ENS2's `cloud` or
    /// `on-premises`).
    pub placement: Option<String>,
    /// The role of the scenario whose EWS it was pointed at (`ews_via`: ENS2's `exchange`, or
    /// `seg` for SEG's EWS proxy).
    pub ews_via: Option<String>,
    /// The APNs team key it signs provider tokens with (`apns_key`, `apns_key_id`,
    /// `apns_team_id`), which the scenario's APNs then trusts; for a real APNs, the key the
    /// scenario's provider signs with, which APNs knows.
    pub apns_key: Option<ApnsKey>,
    /// The app a real APNs is pushed to (`topic`: its bundle ID), when not the features' own.
    pub topic: Option<String>,
    /// A real APNs's device token of a phone with that app installed (`device_token`, in
    /// lower-case hex), which the scenario's provider pushes to.
    pub device_token: Option<String>,
    /// The certificate templates a real AD CS issues, as its administrator set them
    /// (`[target.adcs.template.NAME]`).
    pub templates: BTreeMap<String, mailconform_fakes::adcs::contract::TemplateSpec>,
    /// The directory a real AD CS publishes to, and the base DN searched (`directory`,
    /// `base_dn`: both or neither), read over LDAP as each mailbox.
    pub directory: Option<(String, String)>,
    /// How the mailboxes sign in at a real identity provider: by `adapter.access_token`, the
    /// operator's command, when there is one (it runs flows the harness cannot, so it wins),
    /// else by the password grant as `client_id` (its secret read from the variable
    /// `client_secret_env` names, never written in the file); `None` without either (see
    /// [`NO_SIGN_IN`]).
    pub sign_in: Option<SignIn>,
    /// What a real identity provider's tokens name the mail server as (`audience`: their
    /// `aud`), when not the scenario's Exchange's own `https://<host>`.
    pub audience: Option<String>,
    /// The scopes asked of a real identity provider (`scope`), when not
    /// `<audience>/EWS.AccessAsUser.All`.
    pub scope: Option<String>,
    /// A real KDC's realm and the service accounts of constrained delegation, for a `kdc`
    /// target (`url = "kerberos://..."`, `seg_account`, `exchange_account`).
    pub kcd: Option<KcdAccounts>,
}

impl Target {
    /// What a real identity provider's tokens must name the mail server as (`audience`, by
    /// default the scenarios' Exchange's `https://mail.example.test`), and the scopes asked
    /// for them (`scope`, by default that audience's `EWS.AccessAsUser.All`).
    pub fn audience_and_scope(&self) -> (String, String) {
        let audience = self.audience.clone().unwrap_or_else(|| {
            mailconform_fakes::exchange::ExchangeConfig::new(mailconform_fakes::defaults::EXCHANGE_HOST).oauth_audience()
        });
        let scope = self.scope.clone().unwrap_or_else(|| mailconform_auth::oidc::ews_scope(&audience));
        (audience, scope)
    }
}

/// An APNs team key (an `AuthKey_<key id>.p8`) as a target declares it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApnsKey {
    /// The file.
    pub path: PathBuf,
    /// Its PKCS#8 private key (PEM).
    pub p8: String,
    /// Apple's key ID.
    pub key_id: String,
    /// The team ID.
    pub team_id: String,
}

/// A protocol of a target and where it answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Endpoint {
    /// The protocol.
    pub protocol: Protocol,
    /// Its URL (the standard path added when the configuration gave a base URL).
    pub url: http::Uri,
}

impl Endpoint {
    /// Its URL's scheme, host and port (`https://listener.corp.example:8443`), without a path.
    pub fn origin(&self) -> String {
        format!("{}://{}", self.url.scheme_str().unwrap_or("https"), self.url.authority().map_or("", |a| a.as_str()))
    }
}

/// Whom the TLS client trusts.
#[derive(Clone, Debug)]
pub enum Trust {
    /// The operating system's trust store.
    System,
    /// Exactly the certificates of a PEM file.
    Ca {
        /// The file, resolved against the configuration's directory.
        path: PathBuf,
        /// Its certificates.
        certs: Vec<CertificateDer<'static>>,
    },
    /// No verification at all (`insecure = true`); every report says so.
    Insecure,
}

/// An account that signs in.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mailbox {
    /// How reports call it.
    pub user: String,
    /// The name sent to the server.
    pub login: String,
    /// Its SMTP address on the server (`email`; else the login when it is one, else `None`:
    /// the features' own address for the user is taken).
    pub email: Option<String>,
    /// Its password.
    pub password: String,
    /// Where the password came from, for messages (`password_env ALICE_PASSWORD`).
    pub password_source: String,
}

impl Trust {
    /// An HTTP client over real TCP on the real clock that trusts what this says: the run's
    /// drivers and bare clients reach a live target through it.
    pub fn http_client(&self) -> mailconform_sim::HttpClient {
        use mailconform_sim::{tls, Clock, HttpClient, TcpDialer};
        let dialer = std::sync::Arc::new(TcpDialer::default());
        match self.certificates() {
            Some(certs) => {
                // Certificates the system store holds but rustls cannot parse are skipped.
                let mut roots = rustls::RootCertStore::empty();
                roots.add_parsable_certificates(certs);
                HttpClient::new(dialer, std::sync::Arc::new(roots), Clock::real())
            }
            None => HttpClient::new(dialer, tls::roots(&[]), Clock::real()).accepting_any_certificate(),
        }
    }

    /// The certificates trusted: the CA file's, or the system store's; `None` for
    /// `insecure = true`, which trusts anything.
    pub fn certificates(&self) -> Option<Vec<CertificateDer<'static>>> {
        match self {
            Trust::Ca { certs, .. } => Some(certs.clone()),
            Trust::System => Some(rustls_native_certs::load_native_certs().certs),
            Trust::Insecure => None,
        }
    }
}

/// The standard path of a protocol on a role's host, added to a base URL.
pub(crate) fn standard_path(role: &Role, protocol: Protocol) -> Option<&'static str> {
    match (role.kind, protocol) {
        (_, Protocol::Ews) => Some(mailconform_fakes::exchange::EWS_PATH),
        (role::RoleKind::Traveler, Protocol::ActiveSync) => Some(mailconform_fakes::traveler::TRAVELER_EAS_PATH),
        (_, Protocol::ActiveSync) => Some(mailconform_fakes::traveler::STANDARD_EAS_PATH),
        (_, Protocol::CertEnrollment) => Some(mailconform_fakes::adcs::contract::CERTSRV),
        _ => None,
    }
}

/// Whether mailboxes sign in over this protocol.
pub(crate) fn signs_in(protocol: Protocol) -> bool {
    matches!(protocol, Protocol::Ews | Protocol::ActiveSync | Protocol::CertEnrollment | Protocol::OAuth | Protocol::Kerberos)
}

impl TargetConfig {
    /// Reads and checks `file`; `env` looks up `password_env` variables (the process
    /// environment in the command, a map in tests).
    pub fn load(file: &Path, env: impl Fn(&str) -> Option<String>) -> Result<TargetConfig, ConfigError> {
        let text = std::fs::read_to_string(file).map_err(|source| ConfigError::Read { file: file.to_path_buf(), source })?;
        TargetConfig::parse(file, &text, env)
    }

    /// Checks `text`, the contents of `file`.
    pub fn parse(file: &Path, text: &str, env: impl Fn(&str) -> Option<String>) -> Result<TargetConfig, ConfigError> {
        let raw: RawConfig = toml::from_str(text)
            .map_err(|e| ConfigError::Syntax { file: file.to_path_buf(), message: e.to_string().trim_end().to_string() })?;
        if raw.target.is_empty() {
            return Err(ConfigError::NoTargets { file: file.to_path_buf() });
        }
        let base = file.parent().unwrap_or(Path::new("."));
        let targets = raw.target.into_iter().map(|(key, t)| target(file, base, key, t, &env)).collect::<Result<_, _>>()?;
        let callback = match raw.callback {
            Some(c) => callback(file, base, c)?,
            None => Callback::default(),
        };
        Ok(TargetConfig { file: file.to_path_buf(), targets, callback })
    }
}

fn target(file: &Path, base: &Path, key: String, raw: RawTarget, env: &impl Fn(&str) -> Option<String>) -> Result<Target, ConfigError> {
    let picked =
        role::target(&key).map_err(|e| ConfigError::UnknownRole { file: file.to_path_buf(), role: key.clone(), known: e.known })?;
    let endpoints = endpoints(file, &key, &picked, &raw.url)?;
    refuse_keys_of_other_roles(file, &key, picked.role.kind, &raw)?;
    let trust = match (raw.ca, raw.insecure) {
        (Some(_), true) => return Err(ConfigError::CaAndInsecure { file: file.to_path_buf(), role: key }),
        (Some(ca), false) => read_ca(file, &key, &base.join(ca))?,
        (None, true) => Trust::Insecure,
        (None, false) => Trust::System,
    };
    let versions = raw
        .versions
        .iter()
        .map(|v| {
            ProtocolVersion::parse(v).ok_or_else(|| ConfigError::BadVersion {
                file: file.to_path_buf(),
                role: key.clone(),
                value: v.clone(),
                known: ProtocolVersion::ALL.iter().map(|v| v.as_str().to_string()).collect(),
            })
        })
        .collect::<Result<_, _>>()?;
    if !raw.mailbox.is_empty() && !endpoints.iter().any(|e| signs_in(e.protocol)) {
        return Err(ConfigError::MailboxNotChecked { file: file.to_path_buf(), role: key });
    }
    // An identity provider whose tokens a command fetches needs no passwords here, nor a KDC,
    // which SEG asks for the users' tickets without them (S4U2Self).
    let signs_in_by_command = raw.adapter.access_token.is_some() || picked.role.kind == role::RoleKind::Kdc;
    let mailboxes: Vec<Mailbox> =
        raw.mailbox.into_iter().map(|m| mailbox(file, &key, m, signs_in_by_command, env)).collect::<Result<_, _>>()?;
    if let Some(command) = &raw.adapter.deliver_mail {
        check_placeholders(file, &key, "deliver_mail", command)?;
    }
    if let Some(command) = &raw.adapter.set_device_state {
        check_placeholders(file, &key, "set_device_state", command)?;
    }
    if let Some(command) = &raw.adapter.access_token {
        check_placeholders(file, &key, "access_token", command)?;
    }
    if let Some(user) = &raw.adapter.send_mail_from {
        if !mailboxes.iter().any(|m| &m.user == user) {
            return Err(ConfigError::UnknownSender {
                file: file.to_path_buf(),
                role: key,
                user: user.clone(),
                known: mailboxes.iter().map(|m| m.user.clone()).collect(),
            });
        }
    }
    let adapter = mailconform_fakes::driver::CommandAdapter {
        deliver_mail: raw.adapter.deliver_mail,
        send_mail_from: raw.adapter.send_mail_from,
        set_device_state: raw.adapter.set_device_state,
        access_token: raw.adapter.access_token,
    };
    let resolve = raw.resolve.iter().map(|entry| resolve(file, &key, entry)).collect::<Result<_, _>>()?;
    let apns_key = apns_key(file, base, &key, raw.apns_key, raw.apns_key_id, raw.apns_team_id)?;
    let device_token = raw.device_token.map(|t| device_token(file, &key, &t)).transpose()?;
    let directory = match (raw.directory, raw.base_dn) {
        (None, None) => None,
        (Some(address), Some(base_dn)) if address.starts_with("ldap://") || address.starts_with("ldaps://") => Some((address, base_dn)),
        (Some(address), Some(_)) => {
            return Err(ConfigError::Directory {
                file: file.to_path_buf(),
                role: key,
                why: format!("directory {address:?} is not an ldap:// or ldaps:// URL"),
            })
        }
        _ => return Err(ConfigError::Directory { file: file.to_path_buf(), role: key, why: "give directory and base_dn together".into() }),
    };
    let client_secret = match &raw.client_secret_env {
        None => None,
        Some(var) => Some(env(var).ok_or_else(|| ConfigError::ClientSecretEnvUnset {
            file: file.to_path_buf(),
            role: key.clone(),
            var: var.clone(),
        })?),
    };
    let kcd = match picked.role.kind {
        role::RoleKind::Kdc => Some(kcd_accounts(file, &key, &raw.url, raw.seg_account, raw.exchange_account, env)?),
        _ => None,
    };
    let sign_in = match (&adapter.access_token, raw.client_id) {
        (Some(command), _) => Some(SignIn::Command(command.clone())),
        (None, Some(client_id)) => Some(SignIn::PasswordGrant { client_id, client_secret }),
        (None, None) => None,
    };
    Ok(Target {
        key,
        role: picked.role,
        endpoints,
        trust,
        versions,
        mailboxes,
        adapter,
        claims: raw.claims,
        resolve,
        product_version: raw.product_version,
        properties: raw.properties,
        placement: raw.placement,
        ews_via: raw.ews_via,
        apns_key,
        topic: raw.topic,
        device_token,
        templates: raw.template,
        directory,
        sign_in,
        kcd,
        audience: raw.audience,
        scope: raw.scope,
    })
}

/// A device token as written: hex digits (in pairs, spaces allowed, as Xcode's console
/// prints them), kept in lower case as APNs's URLs carry them.
fn device_token(file: &Path, key: &str, written: &str) -> Result<String, ConfigError> {
    let token: String = written.chars().filter(|c| !c.is_whitespace()).collect::<String>().to_ascii_lowercase();
    let why = match () {
        _ if token.is_empty() => "it is empty",
        _ if !token.chars().all(|c| c.is_ascii_hexdigit()) => "it is not hexadecimal",
        _ if token.len() % 2 == 1 => "it has an odd number of hex digits",
        _ => return Ok(token),
    };
    Err(ConfigError::DeviceToken { file: file.to_path_buf(), role: key.to_string(), written: written.to_string(), why })
}

/// Keys that only one kind of target reads, and which kinds: on another target they would be
/// silently ignored, so they are refused there.
fn refuse_keys_of_other_roles(file: &Path, key: &str, kind: role::RoleKind, raw: &RawTarget) -> Result<(), ConfigError> {
    use role::RoleKind::{Adcs, Apns, Ens, Kdc, OAuthIssuer, Seg, Uem};
    let written: &[(&'static str, bool, &[role::RoleKind])] = &[
        ("product_version", raw.product_version.is_some(), &[Seg]),
        ("properties", !raw.properties.is_empty(), &[Seg]),
        ("placement", raw.placement.is_some(), &[Ens]),
        ("ews_via", raw.ews_via.is_some(), &[Ens]),
        ("apns_key", raw.apns_key.is_some(), &[Ens, Apns]),
        ("apns_key_id", raw.apns_key_id.is_some(), &[Ens, Apns]),
        ("apns_team_id", raw.apns_team_id.is_some(), &[Ens, Apns]),
        ("topic", raw.topic.is_some(), &[Apns]),
        ("device_token", raw.device_token.is_some(), &[Apns]),
        ("template", !raw.template.is_empty(), &[Adcs]),
        ("directory", raw.directory.is_some(), &[Adcs]),
        ("base_dn", raw.base_dn.is_some(), &[Adcs]),
        ("client_id", raw.client_id.is_some(), &[OAuthIssuer]),
        ("client_secret_env", raw.client_secret_env.is_some(), &[OAuthIssuer]),
        ("audience", raw.audience.is_some(), &[OAuthIssuer]),
        ("scope", raw.scope.is_some(), &[OAuthIssuer]),
        ("adapter.set_device_state", raw.adapter.set_device_state.is_some(), &[Uem]),
        ("adapter.access_token", raw.adapter.access_token.is_some(), &[OAuthIssuer]),
        ("seg_account", raw.seg_account.is_some(), &[Kdc]),
        ("exchange_account", raw.exchange_account.is_some(), &[Kdc]),
    ];
    match written.iter().find(|(_, present, readers)| *present && !readers.contains(&kind)) {
        Some((name, _, readers)) => {
            let readers = readers.iter().map(|k| k.word()).collect::<Vec<_>>().join(" and ");
            Err(ConfigError::KeyOfAnotherRole { file: file.to_path_buf(), role: key.to_string(), key: name, readers })
        }
        None => Ok(()),
    }
}

/// A KDC target's realm (from its URL) and the two service accounts of constrained delegation.
fn kcd_accounts(
    file: &Path,
    key: &str,
    url: &str,
    seg: Option<RawAccount>,
    exchange: Option<RawAccount>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<KcdAccounts, ConfigError> {
    let refuse = |why: String| ConfigError::KdcAccount { file: file.to_path_buf(), role: key.to_string(), why };
    let kdc = match KdcUrl::parse(url) {
        Some(Ok(kdc)) => kdc,
        _ => return Err(refuse(format!("{url} is not a KDC's URL"))),
    };
    let account = |name: &str, what: &str, default_spn: &str, raw: Option<RawAccount>| -> Result<ServiceAccount, ConfigError> {
        let raw = raw.ok_or_else(|| {
            refuse(format!(
                "no {name}: give {what}'s service account, [target.{key}.{name}] spn = \"{default_spn}\" (the default) and \
                 password_env = \"VARIABLE\" (or password = \"...\")"
            ))
        })?;
        let password = match password(&raw.password, &raw.password_env, env) {
            Ok(Some((password, _))) => password,
            Ok(None) => return Err(refuse(format!("{name}: {NO_PASSWORD}; write password_env = \"VARIABLE\" or password = \"...\""))),
            Err(PasswordProblem::Both) => return Err(refuse(format!("{name}: {BOTH_PASSWORDS}"))),
            Err(PasswordProblem::Unset(var)) => return Err(refuse(format!("{name}: password_env = \"{var}\" but {var} is not set"))),
        };
        Ok(ServiceAccount { spn: raw.spn.unwrap_or_else(|| default_spn.to_string()), password })
    };
    let seg = account("seg_account", "SEG", mailconform_fakes::defaults::SEG_SPN, seg)?;
    let exchange_spn = format!("HTTP/{}", mailconform_fakes::defaults::EXCHANGE_HOST);
    let exchange = account("exchange_account", "Exchange", &exchange_spn, exchange)?;
    Ok(KcdAccounts { kdc, seg, exchange })
}

/// One `resolve` entry, `HOST:PORT=ADDRESS:PORT`.
fn resolve(file: &Path, key: &str, entry: &str) -> Result<Resolve, ConfigError> {
    let bad =
        |why: &str| ConfigError::BadResolve { file: file.to_path_buf(), role: key.to_string(), entry: entry.to_string(), why: why.into() };
    let (name, addr) = entry.split_once('=').ok_or_else(|| bad("no '='"))?;
    let (host, port) = name.rsplit_once(':').ok_or_else(|| bad("the name has no port"))?;
    let port = port.parse::<u16>().map_err(|_| bad("the name's port is not a number"))?;
    if host.is_empty() {
        return Err(bad("the host name is empty"));
    }
    let addr = addr.trim().parse::<std::net::SocketAddr>().map_err(|_| bad("the address is not an IP address and port"))?;
    Ok(Resolve { host: host.trim().to_ascii_lowercase(), port, addr })
}

/// The text of a PEM file the configuration names, or why it cannot be used: `block` ends the
/// label it must hold (`CERTIFICATE`; `PRIVATE KEY` for a private key of any kind).
fn read_pem(path: &Path, block: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read it ({e}); paths are relative to the configuration file"))?;
    match text.contains(&format!("{block}-----")) {
        true => Ok(text),
        false => Err(format!("no {block} PEM block in it")),
    }
}

/// An ENS2's APNs team key: its `.p8` file, key ID and team ID, all three or none.
fn apns_key(
    file: &Path,
    base: &Path,
    key: &str,
    path: Option<PathBuf>,
    key_id: Option<String>,
    team_id: Option<String>,
) -> Result<Option<ApnsKey>, ConfigError> {
    let bad = |why: String| ConfigError::ApnsKey { file: file.to_path_buf(), role: key.to_string(), why };
    match (path, key_id, team_id) {
        (None, None, None) => Ok(None),
        (Some(path), Some(key_id), Some(team_id)) => {
            let path = base.join(path);
            let p8 = read_pem(&path, "PRIVATE KEY")
                .map_err(|why| bad(format!("{}: {why} (an AuthKey_<key id>.p8 holds one)", path.display())))?;
            Ok(Some(ApnsKey { path, p8, key_id, team_id }))
        }
        _ => Err(bad("give apns_key (the .p8 file), apns_key_id and apns_team_id together".into())),
    }
}

fn callback(file: &Path, base: &Path, raw: RawCallback) -> Result<Callback, ConfigError> {
    let bad = |key: &'static str, path: &Path, why: String| ConfigError::CallbackCa {
        file: file.to_path_buf(),
        key,
        path: path.to_path_buf(),
        why,
    };
    let read = |key: &'static str, path: &Path, block: &str| read_pem(path, block).map_err(|why| bad(key, path, why));
    let ca = match (raw.ca, raw.ca_key) {
        (None, None) => None,
        (Some(ca), Some(key)) => {
            let (ca, key) = (base.join(ca), base.join(key));
            let cert_pem = read("ca", &ca, "CERTIFICATE")?;
            let key_pem = read("ca_key", &key, "PRIVATE KEY")?;
            Some(CallbackCa { path: ca, cert_pem, key_pem })
        }
        (Some(ca), None) => {
            return Err(bad("ca", &base.join(ca), "the CA's key is missing: add ca_key = \"<its private key, PEM>\"".into()))
        }
        (None, Some(key)) => {
            return Err(bad("ca_key", &base.join(key), "its certificate is missing: add ca = \"<the CA certificate, PEM>\"".into()))
        }
    };
    for (role, port) in &raw.ports {
        let known = role::target(role).ok().filter(|t| t.protocols.len() == t.role.kind.protocols().len());
        if known.is_none() || *port == 0 {
            return Err(ConfigError::CallbackPort { file: file.to_path_buf(), role: role.clone(), port: *port });
        }
    }
    Ok(Callback { advertise: raw.advertise, ca, ports: raw.ports })
}

/// Every `{name}` in an adapter command is one the driver fills.
fn check_placeholders(file: &Path, key: &str, operation: &'static str, command: &str) -> Result<(), ConfigError> {
    let mut rest = command;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        let name = &after[..close];
        if !placeholders(operation).contains(&name) {
            return Err(ConfigError::AdapterPlaceholder {
                file: file.to_path_buf(),
                role: key.to_string(),
                operation,
                command: command.to_string(),
                placeholder: name.to_string(),
            });
        }
        rest = &after[close + 1..];
    }
    Ok(())
}

fn endpoints(file: &Path, key: &str, picked: &role::TargetRole, url: &str) -> Result<Vec<Endpoint>, ConfigError> {
    if picked.protocols == [Protocol::Kerberos] {
        let bad = |why: String| ConfigError::KdcUrl { file: file.to_path_buf(), role: key.to_string(), url: url.to_string(), why };
        return match KdcUrl::parse(url) {
            Some(Ok(_)) => Ok(vec![Endpoint {
                protocol: Protocol::Kerberos,
                url: url.parse().map_err(|e: http::uri::InvalidUri| bad(e.to_string()))?,
            }]),
            Some(Err(why)) => Err(bad(why)),
            None => Err(bad("a KDC is reached over Kerberos itself, not over HTTP".into())),
        };
    }
    let example_path = picked.protocols.iter().find_map(|p| standard_path(&picked.role, *p)).unwrap_or("");
    let bad =
        |why: String| ConfigError::BadUrl { file: file.to_path_buf(), role: key.to_string(), url: url.to_string(), why, example_path };
    let uri: http::Uri = url.parse().map_err(|e: http::uri::InvalidUri| bad(e.to_string()))?;
    match uri.scheme_str() {
        Some("https" | "http") => {}
        Some(other) => return Err(bad(format!("the scheme is {other:?}, not http or https"))),
        None => return Err(bad("it has no scheme".into())),
    }
    if uri.host().is_none_or(str::is_empty) {
        return Err(bad("it has no host".into()));
    }
    let path = uri.path();
    if path.is_empty() || path == "/" {
        let with_path = |p: Protocol| -> Result<Endpoint, ConfigError> {
            let Some(standard) = standard_path(&picked.role, p) else { return Ok(Endpoint { protocol: p, url: uri.clone() }) };
            let full = format!("{}://{}{standard}", uri.scheme_str().unwrap_or("https"), uri.authority().map_or("", |a| a.as_str()));
            Ok(Endpoint { protocol: p, url: full.parse().map_err(|e: http::uri::InvalidUri| bad(e.to_string()))? })
        };
        return picked.protocols.iter().map(|p| with_path(*p)).collect();
    }
    if picked.protocols.len() > 1 {
        return Err(ConfigError::AmbiguousProtocol {
            file: file.to_path_buf(),
            role: key.to_string(),
            path: path.to_string(),
            choices: picked.protocols.iter().map(|p| format!("\"{key}.{}\"", p.key())).collect(),
        });
    }
    Ok(picked.protocols.iter().map(|p| Endpoint { protocol: *p, url: uri.clone() }).collect())
}

fn read_ca(file: &Path, key: &str, path: &Path) -> Result<Trust, ConfigError> {
    let pem = std::fs::read(path).map_err(|source| ConfigError::CaUnreadable {
        file: file.to_path_buf(),
        role: key.to_string(),
        path: path.to_path_buf(),
        source,
    })?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&pem).filter_map(Result::ok).collect();
    if certs.is_empty() {
        return Err(ConfigError::CaEmpty { file: file.to_path_buf(), role: key.to_string(), path: path.to_path_buf() });
    }
    Ok(Trust::Ca { path: path.to_path_buf(), certs })
}

/// Why a password cannot be read as written.
enum PasswordProblem {
    /// Both `password` and `password_env`.
    Both,
    /// `password_env` names a variable that is not set.
    Unset(String),
}

const NO_PASSWORD: &str = "no password given";
const BOTH_PASSWORDS: &str = "both password and password_env given";

/// A password as written, `password` or the variable `password_env` names, with where it came
/// from; `None` for neither (whether that is allowed is the caller's to say).
fn password(
    password: &Option<String>,
    password_env: &Option<String>,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Option<(String, String)>, PasswordProblem> {
    match (password, password_env) {
        (Some(p), None) => Ok(Some((p.clone(), "the password in the configuration".to_string()))),
        (None, Some(var)) => {
            env(var).map(|p| Some((p, format!("the password in {var}")))).ok_or_else(|| PasswordProblem::Unset(var.clone()))
        }
        (None, None) => Ok(None),
        (Some(_), Some(_)) => Err(PasswordProblem::Both),
    }
}

fn mailbox(
    file: &Path,
    key: &str,
    raw: RawMailbox,
    signs_in_by_command: bool,
    env: &impl Fn(&str) -> Option<String>,
) -> Result<Mailbox, ConfigError> {
    let password_error = |why| ConfigError::Password { file: file.to_path_buf(), role: key.to_string(), user: raw.user.clone(), why };
    let (password, password_source) = match password(&raw.password, &raw.password_env, env) {
        Ok(Some(found)) => found,
        Ok(None) if signs_in_by_command => (String::new(), "no password: none is needed".to_string()),
        Ok(None) => return Err(password_error(NO_PASSWORD)),
        Err(PasswordProblem::Both) => return Err(password_error(BOTH_PASSWORDS)),
        Err(PasswordProblem::Unset(var)) => {
            return Err(ConfigError::PasswordEnvUnset { file: file.to_path_buf(), role: key.to_string(), user: raw.user.clone(), var })
        }
    };
    let login = raw.login.clone().unwrap_or_else(|| raw.user.clone());
    let email = raw.email.clone().or_else(|| login.contains('@').then(|| login.clone()));
    Ok(Mailbox { login, email, user: raw.user, password, password_source })
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
[target."exchange.eas"]
url = "https://mail.example.com/Microsoft-Server-ActiveSync"
ca = "corp-ca.pem"
versions = ["14.1", "16.1"]

[[target."exchange.eas".mailbox]]
user = "alice"
login = "alice@example.com"
password_env = "ALICE_PASSWORD"

[[target."exchange.eas".mailbox]]
user = "bob"
password = "bob-pw"

[target.traveler]
url = "https://traveler.example.com"
insecure = true

[target.apns]
url = "https://api.push.apple.com"
"#;

    const CA_PEM: &str = include_str!("testdata/ca.pem");

    /// A directory holding `targets.toml` with `text` and `corp-ca.pem`.
    fn dir_with(text: &str) -> (tempfile::TempDir, PathBuf) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("corp-ca.pem"), CA_PEM).unwrap();
        std::fs::write(dir.path().join("empty.pem"), "not a certificate\n").unwrap();
        let file = dir.path().join("targets.toml");
        std::fs::write(&file, text).unwrap();
        (dir, file)
    }

    fn env(var: &str) -> Option<String> {
        (var == "ALICE_PASSWORD").then(|| "alice-secret".to_string())
    }

    fn load(text: &str) -> Result<TargetConfig, ConfigError> {
        let (_dir, file) = dir_with(text);
        TargetConfig::load(&file, env)
    }

    fn error(text: &str) -> String {
        load(text).unwrap_err().to_string()
    }

    #[test]
    fn a_good_file_gives_every_target_with_its_endpoints_trust_and_mailboxes() {
        let c = load(GOOD).unwrap();
        let keys: Vec<_> = c.targets.iter().map(|t| t.key.as_str()).collect();
        assert_eq!(keys, ["apns", "exchange.eas", "traveler"]);
        let eas = &c.targets[1];
        assert_eq!(eas.role.name, "exchange");
        assert_eq!(
            eas.endpoints,
            [Endpoint { protocol: Protocol::ActiveSync, url: "https://mail.example.com/Microsoft-Server-ActiveSync".parse().unwrap() }]
        );
        assert!(matches!(&eas.trust, Trust::Ca { path, certs } if path.ends_with("corp-ca.pem") && certs.len() == 1));
        assert_eq!(eas.versions, [ProtocolVersion::V14_1, ProtocolVersion::V16_1]);
        assert_eq!(eas.mailboxes[0].login, "alice@example.com");
        assert_eq!(eas.mailboxes[0].password, "alice-secret");
        assert_eq!(eas.mailboxes[0].password_source, "the password in ALICE_PASSWORD");
        assert_eq!((eas.mailboxes[1].login.as_str(), eas.mailboxes[1].password.as_str()), ("bob", "bob-pw"));
        let traveler = &c.targets[2];
        assert!(matches!(traveler.trust, Trust::Insecure));
        assert_eq!(traveler.endpoints[0].url, "https://traveler.example.com/traveler/Microsoft-Server-ActiveSync");
        assert!(matches!(c.targets[0].trust, Trust::System));
        assert_eq!(c.targets[0].endpoints[0].url, "https://api.push.apple.com/");
    }

    #[test]
    fn a_base_url_gives_each_protocol_of_a_role_its_standard_path() {
        let c = load("[target.exchange]\nurl = \"https://mail.example.com:8443/\"\n").unwrap();
        let urls: Vec<_> = c.targets[0].endpoints.iter().map(|e| (e.protocol, e.url.to_string())).collect();
        assert_eq!(
            urls,
            [
                (Protocol::Ews, "https://mail.example.com:8443/EWS/Exchange.asmx".to_string()),
                (Protocol::ActiveSync, "https://mail.example.com:8443/Microsoft-Server-ActiveSync".to_string())
            ]
        );
    }

    #[test]
    fn an_adapter_command_is_kept_and_an_unknown_placeholder_named() {
        let base = "[target.\"exchange.eas\"]\nurl = \"http://127.0.0.1:20000/SOGo/Microsoft-Server-ActiveSync\"\n[target.\"exchange.eas\".adapter]\n";
        let c = load(&format!("{base}deliver_mail = \"tests/live/sogo/deliver {{user}}\"\n")).unwrap();
        assert_eq!(c.targets[0].adapter.deliver_mail.as_deref(), Some("tests/live/sogo/deliver {user}"));
        assert_eq!(load(base).unwrap().targets[0].adapter.deliver_mail, None, "an empty adapter");
        let e = error(&format!("{base}deliver_mail = \"doveadm save -u {{login}}\"\n"));
        assert!(e.contains("adapter.deliver_mail") && e.contains("unknown placeholder {login}") && e.contains("{user}"), "{e}");
        let e = error(&format!("{base}mark_read = \"x\"\n"));
        assert!(e.contains("mark_read"), "an operation the adapter does not know is named: {e}");
        let with_bob = format!("{base}send_mail_from = \"bob\"\n[[target.\"exchange.eas\".mailbox]]\nuser = \"bob\"\npassword = \"pw\"\n");
        assert_eq!(load(&with_bob).unwrap().targets[0].adapter.send_mail_from.as_deref(), Some("bob"));
        let e = load(&format!("{base}send_mail_from = \"carol\"\n")).unwrap_err().to_string();
        assert!(e.contains("send_mail_from = \"carol\"") && e.contains("no mailbox of that user"), "{e}");
    }

    #[test]
    fn a_listener_names_where_its_names_are_reached_and_the_callback_its_fixed_ports() {
        let c = load(
            "[target.\"listener.us-east-1\"]\nurl = \"https://listener.corp.example\"\nresolve = [\"Push.Corp.Example:443=10.0.0.5:8443\"]\n[callback.ports]\napns = 2197\n",
        )
        .unwrap();
        let addr: std::net::SocketAddr = "10.0.0.5:8443".parse().unwrap();
        assert_eq!(c.targets[0].resolve, [Resolve { host: "push.corp.example".into(), port: 443, addr }]);
        assert_eq!(c.callback.ports, BTreeMap::from([("apns".to_string(), 2197)]));
        let e = error("[target.exchange]\nurl = \"https://x.example\"\n[callback.ports]\napn = 2197\n");
        assert!(e.contains("[callback.ports] apn = 2197") && e.contains("a role of the default world"), "{e}");
        for (entry, why) in [
            ("push.corp.example=10.0.0.5:8443", "the name has no port"),
            ("push.corp.example:443", "no '='"),
            ("push.corp.example:443=push.corp.example:8443", "not an IP address and port"),
        ] {
            let e = error(&format!("[target.\"listener.us-east-1\"]\nurl = \"https://l.example\"\nresolve = [\"{entry}\"]\n"));
            assert!(e.contains(why) && e.contains("HOST:PORT=ADDRESS:PORT"), "{e}");
        }
    }

    #[test]
    fn a_key_only_another_kind_of_target_reads_is_refused_not_ignored() {
        for (target, line, readers) in [
            ("\"exchange.eas\"", "placement = \"cloud\"", "ens targets"),
            ("ens", "device_token = \"ab\"", "apns targets"),
            ("\"listener.us-east-1\"", "properties = [\"a=b\"]", "seg targets"),
            ("seg", "apns_key_id = \"K1\"", "ens and apns targets"),
            ("\"exchange.ews\"", "audience = \"https://mail.corp.example\"", "login targets"),
        ] {
            let e = error(&format!("[target.{target}]\nurl = \"https://x.example\"\n{line}\n"));
            let key = line.split(' ').next().unwrap();
            assert!(e.contains(&format!("{key} is read only for {readers}")) && e.contains("remove it, or move it"), "{e}");
        }
    }

    #[test]
    fn a_consoles_adapter_sets_a_devices_state_with_its_own_placeholders_and_only_there() {
        let uem = "[target.uem]\nurl = \"https://uem.corp.example\"\n[target.uem.adapter]\n";
        let t = &load(&format!("{uem}set_device_state = \"set-state {{device_id}} {{email}} {{state}}\"\n")).unwrap().targets[0];
        assert_eq!(t.adapter.set_device_state.as_deref(), Some("set-state {device_id} {email} {state}"));
        let e = error(&format!("{uem}set_device_state = \"set-state {{user}}\"\n"));
        assert!(e.contains("unknown placeholder {user}") && e.contains("this command may use {device_id}, {email}, {state}"), "{e}");
        let e =
            error("[target.\"exchange.eas\"]\nurl = \"https://m.example\"\n[target.\"exchange.eas\".adapter]\nset_device_state = \"x\"\n");
        assert!(e.contains("adapter.set_device_state is read only for uem targets"), "{e}");
    }

    #[test]
    fn an_identity_providers_token_command_needs_no_passwords_and_has_its_own_placeholders() {
        let login = "[target.login]\nurl = \"https://login.corp.example/tenant/v2.0\"\n\
                     [[target.login.mailbox]]\nuser = \"alice\"\nlogin = \"alice@corp.example\"\n[target.login.adapter]\n";
        let t = &load(&format!("{login}access_token = \"get-token {{login}} {{scope}} {{user}}\"\n")).unwrap().targets[0];
        assert_eq!(t.adapter.access_token.as_deref(), Some("get-token {login} {scope} {user}"));
        let command = Some(SignIn::Command("get-token {login} {scope} {user}".into()));
        assert_eq!((t.mailboxes[0].password.as_str(), &t.sign_in), ("", &command));
        // The command runs flows the harness cannot: it wins over an application also given.
        let both = login.replacen("[[", "client_id = \"app\"\n[[", 1);
        let t = &load(&format!("{both}access_token = \"get-token {{login}} {{scope}} {{user}}\"\n")).unwrap().targets[0];
        assert_eq!(t.sign_in, command);
        let e = error(&format!("{login}access_token = \"get-token {{email}}\"\n"));
        assert!(e.contains("unknown placeholder {email}") && e.contains("{user}, {login}, {scope}"), "{e}");
        // Without the command a mailbox still needs its password.
        let e = error(login.trim_end_matches("[target.login.adapter]\n"));
        assert!(e.contains("no password given"), "{e}");
        let e = error("[target.uem]\nurl = \"https://uem.corp.example\"\n[target.uem.adapter]\naccess_token = \"x\"\n");
        assert!(e.contains("adapter.access_token is read only for login targets"), "{e}");
    }

    #[test]
    fn an_identity_provider_is_its_issuer_url_with_the_application_and_the_mailboxes_that_sign_in() {
        let login = "[target.login]\nurl = \"https://login.corp.example/tenant/v2.0\"\nclient_id = \"app\"\n\
                     [[target.login.mailbox]]\nuser = \"alice\"\nlogin = \"alice@corp.example\"\npassword = \"pw\"\n";
        let t = &load(login).unwrap().targets[0];
        // The issuer URL is kept as written: discovery is below it, whatever its path.
        assert_eq!(t.endpoints[0].url.to_string(), "https://login.corp.example/tenant/v2.0");
        let grant = |secret: Option<&str>| Some(SignIn::PasswordGrant { client_id: "app".into(), client_secret: secret.map(Into::into) });
        assert_eq!((&t.sign_in, t.mailboxes[0].login.as_str()), (&grant(None), "alice@corp.example"));
        assert_eq!(
            t.audience_and_scope(),
            ("https://mail.example.test".to_string(), "https://mail.example.test/EWS.AccessAsUser.All".to_string())
        );
        let confidential = login.replacen("[[", "client_secret_env = \"IDP_SECRET\"\n[[", 1);
        let env = |var: &str| (var == "IDP_SECRET").then(|| "s3cret".to_string());
        let t = &TargetConfig::parse(Path::new("t.toml"), &confidential, env).unwrap().targets[0];
        assert_eq!(t.sign_in, grant(Some("s3cret")));
        let e = error(&confidential);
        assert!(e.contains("client_secret_env = \"IDP_SECRET\" but IDP_SECRET is not set"), "{e}");
        let office365 = login.replacen("[[", "audience = \"https://outlook.office365.com/\"\n[[", 1);
        let t = &load(&office365).unwrap().targets[0];
        assert_eq!(t.audience_and_scope().1, "https://outlook.office365.com/EWS.AccessAsUser.All");
    }

    #[test]
    fn a_real_ca_declares_its_templates_and_its_users_sign_in_at_certsrv() {
        let adcs = "[target.adcs]\nurl = \"https://ca.corp.example\"\n[[target.adcs.mailbox]]\nuser = \"alice\"\npassword = \"pw\"\n";
        let t = &load(&format!("{adcs}[target.adcs.template.SecureMailSigning]\npurpose = \"signing\"\nexportable = false\n"))
            .unwrap()
            .targets[0];
        assert_eq!(t.endpoints[0].url.to_string(), "https://ca.corp.example/certsrv");
        assert_eq!(t.mailboxes[0].login, "alice");
        let signing = &t.templates["SecureMailSigning"];
        assert_eq!(
            (signing.purpose, signing.min_key_bits, signing.exportable, signing.publish_to_directory),
            (Some(mailconform_fakes::adcs::contract::Use::Signing), 2048, false, true)
        );
        let e = error(&format!("{adcs}[target.adcs.template.X]\npurpose = \"both\"\n"));
        assert!(e.contains("purpose"), "{e}");
        let with = |lines: &str| adcs.replacen("\n[[", &format!("\n{lines}[["), 1);
        let dc = load(&with("directory = \"ldaps://dc.corp.example\"\nbase_dn = \"DC=corp,DC=example\"\n")).unwrap();
        assert_eq!(dc.targets[0].directory, Some(("ldaps://dc.corp.example".into(), "DC=corp,DC=example".into())));
        let e = error(&with("directory = \"ldaps://dc.corp.example\"\n"));
        assert!(e.contains("give directory and base_dn together"), "{e}");
        let e = error(&with("directory = \"dc.corp.example\"\nbase_dn = \"DC=corp\"\n"));
        assert!(e.contains("not an ldap:// or ldaps:// URL"), "{e}");
    }

    #[test]
    fn a_real_apns_declares_its_topic_and_a_phones_device_token_in_hex() {
        let apns = "[target.\"apns.sandbox\"]\nurl = \"https://api.sandbox.push.apple.com\"\ntopic = \"com.corp.mail\"\n";
        let t = &load(&format!("{apns}device_token = \"9F3C 00ab\"\n")).unwrap().targets[0];
        assert_eq!((t.topic.as_deref(), t.device_token.as_deref()), (Some("com.corp.mail"), Some("9f3c00ab")));
        assert_eq!(load(apns).unwrap().targets[0].device_token, None);
        for (written, why) in [("", "it is empty"), ("9f3g", "not hexadecimal"), ("9f3", "odd number of hex digits")] {
            let e = error(&format!("{apns}device_token = \"{written}\"\n"));
            assert!(e.contains("target \"apns.sandbox\"") && e.contains(why) && e.contains("the token the app got from APNs"), "{e}");
        }
    }

    #[test]
    fn an_ens2_declares_its_placement_its_ews_and_its_apns_team_key_whole() {
        let ens = "[target.ens]\nurl = \"https://ens.corp.example\"\nplacement = \"on-premises\"\news_via = \"seg\"\n";
        let (dir, file) = dir_with(&format!("{ens}apns_key = \"AuthKey_K1.p8\"\napns_key_id = \"K1\"\napns_team_id = \"T1\"\n"));
        std::fs::write(dir.path().join("AuthKey_K1.p8"), "-----BEGIN PRIVATE KEY-----\nMC4=\n-----END PRIVATE KEY-----\n").unwrap();
        let t = &TargetConfig::load(&file, env).unwrap().targets[0];
        assert_eq!((t.placement.as_deref(), t.ews_via.as_deref()), (Some("on-premises"), Some("seg")));
        let key = t.apns_key.as_ref().expect("a team key");
        assert!(key.path.ends_with("AuthKey_K1.p8") && key.p8.contains("PRIVATE KEY") && key.key_id == "K1" && key.team_id == "T1");
        let e = error(&format!("{ens}apns_key = \"AuthKey_K1.p8\"\n"));
        assert!(e.contains("give apns_key (the .p8 file), apns_key_id and apns_team_id together"), "{e}");
        let e = error(&format!("{ens}apns_key = \"corp-ca.pem\"\napns_key_id = \"K1\"\napns_team_id = \"T1\"\n"));
        assert!(e.contains("no PRIVATE KEY PEM block"), "{e}");
    }

    #[test]
    fn a_callback_gives_the_advertised_address_and_a_ca_with_its_key() {
        let (dir, file) = dir_with("[target.exchange]\nurl = \"https://x.example\"\n[callback]\nadvertise = \"192.0.2.10\"\nca = \"corp-ca.pem\"\nca_key = \"key.pem\"\n");
        std::fs::write(dir.path().join("key.pem"), "-----BEGIN PRIVATE KEY-----\nMC4=\n-----END PRIVATE KEY-----\n").unwrap();
        let c = TargetConfig::load(&file, env).unwrap();
        assert_eq!(c.callback.advertise.as_deref(), Some("192.0.2.10"));
        let ca = c.callback.ca.expect("a CA");
        assert!(ca.path.ends_with("corp-ca.pem") && ca.cert_pem.contains("BEGIN CERTIFICATE") && ca.key_pem.contains("PRIVATE KEY"));
        assert_eq!(load("[target.exchange]\nurl = \"https://x.example\"\n").unwrap().callback, Callback::default());
        let e = error("[target.exchange]\nurl = \"https://x.example\"\n[callback]\nca = \"corp-ca.pem\"\n");
        assert!(e.contains("[callback] ca = ") && e.contains("add ca_key"), "{e}");
        let e = error("[target.exchange]\nurl = \"https://x.example\"\n[callback]\nca = \"corp-ca.pem\"\nca_key = \"corp-ca.pem\"\n");
        assert!(e.contains("no PRIVATE KEY PEM block"), "{e}");
    }

    #[test]
    fn a_mailbox_email_is_given_or_taken_from_a_login_that_is_an_address() {
        let c = load(GOOD).unwrap();
        assert_eq!(c.targets[1].mailboxes[0].email.as_deref(), Some("alice@example.com"), "the login is an address");
        assert_eq!(c.targets[1].mailboxes[1].email, None, "bob's login is not");
        let c = load("[target.\"exchange.ews\"]\nurl = \"https://x.example/EWS/Exchange.asmx\"\n[[target.\"exchange.ews\".mailbox]]\nuser = \"bob\"\nlogin = \"CORP\\\\bob\"\nemail = \"bob@corp.example\"\npassword = \"pw\"\n").unwrap();
        assert_eq!(c.targets[0].mailboxes[0].email.as_deref(), Some("bob@corp.example"));
    }

    #[test]
    fn an_unknown_role_lists_the_known_ones() {
        let e = error("[target.\"exchange.smtp\"]\nurl = \"https://x.example\"\n");
        assert!(e.contains("targets.toml") && e.contains("unknown role `exchange.smtp`"), "{e}");
        for known in ["exchange.eas", "exchange.ews", "traveler", "listener.eu-west-1", "seg", "ens", "apns"] {
            assert!(e.contains(known), "{known} missing: {e}");
        }
    }

    #[test]
    fn an_unset_password_env_says_which_variable_to_export() {
        let e = error("[target.\"exchange.ews\"]\nurl = \"https://x.example/EWS/Exchange.asmx\"\n[[target.\"exchange.ews\".mailbox]]\nuser = \"bob\"\npassword_env = \"BOB_PASSWORD\"\n");
        assert!(e.contains("password_env = \"BOB_PASSWORD\" but BOB_PASSWORD is not set") && e.contains("\"bob\""), "{e}");
    }

    #[test]
    fn a_mailbox_needs_exactly_one_password() {
        let base = "[target.\"exchange.ews\"]\nurl = \"https://x.example/EWS/Exchange.asmx\"\n[[target.\"exchange.ews\".mailbox]]\nuser = \"bob\"\n";
        assert!(error(base).contains("no password given"));
        assert!(error(&format!("{base}password = \"a\"\npassword_env = \"ALICE_PASSWORD\"\n")).contains("both password and password_env"));
    }

    #[test]
    fn a_ca_that_cannot_be_read_or_holds_no_certificate_is_named() {
        let e = error("[target.traveler]\nurl = \"https://t.example\"\nca = \"missing.pem\"\n");
        assert!(e.contains("missing.pem: cannot read it") && e.contains("relative to the configuration file"), "{e}");
        let e = error("[target.traveler]\nurl = \"https://t.example\"\nca = \"empty.pem\"\n");
        assert!(e.contains("empty.pem: no certificate in it") && e.contains("BEGIN CERTIFICATE"), "{e}");
        let e = error("[target.traveler]\nurl = \"https://t.example\"\nca = \"corp-ca.pem\"\ninsecure = true\n");
        assert!(e.contains("both `ca` and `insecure = true`"), "{e}");
    }

    #[test]
    fn a_url_must_be_absolute_http_or_https() {
        let e = error("[target.\"exchange.eas\"]\nurl = \"ftp://mail.example.com/x\"\n");
        assert!(e.contains("the scheme is \"ftp\"") && e.contains("https://mail.example.com/Microsoft-Server-ActiveSync"), "{e}");
        let e = error("[target.\"exchange.eas\"]\nurl = \"mail.example.com\"\n");
        assert!(e.contains("no scheme"), "{e}");
        let e = error("[target.exchange]\nurl = \"https://mail.example.com/EWS/Exchange.asmx\"\n");
        assert!(e.contains("\"exchange.ews\" or \"exchange.eas\""), "{e}");
    }

    #[test]
    fn unknown_keys_versions_and_misplaced_mailboxes_are_refused() {
        let e = error("[target.traveler]\nurl = \"https://t.example\"\npasword = \"x\"\n");
        assert!(e.contains("pasword") && e.contains("password_env"), "{e}");
        let e = error("[target.traveler]\nurl = \"https://t.example\"\nversions = [\"15.0\"]\n");
        assert!(e.contains("\"15.0\" is not an ActiveSync protocol version") && e.contains("14.1"), "{e}");
        let e = error("[target.apns]\nurl = \"https://a.example\"\n[[target.apns.mailbox]]\nuser = \"a\"\npassword = \"b\"\n");
        assert!(e.contains("only EWS, ActiveSync, AD CS, identity provider (login) and KDC targets sign in or are delegated for"), "{e}");
        assert!(error("# nothing\n").contains("no target configured"));
    }

    #[test]
    fn a_kdc_is_a_kerberos_url_with_the_two_accounts_of_the_delegation() {
        let kdc = "[target.kdc]\nurl = \"kerberos://dc1.corp.example/corp.example\"\n\
                   [target.kdc.seg_account]\npassword_env = \"SEG_PW\"\n\
                   [target.kdc.exchange_account]\nspn = \"HTTP/exch.corp.example\"\npassword = \"m\"\n\
                   [[target.kdc.mailbox]]\nuser = \"alice\"\nlogin = \"alice@corp.example\"\n";
        let env = |var: &str| (var == "SEG_PW").then(|| "s".to_string());
        let t = &TargetConfig::parse(Path::new("t.toml"), kdc, env).unwrap().targets[0];
        let kcd = t.kcd.as_ref().unwrap();
        // Port 88 unless given; the realm upper case, as Kerberos writes it.
        assert_eq!((kcd.kdc.address.as_str(), kcd.kdc.realm.as_str()), ("dc1.corp.example:88", "CORP.EXAMPLE"));
        assert_eq!((kcd.seg.spn.as_str(), kcd.seg.password.as_str()), ("HTTP/seg.example.test", "s"));
        assert_eq!((kcd.exchange.spn.as_str(), kcd.exchange.password.as_str()), ("HTTP/exch.corp.example", "m"));
        // Its users need no password: SEG asks for their tickets without one.
        assert_eq!((t.mailboxes[0].login.as_str(), t.mailboxes[0].password.as_str()), ("alice@corp.example", ""));
        let e = error(&kdc.replace("kerberos://", "https://"));
        assert!(e.contains("not over HTTP") && e.contains("write kerberos://HOST[:PORT]/REALM"), "{e}");
        assert!(error(&kdc.replace("/corp.example\"", "\"")).contains("no realm"));
        let without_exchange = kdc.replace("[target.kdc.exchange_account]\nspn = \"HTTP/exch.corp.example\"\npassword = \"m\"\n", "");
        let e = TargetConfig::parse(Path::new("t.toml"), &without_exchange, env).unwrap_err().to_string();
        assert!(e.contains("no exchange_account: give Exchange's service account"), "{e}");
        assert!(error(kdc).contains("seg_account: password_env = \"SEG_PW\" but SEG_PW is not set"));
        let e = error("[target.uem]\nurl = \"https://uem.corp.example\"\n[target.uem.seg_account]\npassword = \"x\"\n");
        assert!(e.contains("seg_account is read only for kdc targets"), "{e}");
    }
}
