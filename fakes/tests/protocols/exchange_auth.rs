//! EWS authentication as clients see it on the wire: the 401 challenge set of each
//! configuration, the NTLM handshake bound to one TCP connection, Negotiate with tickets from
//! the fake KDC (direct and by constrained delegation), Bearer tokens from the fake issuer,
//! client certificates mapped by UPN, the control route that changes the set, and bad input.

use crate::common;

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use common::*;
use mailconform_auth::ntlm::NtlmInitiator;
use mailconform_auth::spnego::{self, Mech};
use mailconform_auth::{KdcClient, TokenIssuer};
use mailconform_ews::{parse_get_folder_response, write_request, FolderRef, Operation, SchemaVersion};
use mailconform_fakes::defaults;
use mailconform_fakes::deployment;
use mailconform_fakes::exchange::AuthMethod;
use mailconform_sim::{ClientIdentity, ControlClient, HttpClient, Request, RequestOptions, Response, Simulation};
use std::time::Duration;

use AuthMethod::{Basic, Certificate, Negotiate, Ntlm, OAuth};

fn sim_with(seed: u64, methods: &[AuthMethod]) -> Simulation {
    let mut sim = Simulation::new(seed).expect("simulation starts");
    deployment::add_exchange(&mut sim, deployment::default_exchange_config().with_ews_auth(methods), &[]).expect("exchange is deployed");
    let kdc = {
        let _rt = sim.enter();
        deployment::default_kdc(sim.clock.clone(), sim.rng.fork("kdc"))
    };
    deployment::add_kdc(&mut sim, kdc).expect("kdc is deployed");
    sim
}

fn get_folder() -> bytes::Bytes {
    write_request(
        SchemaVersion::Exchange2013,
        &Operation::GetFolder {
            folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
            base_shape: Some("AllProperties".into()),
        },
    )
    .into()
}

/// One GetFolder on `client`'s pooled connection (a new client is a new connection).
fn send(sim: &Simulation, client: &HttpClient, auth: Option<&str>, opts: &RequestOptions) -> Response {
    let mut b = http::Request::builder().method("POST").uri(EWS_URL).header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8");
    if let Some(a) = auth {
        b = b.header(http::header::AUTHORIZATION, a);
    }
    let req: Request = b.body(get_folder()).expect("request builds");
    sim.block_on(client.send(req, opts)).expect("EWS answers")
}

fn on(sim: &Simulation, client: &HttpClient, auth: Option<&str>) -> Response {
    send(sim, client, auth, &RequestOptions::default())
}

fn challenge_lines(r: &Response) -> Vec<String> {
    r.headers().get_all(http::header::WWW_AUTHENTICATE).iter().map(|v| v.to_str().unwrap().to_string()).collect()
}

fn assert_inbox(r: &Response) {
    assert_eq!(r.status(), 200, "{}", body_text(r));
    let folders = parse_get_folder_response(r.body()).unwrap();
    assert_eq!(folders.len(), 1);
    assert!(folders[0].is_ok());
}

/// The token of the one `WWW-Authenticate: <scheme> <token>` line of a handshake leg.
fn leg_token(r: &Response, scheme: &str) -> Vec<u8> {
    assert_eq!(r.status(), 401, "{}", body_text(r));
    let lines = challenge_lines(r);
    assert_eq!(lines.len(), 1, "{lines:?}");
    let token = lines[0].strip_prefix(&format!("{scheme} ")).unwrap_or_else(|| panic!("{lines:?}"));
    B64.decode(token).unwrap()
}

fn ntlm(b: &[u8]) -> String {
    format!("NTLM {}", B64.encode(b))
}

fn negotiate(b: &[u8]) -> String {
    format!("Negotiate {}", B64.encode(b))
}

fn last_auth(sim: &Simulation) -> String {
    sim.block_on(exchange_control(sim).requests()).unwrap().last().map(|r| r.auth.clone()).unwrap_or_default()
}

// ---- the challenge set ------------------------------------------------------------------

#[test]
fn every_enabled_scheme_is_challenged_in_iis_order() {
    let sim = sim_with(1, &[Basic, OAuth, Ntlm, Negotiate]);
    let r = on(&sim, &sim.client(), None);
    assert_eq!(r.status(), 401);
    let lines = challenge_lines(&r);
    assert_eq!(lines[..3], ["Negotiate", "NTLM", "Basic realm=\"mail.example.test\""]);
    assert!(lines[3].starts_with("Bearer client_id=\"00000002-0000-0ff1-ce00-000000000000\""), "{lines:?}");
    assert_eq!(lines.len(), 4);
}

