//! A bare EWS client (one GetFolder, exactly the credentials a step names) at SEG or at
//! Exchange, and what it was answered.

use crate::params::{AuthMethod, AuthMethods, NtlmClient, User};
use crate::world::observation::Observation;
use crate::world::ws1::ensure_boxer;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_auth::{Forgery, MicHandling};
use mailconform_fakes::ens::DEVICE_HEADER;
use mailconform_fakes::ews_probe::{self, ProbeAnswer, ProbeCredentials};
use mailconform_fakes::{defaults, deployment};
use mailconform_sim::{ClientIdentity, Credential};
use std::time::Duration;

const EWS_PATH: &str = "/EWS/Exchange.asmx";

/// Sends the bare client's GetFolder to `host` at `path` and keeps the answer for the Then steps.
fn probe(w: &mut MailWorld, host: &str, path: &str, headers: &[(&str, &str)], credentials: ProbeCredentials) {
    let client = w.sim().client();
    let url = w.onto_beside(&format!("https://{host}{path}"));
    let answer = w.run(ews_probe::get_inbox(&client, &url, headers, credentials)).unwrap_or_else(|e| panic!("{host} did not answer: {e}"));
    w.observe(Observation::EwsAnswer(answer));
}

/// Sends the request to SEG for alice's Boxer (SEG admits only enrolled devices), with or
/// without `certificate_of`'s client certificate.
fn probe_seg(w: &mut MailWorld, path: &str, certificate_of: Option<&User>) {
    let alice: User = "alice".parse().expect("alice is a user of the default world");
    ensure_boxer(w, &alice);
    let device_id = super::ws1::device_id(&alice);
    let credentials = match certificate_of {
        Some(user) => {
            let cert: Credential =
                deployment::user_certificate(w.sim_ref(), &user.email(), Duration::from_secs(86_400)).expect("certificate minted");
            ProbeCredentials::Certificate(ClientIdentity { id: format!("probe:{user}"), credential: cert })
        }
        None => ProbeCredentials::None,
    };
    probe(w, defaults::SEG_HOST, path, &[(DEVICE_HEADER, &device_id)], credentials);
}

/// The answer the bare EWS client got.
fn answer(w: &MailWorld) -> &ProbeAnswer {
    match &w.observed {
        Some(Observation::EwsAnswer(a)) => a,
        other => panic!("no answer to the bare EWS client was observed (last: {})", other.as_ref().map_or("nothing", |o| o.kind())),
    }
}

fn offered(a: &ProbeAnswer) -> String {
    a.offered.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
}

/// A bare EWS client posts GetFolder to SEG at this path, for alice's device, without credentials.
#[when(expr = "an EWS client without credentials posts to SEG at {string}")]
fn posts_to_seg(w: &mut MailWorld, path: String) {
    probe_seg(w, &path, None);
}

/// A bare EWS client presents the user's client certificate to SEG and no other credentials.
#[when(expr = "an EWS client with {user}'s client certificate asks SEG for EWS without other credentials")]
fn probe_with_certificate(w: &mut MailWorld, user: User) {
    probe_seg(w, EWS_PATH, Some(&user));
}

/// A bare EWS client asks SEG for EWS with no certificate and no credentials.
#[when("an EWS client without a client certificate asks SEG for EWS without credentials")]
fn probe_without_certificate(w: &mut MailWorld) {
    probe_seg(w, EWS_PATH, None);
}

/// A bare EWS client asks SEG for EWS without naming a device (no device header), so SEG has no device to ask the console about.
#[when("an EWS client that names no device asks SEG for EWS")]
fn probe_without_device(w: &mut MailWorld) {
    let alice: User = "alice".parse().expect("alice is a user of the default world");
    ensure_boxer(w, &alice);
    probe(w, defaults::SEG_HOST, EWS_PATH, &[], ProbeCredentials::None);
}

