//! The KDC's side of RFC 4120 with [MS-SFU]: the AS exchange (encrypted-timestamp
//! pre-authentication, RFC 4120 §5.2.7.2, and PREAUTH_REQUIRED with the key's salt), the TGS
//! exchange, S4U2Self (PA-FOR-USER) and S4U2Proxy (constrained delegation), answering the
//! KRB-ERROR a KDC answers where it refuses. Whose accounts they are is a [`Realm`]'s business
//! (the fake KDC's users and services); this module only speaks the protocol, so that real
//! Kerberos clients (kinit, kgetcred, a SEG) get tickets from the fake as from a domain
//! controller.

use super::acceptor::OpenedTicket;
use super::crypto::{default_salt, Key, ETYPES};
use super::message::{
    self as m, decode, encode, flag, flags, has_flag, int, int_value, none, padata, some, string, time, unix, Principal, PA_ENC_TIMESTAMP,
    PA_ETYPE_INFO2, PA_FOR_USER, PA_TGS_REQ,
};
use picky_asn1::wrapper::{
    Asn1SequenceOf, ExplicitContextTag0, ExplicitContextTag1, ExplicitContextTag10, ExplicitContextTag11, ExplicitContextTag12,
    ExplicitContextTag2, ExplicitContextTag3, ExplicitContextTag4, ExplicitContextTag5, ExplicitContextTag6, ExplicitContextTag7,
    ExplicitContextTag9, OctetStringAsn1,
};
use picky_asn1_der::application_tag::ApplicationTag;
use picky_krb::data_types::{
    EncTicketPartInner, EncryptedData, EncryptionKey, EtypeInfo2Entry, PaData, PaEncTsEnc, PrincipalName, Ticket, TicketInner,
    TransitedEncoding,
};
use picky_krb::messages::{ApReq, EncKdcRepPart, KdcRep, KdcReq, KrbErrorInner};
use std::collections::BTreeMap;
use std::sync::Mutex;

/// An account of the realm, as the KDC needs it.
#[derive(Clone, Debug)]
pub struct Account {
    /// Its name as the realm's journal writes it: a user's UPN, a service's SPN.
    pub name: String,
    /// Its principal as the realm names it (its keys are salted with it).
    pub principal: Principal,
    /// Its password.
    pub password: String,
    /// The SPNs it may obtain tickets to on a user's behalf (constrained delegation); a
    /// service with any may also use S4U2Self for forwardable tickets (protocol transition).
    pub delegate_to: Vec<String>,
}

/// The realm a KDC serves: its accounts, its clock and its randomness.
pub trait Realm: Send + Sync {
    /// The realm's name, upper case.
    fn realm(&self) -> String;
    /// The account `principal` names, if the realm has it.
    fn account(&self, principal: &Principal) -> Option<Account>;
    /// The password of `krbtgt/REALM`, whose key seals the TGTs.
    fn krbtgt_password(&self) -> String;
    /// Now, unix seconds.
    fn now(&self) -> u64;
    /// How long the tickets live, seconds.
    fn lifetime(&self) -> u64;
    /// `len` random bytes (session keys).
    fn random(&self, len: usize) -> Vec<u8>;
    /// A service ticket was issued: for `client` to `service`, by `delegated_by`'s constrained
    /// delegation when given, ending at `end_time`.
    fn record_issued(&self, client: &str, service: &str, delegated_by: Option<&str>, end_time: u64);
}

impl<T: Realm + ?Sized> Realm for std::sync::Arc<T> {
    fn realm(&self) -> String {
        (**self).realm()
    }
    fn account(&self, principal: &Principal) -> Option<Account> {
        (**self).account(principal)
    }
    fn krbtgt_password(&self) -> String {
        (**self).krbtgt_password()
    }
    fn now(&self) -> u64 {
        (**self).now()
    }
    fn lifetime(&self) -> u64 {
        (**self).lifetime()
    }
    fn random(&self, len: usize) -> Vec<u8> {
        (**self).random(len)
    }
    fn record_issued(&self, client: &str, service: &str, delegated_by: Option<&str>, end_time: u64) {
        (**self).record_issued(client, service, delegated_by, end_time)
    }
}

/// A refusal: its code (RFC 4120 §7.5.9), its text, and METHOD-DATA for PREAUTH_REQUIRED.
struct Refusal {
    code: u32,
    text: String,
    e_data: Option<Vec<u8>>,
}

