//! A fleet shipped to a central store, with real Prometheus processes: the simulated fleet
//! (tests/common/fleet.rs, 50 connectors over two sites) is scraped by one Prometheus agent per
//! site (`deploy/fleet/site-agent.yml`), which remote-write to a central Prometheus
//! (`deploy/fleet/central.yml`, `--web.enable-remote-write-receiver`) holding the shipped rules.
//!
//! Against the central store: the agents' external labels arrive, every fleet dashboard query and
//! every rule expression answers, the central store down for two minutes loses nothing (the
//! agents' WAL is replayed, shown by the raw samples over the gap), and of two exporters that
//! answer 500 and hang, the agents keep scraping the rest and `ConnectorExporterDown` fires for
//! exactly those two.
//!
//! The shipped configs are used with only the intervals, paths and addresses substituted, each
//! substitution required to find its text. The rules' `for:` durations are set to 0s so that an
//! alert that would fire is seen firing within the test.

mod common;

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;

use common::dashboards::{self, Vars};
use common::fleet::{Clock, Fleet, Life};
use common::fleet_server::{Fault, FleetServer, unix_now, write_file_sd};
use common::fleet_stores::{
    self, JOB, central_config, dashboard_queries, instances, number, quick_rules, repo,
    rules_answer, substitute,
};
use common::prometheus::{Prometheus, free_port, percent_encode};

const CONNECTORS: usize = 50;
const SITES: usize = 2;
/// Scrape and evaluation interval in the test (60 s in the shipped files).
const INTERVAL: u64 = 2;
const OUTAGE: Duration = Duration::from_secs(120);
/// Restarts, flaps, drift and address changes run 30 times faster than real time, so the
/// dashboard's event panels have events to show within the test.
const SPEED: f64 = 30.0;
const PATIENCE: Duration = Duration::from_secs(60);

fn agent_config(site: &str, file_sd: &Path, central: SocketAddr) -> String {
    let mut c = repo("deploy/fleet/site-agent.yml");
    c = substitute(
        c,
        "scrape_interval: 60s",
        &format!("scrape_interval: {INTERVAL}s"),
    );
    c = substitute(
        c,
        "scrape_timeout: 10s",
        &format!("scrape_timeout: {INTERVAL}s"),
    );
    c = substitute(c, "SITE", site);
    c = substitute(
        c,
        "/etc/prometheus/connectors/*.json",
        &file_sd.display().to_string(),
    );
    c = substitute(c, "central.example.internal:9090", &central.to_string());
    // Retry quickly once the central store is back, so the test need not wait out 5 s backoffs.
    substitute(c, "max_backoff: 5s", "max_backoff: 1s")
}

/// The shipped rules, `for:` set to 0s, into `dir`.
fn write_rules(dir: &Path) -> Vec<Value> {
    let rules = quick_rules(&["alerts/connector-exporter.rules.yml"], dir);
    assert!(rules.iter().any(|r| r["alert"] == "ConnectorExporterDown"));
    rules
}

fn start_central(
    dir: &Path,
    name: &'static str,
    addr: SocketAddr,
    alertmanager: SocketAddr,
) -> Prometheus {
    Prometheus::start_in(
        dir,
        name,
        addr,
        &central_config(&dir.join("rules"), addr, alertmanager, INTERVAL),
        &[
            "--web.enable-remote-write-receiver".to_owned(),
            format!("--storage.tsdb.path={}", dir.join("central-data").display()),
        ],
    )
}

fn wait_until(what: &str, logs: impl Fn() -> String, ok: impl FnMut() -> Result<(), String>) {
    fleet_stores::wait_until(what, PATIENCE, logs, ok)
}

/// `labels -> value` of an instant query at `at`.
fn instant(central: &Prometheus, expr: &str, at: f64) -> std::collections::BTreeMap<String, f64> {
    let data = central
        .api(&format!(
            "/api/v1/query?query={}&time={at}",
            percent_encode(expr)
        ))
        .unwrap_or_else(|e| panic!("{expr}: {e}"));
    data["result"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["metric"].to_string(), number(s)))
        .collect()
}

