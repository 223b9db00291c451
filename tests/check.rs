//! `connector-exporter check` end to end: the real binary, its output and
//! its exit code, against loopback peers only.

mod common;

use std::process::Command;

use common::check::{Run, check, check_json, line, run, section};
use common::connector::{FakeConnector, dead_url};
use common::coturn::Coturn;
use common::exporter::{binary, isolated};
use common::ntp::NtpServer;

fn real_hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_owned()
}

#[test]
fn all_ok_exits_0_with_a_section_per_probe() {
    let run = check(&[]);
    assert_eq!(run.code, 0, "{run}");
    let out = &run.stdout;
    for heading in ["\nConnector\n", "\nClock\n", "\nSTUN/NAT\n", "\nHost\n"] {
        assert!(out.contains(heading), "no {heading:?} in\n{run}");
    }
    let hostname_line = ["ok".to_owned(), "hostname".to_owned(), real_hostname()];
    assert!(
        out.lines().any(|l| l
            .split_whitespace()
            .eq(hostname_line.iter().map(String::as_str))),
        "{run}"
    );
    assert!(
        out.trim_end().ends_with("ok: 0 problems, 0 warnings"),
        "{run}"
    );
    assert!(!out.contains('\x1b'), "colour on a pipe:\n{run}");
    assert!(run.stderr.is_empty(), "{run}");
}

