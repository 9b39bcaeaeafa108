use super::words;
use crate::MailWorld;
use cucumber::when;

#[when(expr = "{int} message(s) arrive(s) in {word}'s inbox")]
fn messages_arrive(w: &mut MailWorld, n: u32, user: String) {
    let email = words::email(&user);
    let ex = w.exchange();
    for i in 0..n {
        let delivered = w.run(ex.deliver(&email, &format!("Message {i}"))).expect("Exchange delivers the message");
        w.delivered.entry(email.clone()).or_default().push(delivered.item_id);
    }
}

#[when(expr = "{word} reads {int} message(s) on another client")]
fn reads_messages(w: &mut MailWorld, user: String, n: usize) {
    let email = words::email(&user);
    let ids: Vec<String> = w.delivered.get(&email).map(|v| v.iter().take(n).cloned().collect()).unwrap_or_default();
    assert_eq!(ids.len(), n, "only {} messages were delivered to {email} in this scenario", ids.len());
    let ex = w.exchange();
    for id in ids {
        w.run(ex.mark_read(&email, &id, true)).expect("Exchange marks the message read");
    }
}

#[when(expr = "{word} reads all messages on another client")]
fn reads_all(w: &mut MailWorld, user: String) {
    let ex = w.exchange();
    w.run(ex.read_all(&words::email(&user))).expect("Exchange marks the inbox read");
}
