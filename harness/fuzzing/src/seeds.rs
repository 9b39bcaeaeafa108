//! The seed corpus of every target, recorded from the project's own protocol exchanges:
//!
//! * `wbxml`, `eas_request`: a full ActiveSync session of the [`EasClient`] against the
//!   [`EasServer`] in a simulation, for protocol versions 12.1, 14.1 and 16.1, every request
//!   and response recorded as it crossed the simulated network;
//! * `ews_request`, `ews_response`: the captured and published EWS messages of
//!   `fakes/ews/testdata`, and what the codec's writers send for each operation;
//! * `ntlm`, `spnego`, `auth_header`: the messages of NTLM handshakes between the project's
//!   initiator and acceptor, raw and inside SPNEGO, and the header values that carry them;
//! * `kerberos`: tickets the fake KDC issues (plain and by constrained delegation), and
//!   their contents before sealing;
//! * `tls_wire`: both directions of real handshakes between the project's OpenSSL client and
//!   server for each version set of the TLS matrix, and a rustls client's and server's hellos;
//! * `apns_request`, `apns_jwt`: the requests the APNs provider client sends (token
//!   authentication) for the pushes the listener and ENS send;
//! * `jwt`: access tokens of the fake OAuth issuer, and their claims.
//!
//! `cargo run -p mailconform-fuzzing --bin make-fuzz-seeds` writes them under `fuzz/seeds/`.

use crate::http_text;
use crate::keys;
use crate::targets::ntlm_fixture;
use bytes::Bytes;
use mailconform_activesync::client::MeetingAnswer;
use mailconform_activesync::store::FolderType;
use mailconform_activesync::{EasClient, EasConfig, EasServer, MemoryStore, NewItem, ProtocolVersion};
use mailconform_apns::provider::{Notification, ProviderAuth, ProviderClient};
use mailconform_auth::kerberos::Kdc;
use mailconform_auth::ntlm::Step;
use mailconform_auth::spnego::{self, Mech};
use mailconform_auth::TokenIssuer;
use mailconform_sim::tls::ClientAuth;
use mailconform_sim::{ConnInfo, FakeEnv, Handler, HandlerFuture, Request, Response, Simulation};
use mailconform_tls::client::{self, ClientOffer};
use mailconform_tls::tap::{Captured, Tap};
use mailconform_tls::{LegacyServer, VersionSet};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// One seed file: `fuzz/seeds/<target>/<name>`.
#[derive(Clone, Debug)]
pub struct Seed {
    /// The target it seeds.
    pub target: &'static str,
    /// Its file name, saying what was recorded.
    pub name: String,
    /// The bytes, as they crossed the wire.
    pub bytes: Vec<u8>,
}

impl Seed {
    fn new(target: &'static str, name: impl Into<String>, bytes: impl Into<Vec<u8>>) -> Seed {
        Seed { target, name: name.into(), bytes: bytes.into() }
    }
}

