//! The client side: a service account's TGT (the AS exchange with encrypted-timestamp
//! pre-authentication, RFC 4120 §3.1 and §5.2.7.2), S4U2Self and S4U2Proxy (TGS exchanges
//! with [MS-SFU]'s extensions, §3.1.5), and the AP-REQ the last ticket is presented in.

use super::crypto::{self, hmac_md5, Key, CKSUM_HMAC_MD5, ETYPES};
use super::error::Krb5Error;
use super::message::{
    self as m, answer, decode, encode, flag, flags, has_flag, int, int_value, none, padata, some, string, time, unix, Answer, Exchange,
    Principal, PA_ENC_TIMESTAMP, PA_ETYPE_INFO2, PA_FOR_USER, PA_TGS_REQ,
};
use super::wire;
use mailconform_sim::HttpClient;
use picky_asn1::wrapper::{
    Asn1SequenceOf, ExplicitContextTag0, ExplicitContextTag1, ExplicitContextTag11, ExplicitContextTag2, ExplicitContextTag3,
    ExplicitContextTag4, ExplicitContextTag5, ExplicitContextTag7, ExplicitContextTag8, OctetStringAsn1,
};
use picky_asn1_der::application_tag::ApplicationTag;
use picky_krb::data_types::{AuthenticatorInner, Checksum, EncryptedData, EtypeInfo2Entry, PaData, PaEncTsEnc, Ticket};
use picky_krb::messages::{ApReqInner, EncAsRepPart, EncKdcRepPart, EncTgsRepPart, KdcRep, KdcReq, KdcReqBody};
use std::time::Duration;

/// How long the tickets asked for live: ten hours, as Windows asks.
const LIFETIME_SECS: u64 = 10 * 3600;
/// The GSS-API checksum type of a Kerberos mechanism token's authenticator (RFC 4121 §4.1.1).
const GSS_CHECKSUM: i64 = 0x8003;

/// A ticket and what its holder knows of it.
#[derive(Debug, Clone)]
pub struct Credentials {
    /// The client principal the ticket names.
    pub client: Principal,
    /// The client's realm.
    pub client_realm: String,
    /// The service the ticket is for.
    pub service: Principal,
    /// Whether the ticket is forwardable (S4U2Proxy needs an evidence ticket that is).
    pub forwardable: bool,
    /// endtime, unix seconds.
    pub end_time: u64,
    pub(crate) ticket: Ticket,
    pub(crate) session_key: Key,
}

/// Where a real KDC is, as a URL: `kerberos://HOST[:PORT]/REALM` (port 88 when not given).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KdcUrl {
    /// `host:port`.
    pub address: String,
    /// The realm, upper case.
    pub realm: String,
}

impl KdcUrl {
    /// The URL scheme.
    pub const SCHEME: &'static str = "kerberos://";

    /// Reads `url`; `None` for a URL of another scheme (the fake KDC's HTTP API), a message
    /// for a `kerberos://` URL that lacks its host or realm.
    pub fn parse(url: &str) -> Option<Result<KdcUrl, String>> {
        let rest = url.strip_prefix(Self::SCHEME)?;
        let (authority, realm) = rest.split_once('/').unwrap_or((rest, ""));
        let realm = realm.trim_end_matches('/');
        Some(match (authority, realm) {
            ("", _) => Err(format!("{url}: no KDC host (kerberos://HOST[:PORT]/REALM)")),
            (_, "") => Err(format!("{url}: no realm (kerberos://HOST[:PORT]/REALM)")),
            (a, r) if a.contains(':') => Ok(KdcUrl { address: a.to_string(), realm: r.to_ascii_uppercase() }),
            (a, r) => Ok(KdcUrl { address: format!("{a}:88"), realm: r.to_ascii_uppercase() }),
        })
    }
}

impl std::fmt::Display for KdcUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}{}/{}", Self::SCHEME, self.address, self.realm)
    }
}

/// A Kerberos client of one KDC and realm, every exchange within `limit`.
#[derive(Clone)]
pub struct Krb5Client {
    kdc: String,
    realm: String,
    limit: Duration,
    via: Option<HttpClient>,
}

