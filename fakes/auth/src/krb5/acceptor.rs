//! The service side: an AP-REQ (RFC 4120 §3.2.3) opened with the service's long-term keys, as
//! Exchange's keytab opens the ticket SEG presents for a user it delegated for.

use super::crypto::{self, Key, AES128_CTS_HMAC_SHA1_96, AES256_CTS_HMAC_SHA1_96};
use super::error::Krb5Error;
use super::message::{decode, flag, has_flag, int_value, unix, Principal};
use picky_krb::data_types::{Authenticator, AuthenticatorInner, EncTicketPart, EncryptedData, TicketInner};
use picky_krb::messages::ApReq;

/// The clock skew tolerated between client, KDC and service (RFC 4120's customary five
/// minutes).
pub const CLOCK_SKEW_SECS: u64 = 300;

/// A service's long-term keys, as its keytab holds them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceKeys {
    /// The service principal (`HTTP/mail.example.test`).
    pub spn: Principal,
    /// Its realm.
    pub realm: String,
    keys: Vec<Key>,
}

/// Who a ticket accepted by a service names, and how it was issued.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// The client principal (the user SEG delegated for).
    pub client: Principal,
    /// The client's realm.
    pub client_realm: String,
    /// Whether the ticket is forwardable.
    pub forwardable: bool,
    /// authtime, unix seconds.
    pub auth_time: u64,
    /// starttime (authtime when absent), unix seconds.
    pub start_time: u64,
    /// endtime, unix seconds.
    pub end_time: u64,
}

impl Accepted {
    /// The client as a UPN, as a mailbox is found by: an enterprise name as it is,
    /// `alice@EXAMPLE.TEST` as `alice@example.test`.
    pub fn upn(&self) -> String {
        match (self.client.name_type, self.client.components.as_slice()) {
            (super::NT_ENTERPRISE, [upn]) => upn.clone(),
            _ => format!("{}@{}", self.client, self.client_realm.to_ascii_lowercase()),
        }
    }
}

impl ServiceKeys {
    /// The AES keys of `spn` in `realm` whose account password is `password`, with the
    /// default salt: what `ktutil` or `kadmin ktadd` would write into the service's keytab.
    pub fn from_password(spn: &str, realm: &str, password: &str) -> Result<Self, Krb5Error> {
        let spn = Principal::service(spn);
        let realm = realm.to_ascii_uppercase();
        let salt = crypto::default_salt(&realm, &spn.components);
        let keys = [AES256_CTS_HMAC_SHA1_96, AES128_CTS_HMAC_SHA1_96]
            .iter()
            .map(|e| Key::from_password(*e, password, &salt))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(ServiceKeys { spn, realm, keys })
    }

    /// Whether `bytes` is a Kerberos AP-REQ of RFC 4120 (rather than another token).
    pub fn is_ap_req(bytes: &[u8]) -> bool {
        decode::<ApReq>("AP-REQ", bytes).is_ok()
    }

    /// Opens the AP-REQ `bytes` at `now` (unix seconds): the ticket with this service's key,
    /// then the authenticator with the ticket's session key; both must name the same client
    /// and be within their time, give or take [`CLOCK_SKEW_SECS`].
    pub fn accept(&self, bytes: &[u8], now: u64) -> Result<Accepted, Krb5Error> {
        let req = decode::<ApReq>("the AP-REQ", bytes)?.0;
        let ticket = &req.ticket.0 .0;
        let service = Principal::from_asn1(&ticket.sname.0);
        let realm = ticket.realm.0 .0.to_string();
        if !service.same_as(&self.spn) || !realm.eq_ignore_ascii_case(&self.realm) {
            return Err(Krb5Error::WrongService { got: format!("{service}@{realm}"), want: format!("{}@{}", self.spn, self.realm) });
        }
        let etype = int_value(&ticket.enc_part.0.etype.0);
        let key = self.keys.iter().find(|k| k.etype() == etype).ok_or(Krb5Error::UnsupportedEtype(etype))?;
        let opened = OpenedTicket::open(ticket, key, now)?;
        opened.authenticator(&req.authenticator.0, 11, now)?;
        Ok(Accepted {
            client: opened.client,
            client_realm: opened.client_realm,
            forwardable: opened.forwardable,
            auth_time: opened.auth_time,
            start_time: opened.start_time,
            end_time: opened.end_time,
        })
    }
}

/// A ticket opened with its service's long-term key: what its EncTicketPart says. The service
/// opens the ticket of an AP-REQ so, and the KDC the TGT and the evidence ticket of a TGS request.
pub(crate) struct OpenedTicket {
    pub(crate) client: Principal,
    pub(crate) client_realm: String,
    pub(crate) session: Key,
    pub(crate) forwardable: bool,
    pub(crate) auth_time: u64,
    pub(crate) start_time: u64,
    pub(crate) end_time: u64,
}

impl OpenedTicket {
    /// `ticket` opened with `key` (its service's, of the ticket's type), valid at `now` give or
    /// take [`CLOCK_SKEW_SECS`].
    pub(crate) fn open(ticket: &TicketInner, key: &Key, now: u64) -> Result<OpenedTicket, Krb5Error> {
        let part = decode::<EncTicketPart>("the ticket's EncTicketPart", &key.decrypt(2, &ticket.enc_part.0.cipher.0 .0, "the ticket")?)?.0;
        let start = part.starttime.0.as_ref().map(|t| unix(&t.0)).unwrap_or_else(|| unix(&part.auth_time.0));
        let end = unix(&part.endtime.0);
        if now.saturating_add(CLOCK_SKEW_SECS) < start {
            return Err(Krb5Error::Time { what: "the ticket", why: format!("it starts at {start}, now is {now}") });
        }
        if now >= end.saturating_add(CLOCK_SKEW_SECS) {
            return Err(Krb5Error::Time { what: "the ticket", why: format!("it ended at {end}, now is {now}") });
        }
        Ok(OpenedTicket {
            client: Principal::from_asn1(&part.cname.0),
            client_realm: part.crealm.0 .0.to_string(),
            session: Key::new(int_value(&part.key.0.key_type.0), part.key.0.key_value.0 .0.clone())?,
            forwardable: has_flag(&part.flags.0, flag::FORWARDABLE),
            auth_time: unix(&part.auth_time.0),
            start_time: start,
            end_time: end,
        })
    }

    /// The authenticator that came with the ticket, sealed with its session key for `usage` (11
    /// to a service, 7 in a TGS request): it must name the ticket's client and have been
    /// written within [`CLOCK_SKEW_SECS`] of `now`.
    pub(crate) fn authenticator(&self, sealed: &EncryptedData, usage: i32, now: u64) -> Result<AuthenticatorInner, Krb5Error> {
        let authenticator =
            decode::<Authenticator>("the authenticator", &self.session.decrypt(usage, &sealed.cipher.0 .0, "the authenticator")?)?.0;
        let named = Principal::from_asn1(&authenticator.cname.0);
        if !named.same_as(&self.client) || !authenticator.crealm.0 .0.to_string().eq_ignore_ascii_case(&self.client_realm) {
            return Err(Krb5Error::Mismatch(format!("the authenticator names {named}, the ticket {}", self.client)));
        }
        let ctime = unix(&authenticator.ctime.0);
        if ctime.abs_diff(now) > CLOCK_SKEW_SECS {
            return Err(Krb5Error::Time {
                what: "the authenticator",
                why: format!("written at {ctime}, now is {now}: the clocks are more than five minutes apart"),
            });
        }
        Ok(authenticator)
    }
}
