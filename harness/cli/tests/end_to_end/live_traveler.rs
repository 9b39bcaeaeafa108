//! A real Notes Traveler under test (`run --target-config` with `[target.traveler]`):
//! `mailconform serve traveler` in another process stands for a vendor's Traveler, reached only
//! at its ActiveSync URL, mail and meetings (iMIP messages) delivered by a command adapter
//! (`fixtures/traveler-deliver`, the kind of script an operator writes for their own server). The harness never touches its
//! control API: what a Domino administrator would change is not applicable, what can be seen
//! from outside (OPTIONS on the full path, a device policy in Provision) is probed, and what a
//! mailbox holds is read with ActiveSync as its owner.

use crate::common;

use common::serve::Served;
use common::{all_ended, repo, run_live, scratch};
use mailconform_fakes::defaults::USERS;

/// The served Traveler as `[target.traveler]` at `url_path` under `base`, alice and bob, mail
/// delivered by the fixture through the served control API.
fn config(served: &Served, base: &str) -> String {
    let ((alice, alice_email, alice_pw), (bob, bob_email, bob_pw)) = (USERS[0], USERS[1]);
    let ca = served.state.join("ca.pem");
    let deliver = repo().join("harness/cli/tests/fixtures/traveler-deliver");
    format!(
        "[target.traveler]\nurl = \"{base}/traveler/Microsoft-Server-ActiveSync\"\nca = \"{ca}\"\nversions = [\"14.1\"]\n\
         [[target.traveler.mailbox]]\nuser = \"{alice}\"\nlogin = \"{alice_email}\"\npassword = \"{alice_pw}\"\n\
         [[target.traveler.mailbox]]\nuser = \"{bob}\"\nlogin = \"{bob_email}\"\npassword = \"{bob_pw}\"\n\
         [target.traveler.adapter]\ndeliver_mail = \"{deliver} {} {ca} {{email}}\"\n",
        served.base_url("traveler"),
        deliver = deliver.display(),
        ca = ca.display(),
    )
}

#[test]
fn the_traveler_features_against_a_traveler_reached_only_at_its_url() {
    let dir = scratch("live-traveler");
    let served = Served::start(&dir, &["traveler"]);
    let (run, all) = run_live(&dir, &config(&served, &served.base_url("traveler")), "60", &["features/traveler"]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("traveler: the real component at https://127.0.0.1:"), "{shown}");
    let of = |name: &str| -> Vec<&str> {
        let found: Vec<&str> = all.iter().filter(|(n, _)| n.contains(name)).map(|(_, o)| o.as_str()).collect();
        assert!(!found.is_empty(), "no scenario {name:?}: {all:?}");
        found
    };
    // Secure Mail on the full path syncs, and a message the adapter delivered arrives with one
    // Ping; the guide's NTS_AS_ENFORCE_POLICY=false is seen in Provision, so the rows that need
    // it apply and pass.
    for passes in ["The full Traveler path works on", "Traveler answers on port 443", "leaves the device policy to Endpoint Management"] {
        assert!(of(passes).iter().all(|o| *o == "passed"), "{passes}: {shown}");
    }
    assert_eq!(of("cannot apply Traveler's own policy, with NTS_AS_ENFORCE_POLICY=false"), ["passed"], "{shown}");
    // What the server holds is read with ActiveSync as the mailbox's owner: a message deleted
    // in Secure Mail is gone from it, one sent from Secure Mail is in bob's Inbox and alice's
    // Sent Items.
    assert_eq!(of("ordinary message deleted"), ["passed"], "{shown}");
    assert_eq!(of("Mail sent from Secure Mail reaches"), ["passed"], "{shown}");
    // Meetings arrive as iMIP messages through the adapter: the known limitation CXM-47936
    // shows on the server (a deleted meeting request or response stays), and an accepted
    // request is in the server's calendar.
    for meeting in ["A deleted meeting request stays", "A deleted meeting response stays", "Accepting a meeting request"] {
        assert_eq!(of(meeting), ["passed"], "{meeting}: {shown}");
    }
    // What only the Domino administrator changes, the plain-HTTP port of an HTTPS target.
    all_ended(
        &all,
        "skipped",
        &[
            "SyncML forced",
            "Forms authentication on /traveler",
            "name variations",
            "remote wipe",
            "Traveler answers on port 80",
            "With NTS_AS_ENFORCE_POLICY=true",
            "cannot apply Traveler's own policy, with NTS_AS_ENFORCE_POLICY=true",
        ],
        &shown,
    );
    assert!(
        run.stdout.contains("the traveler target sends no device policy in Provision, so it runs with NTS_AS_ENFORCE_POLICY=false"),
        "{shown}"
    );
    assert!(run.stdout.contains("a real Traveler is configured in the Domino Administrator client"), "{shown}");
    assert!(run.stdout.contains("give its plain-HTTP URL (--target traveler=http://...)"), "{shown}");
    // The bare FQDN reaches the target's /Microsoft-Server-ActiveSync and is not found there,
    // as the scenario says; its substitution rule is the administrator's.
    assert!(run.stdout.contains("✔  Then alice's Secure Mail cannot sync because the path is not found"), "{shown}");
    assert_eq!(run.last_line(), "10 passed, 0 failed, 13 not applicable", "{shown}");
    assert_eq!(run.code, 0, "{shown}");
}

/// A Traveler whose full path answers a login form is not configured as the guide recommends:
/// every scenario fails at the Background's probe, saying what the server answered.
#[test]
fn a_traveler_not_configured_as_the_guide_recommends_fails_at_the_probe() {
    let dir = scratch("live-traveler-forms");
    let served = Served::start(&dir, &["traveler"]);
    // The served Traveler with session authentication on /traveler, as an administrator left it.
    common::serve::control_put(
        &served.state,
        &served.base_url("traveler"),
        "/web-site",
        &serde_json::json!({
            "session_authentication": true, "override_session_authentication": [], "substitutions": []
        }),
    );
    let (run, all) = run_live(
        &dir,
        &config(&served, &served.base_url("traveler")),
        "60",
        &["features/traveler/connection.feature", "--name", "full Traveler path"],
    );
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(all.len(), 2, "{shown}");
    assert!(all.iter().all(|(_, o)| o == "failed"), "{shown}");
    assert!(run.stdout.contains("the traveler target is not configured as the guide recommends: OPTIONS https://127.0.0.1:"), "{shown}");
    assert_eq!(run.code, 1, "{shown}");
}
