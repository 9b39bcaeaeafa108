//! One scenario's world: its own runtime with a paused clock, its own network, its own PKI.
//!
//! Each scenario owns a current-thread tokio runtime started paused, and all traffic between
//! its hosts runs over in-memory pipes. Tokio advances a paused clock only when every task of
//! the runtime is idle, so "16 minutes pass" fires each due timer in order with the I/O it
//! causes settled before the next; and because the clock belongs to the runtime, scenarios run
//! side by side never move each other's time.

use crate::clock::Clock;
use crate::error::SimError;
use crate::fault::FaultGate;
use crate::host::{Hosting, Placement, TlsTermination, DEFAULT_ALPN};
use crate::http::client::HttpClient;
use crate::http::server::{Handler, HostServer};
use crate::net::SimNet;
use crate::pki::{Credential, Pki};
use crate::restart::{Restarts, SimEnvs};
use crate::rng::SeededRng;
use crate::store::{MemoryStateStore, StateStore};
use crate::tls::{self, ClientAuth};
use crate::topology::{Endpoint, Topology};
use crate::FakeEnv;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

/// The quantum by which [`Simulation::settle`] moves the clock: everything runnable at the
/// current instant runs first, then the clock moves by this much.
pub(crate) const SETTLE_QUANTUM: Duration = Duration::from_millis(1);

/// How long a live simulation lets what a step set off run before the next step looks: on the
/// real clock the work crosses processes and sockets (a served listener pushing through the
/// scenario's APNs to its phone), which takes milliseconds rather than no time at all.
pub(crate) const LIVE_SETTLE: Duration = Duration::from_millis(300);

/// One scenario's world: an in-process network of named hosts, a paused current-thread runtime
/// whose clock moves only when every task waits, the run's PKI and seeded randomness.
pub struct Simulation {
    runtime: tokio::runtime::Runtime,
    /// What [`Simulation::settle`] waits: [`SETTLE_QUANTUM`] of virtual time, or [`LIVE_SETTLE`].
    settle: Duration,
    /// The named hosts and the pipes between them.
    pub net: Arc<SimNet>,
    /// The run's CAs.
    pub pki: Pki,
    /// Virtual time, starting at the fixed simulated date.
    pub clock: Clock,
    /// The run's randomness; each fake gets a fork of it.
    pub rng: SeededRng,
    /// Every role deployed, by name.
    pub topology: Topology,
    /// The seed the randomness came from: the same seed gives the same run.
    pub seed: u64,
    /// What the scenario's fakes keep across a restart of their role, in memory.
    pub store: Arc<dyn StateStore>,
    envs: SimEnvs,
    restarts: Restarts,
    /// Hosts reached from outside the run at another address ([`Simulation::advertise`]).
    advertised: std::collections::BTreeMap<String, Advertised>,
}

/// How a component outside the run reaches one of its hosts.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Advertised {
    /// The base URL it calls (`https://192.0.2.10:40123`).
    base_url: String,
    /// The name or address in that URL, which the host's certificate must also hold.
    name: String,
}

impl Simulation {
    /// Places `host` on the internal network: phones ([`Hosting::outside_env`]) no longer
    /// reach it directly; the simulation's servers (a gateway, Exchange) still do.
    pub fn place_internal(&self, host: &str) {
        self.net.place_internal(host);
    }

    /// Says that a component outside the run (a real Exchange under test) reaches `host` at
    /// `base_url` (`https://192.0.2.10:40123`, a [`crate::Bridge`] port): the fake placed on
    /// `host` afterwards names that URL where it hands out its own (the listener's
    /// notification URL, [`Hosting::advertised`]), and its certificate holds the URL's host as
    /// well as its own name, so that the outside component's TLS check passes.
    pub fn advertise(&mut self, host: &str, base_url: &str) -> Result<(), SimError> {
        let bad = |reason: String| SimError::BadUrl { url: base_url.to_string(), reason };
        let uri: http::Uri = base_url.parse().map_err(|e: http::uri::InvalidUri| bad(format!("advertised for {host}: {e}")))?;
        let name = uri.host().ok_or_else(|| bad(format!("advertised for {host}: it has no host")))?;
        let name = crate::bridge::unbracketed(name).to_string();
        self.advertised.insert(host.to_ascii_lowercase(), Advertised { base_url: base_url.trim_end_matches('/').to_string(), name });
        Ok(())
    }

