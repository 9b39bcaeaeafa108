//! The Notes Traveler server: its administrator's settings and its mailboxes, through its
//! control API.

use crate::params::{Directory, Folder, NameVariations, NotesIni, User};
use crate::{MailWorld, NOT_APPLICABLE};
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::traveler::config::NTS_AS_ENFORCE_POLICY;
use mailconform_fakes::traveler::config::{Substitution, WebSite};
use mailconform_fakes::traveler::contract::FolderKind;
use mailconform_fakes::traveler::{SyncProtocols, TravelerConfig};

/// A Notes Traveler server set up as the integration guide recommends.
///
/// A real Traveler (a `traveler` target) is probed for what of that can be seen from outside: its full ActiveSync
/// path answers OPTIONS with the protocol versions, with Basic authentication rather than a
/// login form (session authentication overridden for /traveler).
#[given("a Notes Traveler server configured as the guide recommends")]
fn recommended(w: &mut MailWorld) {
    assert!(!w.is_deployed(), "choose the Traveler server before the first action");
    w.plan_traveler(TravelerConfig::recommended(defaults::TRAVELER_HOST));
    if w.live_eas().is_some() {
        let (client, url, login) = real_client(w, "MAILCONFORMPROBE");
        if let Err(e) = w.run_eas(client.options()) {
            panic!("the traveler target is not configured as the guide recommends: OPTIONS {url} as {login} gave {e}");
        }
    }
}

/// A Notes Traveler server with the settings it has right after installation.
///
/// What a real Traveler was installed with cannot be seen from outside: not applicable against one.
#[given("a Notes Traveler server with its installation defaults")]
fn installation_defaults(w: &mut MailWorld) {
    assert!(!w.is_deployed(), "choose the Traveler server before the first action");
    w.plan_traveler(TravelerConfig::new(defaults::TRAVELER_HOST));
    if w.live_eas().is_some() {
        panic!("{NOT_APPLICABLE}a real Traveler's installation defaults cannot be restored or seen from outside");
    }
}

/// A bare ActiveSync client of the real Traveler (a `traveler` target), signed in as its first
/// mailbox with the device ID `device_id`, its URL and login: what the probes of its settings use.
fn real_client(w: &MailWorld, device_id: &str) -> (mailconform_activesync::EasClient, String, String) {
    let real = w.live_eas().expect("a real Traveler");
    let (login, password) = real.mailboxes.values().next().cloned().unwrap_or_else(|| {
        panic!("{NOT_APPLICABLE}the target configuration has no mailbox for the traveler target: add [[target.traveler.mailbox]]")
    });
    let mark = w.live.as_ref().map(|l| l.mark(w.seed)).unwrap_or_default();
    let device_id = format!("{device_id}{mark}");
    let client = mailconform_activesync::EasClient::new(
        real.http.clone(),
        &real.url,
        &login,
        &password,
        &device_id,
        "SmartPhone",
        real.newest_version(),
    );
    (client, real.url.clone(), login)
}

/// Whether the real Traveler enforces its own device policy, as Provision shows it: a policy
/// sent is `NTS_AS_ENFORCE_POLICY=true`, "no policy" is `false`.
fn real_enforces_policy(w: &mut MailWorld) -> bool {
    let (client, url, login) = real_client(w, "MAILCONFORMPOLICY");
    match w.run_eas(client.provision()) {
        Ok(mailconform_activesync::client::ProvisionOutcome::Provisioned { .. }) => true,
        Ok(mailconform_activesync::client::ProvisionOutcome::NoPolicy) => false,
        Ok(other) => panic!("the traveler target answered Provision at {url} as {login} with {other:?}"),
        Err(e) => panic!("the traveler target's Provision at {url} as {login} failed: {e}"),
    }
}

fn set_web_site(w: &mut MailWorld, change: impl FnOnce(&mut WebSite)) {
    let t = w.traveler();
    let mut site = w.drive(t.web_site());
    change(&mut site);
    w.drive(t.set_web_site(&site));
}

/// The Traveler Internet Site uses session (forms) authentication for /traveler too.
#[given("the Traveler site does not override session authentication for /traveler")]
fn no_override(w: &mut MailWorld) {
    set_web_site(w, |site| {
        site.session_authentication = true;
        site.override_session_authentication = Vec::new();
    });
}

/// The Traveler Internet Site turns session authentication off for paths matching this pattern.
#[when(expr = "the Traveler site overrides session authentication for {string}")]
fn override_for(w: &mut MailWorld, pattern: String) {
    set_web_site(w, |site| {
        site.override_session_authentication.push(pattern);
    });
}

/// The Traveler Internet Site rewrites request paths matching the first pattern to the second.
#[when(expr = "the Traveler site gets the substitution rule {string} to {string}")]
fn substitution(w: &mut MailWorld, from: String, to: String) {
    set_web_site(w, |site| {
        site.substitutions.push(Substitution { from, to });
    });
}

