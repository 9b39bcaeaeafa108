//! Steps of the Workspace ONE side (seed 003): SEG V2 and its application.properties, ENS2,
//! the UEM console's compliance, and Boxer.

use crate::params::{AuthMethod, AuthMethods, BoxerAuth, ComplianceState, EnsPlacement, Reason, SegService, User};
use crate::world::ws1::{ensure_boxer, PlannedSeg};
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::apns::DeliveredNotification;
use mailconform_fakes::boxer::BoxerView;
use mailconform_fakes::defaults;
use mailconform_fakes::deployment;
use mailconform_fakes::ens::PushOutcome;
use mailconform_sim::Fault;
use std::time::Duration;

// ----- the deployment -----

/// A Workspace ONE deployment: SEG V2 of this version in front of Exchange, ENS2, the UEM console and Boxer.
#[given(expr = "a Workspace ONE deployment with SEG V2 {string} in front of Exchange")]
fn ws1_deployment(w: &mut MailWorld, version: String) {
    w.ws1_plan().main_seg().config = deployment::default_seg_config(&version, defaults::EXCHANGE_HOST);
}

/// SEG's application.properties has this line, e.g. "enable.boxer.ens.ews.proxy=true".
#[given(expr = "SEG's application.properties sets {string}")]
fn seg_property(w: &mut MailWorld, line: String) {
    w.ws1_plan().main_seg().properties.push(line);
}

/// SEG is not set up for Kerberos constrained delegation.
#[given("SEG has no KCD settings")]
fn seg_without_kcd(w: &mut MailWorld) {
    w.ws1_plan().main_seg().config.kcd = None;
}

/// SEG accepts Exchange's certificate whatever it is.
#[given("SEG's email server settings ignore SSL errors with Exchange")]
fn seg_ignores_ssl_errors(w: &mut MailWorld) {
    w.ws1_plan().main_seg().config.ignore_ssl_errors_with_exch = true;
}

/// SEG gives up on Exchange after this many seconds.
#[given(expr = "SEG's email server settings have a server timeout of {int} seconds")]
fn seg_timeout(w: &mut MailWorld, secs: u64) {
    w.ws1_plan().main_seg().config.server_timeout = Duration::from_secs(secs);
}

/// Another SEG V2 of this version, on this host, in front of this email server, with its EWS proxy on.
#[given(expr = "a second SEG V2 {string} at {string} for the email server {string}, proxying EWS")]
fn second_seg(w: &mut MailWorld, version: String, host: String, server: String) {
    let mut config = deployment::default_seg_config(&version, &server);
    config.host = host.clone();
    w.ws1_plan().segs.push(PlannedSeg {
        role: mailconform_fakes::role::seg_on(&host),
        config,
        properties: vec!["enable.boxer.ens.ews.proxy=true".into()],
    });
}

/// Exchange's EWS directory has exactly these authentication methods enabled, as IIS lists them.
#[given(expr = "Exchange's EWS offers \"{auth_methods}\"")]
fn ews_offers(w: &mut MailWorld, list: AuthMethods) {
    w.ws1_plan();
    w.plan().exchange.ews_auth = list.0;
}

/// Exchange's ActiveSync directory has exactly these authentication methods enabled.
#[given(expr = "Exchange's ActiveSync offers \"{auth_methods}\"")]
fn activesync_offers(w: &mut MailWorld, list: AuthMethods) {
    w.ws1_plan();
    w.plan().exchange.eas_auth = list.0;
}

/// Exchange answers EWS only on this host name, not on its main one.
#[given(expr = "Exchange serves EWS only at its own FQDN {string}")]
fn ews_own_fqdn(w: &mut MailWorld, host: String) {
    w.ws1_plan();
    w.plan().exchange_aliases.push(host.clone());
    w.plan().exchange.ews_only_on = Some(host);
}

/// Exchange's HTTPS certificate is self-signed rather than issued by the world's CA.
#[given("Exchange has a self-signed certificate")]
fn exchange_self_signed(w: &mut MailWorld) {
    w.ws1_plan().exchange_self_signed = true;
}

/// SEG trusts Exchange's self-signed certificate.
#[given("Exchange's self-signed certificate is in SEG's Java trust store")]
fn seg_trusts_exchange(w: &mut MailWorld) {
    w.ws1_plan().trusting_segs.push(mailconform_fakes::role::SEG.to_string());
}

/// ENS2 sends its EWS requests to this host.
#[given(expr = "ENS2 reaches EWS through {string}")]
fn ens_through(w: &mut MailWorld, host: String) {
    w.ws1_plan().ens_ews_url = Some(format!("https://{host}/EWS/Exchange.asmx"));
}

