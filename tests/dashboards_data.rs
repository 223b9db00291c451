//! Every query of both Grafana dashboards, sent the way Grafana sends it to a real Prometheus that
//! scrapes the real exporter, which watches real loopback peers. The structure tests
//! (`tests/dashboards/`) read the queries as text; this proves Prometheus accepts each one and that
//! each finds data, so no panel says "No data" on a working connector host.
//!
//! Some panels only show something after an event, so the test makes each event happen: a
//! spoofing NTP server among the peers (probe failures), the connector killed and started again
//! (a state change for the annotation, a restart), and the STUN server that gave the public
//! address going away so that another one's answer takes over (a public IP change). No query is
//! excused from returning data.
//!
//! The controller's panels read an Admin API poller's series: a dedicated poller, scraped as its
//! own target, polls the test GraphQL server's fleet (every state, one connector with this host's
//! hostname), so the details dashboard must find the host's connector by hostname and the fleet
//! dashboard must list the connectors that are not ALIVE. Prometheus loads the shipped rules, which
//! record the agreement of the two views.

mod common;

use std::time::{Duration, Instant};

use common::certs;
use common::connector::unix_now;
use common::dashboards::{self, Kind, RawQuery, Vars};
use common::exporter::Exporter;
use common::graphql::{self, GraphqlServer};
use common::peers::Peers;
use common::prometheus::{Prometheus, PrometheusSetup, percent_encode};
use common::stun_server::{Mode, StunServer};
use serde_json::Value;

/// The job name `Prometheus::start` gives its one scrape.
const JOB: &str = "connector-exporter";
const FLEET: &str = "fleet-overview.json";
/// Target labels placing the exporter, as the README's scrape config does, so that the fleet's
/// grouping variables have values to offer.
const PLACE: [(&str, &str); 2] = [("remote_network", "office"), ("site", "berlin")];
/// With a scrape every second this holds about ten samples: rate() has its two and more, without
/// waiting for Grafana's usual minute.
const RATE_INTERVAL: Duration = Duration::from_secs(10);
/// The dashboard's time range, `$__range`: the events below must fall inside it.
const RANGE: Duration = Duration::from_secs(60);
/// Grafana's step for so short a range is the scrape interval.
const STEP: Duration = Duration::from_secs(1);
/// Generous for a loaded 2-core machine; on an idle one all data is there in a few seconds.
const PATIENCE: Duration = Duration::from_secs(45);

