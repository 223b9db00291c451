//! The clock probe through the real binary against loopback NTP servers:
//! accuracy and sign, the sample filter, server selection, and the test
//! server's own honesty as `ntpdig` sees it.

mod common;

use std::process::Command;
use std::time::Duration;

use common::exporter::Exporter;
use common::metrics::Metrics;
use common::ntp::NtpServer;

/// Error allowed between what the exporter shows and what was injected.
const TOLERANCE: f64 = 0.001;
const ROUND: Duration = Duration::from_secs(15);

fn start(servers: &[&NtpServer], extra: &[&str]) -> Exporter {
    let mut args: Vec<String> = servers.iter().map(|s| s.flag()).collect();
    args.extend(["--clock.interval=1s", "--clock.timeout=1s"].map(String::from));
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Exporter::start(&args)
}

fn selected(m: &Metrics) -> Option<f64> {
    m.get("connector_clock_offset_seconds", &[])
}

fn server_offset(m: &Metrics, server: &NtpServer) -> Option<f64> {
    m.get(
        "connector_clock_server_offset_seconds",
        &[("server", &server.name())],
    )
}

fn assert_near(what: &str, got: Option<f64>, want: f64, logs: &str) -> f64 {
    let got = got.unwrap_or_else(|| panic!("{what}: no value; want {want}\nlogs:\n{logs}"));
    let error = (got - want).abs();
    assert!(
        error <= TOLERANCE,
        "{what}: got {got}, want {want} (error {error:.6} s)\nlogs:\n{logs}"
    );
    error
}

#[test]
fn offset_has_the_controllers_sign_and_sub_millisecond_accuracy() {
    let mut worst: f64 = 0.0;
    for injected in [-30.0, -5.1, -4.9, -0.25, 0.0, 0.003, 4.9, 5.1, 30.0] {
        let server = NtpServer::honest(injected);
        let e = start(&[&server], &[]);
        // The first round runs while the exporter is still starting up; judge
        // a steady one.
        e.wait_for(ROUND, |m| selected(m).is_some());
        let m = e.wait_rounds("clock", 1, ROUND);
        // The server's clock is `injected` ahead of ours, so ours is behind it.
        let want = -injected;
        let error = assert_near("selected offset", selected(&m), want, &e.logs());
        assert_near("server offset", server_offset(&m, &server), want, &e.logs());
        worst = worst.max(error);
        assert_eq!(
            m.get("connector_clock_server_up", &[("server", &server.name())]),
            Some(1.0)
        );
        assert_eq!(
            m.get(
                "connector_clock_server_stratum",
                &[("server", &server.name())]
            ),
            Some(2.0)
        );
        assert_eq!(
            m.get("connector_probe_success", &[("probe", "clock")]),
            Some(1.0)
        );
    }
    eprintln!("worst absolute offset error over the injected list: {worst:.6} s");
}

#[test]
fn a_changed_offset_shows_in_the_next_round() {
    let server = NtpServer::honest(1.0);
    let e = start(&[&server], &[]);
    let m = e.wait_for(ROUND, |m| selected(m).is_some());
    assert_near("before", selected(&m), -1.0, &e.logs());
    server.set_offset(-2.5);
    // The round under way may have sampled before the change; the one after
    // it has not.
    let m = e.wait_rounds("clock", 2, ROUND);
    assert_near("after", selected(&m), 2.5, &e.logs());
}

#[test]
fn the_lowest_delay_sample_is_kept() {
    // Three replies of four come 100 ms late on the way back only, which
    // biases their offsets by 50 ms; the quick one is exact.
    let server = NtpServer::honest(0.4);
    server.set_slow_replies(Some(Duration::from_millis(100)));
    let e = start(&[&server], &[]);
    e.wait_for(ROUND, |m| selected(m).is_some());
    let m = e.wait_rounds("clock", 1, ROUND);
    assert_near("selected offset", selected(&m), -0.4, &e.logs());
    let rtt = m
        .get(
            "connector_clock_server_rtt_seconds",
            &[("server", &server.name())],
        )
        .expect("rtt");
    assert!(rtt < 0.05, "kept a slow sample: rtt {rtt}");
}

#[test]
fn symmetric_network_delay_shows_in_rtt_not_in_offset() {
    let server = NtpServer::honest(-0.7);
    server.set_delay(Duration::from_millis(40));
    let e = start(&[&server], &[]);
    let m = e.wait_for(ROUND, |m| selected(m).is_some());
    assert_near("selected offset", selected(&m), 0.7, &e.logs());
    let name = server.name();
    let label = [("server", name.as_str())];
    let rtt = m
        .get("connector_clock_server_rtt_seconds", &label)
        .expect("rtt");
    assert!((0.04..0.2).contains(&rtt), "rtt {rtt}");
    let distance = m
        .get("connector_clock_server_root_distance_seconds", &label)
        .expect("root distance");
    // The test server states about 1 ms of root delay and dispersion.
    assert!(distance >= rtt / 2.0 && distance < rtt / 2.0 + 0.01);
}

