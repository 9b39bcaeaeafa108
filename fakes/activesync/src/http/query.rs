//! The two query forms of [MS-ASHTTP] 2.2.1.1.1: the plain
//! `?Cmd=Sync&User=u&DeviceId=d&DeviceType=t` and the base64 form, where one base64
//! string packs the same values (and the version and policy key that the plain form sends
//! as headers) into bytes.
//!
//! Base64 layout, as [MS-ASHTTP] 2.2.1.1.1.1 gives it and the spec's own example
//! `jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l` decodes:
//!
//! | bytes | field |
//! |---|---|
//! | 1 | protocol version × 10 (`0x8C` = 14.0) |
//! | 1 | command code ([`Command::code`]) |
//! | 2 | locale, little-endian (`09 04` = 0x0409, en-US) |
//! | 1 + n | DeviceId length and bytes |
//! | 1 + 0 or 4 | PolicyKey length and, when 4, the key as a little-endian u32 |
//! | 1 + n | DeviceType length and bytes |
//! | (1 + 1 + n)* | command parameters: tag, length, value |
//!
//! The policy key's byte order is read from a public fixture (Horde's ActiveSync tests
//! decode `…04 7C 7C 4C E8…` as 3897326716 = 0xE84C7C7C), so little-endian. The same
//! fixture carries a 16-byte binary DeviceId that Horde renders as lowercase hex; this
//! decoder does the same for any DeviceId that is not plain alphanumeric text.

use super::{Command, ProtocolVersion};
use base64::Engine;

/// Which of the two query forms a request used.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum QueryForm {
    /// `Cmd=…&User=…&DeviceId=…&DeviceType=…` ([MS-ASHTTP] 2.2.1.1.1.2); version and policy key in headers.
    #[default]
    Plain,
    /// One base64 string packing every parameter ([MS-ASHTTP] 2.2.1.1.1.1); 12.1 and later only.
    Base64,
}

/// The command parameters both forms can carry.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct CommandParams {
    /// GetAttachment: the attachment's file reference.
    pub attachment_name: Option<String>,
    /// SmartReply/SmartForward (pre-14.0): the folder of the original message.
    pub collection_id: Option<String>,
    /// Base64 tag 2; retired with 2.5.
    pub collection_name: Option<String>,
    /// SmartReply/SmartForward (pre-14.0): the original message.
    pub item_id: Option<String>,
    /// A Search result's long id.
    pub long_id: Option<String>,
    /// Base64 tag 5; retired with 2.5.
    pub parent_id: Option<String>,
    /// The occurrence of a recurring meeting.
    pub occurrence: Option<String>,
    /// `SaveInSent=T` (plain) or Options bit 0x01 (base64): keep a copy of sent mail.
    pub save_in_sent: bool,
    /// Options bit 0x02 (base64) or the `MS-ASAcceptMultiPart: T` header (plain).
    pub accept_multipart: bool,
}

/// Base64 parameter tags ([MS-ASHTTP] 2.2.1.1.1.1.3, Z-Push's request.php).
pub(crate) mod param_tag {
    pub(crate) const ATTACHMENT_NAME: u8 = 0;
    pub(crate) const COLLECTION_ID: u8 = 1;
    pub(crate) const COLLECTION_NAME: u8 = 2;
    pub(crate) const ITEM_ID: u8 = 3;
    pub(crate) const LONG_ID: u8 = 4;
    pub(crate) const PARENT_ID: u8 = 5;
    pub(crate) const OCCURRENCE: u8 = 6;
    pub(crate) const OPTIONS: u8 = 7;
    pub(crate) const USER: u8 = 8;
}

/// Bits of the base64 `Options` parameter.
pub(crate) mod options_bit {
    pub(crate) const SAVE_IN_SENT: u8 = 0x01;
    pub(crate) const ACCEPT_MULTIPART: u8 = 0x02;
}

/// The default locale a client without one sends: en-US.
pub(crate) const DEFAULT_LOCALE: u16 = 0x0409;

