//! SendMail, MeetingResponse, ItemOperations, Settings, the folder commands, MoveItems,
//! and the HTTP-level answers (404, 451, 503, 403, 456, 457, login pages).

use super::*;
use crate::client::{EasError, MeetingAnswer};
use crate::http::Command;
use crate::server::Availability;
use crate::store::message_class;
use crate::{bodies, el, leaf, FolderHierarchy as FH, Move as M};

#[test]
fn send_mail_delivers_locally_and_keeps_a_copy() {
    let w = world(40, EasConfig::default());
    for version in [ProtocolVersion::V14_1, ProtocolVersion::V12_1] {
        let c = w.client(&format!("sm{}", version.query_byte()), version);
        let mime = format!(
            "From: alice@example.test\r\nTo: Bob <bob@example.test>, someone@elsewhere.test\r\nSubject: Hello {version}\r\n\r\nHi Bob.\r\n"
        );
        w.sim.block_on(c.send_mail(mime.as_bytes())).unwrap();
        let bob_inbox = w.folder_id("bob", FolderType::Inbox);
        let got = w.store.items("bob", &bob_inbox).unwrap();
        assert!(got.iter().any(|i| i.subject == format!("Hello {version}") && i.body == "Hi Bob."), "{got:?}");
        let sent = w.folder_id("alice", FolderType::SentItems);
        assert!(w.store.items("alice", &sent).unwrap().iter().any(|i| i.subject == format!("Hello {version}")));
    }
    // No recipient: common status 119 from 14.0.
    let c = w.client("sm-bad", ProtocolVersion::V14_1);
    let e = w.sim.block_on(c.send_mail(b"Subject: nobody\r\n\r\nx")).unwrap_err();
    assert_eq!(e.command_status(), Some(crate::status::common::MESSAGE_HAS_NO_RECIPIENT), "{e}");
    let e = w.sim.block_on(c.send_mail(b"no header section at all")).unwrap_err();
    assert_eq!(e.command_status(), Some(crate::status::common::INVALID_MIME), "{e}");
}

#[test]
fn accepting_a_meeting_moves_the_request_and_books_the_calendar() {
    let w = world(41, EasConfig::default());
    let inbox = w.inbox();
    let request = w.deliver(
        "alice",
        NewItem::meeting_request(
            "bob@example.test",
            "alice@example.test",
            "Planning",
            "2026-01-07T14:00:00.000Z",
            "2026-01-07T15:00:00.000Z",
            "Room 9",
            "uid-plan",
        ),
    );
    let c = w.client("mr", ProtocolVersion::V16_1);
    w.sim.block_on(c.sync(&inbox)).unwrap();
    let calendar_id = w.sim.block_on(c.meeting_response(&inbox, &request, MeetingAnswer::Accept)).unwrap().unwrap();
    let booked = w.store.item("alice", &calendar_id).unwrap();
    assert_eq!((booked.subject.as_str(), booked.uid.as_str(), booked.busy_status), ("Planning", "uid-plan", Some(2)));
    assert!(w.store.items("alice", &inbox).unwrap().is_empty(), "the request left the Inbox");
    let trash = w.folder_id("alice", FolderType::DeletedItems);
    assert_eq!(w.store.items("alice", &trash).unwrap().len(), 1);
    // 16.x asked the server to answer the organizer.
    let bob_inbox = w.folder_id("bob", FolderType::Inbox);
    let replies = w.store.items("bob", &bob_inbox).unwrap();
    assert_eq!(replies.iter().map(|i| i.message_class.as_str()).collect::<Vec<_>>(), [message_class::MEETING_ACCEPTED]);
    // The device's next Sync removes the request from its Inbox.
    let next = w.sim.block_on(c.sync(&inbox)).unwrap();
    assert_eq!(next.deleted, std::slice::from_ref(&request));
    // Answering again: the request is gone.
    let e = w.sim.block_on(c.meeting_response(&inbox, &request, MeetingAnswer::Decline)).unwrap_err();
    assert_eq!(e.command_status(), Some(crate::status::meeting_response::INVALID_MEETING_REQUEST));
    // An ordinary mail is not a meeting request.
    let mail = w.mail("alice", "plain");
    let e = w.sim.block_on(c.meeting_response(&inbox, &mail, MeetingAnswer::Accept)).unwrap_err();
    assert_eq!(e.command_status(), Some(2));
}

