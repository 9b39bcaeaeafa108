//! A live run against a target that is wrong in each of the ways a vendor's first run is: a
//! wrong password, a closed port, a certificate nobody told the run to trust, a server that
//! answers an HTML page, an adapter command that fails. Each ends its scenario failed (exit 1)
//! with a message saying what to fix, in seconds: never a hang or a panic of the harness.

use crate::common;

use common::serve::Served;
use common::{mailconform, scratch};
use mailconform_fakes::defaults::USERS;
use std::io::{Read, Write};
use std::path::Path;
use std::time::{Duration, Instant};

/// A target configuration of `exchange.eas` at `url` with alice's `password`, `trust` (a `ca =`
/// line or nothing) and `adapter` lines.
fn config(url: &str, trust: &str, password: &str, adapter: &str) -> String {
    let ((alice, _, _), (bob, _, bob_pw)) = (USERS[0], USERS[1]);
    format!(
        "[target.\"exchange.eas\"]\nurl = \"{url}/Microsoft-Server-ActiveSync\"\n{trust}\nversions = [\"14.1\"]\n\
         [[target.\"exchange.eas\".mailbox]]\nuser = \"{alice}\"\npassword = \"{password}\"\n\
         [[target.\"exchange.eas\".mailbox]]\nuser = \"{bob}\"\npassword = \"{bob_pw}\"\n\
         [target.\"exchange.eas\".adapter]\n{adapter}\n"
    )
}

/// Runs one scenario against `config`; gives the exit code and the failed step's message.
fn run(dir: &Path, name: &str, config: &str, scenario: &str) -> (i32, String) {
    let file = dir.join(format!("{name}.toml"));
    std::fs::write(&file, config).unwrap();
    let reports = dir.join(format!("reports-{name}"));
    let repo = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    let started = Instant::now();
    let r = mailconform(
        repo,
        &[
            "run",
            "--target-config",
            file.to_str().unwrap(),
            "--real-time-budget",
            "30",
            "--report-dir",
            reports.to_str().unwrap(),
            "--name",
            scenario,
            "features/activesync/exchange.feature",
        ],
    );
    assert!(started.elapsed() < Duration::from_secs(60), "{name}: the run took {:?}", started.elapsed());
    assert!(!r.stderr.contains("panicked at") || r.stdout.contains("Step panicked"), "{name}: the harness itself panicked: {}", r.stderr);
    let failure = r.stdout.lines().find(|l| l.contains("Step panicked")).unwrap_or_default().to_string();
    (r.code, failure)
}

/// A server that answers every request with a sign-in page, as a reverse proxy in front of a
/// forms login does.
fn html_server() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            let mut buf = [0u8; 4096];
            let _ = stream.read(&mut buf);
            let body = "<html><body><form>Sign in</form></body></html>";
            let _ = write!(
                stream,
                "HTTP/1.1 200 OK\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
        }
    });
    url
}

#[test]
fn each_wrong_target_fails_its_scenario_with_what_to_fix() {
    let dir = scratch("bad-targets");
    let served = Served::start(&dir, &["exchange"]);
    let url = served.base_url("exchange");
    let ca = format!("ca = \"{}\"", served.state.join("ca.pem").display());
    let (alice_pw, send) = (USERS[0].2, "send_mail_from = \"bob\"");
    let sync = "Secure Mail syncs with Exchange 2013";

    let (code, failure) = run(&dir, "password", &config(&url, &ca, "not-alices-password", send), sync);
    assert_eq!(code, 1);
    assert!(failure.contains("Unauthorized") && failure.contains("fix: check the mailbox's login and password"), "{failure}");

    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = closed.local_addr().unwrap().port();
    drop(closed);
    let (code, failure) = run(&dir, "closed", &config(&format!("https://127.0.0.1:{port}"), &ca, alice_pw, send), sync);
    assert_eq!(code, 1);
    assert!(failure.contains("refused") && failure.contains("fix: check the host and port"), "{failure}");

    let (code, failure) = run(&dir, "untrusted", &config(&url, "", alice_pw, send), sync);
    assert_eq!(code, 1);
    assert!(failure.contains("TlsFailed") && failure.contains("set ca ="), "{failure}");

    let (code, failure) = run(&dir, "html", &config(&html_server(), "", alice_pw, send), sync);
    assert_eq!(code, 1);
    assert!(failure.contains("LoginFormInsteadOfEas") && failure.contains("an HTML page"), "{failure}");

    let adapter = "deliver_mail = \"echo no such mailbox >&2; exit 3\"";
    let (code, failure) = run(&dir, "adapter", &config(&url, &ca, alice_pw, adapter), sync);
    assert_eq!(code, 1);
    assert!(failure.contains("exited with exit status: 3: no such mailbox"), "{failure}");
}