#[test]
fn the_control_route_changes_the_set_and_the_default_is_basic() {
    let sim = sim_with(2, &[Basic]);
    let control = exchange_control(&sim);
    assert_eq!(sim.block_on(control.ews_auth()).unwrap().ews, [Basic]);
    assert_eq!(challenge_lines(&on(&sim, &sim.client(), None)), ["Basic realm=\"mail.example.test\""]);

    let view = sim.block_on(control.set_ews_auth(&[Basic, Ntlm])).unwrap();
    assert_eq!(view.ews, [Ntlm, Basic]);
    assert_eq!(view.kerberos_spn.as_deref(), Some("HTTP/mail.example.test"));
    assert_eq!(challenge_lines(&on(&sim, &sim.client(), None)), ["NTLM", "Basic realm=\"mail.example.test\""]);

    sim.block_on(control.set_ews_auth(&[Negotiate])).unwrap();
    assert_eq!(challenge_lines(&on(&sim, &sim.client(), None)), ["Negotiate"]);
    // Basic is no longer accepted once it is off.
    assert_eq!(on(&sim, &sim.client(), Some(&alice_auth())).status(), 401);

    let raw = ControlClient::new(sim.control_client(), "https://mail.example.test/_mailconform");
    for bad in [serde_json::json!({"ews": []}), serde_json::json!({"ews": ["digest"]}), serde_json::json!({"methods": ["basic"]})] {
        let e = sim.block_on(raw.put::<_, serde_json::Value>("/auth", &bad)).unwrap_err();
        assert!(e.to_string().contains("400"), "{bad}: {e}");
    }
    assert_eq!(sim.block_on(control.ews_auth()).unwrap().ews, [Negotiate], "a refused change leaves the set as it was");
}

// ---- NTLM ----------------------------------------------------------------------------------

#[test]
fn ntlm_on_one_connection_authenticates_and_the_connection_stays_authenticated() {
    let sim = sim_with(3, &[Ntlm, Basic]);
    let client = sim.client();
    let mut initiator = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
    let type2 = leg_token(&on(&sim, &client, Some(&ntlm(&initiator.negotiate()))), "NTLM");
    let type3 = initiator.authenticate(&type2, [7; 8]).unwrap();
    assert_inbox(&on(&sim, &client, Some(&ntlm(&type3))));
    assert_eq!(last_auth(&sim), "ntlm");
    // HTTP.sys caches the identity on the keep-alive connection ...
    assert_inbox(&on(&sim, &client, None));
    // ... and only there.
    assert_eq!(on(&sim, &sim.client(), None).status(), 401);
}

#[test]
fn an_authenticate_message_on_another_connection_fails() {
    let sim = sim_with(4, &[Ntlm]);
    let (first, second) = (sim.client(), sim.client());
    let mut initiator = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
    let type2 = leg_token(&on(&sim, &first, Some(&ntlm(&initiator.negotiate()))), "NTLM");
    let type3 = initiator.authenticate(&type2, [7; 8]).unwrap();
    let r = on(&sim, &second, Some(&ntlm(&type3)));
    assert_eq!(r.status(), 401);
    assert_eq!(challenge_lines(&r), ["NTLM"], "the client is challenged afresh");
    // The connection that got the challenge can still finish.
    assert_inbox(&on(&sim, &first, Some(&ntlm(&type3))));
}

#[test]
fn ntlm_challenges_differ_per_handshake_and_repeat_per_seed() {
    let challenge = |seed| {
        let sim = sim_with(seed, &[Ntlm]);
        let mut i = NtlmInitiator::new("alice", "alice-pw", "PHONE");
        let a = leg_token(&on(&sim, &sim.client(), Some(&ntlm(&i.negotiate()))), "NTLM");
        let b = leg_token(&on(&sim, &sim.client(), Some(&ntlm(&i.negotiate()))), "NTLM");
        (a[24..32].to_vec(), b[24..32].to_vec())
    };
    let (a, b) = challenge(5);
    assert_ne!(a, b);
    assert_eq!(challenge(5), (a, b));
}