/// Why a query could not be read. Every variant becomes HTTP 400.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum QueryError {
    /// A required parameter (named) is absent.
    #[error("the query has no {0} parameter")]
    Missing(&'static str),
    /// A parameter is present but unusable.
    #[error("the query parameter {name} is not valid: {reason}")]
    Invalid {
        /// The parameter.
        name: &'static str,
        /// What is wrong with its value.
        reason: String,
    },
    /// The plain query is not valid percent-encoding.
    #[error("the query is not valid percent-encoding")]
    BadPercentEncoding,
    /// The base64 query is not base64.
    #[error("the base64 query does not decode: {0}")]
    BadBase64(String),
    /// The base64 query ends inside the named field.
    #[error("the base64 query ends inside {0}")]
    Truncated(&'static str),
    /// `Cmd=` names no ActiveSync command.
    #[error("unknown command {0:?}")]
    UnknownCommand(String),
    /// The base64 command byte names no command ([MS-ASHTTP] 2.2.1.1.1.1.2).
    #[error("unknown command code {0} in the base64 query")]
    UnknownCommandCode(u8),
    /// The base64 version byte (version × 10) names no version.
    #[error("protocol version byte {0} names no ActiveSync version")]
    UnknownVersionByte(u8),
    /// The base64 form from a version before 12.1, which did not have it.
    #[error("protocol version {0} must use the plain query form")]
    Base64NotAllowed(ProtocolVersion),
    /// The base64 policy key length byte is neither 0 nor 4.
    #[error("policy key of {0} bytes in the base64 query; it is 0 or 4")]
    PolicyKeyLength(u8),
}

/// What the base64 form carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Base64Query {
    /// Byte 0: the protocol version × 10.
    pub version: ProtocolVersion,
    /// Byte 1: the command code.
    pub command: Command,
    /// Bytes 2–3: the locale, little-endian (0x0409 = en-US).
    pub locale: u16,
    /// The DeviceId field (binary ids rendered as lowercase hex).
    pub device_id: String,
    /// The PolicyKey field as a decimal string; `None` when its length is 0.
    pub policy_key: Option<String>,
    /// The DeviceType field.
    pub device_type: String,
    /// Parameter 8, when present.
    pub user: Option<String>,
    /// The command parameters after the DeviceType.
    pub params: CommandParams,
}

/// What the plain form carries (the version and policy key come from headers).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlainQuery {
    /// `Cmd`.
    pub command: Command,
    /// `User` as sent (`DOMAIN\user` or a UPN).
    pub user: String,
    /// `DeviceId`.
    pub device_id: String,
    /// `DeviceType`.
    pub device_type: String,
    /// The command parameters (`AttachmentName`, `CollectionId`, `ItemId`, `SaveInSent`, ...).
    pub params: CommandParams,
}

/// Whether a query string is in the plain form: it names `Cmd`. Z-Push tells the two apart
/// the same way.
pub(crate) fn is_plain(query: &str) -> bool {
    query.split('&').any(|pair| pair.split('=').next().is_some_and(|k| k.eq_ignore_ascii_case("Cmd")))
}

/// Reads `Cmd=…&User=…&DeviceId=…&DeviceType=…[&CollectionId=…&ItemId=…&SaveInSent=T…]`.
/// Parameter names match without regard to case; unknown parameters are ignored.
pub fn parse_plain(query: &str) -> Result<PlainQuery, QueryError> {
    let mut cmd = None;
    let mut user = None;
    let mut device_id = None;
    let mut device_type = None;
    let mut params = CommandParams::default();
    for pair in query.split('&').filter(|p| !p.is_empty()) {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        let key = percent_decode(key, true)?;
        let value = percent_decode(value, true)?;
        match key.to_ascii_lowercase().as_str() {
            "cmd" => cmd = Some(value),
            "user" => user = Some(value),
            "deviceid" => device_id = Some(value),
            "devicetype" => device_type = Some(value),
            "attachmentname" => params.attachment_name = Some(value),
            "collectionid" => params.collection_id = Some(value),
            "collectionname" => params.collection_name = Some(value),
            "itemid" => params.item_id = Some(value),
            "longid" => params.long_id = Some(value),
            "parentid" => params.parent_id = Some(value),
            "occurrence" => params.occurrence = Some(value),
            "saveinsent" => params.save_in_sent = value.eq_ignore_ascii_case("T"),
            _ => {}
        }
    }
    let cmd = cmd.ok_or(QueryError::Missing("Cmd"))?;
    let command = Command::parse(&cmd).ok_or(QueryError::UnknownCommand(cmd))?;
    let user = user.ok_or(QueryError::Missing("User"))?;
    let device_id = check_id("DeviceId", device_id.ok_or(QueryError::Missing("DeviceId"))?)?;
    let device_type = check_id("DeviceType", device_type.ok_or(QueryError::Missing("DeviceType"))?)?;
    Ok(PlainQuery { command, user, device_id, device_type, params })
}

