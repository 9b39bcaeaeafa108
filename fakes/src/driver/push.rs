//! EWS push as the mail server keeps it: its subscriptions and the notifications it sent; or,
//! for a real Exchange, the notification attempts as its listener saw them arrive.

use super::{Backing, DriverError, DriverFuture, Operation};
use crate::exchange::{DeliveryRecord, ExchangeControl, SubscriptionView};
use mailconform_sim::Arrival;

/// What the mail server knows of its push subscriptions.
///
/// A real Exchange shows this only to an administrator's own tools, so the live-target driver
/// answers these with [`super::DriverError::NotSupported`]; scenarios that need them then
/// observe the same facts at the listener, which the harness always controls.
pub trait PushSubscriptions: Send + Sync {
    /// Every subscription the server holds, live or ended, in creation order.
    fn subscriptions(&self) -> DriverFuture<'_, Vec<SubscriptionView>>;
    /// Every SendNotification the server attempted, with its outcome, in the order sent.
    fn deliveries(&self) -> DriverFuture<'_, Vec<DeliveryRecord>>;

    /// The notification attempts of `mailbox`'s first subscription (its last when `first` is
    /// false), in order: when each came, whether it got through, which retry it was.
    fn attempts<'a>(&'a self, mailbox: &'a str, first: bool) -> DriverFuture<'a, Vec<DeliveryRecord>> {
        Box::pin(async move {
            let all = self.deliveries().await?;
            let subs = self.subscriptions().await?;
            let mine: Vec<&SubscriptionView> = subs.iter().filter(|s| s.mailbox.eq_ignore_ascii_case(mailbox)).collect();
            let Some(target) = (if first { mine.first() } else { mine.last() }) else { return Ok(Vec::new()) };
            Ok(all.into_iter().filter(|d| d.subscription_id == target.id).collect())
        })
    }

    /// Whether [`Self::attempts`] tells what each notification carried (its events and
    /// MoreEvents): the server's own record does; attempts seen arriving from outside do not.
    fn carries_events(&self) -> DriverFuture<'_, ()> {
        Box::pin(async { Ok(()) })
    }
}

/// A real Exchange's notifications as the scenario's listener saw them arrive over the
/// bridge ([`mailconform_sim::Bridge::arrivals`]): a connection the listener's fault gate
/// refused is a failed attempt; one carried to the listener got through. The attempts on a
/// listener's host are its one device's; with several devices on one listener they cannot be
/// told apart, and neither can what a notification carried or when Exchange ended a
/// subscription: those are [`DriverError::NotSupported`].
pub struct ObservedPushes {
    /// The role observed (`exchange.ews`).
    pub role: String,
    /// Its URL.
    pub url: String,
    /// Each mailbox's listener host, for the devices of the scenario.
    pub listeners: Vec<(String, String)>,
    /// What arrived over the bridge so far.
    pub arrivals: Vec<Arrival>,
}

impl ObservedPushes {
    fn not_supported<T>(&self, operation: Operation, why: &'static str) -> Result<T, DriverError> {
        Err(DriverError::NotSupported { role: self.role.clone(), operation, backing: Backing::Real { url: self.url.clone() }, why })
    }

    /// The attempts on `host`, numbered: a refused one after a carried one (or the first) is a
    /// first attempt (retry 0), each refused one after it the next retry.
    fn numbered(&self, host: &str) -> Vec<DeliveryRecord> {
        let mut streak = 0;
        let mut out = Vec::new();
        for a in self.arrivals.iter().filter(|a| a.host.eq_ignore_ascii_case(host)) {
            let retry = match &a.refused {
                Some(_) => {
                    streak += 1;
                    streak - 1
                }
                None => {
                    streak = 0;
                    0
                }
            };
            out.push(DeliveryRecord {
                subscription_id: String::new(),
                at_ms: a.after.as_millis() as u64,
                retry,
                events: Vec::new(),
                outcome: a.refused.clone().unwrap_or_else(|| "ok".into()),
                more_events: false,
                took_ms: 0,
            });
        }
        out
    }
}

const SEEN_FROM_OUTSIDE: &str = "a real Exchange's notifications are seen only as connections arriving at the scenario's listener: \
     its subscriptions, when it ended one, and what a notification carried stay inside Exchange";