fn refuse(code: u32, text: impl Into<String>) -> Refusal {
    Refusal { code, text: text.into(), e_data: None }
}

/// A failure reading the client's message, answered with the code RFC 4120 gives it: a key or
/// a name that does not fit KRB_AP_ERR_MODIFIED, a stale authenticator KRB_AP_ERR_SKEW, a
/// ticket out of its time KRB_AP_ERR_TKT_EXPIRED, anything else KRB_ERR_GENERIC.
impl From<super::Krb5Error> for Refusal {
    fn from(e: super::Krb5Error) -> Self {
        use super::Krb5Error as K;
        let code = match &e {
            K::Integrity(_) | K::Mismatch(_) => 41,
            K::Time { what: "the authenticator", .. } => 37,
            K::Time { .. } => 32,
            _ => 60,
        };
        refuse(code, e.to_string())
    }
}

/// The Kerberos service of a [`Realm`]: each request's bytes in, the answer's bytes out.
pub struct KdcService<R> {
    realm: R,
    /// Long-term keys by (principal, password, type): string-to-key is 4096 rounds of PBKDF2.
    keys: Mutex<BTreeMap<(String, String, i64), Key>>,
}

impl<R: Realm> KdcService<R> {
    /// The service of `realm`.
    pub fn new(realm: R) -> Self {
        KdcService { realm, keys: Mutex::default() }
    }

    /// The realm.
    pub fn realm(&self) -> &R {
        &self.realm
    }

    /// The answer to `request`: an AS-REP, a TGS-REP or a KRB-ERROR.
    pub fn answer(&self, request: &[u8]) -> Vec<u8> {
        let realm = self.realm.realm();
        let answered = match request.first() {
            Some(0x6a) => {
                decode::<ApplicationTag<KdcReq, 10>>("the AS-REQ", request).map_err(Refusal::from).and_then(|r| self.as_exchange(&r.0))
            }
            Some(0x6c) => decode::<ApplicationTag<KdcReq, 12>>("the TGS-REQ", request)
                .map_err(Refusal::from)
                .and_then(|r| self.tgs_exchange(&r.0, raw_body(request).ok_or_else(|| refuse(60, "a TGS-REQ without its body"))?)),
            _ => Err(refuse(60, "neither an AS-REQ nor a TGS-REQ")),
        };
        answered.unwrap_or_else(|r| self.error(&realm, r))
    }

    fn key(&self, account: &Account, etype: i64) -> Result<Key, Refusal> {
        let realm = self.realm.realm();
        let id = (account.principal.to_string(), account.password.clone(), etype);
        if let Some(k) = self.keys.lock().expect("keys poisoned").get(&id) {
            return Ok(k.clone());
        }
        let key = Key::from_password(etype, &account.password, &default_salt(&realm, &account.principal.components))?;
        self.keys.lock().expect("keys poisoned").insert(id, key.clone());
        Ok(key)
    }

    fn krbtgt(&self) -> Account {
        let realm = self.realm.realm();
        Account {
            name: format!("krbtgt/{realm}"),
            principal: Principal { name_type: m::NT_SRV_INST, components: vec!["krbtgt".into(), realm] },
            password: self.realm.krbtgt_password(),
            delegate_to: Vec::new(),
        }
    }

    /// The account `sname` names: `krbtgt/REALM` or one of the realm's.
    fn server(&self, sname: &Principal) -> Result<Account, Refusal> {
        let realm = self.realm.realm();
        if sname.components.len() == 2 && sname.components[0] == "krbtgt" && sname.components[1].eq_ignore_ascii_case(&realm) {
            return Ok(self.krbtgt());
        }
        self.realm.account(sname).ok_or_else(|| refuse(7, format!("{sname} is not in the database")))
    }

    fn session_key(&self, etype: i64) -> Result<Key, Refusal> {
        let len = if etype == super::AES256_CTS_HMAC_SHA1_96 { 32 } else { 16 };
        Ok(Key::new(etype, self.realm.random(len))?)
    }