/// Why a recording could not be made.
#[derive(Debug, thiserror::Error)]
#[allow(missing_docs)] // each variant is the error of the layer it names
pub enum SeedError {
    #[error("simulation: {0}")]
    Sim(#[from] mailconform_sim::SimError),
    #[error("ActiveSync: {0}")]
    Eas(#[from] mailconform_activesync::EasError),
    #[error("authentication: {0}")]
    Auth(#[from] mailconform_auth::AuthError),
    #[error("TLS: {0}")]
    Tls(#[from] mailconform_tls::TlsError),
    #[error("APNs: {0}")]
    Apns(#[from] mailconform_apns::ApnsError),
    #[error("reading {path}: {source}")]
    Read { path: String, source: std::io::Error },
    #[error("{0}")]
    Recording(String),
}

/// Every seed of every target. `workspace` is the repository root (for `fakes/ews/testdata`).
pub fn all(workspace: &Path) -> Result<Vec<Seed>, SeedError> {
    let mut out = activesync()?;
    out.extend(ews(workspace)?);
    out.extend(ntlm_spnego_headers()?);
    out.extend(kerberos()?);
    out.extend(kdc_requests()?);
    out.extend(tls()?);
    out.extend(apns()?);
    out.extend(oauth()?);
    Ok(out)
}

/// The host in front of a fake that records each request and its response.
struct Recorder<H> {
    inner: H,
    log: Arc<Mutex<Vec<(Request, Response)>>>,
}

impl<F> Handler for Recorder<F>
where
    F: Fn(Request) -> HandlerFuture + Send + Sync + 'static,
{
    fn handle(&self, req: Request, _conn: ConnInfo) -> HandlerFuture {
        let log = self.log.clone();
        let answer = (self.inner)(req.clone());
        Box::pin(async move {
            let resp = answer.await;
            log.lock().expect("recording poisoned").push((req, resp.clone()));
            resp
        })
    }
}

type Log = Arc<Mutex<Vec<(Request, Response)>>>;

const EAS_HOST: &str = "mail.example.test";
const EAS_URL: &str = "https://mail.example.test/Microsoft-Server-ActiveSync";

/// A full ActiveSync session per protocol version, recorded.
fn activesync() -> Result<Vec<Seed>, SeedError> {
    let mut out = Vec::new();
    for (seed, version) in [(90, ProtocolVersion::V12_1), (91, ProtocolVersion::V14_1), (92, ProtocolVersion::V16_1)] {
        let mut sim = Simulation::new(seed)?;
        let store = MemoryStore::new().with_clock(sim.clock.clone());
        store.add_user("alice", "alice@example.test");
        store.add_user("bob", "bob@example.test");
        let env = FakeEnv::new(sim.client(), sim.clock.clone(), sim.rng.fork("activesync"));
        let config = EasConfig { policy: Some(Default::default()), enforce_policy: true, ..Default::default() };
        let server = EasServer::new(env, config, store.clone());
        let log = Log::default();
        let handler = move |req: Request| -> HandlerFuture {
            let server = server.clone();
            // The session authenticates as alice; authentication has targets of its own.
            Box::pin(async move { server.handle(req, "alice").await })
        };
        sim.add_host("activesync", EAS_HOST, Arc::new(Recorder { inner: handler, log: log.clone() }), ClientAuth::None, true)?;
        eas_session(&sim, &store, version)?;
        let tag = version.as_str();
        for (i, (req, resp)) in log.lock().expect("recording poisoned").iter().enumerate() {
            let command = req.uri().query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("Cmd="))).unwrap_or("base64");
            let stem = format!("v{tag}-{i:03}-{}", if req.method() == http::Method::POST { command } else { req.method().as_str() });
            if req.method() == http::Method::POST {
                out.push(Seed::new("eas_request", format!("{stem}.txt"), http_text::write(req)));
            }
            for (side, body) in [("request", req.body()), ("response", resp.body())] {
                if !body.is_empty() && mailconform_activesync::decode(body).is_ok() {
                    out.push(Seed::new("wbxml", format!("{stem}-{side}.wbxml"), body.to_vec()));
                }
            }
        }
    }
    Ok(out)
}

/// The session: provisioning refused then done, folder hierarchy, three folders synced, an
/// estimate, a fetch, a flag change, a meeting answer, a sent mail, a move, a Ping a
/// delivery wakes, a delete; base64 queries on versions that allow them.
fn eas_session(sim: &Simulation, store: &MemoryStore, version: ProtocolVersion) -> Result<(), SeedError> {
    let c = EasClient::new(
        sim.client(),
        EAS_URL,
        "alice",
        "secret",
        &format!("fuzz{}", version.as_str().replace('.', "")),
        "SimPhone",
        version,
    );
    let deliver = |item: NewItem| -> Result<String, SeedError> {
        let _inside = sim.enter();
        store.deliver("alice", item).map_err(|e| SeedError::Recording(e.to_string()))
    };
    c.set_auto_provision(false);
    let _ = sim.block_on(c.folder_sync());
    c.set_auto_provision(true);
    deliver(NewItem::email("bob@example.test", "alice@example.test", "one", "Body of one"))?;
    deliver(NewItem::email("bob@example.test", "alice@example.test", "two", "Body of two"))?;
    deliver(NewItem::meeting_request(
        "bob@example.test",
        "alice@example.test",
        "Review",
        "2026-01-06T10:00:00.000Z",
        "2026-01-06T11:00:00.000Z",
        "Room 1",
        "uid-review-1",
    ))?;
    sim.block_on(c.options())?;
    sim.block_on(c.provision())?;
    sim.block_on(c.folder_sync())?;
    let folder = |t: FolderType| c.folder_id(t).ok_or_else(|| SeedError::Recording(format!("no {t:?} folder after FolderSync")));
    let inbox = folder(FolderType::Inbox)?;
    for t in [FolderType::Inbox, FolderType::Calendar, FolderType::Contacts] {
        sim.block_on(c.sync(&folder(t)?))?;
    }
    let items = c.items(&inbox);
    let by_subject = |s: &str| {
        items
            .iter()
            .find(|i| i.subject() == Some(s))
            .map(|i| i.server_id.clone())
            .ok_or_else(|| SeedError::Recording(format!("no item {s:?}")))
    };
    let (first, second, meeting) = (by_subject("one")?, by_subject("two")?, by_subject("Review")?);
    sim.block_on(c.estimate(&inbox))?;
    sim.block_on(c.fetch(&inbox, &first))?;
    sim.block_on(c.set_read(&inbox, &first, true))?;
    sim.block_on(c.meeting_response(&inbox, &meeting, MeetingAnswer::Accept))?;
    sim.block_on(c.send_mail(b"From: alice@example.test\r\nTo: bob@example.test\r\nSubject: hi\r\n\r\nhello\r\n"))?;
    sim.block_on(c.user_addresses())?;
    if version.allows_base64_query() {
        c.set_base64_query(true);
    }
    sim.block_on(c.delete(&inbox, &second))?;
    let folders = [(inbox.as_str(), "Email")];
    let late = NewItem::email("bob@example.test", "alice@example.test", "three", "late");
    let (outcome, delivered) = sim.block_on(async {
        tokio::join!(c.ping(Some(&folders), Some(480)), async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            store.deliver("alice", late).map_err(|e| SeedError::Recording(e.to_string()))
        })
    });
    outcome?;
    delivered?;
    sim.block_on(c.sync(&inbox))?;
    Ok(())
}

/// The EWS samples of `fakes/ews/testdata`, sorted by the side that reads them, and what the
/// codec's writers send.
fn ews(workspace: &Path) -> Result<Vec<Seed>, SeedError> {
    use mailconform_ews as ews;
    let mut out = Vec::new();
    let dir = workspace.join("fakes/ews/testdata");
    let read_err = |source| SeedError::Read { path: dir.display().to_string(), source };
    let mut files: Vec<_> = std::fs::read_dir(&dir).map_err(read_err)?.filter_map(Result::ok).map(|e| e.path()).collect();
    files.sort();
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "xml")) {
        let bytes = std::fs::read(path).map_err(|source| SeedError::Read { path: path.display().to_string(), source })?;
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        // Every SOAP message parses as a request of some operation; the server's requests are
        // the ones of an operation it serves.
        let served = ews::parse_request(&bytes).is_ok_and(|r| !matches!(r.operation, ews::Operation::Other(_)));
        let target = if served { "ews_request" } else { "ews_response" };
        out.push(Seed::new(target, name, bytes));
    }
    let inbox = ews::FolderRef::Distinguished { id: "inbox".into(), mailbox: Some("alice@example.test".into()) };
    let by_id = ews::FolderRef::Id { id: "AAMkAGI2TG93AAA=".into(), change_key: Some("AQAAABYAAAA".into()) };
    let subscribe = ews::PushSubscriptionRequest {
        subscribe_to_all_folders: false,
        folder_ids: vec![inbox.clone(), by_id.clone()],
        event_types: vec![ews::EventType::NewMail, ews::EventType::Modified, ews::EventType::Created],
        watermark: Some("AQAAAA==".into()),
        status_frequency: Some("30".into()),
        url: Some("https://listener.example.test/ews/notify".into()),
        caller_data: Some("device-1".into()),
    };
    let inbox_of_caller = ews::FolderRef::Distinguished { id: "inbox".into(), mailbox: None };
    let sent = ews::NewMessage::text("Quarterly figures", "See attached.", &["bob@example.test"]);
    let item = ews::ItemRef { id: "AAMkItem1".into(), change_key: Some("CQAAAA00000001".into()) };
    let read_change = ews::ItemChange::set_is_read(item.clone(), true);
    let operations = [
        ("get-folder", ews::Operation::GetFolder { folder_ids: vec![inbox, by_id], base_shape: Some("IdOnly".into()) }),
        ("subscribe", ews::Operation::Subscribe(subscribe)),
        ("unsubscribe", ews::Operation::Unsubscribe { subscription_id: "FgBtYWlsLmV4YW1wbGUudGVzdA==".into() }),
        ("convert-id", ews::Operation::ConvertId),
        ("resolve-names", ews::Operation::ResolveNames { unresolved: "alice".into() }),
        ("create-item", ews::Operation::CreateItem(ews::CreateItemRequest::send_and_save_copy(vec![sent.clone()]))),
        ("find-item", ews::Operation::FindItem(ews::FindItemRequest::inbox_subjects())),
        ("update-item", ews::Operation::UpdateItem(ews::UpdateItemRequest::always_overwrite(vec![read_change.clone()]))),
        (
            "mark-all-read",
            ews::Operation::MarkAllItemsAsRead(ews::MarkAllItemsAsReadRequest {
                read_flag: true,
                suppress_read_receipts: true,
                folder_ids: vec![inbox_of_caller.clone()],
            }),
        ),
    ];
    for version in [ews::SchemaVersion::Exchange2007Sp1, ews::SchemaVersion::Exchange2010Sp2, ews::SchemaVersion::Exchange2016] {
        for (name, op) in &operations {
            out.push(Seed::new("ews_request", format!("written-{version}-{name}.xml"), ews::write_request(version, op)));
        }
    }
    let server = ews::ServerVersionInfo::for_schema(ews::SchemaVersion::Exchange2016);
    let event = |kind, watermark: &str| ews::Event {
        kind,
        watermark: watermark.into(),
        timestamp: Some("2026-01-05T09:00:30Z".into()),
        object: Some(ews::ObjectId::Item { id: "AAMkItem1".into(), change_key: Some("CQAAAA==".into()) }),
        parent_folder_id: Some(("AAMkInbox".into(), Some("AQAAAA==".into()))),
        old_object: None,
        old_parent_folder_id: None,
        unread_count: None,
    };
    let mut folder_modified = event(ews::EventType::Modified, "AQAAAC==");
    folder_modified.object = Some(ews::ObjectId::Folder { id: "AAMkInbox".into(), change_key: None });
    folder_modified.unread_count = Some(3);
    let mut moved = event(ews::EventType::Moved, "AQAAAD==");
    moved.old_object = Some(ews::ObjectId::Item { id: "AAMkItem0".into(), change_key: None });
    moved.old_parent_folder_id = Some(("AAMkDrafts".into(), None));
    let mut status = event(ews::EventType::Status, "AQAAAE==");
    (status.timestamp, status.object, status.parent_folder_id) = (None, None, None);
    let notification = ews::Notification {
        subscription_id: "FgBtYWlsLmV4YW1wbGUudGVzdA==".into(),
        previous_watermark: "AQAAAA==".into(),
        more_events: false,
        events: vec![event(ews::EventType::NewMail, "AQAAAB=="), folder_modified, moved],
    };
    let heartbeat = ews::Notification { events: vec![status], ..notification.clone() };
    let not_found =
        ews::ResponseError { code: ews::ResponseCode::ErrorInvalidSubscription, message: "The subscription is invalid.".into() };
    let folder = ews::FolderInfo {
        folder_id: "AAMkInbox".into(),
        change_key: "AQAAAA==".into(),
        display_name: "Inbox".into(),
        total_count: 12,
        unread_count: 3,
        child_folder_count: 0,
    };
    let written = [
        ("send-notification", ews::write_send_notification(ews::SchemaVersion::Exchange2010Sp2, &[notification])),
        ("send-notification-status", ews::write_send_notification(ews::SchemaVersion::Exchange2016, &[heartbeat])),
        ("send-notification-result-ok", ews::write_send_notification_result(ews::SubscriptionStatus::Ok)),
        ("send-notification-result-unsubscribe", ews::write_send_notification_result(ews::SubscriptionStatus::Unsubscribe)),
        ("subscribe-response", ews::write_subscribe_response(&server, &Ok(("FgBtYWls".into(), "AQAAAA==".into())))),
        ("subscribe-error", ews::write_subscribe_response(&server, &Err(not_found.clone()))),
        ("get-folder-response", ews::write_get_folder_response(&server, &[Ok(folder), Err(not_found.clone())])),
        ("unsubscribe-response", ews::write_unsubscribe_response(&server, &Ok(()))),
        ("create-item-response", ews::write_create_item_response(&server, &[Ok(None), Ok(Some(item.clone()))])),
        (
            "find-item-response",
            ews::write_find_item_response(
                &server,
                &[
                    Ok(ews::FoundItems {
                        total_items_in_view: 1,
                        includes_last_item_in_range: true,
                        indexed_paging_offset: None,
                        items: vec![ews::FoundItem {
                            item: item.clone(),
                            subject: Some("Quarterly figures".into()),
                            from: Some("bob@example.test".into()),
                            is_read: Some(false),
                        }],
                    }),
                    Err(not_found.clone()),
                ],
            ),
        ),
        (
            "update-item-response",
            ews::write_update_item_response(&server, &[Ok(ews::UpdatedItem { item: Some(item.clone()), conflict_count: 0 })]),
        ),
        ("mark-all-read-response", ews::write_mark_all_read_response(&server, &[Ok(())])),
        ("error-response", ews::write_error_response(&server, "Subscribe", &not_found)),
        ("fault", ews::write_fault(Some(&server), &ews::Fault::schema_error("The request failed schema validation."))),
        ("fault-back-off", ews::write_fault_with_back_off(Some(&server), &ews::Fault::schema_error("busy"), Some(30_000))),
    ];
    for (name, xml) in written {
        out.push(Seed::new("ews_response", format!("written-{name}.xml"), xml));
    }
    Ok(out)
}

