//! NTLM ([MS-NLMP]): the three messages, NTLMv2 responses, and both ends of the handshake.
//!
//! The acceptor keeps its state per TCP connection, as IIS/HTTP.sys does: the CHALLENGE it
//! sends on a connection is the only one an AUTHENTICATE on that connection is checked
//! against, and an AUTHENTICATE on any other connection fails. That is why NTLM breaks through
//! a proxy that pools upstream connections. After success the connection stays authenticated
//! (HTTP.sys credential caching on keep-alive connections).
//!
//! Only NTLMv2 is accepted (LmCompatibilityLevel 5, the default of current Windows servers).
//! Signing and sealing keys are not derived: HTTP authentication does not use them. Extended
//! Protection (channel bindings) is not enforced, as on an IIS site with Extended Protection off.

use crate::error::{AuthError, Result};
use hmac::{Hmac, Mac};
use md4::{Digest, Md4};
use md5::Md5;
use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

/// `NTLMSSP\0`, the start of every message.
pub(crate) const SIGNATURE: &[u8; 8] = b"NTLMSSP\0";

/// NegotiateFlags bits ([MS-NLMP] 2.2.2.5) the fakes use.
pub mod flags {
    /// A (NTLMSSP_NEGOTIATE_UNICODE): strings are UTF-16LE.
    pub const UNICODE: u32 = 0x0000_0001;
    /// B (NTLM_NEGOTIATE_OEM): strings are in the OEM code page.
    pub const OEM: u32 = 0x0000_0002;
    /// C (NTLMSSP_REQUEST_TARGET): the CHALLENGE must carry TargetName.
    pub const REQUEST_TARGET: u32 = 0x0000_0004;
    /// D (NTLMSSP_NEGOTIATE_SIGN): session-key message signing.
    pub const SIGN: u32 = 0x0000_0010;
    /// E (NTLMSSP_NEGOTIATE_SEAL): session-key message confidentiality.
    pub const SEAL: u32 = 0x0000_0020;
    /// H (NTLMSSP_NEGOTIATE_NTLM): NTLM v1 session security; set by every Windows client.
    pub const NTLM: u32 = 0x0000_0200;
    /// J (anonymous): the AUTHENTICATE is an anonymous logon, which the acceptor refuses.
    pub const ANONYMOUS: u32 = 0x0000_0800;
    /// K (NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED): the NEGOTIATE carries a domain name.
    pub const OEM_DOMAIN_SUPPLIED: u32 = 0x0000_1000;
    /// L (NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED): the NEGOTIATE carries a workstation name.
    pub const OEM_WORKSTATION_SUPPLIED: u32 = 0x0000_2000;
    /// M (NTLMSSP_NEGOTIATE_ALWAYS_SIGN): a signature is computed even without SIGN.
    pub const ALWAYS_SIGN: u32 = 0x0000_8000;
    /// N (NTLMSSP_TARGET_TYPE_DOMAIN): TargetName is a domain name.
    pub const TARGET_TYPE_DOMAIN: u32 = 0x0001_0000;
    /// O (NTLMSSP_TARGET_TYPE_SERVER): TargetName is a server name.
    pub const TARGET_TYPE_SERVER: u32 = 0x0002_0000;
    /// P (NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY): NTLM2 session security.
    pub const EXTENDED_SESSIONSECURITY: u32 = 0x0008_0000;
    /// Q (NTLMSSP_NEGOTIATE_IDENTIFY): an identify-level token is requested.
    pub const IDENTIFY: u32 = 0x0010_0000;
    /// S (NTLMSSP_NEGOTIATE_TARGET_INFO): the CHALLENGE carries TargetInfo AV pairs.
    pub const TARGET_INFO: u32 = 0x0080_0000;
    /// T (NTLMSSP_NEGOTIATE_VERSION): the message carries a [`Version`](super::Version).
    pub const VERSION: u32 = 0x0200_0000;
    /// U (NTLMSSP_NEGOTIATE_128): 128-bit session keys.
    pub const N128: u32 = 0x2000_0000;
    /// V (NTLMSSP_NEGOTIATE_KEY_EXCH): the AUTHENTICATE carries an RC4-encrypted session key.
    pub const KEY_EXCH: u32 = 0x4000_0000;
    /// W (NTLMSSP_NEGOTIATE_56): 56-bit session keys.
    pub const N56: u32 = 0x8000_0000;
}

/// AV pair ids ([MS-NLMP] 2.2.2.1).
pub mod av {
    /// MsvAvEOL: ends the list.
    pub const EOL: u16 = 0;
    /// MsvAvNbComputerName: the server's NetBIOS computer name.
    pub const NB_COMPUTER_NAME: u16 = 1;
    /// MsvAvNbDomainName: the server's NetBIOS domain name.
    pub const NB_DOMAIN_NAME: u16 = 2;
    /// MsvAvDnsComputerName: the server's FQDN.
    pub const DNS_COMPUTER_NAME: u16 = 3;
    /// MsvAvDnsDomainName: the FQDN of the server's domain.
    pub const DNS_DOMAIN_NAME: u16 = 4;
    /// MsvAvDnsTreeName: the FQDN of the forest.
    pub const DNS_TREE_NAME: u16 = 5;
    /// MsvAvFlags: bit 0x2 says the AUTHENTICATE carries a MIC.
    pub const FLAGS: u16 = 6;
    /// MsvAvTimestamp: the server's FILETIME; its presence makes clients send a MIC.
    pub const TIMESTAMP: u16 = 7;
    /// MsvAvSingleHost: the client's Single_Host_Data.
    pub const SINGLE_HOST: u16 = 8;
    /// MsvAvTargetName: the SPN the client meant to authenticate to.
    pub const TARGET_NAME: u16 = 9;
    /// MsvAvChannelBindings: MD5 of the TLS channel bindings (Extended Protection; not enforced).
    pub const CHANNEL_BINDINGS: u16 = 10;
}

/// The VERSION structure ([MS-NLMP] 2.2.2.10): the sender's Windows version and the NTLM
/// revision (15). Informational only: no side checks it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Version {
    /// ProductMajorVersion (10 for Windows 10 and Server 2016–2022).
    pub major: u8,
    /// ProductMinorVersion.
    pub minor: u8,
    /// ProductBuild (17763 for Server 2019).
    pub build: u16,
    /// NTLMRevisionCurrent (15, NTLMSSP_REVISION_W2K3).
    pub revision: u8,
}

impl Version {
    /// Windows Server 2019 (10.0.17763), as an Exchange 2019 host would send.
    pub const SERVER_2019: Version = Version { major: 10, minor: 0, build: 17763, revision: 15 };

    fn encode(&self) -> [u8; 8] {
        let b = self.build.to_le_bytes();
        [self.major, self.minor, b[0], b[1], 0, 0, 0, self.revision]
    }

