//! The project's ActiveSync client against a real server's bytes, on every `cargo test`: the
//! exchanges `mailconform run --record` wrote while Secure Mail synced with SOGo 5.8
//! (`tests/recorded/sogo-sync/`, recorded from `features/activesync/exchange.feature`'s
//! "Secure Mail syncs with Exchange 2013 using ActiveSync 14.1" with
//! `--target-config target/live/sogo/target.toml`), replayed in order by wiremock. The client
//! goes through Secure Mail's flow (OPTIONS, Provision, FolderSync, Sync of Inbox, Calendar and
//! Contacts, a Ping that brings a message, Sync of the Inbox) and must read each answer as SOGo
//! meant it.

use bytes::Bytes;
use mailconform_activesync::client::{PingOutcome, ProvisionOutcome};
use mailconform_activesync::store::FolderType;
use mailconform_activesync::{EasClient, ProtocolVersion};
use mailconform_sim::{Clock, HttpClient, TcpDialer};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn recorded() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/recorded/sogo-sync")
}

/// One recorded exchange: what the client asked (method, path, Cmd) and what SOGo answered.
struct Recorded {
    method: String,
    path: String,
    cmd: Option<String>,
    status: u16,
    headers: Vec<(String, String)>,
    body: Bytes,
}

fn load() -> Vec<Recorded> {
    let dir = recorded();
    let listing: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("exchanges.json")).expect("the recorded exchanges.json")).expect("JSON");
    listing
        .as_array()
        .expect("a list of exchanges")
        .iter()
        .map(|e| {
            let url: http::Uri = e["url"].as_str().expect("url").parse().expect("a URL");
            let cmd = url.query().and_then(|q| q.split('&').find_map(|kv| kv.strip_prefix("Cmd=")).map(str::to_string));
            let body = e["response_body"].as_str().map(|f| std::fs::read(dir.join(f)).expect("a recorded body")).unwrap_or_default();
            let headers = e["response_headers"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|h| Some((h[0].as_str()?.to_string(), h[1].as_str()?.to_string())))
                .collect();
            Recorded {
                method: e["method"].as_str().expect("method").to_string(),
                path: url.path().to_string(),
                cmd,
                status: e["status"].as_u64().expect("each recorded exchange was answered") as u16,
                headers,
                body: Bytes::from(body),
            }
        })
        .collect()
}

/// A wiremock server answering each recorded request once, in the recorded order.
async fn replaying(exchanges: &[Recorded]) -> MockServer {
    let server = MockServer::start().await;
    for (n, e) in exchanges.iter().enumerate() {
        let mut answer = ResponseTemplate::new(e.status).set_body_bytes(e.body.to_vec());
        for (name, value) in &e.headers {
            // Framing is wiremock's own business; the rest (MS-ASProtocolVersions, content-type) is SOGo's.
            if !["content-length", "transfer-encoding", "connection", "date"].contains(&name.as_str()) {
                answer = answer.insert_header(name.as_str(), value.as_str());
            }
        }
        let mut mock = Mock::given(method(e.method.as_str())).and(path(e.path.as_str()));
        if let Some(cmd) = &e.cmd {
            mock = mock.and(query_param("Cmd", cmd.as_str()));
        }
        // Earlier exchanges first; each answers once, so a command sent twice gets the second
        // answer the second time.
        mock.respond_with(answer).up_to_n_times(1).with_priority(u8::try_from(n + 1).unwrap_or(u8::MAX)).mount(&server).await;
    }
    server
}

fn commands(requests: &[Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.url.query_pairs().find(|(k, _)| k == "Cmd").map(|(_, v)| v.into_owned()).unwrap_or_else(|| r.method.to_string()))
        .collect()
}

#[tokio::test]
async fn the_client_reads_sogos_recorded_answers_through_secure_mails_flow() {
    let exchanges = load();
    let recorded_commands: Vec<String> = exchanges.iter().map(|e| e.cmd.clone().unwrap_or_else(|| e.method.clone())).collect();
    assert!(recorded_commands.len() >= 8, "{recorded_commands:?}");
    let server = replaying(&exchanges).await;
    let base = format!("{}{}", server.uri(), exchanges[0].path);
    let http = HttpClient::new(Arc::new(TcpDialer::default()), Arc::new(rustls::RootCertStore::empty()), Clock::real());
    let client = EasClient::new(http, &base, "alice", "alice-pw", "REPLAY1", "iPhone", ProtocolVersion::V14_1);

    let options = client.options().await.expect("SOGo's OPTIONS");
    assert_eq!(options.protocol_versions().last().copied(), Some(ProtocolVersion::V14_1), "SOGo offers up to 14.1: {options:?}");
    assert!(options.commands.iter().any(|c| c == "Ping"), "{options:?}");
    assert_eq!(client.provision().await.expect("SOGo's Provision"), ProvisionOutcome::NoPolicy, "SOGo has no device policy");
    let folders = client.folder_sync().await.expect("SOGo's FolderSync");
    assert!(!folders.added.is_empty(), "{folders:?}");
    let mut ids = Vec::new();
    for t in [FolderType::Inbox, FolderType::Calendar, FolderType::Contacts] {
        let id = client.folder_id(t).unwrap_or_else(|| panic!("SOGo's FolderSync lists a {t:?} folder: {folders:?}"));
        client.sync(&id).await.unwrap_or_else(|e| panic!("SOGo's Sync of {t:?}: {e}"));
        ids.push(id);
    }
    let watched: Vec<(&str, &str)> = ids.iter().zip(["Email", "Calendar", "Contacts"]).map(|(id, class)| (id.as_str(), class)).collect();
    let PingOutcome::Changed(changed) = client.ping(Some(&watched), Some(540)).await.expect("SOGo's Ping") else {
        panic!("SOGo's Ping answered that a folder changed");
    };
    assert_eq!(changed, [ids[0].clone()], "the Inbox changed");
    let inbox = client.sync(&ids[0]).await.expect("SOGo's Sync of the Inbox");
    let subjects: Vec<&str> = inbox.added.iter().filter_map(|i| i.subject()).collect();
    assert!(subjects.iter().any(|s| s.starts_with("Message 0")), "the delivered message came: {subjects:?}");

    let sent = server.received_requests().await.expect("wiremock records requests");
    assert_eq!(commands(&sent), recorded_commands, "the client sent what Secure Mail sent to SOGo, in order");
}
