//! `policy_metadata.xml`, as Endpoint Management exports an MDX app:
//!
//! ```xml
//! <PolicyMetadata>
//!   <Platform>iOS</Platform>
//!   <Policies>
//!     <Policy><PolicyName>NetworkAccess</PolicyName><PolicyValue>NetworkAccessTunneled</PolicyValue></Policy>
//!     ...
//!   </Policies>
//! </PolicyMetadata>
//! ```
//!
//! Each `<Policy>` under `<Policies>` gives a name and a value; a policy without
//! `<PolicyValue>` has its `<PolicyDefault>`, the value the app runs with when the console
//! leaves it alone. A child of `<PolicyMetadata>` named like a policy this project reads
//! (`<Platform>`, or the hand-added `<SplitDNS>`, `<MailServer>`) counts as that policy.
//! Everything else (titles, descriptions, enum lists, the dozens of other policies) is skipped,
//! the other policies' names kept in [`PolicyDocument::other_policies`].
//!
//! The reader streams events and keeps no tree; any input ends in a document or an
//! [`ExportError`], never a panic (see the proptest below).

use super::{line_of, ExportError, Key, PolicyDocument};
use quick_xml::escape::resolve_predefined_entity;
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

/// The root element of a policy metadata document.
const ROOT: &str = "PolicyMetadata";

/// One `<Policy>` being read.
#[derive(Default)]
struct PolicyEntry {
    name: Option<String>,
    value: Option<String>,
    default: Option<String>,
}

/// Which text is being collected: the field of the policy being read, or a child of the root.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Field {
    Name,
    Value,
    Default,
    RootChild,
}

/// Why an opening tag ends the reading.
enum Refusal {
    /// The structure is not XML (a second root element).
    Malformed(String),
    /// The root element is not `<PolicyMetadata>`: another kind of document.
    WrongRoot(String),
}

/// Text being collected, for the element open at `depth`.
struct Capture {
    field: Field,
    depth: usize,
    text: String,
}

/// Reads `bytes` as `policy_metadata.xml`.
pub(super) fn read(bytes: &[u8]) -> Result<PolicyDocument, ExportError> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let text = std::str::from_utf8(bytes)
        .map_err(|e| ExportError::NotXml { line: line_of(bytes, e.valid_up_to()), message: format!("not UTF-8 text ({e})") })?;
    let mut pairs = Vec::new();
    Walker::default().walk(text, &mut pairs)?;
    let mut doc = PolicyDocument::default();
    for (name, value) in pairs {
        match Key::from_xml_name(&name) {
            Some(key) => doc.set_text(key, name.trim(), &value)?,
            None if !doc.other_policies.contains(&name) => doc.other_policies.push(name),
            None => {}
        }
    }
    Ok(doc)
}

/// The state of one pass over the events.
#[derive(Default)]
struct Walker {
    /// Local names of the open elements, the root first.
    open: Vec<String>,
    /// The `<Policy>` being read, with the depth of its element.
    policy: Option<(usize, PolicyEntry)>,
    capture: Option<Capture>,
    root_seen: bool,
}