    fn as_exchange(&self, req: &KdcReq) -> Result<Vec<u8>, Refusal> {
        let body = &req.req_body.0;
        let cname = body.cname.0.as_ref().map(|c| Principal::from_asn1(&c.0)).ok_or_else(|| refuse(60, "an AS-REQ without cname"))?;
        let client = self.realm.account(&cname).ok_or_else(|| refuse(6, format!("{cname} is not in the database")))?;
        let sname = body.sname.0.as_ref().map(|s| Principal::from_asn1(&s.0)).ok_or_else(|| refuse(60, "an AS-REQ without sname"))?;
        let server = self.server(&sname)?;
        let etype = chosen_etype(body.etype.0 .0.iter().map(int_value))?;
        let client_key = self.key(&client, etype)?;
        let stamp = req.padata.0.as_ref().and_then(|p| p.0 .0.iter().find(|d| int_value(&d.padata_type.0) == PA_ENC_TIMESTAMP));
        let Some(stamp) = stamp else {
            return Err(self.preauth_required(&client, etype));
        };
        let sealed: EncryptedData = decode("PA-ENC-TIMESTAMP", &stamp.padata_data.0 .0)?;
        let opened = client_key
            .decrypt(1, &sealed.cipher.0 .0, "PA-ENC-TIMESTAMP")
            .map_err(|_| refuse(24, "the encrypted timestamp does not decrypt with the account's key"))?;
        let stamp: PaEncTsEnc = decode("PA-ENC-TS-ENC", &opened)?;
        let now = self.realm.now();
        if unix(&stamp.patimestamp.0).abs_diff(now) > super::CLOCK_SKEW_SECS {
            return Err(refuse(37, "the encrypted timestamp is more than five minutes off"));
        }
        let mut ticket_flags = vec![flag::INITIAL, flag::PRE_AUTHENT];
        if has_flag(&body.kdc_options.0, flag::FORWARDABLE) {
            ticket_flags.push(flag::FORWARDABLE);
        }
        let issued =
            Issue { client: &client.principal, client_realm: &self.realm.realm(), server: &server, flags: &ticket_flags, auth_time: now };
        let (ticket, session, end) = self.ticket(&issued, etype, unix(&body.till.0))?;
        if server.name != self.krbtgt().name {
            self.realm.record_issued(&client.name, &server.name, None, end);
        }
        self.reply(11, 25, &issued, ticket, &session, end, int_value(&body.nonce.0), &client_key, 3)
    }

    fn preauth_required(&self, client: &Account, etype: i64) -> Refusal {
        let salt = default_salt(&self.realm.realm(), &client.principal.components);
        let info = EtypeInfo2Entry {
            etype: ExplicitContextTag0::from(int(etype)),
            salt: match string(&salt) {
                Ok(s) => some(ExplicitContextTag1::from(s)),
                Err(_) => none(),
            },
            s2kparams: none(),
        };
        let methods = encode("ETYPE-INFO2", &Asn1SequenceOf::from(vec![info])).and_then(|info2| {
            encode("METHOD-DATA", &Asn1SequenceOf::from(vec![padata(PA_ETYPE_INFO2, info2), padata(PA_ENC_TIMESTAMP, Vec::new())]))
        });
        Refusal { code: 25, text: "pre-authentication required".into(), e_data: methods.ok() }
    }

