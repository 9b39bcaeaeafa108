//! The SSLv3/TLS matrix (seed 001, "Configuration du niveau de sécurité SSL/TLS"): servers that
//! speak exactly some protocol versions, Secure Mail on a device OS under a "Connection security
//! level" policy, and what their handshake negotiates on the wire.
//!
//! The device's connection is a real handshake on OpenSSL (`mailconform-tls`) over the
//! simulation's network, offering exactly what `mailconform_tls::profile::offered` gives for
//! the device and policy, followed by ActiveSync's OPTIONS over the encrypted stream. What the
//! steps check comes from the handshake itself: the session's version, the ServerHello bytes
//! and the alert records that crossed the pipe.

use crate::params::reason::{ConnectFailure, ConnectReason};
use crate::MailWorld;
use base64::Engine as _;
use bytes::Bytes;
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::traveler::TravelerConfig;
use mailconform_sim::Dialer;
use mailconform_tls::client::{self, ClientOffer};
use mailconform_tls::connector::LegacyConnector;
use mailconform_tls::profile::{self, parse_oui_non, DeviceProfile, Policy, Ssl3Remedy};
use mailconform_tls::server::LegacyServer;
use mailconform_tls::{Alert, Handshake, Side, Version, VersionSet};
use std::collections::BTreeMap;
use std::sync::Arc;

/// What the matrix's steps keep between them.
#[derive(Default)]
pub(crate) struct TlsState {
    /// Hosts served by OpenSSL, with their handshake logs.
    pub servers: BTreeMap<String, Arc<LegacyServer>>,
    devices: BTreeMap<String, (DeviceProfile, Policy)>,
    /// The user whose device connected last.
    last_device: Option<String>,
    last: Option<Connection>,
    /// The TLS of Secure Mail devices created with a profile, by user.
    connectors: BTreeMap<String, Arc<LegacyConnector>>,
}

impl TlsState {
    /// The TLS of `user`'s Secure Mail when a step gave it a device profile: OpenSSL offering
    /// exactly what the profile and policy allow, for every HTTPS/1.1 connection it opens.
    pub(crate) fn device_connector(&mut self, user: &str, sim: &mailconform_sim::Simulation) -> Option<Arc<LegacyConnector>> {
        let (d, p) = *self.devices.get(user)?;
        let c = Arc::new(LegacyConnector::new(profile::offered(d, p), sim.pki.ca.cert_pem(), sim.clock.clone()));
        self.connectors.insert(user.to_string(), c.clone());
        Some(c)
    }
}

/// One connection attempt: the handshake, then ActiveSync's answer to OPTIONS when it completed.
struct Connection {
    handshake: Handshake,
    /// HTTP status and MS-ASProtocolVersions of the OPTIONS answer.
    options: Option<Result<(u16, String), mailconform_tls::TlsError>>,
}

fn versions(text: &str) -> VersionSet {
    VersionSet::parse(text).unwrap_or_else(|e| panic!("{e}"))
}

fn device_profile(text: &str) -> DeviceProfile {
    DeviceProfile::parse(text).unwrap_or_else(|| panic!("unknown device {text:?}: use {}", DeviceProfile::ALL.map(|p| p.name()).join(", ")))
}

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap_or_else(|| panic!("unknown connection security level {text:?}: use \"TLS\" or \"SSLv3 and TLS\""))
}

/// The host name and ActiveSync path of a server role as features name it.
fn server(role: &str) -> (&'static str, &'static str) {
    match role {
        "Traveler" => (defaults::TRAVELER_HOST, "/traveler/Microsoft-Server-ActiveSync"),
        "Exchange" => (defaults::EXCHANGE_HOST, "/Microsoft-Server-ActiveSync"),
        other => panic!("unknown server {other:?}: use Traveler or Exchange"),
    }
}

fn plan_server_versions(w: &mut MailWorld, host: &str, set: VersionSet) {
    assert!(!w.is_deployed(), "choose the server's protocol versions before the first action");
    w.plan.server_tls.insert(host.to_string(), set);
}

#[given(regex = r"^a Notes Traveler server that speaks (.+)$")]
fn traveler_speaks(w: &mut MailWorld, set: String) {
    if w.plan.traveler.is_none() {
        w.plan.traveler = Some(TravelerConfig::recommended(defaults::TRAVELER_HOST));
    }
    plan_server_versions(w, defaults::TRAVELER_HOST, versions(&set));
}

#[given(regex = r"^the Exchange server speaks (.+)$")]
fn exchange_speaks(w: &mut MailWorld, set: String) {
    plan_server_versions(w, defaults::EXCHANGE_HOST, versions(&set));
}

