//! Network faults on a role's host: cut off, black hole, an error status, latency.

use super::{Backing, DriverError, DriverFuture, Operation};
use mailconform_sim::{ControlClient, Fault, FaultGate};

/// Faults on one role's host, as a network between the role and its peers would cause them.
pub trait HostFaults: Send + Sync {
    /// The role these faults act on.
    fn role(&self) -> &str;
    /// Adds `fault` (replacing one of the same kind).
    fn set(&self, fault: Fault) -> DriverFuture<'_, ()>;
    /// Lifts every fault.
    fn clear(&self) -> DriverFuture<'_, ()>;
}

/// Faults of an in-process fake, set on the gate in front of its handler.
pub struct GateFaults {
    /// The role whose host the gate guards.
    pub role: String,
    /// The gate in front of the role's handler (shared with the simulation).
    pub gate: FaultGate,
}

impl HostFaults for GateFaults {
    fn role(&self) -> &str {
        &self.role
    }

    fn set(&self, fault: Fault) -> DriverFuture<'_, ()> {
        self.gate.set(fault);
        Box::pin(async { Ok(()) })
    }

    fn clear(&self) -> DriverFuture<'_, ()> {
        self.gate.clear();
        Box::pin(async { Ok(()) })
    }
}

/// Faults of the network between the scenario and a real component (a real listener): the
/// simulation's way out to it goes through `gate` ([`mailconform_sim::SimNet::pass_through_gated`]),
/// so the component can be cut off, swallowed or slowed as a fake's host can. What only a
/// server says, an HTTP status of its own, cannot be put in a real component's mouth.
pub struct OutsideFaults {
    /// The role whose way out is faulted.
    pub role: String,
    /// The component's URL, for messages.
    pub url: String,
    /// The gate on the way out.
    pub gate: FaultGate,
}

impl HostFaults for OutsideFaults {
    fn role(&self) -> &str {
        &self.role
    }

    fn set(&self, fault: Fault) -> DriverFuture<'_, ()> {
        Box::pin(async move {
            if let Fault::Status { .. } = fault {
                return Err(DriverError::NotSupported {
                    role: self.role.clone(),
                    operation: Operation::SetFault,
                    backing: Backing::Real { url: self.url.clone() },
                    why: "the harness stands in the network before a real component, not in its place: it can cut it off, \
                          swallow or slow its connections, not make it answer with another HTTP status",
                });
            }
            self.gate.set(fault);
            Ok(())
        })
    }

    fn clear(&self) -> DriverFuture<'_, ()> {
        self.gate.clear();
        Box::pin(async { Ok(()) })
    }
}

/// Faults of a fake served in another process, set through its control API
/// (`/_mailconform/fault`). A real component has no such API: its faults are
/// [`DriverError::NotSupported`] unless the harness stands between it and its peers.
pub struct ControlFaults {
    /// The role whose host is faulted.
    pub role: String,
    /// The role's control API.
    pub control: ControlClient,
    /// What backs the role (a real component's faults are not supported).
    pub backing: Backing,
}

impl HostFaults for ControlFaults {
    fn role(&self) -> &str {
        &self.role
    }

    fn set(&self, fault: Fault) -> DriverFuture<'_, ()> {
        Box::pin(async move {
            self.supported(Operation::SetFault)?;
            let body = serde_json::to_value(&fault).map_err(|e| DriverError::Refused {
                role: self.role.clone(),
                operation: Operation::SetFault,
                reason: e.to_string(),
            })?;
            self.control.post::<_, ()>("/fault", &body).await?;
            Ok(())
        })
    }

    fn clear(&self) -> DriverFuture<'_, ()> {
        Box::pin(async move {
            self.supported(Operation::ClearFaults)?;
            self.control.delete::<()>("/fault").await?;
            Ok(())
        })
    }
}

impl ControlFaults {
    fn supported(&self, operation: Operation) -> Result<(), DriverError> {
        match &self.backing {
            Backing::Real { .. } => Err(DriverError::NotSupported {
                role: self.role.clone(),
                operation,
                backing: self.backing.clone(),
                why: "a real component's network can only be faulted when the harness proxies its traffic",
            }),
            _ => Ok(()),
        }
    }
}

/// Faults of a served role that stands on a network of its own (a container): cutting it off
/// and letting it back are done to that network by a command (`run --network-command
/// PROGRAM`, called as `PROGRAM cut ROLE` and `PROGRAM mend ROLE`; `tests/containers/topology`
/// writes one that disconnects the role's container from its Docker network), so that its
/// peers meet a real unreachable host, not a refusal the fake plays. Every other fault (a
/// black hole, an error status, latency) is the fake's own, through `inner`.
pub struct NetworkFaults {
    /// The role whose network is cut.
    pub role: String,
    /// The command that cuts and mends it.
    pub program: std::path::PathBuf,
    /// The role's own faults, for those that are not a cut.
    pub inner: Box<dyn HostFaults>,
    /// The roles cut so far and not mended, shared by every scenario of the run: each is
    /// mended before the next scenario starts (see [`mend_all`]).
    pub cut: std::sync::Arc<std::sync::Mutex<std::collections::BTreeSet<String>>>,
}

