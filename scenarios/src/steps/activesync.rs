//! Secure Mail's ActiveSync account: configured by the MDX "Secure Mail Exchange Server"
//! policy, driven and observed through the device's control API.

use super::device;
use crate::params::{CompanionApp, EasVersion, Platform, Reason, User};
use crate::world::observation::Observation;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::securemail::companion::{CompanionPolicy, CompanionView};
use mailconform_fakes::securemail::contract::{DevicePolicy, MeetingAnswer};
use mailconform_fakes::securemail::{DeviceControl, DeviceState};
use mailconform_fakes::ErrorKind;

/// The user's phone has Secure Mail for ActiveSync, pointed at a server by the MDX "Secure Mail Exchange Server" policy.
#[given(expr = "{user} has Secure Mail for {platform} with the Exchange Server policy {string}")]
fn has_secure_mail(w: &mut MailWorld, user: User, platform: Platform, policy: String) {
    let p = *platform;
    let cfg = w.device_plan(&user);
    cfg.platform = p;
    cfg.exchange_server = policy;
}

/// Secure Mail signs in to ActiveSync with this login instead of the user's address.
#[given(expr = "{user}'s Secure Mail logs in as {string}")]
fn logs_in_as(w: &mut MailWorld, user: User, login: String) {
    w.device_plan(&user).eas_login = Some(login);
}

/// Secure Mail sets up its ActiveSync account: provisioning, folder sync and first sync.
#[when(expr = "{user}'s Secure Mail connects over ActiveSync")]
fn connects(w: &mut MailWorld, user: User) {
    let d = phone(w, &user);
    w.run(d.eas_connect()).expect("device control API answers");
}

/// Secure Mail has set up its ActiveSync account and synced successfully.
#[given(expr = "{user}'s Secure Mail has synced over ActiveSync")]
fn has_synced(w: &mut MailWorld, user: User) {
    let d = phone(w, &user);
    let s = w.run(d.eas_connect()).expect("device control API answers");
    let advice = w.advice(s.eas.error.as_ref());
    assert!(s.eas.synced, "{user}'s Secure Mail did not sync: {:?}{advice}", s.eas.error);
}

/// Secure Mail syncs its folders over ActiveSync once more.
#[when(expr = "{user}'s Secure Mail syncs over ActiveSync")]
fn syncs(w: &mut MailWorld, user: User) {
    let d = phone(w, &user);
    w.run(d.eas_sync()).expect("device control API answers");
}

/// Secure Mail's ActiveSync account synced without an error.
#[then(expr = "{user}'s Secure Mail syncs its Inbox, Calendar and Contacts")]
fn synced(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    let advice = w.advice(s.eas.error.as_ref());
    assert!(s.eas.synced && s.eas.error.is_none(), "{user}'s Secure Mail at {}: {:?}{advice}", s.eas.endpoint, s.eas.error);
}

/// Secure Mail did not sync, with an error of the kind the reason stands for.
#[then(expr = "{user}'s Secure Mail cannot sync because {reason}")]
fn cannot_sync(w: &mut MailWorld, user: User, because: Reason) {
    let s = state(w, &user);
    let kind = s.eas.error.as_ref().map(|e| &e.kind);
    assert!(
        !s.eas.synced && kind == Some(&because.0),
        "{user}'s Secure Mail at {}: synced {}, error {:?}; expected the kind {:?}",
        s.eas.endpoint,
        s.eas.synced,
        s.eas.error,
        because.0
    );
}

/// One ActiveSync Ping brings the message with this subject into Secure Mail's Inbox.
#[then(expr = "{user}'s Secure Mail shows {string} in its Inbox after one Ping")]
fn shows_after_ping(w: &mut MailWorld, user: User, subject: String) {
    let subject = w.subject(&subject);
    let d = phone(w, &user);
    let before = w.run(d.state()).expect("device control API answers");
    assert!(!before.eas.inbox.contains(&subject), "{subject:?} was already on the device before the Ping");
    let s = w.run(d.eas_ping()).expect("device control API answers");
    assert_eq!(s.eas.pings, before.eas.pings + 1);
    assert!(s.eas.inbox.contains(&subject), "after one Ping the Inbox shows {:?} ({:?})", s.eas.inbox, s.eas.error);
}

/// The server sent Secure Mail no ActiveSync device policy.
#[then(expr = "{user}'s Secure Mail received no EAS device policy from the server")]
fn no_policy(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    assert!(s.eas.policy.is_none(), "policy {:?}", s.eas.policy);
}

/// The device policy Secure Mail received requires a password of at least this length.
#[then(expr = "{user}'s Secure Mail received an EAS device policy requiring a device password of at least {int} characters")]
fn policy_password(w: &mut MailWorld, user: User, n: u64) {
    let s = state(w, &user);
    let p = s.eas.policy.clone().unwrap_or_else(|| panic!("{user}'s Secure Mail received no policy"));
    assert_eq!((p.device_password_enabled, p.min_device_password_length.map(u64::from)), (true, Some(n)), "policy {p:?}");
}

