//! Reading Secure Mail's policies from a document an administrator already has: the
//! `policy_metadata.xml` of the app as Endpoint Management exports it ([`xml`]), or a small TOML
//! file with the same fields in snake_case ([`toml`]), so that [`super::lint`] can check a real
//! deployment's settings against the seeds' rules before any device is enrolled.
//!
//! Both forms end in the same [`PolicyDocument`], and every value goes through the same
//! setters, so a value is accepted or refused with the same message whichever form carries it.
//! The names each form uses are in [`Key`] (and in `docs/mdx-policies.md`).

mod toml;
mod xml;

use super::policies::{NetworkPolicies, PolicyError, ServiceAddress};
use crate::securemail::eas::Platform;
use serde::Serialize;
use std::path::Path;

/// What [`super::lint::check`] looks at: the network policies, the two servers Secure Mail
/// reaches through them, the two facts about the network the LDAP rules need, and the two
/// about the mail server the Traveler rules need, which no policy records.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct PolicyDocument {
    /// The phone the policies are for. MDX apps are uploaded once per platform, and the LDAP
    /// rules differ between iOS and Android (seed 002); `None` checks both.
    pub platform: Option<Platform>,
    /// "Network access", the background services, their gateway and the ticket expiration.
    pub network: NetworkPolicies,
    /// "Secure Mail Exchange Server" as written: an FQDN, or a full URL for Notes Traveler
    /// (seed 001). `Some("")` when the policy is there but empty, which [`super::lint`] reports.
    pub exchange_server: Option<String>,
    /// The S/MIME LDAP server address Secure Mail looks public certificates up at, as written
    /// (`ldap.example.com`, `ldap.example.com:389`, `ldaps://ldap.example.com`).
    pub ldap_server: Option<String>,
    /// Whether that LDAP server is on the internal network (`false`: public). No policy says it,
    /// yet the seed's placement rules depend on it, so a document states it by hand.
    pub ldap_on_internal_network: Option<bool>,
    /// Whether split DNS is configured on Citrix ADC, which a public LDAP server needs (seed
    /// 002). A gateway setting, not an app policy: stated by hand too.
    pub split_dns: Option<bool>,
    /// The kind of server "Secure Mail Exchange Server" names: Exchange, or Notes Traveler,
    /// which serves ActiveSync at `/traveler/Microsoft-Server-ActiveSync` (seed 001). No policy
    /// says it: stated by hand.
    pub mail_server: Option<MailServer>,
    /// Whether the Traveler server's Domino Internet Site has the substitution rule
    /// `/Microsoft-Server-ActiveSync*` to `/traveler/Microsoft-Server-ActiveSync*`, through which
    /// alone a bare FQDN reaches Traveler (seed 001). A Domino setting, not an app policy: stated
    /// by hand too.
    pub traveler_substitution_rule: Option<bool>,
    /// Policies the document carries that this project does not read, by name. An export holds
    /// dozens (copy-paste, camera, VPN mode...); they are kept to be shown, never refused.
    pub other_policies: Vec<String>,
}

/// The kind of mail server Secure Mail syncs with ([`PolicyDocument::mail_server`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MailServer {
    /// Microsoft Exchange: ActiveSync at `/Microsoft-Server-ActiveSync`, which Secure Mail asks
    /// for when the policy is an FQDN.
    Exchange,
    /// IBM Notes Traveler: ActiveSync at `/traveler/Microsoft-Server-ActiveSync`.
    Traveler,
}

impl MailServer {
    /// `Exchange`, or `Traveler` (also `Notes Traveler`, `IBM Notes Traveler`, `Lotus Notes
    /// Traveler`), case-insensitive.
    pub fn parse(s: &str) -> Option<MailServer> {
        let words: Vec<String> = s.split_whitespace().map(str::to_ascii_lowercase).collect();
        match words.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["exchange"] | ["microsoft", "exchange"] => Some(MailServer::Exchange),
            ["traveler"] | ["notes", "traveler"] | ["ibm" | "lotus", "notes", "traveler"] => Some(MailServer::Traveler),
            _ => None,
        }
    }

    /// `Exchange` or `Notes Traveler`, as messages name it.
    pub fn name(self) -> &'static str {
        match self {
            MailServer::Exchange => "Exchange",
            MailServer::Traveler => "Notes Traveler",
        }
    }
}

