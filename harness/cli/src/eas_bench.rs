//! ActiveSync figures: how fast the WBXML codec turns documents into bytes and back, and how
//! many full EAS sync sessions (OPTIONS → Provision → FolderSync → Sync of the Inbox) the
//! simulation carries per second against the Exchange fake.

use crate::bench_error::BenchError;
use mailconform_activesync::client::{DeviceInformation, ProvisionOutcome};
use mailconform_activesync::store::FolderType;
use mailconform_activesync::{
    bodies, decode, el, empty, encode, leaf, AirSync, AirSyncBase, DevicePolicy, Document, EasClient, Element, Email, ProtocolVersion,
    Provision,
};
use mailconform_fakes::defaults;
use mailconform_fakes::deployment::{self, Roles};
use mailconform_fakes::exchange::ExchangeConfig;
use mailconform_sim::{HttpClient, Simulation};
use std::hint::black_box;
use std::sync::Barrier;
use std::time::{Duration, Instant};

/// Messages in each user's Inbox in the session measurement.
pub(crate) const MESSAGES_PER_USER: usize = 20;
/// Email items in each Sync response of the codec corpus.
pub(crate) const ITEMS_PER_SYNC: usize = 50;
/// Wall time each figure runs for at least.
pub(crate) const MIN_WALL: Duration = Duration::from_millis(300);
/// Most rounds of sessions one figure runs, however short they are.
const MAX_ROUNDS: usize = 1000;

const PASSWORD: &str = "pw";
const SUBJECT_PREFIX: &str = "Quarterly report";

/// WBXML codec throughput over the corpus, in bytes of WBXML.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CodecThroughput {
    /// Documents in the corpus.
    pub documents: usize,
    /// WBXML bytes of one pass over the corpus.
    pub corpus_bytes: usize,
    /// WBXML bytes produced by `encode`, and the wall time it took.
    pub encoded_bytes: u64,
    pub encode_wall: Duration,
    /// WBXML bytes read by `decode`, and the wall time it took.
    pub decoded_bytes: u64,
    pub decode_wall: Duration,
}

impl CodecThroughput {
    /// Megabytes (10^6 bytes) of WBXML encoded per second.
    pub(crate) fn encode_mb_per_second(&self) -> f64 {
        self.encoded_bytes as f64 / 1e6 / self.encode_wall.as_secs_f64().max(1e-9)
    }

    /// Megabytes (10^6 bytes) of WBXML decoded per second.
    pub(crate) fn decode_mb_per_second(&self) -> f64 {
        self.decoded_bytes as f64 / 1e6 / self.decode_wall.as_secs_f64().max(1e-9)
    }
}

/// Full sync sessions over one or more simulations.
#[derive(Debug, Clone, Copy)]
pub(crate) struct SessionThroughput {
    /// Sessions that ran from OPTIONS to the Inbox synced.
    pub sessions: u64,
    /// Items the devices hold after their sessions.
    pub items: u64,
    /// Wall time from the first OPTIONS to the last Sync answer, summed over the rounds (set-up
    /// excluded); with several simulations, each round counts its slowest.
    pub wall: Duration,
    /// Simulations run side by side.
    pub threads: usize,
    /// Rounds of sessions, each in fresh simulations.
    pub rounds: usize,
}

impl SessionThroughput {
    pub(crate) fn per_second(&self) -> f64 {
        self.sessions as f64 / self.wall.as_secs_f64().max(1e-9)
    }
}

/// Every ActiveSync figure `bench` prints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct EasFigures {
    pub codec: CodecThroughput,
    /// One simulation on one thread.
    pub single: SessionThroughput,
    /// One simulation per thread, side by side.
    pub parallel: SessionThroughput,
}

/// The codec figures, then the sessions of `users` users on one thread and on `threads`
/// threads (one simulation of `users` users each), as many rounds on all threads as one
/// thread needed for [`MIN_WALL`].
pub(crate) fn measure(users: usize, seed: u64, threads: usize) -> Result<EasFigures, BenchError> {
    let codec = measure_codec(MIN_WALL)?;
    let single = measure_sessions(users, MESSAGES_PER_USER, seed, MIN_WALL)?;
    let parallel = measure_sessions_parallel(users, MESSAGES_PER_USER, seed, threads, single.rounds)?;
    Ok(EasFigures { codec, single, parallel })
}

// ---------------------------------------------------------------------------------------------
// The codec

