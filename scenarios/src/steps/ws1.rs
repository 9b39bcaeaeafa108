//! Steps of the Workspace ONE side (seed 003): SEG V2 and its application.properties, ENS2,
//! the UEM console's compliance, and Boxer.

use super::words;
use crate::world::ws1::{ensure_boxer, BoxerAuth, PlannedSeg};
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_auth::AuthMethod;
use mailconform_fakes::apns::DeliveredNotification;
use mailconform_fakes::boxer::BoxerView;
use mailconform_fakes::defaults;
use mailconform_fakes::deployment;
use mailconform_fakes::ens::{Placement, DEVICE_HEADER};
use mailconform_fakes::uem::ComplianceState;
use mailconform_sim::pki::Credential;
use mailconform_sim::{ClientIdentity, Fault, RequestOptions};
use std::time::Duration;

// ----- the deployment -----

#[given(expr = "a Workspace ONE deployment with SEG V2 {string} in front of Exchange")]
fn ws1_deployment(w: &mut MailWorld, version: String) {
    w.ws1_plan().main_seg().config = deployment::default_seg_config(&version, defaults::EXCHANGE_HOST);
}

#[given(expr = "SEG's application.properties sets {string}")]
fn seg_property(w: &mut MailWorld, line: String) {
    w.ws1_plan().main_seg().properties.push(line);
}

#[given("SEG has no KCD settings")]
fn seg_without_kcd(w: &mut MailWorld) {
    w.ws1_plan().main_seg().config.kcd = None;
}

#[given("SEG's email server settings ignore SSL errors with Exchange")]
fn seg_ignores_ssl_errors(w: &mut MailWorld) {
    w.ws1_plan().main_seg().config.ignore_ssl_errors_with_exch = true;
}

#[given(expr = "SEG's email server settings have a server timeout of {int} seconds")]
fn seg_timeout(w: &mut MailWorld, secs: u64) {
    w.ws1_plan().main_seg().config.server_timeout = Duration::from_secs(secs);
}

#[given(expr = "a second SEG V2 {string} at {string} for the email server {string}, proxying EWS")]
fn second_seg(w: &mut MailWorld, version: String, host: String, server: String) {
    let mut config = deployment::default_seg_config(&version, &server);
    config.host = host.clone();
    w.ws1_plan().segs.push(PlannedSeg { role: format!("seg.{host}"), config, properties: vec!["enable.boxer.ens.ews.proxy=true".into()] });
}

#[given(expr = "Exchange's EWS offers {string}")]
fn ews_offers(w: &mut MailWorld, list: String) {
    w.ws1_plan();
    w.plan.exchange.ews_auth = methods(&list);
}

#[given(expr = "Exchange's ActiveSync offers {string}")]
fn activesync_offers(w: &mut MailWorld, list: String) {
    w.ws1_plan();
    w.plan.exchange.eas_auth = methods(&list);
}

/// "Negotiate, NTLM, Basic" → the methods, as an IIS administrator ticks them.
fn methods(list: &str) -> Vec<AuthMethod> {
    list.split(',')
        .map(|m| {
            AuthMethod::parse(m.trim())
                .unwrap_or_else(|| panic!("unknown authentication method {m:?}: use Basic, NTLM, Negotiate, Certificate or OAuth"))
        })
        .collect()
}

#[given(expr = "Exchange serves EWS only at its own FQDN {string}")]
fn ews_own_fqdn(w: &mut MailWorld, host: String) {
    w.ws1_plan();
    w.plan.exchange_aliases.push(host.clone());
    w.plan.exchange.ews_only_on = Some(host);
}

#[given("Exchange has a self-signed certificate")]
fn exchange_self_signed(w: &mut MailWorld) {
    w.ws1_plan().exchange_self_signed = true;
}

#[given("Exchange's self-signed certificate is in SEG's Java trust store")]
fn seg_trusts_exchange(w: &mut MailWorld) {
    w.ws1_plan().trusting_segs.push(defaults::ws1_roles::SEG.to_string());
}

#[given(expr = "ENS2 reaches EWS through {string}")]
fn ens_through(w: &mut MailWorld, host: String) {
    w.ws1_plan().ens_ews_url = Some(format!("https://{host}/EWS/Exchange.asmx"));
}

#[given(expr = "ENS2 runs {string}")]
fn ens_placement(w: &mut MailWorld, placement: String) {
    w.ws1_plan().ens_placement =
        Placement::parse(&placement).unwrap_or_else(|| panic!("ENS2 runs \"in the cloud\" or \"on premises\", not {placement:?}"));
}

#[given(expr = "{word}'s Boxer authenticates with {word}")]
fn boxer_auth(w: &mut MailWorld, user: String, auth: String) {
    w.ws1_plan().boxer_auth.insert(user.to_ascii_lowercase(), BoxerAuth::parse(&auth));
}