/// An input document that cannot be read; each message says what to change.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExportError {
    /// Not well-formed XML (or not UTF-8 text).
    #[error(
        "line {line}: not well-formed XML: {message}; an MDX policy export is the app's \
         policy_metadata.xml as Endpoint Management exports it (<PolicyMetadata><Policies><Policy>...)"
    )]
    NotXml {
        /// The line the reader stopped at, from 1.
        line: usize,
        /// What the XML reader said.
        message: String,
    },
    /// Well-formed XML, but not a policy metadata document.
    #[error(
        "the root element is <{found}>, not <PolicyMetadata>: this is not an MDX app's policy_metadata.xml \
         (export the app's policies from Endpoint Management, or write the TOML form)"
    )]
    NotPolicyMetadata {
        /// The root element's name.
        found: String,
    },
    /// A policy this project reads has a value it cannot use.
    #[error("{policy}: {source}")]
    Malformed {
        /// The policy's name as the document writes it (`BackgroundServicesGateway`,
        /// `background_gateway`).
        policy: String,
        /// Why the value cannot be used.
        #[source]
        source: PolicyError,
    },
    /// Not TOML, a key the TOML form does not have, or a value of the wrong type.
    #[error("line {line}: {message}\n  the TOML form's keys are: {keys}", keys = Key::toml_names())]
    Toml {
        /// The line the TOML parser pointed at, from 1.
        line: usize,
        /// What the TOML parser said.
        message: String,
    },
}

/// The two forms a policy document comes in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Form {
    /// `policy_metadata.xml`, as Endpoint Management exports an MDX app.
    Xml,
    /// The TOML form: one key per [`Key`], in snake_case.
    Toml,
}

impl Form {
    /// The form of `bytes`, read from `path`: by its extension when it is `.xml` or `.toml`,
    /// otherwise XML when the first thing in it is `<` (exports are often saved without one).
    pub fn detect(path: Option<&Path>, bytes: &[u8]) -> Form {
        match path.and_then(Path::extension).and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("xml") => Form::Xml,
            Some("toml") => Form::Toml,
            _ => {
                let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
                match text.iter().find(|b| !b.is_ascii_whitespace()) {
                    Some(b'<') => Form::Xml,
                    _ => Form::Toml,
                }
            }
        }
    }
}

/// A value this project reads, with the name each form gives it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Key {
    /// The platform (iOS, Android).
    Platform,
    /// "Network access".
    NetworkAccess,
    /// "Background network services".
    BackgroundServices,
    /// "Background network service gateway".
    BackgroundGateway,
    /// "Background services ticket expiration".
    TicketExpiration,
    /// "Secure Mail Exchange Server".
    ExchangeServer,
    /// "S/MIME LDAP Server address".
    LdapServer,
    /// Whether the LDAP server is on the internal network (this project's own name).
    LdapOnInternalNetwork,
    /// Whether split DNS is configured on Citrix ADC (this project's own name).
    SplitDns,
    /// The kind of mail server, Exchange or Notes Traveler (this project's own name).
    MailServer,
    /// Whether the Traveler site has the ActiveSync substitution rule (this project's own name).
    TravelerSubstitutionRule,
}

impl Key {
    /// Every key, in the order the docs list them.
    pub const ALL: [Key; 11] = [
        Key::Platform,
        Key::NetworkAccess,
        Key::BackgroundServices,
        Key::BackgroundGateway,
        Key::TicketExpiration,
        Key::ExchangeServer,
        Key::LdapServer,
        Key::LdapOnInternalNetwork,
        Key::SplitDns,
        Key::MailServer,
        Key::TravelerSubstitutionRule,
    ];

