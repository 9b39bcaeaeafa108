use super::words;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::securemail::{DeviceControl, DeviceState, DeviceStateView, MailBackend};

/// The control client of `user`'s phone, starting the phone if it is not running yet.
pub(crate) fn phone(w: &mut MailWorld, user: &str) -> DeviceControl {
    let name = w.ensure_device(user);
    w.roles().device(&name).expect("device role")
}

pub(crate) fn state(w: &mut MailWorld, user: &str) -> DeviceState {
    let d = phone(w, user);
    w.run(d.state()).expect("device control API answers").state
}

#[given(expr = "{word} has Secure Mail for iOS in the {word} region")]
fn has_secure_mail(w: &mut MailWorld, user: String, region: String) {
    let r = words::region(&region);
    let cfg = w.device_plan(&user);
    cfg.region = r.code().to_string();
    cfg.listener_base = format!("https://{}", r.host(mailconform_fakes::defaults::DOMAIN));
}

#[given(expr = "{word}'s Secure Mail has the APNs policy {word}")]
fn policy_initial(w: &mut MailWorld, user: String, on: String) {
    w.device_plan(&user).apns_policy = words::on_off(&on);
}

#[given(expr = "{word}'s Secure Mail has {string} as PushNotificationsEWSHostName")]
fn ews_host_policy(w: &mut MailWorld, user: String, host: String) {
    w.device_plan(&user).ews_host = host;
}

#[given(expr = "{word}'s mail account is on IBM Notes Traveler")]
fn on_traveler(w: &mut MailWorld, user: String) {
    w.device_plan(&user).backend = MailBackend::NotesTraveler;
}

#[given(expr = "{word}'s Secure Mail is wrapped with the App ID {string}")]
fn app_id(w: &mut MailWorld, user: String, app: String) {
    w.device_plan(&user).app_id = app;
}

fn launch(w: &mut MailWorld, user: &str, allow: bool) -> DeviceStateView {
    let d = phone(w, user);
    w.run(d.launch(allow)).expect("device control API answers")
}

#[when(expr = "{word} launches Secure Mail and allows notifications")]
fn launches_allows(w: &mut MailWorld, user: String) {
    launch(w, &user, true);
}

#[when(expr = "{word} launches Secure Mail and denies notifications")]
fn launches_denies(w: &mut MailWorld, user: String) {
    launch(w, &user, false);
}

#[given(expr = "{word} has set up push notifications")]
#[when(expr = "{word} sets up push notifications")]
fn set_up(w: &mut MailWorld, user: String) {
    let s = launch(w, &user, true);
    assert!(s.error.is_none() && s.subscription_id.is_some(), "push set-up failed for {user}: {:?} {:?}", s.error, s.last_error);
}

#[when(expr = "{word} sends Secure Mail to the background")]
fn to_background(w: &mut MailWorld, user: String) {
    let d = phone(w, &user);
    w.run(d.background()).expect("device control API answers");
}

#[when(expr = "{word} brings Secure Mail to the foreground")]
fn to_foreground(w: &mut MailWorld, user: String) {
    let d = phone(w, &user);
    w.run(d.foreground()).expect("device control API answers");
}

#[when(expr = "the admin turns the APNs policy {word} for {word}")]
fn admin_policy(w: &mut MailWorld, on: String, user: String) {
    let d = phone(w, &user);
    w.run(d.set_policy(words::on_off(&on))).expect("device control API answers");
}

#[when(expr = "{word}'s Secure Mail checks in for policies")]
fn policy_check(w: &mut MailWorld, user: String) {
    let d = phone(w, &user);
    w.run(d.policy_check()).expect("device control API answers");
}

#[when(expr = "iOS runs background app refresh for {word}")]
fn background_refresh(w: &mut MailWorld, user: String) {
    let d = phone(w, &user);
    w.run(d.background_refresh()).expect("device control API answers");
}

#[then(expr = "{word}'s badge shows {int}")]
fn badge_shows(w: &mut MailWorld, user: String, n: u32) {
    let s = state(w, &user);
    assert_eq!(s.badge, n, "{user}'s badge; device log: {:?}", s.log.iter().rev().take(6).collect::<Vec<_>>());
}

#[then(expr = "{word}'s badge equals the unread count of {word}'s inbox")]
fn badge_equals_unread(w: &mut MailWorld, user: String, owner: String) {
    let ex = w.exchange();
    let inbox = w.run(ex.inbox(&words::email(&owner))).expect("inbox");
    let unread = inbox.unread;
    let s = state(w, &user);
    assert_eq!(s.badge, unread, "badge vs. Exchange's unread count");
}

#[then(expr = "{word}'s Secure Mail has subscribed to EWS push {int} time(s)")]
fn subscribed_times(w: &mut MailWorld, user: String, n: u32) {
    let s = state(w, &user);
    assert_eq!(s.subscriptions_made, n, "subscriptions made by {user}'s device; last error {:?}", s.last_error);
}

#[then(expr = "{word}'s Secure Mail has a device token from APNs")]
fn has_token(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    assert!(s.device_token.as_ref().is_some_and(|t| t.len() == 64), "device token: {:?}", s.device_token);
}

#[then(expr = "{word}'s Secure Mail is not registered for push")]
fn not_registered(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    assert!(
        s.registration_id.is_none() && s.subscription_id.is_none(),
        "registration {:?}, subscription {:?}",
        s.registration_id,
        s.subscription_id
    );
}

#[then(expr = "{word}'s Secure Mail received {int} push(es)")]
fn pushes_received(w: &mut MailWorld, user: String, n: u64) {
    let s = state(w, &user);
    assert_eq!(s.pushes_received, n, "pushes received by {user}'s device");
}

#[then(expr = "{word}'s Secure Mail used EWS schema version {string}")]
fn schema_used(w: &mut MailWorld, user: String, v: String) {
    let s = state(w, &user);
    assert_eq!(s.ews_version.as_deref(), Some(v.as_str()));
}

#[then(expr = "{word}'s Secure Mail reports no error")]
fn no_error(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    assert!(s.last_error.is_none(), "{user}'s device: {:?}", s.last_error);
}

#[when(expr = "{word} uninstalls Secure Mail")]
fn uninstall(w: &mut MailWorld, user: String) {
    let s = state(w, &user);
    let token = s.device_token.expect("the device has a token to uninstall");
    let apns = w.roles().apns().expect("apns role");
    w.run(apns.uninstall(&token)).expect("APNs control API answers");
}
