//! The clock probe in-process, with an injected resolver: names are looked
//! up every round, and a failed lookup touches only its own server. No DNS
//! server is involved at all.

mod common;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use connector_exporter::config::{ClockConfig, ServerAddress};
use connector_exporter::probe::clock::{ClockProbe, Resolve, Schedule};
use connector_exporter::probe::{Probe, Reason};
use futures_util::future::BoxFuture;

use common::ntp::NtpServer;

/// Answers from a table the test changes between rounds; names not in it fail.
#[derive(Default)]
struct Table {
    names: Mutex<HashMap<String, SocketAddr>>,
    lookups: Mutex<Vec<String>>,
}

impl Resolve for Table {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        _port: u16,
    ) -> BoxFuture<'a, std::io::Result<Vec<SocketAddr>>> {
        self.lookups.lock().unwrap().push(host.to_owned());
        let found = self.names.lock().unwrap().get(host).copied();
        Box::pin(async move {
            found
                .map(|a| vec![a])
                .ok_or_else(|| std::io::Error::other(format!("{host}: no such name")))
        })
    }
}

fn config(hosts: &[&str], timeout: Duration) -> ClockConfig {
    ClockConfig {
        servers: hosts
            .iter()
            .map(|h| ServerAddress {
                host: (*h).to_owned(),
                port: 123,
            })
            .collect(),
        http_servers: Vec::new(),
        http_tls: None,
        controller: None,
        tolerance: Duration::from_secs(5),
        samples: 4,
        interval: Duration::from_secs(1),
        timeout,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn names_are_resolved_every_round_and_a_failed_lookup_stays_local() {
    let first = NtpServer::honest(1.0);
    let second = NtpServer::honest(2.0);
    let table = Arc::new(Table::default());
    table
        .names
        .lock()
        .unwrap()
        .insert("time.test".into(), first.addr);
    let probe = ClockProbe::new(&config(
        &["time.test", "nowhere.test"],
        Duration::from_secs(1),
    ))
    .with_resolver(table.clone());

    let report = probe.round().await;
    let by_name = |r: &connector_exporter::probe::ClockReport, name: &str| {
        r.servers
            .iter()
            .find(|s| s.server == format!("{name}:123"))
            .map(|s| s.outcome.clone())
            .expect("server in report")
    };
    let sample = by_name(&report, "time.test").expect("time.test answers");
    assert_eq!(sample.address, first.addr);
    assert!((sample.offset_seconds + 1.0).abs() < 0.001);
    let failure = by_name(&report, "nowhere.test").expect_err("nowhere.test fails");
    assert_eq!(failure.reason, Reason::Resolve);
    assert!((report.offset_seconds.expect("selected") + 1.0).abs() < 0.001);

    // The record changes: the next round follows it without a restart.
    table
        .names
        .lock()
        .unwrap()
        .insert("time.test".into(), second.addr);
    let report = probe.round().await;
    let sample = by_name(&report, "time.test").expect("time.test answers");
    assert_eq!(sample.address, second.addr);
    assert!((sample.offset_seconds + 2.0).abs() < 0.001);
    let lookups = table.lookups.lock().unwrap().clone();
    assert_eq!(lookups.iter().filter(|h| *h == "time.test").count(), 2);
    assert_eq!(lookups.iter().filter(|h| *h == "nowhere.test").count(), 2);
}

#[test]
fn the_default_schedule_is_polite_and_fits_the_timeout() {
    let s = Schedule::new(4, Duration::from_secs(10));
    assert_eq!(s.spacing, Duration::from_secs(2));
    assert!(s.spacing * 3 + s.wait <= s.budget);
    assert!(s.budget < Duration::from_secs(10));
    let s = Schedule::new(4, Duration::from_secs(1));
    assert!(s.spacing * 3 + s.wait <= s.budget);
}

/// How long a round against three honest loopback servers takes: printed,
/// not asserted beyond the timeout (speed belongs in `make bench`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_round_against_three_loopback_servers() {
    let servers = [
        NtpServer::honest(0.0),
        NtpServer::honest(0.0),
        NtpServer::honest(0.0),
    ];
    let table = Arc::new(Table::default());
    for (i, s) in servers.iter().enumerate() {
        table.names.lock().unwrap().insert(format!("s{i}"), s.addr);
    }
    // The default timeout (10 s) spaces requests 2 s apart, so a round takes
    // about 6 s; the test uses the 1 s timeout the other tests use.
    for timeout in [Duration::from_secs(1)] {
        let probe =
            ClockProbe::new(&config(&["s0", "s1", "s2"], timeout)).with_resolver(table.clone());
        let started = Instant::now();
        let report = probe.round().await;
        let took = started.elapsed();
        assert!(report.offset_seconds.is_some());
        assert!(took < probe.timeout());
        eprintln!(
            "round against three loopback servers, timeout {timeout:?}: {:.3} s",
            took.as_secs_f64()
        );
    }
}
