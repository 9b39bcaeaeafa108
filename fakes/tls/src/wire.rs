//! The plaintext start of a TLS conversation, parsed in pure Rust: records (RFC 5246 §6.2.1,
//! RFC 6101 §5.2.1), ClientHello, ServerHello and alerts. The harness reads what a peer offered
//! and what was negotiated from these bytes themselves, not from a TLS library's say-so, and
//! `tls-probe` builds its hellos with them.
//!
//! Malformed input is answered with the alert the RFCs prescribe for it ([`WireError::alert`]),
//! never with a panic.

use crate::alert::Alert;
use crate::version::{Version, VersionSet};

/// ContentType change_cipher_spec (RFC 5246 §6.2.1): everything after it is encrypted.
pub const CONTENT_CHANGE_CIPHER_SPEC: u8 = 20;
/// ContentType alert.
pub const CONTENT_ALERT: u8 = 21;
/// ContentType handshake.
pub const CONTENT_HANDSHAKE: u8 = 22;
/// ContentType application_data.
pub const CONTENT_APPLICATION_DATA: u8 = 23;

/// HandshakeType client_hello (RFC 5246 §7.4).
pub const HANDSHAKE_CLIENT_HELLO: u8 = 1;
/// HandshakeType server_hello.
pub const HANDSHAKE_SERVER_HELLO: u8 = 2;

/// supported_versions (RFC 8446 §4.2.1).
pub const EXT_SUPPORTED_VERSIONS: u16 = 0x002b;
/// TLS_FALLBACK_SCSV (RFC 7507).
pub const FALLBACK_SCSV: u16 = 0x5600;
/// TLS_EMPTY_RENEGOTIATION_INFO_SCSV (RFC 5746).
pub const EMPTY_RENEGOTIATION_INFO_SCSV: u16 = 0x00ff;
/// The last eight bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 (RFC 8446 §4.1.3).
pub const DOWNGRADE_TLS12: [u8; 8] = *b"DOWNGRD\x01";
/// … and when it negotiates TLS 1.1 or below.
pub const DOWNGRADE_TLS11: [u8; 8] = *b"DOWNGRD\x00";

/// Largest record fragment: 2^14 of plaintext plus the 2048 bytes RFC 5246 allows for expansion.
pub const MAX_FRAGMENT: usize = (1 << 14) + 2048;

/// Why bytes are not a valid record or message, and the alert that answers them.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{reason} (answered with {alert})")]
pub struct WireError {
    /// The alert a conforming peer sends back (decode_error, illegal_parameter, protocol_version ...).
    pub alert: Alert,
    /// What is wrong with the bytes.
    pub reason: String,
}

fn err<T>(alert: Alert, reason: impl Into<String>) -> Result<T, WireError> {
    Err(WireError { alert, reason: reason.into() })
}

/// One record as it crossed the wire.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// ContentType, one of the `CONTENT_*` values.
    pub content_type: u8,
    /// The record-layer version: legacy, not what is negotiated (0x0301 in most first flights).
    pub version: u16,
    /// The record's payload (at most [`MAX_FRAGMENT`] bytes).
    pub fragment: &'a [u8],
}

impl Record<'_> {
    /// One record: the five-byte header and `fragment`.
    pub fn encode(content_type: u8, version: u16, fragment: &[u8]) -> Vec<u8> {
        let mut out = Vec::with_capacity(5 + fragment.len());
        out.push(content_type);
        out.extend_from_slice(&version.to_be_bytes());
        out.extend_from_slice(&(fragment.len() as u16).to_be_bytes());
        out.extend_from_slice(fragment);
        out
    }
}

