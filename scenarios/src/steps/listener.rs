use super::device::state;
use super::words;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::deployment;
use mailconform_fakes::listener::contract::ListenerState;
use mailconform_fakes::listener::{PushRecord, Registration};
use mailconform_sim::Fault;
use sha2::{Digest, Sha256};
use std::time::Duration;

fn listener_state(w: &mut MailWorld, region: &str) -> ListenerState {
    let l = w.roles().listener(words::region(region)).expect("listener role");
    w.run(l.state()).expect("listener control API answers")
}

fn registration_of(w: &mut MailWorld, region: &str, user: &str) -> Option<Registration> {
    let token = state(w, user).device_token?;
    let st = listener_state(w, region);
    st.registrations.into_values().find(|r| r.device_token == token)
}

fn pushes(w: &mut MailWorld, region: &str) -> Vec<PushRecord> {
    let l = w.roles().listener(words::region(region)).expect("listener role");
    w.run(l.pushes()).expect("listener control API answers")
}

fn set_fault(w: &mut MailWorld, region: &str, fault: Option<Fault>) {
    let gate = w.gate(&words::region(region).role());
    match fault {
        Some(f) => {
            gate.set(f);
            let now = w.now_ms();
            w.fault_at_ms.get_or_insert(now);
        }
        None => gate.clear(),
    }
}

#[when(expr = "the {word} listener becomes unreachable")]
fn unreachable(w: &mut MailWorld, region: String) {
    set_fault(w, &region, Some(Fault::Unreachable));
}

#[when(expr = "the {word} listener stops answering")]
fn black_hole(w: &mut MailWorld, region: String) {
    set_fault(w, &region, Some(Fault::BlackHole));
}

#[when(expr = "the {word} listener answers every request with HTTP {int}")]
fn status_override(w: &mut MailWorld, region: String, status: u16) {
    set_fault(w, &region, Some(Fault::Status { status }));
}

#[when(expr = "the {word} listener is reachable again")]
fn reachable(w: &mut MailWorld, region: String) {
    set_fault(w, &region, None);
}

#[then(expr = "the {word} listener has a registration for {word} with the EWS subscription ID")]
fn has_registration(w: &mut MailWorld, region: String, user: String) {
    let sub = state(w, &user).subscription_id;
    let reg = registration_of(w, &region, &user).unwrap_or_else(|| panic!("the {region} listener has no registration for {user}"));
    assert!(sub.is_some(), "{user}'s device has no subscription");
    assert_eq!(reg.subscription_id, sub, "registration {reg:?}");
    assert!(reg.inbox_folder_id.as_deref().is_some_and(|f| !f.is_empty()), "registration {reg:?}");
}

#[then(expr = "the {word} listener has no registration for {word}")]
fn no_registration(w: &mut MailWorld, region: String, user: String) {
    let st = listener_state(w, &region);
    let token = state(w, &user).device_token;
    let found = st.registrations.values().any(|r| token.as_deref() == Some(r.device_token.as_str()));
    assert!(!found, "the {region} listener still holds {user}'s device: {st:?}");
}

#[then(expr = "the {word} listener holds no registration at all")]
fn no_registrations(w: &mut MailWorld, region: String) {
    let st = listener_state(w, &region);
    assert!(st.registrations.is_empty(), "{st:?}");
}

#[when(expr = "the {word} listener forgets {word}'s registration")]
fn forget(w: &mut MailWorld, region: String, user: String) {
    let id = state(w, &user).registration_id.expect("the device registered");
    let l = w.roles().listener(words::region(&region)).expect("listener role");
    w.run(l.delete_registration(&id)).expect("the listener deletes the registration");
}

#[then(expr = "the {word} listener's state contains neither {word}'s e-mail address nor ActiveSync device ID")]
fn no_pii(w: &mut MailWorld, region: String, user: String) {
    let name = w.ensure_device(&user);
    let cfg_email = words::email(&user);
    let as_id = w
        .plan
        .devices
        .get(&name)
        .map(|c| c.activesync_device_id.clone())
        .unwrap_or_else(|| deployment::default_device_config(&name, &cfg_email, words::region(&region)).activesync_device_id);
    let text = serde_json::to_string(&listener_state(w, &region)).unwrap_or_default();
    let pushes = serde_json::to_string(&pushes(w, &region)).unwrap_or_default();
    for needle in [cfg_email.as_str(), cfg_email.split('@').next().unwrap_or_default(), as_id.as_str()] {
        assert!(!text.to_ascii_lowercase().contains(&needle.to_ascii_lowercase()), "the listener's state contains {needle:?}: {text}");
        assert!(!pushes.contains(needle), "the listener's push log contains {needle:?}");
    }
    assert!(text.contains("registrations"), "the state was read: {text}");
}

#[then(expr = "the {word} listener stores the SHA-256 of {word}'s e-mail address")]
fn stores_hash(w: &mut MailWorld, region: String, user: String) {
    let reg = registration_of(w, &region, &user).expect("registration");
    let expected = hex::encode(Sha256::digest(words::email(&user).as_bytes()));
    assert_eq!(reg.email_sha256, expected);
}

