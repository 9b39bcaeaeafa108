//! The part of a served deployment's control API that belongs to the process rather than to
//! one role, answered on every role's port:
//!
//! | method | path | request | response |
//! |---|---|---|---|
//! | `GET` | `/_mailconform/peers` | | `Vec<`[`Peer`]`>`: host names pinned to addresses outside |
//! | `PUT` | `/_mailconform/peers` | `Vec<`[`Peer`]`>` | 204: the served fakes reach those hosts at those addresses |
//! | `POST` | `/_mailconform/reset` | [`ResetRequest`] or nothing | [`ResetReport`]: every role that can be rebuilt starts afresh |
//!
//! Both exist for a harness that puts one role of a scenario in this process and keeps the
//! others in its own: **peers** tell the served fakes where the harness's roles answer (a
//! served Exchange posts its notifications to the scenario's listener through a
//! [`crate::Bridge`]), and **reset** gives each scenario a role as fresh as an in-process one
//! (WireMock's `/__admin/reset`, MockServer's `/mockserver/reset`). A reset forgets what the
//! roles kept in the state directory, ends their timers (a subscription's keep-alives, a
//! pending retry) and answers every later request with the new fake; requests in flight finish
//! on the old one.

use crate::bridge::Peer;
use crate::http::client::HttpClient;
use crate::http::response;
use crate::http::server::Handler;
use crate::lifetime::Lifetime;
use crate::net::TcpDialer;
use crate::restart::Rebuild;
use crate::rng::SeededRng;
use crate::store::{RoleStore, StateStore};
use crate::{Clock, FakeEnv, Response};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, RwLock};

/// Where the peers are read and set.
pub const PEERS_PATH: &str = "/_mailconform/peers";
/// Where the process's roles are reset.
pub const RESET_PATH: &str = "/_mailconform/reset";

/// Whether `path` is one of the process's own routes.
pub(crate) fn is_process_path(path: &str) -> bool {
    path == PEERS_PATH || path == RESET_PATH
}

/// How to reset; an empty body is the default.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetRequest {
    /// Whether to do again what start-up did after putting the roles (the serving process's
    /// after-reset hook, such as uploading a listener's APNs certificate): true by default, so
    /// that a reset process is the one that started; false for a harness whose scenario says
    /// itself what to upload.
    #[serde(default = "yes")]
    pub start_up: bool,
}

impl Default for ResetRequest {
    fn default() -> Self {
        ResetRequest { start_up: true }
    }
}

fn yes() -> bool {
    true
}

/// What a reset did.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ResetReport {
    /// Roles rebuilt from empty state.
    pub reset: Vec<String>,
    /// Roles this process cannot rebuild, which keep their state.
    pub kept: Vec<String>,
}

/// What runs after the roles were rebuilt (the serving process re-uploads what its start-up
/// uploaded, such as a listener's APNs certificate); its error fails the reset.
pub type AfterReset = Arc<dyn Fn() -> Pin<Box<dyn Future<Output = Result<(), String>> + Send>> + Send + Sync>;

/// A handler that a reset can replace; every port of a role reads the same slot.
pub(crate) type HandlerSlot = Arc<RwLock<Arc<dyn Handler>>>;

/// How environments are made for the fakes of this process (what [`crate::RealWorld::env`] uses).
#[derive(Clone)]
pub(crate) struct EnvRecipe {
    /// A new client for each environment: a rebuilt fake must not inherit its predecessor's
    /// pooled connections (they lead to the peers of an earlier scenario).
    pub http: Arc<dyn Fn() -> HttpClient + Send + Sync>,
    pub clock: Clock,
    pub rng: SeededRng,
    pub journal_capacity: usize,
    pub store: Option<Arc<dyn StateStore>>,
}

/// One role put in the process: what rebuilds it and where its handler is read.
struct Placed {
    role: String,
    rebuild: Option<Rebuild>,
    slot: HandlerSlot,
}

/// The process-wide control state of a [`crate::RealWorld`].
#[derive(Default)]
pub(crate) struct ProcessControl {
    dialer: Arc<TcpDialer>,
    peers: Mutex<BTreeMap<(String, u16), Peer>>,
    placed: Mutex<Vec<Placed>>,
    /// The lifetimes of the environments handed out, by label: a reset ends them.
    lives: Mutex<BTreeMap<String, Vec<Lifetime>>>,
    resets: Mutex<u32>,
    recipe: Mutex<Option<EnvRecipe>>,
    after_reset: Mutex<Option<AfterReset>>,
}

impl ProcessControl {
    pub(crate) fn new(dialer: Arc<TcpDialer>) -> Self {
        ProcessControl { dialer, ..Default::default() }
    }

