//! End-to-end tests: the server hosted in a [`Simulation`] behind a Basic-auth front, reached
//! over simulated TLS by [`EasClient`] and by hand-built requests.

mod commands;
mod independent_decoders;
mod ping;
mod provisioning;
mod robustness;
mod session;
mod sync;
mod tasks_notes;

use crate::client::EasClient;
use crate::http::{response, Command, EasRequest, ProtocolVersion};
use crate::policy::DevicePolicy;
use crate::server::{EasConfig, EasServer};
use crate::store::{FolderType, MemoryStore, NewItem};
use crate::{decode, Document};
use base64::Engine;
use mailconform_sim::tls::ClientAuth;
use mailconform_sim::{ConnInfo, FakeEnv, Handler, HandlerFuture, Request, RequestOptions, Response, Simulation};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

pub(super) const HOST: &str = "mail.example.test";
pub(super) const URL: &str = "https://mail.example.test/Microsoft-Server-ActiveSync";
pub(super) const PASSWORD: &str = "secret";

/// The host in front of the server: HTTP Basic against a password table, 401 otherwise.
pub(super) struct BasicAuthFront {
    pub server: Arc<EasServer>,
    pub passwords: BTreeMap<String, String>,
    /// Every ActiveSync exchange that reached the server, for tests that hand the bodies to
    /// independent decoders.
    pub wire: Wire,
}

/// Recorded ActiveSync exchanges: (command, request body, response status, response body).
pub(super) type Wire = Arc<std::sync::Mutex<Vec<(String, Vec<u8>, u16, Vec<u8>)>>>;

impl Handler for BasicAuthFront {
    fn handle(&self, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let server = self.server.clone();
        if EasServer::is_control_path(req.uri().path()) {
            let resp = server.control(&req);
            return Box::pin(async move { resp });
        }
        let user = basic_user(&req).filter(|(u, p)| self.passwords.get(u) == Some(p)).map(|(u, _)| u);
        let wire = self.wire.clone();
        Box::pin(async move {
            let command = req
                .uri()
                .query()
                .and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("Cmd=")).map(str::to_string))
                .unwrap_or_else(|| req.method().to_string());
            let request_body = req.body().to_vec();
            let resp = match user {
                Some(u) => server.handle(req, &u).await,
                None => response::unauthorized("mail.example.test"),
            };
            wire.lock().unwrap().push((command, request_body, resp.status().as_u16(), resp.body().to_vec()));
            resp
        })
    }
}

fn basic_user(req: &Request) -> Option<(String, String)> {
    let value = req.headers().get(::http::header::AUTHORIZATION)?.to_str().ok()?;
    let encoded = value.strip_prefix("Basic ")?;
    let decoded = base64::engine::general_purpose::STANDARD.decode(encoded.trim()).ok()?;
    let text = String::from_utf8(decoded).ok()?;
    let (user, password) = text.split_once(':')?;
    let user = user.rsplit('\\').next().unwrap_or(user).to_ascii_lowercase();
    Some((user, password.to_string()))
}

pub(super) struct World {
    pub sim: Simulation,
    pub server: Arc<EasServer>,
    pub store: MemoryStore,
    pub wire: Wire,
}

/// An enforced enterprise policy.
pub(super) fn enforced() -> EasConfig {
    EasConfig { policy: Some(DevicePolicy::default()), enforce_policy: true, ..Default::default() }
}

pub(super) fn world(seed: u64, config: EasConfig) -> World {
    world_with(seed, config, MemoryStore::new())
}

pub(super) fn world_with(seed: u64, config: EasConfig, store: MemoryStore) -> World {
    let mut sim = Simulation::new(seed).unwrap();
    let store = store.with_clock(sim.clock.clone());
    store.add_user("alice", "alice@example.test");
    store.add_user("bob", "bob@example.test");
    let env = FakeEnv::new(sim.client(), sim.clock.clone(), sim.rng.fork("activesync"));
    let server = EasServer::new(env, config, store.clone());
    let wire = Wire::default();
    let passwords = [("alice".to_string(), PASSWORD.to_string()), ("bob".to_string(), PASSWORD.to_string())].into();
    sim.add_host(
        "activesync",
        HOST,
        Arc::new(BasicAuthFront { server: server.clone(), passwords, wire: wire.clone() }),
        ClientAuth::None,
        true,
    )
    .unwrap();
    World { sim, server, store, wire }
}

impl World {
    pub(super) fn client(&self, device_id: &str, version: ProtocolVersion) -> EasClient {
        EasClient::new(self.sim.client(), URL, "alice", PASSWORD, device_id, "SimPhone", version)
    }

    /// Sends a hand-built request as alice.
    pub(super) fn raw(&self, req: &EasRequest) -> Response {
        let http = req.to_http(URL).unwrap();
        self.send(http)
    }

    /// Sends an HTTP request as alice.
    pub(super) fn send(&self, http: Request) -> Response {
        // Long enough for the longest heartbeat a raw request may ask for.
        self.sim.block_on(self.send_within(http, Duration::from_secs(3600)))
    }

    /// Sends an HTTP request as alice, waiting up to `timeout` for the answer: the future,
    /// for a test that does something else while it waits.
    pub(super) async fn send_within(&self, mut http: Request, timeout: Duration) -> Response {
        let credentials = base64::engine::general_purpose::STANDARD.encode(format!("alice:{PASSWORD}"));
        http.headers_mut().insert(::http::header::AUTHORIZATION, format!("Basic {credentials}").parse().unwrap());
        let opts = RequestOptions { timeout, ..Default::default() };
        self.sim.client().send(http, &opts).await.unwrap()
    }

    /// Delivers into a mailbox with the simulation's clock in effect (outside the runtime
    /// the clock would read real time).
    pub(super) fn deliver(&self, to: &str, item: NewItem) -> String {
        let _inside = self.sim.enter();
        self.store.deliver(to, item).unwrap()
    }

    pub(super) fn mail(&self, to: &str, subject: &str) -> String {
        self.deliver(to, NewItem::email("bob@example.test", to, subject, &format!("Body of {subject}")))
    }

    pub(super) fn inbox(&self) -> String {
        self.folder_id("alice", FolderType::Inbox)
    }

    /// The ServerId of the user's first folder of a type.
    pub(super) fn folder_id(&self, user: &str, folder_type: FolderType) -> String {
        self.store.folder_of_type(user, folder_type).unwrap().server_id
    }
}

/// A hand-built 14.1 request from alice's SimPhone `device_id`, without a body.
pub(super) fn request(command: Command, device_id: &str) -> EasRequest {
    EasRequest::new(command, "alice", device_id, "SimPhone", ProtocolVersion::V14_1)
}

/// The WBXML document of a response, or a panic naming what came instead.
pub(super) fn body(resp: &Response) -> Document {
    assert_eq!(resp.status(), 200, "{resp:?}");
    decode(resp.body()).unwrap_or_else(|e| panic!("not WBXML: {e}: {:?}", resp.body()))
}
