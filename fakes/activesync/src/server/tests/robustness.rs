//! Hostile input: arbitrary bytes as a body or as the base64 query must never panic and
//! must be answered 400 or with a WBXML status, whatever the command and version.

use super::*;
use crate::http::{code, Command, WBXML_CONTENT_TYPE};
use mailconform_sim::Clock;
use mailconform_sim::HttpClient;
use mailconform_sim::SeededRng;
use mailconform_sim::SimNet;
use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

/// A server reached directly (no network), on a paused runtime of its own.
fn direct() -> (tokio::runtime::Runtime, Arc<EasServer>) {
    direct_with(enforced())
}

fn direct_with(config: EasConfig) -> (tokio::runtime::Runtime, Arc<EasServer>) {
    let rt = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build().unwrap();
    let server = rt.block_on(async {
        let clock = Clock::simulated();
        let http = HttpClient::new(Arc::new(SimNet::default()), mailconform_sim::tls::roots(&[]), clock.clone());
        let env = FakeEnv::new(http, clock.clone(), SeededRng::new(7));
        let store = MemoryStore::new().with_clock(clock);
        store.add_user("alice", "alice@example.test");
        store.deliver("alice", NewItem::email("bob", "alice", "x", "y")).unwrap();
        EasServer::new(env, config, store)
    });
    (rt, server)
}

fn acceptable(resp: &Response) -> Result<(), TestCaseError> {
    let status = resp.status().as_u16();
    if status == code::OK {
        if !resp.body().is_empty() {
            let doc = crate::decode(resp.body()).map_err(|e| TestCaseError::fail(format!("200 with a body that is not WBXML: {e}")))?;
            prop_assert!(doc.root.elements().count() > 0);
        }
        return Ok(());
    }
    prop_assert!(
        [code::BAD_REQUEST, code::NEEDS_PROVISIONING, code::NOT_IMPLEMENTED, code::SERVER_ERROR, code::FORBIDDEN].contains(&status),
        "unexpected HTTP {status}"
    );
    Ok(())
}

const COMMANDS: &[Command] = &[
    Command::Sync,
    Command::FolderSync,
    Command::Provision,
    Command::Ping,
    Command::GetItemEstimate,
    Command::ItemOperations,
    Command::SendMail,
    Command::MeetingResponse,
    Command::Settings,
    Command::MoveItems,
    Command::FolderCreate,
    Command::SmartReply,
];

#[test]
fn arbitrary_bodies_never_panic() {
    let (rt, server) = direct();
    let strategy = (
        proptest::sample::select(COMMANDS),
        proptest::sample::select(ProtocolVersion::ALL),
        prop_oneof![
            proptest::collection::vec(any::<u8>(), 0..200),
            // Valid WBXML headers followed by noise reach the decoder's deeper paths.
            proptest::collection::vec(any::<u8>(), 0..200).prop_map(|mut v| {
                let mut body = vec![0x03, 0x01, 0x6A, 0x00];
                body.append(&mut v);
                body
            }),
        ],
        proptest::option::of("[0-9]{1,10}"),
    );
    let mut runner = TestRunner::new(Config { cases: 256, ..Config::default() });
    runner
        .run(&strategy, |(command, version, bytes, key)| {
            let mut b = ::http::Request::post(format!(
                "{}?Cmd={}&User=alice&DeviceId=fuzz&DeviceType=T",
                crate::http::DEFAULT_PATH,
                command.name()
            ))
            .header("MS-ASProtocolVersion", version.as_str())
            .header("Content-Type", WBXML_CONTENT_TYPE);
            if let Some(k) = key {
                b = b.header("X-MS-PolicyKey", k);
            }
            let req = b.body(bytes::Bytes::from(bytes)).unwrap();
            let resp = rt.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(4000), server.handle(req, "alice")).await });
            let resp = resp.map_err(|_| TestCaseError::fail("no answer within the longest heartbeat"))?;
            acceptable(&resp)
        })
        .unwrap();
}

#[test]
fn arbitrary_base64_queries_never_panic() {
    let (rt, server) = direct();
    let strategy = prop_oneof![
        "[A-Za-z0-9+/=%]{0,80}",
        proptest::collection::vec(any::<u8>(), 0..60).prop_map(|v| base64::engine::general_purpose::STANDARD.encode(v)),
        // Plausible prefixes: a real version and command, then noise.
        (proptest::sample::select(&[121u8, 140, 141, 160, 161][..]), 0u8..25, proptest::collection::vec(any::<u8>(), 0..40)).prop_map(
            |(v, c, mut rest)| {
                let mut bytes = vec![v, c];
                bytes.append(&mut rest);
                base64::engine::general_purpose::STANDARD.encode(bytes)
            }
        ),
    ];
    let mut runner = TestRunner::new(Config { cases: 256, ..Config::default() });
    runner
        .run(&strategy, |query| {
            let Ok(req) = ::http::Request::post(format!("{}?{}", crate::http::DEFAULT_PATH, query)).body(bytes::Bytes::new()) else {
                return Ok(());
            };
            let resp = rt.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(4000), server.handle(req, "alice")).await });
            let resp = resp.map_err(|_| TestCaseError::fail("no answer"))?;
            acceptable(&resp)
        })
        .unwrap();
}