    /// The TGS exchange; `raw_body` is the KDC-REQ-BODY as the client encoded it, which the
    /// authenticator's checksum covers.
    fn tgs_exchange(&self, req: &KdcReq, raw_body: &[u8]) -> Result<Vec<u8>, Refusal> {
        let body = &req.req_body.0;
        let padata: &[PaData] = req.padata.0.as_ref().map(|p| p.0 .0.as_slice()).unwrap_or_default();
        let ap_req =
            padata.iter().find(|p| int_value(&p.padata_type.0) == PA_TGS_REQ).ok_or_else(|| refuse(60, "a TGS-REQ without PA-TGS-REQ"))?;
        let ap_req = decode::<ApReq>("PA-TGS-REQ's AP-REQ", &ap_req.padata_data.0 .0)?.0;
        let krbtgt = self.krbtgt();
        let tgt = self.open(&ap_req.ticket.0, &krbtgt)?;
        let now = self.realm.now();
        let authenticator = tgt.authenticator(&ap_req.authenticator.0, 7, now)?;
        if let Some(sum) = authenticator.cksum.0.as_ref() {
            let (_, expected) = tgt.session.checksum(6, raw_body)?;
            if sum.0.checksum.0 .0 != expected {
                return Err(refuse(41, "the authenticator's checksum does not cover this request's body"));
            }
        }
        let sname = body.sname.0.as_ref().map(|s| Principal::from_asn1(&s.0)).ok_or_else(|| refuse(60, "a TGS-REQ without sname"))?;
        let server = self.server(&sname)?;
        let etype = chosen_etype(body.etype.0 .0.iter().map(int_value))?;
        let requester = self.realm.account(&tgt.client).ok_or_else(|| refuse(6, format!("{} is no longer in the database", tgt.client)))?;
        let for_user = padata.iter().find(|p| int_value(&p.padata_type.0) == PA_FOR_USER);
        let realm = self.realm.realm();
        let forwardable_asked = has_flag(&body.kdc_options.0, flag::FORWARDABLE);
        let (client, client_realm, ticket_flags, delegated_by) = if let Some(for_user) = for_user {
            // S4U2Self: a ticket to the requester itself, for a user it names.
            if !server.principal.same_as(&requester.principal) {
                return Err(refuse(13, "S4U2Self asks for a ticket to the requesting service itself"));
            }
            let user = self.for_user(&for_user.padata_data.0 .0, &tgt.session)?;
            let account = self.realm.account(&user).ok_or_else(|| refuse(6, format!("{user} is not in the database")))?;
            // Protocol transition: only a service trusted to delegate gets a forwardable ticket.
            let forwardable = forwardable_asked && !requester.delegate_to.is_empty();
            (account.principal, realm.clone(), if forwardable { vec![flag::FORWARDABLE] } else { Vec::new() }, None)
        } else if has_flag(&body.kdc_options.0, flag::CNAME_IN_ADDL_TKT) {
            // S4U2Proxy: the evidence ticket is to the requester; the requester must be allowed
            // to delegate to the target, and the evidence forwardable.
            let evidence = body
                .additional_tickets
                .0
                .as_ref()
                .and_then(|t| t.0 .0.first())
                .ok_or_else(|| refuse(13, "S4U2Proxy without the evidence ticket"))?;
            let evidence = self.open(evidence, &requester)?;
            if !evidence.forwardable {
                return Err(refuse(13, "the evidence ticket is not forwardable"));
            }
            if !requester.delegate_to.iter().any(|t| Principal::service(t).same_as(&server.principal)) {
                return Err(refuse(13, format!("{} may not delegate to {}", requester.name, server.name)));
            }
            (evidence.client, evidence.client_realm, vec![flag::FORWARDABLE, flag::FORWARDED], Some(requester.name.clone()))
        } else {
            let forwardable = forwardable_asked && tgt.forwardable;
            (tgt.client.clone(), tgt.client_realm.clone(), if forwardable { vec![flag::FORWARDABLE] } else { Vec::new() }, None)
        };
        let issued =
            Issue { client: &client, client_realm: &client_realm, server: &server, flags: &ticket_flags, auth_time: tgt.auth_time };
        let (ticket, session, end) = self.ticket(&issued, etype, unix(&body.till.0))?;
        if server.name != krbtgt.name {
            let client_name = self.realm.account(&client).map(|a| a.name).unwrap_or_else(|| client.to_string());
            self.realm.record_issued(&client_name, &server.name, delegated_by.as_deref(), end);
        }
        self.reply(13, 26, &issued, ticket, &session, end, int_value(&body.nonce.0), &tgt.session, 8)
    }

    /// PA-FOR-USER's user, its checksum checked with the TGT's session key.
    fn for_user(&self, value: &[u8], session: &Key) -> Result<Principal, Refusal> {
        let for_user: PaForUserIn = decode("PA-FOR-USER", value)?;
        let user = Principal::from_asn1(&for_user.user_name.0);
        let covered = m::for_user_covered(&user, &for_user.user_realm.0 .0.to_string(), &for_user.auth_package.0 .0.to_string());
        let sum = &for_user.cksum.0;
        let keyed = match int_value(&sum.cksumtype.0) {
            super::crypto::CKSUM_HMAC_MD5 => super::crypto::hmac_md5(session.value(), m::PA_FOR_USER_USAGE, &covered),
            _ => session.checksum(m::PA_FOR_USER_USAGE as i32, &covered)?.1,
        };
        if keyed != sum.checksum.0 .0 {
            return Err(refuse(41, "PA-FOR-USER's checksum does not match"));
        }
        Ok(user)
    }

