//! A fake Kerberos KDC's accounts, its ticket API, and the service side that accepts tickets.
//!
//! The KDC speaks Kerberos itself ([`crate::krb5::KdcService`] over its accounts, on port 88 of
//! its host). Beside it, its ticket API (in-process, or over the HTTP API of
//! [`crate::kdc_host`]) is the fake's own, and says so: no AS/TGS exchange, no TGT and no
//! authenticator. There a client asks for a service ticket with its password; a delegating service asks with its own password for a
//! ticket on behalf of a user (S4U2Self, protocol transition) to a target service it is
//! allowed to delegate to (S4U2Proxy, constrained delegation) — the shape of what SEG does for
//! KCD. What is real is what the services see: a ticket sealed (AES-256-GCM) with the target
//! service's long-term key, derived from the service account's password and salted with the
//! realm and principal as Kerberos salts its AES keys, carrying the client principal, the
//! times (from the run's clock) and the flags. A service verifies it with its keytab; a
//! tampered ticket, a ticket for another service and an expired ticket all fail. Because there
//! is no authenticator, a captured ticket can be replayed until it expires.

use crate::der::{self, ctx};
use crate::error::{AuthError, Result};
use crate::spnego;
use aws_lc_rs::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use mailconform_sim::{Clock, Journal, Page, PageQuery, SeededRng};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

/// The realm of the default world.
pub const DEFAULT_REALM: &str = "EXAMPLE.TEST";
/// Clock skew a service tolerates (Kerberos' customary five minutes).
pub const CLOCK_SKEW_SECS: u64 = 300;

/// Ticket flags (RFC 4120 §5.3 bit numbering, as a 32-bit big-endian mask).
pub mod ticket_flags {
    /// forwardable (bit 1): the TGS may issue forwarded tickets from it; S4U2Proxy requires it.
    pub const FORWARDABLE: u32 = 0x4000_0000;
    /// forwarded (bit 2): issued on the strength of another ticket (here: by delegation).
    pub const FORWARDED: u32 = 0x2000_0000;
    /// pre-authent (bit 10): the client proved its password before issuance.
    pub const PRE_AUTHENT: u32 = 0x0020_0000;
    /// initial (bit 9): issued from the password, not from a TGT.
    pub const INITIAL: u32 = 0x0040_0000;
    /// Issued by S4U2Proxy on behalf of the client (the "delegated" bit of this fake).
    pub const CONSTRAINED_DELEGATION: u32 = 0x0000_0001;
}

/// A service's long-term key.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct ServiceKey([u8; 32]);

impl std::fmt::Debug for ServiceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ServiceKey(..)")
    }
}

impl ServiceKey {
    /// PBKDF2-HMAC-SHA256 of the account password, salted with realm and principal.
    pub(crate) fn derive(realm: &str, principal: &str, password: &str) -> Self {
        let mut out = [0u8; 32];
        let salt = format!("{}{}", realm.to_ascii_uppercase(), principal.to_ascii_lowercase());
        aws_lc_rs::pbkdf2::derive(
            aws_lc_rs::pbkdf2::PBKDF2_HMAC_SHA256,
            NonZeroU32::new(1000).expect("non-zero"),
            salt.as_bytes(),
            password.as_bytes(),
            &mut out,
        );
        ServiceKey(out)
    }

    fn aead(&self) -> LessSafeKey {
        LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &self.0).expect("32-byte AES key"))
    }
}

/// What a ticket says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TicketInfo {
    /// The client principal (the user's UPN, e.g. `alice@example.test`).
    pub client: String,
    /// The service principal the ticket is for, e.g. `HTTP/mail.example.test`.
    pub service: String,
    /// The realm of both principals (upper case, `EXAMPLE.TEST`).
    pub realm: String,
    /// authtime: when the client proved its password (unix seconds).
    pub auth_time: u64,
    /// starttime: the ticket is not valid before it, less the clock skew (unix seconds).
    pub start_time: u64,
    /// endtime: the ticket is not valid from it on, plus the clock skew (unix seconds).
    pub end_time: u64,
    /// TicketFlags (RFC 4120 §5.3), a mask of [`ticket_flags`].
    pub flags: u32,
    /// The service that obtained the ticket by constrained delegation, if any.
    pub delegated_by: Option<String>,
}

