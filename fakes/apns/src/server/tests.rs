//! End-to-end tests: the fake hosted in a [`Simulation`], reached over simulated TLS and
//! HTTP/2 by [`ProviderClient`] and raw requests, observed through [`ApnsControl`].

use crate::jwt::{generate_team_key, sign_es256};
use crate::reason::Reason;
use crate::{ApnsConfig, ApnsControl, ApnsError, AuthMode, Environment, Notification, ProviderAuth, ProviderClient, TeamKey};
use bytes::Bytes;
use mailconform_sim::tls::{self, ClientAuth};
use mailconform_sim::ClientCertSpec;
use mailconform_sim::{ClientIdentity, ConnInfo, FakeEnv, Handler, HttpClient, RequestOptions, Response, Simulation, CONTROL_PREFIX};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;

const HOST: &str = "api.push.apple.test";
const BASE: &str = "https://api.push.apple.test";
const BUNDLE: &str = "com.example.securemail";
const TEAM: &str = "TEAM123456";
const KID: &str = "KEY1234567";

struct World {
    sim: Simulation,
    apns: Arc<crate::Apns>,
    control: ApnsControl,
    team: TeamKey,
    key: Vec<u8>,
}

fn world(seed: u64, environment: Environment) -> World {
    let mut sim = Simulation::new(seed).unwrap();
    let (team, key, _) = generate_team_key(TEAM, KID);
    let env = FakeEnv::new(sim.client(), sim.clock.clone(), sim.rng.fork("apns"));
    let apns = {
        let _g = sim.enter();
        crate::Apns::new(env, ApnsConfig { environment, teams: vec![team.clone()] })
    };
    let roots = tls::roots(&[sim.pki.push_ca.cert_der().clone()]);
    sim.add_host("apns", HOST, apns.clone(), ClientAuth::Optional(roots), false).unwrap();
    let control = ApnsControl::new(sim.client(), &format!("https://{HOST}{CONTROL_PREFIX}"));
    World { sim, apns, control, team, key }
}

impl World {
    fn cert(&self, id: &str, uid: Option<&str>, not_before_unix: i64, not_after_unix: i64) -> ClientIdentity {
        let spec = ClientCertSpec {
            common_name: format!("Apple Push Services: {}", uid.unwrap_or("none")),
            uid: uid.map(str::to_string),
            not_before_unix,
            not_after_unix,
        };
        ClientIdentity { id: id.to_string(), credential: self.sim.pki.push_ca.client_leaf(&spec).unwrap() }
    }

    fn now_secs(&self) -> i64 {
        (self.sim.unix_millis() / 1000) as i64
    }

    fn valid_cert(&self) -> ClientIdentity {
        let now = self.now_secs();
        self.cert("provider-cert", Some(BUNDLE), now - 86_400, now + 365 * 86_400)
    }

    fn cert_provider(&self, identity: ClientIdentity) -> (ProviderClient, HttpClient) {
        let http = self.sim.client();
        (ProviderClient::new(http.clone(), self.sim.clock.clone(), BASE, ProviderAuth::Certificate(identity)).unwrap(), http)
    }

    fn token_provider(&self) -> ProviderClient {
        let auth = ProviderAuth::Token { team_id: TEAM.into(), key_id: KID.into(), pkcs8_der: self.key.clone() };
        ProviderClient::new(self.sim.client(), self.sim.clock.clone(), BASE, auth).unwrap()
    }

    fn register(&self, bundle: &str) -> String {
        self.sim.block_on(self.control.register_device(bundle)).unwrap()
    }

    fn raw(&self, http: &HttpClient, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8], http2: bool) -> Response {
        let mut b = http::Request::builder().method(method).uri(format!("{BASE}{path}"));
        for (k, v) in headers {
            b = b.header(*k, *v);
        }
        let req = b.body(Bytes::copy_from_slice(body)).unwrap();
        self.sim.block_on(http.send(req, &RequestOptions { http2, ..Default::default() })).unwrap()
    }

    fn bearer(&self, iat: u64) -> String {
        format!("bearer {}", sign_es256(TEAM, KID, &self.key, iat).unwrap())
    }
}

