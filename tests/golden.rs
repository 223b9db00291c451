//! The real binary's /metrics: the set of metric and label names against a
//! checked-in golden file, and both exposition formats through the real
//! `promtool check metrics`.
//!
//! Regenerate after an intended change: `UPDATE_GOLDEN=1 cargo test --test golden`.

mod common;

use std::collections::BTreeSet;
use std::io::{Read, Write};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::exporter::Exporter;
use common::graphql::{self, GraphqlServer, Mode};
use common::metrics::Metrics;
use common::peers::Peers;

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/metrics.txt");
/// The connector_controller_* families of an Admin API poller that also cross-checks its own
/// connector (`--twingate.connector`), which no host exporter with the default flags has.
const CONTROLLER_GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/controller.txt");

/// Every sample name with its sorted label names: `name label1,label2`.
fn shape(metrics: &Metrics) -> BTreeSet<String> {
    metrics
        .samples
        .iter()
        .map(|s| {
            let labels: Vec<&str> = s.labels.keys().map(String::as_str).collect();
            format!("{} {}", s.name, labels.join(","))
        })
        .collect()
}

/// promtool 2.42 lints with the 0.0.4 parser. On OpenMetrics it parses the
/// body but misreads one rule of that format: a counter's HELP names the
/// family (`x`), its sample is `x_total`, so it reports "x_total no help
/// text". Those lines, and only for families declared as counters with a
/// HELP, are accepted; anything else fails.
fn promtool_check_openmetrics(body: &[u8]) {
    let text = String::from_utf8_lossy(body);
    let counters_with_help: BTreeSet<String> = text
        .lines()
        .filter_map(|l| l.strip_prefix("# TYPE "))
        .filter_map(|l| l.strip_suffix(" counter"))
        .filter(|name| text.contains(&format!("# HELP {name} ")))
        .map(|name| format!("{name}_total no help text"))
        .collect();
    let (ok, output) = promtool(body);
    let unexplained: Vec<&str> = output
        .lines()
        .filter(|l| !l.trim().is_empty() && !counters_with_help.contains(l.trim()))
        .collect();
    assert!(
        (ok || !output.contains("error")) && unexplained.is_empty(),
        "promtool check metrics on the OpenMetrics form:\n{output}"
    );
}

fn promtool(body: &[u8]) -> (bool, String) {
    let mut child = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("promtool is missing: run scripts/install-test-deps.sh");
    child.stdin.take().unwrap().write_all(body).unwrap();
    let out = child.wait_with_output().unwrap();
    let output = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), output)
}

fn promtool_check(body: &[u8]) {
    let (ok, output) = promtool(body);
    assert!(
        ok,
        "promtool check metrics failed on the 0.0.4 text form:\n{output}"
    );
}

/// The exporter with every probe pointed at real loopback peers, after a
/// round of each, so every family it can show is there.
fn started() -> (Exporter, Peers) {
    let peers = Peers::start();
    let args = peers.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let e = Exporter::start(&args);
    e.wait_for(Duration::from_secs(20), |m| {
        ["clock", "stun", "connector", "host"]
            .iter()
            .all(|p| m.get("connector_probe_success", &[("probe", p)]) == Some(1.0))
            && m.has("connector_probe_failures_total")
            && m.has("connector_public_ip_info")
            && m.has("connector_traffic_direct_ratio")
    });
    (e, peers)
}

fn assert_golden(path: &str, actual: BTreeSet<String>) {
    let rendered: String = actual.iter().map(|l| format!("{l}\n")).collect();
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::write(path, &rendered).unwrap();
    }
    let golden = std::fs::read_to_string(path).expect("golden file");
    let expected: BTreeSet<String> = golden.lines().map(str::to_owned).collect();
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "/metrics differs from {path}\nmissing: {missing:#?}\nunexpected: {extra:#?}\n(UPDATE_GOLDEN=1 regenerates it)"
    );
}

