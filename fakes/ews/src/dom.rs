//! A small element tree built with quick-xml's `NsReader`.
//!
//! EWS documents are a few kilobytes, and every decoder here needs to look at
//! siblings in any order (namespace slips, optional elements), so a tree is
//! simpler and safer than streaming. Elements keep their local name only, plus
//! the namespace they resolved to so tests can check what the writers emit.

use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use crate::EwsError;

/// Deeper documents are rejected: no EWS message we decode is more than a dozen
/// levels deep, and the limit keeps recursion (including `Drop`) shallow on
/// hostile input.
const MAX_DEPTH: usize = 256;

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Element {
    pub(crate) name: String,
    pub(crate) ns: Option<String>,
    /// `(local name, unescaped value)`; namespace declarations are left out.
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Element>,
    /// Concatenated character data directly inside this element.
    pub(crate) text: String,
}

/// Parses a whole document into its root element.
pub(crate) fn parse(xml: &[u8]) -> Result<Element, EwsError> {
    let mut reader = NsReader::from_reader(xml);
    let mut stack: Vec<Element> = Vec::new();
    let mut root: Option<Element> = None;
    let xml_err = |offset: u64, message: String| {
        let (line, position) = line_and_position(xml, offset);
        EwsError::Xml {
            line,
            position,
            message,
        }
    };

    loop {
        let (ns, event) = match reader.read_resolved_event() {
            Ok((ResolveResult::Bound(ns), event)) => (
                Some(String::from_utf8_lossy(ns.as_ref()).into_owned()),
                event,
            ),
            Ok((_, event)) => (None, event),
            Err(e) => return Err(xml_err(reader.error_position(), e.to_string())),
        };
        let here = reader.buffer_position();
        let decoder = reader.decoder();
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err(xml_err(
                    here,
                    "a second root element follows the document".into(),
                ));
            }
            Event::Start(start) => {
                if stack.len() >= MAX_DEPTH {
                    return Err(xml_err(
                        here,
                        format!("elements nested deeper than {MAX_DEPTH} levels"),
                    ));
                }
                let el = element(&start, ns, decoder).map_err(|m| xml_err(here, m))?;
                stack.push(el);
            }
            Event::Empty(start) => {
                let el = element(&start, ns, decoder).map_err(|m| xml_err(here, m))?;
                attach(&mut stack, &mut root, el);
            }
            Event::End(_) => match stack.pop() {
                Some(el) => attach(&mut stack, &mut root, el),
                None => return Err(xml_err(here, "end tag without a start tag".into())),
            },
            // XML 1.0 line-end rules: quick-xml's `xml_content` applies the 1.1
            // rules, which would also fold U+0085 and U+2028 into LF.
            Event::Text(text) => {
                let text = text
                    .xml10_content()
                    .map_err(|e| xml_err(here, e.to_string()))?;
                push_text(&mut stack, &text).map_err(|m| xml_err(here, m))?;
            }
            Event::CData(data) => {
                let text = data
                    .xml10_content()
                    .map_err(|e| xml_err(here, e.to_string()))?;
                push_text(&mut stack, &text).map_err(|m| xml_err(here, m))?;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let name = reference
                            .decode()
                            .map_err(|e| xml_err(here, e.to_string()))?;
                        predefined_entity(&name).ok_or_else(|| {
                            xml_err(here, format!("reference to undeclared entity &{name};"))
                        })?
                    }
                    Err(e) => return Err(xml_err(here, e.to_string())),
                };
                push_text(&mut stack, resolved.encode_utf8(&mut [0; 4]))
                    .map_err(|m| xml_err(here, m))?;
            }
            Event::DocType(_) => {
                return Err(xml_err(
                    here,
                    "DTDs are not allowed in SOAP messages".into(),
                ));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }

    if let Some(open) = stack.last() {
        return Err(xml_err(
            xml.len() as u64,
            format!("document ends inside <{}>", open.name),
        ));
    }
    root.ok_or_else(|| xml_err(xml.len() as u64, "document has no root element".into()))
}

