//! Exchange's push engine seen from the subscriber: what a notification holds, watermark
//! continuity, StatusEvent keep-alives, the retry schedule within StatusFrequency, the end of a
//! subscription, MoreEvents batching, and resuming from a watermark.

use crate::common;

use common::*;
use mailconform_ews::{parse_subscribe_response, EventType, Notification, ObjectId, Operation, SchemaVersion};
use mailconform_fakes::exchange::{DeliveryRecord, ServerProfile};
use mailconform_sim::{Fault, Simulation};
use serde_json::Value;
use std::time::Duration;

const INBOX: &str = "AAMkAD00INBOX";
const ROOT: &str = "AAMkAD00MSGFOLDERROOT";

fn secs(s: u64) -> Duration {
    Duration::from_secs(s)
}

fn mins(m: u64) -> Duration {
    Duration::from_secs(m * 60)
}

fn world(seed: u64, profile: ServerProfile) -> (Simulation, Sink) {
    let mut sim = exchange_sim(seed, profile);
    let sink = Sink::add(&mut sim);
    (sim, sink)
}

/// Alice subscribes her inbox to the sink; returns the subscription id and watermark.
fn subscribe_with(sim: &Simulation, version: SchemaVersion, freq: u32, watermark: Option<String>) -> (String, String) {
    let mut p = inbox_push(&freq.to_string(), SINK_URL);
    p.watermark = watermark;
    let r = ews_as(sim, &alice_auth(), version, &Operation::Subscribe(p));
    assert_eq!(r.status(), 200, "{}", body_text(&r));
    parse_subscribe_response(r.body()).unwrap().unwrap_or_else(|e| panic!("Subscribe refused: {e:?}"))
}

fn subscribe(sim: &Simulation, freq: u32) -> (String, String) {
    subscribe_with(sim, SchemaVersion::Exchange2013, freq, None)
}

fn deliver(sim: &Simulation, subject: &str) -> String {
    sim.block_on(exchange_control(sim).deliver(ALICE, subject)).unwrap().item_id
}

fn deliveries(sim: &Simulation) -> Vec<DeliveryRecord> {
    sim.block_on(exchange_control(sim).deliveries()).unwrap()
}

/// The subscription as the control API writes it, to check the wire form of its state.
fn subscription(sim: &Simulation, id: &str) -> Value {
    let subs = sim.block_on(exchange_control(sim).subscriptions()).unwrap();
    let s = subs.into_iter().find(|s| s.id == id).unwrap_or_else(|| panic!("subscription {id} is listed"));
    serde_json::to_value(s).unwrap()
}

fn ms(d: Duration) -> u64 {
    d.as_millis() as u64
}

/// The single notification of a POST.
fn only(n: &[Notification]) -> &Notification {
    assert_eq!(n.len(), 1, "one notification per POST");
    &n[0]
}

// ---- what a notification holds --------------------------------------------------------------

