//! Secure Mail's MDX network policies, NetScaler Gateway and the STA (seed 001 and its Spanish
//! copy 000, "Intégration à un serveur Exchange ou un serveur IBM Notes Traveler"): the
//! policies as the administrator sets them, hosts on the internal network, and where the app's
//! connections went, as the phone and the gateway each saw them.

use super::device;
use crate::params::{ConnectionType, NetworkAccess, RouteTaken, TunnelBasis, User};
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::gateway::contract::{TunnelKind, TunnelRecord, TICKET_HEADER};
use mailconform_fakes::mdx::{DefaultReading, Form, NetworkPolicies, PolicyDocument, ServiceAddress};
use mailconform_fakes::xms::contract::{TicketGrant, TICKET_PATH};

fn policies(w: &mut MailWorld) -> &mut NetworkPolicies {
    w.plan().network.get_or_insert_with(NetworkPolicies::default)
}

fn addresses(list: &str) -> Vec<ServiceAddress> {
    list.split(',').filter(|s| !s.trim().is_empty()).map(|s| s.parse().unwrap_or_else(|e| panic!("{e}"))).collect()
}

fn tunnels(w: &mut MailWorld) -> Vec<TunnelRecord> {
    let gw = w.roles().gateway().expect("the scenario has a gateway (set Secure Mail's MDX network policies)");
    w.run(gw.tunnels()).expect("the gateway's control API answers")
}

/// Secure Mail's MDX network policies are those the seed lists for one of its three connection types.
#[given(expr = "Secure Mail has the seed's {connection_type} policies")]
fn seed_configuration(w: &mut MailWorld, t: ConnectionType) {
    *policies(w) = t.policies();
}

/// Secure Mail's MDX network policies are those of this export (the app's `policy_metadata.xml`, or the TOML form), given as a doc string.
#[given("Secure Mail's policies are exported as")]
fn from_export(w: &mut MailWorld, step: &cucumber::gherkin::Step) {
    let text = step.docstring.as_deref().expect("the export follows the step as a doc string");
    let form = if text.trim_start().starts_with('<') { Form::Xml } else { Form::Toml };
    let doc = PolicyDocument::read(text.as_bytes(), form).unwrap_or_else(|e| panic!("the export does not read: {e}"));
    *policies(w) = doc.network;
}

/// The administrator sets the MDX policy "Network access".
#[given(expr = "Secure Mail's policy Network access is {network_access}")]
fn network_access(w: &mut MailWorld, access: NetworkAccess) {
    policies(w).network_access = Some(access.0);
}

/// The MDX policy "Network access" is left at its default.
#[given("Secure Mail's policy Network access is left at its default")]
fn network_access_default(w: &mut MailWorld) {
    policies(w).network_access = None;
}

/// The seed's sentence on the default of "Network access" is read the other way: as Unrestricted.
#[given("the default of Network access is read as Unrestricted")]
fn default_read_unrestricted(w: &mut MailWorld) {
    policies(w).default_reading = DefaultReading::Unrestricted;
}

/// The MDX policy "Background network services" lists these host:port, comma-separated.
#[given(expr = "Secure Mail's policy Background network services is {string}")]
fn background_services(w: &mut MailWorld, list: String) {
    policies(w).background_services = addresses(&list);
}

/// The MDX policy "Background network service gateway" names this host:port.
#[given(expr = "Secure Mail's policy Background network service gateway is {string}")]
fn background_gateway(w: &mut MailWorld, gateway: String) {
    policies(w).background_gateway = addresses(&gateway).into_iter().next();
}

/// The MDX policy "Background services ticket expiration", in hours.
#[given(expr = "Secure Mail's policy Background services ticket expiration is {int} hours")]
fn ticket_expiration(w: &mut MailWorld, hours: u32) {
    policies(w).ticket_expiration_hours = hours;
}

