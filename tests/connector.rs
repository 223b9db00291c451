//! The connector probe against real peers: a process under the connector's
//! name that the test starts and kills, and an HTTP server playing the
//! connector's own metrics endpoint. systemd does not run on the test
//! machine, so the systemd source is unavailable here (its parsing is tested
//! on recorded outputs in the unit tests), which these tests also prove
//! leaves `connector_up` alone.
//!
//! `connector_up` is absent until some source has seen the connector: a
//! name that matches nothing is a wrong name, not an outage.

mod common;

use std::time::{Duration, Instant};

use common::connector::{ConnectorMetrics, FakeConnector, Mode, dead_url, unix_now};
use common::exporter::Exporter;
use common::metrics::Metrics;

const WAIT: Duration = Duration::from_secs(15);
const INTERVAL: &str = "--connector.interval=500ms";

fn up(m: &Metrics) -> Option<f64> {
    m.get("connector_up", &[])
}

fn value(m: &Metrics, name: &str) -> f64 {
    m.get(name, &[])
        .unwrap_or_else(|| panic!("{name} missing from /metrics"))
}

fn source(m: &Metrics, source: &str) -> Option<f64> {
    m.get("connector_source_up", &[("source", source)])
}

fn failures(m: &Metrics, reason: &str) -> f64 {
    m.get(
        "connector_probe_failures_total",
        &[("probe", "connector"), ("reason", reason)],
    )
    .unwrap_or(0.0)
}

#[test]
fn a_started_killed_and_restarted_connector() {
    let mut connector = FakeConnector::new();
    let (_, spawned) = connector.start();
    let e = Exporter::start(&[&connector.flag(), INTERVAL]);

    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    assert_eq!(source(&m, "process"), Some(1.0));
    assert_eq!(
        source(&m, "systemd"),
        None,
        "no systemd: unavailable, not down"
    );
    let start = value(&m, "connector_process_start_time_seconds");
    assert!(
        (start - spawned).abs() < 1.0,
        "process start {start} vs spawned at {spawned}"
    );
    let uptime = value(&m, "connector_uptime_seconds");
    let since_start = unix_now() - start;
    // Measured at the round, which is at most an interval before this scrape.
    assert!(
        uptime <= since_start + 0.05 && uptime >= since_start - 1.5,
        "uptime {uptime} vs {since_start} since the start"
    );
    assert_eq!(value(&m, "connector_downtime_seconds"), 0.0);
    assert_eq!(value(&m, "connector_restarts_total"), 0.0);
    assert!(value(&m, "connector_process_resident_memory_bytes") > 0.0);
    assert!(value(&m, "connector_process_cpu_seconds_total") >= 0.0);
    let later = e.wait_rounds("connector", 2, WAIT);
    assert!(value(&later, "connector_uptime_seconds") > uptime);

    // Killed and not reaped yet: a zombie is not a running connector.
    connector.kill(true);
    let killed_at = unix_now();
    let killed = Instant::now();
    // Within one interval (500 ms), plus the time to poll and schedule.
    let m = e.wait_for(Duration::from_millis(1500), |m| up(m) == Some(0.0));
    eprintln!("down noticed {:?} after the kill", killed.elapsed());
    connector.reap();
    assert_eq!(source(&m, "process"), Some(0.0));
    assert_eq!(value(&m, "connector_uptime_seconds"), 0.0);
    assert_eq!(
        m.get("connector_process_start_time_seconds", &[]),
        None,
        "no process, no start time"
    );
    let down_since = value(&m, "connector_state_change_timestamp_seconds");
    assert!(down_since >= killed_at - 0.01 && down_since <= unix_now());
    let downtime = value(&m, "connector_downtime_seconds");
    let m = e.wait_rounds("connector", 2, WAIT);
    assert!(value(&m, "connector_downtime_seconds") > downtime);
    // A connector that is down is an answer, not a probe failure.
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "connector")]),
        Some(1.0)
    );
    assert!(
        m.find("connector_probe_failures_total", &[("probe", "connector")])
            .is_empty()
    );

    let (_, spawned) = connector.start();
    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    assert_eq!(value(&m, "connector_restarts_total"), 1.0);
    assert!((value(&m, "connector_process_start_time_seconds") - spawned).abs() < 1.0);
    assert!(value(&m, "connector_uptime_seconds") < 2.0);
    assert_eq!(value(&m, "connector_downtime_seconds"), 0.0);
}