    /// An empty world: no hosts yet, the clock at the simulated start date.
    pub fn new(seed: u64) -> Result<Self, SimError> {
        let runtime = tokio::runtime::Builder::new_current_thread().enable_time().start_paused(true).build()?;
        let clock = runtime.block_on(async { Clock::simulated() });
        let pki = runtime.block_on(async { Pki::new(clock.offset_date_time()) })?;
        Self::on(runtime, clock, seed, pki)
    }

    /// The same world on the real clock, with real sockets enabled: for a run with a real
    /// component under test, where the fakes must keep the component's pace, and hosts made
    /// [`SimNet::pass_through`] are reached over TCP. Time is the real clock's, today's date
    /// included: a real server's certificate is checked against it, and the run's own
    /// certificates are issued for it ([`Simulation::advance`] sleeps).
    ///
    /// Its tasks run on a worker thread of their own, so that the in-process fakes answer a
    /// process outside (a served role calling back through a [`crate::Bridge`]) between steps too.
    pub fn live(seed: u64) -> Result<Self, SimError> {
        let (runtime, clock) = Self::live_runtime()?;
        let pki = runtime.block_on(async { Pki::new(clock.offset_date_time()) })?;
        Self::on(runtime, clock, seed, pki).map(Self::settling_live)
    }

    /// [`Simulation::live`] signing with `pki`: the CAs of a served deployment
    /// (`mailconform serve`'s state directory), so that its fakes and this simulation's trust
    /// each other's certificates.
    pub fn live_with_pki(seed: u64, pki: Pki) -> Result<Self, SimError> {
        let (runtime, clock) = Self::live_runtime()?;
        Self::on(runtime, clock, seed, pki).map(Self::settling_live)
    }

    fn settling_live(mut self) -> Self {
        self.settle = LIVE_SETTLE;
        self
    }

