//! The cloud listener as devices, the admin portal and Exchange see it: the registration API's
//! refusals, certificate uploads, the EWS push endpoint's answers, and the promise that only
//! hashes of personal data are stored.

use crate::common;

use bytes::Bytes;
use common::*;
use mailconform_ews::{
    parse_fault, parse_send_notification_result, write_send_notification, Event, EventType, FolderRef, Notification, ObjectId, Operation,
    PushSubscriptionRequest, ResponseCode, SchemaVersion, SubscriptionStatus,
};
use mailconform_fakes::apns::ApnsControl;
use mailconform_fakes::defaults::{APNS_HOST, APP_ID};
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::listener::contract::CertificateUploaded;
use mailconform_fakes::listener::{ListenerControl, Region};
use mailconform_sim::{ControlClient, RequestOptions, Simulation};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::time::Duration;

const LISTENER: &str = "https://us-east-1.listener.example.test";
const DEVICE_ID: &str = "ApplF5D3A9C2B1";
const TOKEN: &str = "a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90";

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// A simulation with the Americas listener and both APNs environments.
fn listener_sim(seed: u64) -> (Simulation, ListenerControl) {
    let mut sim = Simulation::new(seed).expect("simulation starts");
    deployment::add_listener(&mut sim, Region::Americas).unwrap();
    deployment::add_apns(&mut sim).unwrap();
    let control = Roles::new(&sim).listener(Region::Americas).unwrap();
    (sim, control)
}

/// The same, with the app's APNs certificate uploaded for the Americas.
fn ready(seed: u64) -> (Simulation, ListenerControl) {
    let (sim, control) = listener_sim(seed);
    upload(&sim, &control, APP_ID, Region::Americas);
    (sim, control)
}

fn upload(sim: &Simulation, control: &ListenerControl, app_id: &str, region: Region) -> CertificateUploaded {
    let cert = deployment::provider_certificate(sim, APP_ID, Duration::from_secs(365 * 86_400)).unwrap();
    sim.block_on(control.upload_certificate(app_id, region, &cert.cert_pem, &cert.key_pem)).unwrap()
}

/// One call to the listener with the answer's status, so refusals can be checked exactly.
fn call(sim: &Simulation, method: http::Method, path: &str, body: Option<Value>) -> (u16, Value) {
    let req = http::Request::builder()
        .method(method)
        .uri(format!("{LISTENER}{path}"))
        .header(http::header::CONTENT_TYPE, "application/json")
        .body(body.map(|b| Bytes::from(serde_json::to_vec(&b).unwrap())).unwrap_or_default())
        .unwrap();
    let r = sim.block_on(sim.client().send(req, &RequestOptions::default())).unwrap();
    let v =
        if r.body().is_empty() { Value::Null } else { serde_json::from_slice(r.body()).unwrap_or_else(|_| Value::String(body_text(&r))) };
    (r.status().as_u16(), v)
}

/// A registration as Secure Mail sends it: hashes of the device ID and the address.
fn registration(token: &str) -> Value {
    json!({
        "device_token": token,
        "app_id": APP_ID,
        "region": "us-east-1",
        "environment": "production",
        "activesync_device_id_sha256": sha256_hex(DEVICE_ID),
        "email_sha256": sha256_hex(ALICE),
        "ios_version": "17.5",
    })
}

fn register(sim: &Simulation, body: Value) -> (u16, Value) {
    call(sim, http::Method::POST, "/api/v1/registrations", Some(body))
}

fn registration_count(sim: &Simulation, control: &ListenerControl) -> usize {
    sim.block_on(control.state()).unwrap().registrations.len()
}

/// Registers `TOKEN` and records `subscription_id` for it; returns the registration ID.
fn registered_with_subscription(sim: &Simulation, subscription_id: &str) -> String {
    let (status, v) = register(sim, registration(TOKEN));
    assert_eq!(status, 201, "{v}");
    let id = v["registration_id"].as_str().unwrap().to_string();
    let (status, v) = call(
        sim,
        http::Method::PUT,
        &format!("/api/v1/registrations/{id}/subscription"),
        Some(json!({"subscription_id": subscription_id, "inbox_folder_id": "AAMkAD00INBOX"})),
    );
    assert_eq!(status, 204, "{v}");
    id
}

