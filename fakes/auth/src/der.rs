//! The little DER (X.690) the SPNEGO and Kerberos tokens need: tag-length-value reading and
//! writing with definite lengths. Every read is bounds-checked, so arbitrary bytes give an error.

use crate::error::{AuthError, Result};

/// One TLV element: its tag byte and its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub content: &'a [u8],
}

/// Reads one element from the front of `input`; returns it and the rest.
pub(crate) fn read(input: &[u8]) -> Result<(Tlv<'_>, &[u8])> {
    let err = |m: &str| AuthError::TicketMalformed(format!("DER: {m}"));
    let (&tag, rest) = input.split_first().ok_or_else(|| err("no tag"))?;
    if tag & 0x1f == 0x1f {
        return Err(err("multi-byte tags are not used here"));
    }
    let (&first, mut rest) = rest.split_first().ok_or_else(|| err("no length"))?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err(err("bad length"));
        }
        let mut len = 0usize;
        for &b in &rest[..n] {
            len = (len << 8) | usize::from(b);
        }
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err(err("content runs past the end"));
    }
    Ok((Tlv { tag, content: &rest[..len] }, &rest[len..]))
}

/// Reads one element that must carry `tag`.
pub(crate) fn expect(input: &[u8], tag: u8) -> Result<(&[u8], &[u8])> {
    let (tlv, rest) = read(input)?;
    if tlv.tag != tag {
        return Err(AuthError::TicketMalformed(format!("DER: expected tag {tag:#04x}, found {:#04x}", tlv.tag)));
    }
    Ok((tlv.content, rest))
}

/// Every element of a constructed content, in order.
pub(crate) fn elements(mut content: &[u8]) -> Result<Vec<Tlv<'_>>> {
    let mut out = Vec::new();
    while !content.is_empty() {
        let (tlv, rest) = read(content)?;
        out.push(tlv);
        content = rest;
    }
    Ok(out)
}

/// Writes one element.
pub(crate) fn write(tag: u8, content: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(content.len() + 6);
    out.push(tag);
    let len = content.len();
    if len < 0x80 {
        out.push(len as u8);
    } else {
        let bytes = (len as u32).to_be_bytes();
        let skip = bytes.iter().take_while(|b| **b == 0).count();
        out.push(0x80 | (4 - skip) as u8);
        out.extend_from_slice(&bytes[skip..]);
    }
    out.extend_from_slice(content);
    out
}

/// A non-negative INTEGER.
pub(crate) fn write_uint(tag: u8, v: u64) -> Vec<u8> {
    let bytes = v.to_be_bytes();
    let skip = bytes.iter().take_while(|b| **b == 0).count().min(7);
    let mut content = Vec::with_capacity(9);
    if bytes[skip] & 0x80 != 0 {
        content.push(0);
    }
    content.extend_from_slice(&bytes[skip..]);
    write(tag, &content)
}

pub(crate) fn read_uint(content: &[u8]) -> Result<u64> {
    if content.is_empty() || content.len() > 9 || (content.len() == 9 && content[0] != 0) || content[0] & 0x80 != 0 {
        return Err(AuthError::TicketMalformed("DER: INTEGER out of range".into()));
    }
    Ok(content.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b)))
}

/// DER encoding of an OBJECT IDENTIFIER's content, from its arcs.
pub(crate) fn oid(arcs: &[u64]) -> Vec<u8> {
    let mut out = vec![(arcs[0] * 40 + arcs[1]) as u8];
    for &arc in &arcs[2..] {
        let mut stack = vec![(arc & 0x7f) as u8];
        let mut v = arc >> 7;
        while v > 0 {
            stack.push(0x80 | (v & 0x7f) as u8);
            v >>= 7;
        }
        out.extend(stack.iter().rev());
    }
    out
}

pub(crate) const SEQUENCE: u8 = 0x30;
pub(crate) const OCTET_STRING: u8 = 0x04;
pub(crate) const OID: u8 = 0x06;
pub(crate) const UTF8_STRING: u8 = 0x0c;
pub(crate) const INTEGER: u8 = 0x02;
pub(crate) const ENUMERATED: u8 = 0x0a;

/// A context-specific constructed tag `[n]`.
pub(crate) const fn ctx(n: u8) -> u8 {
    0xa0 | n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_lengths_and_integers_round_trip() {
        let big = vec![7u8; 300];
        let enc = write(OCTET_STRING, &big);
        assert_eq!(&enc[..4], &[0x04, 0x82, 0x01, 0x2c]);
        let (c, rest) = expect(&enc, OCTET_STRING).unwrap();
        assert_eq!(c, &big[..]);
        assert!(rest.is_empty());
        for v in [0u64, 1, 127, 128, 255, 256, u64::MAX] {
            let enc = write_uint(INTEGER, v);
            let (c, _) = expect(&enc, INTEGER).unwrap();
            assert_eq!(read_uint(c).unwrap(), v);
        }
    }

    #[test]
    fn kerberos_oid_encodes_as_in_rfc_4121() {
        assert_eq!(oid(&[1, 2, 840, 113554, 1, 2, 2]), [0x2a, 0x86, 0x48, 0x86, 0xf7, 0x12, 0x01, 0x02, 0x02]);
    }

    #[test]
    fn truncated_input_is_an_error() {
        assert!(read(&[0x30, 0x05, 1, 2]).is_err());
        assert!(read(&[0x30]).is_err());
        assert!(read(&[0x30, 0x85, 1, 1, 1, 1, 1]).is_err());
    }
}
