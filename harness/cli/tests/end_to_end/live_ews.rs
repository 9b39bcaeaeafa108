//! A real EWS under test (`run --target exchange.ews=URL`): `mailconform serve exchange` in
//! another process stands for a vendor's Exchange, reached only at its URL: Secure Mail reads
//! the inbox and subscribes to push there, the built-in EWS adapter sends mail from bob's
//! mailbox (CreateItem) and marks it read (UpdateItem), and the served Exchange posts its
//! SendNotification over real TCP to the scenario's listener, bridged out on the advertised
//! address with a certificate of the `[callback]` CA, which the served Exchange trusts. Cut off
//! by the scenario, that listener sees the served Exchange retry at 0:30 and 1:00.

use crate::common;

use common::serve::Served;
use common::{run_live, scratch};
use mailconform_fakes::defaults::USERS;

/// The served Exchange as `key` (`exchange.ews` at its EWS URL, or `exchange` at its base URL
/// for both protocols), with alice and bob, mail sent from bob, and the served deployment's CA
/// as the callback CA.
fn config(served: &Served, key: &str, path: &str) -> String {
    let ((alice, _, alice_pw), (bob, _, bob_pw)) = (USERS[0], USERS[1]);
    let ca = served.state.join("ca.pem");
    format!(
        "[target.\"{key}\"]\nurl = \"{}{path}\"\nca = \"{}\"\nversions = [\"14.1\"]\n\
         [[target.\"{key}\".mailbox]]\nuser = \"{alice}\"\npassword = \"{alice_pw}\"\n\
         [[target.\"{key}\".mailbox]]\nuser = \"{bob}\"\npassword = \"{bob_pw}\"\n\
         [target.\"{key}\".adapter]\nsend_mail_from = \"{bob}\"\n\
         [callback]\nadvertise = \"127.0.0.1\"\nca = \"{}\"\nca_key = \"{}\"\n",
        served.base_url("exchange"),
        ca.display(),
        ca.display(),
        served.state.join("ca-key.pem").display()
    )
}

/// Every push subscription of the served Exchange, read through its control API.
fn subscriptions(served: &Served) -> Vec<mailconform_fakes::exchange::contract::SubscriptionView> {
    served.control_get("exchange", "/subscriptions")
}

#[test]
fn push_notifications_of_a_real_ews_reach_the_scenarios_listener_over_tcp() {
    let dir = scratch("live-ews");
    let served = Served::start(&dir, &["exchange"]);
    let recorded = dir.join("recorded");
    let features = ["--record", recorded.to_str().unwrap(), "features/apns/execution.feature"];
    let (run, all) = run_live(&dir, &config(&served, "exchange.ews", "/EWS/Exchange.asmx"), "100", &features);
    assert!(
        run.stderr.contains("exchange.ews: the real component at https://127.0.0.1:")
            && run.stderr.contains("it reaches the listeners at 127.0.0.1 (certificates of the [callback] CA)"),
        "the run names its real component and where it calls back: {}",
        run.stderr
    );
    let of = |name: &str| all.iter().find(|(n, _)| n.contains(name)).map(|(_, o)| o.as_str()).unwrap_or_else(|| panic!("{name}: {all:?}"));
    // The badge follows mail sent by CreateItem and read by UpdateItem on the real EWS, through
    // its SendNotification to the bridged listener.
    for pushed in ["One new message sets the badge to 1", "follows the inbox unread count up and down", "Two users of the same app"] {
        assert_eq!(of(pushed), "passed", "{pushed}\n{}\n{}", run.stdout, run.stderr);
    }
    // Posing as Exchange needs Exchange's own subscription; 6 minutes are over the budget.
    assert_eq!(of("whatever other folders report"), "skipped");
    assert_eq!(of("the last Inbox count is the badge"), "skipped");
    assert_eq!(of("more than 5 minutes"), "skipped");
    assert!(
        run.stdout.contains("its subscriptions, when it ended one, and what a notification carried stay inside Exchange"),
        "{}",
        run.stdout
    );
    assert_eq!(run.last_line(), "7 passed, 0 failed, 3 not applicable", "{}", run.stdout);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // --record: Secure Mail's EWS calls to the target, in order, credentials redacted.
    let listing = std::fs::read_to_string(recorded.join("apns-execution.feature-13/exchanges.json")).expect("the recorded exchanges");
    let exchanges: Vec<serde_json::Value> = serde_json::from_str(&listing).expect("JSON");
    assert!(
        exchanges.iter().all(|e| e["method"] == "POST" && e["url"].as_str().is_some_and(|u| u.ends_with("/EWS/Exchange.asmx"))),
        "{listing}"
    );
    let bodies: Vec<String> = exchanges
        .iter()
        .filter_map(|e| e["request_body"].as_str())
        .map(|f| String::from_utf8_lossy(&std::fs::read(recorded.join("apns-execution.feature-13").join(f)).unwrap()).into_owned())
        .collect();
    assert!(bodies.iter().any(|b| b.contains("GetFolder")) && bodies.iter().any(|b| b.contains("Subscribe")), "{bodies:?}");
    assert!(!listing.contains("alice-pw") && !listing.contains("YWxpY2U6YWxpY2UtcHc"), "credentials are redacted: {listing}");
    // The subscriptions were made on the served Exchange, to the advertised address.
    let subs = subscriptions(&served);
    assert!(subs.len() >= 5, "one per scenario that set up push: {subs:?}");
    assert!(subs.iter().all(|s| s.url.starts_with("https://127.0.0.1:") && s.url.contains("/ews/notify/")), "{subs:?}");
    assert!(subs.iter().any(|s| s.mailbox == "bob@example.test"), "bob subscribed too: {subs:?}");
}

