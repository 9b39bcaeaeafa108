#![allow(dead_code)]

pub(crate) mod docker;
pub(crate) mod serve;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

pub(crate) fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// A fresh, empty directory under the target's test scratch space.
pub(crate) fn scratch(label: &str) -> PathBuf {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::SeqCst);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("mailconform-{label}-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch dir");
    dir
}

pub(crate) struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub(crate) fn last_line(&self) -> &str {
        self.stdout.lines().last().unwrap_or("")
    }
}

/// Runs the binary in `cwd` with `args`.
pub(crate) fn mailconform(cwd: &Path, args: &[&str]) -> Run {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_mailconform"))
        .current_dir(cwd)
        .args(args)
        .env_remove("CUCUMBER_FILTER_TAGS")
        .env_remove("RUST_LOG")
        .output()
        .expect("mailconform runs");
    Run {
        code: out.status.code().expect("exited normally"),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Each scenario's name and outcome (`passed`, `failed`, `skipped` for not applicable), from a
/// run's Cucumber JSON: a scenario's background is an element of its own with the scenario's
/// name, so the steps of both decide.
pub(crate) fn outcomes(report: &serde_json::Value) -> Vec<(String, String)> {
    let mut steps: Vec<(String, Vec<String>)> = Vec::new();
    for feature in report.as_array().unwrap() {
        for element in feature["elements"].as_array().unwrap() {
            let name = element["name"].as_str().unwrap().to_string();
            let statuses = element["steps"].as_array().unwrap().iter().filter_map(|s| s["result"]["status"].as_str().map(str::to_string));
            match steps.iter_mut().find(|(n, _)| *n == name) {
                Some((_, all)) => all.extend(statuses),
                None => steps.push((name, statuses.collect())),
            }
        }
    }
    let outcome = |statuses: &[String]| match () {
        _ if statuses.iter().any(|s| s == "failed") => "failed",
        _ if statuses.iter().all(|s| s == "passed") => "passed",
        _ => "skipped",
    };
    steps.iter().map(|(name, statuses)| (name.clone(), outcome(statuses).to_string())).collect()
}

/// The repository's root, where `features/` is.
pub(crate) fn repo() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// `run --target-config` of the configuration text `config` (written to `dir/target.toml`) over
/// `features`, with a real-time budget of `budget` seconds and reports in `dir/reports`: the run
/// and each scenario's outcome.
#[allow(dead_code)]
pub(crate) fn run_live(dir: &Path, config: &str, budget: &str, features: &[&str]) -> (Run, Vec<(String, String)>) {
    let file = dir.join("target.toml");
    std::fs::write(&file, config).unwrap();
    let reports = dir.join("reports");
    let args = ["run", "--target-config", file.to_str().unwrap(), "--report-dir", reports.to_str().unwrap(), "--real-time-budget", budget];
    let run = mailconform(repo(), &[&args[..], features].concat());
    let report =
        std::fs::read(reports.join("cucumber.json")).unwrap_or_else(|e| panic!("no cucumber.json ({e}): {}\n{}", run.stdout, run.stderr));
    let all = outcomes(&serde_json::from_slice(&report).unwrap());
    (run, all)
}

/// A port nobody listens on now.
#[allow(dead_code)]
pub(crate) fn free_port() -> u16 {
    std::net::TcpListener::bind(("127.0.0.1", 0)).unwrap().local_addr().unwrap().port()
}

/// The outcomes of the scenarios of `all` whose name holds `name` (at least one).
#[allow(dead_code)]
pub(crate) fn outcomes_of<'a>(all: &'a [(String, String)], name: &str) -> Vec<&'a str> {
    let found: Vec<&str> = all.iter().filter(|(n, _)| n.contains(name)).map(|(_, o)| o.as_str()).collect();
    assert!(!found.is_empty(), "no scenario {name:?}: {all:?}");
    found
}

/// Asserts that every scenario of `all` whose name holds one of `names` ended `outcome`
/// (`passed`, `failed`, `skipped` for not applicable); `shown` is what a failure prints.
#[allow(dead_code)]
pub(crate) fn all_ended(all: &[(String, String)], outcome: &str, names: &[&str], shown: &str) {
    for name in names {
        assert!(outcomes_of(all, name).iter().all(|o| *o == outcome), "{name}: not all {outcome}: {shown}");
    }
}
