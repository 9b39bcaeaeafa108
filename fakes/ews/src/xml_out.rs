//! Output side: a string builder that can only produce balanced, escaped XML.
//!
//! Element and attribute names come from [`crate::names`] (or are sanitised by
//! [`ncname`]); only values are caller data, and every value passes through
//! [`escape_text`] or [`escape_attr`].
//!
//! Writers sit on the path of every push notification, so the buffer is sized
//! once up front and escaping copies runs of plain text in one go instead of
//! character by character.

use crate::ns::Prefix;

pub(crate) struct XmlOut {
    buf: String,
}

impl XmlOut {
    /// Starts a document with the declaration Exchange and exchangelib emit,
    /// with room for `capacity` bytes so that a well-estimated message is
    /// written without reallocating.
    pub(crate) fn document(capacity: usize) -> Self {
        let mut buf = String::with_capacity(capacity);
        buf.push_str(r#"<?xml version="1.0" encoding="utf-8"?>"#);
        XmlOut { buf }
    }

    pub(crate) fn finish(self) -> String {
        self.buf
    }

    /// `<p:local xmlns:…="…" a="v">body</p:local>`. Declarations come first so
    /// that a reader of the raw text sees the bindings before their use.
    pub(crate) fn elem_ns(
        &mut self,
        prefix: Prefix,
        local: &str,
        declare: &[Prefix],
        attrs: &[(&str, &str)],
        body: impl FnOnce(&mut Self),
    ) {
        self.start_tag(prefix, local, declare, attrs);
        self.buf.push('>');
        body(self);
        self.buf.push_str("</");
        self.qname(prefix, local);
        self.buf.push('>');
    }

    pub(crate) fn elem(&mut self, prefix: Prefix, local: &str, attrs: &[(&str, &str)], body: impl FnOnce(&mut Self)) {
        self.elem_ns(prefix, local, &[], attrs, body);
    }

    /// An element whose only content is `text`. Written with an explicit end
    /// tag even when `text` is empty, so that "present but empty" survives.
    pub(crate) fn leaf(&mut self, prefix: Prefix, local: &str, attrs: &[(&str, &str)], text: &str) {
        self.elem(prefix, local, attrs, |o| o.text(text));
    }

    /// A leaf holding a number, written without an intermediate `String`
    /// (digits never need escaping).
    pub(crate) fn leaf_number(&mut self, prefix: Prefix, local: &str, attrs: &[(&str, &str)], value: u64) {
        self.elem(prefix, local, attrs, |o| {
            use std::fmt::Write;
            // Writing to a `String` cannot fail.
            let _ = write!(o.buf, "{value}");
        });
    }

    pub(crate) fn leaf_ns(&mut self, prefix: Prefix, local: &str, declare: &[Prefix], text: &str) {
        self.elem_ns(prefix, local, declare, &[], |o| o.text(text));
    }

    pub(crate) fn empty(&mut self, prefix: Prefix, local: &str, declare: &[Prefix], attrs: &[(&str, &str)]) {
        self.start_tag(prefix, local, declare, attrs);
        self.buf.push_str("/>");
    }

    pub(crate) fn text(&mut self, text: &str) {
        escape_text(&mut self.buf, text);
    }

    fn start_tag(&mut self, prefix: Prefix, local: &str, declare: &[Prefix], attrs: &[(&str, &str)]) {
        self.buf.push('<');
        self.qname(prefix, local);
        for p in declare {
            self.buf.push_str(" xmlns:");
            self.buf.push_str(p.as_str());
            self.buf.push_str("=\"");
            escape_attr(&mut self.buf, p.uri());
            self.buf.push('"');
        }
        for (name, value) in attrs {
            self.buf.push(' ');
            self.buf.push_str(name);
            self.buf.push_str("=\"");
            escape_attr(&mut self.buf, value);
            self.buf.push('"');
        }
    }

    fn qname(&mut self, prefix: Prefix, local: &str) {
        if prefix != Prefix::Unqualified {
            self.buf.push_str(prefix.as_str());
            self.buf.push(':');
        }
        self.buf.push_str(local);
    }
}

/// Characters XML 1.0 can carry at all. Others (most C0 controls, U+FFFE,
/// U+FFFF) cannot be written even as references, and one of them makes lxml
/// and .NET reject the whole document — so we write U+FFFD instead.
pub(crate) fn is_xml_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

/// Escapes character data. `>` is escaped too so `]]>` can never appear, and
/// `\r` becomes `&#13;` because parsers fold a literal CR into LF.
pub(crate) fn escape_text(out: &mut String, text: &str) {
    escape(out, text, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'\r' => Some("&#13;"),
        b'\t' | b'\n' => None,
        0..=0x1F => Some(REPLACEMENT),
        _ => None,
    });
}

