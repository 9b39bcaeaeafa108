//! A real UEM console under test (`run --target-config` with `[target.uem]`): `mailconform serve
//! uem` in another process stands for the Workspace ONE UEM console, reached at its URL. SEG V2
//! and Boxer ask it about their devices there; what its administrator does (a device made
//! compliant, non-compliant, wiped, removed) is the target's command adapter, here a script that
//! calls the console with curl, as an operator's script would call its console's API.

use crate::common;

use common::serve::Served;
use common::{all_ended, run_live, scratch};

const FEATURE: &str = "features/seg/compliance.feature";

/// The administrator's script: `set-state DEVICE_ID EMAIL STATE` on the served console.
fn script(dir: &std::path::Path, served: &Served) -> std::path::PathBuf {
    let path = dir.join("set-state");
    let text = format!(
        "#!/bin/sh\nexec curl -sSf --cacert '{}' -X PUT -H 'content-type: application/json' \
         -d \"{{\\\"user\\\": \\\"$2\\\", \\\"state\\\": \\\"$3\\\"}}\" '{}/_mailconform/devices/'\"$1\"\n",
        served.state.join("ca.pem").display(),
        served.base_url("uem"),
    );
    std::fs::write(&path, text).unwrap();
    std::fs::set_permissions(&path, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();
    path
}

/// The target: the console's URL and trust, and its adapter's command (`None`: no adapter).
fn config(served: &Served, command: Option<&str>) -> String {
    let mut out = format!("[target.uem]\nurl = \"{}\"\nca = \"{}\"\n", served.base_url("uem"), served.state.join("ca.pem").display());
    if let Some(command) = command {
        out += &format!("[target.uem.adapter]\nset_device_state = \"{command}\"\n");
    }
    out
}

#[test]
fn the_compliance_features_against_a_console_reached_only_at_its_url() {
    let dir = scratch("live-uem");
    let served = Served::start(&dir, &["uem"]);
    let command = format!("{} {{device_id}} {{email}} {{state}}", script(&dir, &served).display());
    let (run, all) = run_live(&dir, &config(&served, Some(&command)), "30", &[FEATURE]);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert!(
        run.stderr.contains("uem: the real component at https://127.0.0.1:") && run.stderr.contains("devices set by the adapter's"),
        "{shown}"
    );
    // SEG blocks and lets through what the console says of each device; ENS2 with it.
    all_ended(
        &all,
        "passed",
        &[
            "A non-compliant device is blocked, and unblocked when it is compliant again",
            "A request that names no device is blocked",
            "A device the console shows as compliant",
            "A device the console shows as non-compliant",
            "A device the console shows as enterprise wiped",
            "A device the console shows as removed",
        ],
        &shown,
    );
    assert_eq!(run.last_line(), "6 passed, 0 failed", "{shown}");
    // The console itself was asked: alice's Boxer, in the state the last scenario set, with
    // SEG's lookups counted.
    let devices: serde_json::Value = served.control_get("uem", "/devices");
    let (id, device) = devices.as_object().unwrap().iter().next().unwrap_or_else(|| panic!("no device: {devices}"));
    assert!(id.to_ascii_lowercase().starts_with("boxer"), "{devices}");
    assert_eq!((device["user"].as_str(), device["state"].as_str()), (Some("alice@example.test"), Some("removed")), "{devices}");
    assert!(device["lookups"].as_u64().unwrap() > 0, "{devices}");
}

/// Without the adapter's command, a scenario that sets a device's state is not applicable,
/// naming the operation; a command that fails fails the scenario with its exit status and stderr.
#[test]
fn without_its_command_a_scenario_is_not_applicable_and_a_failing_command_fails_it() {
    let dir = scratch("live-uem-adapter");
    let served = Served::start(&dir, &["uem"]);
    let one = [FEATURE, "--name", "A non-compliant device is blocked"];
    let (run, all) = run_live(&dir, &config(&served, None), "30", &one);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "skipped", &["A non-compliant device is blocked"], &shown);
    assert!(run.stdout.contains("setting a device's state in the console"), "{shown}");
    assert!(run.stdout.contains("no [target.uem.adapter] set_device_state command"), "{shown}");

    let (run, all) = run_live(&dir, &config(&served, Some("echo the console refused {device_id} >&2; exit 4")), "30", &one);
    let shown = format!("{all:?}\n{}\n{}", run.stdout, run.stderr);
    all_ended(&all, "failed", &["A non-compliant device is blocked"], &shown);
    assert!(run.stdout.contains("exited with exit status: 4: the console refused Boxer"), "{shown}");
}

/// `target check` of the console: its device API answers, in JSON, that it does not manage a
/// device it does not know.
#[test]
fn target_check_asks_the_consoles_device_api() {
    let dir = scratch("live-uem-check");
    let served = Served::start(&dir, &["uem"]);
    let file = dir.join("target.toml");
    std::fs::write(&file, config(&served, None)).unwrap();
    let run = common::mailconform(common::repo(), &["target", "check", "--timeout", "10", file.to_str().unwrap()]);
    assert_eq!(run.code, 0, "{}{}", run.stdout, run.stderr);
    assert!(
        run.stdout.contains(
            "the device API answers HTTP 404 (JSON) for mailconform-target-check: \"device mailconform-target-check is not managed by this console\""
        ),
        "{}",
        run.stdout
    );
}