/// NTLM handshakes (Windows-style with MIC, and with the user as a UPN), each message raw and
/// in SPNEGO, and the header values that carry them.
fn ntlm_spnego_headers() -> Result<Vec<Seed>, SeedError> {
    use base64::engine::general_purpose::STANDARD;
    use base64::Engine;
    let mut out = Vec::new();
    let (acceptor, challenge) = ntlm_fixture::challenged();
    let (initiator, negotiate) = ntlm_fixture::initiator();
    let authenticate = initiator.authenticate(&challenge, ntlm_fixture::CLIENT_CHALLENGE)?;
    match acceptor.step(1, &authenticate, ntlm_fixture::SERVER_CHALLENGE, ntlm_fixture::NOW_MILLIS, ntlm_fixture::passwords)? {
        Step::Authenticated(_) => {}
        other => return Err(SeedError::Recording(format!("the fixture handshake did not authenticate: {other:?}"))),
    }
    let mut upn = mailconform_auth::NtlmInitiator::new("alice@example.test", ntlm_fixture::PASSWORD, "SIMPHONE");
    let upn_negotiate = upn.negotiate();
    let other_server = ntlm_fixture::acceptor();
    let Step::Challenge(upn_challenge) =
        other_server.step(7, &upn_negotiate, *b"\x11\x22\x33\x44\x55\x66\x77\x88", ntlm_fixture::NOW_MILLIS, ntlm_fixture::passwords)?
    else {
        return Err(SeedError::Recording("no CHALLENGE for the UPN client".into()));
    };
    let upn_authenticate = upn.authenticate(&upn_challenge, *b"upnupnup")?;
    let messages = [
        ("negotiate", &negotiate),
        ("challenge", &challenge),
        ("authenticate", &authenticate),
        ("upn-challenge", &upn_challenge),
        ("upn-authenticate", &upn_authenticate),
    ];
    for (name, m) in messages {
        out.push(Seed::new("ntlm", format!("{name}.bin"), m.clone()));
        out.push(Seed::new("spnego", format!("raw-ntlm-{name}.bin"), m.clone()));
    }
    let wrapped_negotiate = spnego::neg_token_init(Mech::Ntlm, &negotiate);
    let wrapped_challenge = spnego::neg_token_resp(spnego::state::ACCEPT_INCOMPLETE, Some(Mech::Ntlm), Some(&challenge));
    let wrapped_authenticate = spnego::neg_token_resp(spnego::state::ACCEPT_INCOMPLETE, None, Some(&authenticate));
    out.push(Seed::new("spnego", "neg-token-init-ntlm.der", wrapped_negotiate.clone()));
    out.push(Seed::new("spnego", "neg-token-resp-challenge.der", wrapped_challenge));
    out.push(Seed::new("spnego", "neg-token-resp-authenticate.der", wrapped_authenticate.clone()));
    let headers = [
        ("www-authenticate-offer", "Negotiate, NTLM, Basic realm=\"mail.example.test\"".to_string()),
        ("www-authenticate-ntlm-challenge", format!("NTLM {}", STANDARD.encode(&challenge))),
        ("www-authenticate-bearer-error", "Bearer realm=\"\", error=\"invalid_token\", error_description=\"The token is expired\"".into()),
        ("authorization-ntlm-negotiate", format!("NTLM {}", STANDARD.encode(&negotiate))),
        ("authorization-ntlm-authenticate", format!("NTLM {}", STANDARD.encode(&authenticate))),
        ("authorization-negotiate-ntlm", format!("Negotiate {}", STANDARD.encode(&wrapped_negotiate))),
        ("authorization-negotiate-authenticate", format!("Negotiate {}", STANDARD.encode(&wrapped_authenticate))),
        ("authorization-basic", format!("Basic {}", STANDARD.encode("EXAMPLE\\alice:alice-pw"))),
    ];
    for (name, value) in headers {
        out.push(Seed::new("auth_header", format!("{name}.txt"), value));
    }
    Ok(out)
}

