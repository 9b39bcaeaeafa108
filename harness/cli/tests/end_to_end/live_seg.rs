//! A real SEG V2 under test (`run --target-config` with `[target.seg]`): `mailconform serve
//! seg` in another process stands for the vendor's SEG, reached only at its URL, configured
//! once by its "operator" (this test) as its target declares: the default world's MEM
//! configuration (email server `mail.example.test`, compliance by the console, KCD) and
//! `application.properties` with the ENS EWS proxy on. Its email server, console and KDC are
//! the scenario's own, reached on the fixed `[callback.ports]` (`serve --resolve`, as an
//! operator points a SEG at a test harness). What SEG stripped, forwarded and blocked is seen
//! where it arrives: at the scenario's Exchange, Boxer and bare EWS client.

use crate::common;

use common::serve::Served;
use common::{all_ended, free_port, run_live, scratch};
use mailconform_fakes::{defaults, deployment};

/// The properties the SEG under test runs with, as its target declares them.
const PROPERTIES: [&str; 2] = ["enable.boxer.ens.ews.proxy=true", "remove.unsupported.auth.for.ews=false"];

/// The fixed ports of the scenario's Exchange, console and KDC.
struct Callbacks {
    exchange: u16,
    uem: u16,
    kdc: u16,
}

/// `serve seg`, its email server, console and KDC resolved to the run's fixed ports, then
/// configured by its operator: the default world's MEM configuration and [`PROPERTIES`].
fn serve_seg(dir: &std::path::Path, ports: &Callbacks, properties: &[&str]) -> Served {
    let resolve = |host: &str, port: u16| format!("{host}:443=127.0.0.1:{port}");
    let (exchange, uem, kdc) =
        (resolve(defaults::EXCHANGE_HOST, ports.exchange), resolve(defaults::UEM_HOST, ports.uem), resolve(defaults::KDC_HOST, ports.kdc));
    let served = Served::start_with(dir, &["seg"], &["--resolve", &exchange, "--resolve", &uem, "--resolve", &kdc]);
    let base = served.base_url("seg");
    let mem = deployment::default_seg_config(deployment::SERVED_SEG_VERSION, defaults::EXCHANGE_HOST).mem();
    common::serve::control_put(&served.state, &base, "/mem-configuration", &serde_json::to_value(mem).unwrap());
    common::serve::control_put(&served.state, &base, "/properties", &serde_json::json!({ "properties": properties.join("\n") }));
    served
}

fn config(served: &Served, ports: &Callbacks) -> String {
    let (ca, ca_key) = (served.state.join("ca.pem"), served.state.join("ca-key.pem"));
    let properties: Vec<String> = PROPERTIES.iter().map(|p| format!("\"{p}\"")).collect();
    format!(
        "[target.seg]\nurl = \"{}\"\nca = \"{ca}\"\nproduct_version = \"{}\"\nproperties = [{}]\n\
         [callback]\nca = \"{ca}\"\nca_key = \"{ca_key}\"\n\
         [callback.ports]\nexchange = {}\nuem = {}\nkdc = {}\n",
        served.base_url("seg"),
        deployment::SERVED_SEG_VERSION,
        properties.join(", "),
        ports.exchange,
        ports.uem,
        ports.kdc,
        ca = ca.display(),
        ca_key = ca_key.display(),
    )
}

#[test]
fn the_seg_features_against_a_seg_reached_only_at_its_url() {
    let dir = scratch("live-seg");
    let ports = Callbacks { exchange: free_port(), uem: free_port(), kdc: free_port() };
    let served = serve_seg(&dir, &ports, &PROPERTIES);
    let (run, all) = run_live(&dir, &config(&served, &ports), "120", &["features/seg"]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("seg: the real component at https://127.0.0.1:"), "{shown}");
    // Through the real SEG: Exchange's challenges as the flag (false) leaves them, a Kerberos
    // ticket by KCD from the scenario's KDC, the console's compliance deciding what a device
    // reaches and whether its Boxer is pushed to, the ENS EWS proxy on both paths, ENS2 in the
    // cloud and on premises subscribing through it, SEG refusing an Exchange it does not trust.
    all_ended(
        &all,
        "passed",
        &[
            "remove.unsupported.auth.for.ews=false, no client certificate",
            "SEG obtains a Kerberos ticket by KCD (flag false)",
            "A request that names no device is blocked",
            "the console shows as",
            "enable.boxer.ens.ews.proxy=true: SEG serves",
            "subscribes through SEG and Boxer gets the unread count",
            "Not in the trust store: SEG cannot reach Exchange",
            "A wiped device that never unregisters",
        ],
        &shown,
    );
    // Another version, other properties or MEM configuration than the SEG runs with, what
    // only SEG's own log shows, and the scenarios over the budget are not applicable.
    all_ended(
        &all,
        "skipped",
        &[
            "remove.unsupported.auth.for.ews=true, no client certificate",
            "exists from SEG 2.9.0.1",
            "enable.boxer.ens.ews.proxy=false",
            "In the trust store: ActiveSync and EWS go through",
            "NTLM through SEG fails on the second leg",
            "Boxer keeps trying to unregister",
        ],
        &shown,
    );
    assert!(run.stdout.contains("the real seg is configured as its target declares (product_version, properties)"), "{shown}");
    assert!(run.stdout.contains("which the real seg at https://127.0.0.1:"), "{shown}");
    assert_eq!(run.last_line(), "15 passed, 0 failed, 40 not applicable", "{shown}");
    assert_eq!(run.code, 0, "{shown}");
}

/// A SEG whose operator left `remove.unsupported.auth.for.ews=true` where the target declares
/// `false` strips Exchange's NTLM and Negotiate challenges: the scenarios fail, naming them.
#[test]
fn a_seg_configured_otherwise_than_declared_fails() {
    let dir = scratch("live-seg-stripping");
    let ports = Callbacks { exchange: free_port(), uem: free_port(), kdc: free_port() };
    let served = serve_seg(&dir, &ports, &["enable.boxer.ens.ews.proxy=true", "remove.unsupported.auth.for.ews=true"]);
    let features = ["features/seg/auth_headers.feature", "--name", "remove.unsupported.auth.for.ews=false, no client certificate"];
    let (run, all) = run_live(&dir, &config(&served, &ports), "60", &features);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(all.len(), 3, "{shown}");
    assert!(all.iter().all(|(_, o)| o == "failed"), "{shown}");
    assert!(run.stdout.contains("WWW-Authenticate challenges the client saw"), "{shown}");
    assert_eq!(run.code, 1, "{shown}");
}