    /// A ticket `account` issued (sealed with its key) opened: its client, session key, flags.
    fn open(&self, ticket: &Ticket, account: &Account) -> Result<OpenedTicket, Refusal> {
        let t = &ticket.0;
        if !Principal::from_asn1(&t.sname.0).same_as(&account.principal) {
            return Err(refuse(41, format!("the ticket is for {}, not for {}", Principal::from_asn1(&t.sname.0), account.principal)));
        }
        let key = self.key(account, int_value(&t.enc_part.0.etype.0))?;
        Ok(OpenedTicket::open(t, &key, self.realm.now())?)
    }

    /// A ticket of `issued`, sealed with its server's key: the ticket, its session key, endtime.
    fn ticket(&self, issued: &Issue<'_>, etype: i64, till: u64) -> Result<(Ticket, Key, u64), Refusal> {
        let now = self.realm.now();
        let end = (now + self.realm.lifetime()).min(if till == 0 { u64::MAX } else { till }).max(now + 1);
        let session = self.session_key(etype)?;
        let server_key = self.key(issued.server, etype)?;
        let part = EncTicketPartInner {
            flags: ExplicitContextTag0::from(flags(issued.flags)),
            key: ExplicitContextTag1::from(encryption_key(&session)),
            crealm: ExplicitContextTag2::from(string(issued.client_realm)?),
            cname: ExplicitContextTag3::from(issued.client.to_asn1()?),
            transited: ExplicitContextTag4::from(TransitedEncoding {
                tr_type: ExplicitContextTag0::from(int(1)),
                contents: ExplicitContextTag1::from(OctetStringAsn1::from(Vec::new())),
            }),
            auth_time: ExplicitContextTag5::from(time(issued.auth_time)?),
            starttime: some(ExplicitContextTag6::from(time(now)?)),
            endtime: ExplicitContextTag7::from(time(end)?),
            renew_till: none(),
            caddr: none(),
            authorization_data: none(),
        };
        let sealed = server_key.encrypt(2, &encode("EncTicketPart", &ApplicationTag::<_, 3>::from(part))?)?;
        let ticket = ApplicationTag::from(TicketInner {
            tkt_vno: ExplicitContextTag0::from(int(5)),
            realm: ExplicitContextTag1::from(string(&self.realm.realm())?),
            sname: ExplicitContextTag2::from(issued.server.principal.to_asn1()?),
            enc_part: ExplicitContextTag3::from(sealed_data(etype, Some(1), sealed)),
        });
        Ok((ticket, session, end))
    }

    /// The AS-REP (`tag` 11, part 25) or TGS-REP (13, 26), its part sealed with `reply_key`.
    #[allow(clippy::too_many_arguments)]
    fn reply(
        &self,
        tag: u8,
        part_tag: u8,
        issued: &Issue<'_>,
        ticket: Ticket,
        session: &Key,
        end: u64,
        nonce: i64,
        reply_key: &Key,
        usage: i32,
    ) -> Result<Vec<u8>, Refusal> {
        let now = self.realm.now();
        let part = EncKdcRepPart {
            key: ExplicitContextTag0::from(encryption_key(session)),
            last_req: ExplicitContextTag1::from(Asn1SequenceOf::from(Vec::new())),
            nonce: ExplicitContextTag2::from(int(nonce)),
            key_expiration: none(),
            flags: ExplicitContextTag4::from(flags(issued.flags)),
            auth_time: ExplicitContextTag5::from(time(issued.auth_time)?),
            start_time: some(ExplicitContextTag6::from(time(now)?)),
            end_time: ExplicitContextTag7::from(time(end)?),
            renew_till: none(),
            srealm: ExplicitContextTag9::from(string(&self.realm.realm())?),
            sname: ExplicitContextTag10::from(issued.server.principal.to_asn1()?),
            caddr: none(),
            encrypted_pa_data: none(),
        };
        let plain = match part_tag {
            25 => encode("EncASRepPart", &ApplicationTag::<_, 25>::from(part))?,
            _ => encode("EncTGSRepPart", &ApplicationTag::<_, 26>::from(part))?,
        };
        let sealed = reply_key.encrypt(usage, &plain)?;
        let rep = KdcRep {
            pvno: ExplicitContextTag0::from(int(5)),
            msg_type: ExplicitContextTag1::from(int(i64::from(tag))),
            padata: none(),
            crealm: ExplicitContextTag3::from(string(issued.client_realm)?),
            cname: ExplicitContextTag4::from(issued.client.to_asn1()?),
            ticket: ExplicitContextTag5::from(ticket),
            enc_part: ExplicitContextTag6::from(sealed_data(reply_key.etype(), None, sealed)),
        };
        Ok(match tag {
            11 => encode("the AS-REP", &ApplicationTag::<_, 11>::from(rep))?,
            _ => encode("the TGS-REP", &ApplicationTag::<_, 13>::from(rep))?,
        })
    }

