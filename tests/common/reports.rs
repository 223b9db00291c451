//! Hand-made probe reports for tests of what is built on them (diagnosis,
//! status page), so those tests need no network.

use std::net::SocketAddr;

use connector_exporter::probe::clock::{
    ClockReport, ClockSample, ClockServer, ControllerOffset, KernelClock, Protocol, SampleDetail,
};
use connector_exporter::probe::connector::traffic::{
    Direction, Share, TrafficReport, TrafficSeries,
};
use connector_exporter::probe::connector::{
    ConnectorReport, ConnectorState, Source, SourceVerdict,
};
use connector_exporter::probe::host::{Container, HostReport, InterfaceAddress};
use connector_exporter::probe::stun::{NatBehaviour, StunBinding, StunReport, StunServer};
use connector_exporter::probe::{Failure, Reason, Report};

pub fn clock(offset: Option<f64>, kernel_synchronized: bool) -> Report {
    let server = ClockServer {
        server: "127.0.0.1:123".to_owned(),
        protocol: Protocol::Ntp,
        outcome: match offset {
            Some(offset_seconds) => Ok(ClockSample {
                address: "127.0.0.1:123".parse().unwrap(),
                offset_seconds,
                rtt_seconds: 0.0002,
                uncertainty_seconds: 0.001,
                detail: SampleDetail::Ntp {
                    stratum: 1,
                    root_distance_seconds: 0.001,
                },
            }),
            None => Err(Failure::new(Reason::Timeout, "no reply within 1s")),
        },
    };
    Report::Clock(ClockReport {
        servers: vec![server],
        offset_seconds: offset,
        offset_uncertainty_seconds: offset.map(|_| 0.001),
        source: offset.map(|_| Protocol::Ntp),
        controller: None,
        kernel: Some(KernelClock {
            synchronized: kernel_synchronized,
            max_error_seconds: 0.016,
        }),
    })
}

/// NTP blocked (its one server timed out): the offset comes from the
/// controller's HTTPS `Date`, `offset` ± `uncertainty`.
pub fn clock_from_https(offset: f64, uncertainty: f64) -> Report {
    let controller = "https://acme.twingate.com/";
    let servers = vec![
        ClockServer {
            server: "127.0.0.1:123".to_owned(),
            protocol: Protocol::Ntp,
            outcome: Err(Failure::new(
                Reason::Timeout,
                "127.0.0.1:123: no reply within 2.5 s",
            )),
        },
        ClockServer {
            server: controller.to_owned(),
            protocol: Protocol::Https,
            outcome: Ok(ClockSample {
                address: "127.0.0.1:443".parse().unwrap(),
                offset_seconds: offset,
                rtt_seconds: 0.0004,
                uncertainty_seconds: uncertainty,
                detail: SampleDetail::Https {
                    requests: 12,
                    connections: 1,
                    status: 200,
                },
            }),
        },
    ];
    Report::Clock(ClockReport {
        servers,
        offset_seconds: Some(offset),
        offset_uncertainty_seconds: Some(uncertainty),
        source: Some(Protocol::Https),
        controller: Some(ControllerOffset {
            server: controller.to_owned(),
            offset_seconds: offset,
            uncertainty_seconds: uncertainty,
        }),
        kernel: None,
    })
}

pub fn stun(answered: bool, mapping: NatBehaviour) -> Report {
    let mapped: SocketAddr = "203.0.113.7:54321".parse().unwrap();
    Report::Stun(StunReport {
        servers: vec![StunServer {
            server: "127.0.0.1:3478".to_owned(),
            outcome: if answered {
                Ok(StunBinding {
                    rtt_seconds: 0.001,
                    mapped,
                    address: "127.0.0.1:3478".parse().unwrap(),
                    local_port: 40000,
                    other_address: None,
                })
            } else {
                Err(Failure::new(Reason::Unreachable, "connection refused"))
            },
        }],
        mapping,
        filtering: mapping,
        p2p_possible: connector_exporter::probe::stun::behaviour::p2p_possible(answered, mapping),
        public_address: answered.then_some(mapped),
        public_ip_changes: 0,
    })
}

pub fn connector(up: bool, restarts: u64) -> Report {
    Report::Connector(ConnectorReport {
        state: Some(ConnectorState {
            up,
            state_change_timestamp_seconds: 1_700_000_000.0,
            uptime_seconds: if up { 11_520.0 } else { 0.0 },
            downtime_seconds: if up { 0.0 } else { 300.0 },
            restarts,
        }),
        never_seen: None,
        process: None,
        sources: vec![SourceVerdict {
            source: Source::Process,
            up,
            failure: None,
            read_error: false,
        }],
        traffic: None,
    })
}

pub fn host(hostname: &str) -> Report {
    Report::Host(HostReport {
        hostname: hostname.to_owned(),
        container: Container::Docker,
        os_version: "Debian GNU/Linux 12 (bookworm)".to_owned(),
        kernel_version: "6.1.0-18-amd64".to_owned(),
        boot_time_seconds: Some(1_700_000_000.0),
        private_ips: vec![InterfaceAddress {
            interface: "eth0".to_owned(),
            address: "10.0.0.5".parse().unwrap(),
        }],
    })
}

/// A running connector whose page moved `total_bytes` in the last
/// `window_seconds`, a `direct_share` of it peer-to-peer; `None`: a page
/// without the byte counters (a connector older than 1.80).
pub fn connector_traffic(traffic: Option<(f64, f64, f64)>) -> Report {
    let Report::Connector(mut report) = connector(true, 0) else {
        unreachable!()
    };
    let min_bytes = 1024.0 * 1024.0;
    report.traffic = Some(match traffic {
        None => TrafficReport {
            series: Vec::new(),
            window: None,
            direct_ratio: None,
            since_start: None,
            missing_families: true,
            failures: Vec::new(),
            min_bytes,
        },
        Some((window_seconds, total_bytes, direct_share)) => {
            let window = Share {
                seconds: Some(window_seconds),
                direct_bytes: total_bytes * direct_share,
                total_bytes,
            };
            TrafficReport {
                series: vec![TrafficSeries {
                    direction: Direction::Inbound,
                    transport: "direct".to_owned(),
                    bytes_total: window.direct_bytes,
                }],
                window: Some(window),
                direct_ratio: (total_bytes >= min_bytes).then_some(direct_share),
                since_start: Some(window),
                missing_families: false,
                failures: Vec::new(),
                min_bytes,
            }
        }
    });
    Report::Connector(report)
}
