use super::device::state;
use crate::params::{ClockTime, ClockTimes, Region, SubscriptionEnd, User};
use crate::MailWorld;
use cucumber::then;
use mailconform_fakes::exchange::{DeliveryRecord, SubscriptionState, SubscriptionView};
use std::time::Duration;

fn subscription_of(w: &mut MailWorld, user: &str) -> SubscriptionView {
    let id = state(w, user).subscription_id.unwrap_or_else(|| panic!("{user}'s device never subscribed"));
    subscription_by_id(w, &id)
}

fn subscription_by_id(w: &mut MailWorld, id: &str) -> SubscriptionView {
    let ex = w.push_subscriptions();
    let subs = w.drive(ex.subscriptions());
    subs.into_iter().find(|s| s.id == id).unwrap_or_else(|| panic!("Exchange has no subscription {id}"))
}

/// The POSTs of the subscription `user`'s device made first (or last) in this scenario.
fn deliveries(w: &mut MailWorld, user: &User, first: bool) -> Vec<DeliveryRecord> {
    let ex = w.push_subscriptions();
    let mine = w.drive(ex.attempts(&user.email(), first));
    assert!(!mine.is_empty(), "Exchange attempted no notification for {user}");
    mine
}

/// [`deliveries`] with what each carried, for the steps that read the events.
fn notifications(w: &mut MailWorld, user: &User, first: bool) -> Vec<DeliveryRecord> {
    let ex = w.push_subscriptions();
    w.drive(ex.carries_events());
    deliveries(w, user, first)
}

/// Exchange holds the push subscription the user's phone made, delivering (neither retrying nor ended).
#[then(expr = "Exchange has an active push subscription for {user}")]
fn active(w: &mut MailWorld, user: User) {
    let s = subscription_of(w, &user);
    assert_eq!(s.state, SubscriptionState::Active, "subscription: {s:?}");
}

/// Exchange shows the user's first subscription retrying, dated from its first failed notification.
#[then(expr = "Exchange shows {user}'s first subscription retrying since the first failed attempt")]
fn retrying_first(w: &mut MailWorld, user: User) {
    let d = deliveries(w, &user, true);
    let first_fail = d.iter().find(|x| x.retry == 0 && x.outcome != "ok").unwrap_or_else(|| panic!("no failed delivery: {d:?}"));
    let s = subscription_by_id(w, &first_fail.subscription_id.clone());
    assert_eq!(s.state, SubscriptionState::Retrying { since_ms: first_fail.at_ms }, "subscription: {s:?}");
}

/// Exchange ended the user's first push subscription, for this reason.
#[then(expr = "Exchange has ended the first push subscription of {user} because {end_reason}")]
fn ended_first(w: &mut MailWorld, user: User, because: SubscriptionEnd) {
    let d = deliveries(w, &user, true);
    let id = d.first().map(|x| x.subscription_id.clone()).unwrap_or_else(|| panic!("no delivery was attempted for {user}"));
    let s = subscription_by_id(w, &id);
    assert!(s.state.is_ended(), "subscription: {s:?}");
    assert_eq!(s.state.end_reason(), Some(because.0), "subscription: {s:?}");
}

/// Exchange retried a failed push notification exactly at these times after the first attempt.
#[then(expr = "Exchange retried the failed notification to {user}'s listener at \"{clock_times}\" after the first attempt")]
fn retried_at_for(w: &mut MailWorld, user: User, times: ClockTimes) {
    let d = deliveries(w, &user, true);
    let first_fail = d.iter().find(|x| x.retry == 0 && x.outcome != "ok").unwrap_or_else(|| panic!("no failed delivery: {d:?}"));
    let t0 = first_fail.at_ms;
    let retries: Vec<Duration> = d.iter().filter(|x| x.at_ms > t0 && x.retry > 0).map(|x| Duration::from_millis(x.at_ms - t0)).collect();
    let expected = times.0;
    let shown: Vec<String> = retries.iter().map(|d| ClockTime(*d).to_string()).collect();
    let tolerance = w.clock_tolerance();
    let close = retries.len() == expected.len() && retries.iter().zip(&expected).all(|(r, e)| r.abs_diff(*e) <= tolerance);
    assert!(close, "retries at {shown:?} ({retries:?}), expected {expected:?} within {tolerance:?}");
}

