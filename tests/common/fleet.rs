//! A synthetic fleet of connector hosts: for connector `i` at time `t`, the `Snapshot` its
//! exporter would hold, built from probe reports of the crate's own types and rendered by the
//! crate's own metrics code. Every value is a pure function of the seed, the connector and the
//! time, so a run is repeatable and any moment can be asked for in any order.
//!
//! Shared by the fleet tests and `examples/fleet-sim.rs` (which includes this file by path), so it
//! depends on nothing but the library.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use connector_exporter::cli::Flags;
use connector_exporter::config::Config;
use connector_exporter::metrics::Exposition;
use connector_exporter::probe::clock::{
    ClockReport, ClockSample, ClockServer, KernelClock, Protocol, SampleDetail, select,
};
use connector_exporter::probe::connector::{
    ConnectorProcess, ConnectorReport, ConnectorState, Source, SourceVerdict,
};
use connector_exporter::probe::host::{Container, HostReport, InterfaceAddress};
use connector_exporter::probe::stun::behaviour::p2p_possible;
use connector_exporter::probe::stun::{NatBehaviour, StunBinding, StunReport, StunServer};
use connector_exporter::probe::{Failure, ProbeKind, Reason, Report};
use connector_exporter::process::ProcessStats;
use connector_exporter::sampler::{ProbeStatus, Snapshot};

pub const SITES: [&str; 10] = [
    "ams1", "fra1", "lhr1", "iad1", "ord1", "sfo1", "gru1", "sin1", "nrt1", "syd1",
];
pub const NETWORKS: [&str; 3] = ["prod", "corp", "lab"];

/// The exporter's defaults: the servers, intervals and tolerance a host runs with when started
/// without flags. The cardinality budget is stated for these.
pub fn default_config() -> Config {
    Config::from_flags(&Flags::default()).expect("the defaults are a valid configuration")
}

/// The RFC 4787 kinds the NAT lab makes, plus a host whose mapping cannot be classified.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Nat {
    None,
    FullCone,
    PortRestricted,
    Symmetric,
    Unclassified,
}

impl Nat {
    fn behaviour(self) -> (NatBehaviour, NatBehaviour) {
        use NatBehaviour::*;
        match self {
            Nat::None => (None, EndpointIndependent),
            Nat::FullCone => (EndpointIndependent, EndpointIndependent),
            Nat::PortRestricted => (EndpointIndependent, AddressAndPortDependent),
            Nat::Symmetric => (AddressAndPortDependent, AddressAndPortDependent),
            Nat::Unclassified => (Unknown, Unknown),
        }
    }
}

/// How a connector behaves over time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Life {
    Steady,
    /// Down since before the exporter started.
    Down,
    /// Restarts every `period` seconds and is down 10 s each time.
    Restarting {
        period: f64,
    },
    /// Up for 3 minutes, down for 1, over and over.
    Flapping,
}

/// What a clock does over time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Clock {
    /// Within a few hundred milliseconds of the reference.
    Good { base: f64 },
    /// A sawtooth from 0 to `sign`·8 s over three hours: it crosses near (2.5 s) and beyond (5 s)
    /// tolerance and is set right again.
    Drifting { sign: f64 },
    /// No reference server answers.
    Unreachable,
}

/// The fixed facts of one simulated connector host.
#[derive(Clone, Debug)]
pub struct Host {
    pub index: usize,
    pub site: &'static str,
    pub remote_network: String,
    pub hostname: String,
    pub nat: Nat,
    /// Every STUN server times out.
    pub stun_blocked: bool,
    /// The second STUN server loses every fourth round.
    pub stun_flaky: bool,
    /// Seconds between public address changes; `None` for a stable address.
    pub ip_change_period: Option<f64>,
    pub clock: Clock,
    pub kernel_synchronized: bool,
    pub life: Life,
    pub container: Container,
    pub phase: f64,
}

/// splitmix64: small, fast, and the same on every platform, so a seed means one fleet.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A uniform number in [0, 1) for (seed, connector, purpose, round).
fn unit(seed: u64, i: usize, what: u64, round: u64) -> f64 {
    let h = mix(mix(mix(seed ^ i as u64) ^ what.wrapping_mul(0x1000_0001)) ^ round);
    (h >> 11) as f64 / (1u64 << 53) as f64
}

