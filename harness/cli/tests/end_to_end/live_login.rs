//! A real identity provider under test (`run --target-config` with `[target.login]`):
//! `mailconform serve login` in another process stands for Microsoft Entra ID, reached only at
//! its issuer URL. The run discovers its configuration and keys; the scenario's Exchange trusts
//! them, and Boxer's modern authentication signs in there with the target's mailbox (the
//! password grant). The scenarios in which no Boxer signs in with OAuth are not applicable.

use crate::common;

use common::serve::Served;
use common::{all_ended, run_live, scratch};

const FEATURE: &str = "features/seg/auth_methods.feature";

/// The rows in which Boxer authenticates with OAuth.
const OAUTH_ROWS: [&str; 2] =
    ["Boxer with OAuth for ActiveSync, EWS offering \"OAuth\"", "Boxer with OAuth for ActiveSync, EWS offering \"Basic\""];

/// The target: the served issuer's URL and trust, an application, alice's account.
fn config(served: &Served) -> String {
    format!(
        "[target.login]\nurl = \"{}\"\nca = \"{}\"\nclient_id = \"mailconform-boxer\"\n\
         [[target.login.mailbox]]\nuser = \"alice\"\nlogin = \"alice@example.test\"\npassword = \"alice-pw\"\n",
        served.base_url("login"),
        served.state.join("ca.pem").display(),
    )
}

/// The tokens the served issuer handed out: (user, audience).
fn issued(served: &Served) -> Vec<(String, String)> {
    let page: serde_json::Value = served.control_get("login", "/issued");
    let entries = page["entries"].as_array().expect("a page of the issuer's journal");
    entries.iter().map(|e| (e["user"].as_str().unwrap().to_string(), e["audience"].as_str().unwrap().to_string())).collect()
}

#[test]
fn the_oauth_rows_against_an_identity_provider_reached_only_at_its_url() {
    let dir = scratch("live-login");
    let served = Served::start(&dir, &["login"]);
    let recorded = dir.join("recorded");
    let (run, all) = run_live(&dir, &config(&served), "60", &["--record", recorded.to_str().unwrap(), FEATURE]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("login: the real component at https://127.0.0.1:"), "{shown}");
    assert!(run.stderr.contains("(issuer https://login.example.test/example.test/v2.0)"), "{shown}");
    // Boxer syncs with the provider's token, which the scenario's Exchange accepts; with EWS
    // offering only Basic, ENS2 cannot register it.
    all_ended(&all, "passed", &OAUTH_ROWS, &shown);
    all_ended(
        &all,
        "skipped",
        &[
            "Boxer with Basic for ActiveSync, EWS offering \"Basic\"",
            "Boxer with Certificate for ActiveSync",
            "Boxer with Basic for ActiveSync, EWS offering \"OAuth\"",
        ],
        &shown,
    );
    assert_eq!(run.last_line(), "2 passed, 0 failed, 4 not applicable", "{shown}");
    assert_eq!(run.code, 0, "{shown}");
    // One token per row, for alice, to the mail server's audience, from the provider itself.
    let audience = "https://mail.example.test".to_string();
    assert_eq!(issued(&served), vec![("alice@example.test".to_string(), audience.clone()), ("alice@example.test".into(), audience)]);
    // --record: the password grant, its password and the token it answered redacted.
    let scenario = recorded.join("seg-auth_methods.feature-24");
    let listing: serde_json::Value = serde_json::from_slice(&std::fs::read(scenario.join("exchanges.json")).expect("recorded")).unwrap();
    assert!(listing[0]["url"].as_str().unwrap().ends_with("/oauth2/v2.0/token"), "{listing}");
    let request = std::fs::read_to_string(scenario.join("001-request.bin")).unwrap();
    assert!(request.contains("username=alice%40example.test") && request.contains("password=%28redacted%29"), "{request}");
    assert!(!request.contains("alice-pw"), "{request}");
    let answer = std::fs::read_to_string(scenario.join("001-response.bin")).unwrap();
    assert!(answer.contains("\"access_token\":\"(redacted)\""), "{answer}");
}

/// A wrong password fails the row with the provider's refusal and what to check; a user without
/// an account in the target is not applicable, naming what to add.
#[test]
fn a_wrong_password_fails_at_the_provider_and_a_missing_account_is_not_applicable() {
    let dir = scratch("live-login-accounts");
    let served = Served::start(&dir, &["login"]);
    let one = [FEATURE, "--name", OAUTH_ROWS[0]];
    let wrong = config(&served).replace("alice-pw", "not-alices");
    let (run, all) = run_live(&dir, &wrong, "60", &one);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "failed", &[OAUTH_ROWS[0]], &shown);
    assert!(run.stdout.contains("refused the password grant for alice@example.test: invalid_grant"), "{shown}");
    assert!(run.stdout.contains("check the mailbox's login and password"), "{shown}");

    let without_alice = config(&served).replace("user = \"alice\"", "user = \"carol\"");
    let (run, all) = run_live(&dir, &without_alice, "60", &one);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "skipped", &[OAUTH_ROWS[0]], &shown);
    assert!(run.stdout.contains("no mailbox for alice: add [[target.login.mailbox]] user = \"alice\""), "{shown}");
    assert!(issued(&served).is_empty(), "no token was issued");
}

