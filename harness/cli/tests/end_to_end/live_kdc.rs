//! A real KDC under test (`[target.kdc]`, `url = "kerberos://..."`): Heimdal's, with a realm of
//! its own, started by `tests/live/kdc/setup` on a port of this test's. `target check` asks it
//! what SEG's constrained delegation needs (SEG's TGT, S4U2Self, S4U2Proxy to Exchange, which
//! Exchange's keys open), and `run` puts it under the SEG features: the scenarios' SEG asks it
//! for alice's ticket, and the scenarios' Exchange authenticates her by Negotiate with it. The
//! scenarios in which SEG obtains no ticket are not applicable.

use crate::common;

use common::{all_ended, mailconform, repo, run_live, scratch};
#[path = "../../../../tests/live/kdc/heimdal.rs"]
mod heimdal;

use heimdal::Heimdal;

/// Not the script's default port (nor the library test's), so that another KDC keeps running;
/// each test of this module its own (they run at the same time).
const PORT: &str = "20388";
const OTHER_PORT: &str = "20389";
const FEATURE: &str = "features/seg/auth_headers.feature";

/// The target: the KDC on `port`, SEG's and Exchange's accounts as the set-up made them, alice.
fn config(port: &str, seg_password: &str) -> String {
    format!(
        "[target.kdc]\nurl = \"kerberos://127.0.0.1:{port}/EXAMPLE.TEST\"\n\
         [target.kdc.seg_account]\npassword = \"{seg_password}\"\n\
         [target.kdc.exchange_account]\nspn = \"HTTP/mail.example.test\"\npassword = \"mail-svc-pw\"\n\
         [[target.kdc.mailbox]]\nuser = \"alice\"\nlogin = \"alice@example.test\"\n"
    )
}

/// `mailconform target check` of `config`, written into `dir`: the run, and its output to show.
fn target_check(dir: &std::path::Path, config: &str) -> (common::Run, String) {
    let file = dir.join("check.toml");
    std::fs::write(&file, config).unwrap();
    let check = mailconform(repo(), &["target", "check", file.to_str().unwrap()]);
    let shown = format!("{}{}", check.stdout, check.stderr);
    (check, shown)
}

