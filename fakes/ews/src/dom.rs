//! A flat element tree built with quick-xml's `Reader`.
//!
//! EWS documents are a few kilobytes, and every decoder here needs to look at
//! siblings in any order (namespace slips, optional elements), so a tree is
//! simpler and safer than streaming. The tree sits on the path of every push
//! notification, so it is built to cost a handful of allocations per document
//! rather than several per element:
//!
//! * elements live in one `Vec` and refer to each other by index;
//! * element names and attribute values are copied into one shared string;
//! * character data borrows from the input unless it had to be unescaped,
//!   line-end normalised or joined from several pieces;
//! * the element path an error names (`Envelope/Body/…`) is worked out from
//!   the parent links only when an error is actually raised.
//!
//! Elements keep their local name only; tests can also ask for the namespace
//! each element resolved to ([`parse_tree`]) to check what the writers emit.
//!
//! The reader is a plain `Reader` rather than an `NsReader`, which would
//! re-read the attributes of every start tag to track namespace scopes. The
//! tree makes the same namespace-declaration checks (`xmlns:xml` bound to
//! another URI and the like), but only for tags that declare a namespace.

use std::borrow::Cow;
use std::ops::Range;

use quick_xml::encoding::Decoder;
use quick_xml::events::{BytesStart, Event};
use quick_xml::name::{NamespaceError, NamespaceResolver, ResolveResult};
use quick_xml::Reader;

use crate::EwsError;

/// Deeper documents are rejected: no EWS message we decode is more than a dozen
/// levels deep, so anything deeper is hostile or broken.
const MAX_DEPTH: usize = 256;

/// A parsed document. The root element is the first element, [`Document::root`].
#[derive(Debug)]
pub(crate) struct Document<'a> {
    /// In document order.
    elements: Vec<Element<'a>>,
    attrs: Vec<Attr>,
    /// Element names, attribute names and attribute values, back to back.
    strings: String,
}

#[derive(Debug)]
struct Element<'a> {
    name: Range<usize>,
    parent: Option<usize>,
    first_child: Option<usize>,
    next_sibling: Option<usize>,
    /// Indices into [`Document::attrs`]; namespace declarations are left out.
    attrs: Range<usize>,
    /// Concatenated character data directly inside this element.
    text: Cow<'a, str>,
}

/// `(local name, unescaped value)`, both in [`Document::strings`].
#[derive(Debug)]
struct Attr {
    name: Range<usize>,
    value: Range<usize>,
}

/// An element still waiting for its end tag while the tree is built.
struct Open {
    index: usize,
    last_child: Option<usize>,
    /// It declared namespaces, so its end closes a scope.
    declares: bool,
}

/// Why a start tag is refused. Namespace errors are reported at the reader's
/// error position, as `NsReader` reports them.
enum TagError {
    Namespace(NamespaceError),
    Other(String),
}

/// Parses a whole document.
pub(crate) fn parse(xml: &[u8]) -> Result<Document<'_>, EwsError> {
    build(xml, None)
}

