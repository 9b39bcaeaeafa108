use super::device::state;
use super::words;
use crate::MailWorld;
use cucumber::then;
use mailconform_fakes::exchange::{DeliveryRecord, SubscriptionView};
use std::time::Duration;

fn subscription_of(w: &mut MailWorld, user: &str) -> SubscriptionView {
    let id = state(w, user).subscription_id.unwrap_or_else(|| panic!("{user}'s device never subscribed"));
    subscription_by_id(w, &id)
}

fn subscription_by_id(w: &mut MailWorld, id: &str) -> SubscriptionView {
    let ex = w.exchange();
    let subs = w.run(ex.subscriptions()).expect("Exchange control API answers");
    subs.into_iter().find(|s| s.id == id).unwrap_or_else(|| panic!("Exchange has no subscription {id}"))
}

/// The POSTs of the subscription `user`'s device made first in this scenario.
fn deliveries(w: &mut MailWorld, user: &str, first: bool) -> Vec<DeliveryRecord> {
    let ex = w.exchange();
    let all = w.run(ex.deliveries()).expect("Exchange control API answers");
    let mine: Vec<String> = {
        let subs = w.run(ex.subscriptions()).expect("Exchange control API answers");
        let email = words::email(user);
        subs.iter().filter(|s| s.mailbox == email).map(|s| s.id.clone()).collect()
    };
    let target = if first { mine.first().cloned() } else { mine.last().cloned() };
    let target = target.unwrap_or_else(|| panic!("Exchange has no subscription for {user}"));
    all.into_iter().filter(|d| d.subscription_id == target).collect()
}

#[then(expr = "Exchange has an active push subscription for {word}")]
fn active(w: &mut MailWorld, user: String) {
    let s = subscription_of(w, &user);
    assert!(!s.state.is_ended(), "subscription: {s:?}");
}

#[then(expr = "Exchange has ended the first push subscription of {word} because {string}")]
fn ended_first(w: &mut MailWorld, user: String, because: String) {
    let d = deliveries(w, &user, true);
    let id = d.first().map(|x| x.subscription_id.clone()).unwrap_or_else(|| panic!("no delivery was attempted for {user}"));
    let s = subscription_by_id(w, &id);
    assert!(s.state.is_ended(), "subscription: {s:?}");
    let reason = s.state.end_reason().unwrap_or_default();
    assert!(reason.contains(&because), "ended because {reason:?}, expected it to mention {because:?}");
}

#[then(expr = "Exchange retried the failed notification to {word}'s listener at {string} after the first attempt")]
fn retried_at_for(w: &mut MailWorld, user: String, times: String) {
    let d = deliveries(w, &user, true);
    let first_fail = d.iter().find(|x| x.retry == 0 && x.outcome != "ok").unwrap_or_else(|| panic!("no failed delivery: {d:?}"));
    let t0 = first_fail.at_ms;
    let retries: Vec<Duration> = d.iter().filter(|x| x.at_ms > t0 && x.retry > 0).map(|x| Duration::from_millis(x.at_ms - t0)).collect();
    let expected = words::clock_times(&times);
    let shown: Vec<String> = retries.iter().map(|d| words::fmt_clock(*d)).collect();
    assert_eq!(retries, expected, "retries at {shown:?}");
}

#[then(expr = "Exchange ended {word}'s first subscription {int} minutes after the first failed attempt")]
fn ended_after(w: &mut MailWorld, user: String, minutes: u64) {
    let d = deliveries(w, &user, true);
    let first_fail = d.iter().find(|x| x.retry == 0 && x.outcome != "ok").expect("a failed delivery");
    let s = subscription_by_id(w, &first_fail.subscription_id.clone());
    let ended = s.state.ended_at_ms().unwrap_or_else(|| panic!("the subscription has not ended: {s:?}"));
    assert_eq!(Duration::from_millis(ended - first_fail.at_ms), Duration::from_secs(minutes * 60), "subscription {s:?}");
}

#[then(expr = "Exchange sent nothing on {word}'s first subscription after it ended")]
fn nothing_after_end(w: &mut MailWorld, user: String) {
    let d = deliveries(w, &user, true);
    let id = d[0].subscription_id.clone();
    let s = subscription_by_id(w, &id);
    let ended = s.state.ended_at_ms().expect("ended");
    assert!(d.iter().all(|x| x.at_ms <= ended), "deliveries after the end at {ended} ms: {d:?}");
}

#[then(expr = "Exchange sent {word}'s listener a StatusEvent every {int} minutes")]
fn status_events(w: &mut MailWorld, user: String, minutes: u64) {
    let d = deliveries(w, &user, false);
    let status: Vec<u64> = d.iter().filter(|x| x.events == ["StatusEvent"] && x.outcome == "ok").map(|x| x.at_ms).collect();
    assert!(status.len() >= 2, "too few StatusEvents to judge their spacing: {d:?}");
    for pair in status.windows(2) {
        assert_eq!(pair[1] - pair[0], minutes * 60_000, "StatusEvents at {status:?} ms");
    }
}

#[then(expr = "every EWS request of {word} went to {string}")]
fn ews_host(w: &mut MailWorld, user: String, host: String) {
    let ex = w.exchange();
    let reqs = w.run(ex.requests()).expect("Exchange control API answers");
    let email = words::email(&user);
    let mine: Vec<_> = reqs.iter().filter(|r| r.user == email).collect();
    assert!(!mine.is_empty(), "{user} made no EWS request");
    assert!(mine.iter().all(|r| r.host == host), "EWS requests: {mine:?}");
}

#[then(expr = "Exchange's push subscription for {word} points at the {word} listener")]
fn points_at(w: &mut MailWorld, user: String, region: String) {
    let s = subscription_of(w, &user);
    let host = words::region(&region).host(mailconform_fakes::defaults::DOMAIN);
    let url = &s.url;
    assert!(url.starts_with(&format!("https://{host}/")), "subscription URL {url}");
}
