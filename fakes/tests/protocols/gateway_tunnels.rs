//! NetScaler Gateway and Endpoint Management's STA at the wire, without Secure Mail: logon,
//! tunnels on a session and on a ticket, each refusal with its status, and a background
//! tunnel cut when its ticket expires.

use mailconform_fakes::defaults::{EXCHANGE_HOST, GATEWAY_HOST, XMS_HOST};
use mailconform_fakes::deployment;
use mailconform_fakes::gateway::contract::{TunnelKind, LOGIN_PATH, SESSION_COOKIE, TICKET_HEADER};
use mailconform_fakes::mdx::{NetworkPolicies, ServiceAddress};
use mailconform_fakes::xms::contract::{TicketGrant, TICKET_PATH};
use mailconform_sim::{basic_authorization, Hosting, HttpClient, RequestOptions, SimError, Simulation};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const TARGET: &str = "mail.example.test:443";

/// Exchange on the internal network, Endpoint Management issuing one-hour tickets for it, the gateway.
fn deployment() -> Simulation {
    let mut sim = Simulation::new(7).unwrap();
    deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[]).unwrap();
    let mut policies = NetworkPolicies::sta(ServiceAddress::new(EXCHANGE_HOST, 443), ServiceAddress::new(GATEWAY_HOST, 443));
    policies.ticket_expiration_hours = 1;
    deployment::add_xms(&mut sim, policies).unwrap();
    deployment::add_gateway(&mut sim).unwrap();
    sim.place_internal(EXCHANGE_HOST);
    sim
}

fn phone(sim: &Simulation) -> HttpClient {
    sim.outside_env("phone").http
}

fn post(sim: &Simulation, url: &str, headers: &[(&str, String)], body: &str) -> mailconform_sim::Response {
    let mut req = http::Request::post(url);
    for (name, value) in headers {
        req = req.header(*name, value.as_str());
    }
    let req = req.body(bytes::Bytes::from(body.to_string())).unwrap();
    sim.block_on(phone(sim).send(req, &RequestOptions::default())).unwrap()
}

fn ticket(sim: &Simulation) -> TicketGrant {
    let resp = post(sim, &format!("https://{XMS_HOST}{TICKET_PATH}"), &[("authorization", basic_authorization("alice", "alice-pw"))], "");
    assert_eq!(resp.status(), 200);
    serde_json::from_slice(resp.body()).unwrap()
}

fn tunnel(sim: &Simulation, headers: &[(&str, String)]) -> Result<mailconform_sim::BoxIo, SimError> {
    sim.block_on(phone(sim).open_tunnel(GATEWAY_HOST, 443, TARGET, headers))
}

fn refusal(outcome: Result<mailconform_sim::BoxIo, SimError>) -> (u16, String) {
    match outcome {
        Err(SimError::TunnelRefused(r)) => (r.status, r.reason),
        Err(e) => panic!("another failure than a refusal: {e}"),
        Ok(_) => panic!("the tunnel opened"),
    }
}

#[test]
fn the_phone_has_no_route_to_an_internal_host_but_the_gateway_does() {
    let sim = deployment();
    let direct = sim.block_on(phone(&sim).open_stream(EXCHANGE_HOST, 443));
    assert!(matches!(direct, Err(SimError::NoRoute { .. })), "{:?}", direct.err());
    let grant = ticket(&sim);
    assert!(tunnel(&sim, &[(TICKET_HEADER, grant.ticket)]).is_ok());
}

#[test]
fn a_micro_vpn_tunnel_needs_a_logon_session() {
    let sim = deployment();
    let (status, reason) = refusal(tunnel(&sim, &[]));
    assert_eq!(status, 407);
    assert!(reason.contains(LOGIN_PATH), "{reason}");
    let wrong = post(&sim, &format!("https://{GATEWAY_HOST}{LOGIN_PATH}"), &[], "login=alice&passwd=nope");
    assert_eq!(wrong.status(), 401);
    let ok = post(&sim, &format!("https://{GATEWAY_HOST}{LOGIN_PATH}"), &[], "login=alice&passwd=alice-pw");
    let cookie = ok.headers().get("set-cookie").unwrap().to_str().unwrap().split(';').next().unwrap().to_string();
    assert!(cookie.starts_with(&format!("{SESSION_COOKIE}=")));
    assert!(tunnel(&sim, &[("cookie", cookie)]).is_ok());
    let journal = sim.block_on(deployment::Roles::new(&sim).gateway().unwrap().tunnels()).unwrap();
    assert_eq!(journal.iter().map(|t| (t.kind, t.status)).collect::<Vec<_>>(), [(TunnelKind::Anonymous, 407), (TunnelKind::MicroVpn, 200)]);
    assert_eq!(journal[1].user.as_deref(), Some("alice"));
}

#[test]
fn a_ticket_opens_only_its_services_and_only_until_it_expires() {
    let sim = deployment();
    let grant = ticket(&sim);
    let other = sim.block_on(phone(&sim).open_tunnel(GATEWAY_HOST, 443, "ad.example.test:389", &[(TICKET_HEADER, grant.ticket.clone())]));
    assert_eq!(refusal(other).0, 403);
    let (status, _) = refusal(tunnel(&sim, &[(TICKET_HEADER, "STA0E1D2C3B4A59;00".into())]));
    assert_eq!(status, 407, "a ticket the STA never issued");
    sim.advance(Duration::from_secs(3600));
    let (status, reason) = refusal(tunnel(&sim, &[(TICKET_HEADER, grant.ticket)]));
    assert_eq!(status, 407);
    assert!(reason.contains("expired"), "{reason}");
}

#[test]
fn an_open_background_tunnel_is_cut_when_its_ticket_expires() {
    let sim = deployment();
    let grant = ticket(&sim);
    let mut io = tunnel(&sim, &[(TICKET_HEADER, grant.ticket)]).unwrap();
    sim.block_on(io.write_all(b"\x16")).unwrap();
    sim.advance(Duration::from_secs(3599));
    // Still open a second before: nothing to read, no end of stream.
    let mut buf = [0u8; 16];
    let early = sim.block_on(async { tokio::time::timeout(Duration::from_millis(500), io.read(&mut buf)).await });
    assert!(early.is_err(), "the tunnel ended before its ticket expired: {early:?}");
    sim.advance(Duration::from_secs(2));
    let read = sim.block_on(async { tokio::time::timeout(Duration::from_secs(5), io.read(&mut buf)).await });
    assert!(matches!(read, Ok(Ok(0)) | Ok(Err(_))), "the tunnel outlived its ticket: {read:?}");
}

#[test]
fn the_sta_refuses_what_is_not_its_protocol() {
    let sim = deployment();
    let resp = post(&sim, &format!("https://{XMS_HOST}{}", mailconform_fakes::xms::sta::STA_PATH), &[], "<html/>");
    assert_eq!(resp.status(), 400);
    let resp = post(&sim, &format!("https://{XMS_HOST}{TICKET_PATH}"), &[], "");
    assert_eq!(resp.status(), 401);
}
