//! One function per fuzz target: what the fuzzer's bytes are fed to.
//!
//! Each returns whether the decoder accepted the input, so that the seed test can insist that
//! every committed seed is a valid message (a seed the decoder refuses explores nothing past
//! the first check). Everything else a target checks, it checks by panicking.

use crate::{http_text, keys};
use mailconform_activesync::{decode, encode, EasRequest};
use mailconform_apns::auth::TokenAuth;
use mailconform_apns::jwt::ProviderToken;
use mailconform_apns::request::{apns_id_to_echo, check_headers, check_payload, parse_path, topic_bundle};
use mailconform_apns::Reason;
use mailconform_auth::jwt::{OAuthTrust, TokenIssuer};
use mailconform_auth::kerberos::{Kdc, Keytab};
use mailconform_auth::krb5::{self, KdcService};
use mailconform_auth::ntlm::{Message, NtlmAcceptor, NtlmInitiator, NtlmV2Response, ServerIdentity};
use mailconform_auth::spnego::{self, NegotiateToken};
use mailconform_auth::{challenge, ntlm::Step};
use mailconform_tls::wire::{self, ClientHello, ServerHello};
use mailconform_tls::{Version, VersionSet};
use std::sync::OnceLock;

/// What a decoder made of one input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The decoder read it as a message of its protocol.
    Accepted,
    /// The decoder refused it with an error (as it must, for most fuzz inputs).
    Rejected,
}

impl Outcome {
    fn of(accepted: bool) -> Outcome {
        if accepted {
            Outcome::Accepted
        } else {
            Outcome::Rejected
        }
    }
}

/// One fuzz target: its name (the file under `fuzz/fuzz_targets/` and the folder under
/// `fuzz/seeds/`), what it feeds, and its body.
pub struct Target {
    /// The target's name: `fuzz/fuzz_targets/<name>.rs`, `fuzz/seeds/<name>/`.
    pub name: &'static str,
    /// What the target hands its bytes to, in a line.
    pub feeds: &'static str,
    /// The body: the fuzzer's bytes in, whether the decoder accepted them out.
    pub run: fn(&[u8]) -> Outcome,
}

/// Every target, in the order `fuzz/run` runs them.
pub const TARGETS: &[Target] = &[
    Target { name: "wbxml", feeds: "an ActiveSync WBXML body to the decoder, then re-encodes what it decoded", run: wbxml },
    Target {
        name: "eas_request",
        feeds: "an ActiveSync HTTP request (query in either form, headers, WBXML body) to EasRequest::from_http",
        run: eas_request,
    },
    Target { name: "ews_request", feeds: "an EWS SOAP request to the server's parse_request", run: ews_request },
    Target { name: "ews_response", feeds: "an EWS SOAP message from a server or a listener to every reader of one", run: ews_response },
    Target { name: "ntlm", feeds: "an NTLM message to the decoder, the acceptor (after a NEGOTIATE) and the initiator", run: ntlm_message },
    Target {
        name: "spnego",
        feeds: "a Negotiate token (SPNEGO, GSS Kerberos, raw NTLM) to classify and to what it carries",
        run: spnego_token,
    },
    Target { name: "kerberos", feeds: "an AP-REQ to a service's keytab, or ticket contents sealed with its key", run: kerberos },
    Target {
        name: "kdc_request",
        feeds: "a Kerberos request (AS-REQ, TGS-REQ with S4U) to the fake KDC's Kerberos side, which must answer",
        run: kdc_request,
    },
    Target { name: "auth_header", feeds: "a WWW-Authenticate or Authorization value to the challenge parsers", run: auth_header },
    Target {
        name: "tls_wire",
        feeds: "the first bytes of a TLS conversation to the record, ClientHello, ServerHello and alert readers",
        run: tls_wire,
    },
    Target {
        name: "apns_request",
        feeds: "an APNs provider request (method, path, headers, JSON body) to the request checks",
        run: apns_request,
    },
    Target { name: "apns_jwt", feeds: "an APNs authorization header (provider token) to token verification", run: apns_jwt },
    Target { name: "jwt", feeds: "an OAuth access token to the verifier, or claims signed by the trusted issuer", run: jwt },
];