impl std::fmt::Debug for Krb5Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Krb5Client").field("kdc", &self.kdc).field("realm", &self.realm).field("limit", &self.limit).finish()
    }
}

impl Krb5Client {
    /// The client of the KDC at `kdc` (`host:port`) for `realm` (upper case, as Kerberos
    /// writes realms).
    pub fn new(kdc: &str, realm: &str, limit: Duration) -> Self {
        Krb5Client { kdc: kdc.to_string(), realm: realm.to_ascii_uppercase(), limit, via: None }
    }

    /// The same client reaching the KDC over `http`'s network: a fake's, so that the KDC's
    /// faults apply to it and its connections count as the scenario reaching the KDC.
    pub fn over(self, http: HttpClient) -> Self {
        Krb5Client { via: Some(http), ..self }
    }

    /// The realm.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// Kerberos constrained delegation as SEG does it for a user it authenticated by
    /// certificate: `service`'s TGT with its `password`, S4U2Self for the user `upn`, S4U2Proxy
    /// to `target`; the AP-REQ that presents the last ticket to `target`.
    pub async fn delegate(&self, service: &str, password: &str, upn: &str, target: &str, now: u64) -> Result<Vec<u8>, Krb5Error> {
        let tgt = self.tgt(&Principal::service(service), password, now).await?;
        let evidence = self.s4u2self(&tgt, &Principal::from_upn(upn, &self.realm), &self.realm, now).await?;
        let ticket = self.s4u2proxy(&tgt, &evidence, &Principal::service(target), now).await?;
        ticket.ap_req(now)
    }

    fn krbtgt(&self) -> Principal {
        Principal { name_type: m::NT_SRV_INST, components: vec!["krbtgt".into(), self.realm.clone()] }
    }

    fn body(&self, options: &[usize], cname: Option<&Principal>, sname: &Principal, now: u64, nonce: u32) -> Result<KdcReqBody, Krb5Error> {
        Ok(KdcReqBody {
            kdc_options: ExplicitContextTag0::from(flags(options)),
            cname: match cname {
                Some(c) => some(ExplicitContextTag1::from(c.to_asn1()?)),
                None => none(),
            },
            realm: ExplicitContextTag2::from(string(&self.realm)?),
            sname: some(ExplicitContextTag3::from(sname.to_asn1()?)),
            from: none(),
            till: ExplicitContextTag5::from(time(now + LIFETIME_SECS)?),
            rtime: none(),
            nonce: ExplicitContextTag7::from(int(i64::from(nonce))),
            etype: ExplicitContextTag8::from(Asn1SequenceOf::from(ETYPES.iter().map(|e| int(*e)).collect::<Vec<_>>())),
            addresses: none(),
            enc_authorization_data: none(),
            additional_tickets: none(),
        })
    }

    async fn send(&self, message: &[u8], exchange: Exchange) -> Result<Answer, Krb5Error> {
        answer(&wire::exchange(self.via.as_ref(), &self.kdc, message, self.limit).await?, exchange)
    }