/// The user deletes the message with this subject in Secure Mail, which syncs the deletion.
#[when(expr = "{user} deletes {string} in Secure Mail")]
fn deletes(w: &mut MailWorld, user: User, subject: String) {
    let subject = w.subject(&subject);
    let d = phone(w, &user);
    let s = w.run(d.eas_delete(&subject)).expect("device control API answers");
    assert!(s.error.is_none(), "the delete failed: {:?}", s.error);
}

/// Secure Mail's Inbox no longer lists the message with this subject.
#[then(expr = "{user}'s Secure Mail no longer shows {string} in its Inbox")]
fn no_longer_shows(w: &mut MailWorld, user: User, subject: String) {
    let subject = w.subject(&subject);
    let s = state(w, &user);
    assert!(!s.eas.inbox.contains(&subject), "the Inbox still shows {subject:?}: {:?}", s.eas.inbox);
}

/// Secure Mail obeyed a remote wipe: its mail is gone.
#[then(expr = "{user}'s Secure Mail has wiped its data")]
fn wiped(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    assert!(s.eas.wiped && s.eas.inbox.is_empty(), "wiped {}, inbox {:?}, error {:?}", s.eas.wiped, s.eas.inbox, s.eas.error);
}

/// Secure Mail and the server agreed on this ActiveSync protocol version.
#[then(expr = "{user}'s Secure Mail negotiated ActiveSync {eas_version}")]
fn negotiated(w: &mut MailWorld, user: User, version: EasVersion) {
    let s = state(w, &user);
    assert_eq!(s.eas.version.as_deref(), Some(version.as_str()), "error {:?}", s.eas.error);
}

/// The server sent Secure Mail an ActiveSync device policy.
#[then(expr = "{user}'s Secure Mail received an EAS device policy from the server")]
fn some_policy(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    assert!(s.eas.policy.is_some(), "no policy; error {:?}", s.eas.error);
}

/// The user accepts the meeting request with this subject in Secure Mail.
#[when(expr = "{user} accepts the meeting request {string} in Secure Mail")]
fn accepts(w: &mut MailWorld, user: User, subject: String) {
    let subject = w.subject(&subject);
    let d = phone(w, &user);
    let s = w.run(d.eas_meeting_response(&subject, MeetingAnswer::Accept)).expect("device control API answers");
    assert!(s.error.is_none(), "the meeting response failed: {:?}", s.error);
}

/// The user sends a message with this subject to another user from Secure Mail.
#[when(expr = "{user} sends a message {string} to {user} from Secure Mail")]
fn sends(w: &mut MailWorld, user: User, subject: String, to: User) {
    let subject = w.subject(&subject);
    let d = phone(w, &user);
    let s = w.run(d.eas_send(&to.email(), &subject)).expect("device control API answers");
    assert!(s.error.is_none(), "sending failed: {:?}", s.error);
}

/// Secure Mail's Calendar lists the event with this subject.
#[then(expr = "{user}'s Secure Mail shows {string} in its Calendar")]
fn shows_in_calendar(w: &mut MailWorld, user: User, subject: String) {
    let subject = w.subject(&subject);
    let s = state(w, &user);
    assert!(s.eas.calendar.contains(&subject), "the Calendar shows {:?} ({:?})", s.eas.calendar, s.eas.error);
}

/// A message arrives this many minutes into a Ping Secure Mail holds open.
///
/// The Ping must return when the message arrives, not when its heartbeat runs out.
#[when(expr = "a message {string} arrives in {user}'s inbox {int} minutes into a Ping of Secure Mail")]
fn arrives_during_ping(w: &mut MailWorld, subject: String, user: User, minutes: u64) {
    let d = phone(w, &user);
    let (ping, minutes) = w.run_while_mail_arrives(user.email(), subject, minutes, async move { d.eas_ping().await });
    ping.expect("device control API answers");
    w.observe(Observation::PingReturned { minutes });
}

/// The held Ping returned after this many minutes, and the message is in Secure Mail's Inbox.
#[then(expr = "the Ping returned after {int} minutes with {string} in {user}'s Secure Mail Inbox")]
fn ping_returned(w: &mut MailWorld, minutes: u64, subject: String, user: User) {
    let subject = w.subject(&subject);
    assert_eq!(w.observed, Some(Observation::PingReturned { minutes }), "minutes until the Ping returned");
    let s = state(w, &user);
    assert!(s.eas.inbox.contains(&subject), "{user}'s Inbox: {:?}", s.eas.inbox);
}

/// The user's phone, its Secure Mail account on the live run's real ActiveSync server if any.
fn phone(w: &mut MailWorld, user: &str) -> DeviceControl {
    w.secure_mail_on_target();
    device::phone(w, user)
}

/// What the user's Secure Mail shows, its account on the live target if any.
fn state(w: &mut MailWorld, user: &str) -> DeviceState {
    w.secure_mail_on_target();
    device::state(w, user)
}

/// Secure Notes is configured with its own Exchange Server and user domain policies.
#[given(expr = "{user}'s Secure Notes has the Exchange Server policy {string} and the user domain {string}")]
fn notes_policy(w: &mut MailWorld, user: User, server: String, domain: String) {
    w.device_plan(&user).secure_notes = Some(CompanionPolicy { exchange_server: server, user_domain: domain });
}