/// How long the network command may take before the step fails.
pub const NETWORK_COMMAND_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(60);

impl HostFaults for NetworkFaults {
    fn role(&self) -> &str {
        &self.role
    }

    fn set(&self, fault: Fault) -> DriverFuture<'_, ()> {
        Box::pin(async move {
            match fault {
                Fault::Unreachable => {
                    network_command(&self.program, "cut", &self.role).await?;
                    self.cut.lock().expect("cut poisoned").insert(self.role.clone());
                    Ok(())
                }
                other => self.inner.set(other).await,
            }
        })
    }

    fn clear(&self) -> DriverFuture<'_, ()> {
        Box::pin(async move {
            let was_cut = self.cut.lock().expect("cut poisoned").remove(&self.role);
            if was_cut {
                network_command(&self.program, "mend", &self.role).await?;
            }
            self.inner.clear().await
        })
    }
}

/// Mends every role cut and not mended yet (a scenario that ended before letting its role
/// back): the next scenario, or the next run, finds the network whole.
pub async fn mend_all(program: &std::path::Path, cut: &std::sync::Mutex<std::collections::BTreeSet<String>>) -> Result<(), DriverError> {
    let roles = std::mem::take(&mut *cut.lock().expect("cut poisoned"));
    for role in roles {
        network_command(program, "mend", &role).await?;
    }
    Ok(())
}

