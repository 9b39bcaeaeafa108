//! A real AD CS under test (`run --target-config` with `[target.adcs]`): `mailconform serve adcs`
//! in another process stands for the domain's CA and its web enrollment site, reached only at its
//! URL. Its "administrator" (this test) issues four templates through its control API, as the
//! Certificate Templates console would, and the target declares them; the features' users sign
//! in at its `/certsrv` with the target's mailboxes, and read their `userCertificate` in its
//! directory over LDAPS as themselves. An empty `userCertificate` (which a real directory,
//! keeping earlier runs' certificates, cannot show) and templates set otherwise than declared
//! are not applicable.

use crate::common;

use common::serve::{control_put, Served};
use common::{all_ended, run_live, scratch};
use mailconform_fakes::defaults;

/// The templates the CA issues: name, and the TOML of the purpose its base template gives.
const TEMPLATES: [(&str, &str); 4] = [
    ("SecureMailSigning", "purpose = \"signing\"\n"),
    ("SecureMailEncryption", "purpose = \"encryption\"\n"),
    ("SecureMailBoth", ""),
    ("SecureMailUser", ""),
];

/// `serve adcs` with the four templates issued, each exportable, published, 2048-bit minimum.
fn serve_adcs(dir: &std::path::Path) -> Served {
    let served = Served::start(dir, &["adcs"]);
    for (name, purpose) in TEMPLATES {
        let purpose = purpose.split('"').nth(1);
        let spec = serde_json::json!({ "purpose": purpose, "min_key_bits": 2048, "exportable": true, "publish_to_directory": true });
        control_put(&served.state, &served.base_url("adcs"), &format!("/templates/{name}"), &spec);
    }
    served
}

/// The target: the CA's URL and trust, its directory, alice's and bob's accounts, the templates
/// as issued.
fn config(served: &Served) -> String {
    let ldaps = served.endpoints["roles"]["adcs"]["services"]["ldaps"].as_str().expect("the directory's LDAPS port");
    let mut out = format!(
        "[target.adcs]\nurl = \"{}\"\nca = \"{}\"\ndirectory = \"{ldaps}\"\nbase_dn = \"{}\"\n",
        served.base_url("adcs"),
        served.state.join("ca.pem").display(),
        mailconform_fakes::directory::BASE_DN,
    );
    for (user, email, password) in defaults::USERS {
        out += &format!("[[target.adcs.mailbox]]\nuser = \"{user}\"\npassword = \"{password}\"\nemail = \"{email}\"\n");
    }
    for (name, purpose) in TEMPLATES {
        out += &format!("[target.adcs.template.{name}]\n{purpose}min_key_bits = 2048\nexportable = true\npublish_to_directory = true\n");
    }
    out
}