/// The longest DeviceId or DeviceType accepted. [MS-ASHTTP] bounds the base64 fields to a
/// length byte; 64 leaves room for every real client's ids and for hex-rendered binary ids.
pub(crate) const MAX_ID_LEN: usize = 64;

/// DeviceId and DeviceType are identifiers servers key state by (Z-Push keeps only word
/// characters), so anything else is refused rather than silently mangled.
fn check_id(name: &'static str, value: String) -> Result<String, QueryError> {
    if value.is_empty() {
        return Err(QueryError::Invalid { name, reason: "empty".into() });
    }
    if value.len() > MAX_ID_LEN {
        return Err(QueryError::Invalid { name, reason: format!("{} characters, at most {MAX_ID_LEN}", value.len()) });
    }
    if !value.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') {
        return Err(QueryError::Invalid { name, reason: "only letters, digits, '-' and '_' are accepted".into() });
    }
    Ok(value)
}

/// Reads the base64 form. The query may be percent-encoded (`%2B`, `%2F`, `%3D`), may use
/// the URL-safe alphabet, and may lack padding; all are accepted.
pub fn parse_base64(query: &str) -> Result<Base64Query, QueryError> {
    let text = percent_decode(query, false)?;
    let bytes = decode_base64_lenient(&text)?;
    let mut r = Reader { bytes: &bytes, at: 0 };
    let version_byte = r.byte("the protocol version")?;
    let version = ProtocolVersion::from_query_byte(version_byte).ok_or(QueryError::UnknownVersionByte(version_byte))?;
    if !version.allows_base64_query() {
        return Err(QueryError::Base64NotAllowed(version));
    }
    let code = r.byte("the command code")?;
    let command = Command::from_code(code).ok_or(QueryError::UnknownCommandCode(code))?;
    let lo = r.byte("the locale")?;
    let hi = r.byte("the locale")?;
    let locale = u16::from_le_bytes([lo, hi]);
    let id_len = r.byte("the DeviceId length")?;
    let device_id = check_id("DeviceId", device_id_text(r.take(id_len as usize, "the DeviceId")?))?;
    let key_len = r.byte("the PolicyKey length")?;
    let policy_key = match key_len {
        0 => None,
        4 => {
            let k = r.take(4, "the PolicyKey")?;
            Some(u32::from_le_bytes([k[0], k[1], k[2], k[3]]).to_string())
        }
        n => return Err(QueryError::PolicyKeyLength(n)),
    };
    let type_len = r.byte("the DeviceType length")?;
    let device_type = check_id("DeviceType", utf8_field("DeviceType", r.take(type_len as usize, "the DeviceType")?)?)?;
    let mut params = CommandParams::default();
    let mut user = None;
    while !r.done() {
        let tag = r.byte("a parameter tag")?;
        let len = r.byte("a parameter length")?;
        let value = r.take(len as usize, "a parameter value")?;
        match tag {
            param_tag::OPTIONS => {
                let bits = value.first().copied().unwrap_or(0);
                params.save_in_sent = bits & options_bit::SAVE_IN_SENT != 0;
                params.accept_multipart = bits & options_bit::ACCEPT_MULTIPART != 0;
            }
            param_tag::USER => user = Some(utf8_field("User", value)?),
            param_tag::ATTACHMENT_NAME => params.attachment_name = Some(utf8_field("AttachmentName", value)?),
            param_tag::COLLECTION_ID => params.collection_id = Some(utf8_field("CollectionId", value)?),
            param_tag::COLLECTION_NAME => params.collection_name = Some(utf8_field("CollectionName", value)?),
            param_tag::ITEM_ID => params.item_id = Some(utf8_field("ItemId", value)?),
            param_tag::LONG_ID => params.long_id = Some(utf8_field("LongId", value)?),
            param_tag::PARENT_ID => params.parent_id = Some(utf8_field("ParentId", value)?),
            param_tag::OCCURRENCE => params.occurrence = Some(utf8_field("Occurrence", value)?),
            // A tag from a later revision: skipped, as its length says how far.
            _ => {}
        }
    }
    Ok(Base64Query { version, command, locale, device_id, policy_key, device_type, user, params })
}

