//! The SSLv3/TLS matrix (seed 001, "Configuration du niveau de sécurité SSL/TLS"): servers that
//! speak exactly some protocol versions, Secure Mail on a device OS under a "Connection security
//! level" policy, and what their handshake negotiates on the wire.
//!
//! The device's connection is a real handshake on OpenSSL (`mailconform-tls`) over the
//! simulation's network, offering exactly what `mailconform_tls::profile::offered` gives for
//! the device and policy, followed by ActiveSync's OPTIONS over the encrypted stream. What the
//! steps check comes from the handshake itself: the session's version, the ServerHello bytes
//! and the alert records that crossed the pipe.

use crate::params::reason::ConnectFailure;
use crate::params::{
    self, ConnectReason, DeviceProfile as Device, HandshakeResult, OuiNon, SecurityLevel, SeedColumn, Server, TlsAlert, TlsVersion,
    TlsVersions, User,
};
use crate::world::tls::{Answer, Connection};
use crate::MailWorld;
use bytes::Bytes;
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::traveler::TravelerConfig;
use mailconform_sim::Dialer;
use mailconform_tls::client::{self, ClientOffer};
use mailconform_tls::profile::{self, DeviceProfile, Policy, Ssl3Remedy};
use mailconform_tls::{Alert, Side, Version, VersionSet};

fn plan_server_versions(w: &mut MailWorld, host: &str, set: VersionSet) {
    assert!(!w.is_deployed(), "choose the server's protocol versions before the first action");
    w.plan().server_tls.insert(host.to_string(), set);
}

/// A Notes Traveler server (configured as the guide recommends) whose HTTPS speaks exactly these versions.
#[given(expr = "a Notes Traveler server that speaks {tls_versions}")]
fn traveler_speaks(w: &mut MailWorld, set: TlsVersions) {
    if w.plan().traveler.is_none() {
        w.plan().traveler = Some(TravelerConfig::recommended(defaults::TRAVELER_HOST));
    }
    plan_server_versions(w, defaults::TRAVELER_HOST, set.0);
}

/// Exchange's HTTPS speaks exactly these protocol versions.
#[given(expr = "the Exchange server speaks {tls_versions}")]
fn exchange_speaks(w: &mut MailWorld, set: TlsVersions) {
    plan_server_versions(w, defaults::EXCHANGE_HOST, set.0);
}

/// The administrator changes the protocol versions the server speaks; new connections meet the new set.
///
/// As IBM's LO82423 and TLS 1.2 on Traveler 9.0.1 describe.
#[when(expr = "the {server} server moves to {tls_versions}")]
fn server_moves(w: &mut MailWorld, role: Server, set: TlsVersions) {
    let host = role.host();
    w.deploy();
    w.serve_tls(host, set.0);
}

/// The user's Secure Mail runs on this device OS under this MDX "Connection security level" policy.
#[given(expr = "{user} has Secure Mail on {device_profile} with the connection security level \"{security_level}\"")]
fn has_device(w: &mut MailWorld, user: User, device: Device, level: SecurityLevel) {
    plan_device(w, &user, *device, *level);
}

/// The user's Secure Mail runs on this device OS under the default "Connection security level" ("TLS").
#[given(expr = "{user} has Secure Mail on {device_profile} with the default connection security level")]
fn has_device_default(w: &mut MailWorld, user: User, device: Device) {
    plan_device(w, &user, *device, Policy::default());
}

