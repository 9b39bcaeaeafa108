//! Restarting a role inside a simulation, as an operator restarts the process that serves it.
//!
//! A role put with a [`Rebuild`] can be restarted: its fake's lifetime ends (its timers and
//! outgoing deliveries stop, see [`crate::Lifetime`]), every connection open to its host is
//! cut, and a new fake is built by the role's [`Rebuild`] from a fresh environment on the same
//! host, with the same certificate, TLS stack and fault gate. The new fake reads back what the
//! old one kept in the scenario's state database ([`crate::store`]) and nothing else: what it
//! held only in memory is gone, as after a real restart.
//!
//! Which fakes can be rebuilt, and from what configuration, is the role crate's knowledge (its
//! deployment gives each placement its [`Rebuild`]); this module only runs it.

use crate::clock::Clock;
use crate::error::SimError;
use crate::http::client::HttpClient;
use crate::http::server::Handler;
use crate::lifetime::Lifetime;
use crate::net::SimNet;
use crate::rng::SeededRng;
use crate::store::{RoleStore, StateStore};
use crate::FakeEnv;
use rustls_pki_types::CertificateDer;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// Builds a role's fake again from a fresh environment, when the role restarts.
#[derive(Clone)]
pub struct Rebuild {
    /// The label the fake's environment was made with ([`crate::Hosting::env`]): the rebuilt
    /// fake gets the same part of the state database, and a random stream of its own.
    pub label: String,
    /// Makes the fake from its environment, reading back what it kept from `env.store`.
    pub build: Arc<dyn Fn(FakeEnv) -> Arc<dyn Handler> + Send + Sync>,
}

impl Rebuild {
    /// A fake of environment `label`, made by `build`.
    pub fn new(label: &str, build: impl Fn(FakeEnv) -> Arc<dyn Handler> + Send + Sync + 'static) -> Self {
        Rebuild { label: label.to_string(), build: Arc::new(build) }
    }
}

/// Per environment label: the lifetimes of the environments handed out, and how often the
/// fake of that label restarted.
type Lives = BTreeMap<String, (Vec<Lifetime>, u32)>;

/// The environments a simulation hands its fakes, and the lifetime of each.
#[derive(Clone)]
pub(crate) struct SimEnvs {
    pub(crate) net: Arc<SimNet>,
    pub(crate) ca: CertificateDer<'static>,
    /// Certificates trusted besides the run's CA: a real component's own ([`crate::Simulation::trust_also`]).
    pub(crate) also_trusted: Arc<Mutex<Vec<CertificateDer<'static>>>>,
    pub(crate) clock: Clock,
    pub(crate) rng: SeededRng,
    pub(crate) store: Arc<dyn StateStore>,
    lives: Arc<Mutex<Lives>>,
}

impl SimEnvs {
    pub(crate) fn new(net: Arc<SimNet>, ca: CertificateDer<'static>, clock: Clock, rng: SeededRng, store: Arc<dyn StateStore>) -> Self {
        SimEnvs { net, ca, also_trusted: Arc::default(), clock, rng, store, lives: Arc::default() }
    }

    /// The run's CA and whatever is trusted besides it.
    pub(crate) fn trusted(&self) -> Vec<CertificateDer<'static>> {
        let mut all = vec![self.ca.clone()];
        all.extend(self.also_trusted.lock().expect("trust poisoned").iter().cloned());
        all
    }

    /// A client on the simulated network that trusts the run's CA (and what is trusted besides it).
    pub(crate) fn client(&self) -> HttpClient {
        HttpClient::new(self.net.clone(), crate::tls::roots(&self.trusted()), self.clock.clone())
    }

    /// A fake's environment: its own client, the clock, its random stream (a new one after
    /// each restart, so that a restarted fake does not hand out the IDs it handed out before),
    /// its part of the state database, a lifetime that ends when its role restarts.
    pub(crate) fn env(&self, label: &str) -> FakeEnv {
        let mut lives = self.lives.lock().expect("lives poisoned");
        let (handed, restarts) = lives.entry(label.to_string()).or_default();
        let rng = match *restarts {
            0 => self.rng.fork(label),
            n => self.rng.fork(&format!("{label}#restart{n}")),
        };
        let mut env = FakeEnv::new(self.client(), self.clock.clone(), rng);
        env.store = RoleStore::new(self.store.clone(), label);
        handed.push(env.life.clone());
        env
    }

    /// Ends every environment of `label`: the fake's tasks stop.
    fn end(&self, label: &str) {
        let mut lives = self.lives.lock().expect("lives poisoned");
        let (handed, restarts) = lives.entry(label.to_string()).or_default();
        for life in handed.drain(..) {
            life.end();
        }
        *restarts += 1;
    }
}

/// The restartable roles of one simulation; clones share them. Get it from
/// [`crate::Simulation::restarts`].
#[derive(Clone)]
pub struct Restarts {
    envs: SimEnvs,
    /// Role → its host and how its fake is rebuilt.
    roles: Arc<Mutex<BTreeMap<String, (String, Rebuild)>>>,
}

impl Restarts {
    pub(crate) fn new(envs: SimEnvs) -> Self {
        Restarts { envs, roles: Arc::default() }
    }

    pub(crate) fn register(&self, role: &str, host: &str, rebuild: Rebuild) {
        self.roles.lock().expect("roles poisoned").insert(role.to_string(), (host.to_string(), rebuild));
    }

    /// The roles that can be restarted, sorted.
    pub fn restartable(&self) -> Vec<String> {
        self.roles.lock().expect("roles poisoned").keys().cloned().collect()
    }

    /// Restarts `role`: the old fake's tasks end, the connections to its host are cut, and a
    /// fake rebuilt from its kept state answers on the same host. Every other role placed with
    /// the same fake (another host name of it) moves to the new fake too. Must run inside the
    /// simulation's runtime (from a step's future, or under [`crate::Simulation::enter`]).
    pub fn restart(&self, role: &str) -> Result<(), SimError> {
        let (label, build, hosts) = {
            let roles = self.roles.lock().expect("roles poisoned");
            let Some((_, rebuild)) = roles.get(role) else {
                let restartable = roles.keys().cloned().collect::<Vec<_>>().join(", ");
                return Err(SimError::NotRestartable { role: role.to_string(), restartable });
            };
            let hosts: Vec<String> = roles.values().filter(|(_, r)| r.label == rebuild.label).map(|(h, _)| h.clone()).collect();
            (rebuild.label.clone(), rebuild.build.clone(), hosts)
        };
        self.envs.end(&label);
        let handler = build(self.envs.env(&label));
        for host in hosts {
            for old in self.envs.net.rebind(&host, handler.clone()) {
                old.life.end();
            }
        }
        tracing::debug!(role, "restarted");
        Ok(())
    }
}
