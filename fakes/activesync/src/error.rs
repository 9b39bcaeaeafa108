//! The one error type of the crate.

/// Why bytes could not be decoded as ActiveSync WBXML, or why a document could
/// not be encoded. Every decoding variant carries the byte offset into the
/// input where the problem was seen, so a failing conformance run points at
/// the exact byte a peer got wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WbxmlError {
    /// The input ended while more bytes were required.
    #[error("byte offset {offset}: input ends, expected {expected}")]
    UnexpectedEof {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// What the decoder was about to read.
        expected: &'static str,
    },

    /// The first header byte is not WBXML 1.3, the only version ActiveSync sends.
    #[error("byte offset {offset}: WBXML version 0x{found:02X}, expected 0x03 (WBXML 1.3)")]
    UnsupportedVersion {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The version byte the input has.
        found: u8,
    },

    /// The public identifier is not 1 ("unknown"), which ActiveSync always sends.
    #[error("byte offset {offset}: public identifier {found}, expected 1 (unknown)")]
    UnsupportedPublicId {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The public identifier the input has.
        found: u32,
    },

    /// The charset is not UTF-8 (IANA MIBenum 106 = 0x6A).
    #[error("byte offset {offset}: charset {found} (0x{found:X}), expected 0x6A (UTF-8)")]
    UnsupportedCharset {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The charset MIBenum the input has.
        found: u32,
    },

    /// An mb_u_int32 runs past five bytes or past `u32::MAX`.
    #[error("byte offset {offset}: mb_u_int32 longer than 5 bytes or above 4294967295")]
    MbUintOverflow {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
    },

    /// A length read from the input exceeds what is left of the input.
    #[error("byte offset {offset}: {what} of {length} bytes, but only {remaining} bytes remain")]
    LengthOutOfBounds {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// What the length is of (string table, opaque data).
        what: &'static str,
        /// The length the input declares.
        length: u32,
        /// The bytes left after the length.
        remaining: usize,
    },

    /// SWITCH_PAGE names a page this codec has no table for.
    #[error("byte offset {offset}: SWITCH_PAGE to unknown code page {page}, expected one of the [MS-ASWBXML] pages")]
    UnknownCodePage {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The page number SWITCH_PAGE names.
        page: u8,
    },

    /// A tag token that the current code page does not define.
    #[error("byte offset {offset}: tag token 0x{token:02X} is not defined on code page {page} ({namespace})")]
    UnknownTag {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The current code page.
        page: u8,
        /// That page's namespace, for the message.
        namespace: &'static str,
        /// The tag identity, without the content flag.
        token: u8,
    },

    /// A tag with the attribute bit (0x80) set; ActiveSync never uses attributes.
    #[error("byte offset {offset}: tag byte 0x{byte:02X} has the attribute flag 0x80, which ActiveSync does not use")]
    AttributesNotSupported {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The tag byte as read.
        byte: u8,
    },

    /// A WBXML global token outside the set ActiveSync uses (SWITCH_PAGE, END,
    /// STR_I, OPAQUE). STR_T lands here too: string-table references are
    /// refused rather than resolved.
    #[error("byte offset {offset}: global token {name} (0x{token:02X}) is not used by ActiveSync, expected a tag, SWITCH_PAGE, END, STR_I or OPAQUE")]
    UnsupportedToken {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The global token byte.
        token: u8,
        /// Its WBXML 1.3 name (EXT_I_0, PI, STR_T, ...).
        name: &'static str,
    },

    /// An inline string that is not valid UTF-8.
    #[error("byte offset {offset}: inline string is not valid UTF-8")]
    InvalidUtf8 {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
    },

    /// STR_I or OPAQUE before the root element was opened.
    #[error("byte offset {offset}: {what} outside any element, expected the root element's tag")]
    ContentOutsideElement {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// `STR_I` or `OPAQUE`.
        what: &'static str,
    },

    /// END with no element open.
    #[error("byte offset {offset}: END with no open element")]
    UnexpectedEnd {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
    },

    /// Bytes after the root element was closed.
    #[error("byte offset {offset}: data after the end of the root element")]
    TrailingData {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
    },

    /// Elements nested deeper than [`MAX_DEPTH`](crate::MAX_DEPTH).
    #[error("byte offset {offset}: elements nested deeper than {max} levels")]
    TooDeep {
        /// Byte offset into the input where the problem was seen.
        offset: usize,
        /// The nesting limit.
        max: usize,
    },

    /// Encoding: a text node holds U+0000, which STR_I cannot carry because
    /// NUL terminates it.
    #[error("cannot encode text of <{element}>: it contains U+0000, which terminates STR_I")]
    NulInText {
        /// The element whose text it is.
        element: &'static str,
    },

    /// Encoding: an opaque node longer than an mb_u_int32 can express.
    #[error("cannot encode opaque data of <{element}>: {length} bytes exceed 4294967295")]
    OpaqueTooLong {
        /// The element whose data it is.
        element: &'static str,
        /// The data's length in bytes.
        length: usize,
    },
}