impl TicketInfo {
    /// The ticket's contents as DER, before sealing: `[APPLICATION 3] SEQUENCE { [0] flags,
    /// [1] client, [2] authtime, [3] starttime, [4] endtime, [5] delegated-by OPTIONAL }`.
    /// Public so that fixtures (the fuzz seeds) can take a real ticket's contents apart and
    /// seal variations of them with [`Keytab::seal_contents`].
    pub fn to_der(&self) -> Vec<u8> {
        let mut seq = Vec::new();
        seq.extend(der::write(ctx(0), &der::write_uint(der::INTEGER, u64::from(self.flags))));
        seq.extend(der::write(ctx(1), &der::write(der::UTF8_STRING, self.client.as_bytes())));
        seq.extend(der::write(ctx(2), &der::write_uint(der::INTEGER, self.auth_time)));
        seq.extend(der::write(ctx(3), &der::write_uint(der::INTEGER, self.start_time)));
        seq.extend(der::write(ctx(4), &der::write_uint(der::INTEGER, self.end_time)));
        if let Some(d) = &self.delegated_by {
            seq.extend(der::write(ctx(5), &der::write(der::UTF8_STRING, d.as_bytes())));
        }
        der::write(0x63, &der::write(der::SEQUENCE, &seq))
    }

    fn decode(b: &[u8], service: &str, realm: &str) -> Result<Self> {
        let (outer, _) = der::expect(b, 0x63)?;
        let (seq, _) = der::expect(outer, der::SEQUENCE)?;
        let mut t = TicketInfo {
            client: String::new(),
            service: service.into(),
            realm: realm.into(),
            auth_time: 0,
            start_time: 0,
            end_time: 0,
            flags: 0,
            delegated_by: None,
        };
        for e in der::elements(seq)? {
            let int = || -> Result<u64> { der::read_uint(der::expect(e.content, der::INTEGER)?.0) };
            let text = || -> Result<String> {
                String::from_utf8(der::expect(e.content, der::UTF8_STRING)?.0.to_vec())
                    .map_err(|_| AuthError::TicketMalformed("a name is not UTF-8".into()))
            };
            match e.tag {
                0xa0 => t.flags = int()? as u32,
                0xa1 => t.client = text()?,
                0xa2 => t.auth_time = int()?,
                0xa3 => t.start_time = int()?,
                0xa4 => t.end_time = int()?,
                0xa5 => t.delegated_by = Some(text()?),
                _ => {}
            }
        }
        if t.client.is_empty() {
            return Err(AuthError::TicketMalformed("the ticket names no client".into()));
        }
        Ok(t)
    }
}

/// A sealed ticket, as a Kerberos AP-REQ-shaped structure:
/// `[APPLICATION 14] SEQUENCE { [0] pvno 5, [1] realm, [2] sname, [3] nonce, [4] cipher }`.
fn seal(info: &TicketInfo, key: &ServiceKey, nonce: [u8; 12]) -> Vec<u8> {
    seal_der(&info.to_der(), &info.realm, &info.service, key, nonce)
}

/// Seals ticket contents (whatever they are) for `service@realm` under `key`.
fn seal_der(contents: &[u8], realm: &str, service: &str, key: &ServiceKey, nonce: [u8; 12]) -> Vec<u8> {
    let mut plain = contents.to_vec();
    let aad = format!("{service}@{realm}");
    key.aead().seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::from(aad.as_bytes()), &mut plain).expect("AES-GCM seals");
    let mut seq = der::write(ctx(0), &der::write_uint(der::INTEGER, 5));
    seq.extend(der::write(ctx(1), &der::write(der::UTF8_STRING, realm.as_bytes())));
    seq.extend(der::write(ctx(2), &der::write(der::UTF8_STRING, service.as_bytes())));
    seq.extend(der::write(ctx(3), &der::write(der::OCTET_STRING, &nonce)));
    seq.extend(der::write(ctx(4), &der::write(der::OCTET_STRING, &plain)));
    der::write(0x6e, &der::write(der::SEQUENCE, &seq))
}

