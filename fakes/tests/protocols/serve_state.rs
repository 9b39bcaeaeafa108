//! `mailconform serve` restarted on its state directory: the same CA, the same ports, the
//! listener's registrations and Exchange's ActiveSync sync state back; `--fresh` starts anew.

use mailconform_activesync::store::FolderType;
use mailconform_activesync::{EasClient, ProtocolVersion};
use mailconform_fakes::deployment::Roles;
use mailconform_fakes::listener::contract::NewRegistration;
use mailconform_fakes::listener::Region;
use mailconform_fakes::serve::{start_with, ServeOptions};
use mailconform_sim::contract::Body;
use mailconform_sim::Topology;
use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::Path;

/// One serve: started on `dir`, `f` run against it, then every role stopped with its runtime.
fn serve_once<T>(dir: &Path, fresh: bool, f: impl AsyncFnOnce(&Topology, Roles<'_>) -> T) -> T {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let roles = vec![mailconform_fakes::role::listener(Region::Americas), "apns".to_string()];
        let options = ServeOptions { fresh, ..ServeOptions::default() };
        let world = start_with(&roles, IpAddr::V4(Ipv4Addr::LOCALHOST), dir, &options).await.expect("serve starts");
        let topology = world.topology.lock().unwrap().clone();
        f(&topology, Roles::with(&topology, world.client(), world.client())).await
    })
}

fn ports(t: &Topology) -> BTreeMap<String, String> {
    t.roles.values().map(|e| (e.role.clone(), e.base_url.clone())).collect()
}

