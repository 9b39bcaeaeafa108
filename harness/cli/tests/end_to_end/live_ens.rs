//! A real ENS2 under test (`run --target-config` with `[target.ens]`): `mailconform serve ens`
//! in another process stands for the vendor's ENS2, reached only at its URL, configured once by
//! its "operator" (this test) as its target declares: in the cloud, reaching EWS through the
//! scenario's SEG proxy, signing its APNs provider tokens with the state directory's team key.
//! Its APNs gateway and SEG are the scenario's own, on the fixed `[callback.ports]` (`serve
//! --resolve`). What it did is seen where it arrives: Boxer's registration answer and the
//! pushes on Boxer, through the scenario's APNs.

use crate::common;

use common::serve::Served;
use common::{all_ended, free_port, run_live, scratch};
use mailconform_fakes::defaults;

/// The fixed ports of the scenario's APNs and SEG.
struct Callbacks {
    apns: u16,
    seg: u16,
}

/// `serve ens`, its APNs gateway and SEG resolved to the run's fixed ports, its EWS URL set by
/// its operator to `ews_host`'s (SEG's proxy, as the target declares, or another).
fn serve_ens(dir: &std::path::Path, ports: &Callbacks, ews_host: &str) -> Served {
    let apns = format!("{}:443=127.0.0.1:{}", defaults::APNS_HOST, ports.apns);
    let seg = format!("{}:443=127.0.0.1:{}", defaults::SEG_HOST, ports.seg);
    let served = Served::start_with(dir, &["ens"], &["--resolve", &apns, "--resolve", &seg]);
    let ews_url = format!("https://{ews_host}/EWS/Exchange.asmx");
    let settings = serde_json::json!({ "placement": "cloud", "ews_url": ews_url });
    common::serve::control_put(&served.state, &served.base_url("ens"), "/configuration", &settings);
    served
}

fn config(served: &Served, ports: &Callbacks) -> String {
    let base = served.base_url("ens");
    let port = base.rsplit(':').next().unwrap();
    let (ca, ca_key) = (served.state.join("ca.pem"), served.state.join("ca-key.pem"));
    let key = served.state.join(format!("apns/AuthKey_{}.p8", defaults::KEY_ID));
    format!(
        "[target.ens]\nurl = \"{base}\"\nca = \"{ca}\"\n\
         # the notification URLs it hands out name its host\n\
         resolve = [\"{}:443=127.0.0.1:{port}\"]\n\
         placement = \"cloud\"\news_via = \"seg\"\n\
         apns_key = \"{}\"\napns_key_id = \"{}\"\napns_team_id = \"{}\"\n\
         [callback]\nca = \"{ca}\"\nca_key = \"{ca_key}\"\n\
         [callback.ports]\napns = {}\nseg = {}\n",
        defaults::ENS_HOST,
        key.display(),
        defaults::KEY_ID,
        defaults::TEAM_ID,
        ports.apns,
        ports.seg,
        ca = ca.display(),
        ca_key = ca_key.display(),
    )
}

#[test]
fn the_boxer_features_against_an_ens2_reached_only_at_its_url() {
    let dir = scratch("live-ens");
    let ports = Callbacks { apns: free_port(), seg: free_port() };
    let served = serve_ens(&dir, &ports, defaults::SEG_HOST);
    // The features where Boxer and ENS2 take part.
    let features = ["ews_proxy", "compliance", "wipe", "auth_methods"].map(|f| format!("features/seg/{f}.feature"));
    let features: Vec<&str> = features.iter().map(String::as_str).collect();
    let (run, all) = run_live(&dir, &config(&served, &ports), "120", &features);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("ens: the real component at https://127.0.0.1:"), "{shown}");
    // Boxer registers with the real ENS2 whatever its authentication, ENS2 subscribes through
    // the scenario's SEG and pushes the unread count through the scenario's APNs, and the
    // console's compliance, at SEG, decides whether a Boxer gets a push.
    all_ended(
        &all,
        "passed",
        &[
            "Boxer with Basic for ActiveSync",
            "Boxer with OAuth for ActiveSync",
            "Boxer with Certificate for ActiveSync",
            "ENS2 in the cloud subscribes through SEG and Boxer gets the unread count",
            "the console shows as",
            "A request that names no device is blocked",
        ],
        &shown,
    );
    // Another placement, ENS2 without SEG's proxy, what only ENS2's log shows (a push it
    // withheld), and scenarios that never reach ENS2 (SEG's EWS proxy asked by a bare client) are
    // not applicable.
    all_ended(
        &all,
        "skipped",
        &[
            "ENS2 on premises",
            "enable.boxer.ens.ews.proxy=false",
            "A non-compliant device is blocked, and unblocked",
            "enable.boxer.ens.ews.proxy=true: SEG serves",
        ],
        &shown,
    );
    assert!(run.stdout.contains("the real ens is configured as its target declares (placement, ews_via)"), "{shown}");
    assert!(run.stdout.contains("which the real ens keeps inside"), "{shown}");
    assert!(run.stdout.contains("this scenario reached none of the run's real components"), "{shown}");
    assert_eq!(run.last_line(), "12 passed, 0 failed, 9 not applicable", "{shown}");
    assert_eq!(run.code, 0, "{shown}");
}

/// An ENS2 whose operator left its EWS URL at Exchange, which it cannot reach, where the target
/// declares SEG's proxy: Boxer's registration fails, with ENS2's reason.
#[test]
fn an_ens2_pointed_at_another_ews_than_declared_fails() {
    let dir = scratch("live-ens-elsewhere");
    let ports = Callbacks { apns: free_port(), seg: free_port() };
    let served = serve_ens(&dir, &ports, defaults::EXCHANGE_HOST);
    let features = ["features/seg/ews_proxy.feature", "--name", "ENS2 in the cloud subscribes through SEG"];
    let (run, all) = run_live(&dir, &config(&served, &ports), "60", &features);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(all.len(), 1, "{shown}");
    all_ended(&all, "failed", &["ENS2 in the cloud subscribes through SEG"], &shown);
    // ENS2 answers Boxer's registration with its failure to read the Inbox where it was pointed.
    assert!(run.stdout.contains("registering with ENS: reading the inbox over EWS failed: EWS unreachable"), "{shown}");
    assert_eq!(run.code, 1, "{shown}");
}
