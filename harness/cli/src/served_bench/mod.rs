//! The served figures of `mailconform bench`: EWS and APNs as an outside client meets them,
//! `mailconform serve exchange apns` in a child process on real TLS sockets, loaded from this
//! process with hyper's client; and the same load against a plain hyper server on the same TLS
//! stack, the ceiling, so that each figure reads as a fraction of what the stack alone allows
//! on this machine ([`ceiling`]). Both children run side by side and each figure alternates
//! between them in short rounds, so a machine busy with something else slows both alike.
//!
//! [`child`] starts and stops the servers, [`endpoints`] reads their state directories,
//! [`load`] drives them, [`memory`] reads the served child's resident set, [`report`] prints.

pub(crate) mod ceiling;
mod child;
mod endpoints;
mod error;
mod load;
mod memory;
mod report;

pub(crate) use error::ServedBenchError;
pub(crate) use report::{render, ServedFigures};

use bytes::Bytes;
use child::ChildServer;
use endpoints::Address;
use http::{HeaderName, HeaderValue, Method, StatusCode};
use load::{LoadResult, Protocol, RequestSpec};
use mailconform_apns::contract::{DeviceInfo, RegisterDevice};
use mailconform_ews::{write_request, FolderRef, Operation, SchemaVersion};
use mailconform_fakes::defaults;
use mailconform_fakes::role;
use mailconform_fakes::serve::files;
use mailconform_sim::tls::client_config;
use mailconform_sim::{Clock, Credential};
use memory::MemoryFigures;
use report::Figure;
use rustls::ClientConfig;
use std::sync::Arc;
use std::time::Duration;

/// The load's shape.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    /// Wall time of each figure, on each server.
    pub duration: Duration,
    /// Keep-alive HTTP/1.1 connections.
    pub connections: usize,
    /// Concurrent HTTP/2 streams on one connection.
    pub streams: usize,
    /// `--seed` of the served child.
    pub seed: u64,
}

/// The roles the served figures need.
const SERVED_ROLES: [&str; 2] = [role::EXCHANGE, role::APNS];
/// The Exchange served: Exchange Online, the one whose IIS offers HTTP/2 (the default world's
/// Exchange 2013 speaks HTTP/1.1 only), so that EWS can be measured over both.
const EXCHANGE_VERSION: &str = "office365";
/// The hidden subcommand of [`ceiling`].
pub(crate) const CEILING_COMMAND: &str = "bench-ceiling-server";
/// Rounds each figure is measured in, alternating between the two servers.
const ROUNDS: u32 = 4;
/// Time after the load for the child to let go of its connections before "after" is read.
const SETTLE: Duration = Duration::from_millis(250);

/// What one figure sends, against either server.
#[derive(Clone, Copy)]
struct Shape {
    name: &'static str,
    unit: &'static str,
    protocol: Protocol,
}

fn shapes(o: &Options) -> [Shape; 3] {
    let h1 = Protocol::Http1 { connections: o.connections };
    let h2 = Protocol::Http2 { streams: o.streams };
    [
        Shape { name: "EWS GetFolder h1", unit: "req/s", protocol: h1 },
        Shape { name: "EWS GetFolder h2", unit: "req/s", protocol: h2 },
        Shape { name: "APNs push h2", unit: "pushes/s", protocol: h2 },
    ]
}

/// Starts both servers, loads them in alternating rounds, stops them; every figure's answers
/// are checked.
pub(crate) fn measure(o: &Options) -> Result<ServedFigures, ServedBenchError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(ServedBenchError::Runtime)?;
    let mut args: Vec<String> = vec!["serve".into()];
    args.extend(SERVED_ROLES.iter().map(|r| r.to_string()));
    args.extend(["--exchange-version".into(), EXCHANGE_VERSION.into(), "--seed".into(), o.seed.to_string()]);
    let served_child = format!("mailconform {}", args.join(" "));
    let mut served = ChildServer::start(&served_child, &args, child::READY_WITHIN)?;
    let served_targets = match runtime.block_on(served_targets(&served)) {
        Ok(t) => t,
        Err(e) => return Err(served.check_alive("while it was set up").err().unwrap_or(e)),
    };
    let mut ceiling = ChildServer::start(&format!("mailconform {CEILING_COMMAND}"), &[CEILING_COMMAND.to_string()], child::READY_WITHIN)?;
    let ceiling_targets = ceiling_targets(&ceiling, &served_targets)?;

    let before = [read_memory(&mut served)?, read_memory(&mut ceiling)?];
    let sampler = memory::Sampler::start(vec![served.pid(), ceiling.pid()]);
    let loaded = runtime.block_on(alternate(&mut served, &served_targets, &mut ceiling, &ceiling_targets, o));
    let sampled = sampler.finish();
    let figures = loaded?;
    std::thread::sleep(SETTLE);
    let after = [read_memory(&mut served)?, read_memory(&mut ceiling)?];
    served.stop()?;
    ceiling.stop()?;

    let memory = |i: usize| MemoryFigures {
        before_kib: before[i].rss_kib,
        peak_kib: memory::peak_during(before[i], sampled.get(i).copied().unwrap_or(0), after[i]),
        after_kib: after[i].rss_kib,
    };
    Ok(ServedFigures {
        served_child,
        duration: o.duration,
        connections: o.connections,
        streams: o.streams,
        figures,
        served_memory: memory(0),
        ceiling_memory: memory(1),
    })
}