    fn decode(b: &[u8]) -> Version {
        Version { major: b[0], minor: b[1], build: u16::from_le_bytes([b[2], b[3]]), revision: b[7] }
    }
}

/// One attribute-value pair of a target info list ([MS-NLMP] 2.2.2.1; the terminating
/// MsvAvEOL is implicit).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AvPair {
    /// AvId, one of [`av`].
    pub id: u16,
    /// The value as sent: UTF-16LE for the names, a FILETIME, a 32-bit flag word, a hash.
    pub value: Vec<u8>,
}

impl AvPair {
    /// A name-valued pair, its value in UTF-16LE.
    pub(crate) fn text(id: u16, s: &str) -> Self {
        AvPair { id, value: utf16(s) }
    }
}

/// Encodes a list of AV pairs with its MsvAvEOL.
pub(crate) fn encode_av_pairs(pairs: &[AvPair]) -> Vec<u8> {
    let mut out = Vec::new();
    for p in pairs {
        out.extend_from_slice(&p.id.to_le_bytes());
        out.extend_from_slice(&(p.value.len() as u16).to_le_bytes());
        out.extend_from_slice(&p.value);
    }
    out.extend_from_slice(&[0, 0, 0, 0]);
    out
}

/// Decodes AV pairs up to MsvAvEOL (or the end of the data; trailing padding is allowed).
pub(crate) fn decode_av_pairs(mut b: &[u8]) -> Result<Vec<AvPair>> {
    let mut out = Vec::new();
    while b.len() >= 4 {
        let id = u16::from_le_bytes([b[0], b[1]]);
        let len = usize::from(u16::from_le_bytes([b[2], b[3]]));
        if id == av::EOL {
            return Ok(out);
        }
        if b.len() < 4 + len {
            return Err(malformed(format!("AV pair {id} claims {len} bytes; {} remain", b.len() - 4)));
        }
        out.push(AvPair { id, value: b[4..4 + len].to_vec() });
        b = &b[4 + len..];
    }
    if b.is_empty() {
        Ok(out)
    } else {
        Err(malformed("AV pair list ends inside a pair header".into()))
    }
}

/// NEGOTIATE_MESSAGE (type 1, [MS-NLMP] 2.2.1.1): the client's opening offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiate {
    /// NegotiateFlags the client offers ([`flags`]).
    pub flags: u32,
    /// DomainNameFields (OEM), meaningful with OEM_DOMAIN_SUPPLIED; Windows sends it empty.
    pub domain: String,
    /// WorkstationFields (OEM), meaningful with OEM_WORKSTATION_SUPPLIED.
    pub workstation: String,
    /// Present when the header reaches the VERSION field.
    pub version: Option<Version>,
}

/// CHALLENGE_MESSAGE (type 2, [MS-NLMP] 2.2.1.2): the server's nonce and who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Challenge {
    /// NegotiateFlags the server selected from the client's offer ([`flags`]).
    pub flags: u32,
    /// TargetName: the server's NetBIOS domain (with TARGET_TYPE_DOMAIN).
    pub target_name: String,
    /// The 8-byte nonce the NTLMv2 response proves knowledge of the password against.
    pub server_challenge: [u8; 8],
    /// TargetInfo: the server's names and timestamp, copied by the client into its blob.
    pub target_info: Vec<AvPair>,
    /// Present when the header reaches the VERSION field.
    pub version: Option<Version>,
}

/// AUTHENTICATE_MESSAGE (type 3, [MS-NLMP] 2.2.1.3): the client's proof.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Authenticate {
    /// NegotiateFlags the client agreed to ([`flags`]).
    pub flags: u32,
    /// LmChallengeResponse: LMv2, or 24 zero bytes when the CHALLENGE carried a timestamp (3.1.5.1.2).
    pub lm_response: Vec<u8>,
    /// NtChallengeResponse: an NTLMv2 response ([`NtlmV2Response::parse`]), or 24 bytes of NTLMv1.
    pub nt_response: Vec<u8>,
    /// The user's domain as the client typed it; empty for a UPN logon.
    pub domain: String,
    /// The user name (or UPN) as the client typed it.
    pub user: String,
    /// The client machine's name.
    pub workstation: String,
    /// EncryptedRandomSessionKey, present with KEY_EXCH.
    pub encrypted_session_key: Vec<u8>,
    /// Present when the header reaches the VERSION field.
    pub version: Option<Version>,
    /// The MIC over the three messages, present when the header reaches it (offset 72).
    pub mic: Option<[u8; 16]>,
}

/// Any of the three messages, told apart by MessageType.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Message {
    /// MessageType 1.
    Negotiate(Negotiate),
    /// MessageType 2.
    Challenge(Challenge),
    /// MessageType 3.
    Authenticate(Authenticate),
}

impl Message {
    /// The message's name in [MS-NLMP] terms (`NEGOTIATE`, `CHALLENGE`, `AUTHENTICATE`), for errors.
    pub fn kind(&self) -> &'static str {
        match self {
            Message::Negotiate(_) => "NEGOTIATE",
            Message::Challenge(_) => "CHALLENGE",
            Message::Authenticate(_) => "AUTHENTICATE",
        }
    }

    /// The wire form: the fixed header, then the payload fields it points at.
    pub fn encode(&self) -> Vec<u8> {
        match self {
            Message::Negotiate(m) => m.encode(),
            Message::Challenge(m) => m.encode(),
            Message::Authenticate(m) => m.encode(),
        }
    }

    /// Decodes any message; arbitrary bytes give [`AuthError::NtlmMalformed`], never a panic.
    pub fn decode(b: &[u8]) -> Result<Message> {
        if b.len() < 12 || &b[..8] != SIGNATURE {
            return Err(malformed("it does not start with the NTLMSSP signature".into()));
        }
        match u32::from_le_bytes([b[8], b[9], b[10], b[11]]) {
            1 => Negotiate::decode(b).map(Message::Negotiate),
            2 => Challenge::decode(b).map(Message::Challenge),
            3 => Authenticate::decode(b).map(Message::Authenticate),
            t => Err(malformed(format!("message type {t} is not 1, 2 or 3"))),
        }
    }
}

fn malformed(m: String) -> AuthError {
    AuthError::NtlmMalformed(m)
}

/// Whether a token is an NTLM message (as opposed to a SPNEGO or Kerberos token).
pub fn is_ntlm(b: &[u8]) -> bool {
    b.starts_with(SIGNATURE)
}

pub(crate) fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn from_utf16(b: &[u8]) -> Result<String> {
    if !b.len().is_multiple_of(2) {
        return Err(malformed("a UTF-16 string has an odd length".into()));
    }
    let units: Vec<u16> = b.chunks_exact(2).map(|c| u16::from_le_bytes([c[0], c[1]])).collect();
    String::from_utf16(&units).map_err(|_| malformed("a string is not valid UTF-16".into()))
}

