//! The large-fleet layout (docs/scale.md): one Prometheus server per site
//! (`deploy/fleet/site-server.yml`) evaluates `deploy/fleet/site.rules.yml` over its own
//! connectors and remote-writes everything, recorded series and ALERTS included, to a central
//! Prometheus that evaluates only `deploy/fleet/central.rules.yml`.
//!
//! Against real Prometheus processes and the simulated fleet (tests/common/fleet.rs): the
//! per-site recording rules reach the central store from the sites (each series carries the
//! sending server's `prometheus` label, so the central store did not compute it), a per-connector
//! alert fired at a site is visible centrally for exactly the broken exporter, the central
//! store's remote-network rules see every site, and every fleet dashboard query (recorded and
//! raw) and every rule of both files answers where it runs.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use common::dashboards;
use common::fleet::{Clock, Fleet, Life};
use common::fleet_server::{Fault, FleetServer, write_file_sd};
use common::fleet_stores::{
    JOB, central_config, dashboard_queries, instances, number, quick_rules, repo, rules_answer,
    substitute, wait_until,
};
use common::prometheus::{Prometheus, free_port};

const CONNECTORS: usize = 50;
const SITES: usize = 2;
/// Scrape and evaluation interval in the test (60 s in the shipped files).
const INTERVAL: u64 = 2;
const PATIENCE: Duration = Duration::from_secs(60);
/// Restarts and address changes in a fleet moving 30 times faster than real time.
const EVENTS: Duration = Duration::from_secs(150);

fn site_config(
    site: &str,
    file_sd: &Path,
    rules: &Path,
    central: SocketAddr,
    am: SocketAddr,
) -> String {
    let mut c = repo("deploy/fleet/site-server.yml");
    for from in [
        "scrape_interval: 60s",
        "scrape_timeout: 10s",
        "evaluation_interval: 60s",
    ] {
        let key = from.split(':').next().unwrap_or_default();
        c = substitute(c, from, &format!("{key}: {INTERVAL}s"));
    }
    c = substitute(c, "SITE", site);
    c = substitute(
        c,
        "/etc/prometheus/rules/site.rules.yml",
        &rules.join("site.rules.yml").display().to_string(),
    );
    c = substitute(
        c,
        "/etc/prometheus/connectors/*.json",
        &file_sd.display().to_string(),
    );
    c = substitute(c, "central.example.internal:9090", &central.to_string());
    // Nothing listens there: alerts are read from the ALERTS series, not received.
    substitute(c, "alertmanager.example.internal:9093", &am.to_string())
}

fn addr() -> SocketAddr {
    format!("127.0.0.1:{}", free_port()).parse().unwrap()
}