/// Exchange 2010 and later: one POST with NewMail, Created and the inbox's ModifiedEvent
/// carrying UnreadCount.
#[test]
fn new_mail_is_one_notification_with_the_inbox_unread_count() {
    for (i, profile) in [ServerProfile::Exchange2010, ServerProfile::Exchange2010Sp1, ServerProfile::Exchange2013, ServerProfile::Office365]
        .into_iter()
        .enumerate()
    {
        let (sim, sink) = world(200 + i as u64, profile);
        let (id, watermark) = subscribe_with(&sim, profile.max_schema(), 15, None);
        let item = deliver(&sim, "hello");
        sim.settle();
        let got = sink.received();
        assert_eq!(got.len(), 1, "{profile:?}");
        assert_eq!(got[0].kinds(), ["NewMailEvent", "CreatedEvent", "ModifiedEvent"], "{profile:?}");
        let n = only(&got[0].notifications);
        assert_eq!(n.subscription_id, id);
        assert_eq!(n.previous_watermark, watermark);
        assert!(!n.more_events);
        let [new_mail, created, modified] = &n.events[..] else { unreachable!() };
        for e in [new_mail, created] {
            assert!(matches!(&e.object, Some(ObjectId::Item { id, .. }) if *id == item), "{e:?}");
            assert_eq!(e.parent_folder_id.as_ref().map(|p| p.0.as_str()), Some(INBOX));
            assert_eq!(e.unread_count, None);
        }
        assert!(matches!(&modified.object, Some(ObjectId::Folder { id, .. }) if id == INBOX), "{modified:?}");
        assert_eq!(modified.parent_folder_id.as_ref().map(|p| p.0.as_str()), Some(ROOT));
        assert_eq!(modified.unread_count, Some(1), "{profile:?}");
        // Time stamps are the simulation's wall clock (runs start 2026-01-05T09:00:00Z).
        assert_eq!(new_mail.timestamp.as_deref(), Some("2026-01-05T09:00:00Z"));
        // Every event has its own watermark, and they move forward.
        let wms: Vec<&str> = n.events.iter().map(|e| e.watermark.as_str()).collect();
        assert!(wms.iter().all(|w| !w.is_empty() && *w != watermark));
        assert_eq!(wms.iter().collect::<std::collections::BTreeSet<_>>().len(), 3);

        // A second message: UnreadCount follows the inbox.
        deliver(&sim, "again");
        sim.settle();
        let got = sink.received();
        assert_eq!(got.len(), 2);
        assert_eq!(only(&got[1].notifications).events[2].unread_count, Some(2), "{profile:?}");
    }
}

/// Exchange 2007 SP1 had no UnreadCount in folder events; the listener must cope without it.
#[test]
fn exchange_2007_sp1_sends_no_unread_count() {
    let (sim, sink) = world(210, ServerProfile::Exchange2007Sp1);
    subscribe_with(&sim, SchemaVersion::Exchange2007Sp1, 15, None);
    deliver(&sim, "hello");
    sim.settle();
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kinds(), ["NewMailEvent", "CreatedEvent", "ModifiedEvent"]);
    let n = only(&got[0].notifications);
    assert!(matches!(&n.events[2].object, Some(ObjectId::Folder { id, .. }) if id == INBOX));
    assert!(n.events.iter().all(|e| e.unread_count.is_none()), "{n:?}");
}

/// UnreadCount belongs to the 2010 schema: a newer server still leaves it out for a client
/// that subscribed in the 2007 SP1 schema.
#[test]
fn a_2007_sp1_subscription_on_a_newer_server_gets_no_unread_count() {
    let (sim, sink) = world(211, ServerProfile::Exchange2013);
    subscribe_with(&sim, SchemaVersion::Exchange2007Sp1, 15, None);
    deliver(&sim, "hello");
    sim.settle();
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert!(only(&got[0].notifications).events.iter().all(|e| e.unread_count.is_none()));
}

/// Reading mail elsewhere must clear the badge, so a read-state change is pushed with its count.
#[test]
fn mark_read_is_pushed_with_the_new_count() {
    let (sim, sink) = world(212, ServerProfile::Exchange2013);
    subscribe(&sim, 15);
    let item = deliver(&sim, "hello");
    sim.settle();
    assert_eq!(sim.block_on(exchange_control(&sim).mark_read(ALICE, &item, true)).unwrap().unread, 0);
    sim.settle();
    let got = sink.received();
    assert_eq!(got.len(), 2);
    assert_eq!(got[1].kinds(), ["ModifiedEvent", "ModifiedEvent"]);
    let n = only(&got[1].notifications);
    assert!(matches!(&n.events[0].object, Some(ObjectId::Item { id, .. }) if *id == item));
    assert!(matches!(&n.events[1].object, Some(ObjectId::Folder { id, .. }) if id == INBOX));
    assert_eq!(n.events[1].unread_count, Some(0));
}

