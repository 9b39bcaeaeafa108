//! Provision with a bare ActiveSync client at Exchange: wipe acknowledgements, PolicyTypes,
//! partial application and foreign keys, each sent exactly as a step names it, so the
//! server's side of [MS-ASPROV] is checked where Secure Mail, provisioning correctly, never goes.

use super::eas_client::{eas_http, expect_answer, probe};
use crate::params::{EasVersion, User, Wipe};
use crate::requirements::eas::{EasRequest, WIPE_RECORDED};
use crate::world::observation::Observation;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_activesync::server::WipeState;
use mailconform_activesync::DevicePolicy;
use mailconform_fakes::eas_probe::{EasAnswer, ProvisionStep};

/// Sends `step` as `user`'s bare client and records Exchange's answer.
fn provision(w: &mut MailWorld, user: &User, version: EasVersion, step: ProvisionStep) {
    let p = probe(w, user, version);
    let client = eas_http(w);
    let request = EasRequest::Provision(step.clone());
    let answer = w.run_eas(async move { p.provision(&client, &step).await });
    w.observe(Observation::EasAnswer { request, answer });
}

/// A bare ActiveSync client of the user completed both phases of Provision with Exchange, so Exchange holds its partnership.
#[given(expr = "an ActiveSync {eas_version} client of {user} has provisioned with Exchange")]
fn provisioned(w: &mut MailWorld, version: EasVersion, user: User) {
    provision(w, &user, version, ProvisionStep::Acknowledge(1));
    expect_answer(w, EasAnswer::Done);
}

/// The Exchange administrator requests a remote wipe of the user's bare ActiveSync client (Clear-MobileDevice).
#[given(expr = "the Exchange administrator wipes {user}'s ActiveSync client")]
fn wipe(w: &mut MailWorld, user: User) {
    let device_id = probe(w, &user, EasVersion("14.1")).device_id;
    let mdm = w.device_management();
    w.drive(mdm.wipe(&user.to_ascii_lowercase(), &device_id));
}

/// Exchange bars devices that cannot fully apply its device policy (AllowNonProvisionableDevices false, its default).
#[given("Exchange bars devices that cannot fully apply its policy")]
fn bar_non_provisionable(w: &mut MailWorld) {
    let mdm = w.device_management();
    w.drive(mdm.set_policy(Some(DevicePolicy::none()), true));
}

/// Exchange allows devices that cannot fully apply its device policy (AllowNonProvisionableDevices true).
#[given("Exchange allows devices that cannot fully apply its policy")]
fn allow_non_provisionable(w: &mut MailWorld) {
    let mdm = w.device_management();
    w.drive(mdm.set_policy(Some(DevicePolicy::none()), false));
}

/// A bare ActiveSync client of the user acknowledges a remote wipe that nobody requested, with this Status.
#[when(expr = "an ActiveSync {eas_version} client of {user} acknowledges a remote wipe nobody requested with Status {int}")]
fn unrequested_wipe_ack(w: &mut MailWorld, version: EasVersion, user: User, status: u16) {
    provision(w, &user, version, ProvisionStep::AcknowledgeWipe { status, directive: false });
}

/// The user's bare ActiveSync client provisions, receives the remote wipe directive, and acknowledges it with this Status (1 wiped, 2 failed).
#[when(expr = "the ActiveSync {eas_version} client of {user} receives the remote wipe and acknowledges it with Status {int}")]
fn wipe_ack(w: &mut MailWorld, version: EasVersion, user: User, status: u16) {
    provision(w, &user, version, ProvisionStep::AcknowledgeWipe { status, directive: true });
}

/// A bare ActiveSync client of the user asks Exchange for its policy (Provision phase 1) naming this PolicyType.
#[when(expr = "an ActiveSync {eas_version} client of {user} asks Exchange for its policy with PolicyType {string}")]
fn request_policy(w: &mut MailWorld, version: EasVersion, user: User, policy_type: String) {
    provision(w, &user, version, ProvisionStep::RequestPolicy(policy_type));
}

/// A bare ActiveSync client of the user gets Exchange's policy and acknowledges it with this Policy Status (1 applied, 2 partially, 3 not applied).
#[when(expr = "an ActiveSync {eas_version} client of {user} acknowledges Exchange's policy with Policy Status {int}")]
fn acknowledge(w: &mut MailWorld, version: EasVersion, user: User, status: u16) {
    provision(w, &user, version, ProvisionStep::Acknowledge(status));
}

/// A bare ActiveSync client of the user gets Exchange's policy and acknowledges it with a policy key it was never given.
#[when(expr = "an ActiveSync {eas_version} client of {user} acknowledges Exchange's policy with a key it was never given")]
fn acknowledge_wrong_key(w: &mut MailWorld, version: EasVersion, user: User) {
    provision(w, &user, version, ProvisionStep::AcknowledgeWrongKey);
}

/// Exchange's Provision answer carried this Status under Policy (3 unknown PolicyType, 5 wrong policy key).
#[then(expr = "Exchange answers the ActiveSync client's Provision with Policy Status {int}")]
fn policy_status(w: &mut MailWorld, status: u16) {
    expect_answer(w, EasAnswer::PolicyStatus(status));
}

/// Exchange's Provision answer had this Status and sent the remote wipe directive again.
#[then(expr = "Exchange answers with Status {int} and sends the remote wipe again")]
fn wipe_again(w: &mut MailWorld, status: u16) {
    expect_answer(w, EasAnswer::RemoteWipe { status });
}

/// Exchange's partnership for the user's bare client records the remote wipe in this state (pending, acknowledged, failed).
#[then(expr = "Exchange records the remote wipe of {user}'s ActiveSync client as {wipe_state}")]
fn wipe_recorded(w: &mut MailWorld, user: User, state: Wipe) {
    let device_id = probe(w, &user, EasVersion("14.1")).device_id;
    let mdm = w.device_management();
    let devices = w.drive(mdm.partnerships());
    let device = devices
        .iter()
        .find(|d| d.device_id.eq_ignore_ascii_case(&device_id))
        .unwrap_or_else(|| panic!("Exchange has no partnership for {device_id}: {devices:?}"));
    let (expected, observed) = (state.0, device.wipe);
    let stated: &[&str] = if expected == WipeState::Pending { &[] } else { &[WIPE_RECORDED] };
    w.verify(stated, &format!("the wipe state of {device_id}"), &expected, &observed);
}