fn element(
    start: &BytesStart<'_>,
    ns: Option<String>,
    decoder: Decoder,
) -> Result<Element, String> {
    let name = std::str::from_utf8(start.local_name().as_ref())
        .map_err(|e| format!("element name is not UTF-8: {e}"))?
        .to_owned();
    let mut attrs = Vec::new();
    for attr in start.attributes() {
        let attr = attr.map_err(|e| format!("in <{name}>: {e}"))?;
        if attr.key.as_namespace_binding().is_some() {
            continue;
        }
        let key = std::str::from_utf8(attr.key.local_name().as_ref())
            .map_err(|e| format!("attribute name in <{name}> is not UTF-8: {e}"))?
            .to_owned();
        let value = attr
            .decode_and_unescape_value(decoder)
            .map_err(|e| format!("attribute {key} of <{name}>: {e}"))?
            .into_owned();
        attrs.push((key, value));
    }
    Ok(Element {
        name,
        ns,
        attrs,
        children: Vec::new(),
        text: String::new(),
    })
}

fn attach(stack: &mut [Element], root: &mut Option<Element>, el: Element) {
    match stack.last_mut() {
        Some(parent) => parent.children.push(el),
        None => *root = Some(el),
    }
}

fn push_text(stack: &mut [Element], text: &str) -> Result<(), String> {
    match stack.last_mut() {
        Some(el) => {
            el.text.push_str(text);
            Ok(())
        }
        None if text.chars().all(is_xml_space) => Ok(()),
        None => Err("character data outside the root element".into()),
    }
}

fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn predefined_entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        _ => return None,
    })
}

/// 1-based line and character position of a byte offset.
fn line_and_position(xml: &[u8], offset: u64) -> (u64, u64) {
    let end = usize::try_from(offset).unwrap_or(usize::MAX).min(xml.len());
    let before = &xml[..end];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    // Count UTF-8 lead bytes so that a multi-byte character is one position.
    let position = before[line_start..]
        .iter()
        .filter(|&&b| b & 0xC0 != 0x80)
        .count() as u64
        + 1;
    (line, position)
}

/// A view of an element that remembers how it was reached, so every decoding
/// error can name the path (`Envelope/Body/Subscribe/…`).
#[derive(Clone, Debug)]
pub(crate) struct Node<'a> {
    pub(crate) el: &'a Element,
    path: String,
}

impl<'a> Node<'a> {
    pub(crate) fn root(el: &'a Element) -> Self {
        Node {
            el,
            path: el.name.clone(),
        }
    }