/// OEM strings are read as Latin-1 (the fakes' users are ASCII).
fn oem(s: &str) -> Vec<u8> {
    s.chars().map(|c| if (c as u32) < 256 { c as u8 } else { b'?' }).collect()
}

fn from_oem(b: &[u8]) -> String {
    b.iter().map(|&c| char::from(c)).collect()
}

fn text(s: &str, unicode: bool) -> Vec<u8> {
    if unicode {
        utf16(s)
    } else {
        oem(s)
    }
}

fn from_text(b: &[u8], unicode: bool) -> Result<String> {
    if unicode {
        from_utf16(b)
    } else {
        Ok(from_oem(b))
    }
}

/// Lays out a message: the fixed header, then each payload with its (len, maxlen, offset).
struct Writer {
    head: Vec<u8>,
    payload: Vec<u8>,
    header_len: usize,
    fields: Vec<(usize, Vec<u8>)>,
}

impl Writer {
    fn new(kind: u32, header_len: usize) -> Self {
        let mut head = vec![0u8; header_len];
        head[..8].copy_from_slice(SIGNATURE);
        head[8..12].copy_from_slice(&kind.to_le_bytes());
        Writer { head, payload: Vec::new(), header_len, fields: Vec::new() }
    }
    fn field(&mut self, at: usize, data: Vec<u8>) {
        self.fields.push((at, data));
    }
    fn put(&mut self, at: usize, bytes: &[u8]) {
        self.head[at..at + bytes.len()].copy_from_slice(bytes);
    }
    fn finish(mut self) -> Vec<u8> {
        for (at, data) in std::mem::take(&mut self.fields) {
            let offset = (self.header_len + self.payload.len()) as u32;
            let len = (data.len().min(usize::from(u16::MAX))) as u16;
            self.put(at, &len.to_le_bytes());
            self.put(at + 2, &len.to_le_bytes());
            self.put(at + 4, &offset.to_le_bytes());
            self.payload.extend_from_slice(&data[..usize::from(len)]);
        }
        self.head.extend_from_slice(&self.payload);
        self.head
    }
}

/// Reads (len, maxlen, offset) fields and checks they lie inside the message.
struct Reader<'a> {
    b: &'a [u8],
    /// The smallest offset of a non-empty payload: where the fixed header ends.
    header_end: usize,
}

impl<'a> Reader<'a> {
    fn new(b: &'a [u8], min_len: usize, field_positions: &[usize]) -> Result<Self> {
        if b.len() < min_len {
            return Err(malformed(format!("{} bytes is shorter than the {min_len}-byte header", b.len())));
        }
        let mut header_end = b.len();
        for &at in field_positions {
            let (len, off) = Self::raw(b, at);
            if len > 0 {
                if off < min_len || off.checked_add(len).is_none_or(|end| end > b.len()) {
                    return Err(malformed(format!(
                        "the field at byte {at} points at {off}..{} outside the message ({} bytes)",
                        off + len,
                        b.len()
                    )));
                }
                header_end = header_end.min(off);
            }
        }
        Ok(Reader { b, header_end })
    }
    fn raw(b: &[u8], at: usize) -> (usize, usize) {
        let len = usize::from(u16::from_le_bytes([b[at], b[at + 1]]));
        let off = u32::from_le_bytes([b[at + 4], b[at + 5], b[at + 6], b[at + 7]]) as usize;
        (len, off)
    }
    fn field(&self, at: usize) -> &'a [u8] {
        let (len, off) = Self::raw(self.b, at);
        if len == 0 {
            &[]
        } else {
            &self.b[off..off + len]
        }
    }
    fn u32(&self, at: usize) -> u32 {
        u32::from_le_bytes([self.b[at], self.b[at + 1], self.b[at + 2], self.b[at + 3]])
    }
    /// The optional part of the header from `at` for `n` bytes, if the header reaches that far.
    fn optional(&self, at: usize, n: usize) -> Option<&'a [u8]> {
        (self.header_end >= at + n).then(|| &self.b[at..at + n])
    }
}

impl Negotiate {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(1, if self.version.is_some() { 40 } else { 32 });
        w.put(12, &self.flags.to_le_bytes());
        w.field(16, oem(&self.domain));
        w.field(24, oem(&self.workstation));
        if let Some(v) = self.version {
            w.put(32, &v.encode());
        }
        w.finish()
    }

    pub(crate) fn decode(b: &[u8]) -> Result<Self> {
        let r = Reader::new(b, 32, &[16, 24])?;
        Ok(Negotiate {
            flags: r.u32(12),
            domain: from_oem(r.field(16)),
            workstation: from_oem(r.field(24)),
            version: r.optional(32, 8).map(Version::decode),
        })
    }
}

impl Challenge {
    pub(crate) fn encode(&self) -> Vec<u8> {
        let mut w = Writer::new(2, if self.version.is_some() { 56 } else { 48 });
        w.field(12, text(&self.target_name, self.flags & flags::UNICODE != 0));
        w.put(20, &self.flags.to_le_bytes());
        w.put(24, &self.server_challenge);
        w.field(40, encode_av_pairs(&self.target_info));
        if let Some(v) = self.version {
            w.put(48, &v.encode());
        }
        w.finish()
    }

    pub(crate) fn decode(b: &[u8]) -> Result<Self> {
        let r = Reader::new(b, 48, &[12, 40])?;
        let flags = r.u32(20);
        let mut server_challenge = [0u8; 8];
        server_challenge.copy_from_slice(&b[24..32]);
        Ok(Challenge {
            flags,
            target_name: from_text(r.field(12), flags & flags::UNICODE != 0)?,
            server_challenge,
            target_info: decode_av_pairs(r.field(40))?,
            version: r.optional(48, 8).map(Version::decode),
        })
    }

    /// The MsvAvTimestamp of the target info, if any.
    pub fn timestamp(&self) -> Option<[u8; 8]> {
        self.target_info.iter().find(|p| p.id == av::TIMESTAMP && p.value.len() == 8).map(|p| {
            let mut t = [0u8; 8];
            t.copy_from_slice(&p.value);
            t
        })
    }
}

impl Authenticate {
    /// Byte offset of the MIC in an encoded message.
    pub const MIC_OFFSET: usize = 72;

    pub(crate) fn encode(&self) -> Vec<u8> {
        let header = if self.mic.is_some() {
            88
        } else if self.version.is_some() {
            72
        } else {
            64
        };
        let unicode = self.flags & flags::UNICODE != 0;
        let mut w = Writer::new(3, header);
        w.field(12, self.lm_response.clone());
        w.field(20, self.nt_response.clone());
        w.field(28, text(&self.domain, unicode));
        w.field(36, text(&self.user, unicode));
        w.field(44, text(&self.workstation, unicode));
        w.field(52, self.encrypted_session_key.clone());
        w.put(60, &self.flags.to_le_bytes());
        if let Some(v) = self.version {
            w.put(64, &v.encode());
        }
        if let Some(m) = self.mic {
            w.put(Self::MIC_OFFSET, &m);
        }
        w.finish()
    }