/// Tickets of the fake KDC for the fixture service: to a user, and by S4U to a gateway.
fn kerberos() -> Result<Vec<Seed>, SeedError> {
    use base64::Engine;
    let sim = Simulation::new(93)?;
    let _inside = sim.enter();
    let kdc = Kdc::new(keys::REALM, sim.clock.clone(), sim.rng.fork("kdc"));
    kdc.add_user(keys::USER_UPN, keys::USER_PASSWORD);
    kdc.add_service(keys::SERVICE_SPN, keys::SERVICE_PASSWORD, &[]);
    kdc.add_service("HTTP/seg.example.test", "seg-service-password", &[keys::SERVICE_SPN]);
    let direct = kdc.ticket(keys::USER_UPN, keys::USER_PASSWORD, keys::SERVICE_SPN)?;
    let delegated = kdc.s4u("HTTP/seg.example.test", "seg-service-password", keys::USER_UPN, keys::SERVICE_SPN)?;
    let mut out = Vec::new();
    for (name, t) in [("ticket", &direct), ("s4u-ticket", &delegated)] {
        out.push(Seed::new("kerberos", format!("{name}-ap-req.der"), [&[0u8][..], &t.ap_req].concat()));
        out.push(Seed::new("kerberos", format!("{name}-contents.der"), [&[1u8][..], &t.info.to_der()].concat()));
        out.push(Seed::new("spnego", format!("{name}-neg-token-init.der"), t.negotiate_token()));
        out.push(Seed::new("spnego", format!("{name}-gss-krb5.der"), spnego::kerberos_token(&t.ap_req)));
        let header = t.authorization();
        let token = header.strip_prefix("Negotiate ").unwrap_or(&header);
        if base64::engine::general_purpose::STANDARD.decode(token).is_ok() {
            out.push(Seed::new("auth_header", format!("authorization-negotiate-kerberos-{name}.txt"), header.clone()));
        }
    }
    Ok(out)
}