    fn error(&self, realm: &str, r: Refusal) -> Vec<u8> {
        let krbtgt = self.krbtgt().principal;
        let now = self.realm.now();
        let built = (|| -> Result<Vec<u8>, super::Krb5Error> {
            let e = KrbErrorInner {
                pvno: ExplicitContextTag0::from(int(5)),
                msg_type: ExplicitContextTag1::from(int(30)),
                ctime: none(),
                cusec: none(),
                stime: ExplicitContextTag4::from(time(now)?),
                susec: ExplicitContextTag5::from(int(0)),
                error_code: ExplicitContextTag6::from(r.code),
                crealm: none(),
                cname: none(),
                realm: ExplicitContextTag9::from(string(realm)?),
                sname: ExplicitContextTag10::from(krbtgt.to_asn1()?),
                e_text: some(ExplicitContextTag11::from(string(&r.text.replace(|c: char| !c.is_ascii(), "?"))?)),
                e_data: match r.e_data {
                    Some(d) => some(ExplicitContextTag12::from(OctetStringAsn1::from(d))),
                    None => none(),
                },
            };
            encode("the KRB-ERROR", &ApplicationTag::<_, 30>::from(e))
        })();
        built.unwrap_or_default()
    }
}

/// What a ticket about to be issued says.
struct Issue<'a> {
    client: &'a Principal,
    client_realm: &'a str,
    server: &'a Account,
    flags: &'a [usize],
    auth_time: u64,
}

/// The KDC-REQ-BODY of a TGS-REQ as its bytes came: `[APPLICATION 12] SEQUENCE { ..., [4] body }`.
fn raw_body(request: &[u8]) -> Option<&[u8]> {
    let (outer, _) = crate::der::expect(request, 0x6c).ok()?;
    let (seq, _) = crate::der::expect(outer, crate::der::SEQUENCE).ok()?;
    let body = crate::der::elements(seq).ok()?.into_iter().find(|e| e.tag == 0xa4)?;
    Some(body.content)
}

/// The first of the client's encryption types this KDC speaks.
fn chosen_etype(asked: impl Iterator<Item = i64>) -> Result<i64, Refusal> {
    let asked: Vec<i64> = asked.collect();
    asked.iter().copied().find(|e| ETYPES.contains(e)).ok_or_else(|| refuse(14, format!("none of the encryption types {asked:?} is AES")))
}

fn encryption_key(key: &Key) -> EncryptionKey {
    EncryptionKey {
        key_type: ExplicitContextTag0::from(int(key.etype())),
        key_value: ExplicitContextTag1::from(OctetStringAsn1::from(key.value().to_vec())),
    }
}

fn sealed_data(etype: i64, kvno: Option<i64>, cipher: Vec<u8>) -> EncryptedData {
    EncryptedData {
        etype: ExplicitContextTag0::from(int(etype)),
        kvno: match kvno {
            Some(k) => some(ExplicitContextTag1::from(int(k))),
            None => none(),
        },
        cipher: ExplicitContextTag2::from(OctetStringAsn1::from(cipher)),
    }
}

/// PA-FOR-USER as read ([MS-SFU] 2.2.1).
#[derive(serde::Deserialize)]
struct PaForUserIn {
    user_name: ExplicitContextTag0<PrincipalName>,
    user_realm: ExplicitContextTag1<picky_krb::data_types::Realm>,
    cksum: ExplicitContextTag2<picky_krb::data_types::Checksum>,
    auth_package: ExplicitContextTag3<picky_krb::data_types::KerberosStringAsn1>,
}