/// The administrator changes the server's protocols (IBM's LO82423 and TLS 1.2 on Traveler
/// 9.0.1): new connections meet the new set.
#[when(regex = r"^the (Traveler|Exchange) server moves to (.+)$")]
fn server_moves(w: &mut MailWorld, role: String, set: String) {
    let (host, _) = server(&role);
    w.deploy();
    let s = mailconform_tls::server::serve_in_simulation(w.sim(), host, versions(&set)).expect("the legacy TLS server starts");
    w.tls.servers.insert(host.to_string(), s);
}

/// The device OS and the MDX "Connection security level" policy ("TLS" by default).
#[given(regex = r#"^(\w+) has Secure Mail on (.+) with the (?:connection security level "([^"]+)"|default connection security level)$"#)]
fn has_device(w: &mut MailWorld, user: String, device: String, level: String) {
    let profile_ = device_profile(&device);
    let policy_ = if level.is_empty() { Policy::default() } else { policy(&level) };
    set_platform(w, &user, profile_);
    w.tls.devices.insert(user.to_ascii_lowercase(), (profile_, policy_));
}

/// The Secure Mail fake of `user` runs on the profile's platform (this also checks that it has
/// not started yet: its TLS is fixed when it starts).
fn set_platform(w: &mut MailWorld, user: &str, p: DeviceProfile) {
    use mailconform_fakes::securemail::eas::Platform;
    let android = matches!(p, DeviceProfile::AndroidBeforeM | DeviceProfile::AndroidMN | DeviceProfile::AndroidO);
    w.device_plan(user).platform = if android { Platform::Android } else { Platform::Ios };
}

fn device_of(w: &MailWorld, user: &str) -> (DeviceProfile, Policy) {
    *w.tls.devices.get(&user.to_ascii_lowercase()).unwrap_or_else(|| panic!("{user} has no Secure Mail device yet: say \"{user} has Secure Mail on <device> with the connection security level \\\"TLS\\\"\""))
}

/// Handshake with `host:443` offering `offer`, then OPTIONS on `path` as `user` when it completed.
fn connect(w: &mut MailWorld, host: &str, path: &str, offer: ClientOffer, user: &str) -> Connection {
    w.deploy();
    let (login, password) = defaults::USERS.iter().find(|u| u.0 == user).map(|u| (u.0, u.2)).unwrap_or((user, ""));
    let credentials = base64::engine::general_purpose::STANDARD.encode(format!("{login}:{password}"));
    let net = w.sim().net.clone();
    let host = host.to_string();
    let path = path.to_string();
    w.run(async move {
        let io = net.dial(&host, 443).await.unwrap_or_else(|e| panic!("cannot reach {host}:443: {e}"));
        let (handshake, stream) =
            client::connect(io, &offer).await.unwrap_or_else(|e| panic!("the client could not start its handshake: {e}"));
        let options = match stream {
            None => None,
            Some(stream) => {
                let req = http::Request::options(path.as_str())
                    .header(http::header::HOST, host.as_str())
                    .header(http::header::AUTHORIZATION, format!("Basic {credentials}"))
                    .body(Bytes::new())
                    .expect("a valid request");
                Some(client::http1_request(stream, req).await.map(|r| {
                    let versions = r.headers().get("ms-asprotocolversions").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                    (r.status().as_u16(), versions)
                }))
            }
        };
        Connection { handshake, options }
    })
}

fn offer_for(w: &mut MailWorld, host: &str, versions: VersionSet) -> ClientOffer {
    let mut offer = ClientOffer::new(versions, host);
    let sim = w.sim();
    offer.ca_pem = Some(sim.pki.ca.cert_pem().to_string());
    offer.unix_time = Some((sim.unix_millis() / 1000) as i64);
    offer
}

#[when(regex = r"^(\w+)'s Secure Mail opens its ActiveSync connection to the (Traveler|Exchange) server$")]
fn device_connects(w: &mut MailWorld, user: String, role: String) {
    let (profile_, policy_) = device_of(w, &user);
    let (host, path) = server(&role);
    let offer = offer_for(w, host, profile::offered(profile_, policy_));
    let c = connect(w, host, path, offer, &user.to_ascii_lowercase());
    w.tls.last_device = Some(user.to_ascii_lowercase());
    w.tls.last = Some(c);
}

