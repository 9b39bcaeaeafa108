//! The default world of `docs/conventions.md`: one place for the names features, reports
//! and outside tools rely on.

/// The mail domain of every built-in account; host names of the default world end in it.
pub const DOMAIN: &str = "example.test";
/// Exchange's host: EWS (`/EWS/Exchange.asmx`) and ActiveSync (`/Microsoft-Server-ActiveSync`).
pub const EXCHANGE_HOST: &str = "mail.example.test";
/// APNs production gateway (stands in for `api.push.apple.com`).
pub const APNS_HOST: &str = "api.push.apple.test";
/// APNs development gateway (stands in for `api.sandbox.push.apple.com`), for sandbox device tokens.
pub const APNS_SANDBOX_HOST: &str = "api.sandbox.push.apple.test";
/// Secure Mail's bundle ID: the `apns-topic` of the listener's pushes.
pub const APP_ID: &str = "com.example.securemail";
/// Apple developer team ID: the `iss` of the provider's ES256 token (APNs token authentication).
pub const TEAM_ID: &str = "TEAM123456";
/// APNs auth key ID: the `kid` of the provider's ES256 token.
pub const KEY_ID: &str = "KEY1234567";
/// NetBIOS domain name Exchange announces in its NTLM CHALLENGE ([MS-NLMP] 2.2.1.2).
pub const NTLM_DOMAIN: &str = "EXAMPLE";
/// The Kerberos realm of the default world.
pub const KERBEROS_REALM: &str = mailconform_auth::kerberos::DEFAULT_REALM;
/// The KDC of [`KERBEROS_REALM`] (AS and TGS exchanges, RFC 4120).
pub const KDC_HOST: &str = "kdc.example.test";
/// Exchange's service account (`HTTP/mail.example.test`): its keytab is derived from this.
pub const EXCHANGE_SERVICE_PASSWORD: &str = "mail-svc-pw";
/// SEG's service account (`HTTP/seg.example.test`), trusted to delegate to Exchange (KCD).
pub const SEG_SPN: &str = "HTTP/seg.example.test";
/// Password of SEG's service account; its keytab is derived from this.
pub const SEG_SERVICE_PASSWORD: &str = "seg-svc-pw";
/// The fake OAuth issuer of the default world (its `iss`).
pub const OAUTH_ISSUER: &str = "https://login.example.test/example.test/v2.0";
/// The application Boxer's modern authentication asks the OAuth issuer for tokens as
/// (`client_id` of the password grant).
pub const BOXER_CLIENT_ID: &str = "mailconform-boxer";
/// Host of the OAuth issuer [`OAUTH_ISSUER`] (token endpoint and JWKS).
pub const LOGIN_HOST: &str = "login.example.test";

/// Built-in mailboxes: (login, e-mail address, password).
pub const USERS: [(&str, &str, &str); 2] = [("alice", "alice@example.test", "alice-pw"), ("bob", "bob@example.test", "bob-pw")];

/// IBM Notes Traveler's host (ActiveSync under `/traveler`, on 443 and on plain-HTTP 80).
pub const TRAVELER_HOST: &str = "traveler.example.test";

/// The Domino Directory entries of the built-in users: (hierarchical name, first, last, LDAP UID).
pub const DOMINO_NAMES: [(&str, &str, &str, &str); 2] =
    [("Alice Example/Example", "Alice", "Example", "aexample"), ("Bob Example/Example", "Bob", "Sample", "bsample")];

/// Host of a simulated phone's control API.
pub fn device_host(name: &str) -> String {
    format!("{}.device.{DOMAIN}", name.to_ascii_lowercase())
}

/// SEG V2's host: the Workspace ONE side of the default world (seed 003).
pub const SEG_HOST: &str = "seg.example.test";
/// ENS2 (Email Notification Service) host, which subscribes to EWS for Boxer.
pub const ENS_HOST: &str = "ens.example.test";
/// Workspace ONE UEM console host: device compliance that SEG and ENS consult.
pub const UEM_HOST: &str = "uem.example.test";

/// Active Directory Certificate Services' host (seed 002's `https://ad.domain.com/certsrv/`).
pub const ADCS_HOST: &str = "ad.example.test";

/// NetScaler Gateway's host: the micro VPN and the background network service gateway
/// (seed 001's `gateway3.exemple.com:443`).
pub const GATEWAY_HOST: &str = "gateway.example.test";

/// Citrix Endpoint Management's host, the STA the gateway validates tickets with.
pub const XMS_HOST: &str = "xms.example.test";

/// The KDC's Kerberos port (RFC 4120 §7.2.3).
pub const KERBEROS_PORT: u16 = 88;

/// The directory's LDAP port on the domain controller (`ADCS_HOST`).
pub const LDAP_PORT: u16 = 389;

/// The directory's LDAPS port (TLS from the first byte) on the domain controller.
pub const LDAPS_PORT: u16 = 636;
/// Boxer's bundle ID, the topic of ENS's pushes.
pub const BOXER_APP_ID: &str = "com.example.boxer";

/// Host of a simulated Boxer's control API.
pub fn boxer_host(name: &str) -> String {
    format!("{}.boxer.{DOMAIN}", name.to_ascii_lowercase())
}
