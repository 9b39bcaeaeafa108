//! `mailconform serve` as a process: a graceful stop on SIGTERM answers every request in
//! flight and exits 0, a second signal exits at once, and running out of file descriptors
//! neither spins the accept loop nor floods the log. All on loopback, against Traveler's plain
//! HTTP port (raw HTTP/1.1 over `std::net`).

use crate::common;

use std::fs::File;
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

const READY_WITHIN: Duration = Duration::from_secs(60);

/// A running `mailconform serve traveler`, killed when dropped (also when a test panics).
struct Serve {
    child: Child,
    stderr: PathBuf,
    stdout: PathBuf,
    /// Traveler's plain-HTTP port.
    plain: SocketAddr,
}

impl Serve {
    fn start(label: &str, args: &[&str]) -> Serve {
        let dir = common::scratch(label);
        let state = dir.join("state");
        let (stdout, stderr) = (dir.join("serve.stdout"), dir.join("serve.stderr"));
        let child = Command::new(env!("CARGO_BIN_EXE_mailconform"))
            .args(["serve", "traveler"])
            .args(args)
            .arg("--state-dir")
            .arg(&state)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(File::create(&stdout).expect("stdout file"))
            .stderr(File::create(&stderr).expect("stderr file"))
            .spawn()
            .expect("mailconform serve starts");
        let mut serve = Serve { child, stderr, stdout, plain: "127.0.0.1:1".parse().unwrap() };
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            if let Some(status) = serve.child.try_wait().expect("poll serve") {
                panic!("mailconform serve exited with {status}\n{}", serve.output());
            }
            // endpoints.json is written last, once every role listens.
            if std::fs::read(state.join("endpoints.json")).is_ok_and(|b| serde_json::from_slice::<serde_json::Value>(&b).is_ok()) {
                let url = std::fs::read_to_string(state.join("traveler-http.txt")).expect("traveler-http.txt");
                serve.plain = url.trim().trim_start_matches("http://").parse().expect("an address in traveler-http.txt");
                return serve;
            }
            assert!(Instant::now() < deadline, "serve not ready within {READY_WITHIN:?}\n{}", serve.output());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    fn output(&self) -> String {
        let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
        format!("serve stdout:\n{}\nserve stderr:\n{}", read(&self.stdout), read(&self.stderr))
    }

    fn signal(&self, name: &str) {
        let ok = Command::new("kill").args([&format!("-{name}"), &self.pid().to_string()]).status().expect("kill runs").success();
        assert!(ok, "kill -{name} failed");
    }

    fn wait_exit(&mut self, within: Duration) -> ExitStatus {
        let deadline = Instant::now() + within;
        loop {
            if let Some(s) = self.child.try_wait().expect("poll serve") {
                return s;
            }
            assert!(Instant::now() < deadline, "serve still running {within:?} after the signal\n{}", self.output());
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// One request on a connection of its own; the whole answer, or why there was none.
    fn exchange(&self, request: &str) -> Result<String, String> {
        exchange(self.plain, request)
    }

    /// Every request to Traveler waits `millis` first (its fault gate's latency).
    fn delay_every_request(&self, millis: u64) {
        let body = format!("{{\"kind\":\"latency\",\"millis\":{millis}}}");
        let answer = self
            .exchange(&format!(
                "POST /_mailconform/fault HTTP/1.1\r\nHost: t\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                body.len()
            ))
            .expect("fault set");
        assert!(answer.starts_with("HTTP/1.1 204"), "{answer}");
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
        }
        let _ = self.child.wait();
    }
}

fn exchange(addr: SocketAddr, request: &str) -> Result<String, String> {
    let mut c = TcpStream::connect_timeout(&addr, Duration::from_secs(5)).map_err(|e| format!("connect: {e}"))?;
    c.set_read_timeout(Some(Duration::from_secs(20))).map_err(|e| e.to_string())?;
    c.write_all(request.as_bytes()).map_err(|e| format!("write: {e}"))?;
    let mut answer = Vec::new();
    c.read_to_end(&mut answer).map_err(|e| format!("read: {e} after {:?}", String::from_utf8_lossy(&answer)))?;
    if answer.is_empty() {
        return Err("closed without an answer".into());
    }
    Ok(String::from_utf8_lossy(&answer).into_owned())
}

const GET: &str = "GET /traveler HTTP/1.1\r\nHost: traveler.example.test\r\nConnection: close\r\n\r\n";

#[test]
fn sigterm_answers_every_request_in_flight_then_exits_0() {
    let mut serve = Serve::start("sigterm", &[]);
    serve.delay_every_request(1500);
    let addr = serve.plain;
    let in_flight: Vec<_> = (0..16).map(|_| std::thread::spawn(move || exchange(addr, GET))).collect();
    std::thread::sleep(Duration::from_millis(500));
    serve.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    // Stopped accepting: the port refuses (or closes) new connections while the others drain.
    let late = exchange(addr, GET);
    assert!(late.is_err(), "a connection after SIGTERM was served: {late:?}");
    let answers: Vec<_> = in_flight.into_iter().map(|t| t.join().expect("client thread")).collect();
    let unanswered: Vec<_> = answers.iter().filter(|a| !a.as_ref().is_ok_and(|t| t.starts_with("HTTP/1.1 401"))).collect();
    assert!(unanswered.is_empty(), "{} of 16 requests in flight got no answer: {unanswered:?}\n{}", unanswered.len(), serve.output());
    let status = serve.wait_exit(Duration::from_secs(10));
    assert_eq!(status.code(), Some(0), "{}", serve.output());
}

#[test]
fn a_second_signal_exits_at_once() {
    let mut serve = Serve::start("second-signal", &["--drain-timeout", "60"]);
    serve.delay_every_request(30_000);
    let addr = serve.plain;
    let _held = std::thread::spawn(move || exchange(addr, GET));
    std::thread::sleep(Duration::from_millis(300));
    serve.signal("TERM");
    std::thread::sleep(Duration::from_millis(300));
    assert!(serve.child.try_wait().unwrap().is_none(), "still draining after the first signal");
    let t0 = Instant::now();
    serve.signal("INT");
    let status = serve.wait_exit(Duration::from_secs(5));
    assert!(t0.elapsed() < Duration::from_secs(2), "{:?}", t0.elapsed());
    assert_eq!(status.code(), Some(130), "{}", serve.output());
}

/// Clock ticks the process has run for, user and system (`/proc/PID/stat` fields 14 and 15).
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).expect("/proc/PID/stat");
    let after_name = &stat[stat.rfind(')').expect("a stat line") + 2..];
    let fields: Vec<&str> = after_name.split_whitespace().collect();
    fields[11].parse::<u64>().unwrap() + fields[12].parse::<u64>().unwrap()
}

