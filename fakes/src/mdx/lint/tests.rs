//! Each rule with a document that breaks it and a near one that does not.

use super::*;

fn addr(s: &str) -> ServiceAddress {
    s.parse().unwrap()
}

/// The seed's STA configuration, for iOS, with Exchange at the background service's host.
fn sta() -> PolicyDocument {
    PolicyDocument {
        platform: Some(Platform::Ios),
        network: NetworkPolicies::sta(addr("mail.example.com:443"), addr("gateway3.example.com:443")),
        exchange_server: Some("mail.example.com".into()),
        ..PolicyDocument::default()
    }
}

/// The seed's micro VPN configuration: tunneled, nothing else.
fn micro_vpn() -> PolicyDocument {
    PolicyDocument { network: NetworkPolicies::micro_vpn(), ..sta() }
}

fn findings(doc: &PolicyDocument, rule: Rule) -> Vec<Finding> {
    check(doc).into_iter().filter(|f| f.rule == rule).collect()
}

/// The one finding of `rule` on `doc`.
fn one(doc: &PolicyDocument, rule: Rule) -> Finding {
    let mut found = findings(doc, rule);
    assert_eq!(found.len(), 1, "{rule} on {doc:#?}: {:#?}", check(doc));
    found.remove(0)
}

fn none(doc: &PolicyDocument, rule: Rule) {
    assert_eq!(findings(doc, rule), [], "{rule} should not fire on {doc:#?}");
}

#[test]
fn the_seeds_three_configurations_are_clean() {
    assert_eq!(check(&sta()), []);
    assert_eq!(check(&micro_vpn()), []);
    assert_eq!(check(&PolicyDocument { network: NetworkPolicies::direct(), ..sta() }), []);
}

#[test]
fn background_services_need_tunneled_access() {
    let mut doc = sta();
    doc.network.network_access = Some(NetworkAccess::Unrestricted);
    let f = one(&doc, Rule::BackgroundServicesNotTunneled);
    assert_eq!(f.severity, Severity::Error);
    assert!(f.message.contains("mail.example.com:443") && f.message.contains("\"Unrestricted\""), "{}", f.message);
    none(&sta(), Rule::BackgroundServicesNotTunneled);
    doc.network.background_services.clear();
    none(&doc, Rule::BackgroundServicesNotTunneled);
}

#[test]
fn an_unset_access_is_checked_under_its_reading() {
    let mut doc = sta();
    doc.network.network_access = None;
    none(&doc, Rule::BackgroundServicesNotTunneled);
    doc.network.default_reading = DefaultReading::Unrestricted;
    let f = one(&doc, Rule::BackgroundServicesNotTunneled);
    assert!(f.message.contains("unset, its default under the unrestricted reading"), "{}", f.message);
}

#[test]
fn the_background_gateway_needs_tunneled_access() {
    let mut doc = sta();
    doc.network.network_access = Some(NetworkAccess::Blocked);
    let f = one(&doc, Rule::BackgroundGatewayNotTunneled);
    assert!(f.message.contains("gateway3.example.com:443") && f.message.contains("\"Blocked\""), "{}", f.message);
    none(&sta(), Rule::BackgroundGatewayNotTunneled);
}

#[test]
fn a_gateway_without_services_is_a_warning_naming_the_exchange_server() {
    let mut doc = sta();
    doc.network.background_services.clear();
    let f = one(&doc, Rule::BackgroundGatewayWithoutServices);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("list mail.example.com:443"), "{}", f.message);
    none(&doc, Rule::ExchangeServerNotBackgroundService);
    none(&sta(), Rule::BackgroundGatewayWithoutServices);
    doc.network.network_access = Some(NetworkAccess::Unrestricted);
    none(&doc, Rule::BackgroundGatewayWithoutServices);
}

#[test]
fn services_without_a_gateway_stay_in_the_micro_vpn() {
    let mut doc = sta();
    doc.network.background_gateway = None;
    let f = one(&doc, Rule::BackgroundServicesWithoutGateway);
    assert_eq!(f.severity, Severity::Warning);
    assert!(f.message.contains("micro VPN"), "{}", f.message);
    none(&sta(), Rule::BackgroundServicesWithoutGateway);
    none(&micro_vpn(), Rule::BackgroundServicesWithoutGateway);
}

#[test]
fn a_ticket_of_zero_hours_is_an_error() {
    let mut doc = sta();
    doc.network.ticket_expiration_hours = 0;
    assert_eq!(one(&doc, Rule::TicketExpirationZero).source, "001.network-policies.ticket-expiration");
    doc.network.ticket_expiration_hours = 1;
    none(&doc, Rule::TicketExpirationZero);
}

