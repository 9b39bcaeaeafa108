//! WBXML's `mb_u_int32`: an unsigned integer of at most 32 bits, written most
//! significant group first, seven bits per byte, the high bit set on every byte
//! except the last.
//!
//! The decoder caps the encoding at five bytes (35 payload bits) and rejects
//! values above `u32::MAX`, so a hostile length can neither spin the loop nor
//! wrap around. Leading `0x80` bytes (a non-minimal encoding) are accepted as
//! long as the five-byte cap holds; the encoder always writes the minimal form.

use crate::WbxmlError;

/// Longest encoding of a 32-bit value: ceil(32 / 7).
pub(crate) const MAX_MB_UINT32_LEN: usize = 5;

/// Appends the minimal encoding of `value` to `out`.
pub(crate) fn write_mb_u_int32(value: u32, out: &mut Vec<u8>) {
    let mut groups = [0u8; MAX_MB_UINT32_LEN];
    let mut n = 0;
    let mut v = value;
    loop {
        groups[n] = (v & 0x7F) as u8;
        n += 1;
        v >>= 7;
        if v == 0 {
            break;
        }
    }
    for i in (0..n).rev() {
        let continuation = if i == 0 { 0 } else { 0x80 };
        out.push(groups[i] | continuation);
    }
}

/// An mb_u_int32 length at `offset` and the bytes it counts, as the string table and OPAQUE
/// carry them; `what` names them in the error when the length runs past the input. Returns
/// the bytes and the offset after them.
pub(crate) fn read_length_prefixed<'a>(input: &'a [u8], offset: usize, what: &'static str) -> Result<(&'a [u8], usize), WbxmlError> {
    let (length, start) = read_mb_u_int32(input, offset)?;
    let remaining = input.len() - start;
    if length as usize > remaining {
        return Err(WbxmlError::LengthOutOfBounds { offset, what, length, remaining });
    }
    let end = start + length as usize;
    Ok((&input[start..end], end))
}

/// Reads an mb_u_int32 starting at `offset` in `input`. Returns the value and
/// the offset just past it.
pub(crate) fn read_mb_u_int32(input: &[u8], offset: usize) -> Result<(u32, usize), WbxmlError> {
    let mut value: u64 = 0;
    for i in 0..MAX_MB_UINT32_LEN {
        let at = offset + i;
        let Some(&byte) = input.get(at) else {
            return Err(WbxmlError::UnexpectedEof { offset: at, expected: "an mb_u_int32 byte" });
        };
        value = (value << 7) | u64::from(byte & 0x7F);
        if value > u64::from(u32::MAX) {
            return Err(WbxmlError::MbUintOverflow { offset });
        }
        if byte & 0x80 == 0 {
            // The check above keeps `value` within u32.
            return Ok((value as u32, at + 1));
        }
    }
    Err(WbxmlError::MbUintOverflow { offset })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn encoded(value: u32) -> Vec<u8> {
        let mut out = Vec::new();
        write_mb_u_int32(value, &mut out);
        out
    }

    #[test]
    fn known_encodings() {
        // WBXML 1.3 section 5.1 gives 0xA0 = 81 20 as its example.
        assert_eq!(encoded(0), [0x00]);
        assert_eq!(encoded(0x6A), [0x6A]);
        assert_eq!(encoded(0x7F), [0x7F]);
        assert_eq!(encoded(0x80), [0x81, 0x00]);
        assert_eq!(encoded(0xA0), [0x81, 0x20]);
        assert_eq!(encoded(0x3FFF), [0xFF, 0x7F]);
        assert_eq!(encoded(0x4000), [0x81, 0x80, 0x00]);
        assert_eq!(encoded(u32::MAX), [0x8F, 0xFF, 0xFF, 0xFF, 0x7F]);
    }

    #[test]
    fn reads_from_an_offset_and_reports_the_next_one() {
        let input = [0xAA, 0x81, 0x20, 0xBB];
        assert_eq!(read_mb_u_int32(&input, 1), Ok((0xA0, 3)));
    }

    #[test]
    fn accepts_non_minimal_forms_within_five_bytes() {
        assert_eq!(read_mb_u_int32(&[0x80, 0x80, 0x00], 0), Ok((0, 3)));
        assert_eq!(read_mb_u_int32(&[0x80, 0x80, 0x80, 0x80, 0x01], 0), Ok((1, 5)));
    }

    #[test]
    fn rejects_six_bytes() {
        assert_eq!(read_mb_u_int32(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01], 0), Err(WbxmlError::MbUintOverflow { offset: 0 }));
    }

    #[test]
    fn rejects_values_above_u32() {
        // 2^32 needs a first group of 0x10.
        assert_eq!(read_mb_u_int32(&[0x90, 0x80, 0x80, 0x80, 0x00], 0), Err(WbxmlError::MbUintOverflow { offset: 0 }));
        assert_eq!(read_mb_u_int32(&[0xEE, 0xEE, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], 2), Err(WbxmlError::MbUintOverflow { offset: 2 }));
    }

    #[test]
    fn truncated_input_names_the_missing_byte() {
        assert_eq!(read_mb_u_int32(&[0x81], 0), Err(WbxmlError::UnexpectedEof { offset: 1, expected: "an mb_u_int32 byte" }));
    }

    proptest! {
        #[test]
        fn round_trips(value: u32) {
            let bytes = encoded(value);
            prop_assert!(bytes.len() <= MAX_MB_UINT32_LEN);
            prop_assert_eq!(read_mb_u_int32(&bytes, 0), Ok((value, bytes.len())));
        }

        #[test]
        fn never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..8), offset in 0usize..10) {
            let _ = read_mb_u_int32(&bytes, offset);
        }
    }
}
