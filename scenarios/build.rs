//! Embeds the step definitions' sources, so `mailconform steps` can show each step's phrase
//! and doc comment as written (see `src/catalogue`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let steps = manifest.join("src/steps");
    println!("cargo:rerun-if-changed=src/steps");
    let mut files = Vec::new();
    collect(&steps, &mut files);
    files.sort();
    let mut out = String::from(
        "/// The sources of the step definitions: (path under the crate, text).\npub(crate) static STEP_SOURCES: &[(&str, &str)] = &[\n",
    );
    for file in files {
        let relative = file.strip_prefix(&manifest).expect("under the crate").to_string_lossy().replace('\\', "/");
        writeln!(out, "    ({relative:?}, include_str!({:?})),", file.display().to_string()).expect("writing to a String");
    }
    out.push_str("];\n");
    let dest = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("step_sources.rs");
    std::fs::write(dest, out).expect("OUT_DIR is writable");
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("src/steps is readable").flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}