#[test]
fn json_field_by_field() {
    let run = check_json(&[]);
    assert_eq!(run.code, 0, "{run}");
    let json = run.json();
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    let generated = json["generated_at"].as_f64().expect("generated_at");
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((now - generated).abs() < 60.0, "generated_at {generated}");
    assert_eq!(json["verdict"], "ok");
    assert_eq!(json["problems"], 0);
    assert_eq!(json["warnings"], 0);
    assert_eq!(json["clock_tolerance_seconds"], 5.0);

    let names: Vec<&str> = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Connector", "Clock", "STUN/NAT", "Host"]);
    for name in ["Connector", "Clock", "STUN/NAT"] {
        let lines = section(&json, name);
        assert_eq!(lines.len(), 1, "{name}: {lines:?}");
        assert_eq!(lines[0]["check"], "probe");
        assert_eq!(lines[0]["verdict"], "ok");
        assert_eq!(lines[0]["value"], "disabled");
    }
    let hostname = line(&json, "Host", "hostname");
    assert_eq!(hostname["value"], real_hostname().as_str());
    assert_eq!(hostname["verdict"], "ok");
    assert_eq!(hostname["hint"], serde_json::Value::Null);
    for check in ["container", "os", "kernel"] {
        assert_eq!(line(&json, "Host", check)["verdict"], "ok");
    }

    let probes = json["probes"].as_array().unwrap();
    let kinds: Vec<&str> = probes
        .iter()
        .map(|p| p["probe"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["clock", "stun", "connector", "host", "admin_api"]);
    for p in probes[..3].iter().chain(&probes[4..]) {
        assert_eq!(p["enabled"], false, "{p}");
        assert_eq!(p["rounds"], 0, "{p}");
        assert_eq!(p["success"], serde_json::Value::Null, "{p}");
    }
    let host = &probes[3];
    assert_eq!(host["enabled"], true);
    assert_eq!(host["rounds"], 1);
    assert_eq!(host["success"], true);
    assert!(host["duration_seconds"].as_f64().unwrap() < 5.0);
    assert!(host["last_round_timestamp_seconds"].as_f64().unwrap() <= now + 1.0);
    assert_eq!(
        host["last_success_timestamp_seconds"],
        host["last_round_timestamp_seconds"]
    );
    assert_eq!(host["reason"], serde_json::Value::Null);
    assert_eq!(host["error"], serde_json::Value::Null);
    assert_eq!(host["report"]["probe"], "host");
    assert_eq!(host["report"]["hostname"], real_hostname().as_str());
    assert!(host["report"]["private_ips"].is_array());
}

#[test]
fn usage_and_config_errors_exit_2() {
    for args in [
        vec!["check", "--bogus"],
        vec!["check", "--json=yes"],
        vec!["check", "--clock.tolerance=soon"],
        vec!["check", "--probe.disable=dns"],
        vec![
            "check",
            "--config.file=/nonexistent/connector-exporter.toml",
        ],
    ] {
        let run = run(Command::new(binary()).args(&args));
        assert_eq!(run.code, 2, "{args:?}: {run}");
        assert!(run.stdout.is_empty(), "{args:?}: {run}");
        assert_eq!(run.stderr.lines().count(), 1, "one line: {args:?}: {run}");
    }
}

/// Runs `check` on a pseudo-terminal (util-linux `script`), where colour is on.
fn check_on_terminal(no_color: Option<&str>) -> Run {
    let mut line = vec![binary().display().to_string(), "check".to_owned()];
    line.extend(isolated(&[]));
    let mut command = Command::new("script");
    command
        .args(["-q", "-e", "-c", &line.join(" "), "/dev/null"])
        .env_remove("NO_COLOR");
    if let Some(value) = no_color {
        command.env("NO_COLOR", value);
    }
    run(&mut command)
}

#[test]
fn colour_only_on_a_terminal_and_without_no_color() {
    let coloured = check_on_terminal(None);
    assert_eq!(coloured.code, 0, "{coloured}");
    assert!(coloured.stdout.contains("\x1b[32mok"), "{coloured}");
    let plain = check_on_terminal(Some("1"));
    assert_eq!(plain.code, 0, "{plain}");
    assert!(plain.stdout.contains("Host"), "{plain}");
    assert!(!plain.stdout.contains('\x1b'), "{plain}");
    // An empty NO_COLOR does not count (no-color.org).
    let empty = check_on_terminal(Some(""));
    assert!(empty.stdout.contains('\x1b'), "{empty}");
}

/// The problem line for a connector no source has seen, and its hint.
fn never_seen_line(run: &Run) -> &str {
    let line = run
        .stdout
        .lines()
        .find(|l| l.contains(" state "))
        .unwrap_or_else(|| panic!("no state line:\n{run}"));
    assert!(line.trim_start().starts_with("problem"), "{run}");
    assert!(
        run.stdout
            .contains("hint: check the name in --connector.process"),
        "{run}"
    );
    line
}

#[test]
fn a_connector_name_nothing_ran_under_is_its_own_problem() {
    let run = check(&["--connector.process=no-such-name"]);
    assert_eq!(run.code, 1, "{run}");
    let line = never_seen_line(&run);
    assert!(
        line.contains("no process named no-such-name has run on this host"),
        "{run}"
    );
    assert!(!line.contains("down for"), "{run}");

    // The metrics endpoint as the only source: the URL is named instead.
    let url = dead_url();
    let metrics = format!("--connector.metrics-url={url}");
    let run = check(&["--connector.process=", &metrics]);
    assert_eq!(run.code, 1, "{run}");
    let line = never_seen_line(&run);
    assert!(
        line.contains(&format!("the connector has not answered at {url}")),
        "{run}"
    );
}

#[test]
fn connector_never_seen_then_up_then_down() {
    let storage = tempfile::tempdir().unwrap();
    let storage_flag = format!("--storage.path={}", storage.path().display());
    let mut connector = FakeConnector::new();
    let flag = connector.flag();
    let args = [flag.as_str(), storage_flag.as_str()];

    let never = check_json(&args);
    assert_eq!(never.code, 1, "{never}");
    let json = never.json();
    let state = line(&json, "Connector", "state");
    assert_eq!(state["verdict"], "problem");
    let expected = format!("no process named {} has run on this host", connector.path());
    assert!(
        state["value"].as_str().unwrap().contains(&expected),
        "{state}"
    );
    assert!(
        state["hint"]
            .as_str()
            .unwrap()
            .contains("--connector.process"),
        "{state}"
    );
    let source = line(&json, "Connector", "source");
    assert_eq!(source["label"], "process source");
    assert!(
        source["value"]
            .as_str()
            .unwrap()
            .contains("no process matches"),
        "{source}"
    );
    let probe = json["probes"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["probe"] == "connector"))
        .expect("connector probe in the JSON");
    assert_eq!(probe["report"]["up"], serde_json::Value::Null, "{probe}");

    connector.start();
    let up = check(&args);
    assert_eq!(up.code, 0, "{up}");
    let state_line = up
        .stdout
        .lines()
        .find(|l| l.contains(" state "))
        .unwrap_or_default();
    assert!(state_line.trim_start().starts_with("ok"), "{up}");
    assert!(state_line.contains("up for"), "{up}");

    // Seen once (the state file says so): now stopped, it is down.
    connector.kill(false);
    let down = check_json(&args);
    assert_eq!(down.code, 1, "{down}");
    let json = down.json();
    let state = line(&json, "Connector", "state");
    assert_eq!(state["verdict"], "problem");
    assert!(
        state["value"].as_str().unwrap().starts_with("down for"),
        "{state}"
    );
    assert!(
        state["hint"].as_str().unwrap().contains("not running"),
        "{state}"
    );
}

#[test]
fn stun_answered_by_coturn_is_ok() {
    let coturn = Coturn::start_loopback();
    let server = format!("--stun.server={}", coturn.primary);
    let run = check_json(&[&server, "--stun.timeout=3s"]);
    assert_eq!(run.code, 0, "{run}\ncoturn:\n{}", coturn.log());
    let json = run.json();
    let public = line(&json, "STUN/NAT", "public_address");
    assert_eq!(public["verdict"], "ok");
    // On loopback nothing translates: the public address is our own.
    assert!(
        public["value"].as_str().unwrap().starts_with("127.0.0.1:"),
        "{public}"
    );
    let nat = line(&json, "STUN/NAT", "nat");
    assert_eq!(nat["verdict"], "ok", "{nat}");
    assert!(
        nat["value"]
            .as_str()
            .unwrap()
            .contains("peer-to-peer possible"),
        "{nat}"
    );
    let probe = &json["probes"][1];
    assert_eq!(probe["probe"], "stun");
    assert_eq!(probe["success"], true);
    assert_eq!(probe["report"]["p2p_possible"], true);
}

