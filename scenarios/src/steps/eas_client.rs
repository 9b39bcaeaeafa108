//! A bare ActiveSync client at Exchange (one command, exactly the policy key or heartbeat a
//! step names), and what it was answered: the server's own gates, which Secure Mail never trips.

use crate::params::{EasVersion, PolicyKey, User};
use crate::requirements::eas::{self, EasRequest};
use crate::world::observation::Observation;
use crate::{MailWorld, NOT_APPLICABLE};
use cucumber::{then, when};
use mailconform_activesync::ProtocolVersion;
use mailconform_fakes::defaults;
use mailconform_fakes::eas_probe::{EasAnswer, EasProbe};
use mailconform_sim::HttpClient;

/// A client of `user` that the mail server has never seen, speaking `version`: at the
/// in-process Exchange, or at the real server of a live run with the target's credentials
/// (and a device ID of this run and scenario, since a real server keeps every device's state).
pub(super) fn probe(w: &MailWorld, user: &User, version: EasVersion) -> EasProbe {
    let version = ProtocolVersion::parse(version.as_str()).expect("the vocabulary holds protocol versions");
    if let Some(eas) = w.live_eas() {
        let (login, password) = eas.mailboxes.get(user.as_str()).cloned().unwrap_or_else(|| {
            panic!("{NOT_APPLICABLE}the target configuration has no mailbox for {user}: add [[target.\"exchange.eas\".mailbox]] user = \"{user}\"")
        });
        let mark = w.live.as_ref().map(|l| l.mark(w.seed)).unwrap_or_default();
        let device_id = format!("PROBE{}{mark}", user.to_ascii_uppercase());
        return EasProbe { url: eas.url.clone(), login, password, device_id, version };
    }
    let (login, password) = user.builtin_login();
    EasProbe {
        url: format!("https://{}/Microsoft-Server-ActiveSync", defaults::EXCHANGE_HOST),
        login: login.to_string(),
        password: password.to_string(),
        device_id: format!("PROBE{}", login.to_ascii_uppercase()),
        version,
    }
}

/// The HTTP client the bare ActiveSync client uses: the simulation's, or real TCP in a live run.
pub(super) fn eas_http(w: &mut MailWorld) -> HttpClient {
    let recorder = w.recorder();
    match (w.live_eas(), recorder) {
        (Some(eas), Some(r)) => eas.http.recording(r),
        (Some(eas), None) => eas.http.clone(),
        (None, _) => w.sim().client(),
    }
}

/// What the bare client last sent and was answered.
fn exchange(w: &MailWorld) -> (EasRequest, EasAnswer) {
    match &w.observed {
        Some(Observation::EasAnswer { request, answer }) => (request.clone(), answer.clone()),
        other => panic!("no answer to the bare ActiveSync client was observed (last: {})", other.as_ref().map_or("nothing", |o| o.kind())),
    }
}

/// Checks that the bare client's last answer was `expected`, recording the requirements that
/// state it for what the client sent.
pub(super) fn expect_answer(w: &mut MailWorld, expected: EasAnswer) {
    let (request, observed) = exchange(w);
    w.verify(eas::stated_by(&request, &expected), &format!("Exchange's answer to {request:?}"), &expected, &observed);
}

/// A bare ActiveSync client of the user sends FolderSync to Exchange in this version with this policy key.
#[when(expr = "an ActiveSync {eas_version} client of {user} sends FolderSync to Exchange with {policy_key}")]
fn folder_sync(w: &mut MailWorld, version: EasVersion, user: User, key: PolicyKey) {
    let p = probe(w, &user, version);
    let client = eas_http(w);
    let answer = w.run_eas(async move { p.folder_sync(&client, key.0).await });
    w.observe(Observation::EasAnswer { request: EasRequest::FolderSync(key.0), answer });
}