/// The first record in `buf` and how many bytes it took; `Ok(None)` when more bytes are needed.
pub fn parse_record(buf: &[u8]) -> Result<Option<(Record<'_>, usize)>, WireError> {
    let Some(&first) = buf.first() else { return Ok(None) };
    if first & 0x80 != 0 {
        return err(Alert::ProtocolVersion, "an SSL 2.0-compatible hello: SSL 2.0 is not spoken (RFC 6176)");
    }
    if !matches!(first, CONTENT_CHANGE_CIPHER_SPEC..=CONTENT_APPLICATION_DATA) {
        return err(Alert::UnexpectedMessage, format!("record of unknown content type {first}"));
    }
    if buf.len() < 5 {
        return Ok(None);
    }
    if buf[1] != 3 {
        return err(Alert::ProtocolVersion, format!("record version {}.{} is not SSL 3.0 or TLS", buf[1], buf[2]));
    }
    let len = u16::from_be_bytes([buf[3], buf[4]]) as usize;
    if len > MAX_FRAGMENT {
        return err(Alert::RecordOverflow, format!("record of {len} bytes, more than {MAX_FRAGMENT}"));
    }
    if len == 0 && first != CONTENT_APPLICATION_DATA {
        return err(Alert::UnexpectedMessage, "empty record of a type that may not be empty");
    }
    if buf.len() < 5 + len {
        return Ok(None);
    }
    Ok(Some((Record { content_type: first, version: u16::from_be_bytes([buf[1], buf[2]]), fragment: &buf[5..5 + len] }, 5 + len)))
}

/// Every complete record at the start of `buf` (the tail that does not make a record is left).
pub fn records(buf: &[u8]) -> Result<Vec<Record<'_>>, WireError> {
    let mut out = Vec::new();
    let mut at = 0;
    while let Some((r, n)) = parse_record(&buf[at..])? {
        out.push(r);
        at += n;
    }
    Ok(out)
}

/// The concatenated handshake bytes of `records` up to the first record of another type
/// (handshake messages may span records, and a record may hold several).
pub fn handshake_stream(records: &[Record<'_>]) -> Vec<u8> {
    records.iter().take_while(|r| r.content_type == CONTENT_HANDSHAKE).flat_map(|r| r.fragment.iter().copied()).collect()
}

/// A handshake message split off a stream: (type, body, bytes taken).
pub type HandshakeSplit<'a> = (u8, &'a [u8], usize);

/// Splits the first handshake message off `buf`; `Ok(None)` when incomplete.
pub fn parse_handshake(buf: &[u8]) -> Result<Option<HandshakeSplit<'_>>, WireError> {
    if buf.len() < 4 {
        return Ok(None);
    }
    let len = u32::from_be_bytes([0, buf[1], buf[2], buf[3]]) as usize;
    if len > 1 << 16 {
        return err(Alert::DecodeError, format!("handshake message of {len} bytes"));
    }
    if buf.len() < 4 + len {
        return Ok(None);
    }
    Ok(Some((buf[0], &buf[4..4 + len], 4 + len)))
}

/// A reader over a message body that answers running out with decode_error.
struct Reader<'a> {
    buf: &'a [u8],
    what: &'static str,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize, field: &str) -> Result<&'a [u8], WireError> {
        if self.buf.len() < n {
            return err(Alert::DecodeError, format!("{} ends inside {field}", self.what));
        }
        let (a, b) = self.buf.split_at(n);
        self.buf = b;
        Ok(a)
    }
    fn u8(&mut self, field: &str) -> Result<u8, WireError> {
        Ok(self.take(1, field)?[0])
    }
    fn u16(&mut self, field: &str) -> Result<u16, WireError> {
        let b = self.take(2, field)?;
        Ok(u16::from_be_bytes([b[0], b[1]]))
    }
    fn vec8(&mut self, field: &str) -> Result<&'a [u8], WireError> {
        let n = self.u8(field)? as usize;
        self.take(n, field)
    }
    fn vec16(&mut self, field: &str) -> Result<&'a [u8], WireError> {
        let n = self.u16(field)? as usize;
        self.take(n, field)
    }
}

/// One hello extension (RFC 5246 §7.4.1.4), kept raw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Extension {
    /// ExtensionType, e.g. [`EXT_SUPPORTED_VERSIONS`].
    pub typ: u16,
    /// extension_data as sent.
    pub data: Vec<u8>,
}

/// The optional extensions block after the compression method(s): absent, or a list
/// (RFC 5246 §7.4.1.2: detected by leftover bytes; RFC 6101 lets SSL 3.0 hellos carry them too).
fn parse_extensions(r: &mut Reader<'_>) -> Result<Option<Vec<Extension>>, WireError> {
    if r.buf.is_empty() {
        return Ok(None);
    }
    let block = r.vec16("the extensions length")?;
    if !r.buf.is_empty() {
        return err(Alert::DecodeError, format!("{} has {} bytes after its extensions", r.what, r.buf.len()));
    }
    let mut inner = Reader { buf: block, what: "the extensions block" };
    let mut out: Vec<Extension> = Vec::new();
    while !inner.buf.is_empty() {
        let typ = inner.u16("an extension type")?;
        let data = inner.vec16("an extension")?.to_vec();
        if out.iter().any(|e| e.typ == typ) {
            return err(Alert::IllegalParameter, format!("extension {typ:#06x} appears twice"));
        }
        out.push(Extension { typ, data });
    }
    Ok(Some(out))
}