#[test]
fn a_kill_and_restart_between_two_rounds_is_one_restart() {
    let mut connector = FakeConnector::new();
    connector.start();
    let e = Exporter::start(&[&connector.flag(), "--connector.interval=2s"]);
    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    let first_start = value(&m, "connector_process_start_time_seconds");
    let since = value(&m, "connector_state_change_timestamp_seconds");
    // Right after a round the next one is about two seconds away.
    e.wait_rounds("connector", 1, WAIT);
    connector.kill(false);
    let (_, spawned) = connector.start();
    let m = e.wait_rounds("connector", 1, WAIT);
    assert_eq!(up(&m), Some(1.0));
    assert_eq!(value(&m, "connector_restarts_total"), 1.0);
    let start = value(&m, "connector_process_start_time_seconds");
    assert!(start > first_start && (start - spawned).abs() < 1.0);
    // Never seen down, so connector_up did not change.
    assert_eq!(value(&m, "connector_state_change_timestamp_seconds"), since);
}

#[test]
fn downtime_and_restarts_survive_an_exporter_restart() {
    let storage = tempfile::tempdir().unwrap();
    let storage_flag = format!("--storage.path={}", storage.path().display());
    let mut connector = FakeConnector::new();
    connector.start();
    let args = [connector.flag(), INTERVAL.to_owned(), storage_flag];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let e = Exporter::start(&args);
    e.wait_for(WAIT, |m| up(m) == Some(1.0));
    connector.kill(false);
    e.wait_for(WAIT, |m| up(m) == Some(0.0));
    connector.start();
    e.wait_for(WAIT, |m| {
        up(m) == Some(1.0) && m.get("connector_restarts_total", &[]) == Some(1.0)
    });
    connector.kill(false);
    let m = e.wait_for(WAIT, |m| up(m) == Some(0.0));
    let down_since = value(&m, "connector_state_change_timestamp_seconds");
    let file = storage.path().join("connector-state.json");
    let saved: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(saved["version"], 1);
    assert_eq!(saved["state"]["up"], false);
    assert!(e.stop().success());

    std::thread::sleep(Duration::from_millis(1500));
    let e = Exporter::start(&args);
    let m = e.wait_rounds("connector", 1, WAIT);
    assert_eq!(up(&m), Some(0.0));
    let resumed_since = value(&m, "connector_state_change_timestamp_seconds");
    assert!(
        (resumed_since - down_since).abs() < 1e-3,
        "down since {down_since}, after the restart {resumed_since}"
    );
    let downtime = value(&m, "connector_downtime_seconds");
    assert!(
        downtime >= 1.5,
        "downtime {downtime} restarted with the exporter"
    );
    assert_eq!(value(&m, "connector_restarts_total"), 1.0);

    connector.start();
    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    assert_eq!(value(&m, "connector_restarts_total"), 2.0);
}

#[test]
fn a_corrupt_state_file_is_a_warning_and_a_fresh_start() {
    let cases = [
        (
            "truncated",
            "{\n  \"version\": 1,\n  \"boot_id\": \"x\",\n  \"state\": {\n    \"up\": tr",
        ),
        ("garbage", "\u{0}\u{1}\u{2} not json at all"),
    ];
    let mut connector = FakeConnector::new();
    connector.start();
    for (what, content) in cases {
        let storage = tempfile::tempdir().unwrap();
        let file = storage.path().join("connector-state.json");
        std::fs::write(&file, content).unwrap();
        let storage_flag = format!("--storage.path={}", storage.path().display());
        let e = Exporter::start(&[&connector.flag(), INTERVAL, &storage_flag]);
        let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
        assert_eq!(value(&m, "connector_restarts_total"), 0.0, "{what}");
        let logs = e.logs();
        assert!(
            logs.lines()
                .any(|l| l.contains("\"WARN\"") && l.contains("state file is unusable")),
            "{what}: no warning in\n{logs}"
        );
        // The next write replaces it with a good one.
        let text = std::fs::read_to_string(&file).unwrap();
        let saved: serde_json::Value = serde_json::from_str(&text).expect("rewritten");
        assert_eq!(saved["version"], 1, "{what}");
    }
}

