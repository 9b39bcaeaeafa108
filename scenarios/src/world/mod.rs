//! The scenario's world: its simulation, the deployment it plans and then runs, and what its
//! steps observed. One module per area: [`plan`] (what Given steps configure, consumed by
//! deploying), [`ws1`] (the Workspace ONE side), [`tls`] (the SSLv3/TLS matrix),
//! [`provider`] (a bare APNs provider), [`observation`] (what a When step saw).

pub mod live;
pub(crate) mod observation;
pub mod plan;
pub(crate) mod provider;
pub mod served;
pub(crate) mod smime;
pub(crate) mod tls;
mod verdicts;
pub mod ws1;

pub use plan::{Deployment, Plan};

use mailconform_fakes::defaults;
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::driver::{
    Backing, ControlFaults, DeviceManagement, DriverFuture, ForeignLifecycle, GateFaults, HostFaults, Lifecycle, Mailboxes,
    PushSubscriptions, Registrations, Traffic,
};
use mailconform_fakes::exchange::{ExchangeControl, RetrySchedule, ServerProfile};
use mailconform_fakes::listener::Region;
use mailconform_fakes::securemail::SecureMailConfig;
use mailconform_sim::{ControlClient, FaultGate, Simulation};
use observation::Observation;
use std::future::Future;
use std::time::Duration;

/// How a step's failure message starts when the role's backing cannot do what the step asks
/// ([`mailconform_fakes::driver::DriverError::NotSupported`]): the run counts the scenario as
/// not applicable, apart from passed and failed, with the rest of the message as its reason.
pub const NOT_APPLICABLE: &str = "not applicable: ";

/// A scenario's seed from the run's seed and its feature and scenario names, so that a
/// scenario's outcome does not depend on which others run beside it.
pub fn scenario_seed(run: u64, feature: &str, scenario: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ run;
    for b in feature.bytes().chain([0u8]).chain(scenario.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// Where the scenario is: still being configured, or running. Configuration steps act on the
/// [`Plan`]; the first action deploys it ([`Plan::deploy`] consumes it), after which only the
/// [`Deployment`] exists and a configuration step has nothing to change.
enum Stage {
    Planning(Box<Plan>),
    Running(Box<Deployment>),
    /// Only while the plan is being deployed.
    Deploying,
}

/// How long [`MailWorld::eventually`] looks again on the real clock.
const LIVE_EVENTUAL_WAIT: Duration = Duration::from_secs(5);

/// How late a real-clock timer may fire and still count as on time ([`MailWorld::clock_tolerance`]).
const LIVE_CLOCK_TOLERANCE: Duration = Duration::from_millis(500);

/// One scenario's world: its simulation, its plan or running deployment, what it observed.
#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct MailWorld {
    /// Set by the run's `before` hook from the run's seed ([`scenario_seed`]).
    pub seed: u64,
    sim: Option<Simulation>,
    stage: Stage,
    /// What the last When step that observes something saw.
    pub(crate) observed: Option<Observation>,
    /// The SSLv3/TLS matrix's devices, servers and last handshake.
    pub(crate) tls: tls::TlsState,
    /// The bare APNs provider, when a step introduced one.
    pub(crate) provider: provider::ProviderState,
    /// Certificates enrolled, exported and imported for S/MIME.
    pub(crate) smime: smime::SmimeState,
    /// What the steps' assertions found of the requirements they check ([`MailWorld::verify`]).
    verdicts: Vec<crate::requirements::Verdict>,
    /// The run's real components (`--target-config`), set by the run's `before` hook.
    pub live: Option<std::sync::Arc<live::LiveTargets>>,
    /// In a live run, why this scenario is not applicable when its protocol time is more real
    /// time than the run's budget; its first step that reaches the target says so.
    pub over_budget: Option<String>,
    /// In a live run against a real `exchange.eas`, whether a step put Secure Mail's ActiveSync
    /// account on the target ([`MailWorld::secure_mail_on_target`]): the scenario's fakes then
    /// run on the real clock beside it.
    on_target: bool,
    /// In a live run with `--record`, the scenario's exchanges with the target.
    recorder: Option<mailconform_sim::http::record::Recorder>,
    /// In a run with roles served by another process (`--served`), the scenario's link with them.
    served: Option<served::ServedLink>,
    /// In a live run against a real EWS, the ports the real Exchange reaches the scenario's
    /// listeners at (closed with the world).
    callback_bridge: Option<mailconform_sim::Bridge>,
    /// Whether the scenario plans a Notes Traveler server ([`MailWorld::plan_traveler`]): its
    /// mail server is then Traveler, which a live run's `traveler` target stands in for.
    traveler_planned: bool,
    /// In a live run with real components beside the fakes (listeners, a SEG), the scenario's
    /// roles bridged out on `[callback.ports]` (closed with the world), and each real
    /// component's role with the gate on the way out to it.
    real_beside: Option<(mailconform_sim::Bridge, Vec<(String, FaultGate)>)>,
    /// Whether a step reached a real component outside the simulation (the bare ActiveSync
    /// client, the mailbox adapter, the bare APNs provider, the enrollment site): what
    /// [`MailWorld::check_reached_real_component`] counts besides the simulation's own
    /// connections.
    real_reached: bool,
    /// The simulation's connections to outside hosts once the deployment ran: the set-up's
    /// (a certificate uploaded to a real listener) do not count as reaching the component.
    connections_at_deploy: u64,
}

impl std::fmt::Debug for MailWorld {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MailWorld")
            .field("seed", &self.seed)
            .field("virtual_time", &self.sim.as_ref().map(|s| s.elapsed()))
            .field("hosts", &self.sim.as_ref().map(|s| s.net.host_names()))
            .finish()
    }
}

