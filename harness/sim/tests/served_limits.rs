//! A role served on real loopback sockets ([`RealWorld`]) against silent, slow and greedy
//! clients: each test gives the role short limits and checks that the server closes, answers
//! or refuses as its [`ConnLimits`] say, while a well-behaved client is still served.

use bytes::Bytes;
use mailconform_sim::http::response;
use mailconform_sim::tls::{self, ClientAuth};
use mailconform_sim::RealWorld;
use mailconform_sim::{ConnInfo, ConnLimits, Handler, HandlerFuture, Hosting, Placement, Request, RequestOptions, Response, TimeoutAnswer};
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

const HOST: &str = "probe.example.test";

/// A role that answers 200, refuses from the head alone any request without an
/// `Authorization` header, and counts the requests it handled.
struct Probe {
    limits: ConnLimits,
    handled: AtomicUsize,
}

impl Handler for Probe {
    fn handle(&self, req: Request, _conn: ConnInfo) -> HandlerFuture {
        self.handled.fetch_add(1, Ordering::SeqCst);
        let slow = req.uri().path() == "/slow";
        Box::pin(async move {
            if slow {
                tokio::time::sleep(Duration::from_millis(800)).await;
            }
            response(200, "text/plain", format!("{} bytes", req.body().len()))
        })
    }

    fn before_body(&self, head: &http::request::Parts, _conn: &ConnInfo) -> Option<Response> {
        head.headers.get(http::header::AUTHORIZATION).is_none().then(|| response(401, "text/plain", "who are you"))
    }

    fn limits(&self) -> ConnLimits {
        self.limits.clone()
    }
}

/// Limits short enough for a test: every timer under a second.
fn short() -> ConnLimits {
    ConnLimits {
        max_connections: 4096,
        tls_handshake_timeout: Some(Duration::from_millis(700)),
        header_read_timeout: Some(Duration::from_millis(500)),
        body_idle_timeout: Some(Duration::from_millis(500)),
        timeout_answer: TimeoutAnswer::RequestTimeout,
        http2_without_alpn: false,
        http2_max_concurrent_streams: 10,
        http2_keep_alive_interval: None,
        http2_keep_alive_timeout: Duration::from_secs(5),
        http2_idle_timeout: Some(Duration::from_millis(500)),
    }
}

struct Served {
    world: RealWorld,
    probe: Arc<Probe>,
    tls: SocketAddr,
    plain: SocketAddr,
}

fn serve(limits: ConnLimits) -> Served {
    let mut world = RealWorld::new(1, [127, 0, 0, 1].into()).unwrap();
    let probe = Arc::new(Probe { limits, handled: AtomicUsize::new(0) });
    let (e, _) = world.put(Placement::https("probe", HOST, probe.clone(), ClientAuth::None).plain_http(true)).unwrap();
    let addr = |url: &str| url.split("://").nth(1).unwrap().parse::<SocketAddr>().unwrap();
    let (tls, plain) = (addr(&e.base_url), addr(e.plain_url.as_deref().unwrap()));
    Served { world, probe, tls, plain }
}

impl Served {
    /// A TLS connection offering `alpn`.
    async fn tls(&self, alpn: &[&[u8]]) -> tokio_rustls::client::TlsStream<TcpStream> {
        let roots = tls::roots(&[self.world.pki.ca.cert_der().clone()]);
        let cfg = tls::client_config(roots, None, &self.world.clock, alpn).unwrap();
        let tcp = TcpStream::connect(self.tls).await.unwrap();
        tokio_rustls::TlsConnector::from(cfg).connect(HOST.try_into().unwrap(), tcp).await.unwrap()
    }

    /// One GET through the harness's own client, as a well-behaved peer.
    async fn get(&self) -> Result<http::Response<Bytes>, mailconform_sim::SimError> {
        let req = http::Request::get(format!("https://{HOST}/")).header("authorization", "Basic eDp5").body(Bytes::new()).unwrap();
        self.world.client().send(req, &RequestOptions { timeout: Duration::from_secs(10), ..Default::default() }).await
    }
}