#[test]
fn the_metrics_endpoint_down_slow_or_garbage() {
    let mut connector = FakeConnector::new();
    connector.start();
    let mut endpoint = ConnectorMetrics::start(5000.0);
    let e = Exporter::start(&[
        &connector.flag(),
        &endpoint.flag(),
        INTERVAL,
        "--connector.timeout=1s",
    ]);
    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    assert_eq!(source(&m, "metrics"), Some(1.0));
    assert_eq!(source(&m, "process"), Some(1.0));
    // The process start time wins over the page's uptime.
    assert!(value(&m, "connector_uptime_seconds") < 100.0);

    // Slower than the timeout: that source times out, the round does not.
    endpoint.set_mode(Mode::Slow(Duration::from_secs(3)));
    e.wait_for(WAIT, |m| failures(m, "timeout") >= 1.0);
    let m = e.wait_rounds("connector", 1, WAIT);
    assert_eq!(source(&m, "metrics"), Some(0.0));
    assert_eq!(up(&m), Some(0.0));
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "connector")]),
        Some(1.0)
    );
    let took = m
        .get(
            "connector_probe_duration_seconds",
            &[("probe", "connector")],
        )
        .unwrap();
    assert!(took < 1.0, "round took {took}s, timeout is 1s");

    endpoint.set_mode(Mode::Garbage);
    let m = e.wait_for(WAIT, |m| failures(m, "malformed") >= 1.0);
    assert_eq!(source(&m, "metrics"), Some(0.0));

    endpoint.set_mode(Mode::Error);
    let m = e.wait_for(WAIT, |m| failures(m, "error_response") >= 1.0);
    assert_eq!(source(&m, "metrics"), Some(0.0));

    endpoint.set_mode(Mode::Normal);
    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    // The process ran on throughout: not a restart.
    assert_eq!(value(&m, "connector_restarts_total"), 0.0);

    // Nothing listening: a plain "down", logged, not counted as a failure.
    endpoint.stop();
    let m = e.wait_for(WAIT, |m| source(m, "metrics") == Some(0.0));
    assert_eq!(up(&m), Some(0.0));
    let m = e.wait_rounds("connector", 2, WAIT);
    assert_eq!(failures(&m, "unreachable"), 0.0);
    let logs = e.logs();
    assert!(
        logs.lines()
            .any(|l| l.contains("connector source says down")
                && l.contains("\"metrics\"")
                && l.contains("unreachable")),
        "{logs}"
    );
}

#[test]
fn sources_that_disagree_make_the_connector_down_and_say_which() {
    let mut connector = FakeConnector::new();
    connector.start();
    let metrics_flag = format!("--connector.metrics-url={}", dead_url());
    let e = Exporter::start(&[&connector.flag(), &metrics_flag, INTERVAL]);
    let m = e.wait_rounds("connector", 2, WAIT);
    assert_eq!(source(&m, "process"), Some(1.0));
    assert_eq!(source(&m, "metrics"), Some(0.0));
    assert_eq!(up(&m), Some(0.0));
    // The process is still described: it is there.
    assert!(m.get("connector_process_start_time_seconds", &[]).is_some());
}

#[test]
fn the_metrics_endpoint_alone_gives_uptime_and_restarts() {
    let endpoint = ConnectorMetrics::start(100.0);
    let started = Instant::now();
    let e = Exporter::start(&["--connector.process=", &endpoint.flag(), INTERVAL]);
    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    assert_eq!(source(&m, "process"), None, "turned off");
    assert_eq!(source(&m, "metrics"), Some(1.0));
    let uptime = value(&m, "connector_uptime_seconds");
    let expected = 100.0 + started.elapsed().as_secs_f64();
    assert!(
        uptime > 99.0 && uptime <= expected + 0.5,
        "uptime {uptime}, page says about {expected}"
    );
    assert_eq!(m.get("connector_process_start_time_seconds", &[]), None);

    endpoint.restart();
    let m = e.wait_for(WAIT, |m| {
        m.get("connector_restarts_total", &[]) == Some(1.0)
    });
    assert!(value(&m, "connector_uptime_seconds") < 5.0);
    assert_eq!(up(&m), Some(1.0));
}