#[test]
fn a_restart_keeps_the_ca_the_ports_and_a_listener_registration() {
    let dir = std::env::temp_dir().join(format!("mailconform-restart-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (first_ports, id) = serve_once(&dir, false, async |t, roles| {
        let listener = roles.listener(Region::Americas).unwrap();
        let registered = listener.register(&NewRegistration::example()).await.expect("a device registers");
        (ports(t), registered.registration_id)
    });
    let ca = std::fs::read_to_string(dir.join("ca.pem")).unwrap();
    let p8 = std::fs::read_to_string(dir.join("apns/AuthKey_KEY1234567.p8")).unwrap();

    let (again_ports, registrations) = serve_once(&dir, false, async |t, roles| {
        let state = roles.listener(Region::Americas).unwrap().state().await.unwrap();
        (ports(t), state.registrations)
    });
    assert_eq!(std::fs::read_to_string(dir.join("ca.pem")).unwrap(), ca, "the CA outside clients trust changed");
    assert_eq!(std::fs::read_to_string(dir.join("apns/AuthKey_KEY1234567.p8")).unwrap(), p8, "the signing key changed");
    assert_eq!(again_ports, first_ports, "the roles moved to other ports");
    assert!(registrations.contains_key(&id), "the registration {id} was lost: {registrations:?}");

    let (_, registrations) = serve_once(&dir, true, async |t, roles| {
        let state = roles.listener(Region::Americas).unwrap().state().await.unwrap();
        (ports(t), state.registrations)
    });
    assert_ne!(std::fs::read_to_string(dir.join("ca.pem")).unwrap(), ca, "--fresh kept the CA");
    assert!(registrations.is_empty(), "--fresh kept registrations: {registrations:?}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// An ActiveSync device of alice's at the served Exchange.
fn device(world: &mailconform_sim::RealWorld, base_url: &str) -> EasClient {
    let (login, _, password) = mailconform_fakes::defaults::USERS[0];
    let url = format!("{base_url}/Microsoft-Server-ActiveSync");
    EasClient::new(world.client(), &url, login, password, "RESTARTPROOF1", "iPhone", ProtocolVersion::V14_1)
}

fn subjects(items: &[mailconform_activesync::client::SyncItem]) -> Vec<String> {
    items.iter().filter_map(|i| i.subject().map(str::to_string)).collect()
}

#[test]
fn an_exchange_restart_keeps_activesync_sync_state_so_the_device_goes_on_with_its_sync_key() {
    let dir = std::env::temp_dir().join(format!("mailconform-restart-eas-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let roles = vec!["exchange".to_string()];
        let options = ServeOptions::default();
        let localhost = IpAddr::V4(Ipv4Addr::LOCALHOST);
        let alice = mailconform_fakes::defaults::USERS[0].1;

        let world = start_with(&roles, localhost, &dir, &options).await.expect("serve starts");
        let topology = world.topology.lock().unwrap().clone();
        let exchange = Roles::with(&topology, world.client(), world.client()).exchange().unwrap();
        for subject in ["Before 1", "Before 2"] {
            exchange.deliver(alice, subject).await.expect("mail delivered");
        }
        let base_url = topology.get("exchange").unwrap().base_url.clone();
        let phone = device(&world, &base_url);
        phone.provision().await.expect("the device provisions");
        phone.folder_sync().await.expect("FolderSync");
        let inbox = phone.folder_id(FolderType::Inbox).expect("an Inbox");
        let first = phone.sync(&inbox).await.expect("the first Sync");
        assert_eq!(subjects(&first.added), ["Before 2", "Before 1"], "newest first");
        let key = phone.sync_key(&inbox).expect("a SyncKey");
        world.shutdown().await;
        drop(world);

        let world = start_with(&roles, localhost, &dir, &options).await.expect("serve starts again");
        let topology = world.topology.lock().unwrap().clone();
        assert_eq!(topology.get("exchange").unwrap().base_url, base_url, "Exchange moved to another port");
        let exchange = Roles::with(&topology, world.client(), world.client()).exchange().unwrap();
        exchange.deliver(alice, "After the restart").await.expect("mail delivered");
        phone.folder_sync().await.expect("FolderSync goes on from its key");
        let next = phone.sync(&inbox).await.expect("the Sync after the restart: no Status 3");
        assert_eq!(subjects(&next.added), ["After the restart"], "only the new mail, no full resync");
        assert!(next.changed.is_empty() && next.deleted.is_empty(), "{next:?}");
        assert_eq!(next.requests, 1, "the SyncKey {key} was taken as it was");
        world.shutdown().await;
    });
    std::fs::remove_dir_all(&dir).unwrap();
}

/// A serve bound to every interface and reached at another address (a container at its
/// address on its network): endpoints.json names that address, and the role's certificate
/// holds it, so a client checking the certificate against the URL it was given connects.
#[test]
fn an_advertised_address_is_in_the_endpoints_and_the_certificates() {
    let dir = tempfile::tempdir().unwrap();
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let advertised = IpAddr::V4(Ipv4Addr::new(127, 0, 0, 2));
        let options = ServeOptions { advertise: Some(advertised), ..ServeOptions::default() };
        let world =
            start_with(&["exchange".to_string()], IpAddr::V4(Ipv4Addr::UNSPECIFIED), dir.path(), &options).await.expect("serve starts");
        let written: Topology = serde_json::from_slice(&std::fs::read(dir.path().join("endpoints.json")).unwrap()).unwrap();
        let exchange = written.get("exchange").expect("exchange is listed");
        assert!(exchange.base_url.starts_with("https://127.0.0.2:"), "{exchange:?}");
        assert!(exchange.control_url.starts_with("https://127.0.0.2:"), "{exchange:?}");
        let client = mailconform_sim::HttpClient::new(
            std::sync::Arc::new(mailconform_sim::TcpDialer::default()),
            mailconform_sim::tls::roots(&[world.pki.ca.cert_der().clone()]),
            mailconform_sim::Clock::real(),
        );
        let req = http::Request::get(format!("{}/EWS/Exchange.asmx", exchange.base_url)).body(bytes::Bytes::new()).unwrap();
        let resp = client.send(req, &Default::default()).await.expect("the certificate names the advertised address");
        assert_eq!(resp.status(), 405, "EWS answers a GET");
    });
}
