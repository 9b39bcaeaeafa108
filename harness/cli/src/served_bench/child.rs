//! A server under load runs as a child process of this program, on a state directory of its
//! own, so that what is measured is a real process on real sockets (its own runtime, its own
//! allocator, its own resident set), and the load generator's work is not counted as its.
//!
//! The child is stopped as `serve` is meant to be stopped, by SIGTERM, on every path: when the
//! bench is done, when it fails, and when a [`ChildServer`] is dropped by an early return.

use super::error::ServedBenchError;
use mailconform_fakes::serve::files;
use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// How long a child has to write `endpoints.json`.
pub(crate) const READY_WITHIN: Duration = Duration::from_secs(60);
/// How long a child has to exit after SIGTERM before it is killed.
pub(crate) const STOP_WITHIN: Duration = Duration::from_secs(10);
/// Lines of the child's output an error shows.
const OUTPUT_LINES: usize = 30;

/// A running child server; stopped when dropped.
pub(crate) struct ChildServer {
    name: String,
    child: Child,
    /// Removed when the child is dropped, after it has stopped.
    dir: tempfile::TempDir,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl ChildServer {
    /// Starts this program with `args` and `--state-dir DIR` (a new temporary directory), and
    /// waits until the child has written `endpoints.json`, which `serve` writes last, once every
    /// role listens. `name` is how errors call the child.
    pub(crate) fn start(name: &str, args: &[String], ready_within: Duration) -> Result<ChildServer, ServedBenchError> {
        let exe = std::env::current_exe().map_err(|source| ServedBenchError::CurrentExe { child: name.to_string(), source })?;
        let dir = tempfile::Builder::new()
            .prefix("mailconform-bench-")
            .tempdir()
            .map_err(|source| ServedBenchError::StateDir { child: name.to_string(), source })?;
        let (stdout, stderr) = (dir.path().join("stdout.txt"), dir.path().join("stderr.txt"));
        let spawn_err = |source| ServedBenchError::Spawn { child: name.to_string(), source };
        let child = Command::new(exe)
            .args(args)
            .arg("--state-dir")
            .arg(dir.path().join("state"))
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).map_err(spawn_err)?)
            .stderr(File::create(&stderr).map_err(spawn_err)?)
            .spawn()
            .map_err(spawn_err)?;
        let mut server = ChildServer { name: name.to_string(), child, dir, stdout, stderr };
        server.wait_ready(ready_within)?;
        Ok(server)
    }

    fn wait_ready(&mut self, within: Duration) -> Result<(), ServedBenchError> {
        let file = self.state_dir().join(files::ENDPOINTS);
        let deadline = Instant::now() + within;
        loop {
            self.check_alive("before it was ready")?;
            // Written with one write but not atomically: a file that does not parse yet is
            // still being written.
            if std::fs::read_to_string(&file).is_ok_and(|t| super::endpoints::parse_endpoints(&t).is_ok()) {
                return Ok(());
            }
            if Instant::now() >= deadline {
                return Err(ServedBenchError::NotReady {
                    child: self.name.clone(),
                    pid: self.pid(),
                    file,
                    waited: within,
                    output: self.output(),
                });
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// The state directory the child writes `ca.pem` and `endpoints.json` to.
    pub(crate) fn state_dir(&self) -> PathBuf {
        self.dir.path().join("state")
    }

    pub(crate) fn pid(&self) -> u32 {
        self.child.id()
    }

    pub(crate) fn name(&self) -> &str {
        &self.name
    }

    /// An error naming the child when it has exited; `when` says at what point
    /// (e.g. "during the EWS load").
    pub(crate) fn check_alive(&mut self, when: &'static str) -> Result<(), ServedBenchError> {
        match self.child.try_wait() {
            Ok(Some(status)) => Err(ServedBenchError::ChildDied {
                child: self.name.clone(),
                pid: self.pid(),
                status: status.to_string(),
                when,
                output: self.output(),
            }),
            _ => Ok(()),
        }
    }

    /// Stops the child (SIGTERM, then a kill after [`STOP_WITHIN`]); a child that had already
    /// died is an error naming it.
    pub(crate) fn stop(mut self) -> Result<(), ServedBenchError> {
        self.check_alive("before it was stopped")?;
        if let Some(warning) = self.terminate() {
            eprintln!("mailconform: {warning}");
        }
        Ok(())
    }

    /// SIGTERM, wait, then kill; a warning when the child had to be killed.
    fn terminate(&mut self) -> Option<String> {
        if !matches!(self.child.try_wait(), Ok(None)) {
            return None;
        }
        let pid = rustix::process::Pid::from_raw(self.pid() as i32);
        if let Some(pid) = pid {
            let _ = rustix::process::kill_process(pid, rustix::process::Signal::TERM);
        }
        let deadline = Instant::now() + STOP_WITHIN;
        while Instant::now() < deadline {
            if !matches!(self.child.try_wait(), Ok(None)) {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        Some(format!("`{}` (pid {}) did not stop within {STOP_WITHIN:?} of SIGTERM and was killed", self.name, self.pid()))
    }

    /// The last lines of the child's stdout and stderr.
    fn output(&self) -> String {
        let tail = |p: &Path| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            let lines: Vec<&str> = text.lines().collect();
            lines[lines.len().saturating_sub(OUTPUT_LINES)..].join("\n")
        };
        format!("--- stdout ---\n{}\n--- stderr ---\n{}", tail(&self.stdout), tail(&self.stderr))
    }
}

impl Drop for ChildServer {
    fn drop(&mut self) {
        if let Some(warning) = self.terminate() {
            eprintln!("mailconform: {warning}");
        }
    }
}
