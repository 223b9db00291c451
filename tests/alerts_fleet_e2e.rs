//! Fleet alerting end to end: 20 real exporters, each watching its own fake connector, scraped
//! by a real Prometheus as two remote networks (target labels, as the README's scrape config
//! sets them), evaluating the shipped rules, and a real Alertmanager with the shipped example
//! configuration. Remote network `a` has two connectors, `b` eighteen. `a` loses one connector:
//! exactly one warning (ConnectorRedundancyLost) reaches the receivers and the per-connector
//! ConnectorDown is held back. Then it loses the other: exactly one page
//! (ConnectorRemoteNetworkDown), the rest held back. Network `b` raises nothing.
//!
//! The shipped `for` durations (minutes) are divided by 30 and the Alertmanager timers
//! shortened, by textual substitution that must each find its text; the expressions, labels,
//! routing and inhibitions are the shipped ones. Everything listens on loopback.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::time::{Duration, Instant};

use common::alerting::{
    Timers, alertmanager_alerts, alertmanager_config, alerts, label, short_rules_file, wait_until,
};
use common::connector::FakeConnector;
use common::exporter::Exporter;
use common::http;
use common::prometheus::{Alertmanager, Notification, Prometheus, PrometheusSetup, Webhook};

const WARNING: &str = "ConnectorRedundancyLost";
const CRITICAL: &str = "ConnectorRemoteNetworkDown";
const DOWN: &str = "ConnectorDown";
/// Connectors per remote network.
const NETWORKS: [(&str, usize); 2] = [("a", 2), ("b", 18)];
/// Shipped `for` durations are divided by this: 2m becomes 4s, 5m 10s.
const TIME_SCALE: u64 = 30;
/// Long enough that no firing alert is notified twice within the test.
const TIMERS: Timers = Timers {
    group_wait: "1s",
    group_interval: "2s",
    repeat_interval: "10m",
};

