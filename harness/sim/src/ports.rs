//! Which port each served role listens on: a port pinned on the command line, else the port
//! it had in the previous run of the same state directory (when still free), else any free
//! one. An outside client configured against a served deployment keeps working across a
//! restart without re-discovering the endpoints.

use crate::error::SimError;
use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

/// Which of a role's listeners a port belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum PortKind {
    /// Its HTTPS port (443 in the default world).
    Https,
    /// The plain-HTTP port beside it (Traveler's port 80).
    PlainHttp,
    /// A port serving another protocol than HTTP (the directory's LDAP), by its port in the
    /// topology (389).
    Service(u16),
}

/// The ports wanted per role and listener.
#[derive(Clone, Debug, Default)]
pub struct PortPlan {
    /// Ports a user asked for (`--port ROLE=PORT`): taken or the start fails.
    pinned: HashMap<(String, PortKind), u16>,
    /// Ports of the previous run: taken when free, else a free port is used.
    previous: HashMap<(String, PortKind), u16>,
}

impl PortPlan {
    /// `role` must listen on `port` (its HTTPS listener).
    pub fn pin(&mut self, role: &str, port: u16) {
        self.pinned.insert((role.to_string(), PortKind::Https), port);
    }

    /// `role`'s `listener` had `port` in the previous run.
    pub fn remember(&mut self, role: &str, listener: PortKind, port: u16) {
        self.previous.insert((role.to_string(), listener), port);
    }

    /// A bound listener socket for `role`: the pinned port or an error, else the previous
    /// port if it is free, else an ephemeral one.
    pub fn bind(&self, bind: IpAddr, role: &str, listener: PortKind) -> Result<std::net::TcpListener, SimError> {
        let key = (role.to_string(), listener);
        if let Some(port) = self.pinned.get(&key) {
            return std::net::TcpListener::bind(SocketAddr::new(bind, *port)).map_err(|e| SimError::PortTaken {
                role: role.to_string(),
                port: *port,
                reason: e.to_string(),
            });
        }
        if let Some(port) = self.previous.get(&key) {
            match std::net::TcpListener::bind(SocketAddr::new(bind, *port)) {
                Ok(l) => return Ok(l),
                Err(e) => tracing::warn!(role, port, "the previous port is not free ({e}); listening on another"),
            }
        }
        Ok(std::net::TcpListener::bind(SocketAddr::new(bind, 0))?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::net::Ipv4Addr;

    #[test]
    fn previous_ports_are_reused_when_free_and_pinned_ports_are_required() {
        let lo = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let first = PortPlan::default().bind(lo, "apns", PortKind::Https).unwrap();
        let port = first.local_addr().unwrap().port();
        let mut plan = PortPlan::default();
        plan.remember("apns", PortKind::Https, port);
        // Still held: another port is used.
        let other = plan.bind(lo, "apns", PortKind::Https).unwrap();
        assert_ne!(other.local_addr().unwrap().port(), port);
        drop(first);
        let again = plan.bind(lo, "apns", PortKind::Https).unwrap();
        assert_eq!(again.local_addr().unwrap().port(), port);
        // Pinned to a port in use: an error naming the role.
        let mut pinned = PortPlan::default();
        pinned.pin("apns", port);
        let err = pinned.bind(lo, "apns", PortKind::Https).unwrap_err();
        assert!(err.to_string().contains("apns"), "{err}");
    }
}