#[test]
fn the_exchange_server_must_be_set() {
    let mut doc = sta();
    doc.exchange_server = Some("  ".into());
    assert!(one(&doc, Rule::ExchangeServerEmpty).message.starts_with("Secure Mail Exchange Server is empty"));
    doc.exchange_server = None;
    assert!(one(&doc, Rule::ExchangeServerEmpty).message.starts_with("Secure Mail Exchange Server is not set"));
    doc.exchange_server = Some("https://mail.example.com/traveler/Microsoft-Server-ActiveSync".into());
    none(&doc, Rule::ExchangeServerEmpty);
}

#[test]
fn with_a_gateway_in_effect_the_exchange_server_must_be_a_background_service() {
    let mut doc = sta();
    doc.exchange_server = Some("https://mail.example.com:8443/traveler/Microsoft-Server-ActiveSync".into());
    let f = one(&doc, Rule::ExchangeServerNotBackgroundService);
    assert!(f.message.contains("add mail.example.com:8443"), "{}", f.message);
    doc.exchange_server = Some("exchange.example.com".into());
    one(&doc, Rule::ExchangeServerNotBackgroundService);
    doc.exchange_server = Some("https://MAIL.example.com/traveler/Microsoft-Server-ActiveSync".into());
    none(&doc, Rule::ExchangeServerNotBackgroundService);
    let mut no_gateway = sta();
    no_gateway.exchange_server = Some("exchange.example.com".into());
    no_gateway.network.network_access = Some(NetworkAccess::Unrestricted);
    none(&no_gateway, Rule::ExchangeServerNotBackgroundService);
}

/// `doc` (the STA configuration) for a Notes Traveler server named by `exchange_server`, the
/// substitution rule as given.
fn traveler(exchange_server: &str, substitution_rule: Option<bool>) -> PolicyDocument {
    PolicyDocument {
        mail_server: Some(MailServer::Traveler),
        exchange_server: Some(exchange_server.into()),
        traveler_substitution_rule: substitution_rule,
        ..sta()
    }
}

const FULL_URL: &str = "https://mail.example.com/traveler/Microsoft-Server-ActiveSync";

#[test]
fn a_bare_fqdn_for_traveler_needs_the_substitution_rule() {
    let f = one(&traveler("mail.example.com", None), Rule::TravelerFqdnWithoutSubstitution);
    assert_eq!((f.severity, f.source), (Severity::Error, "001.secure-mail-policies"));
    assert!(f.message.starts_with("Secure Mail Exchange Server is mail.example.com, a bare FQDN,"), "{}", f.message);
    assert!(f.message.contains("the document does not say the Traveler site has one"), "{}", f.message);
    assert!(
        f.message.contains(&format!("; set Secure Mail Exchange Server to the full URL {FULL_URL}, or add that substitution rule")),
        "{}",
        f.message
    );
    assert!(f.message.ends_with("(traveler_substitution_rule = true, or TravelerSubstitutionRule in XML)"), "{}", f.message);
    let f = one(&traveler("mail.example.com", Some(false)), Rule::TravelerFqdnWithoutSubstitution);
    assert!(f.message.contains("the document says the Traveler site has none"), "{}", f.message);
    assert_eq!(check(&traveler("mail.example.com", Some(false))), [f], "the only finding on the STA configuration");
}

#[test]
fn the_full_url_names_the_documents_own_host_scheme_and_port() {
    for (value, full) in [
        ("Traveler.Example.com:8443", "https://traveler.example.com:8443/traveler/Microsoft-Server-ActiveSync"),
        ("https://mail.example.com:443", FULL_URL),
        ("http://traveler.example.com/", "http://traveler.example.com/traveler/Microsoft-Server-ActiveSync"),
        ("https://mail.example.com/Microsoft-Server-ActiveSync", FULL_URL),
    ] {
        let f = one(&traveler(value, None), Rule::TravelerFqdnWithoutSubstitution);
        assert!(f.message.contains(&format!("the full URL {full}, ")), "{value}: {}", f.message);
    }
    let f = one(&traveler("https://mail.example.com", None), Rule::TravelerFqdnWithoutSubstitution);
    assert!(f.message.contains(", a URL without a path,"), "{}", f.message);
    let f = one(&traveler("https://mail.example.com/microsoft-server-activesync/", None), Rule::TravelerFqdnWithoutSubstitution);
    assert!(f.message.contains(", a URL to the standard ActiveSync path,"), "{}", f.message);
    none(&traveler("https://mail.example.com/microsoft-server-activesync/", None), Rule::TravelerUrlPath);
}