#[test]
fn metric_names_and_labels_match_golden() {
    let (e, _peers) = started();
    assert_golden(GOLDEN, shape(&e.metrics()));
}

#[test]
fn controller_metric_names_and_labels_match_golden() {
    let certs = common::certs::make();
    let mut fleet = graphql::small_fleet();
    fleet[0]["hostname"] = common::exporter::hostname().into();
    let server = GraphqlServer::start(&certs, fleet, Mode::Honest);
    let e = graphql::start_poller(&server, &certs, &["--twingate.connector=alpha"]);
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_probe_success", &[("probe", "admin_api")]) == Some(1.0)
            && m.has("connector_controller_agreement")
    });
    let controller = shape(&m)
        .into_iter()
        .filter(|l| l.starts_with("connector_controller_"))
        .collect();
    assert_golden(CONTROLLER_GOLDEN, controller);
}

#[test]
fn both_formats_pass_promtool() {
    let (e, _peers) = started();
    let text = e.get("/metrics");
    assert_eq!(
        text.header("content-type"),
        Some("text/plain; version=0.0.4; charset=utf-8")
    );
    promtool_check(&text.body);

    let om = common::http::request(
        e.addr,
        "GET",
        "/metrics",
        &[(
            "Accept",
            "application/openmetrics-text;version=1.0.0,text/plain;q=0.5",
        )],
    )
    .unwrap();
    assert!(
        om.header("content-type")
            .unwrap()
            .starts_with("application/openmetrics-text")
    );
    assert!(
        om.text().ends_with("# EOF\n"),
        "OpenMetrics ends with # EOF"
    );
    promtool_check_openmetrics(&om.body);
}

#[test]
fn gzip_when_asked_and_same_content() {
    let (e, _peers) = started();
    let zipped =
        common::http::request(e.addr, "GET", "/metrics", &[("Accept-Encoding", "gzip")]).unwrap();
    assert_eq!(zipped.header("content-encoding"), Some("gzip"));
    let mut plain = String::new();
    flate2::read::GzDecoder::new(&zipped.body[..])
        .read_to_string(&mut plain)
        .unwrap();
    assert!(plain.contains("connector_host_info{"));
    let refused = common::http::request(
        e.addr,
        "GET",
        "/metrics",
        &[("Accept-Encoding", "gzip;q=0, identity")],
    )
    .unwrap();
    assert_eq!(refused.header("content-encoding"), None);
}

#[test]
fn routes_methods_and_landing_page() {
    let (e, _peers) = started();
    assert_eq!(e.get("/nope").status, 404);
    let post = common::http::request(e.addr, "POST", "/metrics", &[]).unwrap();
    assert_eq!(post.status, 405);
    assert_eq!(post.header("allow"), Some("GET, HEAD"));
    let landing = e.get("/");
    assert_eq!(landing.status, 200);
    assert!(landing.text().contains("href=\"/metrics\""));
    assert_eq!(e.get("/-/healthy").status, 200);
    assert_eq!(e.get("/-/ready").status, 200);
}

#[test]
fn build_and_process_metrics_describe_the_exporter() {
    let (e, _peers) = started();
    let m = e.metrics();
    let build = m.find("connector_exporter_build_info", &[]);
    assert_eq!(build.len(), 1);
    assert_eq!(build[0].labels["version"], env!("CARGO_PKG_VERSION"));
    let rss = m.get("process_resident_memory_bytes", &[]).unwrap();
    assert!(rss > 1e6 && rss < 200e6, "rss {rss}");
    let start = m.get("process_start_time_seconds", &[]).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(
        (now - start).abs() < 60.0,
        "started just now: {start} vs {now}"
    );
    assert!(m.get("process_open_fds", &[]).unwrap() >= 3.0);
}

#[test]
fn sigterm_stops_cleanly() {
    let (e, _peers) = started();
    let status = e.stop();
    assert!(status.success(), "exit status {status}");
}
