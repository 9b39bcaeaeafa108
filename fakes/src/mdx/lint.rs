//! The seeds' rules between Secure Mail's policies, checked on a [`PolicyDocument`] before a
//! device ever sees it: a background service list that cannot take effect, a gateway mail does
//! not use, an LDAP server placed where the seed says users get authentication prompts, a Notes
//! Traveler server named by a bare FQDN its Domino site cannot serve.
//!
//! Each [`Rule`] has a stable id (its serde name, used by `mailconform check` and its JSON) and
//! the seed section it comes from, as a tag of the form the features' `@source:` tags use
//! (`docs/sources.md`). An error breaks something the seed describes; a warning is a setting
//! that works but does nothing, or that the document does not say enough to check. Every
//! message ends with what to change.

use super::export::{MailServer, PolicyDocument};
use super::policies::{DefaultReading, NetworkAccess, NetworkPolicies, ServiceAddress};
use crate::securemail::eas::Platform;
use crate::traveler::{STANDARD_EAS_PATH, TRAVELER_EAS_PATH};
use serde::{Deserialize, Serialize};
use std::fmt;

/// "Si vous configurez la stratégie Services réseau d’arrière-plan, définissez également la
/// stratégie Accès réseau sur Tunnélisé vers le réseau interne." (seed 001)
const BACKGROUND_SERVICES: &str = "001.network-policies.background-services";
/// "Si vous configurez une autre adresse de passerelle, définissez la stratégie Accès réseau sur
/// Tunnélisé vers le réseau interne." (seed 001)
const BACKGROUND_GATEWAY: &str = "001.network-policies.background-gateway";
/// "Expiration du ticket des services d’arrière-plan": how long a ticket stays valid (seed 001).
const TICKET_EXPIRATION: &str = "001.network-policies.ticket-expiration";
/// "Stratégies pour un accès STA à un serveur de messagerie :": tunneled, the mail server as
/// background service, the gateway set (seed 001).
const CONNECTION_TYPES: &str = "001.connection-types";
/// "définissez la stratégie Secure Mail Exchange Server sur le nom de domaine complet (FQDN)"
/// (seed 001), and its paragraph on the full path of a Notes Traveler server: "Il n’est plus
/// nécessaire de configurer votre annuaire Domino avec des règles de remplacement de site Web
/// pour le serveur Traveler."
const SECURE_MAIL_POLICIES: &str = "001.secure-mail-policies";
/// "Configuration de sources de certificat public", its bullets on where LDAP servers sit
/// (seed 002).
const LDAP_PLACEMENT: &str = "002.public-certificate-sources.network";

/// A rule [`check`] applies. The serde name is the rule's id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Rule {
    /// Background services listed while network access is not tunneled: they have no effect.
    BackgroundServicesNotTunneled,
    /// A background gateway set while network access is not tunneled: it has no effect.
    BackgroundGatewayNotTunneled,
    /// A background gateway with no background service: no connection goes through it.
    BackgroundGatewayWithoutServices,
    /// Background services with no gateway: they stay in the micro VPN.
    BackgroundServicesWithoutGateway,
    /// A ticket expiration of 0 hours: every ticket is expired when issued.
    TicketExpirationZero,
    /// "Secure Mail Exchange Server" unset or empty: nothing to sync with.
    ExchangeServerEmpty,
    /// A Notes Traveler server named by a bare FQDN (Secure Mail asks for the standard
    /// ActiveSync path) while the Domino site's substitution rule is not known to be there.
    TravelerFqdnWithoutSubstitution,
    /// A Notes Traveler server named by a URL whose path is not Traveler's ActiveSync path.
    TravelerUrlPath,
    /// A gateway in effect, but the Exchange server is not among the background services: mail
    /// does not take the STA path.
    ExchangeServerNotBackgroundService,
    /// An internal LDAP server on iOS with a background gateway in effect: frequent
    /// authentication prompts.
    InternalLdapIosGateway,
    /// An internal LDAP server on Android whose address is not among the background services.
    InternalLdapAndroidNotListed,
    /// A public LDAP server while network access is not tunneled.
    PublicLdapNotTunneled,
    /// A public LDAP server without split DNS on Citrix ADC.
    PublicLdapWithoutSplitDns,
    /// An LDAP server whose placement (public or internal) the document does not state.
    LdapPlacementUnknown,
}