/// A subscription sees its own mailbox only.
#[test]
fn bobs_mail_is_not_pushed_to_alices_subscription() {
    let (sim, sink) = world(213, ServerProfile::Exchange2013);
    subscribe(&sim, 15);
    sim.block_on(exchange_control(&sim).deliver(BOB, "for bob")).unwrap();
    sim.advance(mins(1));
    assert_eq!(sink.count(), 0);
}

// ---- watermarks -------------------------------------------------------------------------------

/// A subscriber detects missed events by comparing PreviousWatermark with the last watermark
/// it saw, so each notification must start where the previous one ended.
#[test]
fn previous_watermark_continues_from_the_last_event_delivered() {
    let (sim, sink) = world(220, ServerProfile::Exchange2013);
    let (_, watermark) = subscribe(&sim, 1);
    deliver(&sim, "one");
    sim.settle();
    deliver(&sim, "two");
    sim.settle();
    // Then a minute of nothing: a StatusEvent.
    sim.advance(mins(1));
    let got = sink.received();
    assert_eq!(got.len(), 3);
    let n: Vec<&Notification> = got.iter().map(|r| only(&r.notifications)).collect();
    assert_eq!(n[0].previous_watermark, watermark);
    assert_eq!(n[1].previous_watermark, n[0].events.last().unwrap().watermark);
    assert_eq!(n[2].events.len(), 1);
    assert_eq!(n[2].events[0].kind, EventType::Status);
    assert_eq!(n[2].previous_watermark, n[1].events.last().unwrap().watermark);
    // Idle: the keep-alive's watermark is where the subscription already was.
    assert_eq!(n[2].events[0].watermark, n[2].previous_watermark);
}

// ---- keep-alives ------------------------------------------------------------------------------

/// With no mail, a subscriber hears a StatusEvent every StatusFrequency minutes: that is how it
/// knows the subscription is alive. Checks `count` of them at their exact instants.
fn status_times(freq: u32, count: u64, seed: u64) {
    let (sim, sink) = world(seed, ServerProfile::Exchange2013);
    let (_, watermark) = subscribe(&sim, freq);
    let t0 = sim.elapsed();
    sim.advance(mins(u64::from(freq)) * count as u32 + secs(30));
    let got = sink.received();
    let offsets: Vec<Duration> = got.iter().map(|r| r.at - t0).collect();
    let want: Vec<Duration> = (1..=count).map(|k| mins(u64::from(freq) * k)).collect();
    assert_eq!(offsets, want, "StatusFrequency {freq}");
    for r in &got {
        assert_eq!(r.kinds(), ["StatusEvent"]);
        let n = only(&r.notifications);
        assert_eq!(n.previous_watermark, watermark);
        assert_eq!(n.events[0].timestamp, None);
        assert_eq!(n.events[0].object, None);
    }
    assert_eq!(deliveries(&sim).iter().map(|d| d.outcome.as_str()).collect::<Vec<_>>(), vec!["ok"; count as usize]);
}

/// exchangelib's default StatusFrequency.
#[test]
fn status_events_every_minute_with_status_frequency_1() {
    status_times(1, 5, 230);
}

/// Secure Mail's StatusFrequency.
#[test]
fn status_events_every_15_minutes_with_status_frequency_15() {
    status_times(15, 3, 231);
}

/// The keep-alive is due StatusFrequency after the last notification of any kind.
#[test]
fn a_notification_restarts_the_keep_alive_period() {
    let (sim, sink) = world(232, ServerProfile::Exchange2013);
    subscribe(&sim, 15);
    let t0 = sim.elapsed();
    sim.advance(mins(5));
    deliver(&sim, "hello");
    sim.advance(mins(16));
    let offsets: Vec<Duration> = sink.received().iter().map(|r| r.at - t0).collect();
    assert_eq!(offsets, [mins(5), mins(20)]);
    assert_eq!(sink.received()[1].kinds(), ["StatusEvent"]);
}

// ---- the subscriber ends it --------------------------------------------------------------------