fn alert() -> serde_json::Value {
    json!({"aps": {"alert": {"title": "New mail", "body": "From alice"}, "sound": "default"}, "folder": "inbox"})
}

fn json_body(r: &Response) -> serde_json::Value {
    serde_json::from_slice(r.body()).unwrap()
}

fn reason_of(r: &Response) -> String {
    json_body(r)["reason"].as_str().unwrap().to_string()
}

#[test]
fn certificate_mode_push_reaches_the_device_long_poll() {
    let w = world(1, Environment::Production);
    let token = w.register(BUNDLE);
    assert_eq!(token.len(), 64);
    assert!(token.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase()));
    let (provider, _) = w.cert_provider(w.valid_cert());
    let t0 = w.sim.unix_millis();

    let (polled, pushed) = w.sim.block_on(async {
        let poll = w.control.notifications(&token, 0, Duration::from_secs(60));
        let push = async {
            tokio::time::sleep(Duration::from_secs(5)).await;
            provider.push(&token, BUNDLE, "alert", 10, &alert()).await
        };
        tokio::join!(poll, push)
    });
    let pushed = pushed.unwrap();
    assert_eq!(pushed.status, 200);
    assert_eq!(pushed.reason, None);
    assert!(crate::request::is_uuid(&pushed.apns_id) && pushed.apns_id == pushed.apns_id.to_lowercase(), "{}", pushed.apns_id);
    let polled = polled.unwrap();
    assert_eq!(polled.len(), 1);
    let n = &polled[0];
    assert_eq!((n.seq, n.apns_id.as_str(), n.topic.as_str()), (1, pushed.apns_id.as_str(), BUNDLE));
    assert_eq!((n.push_type.as_deref(), n.priority, n.collapse_id.as_deref()), (Some("alert"), 10, None));
    assert_eq!(n.payload, alert());
    // The poll returned when the push arrived, not when its 60 s ran out.
    assert!(n.received_at_ms >= t0 + 5000 && n.received_at_ms < t0 + 6000, "{} vs {t0}", n.received_at_ms);
    assert!(w.sim.unix_millis() < t0 + 10_000);

    // Without apns-topic, the certificate's UID is the topic.
    let out = w
        .sim
        .block_on(provider.send(&Notification {
            device_token: token.clone(),
            payload: Bytes::from_static(b"{\"aps\":{}}"),
            ..Default::default()
        }))
        .unwrap();
    assert_eq!(out.status, 200, "{out:?}");
    let next = w.sim.block_on(w.control.notifications(&token, 1, Duration::ZERO)).unwrap();
    assert_eq!(next.iter().map(|n| (n.seq, n.topic.as_str(), n.push_type.clone())).collect::<Vec<_>>(), vec![(2, BUNDLE, None)]);

    // Nothing newer: the poll gives up after its wait, in virtual time.
    let before = w.sim.elapsed();
    assert!(w.sim.block_on(w.control.notifications(&token, 2, Duration::from_secs(10))).unwrap().is_empty());
    assert_eq!(w.sim.elapsed() - before, Duration::from_secs(10));

    let log = w.sim.block_on(w.control.log()).unwrap();
    assert_eq!(log.len(), 2);
    assert!(log.iter().all(|e| e.auth == AuthMode::Certificate && e.status == 200 && e.token.as_deref() == Some(token.as_str())));
}

#[test]
fn certificate_topics_outside_the_certificate_are_refused() {
    let w = world(2, Environment::Production);
    let mine = w.register(BUNDLE);
    let other = w.register("com.example.other");
    let (provider, _) = w.cert_provider(w.valid_cert());
    let push = |tok: &str, topic: &str, kind: &str| w.sim.block_on(provider.push(tok, topic, kind, 10, &alert())).unwrap();

    let out = push(&other, "com.example.other", "alert");
    assert_eq!((out.status, out.reason.as_deref()), (400, Some("TopicDisallowed")));
    // A device of another app is reported first, as in Pushy's order.
    let out = push(&mine, "com.example.other", "alert");
    assert_eq!((out.status, out.reason.as_deref()), (400, Some("DeviceTokenNotForTopic")));
    let out = push(&other, BUNDLE, "alert");
    assert_eq!((out.status, out.reason.as_deref()), (400, Some("DeviceTokenNotForTopic")));
    // The certificate covers the app's VoIP and complication topics too.
    assert_eq!(push(&mine, &format!("{BUNDLE}.voip"), "voip").status, 200);
    assert_eq!(push(&mine, &format!("{BUNDLE}.complication"), "complication").status, 200);
    let out = push(&mine, &format!("{BUNDLE}.voip-ptt"), "pushtotalk");
    assert_eq!(out.reason.as_deref(), Some("TopicDisallowed"));
    assert!(out.apns_id.len() == 36, "errors carry an apns-id too: {out:?}");
}

