//! The clock alert end to end, from the real binary to a notification: the exporter measures NTP
//! servers 6 s ahead of it (offset −6 s, beyond the ±5 s tolerance), a real Prometheus evaluates
//! the shipped rules file as it is, and a real Alertmanager routes with the shipped example
//! configuration to webhook receivers served here.
//!
//! Only the webhook URLs and the timers of the example configuration are changed, by textual
//! substitution that must each find its text, so the routing and inhibition exercised are the
//! shipped ones. Everything listens on loopback; the peers' guards stop processes and remove
//! temporary directories when the test fails too.

mod common;

use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use common::alerting::{
    Inbox, RULES, SHORT, alert_in, alertmanager_alerts, alertmanager_config, alerts, assert_labels,
    carries, label, read,
};
use common::exporter::Exporter;
use common::http;
use common::peers::Peers;
use common::prometheus::{Alertmanager, Prometheus, PrometheusSetup};

const JOB: &str = "connector-exporter";
const CRITICAL: &str = "ConnectorClockOffsetBeyondTolerance";
const NEAR: &str = "ConnectorClockOffsetNearTolerance";
const DRIFTING: &str = "ConnectorClockOffsetDrifting";
const KERNEL: &str = "ConnectorClockKernelUnsynchronized";
/// How far the NTP servers run ahead of the exporter's clock.
const AHEAD: f64 = 6.0;
const TOLERANCE: f64 = 5.0;

fn prometheus_api(prometheus: &Prometheus, path: &str) -> Value {
    let response = http::get(prometheus.addr, path).expect("Prometheus API");
    let body: Value = serde_json::from_slice(&response.body).expect("Prometheus answers JSON");
    assert_eq!(body["status"], "success", "{path}: {body}");
    body["data"].clone()
}

/// Posts alerts to Alertmanager the way Prometheus does.
fn post_alerts(alertmanager: &Alertmanager, alerts: &Value) {
    let body = alerts.to_string();
    let response = http::request_with_body(
        alertmanager.addr,
        "POST",
        "/api/v2/alerts",
        &[("Content-Type", "application/json")],
        Some(body.as_bytes()),
    )
    .expect("POST to Alertmanager");
    assert_eq!(response.status, 200, "{}", response.text());
}

/// What Prometheus and Alertmanager think, for a failure message.
fn diagnostics(prometheus: &Prometheus, alertmanager: &Alertmanager) -> String {
    let alerts = http::get(prometheus.addr, "/api/v1/alerts")
        .map(|r| r.text())
        .unwrap_or_else(|e| e.to_string());
    format!(
        "Prometheus alerts: {alerts}\nPrometheus log:\n{}\nAlertmanager log:\n{}",
        prometheus.logs(),
        alertmanager.logs()
    )
}

/// The offset in "clock is 6s behind the reference", as humanizeDuration wrote it.
fn quoted_offset(description: &str) -> f64 {
    let after = description
        .split_once("clock is ")
        .unwrap_or_else(|| panic!("no \"clock is\" in {description:?}"))
        .1;
    let quoted = after.split(' ').next().unwrap();
    quoted
        .strip_suffix('s')
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| panic!("{quoted:?} is not a duration in seconds: {description:?}"))
}