fn encode_extensions(out: &mut Vec<u8>, exts: &Option<Vec<Extension>>) {
    if let Some(exts) = exts {
        let mut block = Vec::new();
        for e in exts {
            block.extend_from_slice(&e.typ.to_be_bytes());
            block.extend_from_slice(&(e.data.len() as u16).to_be_bytes());
            block.extend_from_slice(&e.data);
        }
        out.extend_from_slice(&(block.len() as u16).to_be_bytes());
        out.extend_from_slice(&block);
    }
}

fn handshake(typ: u8, body: &[u8]) -> Vec<u8> {
    let mut out = vec![typ];
    out.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    out.extend_from_slice(body);
    out
}

/// Records carrying `msg`, fragmented at 2^14 bytes.
fn in_records(record_version: u16, msg: &[u8]) -> Vec<u8> {
    msg.chunks(1 << 14).flat_map(|c| Record::encode(CONTENT_HANDSHAKE, record_version, c)).collect()
}

/// A ClientHello (RFC 5246 §7.4.1.2, RFC 6101 §5.6.1.2, RFC 8446 §4.1.2), field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientHello {
    /// Version of the record that carried it: a legacy value, not the offer (RFC 5246 App. E.1).
    pub record_version: u16,
    /// The highest version offered (capped at 0x0303 when supported_versions is there).
    pub client_version: u16,
    /// The client's 32 random bytes.
    pub random: [u8; 32],
    /// A session to resume, or empty.
    pub session_id: Vec<u8>,
    /// Offered suites in preference order, SCSVs included.
    pub cipher_suites: Vec<u16>,
    /// Offered compression methods; must include null (0).
    pub compression_methods: Vec<u8>,
    /// `None` when the hello ends after the compression methods (an SSL 3.0-style hello).
    pub extensions: Option<Vec<Extension>>,
}

impl ClientHello {
    /// A legacy hello offering up to `max` (TLS 1.3 through supported_versions, as RFC 8446 wants),
    /// with the renegotiation SCSV, and TLS_FALLBACK_SCSV when `fallback`.
    pub fn offering(versions: VersionSet, cipher_suites: &[u16], fallback: bool) -> ClientHello {
        let max = versions.max().unwrap_or(Version::Tls12);
        let mut suites = cipher_suites.to_vec();
        suites.push(EMPTY_RENEGOTIATION_INFO_SCSV);
        if fallback {
            suites.push(FALLBACK_SCSV);
        }
        let extensions = (max == Version::Tls13).then(|| {
            let list: Vec<u8> = versions.iter().rev().flat_map(|v| v.wire().to_be_bytes()).collect();
            let mut data = vec![list.len() as u8];
            data.extend_from_slice(&list);
            vec![Extension { typ: EXT_SUPPORTED_VERSIONS, data }]
        });
        ClientHello {
            record_version: if max == Version::Ssl3 { 0x0300 } else { 0x0301 },
            client_version: max.min(Version::Tls12).wire(),
            random: [0x5a; 32],
            session_id: Vec::new(),
            cipher_suites: suites,
            compression_methods: vec![0],
            extensions,
        }
    }

