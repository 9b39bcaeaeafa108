//! Properties over generated documents and bytes: encoding then decoding is
//! the identity, and no input — random, truncated or mutated — makes the
//! decoder panic or accept something it cannot re-encode.

use proptest::collection::vec;
use proptest::prelude::*;
use proptest::sample::Index;

use crate::*;

fn any_tag() -> impl Strategy<Value = Tag> {
    let all: Vec<Tag> =
        CodePage::ALL.iter().flat_map(|&page| page.tags().iter().filter_map(move |entry| Tag::from_token(page, entry.token))).collect();
    prop::sample::select(all)
}

/// Any character STR_I can carry, weighted towards the ones escaping and
/// UTF-8 handling get wrong.
fn text_char() -> impl Strategy<Value = char> {
    prop_oneof![
        3 => prop::char::range('a', 'z'),
        2 => prop::sample::select(vec!['<', '>', '&', '"', '\n', '\u{1}', '\u{7F}', 'é', '€', '😀']),
        2 => any::<char>().prop_filter("STR_I cannot carry NUL", |c| *c != '\0'),
    ]
}

fn any_text() -> impl Strategy<Value = String> {
    vec(text_char(), 0..16).prop_map(String::from_iter)
}

fn any_node() -> impl Strategy<Value = Node> {
    let leaf = prop_oneof![
        3 => any_text().prop_map(Node::Text),
        1 => vec(any::<u8>(), 0..200).prop_map(Node::Opaque),
        2 => any_tag().prop_map(|tag| Node::Element(Element { tag, children: Vec::new() })),
    ];
    leaf.prop_recursive(6, 96, 6, |inner| {
        (any_tag(), vec(inner, 0..6)).prop_map(|(tag, children)| Node::Element(Element { tag, children }))
    })
}

fn any_document() -> impl Strategy<Value = Document> {
    let string_table = prop_oneof![
        8 => Just(Vec::new()),
        1 => vec(any::<u8>(), 1..8),
    ];
    (any_tag(), vec(any_node(), 0..6), string_table)
        .prop_map(|(tag, children, string_table)| Document { root: Element { tag, children }, string_table })
}

/// Whatever decodes must re-encode and decode to the same document.
fn check_decoded(bytes: &[u8]) -> Result<(), TestCaseError> {
    if let Ok(doc) = decode(bytes) {
        let again = encode(&doc).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(decode(&again), Ok(doc));
    }
    Ok(())
}

proptest! {
    #[test]
    fn encode_then_decode_is_identity(doc in any_document()) {
        let bytes = encode(&doc).unwrap();
        prop_assert_eq!(decode(&bytes), Ok(doc.clone()));
        // Canonical: the XML printer never fails either.
        let _ = doc.to_xml_string();
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in vec(any::<u8>(), 0..256)) {
        check_decoded(&bytes)?;
    }

    #[test]
    fn arbitrary_bodies_behind_a_valid_header_never_panic(body in vec(any::<u8>(), 0..256)) {
        let mut bytes = header::EAS_HEADER.to_vec();
        bytes.extend_from_slice(&body);
        check_decoded(&bytes)?;
    }

    #[test]
    fn every_strict_prefix_of_an_encoding_is_refused(doc in any_document(), cut in any::<Index>()) {
        let bytes = encode(&doc).unwrap();
        let cut = cut.index(bytes.len());
        prop_assert!(decode(&bytes[..cut]).is_err(), "prefix of {} bytes decoded", cut);
    }

    #[test]
    fn single_byte_mutations_never_panic(doc in any_document(), at in any::<Index>(), byte: u8) {
        let mut bytes = encode(&doc).unwrap();
        let at = at.index(bytes.len());
        bytes[at] = byte;
        check_decoded(&bytes)?;
    }

    #[test]
    fn single_byte_insertions_and_deletions_never_panic(doc in any_document(), at in any::<Index>(), byte: u8, insert: bool) {
        let mut bytes = encode(&doc).unwrap();
        let at = at.index(bytes.len());
        if insert {
            bytes.insert(at, byte);
        } else {
            bytes.remove(at);
        }
        check_decoded(&bytes)?;
    }
}
