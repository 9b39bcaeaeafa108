//! Sync: keys, windows, both directions, and the meeting delete policy.

use super::*;
use crate::http::Command;
use crate::store::{message_class, MeetingDeletePolicy};
use crate::{empty, leaf, AirSync as A, Email};

fn sync_request(collection: &str, key: &str, extra: Vec<crate::Element>) -> EasRequest {
    let mut coll = vec![leaf(A::SyncKey, key), leaf(A::CollectionId, collection)];
    coll.extend(extra);
    request(Command::Sync, "raw2").with_body(crate::bodies::sync_collection(coll))
}

#[test]
fn keys_prime_advance_and_refuse_strangers() {
    let w = world(20, EasConfig::default());
    let inbox = w.inbox();
    w.mail("alice", "a");
    let primed = body(&w.raw(&sync_request(&inbox, "0", vec![])));
    assert_eq!(primed.find(&["Collections", "Collection", "SyncKey"]), Some("1"));
    assert_eq!(primed.find(&["Collections", "Collection", "Status"]), Some("1"));
    assert!(primed.find_element(&["Collections", "Collection", "Commands"]).is_none(), "priming carries no items");
    assert!(primed.find(&["Status"]).is_none(), "no top-level Status on success");

    let first = body(&w.raw(&sync_request(&inbox, "1", vec![empty(A::GetChanges)])));
    assert_eq!(first.find(&["Collections", "Collection", "SyncKey"]), Some("2"));
    assert_eq!(first.find_all(&["Collections", "Collection", "Commands", "Add"]).len(), 1);

    // A retry with the previous key gets the same item again under a new key.
    let retry = body(&w.raw(&sync_request(&inbox, "1", vec![empty(A::GetChanges)])));
    assert_eq!(retry.find_all(&["Collections", "Collection", "Commands", "Add"]).len(), 1);
    let key = retry.find(&["Collections", "Collection", "SyncKey"]).unwrap().to_string();

    // Nothing new: the same key back, no Commands.
    let idle = body(&w.raw(&sync_request(&inbox, &key, vec![])));
    assert_eq!(idle.find(&["Collections", "Collection", "SyncKey"]), Some(key.as_str()));
    assert!(idle.find_element(&["Collections", "Collection", "Commands"]).is_none());

    let invalid = body(&w.raw(&sync_request(&inbox, "999", vec![])));
    assert_eq!(invalid.find(&["Collections", "Collection", "Status"]), Some("3"));
    assert_eq!(invalid.find(&["Collections", "Collection", "SyncKey"]), Some("0"));

    let unknown = body(&w.raw(&sync_request("42", "1", vec![])));
    assert_eq!(unknown.find(&["Collections", "Collection", "Status"]), Some("12"));

    // The client surfaces Status 3 and starts over on its next call.
    let c = w.client("k3", ProtocolVersion::V14_1);
    w.sim.block_on(c.sync(&inbox)).unwrap();
    let stale = sync_request(&inbox, "77", vec![]);
    let mut stale = stale;
    stale.device_id = "k3".into();
    assert_eq!(body(&w.raw(&stale)).find(&["Collections", "Collection", "Status"]), Some("3"));
}

#[test]
fn more_available_comes_before_commands_and_windows_add_up() {
    let w = world(21, EasConfig::default());
    let inbox = w.inbox();
    for i in 0..5 {
        w.mail("alice", &format!("m{i}"));
    }
    body(&w.raw(&sync_request(&inbox, "0", vec![])));
    let window = body(&w.raw(&sync_request(&inbox, "1", vec![empty(A::GetChanges), leaf(A::WindowSize, "2")])));
    let coll = window.find_element(&["Collections", "Collection"]).unwrap();
    let names: Vec<&str> = coll.elements().map(|e| e.name()).collect();
    assert_eq!(names, ["SyncKey", "CollectionId", "Status", "MoreAvailable", "Commands"]);
    assert_eq!(coll.find_all(&["Commands", "Add"]).len(), 2);
    // Newest first.
    assert_eq!(coll.find(&["Commands", "Add", "ApplicationData", "Subject"]), Some("m4"));

    let c = w.client("win2", ProtocolVersion::V14_1);
    c.set_window_size(2);
    let r = w.sim.block_on(c.sync(&inbox)).unwrap();
    assert_eq!(r.added.len(), 5);
    assert_eq!(r.requests, 1 + 3, "a priming Sync, then windows of 2, 2 and 1");
    assert_eq!(c.items(&inbox).len(), 5);
    assert_eq!(w.sim.block_on(c.estimate(&inbox)).unwrap(), 0);
    w.mail("alice", "m5");
    assert_eq!(w.sim.block_on(c.estimate(&inbox)).unwrap(), 1);
}

