//! End-to-end push throughput in the simulation: mail delivered at Exchange → EWS push to the
//! listener → APNs → badge on the device, for many devices at once.

use crate::bench_error::BenchError;
use mailconform_fakes::defaults;
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::exchange::ExchangeConfig;
use mailconform_fakes::listener::Region;
use mailconform_sim::Simulation;
use std::time::{Duration, Instant};

#[derive(Debug, Clone, Copy)]
pub(crate) struct PushThroughput {
    /// Badge pushes the devices received.
    pub notifications: u64,
    /// Wall time from the first delivery to the last badge, set-up excluded.
    pub wall: Duration,
    /// Connections opened during the measurement (pooling keeps this near zero).
    pub connections: u64,
}

impl PushThroughput {
    pub(crate) fn per_second(&self) -> f64 {
        self.notifications as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// `devices` phones spread over `threads` independent simulations run side by side (one per
/// core, as scenarios run), each phone receiving `rounds` messages one at a time.
pub(crate) fn measure_parallel(devices: usize, rounds: usize, seed: u64, threads: usize) -> Result<PushThroughput, BenchError> {
    let threads = threads.clamp(1, devices.max(1));
    let per = devices.div_ceil(threads);
    let results: Vec<Result<PushThroughput, BenchError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|t| scope.spawn(move || measure(per, rounds, seed.wrapping_add(t as u64)))).collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(BenchError::ThreadPanicked))).collect()
    });
    let mut total = PushThroughput { notifications: 0, wall: Duration::ZERO, connections: 0 };
    for r in results {
        let r = r?;
        total.notifications += r.notifications;
        total.wall = total.wall.max(r.wall);
        total.connections += r.connections;
    }
    Ok(total)
}

/// `devices` phones, each receiving `rounds` messages one at a time; every message must end
/// as a badge equal to the inbox unread count, or the measurement is refused.
pub(crate) fn measure(devices: usize, rounds: usize, seed: u64) -> Result<PushThroughput, BenchError> {
    let mut sim = Simulation::new(seed)?;
    let mut cfg = ExchangeConfig::new(defaults::EXCHANGE_HOST);
    let users: Vec<String> = (0..devices).map(|i| format!("user{i}")).collect();
    for u in &users {
        cfg = cfg.with_user(u, &format!("{u}@{}", defaults::DOMAIN), "pw");
    }
    deployment::add_exchange(&mut sim, cfg, &[])?;
    deployment::add_listener(&mut sim, Region::Americas)?;
    deployment::add_apns(&mut sim)?;
    for u in &users {
        let mut d = deployment::default_device_config(u, &format!("{u}@{}", defaults::DOMAIN), Region::Americas);
        d.password = "pw".into();
        deployment::add_device(&mut sim, d)?;
    }
    let roles = Roles::new(&sim);
    let cert = deployment::provider_certificate(&sim, defaults::APP_ID, Duration::from_secs(86_400))?;
    let listener = roles.listener(Region::Americas)?;
    sim.block_on(listener.upload_certificate(defaults::APP_ID, Region::Americas, &cert.cert_pem, &cert.key_pem))?;
    let phones: Vec<_> = users.iter().map(|u| roles.device(u)).collect::<Result<_, _>>()?;
    sim.block_on(futures::future::try_join_all(phones.iter().map(|p| p.launch(true))))?;
    sim.settle();
    let exchange = roles.exchange()?;
    let emails: Vec<String> = users.iter().map(|u| format!("{u}@{}", defaults::DOMAIN)).collect();
    // One untimed round opens the connections every later round reuses.
    sim.block_on(exchange.deliver_bulk(&emails, "warm-up"))?;
    sim.settle();

    let opened = || mailconform_sim::http::CONNECTIONS_OPENED.load(std::sync::atomic::Ordering::Relaxed);
    let connections_before = opened();
    let start = Instant::now();
    for r in 0..rounds {
        sim.block_on(exchange.deliver_bulk(&emails, &format!("Message {r}")))?;
        sim.settle();
    }
    let wall = start.elapsed();
    let connections = opened() - connections_before;

    let states = sim.block_on(futures::future::try_join_all(phones.iter().map(|p| p.state())))?;
    let mut notifications = 0;
    for (u, s) in users.iter().zip(&states) {
        if s.badge as usize != rounds + 1 {
            return Err(BenchError::LostPushes { user: u.clone(), badge: s.badge, messages: rounds + 1 });
        }
        notifications += s.pushes_received - 1;
    }
    Ok(PushThroughput { notifications, wall, connections })
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