/// The recorded and the raw form of every switched fleet panel give the same numbers at one
/// instant (within what a flapping connector moves, and the median's interpolation within a
/// band); returns how many queries were compared, or the first difference.
///
/// A rule evaluates over what has arrived by then: a sample remote-written late (the agents batch
/// for up to 5 s) is in the raw answer for that instant but was not in the recorded one, and with
/// the fleet changing 30 times faster than real time that can move a count. So a difference is
/// only a failure when no instant within the patience agrees (see the caller).
fn recorded_matches_raw(central: &Prometheus) -> Result<usize, String> {
    // The rules' rates look back 5 minutes; so does the raw form here (Grafana's
    // $__rate_interval over a 6 h range at a 60 s scrape is 4 minutes).
    let raw = Vars {
        rate_interval: Duration::from_secs(300),
        ..Vars::new(JOB, ".+")
    };
    let recorded = Vars {
        rules: dashboards::RECORDED.to_owned(),
        ..raw.clone()
    };
    let at = unix_now() - 5.0;
    let mut compared = 0;
    for (r, w) in dashboards::substituted(&recorded)
        .into_iter()
        .zip(dashboards::substituted(&raw))
        .filter(|(r, _)| r.dashboard == "fleet-overview.json" && r.expr.contains(':'))
    {
        let (a, b) = (instant(central, &r.expr, at), instant(central, &w.expr, at));
        if a.keys().ne(b.keys()) {
            return Err(format!(
                "{} at {at}: recorded and raw give other series: {:?} vs {:?}\n{}\n{}",
                r.title,
                a.keys().collect::<Vec<_>>(),
                b.keys().collect::<Vec<_>>(),
                r.expr,
                w.expr
            ));
        }
        for (k, x) in &a {
            let y = b[k];
            if (x - y).abs() > 2.0_f64.max(0.1 * y.abs()) {
                return Err(format!(
                    "{} {k} at {at}: recorded {x}, raw {y}\n{}\n{}",
                    r.title, r.expr, w.expr
                ));
            }
        }
        compared += 1;
    }
    Ok(compared)
}

