use super::device::state;
use crate::params::{ApnsReason, ClockTime, ClockTimes, ListenerRefusal, PushKind, Region, RegistrationFlaw, User};
use crate::world::observation::Observation;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::deployment;
use mailconform_fakes::listener::contract::ListenerState;
use mailconform_fakes::listener::error::RefusalBody;
use mailconform_fakes::listener::{PushRecord, Registration};
use mailconform_fakes::ErrorKind;
use mailconform_sim::Fault;
use sha2::{Digest, Sha256};
use std::time::Duration;

fn listener_state(w: &mut MailWorld, region: Region) -> ListenerState {
    let l = w.registrations(*region);
    w.drive(l.state())
}

pub(super) fn registration_of(w: &mut MailWorld, region: Region, user: &str) -> Option<Registration> {
    let token = state(w, user).device_token?;
    let st = listener_state(w, region);
    st.registrations.into_values().find(|r| r.device_token == token)
}

fn pushes(w: &mut MailWorld, region: Region) -> Vec<PushRecord> {
    let l = w.registrations(*region);
    w.drive(l.pushes())
}

/// The region's pushes once the last of them holds of `done`: on the real clock a push is
/// the end of a chain across processes (Exchange's notification, the listener, APNs), read
/// again until it arrives (see [`MailWorld::eventually`]).
fn pushes_until_last(w: &mut MailWorld, region: Region, done: impl Fn(&PushRecord) -> bool) -> Vec<PushRecord> {
    w.eventually(|w| pushes(w, region), |p| p.last().is_some_and(&done))
}

fn set_fault(w: &mut MailWorld, region: Region, fault: Option<Fault>) {
    let faults = w.faults(&region.role());
    match fault {
        Some(f) => w.drive(faults.set(f)),
        None => w.drive(faults.clear()),
    }
}

/// The region's listener drops off the network: connections to it fail at once.
#[when(expr = "the {region} listener becomes unreachable")]
fn unreachable(w: &mut MailWorld, region: Region) {
    set_fault(w, region, Some(Fault::Unreachable));
}

/// The region's listener accepts connections but never answers.
#[when(expr = "the {region} listener stops answering")]
fn black_hole(w: &mut MailWorld, region: Region) {
    set_fault(w, region, Some(Fault::BlackHole));
}

/// The region's listener answers every request with this HTTP status.
#[when(expr = "the {region} listener answers every request with HTTP {int}")]
fn status_override(w: &mut MailWorld, region: Region, status: u16) {
    set_fault(w, region, Some(Fault::Status { status }));
}

/// The region's listener is back on the network and answers normally.
#[when(expr = "the {region} listener is reachable again")]
fn reachable(w: &mut MailWorld, region: Region) {
    set_fault(w, region, None);
}

/// The region's listener holds the user's device with the ID of its EWS subscription.
///
/// Asked as the app asks, through the listener's public status API, so that a real listener
/// answers it too.
#[then(expr = "the {region} listener has a registration for {user} with the EWS subscription ID")]
fn has_registration(w: &mut MailWorld, region: Region, user: User) {
    let device = state(w, &user);
    let sub = device.subscription_id.unwrap_or_else(|| panic!("{user}'s device has no subscription"));
    let id = device.registration_id.unwrap_or_else(|| panic!("{user}'s device never registered with the {region} listener"));
    let l = w.registrations(*region);
    let status = w.drive(l.status(&id));
    assert_eq!(
        status.subscription_id.as_deref(),
        Some(sub.as_str()),
        "the {region} listener's status of {user}'s registration: {status:?}"
    );
}

/// The region's listener holds nothing for the user's device.
#[then(expr = "the {region} listener has no registration for {user}")]
fn no_registration(w: &mut MailWorld, region: Region, user: User) {
    let st = listener_state(w, region);
    let token = state(w, &user).device_token;
    let found = st.registrations.values().any(|r| token.as_deref() == Some(r.device_token.as_str()));
    assert!(!found, "the {region} listener still holds {user}'s device: {st:?}");
}

/// The region's listener holds no registration of any device.
#[then(expr = "the {region} listener holds no registration at all")]
fn no_registrations(w: &mut MailWorld, region: Region) {
    let st = listener_state(w, region);
    assert!(st.registrations.is_empty(), "{st:?}");
}

