//! SPNEGO (RFC 4178) as HTTP Negotiate carries it (RFC 4559): the NegTokenInit a client sends
//! first, the NegTokenResp both sides send after, and the raw forms clients also use — a bare
//! Kerberos GSS token, or a bare NTLMSSP message (what IIS accepts under Negotiate when there
//! is no Kerberos, and what requests-ntlm sends).

use crate::der::{self, ctx, Tlv};
use crate::error::{AuthError, Result};
use crate::ntlm;

/// 1.3.6.1.5.5.2
pub(crate) fn spnego_oid() -> Vec<u8> {
    der::oid(&[1, 3, 6, 1, 5, 5, 2])
}
/// 1.2.840.113554.1.2.2 (RFC 4121)
pub(crate) fn krb5_oid() -> Vec<u8> {
    der::oid(&[1, 2, 840, 113554, 1, 2, 2])
}
/// 1.2.840.48018.1.2.2, the OID Windows lists for Kerberos.
pub(crate) fn ms_krb5_oid() -> Vec<u8> {
    der::oid(&[1, 2, 840, 48018, 1, 2, 2])
}
/// 1.3.6.1.4.1.311.2.2.10
pub(crate) fn ntlm_oid() -> Vec<u8> {
    der::oid(&[1, 3, 6, 1, 4, 1, 311, 2, 2, 10])
}

/// The mechanisms a Negotiate exchange can carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mech {
    /// Kerberos V5 (RFC 4121), OID 1.2.840.113554.1.2.2.
    Kerberos,
    /// NTLMSSP, OID 1.3.6.1.4.1.311.2.2.10.
    Ntlm,
}

impl Mech {
    fn oid(self) -> Vec<u8> {
        match self {
            Mech::Kerberos => krb5_oid(),
            Mech::Ntlm => ntlm_oid(),
        }
    }
}

/// What a Negotiate token turned out to carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NegotiateToken {
    /// A Kerberos AP-REQ (the GSS InitialContextToken's inner token, after `01 00`).
    Kerberos(Vec<u8>),
    /// An NTLM message; `wrapped` when it came inside SPNEGO (the answer must be wrapped too).
    Ntlm {
        /// The NTLMSSP message itself.
        message: Vec<u8>,
        /// Whether it came in a NegTokenInit or NegTokenResp rather than bare.
        wrapped: bool,
    },
}

fn err(m: impl Into<String>) -> AuthError {
    AuthError::Spnego(m.into())
}

/// The GSS InitialContextToken framing (RFC 2743 §3.1): `[APPLICATION 0] { OID, inner }`.
pub(crate) fn gss_wrap(mech_oid: &[u8], inner: &[u8]) -> Vec<u8> {
    let mut body = der::write(der::OID, mech_oid);
    body.extend_from_slice(inner);
    der::write(0x60, &body)
}

fn gss_unwrap(token: &[u8]) -> Result<(Vec<u8>, &[u8])> {
    let (content, _) = der::expect(token, 0x60).map_err(|e| err(e.to_string()))?;
    let (oid, inner) = der::expect(content, der::OID).map_err(|e| err(e.to_string()))?;
    Ok((oid.to_vec(), inner))
}

/// A Kerberos AP-REQ as a GSS token: krb5 OID, TOK_ID `01 00`, the AP-REQ (RFC 4121 §4.1).
pub fn kerberos_token(ap_req: &[u8]) -> Vec<u8> {
    let mut inner = vec![0x01, 0x00];
    inner.extend_from_slice(ap_req);
    gss_wrap(&krb5_oid(), &inner)
}

/// `Negotiate <base64 of a NegTokenInit carrying the Kerberos AP-REQ>`: the `Authorization`
/// value that presents a ticket (RFC 4559 §4.2).
pub fn kerberos_authorization(ap_req: &[u8]) -> String {
    use base64::Engine;
    format!("Negotiate {}", base64::engine::general_purpose::STANDARD.encode(neg_token_init(Mech::Kerberos, &kerberos_token(ap_req))))
}