/// Answering Unsubscribe is the only way a subscriber can end a push subscription.
#[test]
fn answering_unsubscribe_ends_the_subscription_for_good() {
    let (sim, sink) = world(240, ServerProfile::Exchange2013);
    let (id, _) = subscribe(&sim, 1);
    sink.set(SinkAnswer::Unsubscribe);
    let t0 = sim.elapsed();
    deliver(&sim, "one");
    sim.settle();
    assert_eq!(sink.count(), 1);
    let s = subscription(&sim, &id);
    assert_eq!(s["state"], "ended", "{s}");
    assert_eq!(s["at_ms"], ms(t0));
    assert_eq!(s["reason"], "unsubscribed", "{s}");

    sink.set(SinkAnswer::Ok);
    deliver(&sim, "two");
    sim.advance(mins(10));
    deliver(&sim, "three");
    sim.advance(mins(10));
    assert_eq!(sink.count(), 1, "no POST after Unsubscribe");
    let d = deliveries(&sim);
    assert_eq!(d.len(), 1);
    assert_eq!((d[0].at_ms, d[0].retry, d[0].outcome.as_str()), (ms(t0), 0, "unsubscribe"));
}

/// Answering Unsubscribe to a keep-alive ends the subscription too.
#[test]
fn answering_unsubscribe_to_a_status_event_ends_it() {
    let (sim, sink) = world(241, ServerProfile::Exchange2013);
    let (id, _) = subscribe(&sim, 1);
    sink.set(SinkAnswer::Unsubscribe);
    sim.advance(mins(5));
    assert_eq!(sink.count(), 1);
    assert_eq!(subscription(&sim, &id)["state"], "ended");
}

// ---- retries -------------------------------------------------------------------------------------

/// The table schedule for StatusFrequency 15: the first attempt, then retries at 0:30, 1:00,
/// 2:00, 4:00 and 8:00; 16:00 is past the window, and the subscription ends at 15:00.
const TABLE_15: [u64; 6] = [0, 30, 60, 120, 240, 480];

enum Outage {
    Unreachable,
    Status503,
    GarbageAnswer,
}

/// A failed delivery is retried on the schedule while it fits in StatusFrequency, each attempt
/// carrying the whole backlog; when the window closes without a success the subscription ends.
fn retries_until_the_window_closes(outage: Outage, seed: u64) {
    let (sim, sink) = world(seed, ServerProfile::Exchange2013);
    let (id, _) = subscribe(&sim, 15);
    match outage {
        Outage::Unreachable => sink.gate.set(Fault::Unreachable),
        Outage::Status503 => sink.gate.set(Fault::Status { status: 503 }),
        Outage::GarbageAnswer => sink.set(SinkAnswer::Garbage),
    }
    let t0 = sim.elapsed();
    deliver(&sim, "hello");
    sim.advance(secs(10));
    let s = subscription(&sim, &id);
    assert_eq!(s["state"], "retrying", "{s}");
    assert_eq!(s["since_ms"], ms(t0));

    sim.advance(mins(15) - secs(10) - Duration::from_millis(1));
    assert_eq!(subscription(&sim, &id)["state"], "retrying", "still within the window just before 15:00");
    sim.advance(Duration::from_millis(2));
    let s = subscription(&sim, &id);
    assert_eq!(s["state"], "ended", "{s}");
    assert_eq!(s["at_ms"], ms(t0 + mins(15)));
    assert_eq!(s["reason"], "no_successful_delivery", "{s}");

    let d = deliveries(&sim);
    let at: Vec<u64> = d.iter().map(|r| r.at_ms - ms(t0)).collect();
    assert_eq!(at, TABLE_15.map(|s| s * 1000));
    assert_eq!(d.iter().map(|r| r.retry).collect::<Vec<_>>(), [0, 1, 2, 3, 4, 5]);
    for r in &d {
        assert_eq!(r.subscription_id, id);
        // Every attempt carries the whole backlog.
        assert_eq!(r.events, ["NewMailEvent", "CreatedEvent", "ModifiedEvent"]);
        match outage {
            Outage::Unreachable => assert_eq!(r.outcome, "connection to sink.example.test:443 refused"),
            Outage::Status503 => assert_eq!(r.outcome, "HTTP 503"),
            Outage::GarbageAnswer => assert!(r.outcome.starts_with("unusable SendNotificationResult"), "{}", r.outcome),
        }
    }
    match outage {
        // The sink saw every attempt, at the same instants.
        Outage::GarbageAnswer => assert_eq!(sink.received().iter().map(|r| ms(r.at - t0)).collect::<Vec<_>>(), TABLE_15.map(|s| s * 1000)),
        _ => assert_eq!(sink.count(), 0),
    }

    // Once ended, nothing more is sent even when the sink is back.
    sink.gate.clear();
    sink.set(SinkAnswer::Ok);
    let before = sink.count();
    deliver(&sim, "later");
    sim.advance(mins(40));
    assert_eq!(sink.count(), before);
    assert_eq!(deliveries(&sim).len(), 6);
}