impl MailWorld {
    fn new() -> Self {
        MailWorld {
            sim: None,
            seed: 1,
            stage: Stage::Planning(Box::default()),
            observed: None,
            tls: Default::default(),
            provider: Default::default(),
            smime: Default::default(),
            verdicts: Vec::new(),
            live: None,
            over_budget: None,
            on_target: false,
            recorder: None,
            served: None,
            callback_bridge: None,
            traveler_planned: false,
            real_beside: None,
            real_reached: false,
            connections_at_deploy: 0,
        }
    }

    /// The scenario's simulation, created on first use with the scenario's seed. In a live run
    /// it exists only once Secure Mail's ActiveSync account is on the target, and runs on the
    /// real clock ([`Simulation::live`]); any other use of it there would test a built-in fake
    /// instead of the target, so the step is not applicable.
    ///
    /// With roles served by another process (`--served`) and no real component, every step
    /// applies: the simulation is live, signs with the served deployment's CAs, and reaches the
    /// served roles at their ports ([`served`]).
    pub fn sim(&mut self) -> &mut Simulation {
        // With a real EWS the scenario's listeners are what the target pushes to, with a real
        // listener the scenario's Exchange and APNs are what it is between: the simulation is
        // part of the run.
        let beside = self.live_ews().is_some() || self.live.as_ref().is_some_and(|l| l.fakes_run_beside());
        if self.live.as_ref().is_some_and(|l| l.has_real_component()) && !beside && !self.on_target {
            panic!("{NOT_APPLICABLE}{}", live::SIMULATED_ONLY);
        }
        let seed = self.seed;
        let (live, served, callback_pki) = match &self.live {
            Some(l) => (true, l.served.clone(), l.callback.pki.clone()),
            None => (false, None, None),
        };
        self.sim.get_or_insert_with(|| {
            let sim = match (live, served, callback_pki) {
                (_, Some(served), _) => Simulation::live_with_pki(seed, served.pki.clone()),
                (true, None, Some(pki)) => Simulation::live_with_pki(seed, pki),
                (true, None, None) => Simulation::live(seed),
                (false, None, _) => Simulation::new(seed),
            };
            sim.expect("the simulation could not start (certificate minting failed)")
        })
    }

    /// The subject a step's message has on the server: as written, or in a live run with this
    /// run's and scenario's mark appended, since a real server keeps the mail of earlier runs
    /// and "Message 0" of yesterday must not pass for today's.
    ///
    /// Served fakes need no mark: the serving process is reset before each scenario.
    pub fn subject(&self, written: &str) -> String {
        match &self.live {
            Some(live) if self.has_real_mail_server() => format!("{written} [{}]", live.mark(self.seed)),
            _ => written.to_string(),
        }
    }

