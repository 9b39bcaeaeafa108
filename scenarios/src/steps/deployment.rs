use super::words;
use crate::MailWorld;
use cucumber::given;
use mailconform_fakes::exchange::{RetryMode, RetrySchedule};

/// The conventions' topology: Exchange 2013 at mail.example.test with alice and bob, a listener
/// in each region (Secure Mail's certificate uploaded in the Americas), APNs. Hosts start at the
/// first action, so the Given steps after this one can still change the plan.
#[given("the default topology")]
fn default_topology(w: &mut MailWorld) {
    *w.plan() = crate::world::Plan::default();
}

#[given(expr = "the Exchange server is {string}")]
fn exchange_version(w: &mut MailWorld, v: String) {
    w.exchange_profile(words::profile(&v));
}

#[given("Exchange retries on the schedule of the documentation's prose")]
fn prose_schedule(w: &mut MailWorld) {
    w.retry_schedule(RetrySchedule { mode: RetryMode::DoublingIntervals, ..RetrySchedule::default() });
}

#[given("no APNs certificate is uploaded")]
fn no_certificate(w: &mut MailWorld) {
    w.plan().uploaded_regions.clear();
}

#[given(expr = "Secure Mail's APNs certificate is uploaded for the {word} region")]
fn certificate_uploaded(w: &mut MailWorld, region: String) {
    let r = words::region(&region);
    assert!(!w.is_deployed(), "list the regions with uploaded certificates before the first action");
    if !w.plan().uploaded_regions.contains(&r) {
        w.plan().uploaded_regions.push(r);
    }
}

#[given(expr = "EWS is also published on its own host {string}")]
fn ews_alias(w: &mut MailWorld, host: String) {
    w.plan().exchange_aliases.push(host);
}
