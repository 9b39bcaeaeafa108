//! The WBXML document header as ActiveSync sends it: `03 01 6A 00`.
//!
//! [MS-ASWBXML] fixes the first three fields (WBXML 1.3, public identifier 1
//! "unknown", charset UTF-8) and never uses a string table, so the decoder
//! insists on the first three and only records a string table if one is
//! present. Its bytes are kept, not interpreted: STR_T references into it are
//! refused by the body decoder, because no ActiveSync peer sends them and a
//! resolver would be code no conformance run ever exercises.

use crate::mbuint::{read_length_prefixed, read_mb_u_int32, write_mb_u_int32};
use crate::WbxmlError;

/// WBXML version byte for 1.3 (major - 1 in the high nibble, minor in the low).
pub(crate) const WBXML_VERSION_1_3: u8 = 0x03;
/// Public identifier 1: "unknown or missing public identifier".
pub(crate) const PUBLIC_ID_UNKNOWN: u32 = 0x01;
/// IANA MIBenum of UTF-8.
pub(crate) const CHARSET_UTF8: u32 = 0x6A;

/// The header every ActiveSync body starts with.
#[cfg(test)]
pub(crate) const EAS_HEADER: [u8; 4] = [0x03, 0x01, 0x6A, 0x00];

/// Writes the ActiveSync header with the given string table (normally empty).
pub(crate) fn write_header(string_table: &[u8], out: &mut Vec<u8>) {
    out.push(WBXML_VERSION_1_3);
    write_mb_u_int32(PUBLIC_ID_UNKNOWN, out);
    write_mb_u_int32(CHARSET_UTF8, out);
    // Callers cap the table at u32::MAX bytes before getting here.
    write_mb_u_int32(string_table.len() as u32, out);
    out.extend_from_slice(string_table);
}

/// Reads the header. Returns the string table and the offset of the body.
pub(crate) fn read_header(input: &[u8]) -> Result<(Vec<u8>, usize), WbxmlError> {
    let Some(&version) = input.first() else {
        return Err(WbxmlError::UnexpectedEof { offset: 0, expected: "the WBXML version byte 0x03" });
    };
    if version != WBXML_VERSION_1_3 {
        return Err(WbxmlError::UnsupportedVersion { offset: 0, found: version });
    }

    let at = 1;
    let (public_id, next) = read_mb_u_int32(input, at)?;
    if public_id != PUBLIC_ID_UNKNOWN {
        return Err(WbxmlError::UnsupportedPublicId { offset: at, found: public_id });
    }

    let at = next;
    let (charset, next) = read_mb_u_int32(input, at)?;
    if charset != CHARSET_UTF8 {
        return Err(WbxmlError::UnsupportedCharset { offset: at, found: charset });
    }

    let at = next;
    let (table, end) = read_length_prefixed(input, at, "string table")?;
    Ok((table.to_vec(), end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_the_activesync_header() {
        let mut out = Vec::new();
        write_header(&[], &mut out);
        assert_eq!(out, EAS_HEADER);
    }

    #[test]
    fn reads_the_activesync_header() {
        assert_eq!(read_header(&[0x03, 0x01, 0x6A, 0x00, 0x45]), Ok((vec![], 4)));
    }

    #[test]
    fn records_a_string_table() {
        let input = [0x03, 0x01, 0x6A, 0x03, b'a', 0, b'b', 0x45];
        assert_eq!(read_header(&input), Ok((vec![b'a', 0, b'b'], 7)));
    }

    #[test]
    fn string_table_longer_than_input_is_refused() {
        let input = [0x03, 0x01, 0x6A, 0x8F, 0xFF, 0xFF, 0xFF, 0x7F, 1, 2];
        assert_eq!(
            read_header(&input),
            Err(WbxmlError::LengthOutOfBounds { offset: 3, what: "string table", length: u32::MAX, remaining: 2 })
        );
    }

    #[test]
    fn wrong_fields_name_their_offsets() {
        assert_eq!(read_header(&[0x02, 0x01, 0x6A, 0x00]), Err(WbxmlError::UnsupportedVersion { offset: 0, found: 0x02 }));
        assert_eq!(read_header(&[0x03, 0x00, 0x00, 0x6A, 0x00]), Err(WbxmlError::UnsupportedPublicId { offset: 1, found: 0 }));
        assert_eq!(read_header(&[0x03, 0x01, 0x04, 0x00]), Err(WbxmlError::UnsupportedCharset { offset: 2, found: 4 }));
        // Charset 0x6A written in two bytes is still UTF-8.
        assert_eq!(read_header(&[0x03, 0x01, 0x80, 0x6A, 0x00]), Ok((vec![], 5)));
    }

    #[test]
    fn empty_input() {
        assert!(matches!(read_header(&[]), Err(WbxmlError::UnexpectedEof { offset: 0, .. })));
    }
}
