//! The TOML form: the fields of [`PolicyDocument`] as top-level keys in snake_case, for a
//! deployment written down by hand (or in a repository) rather than exported:
//!
//! ```toml
//! platform = "iOS"
//! network_access = "Tunneled to the internal network"
//! background_services = ["mail.example.com:443"]
//! background_gateway = "gateway3.example.com:443"
//! ticket_expiration_hours = 168
//! exchange_server = "mail.example.com"
//! ```
//!
//! Unlike an export, the file is written by a person, so a key it does not know is refused
//! (a misspelt `network_acess` would otherwise be checked as unset). Values are the same text
//! the XML form takes and go through the same setters; `background_services` may also be one
//! comma-separated string, as the console shows it.

use super::{line_of, ExportError, Key, PolicyDocument};
use crate::mdx::policies::{DefaultReading, PolicyError};
use serde::Deserialize;

/// The file as TOML gives it, before the values are checked.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    platform: Option<String>,
    network_access: Option<String>,
    default_reading: Option<DefaultReading>,
    background_services: Option<Services>,
    background_gateway: Option<String>,
    ticket_expiration_hours: Option<i64>,
    exchange_server: Option<String>,
    ldap_server: Option<String>,
    ldap_on_internal_network: Option<bool>,
    split_dns: Option<bool>,
    mail_server: Option<String>,
    traveler_substitution_rule: Option<bool>,
}

/// `background_services`: a list, or one string as the console shows it.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Services {
    List(Vec<String>),
    Text(String),
}

/// Reads the TOML form.
pub(super) fn read(bytes: &[u8]) -> Result<PolicyDocument, ExportError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ExportError::Toml { line: line_of(bytes, e.valid_up_to()), message: format!("not UTF-8 text ({e})") })?;
    let raw: Raw = ::toml::from_str(text).map_err(|e| ExportError::Toml {
        line: e.span().map_or(1, |span| line_of(text.as_bytes(), span.start)),
        message: e.message().trim_end().to_string(),
    })?;
    let mut doc = PolicyDocument::default();
    let text_values = [
        (Key::Platform, raw.platform),
        (Key::NetworkAccess, raw.network_access),
        (Key::BackgroundGateway, raw.background_gateway),
        (Key::ExchangeServer, raw.exchange_server),
        (Key::LdapServer, raw.ldap_server),
        (Key::MailServer, raw.mail_server),
    ];
    for (key, value) in text_values {
        if let Some(value) = value {
            doc.set_text(key, key.toml_name(), &value)?;
        }
    }
    if let Some(reading) = raw.default_reading {
        doc.network.default_reading = reading;
    }
    match raw.background_services {
        Some(Services::List(items)) => doc.set_services(Key::BackgroundServices.toml_name(), items.iter().map(String::as_str))?,
        Some(Services::Text(text)) => doc.set_text(Key::BackgroundServices, Key::BackgroundServices.toml_name(), &text)?,
        None => {}
    }
    if let Some(hours) = raw.ticket_expiration_hours {
        doc.network.ticket_expiration_hours = u32::try_from(hours).map_err(|_| ExportError::Malformed {
            policy: Key::TicketExpiration.toml_name().to_string(),
            source: PolicyError::BadHours { value: hours.to_string() },
        })?;
    }
    doc.ldap_on_internal_network = raw.ldap_on_internal_network;
    doc.split_dns = raw.split_dns;
    doc.traveler_substitution_rule = raw.traveler_substitution_rule;
    Ok(doc)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdx::export::MailServer;
    use crate::mdx::{NetworkAccess, ServiceAddress};
    use crate::securemail::eas::Platform;
    use proptest::prelude::*;

    #[test]
    fn every_key_reads_into_its_field() {
        let doc = read(
            br#"
platform = "Android"
network_access = "NetworkAccessTunneled"
default_reading = "unrestricted"
background_services = ["mail.example.com:443", "ad.example.com: 389"]
background_gateway = "gateway3.example.com:443"
ticket_expiration_hours = 24
exchange_server = "https://mail.example.com/traveler/Microsoft-Server-ActiveSync"
ldap_server = "ad.example.com"
ldap_on_internal_network = true
split_dns = false
mail_server = "Traveler"
traveler_substitution_rule = true
"#,
        )
        .unwrap();
        assert_eq!(doc.platform, Some(Platform::Android));
        assert_eq!(doc.network.network_access, Some(NetworkAccess::Tunneled));
        assert_eq!(doc.network.default_reading, DefaultReading::Unrestricted);
        assert_eq!(doc.network.background_services[1], ServiceAddress::new("ad.example.com", 389));
        assert_eq!(doc.network.ticket_expiration_hours, 24);
        assert_eq!(doc.exchange_address(), Some(ServiceAddress::new("mail.example.com", 443)));
        assert_eq!(doc.ldap_address(), Some(ServiceAddress::new("ad.example.com", 389)));
        assert_eq!((doc.ldap_on_internal_network, doc.split_dns), (Some(true), Some(false)));
        assert_eq!((doc.mail_server, doc.traveler_substitution_rule), (Some(MailServer::Traveler), Some(true)));
    }

    #[test]
    fn services_may_be_one_string_and_nothing_is_required() {
        let doc = read(b"background_services = \"mail.example.com:443, ews.example.com:443\"").unwrap();
        assert_eq!(doc.network.background_services.len(), 2);
        assert_eq!(read(b"").unwrap(), PolicyDocument::default());
    }

    #[test]
    fn a_misspelt_key_is_refused_with_its_line_and_the_keys_there_are() {
        let e = read(b"platform = \"iOS\"\nnetwork_acess = \"Blocked\"\n").unwrap_err();
        assert!(matches!(&e, ExportError::Toml { line: 2, message } if message.contains("network_acess")), "{e:?}");
        assert!(e.to_string().contains("network_access, default_reading, background_services"), "{e}");
        let e = read(b"\n\nticket_expiration_hours = \"a week\"").unwrap_err();
        assert!(matches!(e, ExportError::Toml { line: 3, .. }), "{e:?}");
        assert!(matches!(read(b"= ="), Err(ExportError::Toml { line: 1, .. })));
    }

    #[test]
    fn bad_values_name_their_key() {
        let e = read(b"ticket_expiration_hours = -3").unwrap_err();
        assert_eq!(
            e.to_string(),
            "ticket_expiration_hours: \"-3\" is not a number of hours of at least 1 for the background services ticket expiration"
        );
        let e = read(b"background_services = [\"mail.example.com\"]").unwrap_err();
        assert!(matches!(&e, ExportError::Malformed { policy, .. } if policy == "background_services"), "{e:?}");
        let e = read(b"mail_server = \"Domino\"").unwrap_err();
        assert!(e.to_string().starts_with("mail_server: \"Domino\" is not a value of MailServer (one of: Exchange, Traveler)"), "{e}");
        assert!(matches!(read(b"traveler_substitution_rule = \"yes\""), Err(ExportError::Toml { line: 1, .. })));
        let e = read(b"exchange_server = \"ftp://mail.example.com\"").unwrap_err();
        assert!(
            e.to_string().starts_with("exchange_server: \"ftp://mail.example.com\" is not a value of Secure Mail Exchange Server"),
            "{e}"
        );
    }

    proptest! {
        #[test]
        fn any_text_is_read_without_panicking(s in ".*") {
            let _ = read(s.as_bytes());
        }
    }
}
