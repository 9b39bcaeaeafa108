//! The default world of `docs/conventions.md`: one place for the names features, reports
//! and outside tools rely on.

pub const DOMAIN: &str = "example.test";
pub const EXCHANGE_HOST: &str = "mail.example.test";
pub const APNS_HOST: &str = "api.push.apple.test";
pub const APNS_SANDBOX_HOST: &str = "api.sandbox.push.apple.test";
pub const APP_ID: &str = "com.example.securemail";
pub const TEAM_ID: &str = "TEAM123456";
pub const KEY_ID: &str = "KEY1234567";
pub const NTLM_DOMAIN: &str = "EXAMPLE";
/// The Kerberos realm of the default world, and its KDC's host.
pub const KERBEROS_REALM: &str = mailconform_auth::kerberos::DEFAULT_REALM;
pub const KDC_HOST: &str = "kdc.example.test";
/// Exchange's service account (`HTTP/mail.example.test`): its keytab is derived from this.
pub const EXCHANGE_SERVICE_PASSWORD: &str = "mail-svc-pw";
/// SEG's service account (`HTTP/seg.example.test`), trusted to delegate to Exchange (KCD).
pub const SEG_SPN: &str = "HTTP/seg.example.test";
pub const SEG_SERVICE_PASSWORD: &str = "seg-svc-pw";
/// The fake OAuth issuer of the default world (its `iss`), and its host.
pub const OAUTH_ISSUER: &str = "https://login.example.test/example.test/v2.0";
pub const LOGIN_HOST: &str = "login.example.test";

/// Built-in mailboxes: (login, e-mail address, password).
pub const USERS: [(&str, &str, &str); 2] = [("alice", "alice@example.test", "alice-pw"), ("bob", "bob@example.test", "bob-pw")];

pub const TRAVELER_HOST: &str = "traveler.example.test";

/// The Domino Directory entries of the built-in users: (hierarchical name, first, last, LDAP UID).
pub const DOMINO_NAMES: [(&str, &str, &str, &str); 2] =
    [("Alice Example/Example", "Alice", "Example", "aexample"), ("Bob Example/Example", "Bob", "Sample", "bsample")];

/// Host of a simulated phone's control API.
pub fn device_host(name: &str) -> String {
    format!("{}.device.{DOMAIN}", name.to_ascii_lowercase())
}

/// The Workspace ONE side of the default world (seed 003).
pub const SEG_HOST: &str = "seg.example.test";
pub const ENS_HOST: &str = "ens.example.test";
pub const UEM_HOST: &str = "uem.example.test";
/// Boxer's bundle ID, the topic of ENS's pushes.
pub const BOXER_APP_ID: &str = "com.example.boxer";

/// Host of a simulated Boxer's control API.
pub fn boxer_host(name: &str) -> String {
    format!("{}.boxer.{DOMAIN}", name.to_ascii_lowercase())
}
