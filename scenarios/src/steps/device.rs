use crate::params::{OnOff, Region, User};
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

/// The user's iPhone has Secure Mail, set up for the listener of this region.
#[given(expr = "{user} has Secure Mail for iOS in the {region} region")]
fn has_secure_mail(w: &mut MailWorld, user: User, region: Region) {
    let r = *region;
    let cfg = w.device_plan(&user);
    cfg.region = r.code().to_string();
    cfg.listener_base = format!("https://{}", r.host(mailconform_fakes::defaults::DOMAIN));
}

/// Secure Mail starts with the MDX APNs policy ON or OFF.
#[given(expr = "{user}'s Secure Mail has the APNs policy {on_off}")]
fn policy_initial(w: &mut MailWorld, user: User, on: OnOff) {
    w.device_plan(&user).apns_policy = on.is_on();
}

/// Secure Mail subscribes to EWS push with this StatusFrequency (minutes; Secure Mail's own is 15).
///
/// StatusFrequency sets both Exchange's keep-alive interval and how long it retries a failed
/// notification before ending the subscription ([MS-OXWSNTIF] 2.2.4.5, 3.1.4.3).
#[given(expr = "{user}'s Secure Mail subscribes with a StatusFrequency of {int} minute(s)")]
fn status_frequency(w: &mut MailWorld, user: User, minutes: u32) {
    w.device_plan(&user).status_frequency_minutes = minutes;
}

/// Secure Mail's PushNotificationsEWSHostName policy names this EWS host.
#[given(expr = "{user}'s Secure Mail has {string} as PushNotificationsEWSHostName")]
fn ews_host_policy(w: &mut MailWorld, user: User, host: String) {
    w.device_plan(&user).ews_host = host;
}

/// The user's mail account is on IBM Notes Traveler rather than Exchange.
#[given(expr = "{user}'s mail account is on IBM Notes Traveler")]
fn on_traveler(w: &mut MailWorld, user: User) {
    w.device_plan(&user).backend = MailBackend::NotesTraveler;
}

/// Secure Mail was wrapped with this App ID, the topic of its pushes.
#[given(expr = "{user}'s Secure Mail is wrapped with the App ID {string}")]
fn app_id(w: &mut MailWorld, user: User, app: String) {
    w.device_plan(&user).app_id = app;
}

fn launch(w: &mut MailWorld, user: &str, allow: bool) -> DeviceStateView {
    let d = phone(w, user);
    w.run(d.launch(allow)).expect("device control API answers")
}

/// The user opens Secure Mail and allows notifications when iOS asks.
#[when(expr = "{user} launches Secure Mail and allows notifications")]
fn launches_allows(w: &mut MailWorld, user: User) {
    launch(w, &user, true);
}

/// The user opens Secure Mail and denies notifications when iOS asks.
#[when(expr = "{user} launches Secure Mail and denies notifications")]
fn launches_denies(w: &mut MailWorld, user: User) {
    launch(w, &user, false);
}

/// Secure Mail registers with the listener and subscribes to EWS push, and both succeed.
#[given(expr = "{user} has set up push notifications")]
#[when(expr = "{user} sets up push notifications")]
fn set_up(w: &mut MailWorld, user: User) {
    let s = launch(w, &user, true);
    assert!(s.error.is_none() && s.subscription_id.is_some(), "push set-up failed for {user}: {:?} {:?}", s.error, s.last_error);
}

/// The user leaves Secure Mail for another app.
#[when(expr = "{user} sends Secure Mail to the background")]
fn to_background(w: &mut MailWorld, user: User) {
    let d = phone(w, &user);
    w.run(d.background()).expect("device control API answers");
}

/// The user comes back to Secure Mail.
#[when(expr = "{user} brings Secure Mail to the foreground")]
fn to_foreground(w: &mut MailWorld, user: User) {
    let d = phone(w, &user);
    w.run(d.foreground()).expect("device control API answers");
}

/// The administrator changes the MDX APNs policy; Secure Mail sees it at its next check-in.
#[when(expr = "the admin turns the APNs policy {on_off} for {user}")]
fn admin_policy(w: &mut MailWorld, on: OnOff, user: User) {
    let d = phone(w, &user);
    w.run(d.set_policy(on.is_on())).expect("device control API answers");
}

