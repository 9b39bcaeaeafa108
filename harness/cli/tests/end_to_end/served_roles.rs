//! Features run with one role served by `mailconform serve` in another process (`run --served`):
//! the served role is reached only through its ports and control API, on the real clock, while
//! the scenario's other roles stay in-process and are bridged to it.
//!
//! - the Americas listener served: the registration and push scenarios pass; those that
//!   configure the listener otherwise than it is served are not applicable, with the reason;
//! - Exchange served: the retry schedule at the smallest StatusFrequency (1 minute) passes on
//!   the real clock (the served Exchange posts to the scenario's listener, which the scenario
//!   cuts off), while the scenarios that set Exchange's version are not applicable;
//! - AD CS and its directory served: the enrollment and LDAP-policy scenarios pass, enrollment
//!   over HTTPS and Secure Mail's lookups over LDAP and LDAPS reaching the other process, which
//!   is reset between scenarios (templates, requests and userCertificate back to empty);
//! - the Workspace ONE side served (SEG, ENS2, the console, the KDC): the SEG features pass, each
//!   scenario's MEM configuration and `application.properties` sent to the served SEG and its
//!   EWS URL to the served ENS2; another SEG version or ENS2 placement is not applicable, named;
//! - NetScaler Gateway and Endpoint Management served: the connection types pass, the phone's
//!   tunnels crossing the served gateway to the scenario's in-process Exchange, on tickets the
//!   served STA validates, with the app's settings set through its control API.

use crate::common;

use common::serve::Served;
use common::{mailconform, outcomes, repo, scratch, Run};
use std::path::Path;

/// `run --served STATE` over `features` in the repository, reports in `dir/reports`.
fn run_served(served: &Served, dir: &Path, budget: &str, extra: &[&str]) -> (Run, serde_json::Value) {
    let reports = dir.join("reports");
    let mut args =
        vec!["run", "--served", served.state.to_str().unwrap(), "--real-time-budget", budget, "--report-dir", reports.to_str().unwrap()];
    args.extend_from_slice(extra);
    let run = mailconform(repo(), &args);
    let json =
        std::fs::read(reports.join("cucumber.json")).unwrap_or_else(|e| panic!("no cucumber.json ({e}): {}\n{}", run.stdout, run.stderr));
    (run, serde_json::from_slice(&json).unwrap())
}

#[test]
fn the_americas_listener_served_in_another_process_takes_the_in_process_ones_place() {
    let dir = scratch("served-listener");
    let served = Served::start(&dir, &["listener.us-east-1"]);
    let (run, report) = run_served(&served, &dir, "30", &["features/apns/setup.feature", "features/apns/execution.feature"]);
    let all = outcomes(&report);
    let failed: Vec<_> = all.iter().filter(|(_, o)| o == "failed").collect();
    assert!(failed.is_empty(), "{failed:?}\n{}", run.stdout);
    let passed = all.iter().filter(|(_, o)| o == "passed").count();
    assert!(passed >= 5, "most scenarios apply to a served listener: {all:?}\n{}", run.stdout);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // The served listener, not an in-process one, registered the last scenario's device and
    // pushed its notifications (a reset comes before each scenario, not after the last).
    let state = listener_state(&served);
    assert!(!state.registrations.is_empty() && !state.pushes.is_empty(), "{state:?}");
}

/// The served Americas listener's store, read through its control API.
fn listener_state(served: &Served) -> mailconform_fakes::listener::contract::ListenerState {
    served.control_get("listener.us-east-1", "/state")
}

