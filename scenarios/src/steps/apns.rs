use super::device::state;
use crate::params::User;
use crate::MailWorld;
use cucumber::then;
use mailconform_fakes::apns::{DeliveredNotification, Environment};

/// What APNs delivered to the device `token`, once `done` holds of it: on the real clock read
/// again until it does (see [`MailWorld::eventually`]).
pub(super) fn delivered_until(
    w: &mut MailWorld,
    token: &str,
    done: impl Fn(&[DeliveredNotification]) -> bool,
) -> Vec<DeliveredNotification> {
    w.eventually(
        |w| {
            let devices = w.push_devices(Environment::Production);
            w.drive(devices.delivered(token))
        },
        |got| done(got),
    )
}

/// APNs delivered exactly this many notifications to the user's phone.
#[then(expr = "APNs delivered {int} notification(s) to {user}'s device")]
fn delivered(w: &mut MailWorld, n: usize, user: User) {
    let token = state(w, &user).device_token.unwrap_or_else(|| panic!("{user}'s device has no token"));
    let got = delivered_until(w, &token, |got| got.len() == n);
    assert_eq!(got.len(), n, "notifications delivered: {got:?}");
}

/// The last notification APNs delivered to the user's phone set this badge.
#[then(expr = "APNs delivered a badge of {int} to {user}'s device last")]
fn last_badge(w: &mut MailWorld, badge: u64, user: User) {
    let token = state(w, &user).device_token.unwrap_or_else(|| panic!("{user}'s device has no token"));
    let got = delivered_until(w, &token, |got| got.last().is_some_and(|l| l.badge() == Some(badge)));
    let last = got.last().unwrap_or_else(|| panic!("no notification delivered"));
    assert_eq!(last.badge(), Some(badge), "last notification {last:?}");
}