#[test]
fn the_enrollment_features_against_a_ca_reached_only_at_its_url() {
    let dir = scratch("live-adcs");
    let served = serve_adcs(&dir);
    let recorded = dir.join("recorded");
    let (run, all) = run_live(&dir, &config(&served), "60", &["--record", recorded.to_str().unwrap(), "features/smime/enrollment.feature"]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(run.stderr.contains("adcs: the real component at https://127.0.0.1:"), "{shown}");
    // What the user gets from the enrollment site: certificates of each template's purpose for
    // the user's address, a template the CA does not issue denied, the PFX export, signing in
    // with a certificate allowed to authenticate and not with one that is not.
    all_ended(
        &all,
        "passed",
        &[
            "Each duplicated template gives a certificate of its one purpose",
            "A template the CA was not told to issue gives no certificate",
            "The exported PFX carries the certificate",
            "A template duplicated from \"User\" gives one certificate for signing and encryption",
            "the user signs in to the enrollment site without a password",
            "A certificate without Client Authentication is refused",
            "both certificates are in the user's userCertificate",
        ],
        &shown,
    );
    // An empty userCertificate says nothing of a real directory; a template set otherwise than
    // its administrator set it is another CA.
    all_ended(
        &all,
        "skipped",
        &[
            "A request with a key under the templates' 2048-bit minimum is denied",
            "the user must publish the certificate himself",
            "A template that does not allow the private key to be exported",
        ],
        &shown,
    );
    assert!(run.stdout.contains("a real directory keeps the certificates of earlier runs"), "{shown}");
    assert!(run.stdout.contains("its target configuration does not declare this one so"), "{shown}");
    assert_eq!(run.last_line(), "7 passed, 0 failed, 3 not applicable", "{shown}");
    assert_eq!(run.code, 0, "{shown}");
    // --record: a request at the site (certfnsh.asp), then the certificate and the CA's
    // (certnew.cer), the password redacted.
    let scenario = recorded.join("smime-enrollment.feature-63/exchanges.json");
    let listing: serde_json::Value = serde_json::from_slice(&std::fs::read(&scenario).expect("recorded exchanges")).unwrap();
    let urls: Vec<&str> = listing.as_array().unwrap().iter().map(|e| e["url"].as_str().unwrap().rsplit('/').next().unwrap()).collect();
    assert!(
        urls.first().is_some_and(|u| u.starts_with("certfnsh.asp")) && urls.iter().filter(|u| u.starts_with("certnew.cer")).count() == 2,
        "{urls:?}"
    );
    let first = &listing[0]["request_headers"];
    let authorization = first.as_array().unwrap().iter().find(|h| h[0] == "authorization");
    assert_eq!(authorization.map(|h| &h[1]), Some(&serde_json::json!("(redacted)")), "{first}");
}

/// A wrong password fails the request with the site's refusal; a user without an account in the
/// target is not applicable, naming what to add.
#[test]
fn a_wrong_password_fails_at_the_site_and_a_missing_account_is_not_applicable() {
    let dir = scratch("live-adcs-accounts");
    let served = serve_adcs(&dir);
    let scenario = ["features/smime/enrollment.feature", "--name", "A template duplicated from \"User\""];
    let wrong = config(&served).replace("password = \"alice-pw\"", "password = \"not-alices\"");
    let (run, all) = run_live(&dir, &wrong, "60", &scenario);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "failed", &["A template duplicated from \"User\""], &shown);
    assert!(run.stdout.contains("alice") && run.stdout.contains("401"), "{shown}");

    let without_alice =
        config(&served).replacen("[[target.adcs.mailbox]]\nuser = \"alice\"", "[[target.adcs.mailbox]]\nuser = \"carol\"", 1);
    let (run, all) = run_live(&dir, &without_alice, "60", &scenario);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "skipped", &["A template duplicated from \"User\""], &shown);
    assert!(run.stdout.contains("no mailbox for alice: add [[target.adcs.mailbox]] user = \"alice\""), "{shown}");
}

/// `target check` of the CA: the site asks anonymous users to sign in, each mailbox downloads the
/// CA's certificate and reads its own entry in the directory, and a wrong password is named
/// with what to check, at the site and at the directory.
#[test]
fn target_check_signs_each_account_in_at_the_enrollment_site() {
    let dir = scratch("live-adcs-check");
    let served = serve_adcs(&dir);
    let file = dir.join("target.toml");
    std::fs::write(&file, config(&served)).unwrap();
    let good = common::mailconform(common::repo(), &["target", "check", "--timeout", "10", file.to_str().unwrap()]);
    assert_eq!(good.code, 0, "{}{}", good.stdout, good.stderr);
    assert!(good.stdout.contains("the enrollment site asks for a sign-in (Basic"), "{}", good.stdout);
    assert!(good.stdout.contains("bob: signed in as \"bob\"; the CA's certificate downloaded"), "{}", good.stdout);
    // The directory: each account binds by its address and reads its own entry.
    assert!(
        good.stdout.contains("bob: bound as \"bob@example.test\"; the entry's userCertificate holds 0 certificate(s)"),
        "{}",
        good.stdout
    );

    std::fs::write(&file, config(&served).replace("password = \"bob-pw\"", "password = \"not-bobs\"")).unwrap();
    let wrong = common::mailconform(common::repo(), &["target", "check", "--timeout", "10", file.to_str().unwrap()]);
    assert_eq!(wrong.code, 1, "{}", wrong.stdout);
    assert!(
        wrong.stdout.contains("bob: wrong password or login: the CA certificate's download as \"bob\" refused with HTTP 401"),
        "{}",
        wrong.stdout
    );
    assert!(wrong.stdout.contains("bob: the LDAP server refused the bind as bob@example.test"), "{}", wrong.stdout);
}