/// Connections refused.
#[test]
fn an_unreachable_subscriber_is_retried_on_the_table_schedule_then_dropped() {
    retries_until_the_window_closes(Outage::Unreachable, 250);
}

/// An HTTP error answer.
#[test]
fn a_subscriber_answering_503_is_retried_on_the_table_schedule_then_dropped() {
    retries_until_the_window_closes(Outage::Status503, 251);
}

/// 200 with a body that is not a SendNotificationResult: not an acknowledgement.
#[test]
fn a_subscriber_answering_garbage_is_retried_on_the_table_schedule_then_dropped() {
    retries_until_the_window_closes(Outage::GarbageAnswer, 252);
}

/// A subscriber back within the window loses nothing: the next scheduled retry carries every
/// event of the outage, and the subscription carries on as if nothing happened.
#[test]
fn a_retry_after_recovery_carries_the_backlog_and_keep_alives_resume() {
    let (sim, sink) = world(253, ServerProfile::Exchange2013);
    let (id, watermark) = subscribe(&sim, 15);
    sink.gate.set(Fault::Unreachable);
    let t0 = sim.elapsed();
    deliver(&sim, "one");
    sim.advance(secs(70));
    deliver(&sim, "two");
    sim.advance(secs(80));
    deliver(&sim, "three");
    sim.advance(secs(30)); // +3:00
    sink.gate.clear();
    sim.advance(secs(61)); // +4:01
    let got = sink.received();
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].at - t0, secs(240));
    let n = only(&got[0].notifications);
    assert_eq!(n.previous_watermark, watermark);
    assert!(!n.more_events);
    assert_eq!(got[0].kinds(), ["NewMailEvent", "CreatedEvent", "ModifiedEvent"].repeat(3));
    assert_eq!(n.events.iter().filter_map(|e| e.unread_count).collect::<Vec<_>>(), [1, 2, 3]);
    assert_eq!(subscription(&sim, &id)["state"], "active");

    let d = deliveries(&sim);
    assert_eq!(
        d.iter().map(|r| (r.at_ms - ms(t0), r.retry)).collect::<Vec<_>>(),
        [(0, 0), (30_000, 1), (60_000, 2), (120_000, 3), (240_000, 4)]
    );
    assert_eq!(d.last().unwrap().outcome, "ok");
    assert!(d[..4].iter().all(|r| r.outcome != "ok"));

    // The keep-alive period restarts from the successful retry, and nothing is re-sent.
    sim.advance(mins(31));
    let got = sink.received();
    let offsets: Vec<Duration> = got.iter().map(|r| r.at - t0).collect();
    assert_eq!(offsets, [secs(240), secs(240) + mins(15), secs(240) + mins(30)]);
    assert_eq!(got[1].kinds(), ["StatusEvent"]);
    assert_eq!(only(&got[1].notifications).previous_watermark, n.events.last().unwrap().watermark);
    assert_eq!(subscription(&sim, &id)["state"], "active");
    // New mail after recovery goes out at once.
    let t1 = sim.elapsed();
    deliver(&sim, "four");
    sim.settle();
    let got = sink.received();
    assert_eq!(got.len(), 4);
    assert_eq!(got[3].at, t1);
    assert_eq!(only(&got[3].notifications).events[2].unread_count, Some(4));
}