/// The region's listener loses the user's registration, as after a data loss.
#[when(expr = "the {region} listener forgets {user}'s registration")]
fn forget(w: &mut MailWorld, region: Region, user: User) {
    let id = state(w, &user).registration_id.expect("the device registered");
    let l = w.registrations(*region);
    w.drive(l.forget(&id));
}

/// Nothing the region's listener stores or logs contains the user's address or ActiveSync device ID.
#[then(expr = "the {region} listener's state contains neither {user}'s e-mail address nor ActiveSync device ID")]
fn no_pii(w: &mut MailWorld, region: Region, user: User) {
    let name = w.ensure_device(&user);
    let cfg_email = user.email();
    let as_id = w
        .spec()
        .devices
        .get(&name)
        .map(|c| c.activesync_device_id.clone())
        .unwrap_or_else(|| deployment::default_device_config(&name, &cfg_email, *region).activesync_device_id);
    let text = serde_json::to_string(&listener_state(w, region)).unwrap_or_default();
    let pushes = serde_json::to_string(&pushes(w, region)).unwrap_or_default();
    for needle in [cfg_email.as_str(), cfg_email.split('@').next().unwrap_or_default(), as_id.as_str()] {
        assert!(!text.to_ascii_lowercase().contains(&needle.to_ascii_lowercase()), "the listener's state contains {needle:?}: {text}");
        assert!(!pushes.contains(needle), "the listener's push log contains {needle:?}");
    }
    assert!(text.contains("registrations"), "the state was read: {text}");
}

/// The region's listener keeps only the SHA-256 of the user's address.
#[then(expr = "the {region} listener stores the SHA-256 of {user}'s e-mail address")]
fn stores_hash(w: &mut MailWorld, region: Region, user: User) {
    let reg = registration_of(w, region, &user).expect("registration");
    let expected = hex::encode(Sha256::digest(user.email().as_bytes()));
    assert_eq!(reg.email_sha256, expected);
}

/// The administrator uploads an APNs certificate issued for this App ID to the region's listener.
#[when(expr = "the admin uploads an APNs certificate for the App ID {string} in the {region} region")]
fn upload(w: &mut MailWorld, app: String, region: Region) {
    let r = *region;
    w.deploy();
    let cert = deployment::provider_certificate(w.sim_ref(), &app, Duration::from_secs(365 * 86_400)).expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    let answer = match w.run(l.upload_certificate(&app, r, &cert.cert_pem, &cert.key_pem)) {
        Ok(v) => Observation::CertificateUpload { status: 200, body: serde_json::to_string(&v).unwrap_or_default() },
        Err(mailconform_sim::ControlError::Status { status, body, .. }) => Observation::CertificateUpload { status, body },
        Err(e) => panic!("upload failed below HTTP: {e}"),
    };
    w.observe(answer);
}

/// The listener's answer to the last certificate upload.
fn upload_answer(w: &MailWorld) -> (u16, &str) {
    match &w.observed {
        Some(Observation::CertificateUpload { status, body }) => (*status, body),
        other => panic!("no certificate upload was observed (last: {})", other.as_ref().map_or("nothing", |o| o.kind())),
    }
}

/// The listener refused the upload, for this reason.
#[then(expr = "the upload is refused because {listener_refusal}")]
fn upload_refused(w: &mut MailWorld, because: ListenerRefusal) {
    let (status, body) = upload_answer(w);
    let refusal: Option<RefusalBody> = serde_json::from_str(body).ok();
    assert_eq!(refusal.map(|r| r.error.kind), Some(because.0), "upload answer {status}: {body}");
}

/// The listener accepted the upload.
#[then("the upload is accepted")]
fn upload_accepted(w: &mut MailWorld) {
    let (status, body) = upload_answer(w);
    assert_eq!(status, 200, "upload answer: {body}");
}

