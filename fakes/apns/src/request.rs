//! Validation of one provider request's method, headers, path and body, as pure functions.
//!
//! The checks run in the order of Pushy's `ValidatingPushNotificationHandler` (the most
//! widely used APNs mock; Apple does not document its order): duplicate headers, `apns-id`,
//! method, topic, collapse id, priority, push type, expiration, then the path, then (in
//! [`Apns`](crate::Apns)) device state and authentication, and the payload last. Two additions
//! to Pushy's list: `DuplicateHeaders` comes first, because a repeated header makes every
//! later check ambiguous, and `apns-expiration` is checked after the push type (Pushy does
//! not check it at all).
//!
//! Everything here takes untrusted input and returns a [`Reason`] instead of panicking.

use crate::reason::Reason;
use http::{HeaderMap, Method};

/// Body limit for every push type but VoIP (Apple: 4 KB).
pub(crate) const MAX_PAYLOAD: usize = 4096;
/// Body limit for VoIP pushes (Apple: 5 KB).
pub(crate) const MAX_VOIP_PAYLOAD: usize = 5120;
/// `apns-collapse-id` limit, counted in UTF-8 bytes.
pub(crate) const MAX_COLLAPSE_ID: usize = 64;
/// Every provider request goes to this prefix followed by the device token.
pub(crate) const DEVICE_PATH_PREFIX: &str = "/3/device/";
/// Device tokens longer than this are rejected without a lookup (real ones are 32 bytes, 64
/// hex digits; the limit only keeps absurd input out of maps and logs).
pub(crate) const MAX_DEVICE_TOKEN_LEN: usize = 200;

/// The headers whose repetition gives `DuplicateHeaders`. Other headers may legitimately
/// repeat in HTTP/2 (`cookie` is split into one field per crumb).
pub(crate) const APNS_HEADERS: &[&str] =
    &["apns-id", "apns-topic", "apns-push-type", "apns-priority", "apns-expiration", "apns-collapse-id", "authorization"];

macro_rules! push_types {
    ($($(#[$doc:meta])* $variant:ident => $wire:literal, $suffix:literal;)+) => {
        /// Apple's push types, as sent in `apns-push-type`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum PushType { $($(#[$doc])* $variant),+ }

        impl PushType {
            /// Every push type, in the order of Apple's header table.
            pub const ALL: &'static [PushType] = &[$(PushType::$variant),+];

            /// The exact header value.
            pub fn as_str(self) -> &'static str {
                match self { $(PushType::$variant => $wire),+ }
            }

            /// Exact, case-sensitive: Apple's values are lowercase and clients send them so.
            pub fn parse(s: &str) -> Option<PushType> {
                match s { $($wire => Some(PushType::$variant),)+ _ => None }
            }

            /// What Apple appends to the bundle id to form this push type's topic.
            pub fn topic_suffix(self) -> &'static str {
                match self { $(PushType::$variant => $suffix),+ }
            }
        }
    };
}

push_types! {
    /// A notification the user sees or hears (alert, sound, badge).
    Alert => "alert", "";
    /// A silent `content-available` push that wakes the app; priority 5 only.
    Background => "background", "";
    /// A location query to a Location Push Service extension.
    Location => "location", ".location-query";
    /// A VoIP call invitation for PushKit.
    Voip => "voip", ".voip";
    /// An update to a watchOS complication.
    Complication => "complication", ".complication";
    /// A change signal to a File Provider extension.
    FileProvider => "fileprovider", ".pushkit.fileprovider";
    /// A wake-up for a device under mobile device management.
    Mdm => "mdm", "";
    /// An update to a Live Activity.
    LiveActivity => "liveactivity", ".push-type.liveactivity";
    /// A Push to Talk channel update.
    PushToTalk => "pushtotalk", ".voip-ptt";
}

/// The validated APNs headers of one request.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PushHeaders {
    /// As the client sent it; `None` when absent (the server then makes one up).
    pub apns_id: Option<String>,
    /// The header's value, or the certificate's default topic.
    pub topic: String,
    /// `apns-push-type`: required for watchOS 6 and later, recommended elsewhere; APNs still accepts its absence.
    pub push_type: Option<PushType>,
    /// 10 when absent, as Apple documents.
    pub priority: u8,
    /// UNIX seconds; 0 means "deliver once, do not store".
    pub expiration: Option<u64>,
    /// `apns-collapse-id`, at most 64 bytes of UTF-8.
    pub collapse_id: Option<String>,
}

