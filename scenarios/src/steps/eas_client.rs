//! A bare ActiveSync client at Exchange (one command, exactly the policy key or heartbeat a
//! step names), and what it was answered: the server's own gates, which Secure Mail never trips.

use crate::params::{EasVersion, PolicyKey, User};
use crate::world::observation::Observation;
use crate::MailWorld;
use cucumber::{then, when};
use mailconform_activesync::ProtocolVersion;
use mailconform_fakes::defaults;
use mailconform_fakes::eas_probe::{EasAnswer, EasProbe};

/// A client of `user` that Exchange has never seen, speaking `version`.
fn probe(user: &User, version: EasVersion) -> EasProbe {
    let (login, _, password) = defaults::USERS.iter().find(|(login, ..)| *login == user.as_str()).copied().expect("a built-in user");
    EasProbe {
        url: format!("https://{}/Microsoft-Server-ActiveSync", defaults::EXCHANGE_HOST),
        login: login.to_string(),
        password: password.to_string(),
        device_id: format!("PROBE{}", login.to_ascii_uppercase()),
        version: ProtocolVersion::parse(version.as_str()).expect("the vocabulary holds protocol versions"),
    }
}

fn answer(w: &MailWorld) -> &EasAnswer {
    match &w.observed {
        Some(Observation::EasAnswer(a)) => a,
        other => panic!("no answer to the bare ActiveSync client was observed (last: {})", other.as_ref().map_or("nothing", |o| o.kind())),
    }
}

/// A bare ActiveSync client of the user sends FolderSync to Exchange in this version with this policy key.
#[when(expr = "an ActiveSync {eas_version} client of {user} sends FolderSync to Exchange with {policy_key}")]
fn folder_sync(w: &mut MailWorld, version: EasVersion, user: User, key: PolicyKey) {
    let p = probe(&user, version);
    let client = w.sim().client();
    let a = w.run(async move { p.folder_sync(&client, key.0).await });
    w.observe(Observation::EasAnswer(a));
}

/// A provisioned bare ActiveSync client of the user pings Exchange's Inbox with this heartbeat.
#[when(expr = "an ActiveSync {eas_version} client of {user} pings Exchange with a heartbeat of {int} seconds")]
fn ping(w: &mut MailWorld, version: EasVersion, user: User, heartbeat: u32) {
    let p = probe(&user, version);
    let client = w.sim().client();
    let a = w.run(async move { p.ping(&client, heartbeat).await });
    w.observe(Observation::EasAnswer(a));
}

/// Exchange carried out the bare client's command (HTTP 200, Status 1; for Ping, the heartbeat ran out).
#[then("Exchange carries out the ActiveSync client's command")]
fn done(w: &mut MailWorld) {
    assert_eq!(answer(w), &EasAnswer::Done);
}

/// Exchange answered the bare client with this HTTP status (449: provision first, up to 12.1).
#[then(expr = "Exchange answers the ActiveSync client with HTTP {int}")]
fn http_status(w: &mut MailWorld, status: u16) {
    assert_eq!(answer(w), &EasAnswer::Http(status));
}

/// Exchange answered the bare client's command with this Status (142, 144: provision first, from 14.0).
#[then(expr = "Exchange answers the ActiveSync client with Status {int}")]
fn command_status(w: &mut MailWorld, status: u16) {
    assert_eq!(answer(w), &EasAnswer::Status(status));
}

/// Exchange refused the Ping's heartbeat (Status 5) and named this one, in seconds, as the nearest it allows.
#[then(expr = "Exchange refuses the heartbeat and names {int} seconds as the nearest allowed")]
fn heartbeat_refused(w: &mut MailWorld, limit: u32) {
    assert_eq!(answer(w), &EasAnswer::HeartbeatOutOfRange { limit });
}