/// ENS2 runs in the vendor's cloud or on the customer's premises (its API path differs).
#[given(expr = "ENS2 runs \"{ens_placement}\"")]
fn ens_placement(w: &mut MailWorld, placement: EnsPlacement) {
    w.ws1_plan().ens_placement = *placement;
}

/// The user's Boxer authenticates to ActiveSync (and so ENS2 to EWS) with this method.
#[given(expr = "{user}'s Boxer authenticates with {boxer_auth}")]
fn boxer_auth(w: &mut MailWorld, user: User, auth: BoxerAuth) {
    w.ws1_plan().boxer_auth.insert(user.to_ascii_lowercase(), auth);
}

// ----- Boxer -----

fn boxer(w: &mut MailWorld, user: &User) -> mailconform_fakes::boxer::BoxerControl {
    let name = ensure_boxer(w, user);
    w.roles().boxer(&name).expect("Boxer deployed")
}

fn boxer_state(w: &mut MailWorld, user: &User) -> BoxerView {
    let b = boxer(w, user);
    w.run(b.state()).expect("Boxer's control API answers")
}

/// The user's Boxer has registered with ENS2 for push, successfully.
#[given(expr = "{user}'s Boxer has set up push")]
fn has_set_up_push(w: &mut MailWorld, user: User) {
    let b = boxer(w, &user);
    let v = w.run(b.setup()).expect("Boxer's control API answers");
    assert!(v.state.registered, "{user}'s Boxer did not register with ENS2: {:?}", v.error);
}

/// The user's Boxer registers with ENS2 for push.
#[when(expr = "{user}'s Boxer sets up push")]
fn sets_up_push(w: &mut MailWorld, user: User) {
    let b = boxer(w, &user);
    w.run(b.setup()).expect("Boxer's control API answers");
}

/// The user's Boxer has synced over ActiveSync through SEG, successfully.
#[given(expr = "{user}'s Boxer has synced")]
fn has_synced(w: &mut MailWorld, user: User) {
    let b = boxer(w, &user);
    let v = w.run(b.sync()).expect("Boxer's control API answers");
    assert!(v.state.eas_synced, "{user}'s Boxer did not sync: {:?}", v.error);
}

/// The user's Boxer syncs over ActiveSync through SEG.
#[when(expr = "{user}'s Boxer syncs")]
fn syncs(w: &mut MailWorld, user: User) {
    let b = boxer(w, &user);
    w.run(b.sync()).expect("Boxer's control API answers");
}

/// The user's Boxer asks the UEM console for pending commands and acts on them.
#[when(expr = "{user}'s Boxer checks in with the console")]
fn checks_in(w: &mut MailWorld, user: User) {
    let b = boxer(w, &user);
    w.run(b.check_in()).expect("Boxer's control API answers");
}

/// The user's Boxer registered (ENS2 accepted its registration), and ENS2 holds its device.
///
/// A real ENS2 keeps the devices it holds inside: against one, its acceptance of the
/// registration, as Boxer got it, is what is checked.
#[then(expr = "{user}'s Boxer is registered with ENS2")]
fn registered(w: &mut MailWorld, user: User) {
    let v = boxer_state(w, &user);
    assert!(v.state.registered, "{user}'s Boxer: {:?}", v.state.register_error);
    let device = device_id(&user);
    if let Some(ens) = w.ens_control() {
        let regs = w.run(ens.registrations()).expect("ENS control API answers");
        assert!(regs.iter().any(|r| r.device_id == device.to_ascii_lowercase()), "ENS2 holds {regs:?}");
    }
}

/// The user's Boxer could not register with ENS2, with an error of the kind the reason stands for.
#[then(expr = "ENS2 cannot register {user}'s Boxer because {reason}")]
fn cannot_register(w: &mut MailWorld, user: User, because: Reason) {
    let v = boxer_state(w, &user);
    let error = &v.state.register_error;
    assert!(
        !v.state.registered && error.as_ref().map(|e| &e.kind) == Some(&because.0),
        "{user}'s Boxer: registered {}, error {error:?}; expected the kind {:?}",
        v.state.registered,
        because.0
    );
}

/// The user's Boxer synced its Inbox without an error.
#[then(expr = "{user}'s Boxer syncs its Inbox")]
fn synced(w: &mut MailWorld, user: User) {
    let v = boxer_state(w, &user);
    assert!(v.state.eas_synced, "{user}'s Boxer: {:?}", v.state.eas_error);
}

/// The user's Boxer lists the message with this subject in its Inbox.
#[then(expr = "{user}'s Boxer shows {string} in its Inbox")]
fn shows(w: &mut MailWorld, user: User, subject: String) {
    let v = boxer_state(w, &user);
    assert!(v.state.inbox.contains(&subject), "{user}'s Boxer shows {:?} ({:?})", v.state.inbox, v.state.eas_error);
}