    /// The message body, without the handshake header.
    pub fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&self.client_version.to_be_bytes());
        b.extend_from_slice(&self.random);
        b.push(self.session_id.len() as u8);
        b.extend_from_slice(&self.session_id);
        b.extend_from_slice(&((self.cipher_suites.len() * 2) as u16).to_be_bytes());
        for s in &self.cipher_suites {
            b.extend_from_slice(&s.to_be_bytes());
        }
        b.push(self.compression_methods.len() as u8);
        b.extend_from_slice(&self.compression_methods);
        encode_extensions(&mut b, &self.extensions);
        b
    }

    /// The hello as records, ready for the wire.
    pub fn encode(&self) -> Vec<u8> {
        in_records(self.record_version, &handshake(HANDSHAKE_CLIENT_HELLO, &self.body()))
    }

    /// Reads a body [`ClientHello::body`] wrote, or a peer sent; `record_version` is the carrying record's.
    pub fn parse_body(record_version: u16, body: &[u8]) -> Result<ClientHello, WireError> {
        let mut r = Reader { buf: body, what: "the ClientHello" };
        let (client_version, random, session_id) = hello_opening(&mut r, "client_version")?;
        let suites = r.vec16("cipher_suites")?;
        if suites.is_empty() || suites.len() % 2 != 0 {
            return err(Alert::DecodeError, format!("cipher_suites of {} bytes: must be a non-empty even length", suites.len()));
        }
        let cipher_suites = suites.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect();
        let compression_methods = r.vec8("compression_methods")?.to_vec();
        if compression_methods.is_empty() {
            return err(Alert::DecodeError, "no compression method");
        }
        if !compression_methods.contains(&0) {
            return err(Alert::IllegalParameter, "compression methods without null (RFC 5246 §7.4.1.2)");
        }
        let extensions = parse_extensions(&mut r)?;
        Ok(ClientHello { record_version, client_version, random, session_id, cipher_suites, compression_methods, extensions })
    }

    /// The ClientHello at the start of a client's bytes; `Ok(None)` when more bytes are needed.
    pub fn parse(buf: &[u8]) -> Result<Option<ClientHello>, WireError> {
        let mut stream = Vec::new();
        let mut at = 0;
        let mut record_version = None;
        loop {
            match parse_handshake(&stream)? {
                Some((HANDSHAKE_CLIENT_HELLO, body, _)) => {
                    return ClientHello::parse_body(record_version.unwrap_or(0x0301), body).map(Some)
                }
                Some((t, _, _)) => return err(Alert::UnexpectedMessage, format!("handshake message {t} where a ClientHello belongs")),
                None => {}
            }
            let Some((rec, n)) = parse_record(&buf[at..])? else { return Ok(None) };
            if rec.content_type != CONTENT_HANDSHAKE {
                return err(Alert::UnexpectedMessage, format!("record of type {} before the ClientHello", rec.content_type));
            }
            record_version.get_or_insert(rec.version);
            stream.extend_from_slice(rec.fragment);
            at += n;
        }
    }

    /// The data of the first extension of type `typ`, if the hello has one.
    pub fn extension(&self, typ: u16) -> Option<&[u8]> {
        self.extensions.as_ref()?.iter().find(|e| e.typ == typ).map(|e| e.data.as_slice())
    }

    /// The supported_versions list, when the hello has one (GREASE and unknown values kept).
    pub fn supported_versions(&self) -> Result<Option<Vec<u16>>, WireError> {
        let Some(data) = self.extension(EXT_SUPPORTED_VERSIONS) else { return Ok(None) };
        let mut r = Reader { buf: data, what: "supported_versions" };
        let list = r.vec8("the version list")?;
        if list.is_empty() || list.len() % 2 != 0 || !r.buf.is_empty() {
            return err(Alert::DecodeError, "supported_versions must be a non-empty list of two-byte versions");
        }
        Ok(Some(list.chunks(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect()))
    }

    /// Whether the hello carries TLS_FALLBACK_SCSV: the client retried below its best (RFC 7507).
    pub fn has_fallback_scsv(&self) -> bool {
        self.cipher_suites.contains(&FALLBACK_SCSV)
    }

    /// What the client offers: supported_versions when present, else everything up to
    /// client_version (a legacy hello does not say its minimum).
    pub fn offered(&self) -> Result<VersionSet, WireError> {
        Ok(match self.supported_versions()? {
            Some(list) => VersionSet::of(&list.into_iter().filter_map(Version::from_wire).collect::<Vec<_>>()),
            None => Version::ALL
                .into_iter()
                .filter(|v| v.wire() <= self.client_version && *v <= Version::Tls12)
                .fold(VersionSet::EMPTY, VersionSet::with),
        })
    }
}

/// A ServerHello (RFC 5246 §7.4.1.3, RFC 8446 §4.1.3), field by field.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ServerHello {
    /// Version of the record that carried it.
    pub record_version: u16,
    /// The chosen version up to TLS 1.2; 0x0303 for TLS 1.3, which says 0x0304 in supported_versions.
    pub server_version: u16,
    /// The server's 32 random bytes; the last eight may be a downgrade sentinel.
    pub random: [u8; 32],
    /// The session id the server assigned or resumed.
    pub session_id: Vec<u8>,
    /// The chosen suite.
    pub cipher_suite: u16,
    /// The chosen compression method (0 in every sane server).
    pub compression_method: u8,
    /// `None` when the hello ends after the compression method.
    pub extensions: Option<Vec<Extension>>,
}