fn plan_device(w: &mut MailWorld, user: &str, profile_: DeviceProfile, policy_: Policy) {
    set_platform(w, user, profile_);
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
    let credentials = mailconform_sim::basic_authorization(login, password);
    let net = w.sim().net.clone();
    // OpenSSL's s_server answers no ActiveSync: its status page says what it negotiated.
    let status_page = w.tls.is_external(host);
    let host = host.to_string();
    let path = path.to_string();
    w.run(async move {
        let io = net.dial(&host, 443).await.unwrap_or_else(|e| panic!("cannot reach {host}:443: {e}"));
        let (handshake, stream) =
            client::connect(io, &offer).await.unwrap_or_else(|e| panic!("the client could not start its handshake: {e}"));
        let answer = match stream {
            None => None,
            Some(stream) if status_page => {
                let req = http::Request::get("/").header(http::header::HOST, host.as_str()).body(Bytes::new()).expect("a valid request");
                Some(client::http1_request(stream, req).await.map(|r| Answer::StatusPage {
                    status: r.status().as_u16(),
                    protocol: mailconform_tls::s_server::page_protocol(&String::from_utf8_lossy(r.body())),
                }))
            }
            Some(stream) => {
                let req = http::Request::options(path.as_str())
                    .header(http::header::HOST, host.as_str())
                    .header(http::header::AUTHORIZATION, credentials.as_str())
                    .body(Bytes::new())
                    .expect("a valid request");
                Some(client::http1_request(stream, req).await.map(|r| {
                    let versions = r.headers().get("ms-asprotocolversions").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                    Answer::Options { status: r.status().as_u16(), versions }
                }))
            }
        };
        Connection { handshake, answer }
    })
}

fn offer_for(w: &mut MailWorld, host: &str, versions: VersionSet) -> ClientOffer {
    let mut offer = ClientOffer::new(versions, host);
    let sim = w.sim();
    offer.ca_pem = Some(sim.pki.ca.cert_pem().to_string());
    offer.unix_time = Some((sim.unix_millis() / 1000) as i64);
    offer
}

/// Secure Mail handshakes with the server, offering what its OS and policy allow, then sends ActiveSync's OPTIONS.
#[when(expr = "{user}'s Secure Mail opens its ActiveSync connection to the {server} server")]
fn device_connects(w: &mut MailWorld, user: User, role: Server) {
    let (profile_, policy_) = device_of(w, &user);
    let (host, path) = (role.host(), role.activesync_path());
    let offer = offer_for(w, host, profile::offered(profile_, policy_));
    let c = connect(w, host, path, offer, &user.to_ascii_lowercase());
    w.tls.last_device = Some(user.to_ascii_lowercase());
    w.tls.last = Some(c);
}

/// A client retries with at most this version after a failed handshake, as browsers did (the fallback POODLE exploits).
#[when(expr = "a client that falls back to {tls_version} connects to the {server} server")]
fn fallback_client(w: &mut MailWorld, max: TlsVersion, role: Server) {
    fallback(w, *max, false, role);
}

/// A client retries with at most this version and says so with TLS_FALLBACK_SCSV (RFC 7507).
#[when(expr = "a client that falls back to {tls_version} with TLS_FALLBACK_SCSV connects to the {server} server")]
fn fallback_client_scsv(w: &mut MailWorld, max: TlsVersion, role: Server) {
    fallback(w, *max, true, role);
}

