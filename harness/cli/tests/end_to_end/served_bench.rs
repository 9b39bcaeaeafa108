//! `mailconform bench --served-only`: the served child and the ceiling both start, every
//! figure is measured with a rate above zero and no wrong answer, the child's memory is read,
//! and both children are gone when the bench returns. Speeds are not asserted: they belong to
//! `bench` itself.

use crate::common;

use std::time::Duration;

const FIGURES: [&str; 3] = ["EWS GetFolder h1", "EWS GetFolder h2", "APNs push h2"];

/// The number after `label ` in `line`, with its thousands separators removed.
fn number_after(line: &str, label: &str) -> f64 {
    let rest = line.split(&format!("{label} ")).nth(1).unwrap_or_else(|| panic!("no `{label}` in {line:?}"));
    let word = rest.split_whitespace().next().unwrap_or_default().replace(',', "");
    word.parse().unwrap_or_else(|_| panic!("`{label}` is not followed by a number in {line:?}"))
}

/// Processes whose command line names `dir` (the bench's children run on state directories
/// under the temporary directory the test gives them).
fn processes_under(dir: &std::path::Path) -> Vec<String> {
    let needle = dir.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read(e.path().join("cmdline")).ok())
        .map(|c| String::from_utf8_lossy(&c).replace('\0', " "))
        .filter(|c| c.contains(&needle))
        .collect()
}

#[test]
fn served_only_measures_every_figure_with_right_answers() {
    let scratch = common::scratch("served-bench");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_mailconform"))
        .args(["bench", "--served-only", "--served-ms", "300", "--served-connections", "2", "--served-streams", "4"])
        .env("TMPDIR", &scratch)
        .env_remove("RUST_LOG")
        .output()
        .expect("mailconform runs");
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    let both = format!("stdout:\n{stdout}\nstderr:\n{stderr}");
    assert_eq!(out.status.code(), Some(0), "{both}");
    assert!(stdout.contains("0.3 s per figure on each, 2 HTTP/1.1 connections, 4 HTTP/2 streams"), "{both}");
    for figure in FIGURES {
        let line = stdout.lines().find(|l| l.trim_start().starts_with(figure)).unwrap_or_else(|| panic!("no `{figure}` line\n{both}"));
        let parts: Vec<&str> = line.split(" | ").collect();
        assert_eq!(parts.len(), 3, "not `served ... | ceiling ... | served/ceiling R`: {line:?}");
        for (side, part) in [("served", parts[0]), ("ceiling", parts[1])] {
            assert!(number_after(part, side) > 0.0, "{side} rate is zero: {line:?}");
            assert!(part.trim_end().ends_with(" 0 failed"), "{side} had wrong answers: {line:?}\n{both}");
        }
        assert!(number_after(line, "served/ceiling") > 0.0, "{line:?}");
    }
    let rss = stdout.lines().find(|l| l.trim_start().starts_with("served RSS")).unwrap_or_else(|| panic!("no RSS line\n{both}"));
    for label in ["before", "peak", "after"] {
        assert!(number_after(rss, label) > 0.0, "{rss:?}");
    }
    // Both children were stopped before the bench returned (and their state directories removed).
    std::thread::sleep(Duration::from_millis(100));
    assert_eq!(processes_under(&scratch), Vec::<String>::new(), "children still running\n{both}");
    let left: Vec<_> = std::fs::read_dir(&scratch).map(|d| d.flatten().map(|e| e.path()).collect()).unwrap_or_default();
    assert!(left.is_empty(), "state directories left behind: {left:?}");
}
