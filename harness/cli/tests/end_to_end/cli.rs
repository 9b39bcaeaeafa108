//! The `mailconform` binary: exit codes, closing line, reports, listing, the step catalogue.

use crate::common;

use common::{fixture, mailconform, scratch};

fn path(p: &std::path::Path) -> &str {
    p.to_str().expect("utf-8 path")
}

#[test]
fn passing_fixture_exits_0_and_writes_reports() {
    let cwd = scratch("pass");
    let feature = fixture("passing");
    let run = mailconform(&cwd, &["run", path(&feature)]);
    assert_eq!(run.code, 0, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.last_line(), "1 passed, 0 failed");

    let junit = std::fs::read_to_string(cwd.join("reports/junit.xml")).expect("junit.xml written in reports/");
    let mut reader = quick_xml::Reader::from_str(&junit);
    let mut testcases = Vec::new();
    loop {
        match reader.read_event().expect("junit.xml is well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) if e.name().as_ref() == b"testcase" => {
                let name = e.try_get_attribute("name").unwrap().expect("testcase has a name");
                let class = e.try_get_attribute("classname").unwrap().expect("testcase has a classname");
                testcases.push((String::from_utf8_lossy(&class.value).into_owned(), String::from_utf8_lossy(&name.value).into_owned()));
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(testcases.len(), 1, "{junit}");
    let (class, name) = &testcases[0];
    // The fixture is not under `features/`: its class is its path (as cucumber shortens it), dotted.
    assert!(class.ends_with("tests.fixtures.passing.clock"), "{testcases:?}");
    assert_eq!(name, "sixteen minutes pass in virtual time");

    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(cwd.join("reports/cucumber.json")).expect("cucumber.json written"))
            .expect("valid JSON");
    let features = json.as_array().expect("cucumber.json is an array");
    assert_eq!(features.len(), 1);
    assert_eq!(features[0]["name"], "Passing clock");
    assert_eq!(features[0]["elements"].as_array().map(Vec::len), Some(1));
    assert_eq!(features[0]["tags"][0]["name"], "@source:004.failure.Q6", "tags keep their @ as in other Cucumber JSON writers");
}

#[test]
fn report_dir_option_is_honoured() {
    let cwd = scratch("repdir");
    let reports = cwd.join("nested/out");
    let run = mailconform(&cwd, &["run", "--report-dir", path(&reports), path(&fixture("passing"))]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(reports.join("junit.xml").is_file());
    assert!(reports.join("cucumber.json").is_file());
    let matrix: serde_json::Value =
        serde_json::from_slice(&std::fs::read(reports.join("tls-matrix.json")).expect("tls-matrix.json written")).expect("valid JSON");
    assert_eq!(matrix["rows"].as_array().map(Vec::len), Some(80), "{matrix}");
    assert!(std::fs::read_to_string(reports.join("tls-matrix.md"))
        .expect("tls-matrix.md written")
        .contains("| iOS before 9 | Oui | Oui |"));
}

/// `index.html` names the outcome and is the same page for two runs with the same seed.
#[test]
fn the_html_report_is_written_and_reproducible() {
    let cwd = scratch("html");
    let pages: Vec<String> = ["a", "b"]
        .iter()
        .map(|dir| {
            let reports = cwd.join(dir);
            let run = mailconform(&cwd, &["run", "--seed", "9", "--report-dir", path(&reports), path(&fixture("passing"))]);
            assert_eq!(run.code, 0, "{}", run.stderr);
            std::fs::read_to_string(reports.join("index.html")).expect("index.html written")
        })
        .collect();
    assert!(pages[0].contains("1 passed, 0 failed") && pages[0].contains("seed 9"), "{}", pages[0]);
    assert_eq!(pages[0], pages[1], "two runs with one seed wrote different pages");
}

/// Runs a fixture whose one scenario fails: exit code 1 and `0 passed, 1 failed`.
fn one_scenario_fails(label: &str, fixture_name: &str) {
    let cwd = scratch(label);
    let run = mailconform(&cwd, &["run", path(&fixture(fixture_name))]);
    assert_eq!(run.code, 1, "stdout:\n{}", run.stdout);
    assert_eq!(run.last_line(), "0 passed, 1 failed");
}

#[test]
fn undefined_step_exits_1() {
    one_scenario_fails("undef", "undefined");
}

#[test]
fn failing_assertion_exits_1() {
    one_scenario_fails("fail", "failing");
}

#[test]
fn unparsable_feature_exits_1() {
    one_scenario_fails("broken", "broken");
}

#[test]
fn nothing_selected_exits_3() {
    let cwd = scratch("none");
    let run = mailconform(&cwd, &["run", "--tags", "@nonexistent", path(&fixture("passing"))]);
    assert_eq!(run.code, 3, "stdout:\n{}\nstderr:\n{}", run.stdout, run.stderr);
    assert_eq!(run.last_line(), "0 passed, 0 failed");
    assert!(run.stderr.contains("no scenario was selected"), "{}", run.stderr);
}

#[test]
fn bad_tag_expression_exits_2() {
    let cwd = scratch("badtag");
    let run = mailconform(&cwd, &["run", "--tags", "@a and", path(&fixture("passing"))]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("invalid tag expression"), "{}", run.stderr);
    assert!(!cwd.join("reports").exists(), "nothing is written on a usage error");
}

#[test]
fn bad_name_regex_exits_2() {
    let cwd = scratch("badname");
    let run = mailconform(&cwd, &["run", "--name", "(", path(&fixture("passing"))]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("--name"), "{}", run.stderr);
}

#[test]
fn a_live_target_that_run_cannot_use_exits_2_saying_why() {
    let cwd = scratch("badtarget");
    let without_config = mailconform(&cwd, &["run", "--target", "exchange.eas=http://127.0.0.1:1/x", path(&fixture("passing"))]);
    assert_eq!(without_config.code, 2, "{}", without_config.stderr);
    assert!(without_config.stderr.contains("needs --target-config"), "{}", without_config.stderr);

    let config = cwd.join("targets.toml");
    std::fs::write(&config, "[target.gateway]\nurl = \"https://gateway.example.com\"\n").unwrap();
    let other_role = mailconform(&cwd, &["run", "--target-config", path(&config), path(&fixture("passing"))]);
    assert_eq!(other_role.code, 2, "{}", other_role.stderr);
    assert!(other_role.stderr.contains("target \"gateway\"") && other_role.stderr.contains("exchange.eas"), "{}", other_role.stderr);

    // The features' provider signs for a real APNs with a team key it knows: without one, the run says what to give.
    std::fs::write(&config, "[target.apns]\nurl = \"https://apns.example.com\"\ndevice_token = \"ab\"\n").unwrap();
    let no_key = mailconform(&cwd, &["run", "--target-config", path(&config), path(&fixture("passing"))]);
    assert_eq!(no_key.code, 2, "{}", no_key.stderr);
    assert!(no_key.stderr.contains("target \"apns\"") && no_key.stderr.contains("give apns_key (its .p8)"), "{}", no_key.stderr);

    // A listener calls the scenario's APNs back: without its fixed port, the run says what to set.
    std::fs::write(&config, "[target.\"listener.us-east-1\"]\nurl = \"https://listener.example.com\"\n").unwrap();
    let no_callback = mailconform(&cwd, &["run", "--target-config", path(&config), path(&fixture("passing"))]);
    assert_eq!(no_callback.code, 2, "{}", no_callback.stderr);
    assert!(no_callback.stderr.contains("set [callback.ports] apns = <port>, and [callback] ca and ca_key"), "{}", no_callback.stderr);

    std::fs::write(&config, "[target.\"exchange.eas\"]\nurl = \"http://127.0.0.1:1/Microsoft-Server-ActiveSync\"\n").unwrap();
    let unknown = mailconform(&cwd, &["run", "--target-config", path(&config), "--target", "traveler=http://x", path(&fixture("passing"))]);
    assert_eq!(unknown.code, 2, "{}", unknown.stderr);
    assert!(unknown.stderr.contains("has no target \"traveler\""), "{}", unknown.stderr);
    assert!(!cwd.join("reports").exists(), "nothing is written on a usage error");
}

#[test]
fn in_a_live_run_a_scenario_of_the_simulation_is_not_applicable_and_nothing_applied_exits_3() {
    let cwd = scratch("liverun");
    let config = cwd.join("targets.toml");
    std::fs::write(&config, "[target.\"exchange.eas\"]\nurl = \"http://127.0.0.1:1/Microsoft-Server-ActiveSync\"\n").unwrap();
    let run = mailconform(&cwd, &["run", "--target-config", path(&config), path(&repo_features().join("apns/execution.feature"))]);
    assert_eq!(run.code, 3, "every scenario drives the in-process Secure Mail: nothing applies\n{}", run.stdout);
    assert!(run.stdout.trim_end().ends_with("0 passed, 0 failed, 10 not applicable"), "{}", run.stdout);
    let junit = std::fs::read_to_string(cwd.join("reports/junit.xml")).unwrap();
    assert_eq!(junit.matches("<skipped message=\"this step drives in-process roles").count(), 10, "{junit}");
}

#[test]
fn missing_feature_path_exits_2() {
    let cwd = scratch("missing");
    let run = mailconform(&cwd, &["run", "no/such/features"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
    let run = mailconform(&cwd, &["run"]);
    assert_eq!(run.code, 2, "the default features/ is missing here");
}

#[test]
fn unusable_report_dir_exits_4() {
    let cwd = scratch("repfail");
    std::fs::write(cwd.join("a-file"), "").unwrap();
    let run = mailconform(&cwd, &["run", "--report-dir", "a-file/reports", path(&fixture("passing"))]);
    assert_eq!(run.code, 4, "{}", run.stderr);
    assert!(run.stderr.contains("report directory"), "{}", run.stderr);
}

#[test]
fn name_filter_selects_by_scenario_name() {
    let cwd = scratch("name");
    let run = mailconform(&cwd, &["run", "--name", "short", path(&fixture("concurrent"))]);
    assert_eq!(run.code, 0, "{}", run.stdout);
    assert_eq!(run.last_line(), "1 passed, 0 failed");
}

#[test]
fn list_shows_source_tags_and_lines() {
    let cwd = scratch("list");
    let run = mailconform(&cwd, &["list", path(&fixture("passing"))]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let line = run.stdout.lines().next().expect("one scenario listed");
    assert!(line.contains("clock.feature:3"), "{line}");
    assert!(line.contains("sixteen minutes pass in virtual time"), "{line}");
    assert!(line.contains("@source:004.failure.Q6"), "{line}");
}

#[test]
fn list_expands_outlines_with_inherited_tags_as_json() {
    let cwd = scratch("listjson");
    let run = mailconform(&cwd, &["list", "--format", "json", "--tags", "@spec:MS-ASCMD.2.2.1.13", path(&fixture("outline"))]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let listed: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON array");
    let rows = listed.as_array().expect("array");
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[0]["scenario"], "waiting 2 minutes");
    assert_eq!(rows[1]["line"], 14);
    let tags: Vec<&str> = rows[0]["tags"].as_array().unwrap().iter().map(|t| t.as_str().unwrap()).collect();
    assert_eq!(tags, ["@source:001.fixture", "@slow", "@spec:MS-ASCMD.2.2.1.13"]);
}

#[test]
fn list_with_nothing_selected_exits_3() {
    let cwd = scratch("listnone");
    let run = mailconform(&cwd, &["list", "--tags", "@nonexistent", path(&fixture("passing"))]);
    assert_eq!(run.code, 3);
}

#[test]
fn serve_reports_unavailable_role() {
    let cwd = scratch("serve");
    let run = mailconform(&cwd, &["serve", "ews"]);
    assert_eq!(run.code, 2);
    assert!(run.stderr.contains("role `ews` is not available"), "{}", run.stderr);
}

#[test]
fn bench_prints_table_and_summary() {
    let cwd = scratch("bench");
    let run = mailconform(&cwd, &["bench", "--runs", "2", "--served-ms", "200", path(&fixture("concurrent"))]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    assert!(run.stdout.contains("wall time"), "{}", run.stdout);
    assert!(run.stdout.contains("EWS GetFolder h2") && run.stdout.contains("served RSS"), "the served figures: {}", run.stdout);
    assert!(run.stdout.contains("17m 0s per run"), "{}", run.stdout);
    assert_eq!(run.last_line(), "2 passed, 0 failed");
    assert!(!run.stdout.contains("Feature:"), "bench prints no Cucumber output");
}

/// The repository's own features.
fn repo_features() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../features")
}

#[test]
fn steps_lists_phrases_with_their_words_and_an_example() {
    let cwd = scratch("steps");
    let run = mailconform(&cwd, &["steps", path(&repo_features())]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let block: Vec<&str> = run
        .stdout
        .split("\n\n")
        .find(|b| b.starts_with("Given {user} has Secure Mail for {platform} with the Exchange Server policy {string}\n"))
        .expect("the step is listed")
        .lines()
        .collect();
    assert!(block[1].starts_with("    ") && block[1].len() > 20, "a description follows the phrase: {block:?}");
    assert!(block.iter().any(|l| l.contains("{platform}") && l.ends_with("iOS or Android")), "{block:?}");
    assert!(block.iter().any(|l| l.contains("{user}") && l.contains("alice, bob")), "{block:?}");
    assert!(block.iter().any(|l| l.trim_start().starts_with("e.g. ") && l.contains("features/activesync/")), "{block:?}");
    assert!(run.last_line().ends_with("used by no scenario"), "{}", run.last_line());
}

#[test]
fn steps_names_the_scenario_that_uses_a_step_and_flags_the_others() {
    let cwd = scratch("stepsfix");
    let run = mailconform(&cwd, &["steps", "--format", "json", path(&fixture("passing"))]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let steps: serde_json::Value = serde_json::from_str(&run.stdout).expect("JSON array");
    let steps = steps.as_array().expect("array");
    assert!(steps.len() > 150, "{} steps", steps.len());
    for s in steps {
        assert!(s["description"].as_str().is_some_and(|d| !d.is_empty()), "no description: {s}");
        assert!(["Given", "When", "Then"].contains(&s["keyword"].as_str().unwrap_or_default()), "{s}");
    }
    let minutes = steps.iter().find(|s| s["phrase"] == "{int} minute(s) pass(es)").expect("listed");
    assert_eq!(minutes["uses"], 1);
    assert!(minutes["example"]["file"].as_str().is_some_and(|f| f.ends_with("passing/clock.feature")), "{minutes}");
    assert_eq!((&minutes["example"]["line"], &minutes["example"]["scenario"]), (&3.into(), &"sixteen minutes pass in virtual time".into()));
    let region = steps.iter().find(|s| s["phrase"] == "the {region} listener becomes unreachable").expect("listed");
    assert_eq!((&region["uses"], &region["example"]), (&0.into(), &serde_json::Value::Null), "no scenario of the fixture uses it");
    let words: Vec<&str> = region["parameters"][0]["words"].as_array().expect("words").iter().filter_map(|w| w.as_str()).collect();
    assert_eq!(words, ["Americas", "EMEA", "APAC", "us-east-1", "eu-west-1", "ap-southeast-1"]);
}

#[test]
fn steps_with_a_missing_feature_path_exits_2() {
    let cwd = scratch("stepsmissing");
    let run = mailconform(&cwd, &["steps", "no/such/features"]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("does not exist"), "{}", run.stderr);
}

#[test]
fn requirements_are_reported_one_by_one_and_runs_compare_side_by_side() {
    let cwd = scratch("compare");
    let feature = repo_features().join("activesync/exchange.feature");
    for (dir, version) in [("fakes-12", "12.1"), ("fakes-14", "14.1")] {
        let name = format!("unprovisioned device sync: ActiveSync {version} with no policy key");
        let run = mailconform(&cwd, &["run", "--report-dir", dir, "--name", &name, path(&feature)]);
        assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    }
    let md = std::fs::read_to_string(cwd.join("fakes-12/requirements.md")).expect("requirements.md written");
    assert!(md.contains("`MS-ASCMD_R7564`") && md.contains("held in"), "12.1 answers HTTP 449 for Status 142:\n{md}");
    let json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(cwd.join("fakes-14/requirements.json")).expect("requirements.json written")).expect("JSON");
    let ids: Vec<&str> = json["requirements"].as_array().expect("requirements").iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, ["MS-ASCMD_R4906"], "14.1 answers Status 142: {json}");

    let compared = mailconform(&cwd, &["report", "compare", "fakes-12", "fakes-14"]);
    assert_eq!(compared.code, 0, "{}", compared.stderr);
    assert!(compared.stdout.contains("| **`MS-ASCMD_R7564` (2.2.2)** | verified | not exercised |"), "{}", compared.stdout);
    assert!(compared.stdout.contains("| **`MS-ASCMD_R4906` (2.2.2)** | not exercised | verified |"), "{}", compared.stdout);

    let record = mailconform(&cwd, &["run", "--record", "rec", path(&feature)]);
    assert_eq!(record.code, 2, "--record without --target-config is a usage error: {}", record.stderr);
    assert!(record.stderr.contains("--target-config"), "{}", record.stderr);

    let missing = mailconform(&cwd, &["report", "compare", "fakes-12", "nowhere"]);
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("nowhere/requirements.json"), "{}", missing.stderr);
}