/// A provider the run cannot use stops it before any scenario (exit 2), saying what to fix:
/// no application to sign in as, a URL that is not the issuer.
#[test]
fn a_provider_that_cannot_be_used_stops_the_run_with_what_to_fix() {
    let dir = scratch("live-login-unusable");
    let served = Served::start(&dir, &["login"]);
    let file = dir.join("target.toml");
    let run = |config: String| {
        std::fs::write(&file, config).unwrap();
        common::mailconform(common::repo(), &["run", "--target-config", file.to_str().unwrap(), FEATURE])
    };
    let no_client = run(config(&served).replace("client_id = \"mailconform-boxer\"\n", ""));
    assert_eq!(no_client.code, 2, "{}{}", no_client.stdout, no_client.stderr);
    assert!(
        no_client.stderr.contains("target \"login\"")
            && no_client.stderr.contains("give client_id (an application allowed the password grant;"),
        "{}",
        no_client.stderr
    );
    let base = served.base_url("login");
    let elsewhere = run(config(&served).replace(&format!("url = \"{base}\""), &format!("url = \"{base}/tenant\"")));
    assert_eq!(elsewhere.code, 2, "{}{}", elsewhere.stdout, elsewhere.stderr);
    assert!(
        elsewhere.stderr.contains(&format!("its discovery failed: {base}/tenant/.well-known/openid-configuration answered HTTP 404")),
        "{}",
        elsewhere.stderr
    );
    assert!(elsewhere.stderr.contains("check that the url is the provider's issuer"), "{}", elsewhere.stderr);
}

/// `target check` of the provider: its configuration and keys are found, each mailbox gets a
/// token the scenarios' Exchange would accept; a wrong password and a wrong audience are named
/// with what to change.
#[test]
fn target_check_signs_each_account_in_at_the_provider() {
    let dir = scratch("live-login-check");
    let served = Served::start(&dir, &["login"]);
    let file = dir.join("target.toml");
    let check = |config: String| {
        std::fs::write(&file, config).unwrap();
        common::mailconform(common::repo(), &["target", "check", "--timeout", "10", file.to_str().unwrap()])
    };
    // Exit code `code`, and each of `texts` in what `target check` printed.
    let says = |run: &common::Run, code: i32, texts: &[&str]| {
        assert_eq!(run.code, code, "{}{}", run.stdout, run.stderr);
        for text in texts {
            assert!(run.stdout.contains(text), "{text}: {}", run.stdout);
        }
    };
    let good = check(config(&served));
    says(
        &good,
        0,
        &[
            "the OpenID configuration names the issuer https://login.example.test/example.test/v2.0",
            "alice: signed in as \"alice@example.test\"; the token names alice@example.test for https://mail.example.test",
        ],
    );
    let wrong = check(config(&served).replace("alice-pw", "not-alices"));
    says(&wrong, 1, &["alice: the token endpoint refused the password grant for alice@example.test: invalid_grant"]);
    // Tokens asked for another resource would not be accepted by the scenarios' Exchange.
    let other = check(config(&served).replace("client_id", "scope = \"https://graph.example.test/Mail.Read\"\nclient_id"));
    says(
        &other,
        1,
        &[
            "would be refused by the scenarios' Exchange: the JWT audience is [\"https://graph.example.test\"]",
            "set audience to what the provider's tokens name the mail server as",
        ],
    );
}

/// A provider whose sign-in the harness cannot do itself (multi-factor, device code): the
/// target's `access_token` command prints each user's token, here a script that gets it from
/// the served provider as an operator's tool would, and the configuration holds no client_id
/// and no password. The scenario's Exchange still verifies the token against the provider's
/// keys; a command that fails fails the row with its stderr, and `target check` signs in the
/// same way.
#[test]
fn a_token_command_signs_in_where_the_harness_cannot() {
    let dir = scratch("live-login-command");
    let served = Served::start(&dir, &["login"]);
    let script = dir.join("get-token");
    std::fs::write(
        &script,
        format!(
            "#!/bin/sh\n# get-token LOGIN SCOPE\ncurl -sf --cacert '{ca}' -d grant_type=password -d client_id=mailconform-boxer \
             --data-urlencode \"username=$1\" -d password=alice-pw --data-urlencode \"scope=$2\" '{base}{path}' \
             | python3 -c 'import json, sys; print(json.load(sys.stdin)[\"access_token\"])'\n",
            ca = served.state.join("ca.pem").display(),
            base = served.base_url("login"),
            path = mailconform_auth::issuer_host::contract::TOKEN_PATH,
        ),
    )
    .unwrap();
    let config = |command: &str| {
        format!(
            "[target.login]\nurl = \"{}\"\nca = \"{}\"\n[[target.login.mailbox]]\nuser = \"alice\"\nlogin = \"alice@example.test\"\n\
             [target.login.adapter]\naccess_token = \"{command}\"\n",
            served.base_url("login"),
            served.state.join("ca.pem").display(),
        )
    };
    let good = config(&format!("sh {} {{login}} {{scope}}", script.display()));
    let one = [FEATURE, "--name", OAUTH_ROWS[0]];
    let (run, all) = run_live(&dir, &good, "60", &one);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "passed", &[OAUTH_ROWS[0]], &shown);
    assert!(run.stderr.contains("signs in by the command `sh "), "{shown}");
    assert_eq!(issued(&served), vec![("alice@example.test".to_string(), "https://mail.example.test".to_string())], "the script's token");

    let (run, all) = run_live(&dir, &config("echo MFA required for {login} >&2; exit 3"), "60", &one);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "failed", &[OAUTH_ROWS[0]], &shown);
    assert!(run.stdout.contains("exited with exit status: 3: MFA required for alice@example.test"), "{shown}");

    let file = dir.join("check.toml");
    std::fs::write(&file, &good).unwrap();
    let check = common::mailconform(common::repo(), &["target", "check", "--timeout", "10", file.to_str().unwrap()]);
    assert_eq!(check.code, 0, "{}{}", check.stdout, check.stderr);
    assert!(check.stdout.contains("alice: signed in as \"alice@example.test\"; the token names alice@example.test"), "{}", check.stdout);
}