/// Builds the base64 form. Fails when the policy key is not a decimal u32 (the form has
/// four bytes for it) or a field is longer than its length byte allows.
pub(crate) fn encode_base64(q: &Base64Query) -> Result<String, QueryError> {
    let code = q.command.code().ok_or(QueryError::UnknownCommand(q.command.name().to_string()))?;
    if !q.version.allows_base64_query() {
        return Err(QueryError::Base64NotAllowed(q.version));
    }
    let mut out = vec![q.version.query_byte(), code];
    out.extend_from_slice(&q.locale.to_le_bytes());
    push_field(&mut out, "DeviceId", q.device_id.as_bytes())?;
    match &q.policy_key {
        None => out.push(0),
        Some(key) => {
            let key: u32 = key.parse().map_err(|_| QueryError::Invalid { name: "PolicyKey", reason: "not a decimal u32".into() })?;
            out.push(4);
            out.extend_from_slice(&key.to_le_bytes());
        }
    }
    push_field(&mut out, "DeviceType", q.device_type.as_bytes())?;
    let p = &q.params;
    let texts = [
        (param_tag::ATTACHMENT_NAME, &p.attachment_name),
        (param_tag::COLLECTION_ID, &p.collection_id),
        (param_tag::COLLECTION_NAME, &p.collection_name),
        (param_tag::ITEM_ID, &p.item_id),
        (param_tag::LONG_ID, &p.long_id),
        (param_tag::PARENT_ID, &p.parent_id),
        (param_tag::OCCURRENCE, &p.occurrence),
    ];
    for (tag, value) in texts {
        if let Some(value) = value {
            out.push(tag);
            push_field(&mut out, "a parameter", value.as_bytes())?;
        }
    }
    let bits =
        (if p.save_in_sent { options_bit::SAVE_IN_SENT } else { 0 }) | (if p.accept_multipart { options_bit::ACCEPT_MULTIPART } else { 0 });
    if bits != 0 {
        out.extend_from_slice(&[param_tag::OPTIONS, 1, bits]);
    }
    if let Some(user) = &q.user {
        out.push(param_tag::USER);
        push_field(&mut out, "User", user.as_bytes())?;
    }
    Ok(base64::engine::general_purpose::STANDARD.encode(out))
}

/// Builds the plain form's query string (without the `?`).
pub(crate) fn encode_plain(q: &PlainQuery) -> String {
    let mut pairs: Vec<(&str, String)> = vec![
        ("Cmd", q.command.name().to_string()),
        ("User", q.user.clone()),
        ("DeviceId", q.device_id.clone()),
        ("DeviceType", q.device_type.clone()),
    ];
    let p = &q.params;
    let optional = [
        ("AttachmentName", &p.attachment_name),
        ("CollectionId", &p.collection_id),
        ("CollectionName", &p.collection_name),
        ("ItemId", &p.item_id),
        ("LongId", &p.long_id),
        ("ParentId", &p.parent_id),
        ("Occurrence", &p.occurrence),
    ];
    for (name, value) in optional {
        if let Some(value) = value {
            pairs.push((name, value.clone()));
        }
    }
    if p.save_in_sent {
        pairs.push(("SaveInSent", "T".into()));
    }
    pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect::<Vec<_>>().join("&")
}

fn push_field(out: &mut Vec<u8>, name: &'static str, bytes: &[u8]) -> Result<(), QueryError> {
    let len = u8::try_from(bytes.len()).map_err(|_| QueryError::Invalid { name, reason: "longer than 255 bytes".into() })?;
    out.push(len);
    out.extend_from_slice(bytes);
    Ok(())
}