impl ServerHello {
    /// The message body, without the handshake header.
    pub fn body(&self) -> Vec<u8> {
        let mut b = Vec::new();
        b.extend_from_slice(&self.server_version.to_be_bytes());
        b.extend_from_slice(&self.random);
        b.push(self.session_id.len() as u8);
        b.extend_from_slice(&self.session_id);
        b.extend_from_slice(&self.cipher_suite.to_be_bytes());
        b.push(self.compression_method);
        encode_extensions(&mut b, &self.extensions);
        b
    }

    /// The hello as records, ready for the wire.
    pub fn encode(&self) -> Vec<u8> {
        in_records(self.record_version, &handshake(HANDSHAKE_SERVER_HELLO, &self.body()))
    }

    /// Reads a body [`ServerHello::body`] wrote, or a peer sent; `record_version` is the carrying record's.
    pub fn parse_body(record_version: u16, body: &[u8]) -> Result<ServerHello, WireError> {
        let mut r = Reader { buf: body, what: "the ServerHello" };
        let (server_version, random, session_id) = hello_opening(&mut r, "server_version")?;
        let cipher_suite = r.u16("cipher_suite")?;
        let compression_method = r.u8("compression_method")?;
        let extensions = parse_extensions(&mut r)?;
        Ok(ServerHello { record_version, server_version, random, session_id, cipher_suite, compression_method, extensions })
    }

    /// The ServerHello at the start of a server's bytes; `Ok(None)` when more bytes are needed.
    /// An alert record there is returned as `Err` with that alert.
    pub fn parse(buf: &[u8]) -> Result<Option<ServerHello>, WireError> {
        let mut stream = Vec::new();
        let mut at = 0;
        let mut record_version = None;
        loop {
            match parse_handshake(&stream)? {
                Some((HANDSHAKE_SERVER_HELLO, body, _)) => {
                    return ServerHello::parse_body(record_version.unwrap_or(0x0303), body).map(Some)
                }
                Some((t, _, _)) => return err(Alert::UnexpectedMessage, format!("handshake message {t} where a ServerHello belongs")),
                None => {}
            }
            let Some((rec, n)) = parse_record(&buf[at..])? else { return Ok(None) };
            match rec.content_type {
                CONTENT_HANDSHAKE => {}
                CONTENT_ALERT => {
                    let a = AlertMessage::parse(rec.fragment)?;
                    return err(a.description, format!("the server answered with a {} alert", a.description));
                }
                t => return err(Alert::UnexpectedMessage, format!("record of type {t} before the ServerHello")),
            }
            record_version.get_or_insert(rec.version);
            stream.extend_from_slice(rec.fragment);
            at += n;
        }
    }

    /// The version this hello settles on: supported_versions for TLS 1.3, else server_version.
    pub fn negotiated(&self) -> Option<Version> {
        let sv = self.extensions.as_ref().and_then(|e| e.iter().find(|e| e.typ == EXT_SUPPORTED_VERSIONS));
        match sv {
            Some(e) if e.data.len() == 2 => Version::from_wire(u16::from_be_bytes([e.data[0], e.data[1]])),
            _ => Version::from_wire(self.server_version),
        }
    }

    /// The RFC 8446 downgrade sentinel in the random, if any.
    pub fn downgrade_sentinel(&self) -> Option<Version> {
        let tail: [u8; 8] = self.random[24..].try_into().ok()?;
        match tail {
            DOWNGRADE_TLS12 => Some(Version::Tls12),
            DOWNGRADE_TLS11 => Some(Version::Tls11),
            _ => None,
        }
    }
}

/// An alert message (RFC 5246 §7.2): level and description.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AlertMessage {
    /// 1 warning, 2 fatal.
    pub level: u8,
    /// What the alert says.
    pub description: Alert,
}

impl AlertMessage {
    /// The alert as one record with `record_version`.
    pub fn encode(&self, record_version: u16) -> Vec<u8> {
        Record::encode(CONTENT_ALERT, record_version, &[self.level, self.description.code()])
    }

