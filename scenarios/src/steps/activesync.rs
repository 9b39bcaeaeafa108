//! Secure Mail's ActiveSync account: configured by the MDX "Secure Mail Exchange Server"
//! policy, driven and observed through the device's control API.

use super::device::{phone, state};
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::securemail::companion::{Companion, CompanionPolicy, CompanionView};
use mailconform_fakes::securemail::contract::{DevicePolicy, MeetingAnswer};
use mailconform_fakes::securemail::eas::Platform;

#[given(expr = "{word} has Secure Mail for {word} with the Exchange Server policy {string}")]
fn has_secure_mail(w: &mut MailWorld, user: String, platform: String, policy: String) {
    let p = Platform::parse(&platform).unwrap_or_else(|| panic!("unknown platform {platform:?}: use iOS or Android"));
    let cfg = w.device_plan(&user);
    cfg.platform = p;
    cfg.exchange_server = policy;
}

#[given(expr = "{word}'s Secure Mail logs in as {string}")]
fn logs_in_as(w: &mut MailWorld, user: String, login: String) {
    w.device_plan(&user).eas_login = Some(login);
}

#[when(expr = "{word}'s Secure Mail connects over ActiveSync")]
fn connects(w: &mut MailWorld, user: String) {
    let d = phone(w, &user);
    w.run(d.eas_connect()).expect("device control API answers");
}

#[given(expr = "{word}'s Secure Mail has synced over ActiveSync")]
fn has_synced(w: &mut MailWorld, user: String) {
    let d = phone(w, &user);
    let s = w.run(d.eas_connect()).expect("device control API answers");
    assert!(s.eas.synced, "{user}'s Secure Mail did not sync: {:?}", s.eas.error);
}

#[when(expr = "{word}'s Secure Mail syncs over ActiveSync")]
fn syncs(w: &mut MailWorld, user: String) {
    let d = phone(w, &user);
    w.run(d.eas_sync()).expect("device control API answers");
}

#[then(expr = "{word}'s Secure Mail syncs its Inbox, Calendar and Contacts")]
fn synced(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    assert!(s.eas.synced && s.eas.error.is_none(), "{user}'s Secure Mail at {}: {:?}", s.eas.endpoint, s.eas.error);
}

#[then(expr = "{word}'s Secure Mail cannot sync because {string}")]
fn cannot_sync(w: &mut MailWorld, user: String, because: String) {
    let s = state(w, &user);
    let error = s.eas.error.clone().unwrap_or_default();
    assert!(
        !s.eas.synced && error.contains(&because),
        "{user}'s Secure Mail at {}: synced {}, error {error:?}; expected it to mention {because:?}",
        s.eas.endpoint,
        s.eas.synced
    );
}

#[then(expr = "{word}'s Secure Mail shows {string} in its Inbox after one Ping")]
fn shows_after_ping(w: &mut MailWorld, user: String, subject: String) {
    let d = phone(w, &user);
    let before = w.run(d.state()).expect("device control API answers");
    assert!(!before.eas.inbox.contains(&subject), "{subject:?} was already on the device before the Ping");
    let s = w.run(d.eas_ping()).expect("device control API answers");
    assert_eq!(s.eas.pings, before.eas.pings + 1);
    assert!(s.eas.inbox.contains(&subject), "after one Ping the Inbox shows {:?} ({:?})", s.eas.inbox, s.eas.error);
}

#[then(expr = "{word}'s Secure Mail received no EAS device policy from the server")]
fn no_policy(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    assert!(s.eas.policy.is_none(), "policy {:?}", s.eas.policy);
}

#[then(expr = "{word}'s Secure Mail received an EAS device policy requiring a device password of at least {int} characters")]
fn policy_password(w: &mut MailWorld, user: String, n: u64) {
    let s = state(w, &user);
    let p = s.eas.policy.clone().unwrap_or_else(|| panic!("{user}'s Secure Mail received no policy"));
    assert_eq!((p.device_password_enabled, p.min_device_password_length.map(u64::from)), (true, Some(n)), "policy {p:?}");
}

#[when(expr = "{word} deletes {string} in Secure Mail")]
fn deletes(w: &mut MailWorld, user: String, subject: String) {
    let d = phone(w, &user);
    let s = w.run(d.eas_delete(&subject)).expect("device control API answers");
    assert!(s.error.is_none(), "the delete failed: {:?}", s.error);
}

