//! The Exchange fake's EWS endpoint as a client sees it: IIS-style authentication answers, SOAP
//! faults for requests it cannot take, ServerVersionInfo on every response, GetFolder counts,
//! and the validation of Subscribe and Unsubscribe.

use crate::common;

use common::*;
use mailconform_ews::{
    parse_error_response, parse_fault, parse_get_folder_response, parse_server_version_info, parse_subscribe_response,
    parse_unsubscribe_response, write_request, EventType, FolderInfo, FolderRef, Operation, PushSubscriptionRequest, ResponseCode,
    ResponseError, SchemaVersion, ServerVersionInfo,
};
use mailconform_fakes::exchange::{ServerProfile, SubscriptionState};
use mailconform_sim::{Response, Simulation};

const INBOX: &str = "AAMkAD00INBOX";
const ROOT: &str = "AAMkAD00MSGFOLDERROOT";

fn sim(seed: u64) -> Simulation {
    exchange_sim(seed, ServerProfile::Exchange2013)
}

fn distinguished(id: &str) -> FolderRef {
    FolderRef::Distinguished { id: id.into(), mailbox: None }
}

fn get_folder(ids: Vec<FolderRef>) -> Operation {
    Operation::GetFolder { folder_ids: ids, base_shape: Some("AllProperties".into()) }
}

/// The folders (or per-folder errors) of a 200 GetFolder response.
fn folders(r: &Response) -> Vec<Result<FolderInfo, ResponseError>> {
    assert_eq!(r.status(), 200, "{}", body_text(r));
    parse_get_folder_response(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(r)))
}

fn one_folder(sim: &Simulation, id: FolderRef) -> FolderInfo {
    let mut v = folders(&ews(sim, &get_folder(vec![id])));
    assert_eq!(v.len(), 1);
    v.remove(0).expect("the folder is found")
}

/// The SOAP fault of a 500 response.
fn fault_of(r: &Response) -> mailconform_ews::Fault {
    assert_eq!(r.status(), 500, "{}", body_text(r));
    parse_fault(r.body()).expect("a SOAP envelope").expect("a fault")
}

fn subscribe(sim: &Simulation, auth: &str, p: PushSubscriptionRequest) -> Result<(String, String), ResponseError> {
    let r = ews_as(sim, auth, SchemaVersion::Exchange2013, &Operation::Subscribe(p));
    assert_eq!(r.status(), 200, "{}", body_text(&r));
    parse_subscribe_response(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(&r)))
}

fn subscribe_error(sim: &Simulation, p: PushSubscriptionRequest) -> ResponseError {
    subscribe(sim, &alice_auth(), p).expect_err("Subscribe is refused")
}

fn unsubscribe(sim: &Simulation, auth: &str, id: &str) -> Result<(), ResponseError> {
    let r = ews_as(sim, auth, SchemaVersion::Exchange2013, &Operation::Unsubscribe { subscription_id: id.into() });
    assert_eq!(r.status(), 200, "{}", body_text(&r));
    parse_unsubscribe_response(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(&r)))
}

// ---- authentication ---------------------------------------------------------------------

