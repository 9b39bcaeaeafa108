//! A served Exchange under a few seconds of EWS load holds a fixed amount of memory: its
//! request journal is a ring, so the process's resident set stops growing once the ring is
//! full, however many requests come (each request here carries a 4 KB Host header, recorded
//! in the journal, so a journal that kept everything would grow by megabytes a second).

use mailconform_ews::{write_request, FolderRef, Operation, SchemaVersion};
use mailconform_fakes::exchange::ExchangeControl;
use mailconform_fakes::serve::{start_with, ServeOptions};
use mailconform_sim::{ControlClient, PageQuery, RequestOptions};
use std::net::{IpAddr, Ipv4Addr};
use std::time::{Duration, Instant};

/// Resident set of this process, in KiB (Linux `/proc/self/status`).
fn rss_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status is readable");
    let line = status.lines().find(|l| l.starts_with("VmRSS:")).expect("VmRSS line");
    line.split_whitespace().nth(1).and_then(|v| v.parse().ok()).expect("VmRSS in kB")
}

const JOURNAL: usize = 500;
const LOAD: Duration = Duration::from_secs(6);

#[test]
fn rss_reaches_a_plateau_under_ews_load() {
    let dir = std::env::temp_dir().join(format!("mailconform-rss-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    let (samples, requests, page) = runtime.block_on(async {
        let options = ServeOptions { journal_capacity: Some(JOURNAL), seed: Some(1), ..ServeOptions::default() };
        let world = start_with(&["exchange".to_string()], IpAddr::V4(Ipv4Addr::LOCALHOST), &dir, &options).await.expect("serve starts");
        let endpoint = world.topology.lock().unwrap().get("exchange").cloned().expect("exchange is served");
        let url = format!("{}/EWS/Exchange.asmx", endpoint.base_url);
        let body = bytes::Bytes::from(write_request(
            SchemaVersion::Exchange2013,
            &Operation::GetFolder { folder_ids: vec![FolderRef::Distinguished { id: "inbox".into(), mailbox: None }], base_shape: None },
        ));
        let basic = mailconform_sim::basic_authorization("alice", "alice-pw");
        let host = format!("{}.example.test", "h".repeat(4096));
        let deadline = Instant::now() + LOAD;
        let mut workers = Vec::new();
        for _ in 0..8 {
            let (client, url, body, basic, host) = (world.client(), url.clone(), body.clone(), basic.clone(), host.clone());
            workers.push(tokio::spawn(async move {
                let mut n = 0u64;
                while Instant::now() < deadline {
                    let req = http::Request::post(&url)
                        .header(http::header::HOST, &host)
                        .header(http::header::CONTENT_TYPE, "text/xml; charset=utf-8")
                        .header(http::header::AUTHORIZATION, &basic)
                        .body(body.clone())
                        .unwrap();
                    let resp = client.send(req, &RequestOptions::default()).await.expect("EWS answers");
                    assert_eq!(resp.status(), 200, "{}", String::from_utf8_lossy(resp.body()));
                    n += 1;
                }
                n
            }));
        }
        let mut samples = Vec::new();
        while Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(250)).await;
            samples.push(rss_kib());
        }
        let mut requests = 0;
        for w in workers {
            requests += w.await.unwrap();
        }
        let control = ExchangeControl(ControlClient::new(world.client(), &endpoint.control_url));
        let page = control.requests_page(&PageQuery { after: 0, limit: 10_000 }).await.unwrap();
        (samples, requests, page)
    });
    drop(runtime);
    let _ = std::fs::remove_dir_all(&dir);

    // The first third warms up (connections, TLS sessions, the ring filling); after it the
    // resident set may wobble with the allocator but not climb with the request count.
    let third = samples.len() / 3;
    let middle = samples[third..2 * third].iter().max().copied().unwrap_or(0);
    let last = samples[2 * third..].iter().max().copied().unwrap_or(0);
    let growth_mib = last.saturating_sub(middle) as f64 / 1024.0;
    eprintln!("{requests} requests in {LOAD:?}; RSS samples (KiB): {samples:?}; growth over the last third {growth_mib:.1} MiB");
    assert!(requests > 2 * JOURNAL as u64, "too few requests ({requests}) to fill the journal twice");
    assert!(growth_mib < 4.0, "RSS still climbing: {growth_mib:.1} MiB over the last third ({samples:?}, {requests} requests)");
    assert_eq!(page.capacity, JOURNAL);
    let held = page.entries.len() as u64;
    assert!(held <= JOURNAL as u64 && page.dropped + held == requests, "{requests} requests, {held} held, {} dropped", page.dropped);
}