#[test]
fn exchange_the_full_traveler_url_or_the_substitution_rule_pass() {
    let exchange = PolicyDocument { mail_server: Some(MailServer::Exchange), ..sta() };
    assert_eq!(check(&exchange), []);
    assert_eq!(check(&PolicyDocument { mail_server: None, ..traveler("mail.example.com", None) }), [], "no server kind, no guess");
    for value in [FULL_URL, "https://MAIL.example.com/Traveler/Microsoft-Server-ActiveSync/", format!("{FULL_URL}?a=1").as_str()] {
        for rule in [None, Some(false), Some(true)] {
            assert_eq!(check(&traveler(value, rule)), [], "{value}, substitution rule {rule:?}");
        }
    }
    assert_eq!(check(&traveler("mail.example.com", Some(true))), []);
    assert_eq!(check(&traveler("https://mail.example.com/Microsoft-Server-ActiveSync", Some(true))), []);
    let mut empty = traveler("", None);
    assert_eq!(check(&empty).iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::ExchangeServerEmpty]);
    empty.exchange_server = None;
    assert_eq!(check(&empty).iter().map(|f| f.rule).collect::<Vec<_>>(), [Rule::ExchangeServerEmpty]);
}

#[test]
fn a_traveler_url_with_another_path_is_a_warning() {
    for value in ["https://mail.example.com/traveler", "https://mail.example.com/servlet/traveler", "https://mail.example.com/eas#x"] {
        for rule in [None, Some(true)] {
            let f = one(&traveler(value, rule), Rule::TravelerUrlPath);
            assert_eq!((f.severity, f.source), (Severity::Warning, "001.secure-mail-policies"));
            assert!(f.message.ends_with(&format!("; set Secure Mail Exchange Server to the full URL {FULL_URL}")), "{}", f.message);
            none(&traveler(value, rule), Rule::TravelerFqdnWithoutSubstitution);
        }
    }
    let f = one(&traveler("https://mail.example.com/traveler/", None), Rule::TravelerUrlPath);
    assert!(f.message.contains("the path /traveler is not where Traveler serves ActiveSync"), "{}", f.message);
    none(
        &PolicyDocument { mail_server: Some(MailServer::Exchange), ..traveler("https://mail.example.com/traveler", None) },
        Rule::TravelerUrlPath,
    );
}

/// `doc` with an internal LDAP server at ad.example.com (389).
fn internal_ldap(mut doc: PolicyDocument, platform: Option<Platform>) -> PolicyDocument {
    doc.platform = platform;
    doc.ldap_server = Some("ldap://ad.example.com".into());
    doc.ldap_on_internal_network = Some(true);
    doc
}

#[test]
fn an_internal_ldap_server_on_ios_wants_no_background_gateway() {
    let f = one(&internal_ldap(sta(), Some(Platform::Ios)), Rule::InternalLdapIosGateway);
    assert!(f.message.contains("frequent authentication prompts"), "{}", f.message);
    assert_eq!(f.source, "002.public-certificate-sources.network");
    none(&internal_ldap(micro_vpn(), Some(Platform::Ios)), Rule::InternalLdapIosGateway);
    none(&internal_ldap(sta(), Some(Platform::Android)), Rule::InternalLdapIosGateway);
    none(&internal_ldap(sta(), Some(Platform::Ios)), Rule::InternalLdapAndroidNotListed);
}

#[test]
fn an_internal_ldap_server_on_android_is_a_background_service() {
    let mut doc = internal_ldap(sta(), Some(Platform::Android));
    let f = one(&doc, Rule::InternalLdapAndroidNotListed);
    assert!(f.message.contains("add ad.example.com:389"), "{}", f.message);
    doc.network.background_services.push(addr("AD.example.com:389"));
    none(&doc, Rule::InternalLdapAndroidNotListed);
}

#[test]
fn with_no_platform_stated_an_internal_ldap_server_is_checked_for_both() {
    let doc = internal_ldap(sta(), None);
    assert!(one(&doc, Rule::InternalLdapIosGateway).message.contains("checked as for iOS"));
    assert!(one(&doc, Rule::InternalLdapAndroidNotListed).message.contains("checked as for Android"));
}

/// `doc` with a public LDAP server, split DNS as given.
fn public_ldap(mut doc: PolicyDocument, split_dns: Option<bool>) -> PolicyDocument {
    doc.ldap_server = Some("ldap.example.net:389".into());
    doc.ldap_on_internal_network = Some(false);
    doc.split_dns = split_dns;
    doc
}

#[test]
fn a_public_ldap_server_needs_tunneled_access() {
    let mut doc = public_ldap(micro_vpn(), Some(true));
    none(&doc, Rule::PublicLdapNotTunneled);
    assert_eq!(check(&doc), []);
    doc.network.network_access = Some(NetworkAccess::Unrestricted);
    assert!(one(&doc, Rule::PublicLdapNotTunneled).message.contains("ldap.example.net:389"));
}

