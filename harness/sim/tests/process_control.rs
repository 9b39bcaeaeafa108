//! The serving process's own control routes on real sockets: a reset rebuilds a role from empty
//! state under an open connection and ends the old fake's timers; peers pin host names that the
//! served fakes then reach; both refuse what they do not take.

use mailconform_sim::http::response;
use mailconform_sim::tls::ClientAuth;
use mailconform_sim::{FakeEnv, FnHandler, Handler, Hosting, Placement, RealWorld, Rebuild, Request, RequestOptions, ResetReport};
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// A fake that counts its requests in the state store and ticks a shared counter from a timer.
fn counter(ticks: Arc<AtomicU32>) -> Rebuild {
    Rebuild::new("counter", move |env: FakeEnv| -> Arc<dyn Handler> {
        let t = ticks.clone();
        env.spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(20)).await;
                t.fetch_add(1, Ordering::SeqCst);
            }
        });
        let store = env.store.clone();
        Arc::new(FnHandler(move |_req: Request, _c| {
            let n = store.load::<u32>("hits").len() as u32 + 1;
            store.put("hits", &format!("{n:04}"), &n);
            async move { response(200, "text/plain", format!("hit {n}")) }
        }))
    })
}

async fn world(ticks: Arc<AtomicU32>) -> (RealWorld, String) {
    let mut world = RealWorld::new(3, [127, 0, 0, 1].into()).unwrap();
    world.store = Some(Arc::new(mailconform_sim::store::MemoryStateStore::default()));
    let rebuild = counter(ticks);
    let handler = (rebuild.build)(world.env("counter"));
    let (endpoint, _) =
        world.put(Placement::https("counter", "counter.example.test", handler, ClientAuth::None).rebuilt_by(rebuild)).unwrap();
    (world, endpoint.base_url)
}

async fn text(world: &RealWorld, method: &str, url: &str, body: &str) -> (u16, String) {
    let req = http::Request::builder().method(method).uri(url).body(bytes::Bytes::from(body.to_string())).unwrap();
    let r = world.client().send(req, &RequestOptions::default()).await.unwrap();
    (r.status().as_u16(), String::from_utf8_lossy(r.body()).into_owned())
}

#[tokio::test]
async fn a_reset_rebuilds_the_role_from_empty_state_and_ends_its_timers() {
    let ticks = Arc::new(AtomicU32::new(0));
    let (world, base) = world(ticks.clone()).await;
    assert_eq!(text(&world, "GET", &format!("{base}/a"), "").await, (200, "hit 1".into()));
    assert_eq!(text(&world, "GET", &format!("{base}/a"), "").await, (200, "hit 2".into()));

    let (status, body) = text(&world, "POST", &format!("{base}/_mailconform/reset"), "").await;
    assert_eq!(status, 200, "{body}");
    let report: ResetReport = serde_json::from_str(&body).unwrap();
    assert_eq!(report, ResetReport { reset: vec!["counter".into()], kept: vec![] });
    assert_eq!(text(&world, "GET", &format!("{base}/a"), "").await, (200, "hit 1".into()), "the state is forgotten");

    // One timer runs after the reset, not two: the old fake's ended with it.
    tokio::time::sleep(Duration::from_millis(50)).await;
    let before = ticks.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    let per_tick = ticks.load(Ordering::SeqCst) - before;
    assert!((5..=12).contains(&per_tick), "one timer of 20 ms ticks about 10 times in 200 ms, counted {per_tick}");
}

#[tokio::test]
async fn the_after_reset_hook_runs_and_its_failure_fails_the_reset() {
    let (world, base) = world(Arc::new(AtomicU32::new(0))).await;
    let ran = Arc::new(AtomicU32::new(0));
    let seen = ran.clone();
    world.after_reset(Arc::new(move || {
        let n = seen.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move {
            if n == 0 {
                Ok(())
            } else {
                Err("the certificate upload was refused".to_string())
            }
        })
    }));
    assert_eq!(text(&world, "POST", &format!("{base}/_mailconform/reset"), "").await.0, 200);
    assert_eq!(text(&world, "POST", &format!("{base}/_mailconform/reset"), r#"{"start_up":false}"#).await.0, 200);
    assert_eq!(ran.load(Ordering::SeqCst), 1, "a reset without start-up does not run the hook");
    assert_eq!(text(&world, "POST", &format!("{base}/_mailconform/reset"), r#"{"start_up":"no"}"#).await.0, 400);
    let (status, body) = text(&world, "POST", &format!("{base}/_mailconform/reset"), "").await;
    assert_eq!((status, body.as_str()), (500, "the reset failed: the certificate upload was refused"));
    assert_eq!(text(&world, "GET", &format!("{base}/_mailconform/reset"), "").await.0, 405);
}

#[tokio::test]
async fn peers_pin_host_names_for_the_served_fakes_outgoing_calls() {
    let (world, base) = world(Arc::new(AtomicU32::new(0))).await;
    // Another process's host, here a plain TCP server answering one HTTP request.
    let outside = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = outside.local_addr().unwrap();
    tokio::spawn(async move {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let (mut s, _) = outside.accept().await.unwrap();
        let mut buf = [0u8; 1024];
        let _ = s.read(&mut buf).await;
        s.write_all(b"HTTP/1.1 200 OK\r\ncontent-length: 7\r\nconnection: close\r\n\r\noutside").await.unwrap();
    });
    let peers = format!(r#"[{{"host":"Listener.Example.Test","port":80,"addr":"{addr}"}}]"#);
    assert_eq!(text(&world, "PUT", &format!("{base}/_mailconform/peers"), &peers).await.0, 204);
    let (status, listed) = text(&world, "GET", &format!("{base}/_mailconform/peers"), "").await;
    assert_eq!(status, 200);
    assert!(listed.contains(&addr.to_string()) && listed.contains("Listener.Example.Test"), "{listed}");
    assert_eq!(text(&world, "GET", "http://listener.example.test/", "").await, (200, "outside".into()), "the name reaches the peer");

    let (status, refusal) = text(&world, "PUT", &format!("{base}/_mailconform/peers"), "{\"host\":1}").await;
    assert_eq!(status, 400);
    assert!(refusal.starts_with("expected peers such as"), "{refusal}");
}