#[derive(Clone, Debug)]
pub struct Fleet {
    pub seed: u64,
    pub hosts: Vec<Host>,
    pub sites: usize,
    /// Unix time every simulated exporter started.
    pub start: f64,
    /// Simulated seconds per real second for what connectors do (restarts, drift, address
    /// changes), so hours of it fit in a short test; probe rounds and timestamps stay real.
    pub speed: f64,
    config: Arc<Config>,
}

impl Fleet {
    pub fn new(seed: u64, connectors: usize, sites: usize, start: f64) -> Fleet {
        let sites = sites.clamp(1, SITES.len());
        let hosts = (0..connectors).map(|i| host(seed, i, sites)).collect();
        Fleet {
            seed,
            hosts,
            sites,
            start,
            speed: 1.0,
            config: Arc::new(default_config()),
        }
    }

    pub fn with_speed(mut self, speed: f64) -> Fleet {
        self.speed = speed.max(f64::MIN_POSITIVE);
        self
    }

    /// Real time to the connectors' own (sped-up) time, and back.
    fn fast(&self, t: f64) -> f64 {
        self.start + (t - self.start) * self.speed
    }

    fn real(&self, t: f64) -> f64 {
        self.start + (t - self.start) / self.speed
    }

    pub fn instance(&self, i: usize) -> String {
        format!("{}:10150", self.hosts[i].hostname)
    }

    /// What connector `i`'s exporter holds at Unix time `t` (not before `start`).
    pub fn snapshot(&self, i: usize, t: f64) -> Snapshot {
        let h = &self.hosts[i];
        let t = t.max(self.start);
        let c = &self.config;
        let mut failures = BTreeMap::new();
        let mut probes = Vec::new();
        for kind in &c.probes {
            let interval = match kind {
                ProbeKind::Clock => c.clock.interval,
                ProbeKind::Stun => c.stun.interval,
                ProbeKind::Connector => c.connector.interval,
                ProbeKind::Host => c.host.interval,
                // Only with --twingate.network, which is not a default: the controller's view
                // is one exporter's per remote network, not every host's.
                ProbeKind::AdminApi => continue,
            }
            .as_secs_f64();
            // Rounds start at `start` and every interval after it.
            let round = ((t - self.start) / interval).floor() as u64;
            let at = self.start + round as f64 * interval;
            let (report, per_round) = match kind {
                ProbeKind::Clock => (self.clock(h, at), clock_failures(h, c)),
                ProbeKind::Stun => (self.stun(h, round, at), Vec::new()),
                ProbeKind::Connector => (self.connector(h, at), Vec::new()),
                ProbeKind::Host => (self.host_report(h), Vec::new()),
                ProbeKind::AdminApi => continue,
            };
            // The sampler counts each failed part once per round and the round's own reason
            // when it is not one of those (see `Sampler::record`).
            for reason in per_round {
                *failures.entry((*kind, reason)).or_insert(0) += round + 1;
            }
            if *kind == ProbeKind::Stun {
                let (timeouts, _) = stun_failed_rounds(h, round);
                if timeouts > 0 {
                    failures.insert((*kind, Reason::Timeout), timeouts);
                }
            }
            let shortfall = report.shortfall();
            let failed_rounds = if shortfall.is_some() { round + 1 } else { 0 };
            probes.push(ProbeStatus {
                kind: *kind,
                rounds: round + 1,
                duration_seconds: match kind {
                    ProbeKind::Clock => 0.04 + 0.02 * unit(self.seed, i, 1, round),
                    ProbeKind::Stun => 0.03 + 0.02 * unit(self.seed, i, 2, round),
                    _ => 0.001,
                },
                last_round_timestamp_seconds: Some(at),
                last_success_timestamp_seconds: (failed_rounds == 0).then_some(at),
                failure: shortfall,
                report: Some(Arc::new(report)),
            });
        }
        let elapsed = t - self.start;
        Snapshot {
            clock_tolerance_seconds: c.clock.tolerance.as_secs_f64(),
            probes,
            failures,
            process: Some(ProcessStats {
                cpu_seconds: 0.0004 * elapsed,
                resident_memory_bytes: 7_400_000 + (h.index as u64 % 7) * 40_960,
                virtual_memory_bytes: 24_000_000,
                start_time_seconds: self.start,
                open_fds: 9,
                max_fds: Some(1024),
            }),
        }
    }

