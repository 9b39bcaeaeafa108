//! `mailconform check` on the policy documents of `tests/fixtures/mdx/`: the seed's STA
//! configuration passes; the problem documents, between them, break every rule, each finding
//! printed with its rule id and source; a document that cannot be read exits 2 naming what to fix.

use crate::common;

use common::{mailconform, Run};
use mailconform_fakes::mdx::Rule;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/mdx").join(name)
}

/// `mailconform check FILE` with `extra` arguments.
fn check(file: &Path, extra: &[&str]) -> Run {
    let file = file.to_str().expect("a UTF-8 path");
    let mut args = vec!["check", file];
    args.extend_from_slice(extra);
    mailconform(Path::new(env!("CARGO_MANIFEST_DIR")), &args)
}

/// The rule ids of the findings, read from `--format json`.
fn json_rules(file: &Path) -> Vec<String> {
    let out = check(file, &["--format", "json"]);
    let findings: serde_json::Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{e}: {}", out.stdout));
    let findings = findings.as_array().expect("a JSON array");
    for f in findings {
        for key in ["rule", "severity", "message", "source"] {
            assert!(f[key].is_string(), "{key} missing in {f}");
        }
    }
    findings.iter().map(|f| f["rule"].as_str().unwrap_or_default().to_string()).collect()
}

#[test]
fn the_seeds_sta_configuration_passes() {
    let out = check(&fixture("sta.xml"), &[]);
    assert_eq!(out.code, 0, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.ends_with("sta.xml: 0 errors, 0 warnings (3 other policies not checked)\n"), "{}", out.stdout);
    assert_eq!(json_rules(&fixture("sta.xml")), Vec::<String>::new());
}

#[test]
fn the_problem_documents_break_every_rule_between_them() {
    let expected: [(&str, i32, &[&str]); 6] = [
        (
            "gateway-only.xml",
            1,
            &[
                "background_gateway_without_services",
                "ticket_expiration_zero",
                "internal_ldap_ios_gateway",
                "internal_ldap_android_not_listed",
            ],
        ),
        ("traveler-off-the-sta-path.xml", 1, &["exchange_server_not_background_service", "ldap_placement_unknown"]),
        (
            "unrestricted.toml",
            1,
            &[
                "background_services_not_tunneled",
                "background_gateway_not_tunneled",
                "exchange_server_empty",
                "public_ldap_not_tunneled",
                "public_ldap_without_split_dns",
            ],
        ),
        ("services-without-gateway.toml", 0, &["background_services_without_gateway"]),
        ("traveler-fqdn.toml", 1, &["traveler_fqdn_without_substitution"]),
        ("traveler-url-path.xml", 0, &["traveler_url_path"]),
    ];
    let mut seen = BTreeSet::new();
    for (name, code, rules) in expected {
        let out = check(&fixture(name), &[]);
        assert_eq!(out.code, code, "{name}:\n{}{}", out.stdout, out.stderr);
        let lines: Vec<&str> = out.stdout.lines().collect();
        assert_eq!(lines.len(), rules.len() + 1, "{name}: one line per finding and a summary:\n{}", out.stdout);
        for (line, rule) in lines.iter().zip(rules) {
            let tagged = line.starts_with(&format!("error[{rule}]: ")) || line.starts_with(&format!("warning[{rule}]: "));
            assert!(tagged && line.contains(" (source: 00"), "{name}: {line}");
        }
        assert_eq!(json_rules(&fixture(name)), rules.to_vec(), "{name}");
        seen.extend(rules.iter().map(|r| r.to_string()));
    }
    let all: BTreeSet<String> = Rule::ALL.iter().map(|r| r.id().to_string()).collect();
    assert_eq!(seen, all, "every rule is shown by some fixture");
}

#[test]
fn findings_say_what_to_change() {
    let out = check(&fixture("traveler-off-the-sta-path.xml"), &[]);
    assert!(
        out.stdout.contains("add mail.example.com:443 to background network services (source: 001.connection-types)"),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("traveler-off-the-sta-path.xml: 1 error, 1 warning\n"), "{}", out.stdout);
    let out = check(&fixture("gateway-only.xml"), &[]);
    assert!(out.stdout.contains("users get frequent authentication prompts; leave the gateway policy unset"), "{}", out.stdout);
    let out = check(&fixture("traveler-fqdn.toml"), &[]);
    assert!(
        out.stdout.starts_with(
            "error[traveler_fqdn_without_substitution]: Secure Mail Exchange Server is mail.example.com, a bare FQDN, and the mail \
             server is Notes Traveler: "
        ),
        "{}",
        out.stdout
    );
    assert!(
        out.stdout.contains(
            "; set Secure Mail Exchange Server to the full URL https://mail.example.com/traveler/Microsoft-Server-ActiveSync, or add \
             that substitution rule to the Traveler server's Domino Internet Site and state it (traveler_substitution_rule = true, \
             or TravelerSubstitutionRule in XML) (source: 001.secure-mail-policies)"
        ),
        "{}",
        out.stdout
    );
    assert!(out.stdout.ends_with("traveler-fqdn.toml: 1 error, 0 warnings\n"), "{}", out.stdout);
    let out = check(&fixture("traveler-url-path.xml"), &[]);
    assert!(
        out.stdout.contains(
            "the path /traveler is not where Traveler serves ActiveSync (/traveler/Microsoft-Server-ActiveSync): Secure Mail sends \
             its requests to /traveler as written, which reaches Traveler only if the Domino site maps it there; set Secure Mail \
             Exchange Server to the full URL https://mail.example.com/traveler/Microsoft-Server-ActiveSync (source: \
             001.secure-mail-policies)"
        ),
        "{}",
        out.stdout
    );
}

#[test]
fn a_document_that_cannot_be_read_exits_2_naming_the_problem() {
    let out = check(&fixture("malformed.xml"), &[]);
    assert_eq!(out.code, 2, "{}{}", out.stdout, out.stderr);
    assert!(out.stdout.is_empty(), "{}", out.stdout);
    assert!(out.stderr.contains("malformed.xml: BackgroundServicesGateway: \"gateway3.example.com\" is not host:port"), "{}", out.stderr);

    let dir = tempfile::tempdir().expect("a temporary directory");
    let truncated = dir.path().join("policy_metadata.xml");
    std::fs::write(&truncated, "<PolicyMetadata>\n<Policies>\n<Policy>\n").unwrap();
    let out = check(&truncated, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("line 4: not well-formed XML: the document ends inside <Policy>"), "{}", out.stderr);

    let misspelt = dir.path().join("policies.toml");
    std::fs::write(&misspelt, "platform = \"iOS\"\nnetwork_acess = \"Blocked\"\n").unwrap();
    let out = check(&misspelt, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("policies.toml: line 2: ") && out.stderr.contains("network_acess"), "{}", out.stderr);

    let plist = dir.path().join("app.xml");
    std::fs::write(&plist, "<plist><dict/></plist>").unwrap();
    let out = check(&plist, &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("the root element is <plist>, not <PolicyMetadata>"), "{}", out.stderr);

    let out = check(&dir.path().join("missing.xml"), &[]);
    assert_eq!(out.code, 2, "{}", out.stderr);
    assert!(out.stderr.contains("missing.xml: cannot read the policy document"), "{}", out.stderr);
}