#[test]
fn ntlm_with_a_wrong_password_or_unknown_user_is_refused() {
    let sim = sim_with(6, &[Ntlm]);
    for (user, pw) in [("EXAMPLE\\alice", "bob-pw"), ("EXAMPLE\\mallory", "alice-pw"), ("OTHER\\alice", "alice-pw")] {
        let client = sim.client();
        let mut initiator = NtlmInitiator::new(user, pw, "PHONE");
        let type2 = leg_token(&on(&sim, &client, Some(&ntlm(&initiator.negotiate()))), "NTLM");
        let r = on(&sim, &client, Some(&ntlm(&initiator.authenticate(&type2, [1; 8]).unwrap())));
        assert_eq!(r.status(), 401, "{user}");
        assert_eq!(challenge_lines(&r), ["NTLM"]);
    }
    // The UPN form works as Windows sends it (user name with an empty domain).
    let client = sim.client();
    let mut initiator = NtlmInitiator::new("alice@example.test", "alice-pw", "PHONE");
    let type2 = leg_token(&on(&sim, &client, Some(&ntlm(&initiator.negotiate()))), "NTLM");
    assert_inbox(&on(&sim, &client, Some(&ntlm(&initiator.authenticate(&type2, [1; 8]).unwrap()))));
}

/// The client-side helper other fakes use completes the handshake through one pooled client.
#[test]
fn the_ntlm_client_helper_authenticates_under_ntlm_and_negotiate() {
    use mailconform_auth::http_client::send_ntlm;
    use mailconform_auth::Scheme;
    for (seed, methods, scheme) in [(20, [Ntlm, Basic], Scheme::Ntlm), (21, [Negotiate, Basic], Scheme::Negotiate)] {
        let sim = sim_with(seed, &methods);
        let client = sim.client();
        let req: Request = http::Request::builder()
            .method("POST")
            .uri(EWS_URL)
            .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
            .body(get_folder())
            .unwrap();
        let mut good = NtlmInitiator::new("EXAMPLE\\bob", "bob-pw", "ENS");
        assert_inbox(&sim.block_on(send_ntlm(&client, &req, &RequestOptions::default(), &mut good, scheme.clone(), [5; 8])).unwrap());
        let mut bad = NtlmInitiator::new("EXAMPLE\\bob", "alice-pw", "ENS");
        let r = sim.block_on(send_ntlm(&sim.client(), &req, &RequestOptions::default(), &mut bad, scheme, [5; 8])).unwrap();
        assert_eq!(r.status(), 401);
    }
}

#[test]
fn ntlm_is_not_accepted_when_only_basic_is_enabled() {
    let sim = sim_with(7, &[Basic]);
    let mut initiator = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
    let r = on(&sim, &sim.client(), Some(&ntlm(&initiator.negotiate())));
    assert_eq!(challenge_lines(&r), ["Basic realm=\"mail.example.test\""]);
}

// ---- Negotiate -----------------------------------------------------------------------------

fn kdc(sim: &Simulation) -> KdcClient {
    KdcClient(ControlClient::new(sim.client(), &format!("https://{}/kdc/v1", defaults::KDC_HOST)))
}

#[test]
fn negotiate_accepts_a_kerberos_ticket_for_exchange_and_answers_mutually() {
    let sim = sim_with(8, &[Negotiate, Basic]);
    let auth = sim.block_on(kdc(&sim).ticket("alice@example.test", "alice-pw", "HTTP/mail.example.test")).unwrap();
    let r = on(&sim, &sim.client(), Some(&auth));
    assert_inbox(&r);
    assert_eq!(last_auth(&sim), "negotiate");
    let done = challenge_lines(&r);
    assert_eq!(done.len(), 1);
    let resp = spnego::parse_neg_token_resp(&B64.decode(done[0].strip_prefix("Negotiate ").unwrap()).unwrap()).unwrap();
    assert_eq!(resp.neg_state, Some(spnego::state::ACCEPT_COMPLETED));
    // A ticket is not tied to a connection: it works on another one too.
    assert_inbox(&on(&sim, &sim.client(), Some(&auth)));
}

