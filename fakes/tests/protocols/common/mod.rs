//! Small helpers shared by the integration tests: a simulation with the default Exchange on it,
//! Basic credentials, one EWS POST, and a push subscriber ("sink") that records what Exchange
//! sends it and answers as the test tells it to.

#![allow(dead_code)]

use bytes::Bytes;
use mailconform_ews::{
    parse_send_notification, write_request, write_send_notification_result, EventType, FolderRef, Notification, Operation,
    PushSubscriptionRequest, SchemaVersion, SubscriptionStatus,
};
use mailconform_fakes::deployment;
use mailconform_fakes::exchange::{ExchangeConfig, ExchangeControl, ServerProfile};
use mailconform_sim::http::response;
use mailconform_sim::tls::ClientAuth;
use mailconform_sim::{ControlClient, FaultGate, FnHandler, Request, RequestOptions, Response, Simulation};
use std::sync::{Arc, Mutex};
use std::time::Duration;

pub(crate) const EWS_URL: &str = "https://mail.example.test/EWS/Exchange.asmx";
pub(crate) const SINK_HOST: &str = "sink.example.test";
pub(crate) const SINK_URL: &str = "https://sink.example.test/push";
pub(crate) const ALICE: &str = "alice@example.test";
pub(crate) const BOB: &str = "bob@example.test";

/// A simulation with the default Exchange (alice and bob) pretending to be `profile`.
pub(crate) fn exchange_sim(seed: u64, profile: ServerProfile) -> Simulation {
    let mut sim = Simulation::new(seed).expect("simulation starts");
    let config = ExchangeConfig { profile, ..deployment::default_exchange_config() };
    deployment::add_exchange(&mut sim, config, &[]).expect("exchange is deployed");
    sim
}

/// The Exchange control API, over the management network (faults never touch it).
pub(crate) fn exchange_control(sim: &Simulation) -> ExchangeControl {
    ExchangeControl(ControlClient::new(sim.control_client(), "https://mail.example.test/_mailconform"))
}

/// `Basic base64(login:password)`.
pub(crate) fn basic(login: &str, password: &str) -> String {
    mailconform_sim::basic_authorization(login, password)
}

pub(crate) fn alice_auth() -> String {
    basic("alice", "alice-pw")
}

pub(crate) fn bob_auth() -> String {
    basic("bob", "bob-pw")
}

/// One request to the EWS endpoint with whatever method, credentials and body the test wants.
pub(crate) fn send_raw(sim: &Simulation, method: http::Method, auth: Option<&str>, body: impl Into<Bytes>) -> Response {
    let mut b = http::Request::builder().method(method).uri(EWS_URL).header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8");
    if let Some(a) = auth {
        b = b.header(http::header::AUTHORIZATION, a);
    }
    let req: Request = b.body(body.into()).expect("request builds");
    sim.block_on(sim.client().send(req, &RequestOptions::default())).expect("EWS answers")
}

/// POST a raw SOAP body to EWS with `auth`.
pub(crate) fn post_ews(sim: &Simulation, auth: &str, body: impl Into<Bytes>) -> Response {
    send_raw(sim, http::Method::POST, Some(auth), body)
}

/// POST `op` written for `version` with `auth`.
pub(crate) fn ews_as(sim: &Simulation, auth: &str, version: SchemaVersion, op: &Operation) -> Response {
    post_ews(sim, auth, write_request(version, op))
}

/// POST `op` as alice, in the Exchange 2013 schema.
pub(crate) fn ews(sim: &Simulation, op: &Operation) -> Response {
    ews_as(sim, &alice_auth(), SchemaVersion::Exchange2013, op)
}

pub(crate) fn body_text(r: &Response) -> String {
    String::from_utf8_lossy(r.body()).into_owned()
}

/// A push subscription to alice's inbox for the events Secure Mail asks for.
pub(crate) fn inbox_push(status_frequency: &str, url: &str) -> PushSubscriptionRequest {
    PushSubscriptionRequest {
        subscribe_to_all_folders: false,
        folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        event_types: vec![EventType::NewMail, EventType::Created, EventType::Modified],
        watermark: None,
        status_frequency: Some(status_frequency.into()),
        url: Some(url.into()),
        caller_data: None,
    }
}

/// How the sink answers the next SendNotification.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SinkAnswer {
    Ok,
    Unsubscribe,
    /// 200 with a body that is not a SendNotificationResult.
    Garbage,
}

/// One SendNotification the sink received: when (virtual time since the run started) and what.
#[derive(Clone, Debug)]
pub(crate) struct Received {
    pub at: Duration,
    pub notifications: Vec<Notification>,
}

impl Received {
    /// Event kinds of the first notification, by wire name.
    pub(crate) fn kinds(&self) -> Vec<&'static str> {
        self.notifications[0].events.iter().map(|e| e.kind.as_str()).collect()
    }
}

/// A push subscriber on [`SINK_HOST`]: records every POST that reaches it and answers with
/// `answer`. `gate` faults the host (unreachable, an HTTP status) the way a network would.
pub(crate) struct Sink {
    pub received: Arc<Mutex<Vec<Received>>>,
    pub answer: Arc<Mutex<SinkAnswer>>,
    pub gate: FaultGate,
}

impl Sink {
    pub(crate) fn add(sim: &mut Simulation) -> Sink {
        let received: Arc<Mutex<Vec<Received>>> = Arc::default();
        let answer = Arc::new(Mutex::new(SinkAnswer::Ok));
        let clock = sim.clock.clone();
        let (rec, ans) = (received.clone(), answer.clone());
        let handler = FnHandler(move |req: Request, _conn| {
            let notifications = parse_send_notification(req.body())
                .unwrap_or_else(|e| panic!("the sink got an unreadable SendNotification: {e}\n{}", String::from_utf8_lossy(req.body())));
            rec.lock().unwrap().push(Received { at: clock.elapsed(), notifications });
            let a = *ans.lock().unwrap();
            async move {
                match a {
                    SinkAnswer::Ok => response(200, "text/xml; charset=utf-8", write_send_notification_result(SubscriptionStatus::Ok)),
                    SinkAnswer::Unsubscribe => {
                        response(200, "text/xml; charset=utf-8", write_send_notification_result(SubscriptionStatus::Unsubscribe))
                    }
                    SinkAnswer::Garbage => response(200, "text/html", "<html><body>It works!</body></html>"),
                }
            }
        });
        let gate = sim.add_host("sink", SINK_HOST, Arc::new(handler), ClientAuth::None, false).expect("sink host");
        Sink { received, answer, gate }
    }

    pub(crate) fn set(&self, a: SinkAnswer) {
        *self.answer.lock().unwrap() = a;
    }

    pub(crate) fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }

    pub(crate) fn count(&self) -> usize {
        self.received.lock().unwrap().len()
    }
}
