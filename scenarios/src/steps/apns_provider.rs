//! A bare APNs provider with a phone of its own: what Apple's provider API answers about the
//! provider's token and in each environment, which the listener never provokes.
//!
//! Against a real APNs (`apns`, `apns.sandbox` in the target configuration) the provider signs
//! with the operator's team key and pushes to the operator's phone and app; the in-process
//! APNs is then not asked for anything.

use crate::params::{ApnsEnvironment, ApnsReason, Carried};
use crate::world::observation::Observation;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::apns::{generate_team_key, ProviderAuth, ProviderClient, PushOutcome};
use mailconform_fakes::{defaults, deployment};
use mailconform_sim::Clock;
use std::sync::Arc;
use std::time::Duration;

/// The provider's team and key ids (10 characters each, as Apple issues them).
const TEAM_ID: &str = "PR0V1DER01";
const KEY_ID: &str = "PR0V1DERK1";

/// A provider with its own signing key that signs a new token when the last is this old.
#[given(expr = "a provider whose APNs token is signed anew every {int} minutes")]
fn provider(w: &mut MailWorld, minutes: u64) {
    w.provider.token_refresh = Some(Duration::from_secs(minutes * 60));
}

/// A phone whose Secure Mail registered with this APNs environment.
#[given(expr = "a phone whose Secure Mail registered with APNs's {apns_environment} environment")]
fn phone(w: &mut MailWorld, environment: ApnsEnvironment) {
    if let Some(real) = w.provider_on_real_apns(environment.0) {
        w.provider.phone = Some((real.device_token, environment.0));
        return;
    }
    let devices = w.push_devices(environment.0);
    let token = w.drive(devices.install(defaults::APP_ID, environment.0));
    w.provider.phone = Some((token, environment.0));
}

/// The provider's connection, made at its first push: its key made known to the phone's APNs
/// environment (as a developer's key is in Apple's portal).
fn client(w: &mut MailWorld) -> (Arc<ProviderClient>, String) {
    let (token, environment) = w.provider.phone.clone().expect("a step must give the provider a phone first");
    if let Some(c) = &w.provider.client {
        return (c.clone(), token);
    }
    let refresh = w.provider.token_refresh.expect("a step must introduce the provider first");
    // A real APNs knows the operator's key; the built-in one is told the provider's own.
    let (http, clock, base, auth) = match w.provider_on_real_apns(environment) {
        Some(real) => {
            let http = w.recorder().map_or_else(|| real.http.clone(), |r| real.http.recording(r));
            (http, Clock::real(), real.url, ProviderAuth::Token { team_id: real.team_id, key_id: real.key_id, pkcs8_der: real.pkcs8_der })
        }
        None => {
            let (team, pkcs8, _pem) = generate_team_key(TEAM_ID, KEY_ID);
            let devices = w.push_devices(environment);
            w.drive(devices.trust_team(&team));
            let base = format!("https://{}", deployment::apns_role(environment).1);
            let sim = w.sim();
            (
                sim.client(),
                sim.clock.clone(),
                base,
                ProviderAuth::Token { team_id: TEAM_ID.into(), key_id: KEY_ID.into(), pkcs8_der: pkcs8 },
            )
        }
    };
    let c = ProviderClient::new(http, clock, &base, auth).expect("a P-256 key").with_token_refresh(refresh);
    let c = Arc::new(c);
    w.provider.client = Some(c.clone());
    (c, token)
}

/// The provider pushes a badge to its phone; APNs's answer is kept for the Then steps.
#[when(expr = "the provider pushes a badge of {int} to the phone")]
fn push(w: &mut MailWorld, badge: u64) {
    let (c, token) = client(w);
    let payload = serde_json::json!({"aps": {"badge": badge}});
    let environment = w.provider.phone.as_ref().map(|p| p.1).unwrap_or_default();
    let outcome = match w.provider_on_real_apns(environment) {
        Some(real) => w
            .run_on_real(async move { c.push(&token, &real.topic, "alert", 10, &payload).await })
            .unwrap_or_else(|e| panic!("{}: {e}", real.role)),
        None => w.run(async move { c.push(&token, defaults::APP_ID, "alert", 10, &payload).await }).expect("APNs answers"),
    };
    w.observe(Observation::ApnsAnswer(outcome));
}

fn answer(w: &MailWorld) -> &PushOutcome {
    match &w.observed {
        Some(Observation::ApnsAnswer(a)) => a,
        other => panic!("no answer to the bare APNs provider was observed (last: {})", other.as_ref().map_or("nothing", |o| o.kind())),
    }
}

/// APNs accepted the provider's push: 200 without a body (Apple's success answer).
#[then(expr = "APNs accepted the provider's push")]
fn accepted(w: &mut MailWorld) {
    let a = answer(w);
    assert_eq!((a.status, &a.reason, &a.content_type), (200, &None, &None), "answer: {a:?}");
}

/// APNs refused the provider's push with this status and reason, in a JSON body.
#[then(expr = "APNs refused the provider's push with {int} {apns_reason}")]
fn refused(w: &mut MailWorld, status: u16, reason: ApnsReason) {
    let a = answer(w);
    assert_eq!((a.status, a.reason.as_deref()), (status, Some(reason.as_str())), "answer: {a:?}");
    assert_eq!(a.content_type.as_deref(), Some("application/json"), "an error's body is JSON: {a:?}");
}

/// APNs's answer to the provider carried, or did not carry, an `apns-unique-id`.
#[then(expr = "APNs's answer {carried} an apns-unique-id")]
fn unique_id(w: &mut MailWorld, carried: Carried) {
    let a = answer(w);
    assert_eq!(a.unique_id.is_some(), carried.0, "answer: {a:?}");
}