    pub(crate) fn name(&self) -> &'a str {
        &self.el.name
    }

    pub(crate) fn path(&self) -> &str {
        &self.path
    }

    /// Raw character data. Not trimmed: ids and watermarks are opaque and a
    /// codec must not change them.
    pub(crate) fn text(&self) -> &'a str {
        &self.el.text
    }

    pub(crate) fn attr(&self, local: &str) -> Option<&'a str> {
        self.el
            .attrs
            .iter()
            .find(|(k, _)| k == local)
            .map(|(_, v)| v.as_str())
    }

    pub(crate) fn require_attr(&self, local: &str) -> Result<&'a str, EwsError> {
        self.attr(local)
            .ok_or_else(|| self.error(format!("required attribute {local} is missing")))
    }

    pub(crate) fn children(&self) -> impl Iterator<Item = Node<'a>> + '_ {
        self.el.children.iter().map(move |el| Node {
            el,
            path: format!("{}/{}", self.path, el.name),
        })
    }

    pub(crate) fn children_named<'s>(
        &'s self,
        local: &'s str,
    ) -> impl Iterator<Item = Node<'a>> + 's {
        self.children().filter(move |n| n.name() == local)
    }

    pub(crate) fn child(&self, local: &str) -> Option<Node<'a>> {
        self.children_named(local).next()
    }

    pub(crate) fn require_child(&self, local: &str) -> Result<Node<'a>, EwsError> {
        self.child(local)
            .ok_or_else(|| self.error(format!("required element {local} is missing")))
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> EwsError {
        EwsError::schema(self.path.clone(), message)
    }

    /// `xs:boolean`, whose lexical space is `true`, `false`, `1`, `0` with
    /// surrounding whitespace collapsed.
    pub(crate) fn parse_bool(&self, value: &str, what: &'static str) -> Result<bool, EwsError> {
        match value.trim_matches(is_xml_space) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(EwsError::unknown(self.path.clone(), what, value)),
        }
    }

    /// `xs:int`-like counters; whitespace is collapsed as the schema allows.
    pub(crate) fn parse_u32(&self, value: &str, what: &'static str) -> Result<u32, EwsError> {
        let trimmed = value.trim_matches(is_xml_space);
        let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.error(format!("{what} {value:?} is not a non-negative integer")));
        }
        digits
            .parse()
            .map_err(|_| self.error(format!("{what} {value:?} does not fit in 32 bits")))
    }

    /// Collapsed text for enumeration-typed elements, where the schema
    /// normalises whitespace.
    pub(crate) fn token(&self) -> &'a str {
        self.text().trim_matches(is_xml_space)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_tree_with_local_names_and_namespaces() {
        let xml = br#"<?xml version='1.0' encoding='utf-8'?>
<s:Envelope xmlns:s="http://schemas.xmlsoap.org/soap/envelope/"><s:Body>
  <Op xmlns="urn:x" p:Id="a&amp;b" xmlns:p="urn:p"><p:Leaf>x &lt; y&#x20;&#13;<![CDATA[<z>]]></p:Leaf><Empty/></Op>
</s:Body></s:Envelope>"#;
        let root = parse(xml).unwrap();
        assert_eq!(root.name, "Envelope");
        assert_eq!(root.ns.as_deref(), Some(crate::ns::SOAP));
        let op = &root.children[0].children[0];
        assert_eq!(op.name, "Op");
        assert_eq!(op.ns.as_deref(), Some("urn:x"));
        assert_eq!(op.attrs, vec![("Id".to_string(), "a&b".to_string())]);
        assert_eq!(op.children[0].text, "x < y \r<z>");
        assert_eq!(op.children[0].ns.as_deref(), Some("urn:p"));
        assert_eq!(op.children[1].name, "Empty");
    }

    #[test]
    fn line_ends_follow_xml_1_0() {
        let root = parse("<a>x\r\ny\rz\u{85}\u{2028}<![CDATA[\r\n]]></a>".as_bytes()).unwrap();
        assert_eq!(root.text, "x\ny\nz\u{85}\u{2028}\n");
    }

    #[test]
    fn reports_line_and_position() {
        let err = parse(b"<a>\n  <b></c></a>").unwrap_err();
        match err {
            EwsError::Xml { line, .. } => assert_eq!(line, 2),
            other => panic!("expected Xml error, got {other:?}"),
        }
        assert_eq!(line_and_position("ab\ncé d".as_bytes(), 7), (2, 4));
    }

    #[test]
    fn rejects_what_is_not_one_well_formed_document() {
        for bad in [
            &b""[..],
            b"   ",
            b"<a>",
            b"<a></a><b/>",
            b"text<a/>",
            b"<a>&bogus;</a>",
            b"<!DOCTYPE a [<!ENTITY x 'y'>]><a>&x;</a>",
            b"<a x='1' x='2'/>",
            b"<a>\xff</a>",
        ] {
            assert!(
                matches!(parse(bad), Err(EwsError::Xml { .. })),
                "{:?}",
                String::from_utf8_lossy(bad)
            );
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(deep.as_bytes()), Err(EwsError::Xml { .. })));
    }
}