#[test]
fn a_certificate_without_uid_is_a_bad_certificate() {
    let w = world(3, Environment::Production);
    let token = w.register(BUNDLE);
    let now = w.now_secs();
    let (provider, _) = w.cert_provider(w.cert("no-uid", None, now - 60, now + 86_400));
    let out = w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &alert())).unwrap();
    assert_eq!((out.status, out.reason.as_deref()), (403, Some("BadCertificate")));
    let out = w
        .sim
        .block_on(provider.send(&Notification { device_token: token, payload: Bytes::from_static(b"{}"), ..Default::default() }))
        .unwrap();
    assert_eq!((out.status, out.reason.as_deref()), (403, Some("BadCertificate")));
}

#[test]
fn an_expired_provider_certificate_fails_in_the_tls_handshake() {
    let w = world(4, Environment::Production);
    let token = w.register(BUNDLE);
    let now = w.now_secs();
    let (provider, _) = w.cert_provider(w.cert("expired", Some(BUNDLE), now - 30 * 86_400, now - 86_400));
    let e = w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &alert())).unwrap_err();
    assert!(matches!(&e, ApnsError::CertificateRefused { .. }), "the error points at the certificate: {e}");
    // The request never reached the handler: the connection ended in the handshake.
    assert!(w.sim.block_on(w.control.log()).unwrap().is_empty());

    // A certificate valid now works until virtual time passes its end.
    let short = w.cert("short-lived", Some(BUNDLE), now - 60, now + 3600);
    let (provider, _) = w.cert_provider(short.clone());
    assert_eq!(w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &alert())).unwrap().status, 200);
    w.sim.advance(Duration::from_secs(2 * 3600));
    // A fresh client: one that keeps its TLS session would resume it, and resumption does not
    // look at the client certificate again.
    let (provider, _) = w.cert_provider(short);
    let e = w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &alert())).unwrap_err();
    assert!(matches!(&e, ApnsError::CertificateRefused { .. }), "{e}");
    // Only the accepted push reached the log: the refused handshakes never made a request.
    assert_eq!(w.sim.block_on(w.control.log()).unwrap().len(), 1);
}

#[test]
fn token_mode_push_is_accepted_and_refreshes_its_token() {
    let w = world(5, Environment::Production);
    let token = w.register(BUNDLE);
    let provider = w.token_provider();
    let out = w.sim.block_on(provider.push(&token, BUNDLE, "alert", 5, &alert())).unwrap();
    assert_eq!((out.status, out.reason), (200, None));
    // 61 minutes later its first token would be expired; the client signs a new one.
    w.sim.advance(Duration::from_secs(61 * 60));
    let out = w.sim.block_on(provider.push(&token, BUNDLE, "background", 5, &json!({"aps": {"content-available": 1}}))).unwrap();
    assert_eq!((out.status, out.reason), (200, None));
    let got = w.sim.block_on(w.control.notifications(&token, 0, Duration::ZERO)).unwrap();
    assert_eq!(
        got.iter().map(|n| (n.priority, n.push_type.as_deref())).collect::<Vec<_>>(),
        vec![(5, Some("alert")), (5, Some("background"))]
    );
    let log = w.sim.block_on(w.control.log()).unwrap();
    assert!(log.iter().all(|e| e.auth == AuthMode::Token), "{log:?}");
}