/// The region's listener has Secure Mail's APNs certificate, valid for only this many minutes.
#[given(expr = "Secure Mail's APNs certificate for the {region} region expires in {int} minutes")]
fn expiring_certificate(w: &mut MailWorld, region: Region, minutes: u64) {
    let r = *region;
    w.plan().uploaded_regions.retain(|x| *x != r);
    w.deploy();
    let cert = deployment::provider_certificate(w.sim_ref(), defaults::APP_ID, Duration::from_secs(minutes * 60)).expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    w.run(l.upload_certificate(defaults::APP_ID, r, &cert.cert_pem, &cert.key_pem)).expect("upload");
}

/// The certificate the region's listener holds for Secure Mail was issued for another App ID.
#[given(expr = "the certificate uploaded for Secure Mail in the {region} region was issued for the App ID {string}")]
fn wrong_topic_certificate(w: &mut MailWorld, region: Region, other_app: String) {
    let r = *region;
    w.plan().uploaded_regions.retain(|x| *x != r);
    w.deploy();
    let cert = deployment::provider_certificate(w.sim_ref(), &other_app, Duration::from_secs(365 * 86_400)).expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    w.run(l.upload_certificate(defaults::APP_ID, r, &cert.cert_pem, &cert.key_pem)).expect("upload");
}

/// The administrator uploads a fresh certificate for Secure Mail, replacing the region's old one.
#[when(expr = "the admin renews Secure Mail's APNs certificate for the {region} region")]
fn renew(w: &mut MailWorld, region: Region) {
    let r = *region;
    let cert = deployment::provider_certificate(w.sim_ref(), defaults::APP_ID, Duration::from_secs(365 * 86_400)).expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    let v = w.run(l.upload_certificate(defaults::APP_ID, r, &cert.cert_pem, &cert.key_pem)).expect("renewal upload");
    assert!(v.generation >= 2, "a renewal replaces the region's one entry: {v:?}");
}

/// Exchange posts one SendNotification to the region's listener for the user's live subscription, its notifications and events as the table lists them (notification, event, folder, unread).
///
/// The events are written by hand rather than caused by mail, so a listener under test meets
/// what a real Exchange may send and the built-in fake never does: a folder other than the
/// Inbox reporting its count, several notifications in one request. `folder` is `Inbox` (the
/// folder the device registered) or any other name; `unread` is empty on an event without a
/// count.
#[when(expr = "Exchange notifies the {region} listener for {user} in one SendNotification:")]
fn notify_by_hand(w: &mut MailWorld, region: Region, user: User, step: &cucumber::gherkin::Step) {
    use mailconform_ews::{write_send_notification, Event, EventType, Notification, ObjectId, SchemaVersion};
    let device = state(w, &user);
    device.registration_id.as_ref().unwrap_or_else(|| panic!("{user}'s device never registered with the {region} listener"));
    let subscriptions = w.push_subscriptions();
    let sub = w
        .drive(subscriptions.subscriptions())
        .into_iter()
        .rev()
        .find(|s| s.mailbox.eq_ignore_ascii_case(&user.email()))
        .unwrap_or_else(|| panic!("Exchange holds no push subscription for {user}"));
    // The Inbox the device handed over with its subscription.
    let inbox = device.inbox_folder_id.clone().unwrap_or_else(|| panic!("{user}'s device handed over no Inbox"));
    let table = step.table.as_ref().expect("the step lists its events in a table");
    let mut notifications: Vec<Notification> = Vec::new();
    for (i, row) in table.rows.iter().skip(1).enumerate() {
        let [number, event, folder, unread] = row.as_slice() else { panic!("row {}: notification | event | folder | unread", i + 1) };
        let number: usize = number.parse().unwrap_or_else(|_| panic!("row {}: {number:?} is no notification number", i + 1));
        let kind = EventType::parse(event)
            .unwrap_or_else(|| panic!("row {}: {event:?} is no EWS event (ModifiedEvent, NewMailEvent, ...)", i + 1));
        let folder_id = if folder == "Inbox" { inbox.clone() } else { format!("{}-{}", inbox, folder.replace(' ', "")) };
        let object = match kind {
            EventType::Modified => ObjectId::Folder { id: folder_id.clone(), change_key: None },
            _ => ObjectId::Item { id: format!("item-{i}"), change_key: None },
        };
        let unread =
            (!unread.is_empty()).then(|| unread.parse::<u32>().unwrap_or_else(|_| panic!("row {}: {unread:?} is no count", i + 1)));
        while notifications.len() < number {
            let previous_watermark = format!("wm-{}", notifications.len());
            notifications.push(Notification {
                subscription_id: sub.id.clone(),
                previous_watermark,
                more_events: false,
                events: Vec::new(),
            });
        }
        notifications[number - 1].events.push(Event {
            kind,
            watermark: format!("wm-{number}-{i}"),
            timestamp: Some(w.sim().clock.rfc3339()),
            object: Some(object),
            parent_folder_id: Some((folder_id, None)),
            old_object: None,
            old_parent_folder_id: None,
            unread_count: unread,
        });
    }
    let body = write_send_notification(SchemaVersion::Exchange2013, &notifications);
    let req = http::Request::post(&sub.url)
        .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .body(bytes::Bytes::from(body))
        .expect("a valid request");
    let client = w.sim().client();
    let answer = w.run(async move { client.send(req, &Default::default()).await });
    let answer = answer.unwrap_or_else(|e| panic!("the {region} listener did not answer the SendNotification: {e}"));
    assert_eq!(answer.status(), 200, "the {region} listener's answer: {:?}", answer.body());
}