/// The whole Exchange as one target (`[target.exchange]` at its base URL): Secure Mail syncs
/// over ActiveSync and subscribes to push over EWS on the same real server, signed in once.
#[test]
fn secure_mail_syncs_and_gets_its_push_from_one_real_exchange() {
    let dir = scratch("live-exchange");
    let served = Served::start(&dir, &["exchange"]);
    let features = [
        "--name",
        "Secure Mail syncs with Exchange 2013|One new message sets the badge",
        "features/activesync/exchange.feature",
        "features/apns/execution.feature",
    ];
    let (run, all) = run_live(&dir, &config(&served, "exchange", ""), "100", &features);
    assert!(
        run.stderr.contains("exchange.eas: the real component at") && run.stderr.contains("exchange.ews: the real component at"),
        "both protocols are the target's: {}",
        run.stderr
    );
    let passed: Vec<&str> = all.iter().filter(|(_, o)| o == "passed").map(|(n, _)| n.as_str()).collect();
    assert_eq!(passed.len(), all.len(), "{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(run.last_line(), "2 passed, 0 failed", "{}", run.stdout);
    let subs = subscriptions(&served);
    assert!(subs.iter().any(|s| s.url.starts_with("https://127.0.0.1:")), "{subs:?}");
}

/// The headline promise against a real EWS: cut off the scenario's listener and Exchange
/// retries at 0:30 and 1:00 (StatusFrequency 1 minute), seen as the refused connections
/// arriving at the listener; when Exchange ended the subscription stays inside it, so the
/// scenario ends not applicable after the retries were checked.
#[test]
fn a_real_ews_retries_a_cut_off_listener_as_the_listener_sees_it() {
    let dir = scratch("live-ews-retry");
    let served = Served::start(&dir, &["exchange"]);
    let features = ["--name", "smallest StatusFrequency, 1 minute", "features/apns/retry_schedule.feature"];
    let (run, all) = run_live(&dir, &config(&served, "exchange.ews", "/EWS/Exchange.asmx"), "100", &features);
    assert_eq!(all.len(), 1, "{all:?}");
    assert!(
        run.stdout
            .contains("✔  Then Exchange retried the failed notification to alice's listener at \"0:30, 1:00\" after the first attempt"),
        "the retries were seen at the listener: {}\n{}",
        run.stdout,
        run.stderr
    );
    assert!(run.stdout.contains("its subscriptions, when it ended one, and what a notification carried stay inside Exchange"));
    assert_eq!(run.last_line(), "0 passed, 0 failed, 1 not applicable", "{}", run.stdout);
}
