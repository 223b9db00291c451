//! The sampler and server with probes that hang, panic or take a while:
//! a scrape never waits on a probe, and one bad probe does not stop others.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::http;
use common::metrics::Metrics;
use connector_exporter::probe::host::{AddressFilter, HostProbe};
use connector_exporter::probe::{Failure, Probe, ProbeKind, Report};
use connector_exporter::sampler::Sampler;
use connector_exporter::server::{Limits, Server};
use connector_exporter::web_config::WebState;
use futures_util::future::BoxFuture;

/// A probe that behaves as told, posing as `kind`.
struct Scripted {
    kind: ProbeKind,
    timeout: Duration,
    behaviour: Behaviour,
}

#[derive(Clone, Copy)]
enum Behaviour {
    Hang,
    Panic,
    SucceedAfter(Duration),
}

impl Probe for Scripted {
    fn kind(&self) -> ProbeKind {
        self.kind
    }
    fn interval(&self) -> Duration {
        Duration::from_millis(300)
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn run(&self) -> BoxFuture<'_, Result<Report, Failure>> {
        let behaviour = self.behaviour;
        Box::pin(async move {
            match behaviour {
                Behaviour::Hang => {
                    tokio::time::sleep(Duration::from_secs(3600)).await;
                    unreachable!("the sampler aborts a hung probe")
                }
                Behaviour::Panic => panic!("scripted panic"),
                Behaviour::SucceedAfter(delay) => {
                    tokio::time::sleep(delay).await;
                    HostProbe::new(AddressFilter::default(), delay, delay)
                        .read_files()
                        .map(Report::Host)
                }
            }
        })
    }
}

/// Starts sampler and server on a background runtime; returns the address.
fn serve(probes: Vec<Arc<dyn Probe>>) -> (SocketAddr, tokio::runtime::Runtime) {
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let addr = runtime.block_on(async {
        let kinds: Vec<_> = probes.iter().map(|p| p.kind()).collect();
        let sampler = Sampler::new(&kinds, Duration::from_secs(5));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let server = Arc::new(Server {
            sampler: Arc::clone(&sampler),
            telemetry_path: "/metrics".into(),
            limits: Limits {
                max_connections: 16,
                header_read_timeout: Duration::from_secs(5),
                idle_timeout: Duration::from_secs(60),
                max_header_bytes: 16384,
            },
            web: Arc::new(WebState::load(None).unwrap()),
        });
        tokio::spawn(async move {
            let _tasks = sampler.start(probes);
            server.serve(vec![listener], std::future::pending()).await;
        });
        addr
    });
    (addr, runtime)
}

fn scrape(addr: SocketAddr) -> (Metrics, Duration) {
    let started = Instant::now();
    let response = http::get(addr, "/metrics").unwrap();
    assert_eq!(response.status, 200);
    (Metrics::parse(&response.text()), started.elapsed())
}

#[test]
fn hung_probe_does_not_delay_scrapes_and_times_out() {
    let hung: Arc<dyn Probe> = Arc::new(Scripted {
        kind: ProbeKind::Clock,
        timeout: Duration::from_secs(2),
        behaviour: Behaviour::Hang,
    });
    let fine: Arc<dyn Probe> = Arc::new(Scripted {
        kind: ProbeKind::Host,
        timeout: Duration::from_secs(2),
        behaviour: Behaviour::SucceedAfter(Duration::from_millis(10)),
    });
    let (addr, _runtime) = serve(vec![hung, fine]);
    std::thread::sleep(Duration::from_millis(200));
    // While the clock probe hangs, scrapes answer at once.
    let mut slowest = Duration::ZERO;
    for _ in 0..10 {
        let (_, took) = scrape(addr);
        slowest = slowest.max(took);
    }
    assert!(
        slowest < Duration::from_millis(500),
        "slowest scrape {slowest:?}"
    );
    let (m, _) = scrape(addr);
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "host")]),
        Some(1.0)
    );
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "clock")]),
        None,
        "no round finished yet"
    );

    std::thread::sleep(Duration::from_millis(2300));
    let (m, took) = scrape(addr);
    assert!(took < Duration::from_millis(500));
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "clock")]),
        Some(0.0)
    );
    assert_eq!(
        m.get(
            "connector_probe_failures_total",
            &[("probe", "clock"), ("reason", "timeout")]
        ),
        Some(1.0)
    );
    let duration = m
        .get("connector_probe_duration_seconds", &[("probe", "clock")])
        .unwrap();
    assert!(
        (2.0..2.5).contains(&duration),
        "round cut at its timeout, took {duration}"
    );
    assert!(m.get("connector_probe_success", &[("probe", "host")]) == Some(1.0));
}

#[test]
fn panicking_probe_is_a_failure_with_a_reason_and_others_keep_running() {
    let panicking: Arc<dyn Probe> = Arc::new(Scripted {
        kind: ProbeKind::Stun,
        timeout: Duration::from_secs(2),
        behaviour: Behaviour::Panic,
    });
    let fine: Arc<dyn Probe> = Arc::new(Scripted {
        kind: ProbeKind::Host,
        timeout: Duration::from_secs(2),
        behaviour: Behaviour::SucceedAfter(Duration::from_millis(10)),
    });
    let (addr, _runtime) = serve(vec![panicking, fine]);
    std::thread::sleep(Duration::from_millis(1000));
    let (m, _) = scrape(addr);
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "stun")]),
        Some(0.0)
    );
    let panics = m
        .get(
            "connector_probe_failures_total",
            &[("probe", "stun"), ("reason", "panic")],
        )
        .unwrap();
    assert!(
        panics >= 2.0,
        "the probe keeps being scheduled after a panic: {panics}"
    );
    let host_rounds_done = m.get(
        "connector_probe_last_success_timestamp_seconds",
        &[("probe", "host")],
    );
    assert!(host_rounds_done.is_some());
}

#[test]
fn readiness_flips_after_every_probe_finished_its_first_round() {
    let slow: Arc<dyn Probe> = Arc::new(Scripted {
        kind: ProbeKind::Host,
        timeout: Duration::from_secs(5),
        behaviour: Behaviour::SucceedAfter(Duration::from_millis(800)),
    });
    let (addr, _runtime) = serve(vec![slow]);
    assert_eq!(http::get(addr, "/-/ready").unwrap().status, 503);
    assert_eq!(http::get(addr, "/-/healthy").unwrap().status, 200);
    let deadline = Instant::now() + Duration::from_secs(5);
    while http::get(addr, "/-/ready").unwrap().status != 200 {
        assert!(Instant::now() < deadline, "never became ready");
        std::thread::sleep(Duration::from_millis(50));
    }
    let (m, _) = scrape(addr);
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "host")]),
        Some(1.0)
    );
}