/// Check the method and headers of a provider request.
///
/// `default_topic` is what an absent `apns-topic` becomes: in certificate mode the
/// certificate's UID (or the reason the certificate is unusable), in token mode
/// `Err(MissingTopic)`, since token auth always needs a topic.
pub fn check_headers(method: &Method, headers: &HeaderMap, default_topic: Result<String, Reason>) -> Result<PushHeaders, Reason> {
    if APNS_HEADERS.iter().any(|h| headers.get_all(*h).iter().nth(1).is_some()) {
        return Err(Reason::DuplicateHeaders);
    }
    let apns_id = match headers.get("apns-id") {
        None => None,
        Some(v) => match v.to_str() {
            Ok(s) if is_uuid(s) => Some(s.to_string()),
            _ => return Err(Reason::BadMessageId),
        },
    };
    if method != Method::POST {
        return Err(Reason::MethodNotAllowed);
    }
    let topic = match headers.get("apns-topic") {
        None => default_topic?,
        Some(v) => match v.to_str() {
            Ok(s) if !s.trim().is_empty() && s.len() <= 255 && !s.contains(char::is_whitespace) => s.to_string(),
            _ => return Err(Reason::BadTopic),
        },
    };
    let collapse_id = match headers.get("apns-collapse-id") {
        None => None,
        Some(v) if v.as_bytes().len() > MAX_COLLAPSE_ID => return Err(Reason::BadCollapseId),
        Some(v) => Some(String::from_utf8_lossy(v.as_bytes()).into_owned()),
    };
    let priority = match headers.get("apns-priority") {
        None => 10,
        Some(v) => match v.to_str().ok().map(str::trim) {
            Some("10") => 10,
            Some("5") => 5,
            Some("1") => 1,
            _ => return Err(Reason::BadPriority),
        },
    };
    let push_type = match headers.get("apns-push-type") {
        None => None,
        Some(v) => match v.to_str().ok().and_then(|s| PushType::parse(s.trim())) {
            Some(t) => Some(t),
            None => return Err(Reason::InvalidPushType),
        },
    };
    let expiration = match headers.get("apns-expiration") {
        None => None,
        Some(v) => match v.to_str().ok().map(str::trim) {
            Some(s) if !s.is_empty() && s.len() <= 19 && s.bytes().all(|b| b.is_ascii_digit()) => {
                Some(s.parse::<u64>().map_err(|_| Reason::BadExpirationDate)?)
            }
            _ => return Err(Reason::BadExpirationDate),
        },
    };
    Ok(PushHeaders { apns_id, topic, push_type, priority, expiration, collapse_id })
}

/// The `apns-id` to put on the response: the client's own when it sent a printable one (even
/// an invalid one, so that a client can file the `BadMessageId` error under the id it used),
/// otherwise `None` and the server makes one up.
pub fn apns_id_to_echo(headers: &HeaderMap) -> Option<String> {
    let v = headers.get("apns-id")?.to_str().ok()?;
    (!v.is_empty()).then(|| v.to_string())
}

/// `8-4-4-4-12` hex digits. Apple's canonical form is lowercase; uppercase is accepted as
/// well, as Pushy's mock does, because Swift's `UUID().uuidString` is uppercase and a
/// harness must not fail clients on a point Apple does not reject them for.
pub(crate) fn is_uuid(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 36
        && b.iter().enumerate().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => *c == b'-',
            _ => c.is_ascii_hexdigit(),
        })
}

/// The device token of a `/3/device/<token>` path, lowercased for lookup.
pub fn parse_path(path: &str) -> Result<String, Reason> {
    let Some(token) = path.strip_prefix(DEVICE_PATH_PREFIX) else {
        return Err(Reason::BadPath);
    };
    if token.is_empty() {
        return Err(Reason::MissingDeviceToken);
    }
    if token.len() > MAX_DEVICE_TOKEN_LEN || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Reason::BadDeviceToken);
    }
    Ok(token.to_ascii_lowercase())
}