    /// Reads an alert record's fragment (exactly two bytes).
    pub fn parse(fragment: &[u8]) -> Result<AlertMessage, WireError> {
        match fragment {
            [level @ (1 | 2), d] => Ok(AlertMessage { level: *level, description: Alert::from_code(*d) }),
            [_, _] => err(Alert::IllegalParameter, "alert level is neither warning (1) nor fatal (2)"),
            _ => err(Alert::DecodeError, format!("alert of {} bytes, not 2", fragment.len())),
        }
    }
}

/// The first alert in a direction's plaintext records, if any (later records may be encrypted
/// and are not looked into).
pub fn first_alert(buf: &[u8]) -> Option<AlertMessage> {
    let mut at = 0;
    while let Ok(Some((r, n))) = parse_record(&buf[at..]) {
        if r.content_type == CONTENT_ALERT {
            return AlertMessage::parse(r.fragment).ok();
        }
        if r.content_type == CONTENT_CHANGE_CIPHER_SPEC {
            return None;
        }
        at += n;
    }
    None
}

/// What a server with `enabled` versions answers to `hello`, as the RFCs define the choice
/// (RFC 8446 §4.2.1 for supported_versions, RFC 5246 App. E.1 for a legacy hello, RFC 7507 for
/// the fallback SCSV): the version, or the alert it sends.
pub fn negotiate(enabled: VersionSet, hello: &ClientHello) -> Result<Version, Alert> {
    let Some(server_max) = enabled.max() else { return Err(Alert::HandshakeFailure) };
    let chosen = match hello.supported_versions().map_err(|e| e.alert)? {
        Some(list) => list.into_iter().filter_map(Version::from_wire).filter(|v| enabled.contains(*v)).max(),
        None => enabled.iter().filter(|v| v.wire() <= hello.client_version && *v <= Version::Tls12).max(),
    };
    let Some(v) = chosen else {
        // SSL 3.0 has no protocol_version alert (RFC 6101 §5.4.2): an SSL 3.0-only server refuses with handshake_failure.
        return Err(if server_max == Version::Ssl3 { Alert::HandshakeFailure } else { Alert::ProtocolVersion });
    };
    if hello.has_fallback_scsv() && v < server_max {
        return Err(Alert::InappropriateFallback);
    }
    Ok(v)
}

