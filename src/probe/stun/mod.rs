//! Public address, NAT behaviour and the peer-to-peer verdict over STUN.
//!
//! One round: a Binding request to every server from one socket per address
//! family; then, when a server offers OTHER-ADDRESS, the RFC 5780 mapping
//! tests on that same socket and the filtering tests on a fresh one.

pub mod behaviour;
pub mod message;
mod transaction;

use std::net::{IpAddr, SocketAddr};
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::{BoxFuture, join_all};
use serde::Serialize;
use tokio::time::Instant;

use super::{Failure, Probe, ProbeKind, Reason, Report};
use crate::config::{ServerAddress, StunConfig};
use message::Change;
use transaction::{Answer, Client, Request};

#[derive(Clone, Debug, Serialize)]
pub struct StunReport {
    pub servers: Vec<StunServer>,
    pub mapping: NatBehaviour,
    pub filtering: NatBehaviour,
    /// STUN works and the mapping lets a peer reach us at the address STUN
    /// saw; `None` while the mapping is unknown.
    pub p2p_possible: Option<bool>,
    /// The mapped (public) address seen by the first server that answered.
    pub public_address: Option<SocketAddr>,
    /// Changes of the public IP since the exporter started (or since the
    /// state file began), not counting the first observation.
    pub public_ip_changes: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct StunServer {
    /// The server as configured (host[:port]); the `server` label.
    pub server: String,
    pub outcome: Result<StunBinding, Failure>,
}

#[derive(Clone, Debug, Serialize)]
pub struct StunBinding {
    pub rtt_seconds: f64,
    pub mapped: SocketAddr,
    /// The address the server name resolved to and the request went to.
    pub address: SocketAddr,
    /// Our socket's port; equal to the mapped port when nothing translates.
    pub local_port: u16,
    /// RFC 5780 OTHER-ADDRESS, when the server offers the behaviour tests.
    pub other_address: Option<SocketAddr>,
}

/// RFC 4787 mapping or filtering behaviour, as the `mapping`/`filtering` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NatBehaviour {
    EndpointIndependent,
    AddressDependent,
    AddressAndPortDependent,
    /// Not behind NAT: the mapped address is one of our own.
    None,
    /// The servers gave too little to decide.
    Unknown,
}

impl NatBehaviour {
    pub fn as_str(self) -> &'static str {
        match self {
            NatBehaviour::EndpointIndependent => "endpoint_independent",
            NatBehaviour::AddressDependent => "address_dependent",
            NatBehaviour::AddressAndPortDependent => "address_and_port_dependent",
            NatBehaviour::None => "none",
            NatBehaviour::Unknown => "unknown",
        }
    }
}

impl StunReport {
    pub fn public_ip(&self) -> Option<IpAddr> {
        self.public_address.map(|a| a.ip())
    }

    pub(super) fn part_failures(&self) -> Vec<&Failure> {
        self.servers
            .iter()
            .filter_map(|s| s.outcome.as_ref().err())
            .collect()
    }

    pub(super) fn shortfall(&self) -> Option<Failure> {
        if self.servers.iter().any(|s| s.outcome.is_ok()) {
            return None;
        }
        Some(match self.part_failures().first() {
            Some(first) => Failure::new(
                first.reason,
                format!("no STUN server answered validly; first: {first}"),
            ),
            None => Failure::new(Reason::NotFound, "no STUN server configured"),
        })
    }
}

pub struct StunProbe {
    servers: Vec<ServerAddress>,
    interval: Duration,
    timeout: Duration,
    public_ip: Mutex<PublicIp>,
}

/// The last public IP seen and how often it changed: state across rounds.
#[derive(Default)]
struct PublicIp {
    last: Option<IpAddr>,
    changes: u64,
}

/// The servers' answers of one round, by configured server.
type Outcomes = Vec<Result<(Answer, SocketAddr, u16), Failure>>;

impl StunProbe {
    pub fn new(config: &StunConfig) -> StunProbe {
        StunProbe {
            servers: config.servers.clone(),
            interval: config.interval,
            timeout: config.timeout,
            public_ip: Mutex::new(PublicIp::default()),
        }
    }

