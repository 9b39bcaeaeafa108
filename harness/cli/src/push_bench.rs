//! End-to-end push throughput in the simulation: mail delivered at Exchange → EWS push to the
//! listener → APNs → badge on the device, for many devices at once.

use mailconform_fakes::defaults;
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::exchange::ExchangeConfig;
use mailconform_fakes::listener::Region;
use mailconform_sim::Simulation;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub struct PushThroughput {
    /// Badge pushes the devices received.
    pub notifications: u64,
    /// Wall time from the first delivery to the last badge, set-up excluded.
    pub wall: Duration,
}

impl PushThroughput {
    pub fn per_second(&self) -> f64 {
        self.notifications as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// `devices` phones, each receiving `rounds` messages one at a time; every message must end
/// as a badge equal to the inbox unread count, or the measurement is refused.
pub fn measure(devices: usize, rounds: usize, seed: u64) -> Result<PushThroughput, String> {
    let mut sim = Simulation::new(seed).map_err(|e| e.to_string())?;
    let mut cfg = ExchangeConfig::new(defaults::EXCHANGE_HOST);
    let users: Vec<String> = (0..devices).map(|i| format!("user{i}")).collect();
    for u in &users {
        cfg = cfg.with_user(u, &format!("{u}@{}", defaults::DOMAIN), "pw");
    }
    deployment::add_exchange(&mut sim, cfg, &[]).map_err(|e| e.to_string())?;
    deployment::add_listener(&mut sim, Region::Americas).map_err(|e| e.to_string())?;
    deployment::add_apns(&mut sim).map_err(|e| e.to_string())?;
    for u in &users {
        let mut d = deployment::default_device_config(u, &format!("{u}@{}", defaults::DOMAIN), Region::Americas);
        d.password = "pw".into();
        deployment::add_device(&mut sim, d).map_err(|e| e.to_string())?;
    }
    let roles = Roles::new(&sim);
    let cert = deployment::provider_certificate(&sim, defaults::APP_ID, Duration::from_secs(86_400)).map_err(|e| e.to_string())?;
    let listener = roles.listener(Region::Americas)?;
    sim.block_on(listener.upload_certificate(defaults::APP_ID, Region::Americas, &cert.cert_pem, &cert.key_pem)).map_err(|e| e.to_string())?;
    let phones: Vec<_> = users.iter().map(|u| roles.device(u)).collect::<Result<_, _>>()?;
    sim.block_on(futures::future::try_join_all(phones.iter().map(|p| p.launch(true)))).map_err(|e| e.to_string())?;
    sim.settle();
    let exchange = roles.exchange()?;

    let emails: Vec<String> = users.iter().map(|u| format!("{u}@{}", defaults::DOMAIN)).collect();
    let start = Instant::now();
    for r in 0..rounds {
        sim.block_on(futures::future::try_join_all(emails.iter().map(|e| exchange.deliver_quietly(e, r))))
            .map_err(|e| e.to_string())?;
        sim.settle();
    }
    let wall = start.elapsed();

    let states = sim.block_on(futures::future::try_join_all(phones.iter().map(|p| p.state()))).map_err(|e| e.to_string())?;
    let mut notifications = 0;
    for (u, s) in users.iter().zip(&states) {
        if s.badge as usize != rounds {
            return Err(format!("{u}'s badge is {} after {rounds} messages: the push chain lost some", s.badge));
        }
        notifications += s.pushes_received;
    }
    Ok(PushThroughput { notifications, wall })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_message_becomes_a_badge() {
        let t = measure(3, 2, 7).expect("measurement");
        assert_eq!(t.notifications, 6);
    }
}