// ---- batching and resuming ------------------------------------------------------------------------

/// A backlog is sent in batches of 50 events; MoreEvents tells the subscriber another follows.
#[test]
fn more_than_50_pending_events_are_split_with_more_events() {
    let (sim, sink) = world(260, ServerProfile::Exchange2013);
    let (_, watermark) = subscribe(&sim, 15);
    sink.gate.set(Fault::Status { status: 503 });
    for i in 0..17 {
        deliver(&sim, &format!("m{i}"));
    }
    // 17 messages are 51 events; the retry at 0:30 finds the sink back.
    sink.gate.clear();
    sim.advance(secs(31));
    let got = sink.received();
    assert_eq!(got.len(), 2, "{:?}", got.iter().map(|r| r.kinds().len()).collect::<Vec<_>>());
    let first = only(&got[0].notifications);
    let second = only(&got[1].notifications);
    assert_eq!(first.events.len(), 50);
    assert!(first.more_events);
    assert_eq!(first.previous_watermark, watermark);
    assert_eq!(second.events.len(), 1);
    assert!(!second.more_events);
    assert_eq!(second.previous_watermark, first.events.last().unwrap().watermark);
    assert_eq!(second.events[0].kind, EventType::Modified);
    assert_eq!(second.events[0].unread_count, Some(17));
    // The follow-up goes out straight away, not after a keep-alive period.
    assert_eq!(got[1].at, got[0].at);
}

