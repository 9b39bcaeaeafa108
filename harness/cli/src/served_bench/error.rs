//! Why the served figures were not taken: a child server that would not start, became
//! unready or died, a state directory it did not write as `serve` does, or a connection the
//! load could not open. Each message names the child and says where to look.

use std::path::PathBuf;
use std::time::Duration;

#[derive(Debug, thiserror::Error)]
pub(crate) enum ServedBenchError {
    #[error("cannot find this program to start `{child}` from it: {source}")]
    CurrentExe { child: String, source: std::io::Error },
    #[error("cannot make a state directory for `{child}`: {source}")]
    StateDir { child: String, source: std::io::Error },
    #[error("cannot start `{child}`: {source}")]
    Spawn { child: String, source: std::io::Error },
    #[error("`{child}` (pid {pid}) exited with {status} {when}; its output:\n{output}")]
    ChildDied { child: String, pid: u32, status: String, when: &'static str, output: String },
    #[error(
        "`{child}` (pid {pid}) did not write {} within {waited:?}; its output so far:\n{output}",
        file.display()
    )]
    NotReady { child: String, pid: u32, file: PathBuf, waited: Duration, output: String },
    #[error("{} from `{child}`: {reason}", file.display())]
    StateFile { child: String, file: PathBuf, reason: String },
    #[error("`{child}` serves no role `{role}` (endpoints.json lists {listed:?})")]
    MissingRole { child: String, role: String, listed: Vec<String> },
    #[error("base URL `{url}` of `{role}` is not https://IP:PORT: {reason}")]
    BaseUrl { role: String, url: String, reason: String },
    #[error("TLS client set-up: {0}")]
    Tls(String),
    #[error("cannot connect to {target}: {reason}")]
    Connect { target: String, reason: String },
    #[error("{target}: {what} answered {status}: {body}")]
    SetUp { target: String, what: &'static str, status: u16, body: String },
    #[error("cannot read /proc/{pid}/status of `{child}`: the served figures read its memory from Linux's /proc")]
    NoProc { child: String, pid: u32 },
    #[error("cannot build the load's runtime: {0}")]
    Runtime(std::io::Error),
}