#[test]
fn with_no_source_available_nothing_is_claimed() {
    let e = Exporter::start(&["--connector.process=", INTERVAL]);
    let m = e.wait_rounds("connector", 1, WAIT);
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "connector")]),
        Some(0.0)
    );
    assert_eq!(up(&m), None, "unknown is absent, not 0");
    assert!(failures(&m, "not_found") >= 1.0);
}

fn probe_success(m: &Metrics) -> Option<f64> {
    m.get("connector_probe_success", &[("probe", "connector")])
}

#[test]
fn a_name_nothing_ever_ran_under_is_not_down() {
    let storage = tempfile::tempdir().unwrap();
    let storage_flag = format!("--storage.path={}", storage.path().display());
    let name = format!("no-such-name-{}", std::process::id());
    let flag = format!("--connector.process={name}");
    let e = Exporter::start(&[&flag, INTERVAL, &storage_flag]);
    let m = e.wait_rounds("connector", 2, WAIT);
    assert_eq!(up(&m), None, "never seen: no verdict, not 0");
    for series in [
        "connector_state_change_timestamp_seconds",
        "connector_uptime_seconds",
        "connector_downtime_seconds",
        "connector_restarts_total",
        "connector_process_start_time_seconds",
    ] {
        assert_eq!(
            m.get(series, &[]),
            None,
            "{series} claimed for a name never seen"
        );
    }
    // The source's own word stays: it looked and found nothing.
    assert_eq!(source(&m, "process"), Some(0.0));
    assert_eq!(probe_success(&m), Some(0.0));
    let counted = failures(&m, "not_found");
    assert!(counted >= 2.0, "not_found {counted} after two rounds");
    let m = e.wait_rounds("connector", 2, WAIT);
    assert!(
        failures(&m, "not_found") >= counted + 2.0,
        "every round counts not_found"
    );
    let logs = e.logs();
    let said = format!("no process named {name} has run on this host");
    assert!(logs.contains(&said), "{logs}");
    let page = e.get("/").text();
    assert!(
        page.contains(&said) && page.contains("never seen"),
        "{page}"
    );
    assert!(
        !storage.path().join("connector-state.json").exists(),
        "nothing seen, so no state to keep"
    );
}

#[test]
fn once_seen_a_stop_is_down_also_after_an_exporter_restart() {
    let storage = tempfile::tempdir().unwrap();
    let storage_flag = format!("--storage.path={}", storage.path().display());
    let mut connector = FakeConnector::new();
    let args = [connector.flag(), INTERVAL.to_owned(), storage_flag];
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let e = Exporter::start(&args);
    let m = e.wait_rounds("connector", 1, WAIT);
    assert_eq!(up(&m), None);
    assert!(failures(&m, "not_found") >= 1.0);

    connector.start();
    let m = e.wait_for(WAIT, |m| up(m) == Some(1.0));
    assert_eq!(probe_success(&m), Some(1.0));
    assert_eq!(
        value(&m, "connector_restarts_total"),
        0.0,
        "the first start seen is not a restart"
    );
    let counted = failures(&m, "not_found");

    connector.kill(false);
    let m = e.wait_for(WAIT, |m| up(m) == Some(0.0));
    assert!(m.get("connector_downtime_seconds", &[]).is_some());
    let m = e.wait_rounds("connector", 2, WAIT);
    assert_eq!(up(&m), Some(0.0));
    assert_eq!(probe_success(&m), Some(1.0), "down is an answer");
    assert_eq!(
        failures(&m, "not_found"),
        counted,
        "seen and stopped is down, not not-found"
    );
    assert!(e.stop().success());

    // The saved state remembers it ran: a fresh exporter says down too.
    let e = Exporter::start(&args);
    let m = e.wait_rounds("connector", 1, WAIT);
    assert_eq!(up(&m), Some(0.0), "{}", e.logs());
    assert_eq!(failures(&m, "not_found"), 0.0);
}