impl Rule {
    /// Every rule, in the order [`check`] reports them.
    pub const ALL: [Rule; 14] = [
        Rule::BackgroundServicesNotTunneled,
        Rule::BackgroundGatewayNotTunneled,
        Rule::BackgroundGatewayWithoutServices,
        Rule::BackgroundServicesWithoutGateway,
        Rule::TicketExpirationZero,
        Rule::ExchangeServerEmpty,
        Rule::TravelerFqdnWithoutSubstitution,
        Rule::TravelerUrlPath,
        Rule::ExchangeServerNotBackgroundService,
        Rule::InternalLdapIosGateway,
        Rule::InternalLdapAndroidNotListed,
        Rule::PublicLdapNotTunneled,
        Rule::PublicLdapWithoutSplitDns,
        Rule::LdapPlacementUnknown,
    ];

    /// The rule's id, as serde writes it.
    pub fn id(self) -> &'static str {
        match self {
            Rule::BackgroundServicesNotTunneled => "background_services_not_tunneled",
            Rule::BackgroundGatewayNotTunneled => "background_gateway_not_tunneled",
            Rule::BackgroundGatewayWithoutServices => "background_gateway_without_services",
            Rule::BackgroundServicesWithoutGateway => "background_services_without_gateway",
            Rule::TicketExpirationZero => "ticket_expiration_zero",
            Rule::ExchangeServerEmpty => "exchange_server_empty",
            Rule::TravelerFqdnWithoutSubstitution => "traveler_fqdn_without_substitution",
            Rule::TravelerUrlPath => "traveler_url_path",
            Rule::ExchangeServerNotBackgroundService => "exchange_server_not_background_service",
            Rule::InternalLdapIosGateway => "internal_ldap_ios_gateway",
            Rule::InternalLdapAndroidNotListed => "internal_ldap_android_not_listed",
            Rule::PublicLdapNotTunneled => "public_ldap_not_tunneled",
            Rule::PublicLdapWithoutSplitDns => "public_ldap_without_split_dns",
            Rule::LdapPlacementUnknown => "ldap_placement_unknown",
        }
    }

    /// The seed section the rule comes from, as a source tag without `@source:`.
    pub fn source(self) -> &'static str {
        match self {
            Rule::BackgroundServicesNotTunneled => BACKGROUND_SERVICES,
            Rule::BackgroundGatewayNotTunneled => BACKGROUND_GATEWAY,
            Rule::BackgroundGatewayWithoutServices | Rule::BackgroundServicesWithoutGateway | Rule::ExchangeServerNotBackgroundService => {
                CONNECTION_TYPES
            }
            Rule::TicketExpirationZero => TICKET_EXPIRATION,
            Rule::ExchangeServerEmpty | Rule::TravelerFqdnWithoutSubstitution | Rule::TravelerUrlPath => SECURE_MAIL_POLICIES,
            Rule::InternalLdapIosGateway
            | Rule::InternalLdapAndroidNotListed
            | Rule::PublicLdapNotTunneled
            | Rule::PublicLdapWithoutSplitDns
            | Rule::LdapPlacementUnknown => LDAP_PLACEMENT,
        }
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// How much a finding matters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The configuration breaks what the seed describes; `mailconform check` fails.
    Error,
    /// A setting with no effect, or one the document does not say enough to check.
    Warning,
}

impl Severity {
    /// `error` or `warning`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// One problem [`check`] found.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    /// The rule broken.
    pub rule: Rule,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, why it matters and, last, what to change, with the document's own values.
    pub message: String,
    /// The seed section the rule comes from ([`Rule::source`]).
    pub source: &'static str,
}

impl Finding {
    fn new(rule: Rule, severity: Severity, message: String) -> Finding {
        Finding { rule, severity, message, source: rule.source() }
    }
}

