use crate::params::User;
use crate::MailWorld;
use cucumber::when;

/// Exchange delivers this many new messages ("Message 0", "Message 1" ...) to the user's inbox.
#[when(expr = "{int} message(s) arrive(s) in {user}'s inbox")]
fn messages_arrive(w: &mut MailWorld, n: u32, user: User) {
    let email = user.email();
    let ex = w.exchange();
    for i in 0..n {
        let id = w.run(ex.deliver(&email, &format!("Message {i}"))).expect("Exchange delivers the message");
        w.running().delivered.entry(email.clone()).or_default().push(id);
    }
}

/// The user marks this many of the scenario's delivered messages read elsewhere (e.g. Outlook).
#[when(expr = "{user} reads {int} message(s) on another client")]
fn reads_messages(w: &mut MailWorld, user: User, n: usize) {
    let email = user.email();
    let ids: Vec<String> = w.running().delivered.get(&email).map(|v| v.iter().take(n).cloned().collect()).unwrap_or_default();
    assert_eq!(ids.len(), n, "only {} messages were delivered to {email} in this scenario", ids.len());
    let ex = w.exchange();
    for id in ids {
        w.run(ex.mark_read(&email, &id, true)).expect("Exchange marks the message read");
    }
}

/// The user marks the whole inbox read elsewhere.
#[when(expr = "{user} reads all messages on another client")]
fn reads_all(w: &mut MailWorld, user: User) {
    let ex = w.exchange();
    w.run(ex.read_all(&user.email())).expect("Exchange marks the inbox read");
}
