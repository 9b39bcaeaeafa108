//! The document model: a tree of page-qualified elements holding text, opaque
//! bytes and further elements — exactly what ActiveSync WBXML can express, and
//! nothing it cannot (no attributes, no processing instructions), so every
//! `Document` has one canonical encoding.

use crate::pages::Tag;

/// A decoded or to-be-encoded ActiveSync body.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    /// The single root element (`Sync`, `FolderSync`, `Provision`, …).
    pub root: Element,
    /// The header's string table. ActiveSync always sends an empty one; a
    /// non-empty one is kept so that decoding and re-encoding preserve it, but
    /// nothing in the body may refer to it (STR_T is refused).
    pub string_table: Vec<u8>,
}

/// One element: a tag and its content in document order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Element {
    /// The element's code page and token.
    pub tag: Tag,
    /// Child elements, inline strings and opaque data, in document order.
    pub children: Vec<Node>,
}

/// Content of an element.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Node {
    /// A child element (a tag with the content flag, closed by END).
    Element(Element),
    /// An inline string (STR_I). It cannot contain U+0000.
    Text(String),
    /// Raw bytes (OPAQUE): MIME bodies, conversation ids, certificates.
    Opaque(Vec<u8>),
}

impl From<Element> for Node {
    fn from(element: Element) -> Node {
        Node::Element(element)
    }
}

/// An element with the given children. Children may be anything convertible
/// into [`Node`]: elements from [`el`]/[`leaf`]/[`empty`], or nodes from
/// [`text`]/[`opaque`].
pub fn el<C: Into<Node>>(tag: impl Into<Tag>, children: impl IntoIterator<Item = C>) -> Element {
    Element { tag: tag.into(), children: children.into_iter().map(Into::into).collect() }
}

/// An element holding one text node: `<SyncKey>0</SyncKey>`.
pub fn leaf(tag: impl Into<Tag>, value: impl Into<String>) -> Element {
    Element { tag: tag.into(), children: vec![Node::Text(value.into())] }
}

/// An element with no content: `<GetChanges/>`. Encoded without the content flag.
pub fn empty(tag: impl Into<Tag>) -> Element {
    Element { tag: tag.into(), children: Vec::new() }
}

/// A text node.
pub fn text(value: impl Into<String>) -> Node {
    Node::Text(value.into())
}

/// An opaque node.
pub fn opaque(bytes: impl Into<Vec<u8>>) -> Node {
    Node::Opaque(bytes.into())
}

impl Document {
    /// A document with an empty string table, as ActiveSync sends it.
    pub fn new(root: Element) -> Document {
        Document { root, string_table: Vec::new() }
    }

    /// The text of the first element found at `path` below the root, e.g.
    /// `doc.find(&["Collections", "Collection", "SyncKey"])` on a Sync body.
    /// See [`Element::find_element`] for how paths match.
    pub fn find(&self, path: &[&str]) -> Option<&str> {
        self.root.find(path)
    }

    /// The first element found at `path` below the root.
    pub fn find_element(&self, path: &[&str]) -> Option<&Element> {
        self.root.find_element(path)
    }

    /// Every element at `path` below the root, in document order.
    pub fn find_all(&self, path: &[&str]) -> Vec<&Element> {
        self.root.find_all(path)
    }
}