/// `error[rule_id]: message (source: tag)`.
impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}[{}]: {} (source: {})", self.severity.as_str(), self.rule, self.message, self.source)
    }
}

/// Checks `doc` against every [`Rule`]; the findings come in the order of [`Rule::ALL`].
pub fn check(doc: &PolicyDocument) -> Vec<Finding> {
    let mut out = Vec::new();
    background(doc, &mut out);
    exchange(doc, &mut out);
    ldap(doc, &mut out);
    out
}

/// The background services and their gateway against network access and each other, and the
/// ticket they use.
fn background(doc: &PolicyDocument, out: &mut Vec<Finding>) {
    let net = &doc.network;
    let tunneled = net.access() == NetworkAccess::Tunneled;
    let access = access_text(net);
    let services = list(&net.background_services);
    if !tunneled && !net.background_services.is_empty() {
        out.push(Finding::new(
            Rule::BackgroundServicesNotTunneled,
            Severity::Error,
            format!(
                "background network services lists {services} but network access is {access}: the list takes effect only when \
                 network access is \"Tunneled to the internal network\"; set network access to it, or clear the list"
            ),
        ));
    }
    if let Some(gateway) = net.background_gateway.as_ref().filter(|_| !tunneled) {
        out.push(Finding::new(
            Rule::BackgroundGatewayNotTunneled,
            Severity::Error,
            format!(
                "background network service gateway is {gateway} but network access is {access}: the gateway takes effect only when \
                 network access is \"Tunneled to the internal network\"; set network access to it, or clear the gateway"
            ),
        ));
    }
    if let Some(gateway) = net.background_gateway.as_ref().filter(|_| tunneled && net.background_services.is_empty()) {
        let example =
            doc.exchange_address().map_or_else(|| "the Exchange server's host:port (mail.example.com:443)".to_string(), |a| a.to_string());
        out.push(Finding::new(
            Rule::BackgroundGatewayWithoutServices,
            Severity::Warning,
            format!(
                "background network service gateway is {gateway} but no background network service is listed: no connection goes \
                 through it; list {example} in background network services for STA, or clear the gateway"
            ),
        ));
    }
    if tunneled && net.background_gateway.is_none() && !net.background_services.is_empty() {
        out.push(Finding::new(
            Rule::BackgroundServicesWithoutGateway,
            Severity::Warning,
            format!(
                "background network services lists {services} but no background network service gateway is set: they go through the \
                 micro VPN like every other connection, not through STA; set the gateway (for example gateway3.example.com:443), \
                 or clear the list"
            ),
        ));
    }
    if net.ticket_expiration_hours == 0 {
        out.push(Finding::new(
            Rule::TicketExpirationZero,
            Severity::Error,
            "background services ticket expiration is 0 hours: every ticket has expired when it is issued, so users must log on again \
             for each background connection; set a number of hours (the default is 168, 7 days)"
                .to_string(),
        ));
    }
}

/// "Secure Mail Exchange Server": set, at the path a Traveler server serves, and on the STA path
/// when a gateway is in effect.
fn exchange(doc: &PolicyDocument, out: &mut Vec<Finding>) {
    let fix = "set it to the Exchange server's FQDN (mail.example.com) or, for Notes Traveler, the full URL \
               (https://mail.example.com/traveler/Microsoft-Server-ActiveSync)";
    match doc.exchange_server.as_deref().map(str::trim) {
        None => out.push(Finding::new(
            Rule::ExchangeServerEmpty,
            Severity::Error,
            format!("Secure Mail Exchange Server is not set: Secure Mail has no server to sync mail, calendar and contacts with; {fix}"),
        )),
        Some("") => out.push(Finding::new(
            Rule::ExchangeServerEmpty,
            Severity::Error,
            format!("Secure Mail Exchange Server is empty: Secure Mail has no server to sync mail, calendar and contacts with; {fix}"),
        )),
        Some(_) => {}
    }
    traveler(doc, out);
    let effective = doc.network.effective();
    let (Some(gateway), Some(address)) = (&effective.background_gateway, doc.exchange_address()) else { return };
    if !effective.background_services.is_empty() && !effective.is_background_service(&address.host, address.port) {
        out.push(Finding::new(
            Rule::ExchangeServerNotBackgroundService,
            Severity::Error,
            format!(
                "the background network service gateway {gateway} is in effect but Secure Mail reaches Exchange at {address}, which is \
                 not among the background network services ({}): mail goes through the micro VPN, not the STA path; add {address} \
                 to background network services",
                list(&effective.background_services)
            ),
        ));
    }
}