#[test]
fn client_changes_reach_the_store_and_do_not_echo() {
    let w = world(22, EasConfig::default());
    let inbox = w.inbox();
    let id = w.mail("alice", "read me");
    let c = w.client("rw", ProtocolVersion::V14_1);
    w.sim.block_on(c.sync(&inbox)).unwrap();
    w.sim.block_on(c.set_read(&inbox, &id, true)).unwrap();
    assert!(w.store.item("alice", &id).unwrap().read);
    let after = w.sim.block_on(c.sync(&inbox)).unwrap();
    assert!(after.changed.is_empty() && after.added.is_empty(), "{after:?}");

    // A server-side change reaches the device as a Change.
    w.store.set_read("alice", &inbox, &id, false).unwrap();
    let change = w.sim.block_on(c.sync(&inbox)).unwrap();
    assert_eq!(change.changed.len(), 1);
    assert_eq!(change.changed[0].read(), Some(false));

    // Adds: a calendar item, a draft and a contact from the device; a mail into the Inbox is refused.
    let calendar = w.folder_id("alice", FolderType::Calendar);
    w.sim.block_on(c.sync(&calendar)).unwrap();
    let sid = w
        .sim
        .block_on(c.add(
            &calendar,
            vec![
                leaf(crate::Calendar::Subject, "Dentist"),
                leaf(crate::Calendar::StartTime, "20260110T080000Z"),
                leaf(crate::Calendar::EndTime, "20260110T090000Z"),
                leaf(crate::Calendar::UID, "dentist-1"),
            ],
        ))
        .unwrap();
    let stored = w.store.item("alice", &sid).unwrap();
    assert_eq!(stored.subject, "Dentist");
    assert_eq!(stored.start, "2026-01-10T08:00:00.000Z");
    assert!(w.sim.block_on(c.sync(&calendar)).unwrap().added.is_empty());
    let drafts = w.folder_id("alice", FolderType::Drafts);
    w.sim.block_on(c.sync(&drafts)).unwrap();
    let draft = w.sim.block_on(c.add(&drafts, vec![leaf(Email::To, "bob@example.test"), leaf(Email::Subject, "Draft")])).unwrap();
    assert_eq!(w.store.item("alice", &draft).unwrap().from, "alice@example.test");
    let contacts = w.folder_id("alice", FolderType::Contacts);
    w.sim.block_on(c.sync(&contacts)).unwrap();
    let contact = w
        .sim
        .block_on(c.add(
            &contacts,
            vec![
                leaf(crate::Contacts::FirstName, "Carol"),
                leaf(crate::Contacts::LastName, "Jones"),
                leaf(crate::Contacts::Email1Address, "carol@example.test"),
            ],
        ))
        .unwrap();
    assert_eq!(w.store.item("alice", &contact).unwrap().email, "carol@example.test");
    let refused = w.sim.block_on(c.add(&inbox, vec![leaf(Email::Subject, "nope")])).unwrap_err();
    assert_eq!(refused.command_status(), Some(crate::status::sync::CONVERSION_ERROR));

    // A delete of something the server does not have: Status 8 in Responses.
    let gone = w.sim.block_on(c.delete(&inbox, "1:999")).unwrap_err();
    assert_eq!(gone.command_status(), Some(crate::status::sync::OBJECT_NOT_FOUND));
}

fn meeting_and_mail(w: &World) -> (String, String) {
    let meeting = w.deliver(
        "alice",
        NewItem::meeting_request(
            "bob@example.test",
            "alice@example.test",
            "Quarterly review",
            "2026-01-06T10:00:00.000Z",
            "2026-01-06T11:00:00.000Z",
            "Room 4",
            "uid-q1",
        ),
    );
    let mail = w.mail("alice", "ordinary");
    (meeting, mail)
}

