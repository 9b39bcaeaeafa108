//! The SOAP 1.1 envelope shared by every message: header versions in, body
//! payload out.

use crate::dom::{self, Document, Node};
use crate::names as n;
use crate::ns::Prefix;
use crate::xml_out::XmlOut;
use crate::{fault, EwsError, ServerVersionInfo};

/// Buffer size for messages whose length is not worth estimating: every
/// response, fault and request this crate writes fits, unless it carries
/// unusually long values.
pub(crate) const TYPICAL_CAPACITY: usize = 1024;

/// Every message this codec writes: one `soap:Envelope` declaring the three namespaces, an
/// optional `soap:Header`, and the `soap:Body`. `capacity` is the expected length of the whole
/// message.
fn write_envelope(capacity: usize, header: Option<&dyn Fn(&mut XmlOut)>, body: impl FnOnce(&mut XmlOut)) -> String {
    let mut out = XmlOut::document(capacity);
    out.elem_ns(Prefix::Soap, n::ENVELOPE, &[Prefix::Soap, Prefix::Messages, Prefix::Types], &[], |o| {
        if let Some(header) = header {
            o.elem(Prefix::Soap, n::HEADER, &[], |o| header(o));
        }
        o.elem(Prefix::Soap, n::BODY, &[], body);
    });
    out.finish()
}

/// Writes a server response. `t:ServerVersionInfo` carries its own `xmlns:t`
/// as Exchange's does, so the header stays valid if a proxy lifts it out.
pub(crate) fn write_response(server: Option<&ServerVersionInfo>, capacity: usize, body: impl FnOnce(&mut XmlOut)) -> String {
    match server {
        Some(info) => write_envelope(capacity, Some(&|o: &mut XmlOut| write_server_version_info(o, info)), body),
        None => write_envelope(capacity, None, body),
    }
}

fn write_server_version_info(out: &mut XmlOut, info: &ServerVersionInfo) {
    let major = info.major.to_string();
    let minor = info.minor.to_string();
    let major_build = info.major_build.to_string();
    let minor_build = info.minor_build.to_string();
    let mut attrs = vec![
        (n::MAJOR_VERSION, major.as_str()),
        (n::MINOR_VERSION, minor.as_str()),
        (n::MAJOR_BUILD_NUMBER, major_build.as_str()),
        (n::MINOR_BUILD_NUMBER, minor_build.as_str()),
    ];
    if !info.version.is_empty() {
        attrs.push((n::VERSION, info.version.as_str()));
    }
    out.empty(Prefix::Types, n::SERVER_VERSION_INFO, &[Prefix::Types], &attrs);
}

/// Writes a request (or a SendNotification, which is a request shaped like a
/// response) with `t:RequestServerVersion` in the header.
pub(crate) fn write_request(request_server_version: &str, capacity: usize, body: impl FnOnce(&mut XmlOut)) -> String {
    let header = |o: &mut XmlOut| o.empty(Prefix::Types, n::REQUEST_SERVER_VERSION, &[], &[(n::VERSION, request_server_version)]);
    write_envelope(capacity, Some(&header), body)
}

/// Writes a message that has a body but no header (SendNotificationResult).
pub(crate) fn write_bare(capacity: usize, body: impl FnOnce(&mut XmlOut)) -> String {
    write_envelope(capacity, None, body)
}

/// Parses a document and checks that its root is an `Envelope`.
pub(crate) fn parse(xml: &[u8]) -> Result<Document<'_>, EwsError> {
    let doc = dom::parse(xml)?;
    let root = doc.root().name();
    if root != n::ENVELOPE {
        return Err(EwsError::schema(root, format!("the root element is <{root}>, but a SOAP message must start with soap:Envelope")));
    }
    Ok(doc)
}

pub(crate) fn header<'a>(envelope: &Node<'a>) -> Option<Node<'a>> {
    envelope.child(n::HEADER)
}

pub(crate) fn body<'a>(envelope: &Node<'a>) -> Result<Node<'a>, EwsError> {
    envelope.require_child(n::BODY)
}

/// The first element inside `soap:Body`: the operation (request side) or the
/// operation's response (response side).
pub(crate) fn payload<'a>(envelope: &Node<'a>) -> Result<Node<'a>, EwsError> {
    let body = body(envelope)?;
    let first = body.children().next();
    first.ok_or_else(|| body.error("soap:Body is empty; it must hold the operation element"))
}

