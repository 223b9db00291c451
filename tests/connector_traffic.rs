//! The connector's own byte counters, read by the real binary from a real
//! HTTP server on loopback that serves the connector's format with counters
//! moving at a chosen rate and direct share, and misbehaving on request.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use common::check::check;
use common::connector::{ConnectorMetrics, Mode};
use common::coturn::Coturn;
use common::exporter::Exporter;
use common::metrics::Metrics;

const WAIT: Duration = Duration::from_secs(20);
const MIB: f64 = 1024.0 * 1024.0;

fn flags(endpoint: &ConnectorMetrics, window: &str) -> Vec<String> {
    vec![
        "--connector.process=".to_owned(),
        endpoint.flag(),
        "--connector.interval=500ms".to_owned(),
        "--connector.timeout=1s".to_owned(),
        format!("--connector.traffic-window={window}"),
    ]
}

fn start(args: &[String]) -> Exporter {
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    Exporter::start(&args)
}

fn ratio(m: &Metrics) -> Option<f64> {
    m.get("connector_traffic_direct_ratio", &[])
}

fn bytes(m: &Metrics, direction: &str, transport: &str) -> Option<f64> {
    m.get(
        "connector_traffic_bytes_total",
        &[("direction", direction), ("transport", transport)],
    )
}

/// Every carried counter by (direction, transport).
fn all_bytes(m: &Metrics) -> BTreeMap<(String, String), f64> {
    m.find("connector_traffic_bytes_total", &[])
        .iter()
        .map(|s| {
            let label = |l: &str| s.labels.get(l).cloned().unwrap_or_default();
            ((label("direction"), label("transport")), s.value)
        })
        .collect()
}

fn failures(m: &Metrics, reason: &str) -> f64 {
    m.get(
        "connector_probe_failures_total",
        &[("probe", "connector"), ("reason", reason)],
    )
    .unwrap_or(0.0)
}

#[test]
fn the_direct_share_is_reported_within_a_percentage_point() {
    let shares = [0.0, 0.02, 0.5, 1.0];
    // 4 MiB/s against the 1 MiB minimum: a 10 s window always has enough.
    let endpoints: Vec<ConnectorMetrics> = shares
        .iter()
        .map(|&share| {
            let e = ConnectorMetrics::start(100.0);
            e.set_traffic(4.0 * MIB, share);
            e
        })
        .collect();
    let exporters: Vec<Exporter> = endpoints.iter().map(|e| start(&flags(e, "10s"))).collect();
    let started = Instant::now();
    for ((share, exporter), endpoint) in shares.iter().zip(&exporters).zip(&endpoints) {
        let m = exporter.wait_for(WAIT, |m| ratio(m).is_some());
        let got = ratio(&m).unwrap();
        eprintln!(
            "share {share}: ratio {got} after {:?} ({} requests)",
            started.elapsed(),
            endpoint.requests()
        );
        assert!(
            (got - share).abs() <= 0.01,
            "direct share {share}, exporter says {got}"
        );
        // Our counters start at the connector's own values.
        assert!(bytes(&m, "inbound", "relay").unwrap() >= 4567.0);
        assert!(bytes(&m, "outbound", "direct").unwrap() >= 987_654_321.0);
    }
    // A share that changes: after one window, only the new one counts.
    let (endpoint, exporter) = (&endpoints[2], &exporters[2]);
    endpoint.set_traffic(4.0 * MIB, 0.02);
    let changed = Instant::now();
    let m = exporter.wait_for(WAIT, |m| {
        changed.elapsed() > Duration::from_secs(11) && ratio(m).is_some()
    });
    let got = ratio(&m).unwrap();
    assert!((got - 0.02).abs() <= 0.01, "after the change: {got}");
}

#[test]
fn an_idle_connector_has_no_ratio_rather_than_all_relayed() {
    let endpoint = ConnectorMetrics::start(100.0);
    // 50 KiB/s: 500 KiB in the 10 s window, under the 1 MiB minimum.
    endpoint.set_traffic(50.0 * 1024.0, 0.0);
    let e = start(&flags(&endpoint, "10s"));
    let m = e.wait_rounds("connector", 6, WAIT);
    assert_eq!(ratio(&m), None);
    assert!(bytes(&m, "inbound", "relay").is_some());
    // With the minimum lowered, the same traffic gives a ratio.
    let mut args = flags(&endpoint, "10s");
    args.push("--connector.traffic-min-bytes=100KiB".to_owned());
    let e = start(&args);
    let m = e.wait_for(WAIT, |m| ratio(m).is_some());
    assert!(ratio(&m).unwrap() <= 0.01);
}