    pub(crate) fn decode(b: &[u8]) -> Result<Self> {
        let r = Reader::new(b, 64, &[12, 20, 28, 36, 44, 52])?;
        let flags = r.u32(60);
        let unicode = flags & flags::UNICODE != 0;
        Ok(Authenticate {
            flags,
            lm_response: r.field(12).to_vec(),
            nt_response: r.field(20).to_vec(),
            domain: from_text(r.field(28), unicode)?,
            user: from_text(r.field(36), unicode)?,
            workstation: from_text(r.field(44), unicode)?,
            encrypted_session_key: r.field(52).to_vec(),
            version: r.optional(64, 8).map(Version::decode),
            mic: r.optional(Self::MIC_OFFSET, 16).map(|m| {
                let mut a = [0u8; 16];
                a.copy_from_slice(m);
                a
            }),
        })
    }
}

type HmacMd5 = Hmac<Md5>;

/// HMAC-MD5 over the concatenation of `parts`, the one MAC of NTLMv2 ([MS-NLMP] 6).
pub(crate) fn hmac_md5(key: &[u8], parts: &[&[u8]]) -> [u8; 16] {
    let mut mac = <HmacMd5 as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    for p in parts {
        mac.update(p);
    }
    mac.finalize().into_bytes().into()
}

/// NTOWFv2: HMAC-MD5 keyed with MD4(UTF-16LE(password)) over UTF-16LE(UPPER(user) + domain).
pub(crate) fn ntowf_v2(password: &str, user: &str, domain: &str) -> [u8; 16] {
    let nt_hash: [u8; 16] = Md4::digest(utf16(password)).into();
    hmac_md5(&nt_hash, &[&utf16(&(user.to_uppercase() + domain))])
}

/// The parts of an NTLMv2 response ([MS-NLMP] 2.2.2.8 and 3.3.2).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtlmV2Response {
    /// NTProofStr: HMAC-MD5 under NTOWFv2 of the server challenge and the blob.
    pub nt_proof: [u8; 16],
    /// The client's blob ("temp"): versions, timestamp, client challenge, AV pairs.
    pub blob: Vec<u8>,
}

impl NtlmV2Response {
    /// The fixed part of the blob before its AV pairs.
    const BLOB_HEADER: usize = 28;

    /// Splits an NtChallengeResponse; a 24-byte (NTLMv1) or short response, or a blob whose
    /// RespType/HiRespType is not 1.1, is [`AuthError::NtlmVersion`].
    pub fn parse(nt_response: &[u8]) -> Result<Self> {
        if nt_response.len() == 24 {
            return Err(AuthError::NtlmVersion("the client sent an NTLMv1 response (24 bytes)".into()));
        }
        if nt_response.len() < 16 + Self::BLOB_HEADER {
            return Err(AuthError::NtlmVersion(format!(
                "an NTLMv2 response has at least {} bytes; this one has {}",
                16 + Self::BLOB_HEADER,
                nt_response.len()
            )));
        }
        let mut nt_proof = [0u8; 16];
        nt_proof.copy_from_slice(&nt_response[..16]);
        let blob = nt_response[16..].to_vec();
        if blob[0] != 1 || blob[1] != 1 {
            return Err(AuthError::NtlmVersion(format!("the response blob has version {}.{}, not 1.1", blob[0], blob[1])));
        }
        Ok(NtlmV2Response { nt_proof, blob })
    }

    /// ChallengeFromClient, the client's 8-byte nonce inside the blob.
    pub fn client_challenge(&self) -> [u8; 8] {
        let mut c = [0u8; 8];
        c.copy_from_slice(&self.blob[16..24]);
        c
    }

    /// The AV pairs the client put in its blob (MsvAvFlags, channel bindings, target name ...).
    pub fn av_pairs(&self) -> Result<Vec<AvPair>> {
        decode_av_pairs(&self.blob[Self::BLOB_HEADER..])
    }

    /// Builds the blob for a response: timestamp (FILETIME), client challenge, AV pairs.
    pub(crate) fn blob(timestamp: [u8; 8], client_challenge: [u8; 8], pairs: &[AvPair]) -> Vec<u8> {
        let mut b = vec![1, 1, 0, 0, 0, 0, 0, 0];
        b.extend_from_slice(&timestamp);
        b.extend_from_slice(&client_challenge);
        b.extend_from_slice(&[0, 0, 0, 0]);
        b.extend_from_slice(&encode_av_pairs(pairs));
        b.extend_from_slice(&[0, 0, 0, 0]);
        b
    }
}

/// NTProofStr = HMAC-MD5(NTOWFv2, ServerChallenge ‖ blob).
pub(crate) fn nt_proof(response_key: &[u8; 16], server_challenge: &[u8; 8], blob: &[u8]) -> [u8; 16] {
    hmac_md5(response_key, &[server_challenge, blob])
}

/// RC4, for the session key exchange of KEY_EXCH. Only used to recover the exported session
/// key that the MIC is computed with.
fn rc4(key: &[u8], data: &[u8]) -> Vec<u8> {
    let mut s: [u8; 256] = std::array::from_fn(|i| i as u8);
    let mut j = 0u8;
    for i in 0..256 {
        j = j.wrapping_add(s[i]).wrapping_add(key[i % key.len()]);
        s.swap(i, usize::from(j));
    }
    let (mut i, mut j) = (0u8, 0u8);
    data.iter()
        .map(|&b| {
            i = i.wrapping_add(1);
            j = j.wrapping_add(s[usize::from(i)]);
            s.swap(usize::from(i), usize::from(j));
            b ^ s[usize::from(s[usize::from(i)].wrapping_add(s[usize::from(j)]))]
        })
        .collect()
}

/// Windows FILETIME (100 ns since 1601) for a unix time in milliseconds, little-endian.
pub(crate) fn filetime(unix_millis: u64) -> [u8; 8] {
    ((unix_millis + 11_644_473_600_000) * 10_000).to_le_bytes()
}

/// Who the server is, for its CHALLENGE messages.
#[derive(Debug, Clone)]
pub struct ServerIdentity {
    /// NetBIOS domain, e.g. `EXAMPLE`.
    pub nb_domain: String,
    /// NetBIOS computer name, e.g. `EXCH01`.
    pub nb_computer: String,
    /// DNS domain, e.g. `example.test`.
    pub dns_domain: String,
    /// DNS host name, e.g. `mail.example.test`.
    pub dns_computer: String,
}

impl ServerIdentity {
    fn target_info(&self, now_unix_millis: u64) -> Vec<AvPair> {
        vec![
            AvPair::text(av::NB_DOMAIN_NAME, &self.nb_domain),
            AvPair::text(av::NB_COMPUTER_NAME, &self.nb_computer),
            AvPair::text(av::DNS_DOMAIN_NAME, &self.dns_domain),
            AvPair::text(av::DNS_COMPUTER_NAME, &self.dns_computer),
            AvPair::text(av::DNS_TREE_NAME, &self.dns_domain),
            AvPair { id: av::TIMESTAMP, value: filetime(now_unix_millis).to_vec() },
        ]
    }
}