    /// A TGT for `principal` with its `password` at `now` (unix seconds).
    pub async fn tgt(&self, principal: &Principal, password: &str, now: u64) -> Result<Credentials, Krb5Error> {
        let asked = format!("a TGT for {principal}");
        let nonce = rand::random::<u32>() >> 1;
        let body = self.body(&[flag::FORWARDABLE, flag::CANONICALIZE], Some(principal), &self.krbtgt(), now, nonce)?;
        let as_req = |padata: Vec<PaData>| -> Result<Vec<u8>, Krb5Error> {
            let req = KdcReq {
                pvno: ExplicitContextTag1::from(int(5)),
                msg_type: ExplicitContextTag2::from(int(10)),
                padata: if padata.is_empty() { none() } else { some(ExplicitContextTag3::from(Asn1SequenceOf::from(padata))) },
                req_body: ExplicitContextTag4::from(body.clone()),
            };
            encode("the AS-REQ", &ApplicationTag::<_, 10>::from(req))
        };
        // First without pre-authentication: the KDC answers with the salt and type of the
        // account's keys (PREAUTH_REQUIRED's ETYPE-INFO2), as kinit does.
        let default_salt = crypto::default_salt(&self.realm, &principal.components);
        let (etype, salt) = match self.send(&as_req(Vec::new())?, Exchange::As).await? {
            Answer::Refusal(e) if e.error_code.0 == 25 => key_info(&e.e_data.0.as_ref().map(|d| d.0 .0.clone()).unwrap_or_default())?
                .map(|(etype, salt)| (etype, salt.unwrap_or(default_salt.clone())))
                .ok_or_else(|| Krb5Error::Mismatch(format!("PREAUTH_REQUIRED for {principal} offers no AES key (ETYPE-INFO2)")))?,
            Answer::Refusal(e) => return Err(m::refused(&asked, &e)),
            // A KDC that requires no pre-authentication answered already.
            Answer::Reply(rep) => {
                let key = Key::from_password(int_value(&rep.enc_part.etype.0), password, &default_salt)?;
                return self.credentials(&rep, &key, 3, nonce, principal);
            }
        };
        let key = Key::from_password(etype, password, &salt)?;
        let stamp = PaEncTsEnc { patimestamp: ExplicitContextTag0::from(time(now)?), pausec: some(ExplicitContextTag1::from(int(0))) };
        let sealed = key.encrypt(1, &encode("PA-ENC-TS-ENC", &stamp)?)?;
        let pa = padata(PA_ENC_TIMESTAMP, encode("PA-ENC-TIMESTAMP", &encrypted(etype, sealed))?);
        match self.send(&as_req(vec![pa])?, Exchange::As).await? {
            Answer::Reply(rep) => self.credentials(&rep, &key, 3, nonce, principal),
            Answer::Refusal(e) => Err(m::refused(&asked, &e)),
        }
    }

    /// S4U2Self: a ticket to the holder of `tgt` for `user` of `user_realm`, without the
    /// user's password ([MS-SFU] 3.1.5.1.1).
    pub async fn s4u2self(&self, tgt: &Credentials, user: &Principal, user_realm: &str, now: u64) -> Result<Credentials, Krb5Error> {
        let asked = format!("S4U2Self for {user} to {}", tgt.client);
        let nonce = rand::random::<u32>() >> 1;
        let body = self.body(&[flag::FORWARDABLE, flag::CANONICALIZE], None, &tgt.client, now, nonce)?;
        let for_user = pa_for_user(user, user_realm, &tgt.session_key)?;
        let rep = self.tgs(&asked, tgt, body, vec![for_user], now).await?;
        self.credentials(&rep, &tgt.session_key, 8, nonce, user)
    }

    /// S4U2Proxy: a ticket to `target` for the client of `evidence` (a ticket to the holder
    /// of `tgt`, from S4U2Self or from the user), by constrained delegation ([MS-SFU]
    /// 3.1.5.2.1).
    pub async fn s4u2proxy(
        &self,
        tgt: &Credentials,
        evidence: &Credentials,
        target: &Principal,
        now: u64,
    ) -> Result<Credentials, Krb5Error> {
        let asked = format!("S4U2Proxy for {} to {target}", evidence.client);
        let nonce = rand::random::<u32>() >> 1;
        let mut body = self.body(&[flag::FORWARDABLE, flag::CNAME_IN_ADDL_TKT, flag::CANONICALIZE], None, target, now, nonce)?;
        body.additional_tickets = some(ExplicitContextTag11::from(Asn1SequenceOf::from(vec![evidence.ticket.clone()])));
        let rep = self.tgs(&asked, tgt, body, Vec::new(), now).await?;
        self.credentials(&rep, &tgt.session_key, 8, nonce, &evidence.client)
    }