/// Secure Mail fetches its MDX policies and acts on any change.
#[when(expr = "{user}'s Secure Mail checks in for policies")]
fn policy_check(w: &mut MailWorld, user: User) {
    let d = phone(w, &user);
    w.run(d.policy_check()).expect("device control API answers");
}

/// iOS wakes Secure Mail in the background for a moment.
#[when(expr = "iOS runs background app refresh for {user}")]
fn background_refresh(w: &mut MailWorld, user: User) {
    let d = phone(w, &user);
    w.run(d.background_refresh()).expect("device control API answers");
}

/// The Secure Mail icon's badge on the user's phone shows this number.
#[then(expr = "{user}'s badge shows {int}")]
fn badge_shows(w: &mut MailWorld, user: User, n: u32) {
    let s = w.eventually(|w| state(w, &user), |s| s.badge == n);
    assert_eq!(s.badge, n, "{user}'s badge; device log: {:?}", s.log.iter().rev().take(6).collect::<Vec<_>>());
}

/// The badge shows the unread count Exchange has for a mailbox's inbox.
#[then(expr = "{user}'s badge equals the unread count of {user}'s inbox")]
fn badge_equals_unread(w: &mut MailWorld, user: User, owner: User) {
    let mail = w.mailboxes();
    let unread = w.drive(mail.unread(&owner.email()));
    let s = state(w, &user);
    assert_eq!(s.badge, unread, "badge vs. Exchange's unread count");
}

/// Secure Mail has made exactly this many EWS push subscriptions so far.
#[then(expr = "{user}'s Secure Mail has subscribed to EWS push {int} time(s)")]
fn subscribed_times(w: &mut MailWorld, user: User, n: u32) {
    let s = state(w, &user);
    assert_eq!(s.subscriptions_made, n, "subscriptions made by {user}'s device; last error {:?}", s.last_error);
}

/// Secure Mail holds a device token APNs issued.
#[then(expr = "{user}'s Secure Mail has a device token from APNs")]
fn has_token(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    assert!(s.device_token.as_ref().is_some_and(|t| t.len() == 64), "device token: {:?}", s.device_token);
}

/// Secure Mail holds neither a listener registration nor an EWS subscription.
#[then(expr = "{user}'s Secure Mail is not registered for push")]
fn not_registered(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    assert!(
        s.registration_id.is_none() && s.subscription_id.is_none(),
        "registration {:?}, subscription {:?}",
        s.registration_id,
        s.subscription_id
    );
}

/// The phone received exactly this many pushes for Secure Mail.
#[then(expr = "{user}'s Secure Mail received {int} push(es)")]
fn pushes_received(w: &mut MailWorld, user: User, n: u64) {
    let s = state(w, &user);
    assert_eq!(s.pushes_received, n, "pushes received by {user}'s device");
}

/// The user's Secure Mail asked the listener for its registration status exactly this many times, as the app counts them.
///
/// The app's own count: with a listener under test whose state the harness cannot read, this is
/// what shows the checks were made.
#[then(expr = "{user}'s Secure Mail checked its registration {int} time(s)")]
fn status_checks_made(w: &mut MailWorld, user: User, n: u32) {
    let s = state(w, &user);
    assert_eq!(s.status_checks, n, "registration status checks by {user}'s Secure Mail");
}

/// Secure Mail's EWS requests named this schema version, e.g. "Exchange2010_SP1".
#[then(expr = "{user}'s Secure Mail used EWS schema version {string}")]
fn schema_used(w: &mut MailWorld, user: User, v: String) {
    let s = state(w, &user);
    assert_eq!(s.ews_version.as_deref(), Some(v.as_str()));
}

/// Secure Mail's last push set-up or refresh ended without an error.
#[then(expr = "{user}'s Secure Mail reports no error")]
fn no_error(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    assert!(s.last_error.is_none(), "{user}'s device: {:?}", s.last_error);
}

/// The user removes Secure Mail: APNs forgets the device token.
#[when(expr = "{user} uninstalls Secure Mail")]
fn uninstall(w: &mut MailWorld, user: User) {
    let s = state(w, &user);
    let token = s.device_token.expect("the device has a token to uninstall");
    let devices = w.push_devices(mailconform_fakes::apns::Environment::Production);
    w.drive(devices.uninstall(&token));
}