/// The requests the project's Kerberos client sends the fixture KDC: SEG's constrained
/// delegation (its AS-REQ without and with pre-authentication, S4U2Self, S4U2Proxy) and a
/// user's TGT, as they crossed a TCP connection.
fn kdc_requests() -> Result<Vec<Seed>, SeedError> {
    use mailconform_auth::krb5::{KdcService, Krb5Client, Principal};
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| SeedError::Recording(e.to_string()))?;
    let recorded: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let recorded_ap_req: Arc<Mutex<Vec<Vec<u8>>>> = Arc::default();
    let kept = recorded.clone();
    rt.block_on(async move {
        let kdc = Arc::new(KdcService::new(keys::kdc(mailconform_sim::Clock::simulated())));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.map_err(|e| SeedError::Recording(e.to_string()))?;
        let addr = listener.local_addr().map_err(|e| SeedError::Recording(e.to_string()))?.to_string();
        tokio::spawn(async move {
            while let Ok((mut stream, _)) = listener.accept().await {
                let mut length = [0u8; 4];
                if stream.read_exact(&mut length).await.is_err() {
                    continue;
                }
                let mut request = vec![0; u32::from_be_bytes(length) as usize];
                if stream.read_exact(&mut request).await.is_err() {
                    continue;
                }
                let answer = kdc.answer(&request);
                kept.lock().expect("recording poisoned").push(request);
                let mut framed = (answer.len() as u32).to_be_bytes().to_vec();
                framed.extend_from_slice(&answer);
                let _ = stream.write_all(&framed).await;
            }
        });
        let client = Krb5Client::new(&addr, keys::REALM, Duration::from_secs(10));
        let failed = |e: mailconform_auth::krb5::Krb5Error| SeedError::Recording(e.to_string());
        let ap_req =
            client.delegate(keys::SEG_SPN, keys::SEG_PASSWORD, keys::USER_UPN, keys::SERVICE_SPN, keys::NOW_SECS).await.map_err(failed)?;
        client.tgt(&Principal::from_upn(keys::USER_UPN, keys::REALM), keys::USER_PASSWORD, keys::NOW_SECS).await.map_err(failed)?;
        Ok::<Vec<u8>, SeedError>(ap_req)
    })
    .map(|ap_req| {
        // The AP-REQ SEG presents with the ticket: the service's keytab opens real ones too.
        recorded_ap_req.lock().expect("recording poisoned").push(ap_req);
    })?;
    let names = ["seg-as-req", "seg-as-req-preauth", "tgs-req-s4u2self", "tgs-req-s4u2proxy", "user-as-req", "user-as-req-preauth"];
    let requests = recorded.lock().expect("recording poisoned").clone();
    if requests.len() != names.len() {
        return Err(SeedError::Recording(format!("{} Kerberos requests recorded, {} expected", requests.len(), names.len())));
    }
    let mut out: Vec<Seed> =
        names.iter().zip(requests).map(|(name, request)| Seed::new("kdc_request", format!("{name}.der"), request)).collect();
    for ap_req in recorded_ap_req.lock().expect("recording poisoned").iter() {
        out.push(Seed::new("kerberos", "real-s4u-ap-req.der", [&[0u8][..], ap_req].concat()));
    }
    Ok(out)
}