#[test]
fn every_dashboard_query_returns_data() {
    let began = Instant::now();
    let mut peers = Peers::start();
    // Listed before coturn, so its answer (the IPv6 loopback address) is the public address
    // until it stops; then coturn's 127.0.0.1 replaces it, as a NAT's new address would.
    let first_stun = StunServer::start("::1", Mode::Honest);
    let mut args = vec![format!("--stun.server={}", first_stun.addr)];
    args.extend(peers.args());
    // Traffic through the connector, half of it direct, over a window short enough that the
    // direct share is known within the test.
    peers
        .connector_metrics
        .set_traffic(4.0 * 1024.0 * 1024.0, 0.5);
    args.push("--connector.traffic-window=5s".to_owned());
    let certs = certs::make();
    let hostname = common::exporter::hostname();
    let mut fleet = graphql::small_fleet();
    fleet[0]["hostname"] = hostname.as_str().into();
    let own_connector = fleet[0]["name"].as_str().unwrap().to_owned();
    let admin_api = GraphqlServer::start(&certs, fleet, graphql::Mode::Honest);
    let poller = graphql::start_poller(&admin_api, &certs, &[]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let exporter = Exporter::start(&args);
    let rules = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("alerts/connector-exporter.rules.yml");
    let prometheus = Prometheus::start(PrometheusSetup {
        // Placed as the README's scrape config places it, so the grouping variables have values;
        // the poller without a remote_network target label, which its series carry themselves.
        targets: &[(exporter.addr, &PLACE), (poller.addr, &[])],
        rule_files: &[rules.as_path()],
        alertmanager: None,
        interval: "1s",
    });
    let wait = |expr: &str, why: &str| {
        let deadline = Instant::now() + PATIENCE;
        while prometheus.query(expr).is_empty() {
            assert!(
                Instant::now() < deadline,
                "{why}: {expr} stayed empty\nexporter logs:\n{}",
                exporter.logs()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
    };

    // The counters must be seen at 0 first: increase() only counts a step it saw happen.
    wait("connector_up == 1", "the connector is up");
    wait("connector_restarts_total == 0", "no restart yet");
    wait("connector_public_ip_changes_total == 0", "no IP change yet");
    wait(
        "connector_public_ip_info{address=\"::1\"}",
        "the first STUN server gives the public address",
    );
    wait(
        "connector_traffic_direct_ratio",
        "the direct share is known",
    );
    wait(
        &format!("connector_controller_up{{instance=\"{}\"}}", poller.addr),
        "the poller has the fleet",
    );
    wait(
        "connector:controller_agreement:up",
        "the rules join the host and the controller",
    );

    peers.connector.kill(false);
    wait("connector_up == 0", "the killed connector is seen down");
    peers.connector.start();
    peers.connector_metrics.restart();
    drop(first_stun);
    wait("connector_restarts_total > 0", "the restart is counted");
    wait(
        "connector_public_ip_changes_total > 0",
        "the new public address is counted",
    );

    let instance = exporter.addr.to_string();
    let target = [
        ("job", JOB),
        ("instance", instance.as_str()),
        PLACE[0],
        PLACE[1],
    ];
    let durations = |vars: Vars| Vars {
        rate_interval: RATE_INTERVAL,
        interval: STEP,
        range: RANGE,
        ..vars
    };
    // Both dashboards with this exporter chosen, and the fleet as it opens: "All" in both
    // variables, which Grafana sends as a group of every job listed and the instance
    // variable's allValue.
    let chosen = durations(Vars::new(JOB, &instance));
    let fleet_all = durations(Vars::new(&format!("({JOB})"), ".+"));
    let mut queries: Vec<(&str, &Vars, RawQuery)> = dashboards::substituted(&chosen)
        .into_iter()
        .map(|q| ("chosen", &chosen, q))
        .collect();
    queries.extend(
        dashboards::substituted(&fleet_all)
            .into_iter()
            .filter(|q| q.dashboard == FLEET)
            .map(|q| ("All", &fleet_all, q)),
    );
    let any = |f: fn(&Kind) -> bool| queries.iter().any(|(_, _, q)| f(&q.kind));
    for (kind, present) in [
        ("instant", any(|k| *k == Kind::Instant)),
        ("range", any(|k| *k == Kind::Range)),
        ("label values", any(|k| matches!(k, Kind::LabelValues(_)))),
        ("annotation", any(|k| matches!(k, Kind::Annotation { .. }))),
    ] {
        assert!(present, "no {kind} query: that path would go untested");
    }
    let deadline = Instant::now() + PATIENCE;
    loop {
        let end = unix_now().floor();
        let mut wrong = Vec::new();
        let mut waiting = Vec::new();
        for (selection, vars, q) in &queries {
            let what = || {
                format!(
                    "  [{selection}] {}: {} ({:?}): {}",
                    q.dashboard, q.title, q.kind, q.expr
                )
            };
            match run(&prometheus, q, vars, &target, end) {
                Outcome::Data => {}
                Outcome::NoData(why) => waiting.push(format!("{}\n    {why}", what())),
                Outcome::Wrong(why) => wrong.push(format!("{}\n    {why}", what())),
            }
        }
        // A refused query or a NaN will not fix itself by waiting.
        assert!(wrong.is_empty(), "wrong answers:\n{}", wrong.join("\n"));
        if waiting.is_empty() {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "no data after {PATIENCE:?}:\n{}\nexporter logs:\n{}\npoller logs:\n{}",
            waiting.join("\n"),
            exporter.logs(),
            poller.logs()
        );
        std::thread::sleep(Duration::from_millis(500));
    }
    controller_panels_show_the_fixture(&prometheus, &queries, &own_connector);
    eprintln!(
        "{} dashboard queries returned data, {:.1?} after the peers started",
        queries.len(),
        began.elapsed()
    );
}

/// Data alone would not catch a join that finds the wrong connector or a table that lists
/// ALIVE ones: the controller panels must show what the fixture says.
fn controller_panels_show_the_fixture(
    prometheus: &Prometheus,
    queries: &[(&str, &Vars, RawQuery)],
    own: &str,
) {
    let answer = |dashboard: &str, title: &str, nth: usize| -> Vec<Value> {
        let q = queries
            .iter()
            .filter(|(_, _, q)| q.dashboard == dashboard && q.title == title)
            .nth(nth)
            .unwrap_or_else(|| panic!("{dashboard}: no query {nth} in {title:?}"));
        prometheus.query(&q.2.expr)
    };
    let labels = |series: &[Value], label: &str| -> Vec<String> {
        let mut out: Vec<String> = series
            .iter()
            .map(|s| s["metric"][label].as_str().unwrap_or_default().to_owned())
            .collect();
        out.sort();
        out
    };
    let value = |s: &Value| s["value"][1].as_str().unwrap().parse::<f64>().unwrap();
    let details = "connector-details.json";
    let says = answer(details, "Controller says", 0);
    assert_eq!(says.len(), 1, "{says:?}");
    assert_eq!(value(&says[0]), 1.0, "{own} is ALIVE: {says:?}");
    let facts = answer(details, "Controller facts", 0);
    assert_eq!(labels(&facts, "connector"), [own], "{facts:?}");
    let states = answer(details, "Host and controller", 2);
    assert_eq!(
        labels(&states, "state"),
        [
            "DEAD_HEARTBEAT_TOO_OLD",
            "DEAD_NO_HEARTBEAT",
            "DEAD_NO_RELAYS",
            "unknown"
        ]
    );
    assert!(states.iter().all(|s| value(s) == 0.0), "{states:?}");

    let down = answer(FLEET, "Connectors not ALIVE (controller)", 0);
    assert_eq!(
        labels(&down, "connector"),
        ["bravo", "charlie", "delta", "echo"]
    );
    // bravo never sent a heartbeat: no age, rather than a made-up one.
    let ages = answer(FLEET, "Connectors not ALIVE (controller)", 1);
    assert_eq!(labels(&ages, "connector"), ["charlie", "delta", "echo"]);
    let alive = answer(FLEET, "Controller states per remote network", 0);
    let per_network: Vec<(String, f64)> = {
        let mut v: Vec<(String, f64)> = alive
            .iter()
            .map(|s| {
                (
                    s["metric"]["remote_network"].as_str().unwrap().to_owned(),
                    value(s),
                )
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    };
    assert_eq!(
        per_network,
        [("network-1".to_owned(), 1.0), ("network-2".to_owned(), 0.0)]
    );
}

enum Outcome {
    Data,
    /// Nothing yet; may come with more scrapes.
    NoData(String),
    /// Refused by Prometheus, or values no panel can show.
    Wrong(String),
}

/// Runs `q` as Grafana would for a dashboard showing the last `vars.range` up to `end`. A
/// variable's list must offer the scraped target's own label value.
fn run(
    prometheus: &Prometheus,
    q: &RawQuery,
    vars: &Vars,
    target: &[(&str, &str)],
    end: f64,
) -> Outcome {
    let start = end - vars.range.as_secs_f64();
    let answer = match &q.kind {
        Kind::Instant => {
            let path = format!("/api/v1/query?query={}&time={end}", percent_encode(&q.expr));
            prometheus.api(&path).map(|data| instant_samples(&data))
        }
        Kind::Range | Kind::Annotation { .. } => {
            let step = match q.kind {
                Kind::Annotation { step } => step,
                _ => vars.interval,
            };
            let series = match prometheus.query_range(&q.expr, start, end, step) {
                Ok(series) => series,
                Err(e) => return Outcome::Wrong(e),
            };
            // A graph must reach the right edge: data only in the past means a series that
            // stopped, which a working host should not show.
            let reaches_end = series.iter().any(|s| {
                s["values"]
                    .as_array()
                    .and_then(|v| v.last())
                    .is_some_and(|last| last[0].as_f64() == Some(end))
            });
            if q.kind == Kind::Range && !series.is_empty() && !reaches_end {
                return Outcome::NoData(format!("no point at the end ({end})"));
            }
            Ok(series
                .iter()
                .flat_map(|s| s["values"].as_array().cloned().unwrap_or_default())
                .collect())
        }
        Kind::LabelValues(label) => {
            let path = format!(
                "/api/v1/label/{label}/values?match%5B%5D={}&start={start}&end={end}",
                percent_encode(&q.expr)
            );
            let Some(&(_, expected)) = target.iter().find(|(l, _)| l == label) else {
                return Outcome::Wrong(format!("the target has no label {label}"));
            };
            return match prometheus.api(&path) {
                Err(e) => Outcome::Wrong(e),
                Ok(Value::Array(values)) if values.contains(&Value::from(expected)) => {
                    Outcome::Data
                }
                Ok(values) => Outcome::NoData(format!("{expected:?} not among {values}")),
            };
        }
    };
    match answer {
        Err(e) => Outcome::Wrong(e),
        Ok(points) if points.is_empty() => Outcome::NoData("empty result".into()),
        Ok(points) => {
            let bad: Vec<&Value> = points
                .iter()
                .filter(|p| {
                    let value = p[1].as_str().and_then(|v| v.parse::<f64>().ok());
                    !value.is_some_and(f64::is_finite)
                })
                .collect();
            if bad.is_empty() {
                Outcome::Data
            } else {
                Outcome::Wrong(format!("values a panel cannot show: {bad:?}"))
            }
        }
    }
}

/// `[time, "value"]` of every sample of an instant query's answer, vector or scalar.
fn instant_samples(data: &Value) -> Vec<Value> {
    match (data["resultType"].as_str(), &data["result"]) {
        (Some("vector"), Value::Array(series)) => {
            series.iter().map(|s| s["value"].clone()).collect()
        }
        (_, scalar) => vec![scalar.clone()],
    }
}