/// What the user's app sends to register again: what it registered before, from its own
/// configuration and device token.
fn renewal_of(w: &mut MailWorld, user: &User) -> mailconform_fakes::listener::contract::NewRegistration {
    let token = state(w, user).device_token.unwrap_or_else(|| panic!("{user}'s device has no APNs device token to register again"));
    let name = w.ensure_device(user);
    w.spec().devices.get(&name).unwrap_or_else(|| panic!("{user}'s device was configured")).registration(&token)
}

/// The user's Secure Mail registers with the region's listener again with one field spoilt; the listener's answer is kept.
#[when(expr = "{user}'s Secure Mail registers with the {region} listener again with {registration_flaw}")]
fn register_flawed(w: &mut MailWorld, user: User, region: Region, flaw: RegistrationFlaw) {
    let mut again = renewal_of(w, &user);
    flaw.apply(&mut again, &user.email());
    let l = w.registrations(*region);
    let answer = match w.run(l.register(&again)) {
        Ok(r) => (200, serde_json::to_string(&r).unwrap_or_default()),
        Err(mailconform_fakes::driver::DriverError::Control(mailconform_sim::ControlError::Status { status, body, .. })) => (status, body),
        Err(e) => panic!("the {region} listener did not answer the registration: {e}"),
    };
    w.observe(Observation::RegistrationAnswer { status: answer.0, body: answer.1 });
}

/// The listener refused the registration (HTTP 400), for this reason.
#[then(expr = "the listener refuses the registration because {listener_refusal}")]
fn registration_refused(w: &mut MailWorld, because: ListenerRefusal) {
    let Some(Observation::RegistrationAnswer { status, body }) = &w.observed else {
        panic!("no registration answer was observed (last: {})", w.observed.as_ref().map_or("nothing", |o| o.kind()));
    };
    let refusal: Option<RefusalBody> = serde_json::from_str(body).ok();
    assert_eq!((*status, refusal.map(|r| r.error.kind)), (400, Some(because.0)), "registration answer {status}: {body}");
}

/// The user's Secure Mail registers its device token with the region's listener again, as it does at launch, with what it registered before.
#[when(expr = "{user}'s Secure Mail registers with the {region} listener again")]
fn register_again(w: &mut MailWorld, user: User, region: Region) {
    let again = renewal_of(w, &user);
    let registered = state(w, &user).registration_id;
    let l = w.registrations(*region);
    let renewed = w.drive(l.register(&again));
    assert_eq!(Some(renewed.registration_id), registered, "the same token renews its registration");
}

/// APNs accepted this many of the region's pushes for the user's device, as the listener counts them.
#[then(expr = "the {region} listener counts {int} push(es) APNs accepted for {user}")]
fn pushes_accepted(w: &mut MailWorld, region: Region, n: u64, user: User) {
    let token = state(w, &user).device_token.unwrap_or_else(|| panic!("{user}'s device has no APNs device token"));
    let accepted = w.eventually(
        |w| {
            let l = w.registrations(*region);
            w.drive(l.accepted_pushes(&token))
        },
        |accepted| *accepted == n,
    );
    assert_eq!(accepted, n, "pushes APNs accepted for {user}'s device");
}

