//! The shipped fleet configs (deploy/fleet/) run with real Prometheus processes: reading them
//! with substitutions, the rules with `for:` cut to 0s, and the fleet dashboard's queries sent
//! as Grafana sends them. Shared by tests/fleet_remote_write.rs and tests/fleet_site_rules.rs.

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::dashboards::{self, Kind, Vars};
use super::fleet_server::unix_now;
use super::prometheus::{Prometheus, percent_encode};

pub const JOB: &str = "connector-exporter";

/// A file of the repository.
pub fn repo(path: &str) -> String {
    let full = Path::new(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// Replaces every `from`, failing when there is none: a substitution that matched nothing would
/// leave the test running the shipped intervals or reaching a name outside loopback.
pub fn substitute(text: String, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no {from:?} to substitute in:\n{text}");
    text.replace(from, to)
}

/// deploy/fleet/central.yml evaluating the rule files in `rules` every `interval` seconds.
pub fn central_config(
    rules: &Path,
    central: SocketAddr,
    alertmanager: SocketAddr,
    interval: u64,
) -> String {
    let mut c = repo("deploy/fleet/central.yml");
    c = substitute(
        c,
        "evaluation_interval: 60s",
        &format!("evaluation_interval: {interval}s"),
    );
    c = substitute(
        c,
        "/etc/prometheus/rules/*.yml",
        &format!("{}/*.yml", rules.display()),
    );
    c = substitute(c, "localhost:9090", &central.to_string());
    // Nothing listens there: alerts are read from the ALERTS series, not received.
    substitute(
        c,
        "alertmanager.example.internal:9093",
        &alertmanager.to_string(),
    )
}

/// Copies the shipped rule files `files` (repository paths) into `dir` with every `for:` set to
/// 0s, so that an alert that would fire is seen firing within a test; returns their rules.
pub fn quick_rules(files: &[&str], dir: &Path) -> Vec<Value> {
    std::fs::create_dir_all(dir).unwrap();
    let mut rules = Vec::new();
    for file in files {
        let text = repo(file);
        let doc: Value = serde_norway::from_str(&text).unwrap();
        for group in doc["groups"].as_array().unwrap() {
            rules.extend(group["rules"].as_array().unwrap().iter().cloned());
        }
        let quick: String = text
            .lines()
            .map(|l| match l.trim_start().strip_prefix("for: ") {
                Some(_) => format!("{}for: 0s", &l[..l.len() - l.trim_start().len()]),
                None => l.to_owned(),
            })
            .collect::<Vec<_>>()
            .join("\n");
        let name = Path::new(file).file_name().unwrap();
        std::fs::write(dir.join(name), quick).unwrap();
    }
    rules
}

/// Polls `ok` until it holds, panicking with its last error and `logs` after `patience`.
pub fn wait_until(
    what: &str,
    patience: Duration,
    logs: impl Fn() -> String,
    mut ok: impl FnMut() -> Result<(), String>,
) {
    let deadline = Instant::now() + patience;
    loop {
        match ok() {
            Ok(()) => return,
            Err(e) if Instant::now() > deadline => panic!("{what}: {e}\n{}", logs()),
            Err(_) => std::thread::sleep(Duration::from_millis(500)),
        }
    }
}

pub fn number(v: &Value) -> f64 {
    v["value"][1]
        .as_str()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN)
}

pub fn instances(result: &[Value]) -> BTreeSet<String> {
    result
        .iter()
        .filter_map(|s| s["metric"]["instance"].as_str().map(str::to_owned))
        .collect()
}

/// Every rule expression answers at `store` without error.
pub fn rules_answer(store: &Prometheus, rules: &[Value], where_: &str) {
    let now = unix_now();
    for rule in rules {
        let expr = rule["expr"].as_str().unwrap();
        let name = rule["alert"]
            .as_str()
            .or(rule["record"].as_str())
            .unwrap_or("?");
        if let Err(e) = store.api(&format!(
            "/api/v1/query?query={}&time={now}",
            percent_encode(expr)
        )) {
            panic!("rule {name}: {expr} fails at {where_}: {e}");
        }
    }
}

/// Every query of the fleet dashboard, sent as Grafana sends it (`rules` picks the recorded or
/// raw form), answers without error or warning; returns the titles of those that found nothing.
/// Range queries look at the last 10 minutes at 5 scrape intervals (`interval`).
pub fn dashboard_queries(central: &Prometheus, rules: &str, interval: Duration) -> Vec<String> {
    let vars = Vars {
        rules: rules.to_owned(),
        ..Vars::new(JOB, ".+")
    };
    let now = unix_now();
    let mut empty = Vec::new();
    for q in dashboards::substituted(&vars) {
        if q.dashboard != "fleet-overview.json" {
            continue;
        }
        let answer = match &q.kind {
            Kind::Instant => central
                .api(&format!(
                    "/api/v1/query?query={}&time={now}",
                    percent_encode(&q.expr)
                ))
                .map(|d| d["result"].as_array().map_or(0, Vec::len)),
            Kind::Range => central
                .query_range(&q.expr, now - 600.0, now, interval * 5)
                .map(|r| r.len()),
            Kind::Annotation { step } => central
                .query_range(&q.expr, now - 600.0, now, *step)
                .map(|r| r.len()),
            Kind::LabelValues(label) => central
                .api(&format!(
                    "/api/v1/label/{label}/values?match[]={}",
                    percent_encode(&q.expr)
                ))
                .map(|d| d.as_array().map_or(0, Vec::len)),
        };
        match answer {
            // The simulated hosts run the default flags, without --connector.metrics-url, so
            // they have no traffic series to show, and the simulated fleet has no Admin API
            // poller (tests/dashboards_data.rs checks those panels against a real one).
            Ok(0) if q.expr.contains("connector_traffic_") => {}
            Ok(0) if q.expr.contains("connector_controller_") => {}
            Ok(0) => empty.push(q.title.clone()),
            Ok(_) => {}
            Err(e) => panic!("{}: {:?} failed at the central store: {e}", q.title, q.expr),
        }
    }
    empty
}