/// Everything the peer sends until it closes, or what came before `within` passed.
async fn read_all<S: tokio::io::AsyncRead + Unpin>(s: &mut S, within: Duration) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let closed = tokio::time::timeout(within, async {
        let mut buf = [0u8; 4096];
        loop {
            match s.read(&mut buf).await {
                Ok(0) | Err(_) => return,
                Ok(n) => out.extend_from_slice(&buf[..n]),
            }
        }
    })
    .await
    .is_ok();
    (out, closed)
}

/// Raises this process's soft descriptor limit to its hard one (with util-linux's `prlimit`),
/// so that a thousand connections fit whatever the shell's `ulimit -n` is.
fn enough_descriptors(needed: u64) {
    let hard = std::process::Command::new("prlimit")
        .args(["--pid", &std::process::id().to_string(), "--nofile", "--output=HARD", "--noheadings"])
        .output();
    let Ok(out) = hard else { return };
    let hard = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let _ = std::process::Command::new("prlimit").args(["--pid", &std::process::id().to_string(), &format!("--nofile={hard}:")]).status();
    if let Ok(h) = hard.parse::<u64>() {
        assert!(h >= needed, "this test needs {needed} descriptors; the hard limit is {h}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_silent_connections_are_closed_by_the_handshake_timeout_while_a_client_is_served() {
    enough_descriptors(2 * 1000 + 200);
    let s = serve(short());
    let mut silent = Vec::new();
    for chunk in 0..10 {
        let batch: Vec<_> = (0..100).map(|_| TcpStream::connect(s.tls)).collect();
        for c in futures::future::join_all(batch).await {
            silent.push(c.unwrap_or_else(|e| panic!("connect (batch {chunk}): {e}")));
        }
    }
    let t0 = Instant::now();
    let r = s.get().await.expect("a normal client is served while a thousand peers sit silent");
    let served_in = t0.elapsed();
    assert_eq!(r.status(), 200);
    assert!(served_in < Duration::from_secs(2), "served in {served_in:?}");
    // Each silent peer sent no ClientHello: the server closes it when the 700 ms pass.
    let reads = silent.iter_mut().map(|c| read_all(c, Duration::from_secs(8)));
    let outcomes = futures::future::join_all(reads).await;
    let open = outcomes.iter().filter(|(_, closed)| !closed).count();
    let answered = outcomes.iter().filter(|(bytes, _)| !bytes.is_empty()).count();
    assert_eq!((open, answered), (0, 0), "silent connections still open / answered with bytes");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stalled_request_head_gets_408_and_an_idle_connection_is_closed_without_a_word() {
    let s = serve(short());
    let mut stalled = TcpStream::connect(s.plain).await.unwrap();
    stalled.write_all(b"GET / HTTP/1.1\r\nHost: probe.example.test\r\n").await.unwrap();
    let (bytes, closed) = read_all(&mut stalled, Duration::from_secs(5)).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(closed && text.starts_with("HTTP/1.1 408 Request Timeout\r\n"), "{text:?} (closed: {closed})");
    assert!(text.to_ascii_lowercase().contains("connection: close"), "{text}");

    let mut idle = TcpStream::connect(s.plain).await.unwrap();
    let (bytes, closed) = read_all(&mut idle, Duration::from_secs(5)).await;
    assert!(closed && bytes.is_empty(), "an idle connection is closed silently: {:?}", String::from_utf8_lossy(&bytes));

    // Over TLS too, after a request was answered: the connection idles, then closes.
    let mut tls = s.tls(&[b"http/1.1"]).await;
    tls.write_all(b"GET / HTTP/1.1\r\nHost: probe.example.test\r\nAuthorization: Basic eDp5\r\n\r\n").await.unwrap();
    let mut first = vec![0u8; 4096];
    let n = tls.read(&mut first).await.unwrap();
    assert!(first[..n].starts_with(b"HTTP/1.1 200 OK"), "{:?}", String::from_utf8_lossy(&first[..n]));
    tls.write_all(b"GET / HTTP/1.1\r\n").await.unwrap();
    let (bytes, closed) = read_all(&mut tls, Duration::from_secs(5)).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(closed && text.starts_with("HTTP/1.1 408 Request Timeout"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_closes_on_a_stalled_head_sends_no_status() {
    let s = serve(ConnLimits { timeout_answer: TimeoutAnswer::Close, ..short() });
    let mut stalled = TcpStream::connect(s.plain).await.unwrap();
    stalled.write_all(b"POST /EWS/Exchange.asmx HTTP/1.1\r\nHost: x\r\n").await.unwrap();
    let (bytes, closed) = read_all(&mut stalled, Duration::from_secs(5)).await;
    assert!(closed && bytes.is_empty(), "{:?}", String::from_utf8_lossy(&bytes));
}

/// The client connection preface of RFC 9113 3.4 and an empty SETTINGS frame.
const H2_PREFACE: &[u8] = b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";

/// Whether `bytes` begin with an HTTP/2 SETTINGS frame (type 0x4, stream 0): an HTTP/2 server's
/// first word.
fn starts_with_settings(bytes: &[u8]) -> bool {
    bytes.len() >= 9 && bytes[3] == 0x4 && bytes[5..9] == [0, 0, 0, 0]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_http2_preface_is_refused_where_alpn_did_not_choose_h2() {
    let s = serve(short());
    // ALPN chose h2: the server's SETTINGS come back (what the refusals below are told from).
    let mut h2 = s.tls(&[b"h2", b"http/1.1"]).await;
    assert_eq!(h2.get_ref().1.alpn_protocol(), Some(&b"h2"[..]));
    h2.write_all(H2_PREFACE).await.unwrap();
    let mut first = [0u8; 9];
    tokio::time::timeout(Duration::from_secs(5), h2.read_exact(&mut first)).await.expect("SETTINGS in time").unwrap();
    assert!(starts_with_settings(&first), "{first:?}");

    // ALPN chose http/1.1; then no ALPN at all; then the plain port.
    let mut h1 = s.tls(&[b"http/1.1"]).await;
    assert_eq!(h1.get_ref().1.alpn_protocol(), Some(&b"http/1.1"[..]));
    let mut none = s.tls(&[]).await;
    let mut plain = TcpStream::connect(s.plain).await.unwrap();
    h1.write_all(H2_PREFACE).await.unwrap();
    none.write_all(H2_PREFACE).await.unwrap();
    plain.write_all(H2_PREFACE).await.unwrap();
    for (what, (bytes, closed)) in [
        ("ALPN http/1.1", read_all(&mut h1, Duration::from_secs(5)).await),
        ("no ALPN", read_all(&mut none, Duration::from_secs(5)).await),
        ("plain port", read_all(&mut plain, Duration::from_secs(5)).await),
    ] {
        assert!(closed && !starts_with_settings(&bytes), "{what}: {:?} (closed: {closed})", String::from_utf8_lossy(&bytes));
    }
    assert_eq!(s.probe.handled.load(Ordering::SeqCst), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_large_unauthenticated_body_is_refused_before_it_is_read() {
    let s = serve(short());
    // 4 MiB announced, none of it sent: the refusal comes from the head alone.
    let mut c = TcpStream::connect(s.plain).await.unwrap();
    c.write_all(b"POST /upload HTTP/1.1\r\nHost: probe.example.test\r\nContent-Length: 4194304\r\n\r\n").await.unwrap();
    let (bytes, closed) = read_all(&mut c, Duration::from_secs(3)).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(closed && text.starts_with("HTTP/1.1 401"), "{text:?} (closed: {closed})");
    assert!(text.to_ascii_lowercase().contains("connection: close"), "{text}");

    // Expect: 100-continue is answered with the refusal, never with 100 Continue.
    let mut c = TcpStream::connect(s.plain).await.unwrap();
    c.write_all(b"POST /upload HTTP/1.1\r\nHost: probe.example.test\r\nContent-Length: 1000\r\nExpect: 100-continue\r\n\r\n")
        .await
        .unwrap();
    let (bytes, _) = read_all(&mut c, Duration::from_secs(3)).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("HTTP/1.1 401"), "{text:?}");

    // A chunked body of unknown length is refused once it passes the early-read limit.
    let mut c = TcpStream::connect(s.plain).await.unwrap();
    c.write_all(b"POST /upload HTTP/1.1\r\nHost: probe.example.test\r\nTransfer-Encoding: chunked\r\n\r\n").await.unwrap();
    let chunk = vec![b'x'; 70 * 1024];
    c.write_all(format!("{:x}\r\n", chunk.len()).as_bytes()).await.unwrap();
    c.write_all(&chunk).await.unwrap();
    c.write_all(b"\r\n").await.unwrap();
    let (bytes, _) = read_all(&mut c, Duration::from_secs(3)).await;
    assert!(String::from_utf8_lossy(&bytes).starts_with("HTTP/1.1 401"), "{:?}", String::from_utf8_lossy(&bytes));
    assert_eq!(s.probe.handled.load(Ordering::SeqCst), 0, "the handler never saw a refused request");

    // With credentials, the same large body is read and handled.
    let mut c = TcpStream::connect(s.plain).await.unwrap();
    let body = vec![b'y'; 200 * 1024];
    c.write_all(
        format!("POST /upload HTTP/1.1\r\nHost: probe.example.test\r\nAuthorization: Basic eDp5\r\nConnection: close\r\nContent-Length: {}\r\n\r\n", body.len())
            .as_bytes(),
    )
    .await
    .unwrap();
    c.write_all(&body).await.unwrap();
    let (bytes, _) = read_all(&mut c, Duration::from_secs(5)).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(text.starts_with("HTTP/1.1 200") && text.ends_with(&format!("{} bytes", body.len())), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_that_stops_arriving_gets_408() {
    let s = serve(short());
    let mut c = TcpStream::connect(s.plain).await.unwrap();
    c.write_all(
        b"POST /upload HTTP/1.1\r\nHost: probe.example.test\r\nAuthorization: Basic eDp5\r\nContent-Length: 1000\r\n\r\n0123456789",
    )
    .await
    .unwrap();
    let t0 = Instant::now();
    let (bytes, closed) = read_all(&mut c, Duration::from_secs(5)).await;
    let text = String::from_utf8_lossy(&bytes);
    assert!(closed && text.starts_with("HTTP/1.1 408"), "{text:?} (closed: {closed})");
    assert!(t0.elapsed() < Duration::from_secs(3), "{:?}", t0.elapsed());
    assert_eq!(s.probe.handled.load(Ordering::SeqCst), 0);
}

/// Reads HTTP/2 frames until a GOAWAY (type 0x7); `None` if the connection stays quiet.
async fn goaway_within<S: tokio::io::AsyncRead + Unpin>(s: &mut S, within: Duration) -> Option<Instant> {
    tokio::time::timeout(within, async {
        loop {
            let mut head = [0u8; 9];
            s.read_exact(&mut head).await.ok()?;
            let len = u32::from_be_bytes([0, head[0], head[1], head[2]]) as usize;
            let mut payload = vec![0u8; len];
            s.read_exact(&mut payload).await.ok()?;
            if head[3] == 0x7 {
                return Some(Instant::now());
            }
        }
    })
    .await
    .ok()
    .flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_http2_connection_gets_goaway() {
    let s = serve(short());
    let mut h2 = s.tls(&[b"h2"]).await;
    h2.write_all(H2_PREFACE).await.unwrap();
    let t0 = Instant::now();
    let at = goaway_within(&mut h2, Duration::from_secs(5)).await.expect("GOAWAY on an idle HTTP/2 connection");
    assert!(at - t0 >= Duration::from_millis(400), "GOAWAY after {:?}, before the idle timeout", at - t0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_cap_are_refused_and_the_role_serves_again_once_they_close() {
    let s = serve(ConnLimits { max_connections: 3, tls_handshake_timeout: Some(Duration::from_secs(30)), ..short() });
    let mut held = Vec::new();
    for _ in 0..3 {
        held.push(TcpStream::connect(s.tls).await.unwrap());
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let mut over = TcpStream::connect(s.tls).await.unwrap();
    let t0 = Instant::now();
    let (bytes, closed) = read_all(&mut over, Duration::from_secs(3)).await;
    assert!(closed && bytes.is_empty() && t0.elapsed() < Duration::from_secs(1), "refused at once");
    drop(held);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(s.get().await.expect("served once the held connections closed").status(), 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_answers_requests_in_flight_then_refuses_connections() {
    let mut s = serve(short());
    s.world.process.drain_timeout = Duration::from_secs(4);
    // The clients outlive their requests: their pooled keep-alive connections stay open until
    // the server closes them.
    let clients: Vec<_> = (0..9).map(|_| s.world.client()).collect();
    let calls: Vec<_> = clients
        .iter()
        .enumerate()
        .map(|(i, client)| {
            let client = client.clone();
            tokio::spawn(async move {
                let req =
                    http::Request::get(format!("https://{HOST}/slow")).header("authorization", "Basic eDp5").body(Bytes::new()).unwrap();
                client.send(req, &RequestOptions { timeout: Duration::from_secs(10), http2: i == 0, ..Default::default() }).await
            })
        })
        .collect();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let t0 = Instant::now();
    let drained = s.world.shutdown().await;
    assert_eq!(drained.cut, 0, "connections left open after the drain");
    assert!(t0.elapsed() < Duration::from_secs(3), "drained in {:?}", t0.elapsed());
    for (i, r) in calls.into_iter().enumerate() {
        let what = if i == 0 { "HTTP/2 stream" } else { "HTTP/1.1 request" };
        assert_eq!(r.await.unwrap().unwrap_or_else(|e| panic!("{what} in flight: {e}")).status(), 200);
    }
    assert!(TcpStream::connect(s.tls).await.is_err(), "the port refuses after the stop");
    drop(clients);
}

/// A client certificate the server refuses (here: from a CA it does not trust) ends each
/// exchange at once with an error, never with the client's timeout: under TLS 1.3 the client's
/// side of the handshake is done before the server checks the certificate, so the refusal
/// reaches the client only as the server's alert on the connection it has already written its
/// request to. Many at a time, as a loaded test run makes them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_client_certificate_fails_every_exchange_at_once_never_by_timeout() {
    let mut world = RealWorld::new(2, [127, 0, 0, 1].into()).unwrap();
    let roots = tls::roots(&[world.pki.ca.cert_der().clone()]);
    let probe = Arc::new(Probe { limits: short(), handled: AtomicUsize::new(0) });
    world.put(Placement::https("probe", HOST, probe.clone(), ClientAuth::Optional(roots))).unwrap();
    let now = world.clock.offset_date_time();
    let stranger = mailconform_sim::CertAuthority::new("Another CA", now).unwrap();
    let spec = mailconform_sim::ClientCertSpec {
        common_name: "alice@example.test".into(),
        uid: None,
        not_before_unix: now.unix_timestamp() - 60,
        not_after_unix: now.unix_timestamp() + 3600,
    };
    let credential = stranger.client_leaf(&spec).unwrap();
    let client = world.client();
    let opts = RequestOptions {
        timeout: Duration::from_secs(10),
        identity: Some(mailconform_sim::ClientIdentity { id: "stranger".into(), credential }),
        ..Default::default()
    };
    for round in 0..10 {
        let sends = (0..30).map(|_| {
            let req = http::Request::post(format!("https://{HOST}/"))
                .header("authorization", "Basic eDp5")
                .body(Bytes::from_static(b"Mode=newreq"))
                .unwrap();
            let (client, opts) = (client.clone(), opts.clone());
            async move {
                let t0 = Instant::now();
                (client.send(req, &opts).await, t0.elapsed())
            }
        });
        for (answer, took) in futures::future::join_all(sends).await {
            match answer {
                Err(mailconform_sim::SimError::Timeout { .. }) | Ok(_) => panic!("round {round}: {answer:?} after {took:?}"),
                Err(_) => assert!(took < Duration::from_secs(5), "round {round}: refused only after {took:?}"),
            }
        }
    }
    assert_eq!(probe.handled.load(Ordering::SeqCst), 0, "no request of a refused certificate was handled");
}