impl PushSubscriptions for ObservedPushes {
    fn subscriptions(&self) -> DriverFuture<'_, Vec<SubscriptionView>> {
        Box::pin(async move { self.not_supported(Operation::ReadSubscriptions, SEEN_FROM_OUTSIDE) })
    }

    fn deliveries(&self) -> DriverFuture<'_, Vec<DeliveryRecord>> {
        Box::pin(async move { self.not_supported(Operation::ReadDeliveries, SEEN_FROM_OUTSIDE) })
    }

    fn attempts<'a>(&'a self, mailbox: &'a str, first: bool) -> DriverFuture<'a, Vec<DeliveryRecord>> {
        Box::pin(async move {
            let Some((_, host)) = self.listeners.iter().find(|(m, _)| m.eq_ignore_ascii_case(mailbox)) else {
                return Ok(Vec::new());
            };
            if self.listeners.iter().filter(|(_, h)| h == host).count() > 1 {
                return self.not_supported(
                    Operation::ReadDeliveries,
                    "several devices share this listener: the connections arriving there cannot be told apart by subscription",
                );
            }
            if !first {
                return self.not_supported(Operation::ReadDeliveries, "a later subscription cannot be told from the first from outside");
            }
            Ok(self.numbered(host))
        })
    }

    fn carries_events(&self) -> DriverFuture<'_, ()> {
        Box::pin(async move { self.not_supported(Operation::ReadDeliveries, SEEN_FROM_OUTSIDE) })
    }
}

/// Exchange's fake, in-process or served: its control API.
impl PushSubscriptions for ExchangeControl {
    fn subscriptions(&self) -> DriverFuture<'_, Vec<SubscriptionView>> {
        Box::pin(async move { Ok(ExchangeControl::subscriptions(self).await?) })
    }

    fn deliveries(&self) -> DriverFuture<'_, Vec<DeliveryRecord>> {
        Box::pin(async move { Ok(ExchangeControl::deliveries(self).await?) })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn arrival(host: &str, secs: u64, refused: bool) -> Arrival {
        Arrival { host: host.into(), port: 443, after: Duration::from_secs(secs), refused: refused.then(|| "refused".into()) }
    }

    fn observed(listeners: &[(&str, &str)], arrivals: Vec<Arrival>) -> ObservedPushes {
        ObservedPushes {
            role: "exchange.ews".into(),
            url: "https://mail.corp.example/EWS/Exchange.asmx".into(),
            listeners: listeners.iter().map(|(m, h)| (m.to_string(), h.to_string())).collect(),
            arrivals,
        }
    }

    fn block_on<F: std::future::Future>(f: F) -> F::Output {
        tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(f)
    }

    #[test]
    fn refused_connections_after_one_that_got_through_are_a_first_attempt_and_its_retries() {
        let us = "us-east-1.listener.example.test";
        let arrivals = vec![
            arrival(us, 1, false),
            arrival(us, 10, true),
            arrival(us, 40, true),
            arrival("eu.example.test", 50, true),
            arrival(us, 70, true),
        ];
        let pushes = observed(&[("alice@example.test", us)], arrivals);
        let got: Vec<(u64, u32, bool)> = block_on(pushes.attempts("alice@example.test", true))
            .unwrap()
            .iter()
            .map(|d| (d.at_ms / 1000, d.retry, d.outcome == "ok"))
            .collect();
        assert_eq!(got, [(1, 0, true), (10, 0, false), (40, 1, false), (70, 2, false)]);
    }

    #[test]
    fn what_outside_cannot_tell_is_not_supported() {
        let us = "us-east-1.listener.example.test";
        let shared = observed(&[("alice@example.test", us), ("bob@example.test", us)], Vec::new());
        assert!(block_on(shared.attempts("alice@example.test", true)).unwrap_err().is_not_applicable());
        let one = observed(&[("alice@example.test", us)], Vec::new());
        assert!(block_on(one.subscriptions()).unwrap_err().is_not_applicable());
        assert!(block_on(one.carries_events()).unwrap_err().is_not_applicable());
        assert!(block_on(one.attempts("alice@example.test", false)).unwrap_err().is_not_applicable());
    }
}