    /// The `PolicyName` in `policy_metadata.xml` (or the element under `<PolicyMetadata>`).
    pub fn xml_name(self) -> &'static str {
        match self {
            Key::Platform => "Platform",
            Key::NetworkAccess => "NetworkAccess",
            Key::BackgroundServices => "BackgroundServices",
            Key::BackgroundGateway => "BackgroundServicesGateway",
            Key::TicketExpiration => "BackgroundServicesExpiration",
            Key::ExchangeServer => "ExchangeServerAddress",
            Key::LdapServer => "SMIMELDAPServerAddress",
            Key::LdapOnInternalNetwork => "LDAPServerOnInternalNetwork",
            Key::SplitDns => "SplitDNS",
            Key::MailServer => "MailServer",
            Key::TravelerSubstitutionRule => "TravelerSubstitutionRule",
        }
    }

    /// The key in the TOML form: the field's name in snake_case.
    pub fn toml_name(self) -> &'static str {
        match self {
            Key::Platform => "platform",
            Key::NetworkAccess => "network_access",
            Key::BackgroundServices => "background_services",
            Key::BackgroundGateway => "background_gateway",
            Key::TicketExpiration => "ticket_expiration_hours",
            Key::ExchangeServer => "exchange_server",
            Key::LdapServer => "ldap_server",
            Key::LdapOnInternalNetwork => "ldap_on_internal_network",
            Key::SplitDns => "split_dns",
            Key::MailServer => "mail_server",
            Key::TravelerSubstitutionRule => "traveler_substitution_rule",
        }
    }

    /// The key a `policy_metadata.xml` name stands for (case-insensitive: hand edits vary).
    pub fn from_xml_name(name: &str) -> Option<Key> {
        Key::ALL.into_iter().find(|k| k.xml_name().eq_ignore_ascii_case(name.trim()))
    }

    /// Every TOML key, for the message of a TOML file that uses another.
    fn toml_names() -> String {
        let mut names: Vec<&str> = Key::ALL.iter().map(|k| k.toml_name()).collect();
        // Not a `Key`: no export carries it. It picks the seed's reading of an unset network
        // access ([`super::policies::DefaultReading`]), listed beside `network_access`.
        names.insert(2, "default_reading");
        names.join(", ")
    }
}

impl PolicyDocument {
    /// Reads `bytes` in the given form.
    pub fn read(bytes: &[u8], form: Form) -> Result<PolicyDocument, ExportError> {
        match form {
            Form::Xml => PolicyDocument::from_xml(bytes),
            Form::Toml => PolicyDocument::from_toml(bytes),
        }
    }

    /// Reads an MDX app's `policy_metadata.xml` ([`xml`]).
    pub fn from_xml(bytes: &[u8]) -> Result<PolicyDocument, ExportError> {
        xml::read(bytes)
    }

    /// Reads the TOML form ([`toml`]).
    pub fn from_toml(bytes: &[u8]) -> Result<PolicyDocument, ExportError> {
        toml::read(bytes)
    }

    /// Where Secure Mail reaches Exchange, from "Secure Mail Exchange Server" (see
    /// [`exchange_address`]); `None` when the policy is unset, empty or unusable.
    pub fn exchange_address(&self) -> Option<ServiceAddress> {
        self.exchange_server.as_deref().filter(|s| !s.trim().is_empty()).and_then(|s| exchange_address(s).ok())
    }

    /// Where Secure Mail reaches the S/MIME LDAP server (see [`ldap_address`]).
    pub fn ldap_address(&self) -> Option<ServiceAddress> {
        self.ldap_server.as_deref().filter(|s| !s.trim().is_empty()).and_then(|s| ldap_address(s).ok())
    }

