//! Widely used third-party clients, unchanged, against the fakes `mailconform serve` runs on
//! real sockets: exchangelib (EWS push, sending and reading mail, and NTLM with requests-ntlm), aioapns (APNs, certificate and token modes) and
//! pyactivesync (ActiveSync; its one version constant set to 14.1 for Exchange 2013, which
//! does not offer 16.1). The clients are Python packages pinned in
//! `tests/interop/requirements.txt`; without them these tests fail and say how to install them.

use crate::common;

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
const INSTALL: &str = "pip install -r tests/interop/requirements.txt";
const READY_WITHIN: Duration = Duration::from_secs(60);
const CLIENT_WITHIN: Duration = Duration::from_secs(180);

/// A running `mailconform serve`, killed when dropped (also when a test panics).
struct Serve {
    child: Child,
    state: PathBuf,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Serve {
    /// Starts `mailconform serve <roles> --state-dir <fresh dir>` and waits until it has
    /// written endpoints.json.
    fn start(label: &str, roles: &[&str]) -> Serve {
        Serve::start_with(label, roles, &[])
    }

    /// [`Serve::start`] with further command-line arguments (e.g. `--ews-auth ntlm`).
    fn start_with(label: &str, roles: &[&str], args: &[&str]) -> Serve {
        let dir = common::scratch(label);
        let state = dir.join("state");
        let (stdout, stderr) = (dir.join("serve.stdout"), dir.join("serve.stderr"));
        let child = Command::new(env!("CARGO_BIN_EXE_mailconform"))
            .arg("serve")
            .args(roles)
            .args(args)
            .arg("--state-dir")
            .arg(&state)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).expect("serve stdout file"))
            .stderr(File::create(&stderr).expect("serve stderr file"))
            .spawn()
            .expect("mailconform serve starts");
        let mut serve = Serve { child, state, stdout, stderr };
        serve.wait_ready();
        serve
    }

    fn output(&self) -> String {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        format!("serve stdout:\n{}\nserve stderr:\n{}", read(&self.stdout), read(&self.stderr))
    }

    /// endpoints.json is written last, once every role listens; poll until it parses.
    fn wait_ready(&mut self) {
        let endpoints = self.state.join("endpoints.json");
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll serve") {
                panic!("mailconform serve exited with {status} before writing {}\n{}", endpoints.display(), self.output());
            }
            let parsed = std::fs::read(&endpoints).ok().and_then(|b| serde_json::from_slice::<serde_json::Value>(&b).ok());
            if parsed.as_ref().is_some_and(|v| v["roles"].is_object()) {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "mailconform serve wrote no {} within {READY_WITHIN:?}\n{}",
                endpoints.display(),
                self.output()
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

/// Fails, saying how to install them, unless python3 has the pinned client packages.
fn require_clients() {
    const CHECK: &str = r##"
import sys
from importlib.metadata import version, PackageNotFoundError
problems = []
for line in open("tests/interop/requirements.txt"):
    line = line.split("#")[0].strip()
    if not line:
        continue
    name, _, pinned = line.partition("==")
    try:
        have = version(name)
    except PackageNotFoundError:
        problems.append(f"{name} is not installed")
        continue
    if pinned and have != pinned:
        problems.append(f"{name} {have} is installed; {pinned} is pinned")
print("; ".join(problems))
sys.exit(1 if problems else 0)
"##;
    let out = Command::new("python3").arg("-c").arg(CHECK).current_dir(WORKSPACE).output();
    match out {
        Err(e) => panic!("python3 cannot be run ({e}); the interop tests need Python 3 with the clients: {INSTALL}"),
        Ok(o) if !o.status.success() => panic!(
            "the interop clients are missing: {}{}\ninstall them with: {INSTALL}",
            String::from_utf8_lossy(&o.stdout).trim(),
            String::from_utf8_lossy(&o.stderr).trim()
        ),
        Ok(_) => {}
    }
}

struct ClientRun {
    status: ExitStatus,
    stdout: String,
    stderr: String,
}

/// Runs `python3 tests/interop/<script> <state>` from the workspace root, with a deadline.
fn run_client(serve: &Serve, script: &str) -> ClientRun {
    let dir = serve.state.parent().expect("state dir has a parent");
    let name = script.trim_end_matches(".py");
    let (out_path, err_path) = (dir.join(format!("{name}.stdout")), dir.join(format!("{name}.stderr")));
    let mut child = Command::new("python3")
        .arg(format!("tests/interop/{script}"))
        .arg(&serve.state)
        .current_dir(WORKSPACE)
        .env("PYTHONUNBUFFERED", "1")
        .stdin(Stdio::null())
        .stdout(File::create(&out_path).expect("client stdout file"))
        .stderr(File::create(&err_path).expect("client stderr file"))
        .spawn()
        .unwrap_or_else(|e| panic!("python3 cannot be run ({e}); the interop tests need Python 3 with the clients: {INSTALL}"));
    let deadline = Instant::now() + CLIENT_WITHIN;
    let status = loop {
        if let Some(status) = child.try_wait().expect("poll client") {
            break status;
        }
        if Instant::now() >= deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{script} did not finish within {CLIENT_WITHIN:?}\nstdout:\n{}\nstderr:\n{}\n{}",
                std::fs::read_to_string(&out_path).unwrap_or_default(),
                std::fs::read_to_string(&err_path).unwrap_or_default(),
                serve.output()
            );
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    ClientRun {
        status,
        stdout: std::fs::read_to_string(&out_path).unwrap_or_default(),
        stderr: std::fs::read_to_string(&err_path).unwrap_or_default(),
    }
}

/// Runs a client script against a fresh serve and asserts it succeeded; returns its JSON line.
fn client_passes(label: &str, roles: &[&str], script: &str) -> serde_json::Value {
    client_passes_with(label, roles, &[], script)
}

/// [`client_passes`] with further `serve` arguments.
fn client_passes_with(label: &str, roles: &[&str], args: &[&str], script: &str) -> serde_json::Value {
    require_clients();
    let serve = Serve::start_with(label, roles, args);
    let run = run_client(&serve, script);
    let hint = if run.status.code() == Some(3) {
        format!("\nthe client packages are missing; install them with: {INSTALL}")
    } else {
        String::new()
    };
    assert!(
        run.status.success(),
        "{script} failed ({}){hint}\nstdout:\n{}\nstderr:\n{}\n{}",
        run.status,
        run.stdout,
        run.stderr,
        serve.output()
    );
    let last = run.stdout.lines().last().unwrap_or_default();
    let result: serde_json::Value =
        serde_json::from_str(last).unwrap_or_else(|e| panic!("{script} printed no JSON result line ({e}):\n{}", run.stdout));
    assert_eq!(result["ok"], true, "{script}: {result}");
    result
}

#[test]
fn exchangelib_receives_push_notifications_from_the_exchange_fake() {
    let result = client_passes("interop-ews", &["exchange"], "ews_exchangelib.py");
    assert_eq!(result["unread_after"], result["unread_before"].as_u64().expect("unread_before") + 1, "{result}");
}

/// exchangelib sends from alice to bob with `send_and_save()` (CreateItem, SendAndSaveCopy),
/// bob finds the message with `inbox.filter(subject=…)` (FindItem, IsEqualTo restriction) and in
/// `inbox.all().only('subject', 'is_read')`, marks it read with `save(update_fields=['is_read'])`
/// (UpdateItem), and his inbox's unread count follows; alice has her copy in Sent Items
/// (tests/interop/ews_exchangelib_items.py).
#[test]
fn exchangelib_sends_finds_and_marks_mail_read_through_the_exchange_fake() {
    let result = client_passes("interop-ews-items", &["exchange"], "ews_exchangelib_items.py");
    assert_eq!(result["client"], "exchangelib", "{result}");
    assert_eq!(result["version"], "Exchange2013_SP1", "exchangelib's version guess from the served Exchange 2013: {result}");
    let subject = result["subject"].as_str().expect("subject");
    assert!(subject.starts_with("interop: exchangelib items ") && subject.ends_with(" & <more>"), "{result}");
    let unread_before = result["unread_before"].as_u64().expect("unread_before");
    let total_before = result["total_before"].as_u64().expect("total_before");
    assert_eq!((unread_before, total_before), (0, 0), "bob's inbox starts empty: {result}");
    assert_eq!(result["unread_after_send"], unread_before + 1, "{result}");
    assert_eq!(result["total_after_send"], total_before + 1, "{result}");
    assert_eq!(result["found_is_read"], false, "FindItem lists the new message unread: {result}");
    assert_eq!(result["listed"], true, "inbox.all().only('subject', 'is_read') lists it: {result}");
    assert_eq!(result["changekey_changed"], true, "UpdateItem answers the item's new ChangeKey: {result}");
    assert_eq!(result["unread_after_read"], unread_before, "{result}");
    assert_eq!(result["is_read_after"], true, "{result}");
    assert_eq!(result["sent_copies"], serde_json::json!([[subject, true]]), "alice keeps one read copy: {result}");
    assert_eq!(
        result["operations"],
        serde_json::json!(["ConvertId", "CreateItem", "FindItem", "GetFolder", "UpdateItem"]),
        "the fake's request journal: {result}"
    );
}

/// requests-ntlm (pyspnego) and exchangelib with auth_type=NTLM complete the real three-leg
/// handshake against EWS offering NTLM only, and a wrong password is refused by both.
#[test]
fn requests_ntlm_and_exchangelib_authenticate_with_ntlm_against_the_exchange_fake() {
    let result = client_passes_with("interop-ews-ntlm", &["exchange"], &["--ews-auth", "ntlm"], "ews_ntlm.py");
    assert_eq!(result["offered"], "NTLM", "{result}");
    assert_eq!(
        result["requests_ntlm_legs"],
        serde_json::json!([401, 401]),
        "a 401 challenge, then the 401 carrying the CHALLENGE message: {result}"
    );
    assert_eq!(result["wrong_password"], 401, "{result}");
    assert_eq!(result["exchangelib_auth_type"], "NTLM", "{result}");
    assert_eq!(result["exchangelib_wrong_password_refused"], true, "{result}");
    assert_eq!(result["recorded_auth"], serde_json::json!(["ntlm"]), "{result}");
}

/// Through the SEG fake (remove.unsupported.auth.for.ews=true) third-party clients see only
/// Basic: requests and exchangelib read the inbox with it, requests-ntlm gets its 401 back.
#[test]
fn third_party_ews_clients_go_through_the_seg_fake() {
    let result = client_passes_with("interop-seg", &["exchange", "seg"], &["--ews-auth", "ntlm,basic"], "seg_proxy.py");
    assert_eq!(result["offered"], serde_json::json!(["Basic"]), "{result}");
    assert_eq!((result["basic"].as_u64(), result["ntlm_without_basic"].as_u64()), (Some(200), Some(401)), "{result}");
    assert_eq!(result["removed_challenges"], serde_json::json!(["NTLM"]), "{result}");
}

#[test]
fn aioapns_pushes_to_the_apns_fake_with_certificate_and_token() {
    let result = client_passes("interop-apns", &["apns"], "apns_aioapns.py");
    let modes: Vec<&str> = result["modes"].as_array().expect("modes").iter().filter_map(|m| m["mode"].as_str()).collect();
    assert_eq!(modes, ["certificate", "token"], "{result}");
}

/// The entry for `role` in the `servers` list of eas_pyactivesync.py's result.
fn eas_server<'a>(result: &'a serde_json::Value, role: &str) -> &'a serde_json::Value {
    let servers = result["servers"].as_array().unwrap_or_else(|| panic!("no servers in {result}"));
    assert_eq!(servers.len(), 1, "one server expected: {result}");
    let server = &servers[0];
    assert_eq!(server["role"], role, "{result}");
    assert_eq!(server["provision"]["phases"], 2, "Provision in two phases: {server}");
    assert_eq!(server["ping_status"], "2", "the Ping held during delivery reports the Inbox changed: {server}");
    assert_eq!(server["subject"], format!("interop: pyactivesync via {role}"), "{server}");
    server
}