    /// One round. It keeps to 90 % of the probe timeout so that it ends with
    /// per-server reasons instead of being cut off by the sampler.
    pub async fn round(&self) -> StunReport {
        let budget = self.timeout.mul_f64(0.9);
        let deadline = Instant::now() + budget;
        // Half for the Bindings, so that a server that needs retransmissions
        // does not starve the behaviour tests; a quarter for each later step.
        let step = budget / 4;
        let bindings_deadline = Instant::now() + budget / 2;
        let resolved = join_all(self.servers.iter().map(|s| resolve(s, bindings_deadline))).await;
        let (outcomes, mut clients) = bindings(&resolved, bindings_deadline).await;
        let primary = outcomes.iter().find_map(|o| o.as_ref().ok());
        let (mut mapping, mut filtering) = (NatBehaviour::Unknown, NatBehaviour::Unknown);
        if let Some((first, address, local_port)) = primary {
            let family = usize::from(!address.is_ipv4());
            let mapped = first.response.mapped;
            let own = own_addresses();
            let no_nat = own.contains(&mapped.ip()) && mapped.port() == *local_port;
            let same_family = || {
                outcomes
                    .iter()
                    .filter_map(|o| o.as_ref().ok())
                    .filter(|(_, a, _)| a.is_ipv4() == address.is_ipv4())
            };
            let mut observations: Vec<_> = same_family()
                .map(|(a, s, _)| (*s, a.response.mapped))
                .collect();
            let tester =
                same_family().find_map(|(a, s, _)| a.response.other_address.map(|o| (*s, o)));
            if let (Some((server, other)), Some(client)) = (tester, clients[family].as_mut()) {
                if !no_nat {
                    mapping_tests(client, server, other, &mut observations, deadline, step).await;
                }
                filtering = filtering_tests(server, other, deadline, step).await;
            }
            mapping = if no_nat {
                NatBehaviour::None
            } else {
                behaviour::classify_mapping(&observations)
            };
        }
        let public_address = primary.map(|(a, _, _)| a.response.mapped);
        let public_ip_changes = self.track_public_ip(public_address.map(|a| a.ip()));
        StunReport {
            servers: self
                .servers
                .iter()
                .zip(outcomes)
                .map(|(server, outcome)| StunServer {
                    server: server.to_string(),
                    outcome: outcome.map(|(answer, address, local_port)| StunBinding {
                        rtt_seconds: answer.rtt.as_secs_f64(),
                        mapped: answer.response.mapped,
                        address,
                        local_port,
                        other_address: answer.response.other_address,
                    }),
                })
                .collect(),
            mapping,
            filtering,
            p2p_possible: behaviour::p2p_possible(public_address.is_some(), mapping),
            public_address,
            public_ip_changes,
        }
    }

    fn track_public_ip(&self, seen: Option<IpAddr>) -> u64 {
        let mut state = self
            .public_ip
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if let Some(ip) = seen {
            if state.last.is_some_and(|last| last != ip) {
                tracing::info!(from = ?state.last, to = %ip, "public IP changed");
                state.changes += 1;
            }
            state.last = Some(ip);
        }
        state.changes
    }
}

impl Probe for StunProbe {
    fn kind(&self) -> ProbeKind {
        ProbeKind::Stun
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn run(&self) -> BoxFuture<'_, Result<Report, Failure>> {
        Box::pin(async move { Ok(Report::Stun(self.round().await)) })
    }
}

/// Names are resolved every round so a changed DNS record is followed.
/// IPv4 is preferred: peer-to-peer through NAT is an IPv4 matter, and the
/// controller shows the IPv4 public address.
async fn resolve(server: &ServerAddress, deadline: Instant) -> Result<SocketAddr, Failure> {
    if let Ok(ip) = server.host.parse::<IpAddr>() {
        return Ok(SocketAddr::new(ip, server.port));
    }
    let lookup = tokio::net::lookup_host((server.host.as_str(), server.port));
    let addresses: Vec<SocketAddr> = match tokio::time::timeout_at(deadline, lookup).await {
        Ok(Ok(found)) => found.collect(),
        Ok(Err(e)) => return Err(Failure::new(Reason::Resolve, format!("{server}: {e}"))),
        Err(_) => {
            return Err(Failure::new(
                Reason::Timeout,
                format!("{server}: resolving took too long"),
            ));
        }
    };
    addresses
        .iter()
        .find(|a| a.is_ipv4())
        .or_else(|| addresses.first())
        .copied()
        .ok_or_else(|| Failure::new(Reason::Resolve, format!("{server}: no addresses")))
}