/// Who an NTLM handshake authenticated: the names the client sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NtlmIdentity {
    /// The user name (or UPN) from the AUTHENTICATE.
    pub user: String,
    /// The domain from the AUTHENTICATE; empty for a UPN logon.
    pub domain: String,
}

impl NtlmIdentity {
    /// `DOMAIN\user`, or `user` when the client sent no domain.
    pub fn qualified(&self) -> String {
        if self.domain.is_empty() {
            self.user.clone()
        } else {
            format!("{}\\{}", self.domain, self.user)
        }
    }
}

#[derive(Debug, Clone)]
enum ConnState {
    Challenged { negotiate: Vec<u8>, challenge: Vec<u8>, server_challenge: [u8; 8] },
    Authenticated(NtlmIdentity),
}

/// What the acceptor answers to one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Step {
    /// Send this CHALLENGE (type 2) back on the same connection.
    Challenge(Vec<u8>),
    /// The handshake succeeded.
    Authenticated(NtlmIdentity),
}

/// The server side: one pending handshake or authenticated identity per connection.
pub struct NtlmAcceptor {
    identity: ServerIdentity,
    state: Mutex<Connections>,
}

/// Connections are never reported closed to a handler, so the table is bounded: the oldest
/// entries are dropped first (their clients then start a new handshake, as after a reconnect).
#[derive(Default)]
struct Connections {
    by_conn: HashMap<u64, (u64, ConnState)>,
    order: BTreeMap<u64, u64>,
    next: u64,
}

const MAX_CONNECTIONS: usize = 65_536;

impl Connections {
    fn insert(&mut self, conn: u64, s: ConnState) {
        if let Some((seq, _)) = self.by_conn.remove(&conn) {
            self.order.remove(&seq);
        }
        while self.by_conn.len() >= MAX_CONNECTIONS {
            let Some((_, old)) = self.order.pop_first() else { break };
            self.by_conn.remove(&old);
        }
        self.next += 1;
        self.order.insert(self.next, conn);
        self.by_conn.insert(conn, (self.next, s));
    }
}

impl NtlmAcceptor {
    /// An acceptor that names itself `identity` in its CHALLENGEs, with no connection known.
    pub fn new(identity: ServerIdentity) -> Self {
        NtlmAcceptor { identity, state: Mutex::new(Connections::default()) }
    }

    /// The identity a connection authenticated as, if its handshake completed.
    pub fn authenticated(&self, conn: u64) -> Option<NtlmIdentity> {
        match self.state.lock().expect("ntlm state poisoned").by_conn.get(&conn) {
            Some((_, ConnState::Authenticated(id))) => Some(id.clone()),
            _ => None,
        }
    }

    /// Forgets a connection (e.g. when a response closes it).
    pub fn forget(&self, conn: u64) {
        let mut st = self.state.lock().expect("ntlm state poisoned");
        if let Some((seq, _)) = st.by_conn.remove(&conn) {
            st.order.remove(&seq);
        }
    }

    /// Handles one message that arrived on `conn`. `server_challenge` is the 8 random bytes
    /// for a CHALLENGE (from the run's seeded randomness); `password` looks a user's password
    /// up by the (user, domain) the client sent. A malformed message leaves the connection's
    /// state as it was.
    pub fn step(
        &self,
        conn: u64,
        token: &[u8],
        server_challenge: [u8; 8],
        now_unix_millis: u64,
        password: impl Fn(&str, &str) -> Option<String>,
    ) -> Result<Step> {
        match Message::decode(token)? {
            Message::Negotiate(n) => {
                let c = self.challenge_for(&n, server_challenge, now_unix_millis);
                let bytes = c.encode();
                self.state
                    .lock()
                    .expect("ntlm state poisoned")
                    .insert(conn, ConnState::Challenged { negotiate: token.to_vec(), challenge: bytes.clone(), server_challenge });
                Ok(Step::Challenge(bytes))
            }
            Message::Challenge(_) => Err(AuthError::NtlmUnexpected { expected: "NEGOTIATE or AUTHENTICATE", got: "CHALLENGE" }),
            Message::Authenticate(a) => {
                let pending = match self.state.lock().expect("ntlm state poisoned").by_conn.get(&conn) {
                    Some((_, ConnState::Challenged { negotiate, challenge, server_challenge })) => {
                        (negotiate.clone(), challenge.clone(), *server_challenge)
                    }
                    _ => return Err(AuthError::NtlmNoChallenge { conn }),
                };
                let result = verify(&a, token, &pending, password);
                let mut st = self.state.lock().expect("ntlm state poisoned");
                match &result {
                    Ok(id) => st.insert(conn, ConnState::Authenticated(id.clone())),
                    Err(AuthError::NtlmMalformed(_) | AuthError::NtlmVersion(_)) => {}
                    // A failed AUTHENTICATE ends the handshake: the client must start over.
                    Err(_) => {
                        if let Some((seq, _)) = st.by_conn.remove(&conn) {
                            st.order.remove(&seq);
                        }
                    }
                }
                result.map(Step::Authenticated)
            }
        }
    }

    fn challenge_for(&self, n: &Negotiate, server_challenge: [u8; 8], now_unix_millis: u64) -> Challenge {
        let offered = n.flags;
        let mut f = flags::NTLM | flags::TARGET_INFO | flags::TARGET_TYPE_DOMAIN | flags::VERSION;
        f |= if offered & flags::UNICODE != 0 { flags::UNICODE } else { flags::OEM };
        for bit in [
            flags::REQUEST_TARGET,
            flags::SIGN,
            flags::SEAL,
            flags::ALWAYS_SIGN,
            flags::EXTENDED_SESSIONSECURITY,
            flags::N128,
            flags::N56,
            flags::KEY_EXCH,
            flags::IDENTIFY,
        ] {
            f |= offered & bit;
        }
        Challenge {
            flags: f,
            target_name: self.identity.nb_domain.clone(),
            server_challenge,
            target_info: self.identity.target_info(now_unix_millis),
            version: Some(Version::SERVER_2019),
        }
    }
}

