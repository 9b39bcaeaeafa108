use crate::params::{ExchangeVersion, Region};
use crate::{MailWorld, NOT_APPLICABLE};
use cucumber::given;
use mailconform_fakes::exchange::{RetryMode, RetrySchedule};

/// The default world: Exchange, a listener in each region and APNs.
///
/// The conventions' topology: Exchange 2013 at mail.example.test with alice and bob, a listener
/// in each region (Secure Mail's certificate uploaded in the Americas), APNs. Hosts start at the
/// first action, so the Given steps after this one can still change the plan.
#[given("the default topology")]
fn default_topology(w: &mut MailWorld) {
    *w.plan() = crate::world::Plan::default();
}

/// Exchange answers as this version does (its EWS schema, version info and events).
#[given(expr = "the Exchange server is \"{exchange_version}\"")]
fn exchange_version(w: &mut MailWorld, v: ExchangeVersion) {
    if let Some(eas) = w.live_eas() {
        // A real server is the version it is: the scenario applies when its newest ActiveSync
        // version is the one this Exchange would negotiate.
        let wanted = v.eas_versions().last().copied();
        let offered = eas.versions.last().copied();
        if offered.is_none() || offered != wanted {
            let names: Vec<String> = eas.versions.iter().map(|p| p.to_string()).collect();
            let wanted = wanted.map_or_else(|| "none".to_string(), |p| p.to_string());
            panic!(
                "{NOT_APPLICABLE}the scenario needs a server whose newest ActiveSync version is {wanted}, as {}'s; the target offers [{}] (versions in the target configuration)",
                v,
                names.join(", ")
            );
        }
        return;
    }
    w.exchange_profile(*v);
}

/// Exchange retries failed push notifications at doubling intervals, as the documentation's prose says.
#[given("Exchange retries on the schedule of the documentation's prose")]
fn prose_schedule(w: &mut MailWorld) {
    w.retry_schedule(RetrySchedule { mode: RetryMode::DoublingIntervals, ..RetrySchedule::default() });
}

/// No listener region has Secure Mail's APNs certificate.
#[given("no APNs certificate is uploaded")]
fn no_certificate(w: &mut MailWorld) {
    if let Some(why) = w.certificates_kept() {
        panic!("{}{why}", crate::NOT_APPLICABLE);
    }
    w.plan().uploaded_regions.clear();
}

/// The listener of this region has Secure Mail's APNs certificate from the start.
#[given(expr = "Secure Mail's APNs certificate is uploaded for the {region} region")]
fn certificate_uploaded(w: &mut MailWorld, region: Region) {
    let r = *region;
    assert!(!w.is_deployed(), "list the regions with uploaded certificates before the first action");
    if !w.plan().uploaded_regions.contains(&r) {
        w.plan().uploaded_regions.push(r);
    }
}

/// Exchange also answers EWS on this host name.
#[given(expr = "EWS is also published on its own host {string}")]
fn ews_alias(w: &mut MailWorld, host: String) {
    w.plan().exchange_aliases.push(host);
}