/// The target called `name`.
pub fn target(name: &str) -> Option<&'static Target> {
    TARGETS.iter().find(|t| t.name == name)
}

/// WBXML: decode; a decoded document must encode, and its encoding decode to itself.
pub fn wbxml(data: &[u8]) -> Outcome {
    let Ok(doc) = decode(data) else { return Outcome::Rejected };
    let bytes = encode(&doc).unwrap_or_else(|e| panic!("a decoded document does not re-encode: {e}\n{doc}"));
    let again = decode(&bytes).unwrap_or_else(|e| panic!("the re-encoding does not decode: {e}\n{doc}"));
    assert_eq!(again, doc, "the re-encoding decodes to another document");
    let _ = doc.to_xml_string();
    Outcome::Accepted
}

/// An ActiveSync request as the server reads it.
pub fn eas_request(data: &[u8]) -> Outcome {
    let Some(req) = http_text::parse(data) else { return Outcome::Rejected };
    Outcome::of(EasRequest::from_http(&req).is_ok())
}

/// EWS: the server's request parser.
pub fn ews_request(data: &[u8]) -> Outcome {
    Outcome::of(mailconform_ews::parse_request(data).is_ok())
}

/// EWS: what a client reads from a server and what a listener and a server read from each other.
pub fn ews_response(data: &[u8]) -> Outcome {
    use mailconform_ews as ews;
    let results = [
        ews::parse_send_notification(data).is_ok_and(|n| !n.is_empty()),
        ews::parse_send_notification_result(data).is_ok(),
        ews::parse_subscribe_response(data).is_ok(),
        ews::parse_get_folder_response(data).is_ok(),
        ews::parse_unsubscribe_response(data).is_ok(),
        ews::parse_create_item_response(data).is_ok(),
        ews::parse_find_item_response(data).is_ok(),
        ews::parse_update_item_response(data).is_ok(),
        ews::parse_mark_all_read_response(data).is_ok(),
        ews::parse_error_response(data, "Subscribe").is_ok_and(|r| !r.is_empty()),
        ews::parse_fault(data).is_ok_and(|f| f.is_some()),
        ews::parse_fault_back_off(data).is_ok(),
        ews::parse_server_version_info(data).is_ok_and(|v| v.is_some()),
    ];
    Outcome::of(results.iter().any(|&ok| ok))
}

/// The server of the NTLM target, and the conversation every AUTHENTICATE is checked against.
pub mod ntlm_fixture {
    use super::*;

    /// The server challenge and the clock of the acceptor.
    pub const SERVER_CHALLENGE: [u8; 8] = *b"fuzz\x00\x01\x02\x03";
    /// The acceptor's clock (the CHALLENGE's timestamp).
    pub const NOW_MILLIS: u64 = keys::NOW_SECS * 1000;
    /// The initiator's client challenge.
    pub const CLIENT_CHALLENGE: [u8; 8] = *b"client!!";
    /// The user the initiator logs in as, and the password.
    pub const USER: &str = "EXAMPLE\\alice";
    /// `USER`'s password, the one [`passwords`] knows.
    pub const PASSWORD: &str = "alice-pw";

    /// An Exchange host's NTLM acceptor.
    pub fn acceptor() -> NtlmAcceptor {
        NtlmAcceptor::new(ServerIdentity {
            nb_domain: "EXAMPLE".into(),
            nb_computer: "EXCH01".into(),
            dns_domain: "example.test".into(),
            dns_computer: "mail.example.test".into(),
        })
    }

    /// The acceptor's password lookup: alice, with or without her domain.
    pub fn passwords(user: &str, domain: &str) -> Option<String> {
        (user.eq_ignore_ascii_case("alice") && (domain.is_empty() || domain.eq_ignore_ascii_case("EXAMPLE"))).then(|| PASSWORD.to_string())
    }

