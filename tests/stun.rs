//! The STUN probe against real peers on loopback: coturn, and a hand-written
//! server that is hostile in every way the probe must withstand.

mod common;

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use common::coturn::Coturn;
use common::exporter::Exporter;
use common::stun_server::{Mode, StunServer};
use connector_exporter::config::{ServerAddress, StunConfig};
use connector_exporter::probe::stun::{NatBehaviour, StunProbe, StunReport};
use connector_exporter::probe::{Probe, Reason, Report};
use futures_util::future::join_all;

fn probe(servers: &[SocketAddr], timeout: Duration) -> StunProbe {
    StunProbe::new(&StunConfig {
        servers: servers
            .iter()
            .map(|s| ServerAddress {
                host: s.ip().to_string(),
                port: s.port(),
            })
            .collect(),
        interval: Duration::from_secs(60),
        timeout,
    })
}

fn round(servers: &[SocketAddr], timeout: Duration) -> impl Future<Output = StunReport> + use<> {
    let probe = probe(servers, timeout);
    async move { probe.round().await }
}

#[tokio::test]
async fn coturn_on_loopback_sees_our_own_socket() {
    let coturn = Coturn::start_loopback();
    let started = Instant::now();
    let report = round(&[coturn.primary], Duration::from_secs(3)).await;
    let took = started.elapsed();
    let binding = report.servers[0]
        .outcome
        .as_ref()
        .unwrap_or_else(|f| panic!("{f}; coturn log:\n{}", coturn.log()));
    assert!(binding.rtt_seconds > 0.0);
    assert_eq!(
        binding.mapped,
        SocketAddr::new("127.0.0.1".parse().unwrap(), binding.local_port),
        "nothing translates on loopback"
    );
    assert_eq!(binding.other_address, Some(coturn.alternate));
    assert_eq!(report.mapping, NatBehaviour::None);
    // Nothing filters on loopback either: both CHANGE-REQUEST answers came.
    assert_eq!(report.filtering, NatBehaviour::EndpointIndependent);
    assert_eq!(report.p2p_possible, Some(true));
    assert_eq!(report.public_address, Some(binding.mapped));
    eprintln!("one round against coturn on loopback took {took:?}");
}

#[test]
fn coturn_on_loopback_through_the_exporter() {
    let coturn = Coturn::start_loopback();
    let server = format!("--stun.server={}", coturn.primary);
    let e = Exporter::start(&[&server, "--stun.interval=1s", "--stun.timeout=2s"]);
    let m = e.wait_rounds("stun", 1, Duration::from_secs(15));
    let label = coturn.primary.to_string();
    let server = [("server", label.as_str())];
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "stun")]),
        Some(1.0)
    );
    assert_eq!(m.get("connector_stun_success", &server), Some(1.0));
    assert!(m.get("connector_stun_rtt_seconds", &server).unwrap() > 0.0);
    assert!(m.get("connector_stun_mapped_port", &server).unwrap() >= 1.0);
    let nat = m.find("connector_nat_info", &[]);
    assert_eq!(nat.len(), 1);
    assert_eq!(nat[0].labels["mapping"], "none");
    assert_eq!(m.get("connector_p2p_possible", &[]), Some(1.0));
    let ip = [("address", "127.0.0.1"), ("family", "ipv4")];
    assert_eq!(m.get("connector_public_ip_info", &ip), Some(1.0));
    assert_eq!(m.get("connector_public_ip_changes_total", &[]), Some(0.0));
}

#[tokio::test]
async fn every_hostile_answer_is_a_failure_with_a_reason() {
    let cases = [
        (Mode::WrongTransactionId, Reason::Spoofed),
        (Mode::OtherSource, Reason::Spoofed),
        (Mode::WrongCookie, Reason::Malformed),
        (Mode::TruncatedAttribute, Reason::Malformed),
        (Mode::WrongFamily, Reason::Malformed),
        (Mode::NoMappedAddress, Reason::Malformed),
        (Mode::BadFingerprint, Reason::Malformed),
        (Mode::UnknownRequiredAttribute, Reason::Malformed),
        (Mode::ErrorResponse, Reason::ErrorResponse),
        (Mode::Silent, Reason::Timeout),
    ];
    let servers: Vec<StunServer> = cases
        .iter()
        .map(|(mode, _)| StunServer::start("127.0.0.1", *mode))
        .collect();
    let timeout = Duration::from_secs(1);
    let reports = join_all(servers.iter().map(|s| round(&[s.addr], timeout))).await;
    for (((mode, reason), server), report) in cases.iter().zip(&servers).zip(&reports) {
        let failure = report.servers[0]
            .outcome
            .as_ref()
            .expect_err(&format!("{mode:?} must fail"));
        assert_eq!(failure.reason, *reason, "{mode:?}: {failure}");
        assert!(server.requests() >= 1, "{mode:?}: no request arrived");
        assert_eq!(report.public_address, None, "{mode:?}");
        assert_eq!(report.mapping, NatBehaviour::Unknown, "{mode:?}");
        // Nothing measured, nothing claimed: the STUN failure is the news.
        assert_eq!(report.p2p_possible, None, "{mode:?}");
    }
}