/// The user's Boxer did not sync, with an error of the kind the reason stands for.
#[then(expr = "{user}'s Boxer cannot sync because {reason}")]
fn cannot_sync(w: &mut MailWorld, user: User, because: Reason) {
    let v = boxer_state(w, &user);
    let error = &v.state.eas_error;
    assert!(
        !v.state.eas_synced && error.as_ref().map(|e| &e.kind) == Some(&because.0),
        "{user}'s Boxer: synced {}, error {error:?}; expected the kind {:?}",
        v.state.eas_synced,
        because.0
    );
}

pub(crate) fn device_id(user: &User) -> String {
    let email = user.email();
    deployment::default_boxer_config(&user.to_ascii_lowercase(), &email).device_id
}

/// The pushes APNs delivered to `user`'s Boxer since a step last looked.
fn new_pushes(w: &mut MailWorld, user: &User) -> Vec<DeliveredNotification> {
    new_pushes_until(w, user, |_| true)
}

/// The pushes since the last look, read again on the real clock until `done` holds of them
/// (see [`MailWorld::eventually`]); the look then counts them seen.
fn new_pushes_until(w: &mut MailWorld, user: &User, done: impl Fn(&[DeliveredNotification]) -> bool) -> Vec<DeliveredNotification> {
    let token = boxer_state(w, user).state.device_token.unwrap_or_else(|| panic!("{user}'s Boxer has no device token"));
    let seen = w.running().boxer_pushes_seen.get(user.as_str()).copied().unwrap_or(0);
    let all = super::apns::delivered_until(w, &token, |all| done(all.get(seen..).unwrap_or_default()));
    w.running().boxer_pushes_seen.insert(user.to_string(), all.len());
    all.into_iter().skip(seen).collect()
}

/// The last push the user's Boxer received since the last look sets this badge.
#[then(expr = "{user}'s Boxer receives a push with badge {int}")]
fn receives_push(w: &mut MailWorld, user: User, badge: u64) {
    let pushes = new_pushes_until(w, &user, |p| p.last().and_then(|l| l.badge()) == Some(badge));
    if pushes.last().and_then(|l| l.badge()) != Some(badge) {
        // What ENS2 attempted, and what APNs answered, tells a lost push from one never sent.
        let attempted = match w.ens_control() {
            Some(ens) => format!("{:?}", w.run(ens.pushes()).expect("ENS2's control API answers")),
            None => "(a real ENS2's attempts are its own)".to_string(),
        };
        panic!("{user}'s Boxer's last push since the last look is not badge {badge}: pushes {pushes:?}; ENS2 attempted {attempted}");
    }
}

/// The user's Boxer received no push since the last look.
#[then(expr = "{user}'s Boxer receives no push")]
fn receives_no_push(w: &mut MailWorld, user: User) {
    let pushes = new_pushes(w, &user);
    assert!(pushes.is_empty(), "{user}'s Boxer received {pushes:?}");
}

/// ENS2's last push attempt for the user's Boxer was withheld, with an error of the kind the reason stands for.
#[then(expr = "ENS2 withheld the push for {user}'s Boxer because {reason}")]
fn push_withheld(w: &mut MailWorld, user: User, because: Reason) {
    let device = device_id(&user).to_ascii_lowercase();
    let pushes = w.eventually(
        |w| {
            let ens = w.ens_log();
            w.run(ens.pushes()).expect("ENS control API answers")
        },
        |pushes| pushes.iter().any(|p| p.device_id == device && matches!(p.outcome, PushOutcome::Withheld { .. })),
    );
    let last =
        pushes.iter().rev().find(|p| p.device_id == device).unwrap_or_else(|| panic!("ENS2 attempted no push for {user}: {pushes:?}"));
    assert!(
        matches!(&last.outcome, PushOutcome::Withheld { error } if error.kind == because.0),
        "ENS2's last push for {user}: {last:?}; expected it withheld with the kind {:?}",
        because.0
    );
}

/// The user's Boxer has tried this many times to unregister from ENS2.
#[then(expr = "{user}'s Boxer has tried to unregister from ENS2 {int} times")]
fn unregister_attempts(w: &mut MailWorld, user: User, n: u32) {
    let v = boxer_state(w, &user);
    assert_eq!(v.state.unregister_attempts, n, "log {:?}", v.state.log);
}

