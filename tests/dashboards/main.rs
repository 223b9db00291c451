//! Structure and metric-name checks for the Grafana dashboards in `dashboards/`.
//!
//! Grafana itself cannot run here, so these checks stand in for loading the files: everything
//! Grafana would silently get wrong (a column renamed that does not exist, a link to a uid that is
//! not there, a metric that the exporter does not export) fails here instead. Whether the queries
//! run and find data is `tests/dashboards_data.rs`, against a real Prometheus.

#[path = "../common/mod.rs"]
mod common;

mod colours;
mod links;
mod names;
mod scale;
mod scanner;
mod structure;
mod tables;

use common::dashboards::{self as dash, Vars};
use common::promql;
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const DETAILS: &str = "connector-details.json";
const FLEET: &str = "fleet-overview.json";
/// Stable uids: bookmarks, links between the two dashboards and provisioning depend on them.
const UIDS: [(&str, &str); 2] = [
    (DETAILS, "connector-exporter-details"),
    (FLEET, "connector-exporter-fleet"),
];
/// Grafana 12's dashboard schema; older versions load it unchanged, newer ones migrate it.
const SCHEMA_VERSION: u64 = 41;
const GRID_WIDTH: u64 = 24;
const PANEL_TYPES: [&str; 6] = [
    "stat",
    "timeseries",
    "table",
    "state-timeline",
    "bargauge",
    "heatmap",
];
/// Grafana unit ids used here (from Grafana's valueFormats categories).
#[rustfmt::skip]
const UNITS: [&str; 12] = [
    "none", "short", "s", "ms", "percent", "percentunit", "bytes", "Bps", "dateTimeAsIso",
    "dateTimeFromNow", "cpm", "cps",
];
#[rustfmt::skip]
const OVERRIDE_PROPERTIES: [&str; 15] = [
    "unit", "decimals", "mappings", "thresholds", "color", "links", "displayName", "min", "max",
    "custom.cellOptions", "custom.width", "custom.fillBelowTo", "custom.fillOpacity",
    "custom.lineStyle", "custom.lineWidth",
];
/// Labels Prometheus adds to every scraped series.
const TARGET_LABELS: [&str; 2] = ["job", "instance"];
/// The job of the mixin's default `controllerSelector` (the Admin API poller's series).
const CONTROLLER_JOB: &str = "connector-exporter";
/// Target labels the fleet dashboard narrows by (the mixin's default `groupingLabels`).
const GROUPING_LABELS: [&str; 2] = ["remote_network", "site"];

fn ds() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

fn all() -> Vec<(String, Value)> {
    dash::load_all()
}

fn title(panel: &Value) -> &str {
    panel["title"].as_str().unwrap_or("<untitled>")
}

fn is_row(panel: &Value) -> bool {
    panel["type"] == "row"
}

fn panel<'a>(dashboard: &'a Value, title_: &str) -> &'a Value {
    dash::panels(dashboard)
        .into_iter()
        .find(|p| title(p) == title_)
        .unwrap_or_else(|| panic!("no panel titled {title_:?}"))
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

fn override_property<'a>(panel: &'a Value, field: &str, id: &str) -> &'a Value {
    panel["fieldConfig"]["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["matcher"]["options"] == field)
        .flat_map(|o| o["properties"].as_array().unwrap())
        .find(|p| p["id"] == id)
        .map(|p| &p["value"])
        .unwrap_or_else(|| panic!("{}: no {id} on {field}", title(panel)))
}

/// Every URL a panel links to: panel links, field links and links set by overrides.
fn link_urls(panel: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let fc = &panel["fieldConfig"];
    let props = fc["overrides"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| o["properties"].as_array().unwrap());
    let lists = props
        .filter(|p| p["id"] == "links")
        .map(|p| &p["value"])
        .chain([&fc["defaults"]["links"], &panel["links"]]);
    for list in lists {
        for link in list.as_array().into_iter().flatten() {
            out.push(link["url"].as_str().unwrap().to_string());
        }
    }
    out
}

/// `sample name -> label names` from the golden `/metrics` listings: a host exporter's, and an
/// Admin API poller's connector_controller_* families.
fn golden() -> BTreeMap<String, BTreeSet<String>> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut text = String::new();
    for file in ["metrics.txt", "controller.txt"] {
        let path = dir.join(file);
        text += &std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    }
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (name, labels) = line.split_once(' ').unwrap_or((line, ""));
        let labels = labels
            .trim()
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        out.insert(name.to_string(), labels);
    }
    assert!(
        out.contains_key("connector_up") && out.contains_key("connector_controller_up"),
        "the golden listings lack a host or a poller family"
    );
    out
}

/// Label names a selector on `metric` may use: its own plus the target labels; `up` comes from
/// Prometheus and has only the target labels.
fn allowed_labels(golden: &BTreeMap<String, BTreeSet<String>>, metric: &str) -> BTreeSet<String> {
    let mut labels = golden.get(metric).cloned().unwrap_or_default();
    labels.extend(TARGET_LABELS.map(String::from));
    if let Some(level) = recorded().get(metric) {
        labels.extend(level.iter().cloned());
    }
    labels
}

fn metric_exists(golden: &BTreeMap<String, BTreeSet<String>>, metric: &str) -> bool {
    metric == "up" || golden.contains_key(metric) || recorded().contains_key(metric)
}

/// The recording rules' series, `name -> labels` from the level (`remote_network_site_state:…`
/// keeps remote_network, site and state), read from the generated rules file.
fn recorded() -> BTreeMap<String, BTreeSet<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("alerts/connector-exporter.rules.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("- record: "))
        .map(|name| {
            let mut level = name.split(':').next().unwrap_or_default().to_owned();
            let mut labels = BTreeSet::new();
            for l in GROUPING_LABELS {
                if level.contains(l) {
                    labels.insert(l.to_owned());
                    level = level.replacen(l, "", 1);
                }
            }
            labels.extend(
                level
                    .split('_')
                    .filter(|p| !p.is_empty())
                    .map(str::to_owned),
            );
            (name.to_owned(), labels)
        })
        .collect()
}

fn substituted() -> Vec<(String, String, String)> {
    dash::queries(&Vars::new("connector-exporter", "127.0.0.1:10150"))
}