/// A client retrying after a failed handshake with a lower maximum, as browsers did (the
/// fallback POODLE exploits), and saying so with TLS_FALLBACK_SCSV (RFC 7507).
#[when(regex = r"^a client that falls back to (.+?)( with TLS_FALLBACK_SCSV)? connects to the (Traveler|Exchange) server$")]
fn fallback_client(w: &mut MailWorld, max: String, scsv: String, role: String) {
    let max = Version::parse(&max).unwrap_or_else(|| panic!("{max:?} is not a protocol version"));
    let (host, path) = server(&role);
    let mut offer = offer_for(w, host, VersionSet::range(Version::Tls10, max));
    offer.fallback_scsv = !scsv.is_empty();
    let c = connect(w, host, path, offer, "alice");
    w.tls.last_device = None;
    w.tls.last = Some(c);
}

fn last(w: &MailWorld) -> &Connection {
    w.tls.last.as_ref().expect("no connection was opened yet: a When step opens one")
}

/// The device's context for messages: "Secure Mail on iOS 9 and later under "TLS" (offers ...)".
fn who(w: &MailWorld) -> String {
    match w.tls.last_device.as_ref().and_then(|u| w.tls.devices.get(u)) {
        Some((d, p)) => format!("Secure Mail on {d} under \"{p}\" (offering {})", profile::offered(*d, *p)),
        None => format!("the client (offering {})", last(w).handshake.offered),
    }
}

/// Why the last connection failed, in the administrator's terms: the handshake's own reason,
/// and for SSL 3.0 refused by policy, what the guide says to do.
fn explanation(w: &MailWorld) -> String {
    let h = &last(w).handshake;
    let mut text = format!("{}: {}", who(w), h.reason());
    if let Some(remedy) = ssl3_remedy(w) {
        text.push_str(&format!(". The server only speaks SSL 3.0, which Secure Mail disables because of POODLE: {remedy}"));
    }
    text
}

/// When the server chose SSL 3.0 and the last device does not offer it: what to do about it.
fn ssl3_remedy(w: &MailWorld) -> Option<Ssl3Remedy> {
    let device = w.tls.last_device.as_ref().and_then(|u| w.tls.devices.get(u));
    match (device, last(w).handshake.server_hello) {
        (Some((d, p)), Some(Version::Ssl3)) => profile::ssl3_remedy(*d, *p),
        _ => None,
    }
}

fn assert_negotiated(w: &MailWorld, v: Version) {
    let c = last(w);
    let h = &c.handshake;
    assert!(h.completed(), "expected {v} on the wire, but {}", explanation(w));
    assert_eq!(h.negotiated, Some(v), "{} negotiated {:?}, expected {v}", who(w), h.negotiated);
    assert_eq!(h.server_hello, Some(v), "the session says {v} but the ServerHello on the wire said {:?}", h.server_hello);
    match &c.options {
        Some(Ok((200, versions))) if !versions.is_empty() => {}
        other => {
            panic!("the handshake gave {v}, but ActiveSync's OPTIONS over it answered {other:?} (expected 200 with MS-ASProtocolVersions)")
        }
    }
}

fn assert_refused(w: &MailWorld, alert: Alert, from: Side) {
    let h = &last(w).handshake;
    assert!(!h.completed(), "expected the handshake to end with {alert} from the {from}, but it negotiated {}", h.result());
    let seen = h.alert.unwrap_or_else(|| panic!("expected {alert} from the {from}, but no alert crossed the wire: {}", explanation(w)));
    assert_eq!((seen.alert, seen.from), (alert, from), "expected {alert} from the {from}; {}", explanation(w));
}

#[then(regex = r"^the handshake negotiates (.+) on the wire$")]
fn negotiates(w: &mut MailWorld, version: String) {
    let v = Version::parse(&version).unwrap_or_else(|| panic!("{version:?} is not a protocol version"));
    assert_negotiated(w, v);
}

#[then(regex = r"^the handshake fails with (\w+) from the (client|server)$")]
fn fails_with(w: &mut MailWorld, alert: String, from: String) {
    let a = Alert::parse(&alert).unwrap_or_else(|| panic!("{alert:?} is not an alert name such as protocol_version"));
    assert_refused(w, a, if from == "client" { Side::Client } else { Side::Server });
}

/// A matrix cell: a version name, or "ALERT from the client|server".
#[then(regex = r#"^the result on the wire is "([^"]+)"$"#)]
fn result_is(w: &mut MailWorld, expected: String) {
    match Version::parse(&expected) {
        Some(v) => assert_negotiated(w, v),
        None => {
            let (alert, from) = expected
                .split_once(" from the ")
                .unwrap_or_else(|| panic!("{expected:?} is neither a version nor \"ALERT from the client|server\""));
            fails_with(w, alert.to_string(), from.to_string());
        }
    }
}