    /// Sets the value of `key` from text, as `policy_metadata.xml` carries every value; `name`
    /// is the policy's name as written, for the error. An empty value leaves the policy at its
    /// default, except "Secure Mail Exchange Server", whose emptiness is worth reporting.
    fn set_text(&mut self, key: Key, name: &str, value: &str) -> Result<(), ExportError> {
        let malformed = |source| ExportError::Malformed { policy: name.to_string(), source };
        let value = value.trim();
        if value.is_empty() && key != Key::ExchangeServer {
            return Ok(());
        }
        match key {
            Key::Platform => self.platform = Some(platform(value).map_err(malformed)?),
            Key::NetworkAccess => self.network.network_access = Some(value.parse().map_err(malformed)?),
            Key::BackgroundServices => self.set_services(name, value.split([',', '\n', '\r']))?,
            Key::BackgroundGateway => self.network.background_gateway = Some(value.parse().map_err(malformed)?),
            Key::TicketExpiration => {
                self.network.ticket_expiration_hours =
                    value.parse().map_err(|_| malformed(PolicyError::BadHours { value: value.to_string() }))?
            }
            Key::ExchangeServer => self.set_exchange(name, value)?,
            Key::LdapServer => self.set_ldap(name, value)?,
            Key::LdapOnInternalNetwork => self.ldap_on_internal_network = Some(flag(key, value).map_err(malformed)?),
            Key::SplitDns => self.split_dns = Some(flag(key, value).map_err(malformed)?),
            Key::MailServer => self.mail_server = Some(mail_server(value).map_err(malformed)?),
            Key::TravelerSubstitutionRule => self.traveler_substitution_rule = Some(flag(key, value).map_err(malformed)?),
        }
        Ok(())
    }

    /// Sets the background services from their items; blank items are skipped (a trailing
    /// comma, an empty line).
    fn set_services<'a>(&mut self, name: &str, items: impl IntoIterator<Item = &'a str>) -> Result<(), ExportError> {
        self.network.background_services = items
            .into_iter()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse().map_err(|source| ExportError::Malformed { policy: name.to_string(), source }))
            .collect::<Result<_, _>>()?;
        Ok(())
    }

    /// Sets "Secure Mail Exchange Server", refusing a value no host can be taken from.
    fn set_exchange(&mut self, name: &str, value: &str) -> Result<(), ExportError> {
        let value = value.trim();
        if !value.is_empty() {
            exchange_address(value).map_err(|source| ExportError::Malformed { policy: name.to_string(), source })?;
        }
        self.exchange_server = Some(value.to_string());
        Ok(())
    }

    /// Sets the S/MIME LDAP server address, refusing a value no host can be taken from.
    fn set_ldap(&mut self, name: &str, value: &str) -> Result<(), ExportError> {
        let value = value.trim();
        ldap_address(value).map_err(|source| ExportError::Malformed { policy: name.to_string(), source })?;
        self.ldap_server = Some(value.to_string());
        Ok(())
    }
}

/// The platform a document names: `iOS` or `Android` (any case; `iPhone` too).
fn platform(value: &str) -> Result<Platform, PolicyError> {
    Platform::parse(value).ok_or_else(|| PolicyError::UnknownValue {
        policy: "Platform",
        value: value.to_string(),
        allowed: "iOS, Android",
    })
}

/// The kind of mail server a document names: `Exchange` or `Traveler` ([`MailServer::parse`]).
fn mail_server(value: &str) -> Result<MailServer, PolicyError> {
    MailServer::parse(value).ok_or_else(|| PolicyError::UnknownValue {
        policy: "MailServer",
        value: value.to_string(),
        allowed: "Exchange, Traveler",
    })
}

/// A yes/no fact stated by hand: `true`/`false` (also `yes`/`no`, `1`/`0`).
fn flag(key: Key, value: &str) -> Result<bool, PolicyError> {
    match value.trim().to_ascii_lowercase().as_str() {
        "true" | "yes" | "1" => Ok(true),
        "false" | "no" | "0" => Ok(false),
        _ => Err(PolicyError::UnknownValue { policy: key.xml_name(), value: value.to_string(), allowed: "true, false" }),
    }
}

/// The `host:port` Secure Mail connects to for a "Secure Mail Exchange Server" value: an FQDN
/// is reached on 443 (Exchange's SSL port, seed 001), `host:port` as written, and a URL (the
/// Notes Traveler form `https://mail.example.com/traveler/Microsoft-Server-ActiveSync`) at its
/// host and port, 443 for `https` and 80 for `http` unless it names one.
pub fn exchange_address(value: &str) -> Result<ServiceAddress, PolicyError> {
    server_address(value, &[("https", 443), ("http", 80)], 443).ok_or_else(|| PolicyError::UnknownValue {
        policy: "Secure Mail Exchange Server",
        value: value.to_string(),
        allowed:
            "an FQDN such as mail.example.com, host:port, or a URL such as https://mail.example.com/traveler/Microsoft-Server-ActiveSync",
    })
}

