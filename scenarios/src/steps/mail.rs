use crate::params::User;
use crate::MailWorld;
use cucumber::when;

/// Exchange delivers this many new messages ("Message 0", "Message 1" ...) to the user's inbox.
#[when(expr = "{int} message(s) arrive(s) in {user}'s inbox")]
fn messages_arrive(w: &mut MailWorld, n: u32, user: User) {
    let email = user.email();
    let mail = w.mailboxes();
    for i in 0..n {
        let subject = w.subject(&format!("Message {i}"));
        let id = w.drive(mail.deliver(&email, &subject));
        w.running().delivered.entry(email.clone()).or_default().push(id);
    }
}

/// Exchange delivers a message with this subject to the user's inbox.
#[when(expr = "a message {string} arrives in {user}'s inbox")]
fn message_arrives(w: &mut MailWorld, subject: String, user: User) {
    let email = user.email();
    let mail = w.mailboxes();
    let subject = w.subject(&subject);
    let id = w.drive(mail.deliver(&email, &subject));
    w.running().delivered.entry(email).or_default().push(id);
}

/// The user marks this many of the scenario's delivered messages read elsewhere (e.g. Outlook).
#[when(expr = "{user} reads {int} message(s) on another client")]
fn reads_messages(w: &mut MailWorld, user: User, n: usize) {
    let email = user.email();
    let ids: Vec<String> = w.running().delivered.get(&email).map(|v| v.iter().take(n).cloned().collect()).unwrap_or_default();
    assert_eq!(ids.len(), n, "only {} messages were delivered to {email} in this scenario", ids.len());
    let mail = w.mailboxes();
    for id in ids {
        w.drive(mail.mark_read(&email, &id, true));
    }
}

/// The user marks the whole inbox read elsewhere.
#[when(expr = "{user} reads all messages on another client")]
fn reads_all(w: &mut MailWorld, user: User) {
    let mail = w.mailboxes();
    w.drive(mail.read_all(&user.email()));
}