/// The clear parts of a sealed ticket: realm, service, nonce, ciphertext.
fn open_outer(ap_req: &[u8]) -> Result<(String, String, [u8; 12], Vec<u8>)> {
    let (outer, _) = der::expect(ap_req, 0x6e)?;
    let (seq, _) = der::expect(outer, der::SEQUENCE)?;
    let (mut realm, mut service, mut nonce, mut cipher) = (None, None, None, None);
    for e in der::elements(seq)? {
        match e.tag {
            0xa1 => realm = Some(String::from_utf8_lossy(der::expect(e.content, der::UTF8_STRING)?.0).to_string()),
            0xa2 => service = Some(String::from_utf8_lossy(der::expect(e.content, der::UTF8_STRING)?.0).to_string()),
            0xa3 => {
                let n = der::expect(e.content, der::OCTET_STRING)?.0;
                nonce = Some(<[u8; 12]>::try_from(n).map_err(|_| AuthError::TicketMalformed("the nonce is not 12 bytes".into()))?);
            }
            0xa4 => cipher = Some(der::expect(e.content, der::OCTET_STRING)?.0.to_vec()),
            _ => {}
        }
    }
    match (realm, service, nonce, cipher) {
        (Some(r), Some(s), Some(n), Some(c)) => Ok((r, s, n, c)),
        _ => Err(AuthError::TicketMalformed("the ticket lacks realm, service, nonce or cipher text".into())),
    }
}

/// A service's keytab: its principal and key. Exchange holds one for `HTTP/<its host>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Keytab {
    /// The service's realm, upper case.
    pub realm: String,
    /// The service principal name, e.g. `HTTP/mail.example.test`.
    pub spn: String,
    pub(crate) key: ServiceKey,
    /// The same account's AES keys as a real KDC derives them, for tickets of the protocol
    /// itself ([`crate::krb5`]): SEG's from a real KDC in a live run.
    real: RealKeys,
}

/// A service account's AES keys, derived on the first real ticket: string-to-key runs PBKDF2
/// 4096 times per key type, which every scenario's Exchange would pay for nothing otherwise.
#[derive(Clone)]
struct RealKeys {
    password: String,
    keys: std::sync::Arc<std::sync::OnceLock<Option<crate::krb5::ServiceKeys>>>,
}

impl RealKeys {
    fn get(&self, realm: &str, spn: &str) -> Option<&crate::krb5::ServiceKeys> {
        // An SPN that is not ASCII has no Kerberos keys; the fake's tickets still open.
        self.keys.get_or_init(|| crate::krb5::ServiceKeys::from_password(spn, realm, &self.password).ok()).as_ref()
    }
}

impl PartialEq for RealKeys {
    fn eq(&self, other: &Self) -> bool {
        self.password == other.password
    }
}

impl Eq for RealKeys {}

impl std::fmt::Debug for RealKeys {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RealKeys(..)")
    }
}

impl Keytab {
    /// The keytab of `spn` in `realm` whose account password is `password`: the same key the
    /// KDC derives, so the two agree without exchanging it.
    pub fn new(realm: &str, spn: &str, password: &str) -> Self {
        Keytab {
            realm: realm.to_ascii_uppercase(),
            spn: spn.to_string(),
            key: ServiceKey::derive(realm, spn, password),
            real: RealKeys { password: password.to_string(), keys: Default::default() },
        }
    }

    /// Seals `contents` as a ticket for this keytab's service, exactly as the KDC seals a
    /// ticket's [`TicketInfo::to_der`]. The decoder and the time checks behind the seal are only
    /// reachable with the service key; this lets tests and the fuzz target hand them contents
    /// the KDC would never write.
    pub fn seal_contents(&self, contents: &[u8], nonce: [u8; 12]) -> Vec<u8> {
        seal_der(contents, &self.realm, &self.spn, &self.key, nonce)
    }