/// The body payload named `expected`; a SOAP fault in its place becomes
/// [`EwsError::Fault`] so callers see the server's reason, not "missing element".
pub(crate) fn expect_payload<'a>(envelope: &Node<'a>, expected: &str) -> Result<Node<'a>, EwsError> {
    let body = body(envelope)?;
    if let Some(found) = body.child(expected) {
        return Ok(found);
    }
    if let Some(f) = body.child(n::FAULT) {
        return Err(EwsError::Fault(Box::new(fault::fault_from_node(&f)?)));
    }
    let found = body.children().next().map(|c| format!("<{}>", c.name())).unwrap_or_else(|| "nothing".into());
    Err(body.error(format!("expected <{expected}> in soap:Body, found {found}")))
}

/// Reads `soap:Header/t:ServerVersionInfo`. `Ok(None)` when there is no such
/// header (faults usually have none); an error when it is there but its build
/// numbers are missing or not integers — the case exchangelib rejects.
pub fn parse_server_version_info(xml: &[u8]) -> Result<Option<ServerVersionInfo>, EwsError> {
    let doc = parse(xml)?;
    let envelope = doc.root();
    let Some(info) = header(&envelope).and_then(|h| h.child(n::SERVER_VERSION_INFO)) else {
        return Ok(None);
    };
    let number = |attr: &str| -> Result<u32, EwsError> {
        let value = info.require_attr(attr)?;
        info.parse_u32(value, "build number attribute")
    };
    Ok(Some(ServerVersionInfo {
        major: number(n::MAJOR_VERSION)?,
        minor: number(n::MINOR_VERSION)?,
        major_build: number(n::MAJOR_BUILD_NUMBER)?,
        minor_build: number(n::MINOR_BUILD_NUMBER)?,
        version: info.attr(n::VERSION).unwrap_or_default().to_owned(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testdata;

    #[test]
    fn reads_exchange_online_style_default_namespace_header() {
        let info = parse_server_version_info(testdata::O365_SERVER_VERSION_HEADER.as_bytes()).unwrap().unwrap();
        assert_eq!(info, ServerVersionInfo { major: 15, minor: 1, major_build: 619, minor_build: 10, version: "V2016_07_13".into() });
    }

    #[test]
    fn version_attribute_is_optional_build_numbers_are_not() {
        let ok = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Header><t:ServerVersionInfo xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" MajorVersion="8" MinorVersion="0" MajorBuildNumber="628" MinorBuildNumber="0"/></s:Header><s:Body/></s:Envelope>"#;
        let info = parse_server_version_info(ok.as_bytes()).unwrap().unwrap();
        assert_eq!(info.version, "");
        assert_eq!(info.major_build, 628);
        let bad = ok.replace("MajorBuildNumber=\"628\"", "MajorBuildNumber=\"six\"");
        let err = parse_server_version_info(bad.as_bytes()).unwrap_err();
        assert!(err.to_string().contains("Envelope/Header/ServerVersionInfo"), "{err}");
        let missing = ok.replace(" MinorVersion=\"0\"", "");
        assert!(parse_server_version_info(missing.as_bytes()).unwrap_err().to_string().contains("MinorVersion"));
        let no_header = r#"<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body/></s:Envelope>"#;
        assert_eq!(parse_server_version_info(no_header.as_bytes()).unwrap(), None);
    }

    #[test]
    fn written_header_round_trips_and_omits_empty_version() {
        let mut info = ServerVersionInfo::for_schema(crate::SchemaVersion::Exchange2013Sp1);
        let xml = write_response(Some(&info), TYPICAL_CAPACITY, |_| {});
        assert!(xml.contains(r#"<t:ServerVersionInfo xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types" MajorVersion="15" MinorVersion="0" MajorBuildNumber="847" MinorBuildNumber="32" Version="Exchange2013_SP1"/>"#), "{xml}");
        assert_eq!(parse_server_version_info(xml.as_bytes()).unwrap(), Some(info.clone()));
        info.version.clear();
        let xml = write_response(Some(&info), TYPICAL_CAPACITY, |_| {});
        assert!(!xml.contains(" Version=\""), "{xml}");
        assert_eq!(parse_server_version_info(xml.as_bytes()).unwrap(), Some(info));
    }

    #[test]
    fn root_must_be_an_envelope() {
        let err = parse(b"<Body/>").unwrap_err();
        assert!(err.to_string().contains("soap:Envelope"), "{err}");
    }
}
