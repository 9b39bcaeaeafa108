//! Provisioning: the 449 / Status 142 split by version, the policy key check, the loose
//! mode without a policy, and remote wipe.

use super::*;
use crate::bodies;
use crate::client::{EasError, ProvisionOutcome};
use crate::http::Command;
use crate::server::WipeState;
use crate::status::{common, policy_ack};
use std::time::Duration;

fn folder_sync_request(version: ProtocolVersion, key: Option<&str>) -> EasRequest {
    EasRequest::new(Command::FolderSync, "alice", "raw1", "SimPhone", version)
        .with_policy_key(key.map(str::to_string))
        .with_body(bodies::folder_sync_request("0"))
}

#[test]
fn unprovisioned_devices_get_449_up_to_12_1_and_status_142_from_14_0() {
    let w = world(10, enforced());
    let r = w.raw(&folder_sync_request(ProtocolVersion::V12_1, None));
    assert_eq!(r.status(), 449);
    assert!(r.body().is_empty());

    let r = w.raw(&folder_sync_request(ProtocolVersion::V14_1, None));
    let doc = body(&r);
    assert_eq!(doc.root.name(), "FolderSync");
    assert_eq!(doc.find(&["Status"]), Some("142"));

    // A key the server never issued: 144 (invalid policy key).
    let doc = body(&w.raw(&folder_sync_request(ProtocolVersion::V14_1, Some("12345"))));
    assert_eq!(doc.find(&["Status"]), Some("144"));

    // The same through the client, with auto-provisioning off.
    let c12 = w.client("c12", ProtocolVersion::V12_1);
    c12.set_auto_provision(false);
    let e = w.sim.block_on(c12.folder_sync()).unwrap_err();
    assert_eq!(e.http_status(), Some(449), "{e}");
    assert!(e.needs_provisioning());
    let c14 = w.client("c14", ProtocolVersion::V14_1);
    c14.set_auto_provision(false);
    let e = w.sim.block_on(c14.folder_sync()).unwrap_err();
    assert_eq!(e.command_status(), Some(common::DEVICE_NOT_PROVISIONED), "{e}");
    assert_eq!(e.to_string(), "FolderSync: Status 142 (DeviceNotProvisioned)");

    // Ping and Provision are exempt; OPTIONS is not a command.
    let ping = request(Command::Ping, "raw1");
    assert_eq!(body(&w.raw(&ping)).find(&["Status"]), Some("3"), "a first Ping without parameters");
}

#[test]
fn devices_provision_on_demand_and_then_work() {
    let w = world(11, enforced());
    for (id, version) in [("auto12", ProtocolVersion::V12_1), ("auto14", ProtocolVersion::V14_1), ("auto16", ProtocolVersion::V16_1)] {
        let c = w.client(id, version);
        let r = w.sim.block_on(c.folder_sync()).unwrap();
        assert_eq!(r.folders.len(), 9, "{version}");
        assert!(c.policy_key().is_some());
        assert_eq!(c.policy(), Some(DevicePolicy::default()));
    }
    let counts = w.server.device_state("alice", "auto12").unwrap().commands;
    assert_eq!(counts["FolderSync"], 2, "refused once, then served");
    assert_eq!(counts["Provision"], 2, "two phases");
}

#[test]
fn the_acknowledgement_must_carry_the_key_it_was_given() {
    let w = world(12, enforced());
    let ack = |key: &str| {
        request(Command::Provision, "ack1").with_body(bodies::provision_acknowledgement(
            "MS-EAS-Provisioning-WBXML",
            key,
            policy_ack::APPLIED,
        ))
    };
    let phase1 = request(Command::Provision, "ack1").with_body(bodies::provision_request(None, "MS-EAS-Provisioning-WBXML"));
    let doc = body(&w.raw(&phase1));
    assert_eq!(doc.find(&["Status"]), Some("1"));
    assert_eq!(doc.find(&["Policies", "Policy", "Status"]), Some("1"));
    let temp = doc.find(&["Policies", "Policy", "PolicyKey"]).unwrap().to_string();
    assert!(doc.find_element(&["Policies", "Policy", "Data", "EASProvisionDoc"]).is_some());

    let wrong = body(&w.raw(&ack("1")));
    assert_eq!(wrong.find(&["Policies", "Policy", "Status"]), Some("5"));
    let right = body(&w.raw(&ack(&temp)));
    let final_key = right.find(&["Policies", "Policy", "PolicyKey"]).unwrap().to_string();
    assert_ne!(final_key, temp);
    assert!(right.find_element(&["Policies", "Policy", "Data"]).is_none());
    // A repeated acknowledgement (lost answer) gets the same final key.
    let again = body(&w.raw(&ack(&final_key)));
    assert_eq!(again.find(&["Policies", "Policy", "PolicyKey"]), Some(final_key.as_str()));

    // An unknown PolicyType is Policy Status 3.
    let odd = request(Command::Provision, "ack1").with_body(bodies::provision_request(None, "MS-WAP-Provisioning-XML"));
    assert_eq!(body(&w.raw(&odd)).find(&["Policies", "Policy", "Status"]), Some("3"));
}