/// The parser proper. `namespaces`, when given, receives the namespace every
/// element resolved to, in document order; production decoders never look at
/// namespaces (see the crate docs), so they skip the lookup.
fn build<'a>(xml: &'a [u8], mut namespaces: Option<&mut Vec<Option<String>>>) -> Result<Document<'a>, EwsError> {
    let mut reader = Reader::from_reader(xml);
    let mut scopes = NamespaceResolver::default();
    // Sized for EWS messages (an element per 60-odd bytes, a few ids with
    // attributes) so that typical documents never reallocate.
    let mut doc = Document {
        elements: Vec::with_capacity(xml.len() / 64 + 4),
        attrs: Vec::with_capacity(xml.len() / 128 + 4),
        strings: String::with_capacity(xml.len() / 2),
    };
    let mut open: Vec<Open> = Vec::with_capacity(16);
    let mut root_closed = false;
    let xml_err = |offset: u64, message: String| {
        let (line, position) = line_and_position(xml, offset);
        EwsError::Xml { line, position, message }
    };

    loop {
        let event = match reader.read_event() {
            Ok(event) => event,
            Err(e) => return Err(xml_err(reader.error_position(), e.to_string())),
        };
        let here = reader.buffer_position();
        let tag_err = |e: TagError| match e {
            TagError::Namespace(e) => xml_err(reader.error_position(), e.to_string()),
            TagError::Other(m) => xml_err(here, m),
        };
        let mut record_namespace = |start: &BytesStart<'_>, scopes: &NamespaceResolver| {
            if let Some(list) = namespaces.as_deref_mut() {
                list.push(match scopes.resolve_element(start.name()).0 {
                    ResolveResult::Bound(ns) => Some(String::from_utf8_lossy(ns.as_ref()).into()),
                    _ => None,
                });
            }
        };
        match event {
            Event::Start(start) | Event::Empty(start) if root_closed => {
                let message = "a second root element follows the document".into();
                return Err(tag_err(refuse(&mut scopes, &start, message)));
            }
            Event::Start(start) => {
                if open.len() >= MAX_DEPTH {
                    let message = format!("elements nested deeper than {MAX_DEPTH} levels");
                    return Err(tag_err(refuse(&mut scopes, &start, message)));
                }
                let (index, declares) = doc.add_element(&start, open.last_mut(), &mut scopes, reader.decoder()).map_err(tag_err)?;
                record_namespace(&start, &scopes);
                open.push(Open { index, last_child: None, declares });
            }
            Event::Empty(start) => {
                let (_, declares) = doc.add_element(&start, open.last_mut(), &mut scopes, reader.decoder()).map_err(tag_err)?;
                record_namespace(&start, &scopes);
                if declares {
                    scopes.pop();
                }
                root_closed = open.is_empty();
            }
            Event::End(_) => match open.pop() {
                Some(closed) => {
                    if closed.declares {
                        scopes.pop();
                    }
                    root_closed = open.is_empty();
                }
                None => return Err(xml_err(here, "end tag without a start tag".into())),
            },
            // XML 1.0 line-end rules: quick-xml's `xml_content` applies the 1.1
            // rules, which would also fold U+0085 and U+2028 into LF.
            Event::Text(text) => {
                let text = text.xml10_content().map_err(|e| xml_err(here, e.to_string()))?;
                doc.push_text(open.last(), text).map_err(|e| xml_err(here, e.to_string()))?;
            }
            Event::CData(data) => {
                let text = data.xml10_content().map_err(|e| xml_err(here, e.to_string()))?;
                doc.push_text(open.last(), text).map_err(|e| xml_err(here, e.to_string()))?;
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let name = reference.decode().map_err(|e| xml_err(here, e.to_string()))?;
                        predefined_entity(&name).ok_or_else(|| xml_err(here, format!("reference to undeclared entity &{name};")))?
                    }
                    Err(e) => return Err(xml_err(here, e.to_string())),
                };
                doc.push_text(open.last(), Cow::Owned(resolved.into())).map_err(|e| xml_err(here, e.to_string()))?;
            }
            Event::DocType(_) => {
                return Err(xml_err(here, "DTDs are not allowed in SOAP messages".into()));
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => {}
            Event::Eof => break,
        }
    }

    if let Some(o) = open.last() {
        return Err(xml_err(xml.len() as u64, format!("document ends inside <{}>", doc.element_name(o.index))));
    }
    if doc.elements.is_empty() {
        return Err(xml_err(xml.len() as u64, "document has no root element".into()));
    }
    Ok(doc)
}