    /// Verifies an AP-REQ (as [`crate::spnego::classify`] extracts it) at `now` (unix seconds).
    /// A real Kerberos AP-REQ (RFC 4120, from a real KDC) is opened with the account's AES keys.
    pub fn accept(&self, ap_req: &[u8], now: u64) -> Result<TicketInfo> {
        if let Some(real) = crate::krb5::ServiceKeys::is_ap_req(ap_req).then(|| self.real.get(&self.realm, &self.spn)).flatten() {
            let accepted = real.accept(ap_req, now)?;
            return Ok(TicketInfo {
                client: accepted.upn(),
                service: self.spn.clone(),
                realm: self.realm.clone(),
                auth_time: accepted.auth_time,
                start_time: accepted.start_time,
                end_time: accepted.end_time,
                flags: if accepted.forwardable { ticket_flags::FORWARDABLE } else { 0 },
                delegated_by: None,
            });
        }
        let (realm, service, nonce, mut cipher) = open_outer(ap_req)?;
        if !service.eq_ignore_ascii_case(&self.spn) || !realm.eq_ignore_ascii_case(&self.realm) {
            return Err(AuthError::WrongService { got: format!("{service}@{realm}"), want: format!("{}@{}", self.spn, self.realm) });
        }
        let aad = format!("{service}@{realm}");
        let plain = self
            .key
            .aead()
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad.as_bytes()), &mut cipher)
            .map_err(|_| AuthError::TicketIntegrity)?;
        let info = TicketInfo::decode(plain, &service, &realm)?;
        // Saturating: the times are the ticket's, and a ticket may say it ends at the end of time.
        if now.saturating_add(CLOCK_SKEW_SECS) < info.start_time || now >= info.end_time.saturating_add(CLOCK_SKEW_SECS) {
            return Err(AuthError::TicketTime { start: info.start_time, end: info.end_time, now });
        }
        Ok(info)
    }
}

/// A ticket the KDC issued, with the forms a client sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IssuedTicket {
    /// What the sealed ticket says, as the KDC wrote it.
    pub info: TicketInfo,
    /// The AP-REQ alone.
    pub ap_req: Vec<u8>,
}

impl IssuedTicket {
    /// The SPNEGO NegTokenInit carrying the ticket, for `Authorization: Negotiate`.
    pub fn negotiate_token(&self) -> Vec<u8> {
        spnego::neg_token_init(spnego::Mech::Kerberos, &spnego::kerberos_token(&self.ap_req))
    }

    /// The whole `Authorization` header value.
    pub fn authorization(&self) -> String {
        spnego::kerberos_authorization(&self.ap_req)
    }
}

#[derive(Debug, Clone, Serialize)]
struct User {
    upn: String,
    #[serde(skip)]
    password: String,
}

#[derive(Debug, Clone)]
struct Service {
    spn: String,
    password: String,
    allowed_to_delegate: Vec<String>,
}

/// One issued ticket, for the control API.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct IssueRecord {
    /// When the KDC issued it (unix seconds, the run's clock).
    pub at: u64,
    /// The client principal the ticket names (the user's UPN).
    pub client: String,
    /// The SPN the ticket is for.
    pub service: String,
    /// The service that obtained it by S4U2Proxy, `None` for a ticket the user asked for.
    pub delegated_by: Option<String>,
    /// endtime of the ticket (unix seconds).
    pub end_time: u64,
}

#[derive(Default)]
struct State {
    users: BTreeMap<String, User>,
    services: BTreeMap<String, Service>,
    /// Every ticket issued, newest [`mailconform_sim::journal::DEFAULT_CAPACITY`] kept.
    issued: Journal<IssueRecord>,
}