/// The app a topic belongs to: the topic without the push type suffix Apple appends.
pub fn topic_bundle(topic: &str) -> &str {
    // Longest suffixes first: ".voip-ptt" must not be read as ending in ".voip".
    let mut suffixes: Vec<&str> = PushType::ALL.iter().map(|t| t.topic_suffix()).filter(|s| !s.is_empty()).collect();
    suffixes.sort_by_key(|s| std::cmp::Reverse(s.len()));
    for s in suffixes {
        if let Some(base) = topic.strip_suffix(s) {
            if !base.is_empty() {
                return base;
            }
        }
    }
    topic
}

/// Check the body: not empty, within the push type's limit, a JSON object.
///
/// Apple documents no reason for a body that is not JSON; this fake answers `PayloadEmpty`
/// (400), the documented reason closest to "there is no payload to deliver" (UNCONFIRMED what
/// real APNs sends). `{}` is accepted: Wallet pass updates are exactly that.
pub fn check_payload(body: &[u8], push_type: Option<PushType>) -> Result<serde_json::Map<String, serde_json::Value>, Reason> {
    if body.is_empty() {
        return Err(Reason::PayloadEmpty);
    }
    let limit = if push_type == Some(PushType::Voip) { MAX_VOIP_PAYLOAD } else { MAX_PAYLOAD };
    if body.len() > limit {
        return Err(Reason::PayloadTooLarge);
    }
    match serde_json::from_slice::<serde_json::Value>(body) {
        Ok(serde_json::Value::Object(m)) => Ok(m),
        _ => Err(Reason::PayloadEmpty),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http::HeaderValue;
    use proptest::prelude::*;

    const ID: &str = "eabeae54-14a8-11e5-b60b-1697f925ec7b";

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(http::header::HeaderName::from_bytes(k.as_bytes()).unwrap(), HeaderValue::from_str(v).unwrap());
        }
        h
    }

    fn check(pairs: &[(&str, &str)]) -> Result<PushHeaders, Reason> {
        check_headers(&Method::POST, &headers(pairs), Err(Reason::MissingTopic))
    }

    #[test]
    fn a_full_request_parses() {
        let h = check(&[
            ("apns-id", ID),
            ("apns-topic", "com.example.securemail"),
            ("apns-push-type", "alert"),
            ("apns-priority", "5"),
            ("apns-expiration", "0"),
            ("apns-collapse-id", "conv-1"),
        ])
        .unwrap();
        assert_eq!(h.apns_id.as_deref(), Some(ID));
        assert_eq!(h.topic, "com.example.securemail");
        assert_eq!(h.push_type, Some(PushType::Alert));
        assert_eq!(h.priority, 5);
        assert_eq!(h.expiration, Some(0));
        assert_eq!(h.collapse_id.as_deref(), Some("conv-1"));
    }

    #[test]
    fn defaults_when_optional_headers_are_absent() {
        let h = check(&[("apns-topic", "a.b")]).unwrap();
        assert_eq!((h.apns_id, h.push_type, h.priority, h.expiration, h.collapse_id), (None, None, 10, None, None));
    }

    #[test]
    fn each_bad_header_gets_its_reason() {
        let t = ("apns-topic", "a.b");
        assert_eq!(check(&[t, ("apns-id", "nope")]), Err(Reason::BadMessageId));
        assert_eq!(check(&[t, ("apns-id", &ID.replace('-', "_"))]), Err(Reason::BadMessageId));
        assert_eq!(check(&[]), Err(Reason::MissingTopic));
        assert_eq!(check(&[("apns-topic", "")]), Err(Reason::BadTopic));
        assert_eq!(check(&[t, ("apns-collapse-id", &"x".repeat(65))]), Err(Reason::BadCollapseId));
        assert!(check(&[t, ("apns-collapse-id", &"x".repeat(64))]).is_ok());
        assert_eq!(check(&[t, ("apns-priority", "7")]), Err(Reason::BadPriority));
        assert_eq!(check(&[t, ("apns-priority", "high")]), Err(Reason::BadPriority));
        assert_eq!(check(&[t, ("apns-push-type", "Alert")]), Err(Reason::InvalidPushType));
        assert_eq!(check(&[t, ("apns-push-type", "sms")]), Err(Reason::InvalidPushType));
        assert_eq!(check(&[t, ("apns-expiration", "-1")]), Err(Reason::BadExpirationDate));
        assert_eq!(check(&[t, ("apns-expiration", "1.5")]), Err(Reason::BadExpirationDate));
        assert_eq!(check(&[t, ("apns-expiration", "99999999999999999999")]), Err(Reason::BadExpirationDate));
        assert_eq!(check(&[t, ("apns-topic", "c.d")]), Err(Reason::DuplicateHeaders));
        assert_eq!(check(&[t, ("apns-id", ID), ("apns-id", ID)]), Err(Reason::DuplicateHeaders));
    }

    #[test]
    fn collapse_id_is_counted_in_utf8_bytes() {
        let mut h = headers(&[("apns-topic", "a.b")]);
        // 22 three-byte characters: 22 characters but 66 bytes.
        h.insert("apns-collapse-id", HeaderValue::from_bytes("€".repeat(22).as_bytes()).unwrap());
        assert_eq!(check_headers(&Method::POST, &h, Err(Reason::MissingTopic)), Err(Reason::BadCollapseId));
    }

    #[test]
    fn order_follows_pushy() {
        // A bad apns-id wins over a bad method; a bad method over a missing topic; a missing
        // topic over a bad priority.
        let h = headers(&[("apns-id", "x"), ("apns-priority", "3")]);
        assert_eq!(check_headers(&Method::GET, &h, Err(Reason::MissingTopic)), Err(Reason::BadMessageId));
        let h = headers(&[("apns-priority", "3")]);
        assert_eq!(check_headers(&Method::GET, &h, Err(Reason::MissingTopic)), Err(Reason::MethodNotAllowed));
        assert_eq!(check_headers(&Method::POST, &h, Err(Reason::MissingTopic)), Err(Reason::MissingTopic));
        assert_eq!(check_headers(&Method::POST, &h, Ok("a.b".into())), Err(Reason::BadPriority));
    }

    #[test]
    fn certificate_default_topic_fills_a_missing_header() {
        let h = check_headers(&Method::POST, &HeaderMap::new(), Ok("com.example.securemail".into())).unwrap();
        assert_eq!(h.topic, "com.example.securemail");
        let e = check_headers(&Method::POST, &HeaderMap::new(), Err(Reason::BadCertificate));
        assert_eq!(e, Err(Reason::BadCertificate));
    }

    #[test]
    fn uuids_in_either_case() {
        assert!(is_uuid(ID));
        assert!(is_uuid(&ID.to_uppercase()));
        assert!(!is_uuid(&ID[1..]));
        assert!(!is_uuid("eabeae54014a8-11e5-b60b-1697f925ec7b"));
        assert!(!is_uuid("gabeae54-14a8-11e5-b60b-1697f925ec7b"));
    }

    #[test]
    fn paths() {
        let tok = "AB".repeat(32);
        assert_eq!(parse_path(&format!("/3/device/{tok}")), Ok("ab".repeat(32)));
        assert_eq!(parse_path("/3/device/"), Err(Reason::MissingDeviceToken));
        assert_eq!(parse_path("/3/device/xyz"), Err(Reason::BadDeviceToken));
        assert_eq!(parse_path(&format!("/3/device/{tok}/x")), Err(Reason::BadDeviceToken));
        assert_eq!(parse_path("/3/device"), Err(Reason::BadPath));
        assert_eq!(parse_path("/2/device/ab"), Err(Reason::BadPath));
        assert_eq!(parse_path("/"), Err(Reason::BadPath));
    }

    #[test]
    fn topics_map_back_to_their_app() {
        assert_eq!(topic_bundle("com.example.securemail"), "com.example.securemail");
        assert_eq!(topic_bundle("com.example.securemail.voip"), "com.example.securemail");
        assert_eq!(topic_bundle("com.example.securemail.voip-ptt"), "com.example.securemail");
        assert_eq!(topic_bundle("com.example.securemail.complication"), "com.example.securemail");
        assert_eq!(topic_bundle("com.example.securemail.pushkit.fileprovider"), "com.example.securemail");
        assert_eq!(topic_bundle("com.example.securemail.push-type.liveactivity"), "com.example.securemail");
        assert_eq!(topic_bundle(".voip"), ".voip");
    }

    #[test]
    fn payloads() {
        assert_eq!(check_payload(b"", None), Err(Reason::PayloadEmpty));
        assert_eq!(check_payload(b"not json", None), Err(Reason::PayloadEmpty));
        assert_eq!(check_payload(b"[1]", None), Err(Reason::PayloadEmpty));
        assert!(check_payload(b"{}", None).unwrap().is_empty());
        let big = |n: usize| format!("{{\"a\":\"{}\"}}", "x".repeat(n - 8)).into_bytes();
        assert_eq!(big(4096).len(), 4096);
        assert!(check_payload(&big(4096), Some(PushType::Alert)).is_ok());
        assert_eq!(check_payload(&big(4097), Some(PushType::Alert)), Err(Reason::PayloadTooLarge));
        assert_eq!(check_payload(&big(4097), None), Err(Reason::PayloadTooLarge));
        assert!(check_payload(&big(5120), Some(PushType::Voip)).is_ok());
        assert_eq!(check_payload(&big(5121), Some(PushType::Voip)), Err(Reason::PayloadTooLarge));
        // Size is checked before syntax, as in Pushy: an oversized non-JSON body is too large.
        assert_eq!(check_payload(&vec![b'x'; 5000], None), Err(Reason::PayloadTooLarge));
    }

    fn header_name() -> impl Strategy<Value = String> {
        prop_oneof![proptest::sample::select(APNS_HEADERS.to_vec()).prop_map(String::from), "[a-z][a-z0-9-]{0,12}",]
    }

    proptest! {
        #[test]
        fn arbitrary_headers_never_panic_and_give_a_documented_400_to_405(
            pairs in proptest::collection::vec((header_name(), proptest::collection::vec(any::<u8>(), 0..80)), 0..10),
            method in proptest::sample::select(vec!["POST", "GET", "PUT", "DELETE", "PATCH"]),
            cert_default in any::<bool>(),
        ) {
            let mut h = HeaderMap::new();
            for (k, v) in &pairs {
                if let (Ok(name), Ok(value)) = (http::header::HeaderName::from_bytes(k.as_bytes()), HeaderValue::from_bytes(v)) {
                    h.append(name, value);
                }
            }
            let method = Method::from_bytes(method.as_bytes()).unwrap();
            let default = if cert_default { Ok("com.example.app".to_string()) } else { Err(Reason::MissingTopic) };
            match check_headers(&method, &h, default) {
                Ok(p) => {
                    prop_assert!([10, 5, 1].contains(&p.priority));
                    prop_assert!(p.collapse_id.is_none_or(|c| c.len() <= MAX_COLLAPSE_ID * 3));
                    prop_assert!(!p.topic.is_empty());
                }
                Err(r) => {
                    prop_assert!(Reason::ALL.contains(&r));
                    prop_assert!([400, 405].contains(&r.status()), "{}", r);
                }
            }
        }

        #[test]
        fn arbitrary_paths_never_panic(path in "\\PC{0,120}") {
            match parse_path(&path) {
                Ok(t) => {
                    prop_assert!(t.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
                    prop_assert!(!t.is_empty());
                }
                Err(r) => prop_assert!(matches!(r, Reason::BadPath | Reason::MissingDeviceToken | Reason::BadDeviceToken)),
            }
        }

        #[test]
        fn arbitrary_bodies_never_panic(body in proptest::collection::vec(any::<u8>(), 0..6000), voip in any::<bool>()) {
            let t = if voip { Some(PushType::Voip) } else { None };
            match check_payload(&body, t) {
                Ok(_) => prop_assert!(body.len() <= MAX_VOIP_PAYLOAD),
                Err(r) => prop_assert!(matches!(r, Reason::PayloadEmpty | Reason::PayloadTooLarge)),
            }
        }
    }
}