// ----- Boxer -----

fn boxer(w: &mut MailWorld, user: &str) -> mailconform_fakes::boxer::BoxerControl {
    let name = ensure_boxer(w, user);
    w.roles().boxer(&name).expect("Boxer deployed")
}

fn boxer_state(w: &mut MailWorld, user: &str) -> BoxerView {
    let b = boxer(w, user);
    w.run(b.state()).expect("Boxer's control API answers")
}

#[given(expr = "{word}'s Boxer has set up push")]
fn has_set_up_push(w: &mut MailWorld, user: String) {
    let b = boxer(w, &user);
    let v = w.run(b.setup()).expect("Boxer's control API answers");
    assert!(v.state.registered, "{user}'s Boxer did not register with ENS2: {:?}", v.error);
}

#[when(expr = "{word}'s Boxer sets up push")]
fn sets_up_push(w: &mut MailWorld, user: String) {
    let b = boxer(w, &user);
    w.run(b.setup()).expect("Boxer's control API answers");
}

#[given(expr = "{word}'s Boxer has synced")]
fn has_synced(w: &mut MailWorld, user: String) {
    let b = boxer(w, &user);
    let v = w.run(b.sync()).expect("Boxer's control API answers");
    assert!(v.state.eas_synced, "{user}'s Boxer did not sync: {:?}", v.error);
}

#[when(expr = "{word}'s Boxer syncs")]
fn syncs(w: &mut MailWorld, user: String) {
    let b = boxer(w, &user);
    w.run(b.sync()).expect("Boxer's control API answers");
}

#[when(expr = "{word}'s Boxer checks in with the console")]
fn checks_in(w: &mut MailWorld, user: String) {
    let b = boxer(w, &user);
    w.run(b.check_in()).expect("Boxer's control API answers");
}

#[then(expr = "{word}'s Boxer is registered with ENS2")]
fn registered(w: &mut MailWorld, user: String) {
    let v = boxer_state(w, &user);
    assert!(v.state.registered, "{user}'s Boxer: {:?}", v.state.register_error);
    let device = device_id(&user);
    let ens = w.roles().ens().expect("ENS deployed");
    let regs = w.run(ens.registrations()).expect("ENS control API answers");
    assert!(regs.iter().any(|r| r.device_id == device.to_ascii_lowercase()), "ENS2 holds {regs:?}");
}

#[then(expr = "ENS2 cannot register {word}'s Boxer because {string}")]
fn cannot_register(w: &mut MailWorld, user: String, because: String) {
    let v = boxer_state(w, &user);
    let error = v.state.register_error.clone().unwrap_or_default();
    assert!(
        !v.state.registered && error.contains(&because),
        "{user}'s Boxer: registered {}, error {error:?}; expected it to mention {because:?}",
        v.state.registered
    );
}

#[then(expr = "{word}'s Boxer syncs its Inbox")]
fn synced(w: &mut MailWorld, user: String) {
    let v = boxer_state(w, &user);
    assert!(v.state.eas_synced, "{user}'s Boxer: {:?}", v.state.eas_error);
}

#[then(expr = "{word}'s Boxer shows {string} in its Inbox")]
fn shows(w: &mut MailWorld, user: String, subject: String) {
    let v = boxer_state(w, &user);
    assert!(v.state.inbox.contains(&subject), "{user}'s Boxer shows {:?} ({:?})", v.state.inbox, v.state.eas_error);
}

#[then(expr = "{word}'s Boxer cannot sync because {string}")]
fn cannot_sync(w: &mut MailWorld, user: String, because: String) {
    let v = boxer_state(w, &user);
    let error = v.state.eas_error.clone().unwrap_or_default();
    assert!(
        !v.state.eas_synced && error.contains(&because),
        "{user}'s Boxer: synced {}, error {error:?}; expected it to mention {because:?}",
        v.state.eas_synced
    );
}

fn device_id(user: &str) -> String {
    let email = words::email(user);
    deployment::default_boxer_config(&user.to_ascii_lowercase(), &email).device_id
}

/// The pushes APNs delivered to `user`'s Boxer since a step last looked.
fn new_pushes(w: &mut MailWorld, user: &str) -> Vec<DeliveredNotification> {
    let token = boxer_state(w, user).state.device_token.unwrap_or_else(|| panic!("{user}'s Boxer has no device token"));
    let apns = w.roles().apns().expect("APNs deployed");
    let all = w.run(apns.notifications(&token, 0, Duration::ZERO)).expect("APNs control API answers");
    let seen = w.boxer_pushes_seen.get(user).copied().unwrap_or(0);
    w.boxer_pushes_seen.insert(user.to_string(), all.len());
    all.into_iter().skip(seen).collect()
}

