//! The clock against the controller itself: with `--twingate.network=acme`
//! the exporter measures `https://acme.twingate.com/` by default. The test
//! runs it in a network namespace of its own, whose /etc/hosts (through
//! `ip netns exec`) sends that name to the namespace's loopback, where a
//! test HTTPS server with a certificate for it answers on port 443. The
//! namespace has no other interface, so nothing can leave it.

mod common;

use std::process::Command;
use std::time::Duration;

use common::certs;
use common::check::run;
use common::exporter::{Exporter, binary};
use common::https_date::{DateServer, Mode};
use common::netns::in_netns;

const NAME: &str = "acme.twingate.com";

/// A namespace with loopback up and /etc/netns/NS/hosts; removed on drop.
struct Namespace(String);

impl Namespace {
    fn new() -> Option<Namespace> {
        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            if std::env::var_os("CI").is_some() {
                panic!("the controller clock test needs root; CI runs as root");
            }
            eprintln!("SKIPPED: the controller clock test needs root for a network namespace");
            return None;
        }
        let ns = format!("clockctl-{}", std::process::id());
        let ip = |args: &[&str]| {
            let status = Command::new("ip")
                .args(args)
                .status()
                .expect("ip (iproute2)");
            assert!(status.success(), "ip {args:?}");
        };
        ip(&["netns", "add", &ns]);
        let namespace = Namespace(ns.clone());
        ip(&["-n", &ns, "link", "set", "lo", "up"]);
        let dir = format!("/etc/netns/{ns}");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(
            format!("{dir}/hosts"),
            format!("127.0.0.1 localhost {NAME}\n"),
        )
        .unwrap();
        Some(namespace)
    }
}

impl Drop for Namespace {
    fn drop(&mut self) {
        if let Ok(out) = Command::new("ip").args(["netns", "pids", &self.0]).output() {
            for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                let _ = Command::new("kill").args(["-9", pid]).status();
            }
        }
        let _ = Command::new("ip").args(["netns", "del", &self.0]).status();
        let _ = std::fs::remove_dir_all(format!("/etc/netns/{}", self.0));
    }
}

#[test]
fn the_controller_is_measured_by_default_and_named_as_the_source() {
    let Some(ns) = Namespace::new() else {
        return;
    };
    let certs = certs::make();
    certs::add_server(&certs, "controller", NAME);
    // The controller 0.41 s ahead of this host; NTP a port that never answers.
    let (listener, ntp) = in_netns(&ns.0, || {
        let listener = std::net::TcpListener::bind("127.0.0.1:443").expect("bind 443");
        let ntp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
        (listener, ntp)
    });
    let controller = DateServer::on(listener, &certs, "controller", 0.41, Mode::Honest);
    let ntp_flag = format!("--clock.server={}", ntp.local_addr().unwrap());
    let ca = format!("--clock.http-ca-file={}", certs.path_str("ca.crt"));

    // `check` as a user runs it: no --clock.http-server, only the network.
    let mut command = Command::new("ip");
    command.args(["netns", "exec", &ns.0]).arg(binary()).args([
        "check",
        "--json",
        "--probe.disable=stun,connector",
        "--twingate.network=acme",
        &ntp_flag,
        &ca,
        "--clock.timeout=3s",
    ]);
    let result = run(&mut command);
    let json = result.json();
    let clock = json["probes"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["probe"] == "clock"))
        .map(|p| &p["report"])
        .unwrap_or_else(|| panic!("no clock report: {result}"));
    assert_eq!(clock["source"], "https", "{result}");
    assert_eq!(clock["controller"]["server"], "https://acme.twingate.com/");
    let offset = clock["controller"]["offset_seconds"].as_f64().unwrap();
    let bar = clock["controller"]["uncertainty_seconds"].as_f64().unwrap();
    assert!(
        (offset + 0.41).abs() <= bar && bar < 0.02,
        "{offset} ± {bar}"
    );
    let lines = json["sections"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "Clock"))
        .and_then(|s| s["lines"].as_array())
        .unwrap();
    let value = lines
        .iter()
        .find(|l| l["check"] == "offset")
        .and_then(|l| l["value"].as_str())
        .unwrap();
    assert!(
        value.starts_with("NTP blocked: offset from the controller's HTTPS Date: -0.4"),
        "{value}"
    );
    assert!(controller.counts.requests() <= 12);

    // Serving: the controller's own series, beside the selected offset.
    let exporter = Exporter::start_in_netns(
        &ns.0,
        &[
            &ntp_flag,
            "--clock.http-server=https://acme.twingate.com/",
            "--twingate.network=acme",
            &ca,
            "--clock.timeout=3s",
        ],
    );
    let m = exporter.wait_for(Duration::from_secs(15), |m| {
        m.has("connector_clock_controller_offset_seconds")
    });
    let offset = m
        .get("connector_clock_controller_offset_seconds", &[])
        .unwrap();
    let bar = m
        .get("connector_clock_controller_offset_uncertainty_seconds", &[])
        .unwrap();
    assert!((offset + 0.41).abs() <= bar, "{offset} ± {bar}");
    assert_eq!(m.get("connector_clock_offset_seconds", &[]), Some(offset));
    exporter.stop();
}
