//! The messages of RFC 4120 and [MS-SFU] as this client writes and reads them, built on
//! picky-krb's ASN.1 types: principal names, times and flags in the form the wire wants, the
//! KDC requests, and the parsing of a KDC's answer into a reply or a refusal.

use super::error::{error_name, Krb5Error};
use picky_asn1::bit_string::BitString;
use picky_asn1::date::GeneralizedTime;
use picky_asn1::restricted_string::Ia5String;
use picky_asn1::wrapper::{
    Asn1SequenceOf, BitStringAsn1, ExplicitContextTag0, ExplicitContextTag1, ExplicitContextTag2, GeneralStringAsn1, GeneralizedTimeAsn1,
    IntegerAsn1, OctetStringAsn1, Optional,
};
use picky_krb::data_types::{KerberosFlags, KerberosStringAsn1, KerberosTime, PaData, PrincipalName};
use picky_krb::messages::{AsRep, KdcRep, KrbError, KrbErrorInner, TgsRep};

/// NT-PRINCIPAL: a user.
pub const NT_PRINCIPAL: i64 = 1;
/// NT-SRV-INST: a service and its host (`HTTP/mail.example.test`).
pub const NT_SRV_INST: i64 = 2;
/// NT-ENTERPRISE: a UPN as one component (RFC 6806 §5), for a user of another UPN suffix.
pub const NT_ENTERPRISE: i64 = 10;

/// PA-TGS-REQ: the AP-REQ of a TGS request.
pub(crate) const PA_TGS_REQ: i64 = 1;
/// PA-ENC-TIMESTAMP: the client's proof of its password.
pub(crate) const PA_ENC_TIMESTAMP: i64 = 2;
/// PA-ETYPE-INFO2: the salts and types of the client's keys, in PREAUTH_REQUIRED's e-data.
pub(crate) const PA_ETYPE_INFO2: i64 = 19;
/// PA-FOR-USER ([MS-SFU] 2.2.1): S4U2Self's user.
pub(crate) const PA_FOR_USER: i64 = 129;
/// The key usage of PA-FOR-USER's checksum ([MS-SFU] 2.2.1).
pub(crate) const PA_FOR_USER_USAGE: u32 = 17;
/// PA-FOR-USER's auth-package ([MS-SFU] 2.2.1).
pub(crate) const PA_FOR_USER_PACKAGE: &str = "Kerberos";

/// What PA-FOR-USER's checksum covers ([MS-SFU] 2.2.1): the user's name type (four bytes,
/// little-endian), each component of its name, its realm and the auth-package.
pub(crate) fn for_user_covered(user: &Principal, realm: &str, auth_package: &str) -> Vec<u8> {
    let mut covered = (user.name_type as u32).to_le_bytes().to_vec();
    user.components.iter().for_each(|c| covered.extend_from_slice(c.as_bytes()));
    covered.extend_from_slice(realm.as_bytes());
    covered.extend_from_slice(auth_package.as_bytes());
    covered
}

/// KDC options and ticket flags (RFC 4120 §5.4.1, §5.3), bit numbers of the BIT STRING.
pub(crate) mod flag {
    /// forwardable.
    pub(crate) const FORWARDABLE: usize = 1;
    /// forwarded (a ticket of constrained delegation).
    pub(crate) const FORWARDED: usize = 2;
    /// renewable (only to show that another bit is not taken for forwardable).
    #[cfg(test)]
    pub(crate) const RENEWABLE: usize = 8;
    /// initial (a ticket of the AS exchange).
    pub(crate) const INITIAL: usize = 9;
    /// pre-authent (the client proved its key).
    pub(crate) const PRE_AUTHENT: usize = 10;
    /// cname-in-addl-tkt (as a KDC option): S4U2Proxy ([MS-SFU] 2.2.5).
    pub(crate) const CNAME_IN_ADDL_TKT: usize = 14;
    /// canonicalize (RFC 6806).
    pub(crate) const CANONICALIZE: usize = 15;
}

/// A principal name: its type and its components.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// The name type ([`NT_PRINCIPAL`], [`NT_SRV_INST`], ...).
    pub name_type: i64,
    /// Its components (`["HTTP", "mail.example.test"]`).
    pub components: Vec<String>,
}

impl Principal {
    /// A service by its SPN, `HTTP/mail.example.test`.
    pub fn service(spn: &str) -> Principal {
        Principal { name_type: NT_SRV_INST, components: spn.split('/').map(str::to_string).collect() }
    }

    /// A user by name, `alice`.
    pub fn user(name: &str) -> Principal {
        Principal { name_type: NT_PRINCIPAL, components: vec![name.to_string()] }
    }