/// Each figure in [`ROUNDS`] rounds on each server, served then ceiling, so that both see the
/// machine as it is at that moment (the two cores are shared with whatever else runs); a server
/// that died during a round is named.
async fn alternate(
    served: &mut ChildServer,
    served_targets: &[Target; 3],
    ceiling: &mut ChildServer,
    ceiling_targets: &[Target; 3],
    o: &Options,
) -> Result<Vec<Figure>, ServedBenchError> {
    let round = o.duration / ROUNDS;
    let mut figures = Vec::new();
    for (i, shape) in shapes(o).into_iter().enumerate() {
        let mut figure = Figure { name: shape.name, unit: shape.unit, served: LoadResult::empty(), ceiling: LoadResult::empty() };
        for _ in 0..ROUNDS {
            for (child, target, into) in
                [(&mut *served, &served_targets[i], &mut figure.served), (&mut *ceiling, &ceiling_targets[i], &mut figure.ceiling)]
            {
                let r = load::run(&target.address, &target.tls, shape.protocol, target.spec.clone(), round).await;
                child.check_alive("during the load")?;
                into.merge(r?);
            }
        }
        figures.push(figure);
    }
    Ok(figures)
}

/// The child's memory now; a child that has gone is named.
fn read_memory(child: &mut ChildServer) -> Result<memory::StatusSample, ServedBenchError> {
    match memory::sample(child.pid()) {
        Some(s) => Ok(s),
        None => {
            child.check_alive("while its memory was read")?;
            Err(ServedBenchError::NoProc { child: child.name().to_string(), pid: child.pid() })
        }
    }
}

/// Where each figure's requests go, over which TLS configuration, and what they are.
struct Target {
    address: Address,
    tls: Arc<ClientConfig>,
    spec: Arc<RequestSpec>,
}

