//! Output side: a string builder that can only produce balanced, escaped XML.
//!
//! Element and attribute names come from [`crate::names`] (or are sanitised by
//! [`ncname`]); only values are caller data, and every value passes through
//! [`escape_text`] or [`escape_attr`].

use crate::ns::Prefix;

pub(crate) struct XmlOut {
    buf: String,
}

impl XmlOut {
    /// Starts a document with the declaration Exchange and exchangelib emit.
    pub(crate) fn document() -> Self {
        XmlOut {
            buf: String::from(r#"<?xml version="1.0" encoding="utf-8"?>"#),
        }
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

    pub(crate) fn elem(
        &mut self,
        prefix: Prefix,
        local: &str,
        attrs: &[(&str, &str)],
        body: impl FnOnce(&mut Self),
    ) {
        self.elem_ns(prefix, local, &[], attrs, body);
    }

    /// An element whose only content is `text`. Written with an explicit end
    /// tag even when `text` is empty, so that "present but empty" survives.
    pub(crate) fn leaf(&mut self, prefix: Prefix, local: &str, attrs: &[(&str, &str)], text: &str) {
        self.elem(prefix, local, attrs, |o| o.text(text));
    }

    pub(crate) fn leaf_ns(&mut self, prefix: Prefix, local: &str, declare: &[Prefix], text: &str) {
        self.elem_ns(prefix, local, declare, &[], |o| o.text(text));
    }

    pub(crate) fn empty(
        &mut self,
        prefix: Prefix,
        local: &str,
        declare: &[Prefix],
        attrs: &[(&str, &str)],
    ) {
        self.start_tag(prefix, local, declare, attrs);
        self.buf.push_str("/>");
    }

    pub(crate) fn text(&mut self, text: &str) {
        escape_text(&mut self.buf, text);
    }

    fn start_tag(
        &mut self,
        prefix: Prefix,
        local: &str,
        declare: &[Prefix],
        attrs: &[(&str, &str)],
    ) {
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
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Escapes an attribute value for double quotes. Tab, LF and CR become
/// references because attribute-value normalisation would turn them into spaces.
pub(crate) fn escape_attr(out: &mut String, value: &str) {
    for c in value.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if !is_xml_char(c) => out.push('\u{FFFD}'),
            c => out.push(c),
        }
    }
}

/// Makes caller-supplied operation names usable as element names (an NCName:
/// no colon, no spaces, not starting with a digit), because a writer that
/// returns `String` has no way to refuse. Valid names pass through unchanged.
pub(crate) fn ncname(name: &str) -> String {
    let mut out: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
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
        assert_eq!(
            s,
            "https://h/p?a=1&amp;b=&quot;2&quot;&#9;&apos;x&apos;&#10;"
        );
    }

    #[test]
    fn writes_balanced_prefixed_elements() {
        let mut o = XmlOut::document();
        o.elem_ns(
            Prefix::Soap,
            "Envelope",
            &[Prefix::Soap, Prefix::Types],
            &[],
            |o| {
                o.leaf(Prefix::Types, "X", &[("Id", "1&2")], "");
                o.empty(Prefix::Unqualified, "y", &[], &[]);
            },
        );
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