impl<'a> Document<'a> {
    pub(crate) fn root(&self) -> Node<'_> {
        Node { doc: self, index: 0 }
    }

    fn str(&self, range: &Range<usize>) -> &str {
        &self.strings[range.clone()]
    }

    fn element_name(&self, index: usize) -> &str {
        self.str(&self.elements[index].name)
    }

    fn push_str(&mut self, s: &str) -> Range<usize> {
        let start = self.strings.len();
        self.strings.push_str(s);
        start..self.strings.len()
    }

    /// Appends an element (with its attributes) as the last child of `parent`.
    /// When the tag declares namespaces they are checked and pushed as a new
    /// scope of `scopes`, and the second value returned is `true`.
    fn add_element(
        &mut self,
        start: &BytesStart<'_>,
        parent: Option<&mut Open>,
        scopes: &mut NamespaceResolver,
        decoder: Decoder,
    ) -> Result<(usize, bool), TagError> {
        let name = match std::str::from_utf8(start.local_name().into_inner()) {
            Ok(name) => name,
            Err(e) => {
                let message = format!("element name is not UTF-8: {e}");
                return Err(refuse(scopes, start, message));
            }
        };
        let attrs_start = self.attrs.len();
        let mut declares = false;
        for attr in start.attributes() {
            let attr = match attr {
                Ok(attr) => attr,
                Err(e) => return Err(refuse(scopes, start, format!("in <{name}>: {e}"))),
            };
            if attr.key.as_namespace_binding().is_some() {
                declares = true;
                continue;
            }
            let key = match std::str::from_utf8(attr.key.local_name().into_inner()) {
                Ok(key) => key,
                Err(e) => {
                    let message = format!("attribute name in <{name}> is not UTF-8: {e}");
                    return Err(refuse(scopes, start, message));
                }
            };
            let value = match attr.decode_and_unescape_value(decoder) {
                Ok(value) => value,
                Err(e) => {
                    let message = format!("attribute {key} of <{name}>: {e}");
                    return Err(refuse(scopes, start, message));
                }
            };
            let attr = Attr { name: self.push_str(key), value: self.push_str(&value) };
            self.attrs.push(attr);
        }
        if declares {
            scopes.push(start).map_err(TagError::Namespace)?;
        }
        let index = self.elements.len();
        let name = self.push_str(name);
        self.elements.push(Element {
            name,
            parent: parent.as_ref().map(|p| p.index),
            first_child: None,
            next_sibling: None,
            attrs: attrs_start..self.attrs.len(),
            text: Cow::Borrowed(""),
        });
        if let Some(parent) = parent {
            match parent.last_child {
                Some(previous) => self.elements[previous].next_sibling = Some(index),
                None => self.elements[parent.index].first_child = Some(index),
            }
            parent.last_child = Some(index);
        }
        Ok((index, declares))
    }

    /// Adds character data to the innermost open element. The first piece is
    /// kept as it came (usually borrowed from the input); only a second piece
    /// makes the text an owned string.
    fn push_text(&mut self, open: Option<&Open>, piece: Cow<'a, str>) -> Result<(), TextOutsideRoot> {
        match open {
            Some(o) => {
                let text = &mut self.elements[o.index].text;
                if text.is_empty() {
                    *text = piece;
                } else {
                    text.to_mut().push_str(&piece);
                }
                Ok(())
            }
            None if piece.chars().all(is_xml_space) => Ok(()),
            None => Err(TextOutsideRoot),
        }
    }
}

/// Character data (other than white space) before the root element opened or after it closed.
#[derive(Debug, thiserror::Error)]
#[error("character data outside the root element")]
struct TextOutsideRoot;

/// The error for a tag refused with `message`, unless its namespace
/// declarations are wrong: `NsReader` checks those before it hands out a tag,
/// so that error wins.
fn refuse(scopes: &mut NamespaceResolver, start: &BytesStart<'_>, message: String) -> TagError {
    match scopes.push(start) {
        Ok(()) => TagError::Other(message),
        Err(e) => TagError::Namespace(e),
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
    let line_start = before.iter().rposition(|&b| b == b'\n').map_or(0, |i| i + 1);
    let line = before.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    // Count UTF-8 lead bytes so that a multi-byte character is one position.
    let position = before[line_start..].iter().filter(|&&b| b & 0xC0 != 0x80).count() as u64 + 1;
    (line, position)
}

/// One element of a [`Document`]. Every decoding error names the element's
/// path from the root (`Envelope/Body/Subscribe/…`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct Node<'a> {
    doc: &'a Document<'a>,
    index: usize,
}

impl<'a> Node<'a> {
    fn element(&self) -> &'a Element<'a> {
        &self.doc.elements[self.index]
    }