    /// The client whose NEGOTIATE opens every conversation of the target.
    pub fn initiator() -> (NtlmInitiator, Vec<u8>) {
        let mut i = NtlmInitiator::new(USER, PASSWORD, "SIMPHONE");
        let negotiate = i.negotiate();
        (i, negotiate)
    }

    /// The acceptor after the NEGOTIATE on connection 1, and its CHALLENGE.
    pub fn challenged() -> (NtlmAcceptor, Vec<u8>) {
        let a = acceptor();
        let (_, negotiate) = initiator();
        match a.step(1, &negotiate, SERVER_CHALLENGE, NOW_MILLIS, passwords) {
            Ok(Step::Challenge(c)) => (a, c),
            other => panic!("the acceptor does not answer the client's NEGOTIATE with a CHALLENGE: {other:?}"),
        }
    }
}

/// NTLM: decode; a decoded message re-encodes to one that decodes alike; the acceptor reads it
/// as the answer to its CHALLENGE; a CHALLENGE is answered by the initiator.
pub fn ntlm_message(data: &[u8]) -> Outcome {
    let Ok(msg) = Message::decode(data) else { return Outcome::Rejected };
    let again = Message::decode(&msg.encode()).unwrap_or_else(|e| panic!("the re-encoding of {msg:?} does not decode: {e}"));
    assert_eq!(again, msg, "the re-encoding decodes to another message");
    let (acceptor, _) = ntlm_fixture::challenged();
    let _ = acceptor.step(1, data, ntlm_fixture::SERVER_CHALLENGE, ntlm_fixture::NOW_MILLIS, ntlm_fixture::passwords);
    match &msg {
        Message::Challenge(c) => {
            let (initiator, _) = ntlm_fixture::initiator();
            if let Ok(answer) = initiator.authenticate(data, ntlm_fixture::CLIENT_CHALLENGE) {
                assert!(
                    matches!(Message::decode(&answer), Ok(Message::Authenticate(_))),
                    "the initiator's answer to {c:?} does not decode"
                );
            }
        }
        Message::Authenticate(a) => {
            if let Ok(r) = NtlmV2Response::parse(&a.nt_response) {
                let _ = (r.client_challenge(), r.av_pairs());
            }
        }
        Message::Negotiate(_) => {}
    }
    Outcome::Accepted
}

/// The service of the Kerberos and SPNEGO targets (deriving its key is slow: once per process).
fn keytab() -> &'static Keytab {
    static KEYTAB: OnceLock<Keytab> = OnceLock::new();
    KEYTAB.get_or_init(|| Keytab::new(keys::REALM, keys::SERVICE_SPN, keys::SERVICE_PASSWORD))
}

/// SPNEGO: what a Negotiate token carries, then that (an AP-REQ to the keytab, an NTLM message
/// to its decoder).
pub fn spnego_token(data: &[u8]) -> Outcome {
    let _ = spnego::parse_neg_token_resp(data);
    match spnego::classify(data) {
        Ok(NegotiateToken::Kerberos(ap_req)) => {
            let _ = keytab().accept(&ap_req, keys::NOW_SECS);
            Outcome::Accepted
        }
        Ok(NegotiateToken::Ntlm { message, .. }) => {
            let _ = Message::decode(&message);
            Outcome::Accepted
        }
        Err(_) => Outcome::Rejected,
    }
}

/// Kerberos, first byte 0: the rest is an AP-REQ for the keytab. First byte 1: the rest is a
/// ticket's contents, sealed with the service key and then accepted, so that the ticket
/// decoder and the time checks behind the seal see arbitrary bytes too.
pub fn kerberos(data: &[u8]) -> Outcome {
    match data.split_first() {
        Some((0, ap_req)) => Outcome::of(keytab().accept(ap_req, keys::NOW_SECS).is_ok()),
        Some((1, contents)) => {
            let sealed = keytab().seal_contents(contents, *b"fuzz-nonce12");
            Outcome::of(keytab().accept(&sealed, keys::NOW_SECS).is_ok())
        }
        _ => Outcome::Rejected,
    }
}