/// The KDC: users, service accounts with their allowed-to-delegate lists, and issuance.
pub struct Kdc {
    realm: String,
    clock: Clock,
    rng: SeededRng,
    /// The password of `krbtgt/REALM`, whose key seals the TGTs of its Kerberos side.
    krbtgt: String,
    lifetime: Duration,
    state: Mutex<State>,
}

impl Kdc {
    /// Tickets live ten hours, the Windows default.
    pub fn new(realm: &str, clock: Clock, rng: SeededRng) -> Self {
        let krbtgt = rng.hex(16);
        Kdc {
            realm: realm.to_ascii_uppercase(),
            clock,
            rng,
            krbtgt,
            lifetime: Duration::from_secs(10 * 3600),
            state: Mutex::new(State::default()),
        }
    }

    /// Issues tickets that live `lifetime` instead (an expiry scenario in minutes, not hours).
    pub fn with_lifetime(mut self, lifetime: Duration) -> Self {
        self.lifetime = lifetime;
        self
    }

    /// The KDC's realm, upper case.
    pub fn realm(&self) -> &str {
        &self.realm
    }

    /// Registers a user account by UPN (looked up case-insensitively) with its password.
    pub fn add_user(&self, upn: &str, password: &str) {
        self.state
            .lock()
            .expect("kdc poisoned")
            .users
            .insert(upn.to_ascii_lowercase(), User { upn: upn.into(), password: password.into() });
    }

    /// Registers a service account by SPN; `allowed_to_delegate` is its msDS-AllowedToDelegateTo.
    pub fn add_service(&self, spn: &str, password: &str, allowed_to_delegate: &[&str]) {
        let s = Service {
            spn: spn.into(),
            password: password.into(),
            allowed_to_delegate: allowed_to_delegate.iter().map(|s| s.to_string()).collect(),
        };
        self.state.lock().expect("kdc poisoned").services.insert(spn.to_ascii_lowercase(), s);
    }

    /// Replaces a service's allowed-to-delegate list.
    pub fn set_delegation(&self, spn: &str, targets: &[String]) -> Result<()> {
        let mut st = self.state.lock().expect("kdc poisoned");
        let s = st.services.get_mut(&spn.to_ascii_lowercase()).ok_or_else(|| AuthError::UnknownPrincipal(spn.into()))?;
        s.allowed_to_delegate = targets.to_vec();
        Ok(())
    }

    /// The keytab a service needs to accept tickets (as `ktpass` would export it).
    pub fn keytab(&self, spn: &str) -> Result<Keytab> {
        let st = self.state.lock().expect("kdc poisoned");
        let s = st.services.get(&spn.to_ascii_lowercase()).ok_or_else(|| AuthError::UnknownPrincipal(spn.into()))?;
        Ok(Keytab::new(&self.realm, &s.spn, &s.password))
    }

    /// A service ticket for a user who proves their password.
    pub fn ticket(&self, client: &str, password: &str, target: &str) -> Result<IssuedTicket> {
        let st = self.state.lock().expect("kdc poisoned");
        let user = st.users.get(&client.to_ascii_lowercase()).ok_or_else(|| AuthError::UnknownPrincipal(client.into()))?;
        if user.password != password {
            return Err(AuthError::PreauthFailed(client.into()));
        }
        let upn = user.upn.clone();
        drop(st);
        self.issue(&upn, target, ticket_flags::FORWARDABLE | ticket_flags::PRE_AUTHENT | ticket_flags::INITIAL, None)
    }

    /// S4U2Self then S4U2Proxy: `service` (authenticated by its password) obtains a ticket for
    /// `user` to `target`, if `target` is in its allowed-to-delegate list.
    pub fn s4u(&self, service: &str, service_password: &str, user: &str, target: &str) -> Result<IssuedTicket> {
        let st = self.state.lock().expect("kdc poisoned");
        let svc = st.services.get(&service.to_ascii_lowercase()).ok_or_else(|| AuthError::UnknownPrincipal(service.into()))?;
        if svc.password != service_password {
            return Err(AuthError::PreauthFailed(service.into()));
        }
        if !svc.allowed_to_delegate.iter().any(|t| t.eq_ignore_ascii_case(target)) {
            return Err(AuthError::DelegationNotAllowed { service: service.into(), target: target.into() });
        }
        let svc_name = svc.spn.clone();
        let upn = st.users.get(&user.to_ascii_lowercase()).ok_or_else(|| AuthError::UnknownPrincipal(user.into()))?.upn.clone();
        drop(st);
        self.issue(&upn, target, ticket_flags::FORWARDABLE | ticket_flags::FORWARDED | ticket_flags::CONSTRAINED_DELEGATION, Some(svc_name))
    }