#[test]
fn item_operations_fetch_and_settings() {
    let w = world(42, EasConfig::default());
    let inbox = w.inbox();
    let id = w.mail("alice", "fetch me");
    let c = w.client("io", ProtocolVersion::V14_1);
    let item = w.sim.block_on(c.fetch(&inbox, &id)).unwrap();
    assert_eq!(item.subject(), Some("fetch me"));
    assert_eq!(item.body(), Some("Body of fetch me"));
    let e = w.sim.block_on(c.fetch(&inbox, "1:404")).unwrap_err();
    assert_eq!(e.command_status(), Some(crate::status::item_operations::OBJECT_NOT_FOUND));

    assert_eq!(w.sim.block_on(c.user_addresses()).unwrap(), ["alice@example.test"]);
    let old = w.client("io12", ProtocolVersion::V12_1);
    assert_eq!(w.sim.block_on(old.user_addresses()).unwrap(), ["alice@example.test"]);

    let set = request(Command::Settings, "io").with_body(crate::Document::new(el(
        crate::Settings::Settings,
        [bodies::device_information([leaf(crate::Settings::Model, "Pixel"), leaf(crate::Settings::OS, "Android 15")])],
    )));
    let doc = body(&w.raw(&set));
    assert_eq!(doc.find(&["Status"]), Some("1"));
    assert_eq!(doc.find(&["DeviceInformation", "Status"]), Some("1"));
    assert_eq!(w.server.device_state("alice", "io").unwrap().device_information["OS"], "Android 15");
}

#[test]
fn folder_commands_and_move_items() {
    let w = world(43, EasConfig::default());
    let folder_sync = |key: &str| {
        let req = request(Command::FolderSync, "fc").with_body(bodies::folder_sync_request(key));
        body(&w.raw(&req))
    };
    let create = |key: &str, name: &str| {
        request(Command::FolderCreate, "fc").with_body(crate::Document::new(el(
            FH::FolderCreate,
            [leaf(FH::SyncKey, key), leaf(FH::ParentId, "0"), leaf(FH::DisplayName, name), leaf(FH::Type, "12")],
        )))
    };
    let initial = folder_sync("0");
    assert_eq!(initial.find(&["Changes", "Count"]), Some("9"));
    let key = initial.find(&["SyncKey"]).unwrap().to_string();
    let doc = body(&w.raw(&create(&key, "Projects")));
    assert_eq!(doc.find(&["Status"]), Some("1"));
    let new_id = doc.find(&["ServerId"]).unwrap().to_string();
    let new_key = doc.find(&["SyncKey"]).unwrap().to_string();
    assert_ne!(new_key, key);
    assert_eq!(body(&w.raw(&create(&new_key, "Projects"))).find(&["Status"]), Some("2"), "exists");
    assert_eq!(body(&w.raw(&create("bogus", "Other"))).find(&["Status"]), Some("9"));
    // The device's own creation does not come back as an Add; the key stays.
    let quiet = folder_sync(&new_key);
    assert_eq!(quiet.find(&["Changes", "Count"]), Some("0"));
    assert_eq!(quiet.find(&["SyncKey"]), Some(new_key.as_str()));
    // A folder made on the server does, under a new key.
    let inside = w.sim.enter();
    w.store.add_folder("alice", "0", "Archive", FolderType::UserMail).unwrap();
    drop(inside);
    let changes = folder_sync(&new_key);
    assert_eq!(changes.find(&["Changes", "Count"]), Some("1"));
    assert_eq!(changes.find(&["Changes", "Add", "DisplayName"]), Some("Archive"));
    assert_ne!(changes.find(&["SyncKey"]), Some(new_key.as_str()));
    assert_eq!(folder_sync("nonsense").find(&["Status"]), Some("9"));

    let inbox = w.inbox();
    let id = w.mail("alice", "to move");
    let mv = request(Command::MoveItems, "fc").with_body(crate::Document::new(el(
        M::MoveItems,
        [el(M::Move, [leaf(M::SrcMsgId, id.as_str()), leaf(M::SrcFldId, inbox.as_str()), leaf(M::DstFldId, new_id.as_str())])],
    )));
    let doc = body(&w.raw(&mv));
    assert_eq!(doc.find(&["Response", "Status"]), Some("3"));
    let moved = doc.find(&["Response", "DstMsgId"]).unwrap();
    assert_eq!(w.store.item("alice", moved).unwrap().subject, "to move");
}