/// "Secure Mail Exchange Server" for a Notes Traveler server (seed 001): Traveler serves
/// ActiveSync at `/traveler/Microsoft-Server-ActiveSync`; a bare FQDN makes Secure Mail ask
/// for `/Microsoft-Server-ActiveSync`, which reaches Traveler only through a Domino website
/// substitution rule, the setup the full path made unnecessary.
fn traveler(doc: &PolicyDocument, out: &mut Vec<Finding>) {
    if doc.mail_server != Some(MailServer::Traveler) {
        return;
    }
    let Some(value) = doc.exchange_server.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { return };
    let Some(address) = doc.exchange_address() else { return };
    let full = traveler_url(value, &address);
    let path = exchange_path(value);
    if path.is_empty() || path.eq_ignore_ascii_case(STANDARD_EAS_PATH) {
        let rule = match doc.traveler_substitution_rule {
            Some(true) => return,
            Some(false) => "the document says the Traveler site has none",
            None => "the document does not say the Traveler site has one",
        };
        let kind = match (path.is_empty(), value.contains("://")) {
            (true, false) => "a bare FQDN",
            (true, true) => "a URL without a path",
            (false, _) => "a URL to the standard ActiveSync path",
        };
        out.push(Finding::new(
            Rule::TravelerFqdnWithoutSubstitution,
            Severity::Error,
            format!(
                "Secure Mail Exchange Server is {value}, {kind}, and the mail server is Notes Traveler: Secure Mail asks for \
                 {STANDARD_EAS_PATH}, which Traveler serves only through a Domino website substitution rule \
                 ({STANDARD_EAS_PATH}* to {TRAVELER_EAS_PATH}*), and {rule}; set Secure Mail Exchange Server to the full URL \
                 {full}, or add that substitution rule to the Traveler server's Domino Internet Site and state it \
                 (traveler_substitution_rule = true, or TravelerSubstitutionRule in XML)"
            ),
        ));
    } else if !path.eq_ignore_ascii_case(TRAVELER_EAS_PATH) {
        out.push(Finding::new(
            Rule::TravelerUrlPath,
            Severity::Warning,
            format!(
                "Secure Mail Exchange Server is {value} and the mail server is Notes Traveler, but the path {path} is not where \
                 Traveler serves ActiveSync ({TRAVELER_EAS_PATH}): Secure Mail sends its requests to {path} as written, which \
                 reaches Traveler only if the Domino site maps it there; set Secure Mail Exchange Server to the full URL {full}"
            ),
        ));
    }
}

/// The path a "Secure Mail Exchange Server" value names, without its query, fragment or
/// trailing `/`: empty for an FQDN, `host:port` or a URL without one.
fn exchange_path(value: &str) -> &str {
    let value = value.trim();
    let rest = value.split_once("://").map_or(value, |(_, rest)| rest);
    let rest = rest.split(['?', '#']).next().unwrap_or_default();
    rest.find('/').map_or("", |i| rest[i..].trim_end_matches('/'))
}

/// The full Traveler URL for the server `value` names at `address`: the value's scheme
/// (`https` for an FQDN), its host, its port unless the scheme's own, and Traveler's path.
fn traveler_url(value: &str, address: &ServiceAddress) -> String {
    let scheme = value.split_once("://").map_or_else(|| "https".to_string(), |(s, _)| s.to_ascii_lowercase());
    let default_port = if scheme == "http" { 80 } else { 443 };
    match address.port {
        port if port == default_port => format!("{scheme}://{}{TRAVELER_EAS_PATH}", address.host),
        port => format!("{scheme}://{}:{port}{TRAVELER_EAS_PATH}", address.host),
    }
}