/// Runs `PROGRAM VERB ROLE` (`cut`, `mend`, `restart`), within [`NETWORK_COMMAND_TIMEOUT`];
/// its failure names the command and its last words.
pub async fn network_command(program: &std::path::Path, verb: &str, role: &str) -> Result<(), DriverError> {
    let operation = match verb {
        "cut" => Operation::SetFault,
        "restart" => Operation::Restart,
        _ => Operation::ClearFaults,
    };
    let refused = |reason: String| DriverError::Refused { role: role.to_string(), operation, reason };
    let shown = format!("{} {verb} {role}", program.display());
    let run = tokio::process::Command::new(program).args([verb, role]).kill_on_drop(true).output();
    let out = match tokio::time::timeout(NETWORK_COMMAND_TIMEOUT, run).await {
        Err(_) => return Err(refused(format!("the network command `{shown}` did not finish within {NETWORK_COMMAND_TIMEOUT:?}"))),
        Ok(Err(e)) => return Err(refused(format!("the network command `{shown}` could not start: {e}"))),
        Ok(Ok(out)) => out,
    };
    if out.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last: Vec<&str> = stderr.lines().rev().take(5).collect::<Vec<_>>().into_iter().rev().collect();
    Err(refused(format!("the network command `{shown}` failed ({}): {}", out.status, last.join(" / "))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment;
    use mailconform_sim::{RequestOptions, Simulation};

    fn exchange_sim() -> (Simulation, FaultGate) {
        let mut sim = Simulation::new(7).unwrap();
        let mut gates = deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[]).unwrap();
        (sim, gates.remove(0).1)
    }

    fn status_of(sim: &Simulation) -> Result<u16, mailconform_sim::SimError> {
        let req = http::Request::get("https://mail.example.test/EWS/Exchange.asmx").body(bytes::Bytes::new()).unwrap();
        let opts = RequestOptions { timeout: std::time::Duration::from_secs(5), ..Default::default() };
        let client = sim.client();
        sim.block_on(client.send(req, &opts)).map(|r| r.status().as_u16())
    }

    #[test]
    fn an_in_process_fake_is_faulted_at_its_gate() {
        let (sim, gate) = exchange_sim();
        let driver = GateFaults { role: "exchange".into(), gate };
        sim.block_on(driver.set(Fault::Status { status: 503 })).unwrap();
        assert_eq!(status_of(&sim).unwrap(), 503);
        sim.block_on(driver.clear()).unwrap();
        assert_eq!(status_of(&sim).unwrap(), 405, "EWS answers again (a GET: method not allowed)");
    }

    #[test]
    fn the_control_api_faults_an_in_process_fake_too() {
        let (sim, _) = exchange_sim();
        let url = "https://mail.example.test/_mailconform";
        let driver =
            ControlFaults { role: "exchange".into(), control: ControlClient::new(sim.control_client(), url), backing: Backing::InProcess };
        sim.block_on(driver.set(Fault::Unreachable)).unwrap();
        assert!(status_of(&sim).is_err(), "the host is cut off");
        sim.block_on(driver.clear()).unwrap();
        assert_eq!(status_of(&sim).unwrap(), 405);
    }

    #[test]
    fn a_served_fake_is_faulted_through_its_control_api() {
        use mailconform_sim::RealWorld;
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        rt.block_on(async {
            let mut world = RealWorld::new(7, std::net::Ipv4Addr::LOCALHOST.into()).unwrap();
            deployment::add_exchange(&mut world, deployment::default_exchange_config(), &[]).unwrap();
            let endpoint = world.topology.lock().unwrap().get("exchange").cloned().unwrap();
            let control = ControlClient::new(world.client(), &endpoint.control_url);
            let driver =
                ControlFaults { role: "exchange".into(), control, backing: Backing::Served { control_url: endpoint.control_url.clone() } };
            let status = || async {
                let req = http::Request::get("https://mail.example.test/EWS/Exchange.asmx").body(bytes::Bytes::new()).unwrap();
                world.client().send(req, &RequestOptions::default()).await.unwrap().status().as_u16()
            };
            assert_eq!(status().await, 405);
            driver.set(Fault::Status { status: 502 }).await.unwrap();
            assert_eq!(status().await, 502);
            driver.clear().await.unwrap();
            assert_eq!(status().await, 405);
        });
    }

    #[test]
    fn a_real_component_cannot_be_faulted_and_says_so() {
        let (sim, _) = exchange_sim();
        let control = ControlClient::new(sim.control_client(), "https://mail.example.test/_mailconform");
        let real = ControlFaults { role: "exchange".into(), control, backing: Backing::Real { url: "https://mail.example.test".into() } };
        let e = sim.block_on(real.set(Fault::Unreachable)).unwrap_err();
        assert!(e.is_not_applicable(), "{e}");
        assert!(matches!(e, DriverError::NotSupported { operation: Operation::SetFault, .. }));
        assert_eq!(status_of(&sim).unwrap(), 405, "nothing was faulted");
    }

    /// A network command that notes what it was asked, and fails for the role `broken`.
    fn recording_program(dir: &std::path::Path) -> std::path::PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let program = dir.join("network");
        let log = dir.join("calls");
        std::fs::write(
            &program,
            format!(
                "#!/bin/sh\n[ \"$2\" = broken ] && {{ echo \"no container for $2\" >&2; exit 3; }}\necho \"$1 $2\" >> {}\n",
                log.display()
            ),
        )
        .unwrap();
        std::fs::set_permissions(&program, std::fs::Permissions::from_mode(0o755)).unwrap();
        program
    }

    #[test]
    fn a_cut_goes_to_the_network_command_and_other_faults_to_the_fake() {
        let dir = tempfile::tempdir().unwrap();
        let program = recording_program(dir.path());
        let (sim, gate) = exchange_sim();
        // The command runs on the real clock (a simulation's clock would let its timeout pass at once).
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let cut = std::sync::Arc::new(std::sync::Mutex::new(Default::default()));
        let faults = NetworkFaults {
            role: "exchange".into(),
            program: program.clone(),
            inner: Box::new(GateFaults { role: "exchange".into(), gate }),
            cut: cut.clone(),
        };
        let calls = || std::fs::read_to_string(dir.path().join("calls")).unwrap_or_default();
        rt.block_on(faults.set(Fault::Status { status: 503 })).unwrap();
        assert_eq!(status_of(&sim).unwrap(), 503, "an error status is the fake's own");
        assert_eq!(calls(), "", "no network command for a status");
        rt.block_on(faults.set(Fault::Unreachable)).unwrap();
        assert_eq!(calls(), "cut exchange\n");
        assert!(cut.lock().unwrap().contains("exchange"));
        rt.block_on(faults.clear()).unwrap();
        assert_eq!(calls(), "cut exchange\nmend exchange\n");
        assert_eq!(status_of(&sim).unwrap(), 405, "the fake's own faults are lifted too");
        rt.block_on(faults.clear()).unwrap();
        assert_eq!(calls(), "cut exchange\nmend exchange\n", "nothing to mend twice");
        rt.block_on(faults.set(Fault::Unreachable)).unwrap();
        rt.block_on(mend_all(&program, &cut)).unwrap();
        assert_eq!(calls(), "cut exchange\nmend exchange\ncut exchange\nmend exchange\n", "a role left cut is mended");
        assert!(cut.lock().unwrap().is_empty());
    }

    #[test]
    fn a_failing_network_command_fails_the_step_with_its_words() {
        let dir = tempfile::tempdir().unwrap();
        let (_sim, gate) = exchange_sim();
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        let faults = NetworkFaults {
            role: "broken".into(),
            program: recording_program(dir.path()),
            inner: Box::new(GateFaults { role: "broken".into(), gate }),
            cut: Default::default(),
        };
        let e = rt.block_on(faults.set(Fault::Unreachable)).unwrap_err();
        assert!(!e.is_not_applicable());
        let text = e.to_string();
        assert!(text.contains("cut broken` failed") && text.contains("no container for broken"), "{text}");
        assert!(faults.cut.lock().unwrap().is_empty(), "a cut that failed is not noted");
    }
}