/// Encodes, then decodes, the corpus over and over, each for at least `min_wall`. Every
/// document must decode back to itself, or the measurement is refused.
pub(crate) fn measure_codec(min_wall: Duration) -> Result<CodecThroughput, BenchError> {
    let docs = corpus();
    let encoded: Vec<Vec<u8>> = docs.iter().map(encode).collect::<Result<_, _>>().map_err(BenchError::Encode)?;
    for (doc, bytes) in docs.iter().zip(&encoded) {
        let back = decode(bytes).map_err(|source| BenchError::Decode { root: doc.root.name().to_string(), source })?;
        if &back != doc {
            return Err(BenchError::RoundTrip { root: doc.root.name().to_string() });
        }
    }
    let corpus_bytes: usize = encoded.iter().map(Vec::len).sum();

    let mut encoded_bytes = 0u64;
    let start = Instant::now();
    loop {
        for doc in &docs {
            let bytes = encode(black_box(doc)).map_err(BenchError::Encode)?;
            encoded_bytes += black_box(bytes).len() as u64;
        }
        if start.elapsed() >= min_wall {
            break;
        }
    }
    let encode_wall = start.elapsed();

    let mut decoded_bytes = 0u64;
    let start = Instant::now();
    loop {
        for bytes in &encoded {
            black_box(decode(black_box(bytes)).map_err(|source| BenchError::Decode { root: "corpus".into(), source })?);
            decoded_bytes += bytes.len() as u64;
        }
        if start.elapsed() >= min_wall {
            break;
        }
    }
    let decode_wall = start.elapsed();

    Ok(CodecThroughput { documents: docs.len(), corpus_bytes, encoded_bytes, encode_wall, decoded_bytes, decode_wall })
}

/// What a device and Exchange exchange when an account is set up: four Sync responses of
/// [`ITEMS_PER_SYNC`] mails each (the bulk of the bytes), a Sync request, FolderSync request
/// and response, and both Provision phases with their answers.
pub(crate) fn corpus() -> Vec<Document> {
    let mut docs: Vec<Document> = (0..4).map(|n| sync_response(n, ITEMS_PER_SYNC)).collect();
    docs.push(sync_request());
    docs.push(bodies::folder_sync_request("0"));
    docs.push(bodies::folder_sync_adds("1", FOLDERS));
    docs.extend(provision_documents());
    docs
}

/// A Sync response delivering `items` mails, each with a plain-text body of about 2 KB.
fn sync_response(batch: usize, items: usize) -> Document {
    let mut words = Words::new(batch as u64 + 1);
    let adds = (0..items).map(|i| {
        let n = batch * items + i;
        let from = format!("\"{}\" <{}@example.test>", words.name(), words.login());
        let to = format!("\"Ana Silva\" <ana.silva@{}>", defaults::DOMAIN);
        let subject = words.sentence(4 + n % 6);
        let body = words.paragraphs(2048);
        el(
            AirSync::Add,
            [
                leaf(AirSync::ServerId, format!("5:{}", n + 1)),
                el(
                    AirSync::ApplicationData,
                    [
                        leaf(Email::To, to.as_str()),
                        leaf(Email::From, from.as_str()),
                        leaf(Email::Subject, subject.as_str()),
                        leaf(
                            Email::DateReceived,
                            format!("2026-01-{:02}T{:02}:{:02}:{:02}.000Z", 1 + n % 28, n % 24, (n * 7) % 60, (n * 13) % 60),
                        ),
                        leaf(Email::DisplayTo, "Ana Silva"),
                        leaf(Email::ThreadTopic, subject.as_str()),
                        leaf(Email::Importance, "1"),
                        leaf(Email::Read, if n.is_multiple_of(3) { "1" } else { "0" }),
                        el(
                            AirSyncBase::Body,
                            [
                                leaf(AirSyncBase::Type, "1"),
                                leaf(AirSyncBase::EstimatedDataSize, body.len().to_string()),
                                leaf(AirSyncBase::Data, body),
                            ],
                        ),
                        leaf(Email::MessageClass, "IPM.Note"),
                        leaf(Email::InternetCPID, "65001"),
                        leaf(Email::ContentClass, "urn:content-classes:message"),
                        leaf(AirSyncBase::NativeBodyType, "1"),
                    ],
                ),
            ],
        )
    });
    bodies::sync_collection([
        leaf(AirSync::SyncKey, format!("{}", 1_000_000 + batch)),
        leaf(AirSync::CollectionId, "5"),
        leaf(AirSync::Status, "1"),
        empty(AirSync::MoreAvailable),
        el(AirSync::Commands, adds.collect::<Vec<Element>>()),
    ])
}