#[test]
fn constrained_delegation_gives_seg_a_ticket_exchange_accepts() {
    let sim = sim_with(9, &[Negotiate]);
    let auth = sim
        .block_on(kdc(&sim).s4u(defaults::SEG_SPN, defaults::SEG_SERVICE_PASSWORD, "alice@example.test", "HTTP/mail.example.test"))
        .unwrap();
    assert_inbox(&on(&sim, &sim.client(), Some(&auth)));
    let r = sim.block_on(exchange_control(&sim).requests()).unwrap();
    assert_eq!(r.last().unwrap().user, "alice@example.test");
    // SEG may not delegate to itself or anything not on its list.
    let refused = sim
        .block_on(kdc(&sim).s4u(defaults::SEG_SPN, defaults::SEG_SERVICE_PASSWORD, "alice@example.test", defaults::SEG_SPN))
        .unwrap_err();
    assert!(refused.to_string().contains("KDC_ERR_BADOPTION"), "{refused}");
}

#[test]
fn tampered_expired_and_foreign_tickets_are_refused() {
    let sim = sim_with(10, &[Negotiate, Basic]);
    let auth = sim.block_on(kdc(&sim).ticket("alice@example.test", "alice-pw", "HTTP/mail.example.test")).unwrap();
    let mut token = B64.decode(auth.strip_prefix("Negotiate ").unwrap()).unwrap();
    let n = token.len();
    token[n - 20] ^= 0x40;
    let r = on(&sim, &sim.client(), Some(&negotiate(&token)));
    assert_eq!(r.status(), 401);
    assert_eq!(challenge_lines(&r), ["Negotiate", "Basic realm=\"mail.example.test\""]);

    let seg = sim.block_on(kdc(&sim).ticket("alice@example.test", "alice-pw", defaults::SEG_SPN)).unwrap();
    assert_eq!(on(&sim, &sim.client(), Some(&seg)).status(), 401, "a ticket for SEG is not one for Exchange");

    // Ten hours of lifetime and five minutes of skew later, the ticket has expired.
    sim.advance(Duration::from_secs(10 * 3600 + 299));
    assert_inbox(&on(&sim, &sim.client(), Some(&auth)));
    sim.advance(Duration::from_secs(2));
    assert_eq!(on(&sim, &sim.client(), Some(&auth)).status(), 401);
}

#[test]
fn negotiate_falls_back_to_ntlm_raw_and_inside_spnego() {
    let sim = sim_with(11, &[Negotiate]);
    // Raw NTLMSSP under the Negotiate scheme (requests-ntlm does this).
    let client = sim.client();
    let mut i = NtlmInitiator::new("EXAMPLE\\bob", "bob-pw", "PHONE");
    let type2 = leg_token(&on(&sim, &client, Some(&negotiate(&i.negotiate()))), "Negotiate");
    assert!(type2.starts_with(b"NTLMSSP\0\x02"));
    assert_inbox(&on(&sim, &client, Some(&negotiate(&i.authenticate(&type2, [3; 8]).unwrap()))));

    // NTLM wrapped in SPNEGO, answered in NegTokenResp.
    let client = sim.client();
    let mut i = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
    let resp = leg_token(&on(&sim, &client, Some(&negotiate(&spnego::neg_token_init(Mech::Ntlm, &i.negotiate())))), "Negotiate");
    let resp = spnego::parse_neg_token_resp(&resp).unwrap();
    assert_eq!(resp.neg_state, Some(spnego::state::ACCEPT_INCOMPLETE));
    let type3 = i.authenticate(&resp.token.unwrap(), [4; 8]).unwrap();
    let r = on(&sim, &client, Some(&negotiate(&spnego::neg_token_resp(spnego::state::ACCEPT_INCOMPLETE, None, Some(&type3)))));
    assert_inbox(&r);
    assert_eq!(challenge_lines(&r).len(), 1, "the final NegTokenResp");
}

// ---- OAuth ---------------------------------------------------------------------------------