    /// The exposition of connector `i` at `t`, rendered by the exporter's own code.
    pub fn render(&self, i: usize, t: f64) -> Exposition {
        Exposition::render(Arc::new(self.snapshot(i, t)))
    }

    fn clock(&self, h: &Host, at: f64) -> Report {
        let offset = match h.clock {
            Clock::Good { base } => Some(base),
            Clock::Drifting { sign } => {
                let period = 3.0 * 3600.0;
                Some(sign * 8.0 * ((self.fast(at) - self.start) / period + h.phase).fract())
            }
            Clock::Unreachable => None,
        };
        let round = (at / 64.0) as u64;
        let servers: Vec<ClockServer> = self
            .config
            .clock
            .servers
            .iter()
            .enumerate()
            .map(|(k, s)| ClockServer {
                server: s.to_string(),
                protocol: Protocol::Ntp,
                outcome: match offset {
                    Some(o) => {
                        let rtt = 0.005 + 0.03 * unit(self.seed, h.index, 20 + k as u64, round);
                        let root_distance = 0.01 + 0.02 * k as f64 + rtt / 2.0;
                        Ok(ClockSample {
                            address: SocketAddr::new(
                                IpAddr::V4(Ipv4Addr::new(192, 0, 2, 10 + k as u8)),
                                123,
                            ),
                            offset_seconds: o + 0.004
                                * (unit(self.seed, h.index, 10 + k as u64, round) - 0.5),
                            rtt_seconds: rtt,
                            uncertainty_seconds: root_distance,
                            detail: SampleDetail::Ntp {
                                stratum: 1 + k as u8 % 2,
                                root_distance_seconds: root_distance,
                            },
                        })
                    }
                    None => Err(Failure::new(Reason::Timeout, "no reply within 10s")),
                },
            })
            .collect();
        // The exporter's own selection: the median server and its error bar.
        let selected = select(&servers);
        Report::Clock(ClockReport {
            offset_seconds: selected.as_ref().map(|s| s.offset_seconds),
            offset_uncertainty_seconds: selected.as_ref().map(|s| s.uncertainty_seconds),
            source: selected.as_ref().map(|s| s.protocol),
            // Only with --twingate.network, which is not a default.
            controller: None,
            servers,
            kernel: Some(KernelClock {
                synchronized: h.kernel_synchronized,
                max_error_seconds: if h.kernel_synchronized { 0.016 } else { 16.0 },
            }),
        })
    }

    fn public_ip(&self, h: &Host, at: f64) -> (IpAddr, u64) {
        let (epoch, changes) = match h.ip_change_period {
            Some(p) => {
                let e = ((self.fast(at) - self.start) / p + h.phase).floor() as u64;
                (e, e - h.phase.floor() as u64)
            }
            None => (0, 0),
        };
        let n = mix(self.seed ^ (h.index as u64) << 20 ^ epoch);
        let ip = Ipv4Addr::new(198, 51 + (n % 2) as u8, (n >> 8) as u8, (n >> 16) as u8 | 1);
        (IpAddr::V4(ip), changes)
    }

