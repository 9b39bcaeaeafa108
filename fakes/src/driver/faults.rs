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
}
