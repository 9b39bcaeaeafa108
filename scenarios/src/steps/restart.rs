//! A server role restarts, as its operator restarts its process, and what its clients see of
//! it: what the role kept, what it lost, the long polls it cut.

use super::device::{phone, state};
use super::listener::registration_of;
use crate::params::{Region, Service, User};
use crate::world::observation::Observation;
use crate::MailWorld;
use cucumber::{then, when};
use mailconform_fakes::role;
use std::time::Duration;

/// Restarts `role` through the lifecycle driver and records when.
fn restart(w: &mut MailWorld, role: &str) {
    let lifecycle = w.lifecycle(role);
    let at = w.sim().unix_millis();
    w.drive(lifecycle.restart(role));
    w.running().restarted_at_ms.insert(role.to_string(), at);
}

/// When `role` last restarted in this scenario (UNIX ms).
fn restarted_at(w: &mut MailWorld, role: &str) -> u64 {
    w.running().restarted_at_ms.get(role).copied().unwrap_or_else(|| panic!("{role} has not restarted in this scenario"))
}

/// The role's process restarts, and the connections open to it are cut.
///
/// What the role keeps on disk it has again; what it held in memory is gone.
#[when(expr = "{service} restarts")]
fn restarts(w: &mut MailWorld, service: Service) {
    restart(w, &service.role());
}

/// Exchange restarts while Secure Mail holds an ActiveSync Ping, and then a message arrives.
///
/// The Ping's connection is cut by the restart; the Ping that returns is the one Secure Mail
/// sends again.
#[when(expr = "Exchange restarts {int} minutes into a Ping of {user}'s Secure Mail, and a message {string} arrives {int} minutes later")]
fn restarts_during_ping(w: &mut MailWorld, minutes: u64, user: User, subject: String, later: u64) {
    let d = phone(w, &user);
    let mailboxes = w.mailboxes();
    let lifecycle = w.lifecycle(role::EXCHANGE);
    let email = user.email();
    let started = w.sim().elapsed();
    let restart_at = w.sim().unix_millis() + minutes * 60_000;
    let (ping, restarted, delivered) = w.run(async {
        let restart = async {
            tokio::time::sleep(Duration::from_secs(minutes * 60)).await;
            lifecycle.restart(role::EXCHANGE).await
        };
        let mail = async {
            tokio::time::sleep(Duration::from_secs((minutes + later) * 60)).await;
            mailboxes.deliver(&email, &subject).await
        };
        futures::join!(d.eas_ping(), restart, mail)
    });
    restarted.unwrap_or_else(|e| crate::world::not_applicable_or_panic(e));
    delivered.unwrap_or_else(|e| crate::world::not_applicable_or_panic(e));
    ping.expect("device control API answers");
    w.running().restarted_at_ms.insert(role::EXCHANGE.to_string(), restart_at);
    let minutes = (w.sim().elapsed() - started).as_secs() / 60;
    w.observe(Observation::PingReturned { minutes });
}

/// Nothing from Exchange reached the listener for the user's registration since Exchange restarted.
///
/// Neither a notification nor a keep-alive StatusEvent: the subscription died with the process.
#[then(expr = "the {region} listener has heard nothing from Exchange for {user} since Exchange restarted")]
fn silent_since_restart(w: &mut MailWorld, region: Region, user: User) {
    let restarted = restarted_at(w, role::EXCHANGE);
    let reg = registration_of(w, region, &user).unwrap_or_else(|| panic!("the {region} listener has no registration for {user}"));
    let heard = reg.last_heard_from_exchange_ms.unwrap_or(0);
    assert!(
        heard <= restarted,
        "the {region} listener heard from Exchange {} s after the restart",
        Duration::from_millis(heard - restarted).as_secs()
    );
}

/// Secure Mail sent its ActiveSync Ping again this many times because its connection was cut.
#[then(expr = "{user}'s Secure Mail reissued its Ping {int} time(s)")]
fn reissued(w: &mut MailWorld, user: User, n: u32) {
    let s = state(w, &user);
    assert_eq!(s.eas.pings_reissued, n, "Pings reissued by {user}'s Secure Mail; last error {:?}", s.eas.error);
}

/// Secure Mail's last Inbox Sync went on from the SyncKey it held and brought exactly this message.
///
/// No Status 3, no resync from key 0: a new SyncKey, one Add, nothing changed, nothing deleted.
#[then(expr = "{user}'s Secure Mail's last Inbox sync went on from its SyncKey and brought only {string}")]
fn went_on(w: &mut MailWorld, user: User, subject: String) {
    let s = state(w, &user);
    let sync = s.eas.last_inbox_sync.unwrap_or_else(|| panic!("{user}'s Secure Mail has not synced its Inbox; error {:?}", s.eas.error));
    assert!(sync.presented_key != "0" && sync.sync_key != sync.presented_key, "SyncKeys of the last Inbox sync: {sync:?}");
    assert_eq!(
        (sync.added.as_slice(), sync.changed, sync.deleted, sync.requests),
        (std::slice::from_ref(&subject), 0, 0, 1),
        "the last Inbox sync: {sync:?}"
    );
}