    fn stun(&self, h: &Host, round: u64, at: f64) -> Report {
        let (ip, changes) = self.public_ip(h, at);
        let (mapping, filtering) = h.nat.behaviour();
        let servers: Vec<StunServer> = self
            .config
            .stun
            .servers
            .iter()
            .enumerate()
            .map(|(k, s)| {
                let lost = h.stun_blocked
                    || (h.stun_flaky && k == 1 && (round + h.index as u64).is_multiple_of(4));
                // A symmetric NAT gives each destination its own port.
                let port = 40_000
                    + (h.index % 20_000) as u16
                    + if mapping == NatBehaviour::AddressAndPortDependent {
                        k as u16
                    } else {
                        0
                    };
                StunServer {
                    server: s.to_string(),
                    outcome: if lost {
                        Err(Failure::new(
                            Reason::Timeout,
                            "no response after 7 retransmissions",
                        ))
                    } else {
                        Ok(StunBinding {
                            rtt_seconds: 0.01
                                + 0.05 * unit(self.seed, h.index, 30 + k as u64, round),
                            mapped: SocketAddr::new(ip, port),
                            address: SocketAddr::new(
                                IpAddr::V4(Ipv4Addr::new(192, 0, 2, 40 + k as u8)),
                                3478,
                            ),
                            local_port: 40_000 + (h.index % 20_000) as u16,
                            other_address: None,
                        })
                    },
                }
            })
            .collect();
        let works = servers.iter().any(|s| s.outcome.is_ok());
        let (mapping, filtering) = if works {
            (mapping, filtering)
        } else {
            (NatBehaviour::Unknown, NatBehaviour::Unknown)
        };
        Report::Stun(StunReport {
            public_address: servers
                .iter()
                .find_map(|s| s.outcome.as_ref().ok().map(|b| b.mapped)),
            servers,
            mapping,
            filtering,
            p2p_possible: p2p_possible(works, mapping),
            public_ip_changes: changes,
        })
    }

    fn connector(&self, h: &Host, real_at: f64) -> Report {
        let at = self.fast(real_at);
        let elapsed = at - self.start;
        let first_start = self.start - 3600.0 * (1.0 + 24.0 * h.phase);
        // (up, since, restarts, current process start)
        let (up, since, restarts) = match h.life {
            Life::Steady => (true, first_start, 0),
            Life::Down => (false, self.start - 600.0 * (1.0 + h.phase), 0),
            Life::Restarting { period } => {
                let offset = h.phase * period;
                let k = ((elapsed + offset) / period).floor();
                let k0 = (offset / period).floor();
                let restart_at = self.start - offset + k * period;
                let n = (k - k0) as u64;
                if n == 0 {
                    (true, first_start, 0)
                } else if at < restart_at + 10.0 {
                    (false, restart_at, n - 1)
                } else {
                    (true, restart_at + 10.0, n)
                }
            }
            Life::Flapping => {
                let cycle = 240.0;
                let pos = (elapsed + h.phase * cycle) % cycle;
                let cycle_start = at - pos;
                let n = ((elapsed + h.phase * cycle) / cycle).floor() as u64;
                if pos < 180.0 {
                    (true, cycle_start.max(self.start), n)
                } else {
                    (false, cycle_start + 180.0, n)
                }
            }
        };
        let since = self.real(since);
        let since_change = (real_at - since).max(0.0);
        let verdict = |source| SourceVerdict {
            source,
            up,
            failure: (!up)
                .then(|| Failure::new(Reason::NotFound, "no process named twingate-connector")),
            read_error: false,
        };
        Report::Connector(ConnectorReport {
            state: Some(ConnectorState {
                up,
                state_change_timestamp_seconds: since,
                uptime_seconds: if up { since_change } else { 0.0 },
                downtime_seconds: if up { 0.0 } else { since_change },
                restarts,
            }),
            never_seen: None,
            process: up.then(|| ConnectorProcess {
                pid: 1000 + restarts as u32,
                start_time_seconds: since,
                resident_memory_bytes: 60_000_000 + (h.index as u64 % 13) * 1_000_000,
                cpu_seconds: 0.02 * since_change,
            }),
            sources: vec![verdict(Source::Process), verdict(Source::Systemd)],
            // Only with --connector.metrics-url, which is not a default.
            traffic: None,
        })
    }