    fn live_runtime() -> Result<(tokio::runtime::Runtime, Clock), SimError> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
        let clock = runtime.block_on(async { Clock::real() });
        Ok((runtime, clock))
    }

    fn on(runtime: tokio::runtime::Runtime, clock: Clock, seed: u64, pki: Pki) -> Result<Self, SimError> {
        let net = Arc::new(SimNet::default());
        let rng = SeededRng::new(seed);
        let store: Arc<dyn StateStore> = Arc::new(MemoryStateStore::default());
        let envs = SimEnvs::new(net.clone(), pki.ca.cert_der().clone(), clock.clone(), rng.clone(), store.clone());
        let restarts = Restarts::new(envs.clone());
        Ok(Simulation {
            runtime,
            settle: SETTLE_QUANTUM,
            net,
            pki,
            clock,
            rng,
            topology: Topology::default(),
            seed,
            store,
            envs,
            restarts,
            advertised: Default::default(),
        })
    }

    /// The roles that can be restarted here, and the way to restart them ([`Restarts`]).
    pub fn restarts(&self) -> Restarts {
        self.restarts.clone()
    }

    /// Restarts `role` now (see [`Restarts::restart`]) and lets what that sets off settle.
    pub fn restart(&self, role: &str) -> Result<(), SimError> {
        {
            let _inside = self.runtime.enter();
            self.restarts.restart(role)?;
        }
        self.settle();
        Ok(())
    }

    /// Run a future on this scenario's runtime; virtual time moves only as it needs.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        self.runtime.block_on(f)
    }

    /// Let `d` of virtual time pass, running every timer due on the way.
    pub fn advance(&self, d: Duration) {
        self.runtime.block_on(async move { tokio::time::sleep(d).await });
    }

    /// Run everything that can run now (in-flight requests, their answers), then move the
    /// clock by one millisecond (`SETTLE_QUANTUM`); in a live simulation, wait [`LIVE_SETTLE`].
    pub fn settle(&self) {
        self.advance(self.settle);
    }

    /// Virtual time since the scenario started. Read inside the runtime: tokio's clock is
    /// per runtime, and outside it `Instant::now` would read the real clock.
    pub fn elapsed(&self) -> Duration {
        let _inside = self.runtime.enter();
        self.clock.elapsed()
    }

    /// Wall-clock milliseconds since the Unix epoch, in virtual time.
    pub fn unix_millis(&self) -> u64 {
        let _inside = self.runtime.enter();
        self.clock.unix_millis()
    }

    /// Enter the runtime so that code building timers or reading the clock can run outside
    /// `block_on` (handlers created by steps, for instance).
    pub fn enter(&self) -> tokio::runtime::EnterGuard<'_> {
        self.runtime.enter()
    }

    /// An HTTP client on this simulation's network that trusts the run's CA (and what
    /// [`Simulation::trust_also`] added).
    pub fn client(&self) -> HttpClient {
        HttpClient::new(self.net.clone(), tls::roots(&self.envs.trusted()), self.clock.clone())
    }

    /// Makes every client of this simulation made from now on (the fakes placed afterwards,
    /// [`Simulation::client`]) trust `certs` besides the run's CA: the certificate authority of
    /// a real component under test that the scenario's fakes call (a real listener that the
    /// scenario's Exchange posts its notifications to).
    pub fn trust_also(&self, certs: &[rustls_pki_types::CertificateDer<'static>]) {
        self.envs.also_trusted.lock().expect("trust poisoned").extend(certs.iter().cloned());
    }

    /// An HTTP client on the management network, which faults do not touch: for control APIs.
    pub fn control_client(&self) -> HttpClient {
        HttpClient::new(
            Arc::new(crate::net::ControlPlane(self.net.clone())),
            tls::roots(&[self.pki.ca.cert_der().clone()]),
            self.clock.clone(),
        )
    }

    /// A TLS leaf for a host, signed by the run's CA.
    pub fn leaf(&self, host: &str) -> Result<Credential, SimError> {
        let _inside = self.runtime.enter();
        let mut names = vec![host, "localhost", "127.0.0.1"];
        if let Some(a) = self.advertised.get(&host.to_ascii_lowercase()) {
            names.push(&a.name);
        }
        self.pki.ca.server_leaf(&names, self.clock.offset_date_time())
    }

    /// Put a fake on `host` (HTTPS on 443, plain HTTP on 80 when `plain_http`), registering it in
    /// the topology under `role`. Returns the gate that faults it.
    pub fn add_host(
        &mut self,
        role: &str,
        host: &str,
        handler: Arc<dyn Handler>,
        client_auth: ClientAuth,
        plain_http: bool,
    ) -> Result<FaultGate, SimError> {
        let placement = Placement::https(role, host, handler, client_auth).plain_http(plain_http);
        self.put(placement).map(|(_, gate)| gate)
    }

    /// A host serving a certificate of its own rather than one of the run's CA (a server
    /// with a self-signed certificate, which clients trust only if told to).
    pub fn add_host_with_leaf(
        &mut self,
        role: &str,
        host: &str,
        handler: Arc<dyn Handler>,
        leaf: &Credential,
        client_auth: ClientAuth,
        plain_http: bool,
    ) -> Result<FaultGate, SimError> {
        let tls = TlsTermination::Rustls { client_auth, leaf: Some(leaf.clone()), alpn: DEFAULT_ALPN.iter().map(|p| p.to_vec()).collect() };
        let placement = Placement { role: role.to_string(), host: host.to_string(), handler, tls, plain_http, rebuild: None };
        self.put(placement).map(|(_, gate)| gate)
    }

    /// Move `host`'s port 443 to another TLS stack (see [`crate::net::StreamAcceptor`]); the
    /// handler, the fault gate and port 80 stay as [`Self::add_host`] made them.
    pub fn use_tls_acceptor(&mut self, host: &str, acceptor: Arc<dyn crate::net::StreamAcceptor>) -> Result<(), SimError> {
        let known = self
            .net
            .server(host, 443)
            .ok_or_else(|| SimError::UnknownHost { host: format!("{host}:443"), known: self.net.host_names().join(", ") })?;
        let server = Arc::new(HostServer::in_process(&known.name, known.handler.clone(), None, known.gate.clone()));
        self.net.bind_with_acceptor(host, 443, server, acceptor);
        Ok(())
    }
}