fn status_event(subscription_id: &str) -> Notification {
    Notification {
        subscription_id: subscription_id.into(),
        previous_watermark: "AAAA".into(),
        more_events: false,
        events: vec![Event {
            kind: EventType::Status,
            watermark: "AAAA".into(),
            timestamp: None,
            object: None,
            parent_folder_id: None,
            old_object: None,
            old_parent_folder_id: None,
            unread_count: None,
        }],
    }
}

/// POST a SendNotification to the listener's push endpoint for `registration_id`.
fn notify(sim: &Simulation, registration_id: &str, body: impl Into<Bytes>) -> mailconform_sim::Response {
    let req = http::Request::post(format!("{LISTENER}/ews/notify/{registration_id}"))
        .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .body(body.into())
        .unwrap();
    sim.block_on(sim.client().send(req, &RequestOptions::default())).unwrap()
}

fn notify_status(sim: &Simulation, registration_id: &str, n: &Notification) -> SubscriptionStatus {
    let r = notify(sim, registration_id, write_send_notification(SchemaVersion::Exchange2013, std::slice::from_ref(n)));
    assert_eq!(r.status(), 200, "{}", body_text(&r));
    parse_send_notification_result(r.body()).unwrap_or_else(|e| panic!("{e}: {}", body_text(&r)))
}

fn status_of(sim: &Simulation, id: &str) -> Value {
    let (status, v) = call(sim, http::Method::GET, &format!("/api/v1/registrations/{id}/status"), None);
    assert_eq!(status, 200, "{v}");
    v
}

// ---- registration ---------------------------------------------------------------------------

/// The listener may store only hashes of the address and device ID (APNs FAQ, Data Flow Q4);
/// refusing anything else keeps a client bug from leaking them into its store.
#[test]
fn plain_values_where_hashes_belong_are_refused() {
    let (sim, control) = ready(300);
    let mut cases = Vec::new();
    for (field, value) in [
        ("email_sha256", ALICE.to_string()),
        ("email_sha256", sha256_hex(ALICE)[..63].to_string()),
        ("email_sha256", "z".repeat(64)),
        ("activesync_device_id_sha256", DEVICE_ID.to_string()),
        ("activesync_device_id_sha256", format!("{}0", sha256_hex(DEVICE_ID))),
    ] {
        let mut b = registration(TOKEN);
        b[field] = json!(value);
        cases.push(b);
    }
    let mut missing = registration(TOKEN);
    missing.as_object_mut().unwrap().remove("email_sha256");
    cases.push(missing);
    for b in cases {
        let (status, v) = register(&sim, b.clone());
        assert_eq!(status, 400, "{b} → {v}");
    }
    assert_eq!(registration_count(&sim, &control), 0);
    // Upper-case hex is a hash too, and is stored lower-case.
    let mut b = registration(TOKEN);
    b["email_sha256"] = json!(sha256_hex(ALICE).to_ascii_uppercase());
    let (status, v) = register(&sim, b);
    assert_eq!(status, 201, "{v}");
    let state = sim.block_on(control.state()).unwrap();
    let reg = state.registrations.values().next().unwrap();
    assert_eq!(reg.email_sha256, sha256_hex(ALICE));
}

/// APNs device tokens are hex; anything else could never be pushed to.
#[test]
fn a_token_that_is_not_hex_is_refused() {
    let (sim, control) = ready(301);
    for token in ["", "not-a-token", "a1b2 c3d4", "<a1b2c3d4>", "g1b2c3d4"] {
        let (status, v) = register(&sim, registration(token));
        assert_eq!(status, 400, "{token:?} → {v}");
    }
    assert_eq!(registration_count(&sim, &control), 0);
}

/// Each region is its own service; a device sent to the wrong one must be told where to go.
#[test]
fn another_regions_registration_is_misdirected() {
    let (sim, control) = ready(302);
    for region in ["eu-west-1", "EMEA", "ap-southeast-1"] {
        let mut b = registration(TOKEN);
        b["region"] = json!(region);
        let (status, v) = register(&sim, b);
        assert_eq!(status, 421, "{region} → {v}");
        assert_eq!(v["error"]["kind"], "wrong_region", "{v}");
        assert!(v["error"]["message"].as_str().unwrap().contains("us-east-1"), "it says where to go: {v}");
    }
    let mut b = registration(TOKEN);
    b["region"] = json!("mars");
    assert_eq!(register(&sim, b).0, 400);
    // The region's own names are accepted.
    let mut b = registration(TOKEN);
    b["region"] = json!("Americas");
    assert_eq!(register(&sim, b).0, 201);
    assert_eq!(registration_count(&sim, &control), 1);
}

