//! The Rust side of this fixture, for the tests that use it (each includes this file with
//! `#[path]`): Heimdal's KDC started by `setup` in a state directory and on a port of the
//! test's, stopped by `stop` when dropped.

use std::path::{Path, PathBuf};
use std::process::Command;

/// `tests/live/kdc`, from a crate two levels below the repository (`fakes/auth`, `harness/cli`).
const SCRIPTS: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/live/kdc");

/// A running KDC of the realm `EXAMPLE.TEST` (see `setup` for its principals).
pub(crate) struct Heimdal {
    state: PathBuf,
}

impl Heimdal {
    /// Starts it with its state in `state`, on `127.0.0.1:port`; a port of the test's own, so
    /// that tests running at the same time do not share a KDC.
    pub(crate) fn start(state: PathBuf, port: &str) -> Heimdal {
        let out = Command::new(Path::new(SCRIPTS).join("setup")).arg(&state).env("KDC_PORT", port).output().unwrap();
        assert!(
            out.status.success(),
            "tests/live/kdc/setup could not install or start Heimdal's KDC (logs in {}):\n{}{}",
            state.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        Heimdal { state }
    }
}

/// Installs Heimdal's packages, clients included (`setup --install-only`), without starting a
/// KDC: for tests whose KDC is another (the fake's Kerberos side).
#[allow(dead_code)]
pub(crate) fn install() {
    let out = Command::new(Path::new(SCRIPTS).join("setup")).arg("--install-only").output().unwrap();
    assert!(
        out.status.success(),
        "tests/live/kdc/setup --install-only could not install Heimdal:\n{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

impl Drop for Heimdal {
    fn drop(&mut self) {
        let _ = Command::new(Path::new(SCRIPTS).join("stop")).arg(&self.state).output();
    }
}