/// A DeviceId as text: printable identifiers as they are, binary ids (Windows Mobile sends
/// 16 raw bytes) as lowercase hex.
fn device_id_text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(s) if !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') => s.to_string(),
        _ => bytes.iter().map(|b| format!("{b:02x}")).collect(),
    }
}

fn utf8_field(name: &'static str, bytes: &[u8]) -> Result<String, QueryError> {
    String::from_utf8(bytes.to_vec()).map_err(|_| QueryError::Invalid { name, reason: "not UTF-8".into() })
}

fn decode_base64_lenient(text: &str) -> Result<Vec<u8>, QueryError> {
    use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
    let text = text.trim();
    if text.is_empty() {
        return Err(QueryError::Missing("Cmd"));
    }
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        if let Ok(bytes) = engine.decode(text) {
            return Ok(bytes);
        }
    }
    Err(QueryError::BadBase64(format!("{} characters that are not base64", text.len())))
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn done(&self) -> bool {
        self.at >= self.bytes.len()
    }

    fn byte(&mut self, what: &'static str) -> Result<u8, QueryError> {
        let b = *self.bytes.get(self.at).ok_or(QueryError::Truncated(what))?;
        self.at += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize, what: &'static str) -> Result<&'a [u8], QueryError> {
        let end = self.at.checked_add(n).filter(|&e| e <= self.bytes.len()).ok_or(QueryError::Truncated(what))?;
        let slice = &self.bytes[self.at..end];
        self.at = end;
        Ok(slice)
    }
}

/// Percent-decoding into UTF-8. `plus_is_space` for form-style plain queries.
pub fn percent_decode(s: &str, plus_is_space: bool) -> Result<String, QueryError> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'%' => {
                let hex = bytes.get(i + 1..i + 3).ok_or(QueryError::BadPercentEncoding)?;
                let hex = std::str::from_utf8(hex).map_err(|_| QueryError::BadPercentEncoding)?;
                out.push(u8::from_str_radix(hex, 16).map_err(|_| QueryError::BadPercentEncoding)?);
                i += 3;
            }
            b'+' if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).map_err(|_| QueryError::BadPercentEncoding)
}