/// The host is on the internal network: phones reach it only through the gateway.
#[given(expr = "{string} is on the internal network")]
fn internal(w: &mut MailWorld, host: String) {
    w.plan().internal_hosts.insert(host.to_ascii_lowercase());
}

fn change_in_xms(w: &mut MailWorld, change: impl FnOnce(&mut NetworkPolicies)) {
    let xms = w.roles().xms().expect("the scenario has Endpoint Management");
    let mut policies = w.run(xms.policies()).expect("Endpoint Management's control API answers");
    change(&mut policies);
    w.run(xms.set_policies(&policies)).expect("Endpoint Management takes the policies");
}

/// The administrator changes the app's policy Network access in Endpoint Management; apps get it at their next logon.
#[when(expr = "the administrator sets Network access to {network_access} in Endpoint Management")]
fn xms_access(w: &mut MailWorld, access: NetworkAccess) {
    change_in_xms(w, |p| p.network_access = Some(access.0));
}

/// A background connection presents the user's ticket (as Endpoint Management issues it to them) to the gateway for this host:port.
#[when(expr = "a background connection with {user}'s ticket asks the gateway for {string}")]
fn foreign_service(w: &mut MailWorld, user: User, target: String) {
    let (login, password) = user.builtin_login();
    w.deploy();
    let http = w.sim_ref().client();
    let url = format!("https://{}{}", defaults::XMS_HOST, TICKET_PATH);
    let req = http::Request::post(&url)
        .header("authorization", mailconform_sim::basic_authorization(login, password))
        .body(bytes::Bytes::new())
        .expect("a request");
    let resp = w.run(http.send(req, &Default::default())).expect("Endpoint Management answers");
    let grant: TicketGrant = serde_json::from_slice(resp.body()).expect("Endpoint Management issues a ticket");
    let _ = w.run(http.open_tunnel(defaults::GATEWAY_HOST, 443, &target, &[(TICKET_HEADER, grant.ticket)]));
}

/// The user logs on again (Secure Hub): a new gateway session and a new background services ticket.
#[when(expr = "{user} logs on again")]
fn logs_on(w: &mut MailWorld, user: User) {
    let d = device::phone(w, &user);
    let s = w.run(d.log_on()).expect("device control API answers");
    assert!(s.error.is_none(), "{user} could not log on: {:?}", s.error);
}

/// The phone's last connection to this host:port took this route, and got through.
#[then(expr = "{user}'s connection to {string} went {route}")]
fn went(w: &mut MailWorld, user: User, target: String, route: RouteTaken) {
    let s = device::state(w, &user);
    let last = s.network.connections.iter().rev().find(|c| c.target.eq_ignore_ascii_case(&target));
    let last = last.unwrap_or_else(|| panic!("{user}'s Secure Mail opened no connection to {target}: {:?}", s.network.connections));
    assert!(route.is(&last.route), "{user}'s connection to {target} went {:?}, not {route}", last.route);
    if route != RouteTaken::Blocked {
        assert_eq!(last.error, None, "{user}'s connection to {target} went {route} but failed");
    }
}

/// Every connection the phone opened took this route (the policies in effect send all its traffic one way).
#[then(expr = "every connection of {user}'s Secure Mail went {route}")]
fn all_went(w: &mut MailWorld, user: User, route: RouteTaken) {
    let s = device::state(w, &user);
    assert!(!s.network.connections.is_empty(), "{user}'s Secure Mail opened no connection");
    for c in &s.network.connections {
        assert!(route.is(&c.route), "{user}'s connection to {} went {:?}, not {route}", c.target, c.route);
    }
}

/// The gateway opened a tunnel to the host:port for the user, on their logon session or on their ticket.
#[then(expr = "the gateway opened a tunnel to {string} for {user} on their {tunnel_basis}")]
fn gateway_opened(w: &mut MailWorld, target: String, user: User, basis: TunnelBasis) {
    let kind = basis.kind();
    let all = tunnels(w);
    let found = all
        .iter()
        .any(|t| t.status == 200 && t.kind == kind && t.target.eq_ignore_ascii_case(&target) && t.user.as_deref() == Some(&*user));
    assert!(found, "no tunnel to {target} for {user} on a {kind:?} in the gateway's journal: {all:?}");
}

