//! The default deployment with each role in a container of its own on one private Docker
//! network (`tests/containers/topology`): real hosts with their own addresses, reached by their
//! topology names inside the network, driven by the features in real time through `run
//! --served DIR...`; a listener cut off by `docker network disconnect`, and Exchange killed and
//! started again, by the topology's network command; SEG, ENS2, the console and the KDC in
//! containers taking each scenario's configuration. Needs a Docker engine (no registry).

use crate::common;

use common::docker::{docker, image};
use common::{mailconform, outcomes, repo, scratch};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The tag this binary's tests build the image under.
const IMAGE: &str = "mailconform:test-topology";

/// A topology brought up for one test, brought down when dropped.
struct Topology {
    dir: PathBuf,
}

impl Topology {
    fn up(label: &str, roles: &[&str]) -> Topology {
        let dir = scratch(label);
        let t = Topology { dir };
        let out = t.script("up", roles);
        assert!(out.0, "topology up failed:\n{}", out.1);
        t
    }

    /// Runs `topology VERB DIR ARGS...`: whether it succeeded, and what it printed.
    fn script(&self, verb: &str, args: &[&str]) -> (bool, String) {
        let out = Command::new(repo().join("tests/containers/topology"))
            .arg(verb)
            .arg(&self.dir)
            .args(args)
            .env("MAILCONFORM_IMAGE", image(IMAGE))
            .output()
            .expect("the topology script runs");
        (out.status.success(), format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr)))
    }

    /// `role`'s line of the topology's roles file: container, address, host name.
    fn role(&self, role: &str) -> (String, String, String) {
        let roles = std::fs::read_to_string(self.dir.join("roles")).expect("the topology lists its roles");
        let line = roles.lines().find(|l| l.split('\t').next() == Some(role)).unwrap_or_else(|| panic!("no {role} in {roles}"));
        let f: Vec<&str> = line.split('\t').collect();
        (f[1].to_string(), f[2].to_string(), f[3].to_string())
    }

    fn network(&self) -> String {
        std::fs::read_to_string(self.dir.join("network-name")).unwrap().trim().to_string()
    }

    /// `mailconform run` with the topology's run arguments, then `args`.
    fn run(&self, reports: &Path, args: &[&str]) -> (common::Run, Vec<(String, String)>) {
        let run_args = std::fs::read_to_string(self.dir.join("run-args")).unwrap();
        let mut all: Vec<&str> = vec!["run"];
        all.extend(run_args.split_whitespace());
        all.extend(["--report-dir", reports.to_str().unwrap()]);
        all.extend_from_slice(args);
        let run = mailconform(repo(), &all);
        let report: serde_json::Value = serde_json::from_slice(&std::fs::read(reports.join("cucumber.json")).unwrap_or_default())
            .unwrap_or_else(|e| panic!("no Cucumber JSON ({e}):\n{}\n{}", run.stdout, run.stderr));
        let o = outcomes(&report);
        (run, o)
    }

    fn network_log(&self) -> String {
        std::fs::read_to_string(self.dir.join("network.log")).unwrap_or_default()
    }
}

impl Drop for Topology {
    fn drop(&mut self) {
        let _ = self.script("down", &[]);
    }
}

fn attached(container: &str, network: &str) -> bool {
    let out = docker(&["inspect", "--format", "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", container]);
    String::from_utf8_lossy(&out.stdout).split_whitespace().any(|n| n == network)
}

/// Each role on a host of its own: its own address, its topology name answered inside the
/// network (`tls-probe` in another container, by name), and the push features passing with
/// Exchange, APNs and the Americas listener in three containers: Exchange posts to the
/// listener's container, the listener pushes to APNs's, APNs to the scenario's phone through
/// the network's gateway.
#[test]
fn each_role_on_a_host_of_its_own_runs_the_push_features() {
    let t = Topology::up("topology-push", &["exchange", "apns", "listener.us-east-1"]);
    let (_, exchange_ip, exchange_host) = t.role("exchange");
    let (_, listener_ip, listener_host) = t.role("listener.us-east-1");
    assert_ne!(exchange_ip, listener_ip);
    assert_eq!(exchange_host, "mail.example.test");
    let by_name = docker(&["run", "--rm", "--network", &t.network(), image(IMAGE), "tls-probe", &format!("{listener_host}:443")]);
    let probe = String::from_utf8_lossy(&by_name.stdout);
    assert!(by_name.status.success() && probe.contains("TLS 1.3"), "{listener_host} answers by name inside the network: {probe}");

    let reports = scratch("topology-push-reports");
    let (run, all) = t.run(&reports, &["--real-time-budget", "30", "features/apns/execution.feature"]);
    for role in ["exchange", "apns", "listener.us-east-1"] {
        let (_, ip, _) = t.role(role);
        assert!(run.stderr.contains(&format!("{role}: served by another process at {ip}:443")), "{role}: {}", run.stderr);
    }
    let failed: Vec<_> = all.iter().filter(|(_, o)| o == "failed").collect();
    assert!(failed.is_empty(), "{failed:?}\n{}\n{}", run.stdout, run.stderr);
    let passed = all.iter().filter(|(_, o)| o == "passed").count();
    assert_eq!(passed, 9, "all but the one over the budget: {all:?}\n{}", run.stdout);
    assert!(all.iter().any(|(n, o)| n.contains("follows the inbox unread count") && o == "passed"), "{all:?}");
}