    fn host_report(&self, h: &Host) -> Report {
        let i = h.index;
        let mut private_ips = vec![InterfaceAddress {
            interface: "eth0".to_owned(),
            address: IpAddr::V4(Ipv4Addr::new(
                10,
                (i >> 16) as u8,
                (i >> 8) as u8,
                (i as u8).max(1),
            )),
        }];
        if i.is_multiple_of(3) {
            private_ips.push(InterfaceAddress {
                interface: "eth0".to_owned(),
                address: IpAddr::V6(Ipv6Addr::new(
                    0xfd00,
                    0,
                    0,
                    0,
                    0,
                    0,
                    (i >> 16) as u16,
                    i as u16,
                )),
            });
        }
        if h.container == Container::Docker {
            private_ips.push(InterfaceAddress {
                interface: "docker0".to_owned(),
                address: IpAddr::V4(Ipv4Addr::new(172, 17, 0, 1)),
            });
        }
        Report::Host(HostReport {
            hostname: h.hostname.clone(),
            container: h.container,
            os_version: if i.is_multiple_of(4) {
                "Ubuntu 22.04.4 LTS"
            } else {
                "Debian GNU/Linux 12 (bookworm)"
            }
            .to_owned(),
            kernel_version: if i.is_multiple_of(4) {
                "5.15.0-105-generic"
            } else {
                "6.1.0-18-amd64"
            }
            .to_owned(),
            boot_time_seconds: Some(self.start - 86_400.0 * (1.0 + 30.0 * h.phase)),
            private_ips,
        })
    }
}

/// Reasons a clock round counts: one per server that did not answer.
fn clock_failures(h: &Host, c: &Config) -> Vec<Reason> {
    match h.clock {
        Clock::Unreachable => vec![Reason::Timeout; c.clock.servers.len()],
        _ => Vec::new(),
    }
}

/// STUN timeouts counted up to and including `round`, and whether `round` itself failed entirely.
fn stun_failed_rounds(h: &Host, round: u64) -> (u64, bool) {
    if h.stun_blocked {
        // Two servers lost per round; the round's own shortfall repeats their reason.
        return (2 * (round + 1), true);
    }
    if h.stun_flaky {
        // Rounds r with (r + index) % 4 == 0, for r in 0..=round.
        let o = h.index as u64 % 4;
        let first = (4 - o) % 4;
        let n = if round >= first {
            (round - first) / 4 + 1
        } else {
            0
        };
        return (n, false);
    }
    (0, false)
}

fn host(seed: u64, i: usize, sites: usize) -> Host {
    let u = |what: u64| unit(seed, i, 100 + what, 0);
    let site = SITES[(u(1) * sites as f64) as usize % sites];
    let network = NETWORKS[(u(2) * NETWORKS.len() as f64) as usize % NETWORKS.len()];
    let nat = match u(3) {
        x if x < 0.15 => Nat::None,
        x if x < 0.40 => Nat::FullCone,
        x if x < 0.75 => Nat::PortRestricted,
        x if x < 0.95 => Nat::Symmetric,
        _ => Nat::Unclassified,
    };
    let clock = match u(4) {
        x if x < 0.02 => Clock::Drifting { sign: -1.0 },
        x if x < 0.04 => Clock::Drifting { sign: 1.0 },
        x if x < 0.05 => Clock::Unreachable,
        _ => Clock::Good {
            base: 0.4 * (u(5) - 0.5),
        },
    };
    let life = match u(6) {
        x if x < 0.02 => Life::Down,
        x if x < 0.05 => Life::Restarting {
            period: 1200.0 + 2400.0 * u(7),
        },
        x if x < 0.07 => Life::Flapping,
        _ => Life::Steady,
    };
    let container = match u(8) {
        x if x < 0.6 => Container::None,
        x if x < 0.8 => Container::Docker,
        x if x < 0.95 => Container::Kubernetes,
        _ => Container::Podman,
    };
    Host {
        index: i,
        site,
        remote_network: format!("{site}-{network}"),
        hostname: format!("conn-{site}-{i:05}"),
        nat,
        stun_blocked: u(9) < 0.03,
        stun_flaky: u(10) < 0.05,
        ip_change_period: (u(11) < 0.05).then(|| 1800.0 + 5400.0 * u(12)),
        clock,
        kernel_synchronized: u(13) >= 0.03,
        life,
        container,
        phase: u(14),
    }
}
