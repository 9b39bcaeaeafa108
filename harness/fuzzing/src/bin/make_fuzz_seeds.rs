//! Writes the seed corpus of every fuzz target under `fuzz/seeds/<target>/`, replacing what is
//! there. `cargo run -p mailconform-fuzzing --bin make-fuzz-seeds` (see docs/fuzzing.md).

use mailconform_fuzzing::seeds;
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let all = match seeds::all(&workspace) {
        Ok(all) => all,
        Err(e) => {
            eprintln!("make-fuzz-seeds: {e}");
            return ExitCode::FAILURE;
        }
    };
    let root = workspace.join("fuzz/seeds");
    for target in mailconform_fuzzing::TARGETS {
        let dir = root.join(target.name);
        let written: Vec<_> = all.iter().filter(|s| s.target == target.name).collect();
        let result = std::fs::remove_dir_all(&dir)
            .or_else(|e| if e.kind() == std::io::ErrorKind::NotFound { Ok(()) } else { Err(e) })
            .and_then(|()| std::fs::create_dir_all(&dir))
            .and_then(|()| written.iter().try_for_each(|s| std::fs::write(dir.join(&s.name), &s.bytes)));
        if let Err(e) = result {
            eprintln!("make-fuzz-seeds: writing {}: {e}", dir.display());
            return ExitCode::FAILURE;
        }
        println!("{:<14} {:>3} seeds", target.name, written.len());
    }
    ExitCode::SUCCESS
}