/// Every tag of the pages the served commands use.
fn tags() -> Vec<crate::Tag> {
    use crate::pages::CodePage;
    [
        CodePage::AirSync,
        CodePage::AirSyncBase,
        CodePage::Email,
        CodePage::Calendar,
        CodePage::Contacts,
        CodePage::FolderHierarchy,
        CodePage::Ping,
        CodePage::Provision,
        CodePage::Settings,
        CodePage::ItemOperations,
        CodePage::ComposeMail,
        CodePage::MeetingResponse,
        CodePage::GetItemEstimate,
        CodePage::Move,
    ]
    .iter()
    .flat_map(|&page| page.tags().iter().filter_map(move |e| crate::Tag::from_token(page, e.token)))
    .collect()
}

fn arb_element() -> impl Strategy<Value = crate::Element> {
    let tags = tags();
    let values = prop_oneof!["[0-3]", "1:[0-9]", "[0-9]{1,4}", "[A-Za-z ]{0,8}", Just("MS-EAS-Provisioning-WBXML".to_string())];
    let leaf = (proptest::sample::select(tags.clone()), values).prop_map(|(t, v)| crate::leaf(t, v));
    leaf.prop_recursive(4, 40, 5, move |inner| {
        (proptest::sample::select(tags.clone()), proptest::collection::vec(inner, 0..5)).prop_map(|(t, kids)| crate::el(t, kids))
    })
}

/// Well-formed WBXML with the right root and arbitrary content reaches every handler's
/// reading of its request; none may panic, each answers 400 or a status.
#[test]
fn arbitrary_documents_reach_the_handlers_without_panics() {
    let (rt, server) = direct_with(EasConfig::default());
    let strategy = (
        proptest::sample::select(COMMANDS),
        proptest::sample::select(&[ProtocolVersion::V12_1, ProtocolVersion::V14_1, ProtocolVersion::V16_1][..]),
        proptest::collection::vec(arb_element(), 0..4),
    );
    let mut runner = TestRunner::new(Config { cases: 512, ..Config::default() });
    runner
        .run(&strategy, |(command, version, children)| {
            let root = command.root_tag().unwrap();
            let mut req =
                EasRequest::new(command, "alice", "fuzzdoc", "T", version).with_body(crate::Document::new(crate::el(root, children)));
            if command.body_is_mime(version) {
                req.body = None;
                req.mime = Some(bytes::Bytes::from_static(b"To: bob@example.test\r\n\r\nx"));
            }
            let http = req.to_http(crate::http::DEFAULT_PATH).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let resp =
                rt.block_on(async { tokio::time::timeout(std::time::Duration::from_secs(4000), server.handle(http, "alice")).await });
            let resp = resp.map_err(|_| TestCaseError::fail("no answer"))?;
            acceptable(&resp)
        })
        .unwrap();
    let log = server.request_log();
    assert!(log.len() >= 512, "{}", log.len());
    // The documents get past the gates into the handlers, not just 400s.
    assert!(log.iter().filter(|r| r.http_status == 200).count() > 100);
}

#[test]
fn structurally_wrong_wbxml_gets_command_statuses() {
    let w = world(50, EasConfig::default());
    let empty_root = |command: Command| {
        let root = command.root_tag().unwrap();
        EasRequest::new(command, "alice", "odd", "SimPhone", ProtocolVersion::V14_1)
            .with_body(crate::Document::new(crate::el(root, Vec::<crate::Element>::new())))
    };
    assert_eq!(body(&w.raw(&empty_root(Command::FolderSync))).find(&["Status"]), Some("10"));
    assert_eq!(body(&w.raw(&empty_root(Command::Sync))).find(&["Status"]), Some("13"));
    assert_eq!(body(&w.raw(&empty_root(Command::Provision))).find(&["Status"]), Some("2"));
    assert_eq!(body(&w.raw(&empty_root(Command::Settings))).find(&["Status"]), Some("2"));
    assert_eq!(body(&w.raw(&empty_root(Command::ItemOperations))).find(&["Status"]), Some("2"));
    assert_eq!(body(&w.raw(&empty_root(Command::Ping))).find(&["Status"]), Some("3"));
    assert_eq!(body(&w.raw(&empty_root(Command::SendMail))).find(&["Status"]), Some("103"));
    assert_eq!(w.raw(&empty_root(Command::MeetingResponse)).status(), 400);
}