/// Percent-encoding of everything but RFC 3986 unreserved characters.
pub(crate) fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_spec_example_decodes() {
        let q = parse_base64("jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l").unwrap();
        assert_eq!(q.version, ProtocolVersion::V14_0);
        assert_eq!(q.command, Command::Sync);
        assert_eq!(q.locale, 0x0409);
        assert_eq!(q.device_id, "v140Device");
        assert_eq!(q.policy_key, None);
        assert_eq!(q.device_type, "SmartPhone");
        assert_eq!(q.user, None);
        assert_eq!(q.params, CommandParams::default());
        assert_eq!(encode_base64(&q).unwrap(), "jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l");
    }

    /// A 12.1 Provision with a binary DeviceId and a 4-byte policy key, and a SmartForward
    /// with parameters: public fixtures of Horde's ActiveSync library.
    #[test]
    fn binary_device_ids_little_endian_keys_and_parameters() {
        let q = parse_base64("eRQJBBCuTs0Z9ZK6Vldwb/dM8JusBHx8TOgDUFBD").unwrap();
        assert_eq!(q.version, ProtocolVersion::V12_1);
        assert_eq!(q.command, Command::Provision);
        assert_eq!(q.locale, 1033);
        assert_eq!(q.device_id, "ae4ecd19f592ba5657706ff74cf09bac");
        assert_eq!(q.policy_key.as_deref(), Some("3897326716"));
        assert_eq!(q.device_type, "PPC");

        let q = parse_base64("eQIJBBCuTs0Z9ZK6Vldwb/dM8JusBHVeHIQDUFBDBwEBAwYxMTkyODEBBUlOQk9Y").unwrap();
        assert_eq!(q.command, Command::SmartForward);
        assert_eq!(q.params.item_id.as_deref(), Some("119281"));
        assert_eq!(q.params.collection_id.as_deref(), Some("INBOX"));
        assert!(q.params.save_in_sent);
        assert!(!q.params.accept_multipart);
    }

    #[test]
    fn base64_round_trips_and_refuses_what_it_cannot_carry() {
        let q = Base64Query {
            version: ProtocolVersion::V16_1,
            command: Command::Ping,
            locale: DEFAULT_LOCALE,
            device_id: "dev1".into(),
            policy_key: Some("4294967295".into()),
            device_type: "iPhone".into(),
            user: Some("alice@example.test".into()),
            params: CommandParams { save_in_sent: true, accept_multipart: true, collection_id: Some("5".into()), ..Default::default() },
        };
        let text = encode_base64(&q).unwrap();
        assert_eq!(parse_base64(&text).unwrap(), q);
        let pct = text.replace('+', "%2B").replace('/', "%2F").replace('=', "%3D");
        assert_eq!(parse_base64(&pct).unwrap(), q);
        let old = Base64Query { version: ProtocolVersion::V12_0, ..q.clone() };
        assert_eq!(encode_base64(&old), Err(QueryError::Base64NotAllowed(ProtocolVersion::V12_0)));
        let bad_key = Base64Query { policy_key: Some("abc".into()), ..q };
        assert!(encode_base64(&bad_key).is_err());
    }

    #[test]
    fn malformed_base64_is_an_error_not_a_panic() {
        assert!(matches!(parse_base64(""), Err(QueryError::Missing(_))));
        assert!(matches!(parse_base64("!!!"), Err(QueryError::BadBase64(_))));
        assert!(matches!(parse_base64("jA"), Err(QueryError::Truncated(_))));
        // Version 12.0 in the base64 form.
        let bytes = [120u8, 0, 9, 4, 1, b'd', 0, 1, b't'];
        let text = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(parse_base64(&text), Err(QueryError::Base64NotAllowed(ProtocolVersion::V12_0)));
        // A 3-byte policy key.
        let bytes = [140u8, 0, 9, 4, 1, b'd', 3, 1, 2, 3, 1, b't'];
        let text = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert_eq!(parse_base64(&text), Err(QueryError::PolicyKeyLength(3)));
        // A parameter running past the end.
        let bytes = [140u8, 0, 9, 4, 1, b'd', 0, 1, b't', 1, 9, b'x'];
        let text = base64::engine::general_purpose::STANDARD.encode(bytes);
        assert!(matches!(parse_base64(&text), Err(QueryError::Truncated(_))));
    }

    #[test]
    fn plain_queries_parse_and_round_trip() {
        let q = parse_plain("Cmd=FolderSync&User=fakename&DeviceId=v140Device&DeviceType=SmartPhone").unwrap();
        assert_eq!(q.command, Command::FolderSync);
        assert_eq!(q.user, "fakename");
        assert_eq!(q.device_id, "v140Device");
        assert_eq!(q.device_type, "SmartPhone");
        let q = parse_plain("cmd=SendMail&user=DOM%5Calice&deviceid=d1&devicetype=t&SaveInSent=T&ItemId=5%3A1").unwrap();
        assert_eq!(q.user, "DOM\\alice");
        assert!(q.params.save_in_sent);
        assert_eq!(q.params.item_id.as_deref(), Some("5:1"));
        assert_eq!(parse_plain(&encode_plain(&q)).unwrap(), q);
    }

    #[test]
    fn plain_queries_refuse_missing_and_odd_values() {
        assert_eq!(parse_plain("User=u&DeviceId=d&DeviceType=t"), Err(QueryError::Missing("Cmd")));
        assert_eq!(parse_plain("Cmd=Sync&DeviceId=d&DeviceType=t"), Err(QueryError::Missing("User")));
        assert!(matches!(parse_plain("Cmd=Nope&User=u&DeviceId=d&DeviceType=t"), Err(QueryError::UnknownCommand(_))));
        assert!(matches!(parse_plain("Cmd=Sync&User=u&DeviceId=a%20b&DeviceType=t"), Err(QueryError::Invalid { .. })));
        assert!(matches!(parse_plain("Cmd=Sync&User=u&DeviceId=&DeviceType=t"), Err(QueryError::Invalid { .. })));
        assert_eq!(parse_plain("Cmd=Sync%ZZ"), Err(QueryError::BadPercentEncoding));
        assert!(is_plain("Cmd=Sync&User=u"));
        assert!(!is_plain("jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l"));
    }
}
