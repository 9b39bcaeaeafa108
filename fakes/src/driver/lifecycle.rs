//! Restarting a role, as an operator restarts the process that serves it.

use super::{Backing, DriverError, DriverFuture, Operation};
use mailconform_sim::Restarts;

/// A role's process, stopped and started again.
///
/// After a restart the role has what it keeps on disk (Exchange's mailboxes and ActiveSync
/// sync state, the listener's registrations and certificates, APNs's device tokens) and
/// nothing it held only in memory (Exchange's EWS push subscriptions, journals); its open
/// connections were cut, so its clients see the restart on the wire.
pub trait Lifecycle: Send + Sync {
    /// Restarts `role` and returns once it serves again.
    fn restart<'a>(&'a self, role: &'a str) -> DriverFuture<'a, ()>;
}

/// The roles of the in-process simulation: the simulation rebuilds the role's fake from its
/// environment and its kept state on the same host.
impl Lifecycle for Restarts {
    fn restart<'a>(&'a self, role: &'a str) -> DriverFuture<'a, ()> {
        Box::pin(async move {
            Restarts::restart(self, role).map_err(|e| DriverError::Refused {
                role: role.to_string(),
                operation: Operation::Restart,
                reason: e.to_string(),
            })
        })
    }
}

/// A role whose process this one does not run: a fake served by another process, or a real
/// component. Neither can be restarted from here.
pub struct ForeignLifecycle {
    /// What backs the role.
    pub backing: Backing,
}

impl Lifecycle for ForeignLifecycle {
    fn restart<'a>(&'a self, role: &'a str) -> DriverFuture<'a, ()> {
        let why = match self.backing {
            Backing::Real { .. } => "restarting a real component needs a control adapter for the machine or service manager that runs it",
            _ => "the fake runs in another process: restarting it (stopping `mailconform serve` and starting it again on the same --state-dir) is its operator's job, or a --network-command's that restarts it (tests/containers/topology)",
        };
        Box::pin(async move {
            Err(DriverError::NotSupported { role: role.to_string(), operation: Operation::Restart, backing: self.backing.clone(), why })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deployment;
    use crate::listener::contract::NewRegistration;
    use crate::listener::Region;
    use mailconform_sim::contract::Body;
    use mailconform_sim::Simulation;

    #[test]
    fn an_in_process_listener_restarts_with_its_registrations_and_certificates() {
        let mut sim = Simulation::new(11).unwrap();
        deployment::add_listener(&mut sim, Region::Americas).unwrap();
        let listener = deployment::Roles::new(&sim).listener(Region::Americas).unwrap();
        let app = crate::defaults::APP_ID;
        let cert = deployment::provider_certificate(&sim, app, std::time::Duration::from_secs(86_400)).unwrap();
        sim.block_on(listener.upload_certificate(app, Region::Americas, &cert.cert_pem, &cert.key_pem)).unwrap();
        let id = sim.block_on(listener.register(&NewRegistration::example())).unwrap().registration_id;
        let role = crate::role::listener(Region::Americas);
        sim.block_on(Lifecycle::restart(&sim.restarts(), &role)).unwrap();
        let state = sim.block_on(listener.state()).unwrap();
        assert!(state.registrations.contains_key(&id), "the registration survived: {state:?}");
        assert_eq!(state.certificates.len(), 1, "the uploaded certificate survived: {state:?}");
        let e = sim.block_on(Lifecycle::restart(&sim.restarts(), "kdc")).unwrap_err();
        assert!(matches!(e, DriverError::Refused { operation: Operation::Restart, .. }), "{e}");
    }

    #[test]
    fn a_served_or_real_role_cannot_be_restarted_from_here_and_says_why() {
        let sim = Simulation::new(12).unwrap();
        for backing in
            [Backing::Served { control_url: "https://127.0.0.1:1/_mailconform".into() }, Backing::Real { url: "https://mail".into() }]
        {
            let e = sim.block_on(ForeignLifecycle { backing }.restart("exchange")).unwrap_err();
            assert!(e.is_not_applicable(), "{e}");
            assert!(e.to_string().contains("restarting"), "{e}");
        }
    }
}
