//! The real binary measuring its clock over HTTPS: `check` with every NTP
//! server blocked, the series on /metrics, and a proxy in the environment
//! that must not be used.

mod common;

use std::net::{TcpListener, UdpSocket};
use std::process::Command;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use common::certs;
use common::check::{check, check_json};
use common::exporter::{Exporter, binary};
use common::https_date::{DateServer, Mode};

/// A loopback UDP port that takes NTP requests and never answers: NTP as a
/// firewall that drops outbound UDP 123 leaves it.
fn blocked_ntp() -> (UdpSocket, String) {
    let socket = UdpSocket::bind("127.0.0.1:0").unwrap();
    let flag = format!("--clock.server={}", socket.local_addr().unwrap());
    (socket, flag)
}

fn line<'a>(json: &'a serde_json::Value, check: &str) -> &'a serde_json::Value {
    json["sections"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == "Clock"))
        .and_then(|s| s["lines"].as_array())
        .and_then(|l| l.iter().find(|l| l["check"] == check))
        .unwrap_or_else(|| panic!("no clock {check} line in {json:#}"))
}

#[test]
fn with_ntp_blocked_check_still_gives_an_offset_and_a_verdict_from_https() {
    let certs = certs::make();
    let server = DateServer::start(&certs, 0.41, Mode::Honest);
    let (_socket, ntp) = blocked_ntp();
    let https = format!("--clock.http-server={}", server.url());
    let ca = format!("--clock.http-ca-file={}", certs.path_str("ca.crt"));
    let args = [ntp.as_str(), &https, &ca, "--clock.timeout=3s"];

    let run = check(&args);
    let offset_line = run
        .stdout
        .lines()
        .find(|l| l.contains("time offset"))
        .unwrap_or_else(|| panic!("no offset line:\n{run}"));
    assert!(offset_line.trim_start().starts_with("ok"), "{run}");
    assert!(
        offset_line.contains("NTP blocked: offset from an HTTPS server's Date: -0.4"),
        "{run}"
    );
    assert!(run.took < Duration::from_secs(6), "{run}");

    let run = check_json(&args);
    let json = run.json();
    assert_eq!(line(&json, "offset")["verdict"], "ok", "{json:#}");
    let clock = json["probes"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["probe"] == "clock"))
        .map(|p| &p["report"])
        .unwrap_or_else(|| panic!("no clock report in {json:#}"));
    assert_eq!(clock["source"], "https", "{clock:#}");
    let measured = clock["offset_seconds"].as_f64().expect("offset");
    let bar = clock["offset_uncertainty_seconds"]
        .as_f64()
        .expect("error bar");
    assert!(
        (measured + 0.41).abs() <= bar && bar < 0.02,
        "{measured} ± {bar}"
    );

    // Beyond the tolerance the verdict is a problem, from HTTPS alone.
    server.set_offset(-7.5);
    let run = check(&args);
    assert_eq!(run.code, 1, "{run}");
    assert!(
        run.stdout.contains("clock is 7.5 s ahead of the reference"),
        "{run}"
    );
}

#[test]
fn https_servers_get_the_per_server_series_and_the_selection_its_error_bar() {
    let certs = certs::make();
    let server = DateServer::start(&certs, -1.3, Mode::Honest);
    let (_socket, ntp) = blocked_ntp();
    let url = server.url();
    let ntp_label = ntp.trim_start_matches("--clock.server=").to_owned();
    let exporter = Exporter::start(&[
        &ntp,
        &format!("--clock.http-server={url}"),
        &format!("--clock.http-ca-file={}", certs.path_str("ca.crt")),
        "--clock.timeout=3s",
        "--clock.interval=30s",
    ]);
    let m = exporter.wait_for(Duration::from_secs(15), |m| {
        m.has("connector_clock_offset_seconds")
    });
    let https = [("server", url.as_str())];
    let offset = m
        .get("connector_clock_server_offset_seconds", &https)
        .unwrap();
    let bar = m
        .get("connector_clock_server_uncertainty_seconds", &https)
        .unwrap();
    assert!(
        (offset - 1.3).abs() <= bar && bar < 0.02,
        "{offset} ± {bar}"
    );
    assert_eq!(m.get("connector_clock_server_up", &https), Some(1.0));
    assert!(m.get("connector_clock_server_rtt_seconds", &https).unwrap() > 0.0);
    // Stratum and root distance are NTP's: absent, not 0, for HTTPS.
    assert_eq!(m.get("connector_clock_server_stratum", &https), None);
    assert_eq!(
        m.get("connector_clock_server_root_distance_seconds", &https),
        None
    );
    let ntp = [("server", ntp_label.as_str())];
    assert_eq!(m.get("connector_clock_server_up", &ntp), Some(0.0));
    assert_eq!(
        m.get("connector_clock_server_uncertainty_seconds", &ntp),
        None
    );
    assert_eq!(m.get("connector_clock_offset_seconds", &[]), Some(offset));
    assert_eq!(
        m.get("connector_clock_offset_uncertainty_seconds", &[]),
        Some(bar)
    );
    // No network named: no controller, so no controller offset.
    assert!(!m.has("connector_clock_controller_offset_seconds"));
    assert_eq!(
        m.get(
            "connector_probe_failures_total",
            &[("probe", "clock"), ("reason", "timeout")]
        ),
        Some(1.0)
    );
    exporter.stop();
}

#[test]
fn a_proxy_in_the_environment_is_not_used_for_time() {
    let certs = certs::make();
    let server = DateServer::start(&certs, 2.5, Mode::Honest);
    // A proxy that would answer with its own clock: it must see nothing.
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    let knocks = Arc::new(AtomicU64::new(0));
    let seen = Arc::clone(&knocks);
    proxy.set_nonblocking(true).unwrap();
    std::thread::spawn(move || {
        loop {
            if proxy.accept().is_ok() {
                seen.fetch_add(1, Ordering::SeqCst);
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    });
    let mut command = Command::new(binary());
    for name in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        command.env(name, &proxy_url);
    }
    let exporter = Exporter::start_with(
        command,
        &[
            &format!("--clock.http-server={}", server.url()),
            &format!("--clock.http-ca-file={}", certs.path_str("ca.crt")),
            "--clock.timeout=3s",
        ],
    );
    let m = exporter.wait_for(Duration::from_secs(15), |m| {
        m.has("connector_clock_offset_seconds")
    });
    let offset = m.get("connector_clock_offset_seconds", &[]).unwrap();
    assert!((offset + 2.5).abs() < 0.02, "{offset}");
    assert_eq!(knocks.load(Ordering::SeqCst), 0, "the proxy was asked");
    exporter.stop();
}