#[test]
fn http_level_answers() {
    let w = world(44, EasConfig::default());
    let c = w.client("http", ProtocolVersion::V14_1);
    let wrong_path = ::http::Request::post("https://mail.example.test/ews/exchange.asmx?Cmd=Sync&User=a&DeviceId=d&DeviceType=t")
        .body(bytes::Bytes::new())
        .unwrap();
    assert_eq!(w.send(wrong_path).status(), 404);

    w.server.set_availability(Availability::Unavailable { retry_after_secs: 120 });
    let e = w.sim.block_on(c.folder_sync()).unwrap_err();
    assert!(matches!(&e, EasError::Http { status: 503, retry_after: Some(r), .. } if r == "120"), "{e:?}");
    for (availability, status) in [(Availability::Disabled, 403), (Availability::Blocked, 456), (Availability::PasswordExpired, 457)] {
        w.server.set_availability(availability);
        assert_eq!(w.sim.block_on(c.folder_sync()).unwrap_err().http_status(), Some(status));
    }
    // 451: the client follows X-MS-Location (here to a path the same server also serves).
    let traveler = world(
        45,
        EasConfig {
            paths: vec!["/Microsoft-Server-ActiveSync".into(), "/traveler/Microsoft-Server-ActiveSync".into()],
            ..Default::default()
        },
    );
    traveler
        .server
        .set_availability(Availability::Redirect { location: "https://mail.example.test/traveler/Microsoft-Server-ActiveSync".into() });
    let c = traveler.client("moved", ProtocolVersion::V14_1);
    let e = traveler.sim.block_on(c.folder_sync()).unwrap_err();
    assert_eq!(e.http_status(), Some(451), "the redirect target answers 451 too while redirecting");
    assert_eq!(c.base_url(), "https://mail.example.test/traveler/Microsoft-Server-ActiveSync");
    traveler.server.set_availability(Availability::Normal);
    assert_eq!(traveler.sim.block_on(c.folder_sync()).unwrap().folders.len(), 9);

    // Commands known but not served: Status 137 from 14.0, 501 before.
    let search = request(Command::Search, "http").with_body(crate::Document::new(el(crate::Search::Search, Vec::<crate::Element>::new())));
    w.server.set_availability(Availability::Normal);
    assert_eq!(body(&w.raw(&search)).find(&["Status"]), Some("137"));
    let mut old = search.clone();
    old.protocol_version = ProtocolVersion::V12_1;
    assert_eq!(w.raw(&old).status(), 501);
}

/// A Domino server with session authentication answers an HTML login page, which EAS
/// clients cannot use: the client names that failure.
#[test]
fn an_html_login_page_is_reported_as_such() {
    let mut sim = Simulation::new(46).unwrap();
    let handler = mailconform_sim::FnHandler(|_req: Request, _c| async move {
        mailconform_sim::http::response(
            200,
            "text/html; charset=UTF-8",
            "<html><form action=\"/names.nsf?Login\" method=\"post\"></form></html>",
        )
    });
    sim.add_host("domino", HOST, Arc::new(handler), ClientAuth::None, false).unwrap();
    let c = EasClient::new(sim.client(), URL, "alice", PASSWORD, "forms", "SimPhone", ProtocolVersion::V14_1);
    let e = sim.block_on(c.folder_sync()).unwrap_err();
    assert!(matches!(e, EasError::LoginForm { status: 200, .. }), "{e:?}");
    let e = sim.block_on(c.options()).unwrap_err();
    assert!(matches!(e, EasError::LoginForm { .. }), "{e:?}");
}

