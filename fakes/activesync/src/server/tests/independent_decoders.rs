//! The server's bodies read by decoders and schemas this project did not write: libwbxml's
//! `wbxml2xml` must decode every request and response of a full session to the same XML as
//! this crate's decoder, and every response must be valid against the XSDs Microsoft
//! publishes with its ActiveSync server test suites (`tests/interop/eas-xsd`).
//!
//! The tools come from `tests/interop/setup` (the README's test command runs it first).

use super::*;
use crate::client::{MeetingAnswer, ProvisionOutcome};
use crate::http::Command;
use crate::store::FolderType;
use crate::{el, leaf, Move as M};
use std::path::{Path, PathBuf};
use std::process::Command as Process;

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A full session of one device: every command this server serves, successes and the
/// provisioning failures, each exchange recorded by the test front.
fn session(w: &World, version: ProtocolVersion) {
    let c = w.client(&format!("corpus{}", version.as_str().replace('.', "")), version);
    c.set_auto_provision(false);
    // Unprovisioned: 449 before 14.0, Status 142 after.
    let _ = w.sim.block_on(c.folder_sync());
    c.set_auto_provision(true);
    w.mail("alice", "one");
    w.mail("alice", "two");
    let _ = w.deliver(
        "alice",
        NewItem::meeting_request(
            "bob@example.test",
            "alice@example.test",
            "Review",
            "2026-01-06T10:00:00.000Z",
            "2026-01-06T11:00:00.000Z",
            "Room 1",
            "uid-review-1",
        ),
    );
    w.sim.block_on(c.options()).unwrap();
    assert!(matches!(w.sim.block_on(c.provision()).unwrap(), ProvisionOutcome::Provisioned { .. }));
    w.sim.block_on(c.folder_sync()).unwrap();
    let inbox = c.folder_id(FolderType::Inbox).unwrap();
    for t in [FolderType::Inbox, FolderType::Calendar, FolderType::Contacts] {
        w.sim.block_on(c.sync(&c.folder_id(t).unwrap())).unwrap();
    }
    let items = c.items(&inbox);
    let first = items.iter().find(|i| i.subject() == Some("one")).unwrap().server_id.clone();
    w.sim.block_on(c.estimate(&inbox)).unwrap();
    w.sim.block_on(c.fetch(&inbox, &first)).unwrap();
    w.sim.block_on(c.set_read(&inbox, &first, true)).unwrap();
    let meeting = items.iter().find(|i| i.subject() == Some("Review")).unwrap().server_id.clone();
    w.sim.block_on(c.meeting_response(&inbox, &meeting, MeetingAnswer::Accept)).unwrap();
    w.sim.block_on(c.send_mail(b"From: alice@example.test\r\nTo: bob@example.test\r\nSubject: hi\r\n\r\nhello\r\n")).unwrap();
    w.sim.block_on(c.user_addresses()).unwrap();
    let deleted = c.folder_id(FolderType::DeletedItems).unwrap();
    let second = c.items(&inbox).iter().find(|i| i.subject() == Some("two")).unwrap().server_id.clone();
    let mut mv = EasRequest::new(Command::MoveItems, "alice", c.device_id(), "SimPhone", version)
        .with_policy_key(c.policy_key())
        .with_body(crate::Document::new(el(
            M::MoveItems,
            [el(M::Move, [leaf(M::SrcMsgId, second.as_str()), leaf(M::SrcFldId, inbox.as_str()), leaf(M::DstFldId, deleted.as_str())])],
        )));
    mv.protocol_version = version;
    let _ = w.raw(&mv);
    w.sim.block_on(c.sync(&inbox)).unwrap();
    // A Ping that a delivery wakes.
    let folders = [(inbox.as_str(), "Email")];
    let store = w.store.clone();
    let (outcome, _) = w.sim.block_on(async {
        tokio::join!(c.ping(Some(&folders), Some(480)), async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            store.deliver("alice", NewItem::email("bob@example.test", "alice@example.test", "three", "late")).unwrap();
        })
    });
    outcome.unwrap();
    w.sim.block_on(c.sync(&inbox)).unwrap();
    w.sim.block_on(c.delete(&inbox, &first)).unwrap();
}

/// Writes each recorded WBXML body with this crate's XML beside it.
fn write_corpus(w: &World, dir: &Path) -> usize {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).unwrap();
    let mut n = 0;
    for (i, (command, request, status, response)) in w.wire.lock().unwrap().iter().enumerate() {
        for (side, bytes) in [("request", request), ("response", response)] {
            if *status != 200 || bytes.is_empty() {
                continue;
            }
            let Ok(doc) = decode(bytes) else { continue };
            let stem = dir.join(format!("{i:03}-{command}-{side}"));
            std::fs::write(stem.with_extension("wbxml"), bytes).unwrap();
            std::fs::write(stem.with_extension("xml"), doc.to_xml_string()).unwrap();
            n += 1;
        }
    }
    n
}

#[test]
fn libwbxml_decodes_the_bodies_to_the_same_xml_and_the_responses_meet_microsofts_schemas() {
    let root = workspace_root();
    let tools = root.join("target/interop-tools");
    let wbxml2xml = tools.join("usr/bin/wbxml2xml");
    assert!(wbxml2xml.exists(), "{} is missing: run tests/interop/setup (the README's test command does)", wbxml2xml.display());
    for (seed, version) in [(70, ProtocolVersion::V12_1), (71, ProtocolVersion::V14_1), (72, ProtocolVersion::V16_1)] {
        let w = world(seed, enforced());
        session(&w, version);
        let dir = root.join(format!("target/eas-corpus/{}", version.as_str()));
        let n = write_corpus(&w, &dir);
        assert!(n >= 30, "only {n} bodies recorded for {version}");
        let out = Process::new("python3")
            .arg(root.join("tests/interop/eas_wbxml_xsd.py"))
            .arg("--wbxml2xml")
            .arg(&wbxml2xml)
            .arg("--xsd")
            .arg(root.join("tests/interop/eas-xsd"))
            .arg(&dir)
            .output()
            .expect("python3 runs");
        let report = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
        assert!(out.status.success(), "{version}:\n{report}");
        assert!(report.contains(&format!("{n} bodies decoded alike")), "{version}:\n{report}");
    }
}