    /// A user by UPN in `realm`: the UPN's name when its suffix is the realm's
    /// (`alice@example.test` in `EXAMPLE.TEST` is `alice`), else the enterprise name.
    pub fn from_upn(upn: &str, realm: &str) -> Principal {
        match upn.rsplit_once('@') {
            Some((name, suffix)) if suffix.eq_ignore_ascii_case(realm) => Principal::user(name),
            Some(_) => Principal { name_type: NT_ENTERPRISE, components: vec![upn.to_string()] },
            None => Principal::user(upn),
        }
    }

    /// Whether `other` names the same principal (the name type aside, as RFC 4120 §6.2 compares).
    pub fn same_as(&self, other: &Principal) -> bool {
        self.components.len() == other.components.len()
            && self.components.iter().zip(&other.components).all(|(a, b)| a.eq_ignore_ascii_case(b))
    }

    pub(crate) fn to_asn1(&self) -> Result<PrincipalName, Krb5Error> {
        let parts = self.components.iter().map(|c| string(c)).collect::<Result<Vec<_>, _>>()?;
        Ok(PrincipalName {
            name_type: ExplicitContextTag0::from(int(self.name_type)),
            name_string: ExplicitContextTag1::from(Asn1SequenceOf::from(parts)),
        })
    }

    pub(crate) fn from_asn1(name: &PrincipalName) -> Principal {
        Principal { name_type: int_value(&name.name_type.0), components: name.name_string.0 .0.iter().map(|s| s.0.to_string()).collect() }
    }
}

impl std::fmt::Display for Principal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.components.join("/"))
    }
}

/// A KerberosString; Kerberos names are IA5 (ASCII).
pub(crate) fn string(s: &str) -> Result<KerberosStringAsn1, Krb5Error> {
    Ia5String::from_string(s.to_string())
        .map(GeneralStringAsn1::from)
        .map_err(|_| Krb5Error::Malformed(format!("{s:?} is not ASCII, as Kerberos names are")))
}

/// An INTEGER.
pub(crate) fn int(v: i64) -> IntegerAsn1 {
    IntegerAsn1::from_bytes_be_signed(v.to_be_bytes().to_vec())
}

/// An INTEGER's value; one too long for 64 bits reads as 0 (nothing this client reads is).
pub(crate) fn int_value(i: &IntegerAsn1) -> i64 {
    let bytes = i.as_signed_bytes_be();
    if bytes.len() > 8 {
        return 0;
    }
    let fill = if bytes.first().is_some_and(|b| b & 0x80 != 0) { 0xff } else { 0 };
    let mut be = [fill; 8];
    be[8 - bytes.len()..].copy_from_slice(bytes);
    i64::from_be_bytes(be)
}

/// A KerberosTime from unix seconds.
pub(crate) fn time(unix: u64) -> Result<KerberosTime, Krb5Error> {
    let t = ::time::OffsetDateTime::from_unix_timestamp(i64::try_from(unix).unwrap_or(i64::MAX))
        .map_err(|_| Krb5Error::Malformed(format!("{unix} is not a time")))?;
    GeneralizedTime::new(t.year() as u16, t.month() as u8, t.day(), t.hour(), t.minute(), t.second())
        .map(GeneralizedTimeAsn1::from)
        .ok_or_else(|| Krb5Error::Malformed(format!("{unix} is not a time Kerberos can write")))
}

/// Unix seconds of a KerberosTime.
pub(crate) fn unix(t: &KerberosTime) -> u64 {
    let month = ::time::Month::try_from(t.month()).unwrap_or(::time::Month::January);
    ::time::Date::from_calendar_date(i32::from(t.year()), month, t.day())
        .and_then(|d| d.with_hms(t.hour(), t.minute(), t.second()))
        .map(|dt| dt.assume_utc().unix_timestamp().max(0) as u64)
        .unwrap_or(0)
}

/// A 32-bit KerberosFlags with `bits` set.
pub(crate) fn flags(bits: &[usize]) -> KerberosFlags {
    let mut b = BitString::with_len(32);
    bits.iter().for_each(|&i| b.set(i, true));
    BitStringAsn1::from(b)
}

/// Whether `bit` is set in `f`.
pub(crate) fn has_flag(f: &KerberosFlags, bit: usize) -> bool {
    bit < f.0.get_num_bits() && f.0.is_set(bit)
}

/// A PA-DATA of `kind` carrying `value`.
pub(crate) fn padata(kind: i64, value: Vec<u8>) -> PaData {
    PaData { padata_type: ExplicitContextTag1::from(int(kind)), padata_data: ExplicitContextTag2::from(OctetStringAsn1::from(value)) }
}

/// An optional field.
pub(crate) fn some<T>(v: T) -> Optional<Option<T>> {
    Optional::from(Some(v))
}

/// An absent optional field.
pub(crate) fn none<T>() -> Optional<Option<T>> {
    Optional::from(None)
}