#[test]
fn keep_on_server_keeps_deleted_meeting_requests_but_deletes_mail() {
    let w = world_with(23, EasConfig::default(), MemoryStore::new().with_meeting_delete_policy(MeetingDeletePolicy::KeepOnServer));
    let inbox = w.inbox();
    let (meeting, mail) = meeting_and_mail(&w);
    let c = w.client("cxm", ProtocolVersion::V14_1);
    w.sim.block_on(c.sync(&inbox)).unwrap();
    assert_eq!(c.items(&inbox).len(), 2);

    w.sim.block_on(c.delete(&inbox, &meeting)).unwrap();
    w.sim.block_on(c.delete(&inbox, &mail)).unwrap();

    // The device believes both gone; the server kept the meeting request.
    let left = w.store.items("alice", &inbox).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(left[0].server_id, meeting);
    assert_eq!(left[0].message_class, message_class::MEETING_REQUEST);
    let trash = w.folder_id("alice", FolderType::DeletedItems);
    assert_eq!(w.store.items("alice", &trash).unwrap().iter().map(|i| i.subject.as_str()).collect::<Vec<_>>(), ["ordinary"]);

    // The kept item is not offered to the device again …
    let again = w.sim.block_on(c.sync(&inbox)).unwrap();
    assert!(again.added.is_empty(), "{again:?}");
    assert!(c.items(&inbox).is_empty());
    // … but a second device (or a resync from key 0) still sees it on the server.
    let other = w.client("cxm2", ProtocolVersion::V14_1);
    let fresh = w.sim.block_on(other.sync(&inbox)).unwrap();
    assert_eq!(fresh.added.iter().filter_map(|i| i.message_class()).collect::<Vec<_>>(), [message_class::MEETING_REQUEST]);
}

#[test]
fn propagate_deletes_meeting_requests_too() {
    let w = world(24, EasConfig::default());
    let inbox = w.inbox();
    let (meeting, mail) = meeting_and_mail(&w);
    let c = w.client("prop", ProtocolVersion::V14_1);
    w.sim.block_on(c.sync(&inbox)).unwrap();
    w.sim.block_on(c.delete(&inbox, &meeting)).unwrap();
    w.sim.block_on(c.delete(&inbox, &mail)).unwrap();
    assert!(w.store.items("alice", &inbox).unwrap().is_empty());
}

#[test]
fn a_waiting_sync_returns_on_change_or_empty_on_expiry() {
    let w = world(25, EasConfig::default());
    let inbox = w.inbox();
    let c = w.client("wait", ProtocolVersion::V14_1);
    w.sim.block_on(c.sync(&inbox)).unwrap();
    let key = c.sync_key(&inbox).unwrap();
    let mut waiting = sync_request(&inbox, &key, vec![empty(A::GetChanges)]);
    waiting.device_id = "wait".into();
    if let Some(doc) = waiting.body.as_mut() {
        doc.root.children.push(leaf(A::HeartbeatInterval, "120").into());
    }
    let t0 = w.sim.elapsed();
    let r = w.raw(&waiting);
    assert_eq!(r.status(), 200);
    assert!(r.body().is_empty(), "an expired wait answers an empty body");
    assert_eq!((w.sim.elapsed() - t0).as_secs(), 120);

    let store = w.store.clone();
    let http = waiting.to_http(URL).unwrap();
    let (r, _) = w.sim.block_on(async {
        let send = w.send_within(http, std::time::Duration::from_secs(600));
        tokio::join!(send, async {
            tokio::time::sleep(std::time::Duration::from_secs(10)).await;
            store.deliver("alice", NewItem::email("bob", "alice", "during wait", "x")).unwrap();
        })
    });
    let doc = body(&r);
    assert_eq!(doc.find(&["Collections", "Collection", "Commands", "Add", "ApplicationData", "Subject"]), Some("during wait"));

    // Out of range and contradictory long polls.
    let mut short = sync_request(&inbox, &key, vec![]);
    short.body.as_mut().unwrap().root.children.push(leaf(A::HeartbeatInterval, "10").into());
    let doc = body(&w.raw(&short));
    assert_eq!(doc.find(&["Status"]), Some("14"));
    assert_eq!(doc.find(&["Limit"]), Some("60"));
    let mut both = sync_request(&inbox, &key, vec![]);
    both.body.as_mut().unwrap().root.children.push(leaf(A::HeartbeatInterval, "100").into());
    both.body.as_mut().unwrap().root.children.push(leaf(A::Wait, "5").into());
    assert_eq!(body(&w.raw(&both)).find(&["Status"]), Some("4"));

    // An empty Sync with nothing cached is incomplete.
    let empty_sync = request(Command::Sync, "fresh");
    assert_eq!(body(&w.raw(&empty_sync)).find(&["Status"]), Some("13"));
}