    fn issue(&self, client: &str, target: &str, flags: u32, delegated_by: Option<String>) -> Result<IssuedTicket> {
        let now = self.clock.unix_secs();
        let mut st = self.state.lock().expect("kdc poisoned");
        let svc = st.services.get(&target.to_ascii_lowercase()).ok_or_else(|| AuthError::UnknownPrincipal(target.into()))?;
        let key = ServiceKey::derive(&self.realm, &svc.spn, &svc.password);
        let info = TicketInfo {
            client: client.into(),
            service: svc.spn.clone(),
            realm: self.realm.clone(),
            auth_time: now,
            start_time: now,
            end_time: now + self.lifetime.as_secs(),
            flags,
            delegated_by: delegated_by.clone(),
        };
        let mut nonce = [0u8; 12];
        nonce.copy_from_slice(&self.rng.bytes(12));
        let ap_req = seal(&info, &key, nonce);
        st.issued.push(IssueRecord {
            at: now,
            client: client.into(),
            service: info.service.clone(),
            delegated_by,
            end_time: info.end_time,
        });
        Ok(IssuedTicket { info, ap_req })
    }

    /// The realm, its users (UPNs) and its service accounts with their delegation lists, for
    /// the control API.
    pub fn principals(&self) -> crate::kdc_host::contract::Principals {
        let st = self.state.lock().expect("kdc poisoned");
        crate::kdc_host::contract::Principals {
            realm: self.realm.clone(),
            users: st.users.values().map(|u| u.upn.clone()).collect(),
            services: st
                .services
                .values()
                .map(|s| crate::kdc_host::contract::Delegation { spn: s.spn.clone(), allowed_to_delegate: s.allowed_to_delegate.clone() })
                .collect(),
        }
    }

    /// Every ticket issued so far, oldest first.
    pub fn issued(&self) -> Vec<IssueRecord> {
        self.state.lock().expect("kdc poisoned").issued.to_vec()
    }

    /// One page of the journal of issued tickets.
    pub fn issued_page(&self, query: &PageQuery) -> Page<IssueRecord> {
        self.state.lock().expect("kdc poisoned").issued.page(query)
    }
}

/// The KDC's accounts as its Kerberos side ([`crate::krb5::KdcService`]) reads them: a user by
/// its name in the realm (`alice` for `alice@example.test`) or its enterprise name (the UPN), a
/// service by its SPN.
impl crate::krb5::Realm for Kdc {
    fn realm(&self) -> String {
        self.realm.clone()
    }

    fn account(&self, principal: &crate::krb5::Principal) -> Option<crate::krb5::Account> {
        let st = self.state.lock().expect("kdc poisoned");
        if principal.components.len() > 1 {
            let s = st.services.get(&principal.components.join("/").to_ascii_lowercase())?;
            return Some(crate::krb5::Account {
                name: s.spn.clone(),
                principal: crate::krb5::Principal::service(&s.spn),
                password: s.password.clone(),
                delegate_to: s.allowed_to_delegate.clone(),
            });
        }
        let name = principal.components.first()?;
        let upn = match name.contains('@') {
            true => name.to_ascii_lowercase(),
            false => format!("{name}@{}", self.realm).to_ascii_lowercase(),
        };
        let u = st.users.get(&upn)?;
        Some(crate::krb5::Account {
            name: u.upn.clone(),
            principal: crate::krb5::Principal::from_upn(&u.upn, &self.realm),
            password: u.password.clone(),
            delegate_to: Vec::new(),
        })
    }