fn describe(seen: &[Notification]) -> String {
    seen.iter()
        .map(|n| {
            let names: Vec<String> = alerts(n)
                .iter()
                .map(|a| {
                    format!(
                        "{}{{remote_network={},instance={}}}/{}",
                        label(a, "alertname"),
                        label(a, "remote_network"),
                        label(a, "instance"),
                        a["status"].as_str().unwrap_or("")
                    )
                })
                .collect();
            format!("  {} {names:?}", n.path)
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// Collects notifications until `done` holds for one of them; panics after `timeout`.
fn wait_for(
    webhook: &Webhook,
    seen: &mut Vec<Notification>,
    timeout: Duration,
    done: impl Fn(&Notification) -> bool,
    context: &dyn Fn() -> String,
) {
    if seen.iter().any(&done) {
        return;
    }
    let deadline = Instant::now() + timeout;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        let Ok(n) = webhook.notifications.recv_timeout(left) else {
            break;
        };
        let hit = done(&n);
        seen.push(n);
        if hit {
            return;
        }
    }
    panic!(
        "nothing awaited arrived within {timeout:?}; got:\n{}\n{}",
        describe(seen),
        context()
    );
}

/// Keeps collecting for `quiet`, to show what did not arrive.
fn drain(webhook: &Webhook, seen: &mut Vec<Notification>, quiet: Duration) {
    let deadline = Instant::now() + quiet;
    while let Some(left) = deadline.checked_duration_since(Instant::now()) {
        if let Ok(n) = webhook.notifications.recv_timeout(left) {
            seen.push(n);
        }
    }
}

fn firing(n: &Notification, path: &str, alertname: &str, network: &str) -> bool {
    n.path == path
        && alerts(n).iter().any(|a| {
            label(a, "alertname") == alertname
                && label(a, "remote_network") == network
                && a["status"] == "firing"
        })
}

/// Alertmanager's state of `alertname` per instance (or per remote network for fleet alerts).
fn alertmanager_states(alertmanager: &Alertmanager, alertname: &str) -> BTreeMap<String, String> {
    alertmanager_alerts(alertmanager, alertname)
        .iter()
        .map(|a| {
            let key = match label(a, "instance") {
                "" => label(a, "remote_network").to_owned(),
                i => i.to_owned(),
            };
            (key, a["status"]["state"].as_str().unwrap_or("").to_owned())
        })
        .collect()
}

struct Site {
    network: &'static str,
    connector: FakeConnector,
    exporter: Exporter,
}

#[test]
fn losing_a_remote_networks_connectors_warns_once_then_pages_once() {
    let started = Instant::now();
    let webhook = Webhook::start();
    let alertmanager = Alertmanager::start(&alertmanager_config(webhook.addr, &TIMERS));

    let mut sites = Vec::new();
    for (network, count) in NETWORKS {
        for _ in 0..count {
            let mut connector = FakeConnector::new();
            connector.start();
            let flag = connector.flag();
            let exporter = Exporter::start(&[
                flag.as_str(),
                "--connector.systemd-unit=",
                "--connector.interval=1s",
                "--host.interval=5s",
            ]);
            sites.push(Site {
                network,
                connector,
                exporter,
            });
        }
    }
    assert_eq!(sites.len(), 20);
    let labels: Vec<[(&str, &str); 2]> = sites
        .iter()
        .map(|s| [("remote_network", s.network), ("site", "lab")])
        .collect();
    let targets: Vec<(std::net::SocketAddr, &[(&str, &str)])> = sites
        .iter()
        .zip(&labels)
        .map(|(s, l)| (s.exporter.addr, &l[..]))
        .collect();

    let (_dir, rules) = short_rules_file(TIME_SCALE);
    let prometheus = Prometheus::start(PrometheusSetup {
        targets: &targets,
        rule_files: &[Path::new(&rules)],
        alertmanager: Some(alertmanager.addr),
        interval: "1s",
    });
    let context = || {
        format!(
            "Prometheus alerts: {}\nPrometheus log:\n{}\nAlertmanager log:\n{}",
            http::get(prometheus.addr, "/api/v1/alerts")
                .map(|r| r.text())
                .unwrap_or_else(|e| e.to_string()),
            prometheus.logs(),
            alertmanager.logs()
        )
    };
    // Every connector seen up, per network, before anything is taken away.
    wait_until(
        Duration::from_secs(60),
        "all 20 connectors up in Prometheus",
        &context,
        || {
            let up = prometheus.query("remote_network:connector_up:sum");
            let of = |n: &str| {
                up.iter()
                    .find(|s| s["metric"]["remote_network"] == n)
                    .and_then(|s| s["value"][1].as_str())
                    .and_then(|v| v.parse::<f64>().ok())
            };
            NETWORKS
                .iter()
                .all(|(n, count)| of(n) == Some(*count as f64))
        },
    );
    eprintln!("setup: {:.1?}", started.elapsed());
    let mut seen = Vec::new();

    // Network a loses one of its two connectors.
    let lost_at = Instant::now();
    sites[0].connector.kill(false);
    wait_for(
        &webhook,
        &mut seen,
        Duration::from_secs(60),
        |n| firing(n, "/warning", WARNING, "a"),
        &context,
    );
    eprintln!(
        "{WARNING} notified {:.1?} after the loss",
        lost_at.elapsed()
    );
    // ConnectorDown for the lost connector fires in Prometheus, and Alertmanager holds it back.
    let lost = sites[0].exporter.addr.to_string();
    wait_until(
        Duration::from_secs(60),
        &format!("{DOWN} for {lost} suppressed in Alertmanager"),
        &context,
        || alertmanager_states(&alertmanager, DOWN).get(&lost) == Some(&"suppressed".to_owned()),
    );
    drain(&webhook, &mut seen, Duration::from_secs(5));

    // Then the other one.
    let all_lost_at = Instant::now();
    sites[1].connector.kill(false);
    wait_for(
        &webhook,
        &mut seen,
        Duration::from_secs(60),
        |n| firing(n, "/critical", CRITICAL, "a"),
        &context,
    );
    eprintln!(
        "{CRITICAL} notified {:.1?} after the second loss",
        all_lost_at.elapsed()
    );
    let second = sites[1].exporter.addr.to_string();
    wait_until(
        Duration::from_secs(60),
        &format!("{DOWN} for both connectors of a, and {WARNING}, suppressed"),
        &context,
        || {
            let down = alertmanager_states(&alertmanager, DOWN);
            let warning = alertmanager_states(&alertmanager, WARNING);
            [&lost, &second]
                .iter()
                .all(|i| down.get(*i) == Some(&"suppressed".to_owned()))
                && warning.get("a") == Some(&"suppressed".to_owned())
        },
    );
    drain(&webhook, &mut seen, Duration::from_secs(5));

    // What reached the receivers: one warning, then one page, both about network a; nothing
    // per connector, nothing about network b.
    let delivered: Vec<(String, String, String, String)> = seen
        .iter()
        .flat_map(|n| {
            alerts(n).into_iter().map(|a| {
                (
                    n.path.clone(),
                    label(a, "alertname").to_owned(),
                    label(a, "remote_network").to_owned(),
                    a["status"].as_str().unwrap_or("").to_owned(),
                )
            })
        })
        .collect();
    let expected = vec![
        (
            "/warning".to_owned(),
            WARNING.to_owned(),
            "a".to_owned(),
            "firing".to_owned(),
        ),
        (
            "/critical".to_owned(),
            CRITICAL.to_owned(),
            "a".to_owned(),
            "firing".to_owned(),
        ),
    ];
    assert_eq!(
        delivered,
        expected,
        "notifications:\n{}\n{}",
        describe(&seen),
        context()
    );
    let warning = seen.iter().find(|n| n.path == "/warning").unwrap();
    let description = alerts(warning)[0]["annotations"]["description"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        description.starts_with("1 connector(s) known to be up in remote network a")
            && description.ends_with(&format!("Down: {lost}.")),
        "{description:?}"
    );
    // Prometheus does see the per-connector alerts: the inhibition, not the rules, held them.
    let firing_down = prometheus.query("ALERTS{alertname=\"ConnectorDown\",alertstate=\"firing\"}");
    assert_eq!(firing_down.len(), 2, "{firing_down:?}");
    for s in &sites[2..] {
        assert_eq!(s.network, "b");
    }
    eprintln!("notifications:\n{}", describe(&seen));
    eprintln!("total: {:.1?}", started.elapsed());
}