#[test]
fn clock_offset_beyond_tolerance_pages_and_resolves() {
    let started = Instant::now();
    let mut inbox = Inbox::start();
    let alertmanager = Alertmanager::start(&alertmanager_config(inbox.webhook.addr, &SHORT));

    let peers = Peers::start();
    let args = peers.args();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let exporter = Exporter::start(&args);
    let instance = exporter.addr.to_string();
    let metrics = exporter.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_clock_offset_seconds", &[])
            .is_some_and(|o| o.abs() < 1.0)
            && m.has("connector_host_info")
    });
    let hostname = metrics.find("connector_host_info", &[])[0].labels["hostname"].clone();

    let prometheus = Prometheus::start(PrometheusSetup {
        targets: &[(exporter.addr, &[])],
        rule_files: &[Path::new(RULES)],
        alertmanager: Some(alertmanager.addr),
        interval: "1s",
    });
    // Prometheus loaded the shipped file itself, every rule of it.
    let groups = prometheus_api(&prometheus, "/api/v1/rules")["groups"].clone();
    let loaded: Vec<&Value> = groups
        .as_array()
        .unwrap()
        .iter()
        .inspect(|g| assert_eq!(g["file"], RULES, "group {} from elsewhere", g["name"]))
        .flat_map(|g| g["rules"].as_array().unwrap())
        .collect();
    let text = read(RULES);
    let shipped = text.matches("- alert: ").count() + text.matches("- record: ").count();
    assert!(shipped > 0);
    assert_eq!(
        loaded.len(),
        shipped,
        "Prometheus loaded {} of {shipped} rules",
        loaded.len()
    );
    prometheus.wait_for_data(
        &format!("connector_clock_offset_seconds{{job=\"{JOB}\",instance=\"{instance}\"}}"),
        Duration::from_secs(30),
    );
    let context = || diagnostics(&prometheus, &alertmanager);
    eprintln!(
        "setup (peers, exporter, Prometheus with data): {:.1?}",
        started.elapsed()
    );

    // The servers run ahead, so the exporter is behind them: offset −6 s.
    let set_at = Instant::now();
    peers.set_clock_offset(AHEAD);
    exporter.wait_for(Duration::from_secs(15), |m| {
        m.get("connector_clock_offset_seconds", &[])
            .is_some_and(|o| o <= -TOLERANCE)
    });
    let crossed_at = Instant::now();

    let firing = inbox.wait(
        Duration::from_secs(240),
        |n| carries(n, "/critical", CRITICAL, &instance, "firing"),
        &context,
    );
    eprintln!(
        "{CRITICAL} at the webhook {:.1?} after /metrics first showed offset <= -{TOLERANCE} s \
         (reference), {:.1?} after the servers' offset was set",
        firing.at - crossed_at,
        firing.at - set_at,
    );
    // `for: 2m30s` (two clock rounds at the default interval) is the floor; scrape,
    // evaluation and group_wait add a few seconds.
    assert!(
        firing.at - crossed_at >= Duration::from_secs(149),
        "fired before its `for` had passed"
    );

    // The page: right receiver, grouped by alert and place (this target has no place labels),
    // labels and wording from the rule.
    assert_eq!(firing.body["receiver"], "connector-critical");
    assert_eq!(firing.body["groupLabels"], json!({ "alertname": CRITICAL }));
    let alert = alert_in(&firing, CRITICAL);
    assert_labels(
        alert,
        &[
            ("alertname", CRITICAL),
            ("severity", "critical"),
            ("instance", instance.as_str()),
            ("job", JOB),
        ],
    );
    let description = alert["annotations"]["description"].as_str().unwrap();
    eprintln!("description: {description}");
    assert!(
        description.starts_with(&format!("{instance} (host {hostname}): clock is ")),
        "{description:?}"
    );
    let quoted = quoted_offset(description);
    assert!(
        (quoted - AHEAD).abs() < 0.05,
        "quotes {quoted} s: {description:?}"
    );
    assert!(
        description.ends_with("s behind the reference; the controller tolerates ±5s."),
        "{description:?}"
    );
    assert!(!alert["annotations"]["summary"].as_str().unwrap().is_empty());

    // Against healthy peers with only the clock off, the rules with a long `for` must not be
    // on their way either: nothing but the page and the near-tolerance warning is active, and
    // the kernel alert exactly when this host's own clock is undisciplined with its maximum
    // error at the kernel's cap (test machines often run no NTP daemon).
    let mut active: Vec<String> = prometheus
        .query(&format!("ALERTS{{instance=\"{instance}\"}}"))
        .iter()
        .map(|a| {
            let name = a["metric"]["alertname"].as_str().unwrap_or_default();
            format!(
                "{name} {}",
                a["metric"]["alertstate"].as_str().unwrap_or_default()
            )
        })
        .collect();
    active.sort();
    let mut expected = vec![format!("{CRITICAL} firing"), format!("{NEAR} pending")];
    let now = exporter.metrics();
    if now.get("connector_clock_kernel_synchronized", &[]) == Some(0.0)
        && now
            .get("connector_clock_kernel_maxerror_seconds", &[])
            .is_some_and(|e| e >= 16.0)
    {
        expected.insert(0, format!("{KERNEL} pending"));
    }
    assert_eq!(active, expected, "alerts active against the real data");
    // Nor any alert without an instance: one connector with no remote_network label has no
    // redundancy to lose, and its network is up.
    let fleet: Vec<String> = prometheus
        .query("ALERTS unless ALERTS{instance!=\"\"}")
        .iter()
        .map(|a| {
            a["metric"]["alertname"]
                .as_str()
                .unwrap_or_default()
                .to_owned()
        })
        .collect();
    assert!(
        fleet.is_empty(),
        "fleet alerts against one healthy connector: {fleet:?}"
    );

    // Inhibition. The near-tolerance warning has `for: 5m` and cannot fire within a test, though
    // the rule already matches (pending, above). So it is posted as Prometheus would, for this
    // connector and for another one: the first must be held back while the page fires, the
    // second shows the warning route delivers meanwhile.
    let other = "other-connector:10150";
    let near = |instance: &str| {
        json!({
            "labels": {"alertname": NEAR, "severity": "warning", "instance": instance, "job": JOB},
            "annotations": {"description": "posted by the test"},
        })
    };
    post_alerts(&alertmanager, &json!([near(&instance), near(other)]));
    inbox.wait(
        Duration::from_secs(15),
        |n| carries(n, "/warning", NEAR, other, "firing"),
        &context,
    );
    let held = alertmanager_alerts(&alertmanager, NEAR);
    let ours = held
        .iter()
        .find(|a| label(a, "instance") == instance)
        .expect("Alertmanager has our posted warning");
    assert_eq!(ours["status"]["state"], "suppressed", "{ours}");
    assert!(
        !ours["status"]["inhibitedBy"].as_array().unwrap().is_empty(),
        "{ours}"
    );

    // Back within tolerance: the page resolves.
    peers.set_clock_offset(0.0);
    exporter.wait_for(Duration::from_secs(15), |m| {
        m.get("connector_clock_offset_seconds", &[])
            .is_some_and(|o| o.abs() < TOLERANCE)
    });
    let back_at = Instant::now();
    let resolved = inbox.wait(
        Duration::from_secs(30),
        |n| carries(n, "/critical", CRITICAL, &instance, "resolved"),
        &context,
    );
    assert_eq!(resolved.body["status"], "resolved");
    eprintln!(
        "resolved notification {:.1?} after /metrics showed the offset back within tolerance",
        resolved.at - back_at
    );
    // Once the page has resolved nothing inhibits the warning any more, so it is delivered:
    // the inhibition, not something else, is what held it back.
    let released = inbox.wait(
        Duration::from_secs(15),
        |n| carries(n, "/warning", NEAR, &instance, "firing"),
        &context,
    );
    assert!(released.at > back_at);

    // While the page fired, no clock near/drift warning for this connector went out, and the
    // real data raised nothing but the page.
    for n in &inbox.seen {
        let clock_warning = alerts(n).iter().any(|a| {
            [NEAR, DRIFTING].contains(&label(a, "alertname")) && label(a, "instance") == instance
        });
        assert!(
            !(clock_warning && n.at < back_at),
            "a clock warning went out while {CRITICAL} fired; {}",
            inbox.summary()
        );
        let from_prometheus: Vec<&str> = alerts(n)
            .iter()
            .filter(|a| label(a, "instance") == instance && label(a, "alertname") != NEAR)
            .map(|a| label(a, "alertname"))
            .collect();
        assert!(
            from_prometheus.iter().all(|name| *name == CRITICAL),
            "unexpected alerts from real data: {}",
            inbox.summary()
        );
    }
    // Every rule evaluated cleanly against the real series.
    for group in prometheus_api(&prometheus, "/api/v1/rules")["groups"]
        .as_array()
        .unwrap()
    {
        for rule in group["rules"].as_array().unwrap() {
            assert_eq!(
                rule["health"], "ok",
                "{}: {}",
                rule["name"], rule["lastError"]
            );
        }
    }
    eprintln!("notifications: {}", inbox.summary());
    eprintln!("total: {:.1?}", started.elapsed());
}