fn tls(roots: &[rustls_pki_types::CertificateDer<'static>], identity: Option<&Credential>) -> Result<Arc<ClientConfig>, ServedBenchError> {
    client_config(mailconform_sim::tls::roots(roots), identity, &Clock::real(), &[]).map_err(|e| ServedBenchError::Tls(e.to_string()))
}

/// The served child's targets: EWS GetFolder of alice's inbox with Basic credentials, twice
/// (h1 and h2), and a push to a device registered for the default app, over a connection
/// authenticated by the provider certificate the child wrote.
async fn served_targets(child: &ChildServer) -> Result<[Target; 3], ServedBenchError> {
    let dir = child.state_dir();
    let topology = endpoints::read_endpoints(&dir, child.name())?;
    let roots = endpoints::read_ca(&dir, child.name())?;
    let exchange = endpoints::address(&topology, child.name(), role::EXCHANGE)?;
    let apns = endpoints::address(&topology, child.name(), role::APNS)?;
    let read = |name: &str| {
        let file = dir.join(name);
        std::fs::read_to_string(&file).map_err(|e| ServedBenchError::StateFile {
            child: child.name().to_string(),
            file,
            reason: e.to_string(),
        })
    };
    let provider = Credential::from_pem(&read(files::PROVIDER_CERT)?, &read(files::PROVIDER_KEY)?).map_err(|e| {
        ServedBenchError::StateFile { child: child.name().to_string(), file: dir.join(files::PROVIDER_CERT), reason: e.to_string() }
    })?;
    let plain = tls(&roots, None)?;
    let provider_tls = tls(&roots, Some(&provider))?;
    let control_path = control_path(&topology, role::APNS);
    let token = register_device(&apns, &provider_tls, &control_path).await?;
    let ews = Arc::new(ews_get_folder());
    Ok([
        Target { address: exchange.clone(), tls: plain.clone(), spec: ews.clone() },
        Target { address: exchange, tls: plain, spec: ews },
        Target { address: apns, tls: provider_tls, spec: Arc::new(apns_push(&token)) },
    ])
}

/// The path of `role`'s control API (`/_mailconform` on its own port).
fn control_path(topology: &mailconform_sim::Topology, role: &str) -> String {
    topology
        .get(role)
        .and_then(|e| e.control_url.parse::<http::Uri>().ok())
        .map(|u| u.path().trim_end_matches('/').to_string())
        .unwrap_or_else(|| "/_mailconform".to_string())
}

/// The same requests against the ceiling, which answers each with 200 and [`ceiling::HELLO`].
fn ceiling_targets(child: &ChildServer, served: &[Target; 3]) -> Result<[Target; 3], ServedBenchError> {
    let dir = child.state_dir();
    let topology = endpoints::read_endpoints(&dir, child.name())?;
    let roots = endpoints::read_ca(&dir, child.name())?;
    let address = endpoints::address(&topology, child.name(), ceiling::CEILING_ROLE)?;
    let plain = tls(&roots, None)?;
    let same = |t: &Target| Target {
        address: address.clone(),
        tls: plain.clone(),
        spec: Arc::new(RequestSpec { status: StatusCode::OK, body_holds: Some(ceiling::HELLO.to_string()), ..(*t.spec).clone() }),
    };
    Ok([same(&served[0]), same(&served[1]), same(&served[2])])
}

/// GetFolder of the inbox as alice, with the Basic credentials the default world accepts.
fn ews_get_folder() -> RequestSpec {
    let op = Operation::GetFolder {
        folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }],
        base_shape: Some("Default".into()),
    };
    let (login, _, password) = defaults::USERS[0];
    let basic = mailconform_sim::basic_authorization(login, password);
    RequestSpec {
        method: Method::POST,
        path: "/EWS/Exchange.asmx".into(),
        headers: vec![
            (http::header::CONTENT_TYPE, HeaderValue::from_static("text/xml; charset=utf-8")),
            (http::header::AUTHORIZATION, HeaderValue::try_from(basic).expect("base64 is a valid header value")),
        ],
        body: Bytes::from(write_request(SchemaVersion::Exchange2013, &op)),
        status: StatusCode::OK,
        body_holds: Some("NoError".into()),
    }
}

/// A badge push to `token` for the default app.
fn apns_push(token: &str) -> RequestSpec {
    RequestSpec {
        method: Method::POST,
        path: format!("/3/device/{token}"),
        headers: vec![
            (HeaderName::from_static("apns-topic"), HeaderValue::from_static(defaults::APP_ID)),
            (HeaderName::from_static("apns-push-type"), HeaderValue::from_static("alert")),
            (http::header::CONTENT_TYPE, HeaderValue::from_static("application/json")),
        ],
        body: Bytes::from_static(br#"{"aps":{"alert":"bench","badge":1}}"#),
        status: StatusCode::OK,
        body_holds: None,
    }
}

/// Registers a device for the default app through APNs's control API; its token.
async fn register_device(apns: &Address, tls: &Arc<ClientConfig>, control_path: &str) -> Result<String, ServedBenchError> {
    let body =
        serde_json::to_vec(&RegisterDevice { bundle_id: defaults::APP_ID.into(), environment: None }).expect("a registration encodes");
    let spec = RequestSpec {
        method: Method::POST,
        path: format!("{control_path}/devices"),
        headers: vec![(http::header::CONTENT_TYPE, HeaderValue::from_static("application/json"))],
        body: Bytes::from(body),
        status: StatusCode::OK,
        body_holds: None,
    };
    let (status, body) = load::send_once(apns, tls, Protocol::Http2 { streams: 1 }, &spec).await?;
    let refused = |status: StatusCode| ServedBenchError::SetUp {
        target: apns.authority.clone(),
        what: "registering a device",
        status: status.as_u16(),
        body: String::from_utf8_lossy(&body).into_owned(),
    };
    if !status.is_success() {
        return Err(refused(status));
    }
    serde_json::from_slice::<DeviceInfo>(&body).map(|d| d.token).map_err(|_| refused(status))
}