    pub(crate) fn name(&self) -> &'a str {
        self.doc.element_name(self.index)
    }

    /// Local names from the root down to this element, joined by `/`.
    pub(crate) fn path(&self) -> String {
        let mut names = Vec::new();
        let mut at = Some(self.index);
        while let Some(index) = at {
            names.push(self.doc.element_name(index));
            at = self.doc.elements[index].parent;
        }
        names.reverse();
        names.join("/")
    }

    /// Raw character data. Not trimmed: ids and watermarks are opaque and a
    /// codec must not change them.
    pub(crate) fn text(&self) -> &'a str {
        &self.element().text
    }

    pub(crate) fn attr(&self, local: &str) -> Option<&'a str> {
        let doc = self.doc;
        doc.attrs[self.element().attrs.clone()].iter().find(|a| doc.str(&a.name) == local).map(|a| doc.str(&a.value))
    }

    pub(crate) fn require_attr(&self, local: &str) -> Result<&'a str, EwsError> {
        self.attr(local).ok_or_else(|| self.error(format!("required attribute {local} is missing")))
    }

    pub(crate) fn children(&self) -> impl Iterator<Item = Node<'a>> + 'a {
        let doc = self.doc;
        std::iter::successors(self.element().first_child, move |&index| doc.elements[index].next_sibling)
            .map(move |index| Node { doc, index })
    }

    pub(crate) fn children_named<'s>(&'s self, local: &'s str) -> impl Iterator<Item = Node<'a>> + 's {
        self.children().filter(move |n| n.name() == local)
    }

    pub(crate) fn child(&self, local: &str) -> Option<Node<'a>> {
        self.children_named(local).next()
    }

    pub(crate) fn require_child(&self, local: &str) -> Result<Node<'a>, EwsError> {
        self.child(local).ok_or_else(|| self.error(format!("required element {local} is missing")))
    }

    pub(crate) fn error(&self, message: impl Into<String>) -> EwsError {
        EwsError::schema(self.path(), message)
    }

    /// `xs:boolean`, whose lexical space is `true`, `false`, `1`, `0` with
    /// surrounding whitespace collapsed.
    pub(crate) fn parse_bool(&self, value: &str, what: &'static str) -> Result<bool, EwsError> {
        match value.trim_matches(is_xml_space) {
            "true" | "1" => Ok(true),
            "false" | "0" => Ok(false),
            _ => Err(EwsError::unknown(self.path(), what, value)),
        }
    }

    /// `xs:int`-like counters; whitespace is collapsed as the schema allows.
    pub(crate) fn parse_u32(&self, value: &str, what: &'static str) -> Result<u32, EwsError> {
        let trimmed = value.trim_matches(is_xml_space);
        let digits = trimmed.strip_prefix('+').unwrap_or(trimmed);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return Err(self.error(format!("{what} {value:?} is not a non-negative integer")));
        }
        digits.parse().map_err(|_| self.error(format!("{what} {value:?} does not fit in 32 bits")))
    }

    /// Collapsed text for enumeration-typed elements, where the schema
    /// normalises whitespace.
    pub(crate) fn token(&self) -> &'a str {
        self.text().trim_matches(is_xml_space)
    }
}

/// An owned copy of a document with namespaces, for tests that check the
/// exact shape a writer produced.
#[cfg(test)]
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Tree {
    pub(crate) name: String,
    pub(crate) ns: Option<String>,
    pub(crate) attrs: Vec<(String, String)>,
    pub(crate) children: Vec<Tree>,
    pub(crate) text: String,
}

/// Parses like [`parse`] and copies the result into a [`Tree`].
#[cfg(test)]
pub(crate) fn parse_tree(xml: &[u8]) -> Result<Tree, EwsError> {
    fn tree(node: Node<'_>, namespaces: &[Option<String>]) -> Tree {
        let doc = node.doc;
        Tree {
            name: node.name().to_owned(),
            ns: namespaces[node.index].clone(),
            attrs: doc.attrs[node.element().attrs.clone()]
                .iter()
                .map(|a| (doc.str(&a.name).to_owned(), doc.str(&a.value).to_owned()))
                .collect(),
            children: node.children().map(|c| tree(c, namespaces)).collect(),
            text: node.text().to_owned(),
        }
    }
    let mut namespaces = Vec::new();
    let doc = build(xml, Some(&mut namespaces))?;
    Ok(tree(doc.root(), &namespaces))
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
        let root = parse_tree(xml).unwrap();
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
        let root = parse_tree("<a>x\r\ny\rz\u{85}\u{2028}<![CDATA[\r\n]]></a>".as_bytes()).unwrap();
        assert_eq!(root.text, "x\ny\nz\u{85}\u{2028}\n");
    }

    #[test]
    fn paths_and_mixed_text() {
        let xml = b"<a>x<b><c Id='1' xmlns:p='urn:p' p:K='&lt;'/></b>y&amp;<![CDATA[z]]></a>";
        let doc = parse(xml).unwrap();
        let a = doc.root();
        assert_eq!((a.path(), a.text()), ("a".to_string(), "xy&z"));
        let c = a.require_child("b").unwrap().require_child("c").unwrap();
        assert_eq!(c.path(), "a/b/c");
        assert_eq!((c.attr("Id"), c.attr("K"), c.attr("p")), (Some("1"), Some("<"), None));
        assert_eq!(c.require_child("d").unwrap_err(), EwsError::schema("a/b/c", "required element d is missing"));
        assert_eq!(a.children().map(|n| n.name()).collect::<Vec<_>>(), ["b"]);
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
            assert!(matches!(parse(bad), Err(EwsError::Xml { .. })), "{:?}", String::from_utf8_lossy(bad));
        }
        let deep = "<a>".repeat(MAX_DEPTH + 1);
        assert!(matches!(parse(deep.as_bytes()), Err(EwsError::Xml { .. })));
    }
}