/// certsrv enrolls a request made by Python's cryptography at the AD CS fake, ldap3 reads the
/// certificate back from the served directory's userCertificate (tests/interop/smime_pki.py).
#[test]
fn certsrv_and_ldap3_enroll_and_read_back_a_certificate_at_the_adcs_fake() {
    let result = client_passes("smime-pki", &["adcs"], "smime_pki.py");
    assert_eq!(result["dn"], "CN=Alice Example,CN=Users,DC=example,DC=test", "{result}");
    assert!(result["ldap"].as_str().is_some_and(|u| u.starts_with("ldap://127.0.0.1:")), "{result}");
    assert!(result["ldaps"].as_str().is_some_and(|u| u.starts_with("ldaps://127.0.0.1:")), "{result}");
}

#[test]
fn pyactivesync_syncs_mail_from_the_traveler_fake() {
    let result = client_passes("interop-eas-traveler", &["traveler"], "eas_pyactivesync.py");
    let server = eas_server(&result, "traveler");
    assert_eq!(server["protocol_version"], "16.1", "{server}");
    assert!(server["version_override"].is_null(), "Traveler offers 16.1, pyactivesync's own version: {server}");
    // As recommended (NTS_AS_ENFORCE_POLICY=false) Traveler has no device policy for the client.
    assert_eq!(server["recommended"]["policy_status"], "2", "{server}");
    assert!(server["recommended"]["policy_key"].is_null(), "{server}");
}