/// A NegTokenInit offering `mech` first, with its initial token.
pub fn neg_token_init(mech: Mech, token: &[u8]) -> Vec<u8> {
    let mech_list = der::write(der::SEQUENCE, &der::write(der::OID, &mech.oid()));
    let mut seq = der::write(ctx(0), &mech_list);
    seq.extend(der::write(ctx(2), &der::write(der::OCTET_STRING, token)));
    let init = der::write(ctx(0), &der::write(der::SEQUENCE, &seq));
    gss_wrap(&spnego_oid(), &init)
}

/// negState values of a NegTokenResp (RFC 4178 §4.2.2).
pub mod state {
    /// accept-completed: the context is established; the last token, if any, ends it.
    pub const ACCEPT_COMPLETED: u8 = 0;
    /// accept-incomplete: another leg follows (the NTLM CHALLENGE is sent with this).
    pub const ACCEPT_INCOMPLETE: u8 = 1;
    /// reject: the acceptor refuses the mechanism or the credentials.
    pub const REJECT: u8 = 2;
}

/// A NegTokenResp (`a1 ...`).
pub fn neg_token_resp(neg_state: u8, mech: Option<Mech>, token: Option<&[u8]>) -> Vec<u8> {
    let mut seq = der::write(ctx(0), &der::write(der::ENUMERATED, &[neg_state]));
    if let Some(m) = mech {
        seq.extend(der::write(ctx(1), &der::write(der::OID, &m.oid())));
    }
    if let Some(t) = token {
        seq.extend(der::write(ctx(2), &der::write(der::OCTET_STRING, t)));
    }
    der::write(ctx(1), &der::write(der::SEQUENCE, &seq))
}

/// The parts of a NegTokenResp (RFC 4178 §4.2.2); every field is optional on the wire.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct NegTokenResp {
    /// negState `[0]`, one of [`state`].
    pub neg_state: Option<u8>,
    /// supportedMech `[1]`: the DER OID content of the mechanism the acceptor chose (first reply only).
    pub mech: Option<Vec<u8>>,
    /// responseToken `[2]`: the mechanism's next token.
    pub token: Option<Vec<u8>>,
}

/// Reads a NegTokenResp (`a1 30 ...`); a token of another shape is [`AuthError::Spnego`].
pub fn parse_neg_token_resp(b: &[u8]) -> Result<NegTokenResp> {
    let (outer, _) = der::expect(b, ctx(1)).map_err(|e| err(e.to_string()))?;
    let (seq, _) = der::expect(outer, der::SEQUENCE).map_err(|e| err(e.to_string()))?;
    let mut out = NegTokenResp::default();
    for Tlv { tag, content } in der::elements(seq).map_err(|e| err(e.to_string()))? {
        match tag {
            0xa0 => out.neg_state = der::expect(content, der::ENUMERATED).ok().and_then(|(c, _)| c.first().copied()),
            0xa1 => out.mech = Some(der::expect(content, der::OID).map_err(|e| err(e.to_string()))?.0.to_vec()),
            0xa2 => out.token = Some(der::expect(content, der::OCTET_STRING).map_err(|e| err(e.to_string()))?.0.to_vec()),
            _ => {}
        }
    }
    Ok(out)
}