/// Domino's error pages are HTML too, but they are the status they come with: a 401 with a
/// Basic challenge refuses the credentials, a 404 is a wrong path, neither is a login page.
#[test]
fn an_html_error_page_is_its_status() {
    let mut sim = Simulation::new(47).unwrap();
    let handler = mailconform_sim::FnHandler(|req: Request, _c| async move {
        let status = if req.uri().query().is_some_and(|q| q.contains("User=nobody")) { 404 } else { 401 };
        let mut r = mailconform_sim::http::response(status, "text/html; charset=UTF-8", "<html><body>HTTP Web Server: Error</body></html>");
        r.headers_mut().insert(http::header::WWW_AUTHENTICATE, "Basic realm=\"/\"".parse().unwrap());
        r
    });
    sim.add_host("domino", HOST, Arc::new(handler), ClientAuth::None, false).unwrap();
    let c = EasClient::new(sim.client(), URL, "alice", PASSWORD, "errors", "SimPhone", ProtocolVersion::V14_1);
    let e = sim.block_on(c.folder_sync()).unwrap_err();
    assert!(matches!(e, EasError::Http { status: 401, .. }), "{e:?}");
    let e = sim.block_on(c.options()).unwrap_err();
    assert!(matches!(e, EasError::Http { status: 401, .. }), "{e:?}");
    let lost = EasClient::new(sim.client(), URL, "nobody", PASSWORD, "errors", "SimPhone", ProtocolVersion::V14_1);
    let e = sim.block_on(lost.folder_sync()).unwrap_err();
    assert!(matches!(e, EasError::Http { status: 404, .. }), "{e:?}");
}

#[test]
fn the_control_api_drives_and_observes() {
    use crate::server::contract::{Delivery, EasControl};
    use crate::server::{Availability, WipeState};
    use mailconform_sim::ControlClient;
    let w = world(47, enforced());
    let control = EasControl(ControlClient::new(w.sim.control_client(), &format!("https://{HOST}{}", crate::server::CONTROL_PATH)));
    let c = w.client("ctl", ProtocolVersion::V14_1);
    let inbox = w.inbox();
    w.sim.block_on(c.sync(&inbox)).unwrap();

    let item = crate::NewItem { subject: "via control".into(), from: "bob@example.test".into(), ..Default::default() };
    let delivered = w.sim.block_on(control.deliver(&Delivery { to: "alice@example.test".into(), item })).unwrap();
    assert_eq!(delivered.server_id, "1:1");
    assert_eq!(w.sim.block_on(c.sync(&inbox)).unwrap().added.len(), 1);
    let items = w.sim.block_on(control.items("alice", &inbox)).unwrap();
    assert_eq!(items[0].subject, "via control");

    let device = w.sim.block_on(control.device("alice%40example.test", "ctl")).unwrap();
    assert!(device.provisioned);
    w.sim.block_on(control.wipe("alice", "ctl")).unwrap();
    assert!(matches!(w.sim.block_on(c.folder_sync()), Err(EasError::Wiped)));
    assert_eq!(w.sim.block_on(control.device("alice", "ctl")).unwrap().wipe, WipeState::Acknowledged);

    w.sim.block_on(control.set_availability(&Availability::Unavailable { retry_after_secs: 5 })).unwrap();
    let other = w.client("ctl2", ProtocolVersion::V14_1);
    assert_eq!(w.sim.block_on(other.folder_sync()).unwrap_err().http_status(), Some(503));
    w.sim.block_on(control.set_meeting_delete_policy(crate::store::MeetingDeletePolicy::KeepOnServer)).unwrap();
    assert_eq!(w.store.meeting_delete_policy(), crate::store::MeetingDeletePolicy::KeepOnServer);
    let log = w.sim.block_on(control.log()).unwrap();
    assert!(log.iter().any(|r| r.http_status == 503));
    let nope: Result<(), _> = w.sim.block_on(control.0.get("/nope"));
    assert!(matches!(nope, Err(mailconform_sim::ControlError::Status { status: 404, .. })));
    let bad: Result<(), _> = w.sim.block_on(control.0.put("/availability", &serde_json::json!({"kind": "sometimes"})));
    assert!(
        matches!(bad, Err(mailconform_sim::ControlError::Status { status: 400, ref body, .. }) if body.contains("expected a body like")),
        "{bad:?}"
    );
}