/// Test I for every server at once, from one socket per family (index 0 for
/// IPv4, 1 for IPv6); the sockets are returned for the mapping tests.
async fn bindings(
    resolved: &[Result<SocketAddr, Failure>],
    deadline: Instant,
) -> (Outcomes, [Option<Client>; 2]) {
    let family = |ipv4: bool| async move {
        let targets: Vec<(usize, SocketAddr)> = resolved
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().ok().map(|a| (i, *a)))
            .filter(|(_, a)| a.is_ipv4() == ipv4)
            .collect();
        if targets.is_empty() {
            return (None, Vec::new());
        }
        let mut client = match Client::bind(ipv4).await {
            Ok(c) => c,
            Err(f) => {
                return (
                    None,
                    targets.iter().map(|(i, _)| (*i, Err(f.clone()))).collect(),
                );
            }
        };
        let requests: Vec<Request> = targets.iter().map(|(_, a)| Request::binding(*a)).collect();
        let port = client.local_port();
        let answers = client.exchange(&requests, deadline).await;
        let results = targets
            .iter()
            .zip(answers)
            .map(|((i, a), r)| (*i, r.map(|answer| (answer, *a, port))))
            .collect::<Vec<_>>();
        (Some(client), results)
    };
    let ((v4, v4_results), (v6, v6_results)) = tokio::join!(family(true), family(false));
    let mut slots: Vec<Option<Result<_, Failure>>> = resolved
        .iter()
        .map(|r| r.as_ref().err().map(|f| Err(f.clone())))
        .collect();
    for (i, r) in v4_results.into_iter().chain(v6_results) {
        slots[i] = Some(r);
    }
    let outcomes = slots
        .into_iter()
        .map(|slot| slot.unwrap_or_else(|| Err(Failure::new(Reason::Io, "no request was made"))))
        .collect();
    (outcomes, [v4, v6])
}

/// RFC 5780 tests II (alternate IP, same port) and III (alternate IP and
/// port) from the socket of test I; III only when II saw another mapping.
async fn mapping_tests(
    client: &mut Client,
    server: SocketAddr,
    other: SocketAddr,
    observations: &mut Vec<(SocketAddr, SocketAddr)>,
    deadline: Instant,
    step: Duration,
) {
    let first = observations
        .iter()
        .find(|(s, _)| *s == server)
        .map(|(_, m)| *m);
    for destination in [SocketAddr::new(other.ip(), server.port()), other] {
        let until = deadline.min(Instant::now() + step);
        let result = client
            .exchange(&[Request::binding(destination)], until)
            .await;
        match result.into_iter().next() {
            Some(Ok(answer)) => {
                tracing::debug!(%destination, mapped = %answer.response.mapped, "mapping test");
                observations.push((destination, answer.response.mapped));
                if Some(answer.response.mapped) == first {
                    return;
                }
            }
            Some(Err(f)) => {
                tracing::debug!(%destination, "mapping test failed: {f}");
                return;
            }
            None => return,
        }
    }
}

/// RFC 5780 tests II and III for filtering, on a fresh socket: the mapping
/// tests leave connection-tracking entries for destinations that never
/// answered this socket, and those would make a cone NAT give the
/// change-request answers a new mapping and look symmetric.
async fn filtering_tests(
    server: SocketAddr,
    other: SocketAddr,
    deadline: Instant,
    step: Duration,
) -> NatBehaviour {
    let Ok(mut client) = Client::bind(server.is_ipv4()).await else {
        return NatBehaviour::Unknown;
    };
    let until = deadline.min(Instant::now() + step);
    let opened = client.exchange(&[Request::binding(server)], until).await;
    if !opened.first().is_some_and(Result::is_ok) {
        return NatBehaviour::Unknown;
    }
    let change = |ip: bool, source: SocketAddr| Request {
        server,
        source,
        change: Some(Change { ip, port: true }),
    };
    // Both at once: each waits the same silence, and neither opens a mapping
    // the other could use, since both go to the server's own address.
    let requests = [
        change(true, other),
        change(false, SocketAddr::new(server.ip(), other.port())),
    ];
    let until = deadline.min(Instant::now() + step);
    let results = client.exchange(&requests, until).await;
    match results.as_slice() {
        [ip_and_port, port] => {
            tracing::debug!(?ip_and_port, ?port, "filtering tests");
            behaviour::classify_filtering(ip_and_port, port)
        }
        _ => NatBehaviour::Unknown,
    }
}

/// Every address of ours, loopback included: a mapped address among them
/// means nothing translated.
fn own_addresses() -> Vec<IpAddr> {
    match local_ip_address::list_afinet_netifas() {
        Ok(list) => list.into_iter().map(|(_, ip)| ip).collect(),
        Err(e) => {
            tracing::debug!("listing interfaces: {e}");
            Vec::new()
        }
    }
}
