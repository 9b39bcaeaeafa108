//! The Notes Traveler server: its administrator's settings and its mailboxes, through its
//! control API.

use crate::params::{Directory, Folder, NameVariations, NotesIni, User};
use crate::MailWorld;
use cucumber::{given, then, when};
use mailconform_fakes::defaults;
use mailconform_fakes::traveler::config::{Substitution, WebSite};
use mailconform_fakes::traveler::contract::FolderKind;
use mailconform_fakes::traveler::{SyncProtocols, TravelerConfig, TravelerControl};

fn traveler(w: &mut MailWorld) -> TravelerControl {
    w.roles().traveler().expect("the scenario has a Traveler server")
}

/// A Notes Traveler server set up as the integration guide recommends.
#[given("a Notes Traveler server configured as the guide recommends")]
fn recommended(w: &mut MailWorld) {
    assert!(!w.is_deployed(), "choose the Traveler server before the first action");
    w.plan().traveler = Some(TravelerConfig::recommended(defaults::TRAVELER_HOST));
}

/// A Notes Traveler server with the settings it has right after installation.
#[given("a Notes Traveler server with its installation defaults")]
fn installation_defaults(w: &mut MailWorld) {
    assert!(!w.is_deployed(), "choose the Traveler server before the first action");
    w.plan().traveler = Some(TravelerConfig::new(defaults::TRAVELER_HOST));
}

fn set_web_site(w: &mut MailWorld, change: impl FnOnce(&mut WebSite)) {
    let t = traveler(w);
    let mut cfg = w.run(t.config()).expect("Traveler control API answers");
    let site = &mut cfg.web_site;
    change(site);
    let site = site.clone();
    w.run(t.set_web_site(&site)).expect("Traveler takes the Internet Site settings");
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
#[given(expr = "the Traveler notes.ini sets {notes_ini}")]
fn notes_ini(w: &mut MailWorld, assignment: NotesIni) {
    let (name, value) = (assignment.name.as_str(), assignment.value.as_str());
    let t = traveler(w);
    w.run(t.set_notes_ini(name, value)).expect("Traveler takes the notes.ini entry");
}

/// Domino's Internet authentication tries these name variations, looking users up in this directory.
#[given(expr = "the Traveler server uses \"{name_variations}\" name variations with a {directory} directory")]
fn name_variations(w: &mut MailWorld, variations: NameVariations, directory: Directory) {
    let t = traveler(w);
    w.run(t.set_internet_authentication(variations.0, directory.0)).expect("Traveler takes the Internet authentication setting");
}

/// The Traveler server makes SyncML its primary sync protocol instead of ActiveSync.
#[when("the Traveler server forces SyncML as the primary protocol")]
fn syncml_primary(w: &mut MailWorld) {
    let t = traveler(w);
    w.run(t.set_sync_protocols(SyncProtocols::SyncMlPrimary)).expect("Traveler takes the sync protocols");
}

/// A message with this subject arrives in the user's mailbox on the Traveler server.
#[given(expr = "a message {string} arrives in {user}'s Traveler mailbox")]
#[when(expr = "a message {string} arrives in {user}'s Traveler mailbox")]
fn message_arrives(w: &mut MailWorld, subject: String, user: User) {
    let t = traveler(w);
    w.run(t.deliver(&user.email(), &subject)).expect("Traveler delivers the message");
}

/// A meeting request with this subject arrives in the user's mailbox on the Traveler server.
#[given(expr = "a meeting request {string} arrives in {user}'s Traveler mailbox")]
fn meeting_arrives(w: &mut MailWorld, subject: String, user: User) {
    let t = traveler(w);
    w.run(t.deliver_meeting(&user.email(), &subject)).expect("Traveler delivers the meeting request");
}

/// A meeting response with this subject arrives in the user's mailbox on the Traveler server.
#[given(expr = "a meeting response {string} arrives in {user}'s Traveler mailbox")]
fn meeting_response_arrives(w: &mut MailWorld, subject: String, user: User) {
    let t = traveler(w);
    w.run(t.deliver_meeting_response(&user.email(), &subject)).expect("Traveler delivers the meeting response");
}

/// The Traveler administrator issues a remote wipe of the user's phone.
#[when(expr = "the Traveler administrator wipes {user}'s device")]
fn wipe(w: &mut MailWorld, user: User) {
    let name = w.ensure_device(&user);
    let device_id = w.spec().devices.get(&name).map(|c| c.activesync_device_id.clone()).expect("the device was configured");
    let t = traveler(w);
    w.run(t.wipe(&user.email(), &device_id)).expect("Traveler takes the wipe request");
}

fn folder_subjects(w: &mut MailWorld, user: &User, kind: FolderKind) -> Vec<String> {
    let t = traveler(w);
    let items = w.run(t.folder(&user.email(), kind)).expect("Traveler control API answers");
    items.into_iter().map(|i| i.subject).collect()
}

fn inbox_subjects(w: &mut MailWorld, user: &User) -> Vec<String> {
    folder_subjects(w, user, Folder::Inbox.kind())
}

/// The user's folder on the Traveler server holds an item with this subject.
#[then(expr = "the Traveler server holds {string} in {user}'s {folder}")]
fn holds_in(w: &mut MailWorld, subject: String, user: User, folder: Folder) {
    let subjects = folder_subjects(w, &user, folder.kind());
    assert!(subjects.contains(&subject), "{user}'s {folder} on the Traveler server holds {subjects:?}");
}

/// The user's Inbox on the Traveler server still holds the item with this subject.
#[then(expr = "the Traveler server still holds {string} in {user}'s Inbox")]
fn still_holds(w: &mut MailWorld, subject: String, user: User) {
    let subjects = inbox_subjects(w, &user);
    assert!(subjects.contains(&subject), "the Traveler Inbox holds {subjects:?}; the limitation CXM-47936 no longer shows");
}

/// The user's Inbox on the Traveler server no longer holds the item with this subject.
#[then(expr = "the Traveler server no longer holds {string} in {user}'s Inbox")]
fn no_longer_holds(w: &mut MailWorld, subject: String, user: User) {
    let subjects = inbox_subjects(w, &user);
    assert!(!subjects.contains(&subject), "the Traveler Inbox still holds {subject:?}: {subjects:?}");
}