#[test]
fn exchange_served_in_another_process_retries_on_the_real_clock_at_the_smallest_status_frequency() {
    let dir = scratch("served-exchange");
    let served = Served::start(&dir, &["exchange"]);
    let (run, report) = run_served(&served, &dir, "100", &["features/apns/retry_schedule.feature"]);
    let all = outcomes(&report);
    let of = |name: &str| all.iter().find(|(n, _)| n.contains(name)).map(|(_, o)| o.as_str()).unwrap_or_else(|| panic!("{name}: {all:?}"));
    assert_eq!(of("smallest StatusFrequency, 1 minute"), "passed", "{}", run.stdout);
    assert_eq!(of("read from the documentation's prose"), "skipped", "a different retry schedule does not apply to the served Exchange");
    assert!(
        run.stdout.contains("the scenario sets the configuration (version, retry schedule or mailboxes) of exchange"),
        "the reason is named: {}",
        run.stdout
    );
    assert_eq!(of("StatusFrequency of 5 minutes"), "skipped", "22 minutes of protocol time exceed the budget");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

#[test]
fn adcs_and_its_directory_served_in_another_process_take_the_in_process_ones_place() {
    let dir = scratch("served-adcs");
    let served = Served::start(&dir, &["adcs"]);
    let features = ["features/smime/enrollment.feature", "features/smime/public_certificates.feature"];
    let (run, report) = run_served(&served, &dir, "60", &features);
    let all = outcomes(&report);
    let not_passed: Vec<_> = all.iter().filter(|(_, o)| o != "passed").collect();
    assert!(not_passed.is_empty(), "{not_passed:?}\n{}", run.stdout);
    assert!(all.iter().any(|(n, _)| n.contains("LDAPS")), "{all:?}");
    assert!(run.stderr.contains("adcs: served by another process"), "{}", run.stderr);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

#[test]
fn the_gateway_and_endpoint_management_served_in_another_process_carry_the_phones_tunnels() {
    let dir = scratch("served-gateway");
    let served = Served::start(&dir, &["xms", "gateway"]);
    let (run, report) = run_served(&served, &dir, "60", &["features/network/connection_types.feature"]);
    let all = outcomes(&report);
    let not_passed: Vec<_> = all.iter().filter(|(_, o)| o != "passed").collect();
    assert!(not_passed.is_empty(), "{not_passed:?}\n{}", run.stdout);
    assert!(all.iter().any(|(n, _)| n.contains("STA")), "{all:?}");
    assert!(run.stderr.contains("gateway: served by another process"), "{}", run.stderr);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

/// Exchange, SEG V2, ENS2, the console, the KDC and the OAuth issuer in one `serve` process,
/// the scenario's APNs and Boxer in-process: each scenario's SEG settings reach the served SEG
/// through its control API (MEM configuration, then the whole `application.properties`), so the
/// scenarios that turn `remove.unsupported.auth.for.ews` off pass against a SEG served with it
/// on; Exchange takes the scenario's authentication methods and the served issuer's keys as
/// discovered (`PUT /_mailconform/auth`), so Boxer with OAuth, signed in at the served issuer,
/// registers with ENS2; ENS2 subscribes at the EWS URL the scenario gives it and
/// pushes to the scenario's APNs with the served team key. What a served role is, not how it
/// is set, makes a scenario not applicable, named.
#[test]
fn the_workspace_one_side_served_in_another_process_takes_each_scenarios_configuration() {
    let dir = scratch("served-ws1");
    let served = Served::start(&dir, &["exchange", "seg", "ens", "uem", "kdc", "login"]);
    let (run, report) = run_served(&served, &dir, "20", &["features/seg"]);
    let all = outcomes(&report);
    let failed: Vec<_> = all.iter().filter(|(_, o)| o == "failed").collect();
    assert!(failed.is_empty(), "{failed:?}\n{}", run.stdout);
    let of = |name: &str| all.iter().find(|(n, _)| n.contains(name)).map(|(_, o)| o.as_str()).unwrap_or_else(|| panic!("{name}: {all:?}"));
    assert_eq!(of("\"NTLM, Basic\", remove.unsupported.auth.for.ews=false"), "passed", "the scenario's file, not serve's");
    assert_eq!(of("\"NTLM, Basic\", remove.unsupported.auth.for.ews=true"), "passed");
    assert_eq!(of("SEG obtains a Kerberos ticket by KCD (flag true)"), "passed", "the served KDC and SEG's KCD settings");
    assert_eq!(of("Boxer with Basic for ActiveSync"), "passed", "ENS2 served: registration, EWS push, APNs");
    assert_eq!(of("Boxer with OAuth for ActiveSync, EWS offering \"OAuth\""), "passed", "the served Exchange trusts the served issuer");
    assert_eq!(of("Boxer with Certificate for ActiveSync, EWS offering \"Basic\""), "passed", "and takes its methods");
    assert_eq!(of("(SEG 2.9.0)"), "skipped", "another SEG version");
    for reason in [
        "the scenario plans SEG V2 2.9.0, and the served seg is SEG V2 2.12.0",
        "serve it with --seg-version 2.9.0,",
        "the scenario plans ENS2 on premises, and the served ENS2 is installed in the cloud",
        "the scenario sets a self-signed certificate of exchange",
        "the scenario sets another host name of exchange",
    ] {
        assert!(run.stdout.contains(reason), "{reason}: {}", run.stdout);
    }
    let count = |outcome: &str| all.iter().filter(|(_, o)| o == outcome).count();
    assert_eq!((count("passed"), count("skipped")), (43, 12), "{all:?}");
    // The served SEG and ENS2, not in-process ones, answered the last scenario.
    let seg: serde_json::Value = served.control_get("seg", "/requests");
    let ens: serde_json::Value = served.control_get("ens", "/requests");
    let answered = |page: &serde_json::Value| page["entries"].as_array().is_some_and(|e| !e.is_empty());
    assert!(answered(&seg) && answered(&ens), "SEG {seg}, ENS2 {ens}");
    // Boxer's tokens came from the served issuer, whose journal outlives the resets: one for
    // alice in each of the two rows whose Boxer uses OAuth.
    let issued: serde_json::Value = served.control_get("login", "/issued");
    let users: Vec<&str> = issued["entries"].as_array().unwrap().iter().map(|e| e["user"].as_str().unwrap()).collect();
    assert_eq!(users, ["alice@example.test", "alice@example.test"], "{issued}");
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
}

/// Copies the CAs and APNs credentials of one serve's state directory into another's, before
/// that one starts: the two processes are then one deployment.
fn share_ca(from: &Path, to: &Path) {
    std::fs::create_dir_all(to.join("apns")).unwrap();
    for file in ["ca.pem", "ca-key.pem"] {
        std::fs::copy(from.join(file), to.join(file)).unwrap();
    }
    for entry in std::fs::read_dir(from.join("apns")).unwrap() {
        let entry = entry.unwrap();
        std::fs::copy(entry.path(), to.join("apns").join(entry.file_name())).unwrap();
    }
}

/// Exchange and the Americas listener served by two processes of one deployment, on this
/// machine, sharing one CA (`run --served A --served B`). No name service knows their hosts:
/// the run tells each process where the other's roles answer, so the served Exchange's
/// notifications reach the served listener, which pushes to the scenario's APNs.
#[test]
fn exchange_and_the_listener_in_two_processes_are_one_deployment() {
    let (a, b) = (scratch("served-two-exchange"), scratch("served-two-listener"));
    let exchange = Served::start(&a, &["exchange"]);
    share_ca(&exchange.state, &b.join("state"));
    let listener = Served::start(&b, &["listener.us-east-1"]);
    let reports = a.join("reports");
    let run = mailconform(
        repo(),
        &[
            "run",
            "--served",
            exchange.state.to_str().unwrap(),
            "--served",
            listener.state.to_str().unwrap(),
            "--real-time-budget",
            "30",
            "--report-dir",
            reports.to_str().unwrap(),
            "features/apns/execution.feature",
        ],
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(reports.join("cucumber.json")).unwrap()).unwrap();
    let all = outcomes(&report);
    assert!(all.iter().all(|(_, o)| o != "failed"), "{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(all.iter().filter(|(_, o)| o == "passed").count(), 9, "{all:?}\n{}", run.stdout);
    assert!(run.stderr.contains("listener.us-east-1: served by another process"), "{}", run.stderr);
    let state = listener_state(&listener);
    assert!(!state.pushes.is_empty(), "the served listener pushed what the served Exchange notified: {state:?}");

    // Two deployments cannot be one.
    let c = scratch("served-two-stranger");
    let stranger = Served::start(&c, &["traveler"]);
    let refused = mailconform(
        repo(),
        &[
            "run",
            "--served",
            exchange.state.to_str().unwrap(),
            "--served",
            stranger.state.to_str().unwrap(),
            "features/apns/execution.feature",
        ],
    );
    assert_eq!(refused.code, 2, "{}", refused.stderr);
    assert!(refused.stderr.contains("has another CA than"), "{}", refused.stderr);
}