/// APNs cannot push to a wildcard App ID, so such a registration could never work.
#[test]
fn a_wildcard_app_id_is_refused() {
    let (sim, control) = ready(303);
    let mut b = registration(TOKEN);
    b["app_id"] = json!("com.example.*");
    let (status, v) = register(&sim, b);
    assert_eq!(status, 400, "{v}");
    assert_eq!(v["error"]["kind"], "wildcard_app_id", "{v}");
    // Nor can a wildcard App ID have a certificate.
    let cert = deployment::provider_certificate(&sim, APP_ID, Duration::from_secs(86_400)).unwrap();
    let (status, _) = call(
        &sim,
        http::Method::PUT,
        "/api/v1/apps/com.example.*/certificates/us-east-1",
        Some(json!({"cert_pem": cert.cert_pem, "key_pem": cert.key_pem})),
    );
    assert_eq!(status, 400);
    assert_eq!(registration_count(&sim, &control), 0);
}

/// Without the app's APNs certificate the listener could not push; the admin must upload it first.
#[test]
fn without_a_certificate_registration_is_a_failed_precondition() {
    let (sim, control) = listener_sim(304);
    let (status, v) = register(&sim, registration(TOKEN));
    assert_eq!(status, 412, "{v}");
    // A certificate for another app does not help.
    upload(&sim, &control, "com.example.other", Region::Americas);
    assert_eq!(register(&sim, registration(TOKEN)).0, 412);
    assert_eq!(registration_count(&sim, &control), 0);
    upload(&sim, &control, APP_ID, Region::Americas);
    assert_eq!(register(&sim, registration(TOKEN)).0, 201);
}

/// A device that registers again must stay one device, not pile up duplicate registrations.
#[test]
fn registering_the_same_token_again_keeps_the_id() {
    let (sim, control) = ready(305);
    let (s1, first) = register(&sim, registration(TOKEN));
    let (s2, second) = register(&sim, registration(TOKEN));
    assert_eq!((s1, s2), (201, 201));
    let id = first["registration_id"].as_str().unwrap();
    assert_eq!(second["registration_id"], id);
    assert_eq!(first["notify_url"], format!("{LISTENER}/ews/notify/{id}"));
    assert_eq!(registration_count(&sim, &control), 1);
    // Another token is another device.
    let other = TOKEN.replace('a', "b");
    let (_, third) = register(&sim, registration(&other));
    assert_ne!(third["registration_id"], id);
    assert_eq!(registration_count(&sim, &control), 2);
}

/// Re-registering (a new iOS version, say) keeps what the device told the listener before.
#[test]
fn re_registering_keeps_the_subscription() {
    let (sim, _control) = ready(306);
    let id = registered_with_subscription(&sim, "SUB-1");
    let mut b = registration(TOKEN);
    b["ios_version"] = json!("18.0");
    assert_eq!(register(&sim, b).1["registration_id"], id.as_str());
    assert_eq!(status_of(&sim, &id)["subscription_id"], "SUB-1");
}

// ---- the push endpoint ---------------------------------------------------------------------

/// The device decides to resubscribe from how long Exchange has been silent.
#[test]
fn status_reports_when_exchange_last_reached_the_listener() {
    let (sim, _control) = ready(310);
    let id = registered_with_subscription(&sim, "SUB-1");
    let s = status_of(&sim, &id);
    assert_eq!(s["registration_id"], id.as_str());
    assert_eq!(s["subscription_id"], "SUB-1");
    assert_eq!(s["last_heard_from_exchange_ms"], Value::Null);

    sim.advance(Duration::from_secs(90));
    let at = sim.unix_millis();
    assert_eq!(notify_status(&sim, &id, &status_event("SUB-1")), SubscriptionStatus::Ok);
    sim.advance(Duration::from_secs(5));
    let s = status_of(&sim, &id);
    assert_eq!(s["last_heard_from_exchange_ms"], at);
    assert_eq!(s["now_ms"], at + 5_000);
}