#[test]
fn seg_delegates_through_a_real_kdc_and_exchange_authenticates_alice_by_negotiate() {
    let dir = scratch("live-kdc");
    let _kdc = Heimdal::start(dir.join("kdc"), PORT);
    let (check, shown) = target_check(&dir, &config(PORT, "seg-svc-pw"));
    assert_eq!(check.code, 0, "{shown}");
    assert!(
        check.stdout.contains("alice: SEG obtains a ticket for alice@EXAMPLE.TEST to HTTP/mail.example.test by constrained delegation"),
        "{shown}"
    );

    let (run, all) = run_live(&dir, &config(PORT, "seg-svc-pw"), "60", &[FEATURE]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    // Both rows of KCD: SEG's ticket from the real KDC opens with Exchange's keys.
    all_ended(&all, "passed", &["A client certificate with a UPN: SEG obtains a Kerberos ticket by KCD (flag true)"], &shown);
    all_ended(&all, "passed", &["A client certificate with a UPN: SEG obtains a Kerberos ticket by KCD (flag false)"], &shown);
    // SEG without KCD settings, or a client without a certificate, never asks the KDC.
    all_ended(&all, "skipped", &["Basic and Kerberos enabled, no client certificate: the client is held to Basic"], &shown);
    assert_eq!(run.code, 0, "{shown}");
    assert!(run.last_line().starts_with("2 passed, 0 failed, "), "{shown}");
}

#[test]
fn a_wrong_password_or_an_unreachable_kdc_says_what_to_fix() {
    let dir = scratch("live-kdc-bad");
    let _kdc = Heimdal::start(dir.join("kdc"), OTHER_PORT);
    let (check, shown) = target_check(&dir, &config(OTHER_PORT, "wrong"));
    assert_eq!(check.code, 1, "{shown}");
    assert!(check.stdout.contains("KDC_ERR_PREAUTH_FAILED (24)") && check.stdout.contains("the password is wrong"), "{shown}");
    // In a run, SEG cannot sign in and answers 502: the KCD rows fail with the KDC's refusal.
    let (run, all) = run_live(&dir, &config(OTHER_PORT, "wrong"), "60", &[FEATURE]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "failed", &["A client certificate with a UPN: SEG obtains a Kerberos ticket by KCD (flag true)"], &shown);
    assert_eq!(run.code, 1, "{shown}");

    let (check, shown) = target_check(&dir, &config("9", "seg-svc-pw"));
    assert_eq!(check.code, 1, "{shown}");
    assert!(check.stdout.contains("the KDC at 127.0.0.1:9 could not be reached"), "{shown}");
    let (check, shown) = target_check(&dir, &config(OTHER_PORT, "seg-svc-pw").replace("kerberos://", "https://"));
    assert_eq!(check.code, 2, "{shown}");
    assert!(check.stderr.contains("write kerberos://HOST[:PORT]/REALM"), "{}", check.stderr);
}

/// Heimdal's own clients (`kinit`, `kgetcred`) against `mailconform serve kdc`'s Kerberos port:
/// to them the fake is a KDC, constrained delegation included, as a domain controller is to SEG.
#[test]
fn heimdals_own_clients_get_alices_ticket_to_exchange_by_constrained_delegation_from_the_served_fake() {
    heimdal::install();
    let dir = scratch("kdc-heimdal-clients");
    let served = common::serve::Served::start(&dir, &["kdc"]);
    let url = served.endpoints["roles"]["kdc"]["services"]["kerberos"].as_str().expect("the KDC's Kerberos port").to_string();
    let address = url.strip_prefix("kerberos://").expect("a kerberos:// URL");
    let conf = dir.join("krb5.conf");
    std::fs::write(
        &conf,
        format!(
            "[libdefaults]\n\tdefault_realm = EXAMPLE.TEST\n\tdns_lookup_kdc = false\n\tdns_lookup_realm = false\n\
             \tudp_preference_limit = 1\n\tlarge_message_size = 0\n\tforwardable = true\n\
             [realms]\n\tEXAMPLE.TEST = {{\n\t\tkdc = {address}\n\t}}\n"
        ),
    )
    .unwrap();
    let secret = |name: &str, password: &str| {
        let file = dir.join(name);
        std::fs::write(&file, format!("{password}\n")).unwrap();
        file.display().to_string()
    };
    let cache = |name: &str| format!("FILE:{}", dir.join(name).display());
    let heimdal = |program: &str, args: &[&str]| {
        let out = std::process::Command::new(program).args(args).env("KRB5_CONFIG", &conf).env_remove("KRB5CCNAME").output().unwrap();
        (
            out.status.success(),
            format!("{program} {args:?}:\n{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)),
        )
    };
    let seg = "HTTP/seg.example.test@EXAMPLE.TEST";
    let (ok, shown) = heimdal(
        "/usr/bin/kinit.heimdal",
        &["--forwardable", &format!("--password-file={}", secret("seg.pw", "seg-svc-pw")), "-c", &cache("seg.cc"), seg],
    );
    assert!(ok, "{shown}");
    let (ok, shown) = heimdal(
        "/usr/bin/kgetcred",
        &["-c", &cache("seg.cc"), &format!("--out-cache={}", cache("self.cc")), "--impersonate=alice@EXAMPLE.TEST", "--forwardable", seg],
    );
    assert!(ok, "S4U2Self: {shown}");
    let (ok, shown) = heimdal(
        "/usr/bin/kgetcred",
        &[
            "-c",
            &cache("seg.cc"),
            &format!("--delegation-credential-cache={}", cache("self.cc")),
            &format!("--out-cache={}", cache("final.cc")),
            "--forwardable",
            "HTTP/mail.example.test@EXAMPLE.TEST",
        ],
    );
    assert!(ok, "S4U2Proxy: {shown}");
    let (ok, listing) = heimdal("/usr/bin/heimtools", &["klist", "-v", "-c", &cache("final.cc")]);
    assert!(ok && listing.contains("alice@EXAMPLE.TEST") && listing.contains("Server: HTTP/mail.example.test@EXAMPLE.TEST"), "{listing}");
    // The fake's own journal: alice's ticket to Exchange, by SEG's delegation.
    let issued: serde_json::Value = served.control_get("kdc", "/issued");
    let delegated = issued["entries"].as_array().unwrap().iter().any(|e| {
        e["client"] == "alice@example.test" && e["service"] == "HTTP/mail.example.test" && e["delegated_by"] == "HTTP/seg.example.test"
    });
    assert!(delegated, "{issued}");
    // A wrong password is refused as a KDC refuses it (KDC_ERR_PREAUTH_FAILED, which kinit words).
    let (ok, shown) = heimdal(
        "/usr/bin/kinit.heimdal",
        &[&format!("--password-file={}", secret("bad.pw", "wrong")), "-c", &cache("bad.cc"), "alice@EXAMPLE.TEST"],
    );
    assert!(!ok && shown.contains("Password incorrect"), "{shown}");
}