#[then(expr = "{word}'s Boxer receives a push with badge {int}")]
fn receives_push(w: &mut MailWorld, user: String, badge: u64) {
    let pushes = new_pushes(w, &user);
    let last = pushes.last().unwrap_or_else(|| panic!("{user}'s Boxer received no push"));
    assert_eq!(last.badge(), Some(badge), "pushes {pushes:?}");
}

#[then(expr = "{word}'s Boxer receives no push")]
fn receives_no_push(w: &mut MailWorld, user: String) {
    let pushes = new_pushes(w, &user);
    assert!(pushes.is_empty(), "{user}'s Boxer received {pushes:?}");
}

#[then(expr = "ENS2 withheld the push for {word}'s Boxer because {string}")]
fn push_withheld(w: &mut MailWorld, user: String, because: String) {
    let device = device_id(&user).to_ascii_lowercase();
    let ens = w.roles().ens().expect("ENS deployed");
    let pushes = w.run(ens.pushes()).expect("ENS control API answers");
    let last =
        pushes.iter().rev().find(|p| p.device_id == device).unwrap_or_else(|| panic!("ENS2 attempted no push for {user}: {pushes:?}"));
    assert!(last.outcome.contains(&because), "ENS2's last push for {user}: {last:?}");
}

#[then(expr = "{word}'s Boxer has tried to unregister from ENS2 {int} times")]
fn unregister_attempts(w: &mut MailWorld, user: String, n: u32) {
    let v = boxer_state(w, &user);
    assert_eq!(v.state.unregister_attempts, n, "log {:?}", v.state.log);
}

#[then(expr = "{word}'s Boxer is unregistered from ENS2")]
fn unregistered(w: &mut MailWorld, user: String) {
    let v = boxer_state(w, &user);
    assert!(v.state.unregistered_at_ms.is_some() && !v.state.registered, "log {:?}", v.state.log);
    let device = device_id(&user).to_ascii_lowercase();
    let ens = w.roles().ens().expect("ENS deployed");
    let regs = w.run(ens.registrations()).expect("ENS control API answers");
    assert!(regs.iter().all(|r| r.device_id != device), "ENS2 still holds {regs:?}");
}

#[then(expr = "{word}'s Boxer has wiped its mail")]
fn boxer_wiped(w: &mut MailWorld, user: String) {
    let v = boxer_state(w, &user);
    assert!(v.state.wiped && v.state.inbox.is_empty(), "{:?}", v.state);
}

// ----- the console -----

#[when(expr = "the console marks {word}'s Boxer as {string}")]
fn console_marks(w: &mut MailWorld, user: String, state: String) {
    let s = ComplianceState::parse(&state)
        .unwrap_or_else(|| panic!("unknown console state {state:?}: use compliant, non-compliant, enterprise wiped or removed"));
    ensure_boxer(w, &user);
    let device = device_id(&user);
    let uem = w.roles().uem().expect("console deployed");
    w.run(uem.set_state(&device, &words::email(&user), s)).expect("console control API answers");
}

// ----- ENS reachability -----

#[when("ENS2 becomes unreachable")]
fn ens_unreachable(w: &mut MailWorld) {
    w.gate(defaults::ws1_roles::ENS).set(Fault::Unreachable);
}

#[when("ENS2 is reachable again")]
fn ens_reachable(w: &mut MailWorld) {
    w.gate(defaults::ws1_roles::ENS).clear();
}

#[when(expr = "Exchange takes {int} seconds to answer")]
fn exchange_slow(w: &mut MailWorld, secs: u64) {
    w.deploy();
    // Every name Exchange answers on: its own and its EWS FQDN.
    for (role, gate) in &w.gates {
        if role == defaults::roles::EXCHANGE || role.starts_with("exchange.") {
            gate.set(Fault::Latency { millis: secs * 1000 });
        }
    }
}

// ----- a bare EWS client at SEG -----