/// The `host:port` of an S/MIME LDAP server address: `ldap://` and a bare host on 389,
/// `ldaps://` on 636, unless the value names a port.
pub fn ldap_address(value: &str) -> Result<ServiceAddress, PolicyError> {
    server_address(value, &[("ldap", 389), ("ldaps", 636)], 389).ok_or_else(|| PolicyError::UnknownValue {
        policy: "S/MIME LDAP server address",
        value: value.to_string(),
        allowed: "a host such as ldap.example.com, host:port, or a URL such as ldaps://ldap.example.com",
    })
}

/// The host and port of `value`, a bare host, `host:port` or `scheme://host[:port][/path]`
/// with a scheme of `schemes` (each with its default port); `None` when it is none of these.
fn server_address(value: &str, schemes: &[(&str, u16)], bare_port: u16) -> Option<ServiceAddress> {
    let value = value.trim();
    let (rest, default_port) = match value.split_once("://") {
        Some((scheme, rest)) => {
            let port = schemes.iter().find(|(s, _)| s.eq_ignore_ascii_case(scheme)).map(|(_, p)| *p)?;
            (rest, port)
        }
        None => (value, bare_port),
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
    let authority = authority.rsplit_once('@').map_or(authority, |(_, host)| host);
    let (host, port) = match authority.rsplit_once(':') {
        Some((host, port)) => (host, port.parse().ok()?),
        None => (authority, default_port),
    };
    let valid = |c: char| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_');
    if host.is_empty() || !host.chars().all(valid) || port == 0 {
        return None;
    }
    Some(ServiceAddress::new(host, port))
}

/// The line (from 1) of byte `offset` in `bytes`.
fn line_of(bytes: &[u8], offset: usize) -> usize {
    1 + bytes.iter().take(offset).filter(|&&b| b == b'\n').count()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdx::DEFAULT_TICKET_HOURS;

    #[test]
    fn the_exchange_server_is_reached_at_the_fqdn_on_443_or_at_the_urls_host_and_port() {
        for (value, host, port) in [
            ("mail.example.com", "mail.example.com", 443),
            ("Mail.Example.com:8443", "mail.example.com", 8443),
            ("https://mail.example.com/traveler/Microsoft-Server-ActiveSync", "mail.example.com", 443),
            ("https://mail.example.com:4443/Microsoft-Server-ActiveSync", "mail.example.com", 4443),
            ("http://traveler.example.com/traveler", "traveler.example.com", 80),
            ("HTTPS://mail.example.com", "mail.example.com", 443),
        ] {
            assert_eq!(exchange_address(value), Ok(ServiceAddress::new(host, port)), "{value}");
        }
        for bad in ["", "https://", "ftp://mail.example.com", "mail.example.com:https", "a b", "https://:443/x"] {
            assert!(matches!(exchange_address(bad), Err(PolicyError::UnknownValue { .. })), "{bad}");
        }
    }

    #[test]
    fn ldap_servers_default_to_389_and_ldaps_to_636() {
        assert_eq!(ldap_address("ldap.example.com"), Ok(ServiceAddress::new("ldap.example.com", 389)));
        assert_eq!(ldap_address("ldap://ad.example.com"), Ok(ServiceAddress::new("ad.example.com", 389)));
        assert_eq!(ldap_address("ldaps://ad.example.com"), Ok(ServiceAddress::new("ad.example.com", 636)));
        assert_eq!(ldap_address("ad.example.com:3268"), Ok(ServiceAddress::new("ad.example.com", 3268)));
        assert!(ldap_address("https://ad.example.com").is_err());
    }

    #[test]
    fn the_form_follows_the_extension_then_the_first_character() {
        assert_eq!(Form::detect(Some(Path::new("a.XML")), b"x = 1"), Form::Xml);
        assert_eq!(Form::detect(Some(Path::new("a.toml")), b"<x/>"), Form::Toml);
        assert_eq!(Form::detect(Some(Path::new("policy_metadata")), b"\xEF\xBB\xBF  <PolicyMetadata/>"), Form::Xml);
        assert_eq!(Form::detect(None, b"network_access = \"tunneled\""), Form::Toml);
    }

    #[test]
    fn xml_names_are_found_without_case_and_every_key_has_two_names() {
        assert_eq!(Key::from_xml_name("backgroundservicesgateway"), Some(Key::BackgroundGateway));
        assert_eq!(Key::from_xml_name("CopyPaste"), None);
        for k in Key::ALL {
            assert_eq!(Key::from_xml_name(k.xml_name()), Some(k));
            assert!(k.toml_name().chars().all(|c| c.is_ascii_lowercase() || c == '_'), "{}", k.toml_name());
        }
    }

    #[test]
    fn an_empty_value_leaves_the_default_but_an_empty_exchange_server_is_kept() {
        let mut d = PolicyDocument::default();
        d.set_text(Key::TicketExpiration, "BackgroundServicesExpiration", " ").unwrap();
        d.set_text(Key::BackgroundGateway, "BackgroundServicesGateway", "").unwrap();
        d.set_text(Key::ExchangeServer, "ExchangeServerAddress", "").unwrap();
        assert_eq!(d.network.ticket_expiration_hours, DEFAULT_TICKET_HOURS);
        assert_eq!(d.network.background_gateway, None);
        assert_eq!(d.exchange_server.as_deref(), Some(""));
        assert_eq!(d.exchange_address(), None);
    }

    #[test]
    fn a_zero_hour_expiration_is_read_for_the_lint_to_report() {
        let mut d = PolicyDocument::default();
        d.set_text(Key::TicketExpiration, "BackgroundServicesExpiration", "0").unwrap();
        assert_eq!(d.network.ticket_expiration_hours, 0);
        let e = d.set_text(Key::TicketExpiration, "BackgroundServicesExpiration", "-1").unwrap_err();
        assert!(
            matches!(&e, ExportError::Malformed { policy, source: PolicyError::BadHours { .. } } if policy == "BackgroundServicesExpiration")
        );
    }

    #[test]
    fn flags_and_platforms_name_what_they_accept() {
        let mut d = PolicyDocument::default();
        d.set_text(Key::Platform, "Platform", "android").unwrap();
        d.set_text(Key::SplitDns, "SplitDNS", "Yes").unwrap();
        assert_eq!((d.platform, d.split_dns), (Some(Platform::Android), Some(true)));
        let e = d.set_text(Key::Platform, "Platform", "Windows Phone").unwrap_err();
        assert!(e.to_string().contains("iOS, Android"), "{e}");
        let e = d.set_text(Key::LdapOnInternalNetwork, "LDAPServerOnInternalNetwork", "maybe").unwrap_err();
        assert!(e.to_string().starts_with("LDAPServerOnInternalNetwork: \"maybe\""), "{e}");
    }

    #[test]
    fn the_mail_server_is_exchange_or_traveler_by_any_of_its_names() {
        for (value, server) in [
            ("Exchange", MailServer::Exchange),
            ("microsoft  exchange", MailServer::Exchange),
            ("traveler", MailServer::Traveler),
            ("Notes Traveler", MailServer::Traveler),
            ("IBM Notes Traveler", MailServer::Traveler),
            ("Lotus Notes Traveler", MailServer::Traveler),
        ] {
            assert_eq!(MailServer::parse(value), Some(server), "{value}");
        }
        let mut d = PolicyDocument::default();
        d.set_text(Key::MailServer, "mail_server", " TRAVELER ").unwrap();
        d.set_text(Key::TravelerSubstitutionRule, "TravelerSubstitutionRule", "no").unwrap();
        assert_eq!((d.mail_server, d.traveler_substitution_rule), (Some(MailServer::Traveler), Some(false)));
        let e = d.set_text(Key::MailServer, "MailServer", "Domino").unwrap_err();
        assert!(e.to_string().starts_with("MailServer: \"Domino\"") && e.to_string().contains("Exchange, Traveler"), "{e}");
    }
}
