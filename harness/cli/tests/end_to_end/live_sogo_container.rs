//! The system under test in a container: the SOGo set-up of `tests/live/sogo` as an image built
//! here with nothing pulled (`tests/live/sogo/image`: the Debian packages setup installs, FROM
//! scratch), started by testcontainers, two instances side by side, each with its own
//! PostgreSQL, Dovecot and state. Against each, `target check` passes and Secure Mail's sync
//! scenario passes at the same time, mail delivered into that instance only (`docker exec -i
//! CONTAINER /opt/sogo/deliver USER`, the target configuration's command adapter). And the run
//! itself starting the image in the role (`--target-image exchange.eas=IMAGE`), targeting it and
//! removing it after. Needs a Docker engine and root (setup installs the packages when they are
//! missing); never skips.

use crate::common;

use common::{mailconform, repo, scratch};
use std::time::Duration;
use testcontainers::core::{ContainerPort, WaitFor};
use testcontainers::runners::AsyncRunner;
use testcontainers::{GenericImage, ImageExt};

const TAG: &str = "test";
/// SOGo's HTTP port in the container.
const HTTP: u16 = 20000;

/// The image, built once for the tests of this binary.
fn build_image() {
    common::docker::build_once("tests/live/sogo/image", &[&format!("mailconform-sogo:{TAG}")]);
}

/// The container a `run --target-image` started, as its header names it
/// ("...: IMAGE started as container NAME, ready in ...").
fn container_started_by(run: &common::Run) -> String {
    let line =
        run.stderr.lines().find(|l| l.contains("started as container ")).unwrap_or_else(|| panic!("no container started:\n{}", run.stderr));
    line.split("started as container ").nth(1).and_then(|r| r.split(',').next()).expect("a container's name").to_string()
}

/// A target configuration for the instance at `port` in `container`.
fn target_config(dir: &std::path::Path, port: u16, container: &str) -> std::path::PathBuf {
    let file = dir.join("target.toml");
    std::fs::write(
        &file,
        format!(
            r#"[target."exchange.eas"]
url = "http://127.0.0.1:{port}/SOGo/Microsoft-Server-ActiveSync"
versions = ["14.1"]

[[target."exchange.eas".mailbox]]
user = "alice"
password = "alice-pw"

[[target."exchange.eas".mailbox]]
user = "bob"
password = "bob-pw"

[target."exchange.eas".adapter]
deliver_mail = "docker exec -i {container} /opt/sogo/deliver {{user}}"
"#
        ),
    )
    .unwrap();
    file
}

#[tokio::test(flavor = "multi_thread")]
async fn two_sogo_containers_side_by_side_each_pass_the_sync_scenario() {
    build_image();
    let image = || {
        GenericImage::new("mailconform-sogo", TAG)
            .with_exposed_port(ContainerPort::Tcp(HTTP))
            .with_wait_for(WaitFor::healthcheck())
            .with_startup_timeout(Duration::from_secs(180))
    };
    let (a, b) = tokio::join!(image().start(), image().start());
    let (a, b) = (a.expect("the first SOGo container gets healthy"), b.expect("the second SOGo container gets healthy"));
    let mut runs = Vec::new();
    for (label, c) in [("a", &a), ("b", &b)] {
        let port = c.get_host_port_ipv4(ContainerPort::Tcp(HTTP)).await.expect("SOGo's port is published");
        let dir = scratch(&format!("sogo-container-{label}"));
        let config = target_config(&dir, port, c.id());
        runs.push((label, dir, config, port));
    }
    assert_ne!(runs[0].3, runs[1].3, "each instance has its own port");
    let handles: Vec<_> = runs
        .into_iter()
        .map(|(label, dir, config, _)| {
            std::thread::spawn(move || {
                let check = mailconform(repo(), &["target", "check", config.to_str().unwrap()]);
                assert_eq!(check.code, 0, "instance {label}: {}", check.stdout);
                let reports = dir.join("reports");
                let run = mailconform(
                    repo(),
                    &[
                        "run",
                        "--target-config",
                        config.to_str().unwrap(),
                        "--report-dir",
                        reports.to_str().unwrap(),
                        "--name",
                        "Secure Mail syncs with Exchange 2013 using ActiveSync 14.1",
                        "features/activesync/exchange.feature",
                    ],
                );
                (label, run)
            })
        })
        .collect();
    for h in handles {
        let (label, run) = h.join().expect("a run thread");
        assert_eq!(run.last_line(), "1 passed, 0 failed", "instance {label}:\n{}\n{}", run.stdout, run.stderr);
    }
}