/// Real handshakes between the project's OpenSSL client and server, each direction's first
/// records; and the hellos of rustls (the simulation's TLS).
fn tls() -> Result<Vec<Seed>, SeedError> {
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().map_err(|e| SeedError::Recording(e.to_string()))?;
    let mut out = rt.block_on(async {
        let now = time::OffsetDateTime::from_unix_timestamp(keys::NOW_SECS as i64).map_err(|e| SeedError::Recording(e.to_string()))?;
        let pki = mailconform_sim::Pki::new(now)?;
        let leaf = pki.ca.server_leaf_rsa(&[mailconform_tls::matrix::HOST], now)?;
        let mut out = Vec::new();
        let set = |s: &str| VersionSet::parse(s).map_err(SeedError::Tls);
        let cases = [
            ("ssl3", "ssl3", false),
            ("tls1.0", "tls1.0", false),
            ("tls1.0,tls1.1,tls1.2", "tls1.0,tls1.1,tls1.2", false),
            ("tls1.2,tls1.3", "tls1.2,tls1.3", false),
            ("tls1.0,tls1.1,tls1.2", "tls1.2,tls1.3", true),
            ("ssl3,tls1.0", "tls1.2,tls1.3", false),
            ("tls1.2,tls1.3", "ssl3", false),
            ("tls1.3", "tls1.2", false),
        ];
        for (client_set, server_set, fallback) in cases {
            use mailconform_sim::StreamAcceptor;
            let server = LegacyServer::new(set(server_set)?, &leaf)?;
            let mut offer = ClientOffer::new(set(client_set)?, mailconform_tls::matrix::HOST);
            offer.fallback_scsv = fallback;
            let (c, s) = tokio::io::duplex(64 * 1024);
            let serve = tokio::spawn(server.accept(Box::new(s)));
            let captured = Captured::default();
            let (_, stream) = client::connect(Tap { inner: c, captured: captured.clone() }, &offer).await?;
            drop(stream);
            let _ = serve.await;
            let stem = format!("openssl-{client_set}-to-{server_set}{}", if fallback { "-fallback" } else { "" }).replace(',', "+");
            out.push(Seed::new("tls_wire", format!("{stem}-client.bin"), first_records(&captured.written_bytes())));
            out.push(Seed::new("tls_wire", format!("{stem}-server.bin"), first_records(&captured.read_bytes())));
        }
        Ok::<_, SeedError>(out)
    })?;
    out.extend(rustls_hellos()?);
    Ok(out)
}

