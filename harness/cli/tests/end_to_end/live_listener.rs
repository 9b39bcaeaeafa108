//! A real listener service under test (`run --target-config` with
//! `[target."listener.us-east-1"]`): `mailconform serve listener.us-east-1` in another process
//! stands for the vendor's listener, reached only at its URL. Its APNs gateway points at the
//! run's `[callback.ports] apns` (`serve --resolve`, as an operator points a listener at a test
//! harness), and it trusts the callback CA. The scenario's Exchange posts its notifications to
//! it, the scenario's phones register with it, and what it pushed is seen where it arrives: at
//! the scenario's APNs and on the phone. Its own database (registrations, push log) is not
//! read: those steps are not applicable.

use crate::common;

use common::serve::Served;
use common::{all_ended, free_port, outcomes_of as of, run_live, scratch};

/// The served listener as the Americas listener under test; the run's APNs on `apns_port`.
fn config(served: &Served, apns_port: u16) -> String {
    let base = served.base_url("listener.us-east-1");
    let port = base.rsplit(':').next().unwrap();
    let (ca, ca_key) = (served.state.join("ca.pem"), served.state.join("ca-key.pem"));
    format!(
        "[target.\"listener.us-east-1\"]\nurl = \"{base}\"\nca = \"{ca}\"\n\
         # the notification URLs it hands out name its host\n\
         resolve = [\"us-east-1.listener.example.test:443=127.0.0.1:{port}\"]\n\
         [callback]\nca = \"{ca}\"\nca_key = \"{ca_key}\"\n[callback.ports]\napns = {apns_port}\n",
        ca = ca.display(),
        ca_key = ca_key.display(),
    )
}

/// The listener, its APNs gateway at `gateway` (where the run's APNs answers, or not).
fn serve_listener(dir: &std::path::Path, gateway: u16) -> Served {
    let resolve = format!("api.push.apple.test:443=127.0.0.1:{gateway}");
    Served::start_with(dir, &["listener.us-east-1"], &["--resolve", &resolve])
}

#[test]
fn the_push_features_against_a_listener_reached_only_at_its_url() {
    let dir = scratch("live-listener");
    let apns_port = free_port();
    let served = serve_listener(&dir, apns_port);
    let features = ["features/apns/execution.feature", "features/apns/setup.feature", "features/apns/retry_schedule.feature"];
    let (run, all) = run_live(&dir, &config(&served, apns_port), "120", &features);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("listener.us-east-1: the real component at https://127.0.0.1:"), "{shown}");
    // The badge reaches the phone through the real listener and the scenario's APNs; it
    // refuses what Data Flow Q4 forbids; the chain is set up at first launch, with EWS on its
    // own host too; and cut off from the scenario's Exchange, the listener makes Exchange retry
    // and end the subscription at the minute.
    all_ended(
        &all,
        "passed",
        &[
            "One new message sets the badge to 1",
            "The badge follows the inbox unread count",
            "refuses a registration that carries",
            "Two users of the same app on one listener",
            "whatever other folders report",
            "First launch sets up the whole push chain",
            "EWS on a host of its own",
            "At the smallest StatusFrequency, 1 minute",
        ],
        &shown,
    );
    // Its database stays its own; the scenarios of longer protocol time are over the budget.
    all_ended(
        &all,
        "skipped",
        &[
            "Only the badge count flows",
            "Of several notifications",
            "Without permission",
            "more than 5 minutes",
            "read from the documentation's prose",
            "StatusFrequency of 5 minutes",
        ],
        &shown,
    );
    assert!(run.stdout.contains("a real listener keeps its registrations and its log of APNs pushes in its own database"), "{shown}");
    assert!(run.stdout.contains("Then the scenario reached a real component of the run"), "every scenario closes with the check: {shown}");
    assert_eq!(run.last_line(), "10 passed, 0 failed, 6 not applicable", "{shown}");
    assert_eq!(run.code, 0, "{shown}");
}

/// `target check` reads the listener's registration API and opens the fixed port of its APNs.
#[test]
fn target_check_reads_the_listeners_api_and_opens_the_apns_port() {
    let dir = scratch("live-listener-check");
    let apns_port = free_port();
    let served = serve_listener(&dir, apns_port);
    let file = dir.join("target.toml");
    std::fs::write(&file, config(&served, apns_port)).unwrap();
    let check = common::mailconform(&dir, &["target", "check", file.to_str().unwrap()]);
    let shown = format!("{}\n{}", check.stdout, check.stderr);
    // `serve` uploads Secure Mail's certificate at start-up, as a set-up listener has it.
    assert!(check.stdout.contains("/api/v1/apps answered 1 certificate(s) uploaded"), "{shown}");
    assert!(check.stdout.contains(&format!("port {apns_port} opens on 127.0.0.1, where the scenario's apns will answer")), "{shown}");
    assert_eq!(check.code, 0, "{shown}");
}

/// A listener whose APNs gateway points nowhere pushes nothing: the badge scenario fails.
/// A scenario that never reaches the listener (APNs on its own) is not applicable, not passed.
#[test]
fn a_listener_that_cannot_reach_apns_fails_and_a_scenario_that_never_reaches_it_does_not_count() {
    let dir = scratch("live-listener-broken");
    let (apns_port, nowhere) = (free_port(), free_port());
    let served = serve_listener(&dir, nowhere);
    let features = [
        "features/apns/execution.feature",
        "features/apns/provider_api.feature",
        "--name",
        "One new message sets the badge to 1|apns-unique-id",
    ];
    let (run, all) = run_live(&dir, &config(&served, apns_port), "60", &features);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(of(&all, "One new message sets the badge to 1"), ["failed"], "{shown}");
    assert!(run.stdout.contains("Then alice's badge shows 1"), "{shown}");
    assert_eq!(of(&all, "apns-unique-id"), ["skipped", "skipped"], "{shown}");
    assert!(run.stdout.contains("this scenario reached none of the run's real components"), "{shown}");
    assert_eq!(run.last_line(), "0 passed, 1 failed, 2 not applicable", "{shown}");
    assert_eq!(run.code, 1, "{shown}");
}