#[test]
fn bearer_tokens_for_exchange_are_accepted_and_others_get_invalid_token() {
    let sim = sim_with(12, &[OAuth]);
    let issuer = TokenIssuer::new(defaults::OAUTH_ISSUER, "key-1").unwrap();
    let control = exchange_control(&sim);
    sim.block_on(control.set_ews_auth_with_oauth(&[OAuth], Some(&issuer.trust("https://mail.example.test")))).unwrap();
    let now = sim.unix_millis() / 1000;

    let r = on(&sim, &sim.client(), None);
    let lines = challenge_lines(&r);
    assert_eq!(lines.len(), 1);
    assert!(lines[0].contains(&format!("trusted_issuers=\"{}\"", defaults::OAUTH_ISSUER)) && !lines[0].contains("error="), "{lines:?}");

    assert_inbox(&on(
        &sim,
        &sim.client(),
        Some(&format!("Bearer {}", issuer.issue("alice@example.test", "https://mail.example.test", now, 3600))),
    ));
    assert_eq!(last_auth(&sim), "oauth");

    let other = TokenIssuer::new(defaults::OAUTH_ISSUER, "key-1").unwrap();
    for (why, token) in [
        ("wrong audience", issuer.issue("alice@example.test", "https://graph.example.test", now, 3600)),
        ("expired", issuer.issue("alice@example.test", "https://mail.example.test", now - 7200, 3600)),
        ("bad signature", other.issue("alice@example.test", "https://mail.example.test", now, 3600)),
        ("unknown user", issuer.issue("mallory@example.test", "https://mail.example.test", now, 3600)),
        ("not a JWT", "abc.def".into()),
    ] {
        let r = on(&sim, &sim.client(), Some(&format!("Bearer {token}")));
        assert_eq!(r.status(), 401, "{why}");
        let lines = challenge_lines(&r);
        assert!(lines[0].starts_with("Bearer ") && lines[0].contains("error=\"invalid_token\""), "{why}: {lines:?}");
    }
}

