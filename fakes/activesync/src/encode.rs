//! Document → bytes, canonically: the ActiveSync header, SWITCH_PAGE only when
//! the page actually changes, the content flag only on elements that have
//! content, every text node as one STR_I and every opaque node as one OPAQUE.
//!
//! The walk is iterative so that a document of any depth encodes without
//! touching the call stack; depth is the decoder's concern.

use crate::document::{Document, Element, Node};
use crate::header::write_header;
use crate::mbuint::write_mb_u_int32;
use crate::pages::CodePage;
use crate::token::{END, OPAQUE, STR_I, SWITCH_PAGE, TAG_CONTENT};
use crate::WbxmlError;

/// Encodes `doc`. Fails only on content WBXML cannot carry: a text node with
/// U+0000, or an opaque node or string table over 4 GiB.
pub fn encode(doc: &Document) -> Result<Vec<u8>, WbxmlError> {
    let mut out = Vec::new();
    if u32::try_from(doc.string_table.len()).is_err() {
        return Err(WbxmlError::OpaqueTooLong { element: "string table", length: doc.string_table.len() });
    }
    write_header(&doc.string_table, &mut out);

    // The decoder starts on page 0; so does the encoder.
    let mut page = CodePage::AirSync;
    // Each frame is an open element and the index of its next child.
    let mut stack: Vec<(&Element, usize)> = Vec::new();
    open(&doc.root, &mut page, &mut stack, &mut out);

    while let Some((element, next)) = stack.last_mut() {
        let element: &Element = element;
        let Some(child) = element.children.get(*next) else {
            out.push(END);
            stack.pop();
            continue;
        };
        *next += 1;
        match child {
            Node::Element(child) => open(child, &mut page, &mut stack, &mut out),
            Node::Text(text) => {
                if text.contains('\0') {
                    return Err(WbxmlError::NulInText { element: element.name() });
                }
                out.push(STR_I);
                out.extend_from_slice(text.as_bytes());
                out.push(0);
            }
            Node::Opaque(bytes) => {
                let Ok(length) = u32::try_from(bytes.len()) else {
                    return Err(WbxmlError::OpaqueTooLong { element: element.name(), length: bytes.len() });
                };
                out.push(OPAQUE);
                write_mb_u_int32(length, &mut out);
                out.extend_from_slice(bytes);
            }
        }
    }
    Ok(out)
}

/// Writes an element's tag (switching page first if needed) and, when it has
/// content, pushes it so its children and END follow.
fn open<'a>(element: &'a Element, page: &mut CodePage, stack: &mut Vec<(&'a Element, usize)>, out: &mut Vec<u8>) {
    let tag = element.tag;
    if tag.page() != *page {
        out.push(SWITCH_PAGE);
        out.push(tag.page().number());
        *page = tag.page();
    }
    if element.children.is_empty() {
        out.push(tag.token());
    } else {
        out.push(tag.token() | TAG_CONTENT);
        stack.push((element, 0));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{el, empty, leaf, opaque, text};
    use crate::pages::{AirSync, AirSyncBase, FolderHierarchy, Provision, Settings};

    #[test]
    fn empty_root_has_no_content_flag() {
        let doc = Document::new(empty(Provision::Provision));
        assert_eq!(encode(&doc).unwrap(), [0x03, 0x01, 0x6A, 0x00, 0x00, 0x0E, 0x05]);
    }

    #[test]
    fn page_switches_only_on_change_and_survives_end() {
        // Provision with Settings:DeviceInformation inside, as 14.1 clients send
        // it: switch to 18, then back to 14 for Policies.
        let doc = Document::new(el(
            Provision::Provision,
            [
                el(Settings::DeviceInformation, [el(Settings::Set, [leaf(Settings::Model, "X")])]),
                el(Provision::Policies, [empty(Provision::Policy)]),
            ],
        ));
        assert_eq!(
            encode(&doc).unwrap(),
            [
                0x03, 0x01, 0x6A, 0x00, // header
                0x00, 0x0E, 0x45, // Provision
                0x00, 0x12, 0x56, 0x48, 0x57, 0x03, b'X', 0x00, 0x01, 0x01, 0x01, // DeviceInformation
                0x00, 0x0E, 0x46, 0x07, 0x01, // Policies/Policy
                0x01, // END Provision
            ]
        );
    }

    #[test]
    fn opaque_carries_its_length() {
        let doc = Document::new(el(AirSyncBase::Data, [opaque(vec![0xAB; 130])]));
        let bytes = encode(&doc).unwrap();
        assert_eq!(&bytes[..9], [0x03, 0x01, 0x6A, 0x00, 0x00, 0x11, 0x4B, 0xC3, 0x81]);
        assert_eq!(bytes[9], 0x02);
        assert_eq!(bytes.len(), 10 + 130 + 1);
    }

    #[test]
    fn nul_in_text_is_refused() {
        let doc = Document::new(el(FolderHierarchy::FolderSync, [leaf(FolderHierarchy::SyncKey, "a\0b")]));
        assert_eq!(encode(&doc), Err(WbxmlError::NulInText { element: "SyncKey" }));
    }

    #[test]
    fn empty_text_is_an_empty_inline_string() {
        let doc = Document::new(el(AirSync::Sync, [text("")]));
        assert_eq!(encode(&doc).unwrap(), [0x03, 0x01, 0x6A, 0x00, 0x45, 0x03, 0x00, 0x01]);
    }

    #[test]
    fn documents_deeper_than_the_decoder_accepts_still_encode() {
        let mut element = empty(AirSync::Options);
        for _ in 0..1_000 {
            element = el(AirSync::Options, [element]);
        }
        let bytes = encode(&Document::new(element)).unwrap();
        assert_eq!(bytes.len(), 4 + 1_000 * 2 + 1);
    }
}