/// What both hellos open with: the version (`version_field` names it in errors), the random
/// and the session ID, each checked as [RFC 5246] 7.4.1.2 and 7.4.1.3 bound them.
fn hello_opening(r: &mut Reader, version_field: &str) -> Result<(u16, [u8; 32], Vec<u8>), WireError> {
    let version = r.u16(version_field)?;
    if version >> 8 != 3 {
        return err(Alert::ProtocolVersion, format!("{version_field} {version:#06x} is not SSL 3.0 or TLS"));
    }
    let random: [u8; 32] =
        r.take(32, "random")?.try_into().map_err(|_| WireError { alert: Alert::DecodeError, reason: "random".into() })?;
    let session_id = r.vec8("session_id")?.to_vec();
    if session_id.len() > 32 {
        return err(Alert::IllegalParameter, format!("session_id of {} bytes, more than 32", session_id.len()));
    }
    Ok((version, random, session_id))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn hello(max: Version) -> ClientHello {
        ClientHello::offering(VersionSet::range(Version::Ssl3, max), &[0x002f, 0x0035], false)
    }

    #[test]
    fn negotiation_follows_the_rfcs() {
        let ssl3 = VersionSet::of(&[Version::Ssl3]);
        let modern = VersionSet::range(Version::Tls10, Version::Tls13);
        assert_eq!(negotiate(ssl3, &hello(Version::Tls12)), Ok(Version::Ssl3));
        assert_eq!(negotiate(modern, &hello(Version::Tls12)), Ok(Version::Tls12));
        assert_eq!(negotiate(modern, &hello(Version::Tls13)), Ok(Version::Tls13));
        assert_eq!(negotiate(VersionSet::of(&[Version::Tls13]), &hello(Version::Tls12)), Err(Alert::ProtocolVersion));
        assert_eq!(negotiate(VersionSet::of(&[Version::Tls12]), &hello(Version::Ssl3)), Err(Alert::ProtocolVersion));
        let mut fb = ClientHello::offering(VersionSet::range(Version::Tls10, Version::Tls11), &[0x002f], true);
        assert_eq!(negotiate(modern, &fb), Err(Alert::InappropriateFallback));
        fb.cipher_suites.retain(|s| *s != FALLBACK_SCSV);
        assert_eq!(negotiate(modern, &fb), Ok(Version::Tls11));
        let fb = ClientHello::offering(VersionSet::range(Version::Tls10, Version::Tls11), &[0x002f], true);
        assert_eq!(negotiate(VersionSet::range(Version::Tls10, Version::Tls11), &fb), Ok(Version::Tls11));
    }

    #[test]
    fn a_hello_split_over_records_and_the_offer() {
        let h = hello(Version::Tls13);
        let wire = h.encode();
        let (rec, _) = parse_record(&wire).unwrap().unwrap();
        let mut split = Record::encode(CONTENT_HANDSHAKE, rec.version, &rec.fragment[..10]);
        split.extend(Record::encode(CONTENT_HANDSHAKE, rec.version, &rec.fragment[10..]));
        assert_eq!(ClientHello::parse(&split).unwrap().unwrap(), h);
        assert_eq!(h.offered().unwrap(), VersionSet::range(Version::Ssl3, Version::Tls13));
        assert_eq!(hello(Version::Tls11).offered().unwrap(), VersionSet::range(Version::Ssl3, Version::Tls11));
        assert_eq!(ClientHello::parse(&wire[..wire.len() - 1]).unwrap(), None);
    }

    #[test]
    fn malformed_input_gets_its_alert() {
        assert_eq!(parse_record(&[0x80, 0x2e, 1, 3, 1]).unwrap_err().alert, Alert::ProtocolVersion);
        assert_eq!(parse_record(&[0x30, 3, 1, 0, 1, 0]).unwrap_err().alert, Alert::UnexpectedMessage);
        assert_eq!(parse_record(&[22, 3, 1, 0xff, 0xff]).unwrap_err().alert, Alert::RecordOverflow);
        let mut h = hello(Version::Tls12);
        h.compression_methods = vec![1];
        assert_eq!(ClientHello::parse(&h.encode()).unwrap_err().alert, Alert::IllegalParameter);
        let mut body = hello(Version::Tls12).body();
        body.truncate(40);
        let wire = Record::encode(CONTENT_HANDSHAKE, 0x0301, &handshake(HANDSHAKE_CLIENT_HELLO, &body));
        assert_eq!(ClientHello::parse(&wire).unwrap_err().alert, Alert::DecodeError);
        let alert = AlertMessage { level: 2, description: Alert::ProtocolVersion }.encode(0x0301);
        assert_eq!(ServerHello::parse(&alert).unwrap_err().alert, Alert::ProtocolVersion);
        assert_eq!(first_alert(&alert).unwrap().description, Alert::ProtocolVersion);
    }

    fn arb_exts() -> impl Strategy<Value = Option<Vec<Extension>>> {
        proptest::option::of(proptest::collection::btree_map(any::<u16>(), proptest::collection::vec(any::<u8>(), 0..40), 0..6))
            .prop_map(|m| m.map(|m| m.into_iter().map(|(typ, data)| Extension { typ, data }).collect()))
    }

    fn arb_client_hello() -> impl Strategy<Value = ClientHello> {
        (
            0x0300u16..=0x0304,
            0x0300u16..=0x03ff,
            any::<[u8; 32]>(),
            proptest::collection::vec(any::<u8>(), 0..=32),
            proptest::collection::vec(any::<u16>(), 1..60),
            proptest::collection::vec(any::<u8>(), 0..5),
            arb_exts(),
        )
            .prop_map(
                |(record_version, client_version, random, session_id, cipher_suites, mut compression_methods, extensions)| {
                    compression_methods.push(0);
                    ClientHello { record_version, client_version, random, session_id, cipher_suites, compression_methods, extensions }
                },
            )
    }

    fn arb_server_hello() -> impl Strategy<Value = ServerHello> {
        (
            0x0300u16..=0x0304,
            0x0300u16..=0x03ff,
            any::<[u8; 32]>(),
            proptest::collection::vec(any::<u8>(), 0..=32),
            any::<u16>(),
            any::<u8>(),
            arb_exts(),
        )
            .prop_map(|(record_version, server_version, random, session_id, cipher_suite, compression_method, extensions)| {
                ServerHello { record_version, server_version, random, session_id, cipher_suite, compression_method, extensions }
            })
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..600)) {
            let _ = records(&bytes);
            let _ = ClientHello::parse(&bytes);
            let _ = ServerHello::parse(&bytes);
            let _ = first_alert(&bytes);
            let _ = ClientHello::parse_body(0x0301, &bytes);
            let _ = ServerHello::parse_body(0x0303, &bytes);
            if let Ok(h) = ClientHello::parse_body(0x0301, &bytes) {
                let _ = negotiate(VersionSet::range(Version::Ssl3, Version::Tls13), &h);
            }
        }

        #[test]
        fn client_hello_round_trips(h in arb_client_hello()) {
            prop_assert_eq!(ClientHello::parse(&h.encode()).unwrap().unwrap(), h);
        }

        #[test]
        fn server_hello_round_trips(h in arb_server_hello()) {
            prop_assert_eq!(ServerHello::parse(&h.encode()).unwrap().unwrap(), h);
        }

        #[test]
        fn alert_round_trips(level in 1u8..=2, code in any::<u8>(), v in 0x0300u16..=0x0303) {
            let m = AlertMessage { level, description: Alert::from_code(code) };
            let wire = m.encode(v);
            let (r, _) = parse_record(&wire).unwrap().unwrap();
            prop_assert_eq!(AlertMessage::parse(r.fragment).unwrap(), m);
        }

        /// A bad record header gets the alert for what is wrong with it.
        #[test]
        fn bad_record_headers_get_their_alert(t in any::<u8>(), major in any::<u8>(), minor in any::<u8>(), len in any::<u16>()) {
            let header = [t, major, minor, (len >> 8) as u8, len as u8];
            let want = if t & 0x80 != 0 {
                Some(Alert::ProtocolVersion)
            } else if !(CONTENT_CHANGE_CIPHER_SPEC..=CONTENT_APPLICATION_DATA).contains(&t) {
                Some(Alert::UnexpectedMessage)
            } else if major != 3 {
                Some(Alert::ProtocolVersion)
            } else if usize::from(len) > MAX_FRAGMENT {
                Some(Alert::RecordOverflow)
            } else if len == 0 && t != CONTENT_APPLICATION_DATA {
                Some(Alert::UnexpectedMessage)
            } else {
                None
            };
            match parse_record(&header) {
                Err(e) => prop_assert_eq!(Some(e.alert), want),
                Ok(None) => prop_assert_eq!(want, None),
                Ok(Some(_)) => prop_assert!(len == 0 && want.is_none()),
            }
        }

        /// An odd-length cipher suite list is a decode_error, whatever else the hello says.
        #[test]
        fn odd_cipher_suite_lists_are_decode_errors(h in arb_client_hello(), extra in any::<u8>()) {
            let mut body = h.body();
            let at = 2 + 32 + 1 + h.session_id.len();
            let n = h.cipher_suites.len() * 2 + 1;
            body[at] = (n >> 8) as u8;
            body[at + 1] = n as u8;
            body.insert(at + 2, extra);
            let wire = Record::encode(CONTENT_HANDSHAKE, 0x0301, &handshake(HANDSHAKE_CLIENT_HELLO, &body));
            prop_assert_eq!(ClientHello::parse(&wire).unwrap_err().alert, Alert::DecodeError);
        }

        /// Cut anywhere, a valid hello is either "more bytes needed" or, once the cut falls
        /// inside the message body a record claims to hold whole, decode_error.
        #[test]
        fn truncation_is_incomplete_or_decode_error(h in arb_client_hello(), cut in 0usize..400) {
            let wire = h.encode();
            let cut = cut.min(wire.len().saturating_sub(1));
            match ClientHello::parse(&wire[..cut]) {
                Ok(None) => {}
                Err(e) => prop_assert_eq!(e.alert, Alert::DecodeError),
                Ok(Some(_)) => prop_assert!(false, "a truncated hello parsed"),
            }
            // A handshake length that claims less than the body holds leaves bytes over: decode_error
            // unless what is left still reads as a valid shorter hello.
            let mut body = h.body();
            body.truncate(body.len().saturating_sub(1).max(38));
            let wire = Record::encode(CONTENT_HANDSHAKE, 0x0301, &handshake(HANDSHAKE_CLIENT_HELLO, &body));
            if let Err(e) = ClientHello::parse(&wire) {
                prop_assert!(matches!(e.alert, Alert::DecodeError | Alert::IllegalParameter), "{:?}", e);
            }
        }
    }
}