#[when(expr = "the admin uploads an APNs certificate for the App ID {string} in the {word} region")]
fn upload(w: &mut MailWorld, app: String, region: String) {
    let r = words::region(&region);
    w.deploy();
    let cert =
        deployment::provider_certificate(w.sim.as_ref().expect("deployed"), &app, Duration::from_secs(365 * 86_400)).expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    match w.run(l.upload_certificate(&app, r, &cert.cert_pem, &cert.key_pem)) {
        Ok(v) => {
            w.last_status = Some(200);
            w.last_body = serde_json::to_string(&v).unwrap_or_default();
        }
        Err(mailconform_sim::ControlError::Status { status, body, .. }) => {
            w.last_status = Some(status);
            w.last_body = body;
        }
        Err(e) => panic!("upload failed below HTTP: {e}"),
    }
}

#[then(expr = "the upload is refused with {string}")]
fn upload_refused(w: &mut MailWorld, words_in_error: String) {
    assert_eq!(w.last_status, Some(400), "upload answer: {}", w.last_body);
    assert!(w.last_body.contains(&words_in_error), "the refusal says: {}", w.last_body);
}

#[then("the upload is accepted")]
fn upload_accepted(w: &mut MailWorld) {
    assert_eq!(w.last_status, Some(200), "upload answer: {}", w.last_body);
}

#[given(expr = "Secure Mail's APNs certificate for the {word} region expires in {int} minutes")]
fn expiring_certificate(w: &mut MailWorld, region: String, minutes: u64) {
    let r = words::region(&region);
    w.plan.uploaded_regions.retain(|x| *x != r);
    w.deploy();
    let cert = deployment::provider_certificate(w.sim.as_ref().expect("deployed"), defaults::APP_ID, Duration::from_secs(minutes * 60))
        .expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    w.run(l.upload_certificate(defaults::APP_ID, r, &cert.cert_pem, &cert.key_pem)).expect("upload");
}

#[given(expr = "the certificate uploaded for Secure Mail in the {word} region was issued for the App ID {string}")]
fn wrong_topic_certificate(w: &mut MailWorld, region: String, other_app: String) {
    let r = words::region(&region);
    w.plan.uploaded_regions.retain(|x| *x != r);
    w.deploy();
    let cert = deployment::provider_certificate(w.sim.as_ref().expect("deployed"), &other_app, Duration::from_secs(365 * 86_400))
        .expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    w.run(l.upload_certificate(defaults::APP_ID, r, &cert.cert_pem, &cert.key_pem)).expect("upload");
}

#[when(expr = "the admin renews Secure Mail's APNs certificate for the {word} region")]
fn renew(w: &mut MailWorld, region: String) {
    let r = words::region(&region);
    let cert = deployment::provider_certificate(w.sim.as_ref().expect("deployed"), defaults::APP_ID, Duration::from_secs(365 * 86_400))
        .expect("certificate");
    let l = w.roles().listener(r).expect("listener role");
    let v = w.run(l.upload_certificate(defaults::APP_ID, r, &cert.cert_pem, &cert.key_pem)).expect("renewal upload");
    assert!(v.generation >= 2, "a renewal replaces the region's one entry: {v:?}");
}

#[then(expr = "the {word} listener's last APNs push was refused with {int} {word}")]
fn last_push_refused(w: &mut MailWorld, region: String, status: u16, reason: String) {
    let p = pushes(w, &region);
    let last = p.last().unwrap_or_else(|| panic!("the {region} listener made no APNs push"));
    assert_eq!((last.status, last.reason.as_deref()), (Some(status), Some(reason.as_str())), "last push {last:?}");
}

/// APNs refuses an expired client certificate in TLS itself; with TLS 1.3 the client learns
/// it only when its first request is cut, so the check is that no HTTP answer came and the
/// failure names the certificate.
#[then(expr = "the {word} listener's last APNs push was refused for its client certificate")]
fn last_push_tls(w: &mut MailWorld, region: String) {
    let p = pushes(w, &region);
    let last = p.last().unwrap_or_else(|| panic!("the {region} listener made no APNs push"));
    assert!(last.status.is_none() && last.error.as_deref().is_some_and(|e| e.contains("certificate")), "last push {last:?}");
}

#[then(expr = "the {word} listener's last APNs push was a {word} push")]
fn last_push_kind(w: &mut MailWorld, region: String, kind: String) {
    let p = pushes(w, &region);
    let last = p.last().unwrap_or_else(|| panic!("the {region} listener made no APNs push"));
    assert_eq!((last.kind.as_str(), last.status), (kind.as_str(), Some(200)), "last push {last:?}");
}

#[then(expr = "the {word} listener made no APNs push")]
fn no_push(w: &mut MailWorld, region: String) {
    let p = pushes(w, &region);
    assert!(p.is_empty(), "pushes: {p:?}");
}