fn sync_request() -> Document {
    bodies::sync_collection([
        leaf(AirSync::SyncKey, "1000000"),
        leaf(AirSync::CollectionId, "5"),
        empty(AirSync::DeletesAsMoves),
        empty(AirSync::GetChanges),
        leaf(AirSync::WindowSize, "50"),
        el(
            AirSync::Options,
            [
                leaf(AirSync::FilterType, "3"),
                el(AirSyncBase::BodyPreference, [leaf(AirSyncBase::Type, "1"), leaf(AirSyncBase::TruncationSize, "32768")]),
            ],
        ),
    ])
}

/// The hierarchy of a fresh Exchange mailbox, with a few folders of the user's own:
/// (ServerId, ParentId, DisplayName, Type).
const FOLDERS: &[(&str, &str, &str, u8)] = &[
    ("1", "0", "Calendar", 8),
    ("2", "0", "Contacts", 9),
    ("3", "0", "Deleted Items", 4),
    ("4", "0", "Drafts", 3),
    ("5", "0", "Inbox", 2),
    ("6", "0", "Journal", 11),
    ("7", "0", "Junk Email", 12),
    ("8", "0", "Notes", 10),
    ("9", "0", "Outbox", 6),
    ("10", "0", "Sent Items", 5),
    ("11", "0", "Tasks", 7),
    ("12", "0", "RSS Feeds", 12),
    ("13", "0", "Conversation History", 12),
    ("14", "5", "Projects", 12),
    ("15", "14", "Mailconform", 12),
    ("16", "5", "Receipts", 12),
    ("17", "1", "Team Calendar", 13),
    ("18", "2", "Suggested Contacts", 14),
];

/// Provision phase 1 (with device information) and its answer carrying the policy, then
/// the acknowledgement and its answer with the final key.
fn provision_documents() -> Vec<Document> {
    use Provision as P;
    let version = ProtocolVersion::V16_1;
    let policy_type = mailconform_activesync::policy::policy_type_for(version);
    let device = DeviceInformation {
        model: "iPhone15,2".into(),
        friendly_name: "Ana's iPhone".into(),
        os: "iOS 17.4".into(),
        os_language: "en-US".into(),
        user_agent: "Apple-iPhone15C2/2104.66".into(),
    };
    let phase1 = bodies::provision_request(Some(device.to_element()), policy_type);
    let policy = DevicePolicy::default();
    let phase1_answer = Document::new(el(
        P::Provision,
        [
            leaf(P::Status, "1"),
            el(
                P::Policies,
                [el(
                    P::Policy,
                    [
                        leaf(P::PolicyType, policy_type),
                        leaf(P::Status, "1"),
                        leaf(P::PolicyKey, "1307199584"),
                        el(P::Data, [policy.to_provision_doc(version)]),
                    ],
                )],
            ),
        ],
    ));
    let ack = bodies::provision_acknowledgement(policy_type, "1307199584", mailconform_activesync::status::policy_ack::APPLIED);
    let ack_answer = Document::new(el(
        P::Provision,
        [
            leaf(P::Status, "1"),
            el(P::Policies, [el(P::Policy, [leaf(P::PolicyType, policy_type), leaf(P::Status, "1"), leaf(P::PolicyKey, "3942919513")])]),
        ],
    ));
    vec![phase1, phase1_answer, ack, ack_answer]
}

/// Deterministic prose for the corpus.
struct Words(u64);

const WORDS: &[&str] = &[
    "the",
    "meeting",
    "agenda",
    "budget",
    "review",
    "please",
    "find",
    "attached",
    "quarterly",
    "numbers",
    "team",
    "project",
    "deadline",
    "update",
    "customer",
    "feedback",
    "release",
    "schedule",
    "server",
    "migration",
    "thanks",
    "regards",
    "weekly",
    "status",
    "report",
    "action",
    "items",
    "follow",
    "up",
    "on",
    "our",
    "call",
    "about",
    "the",
    "proposal",
    "for",
    "next",
    "year",
    "and",
    "we",
    "should",
    "discuss",
    "this",
    "with",
    "finance",
    "before",
    "Friday",
    "mobile",
    "devices",
    "policy",
];
const NAMES: &[&str] =
    &["Bruno Costa", "Carla Mendes", "David Okafor", "Emma Larsen", "Farid Haddad", "Grace Liu", "Hugo Martin", "Ines Duarte"];

