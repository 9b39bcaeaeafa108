//! Bytes → document, for input from peers that may be broken or hostile.
//!
//! The decoder never panics, never recurses, and never allocates more than a
//! small multiple of the input: nesting is capped at [`MAX_DEPTH`], every
//! length is checked against what is left of the input before anything is
//! copied, and each loop iteration consumes at least one byte. It accepts
//! exactly the WBXML subset [MS-ASWBXML] uses (tags, SWITCH_PAGE, END, STR_I,
//! OPAQUE) and names the byte offset of anything else.
//!
//! The current code page is stream state, not element state: END does not
//! restore the page of the parent, just as the encoder never re-emits one.

use crate::document::{Document, Element, Node};
use crate::header::read_header;
use crate::mbuint::read_length_prefixed;
use crate::pages::{CodePage, Tag};
use crate::token::{global_token_name, END, OPAQUE, STR_I, SWITCH_PAGE, TAG_ATTRIBUTES, TAG_CONTENT, TAG_MASK};
use crate::WbxmlError;

/// Deepest element nesting the decoder accepts. Real ActiveSync bodies stay
/// under a dozen levels (Sync/Collections/Collection/Commands/Add/
/// ApplicationData/Body/Data is eight); the cap bounds the decoder's stack of
/// open elements on hostile input.
pub const MAX_DEPTH: usize = 64;

/// Decodes one ActiveSync WBXML body.
pub fn decode(input: &[u8]) -> Result<Document, WbxmlError> {
    let (string_table, mut at) = read_header(input)?;
    let mut page = CodePage::AirSync;
    // Open elements, innermost last.
    let mut open: Vec<Element> = Vec::new();

    loop {
        let Some(&byte) = input.get(at) else {
            let expected = if open.is_empty() { "the root element's tag" } else { "END" };
            return Err(WbxmlError::UnexpectedEof { offset: at, expected });
        };
        let token_at = at;
        at += 1;

        match byte {
            SWITCH_PAGE => {
                let Some(&number) = input.get(at) else {
                    return Err(WbxmlError::UnexpectedEof { offset: at, expected: "a code page number after SWITCH_PAGE" });
                };
                page = CodePage::from_number(number).ok_or(WbxmlError::UnknownCodePage { offset: at, page: number })?;
                at += 1;
            }
            END => {
                let Some(done) = open.pop() else {
                    return Err(WbxmlError::UnexpectedEnd { offset: token_at });
                };
                match open.last_mut() {
                    Some(parent) => parent.children.push(Node::Element(done)),
                    None => return finish(input, at, done, string_table),
                }
            }
            STR_I => {
                let Some(parent) = open.last_mut() else {
                    return Err(WbxmlError::ContentOutsideElement { offset: token_at, what: "STR_I" });
                };
                let rest = &input[at..];
                let Some(length) = rest.iter().position(|&b| b == 0) else {
                    return Err(WbxmlError::UnexpectedEof { offset: input.len(), expected: "the NUL that ends an inline string" });
                };
                let text = std::str::from_utf8(&rest[..length]).map_err(|_| WbxmlError::InvalidUtf8 { offset: at })?;
                parent.children.push(Node::Text(text.to_owned()));
                at += length + 1;
            }
            OPAQUE => {
                let Some(parent) = open.last_mut() else {
                    return Err(WbxmlError::ContentOutsideElement { offset: token_at, what: "OPAQUE" });
                };
                let (data, end) = read_length_prefixed(input, at, "OPAQUE data")?;
                parent.children.push(Node::Opaque(data.to_vec()));
                at = end;
            }
            _ => {
                if let Some(name) = global_token_name(byte) {
                    // STR_T lands here with the others: the string table is
                    // recorded but never dereferenced.
                    return Err(WbxmlError::UnsupportedToken { offset: token_at, token: byte, name });
                }
                if byte & TAG_ATTRIBUTES != 0 {
                    return Err(WbxmlError::AttributesNotSupported { offset: token_at, byte });
                }
                let token = byte & TAG_MASK;
                let tag = Tag::from_token(page, token).ok_or(WbxmlError::UnknownTag {
                    offset: token_at,
                    page: page.number(),
                    namespace: page.namespace(),
                    token,
                })?;
                let element = Element { tag, children: Vec::new() };
                if byte & TAG_CONTENT != 0 {
                    if open.len() == MAX_DEPTH {
                        return Err(WbxmlError::TooDeep { offset: token_at, max: MAX_DEPTH });
                    }
                    open.push(element);
                } else {
                    match open.last_mut() {
                        Some(parent) => parent.children.push(Node::Element(element)),
                        None => return finish(input, at, element, string_table),
                    }
                }
            }
        }
    }
}