#[test]
fn restarts_and_counters_going_back_never_lower_ours() {
    let endpoint = ConnectorMetrics::start(100.0);
    endpoint.set_traffic(MIB, 0.5);
    let e = start(&flags(&endpoint, "10s"));
    let m = e.wait_rounds("connector", 2, WAIT);
    let before = bytes(&m, "inbound", "direct").unwrap();
    assert!(before >= 1_234_567_890.0);

    // A restart: uptime and counters from zero. Not a failure.
    endpoint.restart();
    let m = e.wait_for(WAIT, |m| {
        m.get("connector_restarts_total", &[]) == Some(1.0)
    });
    let m2 = e.wait_rounds("connector", 2, WAIT);
    let after = bytes(&m2, "inbound", "direct").unwrap();
    assert!(after > before, "{after} after the restart, {before} before");
    assert_eq!(failures(&m, "malformed"), 0.0);

    // Backwards while the uptime keeps growing: counted, still not lower.
    let high = bytes(&m2, "inbound", "direct").unwrap();
    endpoint.set_counters([10.0, 10.0, 10.0, 10.0]);
    let m = e.wait_for(WAIT, |m| failures(m, "malformed") >= 1.0);
    assert!(bytes(&m, "inbound", "direct").unwrap() >= high);
    assert!(
        e.logs().contains("went back"),
        "the reason is logged:\n{}",
        e.logs()
    );
}

/// Every kind of bad page, one after another, against one exporter: each is
/// counted under its reason, /metrics keeps answering, our counters never
/// go down or become NaN, and a good page afterwards gives a ratio again.
#[test]
fn bad_pages_are_counted_and_the_exporter_keeps_serving() {
    let endpoint = ConnectorMetrics::start(100.0);
    endpoint.set_traffic(4.0 * MIB, 0.5);
    let e = start(&flags(&endpoint, "5s"));
    let mut m = e.wait_for(WAIT, |m| ratio(m).is_some());
    let mut seen = all_bytes(&m);

    let cases = [
        (Mode::WrongType, "malformed", "declared a gauge"),
        (Mode::NonFinite, "malformed", "not byte counts"),
        (Mode::Huge(50 << 20), "malformed", "cut off"),
        (Mode::Endless, "timeout", "did not answer within"),
        (Mode::Garbage, "malformed", "expected a metric name"),
        (
            Mode::ManyTransports(10_000),
            "malformed",
            "transport values past",
        ),
    ];
    for (mode, reason, logged) in cases {
        let count = failures(&m, reason);
        endpoint.set_mode(mode);
        let took = Instant::now();
        m = e.wait_for(WAIT, |m| failures(m, reason) > count);
        eprintln!("{mode:?}: {reason} counted after {:?}", took.elapsed());
        assert!(
            e.logs().contains(logged),
            "{mode:?}: no {logged:?} in the log"
        );
        let now = all_bytes(&m);
        assert!(now.values().all(|v| v.is_finite()), "{mode:?}: {now:?}");
        assert!(
            seen.iter()
                .all(|(k, before)| now.get(k).is_some_and(|v| v >= before)),
            "{mode:?}: counters went down or vanished: {seen:?} -> {now:?}"
        );
        assert_eq!(
            m.get("connector_probe_success", &[("probe", "connector")]),
            Some(1.0),
            "{mode:?}: the round itself goes on"
        );
        let transports: BTreeSet<String> = m
            .find("connector_traffic_bytes_total", &[])
            .iter()
            .filter_map(|s| s.labels.get("transport").cloned())
            .collect();
        assert!(transports.len() <= 8, "{mode:?}: {transports:?}");
        seen = now;
        endpoint.set_mode(Mode::Normal);
        m = e.wait_for(WAIT, |m| {
            m.get("connector_source_up", &[("source", "metrics")]) == Some(1.0)
        });
    }
    // The health endpoints and the status page answer throughout.
    assert_eq!(e.get("/-/healthy").status, 200);
    assert_eq!(e.get("/api/v1/status").status, 200);
    // Once the last case (whose 10,000 newcomers count as moved bytes of
    // transport "other") has left the 5 s window.
    let good_again = Instant::now();
    let m = e.wait_for(WAIT, |m| {
        good_again.elapsed() > Duration::from_secs(6) && ratio(m).is_some()
    });
    assert!((ratio(&m).unwrap() - 0.5).abs() <= 0.01, "{:?}", ratio(&m));
}