impl Words {
    fn new(seed: u64) -> Words {
        Words(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }

    fn name(&mut self) -> &'static str {
        NAMES[self.next(NAMES.len())]
    }

    fn login(&mut self) -> String {
        self.name().to_ascii_lowercase().replace(' ', ".")
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(WORDS[self.next(WORDS.len())]);
        }
        if let Some(first) = s.get_mut(0..1) {
            first.make_ascii_uppercase();
        }
        s
    }

    /// Sentences in paragraphs until about `bytes` long.
    fn paragraphs(&mut self, bytes: usize) -> String {
        let mut s = String::from("Hi Ana,\r\n\r\n");
        while s.len() < bytes {
            let n = 6 + self.next(12);
            s.push_str(&self.sentence(n));
            s.push_str(if self.next(5) == 0 { ".\r\n\r\n" } else { ". " });
        }
        s.push_str("\r\n\r\nBest regards");
        s
    }
}

// ---------------------------------------------------------------------------------------------
// Sessions

/// One simulation: Exchange with `users` mailboxes of `messages` mails each, and one HTTP
/// client per device.
struct World {
    sim: Simulation,
    users: Vec<String>,
    clients: Vec<HttpClient>,
    messages: usize,
}

fn prepare(users: usize, messages: usize, seed: u64) -> Result<World, BenchError> {
    let mut sim = Simulation::new(seed)?;
    let names: Vec<String> = (0..users).map(|i| format!("easuser{i}")).collect();
    let mut cfg = ExchangeConfig::new(defaults::EXCHANGE_HOST);
    for u in &names {
        cfg = cfg.with_user(u, &format!("{u}@{}", defaults::DOMAIN), PASSWORD);
    }
    deployment::add_exchange(&mut sim, cfg, &[])?;
    let exchange = Roles::new(&sim).exchange()?;
    let emails: Vec<String> = names.iter().map(|u| format!("{u}@{}", defaults::DOMAIN)).collect();
    for m in 0..messages {
        sim.block_on(exchange.deliver_bulk(&emails, &format!("{SUBJECT_PREFIX} {m}")))?;
    }
    sim.settle();
    let clients = names.iter().map(|_| sim.client()).collect();
    Ok(World { sim, users: names, clients, messages })
}

/// Every user's session at once, in the world's simulation; each must end holding every
/// message of its Inbox, or the measurement is refused.
fn run(world: &World) -> Result<SessionThroughput, BenchError> {
    let sessions = world.users.iter().zip(&world.clients).map(|(u, http)| session(http.clone(), u, world.messages));
    let start = Instant::now();
    let results = world.sim.block_on(futures::future::join_all(sessions));
    let wall = start.elapsed();
    let mut items = 0u64;
    for r in results {
        items += r? as u64;
    }
    Ok(SessionThroughput { sessions: world.users.len() as u64, items, wall, threads: 1, rounds: 1 })
}

/// OPTIONS, Provision (both phases), FolderSync and the first Sync of the Inbox, as a device
/// setting up its account does; returns the items it then holds.
async fn session(http: HttpClient, login: &str, expected: usize) -> Result<usize, BenchError> {
    let url = format!("https://{}{}", defaults::EXCHANGE_HOST, mailconform_activesync::http::DEFAULT_PATH);
    let device_id = format!("BENCH{:X}", login.bytes().fold(0u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b))));
    let ours = ProtocolVersion::ALL;
    let newest = *ours.last().expect("at least one version");
    let client = |version| EasClient::new(http.clone(), &url, login, PASSWORD, &device_id, "iPhone", version);
    let probe = client(newest);
    let step = |step: &'static str| move |source| BenchError::Session { login: login.to_string(), step, source };
    let options = probe.options().await.map_err(step("OPTIONS"))?;
    let version = ProtocolVersion::highest_common(ours, &options.protocol_versions())
        .ok_or_else(|| BenchError::NoCommonVersion { login: login.to_string(), offered: options.versions.clone() })?;
    let c = if version == newest { probe } else { client(version) };
    match c.provision().await.map_err(step("Provision"))? {
        ProvisionOutcome::Provisioned { .. } => {}
        other => return Err(BenchError::NoPolicyKey { login: login.to_string(), outcome: format!("{other:?}") }),
    }
    c.folder_sync().await.map_err(step("FolderSync"))?;
    let inbox = c.folder_id(FolderType::Inbox).ok_or_else(|| BenchError::NoInbox { login: login.to_string() })?;
    let synced = c.sync(&inbox).await.map_err(step("Sync"))?;
    let held = c.items(&inbox);
    let with_subject = held.iter().filter(|i| i.subject().is_some_and(|s| s.starts_with(SUBJECT_PREFIX))).count();
    if synced.added.len() != expected || held.len() != expected || with_subject != expected {
        return Err(BenchError::InboxMismatch {
            login: login.to_string(),
            expected,
            added: synced.added.len(),
            held: held.len(),
            with_subject,
        });
    }
    Ok(held.len())
}