fn fallback(w: &mut MailWorld, max: Version, scsv: bool, role: Server) {
    let (host, path) = (role.host(), role.activesync_path());
    let mut offer = offer_for(w, host, VersionSet::range(Version::Tls10, max));
    offer.fallback_scsv = scsv;
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
    match &c.answer {
        Some(Ok(Answer::Options { status: 200, versions })) if !versions.is_empty() => {}
        Some(Ok(Answer::StatusPage { status: 200, protocol })) => {
            assert_eq!(*protocol, Some(v), "the handshake gave {v}, but openssl s_server says the session is {protocol:?}")
        }
        Some(Ok(Answer::StatusPage { .. })) | None => {
            panic!("the handshake gave {v}, but the server answered nothing over it: {:?}", c.answer)
        }
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

/// The last handshake completed with this version (session and ServerHello agree) and ActiveSync answered over it.
#[then(expr = "the handshake negotiates {tls_version} on the wire")]
fn negotiates(w: &mut MailWorld, version: TlsVersion) {
    assert_negotiated(w, *version);
}

/// The last handshake ended with this alert, sent by this side.
#[then(expr = "the handshake fails with {tls_alert} from the {side}")]
fn fails_with(w: &mut MailWorld, alert: TlsAlert, from: params::Side) {
    assert_refused(w, alert.0, from.0);
}

/// A matrix cell: the last handshake negotiated this version, or ended with this alert from this side.
#[then(expr = "the result on the wire is \"{handshake_result}\"")]
fn result_is(w: &mut MailWorld, expected: HandshakeResult) {
    match expected {
        HandshakeResult::Negotiated(v) => assert_negotiated(w, v),
        HandshakeResult::Refused(alert, from) => assert_refused(w, alert, from),
    }
}

/// The user's last connection failed, for this reason.
#[then(expr = "{user}'s Secure Mail cannot connect because {connect_reason}")]
fn cannot_connect(w: &mut MailWorld, user: User, because: ConnectReason) {
    assert_eq!(w.tls.last_device.as_deref(), Some(user.to_ascii_lowercase().as_str()), "the last connection was not {user}'s");
    assert!(!last(w).handshake.completed(), "{user}'s Secure Mail connected with {}", last(w).handshake.result());
    let holds = match because.0 {
        ConnectFailure::Handshake(f) => last(w).handshake.failure() == Some(f),
        ConnectFailure::Remedy(r) => ssl3_remedy(w) == Some(r),
    };
    assert!(holds, "expected {:?}; {}", because.0, explanation(w));
}

/// A cell of the guide's tables ("Oui" or "Non") is the TLS crate's, and the last handshake agrees with it.
///
/// The feature's "Oui"/"Non" must be this crate's table's (one source of truth), and the wire
/// must agree — "Oui" for SSLv3 means SSL 3.0 negotiated with an SSL 3.0-only server, "Oui" for
/// TLS a TLS version with a TLS-only one, and "Non" a refusal.
#[then(expr = "the {seed_column} cell \"{oui_non}\" holds on the wire")]
fn cell_holds(w: &mut MailWorld, column: SeedColumn, cell: OuiNon) {
    let want = cell.0;
    let user = w.tls.last_device.clone().expect("a device connected");
    let (d, p) = device_of(w, &user);
    let table = profile::seed_cell(d, p);
    let in_table = if column == SeedColumn::Sslv3 { table.sslv3 } else { table.tls };
    assert_eq!(
        in_table,
        want,
        "the feature says {cell} for {column} on {d} under \"{p}\", the table in mailconform-tls says {}",
        profile::oui_non(in_table)
    );
    let h = &last(w).handshake;
    let got = h.completed() && h.negotiated.is_some_and(|v| if column == SeedColumn::Sslv3 { v == Version::Ssl3 } else { v.is_tls() });
    assert_eq!(got, want, "the {column} cell says {cell}, but on the wire: {}", explanation(w));
    if want {
        let v = h.negotiated.expect("completed");
        assert_negotiated(w, v);
    }
}

/// The last ServerHello's random ends with the TLS 1.3 downgrade sentinel for this version.
///
/// RFC 8446 §4.1.3: a server that speaks TLS 1.3 and negotiates lower ends its random with
/// "DOWNGRD\x01" (TLS 1.2) or "DOWNGRD\x00" (below); a server without TLS 1.3 must not.
#[then(expr = "the ServerHello carries the downgrade sentinel for {tls_version}")]
fn downgrade_sentinel(w: &mut MailWorld, version: TlsVersion) {
    assert_sentinel(w, Some(*version));
}

/// The last ServerHello's random carries no TLS 1.3 downgrade sentinel.
#[then("the ServerHello carries no downgrade sentinel")]
fn no_downgrade_sentinel(w: &mut MailWorld) {
    assert_sentinel(w, None);
}

fn assert_sentinel(w: &MailWorld, want: Option<Version>) {
    let h = &last(w).handshake;
    assert_eq!(h.downgrade_sentinel, want, "the ServerHello's random (negotiating {}) carries {:?}", h.result(), h.downgrade_sentinel);
}

/// Secure Mail's own ActiveSync client negotiated this version on its last connection to its server.
#[then(expr = "{user}'s Secure Mail's ActiveSync connection negotiated {tls_version}")]
fn device_negotiated(w: &mut MailWorld, user: User, version: TlsVersion) {
    let v = *version;
    let user = user.to_ascii_lowercase();
    let connector = w.tls.connectors.get(&user).cloned().unwrap_or_else(|| panic!("{user}'s Secure Mail has no device profile: say \"{user} has Secure Mail on <device> with the connection security level ...\" before it starts"));
    let host = w.spec().devices.get(&user).map(|c| c.exchange_server.clone()).unwrap_or_default();
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
