//! NetScaler Gateway figures: background services tickets the STA validates per second, and
//! tunnels the gateway opens per second on a ticket (each validated with the STA) and on a
//! micro VPN session, each with its TLS handshake to the gateway, in one simulation on one
//! thread.

use mailconform_fakes::defaults::{EXCHANGE_HOST, GATEWAY_HOST, XMS_HOST};
use mailconform_fakes::deployment;
use mailconform_fakes::gateway::contract::{LOGIN_PATH, TICKET_HEADER};
use mailconform_fakes::mdx::{NetworkPolicies, ServiceAddress};
use mailconform_fakes::xms::contract::{TicketGrant, TICKET_PATH};
use mailconform_fakes::xms::sta;
use mailconform_sim::{basic_authorization, Hosting, HttpClient, RequestOptions, SimError, Simulation};

use crate::smime_bench::{rate, Rate};

/// Why the figures could not be taken.
#[derive(Debug, thiserror::Error)]
pub(crate) enum GatewayBenchError {
    #[error("the bench's deployment could not start: {0}")]
    Start(SimError),
    #[error("a request of the bench failed: {0}")]
    Request(#[from] SimError),
    #[error("the bench got a wrong answer: {0}")]
    Wrong(String),
}

fn post(
    sim: &Simulation,
    http: &HttpClient,
    url: &str,
    headers: &[(&str, String)],
    body: String,
) -> Result<mailconform_sim::Response, GatewayBenchError> {
    let mut req = http::Request::post(url);
    for (name, value) in headers {
        req = req.header(*name, value.as_str());
    }
    let req = req.body(bytes::Bytes::from(body)).map_err(|e| GatewayBenchError::Wrong(e.to_string()))?;
    Ok(sim.block_on(http.send(req, &RequestOptions::default()))?)
}

/// Exchange on the internal network, Endpoint Management and the gateway; then each figure.
pub(crate) fn measure(seed: u64) -> Result<Vec<Rate>, GatewayBenchError> {
    let mut sim = Simulation::new(seed).map_err(GatewayBenchError::Start)?;
    deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[]).map_err(GatewayBenchError::Start)?;
    let policies = NetworkPolicies::sta(ServiceAddress::new(EXCHANGE_HOST, 443), ServiceAddress::new(GATEWAY_HOST, 443));
    deployment::add_xms(&mut sim, policies).map_err(GatewayBenchError::Start)?;
    deployment::add_gateway(&mut sim).map_err(GatewayBenchError::Start)?;
    sim.place_internal(EXCHANGE_HOST);
    let phone = sim.outside_env("bench-phone").http;
    let (user, password) = ("alice", "alice-pw");
    let grant = post(
        &sim,
        &phone,
        &format!("https://{XMS_HOST}{TICKET_PATH}"),
        &[("authorization", basic_authorization(user, password))],
        String::new(),
    )?;
    let grant: TicketGrant = serde_json::from_slice(grant.body()).map_err(|e| GatewayBenchError::Wrong(format!("no ticket: {e}")))?;
    let id = grant.ticket.rsplit(';').next().unwrap_or_default().to_string();
    let logon = post(&sim, &phone, &format!("https://{GATEWAY_HOST}{LOGIN_PATH}"), &[], format!("login={user}&passwd={password}"))?;
    let cookie = logon
        .headers()
        .get("set-cookie")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(str::to_string)
        .ok_or_else(|| GatewayBenchError::Wrong("the gateway set no session cookie".into()))?;
    let target = format!("{EXCHANGE_HOST}:443");
    let validations = rate("STA validations (keep-alive)", || {
        let resp = post(&sim, &phone, &format!("https://{XMS_HOST}{}", sta::STA_PATH), &[], sta::validation_request(&id))?;
        sta::parse_validation_response(&String::from_utf8_lossy(resp.body())).map(drop).map_err(|e| GatewayBenchError::Wrong(e.to_string()))
    })?;
    let on_ticket = rate("tunnels on a ticket (TLS + STA each)", || {
        let headers = [(TICKET_HEADER, grant.ticket.clone())];
        sim.block_on(phone.open_tunnel(GATEWAY_HOST, 443, &target, &headers)).map(drop).map_err(GatewayBenchError::from)
    })?;
    let on_session = rate("micro VPN tunnels (TLS each)", || {
        let headers = [("cookie", cookie.clone())];
        sim.block_on(phone.open_tunnel(GATEWAY_HOST, 443, &target, &headers)).map(drop).map_err(GatewayBenchError::from)
    })?;
    Ok(vec![validations, on_ticket, on_session])
}

/// The lines `bench` prints for them.
pub(crate) fn render(rates: &[Rate]) -> String {
    rates
        .iter()
        .map(|r| {
            format!(
                "  gateway {:<38} {}/s ({} in {:.3} s, in-process, one thread)\n",
                r.what,
                crate::bench::grouped(r.per_second()),
                r.done,
                r.wall.as_secs_f64()
            )
        })
        .collect()
}