/// A device that lost its subscription resubscribes with its last watermark to get what it missed.
#[test]
fn resubscribing_with_a_watermark_replays_what_came_after_it() {
    let (sim, sink) = world(261, ServerProfile::Exchange2013);
    let (first_id, watermark) = subscribe(&sim, 15);
    // The subscriber drops the first subscription; mail keeps coming.
    sink.set(SinkAnswer::Unsubscribe);
    let a = deliver(&sim, "a");
    sim.settle();
    assert_eq!(subscription(&sim, &first_id)["state"], "ended");
    let b = deliver(&sim, "b");
    sim.settle();
    assert_eq!(sink.count(), 1);

    sink.set(SinkAnswer::Ok);
    let (second_id, _) = subscribe_with(&sim, SchemaVersion::Exchange2013, 15, Some(watermark.clone()));
    assert_ne!(second_id, first_id);
    sim.settle();
    let got = sink.received();
    assert_eq!(got.len(), 2);
    let n = only(&got[1].notifications);
    assert_eq!(n.subscription_id, second_id);
    assert_eq!(n.previous_watermark, watermark);
    assert_eq!(got[1].kinds(), ["NewMailEvent", "CreatedEvent", "ModifiedEvent"].repeat(2));
    let items: Vec<&str> = n
        .events
        .iter()
        .filter(|e| e.kind == EventType::NewMail)
        .filter_map(|e| match &e.object {
            Some(ObjectId::Item { id, .. }) => Some(id.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(items, [a.as_str(), b.as_str()]);

    // Without a watermark, a subscription starts from now: no replay.
    let before = sink.count();
    subscribe(&sim, 15);
    sim.advance(mins(1));
    assert_eq!(sink.count(), before);
}

/// A backlog replayed from a watermark is batched like any other.
#[test]
fn a_resumed_backlog_of_51_events_is_split_too() {
    let (sim, sink) = world(262, ServerProfile::Exchange2013);
    let (_, watermark) = subscribe(&sim, 15);
    sink.set(SinkAnswer::Unsubscribe);
    deliver(&sim, "ends the first subscription");
    sim.settle();
    sink.set(SinkAnswer::Ok);
    // 16 more messages: with the first one's 3 events that is 51 after the watermark.
    for i in 0..16 {
        deliver(&sim, &format!("m{i}"));
    }
    let (_, _) = subscribe_with(&sim, SchemaVersion::Exchange2013, 15, Some(watermark));
    sim.settle();
    let got = sink.received();
    assert_eq!(got.len(), 3);
    assert_eq!(only(&got[1].notifications).events.len(), 50);
    assert!(only(&got[1].notifications).more_events);
    assert_eq!(only(&got[2].notifications).events.len(), 1);
    assert!(!only(&got[2].notifications).more_events);
}

/// The batch limit is inclusive: 50 events need no MoreEvents.
#[test]
fn exactly_50_pending_events_fit_one_notification() {
    let (sim, sink) = world(264, ServerProfile::Exchange2013);
    subscribe(&sim, 15);
    sink.gate.set(Fault::Status { status: 503 });
    let first = deliver(&sim, "m0");
    for i in 1..16 {
        deliver(&sim, &format!("m{i}"));
    }
    // 16 messages are 48 events; reading one adds the item's and the inbox's ModifiedEvent.
    assert_eq!(sim.block_on(exchange_control(&sim).mark_read(ALICE, &first, true)).unwrap().unread, 15);
    sink.gate.clear();
    sim.advance(secs(31));
    let got = sink.received();
    assert_eq!(got.len(), 1);
    let n = only(&got[0].notifications);
    assert_eq!(n.events.len(), 50);
    assert!(!n.more_events);
    assert_eq!(n.events[49].unread_count, Some(15));
}

/// A subscriber that accepts connections and never answers: each attempt gives up after the
/// push timeout (20 s), and retries still start on the schedule, counted from the first attempt.
#[test]
fn a_black_holed_subscriber_times_out_on_every_attempt() {
    let (sim, sink) = world(265, ServerProfile::Exchange2013);
    let (id, _) = subscribe(&sim, 15);
    sink.gate.set(Fault::BlackHole);
    let t0 = sim.elapsed();
    deliver(&sim, "hello");
    sim.advance(mins(15) + secs(1));
    let d = deliveries(&sim);
    assert_eq!(d.iter().map(|r| r.at_ms - ms(t0)).collect::<Vec<_>>(), TABLE_15.map(|s| s * 1000));
    assert!(
        d.iter().all(|r| r.outcome == "request to https://sink.example.test/push timed out after 20000 ms in the TLS handshake"),
        "{d:?}"
    );
    let s = subscription(&sim, &id);
    assert_eq!(s["state"], "ended");
    assert_eq!(s["at_ms"], ms(t0 + mins(15)));
    assert_eq!(sink.count(), 0);
}

/// The documentation's prose reading (each interval doubles), one configuration switch away.
#[test]
fn the_prose_schedule_retries_at_0_30_1_30_3_30_and_7_30() {
    use mailconform_fakes::deployment;
    use mailconform_fakes::exchange::{RetryMode, RetrySchedule};
    let mut sim = Simulation::new(266).unwrap();
    let mut config = deployment::default_exchange_config();
    config.retry = RetrySchedule { mode: RetryMode::DoublingIntervals, first: secs(30) };
    deployment::add_exchange(&mut sim, config, &[]).unwrap();
    let sink = Sink::add(&mut sim);
    let (id, _) = subscribe(&sim, 15);
    sink.gate.set(Fault::Status { status: 503 });
    let t0 = sim.elapsed();
    deliver(&sim, "hello");
    sim.advance(mins(16));
    let d = deliveries(&sim);
    assert_eq!(d.iter().map(|r| r.at_ms - ms(t0)).collect::<Vec<_>>(), [0, 30_000, 90_000, 210_000, 450_000]);
    assert!(d.iter().all(|r| r.outcome == "HTTP 503"), "{d:?}");
    assert_eq!(subscription(&sim, &id)["at_ms"], ms(t0 + mins(15)));
}