#[tokio::test]
async fn retransmission_recovers_from_dropped_requests() {
    let server = StunServer::start("127.0.0.1", Mode::DropFirst(2));
    let report = round(&[server.addr], Duration::from_secs(4)).await;
    let binding = report.servers[0]
        .outcome
        .as_ref()
        .expect("third request answered");
    assert_eq!(server.requests(), 3);
    // Measured from the request that was answered, not from the first.
    assert!(binding.rtt_seconds < 0.4, "rtt {}", binding.rtt_seconds);
    assert!(report.public_address.is_some());
}

#[tokio::test]
async fn duplicates_and_mapped_address_only_servers_are_fine() {
    let duplicate = StunServer::start("127.0.0.1", Mode::Duplicate);
    let silent = StunServer::start("127.0.0.1", Mode::Silent);
    let old = StunServer::start("127.0.0.1", Mode::MappedAddressOnly);
    let report = round(
        &[duplicate.addr, silent.addr, old.addr],
        Duration::from_secs(1),
    )
    .await;
    assert!(report.servers[0].outcome.is_ok());
    // The duplicate of another transaction's answer is not held against it.
    let silent_failure = report.servers[1].outcome.as_ref().unwrap_err();
    assert_eq!(silent_failure.reason, Reason::Timeout, "{silent_failure}");
    assert!(report.servers[2].outcome.is_ok());
}

#[tokio::test]
async fn all_servers_share_one_socket_per_family() {
    let a = StunServer::start("127.0.0.1", Mode::Honest);
    let b = StunServer::start("127.0.0.2", Mode::Honest);
    let v6 = StunServer::start("::1", Mode::Honest);
    let report = round(&[a.addr, b.addr, v6.addr], Duration::from_secs(2)).await;
    let bindings: Vec<_> = report
        .servers
        .iter()
        .map(|s| s.outcome.as_ref().expect("answered"))
        .collect();
    assert_eq!(bindings[0].local_port, bindings[1].local_port);
    assert_eq!(bindings[0].mapped, bindings[1].mapped);
    assert_eq!(
        bindings[2].mapped,
        SocketAddr::new("::1".parse().unwrap(), bindings[2].local_port)
    );
    assert_eq!(report.public_address, Some(bindings[0].mapped));
    assert_eq!(report.mapping, NatBehaviour::None);
    // No OTHER-ADDRESS from anyone: filtering cannot be tested.
    assert_eq!(report.filtering, NatBehaviour::Unknown);
}

#[tokio::test]
async fn no_answer_ends_the_round_within_its_timeout() {
    let silent = [
        StunServer::start("127.0.0.1", Mode::Silent),
        StunServer::start("127.0.0.2", Mode::Silent),
    ];
    // Half of 90 % of it goes to the Bindings: 0.9 s, time for two requests.
    let timeout = Duration::from_secs(2);
    let probe: Arc<dyn Probe> = Arc::new(probe(&[silent[0].addr, silent[1].addr], timeout));
    let (outcome, took) = connector_exporter::sampler::run_once(&probe).await;
    assert!(took < timeout, "took {took:?}");
    // The probe ended by itself, with per-server reasons, before the sampler cut it off.
    let Ok(Report::Stun(report)) = outcome else {
        panic!("expected a STUN report, got {outcome:?}");
    };
    for server in &report.servers {
        assert_eq!(server.outcome.as_ref().unwrap_err().reason, Reason::Timeout);
    }
    assert!(silent[0].requests() >= 2, "retransmitted within the round");
}

#[test]
fn hostile_server_through_the_exporter() {
    let server = StunServer::start("127.0.0.1", Mode::WrongTransactionId);
    let flag = format!("--stun.server={}", server.addr);
    let e = Exporter::start(&[&flag, "--stun.interval=1s", "--stun.timeout=1s"]);
    let m = e.wait_rounds("stun", 1, Duration::from_secs(15));
    let label = server.addr.to_string();
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "stun")]),
        Some(0.0)
    );
    assert_eq!(
        m.get("connector_stun_success", &[("server", &label)]),
        Some(0.0)
    );
    let spoofed = [("probe", "stun"), ("reason", "spoofed")];
    assert!(m.get("connector_probe_failures_total", &spoofed).unwrap() >= 1.0);
    assert!(!m.has("connector_public_ip_info"));
    assert!(!m.has("connector_stun_mapped_port"));
    let nat = m.find("connector_nat_info", &[]);
    assert_eq!(nat[0].labels["mapping"], "unknown");
    assert!(
        !m.has("connector_p2p_possible"),
        "the mapping is unknown: no verdict, not 0"
    );
}