/// A rustls client's ClientHello and the server's first flight in answer.
fn rustls_hellos() -> Result<Vec<Seed>, SeedError> {
    let sim = Simulation::new(94)?;
    let _inside = sim.enter();
    let now = sim.clock.offset_date_time();
    let leaf = sim.pki.ca.server_leaf(&["mail.example.test"], now)?;
    let client_config = mailconform_sim::tls::client_config_accepting_any(None, &sim.clock, &[b"h2", b"http/1.1"])?;
    let server_config = mailconform_sim::tls::server_config(&leaf, ClientAuth::None, &sim.clock, &[b"h2", b"http/1.1"])?;
    let rec = |e: rustls::Error| SeedError::Recording(e.to_string());
    let name = rustls::pki_types::ServerName::try_from("mail.example.test").map_err(|e| SeedError::Recording(e.to_string()))?;
    let mut client = rustls::ClientConnection::new(client_config, name).map_err(rec)?;
    let mut hello = Vec::new();
    client.write_tls(&mut hello).map_err(|e| SeedError::Recording(e.to_string()))?;
    let mut server = rustls::ServerConnection::new(server_config).map_err(rec)?;
    server.read_tls(&mut hello.as_slice()).map_err(|e| SeedError::Recording(e.to_string()))?;
    server.process_new_packets().map_err(rec)?;
    let mut flight = Vec::new();
    while server.wants_write() {
        server.write_tls(&mut flight).map_err(|e| SeedError::Recording(e.to_string()))?;
    }
    Ok(vec![
        Seed::new("tls_wire", "rustls-client-hello.bin", hello),
        Seed::new("tls_wire", "rustls-server-flight.bin", first_records(&flight)),
    ])
}

/// The whole records at the start of `bytes`, up to 4 KiB (at least the first): the hello and
/// what follows it in the clear, not a certificate chain's worth of bytes.
fn first_records(bytes: &[u8]) -> Vec<u8> {
    let mut end = 0;
    while let Ok(Some((_, n))) = mailconform_tls::wire::parse_record(&bytes[end..]) {
        if end > 0 && end + n > 4096 {
            break;
        }
        end += n;
    }
    bytes[..end].to_vec()
}

const APNS_HOST: &str = "api.push.apple.test";