/// Where the S/MIME LDAP server sits, against the network policies (seed 002).
fn ldap(doc: &PolicyDocument, out: &mut Vec<Finding>) {
    let Some(server) = doc.ldap_server.as_deref().map(str::trim).filter(|s| !s.is_empty()) else { return };
    let net = &doc.network;
    match doc.ldap_on_internal_network {
        None => out.push(Finding::new(
            Rule::LdapPlacementUnknown,
            Severity::Warning,
            format!(
                "the S/MIME LDAP server {server} is set but the document does not say whether it is public or on the internal \
                 network, and the rules for each differ; state it (ldap_on_internal_network, or LDAPServerOnInternalNetwork in XML)"
            ),
        )),
        Some(true) => internal_ldap(doc, server, out),
        Some(false) => {
            if net.access() != NetworkAccess::Tunneled {
                out.push(Finding::new(
                    Rule::PublicLdapNotTunneled,
                    Severity::Error,
                    format!(
                        "the S/MIME LDAP server {server} is public but network access is {}: traffic to a public LDAP server \
                         goes straight to it only when network access is \"Tunneled to the internal network\" with split DNS on \
                         Citrix ADC; set network access to \"Tunneled to the internal network\" (and configure split DNS)",
                        access_text(net)
                    ),
                ));
            }
            match doc.split_dns {
                Some(true) => {}
                Some(false) => out.push(Finding::new(
                    Rule::PublicLdapWithoutSplitDns,
                    Severity::Error,
                    format!(
                        "the S/MIME LDAP server {server} is public but split DNS is not configured on Citrix ADC: LDAP traffic \
                         does not go straight to the server; configure split DNS on Citrix ADC (then set split_dns = true, or \
                         SplitDNS in XML)"
                    ),
                )),
                None => out.push(Finding::new(
                    Rule::PublicLdapWithoutSplitDns,
                    Severity::Warning,
                    format!(
                        "the S/MIME LDAP server {server} is public and needs split DNS on Citrix ADC, which the document does not \
                         state; configure it and state it (split_dns = true, or SplitDNS in XML)"
                    ),
                )),
            }
        }
    }
}

/// An internal LDAP server: no background gateway on iOS, listed among the background
/// services on Android; both when the platform is not stated.
fn internal_ldap(doc: &PolicyDocument, server: &str, out: &mut Vec<Finding>) {
    let unstated = if doc.platform.is_none() { " (no platform is stated, so this is checked as for iOS)" } else { "" };
    if doc.platform != Some(Platform::Android) {
        if let Some(gateway) = doc.network.effective().background_gateway {
            out.push(Finding::new(
                Rule::InternalLdapIosGateway,
                Severity::Error,
                format!(
                    "the S/MIME LDAP server {server} is on the internal network and the background network service gateway is \
                     {gateway} on iOS{unstated}: users get frequent authentication prompts; leave the gateway policy unset"
                ),
            ));
        }
    }
    let unstated = if doc.platform.is_none() { " (no platform is stated, so this is checked as for Android)" } else { "" };
    if doc.platform != Some(Platform::Ios) {
        let Some(address) = doc.ldap_address() else { return };
        if !doc.network.background_services.iter().any(|s| s.is(&address.host, address.port)) {
            out.push(Finding::new(
                Rule::InternalLdapAndroidNotListed,
                Severity::Error,
                format!(
                    "the S/MIME LDAP server {server} is on the internal network but {address} is not among the background network \
                     services on Android{unstated}: add {address} to background network services"
                ),
            ));
        }
    }
}

/// Network access as the console shows it, saying so when it is the unset default.
fn access_text(net: &NetworkPolicies) -> String {
    let value = net.access().console_name();
    match (net.network_access, net.default_reading) {
        (Some(_), _) => format!("\"{value}\""),
        (None, DefaultReading::Tunneled) => format!("\"{value}\" (unset, its default)"),
        (None, DefaultReading::Unrestricted) => format!("\"{value}\" (unset, its default under the unrestricted reading)"),
    }
}

/// `a:1, b:2`.
fn list(addresses: &[ServiceAddress]) -> String {
    addresses.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

#[cfg(test)]
mod tests;