/// The headline retry promise across real hosts: the scenario cuts the Americas listener off
/// and the network command disconnects its container from the network; Exchange's retries at
/// 0:30 and 1:00 (StatusFrequency 1 minute, the subscriber's own setting) fail on a host that
/// is gone, and the listener is connected again when the scenario ends.
#[test]
fn a_listener_disconnected_from_the_network_gets_exchanges_retries() {
    let t = Topology::up("topology-cut", &["exchange", "apns", "listener.us-east-1"]);
    let reports = scratch("topology-cut-reports");
    let (run, all) = t.run(
        &reports,
        &["--real-time-budget", "100", "--name", "smallest StatusFrequency, 1 minute", "features/apns/retry_schedule.feature"],
    );
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0].1, "passed", "{}\n{}", run.stdout, run.stderr);
    assert_eq!(t.network_log(), "cut listener.us-east-1\nmend listener.us-east-1\n", "the cut was the network's");
    let (container, _, _) = t.role("listener.us-east-1");
    assert!(attached(&container, &t.network()), "the listener is back on the network after the scenario");
}

/// Roles killed and started again by the network command, each on its state directory: after
/// Exchange's restart Secure Mail's next Sync goes on from its SyncKey (the mailbox and the sync
/// state were on disk) and gets only the new mail; after the listener's, its registrations
/// survive and new mail still reaches the phone. And what Exchange documents it loses: its EWS
/// push subscriptions, held in the memory of its process, are gone after its container is
/// killed and started again.
#[test]
fn roles_killed_and_started_again_keep_what_they_keep_on_disk_and_lose_the_rest() {
    let t = Topology::up("topology-restart", &["exchange", "apns", "listener.us-east-1"]);
    let reports = scratch("topology-restart-reports");
    let (run, all) = t.run(
        &reports,
        &[
            "--real-time-budget",
            "60",
            "--name",
            "SyncKey and gets only|listener service restarts",
            "features/restarts/role_restart.feature",
        ],
    );
    assert_eq!(all.len(), 2, "{all:?}");
    assert!(all.iter().all(|(_, o)| o == "passed"), "{all:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(t.network_log(), "restart exchange\nrestart listener.us-east-1\n");

    // The last scenario left alice subscribed; a restart of Exchange's container ends that.
    let (_, ip, _) = t.role("exchange");
    let state = t.dir.join("exchange/state");
    let subscriptions = || common::serve::control_get::<Vec<serde_json::Value>>(&state, &format!("https://{ip}:443"), "/subscriptions");
    assert!(!subscriptions().is_empty(), "the last scenario's push subscription is in Exchange");
    let (ok, out) = t.script("restart", &["exchange"]);
    assert!(ok, "{out}");
    assert_eq!(subscriptions(), Vec::<serde_json::Value>::new(), "EWS push subscriptions do not outlive Exchange's process");
}

/// The Workspace ONE side on hosts of its own: SEG, ENS2, the console and the KDC each in a
/// container, the scenario's Exchange, APNs and Boxer in the run. Each scenario's
/// `application.properties` reaches SEG's container through its control API (the rows with
/// the EWS proxy off get 404 from a SEG served with it on); SEG's container reaches the
/// scenario's Exchange through the network's gateway, and ENS2's container subscribes through
/// SEG and pushes to the scenario's APNs.
#[test]
fn the_workspace_one_side_on_hosts_of_its_own_takes_each_scenarios_configuration() {
    let t = Topology::up("topology-ws1", &["seg", "ens", "uem", "kdc"]);
    let reports = scratch("topology-ws1-reports");
    let (run, all) = t.run(&reports, &["--real-time-budget", "20", "features/seg/ews_proxy.feature"]);
    let of = |name: &str| all.iter().find(|(n, _)| n.contains(name)).map(|(_, o)| o.as_str()).unwrap_or_else(|| panic!("{name}: {all:?}"));
    let failed: Vec<_> = all.iter().filter(|(_, o)| o == "failed").collect();
    assert!(failed.is_empty(), "{failed:?}\n{}\n{}", run.stdout, run.stderr);
    assert_eq!(of("enable.boxer.ens.ews.proxy=false: SEG does not serve /EWS/Exchange.asmx"), "passed");
    assert_eq!(of("enable.boxer.ens.ews.proxy=true: SEG serves /EWS/Exchange.asmx"), "passed");
    assert_eq!(of("ENS2 in the cloud subscribes through SEG"), "passed", "{}", run.stdout);
    assert_eq!(of("ENS2 on premises subscribes through SEG"), "skipped", "ENS2's container is installed in the cloud");
    let (_, ip, _) = t.role("seg");
    assert!(run.stderr.contains(&format!("seg: served by another process at {ip}:443")), "{}", run.stderr);
}