impl Walker {
    /// Collects `(policy name, value)` pairs into `pairs`, in document order.
    fn walk(mut self, text: &str, pairs: &mut Vec<(String, String)>) -> Result<(), ExportError> {
        let mut reader = Reader::from_str(text);
        let not_xml = |offset: u64, message: String| ExportError::NotXml {
            line: line_of(text.as_bytes(), usize::try_from(offset).unwrap_or(usize::MAX)),
            message,
        };
        let refused = |offset: u64| {
            move |r: Refusal| match r {
                Refusal::Malformed(message) => not_xml(offset, message),
                Refusal::WrongRoot(found) => ExportError::NotPolicyMetadata { found },
            }
        };
        loop {
            let event = reader.read_event().map_err(|e| not_xml(reader.error_position(), e.to_string()))?;
            let here = reader.buffer_position();
            match event {
                Event::Start(start) => self.start(&start).map_err(refused(here))?,
                Event::Empty(start) => {
                    self.start(&start).map_err(refused(here))?;
                    self.end(pairs);
                }
                Event::End(_) => self.end(pairs),
                Event::Text(t) => {
                    let t = t.xml10_content().map_err(|e| not_xml(here, e.to_string()))?;
                    if self.open.is_empty() && !t.trim().is_empty() {
                        return Err(not_xml(here, format!("text {:?} outside the root element", t.trim())));
                    }
                    self.push_text(&t);
                }
                Event::CData(t) => self.push_text(&t.xml10_content().map_err(|e| not_xml(here, e.to_string()))?),
                Event::GeneralRef(r) => {
                    let resolved = match r.resolve_char_ref().map_err(|e| not_xml(here, e.to_string()))? {
                        Some(c) => c.to_string(),
                        None => {
                            let name = r.decode().map_err(|e| not_xml(here, e.to_string()))?;
                            let entity = resolve_predefined_entity(&name)
                                .ok_or_else(|| not_xml(here, format!("reference to undeclared entity &{name};")))?;
                            entity.to_string()
                        }
                    };
                    self.push_text(&resolved);
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
                Event::Eof => break,
            }
        }
        if let Some(name) = self.open.last() {
            return Err(not_xml(text.len() as u64, format!("the document ends inside <{name}>")));
        }
        if !self.root_seen {
            return Err(not_xml(text.len() as u64, "the document has no element".into()));
        }
        Ok(())
    }

    /// An element opens: check the root, start a policy or a capture.
    fn start(&mut self, start: &BytesStart<'_>) -> Result<(), Refusal> {
        let name = String::from_utf8_lossy(start.local_name().into_inner()).into_owned();
        if self.open.is_empty() {
            if self.root_seen {
                return Err(Refusal::Malformed(format!("a second root element <{name}> follows the document")));
            }
            self.root_seen = true;
            if name != ROOT {
                return Err(Refusal::WrongRoot(name));
            }
        }
        let depth = self.open.len();
        let parent = self.open.last().map(String::as_str);
        if self.capture.is_none() {
            if name == "Policy" && parent == Some("Policies") && self.policy.is_none() {
                self.policy = Some((depth, PolicyEntry::default()));
            } else if let Some((policy_depth, _)) = &self.policy {
                let field = match name.as_str() {
                    "PolicyName" => Some(Field::Name),
                    "PolicyValue" => Some(Field::Value),
                    "PolicyDefault" => Some(Field::Default),
                    _ => None,
                };
                if let Some(field) = field.filter(|_| depth == policy_depth + 1) {
                    self.capture = Some(Capture { field, depth, text: String::new() });
                }
            } else if depth == 1 && Key::from_xml_name(&name).is_some() {
                self.capture = Some(Capture { field: Field::RootChild, depth, text: String::new() });
            }
        }
        self.open.push(name);
        Ok(())
    }

    /// Character data: kept only while a capture's own element is the innermost one.
    fn push_text(&mut self, text: &str) {
        if let Some(c) = self.capture.as_mut().filter(|c| c.depth + 1 == self.open.len()) {
            c.text.push_str(text);
        }
    }

    /// An element closes: finish the capture or the policy it ends.
    fn end(&mut self, pairs: &mut Vec<(String, String)>) {
        let Some(name) = self.open.pop() else { return };
        let depth = self.open.len();
        if let Some(c) = self.capture.take_if(|c| c.depth == depth) {
            match (c.field, self.policy.as_mut()) {
                (Field::RootChild, _) => pairs.push((name, c.text)),
                (Field::Name, Some((_, p))) => p.name = Some(c.text),
                (Field::Value, Some((_, p))) => p.value = Some(c.text),
                (Field::Default, Some((_, p))) => p.default = Some(c.text),
                (_, None) => {}
            }
        }
        if let Some((_, p)) = self.policy.take_if(|(d, _)| *d == depth) {
            if let Some(name) = p.name.filter(|n| !n.trim().is_empty()) {
                pairs.push((name.trim().to_string(), p.value.or(p.default).unwrap_or_default()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mdx::export::MailServer;
    use crate::mdx::{NetworkAccess, PolicyError, ServiceAddress};
    use crate::securemail::eas::Platform;
    use proptest::prelude::*;

    fn policy(name: &str, value: &str) -> String {
        format!("<Policy><PolicyName>{name}</PolicyName><PolicyValue>{value}</PolicyValue></Policy>")
    }

    fn metadata(inner: &str) -> String {
        format!("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<PolicyMetadata>\n<Policies>\n{inner}\n</Policies>\n</PolicyMetadata>\n")
    }

    #[test]
    fn the_seeds_sta_configuration_reads_as_its_list_gives_it() {
        let xml = metadata(
            &[
                policy("NetworkAccess", "NetworkAccessTunneled"),
                policy("BackgroundServices", "mail.example.com: 443"),
                policy("BackgroundServicesExpiration", "168"),
                policy("BackgroundServicesGateway", "gateway3.example.com:443"),
                policy("ExchangeServerAddress", "mail.example.com"),
            ]
            .concat(),
        );
        let doc = read(xml.as_bytes()).unwrap();
        assert_eq!(doc.network.network_access, Some(NetworkAccess::Tunneled));
        assert_eq!(doc.network.background_services, [ServiceAddress::new("mail.example.com", 443)]);
        assert_eq!(doc.network.background_gateway, Some(ServiceAddress::new("gateway3.example.com", 443)));
        assert_eq!(doc.network.ticket_expiration_hours, 168);
        assert_eq!(doc.exchange_address(), Some(ServiceAddress::new("mail.example.com", 443)));
        assert!(doc.other_policies.is_empty());
    }

    #[test]
    fn other_policies_are_kept_by_name_and_never_refused() {
        let xml = metadata(
            &[
                policy("CutAndCopy", "Restricted"),
                policy("NetworkAccess", "Unrestricted"),
                policy("CutAndCopy", "x"),
                policy("MvpnMode", ""),
            ]
            .concat(),
        );
        let doc = read(xml.as_bytes()).unwrap();
        assert_eq!(doc.other_policies, ["CutAndCopy", "MvpnMode"]);
        assert_eq!(doc.network.network_access, Some(NetworkAccess::Unrestricted));
    }

    #[test]
    fn a_policy_without_a_value_has_its_default_and_a_value_wins_over_it() {
        let xml = metadata(
            "<Policy><PolicyName>BackgroundServicesExpiration</PolicyName><PolicyType>int</PolicyType>\
             <PolicyDefault>168</PolicyDefault><PolicyValue>24</PolicyValue></Policy>\
             <Policy><PolicyName>NetworkAccess</PolicyName><PolicyDefault>NetworkAccessBlocked</PolicyDefault>\
             <PolicyEnums><PolicyEnum><PolicyEnumValue>NetworkAccessUnrestricted</PolicyEnumValue></PolicyEnum></PolicyEnums></Policy>",
        );
        let doc = read(xml.as_bytes()).unwrap();
        assert_eq!(doc.network.ticket_expiration_hours, 24);
        assert_eq!(doc.network.network_access, Some(NetworkAccess::Blocked), "enum lists are not values");
    }

    #[test]
    fn the_platform_and_hand_stated_facts_read_as_elements_or_policies() {
        let xml = "<PolicyMetadata><Platform>Android</Platform><SplitDNS>false</SplitDNS><MailServer>Notes Traveler</MailServer>\
                   <Title>Secure Mail</Title><Policies>"
            .to_string()
            + &policy("SMIMELDAPServerAddress", "ldaps://ad.example.com")
            + &policy("LDAPServerOnInternalNetwork", "true")
            + &policy("TravelerSubstitutionRule", "false")
            + "</Policies></PolicyMetadata>";
        let doc = read(xml.as_bytes()).unwrap();
        assert_eq!(doc.platform, Some(Platform::Android));
        assert_eq!((doc.ldap_on_internal_network, doc.split_dns), (Some(true), Some(false)));
        assert_eq!(doc.ldap_address(), Some(ServiceAddress::new("ad.example.com", 636)));
        assert_eq!((doc.mail_server, doc.traveler_substitution_rule), (Some(MailServer::Traveler), Some(false)));
        let doc = read(metadata(&policy("Platform", "iOS")).as_bytes()).unwrap();
        assert_eq!(doc.platform, Some(Platform::Ios));
    }

    #[test]
    fn background_services_split_on_commas_and_lines_with_entities_and_cdata() {
        let xml =
            metadata(&policy("BackgroundServices", "mail.example.com:443,\n  ad.example.com:389 ,<![CDATA[ews.example.com:443]]>&#10;"));
        let doc = read(xml.as_bytes()).unwrap();
        let hosts: Vec<String> = doc.network.background_services.iter().map(ToString::to_string).collect();
        assert_eq!(hosts, ["mail.example.com:443", "ad.example.com:389", "ews.example.com:443"]);
        let xml = metadata(&policy("ExchangeServerAddress", "https://mail.example.com/traveler/Microsoft-Server-ActiveSync?a=1&amp;b=2"));
        assert_eq!(read(xml.as_bytes()).unwrap().exchange_address(), Some(ServiceAddress::new("mail.example.com", 443)));
    }

    #[test]
    fn namespace_prefixes_and_a_byte_order_mark_are_accepted() {
        let xml = "\u{feff}<m:PolicyMetadata xmlns:m=\"urn:x\"><m:Policies><m:Policy><m:PolicyName>NetworkAccess</m:PolicyName>\
                   <m:PolicyValue>Blocked</m:PolicyValue></m:Policy></m:Policies></m:PolicyMetadata>";
        assert_eq!(read(xml.as_bytes()).unwrap().network.network_access, Some(NetworkAccess::Blocked));
    }

    #[test]
    fn a_bad_value_names_its_policy() {
        let xml = metadata(&policy("BackgroundServicesGateway", "gateway3.example.com"));
        let e = read(xml.as_bytes()).unwrap_err();
        assert!(
            matches!(&e, ExportError::Malformed { policy, source: PolicyError::NotAnAddress { .. } } if policy == "BackgroundServicesGateway"),
            "{e:?}"
        );
        assert_eq!(
            e.to_string(),
            "BackgroundServicesGateway: \"gateway3.example.com\" is not host:port (for example mail.example.com:443)"
        );
        let e = read(metadata(&policy("NetworkAccess", "Open")).as_bytes()).unwrap_err();
        assert!(e.to_string().starts_with("NetworkAccess: \"Open\" is not a value of Network access"), "{e}");
    }

    #[test]
    fn broken_xml_says_where() {
        let e = read(b"<PolicyMetadata>\n<Policies>\n<Policy>\n</Policies>").unwrap_err();
        assert!(matches!(e, ExportError::NotXml { line: 4, .. }), "{e:?}");
        let e = read(b"<PolicyMetadata>\n<Policies>").unwrap_err();
        assert!(matches!(&e, ExportError::NotXml { message, .. } if message.contains("ends inside <Policies>")), "{e:?}");
        for not_xml in [&b""[..], b"network_access = 1", b"<PolicyMetadata/><b/>", b"\xff\xfe<", b"<PolicyMetadata>&foo;</PolicyMetadata>"]
        {
            assert!(matches!(read(not_xml), Err(ExportError::NotXml { .. })), "{:?}", String::from_utf8_lossy(not_xml));
        }
    }

    #[test]
    fn another_kind_of_xml_is_named_by_its_root() {
        let e = read(b"<plist version=\"1.0\"><dict/></plist>").unwrap_err();
        assert_eq!(e, ExportError::NotPolicyMetadata { found: "plist".into() });
    }

    /// Fragments of policy metadata, shuffled: reaches the reader's states far more often
    /// than random text does.
    fn xmlish() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "<PolicyMetadata>",
            "</PolicyMetadata>",
            "<Policies>",
            "</Policies>",
            "<Policy>",
            "</Policy>",
            "<PolicyName>",
            "</PolicyName>",
            "<PolicyValue>",
            "</PolicyValue>",
            "<PolicyDefault/>",
            "<Platform>",
            "</Platform>",
            "NetworkAccess",
            "BackgroundServices",
            "BackgroundServicesGateway",
            "BackgroundServicesExpiration",
            "ExchangeServerAddress",
            "SMIMELDAPServerAddress",
            "MailServer",
            "Traveler",
            "mail.example.com:443",
            "https://[::1]:99999/",
            "4294967296",
            "&amp;",
            "&#0;",
            "&#x110000;",
            "<![CDATA[",
            "]]>",
            "<!--",
            "-->",
            ",",
            "\n",
            "\u{0}",
            "é",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn any_text_is_read_without_panicking(s in ".*") {
            let _ = read(s.as_bytes());
        }

        #[test]
        fn any_bytes_are_read_without_panicking(b in prop::collection::vec(any::<u8>(), 0..512)) {
            let _ = read(&b);
        }

        #[test]
        fn any_arrangement_of_policy_metadata_is_read_without_panicking(s in xmlish()) {
            let _ = read(s.as_bytes());
        }
    }
}