#[test]
fn an_expired_provider_token_is_refused_after_an_hour() {
    let w = world(6, Environment::Production);
    let token = w.register(BUNDLE);
    let http = w.sim.client();
    let auth = w.bearer(w.now_secs() as u64);
    let path = format!("/3/device/{token}");
    let headers = [("apns-topic", BUNDLE), ("authorization", auth.as_str())];
    let r = w.raw(&http, "POST", &path, &headers, b"{}", true);
    assert_eq!(r.status(), 200);
    assert!(r.body().is_empty());
    w.sim.advance(Duration::from_secs(61 * 60));
    let r = w.raw(&http, "POST", &path, &headers, b"{}", true);
    assert_eq!(r.status(), 403);
    assert_eq!(reason_of(&r), "ExpiredProviderToken");
}

#[test]
fn bad_signatures_unknown_keys_and_missing_tokens_are_refused() {
    let w = world(7, Environment::Production);
    let token = w.register(BUNDLE);
    let http = w.sim.client();
    let path = format!("/3/device/{token}");
    let now = w.now_secs() as u64;
    let (_, stranger, _) = generate_team_key(TEAM, KID);
    let forged = format!("bearer {}", sign_es256(TEAM, KID, &stranger, now).unwrap());
    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &forged)], b"{}", true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (403, "InvalidProviderToken".into()));
    let unknown = format!("bearer {}", sign_es256(TEAM, "NOSUCHKEY0", &w.key, now).unwrap());
    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &unknown)], b"{}", true);
    assert_eq!(reason_of(&r), "InvalidProviderToken");
    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE)], b"{}", true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (403, "MissingProviderToken".into()));
    let good = w.bearer(now);
    let r = w.raw(&http, "POST", &path, &[("authorization", &good)], b"{}", true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (400, "MissingTopic".into()));

    // A team key added through the control API is trusted from then on.
    let (team2, key2, _) = generate_team_key("TEAM999999", "KEY9999999");
    let other_http = w.sim.client();
    let t2 = format!("bearer {}", sign_es256("TEAM999999", "KEY9999999", &key2, now).unwrap());
    let r = w.raw(&other_http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &t2)], b"{}", true);
    assert_eq!(reason_of(&r), "InvalidProviderToken");
    w.sim.block_on(w.control.add_team(&team2)).unwrap();
    let r = w.raw(&other_http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &t2)], b"{}", true);
    assert_eq!(r.status(), 200);
    assert_ne!(team2, w.team);
}

/// Without provider authentication, a registered token and an unknown one get the same
/// answer: the caller learns nothing of which devices exist. Apple authenticates the provider
/// before it reads the device token (a token connection is trusted only after a request with a
/// valid provider token, "Establishing a connection to APNs").
#[test]
fn an_unauthenticated_push_does_not_tell_registered_tokens_from_unknown_ones() {
    let w = world(8, Environment::Production);
    let registered = w.register(BUNDLE);
    let unknown: String = registered.chars().rev().collect();
    assert_ne!(unknown, registered);
    let http = w.sim.client();
    let now = w.now_secs() as u64;
    let (_, stranger, _) = generate_team_key(TEAM, KID);
    let forged = format!("bearer {}", sign_es256(TEAM, KID, &stranger, now).unwrap());
    for auth in [None, Some(forged.as_str())] {
        let answers: Vec<(u16, String)> = [&registered, &unknown]
            .iter()
            .map(|token| {
                let mut headers = vec![("apns-topic", BUNDLE)];
                if let Some(a) = auth {
                    headers.push(("authorization", a));
                }
                let r = w.raw(&http, "POST", &format!("/3/device/{token}"), &headers, br#"{"aps":{"badge":1}}"#, true);
                (r.status().as_u16(), reason_of(&r))
            })
            .collect();
        let expected = if auth.is_none() { "MissingProviderToken" } else { "InvalidProviderToken" };
        assert_eq!(answers, vec![(403, expected.to_string()), (403, expected.to_string())], "with authorization {auth:?}");
    }
    // Authenticated, the difference is the provider's to know.
    let good = w.bearer(now);
    let r = w.raw(&http, "POST", &format!("/3/device/{unknown}"), &[("apns-topic", BUNDLE), ("authorization", &good)], b"{}", true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (400, "BadDeviceToken".into()));
}

#[test]
fn an_uninstalled_app_answers_410_with_an_integer_timestamp() {
    let w = world(8, Environment::Production);
    let token = w.register(BUNDLE);
    w.sim.advance(Duration::from_secs(90));
    let at = w.sim.block_on(w.control.uninstall(&token)).unwrap();
    assert_eq!(at, w.sim.unix_millis());
    w.sim.advance(Duration::from_secs(600));
    let provider = w.token_provider();
    let out = w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &alert())).unwrap();
    assert_eq!((out.status, out.reason.as_deref(), out.timestamp_ms), (410, Some("Unregistered"), Some(at)));

    let http = w.sim.client();
    let auth = w.bearer(w.now_secs() as u64);
    let id = "0b9e1c6e-9f4c-4d6d-9c8e-1d2f3a4b5c6d";
    let r = w.raw(
        &http,
        "POST",
        &format!("/3/device/{token}"),
        &[("apns-topic", BUNDLE), ("authorization", &auth), ("apns-id", id)],
        b"{}",
        true,
    );
    assert_eq!(r.status(), 410);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.headers()["apns-id"], id);
    let body = json_body(&r);
    assert!(body["timestamp"].is_u64(), "{body}");
    assert_eq!(body["timestamp"].as_u64(), Some(at));
    assert!(w.sim.block_on(w.control.notifications(&token, 0, Duration::ZERO)).unwrap().is_empty());
}