/// [MS-ASPROV] 2.2.2.53: from 14.1 the first Provision carries DeviceInformation; a server
/// configured to insist answers Status 165 without it. No deployment in the features turns
/// this on, so it is checked here.
#[test]
fn a_server_requiring_device_information_refuses_a_first_provision_without_it_from_14_1() {
    use crate::client::DeviceInformation;
    let w = world(13, EasConfig { require_device_information: true, ..enforced() });
    let phase1 = |version, device: Option<crate::Element>| {
        EasRequest::new(Command::Provision, "alice", "info1", "SimPhone", version)
            .with_body(bodies::provision_request(device, "MS-EAS-Provisioning-WBXML"))
    };
    let without = body(&w.raw(&phase1(ProtocolVersion::V14_1, None)));
    assert_eq!(without.find(&["Status"]), Some("165"), "14.1 without DeviceInformation");
    let older = body(&w.raw(&phase1(ProtocolVersion::V14_0, None)));
    assert_eq!(older.find(&["Policies", "Policy", "Status"]), Some("1"), "14.0 has no DeviceInformation to require");
    let with = body(&w.raw(&phase1(ProtocolVersion::V14_1, Some(DeviceInformation::default().to_element()))));
    assert_eq!(with.find(&["Policies", "Policy", "Status"]), Some("1"), "14.1 with DeviceInformation");
    let temp = with.find(&["Policies", "Policy", "PolicyKey"]).expect("a temporary key").to_string();
    let ack = EasRequest::new(Command::Provision, "alice", "info1", "SimPhone", ProtocolVersion::V14_1)
        .with_body(bodies::provision_acknowledgement("MS-EAS-Provisioning-WBXML", &temp, policy_ack::APPLIED));
    let acked = body(&w.raw(&ack));
    assert_eq!(acked.find(&["Policies", "Policy", "Status"]), Some("1"), "the acknowledgement carries no DeviceInformation and needs none");
    let lenient = world(14, enforced());
    assert_eq!(body(&lenient.raw(&phase1(ProtocolVersion::V14_1, None))).find(&["Policies", "Policy", "Status"]), Some("1"));
}

#[test]
fn without_a_policy_devices_are_accepted_unprovisioned() {
    let config = EasConfig { policy: None, enforce_policy: true, ..Default::default() };
    let w = world(13, config);
    let c = w.client("open1", ProtocolVersion::V14_1);
    let r = w.sim.block_on(c.folder_sync()).unwrap();
    assert_eq!(r.folders.len(), 9);
    assert_eq!(c.policy_key(), None);
    assert_eq!(w.sim.block_on(c.provision()).unwrap(), ProvisionOutcome::NoPolicy);
    assert!(w.server.device_state("alice", "open1").unwrap().no_policy);

    // A policy that is not enforced: devices that never provision work too.
    let loose = world(14, EasConfig { policy: Some(DevicePolicy::default()), enforce_policy: false, ..Default::default() });
    let c = loose.client("loose1", ProtocolVersion::V12_1);
    c.set_auto_provision(false);
    assert_eq!(loose.sim.block_on(c.folder_sync()).unwrap().folders.len(), 9);
}

#[test]
fn a_remote_wipe_reaches_the_device_on_its_next_command() {
    let w = world(15, enforced());
    let c = w.client("wipe14", ProtocolVersion::V14_1);
    w.sim.block_on(c.folder_sync()).unwrap();
    w.server.request_remote_wipe("alice@example.test", "wipe14");
    assert_eq!(w.server.device_state("alice", "wipe14").unwrap().wipe, WipeState::Pending);

    // Without auto-provisioning the device sees Status 140 …
    c.set_auto_provision(false);
    let e = w.sim.block_on(c.folder_sync()).unwrap_err();
    assert_eq!(e.command_status(), Some(common::REMOTE_WIPE_REQUESTED), "{e}");
    // … and Provision delivers the wipe, which the device acknowledges and carries out.
    assert_eq!(w.sim.block_on(c.provision()).unwrap(), ProvisionOutcome::Wiped);
    assert!(c.is_wiped());
    assert!(c.folders().is_empty());
    assert!(matches!(w.sim.block_on(c.folder_sync()), Err(EasError::Wiped)));
    assert_eq!(w.server.device_state("alice", "wipe14").unwrap().wipe, WipeState::Acknowledged);

    // Up to 12.1 the signal is HTTP 449; the client provisions, is wiped, and says so.
    let old = w.client("wipe12", ProtocolVersion::V12_1);
    w.sim.block_on(old.folder_sync()).unwrap();
    w.server.request_remote_wipe("alice", "wipe12");
    assert!(matches!(w.sim.block_on(old.folder_sync()), Err(EasError::Wiped)));
    assert_eq!(w.server.device_state("alice", "wipe12").unwrap().wipe, WipeState::Acknowledged);
}

