//! The Notes Traveler server: its administrator's settings and its mailboxes, through its
//! control API.

use super::words;
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::traveler::config::{Substitution, WebSite};
use mailconform_fakes::traveler::contract::FolderKind;
use mailconform_fakes::traveler::{DirectoryKind, NameVariations, SyncProtocols, TravelerConfig, TravelerControl};

fn traveler(w: &mut MailWorld) -> TravelerControl {
    w.roles().traveler().expect("the scenario has a Traveler server")
}

#[given("a Notes Traveler server configured as the guide recommends")]
fn recommended(w: &mut MailWorld) {
    assert!(!w.is_deployed(), "choose the Traveler server before the first action");
    w.plan.traveler = Some(TravelerConfig::recommended(defaults::TRAVELER_HOST));
}

#[given("a Notes Traveler server with its installation defaults")]
fn installation_defaults(w: &mut MailWorld) {
    assert!(!w.is_deployed(), "choose the Traveler server before the first action");
    w.plan.traveler = Some(TravelerConfig::new(defaults::TRAVELER_HOST));
}

fn set_web_site(w: &mut MailWorld, change: impl FnOnce(&mut WebSite)) {
    let t = traveler(w);
    let mut cfg = w.run(t.config()).expect("Traveler control API answers");
    let site = &mut cfg.web_site;
    change(site);
    let site = site.clone();
    w.run(t.set_web_site(&site)).expect("Traveler takes the Internet Site settings");
}

#[given("the Traveler site does not override session authentication for /traveler")]
fn no_override(w: &mut MailWorld) {
    set_web_site(w, |site| {
        site.session_authentication = true;
        site.override_session_authentication = Vec::new();
    });
}

#[when(expr = "the Traveler site overrides session authentication for {string}")]
fn override_for(w: &mut MailWorld, pattern: String) {
    set_web_site(w, |site| {
        site.override_session_authentication.push(pattern);
    });
}

#[when(expr = "the Traveler site gets the substitution rule {string} to {string}")]
fn substitution(w: &mut MailWorld, from: String, to: String) {
    set_web_site(w, |site| {
        site.substitutions.push(Substitution { from, to });
    });
}

#[given(expr = "the Traveler notes.ini sets {word}")]
fn notes_ini(w: &mut MailWorld, assignment: String) {
    let (name, value) = assignment.split_once('=').unwrap_or_else(|| panic!("{assignment:?} is not NAME=value"));
    let t = traveler(w);
    w.run(t.set_notes_ini(name, value)).expect("Traveler takes the notes.ini entry");
}

#[given(expr = "the Traveler server uses {string} name variations with a {word} directory")]
fn name_variations(w: &mut MailWorld, variations: String, directory: String) {
    let t = traveler(w);
    let variations =
        NameVariations::parse(&variations).unwrap_or_else(|| panic!("name variations are \"fewer\" or \"more\", not {variations:?}"));
    let directory = DirectoryKind::parse(&directory).unwrap_or_else(|| panic!("the directory is Domino or LDAP, not {directory:?}"));
    w.run(t.set_internet_authentication(variations, directory)).expect("Traveler takes the Internet authentication setting");
}

#[when("the Traveler server forces SyncML as the primary protocol")]
fn syncml_primary(w: &mut MailWorld) {
    let t = traveler(w);
    w.run(t.set_sync_protocols(SyncProtocols::SyncMlPrimary)).expect("Traveler takes the sync protocols");
}

#[given(expr = "a message {string} arrives in {word}'s Traveler mailbox")]
#[when(expr = "a message {string} arrives in {word}'s Traveler mailbox")]
fn message_arrives(w: &mut MailWorld, subject: String, user: String) {
    let t = traveler(w);
    w.run(t.deliver(&words::email(&user), &subject)).expect("Traveler delivers the message");
}

#[given(expr = "a meeting request {string} arrives in {word}'s Traveler mailbox")]
fn meeting_arrives(w: &mut MailWorld, subject: String, user: String) {
    let t = traveler(w);
    w.run(t.deliver_meeting(&words::email(&user), &subject)).expect("Traveler delivers the meeting request");
}

#[given(expr = "a meeting response {string} arrives in {word}'s Traveler mailbox")]
fn meeting_response_arrives(w: &mut MailWorld, subject: String, user: String) {
    let t = traveler(w);
    w.run(t.deliver_meeting_response(&words::email(&user), &subject)).expect("Traveler delivers the meeting response");
}

#[when(expr = "the Traveler administrator wipes {word}'s device")]
fn wipe(w: &mut MailWorld, user: String) {
    let name = w.ensure_device(&user);
    let device_id = w.plan.devices.get(&name).map(|c| c.activesync_device_id.clone()).expect("the device was configured");
    let t = traveler(w);
    w.run(t.wipe(&words::email(&user), &device_id)).expect("Traveler takes the wipe request");
}

fn folder_subjects(w: &mut MailWorld, user: &str, kind: FolderKind) -> Vec<String> {
    let t = traveler(w);
    let items = w.run(t.folder(&words::email(user), kind)).expect("Traveler control API answers");
    items.into_iter().map(|i| i.subject).collect()
}

fn inbox_subjects(w: &mut MailWorld, user: &str) -> Vec<String> {
    folder_subjects(w, user, FolderKind::Inbox)
}

/// The folder names features use, as the control API names them.
fn folder_kind(name: &str) -> FolderKind {
    match name {
        "Inbox" => FolderKind::Inbox,
        "Calendar" => FolderKind::Calendar,
        "Contacts" => FolderKind::Contacts,
        "Sent Items" => FolderKind::Sent,
        "Deleted Items" => FolderKind::Deleted,
        other => panic!("unknown folder {other:?}: use Inbox, Calendar, Contacts, Sent Items or Deleted Items"),
    }
}

#[then(regex = r#"^the Traveler server holds "([^"]+)" in (\w+)'s (Inbox|Calendar|Contacts|Sent Items|Deleted Items)$"#)]
fn holds_in(w: &mut MailWorld, subject: String, user: String, folder: String) {
    let subjects = folder_subjects(w, &user, folder_kind(&folder));
    assert!(subjects.contains(&subject), "{user}'s {folder} on the Traveler server holds {subjects:?}");
}

#[then(expr = "the Traveler server still holds {string} in {word}'s Inbox")]
fn still_holds(w: &mut MailWorld, subject: String, user: String) {
    let subjects = inbox_subjects(w, &user);
    assert!(subjects.contains(&subject), "the Traveler Inbox holds {subjects:?}; the limitation CXM-47936 no longer shows");
}

#[then(expr = "the Traveler server no longer holds {string} in {word}'s Inbox")]
fn no_longer_holds(w: &mut MailWorld, subject: String, user: String) {
    let subjects = inbox_subjects(w, &user);
    assert!(!subjects.contains(&subject), "the Traveler Inbox still holds {subject:?}: {subjects:?}");
}