    /// What to fix in the target configuration for a device's `error` against a real server
    /// (empty in-process, and for an error that is the server's own behaviour).
    pub fn advice(&self, error: Option<&mailconform_fakes::role_error::RoleError>) -> &'static str {
        match error {
            Some(e) if self.has_real_mail_server() => live::advice(&e.kind),
            _ => "",
        }
    }

    /// The recorder of this scenario's exchanges with the live run's targets (`run --record`).
    pub fn recorder(&mut self) -> Option<mailconform_sim::http::record::Recorder> {
        if self.recorder.is_none() {
            self.recorder = self.live.as_deref().and_then(live::recorder_for);
        }
        self.recorder.clone()
    }

    /// The exchanges this scenario had with the live run's targets, in order (emptied).
    pub fn take_recorded(&mut self) -> Vec<mailconform_sim::http::record::RecordedExchange> {
        self.recorder.as_ref().map(|r| r.take()).unwrap_or_default()
    }

    /// Puts Secure Mail's ActiveSync account on the live run's real ActiveSync server, when
    /// there is one (its steps call this first): the devices started from then on sync with the
    /// target, signed in with its mailboxes' credentials, while the other roles stay fakes on
    /// the real clock. Outside a live run, or without a real `exchange.eas`, it changes nothing.
    pub fn secure_mail_on_target(&mut self) {
        if self.live_eas().is_some() {
            self.on_target = true;
        }
    }

    /// The simulation, read-only (it exists once anything was deployed or timed).
    pub fn sim_ref(&self) -> &Simulation {
        self.sim.as_ref().expect("the simulation exists once the scenario deployed")
    }

    /// Virtual time this scenario covered.
    pub fn virtual_elapsed(&self) -> Duration {
        self.sim.as_ref().map(|s| s.elapsed()).unwrap_or_default()
    }

    /// How far apart two times of the protocol may be and still be the same time: nothing on
    /// the virtual clock, which is exact; on the real clock of a live run, the timer latency of
    /// the processes involved (each timer fires a few milliseconds late, never early).
    pub fn clock_tolerance(&self) -> Duration {
        match self.live {
            Some(_) => LIVE_CLOCK_TOLERANCE,
            None => Duration::ZERO,
        }
    }

    /// What `observe` sees once `done` holds of it. In-process the first look is the answer:
    /// the simulation settled before the step. On the real clock work crosses processes and
    /// may still be on its way, so the look is repeated every 100 ms for up to
    /// [`LIVE_EVENTUAL_WAIT`], and the last look is the answer either way (the step's assertion
    /// then says what was seen).
    pub fn eventually<T>(&mut self, mut observe: impl FnMut(&mut MailWorld) -> T, done: impl Fn(&T) -> bool) -> T {
        let mut seen = observe(self);
        if self.live.is_none() {
            return seen;
        }
        let deadline = std::time::Instant::now() + LIVE_EVENTUAL_WAIT;
        while !done(&seen) && std::time::Instant::now() < deadline {
            // Through the simulation's clock, which in a live run is the real one.
            self.sim_ref().advance(Duration::from_millis(100));
            seen = observe(self);
        }
        seen
    }

    /// Milliseconds of virtual time since the scenario started.
    pub fn now_ms(&mut self) -> u64 {
        self.sim().elapsed().as_millis() as u64
    }

    /// Whether the first action has deployed the plan.
    pub fn is_deployed(&self) -> bool {
        matches!(self.stage, Stage::Running(_))
    }

    /// The plan, for configuration steps. The one place that enforces "configure before the
    /// first action": once the deployment runs there is no plan left to change.
    pub fn plan(&mut self) -> &mut Plan {
        match &mut self.stage {
            Stage::Planning(p) => p,
            _ => panic!("this step configures the deployment, but the scenario already acted on it: put configuration (Given) steps before the first action"),
        }
    }

    /// What was planned, read-only, before or after deploying.
    pub fn spec(&self) -> &Plan {
        match &self.stage {
            Stage::Planning(p) => p,
            Stage::Running(d) => d.plan(),
            Stage::Deploying => unreachable!("the plan is being deployed"),
        }
    }

    /// Deploy the plan if it is not running yet.
    pub fn deploy(&mut self) {
        if !matches!(self.stage, Stage::Planning(_)) {
            return;
        }
        let Stage::Planning(plan) = std::mem::replace(&mut self.stage, Stage::Deploying) else { unreachable!() };
        self.sim();
        let served = self.live.as_ref().and_then(|l| l.served.clone());
        let budget = self.live.as_ref().map(|l| l.budget);
        let sim = self.sim.as_mut().expect("created above");
        if let (Some(roles), Some(budget)) = (&served, budget) {
            // Attached first: the reset reaches the serving process through the simulation.
            self.served = Some(served::ServedLink::new(roles.clone(), sim));
            let http = sim.control_client();
            live::within(budget, sim, roles.reset(&http));
        }
        self.tls.external = self.live.as_ref().and_then(|l| l.tls_server.clone());
        if let Some(live) = self.live.clone().filter(|l| l.ews.is_some()) {
            // Before the listeners start, so that they hand out their outside URL.
            self.callback_bridge = Some(live::bridge_listeners(&live, sim));
        }
        if let Some(live) = self.live.clone() {
            // Before the roles they call start, so that their certificates name the advertised address.
            self.real_beside = live::place_beside(&live, sim);
        }
        let deployment = plan.deploy(sim, &mut self.tls, served.as_deref(), self.live.as_deref());
        self.connections_at_deploy = sim.net.connections_out();
        if let Some(link) = &self.served {
            link.sync(sim);
        }
        self.stage = Stage::Running(Box::new(deployment));
        if let Some(live) = self.live.clone().filter(|l| l.ews.is_some()) {
            live::read_all_mail(&live, self.sim_ref());
        }
    }

    /// The running deployment (deployed on first use).
    pub fn running(&mut self) -> &mut Deployment {
        self.deploy();
        match &mut self.stage {
            Stage::Running(d) => d,
            _ => unreachable!("deployed above"),
        }
    }

    /// The device of `user`, created (with the planned configuration) on first use.
    pub fn ensure_device(&mut self, user: &str) -> String {
        self.deploy();
        let name = user.to_ascii_lowercase();
        let Stage::Running(d) = &mut self.stage else { unreachable!("deployed above") };
        let Some(mut cfg) = d.take_device_config(&name) else { return name };
        if cfg.network.is_none() {
            cfg.network = d.plan().network_setup();
        }
        let server_host = live::address(&cfg.exchange_server).map(|(host, _)| host).unwrap_or_default();
        if self.tls.is_external(&server_host) {
            panic!(
                "{NOT_APPLICABLE}{name}'s Exchange Server policy names {server_host}, which OpenSSL's s_server serves in this run (--tls-server): \
                 it answers no ActiveSync, so only the handshake steps apply"
            );
        }
        if let Some(live) = &self.live {
            // A real listener or SEG stands for the default world's.
            cfg.listener_base = live::onto_beside(live, &cfg.listener_base);
            cfg.exchange_server = live::onto_beside(live, &cfg.exchange_server);
        }
        let recorder = self.recorder();
        let on_target = self
            .live
            .clone()
            .and_then(|live| live::put_device_on_target(&live, self.traveler_planned, &mut cfg, self.sim_ref(), self.seed, recorder));
        let sim = self.sim.as_mut().expect("deployed");
        if let Some(http) = on_target {
            deployment::add_device_with_http(sim, cfg, http).expect("device starts");
            return name;
        }
        match self.tls.device_connector(&name, sim) {
            Some(connector) => {
                let http = sim.client().with_tls_connector(connector);
                deployment::add_device_with_http(sim, cfg, http).expect("device starts");
            }
            None => {
                deployment::add_device(sim, cfg).expect("device starts");
            }
        }
        if let Some(link) = &self.served {
            // A served APNs delivers to the new phone through the bridge.
            link.sync(sim);
        }
        name
    }

    /// The configuration of `user`'s device, for Given steps that change it: planned devices
    /// can be configured until their first action, even once the servers run.
    pub fn device_plan(&mut self, user: &str) -> &mut SecureMailConfig {
        let name = user.to_ascii_lowercase();
        let devices = match &mut self.stage {
            Stage::Planning(p) => &mut p.devices,
            Stage::Running(d) => d
                .pending_devices(&name)
                .unwrap_or_else(|| panic!("{user}'s device is already running: configure it before the first action on it")),
            Stage::Deploying => unreachable!("the plan is being deployed"),
        };
        devices.entry(name.clone()).or_insert_with(|| default_device(&name))
    }

    /// The Workspace ONE plan, for Given steps (created with its defaults on first use).
    pub fn ws1_plan(&mut self) -> &mut ws1::Ws1Plan {
        self.plan().ws1.get_or_insert_with(Default::default)
    }

    /// Makes `host` speak exactly `versions` from now on (the matrix's "the server moves to").
    pub fn serve_tls(&mut self, host: &str, versions: mailconform_tls::VersionSet) {
        self.deploy();
        let sim = self.sim.as_mut().expect("deployed");
        self.tls.serve(sim, host, versions);
    }

    /// Plans Exchange as this server version.
    pub fn exchange_profile(&mut self, p: ServerProfile) {
        self.plan().exchange.profile = p;
    }

    /// Plans Exchange's push retry schedule.
    pub fn retry_schedule(&mut self, r: RetrySchedule) {
        self.plan().exchange.retry = r;
    }

    /// Run protocol work on the scenario's runtime, then let what it set off settle. In a live
    /// run (real clock) the work may take at most the run's real-time budget.
    pub fn run<F: Future>(&mut self, f: F) -> F::Output {
        self.deploy();
        self.within_budget();
        let sim = self.sim.as_ref().expect("deployed");
        let out = match &self.live {
            Some(live) => live::within(live.budget, sim, f),
            None => sim.block_on(f),
        };
        sim.settle();
        out
    }

    /// Runs `f` (a held request: a Ping, a long poll) while a message `subject` reaches
    /// `email`'s inbox `minutes` into it; gives `f`'s outcome and the whole minutes it took,
    /// so a step can tell a request that returned at the delivery from one that ran out.
    pub fn run_while_mail_arrives<F: Future>(&mut self, email: String, subject: String, minutes: u64, f: F) -> (F::Output, u64) {
        let mailboxes = self.mailboxes();
        let subject = self.subject(&subject);
        let both = async move {
            let mail = async {
                tokio::time::sleep(std::time::Duration::from_secs(minutes * 60)).await;
                mailboxes.deliver(&email, &subject).await
            };
            futures::join!(f, mail)
        };
        let real_eas = self.live_eas().is_some();
        let ((out, delivered), took) = match self.live.clone() {
            Some(_) if self.on_target || !real_eas => {
                let started = std::time::Instant::now();
                (self.run(both), started.elapsed())
            }
            Some(live) => {
                self.within_budget();
                let started = std::time::Instant::now();
                (live.block_on(both), started.elapsed())
            }
            None => {
                let started = self.sim().elapsed();
                (self.run(both), self.sim().elapsed() - started)
            }
        };
        delivered.unwrap_or_else(|e| not_applicable_or_panic(e));
        (out, took.as_secs() / 60)
    }

    /// Control clients of the deployment's roles, by name.
    pub fn roles(&mut self) -> Roles<'_> {
        self.deploy();
        Roles::new(self.sim.as_ref().expect("deployed"))
    }

    /// Exchange's control client. Against a real `exchange.eas` the built-in Exchange holds
    /// none of the target's mailboxes, so what it would say is not applicable.
    fn exchange(&mut self) -> ExchangeControl {
        if self.has_real_mail_server() {
            panic!("{NOT_APPLICABLE}{}", live::FAKE_EXCHANGE);
        }
        self.roles().exchange().expect("exchange role")
    }

    /// The gate that faults `role`'s host.
    pub fn gate(&mut self, role: &str) -> FaultGate {
        self.running().gate(role)
    }

    /// Network faults on `role`'s host, whatever backs it.
    pub fn faults(&mut self, role: &str) -> Box<dyn HostFaults> {
        self.deploy();
        if let Some(real) = self.beside_gate(role) {
            return Box::new(real);
        }
        if let Some(control_url) = self.served_control_url(role) {
            let control = ControlClient::new(self.sim_ref().control_client(), &control_url);
            let own = Box::new(ControlFaults { role: role.to_string(), control, backing: Backing::Served { control_url } });
            let served = self.served.as_ref().map(|l| l.roles.clone()).expect("a served control URL comes from the served roles");
            return match &served.network {
                Some(program) => Box::new(mailconform_fakes::driver::NetworkFaults {
                    role: role.to_string(),
                    program: program.clone(),
                    inner: own,
                    cut: served.cut.clone(),
                }),
                None => own,
            };
        }
        let gate = self.gate(role);
        Box::new(GateFaults { role: role.to_string(), gate })
    }

    /// The real ActiveSync server in this scenario's mail server role: `traveler` in
    /// `--target-config` when the scenario plans a Traveler server, `exchange.eas` otherwise.
    pub fn live_eas(&self) -> Option<&live::LiveEas> {
        let live = self.live.as_deref()?;
        match self.traveler_planned {
            true => live.traveler.as_ref(),
            false => live.eas.as_ref(),
        }
    }

    /// The real EWS of a live run (`exchange.ews` in `--target-config`); none for a scenario
    /// whose mail server is Traveler, which has no EWS.
    pub fn live_ews(&self) -> Option<&live::LiveEws> {
        self.live.as_deref().and_then(|l| l.ews.as_ref()).filter(|_| !self.traveler_planned)
    }

    /// The real AD CS of a live run (`adcs`).
    pub fn live_adcs(&self) -> Option<&live::LiveAdcs> {
        self.live.as_deref().and_then(|l| l.adcs.as_ref())
    }

    /// APNs's device side in `environment` (a phone's token, what reached it, a developer's
    /// key): only the built-in or a served APNs has one.
    pub fn push_devices(&mut self, environment: mailconform_fakes::apns::Environment) -> Box<dyn mailconform_fakes::driver::PushDevices> {
        Box::new(self.roles().apns_in(environment).unwrap_or_else(|e| panic!("{e}")))
    }

    /// The certification authority's administration (its templates, the directory it
    /// publishes to), whatever backs it: for a real AD CS, the templates its target declares.
    pub fn authority(&mut self) -> Box<dyn mailconform_fakes::driver::CertificateAuthority> {
        if let Some(adcs) = self.live_adcs() {
            return Box::new(adcs.authority.clone());
        }
        Box::new(self.roles().adcs().expect("the scenario has Active Directory Certificate Services"))
    }

    /// Plans the scenario's Notes Traveler server: in a live run with a `traveler` target, the
    /// target stands in for it.
    pub fn plan_traveler(&mut self, config: mailconform_fakes::traveler::TravelerConfig) {
        self.plan().traveler = Some(config);
        self.traveler_planned = true;
    }

    /// The Notes Traveler server's administration and mailboxes, whatever backs it: the real
    /// Traveler of a live run (what it cannot do from here is not applicable), or the fake's
    /// control API.
    pub fn traveler(&mut self) -> Box<dyn mailconform_fakes::driver::TravelerAdministration> {
        if let Some(real) = self.live_eas().filter(|_| self.traveler_planned) {
            return Box::new(real.component.clone());
        }
        Box::new(self.roles().traveler().expect("the scenario has a Traveler server"))
    }

    /// `url` as the scenario reaches it: on the real component beside the fakes that stands for
    /// its host, if any ([`live::onto_beside`]).
    pub fn onto_beside(&self, url: &str) -> String {
        match &self.live {
            Some(live) => live::onto_beside(live, url),
            None => url.to_string(),
        }
    }

    /// SEG's control API: what it forwarded and blocked. A real SEG keeps that inside, so the
    /// step is not applicable against one.
    pub fn seg_control(&mut self) -> mailconform_fakes::seg::SegControl {
        if let Some(real) = self.live.as_ref().and_then(|l| l.beside(mailconform_fakes::role::SEG)) {
            panic!(
                "{NOT_APPLICABLE}this step reads what SEG forwarded and blocked from its own log, which the real seg at {} keeps inside",
                real.url
            );
        }
        self.roles().seg(mailconform_fakes::role::SEG).expect("SEG deployed")
    }

    /// ENS2's control API (the devices it holds, the pushes it attempted), or `None` when ENS2
    /// is a real component, which keeps them inside.
    pub fn ens_control(&mut self) -> Option<mailconform_fakes::ens::EnsControl> {
        if self.live.as_ref().is_some_and(|l| l.beside(mailconform_fakes::role::ENS).is_some()) {
            return None;
        }
        Some(self.roles().ens().expect("ENS2 deployed"))
    }

    /// The same, for a step that has nothing to check without it: not applicable against a
    /// real ENS2.
    pub fn ens_log(&mut self) -> mailconform_fakes::ens::EnsControl {
        self.ens_control().unwrap_or_else(|| {
            panic!("{NOT_APPLICABLE}this step reads the pushes ENS2 attempted from its own log, which the real ens keeps inside")
        })
    }

    /// Whether a real component stands in the mail server's role (either protocol): the
    /// built-in Exchange then holds none of the run's mail.
    pub fn has_real_mail_server(&self) -> bool {
        self.live_eas().is_some() || self.live_ews().is_some()
    }

    /// Runs a future that talks to the mail server's ActiveSync endpoint: on the real clock
    /// against a live target, else on the scenario's simulation.
    pub fn run_eas<F: Future>(&mut self, f: F) -> F::Output {
        match self.live_eas().is_some() {
            true => self.run_on_real(f),
            false => self.run(f),
        }
    }

    /// Runs a future that talks to one of the live run's real components: on the targets'
    /// runtime (the real clock, each wait bounded by the budget), the scenario counted as having
    /// reached a real component.
    pub fn run_on_real<F: Future>(&mut self, f: F) -> F::Output {
        self.within_budget();
        let live = self.live.clone().expect("a live run has real components");
        self.real_reached = true;
        live.block_on(f)
    }

    /// The real APNs of `environment` when it is a target of the run, for the features' own
    /// provider: the scenario's other steps then run on the real clock (its minutes pass for
    /// real), as with Secure Mail's account on a real mail server.
    pub fn provider_on_real_apns(&mut self, environment: mailconform_fakes::apns::Environment) -> Option<live::LiveApns> {
        let real = self.live.as_ref()?.apns(environment)?.clone();
        self.on_target = true;
        Some(real)
    }

    /// Ends the step not applicable when the scenario would take more real time than the live
    /// run's budget.
    fn within_budget(&self) {
        if let Some(reason) = &self.over_budget {
            panic!("{NOT_APPLICABLE}{reason}");
        }
    }

    /// The mail server's mailboxes (Exchange's, or the real server's through its adapter),
    /// whatever backs it.
    pub fn mailboxes(&mut self) -> Box<dyn Mailboxes> {
        if let Some(ews) = self.live_ews() {
            return Box::new(ews.component.clone());
        }
        if let Some(eas) = self.live_eas() {
            return Box::new(eas.component.clone());
        }
        Box::new(self.exchange())
    }

    /// Exchange's EWS push subscriptions and the notifications it sent, whatever backs it: for
    /// a real EWS, its attempts as the scenario's listeners saw them arrive over the bridge.
    pub fn push_subscriptions(&mut self) -> Box<dyn PushSubscriptions> {
        if let (Some(ews), Some(bridge)) = (self.live_ews(), &self.callback_bridge) {
            let (role, url, arrivals) = (ews.component.role.clone(), ews.url.clone(), bridge.arrivals());
            let listeners = self
                .spec()
                .devices
                .values()
                .map(|d| (d.email.clone(), live::address(&d.listener_base).map(|(host, _)| host).unwrap_or_default()))
                .collect();
            return Box::new(mailconform_fakes::driver::ObservedPushes { role, url, listeners, arrivals });
        }
        Box::new(self.exchange())
    }

    /// The requests Exchange received, whatever backs it.
    pub fn traffic(&mut self) -> Box<dyn Traffic> {
        if let Some(eas) = self.live_eas() {
            return Box::new(eas.component.clone());
        }
        Box::new(self.exchange())
    }

    /// Exchange's mobile device management (partnerships, device policy), whatever backs it.
    pub fn device_management(&mut self) -> Box<dyn DeviceManagement> {
        if let Some(eas) = self.live_eas() {
            return Box::new(eas.component.clone());
        }
        Box::new(self.exchange())
    }

    /// The region's listener service's registrations and pushes, whatever backs it: for a real
    /// listener, its own registration API (what it stores is not applicable).
    pub fn registrations(&mut self, region: Region) -> Box<dyn Registrations> {
        let api = self.roles().listener(region).unwrap_or_else(|e| panic!("{e}"));
        match self.live.clone().as_deref().and_then(|l| l.beside(&mailconform_fakes::role::listener(region))) {
            Some(real) => {
                let apns = self.roles().apns().expect("the scenario's APNs runs beside a real listener");
                let api = mailconform_fakes::listener::RegistrationClient(api.api);
                Box::new(mailconform_fakes::driver::RealListener { role: real.role.clone(), url: real.url.clone(), api, apns })
            }
            None => Box::new(api),
        }
    }

    /// The UEM console's administration, whatever backs it: for a real console, the target's
    /// command adapter.
    pub fn console(&mut self) -> Box<dyn mailconform_fakes::driver::Console> {
        if let Some(real) = self.live.as_ref().and_then(|l| l.console.clone()) {
            self.deploy();
            return Box::new(real);
        }
        Box::new(self.roles().uem().unwrap_or_else(|e| panic!("{e}")))
    }

    /// The faults on the way out to `role` when it is a real component beside the scenario.
    fn beside_gate(&self, role: &str) -> Option<mailconform_fakes::driver::OutsideFaults> {
        let (_, gates) = self.real_beside.as_ref()?;
        let (_, gate) = gates.iter().find(|(r, _)| r == role)?;
        let url = self.live.as_ref()?.beside(role)?.url.clone();
        Some(mailconform_fakes::driver::OutsideFaults { role: role.to_string(), url, gate: gate.clone() })
    }

    /// Ends a live run's scenario not applicable when none of its steps reached a real
    /// component: its roles were all built-in fakes, so its outcome says nothing of the
    /// components under test. A live run with real components beside its fakes closes every
    /// scenario with it.
    pub fn check_reached_real_component(&self) {
        let Some(live) = &self.live else {
            panic!("this step closes the scenarios of a live run (--target-config); it means nothing in-process");
        };
        let reached = self.real_reached || self.sim.as_ref().is_some_and(|s| s.net.connections_out() > self.connections_at_deploy);
        if live.has_real_component() && !reached {
            panic!("{NOT_APPLICABLE}{}", live::UNREACHED);
        }
    }

    /// Why the scenario's listeners cannot be left without Secure Mail's certificate, when a
    /// real listener of the run has one from an earlier scenario and its API deletes none.
    pub fn certificates_kept(&self) -> Option<String> {
        let l = self.live.as_ref()?.beside.iter().find(|b| mailconform_fakes::role::is_listener(&b.role))?;
        Some(format!(
            "the scenario needs a listener without Secure Mail's APNs certificate; the real {} keeps the certificates uploaded to it \
             (its API uploads and renews them, it deletes none)",
            l.role
        ))
    }

    /// Restarting `role`, whatever backs it: the simulation itself, or nothing this process
    /// can do for a role served by another.
    pub fn lifecycle(&mut self, role: &str) -> Box<dyn Lifecycle> {
        self.deploy();
        if let Some(real) = self.live.as_ref().and_then(|l| l.beside(role)) {
            return Box::new(ForeignLifecycle { backing: Backing::Real { url: real.url.clone() } });
        }
        match self.served_control_url(role) {
            Some(control_url) => {
                let link = self.served.as_ref().expect("a served control URL comes from the served roles");
                link.lifecycle(self.sim_ref()).unwrap_or_else(|| Box::new(ForeignLifecycle { backing: Backing::Served { control_url } }))
            }
            None => Box::new(self.sim_ref().restarts()),
        }
    }

    /// The control URL of `role` when another process serves it (`--served`), once deployed.
    fn served_control_url(&mut self, role: &str) -> Option<String> {
        self.deploy();
        self.served.as_ref().filter(|l| l.roles.serves(role))?;
        self.sim_ref().topology.get(role).map(|e| e.control_url.clone())
    }

    /// Runs a driver call; an operation the role's backing cannot perform ends the step with
    /// [`NOT_APPLICABLE`] and the driver's "not supported" message, which names the operation
    /// and the backing, so the run counts the scenario as not applicable rather than failed.
    pub fn drive<T>(&mut self, call: DriverFuture<'_, T>) -> T {
        // A real component's drivers run on the targets' runtime (reaching a fake went through `sim`).
        if self.live_eas().is_some() {
            return self.drive_real(call);
        }
        self.run(call).unwrap_or_else(|e| not_applicable_or_panic(e))
    }

    /// Runs a call of a real component's driver on the targets' runtime, as [`MailWorld::drive`]
    /// does with the drivers of a real mail server.
    pub fn drive_real<T>(&mut self, call: DriverFuture<'_, T>) -> T {
        self.run_on_real(call).unwrap_or_else(|e| not_applicable_or_panic(e))
    }

    /// Records what a When step saw.
    pub(crate) fn observe(&mut self, o: Observation) {
        self.observed = Some(o);
    }
}

