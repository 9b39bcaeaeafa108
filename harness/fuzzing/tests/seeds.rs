//! Every fuzz target's body over its committed seed corpus (`fuzz/seeds/<target>/`), on the
//! stable toolchain: each seed must be read as a valid message of its protocol (a seed the
//! decoder refuses explores nothing behind the first check), and nothing may panic. Files
//! added from a fuzzing run (a crash turned into a seed) are held to the same rule.

use mailconform_fuzzing::{Outcome, TARGETS};
use std::path::{Path, PathBuf};

fn seeds_of(target: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/seeds").join(target);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_seed_is_accepted_by_its_target() {
    let mut refused = Vec::new();
    for target in TARGETS {
        let files = seeds_of(target.name);
        assert!(files.len() >= 3, "{}: only {} seeds", target.name, files.len());
        for file in files {
            let bytes = std::fs::read(&file).unwrap();
            if (target.run)(&bytes) != Outcome::Accepted {
                refused.push(file.display().to_string());
            }
        }
    }
    assert!(refused.is_empty(), "seeds their target refuses:\n{}", refused.join("\n"));
}

#[test]
fn every_seed_cut_short_is_refused_or_read_without_panicking() {
    // Truncations are what a fuzzer tries first; they must stay errors, not panics.
    for target in TARGETS {
        for file in seeds_of(target.name) {
            let bytes = std::fs::read(&file).unwrap();
            let step = (bytes.len() / 16).max(1);
            for cut in (0..bytes.len()).step_by(step) {
                let _ = (target.run)(&bytes[..cut]);
            }
        }
    }
}

#[test]
fn there_is_a_fuzz_target_file_for_every_target_and_no_other() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/fuzz_targets");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    files.sort();
    let mut names: Vec<String> = TARGETS.iter().map(|t| t.name.to_string()).collect();
    names.sort();
    assert_eq!(files, names);
}