/// A bare EWS client signs in to Exchange directly by NTLM as the user, behaving as named.
///
/// Right or wrong password; MIC computed, omitted with no promise of one, tampered or dropped.
#[when(expr = "an EWS client signs in to Exchange as {user} by NTLM with {ntlm_client}")]
fn ntlm_to_exchange(w: &mut MailWorld, user: User, client: NtlmClient) {
    let (_, _, own) = defaults::USERS.iter().find(|(login, ..)| *login == user.as_str()).copied().expect("a built-in user");
    let (password, mic, forgery) = match client {
        NtlmClient::RightPassword => (own, MicHandling::Computed, None),
        NtlmClient::WrongPassword => ("not-the-password", MicHandling::Computed, None),
        NtlmClient::RightPasswordNoMic => (own, MicHandling::Omitted, None),
        NtlmClient::WrongPasswordNoMic => ("not-the-password", MicHandling::Omitted, None),
        NtlmClient::TamperedMic => (own, MicHandling::Tampered, None),
        NtlmClient::DroppedMic => (own, MicHandling::Dropped, None),
        NtlmClient::AnonymousWithUser => (own, MicHandling::Computed, Some(Forgery::AnonymousWithUser)),
        NtlmClient::ShortSessionKey => (own, MicHandling::Omitted, Some(Forgery::ShortSessionKey)),
        NtlmClient::MalformedAvFlags => (own, MicHandling::Computed, Some(Forgery::MalformedAvFlags)),
    };
    w.deploy();
    let credentials = ProbeCredentials::Ntlm {
        user: user.email(),
        password: password.to_string(),
        mic,
        forgery,
        client_challenge: w.sim_ref().rng.next_u64().to_le_bytes(),
    };
    probe(w, defaults::EXCHANGE_HOST, EWS_PATH, &[], credentials);
}

/// The bare EWS client's last request was answered with this HTTP status.
#[then(expr = "the EWS client gets HTTP {int}")]
fn gets_status(w: &mut MailWorld, status: u16) {
    let a = answer(w);
    assert_eq!(a.status, status, "challenges {:?}", offered(a));
}

/// SEG challenged the bare EWS client (HTTP 401) with exactly these methods, in this order.
#[then(expr = "the client is offered \"{auth_methods}\"")]
fn is_offered(w: &mut MailWorld, list: AuthMethods) {
    let a = answer(w);
    assert_eq!(a.status, 401, "the client was not challenged");
    assert_eq!(offered(a), list.to_string(), "WWW-Authenticate challenges the client saw");
}

/// The bare EWS client got through (HTTP 200), and Exchange saw the user authenticated by this method.
#[then(expr = "the client is authenticated as {user} by {auth_method}")]
fn authenticated_as(w: &mut MailWorld, user: User, method: AuthMethod) {
    let a = answer(w);
    assert_eq!(a.status, 200, "challenges {:?}", offered(a));
    let traffic = w.traffic();
    let requests = w.drive(traffic.ews_requests());
    let last = requests.last().expect("Exchange saw the request");
    assert_eq!((last.user.as_str(), last.auth.as_str()), (user.email().as_str(), method.name()), "{last:?}");
}

/// The Exchange fake's EWS answers give this build in `ServerVersionInfo` (`15.0.1263.5`: major, minor, build, revision).
#[given(expr = "Exchange reports the build {string}")]
fn reports_build(w: &mut MailWorld, build: String) {
    let parts: Vec<u32> =
        build.split('.').map(|p| p.parse().unwrap_or_else(|_| panic!("{build:?} is not a build like 15.0.1263.5"))).collect();
    let [major, minor, major_build, minor_build] = parts[..] else { panic!("{build:?} is not a build like 15.0.1263.5") };
    let version = String::new();
    w.plan().exchange.build = Some(mailconform_ews::ServerVersionInfo { major, minor, major_build, minor_build, version });
}

/// A bare EWS client signs in to Exchange as the user and reads the build from the answer's `ServerVersionInfo`.
#[when(expr = "an EWS client asks Exchange for {user}'s Inbox")]
fn asks_exchange(w: &mut MailWorld, user: User) {
    let (login, password) = user.builtin_login();
    let credentials = ProbeCredentials::Basic { user: login.to_string(), password: password.to_string() };
    probe(w, defaults::EXCHANGE_HOST, EWS_PATH, &[], credentials);
}

/// The build Exchange answered with is one of those seed 002's required software lists for S/MIME, or a later version.
#[then(expr = "Exchange's build meets the software S\\/MIME requires")]
fn build_meets(w: &mut MailWorld) {
    let info = answer(w).server_version.clone().expect("Exchange's answer carries ServerVersionInfo");
    if let Err(missing) = mailconform_fakes::securemail::smime::exchange_meets_requirements(&info) {
        panic!("Exchange {}.{}.{}.{} is older than {missing}", info.major, info.minor, info.major_build, info.minor_build);
    }
}

/// The build Exchange answered with predates the named update, which S/MIME requires.
#[then(expr = "Exchange's build is older than {string}, which S\\/MIME requires")]
fn build_lacks(w: &mut MailWorld, update: String) {
    let info = answer(w).server_version.clone().expect("Exchange's answer carries ServerVersionInfo");
    match mailconform_fakes::securemail::smime::exchange_meets_requirements(&info) {
        Err(missing) => assert_eq!(missing, update, "Exchange {info:?} lacks another update"),
        Ok(met) => {
            panic!("Exchange {}.{}.{}.{} meets the requirement ({met:?})", info.major, info.minor, info.major_build, info.minor_build)
        }
    }
}
