//! The recommended set-up end to end: a host exporter and an Admin API
//! poller scraped by a real Prometheus that loads the shipped rules, which
//! join the two views on `hostname` into connector:controller_agreement:up.

mod common;

use std::path::PathBuf;
use std::time::Duration;

use common::certs;
use common::connector::FakeConnector;
use common::exporter::{Exporter, hostname};
use common::graphql::{self, GraphqlServer, Mode};
use common::prometheus::{Prometheus, PrometheusSetup};

#[test]
fn prometheus_joins_the_host_view_and_the_controller_view() {
    let hostname = hostname();
    let certs = certs::make();
    let mut fleet = graphql::small_fleet();
    fleet[0]["hostname"] = hostname.clone().into();
    let server = GraphqlServer::start(&certs, fleet.clone(), Mode::Honest);

    let mut connector = FakeConnector::new();
    connector.start();
    let host = Exporter::start_host(&connector.flag());
    let poller = graphql::start_poller(&server, &certs, &[]);
    let rules =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("alerts/connector-exporter.rules.yml");
    let prometheus = Prometheus::start(PrometheusSetup {
        targets: &[(host.addr, &[]), (poller.addr, &[])],
        rule_files: &[rules.as_path()],
        alertmanager: None,
        interval: "1s",
    });
    let agree = prometheus.wait_for_data(
        "connector:controller_agreement:up == 1",
        Duration::from_secs(60),
    );
    assert_eq!(agree.len(), 1, "{agree:?}");
    assert_eq!(agree[0]["metric"]["hostname"], hostname.as_str());
    assert_eq!(agree[0]["metric"]["instance"], host.addr.to_string());

    // The controller loses the connector while its process runs.
    fleet[0]["state"] = "DEAD_HEARTBEAT_TOO_OLD".into();
    server.set_fleet(fleet);
    let disagree = prometheus.wait_for_data(
        "connector:controller_agreement:up == 0",
        Duration::from_secs(60),
    );
    assert_eq!(disagree[0]["metric"]["instance"], host.addr.to_string());
    assert!(
        prometheus
            .query("connector:controller_agreement:up == 1")
            .is_empty()
    );
    drop(poller);
}