#[test]
fn sites_remote_write_to_a_central_store_that_misses_nothing() {
    let began = Instant::now();
    let fleet = Fleet::new(16, CONNECTORS, SITES, unix_now()).with_speed(SPEED);
    // Two steady connectors break: one answers 500, one hangs past the scrape timeout.
    let steady: Vec<usize> = (0..CONNECTORS)
        .filter(|&i| {
            // Plain hosts, so what stops with them is only their exporter's own series.
            let h = &fleet.hosts[i];
            h.life == Life::Steady
                && matches!(h.clock, Clock::Good { .. })
                && !h.stun_blocked
                && !h.stun_flaky
        })
        .collect();
    let (erroring, hanging) = (steady[3], steady[11]);
    let broken: BTreeSet<String> = [fleet.instance(erroring), fleet.instance(hanging)].into();
    let sim = FleetServer::start(fleet);
    let dir = tempfile::tempdir().unwrap();
    let files = write_file_sd(&sim.state.fleet, sim.addr, dir.path());
    assert_eq!(files.len(), SITES);
    let rules = write_rules(&dir.path().join("rules"));

    let central_addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let alertmanager: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
    let mut central = start_central(dir.path(), "central", central_addr, alertmanager);
    let agents: Vec<Prometheus> = files
        .iter()
        .map(|(site, file)| {
            let agent_dir = dir.path().join(format!("agent-{site}"));
            std::fs::create_dir_all(&agent_dir).unwrap();
            Prometheus::start_in(
                &agent_dir,
                "agent",
                format!("127.0.0.1:{}", free_port()).parse().unwrap(),
                &agent_config(site, file, central_addr),
                &[
                    "--enable-feature=agent".to_owned(),
                    format!("--storage.agent.path={}", agent_dir.join("wal").display()),
                ],
            )
        })
        .collect();
    let logs = |c: &Prometheus| {
        let mut all = format!("central:\n{}", c.logs());
        for a in &agents {
            all.push_str(&format!("\nagent:\n{}", a.logs()));
        }
        all
    };

    // Every connector arrives, labelled by the agent that sent it.
    wait_until(
        "all connectors at the central store",
        || logs(&central),
        || {
            let n = central.query(&format!("count(up{{job=\"{JOB}\"}} == 1)"));
            match n.first().map(number) {
                Some(n) if n as usize == CONNECTORS => Ok(()),
                other => Err(format!("{other:?} of {CONNECTORS} up")),
            }
        },
    );
    let by_agent = central.query(&format!(
        "count by (site, prometheus) (up{{job=\"{JOB}\"}})"
    ));
    let mut agents_seen = BTreeSet::new();
    for s in &by_agent {
        let (site, prometheus) = (
            s["metric"]["site"].as_str().unwrap(),
            s["metric"]["prometheus"].as_str(),
        );
        assert_eq!(
            prometheus,
            Some(format!("{site}-agent").as_str()),
            "external labels: {s}"
        );
        agents_seen.insert(site.to_owned());
    }
    assert_eq!(agents_seen, files.keys().cloned().collect(), "{by_agent:?}");
    eprintln!(
        "{CONNECTORS} connectors at the central store after {:.1?}",
        began.elapsed()
    );

    // Break two exporters, then take the central store away while the agents keep scraping.
    sim.state.set_fault(erroring, Some(Fault::Error));
    sim.state.set_fault(hanging, Some(Fault::Hang));
    let down_at = unix_now();
    drop(central);
    std::thread::sleep(OUTAGE);
    let up_at = unix_now();
    central = start_central(dir.path(), "central-again", central_addr, alertmanager);
    eprintln!("central store back after {:.0} s", up_at - down_at);

    // Nothing from the outage is missing: the raw samples of every healthy connector's `up` cover
    // the gap at the scrape interval, without a hole.
    // Evaluated at a fixed time just after the outage, so the window stays on it while we poll.
    let at = up_at + 2.0 * INTERVAL as f64;
    let window = (at - down_at + 2.0 * INTERVAL as f64).ceil() as u64;
    wait_until(
        "samples over the outage",
        || logs(&central),
        || {
            if unix_now() < at {
                return Err("not yet past the outage".into());
            }
            let expr = format!("up{{job=\"{JOB}\"}}[{window}s]");
            let data = central.api(&format!(
                "/api/v1/query?query={}&time={at}",
                percent_encode(&expr)
            ))?;
            let raw = data["result"].as_array().cloned().unwrap_or_default();
            let mut healthy = 0;
            for series in &raw {
                let instance = series["metric"]["instance"].as_str().unwrap_or_default();
                if broken.contains(instance) {
                    continue;
                }
                healthy += 1;
                let times: Vec<f64> = series["values"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter_map(|v| v[0].as_f64())
                    .filter(|&t| {
                        t >= down_at - 2.0 * INTERVAL as f64 && t <= up_at + 2.0 * INTERVAL as f64
                    })
                    .collect();
                let first = times.first().copied().unwrap_or(f64::INFINITY);
                let last = times.last().copied().unwrap_or(0.0);
                let hole = times.windows(2).map(|w| w[1] - w[0]).fold(0.0, f64::max);
                if first > down_at || last < up_at || hole > 2.5 * INTERVAL as f64 {
                    return Err(format!(
                        "{instance}: {} samples over the outage, {first:.0}..{last:.0} for {down_at:.0}..{up_at:.0}, largest hole {hole:.1} s",
                        times.len()
                    ));
                }
            }
            if healthy < CONNECTORS - 2 {
                return Err(format!("only {healthy} healthy connectors have samples"));
            }
            Ok(())
        },
    );
    eprintln!(
        "no sample missing over the outage, {:.1?} in",
        began.elapsed()
    );

    // The agents kept scraping the others; exactly the broken two are down, and the alert fires
    // for exactly them.
    wait_until(
        "ConnectorExporterDown for the broken exporters",
        || logs(&central),
        || {
            let firing =
                central.query("ALERTS{alertname=\"ConnectorExporterDown\", alertstate=\"firing\"}");
            let up = central.query(&format!("count(up{{job=\"{JOB}\"}} == 1)"));
            match (instances(&firing), up.first().map(number)) {
                (f, Some(n)) if f == broken && n as usize == CONNECTORS - 2 => Ok(()),
                (f, n) => Err(format!("firing for {f:?}, {n:?} up; expected {broken:?}")),
            }
        },
    );

    // Every rule expression and every fleet dashboard query answers at the central store.
    rules_answer(&central, &rules, "the central store");
    for rules in [dashboards::RECORDED, dashboards::RAW] {
        let empty = dashboard_queries(&central, rules, Duration::from_secs(INTERVAL));
        assert!(
            empty.is_empty(),
            "fleet dashboard queries ($rules={rules}) without data at the central store: {empty:?}"
        );
    }
    let mut compared = 0;
    wait_until(
        "recorded and raw fleet panels agree",
        || logs(&central),
        || {
            compared = recorded_matches_raw(&central)?;
            Ok(())
        },
    );
    assert!(compared >= 10, "only {compared} recorded panels compared");
    eprintln!("total {:.1?}", began.elapsed());
}