/// A token from the issuer's token endpoint (password grant) opens EWS; the issuer's trust was
/// given to Exchange when it was deployed.
#[test]
fn a_token_from_the_issuer_host_opens_ews() {
    let mut sim = Simulation::new(22).expect("simulation starts");
    let issuer = deployment::default_oauth_issuer(sim.clock.clone()).unwrap();
    let mut config = deployment::default_exchange_config().with_ews_auth(&[OAuth, Basic]);
    config.oauth = Some(issuer.trust(&config.oauth_audience()));
    deployment::add_exchange(&mut sim, config, &[]).unwrap();
    deployment::add_oauth_issuer(&mut sim, issuer).unwrap();
    let token_of = |password: &str| {
        let form = format!("grant_type=password&username=alice%40example.test&password={password}&scope=https%3A%2F%2Fmail.example.test%2FEWS.AccessAsUser.All");
        let req: Request = http::Request::builder()
            .method("POST")
            .uri(format!("https://{}/oauth2/v2.0/token", defaults::LOGIN_HOST))
            .header(http::header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(bytes::Bytes::from(form))
            .unwrap();
        let r = sim.block_on(sim.client().send(req, &RequestOptions::default())).unwrap();
        (r.status(), serde_json::from_slice::<serde_json::Value>(r.body()).unwrap())
    };
    let (status, body) = token_of("alice-pw");
    assert_eq!(status, 200, "{body}");
    assert_inbox(&on(&sim, &sim.client(), Some(&format!("Bearer {}", body["access_token"].as_str().unwrap()))));
    assert_eq!(last_auth(&sim), "oauth");
    assert_eq!(token_of("bob-pw").0, 400);
    let roles = deployment::Roles::new(&sim);
    assert_eq!(sim.block_on(roles.oauth_issuer().unwrap().issued()).unwrap().len(), 1);
    // An hour and five minutes later the token has expired.
    sim.advance(Duration::from_secs(3600 + 300));
    let r = on(&sim, &sim.client(), Some(&format!("Bearer {}", body["access_token"].as_str().unwrap())));
    assert_eq!(r.status(), 401);
    assert!(challenge_lines(&r).iter().any(|l| l.contains("error=\"invalid_token\"")));
}

// ---- certificates --------------------------------------------------------------------------

#[test]
fn a_client_certificate_with_a_upn_is_mapped_to_its_mailbox() {
    let sim = sim_with(13, &[Certificate, Basic]);
    let cert = deployment::user_certificate(&sim, "alice@example.test", Duration::from_secs(86_400)).unwrap();
    let opts = RequestOptions { identity: Some(ClientIdentity { id: "alice-cert".into(), credential: cert }), ..Default::default() };
    assert_inbox(&send(&sim, &sim.client(), None, &opts));
    assert_eq!(last_auth(&sim), "certificate");
    // Without a certificate the other methods are challenged; Certificate has no header.
    assert_eq!(challenge_lines(&on(&sim, &sim.client(), None)), ["Basic realm=\"mail.example.test\""]);

    // A certificate without a UPN maps to nobody.
    let nobody = {
        let now = sim.unix_millis() as i64 / 1000;
        let _rt = sim.enter();
        sim.pki
            .ca
            .client_leaf(&mailconform_sim::ClientCertSpec {
                common_name: "alice".into(),
                uid: None,
                not_before_unix: now - 60,
                not_after_unix: now + 3600,
            })
            .unwrap()
    };
    let opts = RequestOptions { identity: Some(ClientIdentity { id: "no-upn".into(), credential: nobody }), ..Default::default() };
    let r = send(&sim, &sim.client(), None, &opts);
    assert_eq!(r.status(), 401);
    assert_eq!(challenge_lines(&r), ["Basic realm=\"mail.example.test\""]);
    // With certificates only, that is 403.16.
    sim.block_on(exchange_control(&sim).set_ews_auth(&[Certificate])).unwrap();
    let r = send(&sim, &sim.client(), None, &opts);
    assert_eq!(r.status(), 403);
    assert!(body_text(&r).contains("403.16"), "{}", body_text(&r));
}

#[test]
fn certificate_only_without_a_certificate_is_403_7() {
    let sim = sim_with(14, &[Certificate]);
    let r = on(&sim, &sim.client(), None);
    assert_eq!(r.status(), 403);
    assert!(body_text(&r).contains("403.7"), "{}", body_text(&r));
    assert!(challenge_lines(&r).is_empty());
}

// ---- bad input -----------------------------------------------------------------------------

#[test]
fn bad_authorization_values_get_400_or_401_and_break_nothing() {
    let sim = sim_with(15, &[Negotiate, Ntlm, Basic, OAuth]);
    let client = sim.client();
    let mut initiator = NtlmInitiator::new("EXAMPLE\\alice", "alice-pw", "PHONE");
    let type2 = leg_token(&on(&sim, &client, Some(&ntlm(&initiator.negotiate()))), "NTLM");

    let huge = format!("NTLM {}", "A".repeat(17 * 1024));
    let cases: Vec<(String, u16)> = vec![
        (huge, 400),
        ("NTLM TlRMTVNTUAABAAA".into(), 400), // truncated base64
        ("NTLM TlRMTVNTUAAB".into(), 400),    // a truncated message
        (ntlm(b"NTLMSSP\0\x07\0\0\0"), 400),  // no such message type
        (ntlm(&type2), 400),                  // a CHALLENGE sent by the client
        (ntlm(b"\0\0\0\0"), 400),             // not NTLM at all
        ("Negotiate YIIBAAA=".into(), 400),   // truncated SPNEGO
        (negotiate(&spnego::neg_token_init(Mech::Kerberos, &spnego::kerberos_token(b"junk"))), 400),
        ("Basic !!!".into(), 400),
        ("Bearer a.b.c".into(), 401),
        ("Bearer".into(), 401),
        ("Digest username=\"alice\"".into(), 401),
        ("\"quoted\"".into(), 401),
    ];
    for (value, status) in &cases {
        // Each on the connection with the pending handshake.
        let r = on(&sim, &client, Some(value));
        assert_eq!(r.status(), *status, "{}", &value[..value.len().min(60)]);
    }
    // The handshake in progress on that connection still completes.
    assert_inbox(&on(&sim, &client, Some(&ntlm(&initiator.authenticate(&type2, [9; 8]).unwrap()))));
    // And arbitrary bytes never make the server fail.
    let rng = mailconform_sim::SeededRng::new(99);
    for i in 0..200 {
        let len = rng.below(300) as usize;
        let bytes = rng.bytes(len);
        let scheme = ["NTLM", "Negotiate", "Bearer", "Basic"][i % 4];
        let value =
            if i % 8 < 4 { format!("{scheme} {}", B64.encode(&bytes)) } else { format!("{scheme} {}", &B64.encode(&bytes)[..(len / 2)]) };
        let r = on(&sim, &sim.client(), Some(&value));
        assert!(matches!(r.status().as_u16(), 400 | 401), "{value}: {}", r.status());
    }
}