/// The root is complete at `at`; anything after it is an error.
fn finish(input: &[u8], at: usize, root: Element, string_table: Vec<u8>) -> Result<Document, WbxmlError> {
    if at < input.len() {
        return Err(WbxmlError::TrailingData { offset: at });
    }
    Ok(Document { root, string_table })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{el, empty, leaf};
    use crate::pages::{AirSync, Ping};

    const H: [u8; 4] = [0x03, 0x01, 0x6A, 0x00];

    fn body(bytes: &[u8]) -> Vec<u8> {
        let mut out = H.to_vec();
        out.extend_from_slice(bytes);
        out
    }

    #[test]
    fn empty_root() {
        assert_eq!(decode(&body(&[0x00, 0x0D, 0x05])), Ok(Document::new(empty(Ping::Ping))));
    }

    #[test]
    fn content_flag_without_content_decodes_as_empty() {
        assert_eq!(decode(&body(&[0x45, 0x01])), Ok(Document::new(empty(AirSync::Sync))));
    }

    #[test]
    fn end_does_not_restore_the_page() {
        // Ping{ Folders{} } then, still on page 13, a tag 0x07 = Ping:Status.
        let bytes = body(&[0x00, 0x0D, 0x45, 0x49, 0x01, 0x47, 0x03, b'1', 0x00, 0x01, 0x01]);
        let doc = decode(&bytes).unwrap();
        assert_eq!(doc.root.children.len(), 2);
        assert_eq!(doc.find(&["Status"]), Some("1"));
        assert_eq!(doc.root.child("Status").unwrap().tag.page(), CodePage::Ping);
    }

    #[test]
    fn records_a_string_table_and_refuses_references_into_it() {
        let ok = [0x03, 0x01, 0x6A, 0x02, b'x', 0x00, 0x45, 0x01];
        assert_eq!(decode(&ok).unwrap().string_table, [b'x', 0x00]);
        let reference = [0x03, 0x01, 0x6A, 0x02, b'x', 0x00, 0x45, 0x83, 0x00, 0x01];
        assert_eq!(decode(&reference), Err(WbxmlError::UnsupportedToken { offset: 7, token: 0x83, name: "STR_T" }));
    }

    #[test]
    fn errors_name_offsets() {
        assert_eq!(decode(&body(&[0x45, 0x02, 0x00])), Err(WbxmlError::UnsupportedToken { offset: 5, token: 0x02, name: "ENTITY" }));
        assert_eq!(decode(&body(&[0x85, 0x01])), Err(WbxmlError::AttributesNotSupported { offset: 4, byte: 0x85 }));
        assert_eq!(decode(&body(&[0xC5, 0x01])), Err(WbxmlError::AttributesNotSupported { offset: 4, byte: 0xC5 }));
        assert_eq!(decode(&body(&[0x00, 0x03, 0x45])), Err(WbxmlError::UnknownCodePage { offset: 5, page: 3 }));
        assert_eq!(
            decode(&body(&[0x45, 0x51, 0x01, 0x01])),
            Err(WbxmlError::UnknownTag { offset: 5, page: 0, namespace: "AirSync", token: 0x11 })
        );
        assert_eq!(decode(&body(&[0x01])), Err(WbxmlError::UnexpectedEnd { offset: 4 }));
        assert_eq!(decode(&body(&[0x03, b'a', 0x00])), Err(WbxmlError::ContentOutsideElement { offset: 4, what: "STR_I" }));
        assert_eq!(decode(&body(&[0x45, 0x03, 0xFF, 0x00, 0x01])), Err(WbxmlError::InvalidUtf8 { offset: 6 }));
        assert_eq!(
            decode(&body(&[0x45, 0x03, b'a'])),
            Err(WbxmlError::UnexpectedEof { offset: 7, expected: "the NUL that ends an inline string" })
        );
        assert_eq!(
            decode(&body(&[0x45, 0xC3, 0x05, 1, 2, 0x01])),
            Err(WbxmlError::LengthOutOfBounds { offset: 6, what: "OPAQUE data", length: 5, remaining: 3 })
        );
        assert_eq!(decode(&body(&[0x05, 0x05])), Err(WbxmlError::TrailingData { offset: 5 }));
        assert_eq!(decode(&body(&[0x45])), Err(WbxmlError::UnexpectedEof { offset: 5, expected: "END" }));
        assert_eq!(decode(&H), Err(WbxmlError::UnexpectedEof { offset: 4, expected: "the root element's tag" }));
        assert_eq!(decode(&body(&[0x00])), Err(WbxmlError::UnexpectedEof { offset: 5, expected: "a code page number after SWITCH_PAGE" }));
    }

    #[test]
    fn error_messages_read_well() {
        let err = decode(&body(&[0x45, 0x51, 0x01, 0x01])).unwrap_err();
        assert_eq!(err.to_string(), "byte offset 5: tag token 0x11 is not defined on code page 0 (AirSync)");
        let err = decode(&body(&[0x45])).unwrap_err();
        assert_eq!(err.to_string(), "byte offset 5: input ends, expected END");
    }

    #[test]
    fn depth_is_capped() {
        let nested = |depth: usize| {
            let mut bytes = H.to_vec();
            bytes.extend(std::iter::repeat_n(0x57, depth)); // Options + content
            bytes.extend(std::iter::repeat_n(0x01, depth));
            bytes
        };
        let doc = decode(&nested(MAX_DEPTH)).unwrap();
        let mut depth = 1;
        let mut element = &doc.root;
        while let Some(child) = element.child("Options") {
            depth += 1;
            element = child;
        }
        assert_eq!(depth, MAX_DEPTH);
        assert_eq!(decode(&nested(MAX_DEPTH + 1)), Err(WbxmlError::TooDeep { offset: 4 + MAX_DEPTH, max: MAX_DEPTH }));
    }

    #[test]
    fn text_and_opaque_keep_document_order() {
        let bytes = body(&[0x45, 0x03, b'a', 0x00, 0xC3, 0x01, 0xFF, 0x4B, 0x03, 0x00, 0x01, 0x01]);
        let doc = decode(&bytes).unwrap();
        assert_eq!(
            doc.root,
            el(AirSync::Sync, [Node::Text("a".into()), Node::Opaque(vec![0xFF]), Node::Element(leaf(AirSync::SyncKey, "")),])
        );
    }
}