/// The user's Boxer unregistered (ENS2 accepted it), and ENS2 no longer holds its device.
///
/// Against a real ENS2, its acceptance, as Boxer got it, is what is checked.
#[then(expr = "{user}'s Boxer is unregistered from ENS2")]
fn unregistered(w: &mut MailWorld, user: User) {
    let v = boxer_state(w, &user);
    assert!(v.state.unregistered_at_ms.is_some() && !v.state.registered, "log {:?}", v.state.log);
    let device = device_id(&user).to_ascii_lowercase();
    if let Some(ens) = w.ens_control() {
        let regs = w.run(ens.registrations()).expect("ENS control API answers");
        assert!(regs.iter().all(|r| r.device_id != device), "ENS2 still holds {regs:?}");
    }
}

/// The user's Boxer obeyed a wipe: its mail is gone.
#[then(expr = "{user}'s Boxer has wiped its mail")]
fn boxer_wiped(w: &mut MailWorld, user: User) {
    let v = boxer_state(w, &user);
    assert!(v.state.wiped && v.state.inbox.is_empty(), "{:?}", v.state);
}

// ----- the console -----

/// The UEM console puts the user's Boxer device in this compliance state.
#[when(expr = "the console marks {user}'s Boxer as \"{compliance}\"")]
fn console_marks(w: &mut MailWorld, user: User, state: ComplianceState) {
    let s = *state;
    ensure_boxer(w, &user);
    let device = device_id(&user);
    let console = w.console();
    w.drive(console.set_state(&device, &user.email(), s));
}

// ----- ENS reachability -----

/// ENS2 drops off the network.
#[when("ENS2 becomes unreachable")]
fn ens_unreachable(w: &mut MailWorld) {
    let ens = w.faults(mailconform_fakes::role::ENS);
    w.drive(ens.set(Fault::Unreachable));
}

/// ENS2 is back on the network.
#[when("ENS2 is reachable again")]
fn ens_reachable(w: &mut MailWorld) {
    let ens = w.faults(mailconform_fakes::role::ENS);
    w.drive(ens.clear());
}

/// Every answer from Exchange, on all its host names, now takes this many seconds.
#[when(expr = "Exchange takes {int} seconds to answer")]
fn exchange_slow(w: &mut MailWorld, secs: u64) {
    // Every name Exchange answers on: its own and its EWS FQDN.
    for (role, gate) in w.running().gates() {
        if mailconform_fakes::role::kind_of(role) == Some(mailconform_fakes::role::RoleKind::Exchange) {
            gate.set(Fault::Latency { millis: secs * 1000 });
        }
    }
}

// ----- what SEG and Exchange saw -----

/// SEG forwarded NTLM's two legs to Exchange on two different connections (so NTLM cannot work through it).
#[then("SEG sent the NTLM negotiate and authenticate messages on different upstream connections")]
fn ntlm_split(w: &mut MailWorld) {
    let seg = w.seg_control();
    let log = w.run(seg.requests()).expect("SEG control API answers");
    let ntlm: Vec<_> = log.iter().filter(|r| r.upstream_auth.as_deref() == Some("NTLM")).collect();
    assert!(ntlm.len() >= 2, "SEG forwarded {ntlm:?}");
    assert_ne!(ntlm[0].upstream_connection, ntlm[1].upstream_connection, "{ntlm:?}");
}

/// Exchange authenticated every EWS request made for the user by this method.
#[then(expr = "Exchange authenticated {user}'s EWS requests by {auth_method}")]
fn exchange_authenticated(w: &mut MailWorld, user: User, method: AuthMethod) {
    let email = user.email();
    // ENS2's requests for the user run on their own after its registration: on the real clock
    // they may still be on their way.
    let requests = w.eventually(
        |w| {
            let traffic = w.traffic();
            w.drive(traffic.ews_requests())
        },
        |requests| requests.iter().any(|r| r.user == email),
    );
    let methods: Vec<&str> = requests.iter().filter(|r| r.user == email).map(|r| r.auth.as_str()).collect();
    assert!(
        !methods.is_empty() && methods.iter().all(|m| m.eq_ignore_ascii_case(method.name())),
        "{user}'s EWS requests authenticated by {methods:?}"
    );
}

/// SEG blocked requests of the user's device to this service.
#[then(expr = "SEG blocked {user}'s {seg_service} requests")]
fn seg_blocked(w: &mut MailWorld, user: User, service: SegService) {
    let device = device_id(&user);
    let want = *service;
    let blocked = |r: &mailconform_fakes::seg::SegRecord| {
        r.service == want && r.device_id.as_deref().is_some_and(|d| d.eq_ignore_ascii_case(&device)) && r.blocked
    };
    // ENS2's EWS requests through SEG follow Exchange's notifications on their own.
    let log = w.eventually(
        |w| {
            let seg = w.seg_control();
            w.run(seg.requests()).expect("SEG control API answers")
        },
        |log| log.iter().any(blocked),
    );
    assert!(log.iter().any(blocked), "SEG's log: {log:?}");
}