/// APNs refused the region's last push with this HTTP status and reason.
#[then(expr = "the {region} listener's last APNs push was refused with {int} {apns_reason}")]
fn last_push_refused(w: &mut MailWorld, region: Region, status: u16, reason: ApnsReason) {
    let p = pushes_until_last(w, region, |last| last.status == Some(status));
    let last = p.last().unwrap_or_else(|| panic!("the {region} listener made no APNs push"));
    assert_eq!((last.status, last.reason.as_deref()), (Some(status), Some(reason.as_str())), "last push {last:?}");
}

/// APNs' 410 for the region's last push was dated this many minutes before the push.
///
/// The date is the `timestamp` Apple documents as the last time the token was confirmed
/// invalid, i.e. the uninstall.
#[then(expr = "the {region} listener's last APNs push was refused as unregistered since {int} minutes before it")]
fn last_push_unregistered_since(w: &mut MailWorld, region: Region, minutes: u64) {
    let p = pushes_until_last(w, region, |last| last.status == Some(410));
    let last = p.last().unwrap_or_else(|| panic!("the {region} listener made no APNs push"));
    let since = last.unregistered_ms.unwrap_or_else(|| panic!("APNs' 410 carried no timestamp: {last:?}"));
    let before = Duration::from_millis(last.at_ms.saturating_sub(since));
    assert_eq!((last.status, before.as_secs() / 60, before.as_secs() % 60), (Some(410), minutes, 0), "last push {last:?}");
}

/// The user's Secure Mail asked the region's listener for its registration status exactly at these times after it registered.
///
/// These are the foreground checks of Data Flow Q6, as the listener sees them on the wire.
#[then(expr = "the {region} listener saw {user}'s Secure Mail check its registration at \"{clock_times}\" after it registered")]
fn status_checks_at(w: &mut MailWorld, region: Region, user: User, times: ClockTimes) {
    let reg = registration_of(w, region, &user).unwrap_or_else(|| panic!("the {region} listener has no registration for {user}"));
    let seen: Vec<Duration> =
        reg.status_checks_ms.iter().map(|t| Duration::from_secs((t.saturating_sub(reg.registered_ms) + 500) / 1000)).collect();
    let shown: Vec<String> = seen.iter().map(|d| ClockTime(*d).to_string()).collect();
    assert_eq!(seen, times.0, "status checks at {shown:?}");
}

/// APNs refused the region's last push in TLS, for its client certificate.
///
/// APNs refuses an expired client certificate in TLS itself; with TLS 1.3 the client learns
/// it only when its first request is cut, so the check is that no HTTP answer came and the
/// failure is of the kind "certificate rejected".
#[then(expr = "the {region} listener's last APNs push was refused for its client certificate")]
fn last_push_tls(w: &mut MailWorld, region: Region) {
    let p = pushes_until_last(w, region, |last| last.error.is_some());
    let last = p.last().unwrap_or_else(|| panic!("the {region} listener made no APNs push"));
    assert!(last.status.is_none() && last.error.as_ref().is_some_and(|e| e.kind == ErrorKind::CertificateRejected), "last push {last:?}");
}

/// The region's last push was of this kind and APNs accepted it.
#[then(expr = "the {region} listener's last APNs push was a {push_kind} push")]
fn last_push_kind(w: &mut MailWorld, region: Region, kind: PushKind) {
    let p = pushes_until_last(w, region, |last| last.kind.as_str() == kind.as_str() && last.status == Some(200));
    let last = p.last().unwrap_or_else(|| panic!("the {region} listener made no APNs push"));
    assert_eq!((last.kind.as_str(), last.status), (kind.as_str(), Some(200)), "last push {last:?}");
}

/// The region's listener has not pushed anything to APNs.
#[then(expr = "the {region} listener made no APNs push")]
fn no_push(w: &mut MailWorld, region: Region) {
    let p = pushes(w, region);
    assert!(p.is_empty(), "pushes: {p:?}");
}