/// `run --target-image exchange.eas=mailconform-sogo:test`: the run starts the container (the
/// target configuration names SOGo's own port, 20000, which is published), waits for its health
/// check, passes the sync scenario against it with mail delivered by `docker exec -i
/// {container}`, and removes it; an image that is not on this machine is exit 2, saying so.
#[test]
fn the_run_starts_targets_and_removes_a_sogo_image_in_the_role() {
    build_image();
    let dir = scratch("sogo-target-image");
    let config = target_config(&dir, HTTP, "{container}");
    let reports = dir.join("reports");
    let image = format!("exchange.eas=mailconform-sogo:{TAG}");
    let run = mailconform(
        repo(),
        &[
            "run",
            "--target-config",
            config.to_str().unwrap(),
            "--target-image",
            &image,
            "--report-dir",
            reports.to_str().unwrap(),
            "--name",
            "Secure Mail syncs with Exchange 2013 using ActiveSync 14.1",
            "features/activesync/exchange.feature",
        ],
    );
    assert_eq!(run.last_line(), "1 passed, 0 failed", "{}\n{}", run.stdout, run.stderr);
    let name = container_started_by(&run);
    let left = common::docker::docker(&["ps", "-a", "--filter", &format!("name=^{name}$"), "--format", "{{.Names}}"]);
    assert_eq!(String::from_utf8_lossy(&left.stdout).trim(), "", "the run removed {name}");

    let missing = mailconform(
        repo(),
        &[
            "run",
            "--target-config",
            config.to_str().unwrap(),
            "--target-image",
            "exchange.eas=mailconform-sogo:nowhere",
            "features/activesync",
        ],
    );
    assert_eq!(missing.code, 2, "{}", missing.stderr);
    assert!(missing.stderr.contains("nothing is pulled: build the image on this machine first"), "{}", missing.stderr);
}

/// A live-target run sharded as a CI matrix shards it: each shard (`--partition hash:K/2`)
/// starts its own SOGo container with `--target-image`, the two run at the same time, and
/// `report merge` joins their reports into one run of the whole selection.
#[test]
fn live_shards_each_run_against_their_own_container_and_merge() {
    build_image();
    let dir = scratch("sogo-shards");
    let config = target_config(&dir, HTTP, "{container}");
    let image = format!("exchange.eas=mailconform-sogo:{TAG}");
    let selection = ["--name", "Secure Mail syncs with Exchange 201|provisions the device before", "features/activesync/exchange.feature"];
    let shards: Vec<_> = (1..=2)
        .map(|k| {
            let (config, image, reports) = (config.clone(), image.clone(), dir.join(format!("shard-{k}")));
            std::thread::spawn(move || {
                let partition = format!("hash:{k}/2");
                let mut args =
                    vec!["run", "--partition", &partition, "--target-config", config.to_str().unwrap(), "--target-image", &image];
                args.extend(["--report-dir", reports.to_str().unwrap()]);
                args.extend(selection);
                (mailconform(repo(), &args), reports)
            })
        })
        .collect();
    let mut dirs = Vec::new();
    let mut containers = Vec::new();
    for s in shards {
        let (run, reports) = s.join().expect("a shard's thread");
        assert!(run.code == 0 || run.code == 1, "{}\n{}", run.stdout, run.stderr);
        containers.push(container_started_by(&run));
        let junit = std::fs::read_to_string(reports.join("junit.xml")).unwrap_or_default();
        assert!(junit.contains("<testcase "), "each shard ran some of the selection: {}", run.stdout);
        dirs.push(reports);
    }
    assert_ne!(containers[0], containers[1], "each shard had its own SOGo");
    let merged = dir.join("merged");
    let mut args = vec!["report", "merge"];
    args.extend(dirs.iter().map(|d| d.to_str().unwrap()));
    args.extend(["--into", merged.to_str().unwrap()]);
    let merge = mailconform(repo(), &args);
    // Against SOGo the 2013 sync passes, the 2010 one is not applicable (14.1 is its newest),
    // and provisioning fails (SOGo has no device policy), whichever shard ran each.
    assert_eq!(merge.last_line(), "1 passed, 1 failed, 1 not applicable", "{}\n{}", merge.stdout, merge.stderr);
}