/// Clients pick their authentication from the challenge; IIS names the host as the realm.
#[test]
fn no_credentials_get_the_basic_challenge_of_the_host() {
    let sim = sim(1);
    let r = send_raw(&sim, http::Method::POST, None, write_request(SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")])));
    assert_eq!(r.status(), 401);
    assert_eq!(r.headers().get(http::header::WWW_AUTHENTICATE).unwrap(), "Basic realm=\"mail.example.test\"");
}

#[test]
fn a_wrong_password_or_an_unknown_user_is_401() {
    let sim = sim(2);
    let body = write_request(SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")]));
    for auth in [
        basic("alice", "bob-pw"),
        basic("alice", ""),
        basic("mallory", "alice-pw"),
        basic("alice", "alice-pw "),
        "Bearer alice-pw".to_string(),
        basic("alice", "alice-pw").replace("Basic ", "Basic"),
    ] {
        let r = post_ews(&sim, &auth, body.clone());
        assert_eq!(r.status(), 401, "{auth}");
        assert_eq!(r.headers().get(http::header::WWW_AUTHENTICATE).unwrap(), "Basic realm=\"mail.example.test\"");
    }
    // No request that failed authentication reached the EWS log.
    assert!(sim.block_on(exchange_control(&sim).requests()).unwrap().is_empty());
}

/// Credentials that do not decode are a bad request, not a challenge: retrying cannot help.
#[test]
fn malformed_basic_credentials_are_400() {
    let sim = sim(3);
    let r = post_ews(&sim, "Basic !!not*base64!!", write_request(SchemaVersion::Exchange2013, &Operation::ConvertId));
    assert_eq!(r.status(), 400);
}

#[test]
fn get_is_405_and_names_post() {
    let sim = sim(4);
    let r = send_raw(&sim, http::Method::GET, Some(&alice_auth()), "");
    assert_eq!(r.status(), 405);
    assert_eq!(r.headers().get(http::header::ALLOW).unwrap(), "POST");
}

/// IIS matches the virtual directory case-insensitively; other paths are IIS's 404.
#[test]
fn the_ews_path_is_case_insensitive() {
    let sim = sim(25);
    let body = write_request(SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")]));
    for (path, status) in [("/ews/exchange.asmx", 200), ("/EWS/EXCHANGE.ASMX", 200), ("/EWS/Exchange.asmx/", 404), ("/owa/", 404)] {
        let req = http::Request::post(format!("https://mail.example.test{path}"))
            .header(http::header::AUTHORIZATION, alice_auth())
            .body(bytes::Bytes::from(body.clone()))
            .unwrap();
        let r = sim.block_on(sim.client().send(req, &mailconform_sim::RequestOptions::default())).unwrap();
        assert_eq!(r.status(), status, "{path}");
    }
}

/// Windows accepts the login, the UPN and the down-level `DOMAIN\login` form for one mailbox.
#[test]
fn the_down_level_and_upn_logins_both_work() {
    let sim = sim(5);
    for auth in [basic("EXAMPLE\\alice", "alice-pw"), basic("alice@example.test", "alice-pw"), basic("ALICE", "alice-pw")] {
        let r = ews_as(&sim, &auth, SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")]));
        assert_eq!(folders(&r)[0].as_ref().unwrap().folder_id, INBOX, "{auth}");
    }
    let users: Vec<String> = sim.block_on(exchange_control(&sim).requests()).unwrap().into_iter().map(|r| r.user).collect();
    assert_eq!(users, [ALICE, ALICE, ALICE]);
    // Bob's down-level name is bob's mailbox, not alice's.
    let r = ews_as(&sim, &basic("EXAMPLE\\bob", "bob-pw"), SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")]));
    assert_eq!(folders(&r)[0].as_ref().unwrap().folder_id, "AAMkAD01INBOX");
}

// ---- faults and versions ----------------------------------------------------------------

/// exchangelib reads the line and position of a schema fault to report where a request broke.
#[test]
fn malformed_xml_is_a_schema_validation_fault_with_its_position() {
    let sim = sim(6);
    let body = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<soap:Envelope xmlns:soap=\"http://schemas.xmlsoap.org/soap/envelope/\">\n  <soap:Body></soap:Bod>\n</soap:Envelope>";
    let r = post_ews(&sim, &alice_auth(), body);
    let f = fault_of(&r);
    assert_eq!(f.code, ResponseCode::ErrorSchemaValidation);
    assert_eq!(f.faultcode, "a:ErrorSchemaValidation");
    // Line 3, at the `<` of the end tag that does not match (character 14 of the line).
    assert_eq!(f.line_position, Some((3, 14)), "{}", body_text(&r));
    // Even a fault tells the client which server it reached.
    assert_eq!(parse_server_version_info(r.body()).unwrap(), Some(ServerVersionInfo::for_schema(SchemaVersion::Exchange2013Sp1)));
}

/// Clients probe from the newest schema down and step down on ErrorInvalidServerVersion.
#[test]
fn a_schema_version_newer_than_the_server_is_refused() {
    let sim = exchange_sim(7, ServerProfile::Exchange2010);
    for v in [SchemaVersion::Exchange2013, SchemaVersion::Exchange2010Sp1, SchemaVersion::Exchange2016] {
        let r = ews_as(&sim, &alice_auth(), v, &get_folder(vec![distinguished("inbox")]));
        let f = fault_of(&r);
        assert_eq!(f.code, ResponseCode::ErrorInvalidServerVersion, "{v}");
        assert_eq!(parse_server_version_info(r.body()).unwrap().unwrap().version, "Exchange2010");
    }
    // The server's own version and older ones are served.
    for v in [SchemaVersion::Exchange2010, SchemaVersion::Exchange2007Sp1] {
        let r = ews_as(&sim, &alice_auth(), v, &get_folder(vec![distinguished("inbox")]));
        assert_eq!(folders(&r).len(), 1, "{v}");
    }
}

#[test]
fn an_unknown_schema_version_string_is_refused() {
    let sim = sim(8);
    let good = write_request(SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")]));
    for bad in ["Exchange2015_SP1", "exchange2013", "Exchange2013 ", ""] {
        let body = good.replace("Version=\"Exchange2013\"", &format!("Version=\"{bad}\""));
        assert_ne!(body, good);
        let f = fault_of(&post_ews(&sim, &alice_auth(), body));
        assert_eq!(f.code, ResponseCode::ErrorInvalidServerVersion, "{bad:?}");
    }
}

/// Exchange 2007-era clients sent no RequestServerVersion; the fake serves them the oldest schema.
#[test]
fn a_request_without_request_server_version_is_accepted() {
    let sim = sim(9);
    let full = write_request(SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")]));
    let start = full.find("<soap:Header>").expect("a header");
    let end = full.find("</soap:Header>").expect("a header end") + "</soap:Header>".len();
    let body = format!("{}{}", &full[..start], &full[end..]);
    assert!(!body.contains("RequestServerVersion"));
    let r = post_ews(&sim, &alice_auth(), body);
    assert_eq!(folders(&r)[0].as_ref().unwrap().folder_id, INBOX);
}

/// Clients learn the server's version from the header of any response, faults included, and
/// exchangelib refuses a response whose build numbers are missing.
#[test]
fn every_response_carries_the_profiles_server_version_info() {
    // (profile, MajorVersion, MinorVersion, MajorBuildNumber, MinorBuildNumber, Version)
    let expected = [
        (ServerProfile::Exchange2007Sp1, 8, 3, 83, 6, ""),
        (ServerProfile::Exchange2010, 14, 0, 639, 21, "Exchange2010"),
        (ServerProfile::Exchange2010Sp1, 14, 1, 218, 15, "Exchange2010_SP1"),
        (ServerProfile::Exchange2013, 15, 0, 847, 32, "Exchange2013_SP1"),
        (ServerProfile::Office365, 15, 20, 7452, 28, "V2018_01_08"),
    ];
    assert_eq!(expected.len(), ServerProfile::ALL.len());
    for (i, (profile, major, minor, major_build, minor_build, version)) in expected.into_iter().enumerate() {
        let want = ServerVersionInfo { major, minor, major_build, minor_build, version: version.into() };
        // exchangelib derives the schema from the build: it must be the newest one the server takes.
        assert_eq!(SchemaVersion::from_build(major, minor, major_build), Some(profile.max_schema()), "{profile:?}");
        let sim = exchange_sim(100 + i as u64, profile);
        let v = profile.max_schema();
        let responses = [
            ews_as(&sim, &alice_auth(), v, &get_folder(vec![distinguished("inbox")])),
            ews_as(&sim, &alice_auth(), v, &get_folder(vec![distinguished("calendar")])),
            ews_as(&sim, &alice_auth(), v, &Operation::ConvertId),
            ews_as(&sim, &alice_auth(), v, &Operation::Subscribe(inbox_push("0", SINK_URL))),
            ews_as(&sim, &alice_auth(), v, &Operation::Unsubscribe { subscription_id: "nope".into() }),
            ews_as(&sim, &alice_auth(), v, &Operation::Other("SyncFolderItems".into())),
            post_ews(&sim, &alice_auth(), "<not-xml"),
        ];
        for r in responses {
            assert_eq!(parse_server_version_info(r.body()).unwrap().as_ref(), Some(&want), "{profile:?}: {}", body_text(&r));
        }
        if profile != ServerProfile::Office365 {
            let newer = SchemaVersion::ALL.into_iter().find(|s| *s > v).expect("a newer schema");
            let r = ews_as(&sim, &alice_auth(), newer, &get_folder(vec![distinguished("inbox")]));
            assert_eq!(fault_of(&r).code, ResponseCode::ErrorInvalidServerVersion);
            assert_eq!(parse_server_version_info(r.body()).unwrap(), Some(want), "{profile:?}");
        }
    }
}

/// exchangelib's version guess sends a dummy ConvertId and needs only an error message and
/// the ServerVersionInfo header back.
#[test]
fn convert_id_probe_gets_an_error_message_with_server_version_info() {
    let sim = sim(10);
    let r = ews(&sim, &Operation::ConvertId);
    assert_eq!(r.status(), 200);
    let msgs = parse_error_response(r.body(), "ConvertId").unwrap();
    assert_eq!(msgs.len(), 1);
    assert_eq!(msgs[0].as_ref().unwrap_err().code, ResponseCode::ErrorInvalidIdMalformed);
    let info = parse_server_version_info(r.body()).unwrap().expect("ServerVersionInfo");
    assert_eq!((info.major, info.minor, info.major_build, info.minor_build), (15, 0, 847, 32));
    assert_eq!(info.version, "Exchange2013_SP1");
}

#[test]
fn an_unknown_operation_is_an_invalid_request_fault() {
    let sim = sim(11);
    let f = fault_of(&ews(&sim, &Operation::Other("SyncFolderItems".into())));
    assert_eq!(f.code, ResponseCode::ErrorInvalidRequest);
    assert_eq!(f.faultcode, "a:ErrorInvalidRequest");
    assert!(f.message.contains("SyncFolderItems"), "{}", f.message);
}

// ---- GetFolder ----------------------------------------------------------------------------

/// Devices read the inbox's id and unread count with GetFolder; both must follow the mailbox.
#[test]
fn get_folder_counts_follow_deliveries_and_read_state() {
    let sim = sim(12);
    let control = exchange_control(&sim);
    let inbox = one_folder(&sim, distinguished("inbox"));
    assert_eq!((inbox.folder_id.as_str(), inbox.display_name.as_str(), inbox.total_count, inbox.unread_count), (INBOX, "Inbox", 0, 0));
    let root = one_folder(&sim, distinguished("msgfolderroot"));
    assert_eq!(
        (root.folder_id.as_str(), root.display_name.as_str(), root.total_count, root.unread_count),
        (ROOT, "Top of Information Store", 0, 0)
    );
    // The fake folds the distinguished "root" onto the top of the information store.
    assert_eq!(one_folder(&sim, distinguished("root")).folder_id, ROOT);

    let first = sim.block_on(control.deliver(ALICE, "one")).unwrap().item_id;
    let _second = sim.block_on(control.deliver(ALICE, "two")).unwrap();
    let _third = sim.block_on(control.deliver(ALICE, "three")).unwrap();
    let inbox2 = one_folder(&sim, distinguished("inbox"));
    assert_eq!((inbox2.total_count, inbox2.unread_count), (3, 3));
    assert_ne!(inbox2.change_key, inbox.change_key, "a delivery changes the inbox");
    // Looking the inbox up by its id gives the same folder.
    assert_eq!(one_folder(&sim, FolderRef::Id { id: INBOX.into(), change_key: None }), inbox2);
    // Mail goes to the inbox only.
    let root2 = one_folder(&sim, distinguished("msgfolderroot"));
    assert_eq!((root2.total_count, root2.unread_count), (0, 0));

    assert_eq!(sim.block_on(control.mark_read(ALICE, &first, true)).unwrap().unread, 2);
    let inbox3 = one_folder(&sim, distinguished("inbox"));
    assert_eq!((inbox3.total_count, inbox3.unread_count), (3, 2));
    assert_eq!(sim.block_on(control.mark_read(ALICE, &first, false)).unwrap().unread, 3);
    assert_eq!(one_folder(&sim, distinguished("inbox")).unread_count, 3);
    assert_eq!(sim.block_on(control.read_all(ALICE)).unwrap().unread, 0);
    let inbox4 = one_folder(&sim, distinguished("inbox"));
    assert_eq!((inbox4.total_count, inbox4.unread_count), (3, 0));

    // Bob's inbox did not move.
    let r = ews_as(&sim, &bob_auth(), SchemaVersion::Exchange2013, &get_folder(vec![distinguished("inbox")]));
    let bob = folders(&r).remove(0).unwrap();
    assert_eq!((bob.folder_id.as_str(), bob.total_count, bob.unread_count), ("AAMkAD01INBOX", 0, 0));
}

#[test]
fn get_folder_answers_each_folder_in_order() {
    let sim = sim(13);
    let v = folders(&ews(&sim, &get_folder(vec![distinguished("inbox"), distinguished("calendar"), distinguished("msgfolderroot")])));
    assert_eq!(v.len(), 3);
    assert_eq!(v[0].as_ref().unwrap().folder_id, INBOX);
    assert_eq!(v[1].as_ref().unwrap_err().code, ResponseCode::ErrorFolderNotFound);
    assert_eq!(v[2].as_ref().unwrap().folder_id, ROOT);
}

#[test]
fn another_users_mailbox_is_access_denied() {
    let sim = sim(14);
    let theirs = FolderRef::Distinguished { id: "inbox".into(), mailbox: Some(BOB.into()) };
    let v = folders(&ews(&sim, &get_folder(vec![theirs])));
    assert_eq!(
        v,
        vec![Err(ResponseError {
            code: ResponseCode::ErrorAccessDenied,
            message: "Access is denied. Check credentials and try again.".into()
        })]
    );
    // Naming one's own mailbox is fine, whatever its case.
    let mine = FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("Alice@Example.test".into()) };
    assert_eq!(folders(&ews(&sim, &get_folder(vec![mine])))[0].as_ref().unwrap().folder_id, INBOX);
    // Bob's folder id, asked for by alice, is not one of her folders.
    let v = folders(&ews(&sim, &get_folder(vec![FolderRef::Id { id: "AAMkAD01INBOX".into(), change_key: None }])));
    assert_eq!(v[0].as_ref().unwrap_err().code, ResponseCode::ErrorFolderNotFound);
}

#[test]
fn an_unknown_folder_is_not_found() {
    let sim = sim(15);
    for id in [FolderRef::Id { id: "AAMkADnope".into(), change_key: Some("AQAAAA".into()) }, distinguished("calendar")] {
        let v = folders(&ews(&sim, &get_folder(vec![id.clone()])));
        assert_eq!(v.len(), 1);
        assert_eq!(v[0].as_ref().unwrap_err().code, ResponseCode::ErrorFolderNotFound, "{id:?}");
    }
}

// ---- Subscribe ----------------------------------------------------------------------------

#[test]
fn status_frequency_outside_1_to_1440_fails_schema_validation() {
    let sim = sim(16);
    for f in ["0", "1441", "abc", "-1", ""] {
        let e = subscribe_error(&sim, inbox_push(f, SINK_URL));
        assert_eq!(e.code, ResponseCode::ErrorSchemaValidation, "{f:?}");
    }
    for f in ["1", "1440"] {
        assert!(subscribe(&sim, &alice_auth(), inbox_push(f, SINK_URL)).is_ok(), "{f}");
    }
    let subs = sim.block_on(exchange_control(&sim).subscriptions()).unwrap();
    let mut freqs: Vec<u32> = subs.iter().map(|s| s.status_frequency).collect();
    freqs.sort();
    assert_eq!(freqs, [1, 1440]);
}

/// Exchange takes a push URL only if it is non-empty, shorter than 2083 characters, http or https.
#[test]
fn a_missing_or_bad_push_url_is_refused() {
    let sim = sim(17);
    let long = |len: usize| {
        let base = "https://sink.example.test/";
        format!("{base}{}", "a".repeat(len - base.len()))
    };
    let mut missing = inbox_push("15", SINK_URL);
    missing.url = None;
    let cases = [
        missing,
        inbox_push("15", ""),
        inbox_push("15", "ftp://sink.example.test/push"),
        inbox_push("15", "not a url"),
        inbox_push("15", &long(2083)),
        inbox_push("15", &long(4096)),
    ];
    for p in cases {
        let url = p.url.clone();
        assert_eq!(subscribe_error(&sim, p).code, ResponseCode::ErrorInvalidPushSubscriptionUrl, "{url:?}");
    }
    // One character shorter than the limit is fine, and plain http is too.
    assert!(subscribe(&sim, &alice_auth(), inbox_push("15", &long(2082))).is_ok());
    assert!(subscribe(&sim, &alice_auth(), inbox_push("15", "http://sink.example.test/push")).is_ok());
}

#[test]
fn all_folders_with_folder_ids_is_an_invalid_subscription_request() {
    let sim = sim(18);
    let mut p = inbox_push("15", SINK_URL);
    p.subscribe_to_all_folders = true;
    assert_eq!(subscribe_error(&sim, p).code, ResponseCode::ErrorInvalidSubscriptionRequest);
    let mut none = inbox_push("15", SINK_URL);
    none.folder_ids.clear();
    assert_eq!(subscribe_error(&sim, none).code, ResponseCode::ErrorInvalidSubscriptionRequest);
    let mut all = inbox_push("15", SINK_URL);
    all.folder_ids.clear();
    all.subscribe_to_all_folders = true;
    assert!(subscribe(&sim, &alice_auth(), all).is_ok());
    assert!(sim.block_on(exchange_control(&sim).subscriptions()).unwrap().len() == 1);
}

/// The codec refuses StatusEvent while reading the request, so this one is a fault.
#[test]
fn status_event_cannot_be_subscribed_to() {
    let sim = sim(19);
    let mut p = inbox_push("15", SINK_URL);
    p.event_types.push(EventType::Status);
    let f = fault_of(&ews(&sim, &Operation::Subscribe(p)));
    assert_eq!(f.code, ResponseCode::ErrorSchemaValidation);
    assert!(f.faultstring.contains("StatusEvent"), "{}", f.faultstring);
    assert!(sim.block_on(exchange_control(&sim).subscriptions()).unwrap().is_empty());
}

#[test]
fn subscribing_to_another_users_inbox_is_access_denied() {
    let sim = sim(20);
    let mut p = inbox_push("15", SINK_URL);
    p.folder_ids = vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: Some(BOB.into()) }];
    assert_eq!(subscribe_error(&sim, p).code, ResponseCode::ErrorAccessDenied);
    assert!(sim.block_on(exchange_control(&sim).subscriptions()).unwrap().is_empty());
}

/// A watermark names a position in one mailbox's event log; any other is ErrorInvalidWatermark.
#[test]
fn a_foreign_or_garbage_watermark_is_invalid() {
    let sim = sim(21);
    let control = exchange_control(&sim);
    let (_, bobs) = subscribe(&sim, &bob_auth(), inbox_push("15", SINK_URL)).unwrap();
    let (_, alices) = subscribe(&sim, &alice_auth(), inbox_push("15", SINK_URL)).unwrap();
    assert_ne!(bobs, alices);
    for wm in [bobs.as_str(), "garbage", "AAAA", "%%%", ""] {
        let mut p = inbox_push("15", SINK_URL);
        p.watermark = Some(wm.into());
        assert_eq!(subscribe_error(&sim, p).code, ResponseCode::ErrorInvalidWatermark, "{wm:?}");
    }
    // A watermark ahead of the mailbox's newest event cannot have come from it.
    sim.block_on(control.deliver(BOB, "moves bob's log")).unwrap();
    let (_, bob_ahead) = subscribe(&sim, &bob_auth(), inbox_push("15", SINK_URL)).unwrap();
    let mut p = inbox_push("15", SINK_URL);
    p.watermark = Some(bob_ahead.replace(BOB, ALICE));
    assert_eq!(subscribe_error(&sim, p).code, ResponseCode::ErrorInvalidWatermark);
    // Alice's own watermark is accepted.
    let mut p = inbox_push("15", SINK_URL);
    p.watermark = Some(alices);
    assert!(subscribe(&sim, &alice_auth(), p).is_ok());
}

#[test]
fn a_successful_subscribe_returns_an_id_and_a_watermark_and_is_listed() {
    let mut sim = sim(22);
    let _sink = Sink::add(&mut sim);
    let (id, watermark) = subscribe(&sim, &alice_auth(), inbox_push("15", SINK_URL)).unwrap();
    assert!(!id.is_empty() && !watermark.is_empty());
    let (id2, watermark2) = subscribe(&sim, &alice_auth(), inbox_push("15", SINK_URL)).unwrap();
    assert_ne!(id, id2, "every Subscribe gives a new subscription");
    assert_eq!(watermark, watermark2, "nothing happened in the mailbox between them");
    sim.block_on(exchange_control(&sim).deliver(ALICE, "x")).unwrap();
    let (_, watermark3) = subscribe(&sim, &alice_auth(), inbox_push("15", SINK_URL)).unwrap();
    assert_ne!(watermark, watermark3, "the watermark moves with the mailbox");

    let subs = sim.block_on(exchange_control(&sim).subscriptions()).unwrap();
    let s = subs.iter().find(|s| s.id == id).expect("listed");
    assert_eq!(s.mailbox, ALICE);
    assert_eq!(s.url, SINK_URL);
    assert_eq!(s.status_frequency, 15);
    assert_eq!(s.version, "Exchange2013");
    assert_eq!(s.state, SubscriptionState::Active);
}

// ---- Unsubscribe --------------------------------------------------------------------------

/// Unsubscribe serves pull and streaming subscriptions only; a push subscription ends by the
/// subscriber answering Unsubscribe, and nobody touches another user's subscription.
#[test]
fn unsubscribe_answers_by_whose_and_what_the_subscription_is() {
    let sim = sim(23);
    let e = unsubscribe(&sim, &alice_auth(), "EQBtYWlsLmV4YW1wbGUudGVzdAnonexistent").unwrap_err();
    assert_eq!(e.code, ResponseCode::ErrorSubscriptionNotFound);
    let (mine, _) = subscribe(&sim, &alice_auth(), inbox_push("15", SINK_URL)).unwrap();
    assert_eq!(unsubscribe(&sim, &alice_auth(), &mine).unwrap_err().code, ResponseCode::ErrorInvalidSubscription);
    let (bobs, _) = subscribe(&sim, &bob_auth(), inbox_push("15", SINK_URL)).unwrap();
    assert_eq!(unsubscribe(&sim, &alice_auth(), &bobs).unwrap_err().code, ResponseCode::ErrorSubscriptionAccessDenied);
    // Neither attempt ended a subscription.
    let subs = sim.block_on(exchange_control(&sim).subscriptions()).unwrap();
    assert_eq!(subs.len(), 2);
    assert!(subs.iter().all(|s| s.state == SubscriptionState::Active), "{subs:?}");
}

// ---- transport limits ---------------------------------------------------------------------

/// The ALPN protocol a client offering `h2` and `http/1.1` (as curl does) is given by the host
/// `io` leads to.
async fn alpn_offering_h2_and_http1(
    io: mailconform_sim::BoxIo,
    ca: &rustls_pki_types::CertificateDer<'static>,
    clock: &mailconform_sim::Clock,
) -> Option<Vec<u8>> {
    let cfg =
        mailconform_sim::tls::client_config(mailconform_sim::tls::roots(std::slice::from_ref(ca)), None, clock, &[b"h2", b"http/1.1"])
            .unwrap();
    let name = rustls_pki_types::ServerName::try_from(mailconform_fakes::defaults::EXCHANGE_HOST).unwrap();
    let tls = tokio_rustls::TlsConnector::from(cfg).connect(name, io).await.expect("the handshake completes");
    tls.get_ref().1.alpn_protocol().map(<[u8]>::to_vec)
}

/// Exchange 2013 runs on IIS 8.5, which speaks HTTP/1.1 only; Exchange Online offers HTTP/2.
#[test]
fn alpn_offers_http2_only_where_the_exchange_versions_iis_does() {
    for (profile, expected) in [(ServerProfile::Exchange2013, &b"http/1.1"[..]), (ServerProfile::Office365, &b"h2"[..])] {
        let sim = exchange_sim(31, profile);
        let net = sim.net.clone();
        let negotiated = sim.block_on(async {
            let io = mailconform_sim::Dialer::dial(&*net, mailconform_fakes::defaults::EXCHANGE_HOST, 443).await.unwrap();
            alpn_offering_h2_and_http1(io, sim.pki.ca.cert_der(), &sim.clock).await
        });
        assert_eq!(negotiated.as_deref(), Some(expected), "{profile:?}");
    }
}

/// `serve` puts the same Exchange (2013 by default) on a real socket with the same offer.
#[test]
fn served_exchange_2013_negotiates_http1_by_alpn() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("alpn-serve-{}", std::process::id()));
    let negotiated = rt.block_on(async {
        let world = mailconform_fakes::serve::start(&["exchange".to_string()], [127, 0, 0, 1].into(), &dir).await.unwrap();
        let io = mailconform_sim::Dialer::dial(&*world.dialer, mailconform_fakes::defaults::EXCHANGE_HOST, 443).await.unwrap();
        alpn_offering_h2_and_http1(io, world.pki.ca.cert_der(), &world.clock).await
    });
    assert_eq!(negotiated.as_deref(), Some(&b"http/1.1"[..]));
}

/// Oversized input is refused before it is read, and refusing it costs the server nothing.
#[test]
fn a_body_over_8_mb_is_413_and_the_server_keeps_its_state() {
    let sim = sim(24);
    let control = exchange_control(&sim);
    sim.block_on(control.deliver(ALICE, "before")).unwrap();
    let (id, _) = subscribe(&sim, &alice_auth(), inbox_push("15", SINK_URL)).unwrap();

    let big = vec![b'x'; 9 * 1024 * 1024];
    let r = post_ews(&sim, &alice_auth(), big);
    assert_eq!(r.status(), 413);

    let inbox = one_folder(&sim, distinguished("inbox"));
    assert_eq!((inbox.total_count, inbox.unread_count), (1, 1));
    let subs = sim.block_on(control.subscriptions()).unwrap();
    assert_eq!(subs.len(), 1);
    assert_eq!(subs[0].id, id);
    assert_eq!(subs[0].state, SubscriptionState::Active);
}