/// A forgotten device's subscription must be ended, or Exchange pushes for it until it expires.
#[test]
fn a_notification_for_an_unknown_registration_unsubscribes() {
    let (sim, _control) = ready(311);
    assert_eq!(notify_status(&sim, "0123456789abcdef", &status_event("SUB-1")), SubscriptionStatus::Unsubscribe);
    // And for a registration that was deleted.
    let id = registered_with_subscription(&sim, "SUB-1");
    assert_eq!(notify_status(&sim, &id, &status_event("SUB-1")), SubscriptionStatus::Ok);
    let (status, _) = call(&sim, http::Method::DELETE, &format!("/api/v1/registrations/{id}"), None);
    assert_eq!(status, 204);
    assert_eq!(notify_status(&sim, &id, &status_event("SUB-1")), SubscriptionStatus::Unsubscribe);
}

/// After a resubscribe the old subscription must end, or the device is pushed twice.
#[test]
fn a_notification_for_a_replaced_subscription_unsubscribes() {
    let (sim, _control) = ready(312);
    let id = registered_with_subscription(&sim, "SUB-OLD");
    let (status, _) = call(
        &sim,
        http::Method::PUT,
        &format!("/api/v1/registrations/{id}/subscription"),
        Some(json!({"subscription_id": "SUB-NEW", "inbox_folder_id": "AAMkAD00INBOX"})),
    );
    assert_eq!(status, 204);
    sim.advance(Duration::from_secs(10));
    assert_eq!(notify_status(&sim, &id, &status_event("SUB-OLD")), SubscriptionStatus::Unsubscribe);
    // The stale subscription does not count as hearing from Exchange.
    assert_eq!(status_of(&sim, &id)["last_heard_from_exchange_ms"], Value::Null);
    assert_eq!(notify_status(&sim, &id, &status_event("SUB-NEW")), SubscriptionStatus::Ok);
    assert_eq!(status_of(&sim, &id)["last_heard_from_exchange_ms"], sim.unix_millis());
}

/// Exchange is answered in SOAP even when its request cannot be read.
#[test]
fn malformed_xml_is_a_soap_fault() {
    let (sim, _control) = ready(313);
    let id = registered_with_subscription(&sim, "SUB-1");
    for body in ["<soap:Envelope", "not xml at all", "<?xml version=\"1.0\"?><a><b></a>"] {
        let r = notify(&sim, &id, body);
        assert_eq!(r.status(), 500, "{body}");
        let f = parse_fault(r.body()).unwrap().expect("a SOAP fault");
        assert_eq!(f.code, ResponseCode::ErrorSchemaValidation);
    }
    assert_eq!(status_of(&sim, &id)["last_heard_from_exchange_ms"], Value::Null);
}

// ---- certificates ---------------------------------------------------------------------------

/// Certificates live in one region's service; a renewal is a new generation so that
/// connections made with the old certificate are not reused.
#[test]
fn certificate_uploads_are_per_region_and_generations_count_up() {
    let (sim, _control) = listener_sim(320);
    let cert = deployment::provider_certificate(&sim, APP_ID, Duration::from_secs(86_400)).unwrap();
    let body = json!({"cert_pem": cert.cert_pem, "key_pem": cert.key_pem});
    let path = |region: &str| format!("/api/v1/apps/{APP_ID}/certificates/{region}");
    let (status, v) = call(&sim, http::Method::PUT, &path("eu-west-1"), Some(body.clone()));
    assert_eq!(status, 421, "{v}");
    assert_eq!(call(&sim, http::Method::PUT, &path("EMEA"), Some(body.clone())).0, 421);
    assert_eq!(call(&sim, http::Method::GET, "/api/v1/apps", None).1, json!([]));

    let (status, v) = call(&sim, http::Method::PUT, &path("us-east-1"), Some(body.clone()));
    assert_eq!((status, v), (201, json!({"app_id": APP_ID, "region": "us-east-1", "generation": 1})));
    let (status, v) = call(&sim, http::Method::PUT, &path("us-east-1"), Some(body.clone()));
    assert_eq!((status, v), (200, json!({"app_id": APP_ID, "region": "us-east-1", "generation": 2})));
    let (status, apps) = call(&sim, http::Method::GET, "/api/v1/apps", None);
    assert_eq!(status, 200);
    assert_eq!(apps.as_array().unwrap().len(), 1);
    assert_eq!(apps[0]["generation"], 2);
    assert!(!apps.to_string().contains("PRIVATE KEY") && !apps.to_string().contains("BEGIN CERTIFICATE"), "{apps}");

    // A PEM that does not load is refused and leaves the generation alone.
    let (status, _) = call(&sim, http::Method::PUT, &path("us-east-1"), Some(json!({"cert_pem": "garbage", "key_pem": cert.key_pem})));
    assert_eq!(status, 400);
    assert_eq!(call(&sim, http::Method::GET, "/api/v1/apps", None).1[0]["generation"], 2);
}