/// Reads what a Negotiate token carries. Arbitrary bytes give an error, never a panic.
pub fn classify(b: &[u8]) -> Result<NegotiateToken> {
    if ntlm::is_ntlm(b) {
        return Ok(NegotiateToken::Ntlm { message: b.to_vec(), wrapped: false });
    }
    match b.first() {
        Some(0x60) => {
            let (oid, inner) = gss_unwrap(b)?;
            if oid == krb5_oid() || oid == ms_krb5_oid() {
                return kerberos_inner(inner);
            }
            if oid != spnego_oid() {
                return Err(err("the GSS token is neither SPNEGO nor Kerberos"));
            }
            let (init, _) = der::expect(inner, ctx(0)).map_err(|e| err(format!("not a NegTokenInit: {e}")))?;
            let (seq, _) = der::expect(init, der::SEQUENCE).map_err(|e| err(e.to_string()))?;
            let mut mechs = Vec::new();
            let mut token = None;
            for Tlv { tag, content } in der::elements(seq).map_err(|e| err(e.to_string()))? {
                match tag {
                    0xa0 => {
                        let (list, _) = der::expect(content, der::SEQUENCE).map_err(|e| err(e.to_string()))?;
                        for m in der::elements(list).map_err(|e| err(e.to_string()))? {
                            mechs.push(m.content.to_vec());
                        }
                    }
                    0xa2 => token = Some(der::expect(content, der::OCTET_STRING).map_err(|e| err(e.to_string()))?.0.to_vec()),
                    _ => {}
                }
            }
            let token = token.ok_or_else(|| err("the NegTokenInit carries no mechToken for its preferred mechanism"))?;
            if ntlm::is_ntlm(&token) {
                return Ok(NegotiateToken::Ntlm { message: token, wrapped: true });
            }
            match mechs.first() {
                Some(m) if *m == krb5_oid() || *m == ms_krb5_oid() => {
                    let (_, inner) = gss_unwrap(&token)?;
                    kerberos_inner(inner)
                }
                _ => Err(err("the preferred mechanism is neither Kerberos nor NTLM")),
            }
        }
        Some(0xa1) => {
            let resp = parse_neg_token_resp(b)?;
            match resp.token {
                Some(t) if ntlm::is_ntlm(&t) => Ok(NegotiateToken::Ntlm { message: t, wrapped: true }),
                _ => Err(err("the NegTokenResp carries no NTLM message")),
            }
        }
        _ => Err(err("the token is neither SPNEGO, Kerberos nor NTLM")),
    }
}

fn kerberos_inner(inner: &[u8]) -> Result<NegotiateToken> {
    match inner {
        [0x01, 0x00, rest @ ..] => Ok(NegotiateToken::Kerberos(rest.to_vec())),
        _ => Err(err("the Kerberos token is not an AP-REQ (TOK_ID 01 00)")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn init_token_starts_like_windows_and_classifies() {
        let t = neg_token_init(Mech::Kerberos, &kerberos_token(b"ticket"));
        assert_eq!(&t[..2], &[0x60, t.len() as u8 - 2]);
        assert_eq!(&t[2..10], &[0x06, 0x06, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x02]);
        assert_eq!(classify(&t).unwrap(), NegotiateToken::Kerberos(b"ticket".to_vec()));
        assert_eq!(classify(&kerberos_token(b"x")).unwrap(), NegotiateToken::Kerberos(b"x".to_vec()));
    }

    #[test]
    fn ntlm_raw_and_wrapped() {
        let msg = b"NTLMSSP\0\x01\0\0\0rest".to_vec();
        assert_eq!(classify(&msg).unwrap(), NegotiateToken::Ntlm { message: msg.clone(), wrapped: false });
        assert_eq!(classify(&neg_token_init(Mech::Ntlm, &msg)).unwrap(), NegotiateToken::Ntlm { message: msg.clone(), wrapped: true });
        let resp = neg_token_resp(state::ACCEPT_INCOMPLETE, Some(Mech::Ntlm), Some(&msg));
        assert_eq!(classify(&resp).unwrap(), NegotiateToken::Ntlm { message: msg.clone(), wrapped: true });
        let parsed = parse_neg_token_resp(&resp).unwrap();
        assert_eq!(parsed.neg_state, Some(state::ACCEPT_INCOMPLETE));
        assert_eq!(parsed.mech, Some(ntlm_oid()));
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(mut b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..120), first in proptest::sample::select(vec![0x60u8, 0xa1, 0x30])) {
            let _ = classify(&b);
            if !b.is_empty() { b[0] = first; }
            let _ = classify(&b);
            let full = neg_token_init(Mech::Kerberos, &kerberos_token(&b));
            for cut in 0..full.len() {
                proptest::prop_assert!(classify(&full[..cut]).is_err());
            }
        }
    }
}
