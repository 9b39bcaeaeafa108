//! Exchange's push engine against a listener that answers, over real TCP, with the bodies of
//! Microsoft's published examples, replayed by wiremock: the push client's `SendNotificationResult`
//! of [MS-OXWSNTIF] section 4, `OK` then `Unsubscribe` (`mailconform-ews`'s
//! `testdata/ms-oxwsntif-result-*.xml`, their shape named in its README). Exchange must read
//! both as Microsoft wrote them: keep the subscription after `OK`, end it after `Unsubscribe`
//! and send nothing more; and what it posts must be a SendNotification a listener can read.

use crate::common;

use common::*;
use mailconform_ews::{parse_send_notification, parse_subscribe_response, EventType, Operation, SchemaVersion};
use mailconform_fakes::deployment;
use mailconform_sim::Simulation;
use std::time::Duration;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const OK: &str = include_str!("../../ews/testdata/ms-oxwsntif-result-ok.xml");
const UNSUBSCRIBE: &str = include_str!("../../ews/testdata/ms-oxwsntif-result-unsubscribe.xml");

fn answer(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).insert_header("content-type", "text/xml; charset=utf-8").set_body_string(body)
}

/// Waits (real time) until `done` holds, for at most 10 s.
fn until(sim: &Simulation, what: &str, mut done: impl FnMut(&Simulation) -> bool) {
    for _ in 0..100 {
        if done(sim) {
            return;
        }
        sim.advance(Duration::from_millis(100));
    }
    panic!("{what} did not happen within 10 s");
}

#[test]
fn exchange_keeps_a_subscription_after_ok_and_ends_it_after_unsubscribe_as_microsofts_examples_write_them() {
    let mut sim = Simulation::live(3).expect("a live simulation");
    deployment::add_exchange(&mut sim, deployment::default_exchange_config(), &[]).expect("exchange is deployed");
    let listener = sim.block_on(MockServer::start());
    let port = listener.address().port();
    sim.net.pass_through("127.0.0.1", port);
    sim.block_on(Mock::given(method("POST")).and(path("/ews/push")).respond_with(answer(OK)).up_to_n_times(1).mount(&listener));
    sim.block_on(Mock::given(method("POST")).and(path("/ews/push")).respond_with(answer(UNSUBSCRIBE)).mount(&listener));

    let url = format!("{}/ews/push", listener.uri());
    let r = ews_as(&sim, &alice_auth(), SchemaVersion::Exchange2013, &Operation::Subscribe(inbox_push("30", &url)));
    assert_eq!(r.status(), 200, "{}", body_text(&r));
    let (id, _) = parse_subscribe_response(r.body()).unwrap().unwrap_or_else(|e| panic!("Subscribe refused: {e:?}"));
    let control = exchange_control(&sim);
    let state = |sim: &Simulation| {
        let subs = sim.block_on(control.subscriptions()).expect("subscriptions");
        subs.into_iter().find(|s| s.id == id).expect("the subscription is listed").state
    };

    sim.block_on(control.deliver(ALICE, "First")).expect("delivered");
    until(&sim, "the first notification", |s| s.block_on(listener.received_requests()).is_some_and(|r| r.len() == 1));
    let first = &sim.block_on(listener.received_requests()).expect("recording")[0];
    let notifications = parse_send_notification(&first.body).unwrap_or_else(|e| panic!("Exchange's POST is not a SendNotification: {e:?}"));
    assert!(
        notifications.iter().any(|n| n.subscription_id == id && n.events.iter().any(|e| e.kind == EventType::NewMail)),
        "{notifications:?}"
    );
    sim.advance(Duration::from_millis(300));
    assert!(!state(&sim).is_ended(), "after OK the subscription goes on: {:?}", state(&sim));

    sim.block_on(control.deliver(ALICE, "Second")).expect("delivered");
    until(&sim, "the end of the subscription", |s| state(s).is_ended());
    let ended = format!("{:?}", state(&sim));
    assert!(ended.contains("Unsubscribed"), "{ended}");

    sim.block_on(control.deliver(ALICE, "Third")).expect("delivered");
    sim.advance(Duration::from_millis(500));
    assert_eq!(sim.block_on(listener.received_requests()).map(|r| r.len()), Some(2), "nothing is sent on an ended subscription");
}