#[then(expr = "{word}'s Secure Mail no longer shows {string} in its Inbox")]
fn no_longer_shows(w: &mut MailWorld, user: String, subject: String) {
    let s = state(w, &user);
    assert!(!s.eas.inbox.contains(&subject), "the Inbox still shows {subject:?}: {:?}", s.eas.inbox);
}

#[then(expr = "{word}'s Secure Mail has wiped its data")]
fn wiped(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    assert!(s.eas.wiped && s.eas.inbox.is_empty(), "wiped {}, inbox {:?}, error {:?}", s.eas.wiped, s.eas.inbox, s.eas.error);
}

#[then(expr = "{word}'s Secure Mail negotiated ActiveSync {word}")]
fn negotiated(w: &mut MailWorld, user: String, version: String) {
    let s = state(w, &user);
    assert_eq!(s.eas.version.as_deref(), Some(version.as_str()), "error {:?}", s.eas.error);
}

#[then(expr = "{word}'s Secure Mail received an EAS device policy from the server")]
fn some_policy(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    assert!(s.eas.policy.is_some(), "no policy; error {:?}", s.eas.error);
}

#[when(expr = "{word} accepts the meeting request {string} in Secure Mail")]
fn accepts(w: &mut MailWorld, user: String, subject: String) {
    let d = phone(w, &user);
    let s = w.run(d.eas_meeting_response(&subject, MeetingAnswer::Accept)).expect("device control API answers");
    assert!(s.error.is_none(), "the meeting response failed: {:?}", s.error);
}

#[when(expr = "{word} sends a message {string} to {word} from Secure Mail")]
fn sends(w: &mut MailWorld, user: String, subject: String, to: String) {
    let d = phone(w, &user);
    let s = w.run(d.eas_send(&super::words::email(&to), &subject)).expect("device control API answers");
    assert!(s.error.is_none(), "sending failed: {:?}", s.error);
}

#[then(expr = "{word}'s Secure Mail shows {string} in its Calendar")]
fn shows_in_calendar(w: &mut MailWorld, user: String, subject: String) {
    let s = state(w, &user);
    assert!(s.eas.calendar.contains(&subject), "the Calendar shows {:?} ({:?})", s.eas.calendar, s.eas.error);
}

/// A message arrives while the device's Ping is held: the Ping must return when it arrives,
/// not when its heartbeat runs out.
#[when(expr = "a message {string} arrives in {word}'s inbox {int} minutes into a Ping of Secure Mail")]
fn arrives_during_ping(w: &mut MailWorld, subject: String, user: String, minutes: u64) {
    let d = phone(w, &user);
    let ex = w.exchange();
    let email = super::words::email(&user);
    let started = w.sim().elapsed();
    let (ping, delivered) = w.run(async {
        let ping = async {
            let s = d.eas_ping().await;
            (s, tokio::time::Instant::now())
        };
        let mail = async {
            tokio::time::sleep(std::time::Duration::from_secs(minutes * 60)).await;
            ex.deliver(&email, &subject).await
        };
        futures::join!(ping, mail)
    });
    delivered.expect("Exchange delivers the message");
    let (s, _) = ping;
    let s = s.expect("device control API answers");
    w.last_body = serde_json::to_string(&s.eas.inbox).unwrap_or_default();
    w.last_status = Some(((w.sim().elapsed() - started).as_secs() / 60) as u16);
}

#[then(expr = "the Ping returned after {int} minutes with {string} in {word}'s Secure Mail Inbox")]
fn ping_returned(w: &mut MailWorld, minutes: u16, subject: String, user: String) {
    assert_eq!(w.last_status, Some(minutes), "minutes until the Ping returned");
    let s = state(w, &user);
    assert!(s.eas.inbox.contains(&subject), "{user}'s Inbox: {:?}", s.eas.inbox);
}

#[given(expr = "{word}'s Secure Notes has the Exchange Server policy {string} and the user domain {string}")]
fn notes_policy(w: &mut MailWorld, user: String, server: String, domain: String) {
    w.device_plan(&user).secure_notes = Some(CompanionPolicy { exchange_server: server, user_domain: domain });
}

#[when(expr = "{word}'s Secure {word} syncs")]
fn companion_syncs(w: &mut MailWorld, user: String, app: String) {
    let d = phone(w, &user);
    let app = Companion::parse(&app).unwrap_or_else(|| panic!("no companion app Secure {app}"));
    w.run(d.companion_sync(app)).expect("device control API answers");
}

