//! A real Prometheus scrapes the real binary. Prometheus asks for
//! OpenMetrics first, so this proves that form parses in the real consumer,
//! beyond promtool's 0.0.4 linting.

mod common;

use std::time::Duration;

use common::exporter::Exporter;
use common::prometheus::{Prometheus, PrometheusSetup};

#[test]
fn prometheus_scrapes_every_family() {
    let exporter = Exporter::start(&["--host.interval=1s"]);
    let prometheus = Prometheus::start(PrometheusSetup {
        targets: &[(exporter.addr, &[])],
        rule_files: &[],
        alertmanager: None,
        interval: "1s",
    });
    let up = prometheus.wait_for_data(
        "up{job=\"connector-exporter\"} == 1",
        Duration::from_secs(30),
    );
    assert_eq!(up.len(), 1);
    let host = prometheus.wait_for_data("connector_host_info", Duration::from_secs(10));
    assert!(!host[0]["metric"]["hostname"].as_str().unwrap().is_empty());
    // Counters keep their _total name through OpenMetrics.
    prometheus.wait_for_data("process_cpu_seconds_total", Duration::from_secs(10));
    let scraped = prometheus.query("scrape_samples_scraped{job=\"connector-exporter\"}");
    let samples: f64 = scraped[0]["value"][1].as_str().unwrap().parse().unwrap();
    let exposed = exporter.metrics().samples.len() as f64;
    assert!(
        (samples - exposed).abs() <= 2.0,
        "Prometheus took {samples} samples, the exporter shows {exposed}"
    );
}