#[test]
fn payload_limits_follow_the_push_type() {
    let w = world(9, Environment::Production);
    let token = w.register(BUNDLE);
    let provider = w.token_provider();
    let padded = |n: usize| json!({"aps": {}, "pad": "x".repeat(n - 19)});
    assert_eq!(serde_json::to_vec(&padded(4097)).unwrap().len(), 4097);
    let out = w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &padded(4097))).unwrap();
    assert_eq!((out.status, out.reason.as_deref()), (413, Some("PayloadTooLarge")));
    assert_eq!(w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &padded(4096))).unwrap().status, 200);
    assert_eq!(w.sim.block_on(provider.push(&token, &format!("{BUNDLE}.voip"), "voip", 10, &padded(5120))).unwrap().status, 200);
    let out = w.sim.block_on(provider.push(&token, &format!("{BUNDLE}.voip"), "voip", 10, &padded(5121))).unwrap();
    assert_eq!(out.reason.as_deref(), Some("PayloadTooLarge"));
    let empty = Notification { device_token: token.clone(), topic: Some(BUNDLE.into()), ..Default::default() };
    let out = w.sim.block_on(provider.send(&empty)).unwrap();
    assert_eq!((out.status, out.reason.as_deref()), (400, Some("PayloadEmpty")));
}

/// A body over the server's 8 MiB read limit is never read, and is still answered as APNs
/// answers every error: `413`, `apns-id`, `{"reason":"PayloadTooLarge"}`, and logged.
#[test]
fn a_body_over_the_read_limit_is_payload_too_large_with_an_apns_id() {
    let w = world(19, Environment::Production);
    let token = w.register(BUNDLE);
    let http = w.sim.client();
    let auth = w.bearer(w.now_secs() as u64);
    let path = format!("/3/device/{token}");
    let big = vec![b'x'; mailconform_sim::http::MAX_BODY + 1];
    let id = "0b9e1c6e-9f4c-4d6d-9c8e-1d2f3a4b5c6d";

    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &auth), ("apns-id", id)], &big, true);
    assert_eq!(r.status(), 413);
    assert_eq!(r.headers()["apns-id"], id);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(json_body(&r), json!({"reason": "PayloadTooLarge"}));

    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &auth)], &big, true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (413, "PayloadTooLarge".into()));
    let generated = r.headers()["apns-id"].to_str().unwrap().to_string();
    assert!(crate::request::is_uuid(&generated) && generated == generated.to_lowercase(), "{generated}");

    let log = w.sim.block_on(w.control.log()).unwrap();
    let last = log.last().expect("the refusal is logged");
    assert_eq!((last.status, last.reason.as_deref(), last.token.as_deref()), (413, Some("PayloadTooLarge"), Some(token.as_str())));
    assert_eq!(last.apns_id, generated);
    assert!(w.sim.block_on(w.control.notifications(&token, 0, Duration::ZERO)).unwrap().is_empty());
}