    /// A TGS exchange on `tgt`: PA-TGS-REQ (the TGT, an authenticator with the body's
    /// checksum) and `extra`.
    async fn tgs(&self, asked: &str, tgt: &Credentials, body: KdcReqBody, extra: Vec<PaData>, now: u64) -> Result<Box<KdcRep>, Krb5Error> {
        let (kind, sum) = tgt.session_key.checksum(6, &encode("the KDC-REQ-BODY", &body)?)?;
        let ap_req = ap_req(tgt, Some((kind, sum)), 7, now)?;
        let mut padata_list = vec![padata(PA_TGS_REQ, ap_req)];
        padata_list.extend(extra);
        let req = KdcReq {
            pvno: ExplicitContextTag1::from(int(5)),
            msg_type: ExplicitContextTag2::from(int(12)),
            padata: some(ExplicitContextTag3::from(Asn1SequenceOf::from(padata_list))),
            req_body: ExplicitContextTag4::from(body),
        };
        match self.send(&encode("the TGS-REQ", &ApplicationTag::<_, 12>::from(req))?, Exchange::Tgs).await? {
            Answer::Reply(rep) => Ok(rep),
            Answer::Refusal(e) => Err(m::refused(asked, &e)),
        }
    }

    /// The credentials of a reply: its enc-part decrypted with `key` for `usage`, checked
    /// against the request's nonce and the client asked for.
    fn credentials(&self, rep: &KdcRep, key: &Key, usage: i32, nonce: u32, client: &Principal) -> Result<Credentials, Krb5Error> {
        let plain = key.decrypt(usage, &rep.enc_part.cipher.0 .0, "the KDC's reply")?;
        // MIT and Heimdal tag an AS reply's EncKDCRepPart either way ([APPLICATION 25] or 26).
        let part: EncKdcRepPart = match plain.first() {
            Some(0x79) => decode::<EncAsRepPart>("EncASRepPart", &plain)?.0,
            _ => decode::<EncTgsRepPart>("EncTGSRepPart", &plain)?.0,
        };
        if int_value(&part.nonce.0) != i64::from(nonce) {
            return Err(Krb5Error::Mismatch("the reply's nonce is not the request's".into()));
        }
        let got = Principal::from_asn1(&rep.cname.0);
        if !got.same_as(client) && client.name_type != m::NT_ENTERPRISE {
            return Err(Krb5Error::Mismatch(format!("the ticket names {got}, not {client}")));
        }
        Ok(Credentials {
            client: got,
            client_realm: rep.crealm.0 .0.to_string(),
            service: Principal::from_asn1(&part.sname.0),
            forwardable: has_flag(&part.flags.0, flag::FORWARDABLE),
            end_time: unix(&part.end_time.0),
            ticket: rep.ticket.0.clone(),
            session_key: Key::new(int_value(&part.key.0.key_type.0), part.key.0.key_value.0 .0.clone())?,
        })
    }
}

/// The AES key type and salt PREAUTH_REQUIRED's METHOD-DATA offers, strongest first.
fn key_info(method_data: &[u8]) -> Result<Option<(i64, Option<String>)>, Krb5Error> {
    if method_data.is_empty() {
        return Ok(Some((crypto::AES256_CTS_HMAC_SHA1_96, None)));
    }
    let list: Asn1SequenceOf<PaData> = decode("PREAUTH_REQUIRED's METHOD-DATA", method_data)?;
    let Some(info) = list.0.iter().find(|p| int_value(&p.padata_type.0) == PA_ETYPE_INFO2) else {
        return Ok(Some((crypto::AES256_CTS_HMAC_SHA1_96, None)));
    };
    let entries: Asn1SequenceOf<EtypeInfo2Entry> = decode("ETYPE-INFO2", &info.padata_data.0 .0)?;
    Ok(ETYPES.iter().find_map(|want| {
        entries.0.iter().find(|e| int_value(&e.etype.0) == *want).map(|e| (*want, e.salt.0.as_ref().map(|s| s.0 .0.to_string())))
    }))
}

fn encrypted(etype: i64, cipher: Vec<u8>) -> EncryptedData {
    EncryptedData {
        etype: ExplicitContextTag0::from(int(etype)),
        kvno: none(),
        cipher: ExplicitContextTag2::from(OctetStringAsn1::from(cipher)),
    }
}