/// Escapes an attribute value for double quotes. Tab, LF and CR become
/// references because attribute-value normalisation would turn them into spaces.
pub(crate) fn escape_attr(out: &mut String, value: &str) {
    escape(out, value, |b| match b {
        b'&' => Some("&amp;"),
        b'<' => Some("&lt;"),
        b'>' => Some("&gt;"),
        b'"' => Some("&quot;"),
        b'\'' => Some("&apos;"),
        b'\t' => Some("&#9;"),
        b'\n' => Some("&#10;"),
        b'\r' => Some("&#13;"),
        0..=0x1F => Some(REPLACEMENT),
        _ => None,
    });
}

/// What a character XML cannot carry is written as.
const REPLACEMENT: &str = "\u{FFFD}";

/// Copies `text` to `out`, replacing the ASCII characters `ascii` has a
/// replacement for and any other character outside [`is_xml_char`]. Beyond
/// ASCII those are only U+FFFE and U+FFFF (a `str` holds no surrogates), whose
/// UTF-8 starts with 0xEF, so only characters with that lead byte are decoded.
/// Runs of characters that need nothing are copied whole, so a value without
/// special characters costs one `push_str`.
fn escape(out: &mut String, text: &str, ascii: impl Fn(u8) -> Option<&'static str>) {
    let bytes = text.as_bytes();
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let (replacement, width) = match bytes[i] {
            b @ 0..=0x7F => match ascii(b) {
                Some(r) => (r, 1),
                None => {
                    i += 1;
                    continue;
                }
            },
            0xEF => match text[i..].chars().next() {
                Some(c) if !is_xml_char(c) => (REPLACEMENT, c.len_utf8()),
                _ => {
                    i += 1;
                    continue;
                }
            },
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&text[copied..i]);
        out.push_str(replacement);
        i += width;
        copied = i;
    }
    out.push_str(&text[copied..]);
}

/// Makes caller-supplied operation names usable as element names (an NCName:
/// no colon, no spaces, not starting with a digit), because a writer that
/// returns `String` has no way to refuse. Valid names pass through unchanged.
pub(crate) fn ncname(name: &str) -> String {
    let mut out: String = name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') { c } else { '_' }).collect();
    if !out.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
        out.insert(0, '_');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_text_and_attributes() {
        let mut s = String::new();
        escape_text(&mut s, "a<b>&c]]>\r\n\"'\u{1}é");
        assert_eq!(s, "a&lt;b&gt;&amp;c]]&gt;&#13;\n\"'\u{FFFD}é");
        let mut s = String::new();
        escape_attr(&mut s, "https://h/p?a=1&b=\"2\"\t'x'\n");
        assert_eq!(s, "https://h/p?a=1&amp;b=&quot;2&quot;&#9;&apos;x&apos;&#10;");
    }

    /// The run-copying escapers agree with a plain per-character definition.
    #[test]
    fn escaping_matches_the_per_character_rules() {
        fn reference(value: &str, attr: bool) -> String {
            let mut out = String::new();
            for c in value.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    '\r' => out.push_str("&#13;"),
                    '"' if attr => out.push_str("&quot;"),
                    '\'' if attr => out.push_str("&apos;"),
                    '\t' if attr => out.push_str("&#9;"),
                    '\n' if attr => out.push_str("&#10;"),
                    c if !is_xml_char(c) => out.push('\u{FFFD}'),
                    c => out.push(c),
                }
            }
            out
        }
        let samples = [
            "",
            "plain",
            "\u{FFFE}\u{FFFF}\u{FFFD}\u{EFFF}\u{FEFF}x\u{FFFF}",
            "é\u{1}\u{0}\u{1F}\u{7F}\u{20}😀\u{D7FF}\u{E000}<\t\n\r'\"&>",
            "\u{10FFFF}\u{FFEF}\u{BFBF}",
        ];
        for value in samples {
            let (mut text, mut attr) = (String::new(), String::new());
            escape_text(&mut text, value);
            escape_attr(&mut attr, value);
            assert_eq!(text, reference(value, false), "{value:?}");
            assert_eq!(attr, reference(value, true), "{value:?}");
        }
    }

    #[test]
    fn writes_balanced_prefixed_elements() {
        let mut o = XmlOut::document(0);
        o.elem_ns(Prefix::Soap, "Envelope", &[Prefix::Soap, Prefix::Types], &[], |o| {
            o.leaf(Prefix::Types, "X", &[("Id", "1&2")], "");
            o.empty(Prefix::Unqualified, "y", &[], &[]);
        });
        assert_eq!(
            o.finish(),
            concat!(
                r#"<?xml version="1.0" encoding="utf-8"?>"#,
                r#"<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" "#,
                r#"xmlns:t="http://schemas.microsoft.com/exchange/services/2006/types">"#,
                r#"<t:X Id="1&amp;2"></t:X><y/></soap:Envelope>"#
            )
        );
    }

    #[test]
    fn sanitises_names() {
        assert_eq!(ncname("ConvertId"), "ConvertId");
        assert_eq!(ncname("a:b c"), "a_b_c");
        assert_eq!(ncname("1x"), "_1x");
        assert_eq!(ncname(""), "_");
        assert_eq!(ncname("é"), "_");
    }
}