/// The pushes of the listener (badge, background wake) and of ENS, with and without the
/// optional headers, sent by the provider client in token mode and recorded.
fn apns() -> Result<Vec<Seed>, SeedError> {
    let mut sim = Simulation::new(95)?;
    let log = Log::default();
    let handler = |_req: Request| -> HandlerFuture {
        Box::pin(async move {
            let mut resp = Response::new(Bytes::new());
            resp.headers_mut().insert("apns-id", http::HeaderValue::from_static("eabeae54-14a8-11e5-b60b-1697f925ec7b"));
            resp
        })
    };
    sim.add_host("apns", APNS_HOST, Arc::new(Recorder { inner: handler, log: log.clone() }), ClientAuth::None, false)?;
    let auth = ProviderAuth::Token { team_id: keys::APNS_TEAM_ID.into(), key_id: keys::APNS_KEY_ID.into(), pkcs8_der: keys::apns_pkcs8() };
    let provider = {
        let _inside = sim.enter();
        ProviderClient::new(sim.client(), sim.clock.clone(), &format!("https://{APNS_HOST}"), auth)?
    };
    let token = "7f3a9c2e5b1d4f6a8c0e2b4d6f8a0c2e4b6d8f0a2c4e6b8d0f2a4c6e8b0d2f4a";
    let push = |n: Notification| sim.block_on(provider.send(&n));
    let json = |v: serde_json::Value| Bytes::from(serde_json::to_vec(&v).unwrap_or_default());
    let base = Notification { device_token: token.into(), topic: Some("com.example.securemail".into()), ..Default::default() };
    push(Notification {
        push_type: Some("alert".into()),
        priority: Some(10),
        payload: json(serde_json::json!({"aps": {"badge": 3}})),
        ..base.clone()
    })?;
    push(Notification {
        push_type: Some("background".into()),
        priority: Some(5),
        payload: json(serde_json::json!({"aps": {"content-available": 1}})),
        ..base.clone()
    })?;
    push(Notification {
        push_type: Some("alert".into()),
        priority: Some(10),
        apns_id: Some("123e4567-e89b-12d3-a456-426614174000".into()),
        collapse_id: Some("inbox-alice".into()),
        expiration: Some(keys::NOW_SECS + 3600),
        payload: json(serde_json::json!({"aps": {"badge": 1, "content-available": 1}, "account": "alice@example.test"})),
        ..base.clone()
    })?;
    push(Notification {
        topic: Some("com.example.securemail.voip".into()),
        push_type: Some("voip".into()),
        priority: Some(10),
        payload: json(serde_json::json!({"aps": {"alert": {"title": "New mail", "body": "From bob"}, "sound": "default"}})),
        ..base
    })?;
    let mut out = Vec::new();
    for (i, (req, _)) in log.lock().expect("recording poisoned").iter().enumerate() {
        out.push(Seed::new("apns_request", format!("push-{i}.txt"), http_text::write(req)));
        if let Some(v) = req.headers().get("authorization") {
            out.push(Seed::new("apns_jwt", format!("authorization-{i}.txt"), v.as_bytes().to_vec()));
        }
    }
    Ok(out)
}

/// Access tokens of the fixture issuer, each as a token and as its claims.
fn oauth() -> Result<Vec<Seed>, SeedError> {
    use base64::Engine;
    let issuer = TokenIssuer::from_pkcs8(keys::OAUTH_ISSUER, keys::OAUTH_KID, &keys::oauth_pkcs8())?;
    let now = keys::NOW_SECS;
    let tokens = [
        ("ews-access", issuer.issue(keys::USER_UPN, keys::OAUTH_AUDIENCE, now, 3600)),
        ("ews-access-trailing-slash", issuer.issue("bob@example.test", &format!("{}/", keys::OAUTH_AUDIENCE), now - 600, 3600)),
        (
            "audience-list-email",
            issuer.sign(&serde_json::json!({
                "iss": keys::OAUTH_ISSUER, "aud": ["https://graph.example.test", keys::OAUTH_AUDIENCE],
                "email": "carol@example.test", "nbf": now - 60, "exp": now + 600, "scp": "EWS.AccessAsUser.All",
            })),
        ),
    ];
    let mut out = Vec::new();
    for (name, token) in tokens {
        out.push(Seed::new("jwt", format!("{name}-token.txt"), [&[0u8][..], token.as_bytes()].concat()));
        let claims = token
            .split('.')
            .nth(1)
            .and_then(|c| base64::engine::general_purpose::URL_SAFE_NO_PAD.decode(c).ok())
            .ok_or_else(|| SeedError::Recording(format!("the {name} token has no claims part")))?;
        out.push(Seed::new("jwt", format!("{name}-claims.json"), [&[1u8][..], &claims].concat()));
    }
    Ok(out)
}