    /// An environment for the fake of `label`, whose life a reset ends.
    pub(crate) fn env(&self, recipe: EnvRecipe, label: &str) -> FakeEnv {
        let resets = *self.resets.lock().expect("resets poisoned");
        let rng = match resets {
            0 => recipe.rng.fork(label),
            n => recipe.rng.fork(&format!("{label}#reset{n}")),
        };
        let mut env = FakeEnv::new((recipe.http)(), recipe.clock.clone(), rng);
        env.journal_capacity = recipe.journal_capacity;
        if let Some(store) = &recipe.store {
            env.store = RoleStore::new(store.clone(), label);
        }
        self.lives.lock().expect("lives poisoned").entry(label.to_string()).or_default().push(env.life.clone());
        *self.recipe.lock().expect("recipe poisoned") = Some(recipe);
        env
    }

    /// Records a role put in the process; gives the slot its ports read the handler from.
    pub(crate) fn place(&self, role: &str, rebuild: Option<Rebuild>, handler: Arc<dyn Handler>) -> HandlerSlot {
        let slot: HandlerSlot = Arc::new(RwLock::new(handler));
        self.placed.lock().expect("placed poisoned").push(Placed { role: role.to_string(), rebuild, slot: slot.clone() });
        slot
    }

    pub(crate) fn set_after_reset(&self, hook: AfterReset) {
        *self.after_reset.lock().expect("hook poisoned") = Some(hook);
    }

    /// Pins each peer's host name to its address for the fakes' outgoing calls.
    pub(crate) fn set_peers(&self, peers: Vec<Peer>) {
        let mut known = self.peers.lock().expect("peers poisoned");
        for p in peers {
            self.dialer.pin(&p.host, p.port, p.addr);
            known.insert((p.host.to_ascii_lowercase(), p.port), p);
        }
    }

    fn peers(&self) -> Vec<Peer> {
        self.peers.lock().expect("peers poisoned").values().cloned().collect()
    }

    /// Rebuilds every role that can be rebuilt, from empty state, then runs the after-reset hook.
    pub(crate) async fn reset(&self, request: &ResetRequest) -> Result<ResetReport, String> {
        let recipe = self.recipe.lock().expect("recipe poisoned").clone();
        let mut report = ResetReport::default();
        let mut built: BTreeMap<String, Arc<dyn Handler>> = BTreeMap::new();
        *self.resets.lock().expect("resets poisoned") += 1;
        let placed: Vec<(String, Option<Rebuild>, HandlerSlot)> =
            self.placed.lock().expect("placed poisoned").iter().map(|p| (p.role.clone(), p.rebuild.clone(), p.slot.clone())).collect();
        for (role, rebuild, slot) in placed {
            let (Some(rebuild), Some(recipe)) = (rebuild, recipe.clone()) else {
                report.kept.push(role);
                continue;
            };
            let handler = match built.get(&rebuild.label) {
                Some(h) => h.clone(),
                None => {
                    for life in self.lives.lock().expect("lives poisoned").remove(&rebuild.label).unwrap_or_default() {
                        life.end();
                    }
                    if let Some(store) = &recipe.store {
                        store.clear(&format!("{}/", rebuild.label)).map_err(|e| format!("{role}: {e}"))?;
                    }
                    let h = (rebuild.build)(self.env(recipe, &rebuild.label));
                    built.insert(rebuild.label.clone(), h.clone());
                    h
                }
            };
            *slot.write().expect("slot poisoned") = handler;
            report.reset.push(role);
        }
        let hook = self.after_reset.lock().expect("hook poisoned").clone().filter(|_| request.start_up);
        if let Some(hook) = hook {
            hook().await?;
        }
        Ok(report)
    }

    /// Answers the process's control routes; `None` for any other path.
    pub(crate) async fn answer(&self, method: &http::Method, path: &str, body: &[u8]) -> Option<Response> {
        Some(match (path, method) {
            (PEERS_PATH, &http::Method::GET) => crate::contract::reply(200, &self.peers()),
            (PEERS_PATH, &http::Method::PUT) => match serde_json::from_slice::<Vec<Peer>>(body) {
                Ok(peers) => {
                    self.set_peers(peers);
                    response(204, "text/plain", "")
                }
                Err(e) => response(
                    400,
                    "text/plain",
                    format!(
                        "expected peers such as [{{\"host\":\"push.us.example.test\",\"port\":443,\"addr\":\"127.0.0.1:40001\"}}]: {e}"
                    ),
                ),
            },
            (RESET_PATH, &http::Method::POST) => {
                let request = match body.is_empty() {
                    true => Ok(ResetRequest::default()),
                    false => serde_json::from_slice::<ResetRequest>(body),
                };
                match request {
                    Err(e) => response(400, "text/plain", format!("expected nothing or {{\"start_up\":false}}: {e}")),
                    Ok(request) => match self.reset(&request).await {
                        Ok(report) => crate::contract::reply(200, &report),
                        Err(e) => response(500, "text/plain", format!("the reset failed: {e}")),
                    },
                }
            }
            (PEERS_PATH, _) => response(405, "text/plain", "use GET or PUT"),
            (RESET_PATH, _) => response(405, "text/plain", "use POST"),
            _ => return None,
        })
    }
}
