//! Public address, NAT behaviour and the peer-to-peer verdict over STUN.

use std::net::{IpAddr, SocketAddr};

use serde::Serialize;

use super::{Failure, Reason};

#[derive(Clone, Debug, Serialize)]
pub struct StunReport {
    pub servers: Vec<StunServer>,
    pub mapping: NatBehaviour,
    pub filtering: NatBehaviour,
    /// STUN works and the mapping lets a peer reach us at the address STUN saw.
    pub p2p_possible: bool,
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
