use super::device::state;
use crate::params::User;
use crate::MailWorld;
use cucumber::then;
use mailconform_fakes::apns::Environment;

/// APNs delivered exactly this many notifications to the user's phone.
#[then(expr = "APNs delivered {int} notification(s) to {user}'s device")]
fn delivered(w: &mut MailWorld, n: usize, user: User) {
    let token = state(w, &user).device_token.unwrap_or_else(|| panic!("{user}'s device has no token"));
    let devices = w.push_devices(Environment::Production);
    let got = w.drive(devices.delivered(&token));
    assert_eq!(got.len(), n, "notifications delivered: {got:?}");
}

/// The last notification APNs delivered to the user's phone set this badge.
#[then(expr = "APNs delivered a badge of {int} to {user}'s device last")]
fn last_badge(w: &mut MailWorld, badge: u64, user: User) {
    let token = state(w, &user).device_token.unwrap_or_else(|| panic!("{user}'s device has no token"));
    let devices = w.push_devices(Environment::Production);
    let got = w.drive(devices.delivered(&token));
    let last = got.last().unwrap_or_else(|| panic!("no notification delivered"));
    assert_eq!(last.badge(), Some(badge), "last notification {last:?}");
}
