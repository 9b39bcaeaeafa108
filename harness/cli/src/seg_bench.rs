//! What SEG V2 costs: EWS requests per second through the SEG fake (TLS on both sides,
//! keep-alive, the console asked per request, an upstream pool) against the same requests
//! sent to the Exchange fake directly, measured in alternating rounds of one run so that
//! both see the same machine.

use crate::bench_error::BenchError;
use mailconform_ews::{write_request, FolderRef, Operation, SchemaVersion};
use mailconform_fakes::defaults;
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::ens::DEVICE_HEADER;
use mailconform_fakes::uem::ComplianceState;
use mailconform_sim::{HttpClient, RequestOptions, Simulation};
use std::time::{Duration, Instant};

/// Requests in one round of each path.
const ROUND: usize = 200;
/// Wall time each path runs for at least.
const MIN_WALL: Duration = Duration::from_millis(400);
const DEVICE: &str = "BenchBoxer01";

#[derive(Debug, Clone, Copy)]
pub(crate) struct SegFigures {
    pub direct_requests: u64,
    pub direct_wall: Duration,
    pub via_seg_requests: u64,
    pub via_seg_wall: Duration,
}

impl SegFigures {
    pub(crate) fn direct_per_second(&self) -> f64 {
        self.direct_requests as f64 / self.direct_wall.as_secs_f64().max(1e-9)
    }

    pub(crate) fn via_seg_per_second(&self) -> f64 {
        self.via_seg_requests as f64 / self.via_seg_wall.as_secs_f64().max(1e-9)
    }

    /// Wall time SEG adds to each request, in microseconds.
    pub(crate) fn overhead_micros(&self) -> f64 {
        (1e6 / self.via_seg_per_second()) - (1e6 / self.direct_per_second())
    }
}

fn get_folder(url: &str, basic: &str) -> Result<mailconform_sim::Request, BenchError> {
    let op = Operation::GetFolder {
        folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        base_shape: Some("Default".into()),
    };
    http::Request::post(url)
        .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .header(http::header::AUTHORIZATION, basic)
        .header(DEVICE_HEADER, DEVICE)
        .body(bytes::Bytes::from(write_request(SchemaVersion::Exchange2013, &op)))
        .map_err(BenchError::from)
}

async fn round(client: &HttpClient, url: &str, basic: &str) -> Result<(), BenchError> {
    for _ in 0..ROUND {
        let resp = client.send(get_folder(url, basic)?, &RequestOptions::default()).await?;
        if resp.status() != 200 {
            return Err(BenchError::Status { url: url.to_string(), status: resp.status().as_u16() });
        }
    }
    Ok(())
}

/// Exchange, the console (the bench device compliant), the KDC and a SEG proxying EWS; then
/// rounds of GetFolder direct and through SEG, alternately.
pub(crate) fn measure(seed: u64) -> Result<SegFigures, BenchError> {
    let mut sim = Simulation::new(seed)?;
    deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[])?;
    deployment::add_uem(&mut sim)?;
    let kdc = deployment::default_kdc(sim.clock.clone(), sim.rng.fork("kdc"));
    deployment::add_kdc(&mut sim, kdc)?;
    let mut seg = deployment::default_seg_config("2.12.0", defaults::EXCHANGE_HOST);
    seg.enable_boxer_ens_ews_proxy = true;
    deployment::add_seg(&mut sim, mailconform_fakes::role::SEG, seg)?;
    let uem = Roles::new(&sim).uem()?;
    sim.block_on(uem.set_state(DEVICE, "alice@example.test", ComplianceState::Compliant))?;

    let basic = {
        let (login, _, pw) = defaults::USERS[0];
        mailconform_sim::basic_authorization(login, pw)
    };
    let direct_url = format!("https://{}/EWS/Exchange.asmx", defaults::EXCHANGE_HOST);
    let seg_url = format!("https://{}/EWS/Exchange.asmx", defaults::SEG_HOST);
    let (direct, via) = (sim.client(), sim.client());
    // Warm up: connections open, certificates checked, pools filled.
    sim.block_on(round(&direct, &direct_url, &basic))?;
    sim.block_on(round(&via, &seg_url, &basic))?;

    let mut f = SegFigures { direct_requests: 0, direct_wall: Duration::ZERO, via_seg_requests: 0, via_seg_wall: Duration::ZERO };
    while f.direct_wall < MIN_WALL || f.via_seg_wall < MIN_WALL {
        let t = Instant::now();
        sim.block_on(round(&direct, &direct_url, &basic))?;
        f.direct_wall += t.elapsed();
        f.direct_requests += ROUND as u64;
        let t = Instant::now();
        sim.block_on(round(&via, &seg_url, &basic))?;
        f.via_seg_wall += t.elapsed();
        f.via_seg_requests += ROUND as u64;
    }
    Ok(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_paths_answer_every_request() {
        let f = measure(5).unwrap();
        assert!(f.direct_requests >= ROUND as u64 && f.via_seg_requests == f.direct_requests);
        assert!(f.direct_per_second() > 0.0 && f.via_seg_per_second() > 0.0);
    }
}