/// The companion app (Secure Notes or Secure Tasks) syncs its folder from Exchange.
#[when(expr = "{user}'s Secure {companion} syncs")]
fn companion_syncs(w: &mut MailWorld, user: User, app: CompanionApp) {
    let d = device::phone(w, &user);
    w.run(d.companion_sync(app.0)).expect("device control API answers");
}

fn companion_view(w: &mut MailWorld, user: &str, app: CompanionApp) -> CompanionView {
    let s = device::state(w, user);
    s.companions.get(&app.0).cloned().unwrap_or_default()
}

/// The companion app lists the item with this subject.
#[then(expr = "{user}'s Secure {companion} shows {string}")]
fn companion_shows(w: &mut MailWorld, user: User, app: CompanionApp, subject: String) {
    let subject = w.subject(&subject);
    let v = companion_view(w, &user, app);
    assert!(v.items.contains(&subject), "Secure {app} shows {:?} (error {:?})", v.items, v.error);
}

/// The companion app's sign-in was refused: the server refused the credentials (HTTP 401).
#[then(expr = "{user}'s Secure {companion} cannot sign in")]
fn companion_cannot(w: &mut MailWorld, user: User, app: CompanionApp) {
    let v = companion_view(w, &user, app);
    assert_eq!(v.error.map(|e| e.kind), Some(ErrorKind::Unauthorized), "Secure {app}: items {:?}", v.items);
}

/// The user's Exchange mailbox holds a note with this subject.
#[given(expr = "a note {string} is in {user}'s Exchange mailbox")]
fn note_in_mailbox(w: &mut MailWorld, subject: String, user: User) {
    let subject = w.subject(&subject);
    let mail = w.mailboxes();
    w.drive(mail.add_note(&user.email(), &subject));
}

/// The user's Exchange mailbox holds a task with this subject.
#[given(expr = "a task {string} is in {user}'s Exchange mailbox")]
fn task_in_mailbox(w: &mut MailWorld, subject: String, user: User) {
    let subject = w.subject(&subject);
    let mail = w.mailboxes();
    w.drive(mail.add_task(&user.email(), &subject));
}

/// Exchange's list of the user's ActiveSync devices has exactly this many entries.
#[then(expr = "Exchange knows {int} ActiveSync device(s) for {user}")]
fn devices_for(w: &mut MailWorld, n: usize, user: User) {
    let mdm = w.device_management();
    let devices = w.drive(mdm.partnerships());
    let login = user.to_ascii_lowercase();
    let mine: Vec<_> = devices.iter().filter(|d| d.user == login).collect();
    assert_eq!(mine.len(), n, "Exchange's ActiveSync devices: {devices:?}");
}

/// The phone cannot apply this ActiveSync policy setting, e.g. "RequireDeviceEncryption".
#[given(expr = "{user}'s device cannot enforce the EAS policy setting {string}")]
fn cannot_enforce(w: &mut MailWorld, user: User, setting: String) {
    w.device_plan(&user).eas_unenforceable.push(setting);
}

/// Exchange's device policy now requires a password of at least this length.
#[when(expr = "the Exchange administrator requires a device password of at least {int} characters")]
fn exchange_requires_password(w: &mut MailWorld, n: u32) {
    set_exchange_policy(w, DevicePolicy { device_password_enabled: true, min_device_password_length: Some(n), ..DevicePolicy::default() });
}

/// Exchange's device policy now requires device encryption.
#[when("the Exchange administrator requires device encryption")]
fn exchange_requires_encryption(w: &mut MailWorld) {
    set_exchange_policy(w, DevicePolicy { require_device_encryption: true, ..DevicePolicy::default() });
}

/// An enforced policy; fields it does not name keep the enterprise defaults of `DevicePolicy`.
fn set_exchange_policy(w: &mut MailWorld, policy: DevicePolicy) {
    let mdm = w.device_management();
    w.drive(mdm.set_policy(Some(policy), true));
}

/// Exchange answered one of Secure Mail's requests with this ActiveSync Status (143: policy refresh).
#[then(expr = "Exchange told {user}'s Secure Mail to refresh its device policy with Status {int}")]
fn told_to_refresh(w: &mut MailWorld, user: User, status: u64) {
    let traffic = w.traffic();
    let log = w.drive(traffic.activesync_requests());
    let seen: Vec<_> = log.iter().filter(|r| r.user == user.as_str()).map(|r| (r.command, r.status)).collect();
    assert!(seen.iter().any(|(_, s)| s.map(u64::from) == Some(status)), "{user}'s requests (command, Status): {seen:?}");
}

/// Secure Mail applied the device policy except this one setting, which it reported.
#[then(expr = "{user}'s Secure Mail applied the policy except {string}")]
fn applied_except(w: &mut MailWorld, user: User, setting: String) {
    let s = state(w, &user);
    assert!(
        s.eas.policy.is_some() && s.eas.policy_not_applied == vec![setting.clone()],
        "policy {:?}, not applied {:?}, error {:?}",
        s.eas.policy,
        s.eas.policy_not_applied,
        s.eas.error
    );
}
