//! Roles backed by real components for this run (`mailconform run --target-config`): where
//! each answers, who signs in, what the harness may do on it, and the real-clock runtime their
//! calls run on.
//!
//! A live run reaches a real component only through steps written for it (today: the bare
//! ActiveSync client and the mailbox adapter). A step that needs the simulation (Secure Mail,
//! another fake, virtual time passing) would be testing the built-in fake instead of the
//! target, so it ends its scenario [`super::NOT_APPLICABLE`] rather than passing silently.

use mailconform_fakes::driver::RealComponent;
use mailconform_sim::HttpClient;
use std::collections::BTreeMap;
use std::future::Future;

/// A real ActiveSync server in the mail server's role (`exchange.eas`).
pub struct LiveEas {
    /// Its ActiveSync endpoint (`…/Microsoft-Server-ActiveSync`).
    pub url: String,
    /// Who signs in, by the features' user name (`alice`): login and password.
    pub mailboxes: BTreeMap<String, (String, String)>,
    /// A client over real TCP that trusts what the target configuration says.
    pub http: HttpClient,
    /// The driver of what the harness may do on the server (its command adapter).
    pub component: RealComponent,
}

/// Every real component of the run, and the runtime (real clock) their calls run on.
pub struct LiveTargets {
    /// The real ActiveSync server, when `exchange.eas` is a target.
    pub eas: Option<LiveEas>,
    /// Tells this run's devices apart from an earlier run's on the same server, which keeps
    /// their state (the time the run started, in hex).
    pub run_id: String,
    /// The most real time one step may wait for a real component (`--real-time-budget`): a
    /// server that holds a request the built-in fake answers at once (a Ping with a heartbeat
    /// Exchange refuses) fails the step when it runs out, instead of holding the run for an hour.
    pub budget: std::time::Duration,
    runtime: tokio::runtime::Runtime,
}

impl std::fmt::Debug for LiveTargets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LiveTargets").field("eas", &self.eas.as_ref().map(|e| &e.url)).finish()
    }
}

impl LiveTargets {
    /// The targets, with a runtime of their own on the real clock.
    pub fn new(eas: Option<LiveEas>, budget: std::time::Duration) -> std::io::Result<Self> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?;
        let started = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
        Ok(LiveTargets { eas, run_id: format!("{:x}", started.as_secs() & 0xff_ffff), budget, runtime })
    }

    /// Runs `f` to completion on the real clock, for at most the run's budget: past it the
    /// step fails, saying the real component did not answer in time.
    pub fn block_on<F: Future>(&self, f: F) -> F::Output {
        let budget = self.budget;
        // The timer is made inside the runtime, whose clock it reads.
        match self.runtime.block_on(async move { tokio::time::timeout(budget, f).await }) {
            Ok(out) => out,
            Err(_) => panic!(
                "the real component did not answer within the run's real-time budget of {} s (--real-time-budget); \
                 the built-in fake answers this step sooner",
                self.budget.as_secs()
            ),
        }
    }
}

/// Why a step that needs the simulation does not apply to a live run.
pub(crate) const SIMULATED_ONLY: &str = "this step drives in-process roles (Secure Mail, a built-in fake or virtual time), \
     which do not reach the real target of this run; against a real exchange.eas only the bare ActiveSync client's scenarios apply";
