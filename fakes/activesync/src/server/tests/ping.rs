//! Ping's parameter checks and caching.

use super::*;
use crate::client::PingOutcome;
use crate::http::Command;
use crate::{el, leaf, Ping as P};

#[test]
fn heartbeats_out_of_range_get_status_5_with_the_bound() {
    let w = world(30, EasConfig::default());
    let inbox = w.inbox();
    let c = w.client("hb", ProtocolVersion::V14_1);
    let folders = [(inbox.as_str(), "Email")];
    assert_eq!(w.sim.block_on(c.ping(Some(&folders), Some(30))).unwrap(), PingOutcome::HeartbeatOutOfRange { limit: 60 });
    assert_eq!(w.sim.block_on(c.ping(Some(&folders), Some(4000))).unwrap(), PingOutcome::HeartbeatOutOfRange { limit: 3540 });

    // The raw answer: Status then HeartbeatInterval, on the Ping page.
    let req = request(Command::Ping, "hb").with_body(crate::Document::new(el(
        P::Ping,
        [leaf(P::HeartbeatInterval, "59"), el(P::Folders, [el(P::Folder, [leaf(P::Id, inbox.as_str()), leaf(P::Class, "Email")])])],
    )));
    let doc = body(&w.raw(&req));
    let names: Vec<&str> = doc.root.elements().map(|e| e.name()).collect();
    assert_eq!(names, ["Status", "HeartbeatInterval"]);
    assert_eq!(doc.find(&["Status"]), Some("5"));
    assert_eq!(doc.find(&["HeartbeatInterval"]), Some("60"));
    // A refused interval is not cached.
    assert_eq!(w.server.device_state("alice", "hb").unwrap().heartbeat_interval, None);
}

#[test]
fn missing_parameters_unknown_folders_and_limits() {
    let config = EasConfig { ping_max_folders: 2, ..Default::default() };
    let w = world(31, config);
    let c = w.client("pp", ProtocolVersion::V14_1);
    let e = w.sim.block_on(c.ping(None, Some(300))).unwrap_err();
    assert_eq!(e.command_status(), Some(crate::status::ping::MISSING_PARAMETERS));
    let e = w.sim.block_on(c.ping(Some(&[("99", "Email")]), Some(300))).unwrap_err();
    assert_eq!(e.command_status(), Some(crate::status::ping::FOLDER_SYNC_REQUIRED));
    let three = [("1", "Email"), ("2", "Email"), ("3", "Email")];
    assert_eq!(w.sim.block_on(c.ping(Some(&three), Some(300))).unwrap(), PingOutcome::TooManyFolders { max: 2 });
    // A Folder without Id is a syntax error.
    let req = request(Command::Ping, "pp")
        .with_body(crate::Document::new(el(P::Ping, [el(P::Folders, [el(P::Folder, [leaf(P::Class, "Email")])])])));
    assert_eq!(body(&w.raw(&req)).find(&["Status"]), Some("4"));
}

#[test]
fn unsynced_items_make_a_ping_return_at_once() {
    let w = world(32, EasConfig::default());
    let inbox = w.inbox();
    w.mail("alice", "waiting");
    let c = w.client("now", ProtocolVersion::V14_1);
    // Primed but not fetched: the item is pending for this device.
    let prime = request(Command::Sync, "now").with_body(crate::bodies::sync_collection([
        leaf(crate::AirSync::SyncKey, "0"),
        leaf(crate::AirSync::CollectionId, inbox.as_str()),
    ]));
    body(&w.raw(&prime));
    let t0 = w.sim.elapsed();
    let outcome = w.sim.block_on(c.ping(Some(&[(inbox.as_str(), "Email")]), Some(600))).unwrap();
    assert_eq!(outcome, PingOutcome::Changed(vec![inbox]));
    assert!(w.sim.elapsed() - t0 < std::time::Duration::from_secs(1));
}