#[test]
fn throttled_pushes_get_429_until_the_count_runs_out() {
    let w = world(10, Environment::Production);
    let token = w.register(BUNDLE);
    let provider = w.token_provider();
    w.sim.block_on(w.control.throttle(&token, 2)).unwrap();
    let statuses: Vec<(u16, Option<String>)> = (0..3)
        .map(|_| w.sim.block_on(provider.push(&token, BUNDLE, "alert", 10, &alert())).unwrap())
        .map(|o| (o.status, o.reason))
        .collect();
    assert_eq!(statuses, vec![(429, Some("TooManyRequests".into())), (429, Some("TooManyRequests".into())), (200, None)]);
    assert_eq!(w.sim.block_on(w.control.notifications(&token, 0, Duration::ZERO)).unwrap().len(), 1);
}

#[test]
fn apns_id_is_echoed_or_generated_and_bad_ones_are_refused() {
    let w = world(11, Environment::Sandbox);
    let token = w.register(BUNDLE);
    let http = w.sim.client();
    let auth = w.bearer(w.now_secs() as u64);
    let path = format!("/3/device/{token}");
    let upper = "0B9E1C6E-9F4C-4D6D-9C8E-1D2F3A4B5C6D";
    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &auth), ("apns-id", upper)], b"{}", true);
    assert_eq!((r.status().as_u16(), r.headers()["apns-id"].to_str().unwrap()), (200, upper));
    // Sandbox answers carry apns-unique-id.
    assert!(crate::request::is_uuid(r.headers()["apns-unique-id"].to_str().unwrap()));
    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE), ("authorization", &auth), ("apns-id", "nope")], b"{}", true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (400, "BadMessageId".into()));
    assert_eq!(r.headers()["apns-id"], "nope");
    let r = w.raw(&http, "POST", "/3/device/", &[("apns-topic", BUNDLE), ("authorization", &auth)], b"{}", true);
    assert_eq!(reason_of(&r), "MissingDeviceToken");
    let generated = r.headers()["apns-id"].to_str().unwrap().to_string();
    assert!(crate::request::is_uuid(&generated) && generated == generated.to_lowercase());
    let r = w.raw(&http, "GET", &path, &[("apns-topic", BUNDLE)], b"", true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (405, "MethodNotAllowed".into()));
    let r = w.raw(&http, "POST", "/2/device/abc", &[("apns-topic", BUNDLE)], b"{}", true);
    assert_eq!((r.status().as_u16(), reason_of(&r)), (404, "BadPath".into()));
    let r = w.raw(&http, "POST", &path, &[("apns-topic", BUNDLE), ("apns-topic", BUNDLE)], b"{}", true);
    assert_eq!(reason_of(&r), "DuplicateHeaders");
    // A production token means nothing to the sandbox.
    let prod = w.sim.block_on(w.control.register_device_in(BUNDLE, Environment::Production)).unwrap();
    let r = w.raw(&http, "POST", &format!("/3/device/{prod}"), &[("apns-topic", BUNDLE), ("authorization", &auth)], b"{}", true);
    assert_eq!(reason_of(&r), "BadDeviceToken");
}