#[test]
fn ten_thousand_transport_values_keep_memory_flat() {
    let endpoint = ConnectorMetrics::start(100.0);
    endpoint.set_traffic(MIB, 0.5);
    let args = vec![
        "--connector.process=".to_owned(),
        endpoint.flag(),
        "--connector.interval=200ms".to_owned(),
    ];
    let e = start(&args);
    let rss = |m: &Metrics| m.get("process_resident_memory_bytes", &[]).unwrap();
    let baseline = rss(&e.wait_rounds("connector", 5, WAIT));
    // New names every request: a tracker that kept them would grow.
    endpoint.set_mode(Mode::ManyTransports(10_000));
    let early = rss(&e.wait_rounds("connector", 10, WAIT));
    let late_metrics = e.wait_rounds("connector", 50, Duration::from_secs(60));
    let late = rss(&late_metrics);
    eprintln!(
        "RSS: {:.1} MiB before, {:.1} MiB after 10 rounds of 10,000 values, {:.1} MiB after 60",
        baseline / MIB,
        early / MIB,
        late / MIB
    );
    assert!(failures(&late_metrics, "malformed") >= 50.0);
    assert!(
        late - early < 2.0 * MIB,
        "RSS grew from {early} to {late} over 50 rounds"
    );
    let transports: BTreeSet<String> = late_metrics
        .find("connector_traffic_bytes_total", &[])
        .iter()
        .filter_map(|s| s.labels.get("transport").cloned())
        .collect();
    assert!(transports.len() <= 8, "{transports:?}");
    assert!(transports.contains("other"));
}

#[test]
fn a_connector_older_than_1_80_is_said_once() {
    let endpoint = ConnectorMetrics::start(100.0);
    endpoint.set_mode(Mode::NoTraffic);
    let e = start(&flags(&endpoint, "10s"));
    let m = e.wait_rounds("connector", 4, WAIT);
    assert!(!m.has("connector_traffic_bytes_total"));
    assert_eq!(ratio(&m), None);
    assert_eq!(m.get("connector_up", &[]), Some(1.0), "still up");
    let logs = e.logs();
    assert_eq!(
        logs.matches("older than 1.80").count(),
        1,
        "said once, not every round:\n{logs}"
    );
}

/// STUN (coturn on loopback: no NAT, so peer-to-peer possible) against a
/// connector whose bytes go 2 % direct: the contradiction, in `check` (one
/// round: the share since the connector started) and on the served `/`
/// and `/api/v1/status` (the window).
#[test]
fn possible_but_relayed_is_said_by_check_the_page_and_the_api() {
    let coturn = Coturn::start_loopback();
    let stun = format!("--stun.server={}", coturn.primary);
    let endpoint = ConnectorMetrics::start(7200.0);
    // Since its start: 2 MiB direct of 100 MiB.
    endpoint.set_counters([MIB, 49.0 * MIB, MIB, 49.0 * MIB]);
    let run = check(&[
        "--connector.process=",
        &endpoint.flag(),
        &stun,
        "--stun.timeout=3s",
    ]);
    assert_eq!(run.code, 0, "a warning, not a problem: {run}");
    assert!(
        run.stdout.contains(
            "peer-to-peer possible (STUN), but 2 % of traffic was direct since the connector started 2 h ago"
        ),
        "{run}"
    );
    assert!(
        run.stdout
            .contains("hint: check that outbound UDP to the peers is allowed"),
        "{run}"
    );

    endpoint.set_traffic(4.0 * MIB, 0.02);
    let mut args = flags(&endpoint, "5s");
    args.extend([stun, "--stun.interval=1s".to_owned()]);
    let e = start(&args);
    e.wait_for(WAIT, |m| {
        m.get("connector_p2p_possible", &[]) == Some(1.0) && ratio(m).is_some()
    });
    let json: serde_json::Value = serde_json::from_str(&e.get("/api/v1/status").text()).unwrap();
    let lines = json["sections"][0]["lines"].as_array().unwrap();
    let traffic = lines.iter().find(|l| l["check"] == "traffic").unwrap();
    assert_eq!(traffic["verdict"], "warning", "{traffic}");
    let value = traffic["value"].as_str().unwrap();
    assert!(
        value
            .starts_with("peer-to-peer possible (STUN), but 2 % of traffic was direct in the last"),
        "{value}"
    );
    let page = e.get("/").text();
    assert!(page.contains("data-check=\"traffic\" data-verdict=\"warning\""));
    assert!(page.contains("<dt>Direct traffic</dt><dd>2 % ("), "{page}");
}