/// Sends an unauthenticated EWS request to SEG for `user`'s device, with or without that
/// user's client certificate, and keeps the answer for the Then steps.
fn probe_ews(w: &mut MailWorld, path: &str, certificate_of: Option<&str>) {
    let device = ensure_boxer(w, "alice");
    let device_id = device_id(&device);
    let identity = certificate_of.map(|user| {
        let sim = w.sim.as_ref().expect("deployed");
        let cert: Credential =
            deployment::user_certificate(sim, &words::email(user), Duration::from_secs(86_400)).expect("certificate minted");
        ClientIdentity { id: format!("probe:{user}"), credential: cert }
    });
    let body = mailconform_ews::write_request(
        mailconform_ews::SchemaVersion::Exchange2013,
        &mailconform_ews::Operation::GetFolder {
            folder_ids: vec![mailconform_ews::FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
            base_shape: Some("IdOnly".into()),
        },
    );
    let req = http::Request::post(format!("https://{}{path}", defaults::SEG_HOST))
        .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
        .header(DEVICE_HEADER, device_id)
        .body(bytes::Bytes::from(body))
        .expect("a valid request");
    let client = w.sim().client();
    let resp = w.run(client.send(req, &RequestOptions { identity, ..Default::default() })).expect("SEG answers");
    w.last_status = Some(resp.status().as_u16());
    let offered: Vec<String> = resp
        .headers()
        .get_all(http::header::WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| mailconform_auth::challenge::parse(v).unwrap_or_default())
        .map(|c| c.scheme.as_str().to_string())
        .collect();
    w.last_body = offered.join(", ");
}

#[when(expr = "an EWS client without credentials posts to SEG at {string}")]
fn posts_to_seg(w: &mut MailWorld, path: String) {
    probe_ews(w, &path, None);
}

#[when(expr = "an EWS client with {word}'s client certificate asks SEG for EWS without other credentials")]
fn probe_with_certificate(w: &mut MailWorld, user: String) {
    probe_ews(w, "/EWS/Exchange.asmx", Some(&user));
}

#[when("an EWS client without a client certificate asks SEG for EWS without credentials")]
fn probe_without_certificate(w: &mut MailWorld) {
    probe_ews(w, "/EWS/Exchange.asmx", None);
}

#[then(expr = "SEG answers HTTP {int}")]
fn seg_answers(w: &mut MailWorld, status: u16) {
    assert_eq!(w.last_status, Some(status), "challenges {:?}", w.last_body);
}

#[then(expr = "the client is offered {string}")]
fn offered(w: &mut MailWorld, list: String) {
    assert_eq!(w.last_status, Some(401), "the client was not challenged");
    let expected = if list == "nothing" { String::new() } else { list };
    assert_eq!(w.last_body, expected, "WWW-Authenticate challenges the client saw");
}

#[then(expr = "the client is authenticated as {word} by {word}")]
fn authenticated_as(w: &mut MailWorld, user: String, method: String) {
    assert_eq!(w.last_status, Some(200), "challenges {:?}", w.last_body);
    let ex = w.exchange();
    let requests = w.run(ex.requests()).expect("Exchange control API answers");
    let last = requests.last().expect("Exchange saw the request");
    assert_eq!((last.user.as_str(), last.auth.as_str()), (words::email(&user).as_str(), method.to_ascii_lowercase().as_str()), "{last:?}");
}

// ----- what SEG and Exchange saw -----

#[then("SEG sent the NTLM negotiate and authenticate messages on different upstream connections")]
fn ntlm_split(w: &mut MailWorld) {
    let seg = w.roles().seg(defaults::ws1_roles::SEG).expect("SEG deployed");
    let log = w.run(seg.requests()).expect("SEG control API answers");
    let ntlm: Vec<_> = log.iter().filter(|r| r.upstream_auth.as_deref() == Some("NTLM")).collect();
    assert!(ntlm.len() >= 2, "SEG forwarded {ntlm:?}");
    assert_ne!(ntlm[0].upstream_connection, ntlm[1].upstream_connection, "{ntlm:?}");
}

#[then(expr = "Exchange authenticated {word}'s EWS requests by {word}")]
fn exchange_authenticated(w: &mut MailWorld, user: String, method: String) {
    let ex = w.exchange();
    let requests = w.run(ex.requests()).expect("Exchange control API answers");
    let email = words::email(&user);
    let methods: Vec<&str> = requests.iter().filter(|r| r.user == email).map(|r| r.auth.as_str()).collect();
    assert!(
        !methods.is_empty() && methods.iter().all(|m| m.eq_ignore_ascii_case(&method)),
        "{user}'s EWS requests authenticated by {methods:?}"
    );
}

#[then(expr = "SEG blocked {word}'s {word} requests")]
fn seg_blocked(w: &mut MailWorld, user: String, service: String) {
    let device = device_id(&user);
    let seg = w.roles().seg(defaults::ws1_roles::SEG).expect("SEG deployed");
    let log = w.run(seg.requests()).expect("SEG control API answers");
    let want = if service.eq_ignore_ascii_case("EWS") {
        mailconform_fakes::seg::Service::Ews
    } else {
        mailconform_fakes::seg::Service::ActiveSync
    };
    assert!(
        log.iter().any(|r| r.service == want
            && r.device_id.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(&device))
            && r.routed_to.starts_with("blocked")),
        "SEG's log: {log:?}"
    );
}
