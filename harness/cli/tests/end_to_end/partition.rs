//! `run --partition hash:K/N` and `report merge`: the shards of a run select every scenario
//! exactly once, and their merged reports are the reports of one run over the whole selection;
//! the merge exits as that run would, and refuses what is not the shards of one run.

use crate::common;

use common::{fixture, mailconform, repo, scratch};
use std::path::Path;

fn json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))).unwrap()
}

/// (file, line, outcome, virtual time, tags) of every scenario of a `run.json`.
fn scenarios(run: &serde_json::Value) -> Vec<String> {
    run["scenarios"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| format!("{}:{} {} {} {}", s["file"], s["line"], s["outcome"], s["virtual_time"], s["tags"]))
        .collect()
}

/// The `file:line` of each scenario `list` printed.
fn located(listing: &str) -> Vec<String> {
    listing.lines().filter_map(|l| l.split_whitespace().next()).filter(|w| w.contains(".feature:")).map(str::to_string).collect()
}

#[test]
fn three_shards_merged_are_the_whole_run() {
    let dir = scratch("partition");
    let features = "features/network";
    let whole = dir.join("whole");
    let run = mailconform(repo(), &["run", "--report-dir", whole.to_str().unwrap(), features]);
    assert_eq!(run.code, 0, "{}\n{}", run.stdout, run.stderr);
    let mut shard_dirs = Vec::new();
    let mut listed = Vec::new();
    for k in 1..=3 {
        let part = format!("hash:{k}/3");
        let out = dir.join(format!("shard{k}"));
        let run = mailconform(repo(), &["run", "--partition", &part, "--report-dir", out.to_str().unwrap(), features]);
        assert!(run.code == 0 || run.code == 3, "{}\n{}", run.stdout, run.stderr);
        let list = mailconform(repo(), &["list", "--partition", &part, features]);
        listed.extend(located(&list.stdout));
        shard_dirs.push(out);
    }
    let whole_list = mailconform(repo(), &["list", features]);
    let mut all = located(&whole_list.stdout);
    listed.sort();
    all.sort();
    assert_eq!(listed, all, "every scenario in exactly one shard");
    let merged = dir.join("merged");
    let mut args = vec!["report", "merge"];
    args.extend(shard_dirs.iter().map(|d| d.to_str().unwrap()));
    args.extend(["--into", merged.to_str().unwrap()]);
    let merge = mailconform(repo(), &args);
    assert_eq!(merge.code, 0, "{}\n{}", merge.stdout, merge.stderr);
    assert_eq!(merge.last_line(), run.last_line());
    assert_eq!(scenarios(&json(&merged.join("run.json"))), scenarios(&json(&whole.join("run.json"))));
    assert_eq!(json(&merged.join("requirements.json")), json(&whole.join("requirements.json")));
    let testcases = |d: &Path| std::fs::read_to_string(d.join("junit.xml")).unwrap().matches("<testcase ").count();
    assert_eq!(testcases(&merged), testcases(&whole));
    assert!(std::fs::read_to_string(merged.join("index.html")).unwrap().contains("passed"));
}

#[test]
fn a_merge_fails_when_a_shard_failed_and_refuses_what_is_not_one_partition() {
    let dir = scratch("merge");
    let (pass, fail) = (dir.join("pass"), dir.join("fail"));
    let fixtures = |name: &str| fixture(name).to_str().unwrap().to_string();
    assert_eq!(mailconform(repo(), &["run", "--report-dir", pass.to_str().unwrap(), &fixtures("passing")]).code, 0);
    assert_eq!(mailconform(repo(), &["run", "--report-dir", fail.to_str().unwrap(), &fixtures("failing")]).code, 1);
    let merged = dir.join("merged");
    let merge =
        mailconform(repo(), &["report", "merge", pass.to_str().unwrap(), fail.to_str().unwrap(), "--into", merged.to_str().unwrap()]);
    assert_eq!(merge.code, 1, "{}\n{}", merge.stdout, merge.stderr);
    let twice =
        mailconform(repo(), &["report", "merge", pass.to_str().unwrap(), pass.to_str().unwrap(), "--into", merged.to_str().unwrap()]);
    assert_eq!(twice.code, 2);
    assert!(twice.stderr.contains("ran in both"), "{}", twice.stderr);
    let other_seed = dir.join("seed2");
    assert_eq!(mailconform(repo(), &["run", "--seed", "2", "--report-dir", other_seed.to_str().unwrap(), &fixtures("failing")]).code, 1);
    let seeds =
        mailconform(repo(), &["report", "merge", pass.to_str().unwrap(), other_seed.to_str().unwrap(), "--into", merged.to_str().unwrap()]);
    assert_eq!(seeds.code, 2);
    assert!(seeds.stderr.contains("different seeds"), "{}", seeds.stderr);
    let nothing = mailconform(repo(), &["report", "merge", dir.join("nowhere").to_str().unwrap(), "--into", merged.to_str().unwrap()]);
    assert_eq!(nothing.code, 2);
    assert!(nothing.stderr.contains("run.json"), "{}", nothing.stderr);
    let bad = mailconform(repo(), &["run", "--partition", "hash:4/3", &fixtures("passing")]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("hash:K/N"), "{}", bad.stderr);
}