#[test]
fn pyactivesync_syncs_mail_from_the_exchange_fake_at_14_1() {
    let result = client_passes("interop-eas-exchange", &["exchange"], "eas_pyactivesync.py");
    let server = eas_server(&result, "exchange");
    assert_eq!(server["protocol_version"], "14.1", "{server}");
    assert_eq!(server["version_override"], "14.1", "Exchange 2013 offers up to 14.1: {server}");
    assert!(!server["versions_offered"].as_array().expect("versions_offered").iter().any(|v| v == "16.1"), "{server}");
}

#[cfg(unix)]
#[test]
fn serve_stops_cleanly_on_sigterm() {
    let mut serve = Serve::start("interop-sigterm", &["all"]);
    let pid = serve.child.id().to_string();
    let kill = Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(kill.success(), "kill -TERM {pid} failed: {kill}");
    let deadline = Instant::now() + Duration::from_secs(10);
    let status = loop {
        if let Some(status) = serve.child.try_wait().expect("poll serve") {
            break status;
        }
        assert!(Instant::now() < deadline, "mailconform serve still runs 10 s after SIGTERM\n{}", serve.output());
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(status.success(), "mailconform serve exited with {status} on SIGTERM\n{}", serve.output());
    let stdout = std::fs::read_to_string(&serve.stdout).unwrap_or_default();
    assert!(stdout.lines().any(|l| l.trim() == "stopped"), "mailconform serve did not print `stopped` on SIGTERM\n{}", serve.output());
}