/// A loopback UDP port nobody listens on: the kernel answers ICMP port
/// unreachable, as a firewall that rejects would.
fn closed_udp_port() -> std::net::SocketAddr {
    let socket = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    socket.local_addr().unwrap()
}

#[test]
fn no_stun_server_reachable_is_a_problem_with_the_hint() {
    let server = format!("--stun.server={}", closed_udp_port());
    let run = check(&[&server, "--stun.timeout=2s"]);
    assert_eq!(run.code, 1, "{run}");
    let public = run
        .stdout
        .lines()
        .position(|l| l.contains("public address"))
        .unwrap_or_else(|| panic!("no public address line:\n{run}"));
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert!(lines[public].trim_start().starts_with("problem"), "{run}");
    assert!(lines[public].contains("no STUN server answered"), "{run}");
    assert_eq!(
        lines[public + 1].trim(),
        "hint: UDP to the STUN servers is blocked: allow outbound UDP",
        "{run}"
    );

    let run = check_json(&[&server, "--stun.timeout=2s"]);
    assert_eq!(run.code, 1, "{run}");
    let json = run.json();
    let public = line(&json, "STUN/NAT", "public_address");
    assert_eq!(public["verdict"], "problem");
    assert_eq!(
        public["hint"],
        "UDP to the STUN servers is blocked: allow outbound UDP"
    );
    let probe = &json["probes"][1];
    assert_eq!(probe["success"], false);
    assert!(probe["reason"].is_string(), "{probe}");
}

#[test]
fn the_run_is_bounded_by_the_longest_probe_timeout() {
    // Servers that never answer keep both network probes busy until their
    // timeouts; run one after the other they would take 4 s.
    let silent_ntp = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let silent_stun = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let clock = format!("--clock.server={}", silent_ntp.local_addr().unwrap());
    let stun = format!("--stun.server={}", silent_stun.local_addr().unwrap());
    let run = check_json(&[&clock, "--clock.timeout=2s", &stun, "--stun.timeout=2s"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.took < std::time::Duration::from_millis(3500), "{run}");
    let json = run.json();
    assert_eq!(json["probes"][0]["success"], false, "{json:#}");
    assert_eq!(json["probes"][1]["success"], false, "{json:#}");
}

#[test]
fn clock_six_seconds_behind_is_a_problem() {
    // The reference is 6 s ahead, so this host is 6 s behind: −6 s.
    let server = NtpServer::honest(6.0);
    let flag = server.flag();
    let run = check(&[&flag, "--clock.timeout=3s"]);
    assert_eq!(run.code, 1, "{run}");
    let offset_line = run
        .stdout
        .lines()
        .find(|l| l.contains("time offset"))
        .unwrap_or_else(|| panic!("no offset line:\n{run}"));
    assert!(offset_line.trim_start().starts_with("problem"), "{run}");
    assert!(
        offset_line.contains("clock is 6.0 s behind the reference; the controller tolerates ±5 s"),
        "{run}"
    );
    assert!(run.stdout.contains("hint: sync the clock"), "{run}");
    assert!(run.stdout.contains("\nproblem: 1 problem,"), "{run}");

    let run = check_json(&[&flag, "--clock.timeout=3s"]);
    assert_eq!(run.code, 1, "{run}");
    let json = run.json();
    assert_eq!(json["verdict"], "problem");
    let offset = line(&json, "Clock", "offset");
    assert_eq!(offset["verdict"], "problem");
    assert!(offset["hint"].as_str().unwrap().contains("chrony"));
    let clock = &json["probes"][0];
    assert_eq!(clock["probe"], "clock");
    assert_eq!(clock["success"], true);
    let measured = clock["report"]["offset_seconds"].as_f64().unwrap();
    assert!((measured + 6.0).abs() < 0.05, "offset {measured}");
    let server_line = line(&json, "Clock", "server");
    assert_eq!(server_line["label"], server.name().as_str());
    assert_eq!(server_line["verdict"], "ok");
}

#[test]
fn clock_in_sync_is_ok() {
    let server = NtpServer::honest(0.0);
    let run = check_json(&[&server.flag(), "--clock.timeout=3s"]);
    assert_eq!(run.code, 0, "{run}");
    let json = run.json();
    assert_eq!(line(&json, "Clock", "offset")["verdict"], "ok");
}

#[test]
fn no_reference_time_is_a_problem_within_the_timeout() {
    // A socket that never answers: the round ends at the clock timeout.
    let silent = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let flag = format!("--clock.server={}", silent.local_addr().unwrap());
    let run = check_json(&[&flag, "--clock.timeout=1s"]);
    assert_eq!(run.code, 1, "{run}");
    assert!(run.took < std::time::Duration::from_secs(3), "{run}");
    let json = run.json();
    let offset = line(&json, "Clock", "offset");
    assert_eq!(offset["verdict"], "problem");
    assert!(
        offset["value"]
            .as_str()
            .unwrap()
            .starts_with("no reference time")
    );
    assert!(offset["hint"].as_str().unwrap().contains("UDP to port 123"));
}