impl Element {
    /// The element's name, as the schema spells it.
    pub fn name(&self) -> &'static str {
        self.tag.name()
    }

    /// Appends a child and returns the element, for building step by step.
    pub fn with(mut self, child: impl Into<Node>) -> Element {
        self.children.push(child.into());
        self
    }

    /// The child elements, skipping text and opaque nodes.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|node| match node {
            Node::Element(element) => Some(element),
            _ => None,
        })
    }

    /// The first child element named `name`, on any page.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|element| element.name() == name)
    }

    /// The first child element with exactly this tag (page and token).
    pub fn child_tag(&self, tag: impl Into<Tag>) -> Option<&Element> {
        let tag = tag.into();
        self.elements().find(|element| element.tag == tag)
    }

    /// The element's first text node. Elements in ActiveSync hold either text
    /// or elements, so this is "the value" of a leaf; an empty element
    /// (`<Data/>`) has none.
    pub fn text(&self) -> Option<&str> {
        self.children.iter().find_map(|node| match node {
            Node::Text(text) => Some(text.as_str()),
            _ => None,
        })
    }

    /// The element's first opaque node.
    pub fn opaque(&self) -> Option<&[u8]> {
        self.children.iter().find_map(|node| match node {
            Node::Opaque(bytes) => Some(bytes.as_slice()),
            _ => None,
        })
    }

    /// The text of the first element found at `path` below this one.
    pub fn find(&self, path: &[&str]) -> Option<&str> {
        self.find_element(path).and_then(Element::text)
    }

    /// The first element at `path` below this one. Each step matches child
    /// elements by name on any page (names repeat across pages, but not among
    /// the children an ActiveSync element can have). The search backtracks: in
    /// a Sync response with several `Collection`s, `["Collection", "Commands"]`
    /// finds the first collection that has commands. An empty path is `self`.
    pub fn find_element(&self, path: &[&str]) -> Option<&Element> {
        let Some((first, rest)) = path.split_first() else {
            return Some(self);
        };
        self.elements().filter(|child| child.name() == *first).find_map(|child| child.find_element(rest))
    }

    /// Every element at `path` below this one, in document order.
    pub fn find_all(&self, path: &[&str]) -> Vec<&Element> {
        let mut found = Vec::new();
        self.collect(path, &mut found);
        found
    }

    fn collect<'a>(&'a self, path: &[&str], found: &mut Vec<&'a Element>) {
        let Some((first, rest)) = path.split_first() else {
            found.push(self);
            return;
        };
        for child in self.elements().filter(|child| child.name() == *first) {
            child.collect(rest, found);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::{AirSync, AirSyncBase, Email, FolderHierarchy};

    fn sync_response() -> Document {
        Document::new(el(
            AirSync::Sync,
            [el(
                AirSync::Collections,
                [
                    el(AirSync::Collection, [leaf(AirSync::SyncKey, "1"), leaf(AirSync::CollectionId, "5")]),
                    el(
                        AirSync::Collection,
                        [
                            leaf(AirSync::SyncKey, "7"),
                            leaf(AirSync::CollectionId, "6"),
                            el(
                                AirSync::Commands,
                                [el(
                                    AirSync::Add,
                                    [
                                        leaf(AirSync::ServerId, "6:1"),
                                        el(
                                            AirSync::ApplicationData,
                                            [leaf(Email::Subject, "Hi"), el(AirSyncBase::Body, [leaf(AirSyncBase::Type, "1")])],
                                        ),
                                    ],
                                )],
                            ),
                        ],
                    ),
                ],
            )],
        ))
    }

    #[test]
    fn find_returns_the_first_match_and_backtracks() {
        let doc = sync_response();
        assert_eq!(doc.find(&["Collections", "Collection", "SyncKey"]), Some("1"));
        assert_eq!(doc.find(&["Collections", "Collection", "Commands", "Add", "ServerId"]), Some("6:1"));
        assert_eq!(doc.find(&["Collections", "Nope"]), None);
        assert_eq!(doc.find_element(&[]).map(Element::name), Some("Sync"));
    }

    #[test]
    fn find_crosses_pages_by_name() {
        let doc = sync_response();
        let data = ["Collections", "Collection", "Commands", "Add", "ApplicationData"];
        let app = doc.find_element(&data).unwrap();
        assert_eq!(app.find(&["Subject"]), Some("Hi"));
        assert_eq!(app.find(&["Body", "Type"]), Some("1"));
        assert_eq!(app.child_tag(Email::Subject).and_then(Element::text), Some("Hi"));
        assert_eq!(app.child_tag(FolderHierarchy::DisplayName), None);
    }

    #[test]
    fn find_all_collects_in_document_order() {
        let doc = sync_response();
        let keys: Vec<_> = doc.find_all(&["Collections", "Collection", "SyncKey"]).into_iter().filter_map(Element::text).collect();
        assert_eq!(keys, ["1", "7"]);
    }

    #[test]
    fn builders_compose() {
        let built = empty(AirSync::Options)
            .with(leaf(AirSync::FilterType, "3"))
            .with(el(AirSyncBase::BodyPreference, [leaf(AirSyncBase::Type, "2")]));
        assert_eq!(built.child("FilterType").and_then(Element::text), Some("3"));
        let mixed = el(AirSyncBase::Data, [text("a"), opaque(vec![1, 2])]);
        assert_eq!(mixed.text(), Some("a"));
        assert_eq!(mixed.opaque(), Some(&[1u8, 2][..]));
        assert_eq!(empty(AirSync::GetChanges).text(), None);
    }
}