fn ticks_per_second() -> u64 {
    let out = Command::new("getconf").arg("CLK_TCK").output().expect("getconf runs");
    String::from_utf8_lossy(&out.stdout).trim().parse().expect("CLK_TCK")
}

fn open_descriptors(pid: u32) -> u64 {
    std::fs::read_dir(format!("/proc/{pid}/fd")).expect("/proc/PID/fd").count() as u64
}

#[test]
fn out_of_descriptors_the_accept_loop_backs_off_and_logs_little() {
    let serve = Serve::start("emfile", &[]);
    // Leave the running server a handful of descriptors (util-linux's prlimit on its pid).
    let limit = open_descriptors(serve.pid()) + 4;
    let set = Command::new("prlimit").args(["--pid", &serve.pid().to_string(), &format!("--nofile={limit}:{limit}")]).status();
    assert!(set.expect("prlimit runs").success(), "prlimit could not lower the limit");
    // Forty silent clients: the first few take the last descriptors, the rest wait in the
    // listen backlog, so that every accept fails with EMFILE.
    let silent: Vec<TcpStream> = (0..40).map(|_| TcpStream::connect(serve.plain).expect("connect")).collect();
    std::thread::sleep(Duration::from_millis(500));
    let (hz, t0, before) = (ticks_per_second(), Instant::now(), cpu_ticks(serve.pid()));
    std::thread::sleep(Duration::from_secs(2));
    let used = (cpu_ticks(serve.pid()) - before) as f64 / hz as f64 / t0.elapsed().as_secs_f64();
    let log = std::fs::read_to_string(&serve.stderr).unwrap_or_default();
    assert!(log.contains("accept failed"), "no warning about the failing accept\n{}", serve.output());
    assert!(used < 0.2, "the server used {:.0}% of a core while out of descriptors", used * 100.0);
    assert!(
        log.lines().count() <= 4 && log.len() < 4096,
        "{} log lines, {} bytes:\n{}",
        log.lines().count(),
        log.len(),
        &log[..log.len().min(2000)]
    );
    // Descriptors come back: the server accepts and answers again.
    drop(silent);
    let t0 = Instant::now();
    let answer = serve.exchange(GET);
    assert!(answer.as_ref().is_ok_and(|a| a.starts_with("HTTP/1.1 401")), "{answer:?}\n{}", serve.output());
    assert!(t0.elapsed() < Duration::from_secs(3), "answered after {:?}", t0.elapsed());
}