#[test]
fn one_falseticker_among_three_does_not_move_the_selected_offset() {
    let a = NtpServer::honest(0.7);
    let b = NtpServer::honest(0.7);
    let falseticker = NtpServer::honest(20.7);
    let e = start(&[&a, &falseticker, &b], &[]);
    let m = e.wait_for(ROUND, |m| {
        selected(m).is_some() && server_offset(m, &falseticker).is_some()
    });
    assert_near("selected offset", selected(&m), -0.7, &e.logs());
    // It answered validly; it is outvoted, not rejected.
    assert_near(
        "falseticker",
        server_offset(&m, &falseticker),
        -20.7,
        &e.logs(),
    );
}

#[test]
fn ipv6_servers_work() {
    let Ok(server) = NtpServer::bind("[::1]:0") else {
        panic!("no IPv6 loopback here; the IPv6 path cannot be tested");
    };
    server.set_offset(2.0);
    let e = start(&[&server], &[]);
    let m = e.wait_for(ROUND, |m| selected(m).is_some());
    assert_near("selected offset", selected(&m), -2.0, &e.logs());
    assert!(server.name().starts_with("[::1]:"));
    assert_eq!(
        m.get("connector_clock_server_up", &[("server", &server.name())]),
        Some(1.0)
    );
}

#[test]
fn tolerance_and_kernel_view_are_exported() {
    let server = NtpServer::honest(0.0);
    let e = start(&[&server], &["--clock.tolerance=2500ms"]);
    let m = e.wait_for(ROUND, |m| selected(m).is_some());
    assert_eq!(
        m.get("connector_clock_offset_tolerance_seconds", &[]),
        Some(2.5)
    );
    if cfg!(target_os = "linux") {
        let synchronized = m
            .get("connector_clock_kernel_synchronized", &[])
            .expect("kernel synchronized flag on Linux");
        assert!(synchronized == 0.0 || synchronized == 1.0);
        let max_error = m
            .get("connector_clock_kernel_maxerror_seconds", &[])
            .expect("kernel max error on Linux");
        assert!(max_error >= 0.0);
    }
    let text = e.metrics_text();
    assert!(
        text.contains("a reference 3 s ahead gives -3"),
        "help text must state the sign:\n{text}"
    );
}

#[test]
fn default_tolerance_is_five_seconds() {
    let server = NtpServer::honest(0.0);
    let e = start(&[&server], &[]);
    let m = e.wait_for(ROUND, |m| selected(m).is_some());
    assert_eq!(
        m.get("connector_clock_offset_tolerance_seconds", &[]),
        Some(5.0)
    );
}

/// `ntpdig` prints server − local; the test server must agree with what it
/// was told within 1 ms, or every other test here proves nothing.
#[test]
fn ntpdig_agrees_with_the_test_servers_injected_offset() {
    // ntpdig only talks to port 123, so this needs root (CI runs as root);
    // no other test uses this address.
    let server = NtpServer::bind("127.0.0.123:123")
        .expect("bind 127.0.0.123:123 (needs root) for the ntpdig check");
    let mut worst: f64 = 0.0;
    for injected in [1.234, -0.25, 0.003, -30.0, 5.1] {
        server.set_offset(injected);
        let out = Command::new("ntpdig")
            .args(["-j", "-t", "2", "-p", "4", "127.0.0.123"])
            .output()
            .expect("run ntpdig (Debian ntpsec-ntpdig; scripts/install-test-deps.sh)");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let json: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap_or_else(|e| {
            panic!(
                "ntpdig output is not JSON ({e}): {stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            )
        });
        let offset = json["offset"].as_f64().expect("offset in ntpdig output");
        let error = (offset - injected).abs();
        assert!(
            error <= TOLERANCE,
            "ntpdig saw {offset}, injected {injected}: {stdout}"
        );
        worst = worst.max(error);
    }
    eprintln!("ntpdig vs injected offset: worst difference {worst:.6} s");

    // And our exporter, against the same server, shows the opposite sign.
    server.set_offset(1.234);
    let e = start(&[&server], &[]);
    let m = e.wait_for(ROUND, |m| selected(m).is_some());
    assert_near(
        "exporter vs ntpdig's server",
        selected(&m),
        -1.234,
        &e.logs(),
    );
}