impl Hosting for Simulation {
    fn env(&self, label: &str) -> FakeEnv {
        self.envs.env(label)
    }

    fn advertised(&self, host: &str) -> Option<String> {
        self.advertised.get(&host.to_ascii_lowercase()).map(|a| a.base_url.clone())
    }

    fn outside_env(&self, label: &str) -> FakeEnv {
        let mut env = self.envs.env(label);
        env.http = env.http.through(Arc::new(crate::net::Outside(self.net.clone())));
        env
    }

    fn pki(&self) -> &Pki {
        &self.pki
    }

    fn clock(&self) -> &Clock {
        &self.clock
    }

    fn control_http(&self) -> HttpClient {
        self.control_client()
    }

    fn enter(&self) -> Option<tokio::runtime::EnterGuard<'_>> {
        Some(self.runtime.enter())
    }

    fn put(&mut self, p: Placement) -> Result<(Endpoint, FaultGate), SimError> {
        let gate = FaultGate::default();
        let host = p.host.as_str();
        match p.tls {
            TlsTermination::Rustls { client_auth, leaf, alpn } => {
                let leaf = match leaf {
                    Some(l) => l,
                    None => self.leaf(host)?,
                };
                let alpn: Vec<&[u8]> = alpn.iter().map(Vec::as_slice).collect();
                let cfg = tls::server_config(&leaf, client_auth, &self.clock, &alpn)?;
                let server = HostServer::in_process(host, p.handler.clone(), Some(cfg), gate.clone());
                self.net.bind(host, 443, Arc::new(server));
            }
            TlsTermination::Acceptor(acceptor) => {
                let server = HostServer::in_process(host, p.handler.clone(), None, gate.clone());
                self.net.bind_with_acceptor(host, 443, Arc::new(server), acceptor);
            }
        }
        if p.plain_http {
            self.net.bind(host, 80, Arc::new(HostServer::in_process(host, p.handler, None, gate.clone())));
        }
        if let Some(rebuild) = p.rebuild {
            self.restarts.register(&p.role, host, rebuild);
        }
        let endpoint = Endpoint {
            role: p.role,
            host: host.to_string(),
            base_url: format!("https://{host}"),
            control_url: format!("https://{host}{}", crate::CONTROL_PREFIX),
            plain_url: p.plain_http.then(|| format!("http://{host}")),
            services: Default::default(),
        };
        self.topology.insert(endpoint.clone());
        Ok((endpoint, gate))
    }

    fn topology_entry(&self, role: &str) -> Option<Endpoint> {
        self.topology.get(role).cloned()
    }

    fn add_service(&mut self, role: &str, scheme: &str, port: u16, service: Arc<dyn crate::net::StreamService>) -> Result<(), SimError> {
        let mut e = self.topology.require(role).map_err(|e| SimError::UnknownHost { host: e.to_string(), known: String::new() })?.clone();
        let known = self
            .net
            .server(&e.host, 443)
            .ok_or_else(|| SimError::UnknownHost { host: format!("{}:443", e.host), known: self.net.host_names().join(", ") })?;
        self.net.bind_service(&e.host, port, service, known.gate.clone());
        e.services.insert(scheme.to_string(), format!("{scheme}://{}:{port}", e.host));
        self.topology.insert(e);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::http::server::FnHandler;
    use crate::http::{response, Request};
    use crate::Fault;
    use crate::RequestOptions;
    use bytes::Bytes;

    fn echo_sim(seed: u64) -> (Simulation, FaultGate) {
        let mut sim = Simulation::new(seed).unwrap();
        let handler = FnHandler(|req: Request, _c| async move {
            if req.uri().path() == "/slow" {
                tokio::time::sleep(Duration::from_secs(30)).await;
            }
            response(200, "text/plain", req.into_body())
        });
        let gate = sim.add_host("echo", "echo.example.test", Arc::new(handler), ClientAuth::None, true).unwrap();
        (sim, gate)
    }

    fn post(url: &str, body: &'static str) -> Request {
        http::Request::post(url).body(Bytes::from_static(body.as_bytes())).unwrap()
    }

    #[test]
    fn https_round_trip_and_virtual_delay() {
        let (sim, _) = echo_sim(1);
        let client = sim.client();
        let t0 = sim.elapsed();
        let r = sim.block_on(client.send(post("https://echo.example.test/slow", "hi"), &RequestOptions::default())).unwrap();
        assert_eq!(r.body().as_ref(), b"hi");
        assert_eq!(sim.elapsed() - t0, Duration::from_secs(30));
        let r = sim.block_on(client.send(post("http://echo.example.test/x", "plain"), &RequestOptions::default())).unwrap();
        assert_eq!(r.body().as_ref(), b"plain");
        let h2 = RequestOptions { http2: true, ..Default::default() };
        let r = sim.block_on(client.send(post("https://echo.example.test/x", "two"), &h2)).unwrap();
        assert_eq!(r.body().as_ref(), b"two");
    }

    #[test]
    fn a_live_simulation_reaches_a_real_server_only_where_told_and_keeps_the_real_pace() {
        let (sim, _) = {
            let mut sim = Simulation::live(3).unwrap();
            let handler = FnHandler(|req: Request, _c| async move { response(200, "text/plain", req.into_body()) });
            let gate = sim.add_host("echo", "echo.example.test", Arc::new(handler), ClientAuth::None, true).unwrap();
            (sim, gate)
        };
        // A plain HTTP server outside the simulation, answering one request.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let outside = std::thread::spawn(move || {
            use std::io::{Read, Write};
            let (mut s, _) = listener.accept().unwrap();
            let mut buf = [0u8; 1024];
            let _ = s.read(&mut buf).unwrap();
            s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\noutside").unwrap();
        });
        let client = sim.client();
        let url = format!("http://127.0.0.1:{port}/x");
        let refused = sim.block_on(client.send(post(&url, "x"), &RequestOptions::default()));
        assert!(matches!(refused, Err(SimError::UnknownHost { .. })), "not passed through yet: {refused:?}");
        sim.net.pass_through("127.0.0.1", port);
        let r = sim.block_on(client.send(post(&url, "x"), &RequestOptions::default())).unwrap();
        assert_eq!(r.body().as_ref(), b"outside");
        outside.join().unwrap();
        // The fakes stay in-process beside it, and time is the real clock's.
        let r = sim.block_on(client.send(post("https://echo.example.test/x", "in"), &RequestOptions::default())).unwrap();
        assert_eq!(r.body().as_ref(), b"in");
        let (t0, wall) = (sim.elapsed(), std::time::Instant::now());
        sim.advance(Duration::from_millis(30));
        assert!(wall.elapsed() >= Duration::from_millis(30) && sim.elapsed() - t0 >= Duration::from_millis(30));
    }

    #[test]
    fn faults_refuse_blackhole_and_override() {
        let (sim, gate) = echo_sim(2);
        let client = sim.client();
        let opts = RequestOptions { timeout: Duration::from_secs(20), ..Default::default() };
        gate.set(Fault::Unreachable);
        let e = sim.block_on(client.send(post("https://echo.example.test/", "x"), &opts)).unwrap_err();
        assert!(matches!(e, SimError::Refused { .. }), "{e}");
        gate.clear();
        gate.set(Fault::BlackHole);
        client.reset();
        let t0 = sim.elapsed();
        let e = sim.block_on(client.send(post("https://echo.example.test/", "x"), &opts)).unwrap_err();
        // Accepted, and the TLS handshake never answered: the timeout says where it stood.
        assert!(matches!(e, SimError::Timeout { phase: crate::ExchangePhase::TlsHandshake, .. }), "{e}");
        assert!(e.to_string().ends_with("in the TLS handshake"), "{e}");
        assert_eq!(sim.elapsed() - t0, Duration::from_secs(20));
        gate.clear();
        gate.set(Fault::Status { status: 503 });
        let r = sim.block_on(client.send(post("https://echo.example.test/", "x"), &opts)).unwrap();
        assert_eq!(r.status(), 503);
        gate.clear();
        gate.set(Fault::Latency { millis: 250 });
        let t0 = sim.elapsed();
        sim.block_on(client.send(post("https://echo.example.test/", "x"), &opts)).unwrap();
        assert!(sim.elapsed() - t0 >= Duration::from_millis(250));
        client.reset();
        let hasty = RequestOptions { timeout: Duration::from_millis(100), ..Default::default() };
        let e = sim.block_on(client.send(post("https://echo.example.test/", "x"), &hasty)).unwrap_err();
        assert!(matches!(e, SimError::Timeout { phase: crate::ExchangePhase::Connecting, .. }), "{e}");
    }

    #[test]
    fn a_server_that_takes_the_request_and_never_answers_times_out_waiting_for_the_answer() {
        let (sim, _) = echo_sim(6);
        let client = sim.client();
        let opts = RequestOptions { timeout: Duration::from_secs(10), ..Default::default() };
        let e = sim.block_on(client.send(post("https://echo.example.test/slow", "x"), &opts)).unwrap_err();
        assert!(matches!(e, SimError::Timeout { phase: crate::ExchangePhase::AwaitingAnswer, .. }), "{e}");
        assert_eq!(e.to_string(), "request to https://echo.example.test/slow timed out after 10000 ms waiting for the answer");
    }

    #[test]
    fn a_fault_cuts_pooled_connections_too() {
        let (sim, gate) = echo_sim(3);
        let client = sim.client();
        let opts = RequestOptions::default();
        sim.block_on(client.send(post("https://echo.example.test/", "x"), &opts)).unwrap();
        gate.set(Fault::Unreachable);
        assert!(sim.block_on(client.send(post("https://echo.example.test/", "x"), &opts)).is_err());
    }

    #[test]
    fn two_simulations_keep_their_own_clocks() {
        let (a, _) = echo_sim(4);
        let (b, _) = echo_sim(5);
        a.advance(Duration::from_secs(16 * 60));
        b.advance(Duration::from_secs(5));
        a.advance(Duration::from_secs(60));
        assert_eq!(a.elapsed(), Duration::from_secs(17 * 60));
        assert_eq!(b.elapsed(), Duration::from_secs(5));
    }

    /// A "TLS stack" that passes bytes through: enough to see which stack a connection used.
    struct PassThrough;

    impl crate::net::StreamAcceptor for PassThrough {
        fn accept(&self, io: crate::net::BoxIo) -> crate::net::AcceptFuture {
            Box::pin(async move { Ok(io) })
        }
    }

    impl crate::net::StreamConnector for PassThrough {
        fn connect(&self, io: crate::net::BoxIo, _host: &str) -> crate::net::AcceptFuture {
            Box::pin(async move { Ok(io) })
        }
    }

    #[test]
    fn another_tls_stack_on_443_keeps_the_handler_and_the_faults() {
        let (mut sim, gate) = echo_sim(7);
        sim.use_tls_acceptor("echo.example.test", Arc::new(PassThrough)).unwrap();
        // Plain HTTP now reaches port 443: the acceptor, not rustls, got the connection.
        let client = sim.client();
        let r = sim.block_on(client.send(post("http://echo.example.test:443/x", "through"), &RequestOptions::default())).unwrap();
        assert_eq!(r.body().as_ref(), b"through");
        gate.set(Fault::Unreachable);
        assert!(sim.block_on(sim.client().send(post("http://echo.example.test:443/x", "x"), &RequestOptions::default())).is_err());
        assert!(sim.use_tls_acceptor("nowhere.example.test", Arc::new(PassThrough)).is_err());
    }

    #[test]
    fn a_client_can_take_its_tls_from_another_stack() {
        let (sim, _) = echo_sim(8);
        // https:// to the plain port: only a connector that does no TLS gets an answer.
        let client = sim.client().with_tls_connector(Arc::new(PassThrough));
        let r = sim.block_on(client.send(post("https://echo.example.test:80/x", "other"), &RequestOptions::default())).unwrap();
        assert_eq!(r.body().as_ref(), b"other");
        assert!(sim.block_on(sim.client().send(post("https://echo.example.test:80/x", "x"), &RequestOptions::default())).is_err());
    }

    /// A fake that counts its boots in the state database, answers with its boot number and
    /// how many boots it found kept, and ticks every minute in the background.
    fn booting(ticks: Arc<std::sync::atomic::AtomicU32>) -> crate::Rebuild {
        crate::Rebuild::new("echo", move |env: FakeEnv| -> Arc<dyn Handler> {
            let kept: Vec<(String, u32)> = env.store.load("boots");
            let boot = kept.len() as u32 + 1;
            env.store.put("boots", &boot.to_string(), &boot);
            let t = ticks.clone();
            env.spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs(60)).await;
                    t.fetch_add(boot, std::sync::atomic::Ordering::SeqCst);
                }
            });
            Arc::new(FnHandler(move |req: Request, _c| async move {
                if req.uri().path() == "/slow" {
                    tokio::time::sleep(Duration::from_secs(30)).await;
                }
                response(200, "text/plain", format!("boot {boot}"))
            }))
        })
    }

    #[test]
    fn a_restart_cuts_connections_stops_the_old_fake_and_rebuilds_it_from_what_it_kept() {
        use std::sync::atomic::{AtomicU32, Ordering};
        let mut sim = Simulation::new(9).unwrap();
        let ticks = Arc::new(AtomicU32::new(0));
        let rebuild = booting(ticks.clone());
        let handler = {
            let _inside = sim.enter();
            (rebuild.build)(Hosting::env(&sim, "echo"))
        };
        let gate = sim.put(Placement::https("echo", "echo.example.test", handler, ClientAuth::None).rebuilt_by(rebuild)).unwrap().1;
        let client = sim.client();
        let body = |r: Result<crate::Response, SimError>| String::from_utf8(r.unwrap().body().to_vec()).unwrap();
        assert_eq!(body(sim.block_on(client.send(post("https://echo.example.test/", "x"), &RequestOptions::default()))), "boot 1");
        sim.advance(Duration::from_secs(61));
        assert_eq!(ticks.load(Ordering::SeqCst), 1);

        let restarts = sim.restarts();
        let opts = RequestOptions::default();
        let (in_flight, restarted) = sim.block_on(async {
            let restart = async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                restarts.restart("echo")
            };
            futures::join!(client.send(post("https://echo.example.test/slow", "x"), &opts), restart)
        });
        restarted.unwrap();
        assert!(in_flight.is_err(), "the request in flight was cut by the restart: {in_flight:?}");
        assert_eq!(body(sim.block_on(client.send(post("https://echo.example.test/", "x"), &RequestOptions::default()))), "boot 2");
        let before = ticks.load(Ordering::SeqCst);
        sim.advance(Duration::from_secs(150));
        assert_eq!(ticks.load(Ordering::SeqCst) - before, 2 * 2, "only the rebuilt fake (boot 2) ticks, twice in 150 s");

        gate.set(crate::Fault::Status { status: 503 });
        let r = sim.block_on(client.send(post("https://echo.example.test/", "x"), &RequestOptions::default())).unwrap();
        assert_eq!(r.status(), 503, "the host keeps its fault gate across the restart");
        let e = sim.restart("nothing").unwrap_err();
        assert!(e.to_string().contains("the roles that can are: echo"), "{e}");
    }

    #[test]
    fn unknown_host_names_the_known_ones() {
        let (sim, _) = echo_sim(6);
        let e = sim.block_on(sim.client().send(post("https://nowhere.example.test/", "x"), &RequestOptions::default())).unwrap_err();
        assert!(e.to_string().contains("echo.example.test:443"), "{e}");
    }
}
