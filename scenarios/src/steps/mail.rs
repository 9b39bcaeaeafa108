use super::words;
use crate::MailWorld;
use cucumber::when;

#[when(expr = "{int} message(s) arrive(s) in {word}'s inbox")]
fn messages_arrive(w: &mut MailWorld, n: u32, user: String) {
    let email = words::email(&user);
    let mail = w.mailboxes();
    for i in 0..n {
        let id = w.drive(mail.deliver(&email, &format!("Message {i}")));
        w.running().delivered.entry(email.clone()).or_default().push(id);
    }
}

#[when(expr = "{word} reads {int} message(s) on another client")]
fn reads_messages(w: &mut MailWorld, user: String, n: usize) {
    let email = words::email(&user);
    let ids: Vec<String> = w.running().delivered.get(&email).map(|v| v.iter().take(n).cloned().collect()).unwrap_or_default();
    assert_eq!(ids.len(), n, "only {} messages were delivered to {email} in this scenario", ids.len());
    let mail = w.mailboxes();
    for id in ids {
        w.drive(mail.mark_read(&email, &id, true));
    }
}

#[when(expr = "{word} reads all messages on another client")]
fn reads_all(w: &mut MailWorld, user: String) {
    let mail = w.mailboxes();
    w.drive(mail.read_all(&words::email(&user)));
}
