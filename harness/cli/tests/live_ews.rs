//! A real EWS under test (`run --target exchange.ews=URL`): `mailconform serve exchange` in
//! another process stands for a vendor's Exchange, reached only at its URL: Secure Mail reads
//! the inbox and subscribes to push there, the built-in EWS adapter sends mail from bob's
//! mailbox (CreateItem) and marks it read (UpdateItem), and the served Exchange posts its
//! SendNotification over real TCP to the scenario's listener, bridged out on the advertised
//! address with a certificate of the `[callback]` CA, which the served Exchange trusts.

mod common;

use common::serve::Served;
use common::{mailconform, outcomes, repo, scratch};
use mailconform_fakes::defaults::USERS;

/// The served Exchange's EWS as `exchange.ews`, with alice and bob, mail sent from bob, and
/// the served deployment's CA as the callback CA.
fn config(served: &Served) -> String {
    let ((alice, _, alice_pw), (bob, _, bob_pw)) = (USERS[0], USERS[1]);
    let ca = served.state.join("ca.pem");
    format!(
        "[target.\"exchange.ews\"]\nurl = \"{}/EWS/Exchange.asmx\"\nca = \"{}\"\n\
         [[target.\"exchange.ews\".mailbox]]\nuser = \"{alice}\"\npassword = \"{alice_pw}\"\n\
         [[target.\"exchange.ews\".mailbox]]\nuser = \"{bob}\"\npassword = \"{bob_pw}\"\n\
         [target.\"exchange.ews\".adapter]\nsend_mail_from = \"{bob}\"\n\
         [callback]\nadvertise = \"127.0.0.1\"\nca = \"{}\"\nca_key = \"{}\"\n",
        served.base_url("exchange"),
        ca.display(),
        ca.display(),
        served.state.join("ca-key.pem").display()
    )
}

/// Every push subscription of the served Exchange, read through its control API.
fn subscriptions(served: &Served) -> Vec<mailconform_fakes::exchange::contract::SubscriptionView> {
    use mailconform_sim::{tls, Clock, ControlClient, HttpClient, TcpDialer};
    let ca = std::fs::read_to_string(served.state.join("ca.pem")).unwrap();
    let ca = rustls_pki_types::pem::PemObject::from_pem_slice(ca.as_bytes()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let http = HttpClient::new(std::sync::Arc::new(TcpDialer::default()), tls::roots(&[ca]), Clock::real());
        let control = ControlClient::new(http, &format!("{}/_mailconform", served.base_url("exchange")));
        control.get("/subscriptions").await.expect("the served Exchange's subscriptions")
    })
}

#[test]
fn push_notifications_of_a_real_ews_reach_the_scenarios_listener_over_tcp() {
    let dir = scratch("live-ews");
    let served = Served::start(&dir, &["exchange"]);
    let file = dir.join("ews.toml");
    std::fs::write(&file, config(&served)).unwrap();
    let reports = dir.join("reports");
    let args = ["run", "--target-config", file.to_str().unwrap(), "--report-dir", reports.to_str().unwrap()];
    let run = mailconform(repo(), &[&args[..], &["--real-time-budget", "30", "features/apns/execution.feature"]].concat());
    assert!(
        run.stderr.contains("exchange.ews: the real component at https://127.0.0.1:")
            && run.stderr.contains("it reaches the listeners at 127.0.0.1 (certificates of the [callback] CA)"),
        "the run names its real component and where it calls back: {}",
        run.stderr
    );
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(reports.join("cucumber.json")).unwrap()).unwrap();
    let all = outcomes(&report);
    let of = |name: &str| all.iter().find(|(n, _)| n.contains(name)).map(|(_, o)| o.as_str()).unwrap_or_else(|| panic!("{name}: {all:?}"));
    // The badge follows mail sent by CreateItem and read by UpdateItem on the real EWS, through
    // its SendNotification to the bridged listener.
    for pushed in ["One new message sets the badge to 1", "follows the inbox unread count up and down", "Two users of the same app"] {
        assert_eq!(of(pushed), "passed", "{pushed}\n{}\n{}", run.stdout, run.stderr);
    }
    // Posing as Exchange needs the built-in Exchange's subscription; 6 minutes are over the budget.
    assert_eq!(of("whatever other folders report"), "skipped");
    assert_eq!(of("the last Inbox count is the badge"), "skipped");
    assert_eq!(of("more than 5 minutes"), "skipped");
    assert!(run.stdout.contains("which holds none of the real target's mailboxes"), "{}", run.stdout);
    assert_eq!(run.last_line(), "7 passed, 0 failed, 3 not applicable", "{}", run.stdout);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    // The subscriptions were made on the served Exchange, to the advertised address.
    let subs = subscriptions(&served);
    assert!(subs.len() >= 5, "one per scenario that set up push: {subs:?}");
    assert!(subs.iter().all(|s| s.url.starts_with("https://127.0.0.1:") && s.url.contains("/ews/notify/")), "{subs:?}");
    assert!(subs.iter().any(|s| s.mailbox == "bob@example.test"), "bob subscribed too: {subs:?}");
}