/// `users` sessions at once in one simulation, in fresh simulations round after round until
/// the sessions have taken at least `min_wall`.
pub(crate) fn measure_sessions(users: usize, messages: usize, seed: u64, min_wall: Duration) -> Result<SessionThroughput, BenchError> {
    let mut total = SessionThroughput { sessions: 0, items: 0, wall: Duration::ZERO, threads: 1, rounds: 0 };
    while total.rounds == 0 || (total.wall < min_wall && total.rounds < MAX_ROUNDS) {
        let r = run(&prepare(users, messages, seed.wrapping_add(total.rounds as u64))?)?;
        total.sessions += r.sessions;
        total.items += r.items;
        total.wall += r.wall;
        total.rounds += 1;
    }
    Ok(total)
}

/// `threads` simulations side by side, `users` sessions each, for `rounds` rounds. In every
/// round each thread sets up a fresh simulation, and all start their sessions together once
/// every simulation is ready; a round lasts until its slowest simulation is done.
pub(crate) fn measure_sessions_parallel(
    users: usize,
    messages: usize,
    seed: u64,
    threads: usize,
    rounds: usize,
) -> Result<SessionThroughput, BenchError> {
    let threads = threads.max(1);
    let rounds = rounds.max(1);
    let ready = Barrier::new(threads);
    let results: Vec<Result<Vec<SessionThroughput>, BenchError>> = std::thread::scope(|scope| {
        let ready = &ready;
        let handles: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut done = Vec::with_capacity(rounds);
                    let mut failed = None;
                    for round in 0..rounds {
                        // A thread that failed keeps meeting the others at the barrier.
                        let world = match failed {
                            None => Some(prepare(users, messages, seed.wrapping_add((round * threads + t) as u64))),
                            Some(_) => None,
                        };
                        ready.wait();
                        match world.map(|w| w.and_then(|w| run(&w))) {
                            Some(Ok(r)) => done.push(r),
                            Some(Err(e)) => failed = Some(e),
                            None => {}
                        }
                    }
                    failed.map_or(Ok(done), Err)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or(Err(BenchError::ThreadPanicked))).collect()
    });
    let per_thread: Vec<Vec<SessionThroughput>> = results.into_iter().collect::<Result<_, _>>()?;
    let mut total = SessionThroughput { sessions: 0, items: 0, wall: Duration::ZERO, threads, rounds };
    for round in 0..rounds {
        let mut slowest = Duration::ZERO;
        for r in per_thread.iter().map(|rs| &rs[round]) {
            total.sessions += r.sessions;
            total.items += r.items;
            slowest = slowest.max(r.wall);
        }
        total.wall += slowest;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn corpus_is_realistic_and_round_trips() {
        let docs = corpus();
        let sync = &docs[0];
        let adds = sync.find_all(&["Collections", "Collection", "Commands", "Add"]);
        assert_eq!(adds.len(), ITEMS_PER_SYNC);
        let body = adds[0].find(&["ApplicationData", "Body", "Data"]).unwrap();
        assert!((2048..2300).contains(&body.len()), "{}", body.len());
        let t = measure_codec(Duration::from_millis(5)).expect("codec measurement");
        assert!(t.corpus_bytes > 4 * ITEMS_PER_SYNC * 2048);
        assert!(t.encoded_bytes >= t.corpus_bytes as u64 && t.decoded_bytes >= t.corpus_bytes as u64);
        assert!(t.encode_mb_per_second() > 0.0 && t.decode_mb_per_second() > 0.0);
    }

    #[test]
    fn every_session_syncs_the_inbox() {
        let t = measure_sessions(2, MESSAGES_PER_USER, 7, Duration::ZERO).expect("measurement");
        assert_eq!((t.sessions, t.rounds), (2, 1));
        assert_eq!(t.items, 2 * MESSAGES_PER_USER as u64);
        let p = measure_sessions_parallel(2, 3, 7, 2, 2).expect("parallel measurement");
        assert_eq!((p.sessions, p.items, p.threads, p.rounds), (8, 24, 2, 2));
    }
}