#[test]
fn a_wipe_ends_a_pending_ping() {
    let w = world(16, enforced());
    let c = w.client("wipeping", ProtocolVersion::V14_1);
    let inbox = w.inbox();
    w.sim.block_on(c.folder_sync()).unwrap();
    w.sim.block_on(c.sync(&inbox)).unwrap();
    let folders = [(inbox.as_str(), "Email")];
    let server = w.server.clone();
    let t0 = w.sim.elapsed();
    let (outcome, _) = w.sim.block_on(async {
        tokio::join!(c.ping(Some(&folders), Some(900)), async {
            tokio::time::sleep(Duration::from_secs(20)).await;
            server.request_remote_wipe("alice", "wipeping");
        })
    });
    assert!(matches!(outcome, Err(EasError::Wiped)), "{outcome:?}");
    assert!(w.sim.elapsed() - t0 < Duration::from_secs(21));
}

/// A policy that demands device encryption, which the test devices below cannot enforce.
fn encryption_policy() -> DevicePolicy {
    DevicePolicy { require_device_encryption: true, ..DevicePolicy::default() }
}

#[test]
fn a_device_that_cannot_apply_the_policy_is_refused_with_139_when_the_server_insists() {
    let w = world(14, EasConfig { policy: Some(encryption_policy()), ..enforced() });
    let c = w.client("noenc", ProtocolVersion::V14_1);
    c.set_unenforceable_policies(vec!["RequireDeviceEncryption".into()]);
    let e = w.sim.block_on(c.provision()).unwrap_err();
    assert!(matches!(&e, EasError::PolicyNotApplicable { settings } if settings == &["RequireDeviceEncryption".to_string()]), "{e}");
    assert!(e.to_string().contains("RequireDeviceEncryption"), "{e}");
    assert!(!w.server.device_state("alice", "noenc").unwrap().provisioned);

    // A setting it cannot enforce that this policy does not demand is no obstacle.
    let other = w.client("nocam", ProtocolVersion::V14_1);
    other.set_unenforceable_policies(vec!["AllowCamera".into()]);
    assert!(matches!(w.sim.block_on(other.provision()).unwrap(), ProvisionOutcome::Provisioned { .. }));
    assert!(other.policies_not_applied().is_empty());
}

#[test]
fn a_server_that_allows_partial_application_accepts_the_device_and_records_what_it_could_not_apply() {
    let w = world(15, EasConfig { policy: Some(encryption_policy()), enforce_policy: false, ..enforced() });
    let c = w.client("noenc", ProtocolVersion::V14_1);
    c.set_unenforceable_policies(vec!["RequireDeviceEncryption".into()]);
    assert!(matches!(w.sim.block_on(c.provision()).unwrap(), ProvisionOutcome::Provisioned { .. }));
    assert_eq!(c.policies_not_applied(), vec!["RequireDeviceEncryption".to_string()]);
    assert!(w.sim.block_on(c.folder_sync()).is_ok());
}

#[test]
fn a_changed_policy_sends_provisioned_devices_through_a_refresh() {
    let w = world(16, enforced());
    let c14 = w.client("r14", ProtocolVersion::V14_1);
    let c12 = w.client("r12", ProtocolVersion::V12_1);
    for c in [&c14, &c12] {
        w.sim.block_on(c.folder_sync()).unwrap();
    }
    let old14 = c14.policy_key().unwrap();
    let old12 = c12.policy_key().unwrap();
    let stricter = DevicePolicy { min_device_password_length: Some(8), ..DevicePolicy::default() };
    w.server.set_device_policy(Some(stricter.clone()), true);
    assert!(w.server.device_state("alice", "r14").unwrap().policy_stale);

    // On the wire: Status 143 from 14.0, HTTP 449 before, for the key that was valid.
    let doc = body(
        &w.raw(
            &EasRequest::new(Command::FolderSync, "alice", "r14", "SimPhone", ProtocolVersion::V14_1)
                .with_policy_key(Some(old14.clone()))
                .with_body(bodies::folder_sync_request("0")),
        ),
    );
    assert_eq!(doc.find(&["Status"]), Some("143"));
    let r = w.raw(
        &EasRequest::new(Command::FolderSync, "alice", "r12", "SimPhone", ProtocolVersion::V12_1)
            .with_policy_key(Some(old12.clone()))
            .with_body(bodies::folder_sync_request("0")),
    );
    assert_eq!(r.status(), 449);

    // The clients fetch the new policy and carry on.
    for (c, old) in [(&c14, old14), (&c12, old12)] {
        w.sim.block_on(c.folder_sync()).unwrap();
        assert_eq!(c.policy(), Some(stricter.clone()));
        assert_ne!(c.policy_key().unwrap(), old);
    }
    assert!(!w.server.device_state("alice", "r14").unwrap().policy_stale);
}
