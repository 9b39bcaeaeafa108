//! A real APNs under test (`run --target-config` with `[target.apns]` and
//! `[target."apns.sandbox"]`): `mailconform serve apns` in another process stands for Apple's two
//! environments, reached only at their URLs. Its "operator" (this test) installs an app of its
//! own on a phone in each environment (the device side of its control API, as a developer's
//! test phone gets its token) and gives the run the phones' tokens and the team key APNs knows.
//! The features' bare provider then pushes to it; what reached the phones is not seen, and the
//! scenarios of the listener and the phones, which keep the built-in APNs, are not applicable.

use crate::common;

use common::serve::{control_post, with_control, Served};
use common::{all_ended, run_live, scratch};
use mailconform_fakes::apns::contract::DeviceInfo;
use mailconform_fakes::apns::ApnsControl;
use mailconform_fakes::defaults;

/// The operator's app: not the features' own, so that a push naming another topic is refused.
const TOPIC: &str = "com.corp.securemail";

/// A phone with the operator's app installed, in the environment `role` serves: its token.
fn phone(served: &Served, role: &str, environment: &str) -> String {
    let body = serde_json::json!({ "bundle_id": TOPIC, "environment": environment });
    let device: DeviceInfo = control_post(&served.state, &served.base_url(role), "/devices", &body);
    device.token
}

/// The target configuration of both environments, with a phone's token in each.
fn config(served: &Served, production_token: &str, sandbox_token: &str) -> String {
    let ca = served.state.join("ca.pem");
    let key = served.state.join(format!("apns/AuthKey_{}.p8", defaults::KEY_ID));
    let target = |role: &str, token: &str| {
        format!(
            "[target.\"{role}\"]\nurl = \"{}\"\nca = \"{}\"\napns_key = \"{}\"\napns_key_id = \"{}\"\napns_team_id = \"{}\"\n\
             topic = \"{TOPIC}\"\ndevice_token = \"{token}\"\n",
            served.base_url(role),
            ca.display(),
            key.display(),
            defaults::KEY_ID,
            defaults::TEAM_ID,
        )
    };
    format!("{}{}", target("apns", production_token), target("apns.sandbox", sandbox_token))
}

#[test]
fn the_provider_features_against_an_apns_reached_only_at_its_urls() {
    let dir = scratch("live-apns");
    let served = Served::start(&dir, &["apns"]);
    let (production, sandbox) = (phone(&served, "apns", "production"), phone(&served, "apns.sandbox", "sandbox"));
    let recorded = dir.join("recorded");
    let (run, all) =
        run_live(&dir, &config(&served, &production, &sandbox), "120", &["--record", recorded.to_str().unwrap(), "features/apns"]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("apns.sandbox: the real component at https://127.0.0.1:"), "{shown}");
    // Each environment accepts the provider's push to the operator's phone; only the sandbox
    // answers with an apns-unique-id.
    all_ended(&all, "passed", &["Only the development environment answers a push with an apns-unique-id"], &shown);
    // An hour of a provider token's life, or twenty minutes between two, is over the budget.
    all_ended(&all, "skipped", &["A provider token is good for an hour", "A token signed anew within 20 minutes"], &shown);
    assert!(run.stdout.contains("over the real-time budget of 120 s"), "{shown}");
    // The listener and the phones keep the built-in APNs: their scenarios say nothing of this one.
    all_ended(&all, "skipped", &["APNs says the token is unregistered and the listener forgets the device"], &shown);
    assert!(run.stdout.contains("that do not reach the real target of this run"), "{shown}");
    // The 52 scenarios of features/apns: the provider's two accepted pushes, the rest not applicable.
    assert_eq!(run.last_line(), "2 passed, 0 failed, 50 not applicable", "{shown}");
    assert_eq!(run.code, 0, "{shown}");
    // The pushes arrived at the served APNs, one in each environment, to the phones declared.
    for (role, token) in [("apns", &production), ("apns.sandbox", &sandbox)] {
        let log = with_control(&served.state, &served.base_url(role), |c| async move { ApnsControl(c).log().await.expect("its log") });
        let got: Vec<_> = log.iter().map(|e| (e.token.as_deref(), e.topic.as_deref(), e.status)).collect();
        assert_eq!(got, [(Some(token.as_str()), Some(TOPIC), 200)], "{role}'s log: {log:?}");
    }
    // --record: the provider's push to the real APNs, its token redacted like a password.
    let scenarios: Vec<_> = std::fs::read_dir(&recorded).expect("recorded exchanges").map(|e| e.unwrap().file_name()).collect();
    assert_eq!(scenarios.len(), 2, "one directory per scenario that reached the target: {scenarios:?}");
    for scenario in scenarios {
        let listing: serde_json::Value =
            serde_json::from_slice(&std::fs::read(recorded.join(&scenario).join("exchanges.json")).unwrap()).unwrap();
        let [push] = listing.as_array().unwrap().as_slice() else { panic!("one exchange: {listing}") };
        assert!(push["url"].as_str().unwrap().contains("/3/device/") && push["status"] == 200, "{push}");
        let authorization = push["request_headers"].as_array().unwrap().iter().find(|h| h[0] == "authorization");
        assert_eq!(authorization.map(|h| &h[1]), Some(&serde_json::json!("(redacted)")), "the provider token is redacted: {push}");
    }
}

/// A device token the APNs does not know fails the scenario with APNs's own answer; a target
/// without a phone is refused before anything runs, saying what to write.
#[test]
fn an_unknown_phone_fails_with_apns_answer_and_a_missing_one_is_refused() {
    let dir = scratch("live-apns-bad-token");
    let served = Served::start(&dir, &["apns"]);
    let unknown = "ab".repeat(32);
    let sandbox = phone(&served, "apns.sandbox", "sandbox");
    let features = ["features/apns/provider_api.feature", "--name", "apns-unique-id: production"];
    let (run, all) = run_live(&dir, &config(&served, &unknown, &sandbox), "60", &features);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(all.len(), 1, "{shown}");
    all_ended(&all, "failed", &["apns-unique-id: production"], &shown);
    assert!(run.stdout.contains("BadDeviceToken"), "{shown}");
    assert_eq!(run.code, 1, "{shown}");

    let without = config(&served, &unknown, &sandbox).replace(&format!("device_token = \"{unknown}\"\n"), "");
    let file = dir.join("without-phone.toml");
    std::fs::write(&file, without).unwrap();
    let run = common::mailconform(common::repo(), &["run", "--target-config", file.to_str().unwrap(), "features/apns"]);
    assert_eq!(run.code, 2, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("target \"apns\": the features' provider pushes to a phone of yours: give device_token"), "{}", run.stderr);
}