/// The Traveler server's notes.ini has this setting.
///
/// A real Traveler's `NTS_AS_ENFORCE_POLICY` is seen in Provision: the scenario applies when
/// the server runs with the value it names. Other entries are the administrator's to set.
#[given(expr = "the Traveler notes.ini sets {notes_ini}")]
fn notes_ini(w: &mut MailWorld, assignment: NotesIni) {
    let (name, value) = (assignment.name.as_str(), assignment.value.as_str());
    if w.live_eas().is_some() && name == NTS_AS_ENFORCE_POLICY {
        // Seen from outside through Provision: the scenario applies when the real server is so set.
        let wanted = !(value.eq_ignore_ascii_case("false") || value == "0");
        let enforces = real_enforces_policy(w);
        if enforces != wanted {
            let (sent, set) = if enforces { ("sends a device policy", "true") } else { ("sends no device policy", "false") };
            panic!(
                "{NOT_APPLICABLE}the traveler target {sent} in Provision, so it runs with {name}={set}; this scenario needs {name}={value}"
            );
        }
        return;
    }
    let t = w.traveler();
    w.drive(t.set_notes_ini(name, value));
}

/// Domino's Internet authentication tries these name variations, looking users up in this directory.
#[given(expr = "the Traveler server uses \"{name_variations}\" name variations with a {directory} directory")]
fn name_variations(w: &mut MailWorld, variations: NameVariations, directory: Directory) {
    let t = w.traveler();
    w.drive(t.set_internet_authentication(variations.0, directory.0));
}

/// The Traveler server makes SyncML its primary sync protocol instead of ActiveSync.
#[when("the Traveler server forces SyncML as the primary protocol")]
fn syncml_primary(w: &mut MailWorld) {
    let t = w.traveler();
    w.drive(t.set_sync_protocols(SyncProtocols::SyncMlPrimary));
}

/// A message with this subject arrives in the user's mailbox on the Traveler server.
#[given(expr = "a message {string} arrives in {user}'s Traveler mailbox")]
#[when(expr = "a message {string} arrives in {user}'s Traveler mailbox")]
fn message_arrives(w: &mut MailWorld, subject: String, user: User) {
    let t = w.traveler();
    let subject = w.subject(&subject);
    w.drive(t.deliver(&user.email(), &subject));
}

/// A meeting request with this subject arrives in the user's mailbox on the Traveler server.
#[given(expr = "a meeting request {string} arrives in {user}'s Traveler mailbox")]
fn meeting_arrives(w: &mut MailWorld, subject: String, user: User) {
    let t = w.traveler();
    let subject = w.subject(&subject);
    w.drive(t.deliver_meeting(&user.email(), &subject, false));
}

/// A meeting response with this subject arrives in the user's mailbox on the Traveler server.
#[given(expr = "a meeting response {string} arrives in {user}'s Traveler mailbox")]
fn meeting_response_arrives(w: &mut MailWorld, subject: String, user: User) {
    let t = w.traveler();
    let subject = w.subject(&subject);
    w.drive(t.deliver_meeting(&user.email(), &subject, true));
}

/// The Traveler administrator issues a remote wipe of the user's phone.
#[when(expr = "the Traveler administrator wipes {user}'s device")]
fn wipe(w: &mut MailWorld, user: User) {
    let name = w.ensure_device(&user);
    let device_id = w.spec().devices.get(&name).map(|c| c.activesync_device_id.clone()).expect("the device was configured");
    let t = w.traveler();
    w.drive(t.wipe(&user.email(), &device_id));
}

fn folder_subjects(w: &mut MailWorld, user: &User, kind: FolderKind) -> Vec<String> {
    let t = w.traveler();
    w.drive(t.folder(&user.email(), kind))
}

fn inbox_subjects(w: &mut MailWorld, user: &User) -> Vec<String> {
    folder_subjects(w, user, Folder::Inbox.kind())
}

/// The user's folder on the Traveler server holds an item with this subject.
#[then(expr = "the Traveler server holds {string} in {user}'s {folder}")]
fn holds_in(w: &mut MailWorld, subject: String, user: User, folder: Folder) {
    let subject = w.subject(&subject);
    let subjects = folder_subjects(w, &user, folder.kind());
    assert!(subjects.contains(&subject), "{user}'s {folder} on the Traveler server holds {subjects:?}");
}

/// The user's Inbox on the Traveler server still holds the item with this subject.
#[then(expr = "the Traveler server still holds {string} in {user}'s Inbox")]
fn still_holds(w: &mut MailWorld, subject: String, user: User) {
    let subject = w.subject(&subject);
    let subjects = inbox_subjects(w, &user);
    assert!(subjects.contains(&subject), "the Traveler Inbox holds {subjects:?}; the limitation CXM-47936 no longer shows");
}

/// The user's Inbox on the Traveler server no longer holds the item with this subject.
#[then(expr = "the Traveler server no longer holds {string} in {user}'s Inbox")]
fn no_longer_holds(w: &mut MailWorld, subject: String, user: User) {
    let subject = w.subject(&subject);
    let subjects = inbox_subjects(w, &user);
    assert!(!subjects.contains(&subject), "the Traveler Inbox still holds {subject:?}: {subjects:?}");
}