/// The fixture KDC's Kerberos side.
fn kdc_service() -> &'static KdcService<Kdc> {
    static KDC: OnceLock<KdcService<Kdc>> = OnceLock::new();
    KDC.get_or_init(|| KdcService::new(keys::kdc(mailconform_sim::Clock::simulated())))
}

/// A Kerberos request to the fake KDC: every input gets an answer, a reply or a KRB-ERROR.
/// Read as a request of the protocol unless the KDC could not read it (KRB_ERR_GENERIC): a
/// refusal of the protocol (PREAUTH_REQUIRED, BADOPTION, a bad checksum) is an answer to it.
pub fn kdc_request(data: &[u8]) -> Outcome {
    let answer = kdc_service().answer(data);
    assert!(answer.first().is_some_and(|t| [0x6b, 0x6d, 0x7e].contains(t)), "the KDC answered {answer:02x?}");
    Outcome::of(krb5::error_code(&answer) != Some(60))
}

/// HTTP authentication headers, and the tokens they carry.
pub fn auth_header(data: &[u8]) -> Outcome {
    let Ok(value) = std::str::from_utf8(data) else { return Outcome::Rejected };
    let challenges = challenge::parse(value);
    if let Ok(cs) = &challenges {
        for c in cs {
            let _ = c.decoded_token();
        }
    }
    let credential = challenge::parse_authorization(value);
    if let Ok(c) = &credential {
        let _ = c.decoded_token();
    }
    let _ = challenge::AuthMethod::parse_list(value);
    Outcome::of(challenges.is_ok_and(|c| !c.is_empty()))
}

/// Every set of versions a server can be configured with.
fn version_sets() -> impl Iterator<Item = VersionSet> {
    (1u32..32).map(|bits| {
        let chosen: Vec<Version> = Version::ALL.iter().enumerate().filter(|(i, _)| bits & (1 << i) != 0).map(|(_, v)| *v).collect();
        VersionSet::of(&chosen)
    })
}

/// TLS: the records; a ClientHello (what it offers, what each server would answer, and its
/// body read back); a ServerHello (what it settles on, its body read back); the first alert.
/// Accepted: a hello or an alert was read.
pub fn tls_wire(data: &[u8]) -> Outcome {
    let records = wire::records(data);
    if let Ok(rs) = &records {
        let _ = wire::parse_handshake(&wire::handshake_stream(rs));
    }
    let alert = wire::first_alert(data);
    let client = ClientHello::parse(data);
    if let Ok(Some(h)) = &client {
        let _ = h.offered();
        for set in version_sets() {
            let _ = wire::negotiate(set, h);
        }
        let back = ClientHello::parse_body(h.record_version, &h.body()).unwrap_or_else(|e| panic!("the body of {h:?} does not parse: {e}"));
        assert_eq!(&back, h, "a ClientHello's body reads back as another hello");
        assert_eq!(ClientHello::parse(&h.encode()), Ok(Some(h.clone())), "a ClientHello's records read back as another hello");
    }
    let server = ServerHello::parse(data);
    if let Ok(Some(h)) = &server {
        let _ = (h.negotiated(), h.downgrade_sentinel());
        let back = ServerHello::parse_body(h.record_version, &h.body()).unwrap_or_else(|e| panic!("the body of {h:?} does not parse: {e}"));
        assert_eq!(&back, h, "a ServerHello's body reads back as another hello");
    }
    // A refusal is a valid flight too: the server's answer is an alert record.
    Outcome::of(matches!(client, Ok(Some(_))) || matches!(server, Ok(Some(_))) || alert.is_some())
}

