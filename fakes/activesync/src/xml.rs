//! An XML rendering of a document for reports, transcripts and debugging, in
//! the shape Microsoft's ActiveSync documentation prints bodies:
//!
//! ```text
//! <?xml version="1.0" encoding="utf-8"?>
//! <Sync xmlns="AirSync" xmlns:airsyncbase="AirSyncBase" xmlns:contacts="Contacts">
//!   <Collections>
//!     …
//!           <airsyncbase:Body>
//!             <airsyncbase:Type>1</airsyncbase:Type>
//! ```
//!
//! The root's page is the default namespace; every other page used anywhere
//! in the document is declared on the root, in order of first use, and its
//! elements carry the page prefix. It is "XML-ish" rather than XML for the
//! cases XML cannot show: opaque bytes that are UTF-8 appear as CDATA (as
//! Microsoft's test suites print MIME bodies), other opaque bytes as a hex
//! comment, and control characters as character references.

use std::fmt::{self, Write};

use crate::document::{Document, Element, Node};
use crate::pages::CodePage;

/// Opaque bytes beyond this many are elided from the hex comment, which is
/// for eyes, not for round trips.
const HEX_LIMIT: usize = 64;

impl Document {
    /// The document as indented XML, one element per line.
    pub fn to_xml_string(&self) -> String {
        let mut out = String::new();
        // Writing into a String cannot fail.
        let _ = write_document(self, &mut out);
        out
    }
}

impl fmt::Display for Document {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_document(self, f)
    }
}

