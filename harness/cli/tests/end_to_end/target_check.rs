//! `mailconform target check` against `mailconform serve exchange` as a child process, on
//! loopback: a right configuration passes every check; a wrong password, a closed port, a
//! missing CA and an unknown role are each named with what to fix.

use crate::common;

use common::serve::Served;

use mailconform_fakes::defaults::USERS;
use std::path::Path;
use std::process::Command;

struct Checked {
    code: i32,
    stdout: String,
    stderr: String,
}

/// Writes `config` to `dir/targets.toml` and checks it, with alice's password in ALICE_PASSWORD.
fn check(dir: &Path, config: &str) -> Checked {
    let file = dir.join("targets.toml");
    std::fs::write(&file, config).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_mailconform"))
        .args(["target", "check", "--timeout", "10"])
        .arg(&file)
        .env("ALICE_PASSWORD", USERS[0].2)
        .env_remove("RUST_LOG")
        .output()
        .expect("mailconform runs");
    Checked {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Exchange (EWS and ActiveSync) at `url`, with `trust` and alice (password from the
/// environment) and bob (`bob_password`) as mailboxes.
fn exchange(url: &str, trust: &str, bob_password: &str) -> String {
    let (alice, bob) = (USERS[0].0, USERS[1].0);
    format!(
        "[target.exchange]\nurl = \"{url}\"\n{trust}\n\
         [[target.exchange.mailbox]]\nuser = \"{alice}\"\npassword_env = \"ALICE_PASSWORD\"\n\
         [[target.exchange.mailbox]]\nuser = \"{bob}\"\npassword = \"{bob_password}\"\n"
    )
}

/// The lines of the report that are problems, with their fixes.
fn problems(stdout: &str) -> Vec<String> {
    let lines: Vec<&str> = stdout.lines().collect();
    lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("PROBLEM"))
        .map(|(i, l)| format!("{l}\n{}", lines.get(i + 1).unwrap_or(&"")))
        .collect()
}

#[test]
fn target_check_names_each_problem_of_a_served_exchange_and_what_to_fix() {
    let dir = common::scratch("target-check");
    let served = Served::start(&dir, &["exchange"]);
    let ca = format!("ca = \"{}\"", served.state.join("ca.pem").display());

    let good = check(&dir, &exchange(&served.base_url("exchange"), &ca, USERS[1].2));
    assert_eq!(good.code, 0, "{}{}", good.stdout, good.stderr);
    for expected in ["GetFolder of the Inbox succeeded", "FolderSync at", "certificate valid for 127.0.0.1", "all ok"] {
        assert!(good.stdout.contains(expected), "{expected:?} missing:\n{}", good.stdout);
    }
    assert_eq!(good.stdout.matches("signed in as").count(), 4, "two mailboxes on EWS and ActiveSync:\n{}", good.stdout);

    let wrong = check(&dir, &exchange(&served.base_url("exchange"), &ca, "not-bobs-password"));
    assert_eq!(wrong.code, 1, "{}", wrong.stdout);
    let p = problems(&wrong.stdout);
    assert_eq!(p.len(), 2, "bob fails on EWS and on ActiveSync, alice passes:\n{}", wrong.stdout);
    assert!(p.iter().all(|l| l.contains("bob: wrong password") && l.contains("fix: check the password")), "{p:#?}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let refused = check(&dir, &exchange(&format!("https://127.0.0.1:{port}"), &ca, USERS[1].2));
    assert_eq!(refused.code, 1, "{}", refused.stdout);
    let p = problems(&refused.stdout);
    assert!(
        !p.is_empty() && p.iter().all(|l| l.contains("connection refused") && l.contains(&format!("check the port in url ({port})"))),
        "{p:#?}"
    );

    let untrusted = check(&dir, &exchange(&served.base_url("exchange"), "", USERS[1].2));
    assert_eq!(untrusted.code, 1, "{}", untrusted.stdout);
    let p = problems(&untrusted.stdout);
    assert!(!p.is_empty() && p.iter().all(|l| l.contains("unknown issuer") && l.contains("set ca = ")), "{p:#?}");

    let unknown = check(&dir, &format!("[target.\"exchange.smtp\"]\nurl = \"{}\"\n", served.base_url("exchange")));
    assert_eq!(unknown.code, 2, "{}{}", unknown.stdout, unknown.stderr);
    assert!(unknown.stdout.is_empty(), "nothing is checked with an unusable configuration: {}", unknown.stdout);
    for expected in ["targets.toml", "unknown role `exchange.smtp`", "known roles:", "exchange.eas", "exchange.ews", "traveler"] {
        assert!(unknown.stderr.contains(expected), "{expected:?} missing: {}", unknown.stderr);
    }
}

/// The features of `exchange.eas` with the served Exchange (another process, real sockets, its
/// own CA) as the real target: what passes in-process passes there, mail arriving by ActiveSync
/// SendMail from bob's mailbox (the adapter's `send_mail_from`), Secure Mail syncing over TCP.
#[test]
fn the_activesync_features_pass_against_the_served_exchange_as_a_real_target() {
    let dir = common::scratch("served-target");
    let served = Served::start(&dir, &["exchange"]);
    let ((alice, _, alice_pw), (bob, _, bob_pw)) = (USERS[0], USERS[1]);
    let config = format!(
        "[target.\"exchange.eas\"]\nurl = \"{}/Microsoft-Server-ActiveSync\"\nca = \"{}\"\nversions = [\"14.1\"]\n\
         [[target.\"exchange.eas\".mailbox]]\nuser = \"{alice}\"\npassword = \"{alice_pw}\"\n\
         [[target.\"exchange.eas\".mailbox]]\nuser = \"{bob}\"\npassword = \"{bob_pw}\"\n\
         [target.\"exchange.eas\".adapter]\nsend_mail_from = \"{bob}\"\n",
        served.base_url("exchange"),
        served.state.join("ca.pem").display()
    );
    let file = dir.join("served.toml");
    std::fs::write(&file, config).unwrap();
    let reports = dir.join("reports");
    let out = Command::new(env!("CARGO_BIN_EXE_mailconform"))
        .arg("run")
        .arg("--target-config")
        .arg(&file)
        .arg("--report-dir")
        .arg(&reports)
        .args([
            "--name",
            "Secure Mail syncs with Exchange 2013|provisions the device before|no unprovisioned device|presents the policy key",
        ])
        .arg("features/activesync/exchange.feature")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .env_remove("RUST_LOG")
        .output()
        .expect("mailconform runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(stdout.lines().last(), Some("8 passed, 0 failed"), "{stdout}");
    let json: serde_json::Value = serde_json::from_slice(&std::fs::read(reports.join("requirements.json")).unwrap()).unwrap();
    let violated: Vec<&serde_json::Value> =
        json["requirements"].as_array().unwrap().iter().filter(|r| r["verdict"] != "verified").collect();
    assert!(violated.is_empty() && json["requirements"].as_array().unwrap().len() >= 5, "the served Exchange violates nothing: {json}");
}
