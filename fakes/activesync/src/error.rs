//! The one error type of the crate.

/// Why bytes could not be decoded as ActiveSync WBXML, or why a document could
/// not be encoded. Every decoding variant carries the byte offset into the
/// input where the problem was seen, so a failing conformance run points at
/// the exact byte a peer got wrong.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum WbxmlError {
    /// The input ended while more bytes were required.
    #[error("byte offset {offset}: input ends, expected {expected}")]
    UnexpectedEof { offset: usize, expected: &'static str },

    /// The first header byte is not WBXML 1.3, the only version ActiveSync sends.
    #[error("byte offset {offset}: WBXML version 0x{found:02X}, expected 0x03 (WBXML 1.3)")]
    UnsupportedVersion { offset: usize, found: u8 },

    /// The public identifier is not 1 ("unknown"), which ActiveSync always sends.
    #[error("byte offset {offset}: public identifier {found}, expected 1 (unknown)")]
    UnsupportedPublicId { offset: usize, found: u32 },

    /// The charset is not UTF-8 (IANA MIBenum 106 = 0x6A).
    #[error("byte offset {offset}: charset {found} (0x{found:X}), expected 0x6A (UTF-8)")]
    UnsupportedCharset { offset: usize, found: u32 },

    /// An mb_u_int32 runs past five bytes or past `u32::MAX`.
    #[error("byte offset {offset}: mb_u_int32 longer than 5 bytes or above 4294967295")]
    MbUintOverflow { offset: usize },

    /// A length read from the input exceeds what is left of the input.
    #[error("byte offset {offset}: {what} of {length} bytes, but only {remaining} bytes remain")]
    LengthOutOfBounds { offset: usize, what: &'static str, length: u32, remaining: usize },

    /// SWITCH_PAGE names a page this codec has no table for.
    #[error("byte offset {offset}: SWITCH_PAGE to unknown code page {page}, expected one of the [MS-ASWBXML] pages")]
    UnknownCodePage { offset: usize, page: u8 },

    /// A tag token that the current code page does not define.
    #[error("byte offset {offset}: tag token 0x{token:02X} is not defined on code page {page} ({namespace})")]
    UnknownTag { offset: usize, page: u8, namespace: &'static str, token: u8 },

    /// A tag with the attribute bit (0x80) set; ActiveSync never uses attributes.
    #[error("byte offset {offset}: tag byte 0x{byte:02X} has the attribute flag 0x80, which ActiveSync does not use")]
    AttributesNotSupported { offset: usize, byte: u8 },

    /// A WBXML global token outside the set ActiveSync uses (SWITCH_PAGE, END,
    /// STR_I, OPAQUE). STR_T lands here too: string-table references are
    /// refused rather than resolved.
    #[error("byte offset {offset}: global token {name} (0x{token:02X}) is not used by ActiveSync, expected a tag, SWITCH_PAGE, END, STR_I or OPAQUE")]
    UnsupportedToken { offset: usize, token: u8, name: &'static str },

    /// An inline string that is not valid UTF-8.
    #[error("byte offset {offset}: inline string is not valid UTF-8")]
    InvalidUtf8 { offset: usize },

    /// STR_I or OPAQUE before the root element was opened.
    #[error("byte offset {offset}: {what} outside any element, expected the root element's tag")]
    ContentOutsideElement { offset: usize, what: &'static str },

    /// END with no element open.
    #[error("byte offset {offset}: END with no open element")]
    UnexpectedEnd { offset: usize },

    /// Bytes after the root element was closed.
    #[error("byte offset {offset}: data after the end of the root element")]
    TrailingData { offset: usize },

    /// Elements nested deeper than [`MAX_DEPTH`](crate::MAX_DEPTH).
    #[error("byte offset {offset}: elements nested deeper than {max} levels")]
    TooDeep { offset: usize, max: usize },

    /// Encoding: a text node holds U+0000, which STR_I cannot carry because
    /// NUL terminates it.
    #[error("cannot encode text of <{element}>: it contains U+0000, which terminates STR_I")]
    NulInText { element: &'static str },

    /// Encoding: an opaque node longer than an mb_u_int32 can express.
    #[error("cannot encode opaque data of <{element}>: {length} bytes exceed 4294967295")]
    OpaqueTooLong { element: &'static str, length: usize },
}