/// DER of a message.
pub(crate) fn encode<T: serde::Serialize>(what: &str, v: &T) -> Result<Vec<u8>, Krb5Error> {
    picky_asn1_der::to_vec(v).map_err(|e| Krb5Error::Malformed(format!("{what} could not be encoded: {e}")))
}

/// A message decoded from DER; `what` names it in the error.
pub(crate) fn decode<'a, T: serde::Deserialize<'a>>(what: &str, bytes: &'a [u8]) -> Result<T, Krb5Error> {
    picky_asn1_der::from_bytes(bytes).map_err(|e| Krb5Error::Malformed(format!("{what} does not decode: {e}")))
}

/// What a KDC answered: the reply asked for, or its refusal.
pub(crate) enum Answer {
    /// An AS-REP or TGS-REP.
    Reply(Box<KdcRep>),
    /// A KRB-ERROR.
    Refusal(Box<KrbErrorInner>),
}

/// The exchange an answer is read for.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Exchange {
    /// The AS exchange: AS-REP ([APPLICATION 11]) or KRB-ERROR.
    As,
    /// The TGS exchange: TGS-REP ([APPLICATION 13]) or KRB-ERROR.
    Tgs,
}

/// Reads a KDC's answer in `exchange`.
pub(crate) fn answer(bytes: &[u8], exchange: Exchange) -> Result<Answer, Krb5Error> {
    match (bytes.first(), exchange) {
        (Some(0x6b), Exchange::As) => Ok(Answer::Reply(Box::new(decode::<AsRep>("the KDC's AS-REP", bytes)?.0))),
        (Some(0x6d), Exchange::Tgs) => Ok(Answer::Reply(Box::new(decode::<TgsRep>("the KDC's TGS-REP", bytes)?.0))),
        (Some(0x7e), _) => Ok(Answer::Refusal(Box::new(decode::<KrbError>("the KDC's KRB-ERROR", bytes)?.0))),
        (Some(t), _) => {
            Err(Krb5Error::Malformed(format!("the KDC answered a message of tag {t:#04x}, not the reply asked for nor a KRB-ERROR")))
        }
        (None, _) => Err(Krb5Error::Malformed("the KDC answered nothing".into())),
    }
}

/// The error code of a KDC's answer when it is a KRB-ERROR, `None` for anything else (a reply).
pub fn error_code(answer: &[u8]) -> Option<u32> {
    match answer.first() {
        Some(0x7e) => decode::<KrbError>("a KRB-ERROR", answer).ok().map(|e| e.0.error_code.0),
        _ => None,
    }
}

/// The refusal as an error, for `asked`.
pub(crate) fn refused(asked: &str, e: &KrbErrorInner) -> Krb5Error {
    let code = e.error_code.0;
    let text = match &e.e_text.0 {
        Some(t) => Some(t.0 .0.to_string()).filter(|t| !t.is_empty()),
        None => None,
    };
    Krb5Error::Refused { asked: asked.to_string(), code, name: error_name(code), text }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_times_integers_and_flags_go_there_and_back() {
        let spn = Principal::service("HTTP/mail.example.test");
        assert_eq!((spn.name_type, spn.to_string()), (NT_SRV_INST, "HTTP/mail.example.test".to_string()));
        assert_eq!(Principal::from_asn1(&spn.to_asn1().unwrap()), spn);
        assert_eq!(Principal::from_upn("alice@example.test", "EXAMPLE.TEST"), Principal::user("alice"));
        assert_eq!(Principal::from_upn("alice@corp.example", "EXAMPLE.TEST").name_type, NT_ENTERPRISE);
        assert!(string("bjørn").is_err());
        for v in [0, 5, 127, 128, 255, 256, 0x7fff_ffff, -138, i64::from(u32::MAX)] {
            assert_eq!(int_value(&int(v)), v, "{v}");
        }
        assert_eq!(unix(&time(1_796_601_600).unwrap()), 1_796_601_600);
        let f = flags(&[flag::FORWARDABLE, flag::CANONICALIZE]);
        // Bit 1 is the second most significant bit of the first octet (ASN.1's numbering).
        assert_eq!(f.0.as_bytes(), [0, 0x40, 0x01, 0, 0]);
        assert!(has_flag(&f, flag::FORWARDABLE) && has_flag(&f, flag::CANONICALIZE) && !has_flag(&f, flag::RENEWABLE));
    }

    #[test]
    fn an_answer_is_a_reply_a_refusal_or_named_as_neither() {
        assert!(matches!(answer(b"HTTP/1.1 200", Exchange::As), Err(Krb5Error::Malformed(m)) if m.contains("tag 0x48")));
        assert!(answer(&[0x7e, 0x05, 0x30], Exchange::As).is_err(), "truncated");
        assert!(answer(&[0x6d, 0x00], Exchange::As).is_err(), "a TGS-REP in the AS exchange");
        assert!(answer(&[], Exchange::Tgs).is_err());
    }
}