/// The gateway carried nothing at all: the phone's traffic did not use it.
#[then("the gateway opened no tunnel")]
fn gateway_idle(w: &mut MailWorld) {
    let all = tunnels(w);
    assert!(all.iter().all(|t| t.status != 200), "the gateway opened tunnels: {all:?}");
    assert!(all.is_empty(), "the gateway was asked for tunnels: {all:?}");
}

/// The gateway refused a tunnel to the host:port with this HTTP status.
#[then(expr = "the gateway refused a tunnel to {string} with HTTP {int}")]
fn gateway_refused(w: &mut MailWorld, target: String, status: u16) {
    let all = tunnels(w);
    let found = all.iter().any(|t| t.status == status && t.target.eq_ignore_ascii_case(&target));
    assert!(found, "the gateway did not refuse a tunnel to {target} with {status}: {all:?}");
}

/// The phone knows its ticket was refused: background connections fail until the user logs on again.
#[then(expr = "{user} must log on again")]
fn must_log_on(w: &mut MailWorld, user: User) {
    let s = device::state(w, &user);
    assert!(s.network.needs_logon, "{user}'s Secure Mail does not ask for a new logon: {:?}", s.network);
}

/// The user was asked to authenticate this many times for single connections.
#[then(expr = "{user} was asked to authenticate {int} time(s)")]
fn prompts(w: &mut MailWorld, user: User, n: u32) {
    let s = device::state(w, &user);
    assert_eq!(s.network.auth_prompts, n, "{user}'s authentication prompts: {:?}", s.network.connections);
}

/// Endpoint Management issued the user's tickets with this lifetime.
#[then(expr = "Endpoint Management issued {user} a ticket valid for {int} hours")]
fn ticket_lifetime(w: &mut MailWorld, user: User, hours: u64) {
    let xms = w.roles().xms().expect("the scenario has Endpoint Management");
    let tickets = w.run(xms.tickets()).expect("Endpoint Management's control API answers");
    let mine: Vec<_> = tickets.iter().filter(|t| t.user == *user).collect();
    assert!(!mine.is_empty(), "no ticket for {user}: {tickets:?}");
    for t in mine {
        assert_eq!(t.expires_unix - t.issued_unix, hours * 3600, "{t:?}");
    }
}

/// The gateway carried no connection of the user to the host:port on this basis.
#[then(expr = "the gateway opened no tunnel for {user} on their {tunnel_basis} to {string}")]
fn gateway_not_to(w: &mut MailWorld, user: User, basis: TunnelBasis, target: String) {
    let kind: TunnelKind = basis.kind();
    let all = tunnels(w);
    let used: Vec<_> = all
        .iter()
        .filter(|t| t.kind == kind && t.status == 200 && t.user.as_deref() == Some(&*user) && t.target.eq_ignore_ascii_case(&target))
        .collect();
    assert!(used.is_empty(), "the gateway carried {user}'s connections to {target} on a {kind:?}: {used:?}");
}

/// The phone has no tunnel of its own kind the gateway saw for the user (a kind it should not use).
#[then(expr = "the gateway opened no tunnel for {user} on their {tunnel_basis}")]
fn gateway_not_on(w: &mut MailWorld, user: User, basis: TunnelBasis) {
    let kind: TunnelKind = basis.kind();
    let all = tunnels(w);
    let used: Vec<_> = all.iter().filter(|t| t.kind == kind && t.user.as_deref() == Some(&*user)).collect();
    assert!(used.is_empty(), "the gateway carried {user}'s connections on a {kind:?}: {used:?}");
}
