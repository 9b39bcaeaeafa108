//! `mailconform serve ROLE...` as a child process of a test, killed when dropped.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const READY_WITHIN: Duration = Duration::from_secs(60);

/// A running `mailconform serve`.
pub(crate) struct Served {
    child: Child,
    /// Its state directory (`ca.pem`, `endpoints.json`, ...).
    pub state: PathBuf,
    /// `endpoints.json`, read once every role listens.
    pub endpoints: serde_json::Value,
}

impl Served {
    /// Serves `roles` with its state in `dir/state`, its output in `dir/serve.std{out,err}`.
    pub(crate) fn start(dir: &Path, roles: &[&str]) -> Served {
        Served::start_with(dir, roles, &[])
    }

    /// The same, with more options of `serve` (`--resolve ...`).
    #[allow(dead_code)]
    pub(crate) fn start_with(dir: &Path, roles: &[&str], options: &[&str]) -> Served {
        let state = dir.join("state");
        let child = Command::new(env!("CARGO_BIN_EXE_mailconform"))
            .arg("serve")
            .args(roles)
            .args(options)
            .arg("--state-dir")
            .arg(&state)
            .env_remove("RUST_LOG")
            .stdin(Stdio::null())
            .stdout(File::create(dir.join("serve.stdout")).unwrap())
            .stderr(File::create(dir.join("serve.stderr")).unwrap())
            .spawn()
            .expect("mailconform serve starts");
        let mut served = Served { child, state, endpoints: serde_json::Value::Null };
        let deadline = Instant::now() + READY_WITHIN;
        loop {
            assert!(
                served.child.try_wait().unwrap().is_none(),
                "serve exited: {}",
                std::fs::read_to_string(dir.join("serve.stderr")).unwrap()
            );
            // endpoints.json is written last, once every role listens.
            if let Some(v) = std::fs::read(served.state.join("endpoints.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()) {
                served.endpoints = v;
                return served;
            }
            assert!(Instant::now() < deadline, "serve not ready within {READY_WITHIN:?}");
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// The HTTPS base URL of `role`.
    pub(crate) fn base_url(&self, role: &str) -> String {
        self.endpoints["roles"][role]["base_url"].as_str().unwrap_or_else(|| panic!("{role} is not served")).to_string()
    }

    /// `GET` of `path` under `role`'s control API (`/_mailconform`), trusting the served CA.
    pub(crate) fn control_get<T: serde::de::DeserializeOwned>(&self, role: &str, path: &str) -> T {
        control_get(&self.state, &self.base_url(role), path)
    }
}

/// `GET path` of the control API of the role at `base_url`, served with the CA of `state`.
pub(crate) fn control_get<T: serde::de::DeserializeOwned>(state: &Path, base_url: &str, path: &str) -> T {
    with_control(state, base_url, |control| async move {
        control.get(path).await.unwrap_or_else(|e| panic!("{base_url}'s control API, GET {path}: {e}"))
    })
}

/// `PUT body` to `path` of the control API of the role at `base_url`, served with the CA of `state`.
#[allow(dead_code)]
pub(crate) fn control_put(state: &Path, base_url: &str, path: &str, body: &serde_json::Value) -> serde_json::Value {
    with_control(state, base_url, |control| async move {
        control.put(path, body).await.unwrap_or_else(|e| panic!("{base_url}'s control API, PUT {path}: {e}"))
    })
}

/// `POST body` to `path` of the control API of the role at `base_url`, served with the CA of `state`.
#[allow(dead_code)]
pub(crate) fn control_post<T: serde::de::DeserializeOwned>(state: &Path, base_url: &str, path: &str, body: &serde_json::Value) -> T {
    with_control(state, base_url, |control| async move {
        control.post(path, body).await.unwrap_or_else(|e| panic!("{base_url}'s control API, POST {path}: {e}"))
    })
}

/// Runs `call` with a control client of the role at `base_url`, trusting the CA of `state`.
#[allow(dead_code)]
pub(crate) fn with_control<'a, T, F: std::future::Future<Output = T> + 'a>(
    state: &Path,
    base_url: &str,
    call: impl FnOnce(mailconform_sim::ControlClient) -> F,
) -> T {
    use mailconform_sim::{tls, Clock, ControlClient, HttpClient, TcpDialer};
    let ca = std::fs::read_to_string(state.join("ca.pem")).unwrap();
    let ca = rustls_pki_types::pem::PemObject::from_pem_slice(ca.as_bytes()).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    let http = HttpClient::new(std::sync::Arc::new(TcpDialer::default()), tls::roots(&[ca]), Clock::real());
    runtime.block_on(call(ControlClient::new(http, &format!("{base_url}/_mailconform"))))
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