#[test]
fn http1_requests_get_505_and_the_control_api_answers_both() {
    let w = world(12, Environment::Production);
    let token = w.register(BUNDLE);
    let http = w.sim.client();
    let r = w.raw(&http, "POST", &format!("/3/device/{token}"), &[("apns-topic", BUNDLE)], b"{}", false);
    assert_eq!(r.status(), 505);
    let r = w.raw(&http, "GET", &format!("{CONTROL_PREFIX}/nothing-here"), &[], b"", false);
    assert_eq!(r.status(), 404);
    let miss: mailconform_sim::contract::RouteMiss = serde_json::from_slice(r.body()).unwrap();
    assert!(miss.routes.iter().any(|r| r.contains("/devices/{token}/notifications")), "{miss:?}");
    let r = w.raw(&http, "DELETE", &format!("{CONTROL_PREFIX}/log"), &[], b"", true);
    assert_eq!(r.status(), 405);
    let r = w.raw(&http, "POST", &format!("{CONTROL_PREFIX}/devices"), &[], b"{\"nope\":1}", false);
    assert_eq!(r.status(), 400);
    let r = w.raw(&http, "GET", &format!("{CONTROL_PREFIX}/devices/{token}"), &[], b"", true);
    let device: crate::contract::DeviceInfo = serde_json::from_slice(r.body()).unwrap();
    assert_eq!(device.bundle_id, BUNDLE);
    let e = w.sim.block_on(w.control.throttle(&"00".repeat(32), 1)).unwrap_err();
    assert!(e.to_string().contains("404"), "{e}");
    let log = w.sim.block_on(w.control.log()).unwrap();
    assert_eq!(log.iter().map(|e| e.status).collect::<Vec<_>>(), vec![505]);
}

#[test]
fn arbitrary_requests_never_panic_and_always_get_a_documented_answer() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};

    let w = world(13, Environment::Production);
    let token = w.register(BUNDLE);
    let now = w.now_secs();
    let cert = w.valid_cert().credential.chain[0].clone();
    let good_auth = w.bearer(now as u64);

    let header = (
        prop::sample::select(vec![
            "apns-id",
            "apns-topic",
            "apns-push-type",
            "apns-priority",
            "apns-expiration",
            "apns-collapse-id",
            "authorization",
            "x-other",
        ]),
        prop_oneof![
            prop::sample::select(vec![
                BUNDLE.to_string(),
                "alert".into(),
                "voip".into(),
                "10".into(),
                "5".into(),
                good_auth.clone(),
                "0b9e1c6e-9f4c-4d6d-9c8e-1d2f3a4b5c6d".into()
            ]),
            proptest::collection::vec(any::<u8>(), 0..70).prop_map(|v| String::from_utf8_lossy(&v).into_owned()),
        ],
    );
    let path =
        prop_oneof![Just(format!("/3/device/{token}")), Just("/3/device/".to_string()), "/[0-9a-z/]{0,30}", "/3/device/[0-9a-fA-F]{0,70}",];
    let body = prop_oneof![Just(serde_json::to_vec(&alert()).unwrap()), proptest::collection::vec(any::<u8>(), 0..5000)];
    let strategy =
        (prop::sample::select(vec!["POST", "GET", "PUT", "DELETE"]), path, proptest::collection::vec(header, 0..8), body, any::<bool>());
    let mut runner = TestRunner::new(Config { cases: 300, ..Config::default() });
    runner
        .run(&strategy, |(method, path, headers, body, with_cert)| {
            let mut b = http::Request::builder().method(method).uri(format!("{BASE}{path}"));
            for (k, v) in &headers {
                if let Ok(v) = http::HeaderValue::from_str(v) {
                    b = b.header(*k, v);
                }
            }
            let Ok(req) = b.body(Bytes::from(body)) else { return Ok(()) };
            let conn = ConnInfo {
                id: if with_cert { 1 } else { 2 },
                tls: true,
                peer_certificates: if with_cert { vec![cert.clone()] } else { vec![] },
                alpn: Some(b"h2".to_vec()),
                http2: true,
            };
            let resp = w.sim.block_on(w.apns.handle(req, conn));
            prop_assert!(resp.headers().get("apns-id").is_some());
            if resp.status() == 200 {
                prop_assert!(resp.body().is_empty());
            } else {
                prop_assert_eq!(resp.headers()["content-type"].to_str().unwrap(), "application/json");
                let v: serde_json::Value = serde_json::from_slice(resp.body()).unwrap();
                let reason = Reason::parse(v["reason"].as_str().unwrap_or_default());
                prop_assert!(reason.is_some(), "undocumented reason in {}", v);
                prop_assert_eq!(reason.unwrap().status(), resp.status().as_u16());
                prop_assert_eq!(v.get("timestamp").is_some(), resp.status() == 410);
            }
            Ok(())
        })
        .unwrap();
}