fn verify(
    a: &Authenticate,
    raw: &[u8],
    pending: &(Vec<u8>, Vec<u8>, [u8; 8]),
    password: impl Fn(&str, &str) -> Option<String>,
) -> Result<NtlmIdentity> {
    let (negotiate, challenge, server_challenge) = pending;
    if a.user.is_empty() || a.flags & flags::ANONYMOUS != 0 {
        return Err(AuthError::NtlmBadResponse { user: "(anonymous)".into() });
    }
    let bad = || AuthError::NtlmBadResponse { user: NtlmIdentity { user: a.user.clone(), domain: a.domain.clone() }.qualified() };
    // The key-exchange key is 16 bytes when KEY_EXCH is negotiated ([MS-NLMP] 2.2.1.3,
    // 3.2.5.1.2); any other length is a forged or broken message, not a reason to fall back to
    // the session base key.
    if a.flags & flags::KEY_EXCH != 0 && a.encrypted_session_key.len() != 16 {
        return Err(bad());
    }
    let resp = NtlmV2Response::parse(&a.nt_response)?;
    let pw = password(&a.user, &a.domain).ok_or_else(bad)?;
    let key = ntowf_v2(&pw, &a.user, &a.domain);
    let expected = nt_proof(&key, server_challenge, &resp.blob);
    if !constant_eq(&expected, &resp.nt_proof) {
        return Err(bad());
    }
    // The MIC binds the three messages together; a client that sets MsvAvFlags bit 0x2 says it
    // sent one. MsvAvFlags is a 32-bit value ([MS-NLMP] 2.2.2.1): a pair of another length is
    // refused, since reading it as "no MIC promised" would let a relay strip the MIC.
    let mic_promised = match resp.av_pairs()?.iter().find(|p| p.id == av::FLAGS) {
        None => false,
        Some(p) => {
            let value: [u8; 4] = p.value.as_slice().try_into().map_err(|_| bad())?;
            u32::from_le_bytes(value) & 0x2 != 0
        }
    };
    if mic_promised {
        let mic = a.mic.ok_or(AuthError::NtlmMic)?;
        let session_base_key = hmac_md5(&key, &[&resp.nt_proof]);
        let exported =
            if a.flags & flags::KEY_EXCH != 0 { rc4(&session_base_key, &a.encrypted_session_key) } else { session_base_key.to_vec() };
        let mut zeroed = raw.to_vec();
        zeroed[Authenticate::MIC_OFFSET..Authenticate::MIC_OFFSET + 16].fill(0);
        let want = hmac_md5(&exported, &[negotiate, challenge, &zeroed]);
        if !constant_eq(&want, &mic) {
            return Err(AuthError::NtlmMic);
        }
    }
    Ok(NtlmIdentity { user: a.user.clone(), domain: a.domain.clone() })
}

fn constant_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// What the client does with the MIC of its AUTHENTICATE message, so that scenarios can check
/// that a server refuses the broken and hostile variants ([MS-NLMP] 3.2.5.1.2).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum MicHandling {
    /// The MIC over the three messages, as Windows clients send it.
    #[default]
    Computed,
    /// The MIC with one bit flipped, as a relay that altered a message would leave it.
    Tampered,
    /// No MIC and no promise of one (MsvAvFlags without its MIC bit), as clients did before
    /// the MIC existed: the server can then only check the NTProofStr.
    Omitted,
    /// The MIC (and the Version before it) cut from the message while MsvAvFlags, inside the
    /// NTProofStr-protected blob, still says a MIC is present: the "drop the MIC" relay attack
    /// (CVE-2019-1040), which a server must refuse.
    Dropped,
}

/// An AUTHENTICATE message no well-behaved client sends, for scenarios that check that a server
/// refuses it ([MS-NLMP] 3.2.5.1.2): each is otherwise right (password, NTProofStr, MIC).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Forgery {
    /// NTLMSSP_NEGOTIATE_ANONYMOUS set while the message names a user and proves its password.
    AnonymousWithUser,
    /// NTLMSSP_NEGOTIATE_KEY_EXCH with an 8-byte EncryptedRandomSessionKey. With
    /// [`MicHandling::Omitted`] only the key's length gives it away.
    ShortSessionKey,
    /// MsvAvFlags of 2 bytes instead of 4, which a lenient server reads as "no MIC promised".
    MalformedAvFlags,
}

/// The client side, so that the fakes (a proxy, a notification service) can speak NTLM.
#[derive(Debug, Clone)]
pub struct NtlmInitiator {
    user: String,
    domain: String,
    password: String,
    workstation: String,
    negotiate: Option<Vec<u8>>,
    mic: MicHandling,
    forgery: Option<Forgery>,
}

impl NtlmInitiator {
    /// `user` may be `DOMAIN\user`, `user@domain` (sent as the user name with an empty domain,
    /// as Windows does) or a bare name.
    pub fn new(user: &str, password: &str, workstation: &str) -> Self {
        let (domain, user) = match user.split_once('\\') {
            Some((d, u)) => (d.to_string(), u.to_string()),
            None => (String::new(), user.to_string()),
        };
        NtlmInitiator {
            user,
            domain,
            password: password.into(),
            workstation: workstation.into(),
            negotiate: None,
            mic: MicHandling::Computed,
            forgery: None,
        }
    }

    /// The same client, treating the MIC as `mic` says.
    pub fn with_mic(mut self, mic: MicHandling) -> Self {
        self.mic = mic;
        self
    }

    /// The same client, sending `forgery` in its AUTHENTICATE message.
    pub fn forging(mut self, forgery: Forgery) -> Self {
        self.forgery = Some(forgery);
        self
    }

    /// The NEGOTIATE message (type 1).
    pub fn negotiate(&mut self) -> Vec<u8> {
        let m = Negotiate {
            flags: flags::UNICODE
                | flags::OEM
                | flags::REQUEST_TARGET
                | flags::NTLM
                | flags::ALWAYS_SIGN
                | flags::EXTENDED_SESSIONSECURITY
                | flags::TARGET_INFO
                | flags::VERSION
                | flags::N128
                | flags::N56,
            domain: String::new(),
            workstation: String::new(),
            version: Some(Version::SERVER_2019),
        }
        .encode();
        self.negotiate = Some(m.clone());
        m
    }