fn companion_view(w: &mut MailWorld, user: &str, app: &str) -> CompanionView {
    let s = state(w, user);
    let key = match app.to_ascii_lowercase().as_str() {
        "notes" => Companion::SecureNotes,
        "tasks" => Companion::SecureTasks,
        other => panic!("no companion app Secure {other}"),
    };
    s.companions.get(&key).cloned().unwrap_or_default()
}

#[then(expr = "{word}'s Secure {word} shows {string}")]
fn companion_shows(w: &mut MailWorld, user: String, app: String, subject: String) {
    let v = companion_view(w, &user, &app);
    assert!(v.items.contains(&subject), "Secure {app} shows {:?} (error {:?})", v.items, v.error);
}

#[then(expr = "{word}'s Secure {word} cannot sign in")]
fn companion_cannot(w: &mut MailWorld, user: String, app: String) {
    let v = companion_view(w, &user, &app);
    assert!(v.error.as_deref().is_some_and(|e| e.contains("401")), "Secure {app}: {v:?}");
}

#[given(expr = "a note {string} is in {word}'s Exchange mailbox")]
fn note_in_mailbox(w: &mut MailWorld, subject: String, user: String) {
    let ex = w.exchange();
    w.run(ex.add_note(&super::words::email(&user), &subject)).expect("Exchange takes the note");
}

#[given(expr = "a task {string} is in {word}'s Exchange mailbox")]
fn task_in_mailbox(w: &mut MailWorld, subject: String, user: String) {
    let ex = w.exchange();
    w.run(ex.add_task(&super::words::email(&user), &subject)).expect("Exchange takes the task");
}

#[then(expr = "Exchange knows {int} ActiveSync device(s) for {word}")]
fn devices_for(w: &mut MailWorld, n: usize, user: String) {
    let ex = w.exchange();
    let devices = w.run(ex.activesync_devices()).expect("Exchange control API answers");
    let login = user.to_ascii_lowercase();
    let mine: Vec<_> = devices.iter().filter(|d| d.user == login).collect();
    assert_eq!(mine.len(), n, "Exchange's ActiveSync devices: {devices:?}");
}

#[given(expr = "{word}'s device cannot enforce the EAS policy setting {string}")]
fn cannot_enforce(w: &mut MailWorld, user: String, setting: String) {
    w.device_plan(&user).eas_unenforceable.push(setting);
}

#[when(expr = "the Exchange administrator requires a device password of at least {int} characters")]
fn exchange_requires_password(w: &mut MailWorld, n: u32) {
    set_exchange_policy(w, DevicePolicy { device_password_enabled: true, min_device_password_length: Some(n), ..DevicePolicy::default() });
}

#[when("the Exchange administrator requires device encryption")]
fn exchange_requires_encryption(w: &mut MailWorld) {
    set_exchange_policy(w, DevicePolicy { require_device_encryption: true, ..DevicePolicy::default() });
}

/// An enforced policy; fields it does not name keep the enterprise defaults of `DevicePolicy`.
fn set_exchange_policy(w: &mut MailWorld, policy: DevicePolicy) {
    let ex = w.roles().exchange().expect("Exchange is deployed");
    w.run(ex.set_device_policy(Some(policy), true)).expect("Exchange control API answers");
}

#[then(expr = "Exchange told {word}'s Secure Mail to refresh its device policy with Status {int}")]
fn told_to_refresh(w: &mut MailWorld, user: String, status: u64) {
    let ex = w.roles().exchange().expect("Exchange is deployed");
    let log = w.run(ex.activesync_log()).expect("Exchange control API answers");
    let seen: Vec<_> = log.iter().filter(|r| r.user == user).map(|r| (r.command, r.status)).collect();
    assert!(seen.iter().any(|(_, s)| s.map(u64::from) == Some(status)), "{user}'s requests (command, Status): {seen:?}");
}

#[then(expr = "{word}'s Secure Mail applied the policy except {string}")]
fn applied_except(w: &mut MailWorld, user: String, setting: String) {
    let s = state(w, &user);
    assert!(
        s.eas.policy.is_some() && s.eas.policy_not_applied == vec![setting.clone()],
        "policy {:?}, not applied {:?}, error {:?}",
        s.eas.policy,
        s.eas.policy_not_applied,
        s.eas.error
    );
}
