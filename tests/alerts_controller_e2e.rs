//! The disagreement alert end to end, in the recommended set-up: a host exporter watching its
//! (fake) connector process and an Admin API poller against the test GraphQL server, scraped by a
//! real Prometheus that evaluates the shipped rules (the recording rules join the two views on
//! hostname), and a real Alertmanager with the shipped example configuration delivering to
//! webhook receivers served here.
//!
//! The controller loses this host's connector while its process keeps running:
//! ConnectorControllerDisagrees must page, no sooner than its `for`, with the host's labels;
//! when the controller has it ALIVE again the page resolves. The shipped `for` durations are
//! divided by 30 (5m becomes 10s) and the Alertmanager timers shortened (tests/common/alerting.rs);
//! expressions, labels and routing are the shipped ones. Everything listens on loopback.

mod common;

use std::time::{Duration, Instant};

use common::alerting::{
    self, Inbox, SHORT, alert_in, alertmanager_config, alerts, assert_labels, carries, label,
    short_rules_file, wait_until,
};
use common::certs;
use common::connector::FakeConnector;
use common::exporter::{Exporter, hostname};
use common::graphql::{self, GraphqlServer, Mode};
use common::http;
use common::prometheus::{Prometheus, PrometheusSetup};

const JOB: &str = "connector-exporter";
const DISAGREES: &str = "ConnectorControllerDisagrees";
const NOT_ALIVE: &str = "ConnectorControllerNotAlive";
const TIME_SCALE: u64 = 30;