#[test]
fn a_public_ldap_server_needs_split_dns_and_an_unstated_one_is_a_warning() {
    assert_eq!(one(&public_ldap(sta(), Some(false)), Rule::PublicLdapWithoutSplitDns).severity, Severity::Error);
    assert_eq!(one(&public_ldap(sta(), None), Rule::PublicLdapWithoutSplitDns).severity, Severity::Warning);
    none(&public_ldap(sta(), Some(true)), Rule::PublicLdapWithoutSplitDns);
}

#[test]
fn an_ldap_server_of_unknown_placement_is_a_warning() {
    let mut doc = sta();
    doc.ldap_server = Some("ad.example.com".into());
    assert_eq!(one(&doc, Rule::LdapPlacementUnknown).severity, Severity::Warning);
    assert_eq!(check(&doc).len(), 1, "no placement rule guesses");
    doc.ldap_server = Some(" ".into());
    none(&doc, Rule::LdapPlacementUnknown);
}

/// What a message's last clause (after its last `; `, or `: `) starts with: the fix.
const FIXES: [&str; 7] = ["set ", "add ", "clear ", "list ", "state ", "configure ", "leave "];

#[test]
fn every_message_ends_with_what_to_change() {
    let mut unrestricted = sta();
    unrestricted.network.network_access = Some(NetworkAccess::Unrestricted);
    let mut gateway_only = sta();
    gateway_only.network.background_services.clear();
    gateway_only.network.ticket_expiration_hours = 0;
    let mut no_gateway = sta();
    no_gateway.network.background_gateway = None;
    let mut elsewhere = sta();
    elsewhere.exchange_server = Some("exchange.example.com".into());
    let mut unplaced = sta();
    unplaced.ldap_server = Some("ad.example.com".into());
    let docs = [
        unrestricted.clone(),
        gateway_only,
        no_gateway,
        elsewhere,
        PolicyDocument { exchange_server: None, ..sta() },
        PolicyDocument { exchange_server: Some(String::new()), ..sta() },
        traveler("mail.example.com", None),
        traveler("mail.example.com", Some(false)),
        traveler("https://mail.example.com/traveler", None),
        internal_ldap(sta(), None),
        public_ldap(unrestricted, Some(false)),
        public_ldap(sta(), None),
        unplaced,
    ];
    let findings: Vec<Finding> = docs.iter().flat_map(check).collect();
    let rules: std::collections::BTreeSet<Rule> = findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, Rule::ALL.into_iter().collect(), "every rule is checked here");
    for f in findings {
        let last = f.message.rsplit_once("; ").or_else(|| f.message.rsplit_once(": ")).map_or(f.message.as_str(), |(_, l)| l);
        assert!(FIXES.iter().any(|fix| last.starts_with(fix)), "{}: {:?} does not end with a fix", f.rule, f.message);
    }
}

#[test]
fn ids_are_the_serde_names_and_findings_print_as_the_cli_shows_them() {
    for rule in Rule::ALL {
        assert_eq!(serde_json::to_value(rule).unwrap(), serde_json::Value::String(rule.id().into()));
        assert_eq!(serde_json::from_value::<Rule>(rule.id().into()).unwrap(), rule);
        assert!(rule.source().starts_with("001.") || rule.source().starts_with("002."), "{}", rule.source());
    }
    let mut doc = sta();
    doc.network.ticket_expiration_hours = 0;
    let f = one(&doc, Rule::TicketExpirationZero);
    assert!(f.to_string().starts_with("error[ticket_expiration_zero]: background services ticket expiration is 0 hours"));
    assert!(f.to_string().ends_with(" (source: 001.network-policies.ticket-expiration)"));
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["rule"], "ticket_expiration_zero");
    assert_eq!(json["severity"], "error");
    assert_eq!(json["source"], "001.network-policies.ticket-expiration");
}

#[test]
fn findings_come_in_rule_order() {
    let mut doc = internal_ldap(sta(), None);
    doc.network.network_access = Some(NetworkAccess::Unrestricted);
    doc.network.ticket_expiration_hours = 0;
    doc.exchange_server = None;
    let rules: Vec<Rule> = check(&doc).iter().map(|f| f.rule).collect();
    let mut sorted = rules.clone();
    sorted.sort_by_key(|r| Rule::ALL.iter().position(|a| a == r));
    assert_eq!(rules, sorted);
    assert_eq!(
        rules,
        [
            Rule::BackgroundServicesNotTunneled,
            Rule::BackgroundGatewayNotTunneled,
            Rule::TicketExpirationZero,
            Rule::ExchangeServerEmpty,
            Rule::InternalLdapAndroidNotListed
        ]
    );
}