/// The default configuration of `name`'s Secure Mail: the built-in mailbox of that name, the
/// Americas listener.
/// Ends the step: not applicable when the driver's backing cannot do what it was asked, failed
/// otherwise.
pub(crate) fn not_applicable_or_panic(e: mailconform_fakes::driver::DriverError) -> ! {
    match e.is_not_applicable() {
        true => panic!("{NOT_APPLICABLE}{e}"),
        false => panic!("{e}"),
    }
}

pub(crate) fn default_device(name: &str) -> SecureMailConfig {
    deployment::default_device_config(name, &format!("{name}@{}", defaults::DOMAIN), Region::Americas)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::panic::{catch_unwind, AssertUnwindSafe};

    #[test]
    fn the_plan_is_gone_once_the_deployment_runs() {
        let mut w = MailWorld::new();
        w.plan().exchange_aliases.push("ews.example.test".into());
        w.deploy();
        assert!(w.is_deployed());
        assert_eq!(w.spec().exchange_aliases, ["ews.example.test"], "what was planned stays readable");
        let late = catch_unwind(AssertUnwindSafe(|| {
            w.plan();
        }));
        assert!(late.is_err(), "a configuration step after the first action must be refused");
    }

    #[test]
    fn a_device_is_configurable_until_its_own_first_action() {
        let mut w = MailWorld::new();
        w.deploy();
        w.device_plan("alice").status_frequency_minutes = 5;
        w.ensure_device("alice");
        assert_eq!(w.spec().devices["alice"].status_frequency_minutes, 5, "the device started with its configuration");
        let late = catch_unwind(AssertUnwindSafe(|| {
            w.device_plan("alice");
        }));
        assert!(late.is_err(), "configuring a running device must be refused");
    }

    #[test]
    fn the_provider_on_a_real_apns_runs_its_scenario_on_the_real_clock_and_only_there() {
        use mailconform_fakes::apns::Environment;
        let mut targets = live::LiveTargets::new(None, std::time::Duration::from_secs(60)).unwrap();
        targets.apns.push(live::LiveApns {
            role: "apns.sandbox".into(),
            environment: Environment::Sandbox,
            url: "https://127.0.0.1:9".into(),
            http: unused_client(),
            team_id: "T".into(),
            key_id: "K".into(),
            pkcs8_der: Vec::new(),
            topic: "com.corp.mail".into(),
            device_token: "ab".into(),
        });
        let mut w = MailWorld::new();
        w.live = Some(std::sync::Arc::new(targets));
        let simulated = catch_unwind(AssertUnwindSafe(|| {
            w.sim();
        }));
        let said = simulated.expect_err("a simulated step of a live run is not applicable");
        assert!(said.downcast_ref::<String>().is_some_and(|m| m.starts_with(NOT_APPLICABLE)), "{said:?}");
        assert!(w.provider_on_real_apns(Environment::Production).is_none(), "production is not a target");
        assert_eq!(w.provider_on_real_apns(Environment::Sandbox).map(|a| a.topic), Some("com.corp.mail".into()));
        // Its minutes then pass on the real clock, with the rest of the scenario.
        let timed = catch_unwind(AssertUnwindSafe(|| {
            w.sim();
        }));
        assert!(timed.is_ok(), "the provider's scenario runs its simulation live");
    }

    /// A client over TCP that trusts nothing in particular (the test never connects).
    fn unused_client() -> mailconform_sim::HttpClient {
        use mailconform_sim::{tls, Clock, HttpClient, TcpDialer};
        HttpClient::new(std::sync::Arc::new(TcpDialer::default()), tls::roots(&[]), Clock::real())
    }
}