#[test]
fn host_up_but_controller_not_alive_pages_and_resolves() {
    let started = Instant::now();
    let mut inbox = Inbox::start();
    let alertmanager =
        common::prometheus::Alertmanager::start(&alertmanager_config(inbox.webhook.addr, &SHORT));

    let hostname = hostname();
    let certs = certs::make();
    // Two ALIVE connectors in one remote network, so losing ours leaves it redundant enough
    // that only the per-connector alerts speak.
    let mut fleet = vec![
        graphql::connector(1, "alpha", "ALIVE", 1),
        graphql::connector(2, "bravo", "ALIVE", 1),
        graphql::connector(3, "charlie", "ALIVE", 1),
    ];
    fleet[0]["hostname"] = hostname.as_str().into();
    let server = GraphqlServer::start(&certs, fleet.clone(), Mode::Honest);

    let mut connector = FakeConnector::new();
    connector.start();
    let host = Exporter::start_host(&connector.flag());
    let poller = graphql::start_poller(&server, &certs, &[]);
    let instance = host.addr.to_string();

    let (_dir, rules) = short_rules_file(TIME_SCALE);
    let disagrees_for = for_of(&alerting::read(alerting::RULES), DISAGREES);
    assert_eq!(disagrees_for, 300, "the shipped rule waits 5 minutes");
    let prometheus = Prometheus::start(PrometheusSetup {
        targets: &[(host.addr, &[]), (poller.addr, &[])],
        rule_files: &[rules.as_path()],
        alertmanager: Some(alertmanager.addr),
        interval: "1s",
    });
    let context = || {
        format!(
            "Prometheus alerts: {}\nPrometheus log:\n{}\nAlertmanager log:\n{}\nhost log:\n{}\npoller log:\n{}",
            http::get(prometheus.addr, "/api/v1/alerts")
                .map(|r| r.text())
                .unwrap_or_else(|e| e.to_string()),
            prometheus.logs(),
            alertmanager.logs(),
            host.logs(),
            poller.logs()
        )
    };
    prometheus.wait_for_data(
        &format!("connector:controller_agreement:up{{instance=\"{instance}\"}} == 1"),
        Duration::from_secs(60),
    );
    // Both views agree: the rule is not even pending.
    let pending = prometheus.query(&format!("ALERTS{{alertname=\"{DISAGREES}\"}}"));
    assert!(pending.is_empty(), "{pending:?}");
    eprintln!("setup: {:.1?}", started.elapsed());

    // Heartbeats stop reaching the controller; the process runs on.
    fleet[0]["state"] = "DEAD_HEARTBEAT_TOO_OLD".into();
    server.set_fleet(fleet.clone());
    poller.wait_for(Duration::from_secs(15), |m| {
        m.get("connector_controller_up", &[("connector", "alpha")]) == Some(0.0)
    });
    let lost_at = Instant::now();
    let firing = inbox.wait(
        Duration::from_secs(90),
        |n| carries(n, "/critical", DISAGREES, &instance, "firing"),
        &context,
    );
    let scaled_for = Duration::from_secs(disagrees_for / TIME_SCALE);
    eprintln!(
        "{DISAGREES} at the webhook {:.1?} after the poller showed alpha not ALIVE (for: {scaled_for:?})",
        firing.at - lost_at
    );
    assert!(
        firing.at - lost_at >= scaled_for,
        "fired before its `for` had passed"
    );
    assert!(host.metrics().get("connector_up", &[]) == Some(1.0));

    assert_eq!(firing.body["receiver"], "connector-critical");
    let alert = alert_in(&firing, DISAGREES);
    assert_labels(
        alert,
        &[
            ("alertname", DISAGREES),
            ("severity", "critical"),
            ("job", JOB),
            ("instance", instance.as_str()),
            ("hostname", hostname.as_str()),
        ],
    );
    let description = alert["annotations"]["description"].as_str().unwrap();
    eprintln!("description: {description}");
    assert!(
        description.starts_with(&format!(
            "{instance} (host {hostname}): the connector process is up"
        )),
        "{description:?}"
    );
    // The controller's own verdict pages too, for the connector by name, from the poller.
    let not_alive = inbox.wait(
        Duration::from_secs(30),
        |n| {
            n.path == "/critical"
                && alerts(n).iter().any(|a| {
                    label(a, "alertname") == NOT_ALIVE
                        && label(a, "connector") == "alpha"
                        && a["status"] == "firing"
                })
        },
        &context,
    );
    assert!(
        alerts(&not_alive)
            .iter()
            .filter(|a| label(a, "alertname") == NOT_ALIVE)
            .all(|a| label(a, "connector") == "alpha"),
        "only alpha is not ALIVE: {}",
        inbox.summary()
    );

    // The controller sees the connector again: the page resolves.
    fleet[0]["state"] = "ALIVE".into();
    server.set_fleet(fleet);
    let back_at = Instant::now();
    let resolved = inbox.wait(
        Duration::from_secs(60),
        |n| carries(n, "/critical", DISAGREES, &instance, "resolved"),
        &context,
    );
    eprintln!(
        "resolved notification {:.1?} after the controller had alpha ALIVE again",
        resolved.at - back_at
    );
    wait_until(
        Duration::from_secs(30),
        "agreement back to 1",
        &context,
        || {
            !prometheus
                .query(&format!(
                    "connector:controller_agreement:up{{instance=\"{instance}\"}} == 1"
                ))
                .is_empty()
        },
    );
    // No disagreement page for anything but this host.
    for n in &inbox.seen {
        for a in alerts(n)
            .into_iter()
            .filter(|a| label(a, "alertname") == DISAGREES)
        {
            assert_eq!(label(a, "instance"), instance, "{}", inbox.summary());
        }
    }
    eprintln!("notifications: {}", inbox.summary());
    eprintln!("total: {:.1?}", started.elapsed());
}

/// The `for` of `alert` in a rules file, in seconds.
fn for_of(rules: &str, alert: &str) -> u64 {
    let after = rules
        .split_once(&format!("- alert: {alert}\n"))
        .unwrap_or_else(|| panic!("no rule {alert}"))
        .1;
    let line = after
        .lines()
        .take_while(|l| !l.trim_start().starts_with("- alert:"))
        .find_map(|l| l.trim_start().strip_prefix("for: "))
        .unwrap_or_else(|| panic!("{alert} has no for"));
    alerting::seconds(line)
}