/// APNs: the checks of one provider request, in the server's order.
pub fn apns_request(data: &[u8]) -> Outcome {
    let Some(req) = http_text::parse(data) else { return Outcome::Rejected };
    let _ = apns_id_to_echo(req.headers());
    let certificate_topic: Result<String, Reason> = Ok("com.example.securemail".into());
    let _ = check_headers(req.method(), req.headers(), certificate_topic);
    let Ok(headers) = check_headers(req.method(), req.headers(), Err(Reason::MissingTopic)) else { return Outcome::Rejected };
    let _ = topic_bundle(&headers.topic);
    let path = parse_path(req.uri().path());
    let payload = check_payload(req.body(), headers.push_type);
    Outcome::of(path.is_ok() && payload.is_ok())
}

/// The APNs token verifier, trusting the fixture team's key.
fn apns_auth() -> TokenAuth {
    let auth = TokenAuth::default();
    auth.add_team(&keys::apns_team_key()).expect("the fixture team key is a P-256 SPKI");
    auth
}

/// APNs tokens: the `authorization` value on two requests of one connection (the second
/// exercises the per-connection rules), and the token decoder on its own.
pub fn apns_jwt(data: &[u8]) -> Outcome {
    if let Ok(text) = std::str::from_utf8(data) {
        let token = text.trim();
        let token = token.get(..7).filter(|s| s.eq_ignore_ascii_case("bearer ")).map_or(token, |_| &token[7..]);
        let _ = ProviderToken::decode(token);
    }
    let Ok(value) = http::HeaderValue::from_bytes(data) else { return Outcome::Rejected };
    let auth = apns_auth();
    let first = auth.verify(1, Some(&value), keys::NOW_SECS);
    let _ = auth.verify(1, Some(&value), keys::NOW_SECS + 60);
    Outcome::of(first.is_ok())
}

/// The fixture OAuth issuer and what a resource trusts of it.
fn oauth() -> &'static (TokenIssuer, OAuthTrust) {
    static OAUTH: OnceLock<(TokenIssuer, OAuthTrust)> = OnceLock::new();
    OAUTH.get_or_init(|| {
        let issuer =
            TokenIssuer::from_pkcs8(keys::OAUTH_ISSUER, keys::OAUTH_KID, &keys::oauth_pkcs8()).expect("the fixture key is a P-256 PKCS#8");
        let trust = issuer.trust(keys::OAUTH_AUDIENCE);
        (issuer, trust)
    })
}

/// OAuth JWTs, first byte 0: the rest is a token for the verifier. First byte 1: the rest is
/// the claims (JSON), signed by the trusted issuer and then verified, so that the claim checks
/// behind the signature see arbitrary claims too.
pub fn jwt(data: &[u8]) -> Outcome {
    let (issuer, trust) = oauth();
    match data.split_first() {
        Some((0, token)) => {
            let Ok(token) = std::str::from_utf8(token) else { return Outcome::Rejected };
            Outcome::of(trust.verify(token, keys::NOW_SECS).is_ok())
        }
        Some((1, claims)) => {
            let Ok(claims) = serde_json::from_slice::<serde_json::Value>(claims) else { return Outcome::Rejected };
            Outcome::of(trust.verify(&issuer.sign(&claims), keys::NOW_SECS).is_ok())
        }
        _ => Outcome::Rejected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_target_refuses_nothing_at_all_without_panicking() {
        for t in TARGETS {
            assert_eq!((t.run)(&[]), Outcome::Rejected, "{}", t.name);
        }
    }

    #[test]
    fn target_names_are_unique() {
        let mut names: Vec<&str> = TARGETS.iter().map(|t| t.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), TARGETS.len());
    }

    #[test]
    fn the_ntlm_fixture_completes_a_handshake() {
        let (acceptor, challenge) = ntlm_fixture::challenged();
        let (initiator, _) = ntlm_fixture::initiator();
        let answer = initiator.authenticate(&challenge, ntlm_fixture::CLIENT_CHALLENGE).unwrap();
        let step = acceptor.step(1, &answer, ntlm_fixture::SERVER_CHALLENGE, ntlm_fixture::NOW_MILLIS, ntlm_fixture::passwords).unwrap();
        assert!(matches!(step, Step::Authenticated(ref id) if id.user == "alice"), "{step:?}");
        assert!(mailconform_auth::ntlm::is_ntlm(&answer));
    }
}
