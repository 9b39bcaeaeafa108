pub mod ws1;

use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::exchange::{ExchangeConfig, RetrySchedule, ServerProfile};
use mailconform_fakes::listener::Region;
use mailconform_fakes::securemail::SecureMailConfig;
use mailconform_fakes::{defaults, exchange::ExchangeControl};
use mailconform_sim::{FaultGate, Simulation};
use std::collections::BTreeMap;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

static RUN_SEED: AtomicU64 = AtomicU64::new(1);

/// The seed of the whole run; each scenario derives its own from it and its name, so a
/// scenario's outcome does not depend on which others run beside it.
pub fn set_run_seed(seed: u64) {
    RUN_SEED.store(seed, Ordering::SeqCst);
}

pub fn run_seed() -> u64 {
    RUN_SEED.load(Ordering::SeqCst)
}

pub fn scenario_seed(run: u64, feature: &str, scenario: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ run;
    for b in feature.bytes().chain([0u8]).chain(scenario.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    h
}

/// What the scenario's Given steps asked for, before anything is deployed: the deployment is
/// built on first use, so configuration steps may come in any order before the first action.
#[derive(Clone, Debug)]
pub struct Plan {
    pub exchange: ExchangeConfig,
    /// Extra host names the Exchange fake answers EWS on (a separate EWS FQDN).
    pub exchange_aliases: Vec<String>,
    /// Regions whose listener has Secure Mail's APNs certificate uploaded at start.
    pub uploaded_regions: Vec<Region>,
    pub devices: BTreeMap<String, SecureMailConfig>,
    /// A Notes Traveler server, when the scenario has one.
    pub traveler: Option<mailconform_fakes::traveler::TravelerConfig>,
    /// SEG V2, ENS2, the console and Boxers, when the scenario has them.
    pub ws1: Option<ws1::Ws1Plan>,
    /// Hosts whose port 443 speaks exactly these protocol versions (on OpenSSL, see
    /// `mailconform-tls`); the others keep rustls.
    pub server_tls: BTreeMap<String, mailconform_tls::VersionSet>,
}

impl Default for Plan {
    fn default() -> Self {
        Plan {
            exchange: deployment::default_exchange_config(),
            exchange_aliases: Vec::new(),
            uploaded_regions: vec![Region::Americas],
            devices: BTreeMap::new(),
            traveler: None,
            ws1: None,
            server_tls: BTreeMap::new(),
        }
    }
}

#[derive(cucumber::World)]
#[world(init = Self::new)]
pub struct MailWorld {
    pub sim: Option<Simulation>,
    pub seed: u64,
    pub plan: Plan,
    deployed: bool,
    created_devices: Vec<String>,
    pub gates: BTreeMap<String, FaultGate>,
    /// Virtual time (ms since start) at which a step cut a host off.
    pub fault_at_ms: Option<u64>,
    /// The item ids delivered to each mailbox, oldest first.
    pub delivered: BTreeMap<String, Vec<String>>,
    /// The last answer a step got, for Then steps that check it.
    pub last_status: Option<u16>,
    pub last_body: String,
    /// The Workspace ONE side at run time (its OAuth issuer, the Boxers created).
    pub ws1_runtime: Option<ws1::Ws1Runtime>,
    /// Pushes each Boxer had received when a step last looked.
    pub boxer_pushes_seen: BTreeMap<String, usize>,
    /// The SSLv3/TLS matrix's devices, servers and last handshake.
    pub(crate) tls: crate::steps::tls::TlsState,
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
            seed: run_seed(),
            plan: Plan::default(),
            deployed: false,
            created_devices: Vec::new(),
            gates: BTreeMap::new(),
            fault_at_ms: None,
            delivered: BTreeMap::new(),
            last_status: None,
            last_body: String::new(),
            ws1_runtime: None,
            boxer_pushes_seen: BTreeMap::new(),
            tls: Default::default(),
        }
    }

    /// The scenario's simulation, created on first use with the scenario's seed.
    pub fn sim(&mut self) -> &mut Simulation {
        if self.sim.is_none() {
            self.sim = Some(Simulation::new(self.seed).expect("the simulation could not start (certificate minting failed)"));
        }
        self.sim.as_mut().expect("just created")
    }

    /// Virtual time this scenario covered.
    pub fn virtual_elapsed(&self) -> Duration {
        self.sim.as_ref().map(|s| s.elapsed()).unwrap_or_default()
    }

    pub fn now_ms(&mut self) -> u64 {
        self.sim().elapsed().as_millis() as u64
    }

    pub fn is_deployed(&self) -> bool {
        self.deployed
    }

    /// Build the planned deployment if it is not up yet.
    pub fn deploy(&mut self) {
        if self.deployed {
            return;
        }
        self.deployed = true;
        if self.plan.ws1.is_some() {
            self.ws1_runtime = Some(ws1::prepare_exchange(self));
        }
        let plan = self.plan.clone();
        let sim = self.sim();
        let team_pkcs8 = deployment::add_apns(sim).expect("APNs fake starts");
        let mut gates = match &plan.ws1 {
            Some(planned) => ws1::deploy(sim, &plan, planned, team_pkcs8),
            None => deployment::add_exchange(sim, plan.exchange.clone(), &plan.exchange_aliases).expect("Exchange fake starts"),
        };
        for r in Region::ALL {
            gates.push((r.role(), deployment::add_listener(sim, r).expect("listener starts")));
        }
        if let Some(t) = plan.traveler.clone() {
            gates.push((mailconform_fakes::role::TRAVELER.to_string(), deployment::add_traveler(sim, t).expect("Traveler fake starts")));
        }
        let mut legacy = Vec::new();
        for (host, versions) in &plan.server_tls {
            legacy.push((
                host.clone(),
                mailconform_tls::server::serve_in_simulation(sim, host, *versions).expect("the legacy TLS server starts"),
            ));
        }
        let sim = self.sim.as_ref().expect("created above");
        let roles = Roles::new(sim);
        for r in &plan.uploaded_regions {
            let l = roles.listener(*r).expect("listener role");
            let cert =
                deployment::provider_certificate(sim, defaults::APP_ID, Duration::from_secs(365 * 24 * 3600)).expect("certificate minted");
            sim.block_on(l.upload_certificate(defaults::APP_ID, *r, &cert.cert_pem, &cert.key_pem)).expect("certificate upload");
        }
        self.gates.extend(gates);
        self.tls.servers.extend(legacy);
    }

    /// The device of `user`, created (with the planned configuration) on first use.
    pub fn ensure_device(&mut self, user: &str) -> String {
        self.deploy();
        let name = user.to_ascii_lowercase();
        if !self.created_devices.contains(&name) {
            let cfg = self
                .plan
                .devices
                .get(&name)
                .cloned()
                .unwrap_or_else(|| deployment::default_device_config(&name, &format!("{name}@{}", defaults::DOMAIN), Region::Americas));
            match self.tls.device_connector(&name, self.sim.as_ref().expect("deployed")) {
                Some(connector) => {
                    let http = self.sim().client().with_tls_connector(connector);
                    deployment::add_device_with_http(self.sim(), cfg, http).expect("device starts");
                }
                None => {
                    deployment::add_device(self.sim(), cfg).expect("device starts");
                }
            }
            self.created_devices.push(name.clone());
        }
        name
    }

    /// The planned configuration of `user`'s device (for Given steps that change it).
    pub fn device_plan(&mut self, user: &str) -> &mut SecureMailConfig {
        let name = user.to_ascii_lowercase();
        assert!(!self.created_devices.contains(&name), "{user}'s device is already running: configure it before the first action on it");
        self.plan
            .devices
            .entry(name.clone())
            .or_insert_with(|| deployment::default_device_config(&name, &format!("{name}@{}", defaults::DOMAIN), Region::Americas))
    }

    /// The Workspace ONE plan, for Given steps (created with its defaults on first use).
    pub fn ws1_plan(&mut self) -> &mut ws1::Ws1Plan {
        assert!(!self.deployed, "configure the Workspace ONE side before the first action");
        self.plan.ws1.get_or_insert_with(Default::default)
    }

    pub fn exchange_profile(&mut self, p: ServerProfile) {
        assert!(!self.deployed, "choose the Exchange version before the first action");
        self.plan.exchange.profile = p;
    }

    pub fn retry_schedule(&mut self, r: RetrySchedule) {
        assert!(!self.deployed, "choose the retry schedule before the first action");
        self.plan.exchange.retry = r;
    }

    /// Run protocol work on the scenario's runtime, then let what it set off settle.
    pub fn run<F: Future>(&mut self, f: F) -> F::Output {
        self.deploy();
        let sim = self.sim.as_ref().expect("deployed");
        let out = sim.block_on(f);
        sim.settle();
        out
    }

    pub fn roles(&mut self) -> Roles<'_> {
        self.deploy();
        Roles::new(self.sim.as_ref().expect("deployed"))
    }

    pub fn exchange(&mut self) -> ExchangeControl {
        self.roles().exchange().expect("exchange role")
    }

    pub fn gate(&mut self, role: &str) -> FaultGate {
        self.deploy();
        self.gates
            .get(role)
            .cloned()
            .unwrap_or_else(|| panic!("no host for role {role}; known: {:?}", self.gates.keys().collect::<Vec<_>>()))
    }
}