    fn krbtgt_password(&self) -> String {
        self.krbtgt.clone()
    }

    fn now(&self) -> u64 {
        self.clock.unix_secs()
    }

    fn lifetime(&self) -> u64 {
        self.lifetime.as_secs()
    }

    fn random(&self, len: usize) -> Vec<u8> {
        self.rng.bytes(len)
    }

    fn record_issued(&self, client: &str, service: &str, delegated_by: Option<&str>, end_time: u64) {
        let at = self.clock.unix_secs();
        let record =
            IssueRecord { at, client: client.into(), service: service.into(), delegated_by: delegated_by.map(Into::into), end_time };
        self.state.lock().expect("kdc poisoned").issued.push(record);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spnego::{classify, NegotiateToken};

    fn kdc() -> (Kdc, Clock) {
        let clock = Clock::simulated();
        let k = Kdc::new(DEFAULT_REALM, clock.clone(), SeededRng::new(1));
        k.add_user("alice@example.test", "alice-pw");
        k.add_service("HTTP/mail.example.test", "mail-svc-pw", &[]);
        k.add_service("HTTP/seg.example.test", "seg-svc-pw", &["HTTP/mail.example.test"]);
        k.add_service("HTTP/other.example.test", "other-pw", &[]);
        (k, clock)
    }

    fn ap_req(t: &IssuedTicket) -> Vec<u8> {
        match classify(&t.negotiate_token()).unwrap() {
            NegotiateToken::Kerberos(a) => a,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn contents_sealed_by_the_keytab_read_back_as_the_kdc_ticket() {
        let (k, clock) = kdc();
        let t = k.ticket("alice@example.test", "alice-pw", "HTTP/mail.example.test").unwrap();
        let keytab = k.keytab("HTTP/mail.example.test").unwrap();
        let resealed = keytab.seal_contents(&t.info.to_der(), [9; 12]);
        assert_eq!(keytab.accept(&resealed, clock.unix_secs()).unwrap(), keytab.accept(&ap_req(&t), clock.unix_secs()).unwrap());
        let other = Keytab::new(DEFAULT_REALM, "HTTP/other.example.test", "other-pw");
        assert!(matches!(
            keytab.accept(&other.seal_contents(&t.info.to_der(), [9; 12]), clock.unix_secs()),
            Err(AuthError::WrongService { .. })
        ));
    }

    #[test]
    fn a_ticket_ending_at_the_end_of_time_is_judged_without_overflow() {
        let (k, clock) = kdc();
        let t = k.ticket("alice@example.test", "alice-pw", "HTTP/mail.example.test").unwrap();
        let keytab = k.keytab("HTTP/mail.example.test").unwrap();
        let forever = TicketInfo { end_time: u64::MAX, ..t.info.clone() };
        let info = keytab.accept(&keytab.seal_contents(&forever.to_der(), [7; 12]), clock.unix_secs()).unwrap();
        assert_eq!(info.end_time, u64::MAX);
        let future = TicketInfo { start_time: u64::MAX, end_time: u64::MAX, ..t.info };
        assert!(keytab.accept(&keytab.seal_contents(&future.to_der(), [7; 12]), u64::MAX - 1).is_ok());
        assert!(matches!(
            keytab.accept(&keytab.seal_contents(&future.to_der(), [7; 12]), clock.unix_secs()),
            Err(AuthError::TicketTime { .. })
        ));
    }

    #[test]
    fn service_accepts_a_ticket_for_itself() {
        let (k, clock) = kdc();
        let t = k.ticket("alice@example.test", "alice-pw", "HTTP/mail.example.test").unwrap();
        let keytab = Keytab::new(DEFAULT_REALM, "HTTP/mail.example.test", "mail-svc-pw");
        assert_eq!(keytab, k.keytab("http/mail.example.test").unwrap());
        let info = keytab.accept(&ap_req(&t), clock.unix_secs()).unwrap();
        assert_eq!(info.client, "alice@example.test");
        assert_eq!(info.delegated_by, None);
        assert_eq!(info, t.info);
    }

    #[test]
    fn wrong_password_unknown_user_and_wrong_service_fail() {
        let (k, clock) = kdc();
        assert_eq!(
            k.ticket("alice@example.test", "nope", "HTTP/mail.example.test"),
            Err(AuthError::PreauthFailed("alice@example.test".into()))
        );
        assert!(matches!(k.ticket("carol@example.test", "x", "HTTP/mail.example.test"), Err(AuthError::UnknownPrincipal(_))));
        let t = k.ticket("alice@example.test", "alice-pw", "HTTP/other.example.test").unwrap();
        let keytab = k.keytab("HTTP/mail.example.test").unwrap();
        assert!(matches!(keytab.accept(&ap_req(&t), clock.unix_secs()), Err(AuthError::WrongService { .. })));
    }

    #[test]
    fn tampered_and_expired_tickets_fail() {
        let (k, clock) = kdc();
        let keytab = k.keytab("HTTP/mail.example.test").unwrap();
        let t = k.ticket("alice@example.test", "alice-pw", "HTTP/mail.example.test").unwrap();
        let mut bad = ap_req(&t);
        let last = bad.len() - 20;
        bad[last] ^= 0x01;
        assert_eq!(keytab.accept(&bad, clock.unix_secs()), Err(AuthError::TicketIntegrity));
        let end = t.info.end_time;
        assert!(keytab.accept(&ap_req(&t), end + CLOCK_SKEW_SECS - 1).is_ok());
        assert!(matches!(keytab.accept(&ap_req(&t), end + CLOCK_SKEW_SECS), Err(AuthError::TicketTime { .. })));
        // A key derived from another password does not open it.
        let wrong = Keytab::new(DEFAULT_REALM, "HTTP/mail.example.test", "old-pw");
        assert_eq!(wrong.accept(&ap_req(&t), clock.unix_secs()), Err(AuthError::TicketIntegrity));
    }

    #[test]
    fn constrained_delegation_only_to_allowed_targets() {
        let (k, clock) = kdc();
        let t = k.s4u("HTTP/seg.example.test", "seg-svc-pw", "alice@example.test", "HTTP/mail.example.test").unwrap();
        let info = k.keytab("HTTP/mail.example.test").unwrap().accept(&ap_req(&t), clock.unix_secs()).unwrap();
        assert_eq!(info.client, "alice@example.test");
        assert_eq!(info.delegated_by.as_deref(), Some("HTTP/seg.example.test"));
        assert_ne!(info.flags & ticket_flags::CONSTRAINED_DELEGATION, 0);
        assert!(matches!(
            k.s4u("HTTP/seg.example.test", "seg-svc-pw", "alice@example.test", "HTTP/other.example.test"),
            Err(AuthError::DelegationNotAllowed { .. })
        ));
        assert!(matches!(
            k.s4u("HTTP/other.example.test", "other-pw", "alice@example.test", "HTTP/mail.example.test"),
            Err(AuthError::DelegationNotAllowed { .. })
        ));
        assert!(matches!(
            k.s4u("HTTP/seg.example.test", "bad", "alice@example.test", "HTTP/mail.example.test"),
            Err(AuthError::PreauthFailed(_))
        ));
        k.set_delegation("HTTP/seg.example.test", &[]).unwrap();
        assert!(k.s4u("HTTP/seg.example.test", "seg-svc-pw", "alice@example.test", "HTTP/mail.example.test").is_err());
        assert_eq!(k.issued().len(), 1);
    }

    proptest::proptest! {
        #[test]
        fn arbitrary_tickets_never_panic(b in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..200)) {
            let keytab = Keytab::new(DEFAULT_REALM, "HTTP/mail.example.test", "pw");
            let _ = keytab.accept(&b, 0);
            let mut framed = vec![0x6e, b.len().min(127) as u8];
            framed.extend_from_slice(&b);
            proptest::prop_assert!(keytab.accept(&framed, 0).is_err());
        }
    }
}