// ---- privacy ----------------------------------------------------------------------------------

/// Everything the listener stores, searched for the personal data it must never hold.
#[test]
fn the_state_holds_hashes_and_never_the_values() {
    let (sim, control) = ready(330);
    let id = registered_with_subscription(&sim, "SUB-1");
    let mut new_mail = status_event("SUB-1");
    new_mail.events = vec![Event {
        kind: EventType::NewMail,
        watermark: "AAAB".into(),
        timestamp: Some("2026-01-05T09:00:00Z".into()),
        object: Some(ObjectId::Item { id: "ITEM1".into(), change_key: None }),
        parent_folder_id: Some(("AAMkAD00INBOX".into(), None)),
        old_object: None,
        old_parent_folder_id: None,
        unread_count: None,
    }];
    assert_eq!(notify_status(&sim, &id, &new_mail), SubscriptionStatus::Ok);
    sim.settle();
    let text = sim.block_on(control.control.get::<Value>("/state")).unwrap().to_string();
    for plain in [ALICE, "alice", DEVICE_ID, "PRIVATE KEY", "BEGIN CERTIFICATE"] {
        assert!(!text.to_ascii_lowercase().contains(&plain.to_ascii_lowercase()), "the state holds {plain:?}: {text}");
    }
    assert!(text.contains(&sha256_hex(ALICE)), "{text}");
    assert!(text.contains(&sha256_hex(DEVICE_ID)), "{text}");
}

// ---- end to end -------------------------------------------------------------------------------

/// Exchange subscribes the listener's notify URL; new mail becomes an APNs badge push and
/// counts as hearing from Exchange.
#[test]
fn exchange_mail_becomes_an_apns_badge() {
    let mut sim = Simulation::new(340).unwrap();
    deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[]).unwrap();
    deployment::add_listener(&mut sim, Region::Americas).unwrap();
    deployment::add_apns(&mut sim).unwrap();
    let roles = Roles::new(&sim);
    let control = roles.listener(Region::Americas).unwrap();
    let apns = ApnsControl(ControlClient::new(sim.control_client(), &format!("https://{APNS_HOST}/_mailconform")));
    upload(&sim, &control, APP_ID, Region::Americas);
    let token = sim.block_on(apns.register_device(APP_ID)).unwrap();
    let (status, v) = register(&sim, registration(&token));
    assert_eq!(status, 201, "{v}");
    let id = v["registration_id"].as_str().unwrap().to_string();
    let notify_url = v["notify_url"].as_str().unwrap().to_string();

    let op = Operation::Subscribe(PushSubscriptionRequest {
        subscribe_to_all_folders: false,
        folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        event_types: vec![EventType::NewMail, EventType::Created, EventType::Modified],
        watermark: None,
        status_frequency: Some("15".into()),
        url: Some(notify_url),
        caller_data: None,
    });
    let r = ews(&sim, &op);
    let (sub, _) = mailconform_ews::parse_subscribe_response(r.body()).unwrap().unwrap();
    let (status, _) = call(
        &sim,
        http::Method::PUT,
        &format!("/api/v1/registrations/{id}/subscription"),
        Some(json!({"subscription_id": sub, "inbox_folder_id": "AAMkAD00INBOX"})),
    );
    assert_eq!(status, 204);

    let at = sim.unix_millis();
    sim.block_on(exchange_control(&sim).deliver(ALICE, "hello")).unwrap();
    sim.advance(Duration::from_secs(1));
    assert_eq!(status_of(&sim, &id)["last_heard_from_exchange_ms"], at);
    let pushes = sim.block_on(control.pushes()).unwrap();
    assert_eq!(pushes.len(), 1, "{pushes:?}");
    assert_eq!((pushes[0].kind.as_str(), pushes[0].badge, pushes[0].status), ("badge", Some(1), Some(200)));
    let delivered = sim.block_on(apns.notifications(&token, 0, Duration::ZERO)).unwrap();
    assert_eq!(delivered.len(), 1);
    assert_eq!(delivered[0].payload, json!({"aps": {"badge": 1}}));
    assert_eq!(delivered[0].topic, APP_ID);
}