#[then(expr = "{word}'s Secure Mail cannot connect because {connect_reason}")]
fn cannot_connect(w: &mut MailWorld, user: String, because: ConnectReason) {
    assert_eq!(w.tls.last_device.as_deref(), Some(user.to_ascii_lowercase().as_str()), "the last connection was not {user}'s");
    assert!(!last(w).handshake.completed(), "{user}'s Secure Mail connected with {}", last(w).handshake.result());
    let holds = match because.0 {
        ConnectFailure::Handshake(f) => last(w).handshake.failure() == Some(f),
        ConnectFailure::Remedy(r) => ssl3_remedy(w) == Some(r),
    };
    assert!(holds, "expected {:?}; {}", because.0, explanation(w));
}

/// One cell of the seed's tables: the feature's "Oui"/"Non" must be this crate's table's (one
/// source of truth), and the wire must agree — "Oui" for SSLv3 means SSL 3.0 negotiated with an
/// SSL 3.0-only server, "Oui" for TLS a TLS version with a TLS-only one, and "Non" a refusal.
#[then(regex = r#"^the (SSLv3|TLS) cell "([^"]+)" holds on the wire$"#)]
fn cell_holds(w: &mut MailWorld, column: String, cell: String) {
    let want = parse_oui_non(&cell).unwrap_or_else(|| panic!("{cell:?} is neither Oui nor Non"));
    let user = w.tls.last_device.clone().expect("a device connected");
    let (d, p) = device_of(w, &user);
    let table = profile::seed_cell(d, p);
    let in_table = if column == "SSLv3" { table.sslv3 } else { table.tls };
    assert_eq!(
        in_table,
        want,
        "the feature says {cell} for {column} on {d} under \"{p}\", the table in mailconform-tls says {}",
        profile::oui_non(in_table)
    );
    let h = &last(w).handshake;
    let got = h.completed() && h.negotiated.is_some_and(|v| if column == "SSLv3" { v == Version::Ssl3 } else { v.is_tls() });
    assert_eq!(got, want, "the {column} cell says {cell}, but on the wire: {}", explanation(w));
    if want {
        let v = h.negotiated.expect("completed");
        assert_negotiated(w, v);
    }
}

/// RFC 8446 §4.1.3: a server that speaks TLS 1.3 and negotiates lower ends its random with
/// "DOWNGRD\x01" (TLS 1.2) or "DOWNGRD\x00" (below); a server without TLS 1.3 must not.
#[then(regex = r"^the ServerHello carries (no downgrade sentinel|the downgrade sentinel for (.+))$")]
fn downgrade_sentinel(w: &mut MailWorld, what: String, version: String) {
    let h = &last(w).handshake;
    let want = if what.starts_with("no ") {
        None
    } else {
        Some(Version::parse(&version).unwrap_or_else(|| panic!("{version:?} is not a protocol version")))
    };
    assert_eq!(h.downgrade_sentinel, want, "the ServerHello's random (negotiating {}) carries {:?}", h.result(), h.downgrade_sentinel);
}

/// What Secure Mail's own ActiveSync client negotiated on its last connection to its server.
#[then(regex = r"^(\w+)'s Secure Mail's ActiveSync connection negotiated (.+)$")]
fn device_negotiated(w: &mut MailWorld, user: String, version: String) {
    let v = Version::parse(&version).unwrap_or_else(|| panic!("{version:?} is not a protocol version"));
    let user = user.to_ascii_lowercase();
    let connector = w.tls.connectors.get(&user).cloned().unwrap_or_else(|| panic!("{user}'s Secure Mail has no device profile: say \"{user} has Secure Mail on <device> with the connection security level ...\" before it starts"));
    let host = w.plan.devices.get(&user).map(|c| c.exchange_server.clone()).unwrap_or_default();
    let host = host.trim_start_matches("https://").trim_start_matches("http://").split(['/', ':']).next().unwrap_or_default().to_string();
    let h = connector.last_with(&host).unwrap_or_else(|| {
        panic!(
            "{user}'s Secure Mail made no TLS connection to {host}; it made {:?}",
            connector.handshakes().iter().map(|h| h.host.clone()).collect::<Vec<_>>()
        )
    });
    assert!(
        h.completed() && h.negotiated == Some(v) && h.server_hello == Some(v),
        "{user}'s Secure Mail's connection to {host}: expected {v}, got {}",
        h.reason()
    );
}