/// Exchange ended the user's first subscription this many minutes after its first failed notification.
///
/// Exchange can end it only once its last retry has failed: when that retry is due at the very
/// minute and takes time to fail (a listener gone from the network fails a connection only
/// after seconds), the end comes as late as that retry's outcome, never sooner than the minute.
#[then(expr = "Exchange ended {user}'s first subscription {int} minute(s) after the first failed attempt")]
fn ended_after(w: &mut MailWorld, user: User, minutes: u64) {
    let d = deliveries(w, &user, true);
    let first_fail = d.iter().find(|x| x.retry == 0 && x.outcome != "ok").expect("a failed delivery");
    let id = first_fail.subscription_id.clone();
    let s = subscription_by_id(w, &id);
    let ended = s.state.ended_at_ms().unwrap_or_else(|| panic!("the subscription has not ended: {s:?}"));
    let after = Duration::from_millis(ended - first_fail.at_ms);
    let due = Duration::from_secs(minutes * 60);
    let last_outcome = d
        .iter()
        .filter(|x| x.subscription_id == id && x.at_ms <= ended)
        .map(|x| Duration::from_millis((x.at_ms + x.took_ms).saturating_sub(first_fail.at_ms)))
        .max()
        .unwrap_or_default();
    let tolerance = w.clock_tolerance();
    let latest = due.max(last_outcome) + tolerance;
    assert!(
        after + tolerance >= due && after <= latest,
        "ended {after:?} after, expected {due:?} (or as late as its last attempt's outcome, {last_outcome:?}), within {tolerance:?}: {s:?}"
    );
}

/// Exchange sent no notification on the user's first subscription once it had ended it.
#[then(expr = "Exchange sent nothing on {user}'s first subscription after it ended")]
fn nothing_after_end(w: &mut MailWorld, user: User) {
    let d = deliveries(w, &user, true);
    let id = d[0].subscription_id.clone();
    let s = subscription_by_id(w, &id);
    let ended = s.state.ended_at_ms().expect("ended");
    assert!(d.iter().all(|x| x.at_ms <= ended), "deliveries after the end at {ended} ms: {d:?}");
}

/// Once the user's listener was back, Exchange sent what had queued up in several notifications of at most this many events, MoreEvents on each but the last.
#[then(
    expr = "Exchange sent the events queued for {user}'s listener in notifications of at most {int} events, MoreEvents on each but the last"
)]
fn queued_events(w: &mut MailWorld, user: User, most: usize) {
    let d = notifications(w, &user, true);
    let sent: Vec<&DeliveryRecord> = d.iter().filter(|x| x.outcome == "ok" && x.events != ["StatusEvent"]).collect();
    let shape: Vec<(usize, bool)> = sent.iter().map(|x| (x.events.len(), x.more_events)).collect();
    assert!(sent.len() >= 2, "the queue should take several notifications (events, MoreEvents): {shape:?}");
    assert!(sent.iter().all(|x| x.events.len() <= most), "(events, MoreEvents): {shape:?}");
    let flags: Vec<bool> = sent.iter().map(|x| x.more_events).collect();
    let expected: Vec<bool> = (0..sent.len()).map(|i| i + 1 < sent.len()).collect();
    assert_eq!(flags, expected, "MoreEvents per notification, (events, MoreEvents): {shape:?}");
}

/// Exchange's keep-alive StatusEvents to the user's listener came exactly this many minutes apart.
#[then(expr = "Exchange sent {user}'s listener a StatusEvent every {int} minutes")]
fn status_events(w: &mut MailWorld, user: User, minutes: u64) {
    let d = notifications(w, &user, false);
    let status: Vec<u64> = d.iter().filter(|x| x.events == ["StatusEvent"] && x.outcome == "ok").map(|x| x.at_ms).collect();
    assert!(status.len() >= 2, "too few StatusEvents to judge their spacing: {d:?}");
    for pair in status.windows(2) {
        assert_eq!(pair[1] - pair[0], minutes * 60_000, "StatusEvents at {status:?} ms");
    }
}

/// Every EWS request made for the user reached Exchange on this host name.
#[then(expr = "every EWS request of {user} went to {string}")]
fn ews_host(w: &mut MailWorld, user: User, host: String) {
    let traffic = w.traffic();
    let reqs = w.drive(traffic.ews_requests());
    let email = user.email();
    let mine: Vec<_> = reqs.iter().filter(|r| r.user == email).collect();
    assert!(!mine.is_empty(), "{user} made no EWS request");
    assert!(mine.iter().all(|r| r.host == host), "EWS requests: {mine:?}");
}

/// The user's push subscription sends its notifications to this region's listener.
#[then(expr = "Exchange's push subscription for {user} points at the {region} listener")]
fn points_at(w: &mut MailWorld, user: User, region: Region) {
    let s = subscription_of(w, &user);
    let host = region.host(mailconform_fakes::defaults::DOMAIN);
    let url = &s.url;
    assert!(url.starts_with(&format!("https://{host}/")), "subscription URL {url}");
}