    /// The AUTHENTICATE message (type 3) answering `challenge`, with a MIC when the server sent
    /// a timestamp (as Windows clients do). `client_challenge` should be random.
    pub fn authenticate(&self, challenge: &[u8], client_challenge: [u8; 8]) -> Result<Vec<u8>> {
        let c = match Message::decode(challenge)? {
            Message::Challenge(c) => c,
            other => return Err(AuthError::NtlmUnexpected { expected: "CHALLENGE", got: other.kind() }),
        };
        let timestamp = c.timestamp().filter(|_| self.mic != MicHandling::Omitted);
        let mut pairs = c.target_info.clone();
        if timestamp.is_some() {
            let value = match self.forgery {
                Some(Forgery::MalformedAvFlags) => 2u16.to_le_bytes().to_vec(),
                _ => 2u32.to_le_bytes().to_vec(),
            };
            pairs.push(AvPair { id: av::FLAGS, value });
        }
        let blob = NtlmV2Response::blob(timestamp.unwrap_or([0; 8]), client_challenge, &pairs);
        let key = ntowf_v2(&self.password, &self.user, &self.domain);
        let proof = nt_proof(&key, &c.server_challenge, &blob);
        let mut nt_response = proof.to_vec();
        nt_response.extend_from_slice(&blob);
        let lm_response = if timestamp.is_some() {
            vec![0u8; 24]
        } else {
            let mut lm = hmac_md5(&key, &[&c.server_challenge, &client_challenge]).to_vec();
            lm.extend_from_slice(&client_challenge);
            lm
        };
        let (flags, encrypted_session_key) = match self.forgery {
            Some(Forgery::AnonymousWithUser) => ((c.flags & !flags::KEY_EXCH) | flags::UNICODE | flags::ANONYMOUS, Vec::new()),
            Some(Forgery::ShortSessionKey) => (c.flags | flags::KEY_EXCH | flags::UNICODE, client_challenge.to_vec()),
            _ => ((c.flags & !flags::KEY_EXCH) | flags::UNICODE, Vec::new()),
        };
        let mut msg = Authenticate {
            flags,
            lm_response,
            nt_response,
            domain: self.domain.clone(),
            user: self.user.clone(),
            workstation: self.workstation.clone(),
            encrypted_session_key,
            version: Some(Version::SERVER_2019),
            mic: timestamp.map(|_| [0u8; 16]),
        };
        let mut bytes = msg.encode();
        if timestamp.is_some() {
            let exported = hmac_md5(&key, &[&proof]);
            let negotiate = self.negotiate.clone().unwrap_or_default();
            let mut mic = hmac_md5(&exported, &[&negotiate, challenge, &bytes]);
            match self.mic {
                MicHandling::Computed | MicHandling::Omitted => msg.mic = Some(mic),
                MicHandling::Tampered => {
                    mic[0] ^= 1;
                    msg.mic = Some(mic);
                }
                MicHandling::Dropped => {
                    msg.mic = None;
                    msg.version = None;
                }
            }
            bytes = msg.encode();
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn server() -> NtlmAcceptor {
        NtlmAcceptor::new(ServerIdentity {
            nb_domain: "EXAMPLE".into(),
            nb_computer: "EXCH01".into(),
            dns_domain: "example.test".into(),
            dns_computer: "mail.example.test".into(),
        })
    }

    fn users(user: &str, domain: &str) -> Option<String> {
        (user.eq_ignore_ascii_case("alice") && (domain.is_empty() || domain.eq_ignore_ascii_case("EXAMPLE")))
            .then(|| "alice-pw".to_string())
    }

    const T0: u64 = 1_767_603_600_000;

    #[test]
    fn ntowfv2_matches_ms_nlmp_4_2_4_1_1() {
        // [MS-NLMP] 4.2.4.1.1: User "User", UserDom "Domain", Passwd "Password".
        assert_eq!(hex(&ntowf_v2("Password", "User", "Domain")), "0c868a403bfd7a93a3001ef22ef02e3f");
    }

    #[test]
    fn ntproofstr_matches_ms_nlmp_4_2_4_2_2() {
        // [MS-NLMP] 4.2.4: server challenge 0123456789abcdef, client challenge aa*8, time 0,
        // AV pairs NbDomainName "Domain" and NbComputerName "Server".
        let key = ntowf_v2("Password", "User", "Domain");
        let pairs = [AvPair::text(av::NB_DOMAIN_NAME, "Domain"), AvPair::text(av::NB_COMPUTER_NAME, "Server")];
        let blob = NtlmV2Response::blob([0; 8], [0xaa; 8], &pairs);
        let proof = nt_proof(&key, &[0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef], &blob);
        assert_eq!(hex(&proof), "68cd0ab851e51c96aabc927bebef6a1c");
    }

    fn hex(b: &[u8]) -> String {
        b.iter().map(|x| format!("{x:02x}")).collect()
    }

    #[test]
    fn handshake_on_one_connection_succeeds_with_mic() {
        let s = server();
        let mut c = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
        let Step::Challenge(ch) = s.step(7, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!("no challenge") };
        let auth = c.authenticate(&ch, [2; 8]).unwrap();
        let Message::Authenticate(a) = Message::decode(&auth).unwrap() else { panic!() };
        assert!(a.mic.is_some_and(|m| m != [0; 16]));
        let step = s.step(7, &auth, [9; 8], T0, users).unwrap();
        assert_eq!(step, Step::Authenticated(NtlmIdentity { user: "alice".into(), domain: "EXAMPLE".into() }));
        assert_eq!(s.authenticated(7).unwrap().qualified(), "EXAMPLE\\alice");
    }

    #[test]
    fn authenticate_on_another_connection_fails() {
        let s = server();
        let mut c = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
        let Step::Challenge(ch) = s.step(1, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
        let auth = c.authenticate(&ch, [2; 8]).unwrap();
        assert_eq!(s.step(2, &auth, [1; 8], T0, users), Err(AuthError::NtlmNoChallenge { conn: 2 }));
        // Another connection that has its own (different) challenge fails too.
        s.step(3, &c.negotiate(), [5; 8], T0, users).unwrap();
        assert!(matches!(s.step(3, &auth, [1; 8], T0, users), Err(AuthError::NtlmBadResponse { .. } | AuthError::NtlmMic)));
        // The original connection still completes.
        assert!(matches!(s.step(1, &auth, [1; 8], T0, users), Ok(Step::Authenticated(_))));
    }

    #[test]
    fn wrong_password_and_tampered_mic_fail() {
        let s = server();
        let mut c = NtlmInitiator::new("EXAMPLE\\alice", "wrong", "PHONE");
        let Step::Challenge(ch) = s.step(1, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
        let auth = c.authenticate(&ch, [2; 8]).unwrap();
        assert!(matches!(s.step(1, &auth, [1; 8], T0, users), Err(AuthError::NtlmBadResponse { .. })));
        assert_eq!(s.authenticated(1), None);

        let mut c = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
        let Step::Challenge(ch) = s.step(4, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
        let mut auth = c.authenticate(&ch, [2; 8]).unwrap();
        auth[Authenticate::MIC_OFFSET] ^= 1;
        assert_eq!(s.step(4, &auth, [1; 8], T0, users), Err(AuthError::NtlmMic));
    }

    #[test]
    fn a_mic_tampered_or_dropped_by_the_client_is_refused() {
        let s = server();
        for (conn, mic) in [(1, MicHandling::Tampered), (2, MicHandling::Dropped)] {
            let mut c = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE").with_mic(mic);
            let Step::Challenge(ch) = s.step(conn, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
            let auth = c.authenticate(&ch, [2; 8]).unwrap();
            if mic == MicHandling::Dropped {
                let Ok(Message::Authenticate(a)) = Message::decode(&auth) else { panic!("an AUTHENTICATE") };
                assert_eq!((a.mic, a.version), (None, None), "{mic:?}: the MIC is cut from the message");
            }
            assert_eq!(s.step(conn, &auth, [1; 8], T0, users), Err(AuthError::NtlmMic), "{mic:?}");
        }
    }

    #[test]
    fn forged_messages_with_the_right_password_are_refused() {
        let s = server();
        let cases = [
            (1, Forgery::AnonymousWithUser, MicHandling::Computed),
            (2, Forgery::ShortSessionKey, MicHandling::Omitted),
            (3, Forgery::MalformedAvFlags, MicHandling::Computed),
        ];
        for (conn, forgery, mic) in cases {
            let mut c = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE").with_mic(mic).forging(forgery);
            let Step::Challenge(ch) = s.step(conn, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
            let auth = c.authenticate(&ch, [2; 8]).unwrap();
            let Ok(Message::Authenticate(a)) = Message::decode(&auth) else { panic!("an AUTHENTICATE") };
            match forgery {
                Forgery::AnonymousWithUser => assert!(a.flags & flags::ANONYMOUS != 0 && a.user == "alice"),
                Forgery::ShortSessionKey => {
                    assert!(a.flags & flags::KEY_EXCH != 0 && a.encrypted_session_key.len() == 8 && a.mic.is_none())
                }
                Forgery::MalformedAvFlags => {
                    let pairs = NtlmV2Response::parse(&a.nt_response).unwrap().av_pairs().unwrap();
                    assert!(pairs.iter().any(|p| p.id == av::FLAGS && p.value.len() == 2), "{pairs:?}");
                }
            }
            assert!(matches!(s.step(conn, &auth, [1; 8], T0, users), Err(AuthError::NtlmBadResponse { .. })), "{forgery:?}");
            assert_eq!(s.authenticated(conn), None, "{forgery:?}");
        }
    }

    #[test]
    fn ntlmv1_is_refused() {
        let s = server();
        let mut c = NtlmInitiator::new("alice", "alice-pw", "PHONE");
        s.step(1, &c.negotiate(), [1; 8], T0, users).unwrap();
        let a = Authenticate {
            flags: flags::UNICODE,
            lm_response: vec![0; 24],
            nt_response: vec![1; 24],
            domain: String::new(),
            user: "alice".into(),
            workstation: String::new(),
            encrypted_session_key: vec![],
            version: None,
            mic: None,
        };
        assert!(matches!(s.step(1, &a.encode(), [1; 8], T0, users), Err(AuthError::NtlmVersion(_))));
    }

    #[test]
    fn malformed_input_keeps_the_pending_challenge() {
        let s = server();
        let mut c = NtlmInitiator::new("alice", "alice-pw", "PHONE");
        let Step::Challenge(ch) = s.step(1, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
        assert!(matches!(s.step(1, b"NTLMSSP\0\x03\0\0\0garbage", [1; 8], T0, users), Err(AuthError::NtlmMalformed(_))));
        assert!(matches!(s.step(1, &ch, [1; 8], T0, users), Err(AuthError::NtlmUnexpected { .. })));
        let auth = c.authenticate(&ch, [2; 8]).unwrap();
        assert!(matches!(s.step(1, &auth, [1; 8], T0, users), Ok(Step::Authenticated(_))));
    }

    fn ascii() -> impl Strategy<Value = String> {
        "[A-Za-z0-9.\\-]{0,20}"
    }

    fn version() -> impl Strategy<Value = Option<Version>> {
        proptest::option::of((any::<u8>(), any::<u8>(), any::<u16>(), any::<u8>()).prop_map(|(major, minor, build, revision)| Version {
            major,
            minor,
            build,
            revision,
        }))
    }

    fn pairs() -> impl Strategy<Value = Vec<AvPair>> {
        proptest::collection::vec(
            (1u16..=10, proptest::collection::vec(any::<u8>(), 0..24)).prop_map(|(id, value)| AvPair { id, value }),
            0..6,
        )
    }

    proptest! {
        #[test]
        fn negotiate_round_trips(flags in any::<u32>(), domain in ascii(), workstation in ascii(), version in version()) {
            let m = Message::Negotiate(Negotiate { flags, domain, workstation, version });
            prop_assert_eq!(Message::decode(&m.encode()).unwrap(), m);
        }

        #[test]
        fn challenge_round_trips(flags in any::<u32>(), target_name in ascii(), server_challenge in any::<[u8; 8]>(), target_info in pairs(), version in version()) {
            let m = Message::Challenge(Challenge { flags, target_name, server_challenge, target_info, version });
            prop_assert_eq!(Message::decode(&m.encode()).unwrap(), m);
        }

        #[test]
        fn authenticate_round_trips(
            flags in any::<u32>(), lm in proptest::collection::vec(any::<u8>(), 0..30), nt in proptest::collection::vec(any::<u8>(), 0..80),
            domain in ascii(), user in ascii(), workstation in ascii(), key in proptest::collection::vec(any::<u8>(), 0..17),
            version in version(), mic in proptest::option::of(any::<[u8; 16]>()),
        ) {
            let version = if mic.is_some() { Some(version.unwrap_or(Version::SERVER_2019)) } else { version };
            let m = Message::Authenticate(Authenticate { flags, lm_response: lm, nt_response: nt, domain, user, workstation, encrypted_session_key: key, version, mic });
            prop_assert_eq!(Message::decode(&m.encode()).unwrap(), m);
        }

        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200), kind in 1u32..=3) {
            let _ = Message::decode(&bytes);
            let mut framed = SIGNATURE.to_vec();
            framed.extend_from_slice(&kind.to_le_bytes());
            framed.extend_from_slice(&bytes);
            let _ = Message::decode(&framed);
            let s = server();
            let _ = s.step(1, &framed, [0; 8], T0, users);
            let _ = NtlmInitiator::new("a", "b", "c").authenticate(&framed, [0; 8]);
        }

        #[test]
        fn truncated_base64_is_a_clean_error(cut in 0usize..500) {
            use base64::Engine;
            let mut c = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
            let s = server();
            let Step::Challenge(ch) = s.step(1, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
            let encoded = base64::engine::general_purpose::STANDARD.encode(c.authenticate(&ch, [2; 8]).unwrap());
            if cut < encoded.len() {
                let header = crate::challenge::parse_authorization(&format!("NTLM {}", &encoded[..cut]));
                let outcome = header.and_then(|h| h.decoded_token()).and_then(|bytes| s.step(1, &bytes, [1; 8], T0, users));
                prop_assert!(matches!(outcome, Err(AuthError::Base64 { .. } | AuthError::NtlmMalformed(_) | AuthError::Header(_))), "{outcome:?}");
            }
        }

        #[test]
        fn truncated_messages_are_clean_errors(cut in 0usize..300) {
            let mut c = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
            let s = server();
            let Step::Challenge(ch) = s.step(1, &c.negotiate(), [1; 8], T0, users).unwrap() else { panic!() };
            let auth = c.authenticate(&ch, [2; 8]).unwrap();
            for msg in [&ch, &auth] {
                if cut < msg.len() {
                    let r = s.step(1, &msg[..cut], [1; 8], T0, users);
                    prop_assert!(r.is_err());
                }
            }
        }
    }
}