fn write_document(doc: &Document, out: &mut impl Write) -> fmt::Result {
    let root_page = doc.root.tag.page();
    out.write_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n")?;

    // Open elements with the index of their next child.
    let mut stack: Vec<(&Element, usize)> = Vec::new();
    write_open(&doc.root, root_page, 0, Some(&pages_used(&doc.root)), &mut stack, out)?;
    while let Some(&(element, next)) = stack.last() {
        let depth = stack.len();
        match element.children.get(next) {
            None => {
                stack.pop();
                indent(depth - 1, out)?;
                writeln!(out, "</{}>", QName(element, root_page))?;
            }
            Some(child) => {
                if let Some(top) = stack.last_mut() {
                    top.1 += 1;
                }
                match child {
                    Node::Element(child) => write_open(child, root_page, depth, None, &mut stack, out)?,
                    other => {
                        indent(depth, out)?;
                        write_leaf_content(other, out)?;
                        out.write_char('\n')?;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Writes an element that has no element children on one line; otherwise
/// writes its start tag and pushes it.
fn write_open<'a>(
    element: &'a Element,
    root_page: CodePage,
    depth: usize,
    declarations: Option<&[CodePage]>,
    stack: &mut Vec<(&'a Element, usize)>,
    out: &mut impl Write,
) -> fmt::Result {
    indent(depth, out)?;
    write!(out, "<{}", QName(element, root_page))?;
    if let Some(pages) = declarations {
        write!(out, " xmlns=\"{}\"", root_page.namespace())?;
        for page in pages {
            write!(out, " xmlns:{}=\"{}\"", page.prefix(), page.namespace())?;
        }
    }
    match element.children.as_slice() {
        [] => out.write_str("/>\n"),
        [only @ (Node::Text(_) | Node::Opaque(_))] => {
            out.write_char('>')?;
            write_leaf_content(only, out)?;
            writeln!(out, "</{}>", QName(element, root_page))
        }
        _ => {
            out.write_str(">\n")?;
            stack.push((element, 0));
            Ok(())
        }
    }
}

fn write_leaf_content(node: &Node, out: &mut impl Write) -> fmt::Result {
    match node {
        Node::Text(text) => write_escaped(text, out),
        Node::Opaque(bytes) => write_opaque(bytes, out),
        // Elements are never leaf content.
        Node::Element(_) => Ok(()),
    }
}

fn write_escaped(text: &str, out: &mut impl Write) -> fmt::Result {
    for c in text.chars() {
        match c {
            '&' => out.write_str("&amp;")?,
            '<' => out.write_str("&lt;")?,
            '>' => out.write_str("&gt;")?,
            '\t' | '\n' | '\r' => out.write_char(c)?,
            c if c.is_control() => write!(out, "&#x{:X};", u32::from(c))?,
            c => out.write_char(c)?,
        }
    }
    Ok(())
}

fn write_opaque(bytes: &[u8], out: &mut impl Write) -> fmt::Result {
    match std::str::from_utf8(bytes) {
        Ok(text) if !text.chars().any(|c| c.is_control() && !matches!(c, '\t' | '\n' | '\r')) => {
            out.write_str("<![CDATA[")?;
            out.write_str(&text.replace("]]>", "]]]]><![CDATA[>"))?;
            out.write_str("]]>")
        }
        _ => {
            write!(out, "<!-- opaque, {} bytes:", bytes.len())?;
            for byte in bytes.iter().take(HEX_LIMIT) {
                write!(out, " {byte:02x}")?;
            }
            if bytes.len() > HEX_LIMIT {
                out.write_str(" …")?;
            }
            out.write_str(" -->")
        }
    }
}

fn indent(depth: usize, out: &mut impl Write) -> fmt::Result {
    for _ in 0..depth {
        out.write_str("  ")?;
    }
    Ok(())
}

/// Pages other than the root's, in order of first use (pre-order).
fn pages_used(root: &Element) -> Vec<CodePage> {
    let mut pages = Vec::new();
    let mut pending = vec![root];
    while let Some(element) = pending.pop() {
        let page = element.tag.page();
        if page != root.tag.page() && !pages.contains(&page) {
            pages.push(page);
        }
        // Reverse so that the first child is visited first.
        pending.extend(element.elements().collect::<Vec<_>>().into_iter().rev());
    }
    pages
}

/// An element name, prefixed unless it is on the root's page.
struct QName<'a>(&'a Element, CodePage);

impl fmt::Display for QName<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let page = self.0.tag.page();
        if page != self.1 {
            write!(f, "{}:", page.prefix())?;
        }
        f.write_str(self.0.name())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{el, empty, leaf, opaque, text};
    use crate::pages::{AirSync, AirSyncBase, FolderHierarchy, Settings};

    #[test]
    fn prints_like_microsofts_examples() {
        let doc = Document::new(el(FolderHierarchy::FolderSync, [leaf(FolderHierarchy::SyncKey, "0")]));
        assert_eq!(
            doc.to_xml_string(),
            "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n\
             <FolderSync xmlns=\"FolderHierarchy\">\n  <SyncKey>0</SyncKey>\n</FolderSync>\n"
        );
    }

    #[test]
    fn other_pages_are_declared_once_in_order_of_first_use() {
        let doc = Document::new(el(
            AirSync::Sync,
            [
                el(AirSync::Options, [el(AirSyncBase::BodyPreference, [leaf(AirSyncBase::Type, "2")])]),
                el(Settings::DeviceInformation, [empty(Settings::Set)]),
                empty(AirSyncBase::Body),
                empty(AirSync::GetChanges),
            ],
        ));
        let expected = "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<Sync xmlns=\"AirSync\" xmlns:airsyncbase=\"AirSyncBase\" xmlns:settings=\"Settings\">
  <Options>
    <airsyncbase:BodyPreference>
      <airsyncbase:Type>2</airsyncbase:Type>
    </airsyncbase:BodyPreference>
  </Options>
  <settings:DeviceInformation>
    <settings:Set/>
  </settings:DeviceInformation>
  <airsyncbase:Body/>
  <GetChanges/>
</Sync>
";
        assert_eq!(doc.to_xml_string(), expected);
        assert_eq!(doc.to_string(), expected);
    }

    #[test]
    fn escapes_text_and_shows_opaque() {
        let doc = Document::new(el(
            AirSyncBase::Body,
            [
                el(AirSyncBase::Data, [text("a < b & c > d\u{1}")]),
                el(AirSyncBase::Data, [opaque(b"MIME ]]> here".to_vec())]),
                el(AirSyncBase::Data, [opaque(vec![0x00, 0xFF])]),
                el(AirSyncBase::Data, [text("mixed"), opaque(vec![0x80])]),
            ],
        ));
        let expected = "<?xml version=\"1.0\" encoding=\"utf-8\"?>
<Body xmlns=\"AirSyncBase\">
  <Data>a &lt; b &amp; c &gt; d&#x1;</Data>
  <Data><![CDATA[MIME ]]]]><![CDATA[> here]]></Data>
  <Data><!-- opaque, 2 bytes: 00 ff --></Data>
  <Data>
    mixed
    <!-- opaque, 1 bytes: 80 -->
  </Data>
</Body>
";
        assert_eq!(doc.to_xml_string(), expected);
    }

    #[test]
    fn long_opaque_is_elided() {
        let doc = Document::new(el(AirSyncBase::Data, [opaque(vec![0xFF; 100])]));
        let xml = doc.to_xml_string();
        assert!(xml.contains("<!-- opaque, 100 bytes: ff"), "{xml}");
        assert!(xml.contains(" … -->"), "{xml}");
    }
}