/// PA-FOR-USER for `user` of `realm` ([MS-SFU] 2.2.1): its checksum covers the name type
/// (four bytes, little-endian), the name's components, the realm and "Kerberos".
fn pa_for_user(user: &Principal, realm: &str, session_key: &Key) -> Result<PaData, Krb5Error> {
    let covered = m::for_user_covered(user, realm, m::PA_FOR_USER_PACKAGE);
    let sum = Checksum {
        cksumtype: ExplicitContextTag0::from(int(CKSUM_HMAC_MD5)),
        checksum: ExplicitContextTag1::from(OctetStringAsn1::from(hmac_md5(session_key.value(), m::PA_FOR_USER_USAGE, &covered))),
    };
    let value = PaForUser {
        user_name: ExplicitContextTag0::from(user.to_asn1()?),
        user_realm: ExplicitContextTag1::from(string(realm)?),
        cksum: ExplicitContextTag2::from(sum),
        auth_package: ExplicitContextTag3::from(string(m::PA_FOR_USER_PACKAGE)?),
    };
    Ok(padata(PA_FOR_USER, encode("PA-FOR-USER", &value)?))
}

/// PA-FOR-USER ::= SEQUENCE { userName [0] PrincipalName, userRealm [1] Realm, cksum [2]
/// Checksum, auth-package [3] KerberosString } ([MS-SFU] 2.2.1; picky-krb has no type for it).
#[derive(serde::Serialize)]
struct PaForUser {
    user_name: ExplicitContextTag0<picky_krb::data_types::PrincipalName>,
    user_realm: ExplicitContextTag1<picky_krb::data_types::Realm>,
    cksum: ExplicitContextTag2<Checksum>,
    auth_package: ExplicitContextTag3<picky_krb::data_types::KerberosStringAsn1>,
}

/// An AP-REQ presenting `creds`: its authenticator, sealed with the session key for
/// `usage` (7 in a TGS request, 11 to a service), carries `checksum` when given.
fn ap_req(creds: &Credentials, checksum: Option<(i64, Vec<u8>)>, usage: i32, now: u64) -> Result<Vec<u8>, Krb5Error> {
    let authenticator = AuthenticatorInner {
        authenticator_vno: ExplicitContextTag0::from(int(5)),
        crealm: ExplicitContextTag1::from(string(&creds.client_realm)?),
        cname: ExplicitContextTag2::from(creds.client.to_asn1()?),
        cksum: match checksum {
            Some((kind, value)) => some(ExplicitContextTag3::from(Checksum {
                cksumtype: ExplicitContextTag0::from(int(kind)),
                checksum: ExplicitContextTag1::from(OctetStringAsn1::from(value)),
            })),
            None => none(),
        },
        cusec: ExplicitContextTag4::from(int(0)),
        ctime: ExplicitContextTag5::from(time(now)?),
        subkey: none(),
        seq_number: none(),
        authorization_data: none(),
    };
    let sealed = creds.session_key.encrypt(usage, &encode("the authenticator", &ApplicationTag::<_, 2>::from(authenticator))?)?;
    let req = ApReqInner {
        pvno: ExplicitContextTag0::from(int(5)),
        msg_type: ExplicitContextTag1::from(int(14)),
        ap_options: ExplicitContextTag2::from(flags(&[])),
        ticket: ExplicitContextTag3::from(creds.ticket.clone()),
        authenticator: ExplicitContextTag4::from(encrypted(creds.session_key.etype(), sealed)),
    };
    encode("the AP-REQ", &ApplicationTag::<_, 14>::from(req))
}

impl Credentials {
    /// The AP-REQ that presents this ticket to its service at `now`, with the GSS-API
    /// checksum (RFC 4121 §4.1.1: no channel bindings, no flags) that acceptors of HTTP
    /// Negotiate expect.
    pub fn ap_req(&self, now: u64) -> Result<Vec<u8>, Krb5Error> {
        let mut gss = 16u32.to_le_bytes().to_vec();
        gss.extend_from_slice(&[0; 16]);
        gss.extend_from_slice(&0u32.to_le_bytes());
        ap_req(self, Some((GSS_CHECKSUM, gss)), 11, now)
    }
}