#[test]
fn sites_evaluate_their_rules_and_the_central_store_the_rest() {
    let fleet =
        Fleet::new(16, CONNECTORS, SITES, common::fleet_server::unix_now()).with_speed(30.0);
    // A plain steady host whose exporter answers 500: ConnectorExporterDown at its site.
    let broken = (0..CONNECTORS)
        .find(|&i| {
            let h = &fleet.hosts[i];
            h.life == Life::Steady
                && matches!(h.clock, Clock::Good { .. })
                && !h.stun_blocked
                && !h.stun_flaky
        })
        .expect("a steady host");
    let broken_instance = fleet.instance(broken);
    let sim = FleetServer::start(fleet);
    sim.state.set_fault(broken, Some(Fault::Error));
    let dir = tempfile::tempdir().unwrap();
    let files = write_file_sd(&sim.state.fleet, sim.addr, dir.path());
    assert_eq!(files.len(), SITES);

    let site_rules = quick_rules(
        &["deploy/fleet/site.rules.yml"],
        &dir.path().join("site-rules"),
    );
    let central_rules = quick_rules(
        &["deploy/fleet/central.rules.yml"],
        &dir.path().join("central-rules"),
    );
    let (central_addr, alertmanager) = (addr(), addr());
    let central = Prometheus::start_in(
        dir.path(),
        "central",
        central_addr,
        &central_config(
            &dir.path().join("central-rules"),
            central_addr,
            alertmanager,
            INTERVAL,
        ),
        &[
            "--web.enable-remote-write-receiver".to_owned(),
            format!(
                "--storage.tsdb.path={}",
                dir.path().join("central-data").display()
            ),
        ],
    );
    let sites: Vec<(String, Prometheus)> = files
        .iter()
        .map(|(site, file)| {
            let site_dir = dir.path().join(format!("site-{site}"));
            std::fs::create_dir_all(&site_dir).unwrap();
            let config = site_config(
                site,
                file,
                &dir.path().join("site-rules"),
                central_addr,
                alertmanager,
            );
            let server = Prometheus::start_in(
                &site_dir,
                "site",
                addr(),
                &config,
                &[format!(
                    "--storage.tsdb.path={}",
                    site_dir.join("data").display()
                )],
            );
            (site.clone(), server)
        })
        .collect();
    let logs = || {
        let mut all = format!("central:\n{}", central.logs());
        for (site, s) in &sites {
            all.push_str(&format!("\nsite {site}:\n{}", s.logs()));
        }
        all
    };

    // The per-site recording rules arrive from the sites: every series names its sender.
    let senders: BTreeSet<String> = files.keys().map(|s| format!("{s}-server")).collect();
    wait_until(
        "site recording rules at the central store",
        PATIENCE,
        logs,
        || {
            let by = central
                .query("count by (prometheus) (remote_network_site_state:connector_up:count)");
            let seen: BTreeSet<String> = by
                .iter()
                .map(|s| {
                    s["metric"]["prometheus"]
                        .as_str()
                        .unwrap_or("(central)")
                        .to_owned()
                })
                .collect();
            if seen == senders {
                Ok(())
            } else {
                Err(format!("recorded by {seen:?}, expected {senders:?}"))
            }
        },
    );

    // The site fires the per-connector alert; the central store sees it for exactly that one.
    wait_until(
        "ConnectorExporterDown from its site",
        PATIENCE,
        logs,
        || {
            let firing =
                central.query("ALERTS{alertname=\"ConnectorExporterDown\", alertstate=\"firing\"}");
            let up = central.query(&format!("count(up{{job=\"{JOB}\"}} == 1)"));
            match (instances(&firing), up.first().map(number)) {
                (f, Some(n))
                    if f == BTreeSet::from([broken_instance.clone()])
                        && n as usize == CONNECTORS - 1 =>
                {
                    Ok(())
                }
                (f, n) => Err(format!(
                    "firing for {f:?}, {n:?} up; expected {broken_instance}"
                )),
            }
        },
    );

    // The remote-network rules run centrally over every site: each remote network's count of
    // connectors up equals the raw count over all sites.
    wait_until(
        "remote networks counted over every site",
        PATIENCE,
        logs,
        || {
            let recorded = central.query("remote_network:connector_up:sum");
            let raw = central.query(&format!(
                "sum by (remote_network) (connector_up{{job=\"{JOB}\"}})"
            ));
            if recorded.is_empty() {
                return Err("no remote_network:connector_up:sum".into());
            }
            let as_map = |r: &[serde_json::Value]| {
                r.iter()
                    .map(|s| (s["metric"]["remote_network"].to_string(), number(s)))
                    .collect::<Vec<_>>()
            };
            let (mut a, mut b) = (as_map(&recorded), as_map(&raw));
            a.sort_by(|x, y| x.0.cmp(&y.0));
            b.sort_by(|x, y| x.0.cmp(&y.0));
            // A flapping connector may move one count between the rule and the query.
            let close = a.len() == b.len()
                && a.iter()
                    .zip(&b)
                    .all(|(x, y)| x.0 == y.0 && (x.1 - y.1).abs() <= 1.0);
            if close {
                Ok(())
            } else {
                Err(format!("recorded {a:?}, raw {b:?}"))
            }
        },
    );

    for (site, s) in &sites {
        rules_answer(s, &site_rules, &format!("site {site}"));
    }
    rules_answer(&central, &central_rules, "the central store");
    // Event panels (restarts, address changes) fill as the simulated fleet moves.
    wait_until(
        "every fleet dashboard query has data at the central store",
        EVENTS,
        logs,
        || {
            for rules in [dashboards::RECORDED, dashboards::RAW] {
                let empty = dashboard_queries(&central, rules, Duration::from_secs(INTERVAL));
                if !empty.is_empty() {
                    return Err(format!("($rules={rules}) without data: {empty:?}"));
                }
            }
            Ok(())
        },
    );
}
