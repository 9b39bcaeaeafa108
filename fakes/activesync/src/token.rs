//! WBXML global tokens and the bits of a tag byte ([WBXML 1.3] section 7).
//!
//! Global tokens occupy identities 0x00–0x04 in each of the four tag quarters
//! (plain, +content, +attributes, +both), which is why [MS-ASWBXML] code pages
//! start their tag tokens at 0x05.

/// Changes the current code page; followed by one page byte.
pub(crate) const SWITCH_PAGE: u8 = 0x00;
/// Closes the innermost open element.
pub(crate) const END: u8 = 0x01;
/// Character entity; followed by an mb_u_int32. Not used by ActiveSync.
pub(crate) const ENTITY: u8 = 0x02;
/// Inline string; followed by a NUL-terminated string in the document charset.
pub(crate) const STR_I: u8 = 0x03;
/// Unknown tag named by a string-table offset. Not used by ActiveSync.
pub(crate) const LITERAL: u8 = 0x04;
/// Inline-string extension tokens. Not used by ActiveSync.
pub(crate) const EXT_I_0: u8 = 0x40;
pub(crate) const EXT_I_1: u8 = 0x41;
pub(crate) const EXT_I_2: u8 = 0x42;
/// Processing instruction. Not used by ActiveSync.
pub(crate) const PI: u8 = 0x43;
/// LITERAL with content. Not used by ActiveSync.
pub(crate) const LITERAL_C: u8 = 0x44;
/// String-table-reference extension tokens. Not used by ActiveSync.
pub(crate) const EXT_T_0: u8 = 0x80;
pub(crate) const EXT_T_1: u8 = 0x81;
pub(crate) const EXT_T_2: u8 = 0x82;
/// String-table reference; followed by an mb_u_int32 offset. Not used by
/// ActiveSync.
pub(crate) const STR_T: u8 = 0x83;
/// LITERAL with attributes. Not used by ActiveSync.
pub(crate) const LITERAL_A: u8 = 0x84;
/// Single-byte extension tokens. Not used by ActiveSync.
pub(crate) const EXT_0: u8 = 0xC0;
pub(crate) const EXT_1: u8 = 0xC1;
pub(crate) const EXT_2: u8 = 0xC2;
/// Opaque data; followed by an mb_u_int32 length and that many raw bytes.
pub(crate) const OPAQUE: u8 = 0xC3;
/// LITERAL with attributes and content. Not used by ActiveSync.
pub(crate) const LITERAL_AC: u8 = 0xC4;

/// Tag-byte flag: the element has content and is closed by END.
pub(crate) const TAG_CONTENT: u8 = 0x40;
/// Tag-byte flag: the element has attributes. ActiveSync never sets it.
pub(crate) const TAG_ATTRIBUTES: u8 = 0x80;
/// The tag identity within a tag byte.
pub(crate) const TAG_MASK: u8 = 0x3F;
/// Lowest tag identity that is not a global token.
#[cfg(test)]
pub(crate) const FIRST_TAG_TOKEN: u8 = 0x05;

/// The name of a global token, for error messages; `None` for a tag byte.
pub(crate) fn global_token_name(byte: u8) -> Option<&'static str> {
    Some(match byte {
        SWITCH_PAGE => "SWITCH_PAGE",
        END => "END",
        ENTITY => "ENTITY",
        STR_I => "STR_I",
        LITERAL => "LITERAL",
        EXT_I_0 => "EXT_I_0",
        EXT_I_1 => "EXT_I_1",
        EXT_I_2 => "EXT_I_2",
        PI => "PI",
        LITERAL_C => "LITERAL_C",
        EXT_T_0 => "EXT_T_0",
        EXT_T_1 => "EXT_T_1",
        EXT_T_2 => "EXT_T_2",
        STR_T => "STR_T",
        LITERAL_A => "LITERAL_A",
        EXT_0 => "EXT_0",
        EXT_1 => "EXT_1",
        EXT_2 => "EXT_2",
        OPAQUE => "OPAQUE",
        LITERAL_AC => "LITERAL_AC",
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn global_tokens_are_exactly_the_low_identities_of_each_quarter() {
        for byte in 0..=u8::MAX {
            let is_global = byte & TAG_MASK < FIRST_TAG_TOKEN;
            assert_eq!(global_token_name(byte).is_some(), is_global, "0x{byte:02X}");
        }
    }
}