/// A provisioned bare ActiveSync client of the user pings Exchange's Inbox with this heartbeat.
#[when(expr = "an ActiveSync {eas_version} client of {user} pings Exchange with a heartbeat of {int} seconds")]
fn ping(w: &mut MailWorld, version: EasVersion, user: User, heartbeat: u32) {
    let p = probe(w, &user, version);
    let client = eas_http(w);
    let answer = w.run_eas(async move { p.ping(&client, heartbeat).await });
    w.observe(Observation::EasAnswer { request: EasRequest::Ping(heartbeat), answer });
}

/// A provisioned bare ActiveSync client of the user pings Exchange for 60 seconds on this many folders (its own, repeated as needed).
#[when(expr = "an ActiveSync {eas_version} client of {user} pings Exchange on {int} folders")]
fn ping_folders(w: &mut MailWorld, version: EasVersion, user: User, count: usize) {
    let p = probe(w, &user, version);
    let client = eas_http(w);
    let answer = w.run_eas(async move { p.ping_folders(&client, count, 60).await });
    w.observe(Observation::EasAnswer { request: EasRequest::PingFolders, answer });
}

/// A bare ActiveSync client that listed its folders but never synced its Inbox pings the Inbox; the message arrives this many minutes in.
#[when(
    expr = "a message {string} arrives in {user}'s inbox {int} minutes into a {int}-minute Ping of an ActiveSync {eas_version} client that never synced it"
)]
fn arrives_during_unsynced_ping(w: &mut MailWorld, subject: String, user: User, arrives: u64, heartbeat_minutes: u32, version: EasVersion) {
    let p = probe(w, &user, version);
    let client = eas_http(w);
    let heartbeat = heartbeat_minutes * 60;
    let ping = async move { p.ping(&client, heartbeat).await };
    let (answer, minutes) = w.run_while_mail_arrives(user.email(), subject, arrives, ping);
    w.observe(Observation::EasPing { heartbeat, answer, minutes });
}

/// The bare client's Ping returned after this many minutes with Status 2, naming exactly this folder.
#[then(expr = "the ActiveSync client's Ping returned after {int} minutes naming {string}")]
fn ping_named(w: &mut MailWorld, minutes: u64, folder: String) {
    let Some(Observation::EasPing { heartbeat, answer, minutes: held }) = w.observed.clone() else {
        panic!("no Ping of the bare ActiveSync client was observed");
    };
    let expected = EasAnswer::Changed(vec![folder]);
    w.verify(
        eas::stated_by(&EasRequest::Ping(heartbeat), &expected),
        "the bare client's Ping",
        &(expected.clone(), minutes),
        &(answer, held),
    );
}

/// Exchange carried out the bare client's command (HTTP 200, Status 1; for Ping, the heartbeat ran out).
#[then("Exchange carries out the ActiveSync client's command")]
fn done(w: &mut MailWorld) {
    expect_answer(w, EasAnswer::Done);
}

/// Exchange answered the bare client with this HTTP status (449: provision first, up to 12.1).
#[then(expr = "Exchange answers the ActiveSync client with HTTP {int}")]
fn http_status(w: &mut MailWorld, status: u16) {
    expect_answer(w, EasAnswer::Http(status));
}

/// Exchange answered the bare client's command with this Status (142, 144: provision first, from 14.0).
#[then(expr = "Exchange answers the ActiveSync client with Status {int}")]
fn command_status(w: &mut MailWorld, status: u16) {
    expect_answer(w, EasAnswer::Status(status));
}

/// Exchange refused the Ping's folder list (Status 6) and named this many folders as its limit.
#[then(expr = "Exchange refuses the folder count and names {int} folders as the most allowed")]
fn too_many_folders(w: &mut MailWorld, max: u32) {
    expect_answer(w, EasAnswer::TooManyFolders { max });
}

/// Exchange refused the Ping's heartbeat (Status 5) and named this one, in seconds, as the nearest it allows.
#[then(expr = "Exchange refuses the heartbeat and names {int} seconds as the nearest allowed")]
fn heartbeat_refused(w: &mut MailWorld, limit: u32) {
    expect_answer(w, EasAnswer::HeartbeatOutOfRange { limit });
}
