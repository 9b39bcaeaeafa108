//! OPTIONS and a device's whole first session: OPTIONS → Provision (both phases) →
//! FolderSync → Sync of the Inbox (prime, then items) → Ping woken by new mail → Ping that
//! expires.

use super::*;
use crate::client::{PingOutcome, ProvisionOutcome};
use crate::http::header;
use std::time::Duration;

#[test]
fn options_advertises_versions_and_commands() {
    let w = world(1, EasConfig::default());
    let client = w.client("dev1", ProtocolVersion::V14_1);
    let opts = w.sim.block_on(client.options()).unwrap();
    assert_eq!(opts.versions, ["2.5", "12.0", "12.1", "14.0", "14.1", "16.0", "16.1"]);
    for c in ["Sync", "FolderSync", "Ping", "Provision", "SendMail", "ItemOperations", "Settings", "MeetingResponse", "GetItemEstimate"] {
        assert!(opts.commands.iter().any(|x| x == c), "{c} missing from {:?}", opts.commands);
    }
    assert!(!opts.commands.iter().any(|x| x == "Search"));
    assert_eq!(opts.server_version.as_deref(), Some("15.1"));
    assert_eq!(
        ProtocolVersion::highest_common(&[ProtocolVersion::V14_1, ProtocolVersion::V12_1], &opts.protocol_versions()),
        Some(ProtocolVersion::V14_1)
    );

    let options = ::http::Request::builder().method("OPTIONS").uri(URL).body(bytes::Bytes::new()).unwrap();
    let r = w.send(options);
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()[header::ALLOW], "OPTIONS,POST");
    assert_eq!(r.headers()[header::PUBLIC], "OPTIONS,POST");
    assert_eq!(r.headers()[header::SERVER_VERSION], "15.1");
    assert!(r.headers().contains_key(header::PROTOCOL_VERSIONS));
    assert!(r.headers().contains_key(header::PROTOCOL_COMMANDS));

    // Without credentials the front challenges with Basic, as EAS clients need.
    let anonymous = ::http::Request::builder().method("OPTIONS").uri(URL).body(bytes::Bytes::new()).unwrap();
    let r = w.sim.block_on(w.sim.client().send(anonymous, &RequestOptions::default())).unwrap();
    assert_eq!(r.status(), 401);
    assert!(r.headers()[::http::header::WWW_AUTHENTICATE].to_str().unwrap().starts_with("Basic "));
}

#[test]
fn a_first_session_from_options_to_push() {
    let w = world(2, enforced());
    let client = w.client("iphone1", ProtocolVersion::V14_1);
    let inbox = w.inbox();
    w.mail("alice", "one");
    w.mail("alice", "two");

    w.sim.block_on(client.options()).unwrap();
    let ProvisionOutcome::Provisioned { policy, policy_key } = w.sim.block_on(client.provision()).unwrap() else {
        panic!("not provisioned")
    };
    assert_eq!(policy, DevicePolicy::default());
    assert_eq!(client.policy_key().as_deref(), Some(policy_key.as_str()));
    let state = w.server.device_state("alice", "iphone1").unwrap();
    assert_eq!(state.policy_key.as_deref(), Some(policy_key.as_str()));
    assert_eq!(state.device_information["Model"], "SimPhone");

    let hierarchy = w.sim.block_on(client.folder_sync()).unwrap();
    assert_eq!(hierarchy.added.len(), 9);
    assert_eq!(client.folder_id(FolderType::Inbox), Some(inbox.clone()));

    let first = w.sim.block_on(client.sync(&inbox)).unwrap();
    assert_eq!(first.requests, 2, "a priming Sync and one with GetChanges");
    let mut subjects: Vec<&str> = first.added.iter().filter_map(|i| i.subject()).collect();
    subjects.sort();
    assert_eq!(subjects, ["one", "two"]);
    assert_eq!(first.added[0].body().map(|b| b.starts_with("Body of")), Some(true));

    // A Ping with nothing new waits; mail delivered 45 virtual seconds later wakes it.
    let folders = [(inbox.as_str(), "Email")];
    let t0 = w.sim.elapsed();
    let store = w.store.clone();
    let (outcome, _) = w.sim.block_on(async {
        tokio::join!(client.ping(Some(&folders), Some(480)), async {
            tokio::time::sleep(Duration::from_secs(45)).await;
            store.deliver("alice@example.test", NewItem::email("bob@example.test", "alice@example.test", "three", "late")).unwrap();
        })
    });
    assert_eq!(outcome.unwrap(), PingOutcome::Changed(vec![inbox.clone()]));
    let waited = w.sim.elapsed() - t0;
    assert!(waited >= Duration::from_secs(45) && waited < Duration::from_secs(46), "{waited:?}");

    let next = w.sim.block_on(client.sync(&inbox)).unwrap();
    assert_eq!(next.added.iter().filter_map(|i| i.subject()).collect::<Vec<_>>(), ["three"]);

    // Nothing changes: the cached heartbeat and folders serve a body-less Ping, which
    // expires after the 480 s heartbeat.
    let t0 = w.sim.elapsed();
    let outcome = w.sim.block_on(client.ping(None, None)).unwrap();
    assert_eq!(outcome, PingOutcome::Expired);
    let waited = w.sim.elapsed() - t0;
    assert!(waited >= Duration::from_secs(480) && waited < Duration::from_secs(481), "{waited:?}");
    assert_eq!(w.server.device_state("alice", "iphone1").unwrap().heartbeat_interval, Some(480));
}

#[test]
fn the_base64_query_form_works_end_to_end() {
    let w = world(3, enforced());
    let client = w.client("dev64", ProtocolVersion::V14_1);
    client.set_base64_query(true);
    let inbox = w.inbox();
    w.mail("alice", "b64");
    w.sim.block_on(client.provision()).unwrap();
    w.sim.block_on(client.folder_sync()).unwrap();
    let r = w.sim.block_on(client.sync(&inbox)).unwrap();
    assert_eq!(r.added.len(), 1);
    let log = w.server.request_log();
    assert!(log.iter().all(|r| r.form == Some(crate::http::QueryForm::Base64)), "{log:?}");

    // The spec's own example: a 14.0 Sync from v140Device, no policy key.
    let sync = crate::bodies::sync_collection([
        crate::leaf(crate::AirSync::SyncKey, "0"),
        crate::leaf(crate::AirSync::CollectionId, inbox.as_str()),
    ]);
    let http = ::http::Request::post(format!("{URL}?jAAJBAp2MTQwRGV2aWNlAApTbWFydFBob25l"))
        .header("Content-Type", crate::http::WBXML_CONTENT_TYPE)
        .body(bytes::Bytes::from(crate::encode(&sync).unwrap()))
        .unwrap();
    let open = world(4, EasConfig::default());
    let doc = body(&open.send(http));
    assert_eq!(doc.find(&["Collections", "Collection", "Status"]), Some("1"));
    assert_eq!(open.server.device_state("alice", "v140Device").unwrap().device_type, "SmartPhone");
    assert_eq!(open.server.device_state("alice", "v140Device").unwrap().protocol_version, Some(ProtocolVersion::V14_0));
}
