//! STUN/NAT rules: whether the public address is discoverable, and whether
//! the NAT lets peers connect directly.

use super::{Line, STUN_BLOCKED_HINT, SYMMETRIC_NAT_HINT, Verdict};
use crate::human;
use crate::probe::stun::{NatBehaviour, StunReport};
use crate::probe::{Failure, Reason};

/// The NAT mapping could not be classified; `connector_p2p_possible` is
/// absent meanwhile.
pub const NOT_CLASSIFIED: &str = "not classified: needs two STUN servers or one with OTHER-ADDRESS";

pub fn behaviour_text(b: NatBehaviour) -> &'static str {
    match b {
        NatBehaviour::EndpointIndependent => "endpoint-independent",
        NatBehaviour::AddressDependent => "address-dependent",
        NatBehaviour::AddressAndPortDependent => "address-and-port-dependent",
        NatBehaviour::None => "none",
        NatBehaviour::Unknown => "unknown",
    }
}

pub(super) fn stun(r: &StunReport, failure: Option<&Failure>) -> Vec<Line> {
    let mut lines = Vec::new();
    match r.public_address {
        None => {
            let hint = match failure.map(|f| f.reason) {
                Some(Reason::Resolve) => {
                    "the STUN server names do not resolve: check DNS, or name servers by address with --stun.server"
                }
                Some(Reason::NotFound) => {
                    "no STUN server is configured: name one with --stun.server"
                }
                _ => STUN_BLOCKED_HINT,
            };
            // Only the reason: the server lines below carry the details.
            let why = failure
                .map(|f| format!(" ({})", f.reason))
                .unwrap_or_default();
            lines.push(
                Line::new(
                    "public_address",
                    "public address",
                    Verdict::Problem,
                    format!("no STUN server answered{why}"),
                )
                .hint(hint),
            );
        }
        Some(address) => {
            let changes = match r.public_ip_changes {
                0 => String::new(),
                n => format!(" (changed {n} times since start)"),
            };
            lines.push(Line::ok(
                "public_address",
                "public address",
                format!("{address}{changes}"),
            ));
            lines.push(nat(r));
        }
    }
    for s in &r.servers {
        lines.push(match &s.outcome {
            Ok(b) => Line::ok(
                "server",
                s.server.clone(),
                format!("mapped {}, rtt {}", b.mapped, human::brief(b.rtt_seconds)),
            ),
            Err(f) => Line::new("server", s.server.clone(), Verdict::Warning, f.to_string()),
        });
    }
    lines
}

fn nat(r: &StunReport) -> Line {
    let p2p = match r.p2p_possible {
        Some(true) => "peer-to-peer possible",
        Some(false) => "peer-to-peer impossible, traffic will be relayed",
        None => "peer-to-peer unknown",
    };
    let filtering = behaviour_text(r.filtering);
    match r.mapping {
        NatBehaviour::AddressDependent | NatBehaviour::AddressAndPortDependent => Line::new(
            "nat",
            "NAT",
            Verdict::Problem,
            format!(
                "symmetric NAT ({} mapping, {filtering} filtering): {p2p}",
                behaviour_text(r.mapping)
            ),
        )
        .hint(SYMMETRIC_NAT_HINT),
        NatBehaviour::Unknown => Line::new(
            "nat",
            "NAT",
            Verdict::Warning,
            format!("{NOT_CLASSIFIED}; {p2p}"),
        )
        .hint("name a second STUN server on another IP address, or one that supports RFC 5780 (OTHER-ADDRESS) such as coturn, with --stun.server"),
        NatBehaviour::None => Line::ok(
            "nat",
            "NAT",
            format!("not behind NAT (the public address is this host's own): {p2p}"),
        ),
        NatBehaviour::EndpointIndependent => Line::ok(
            "nat",
            "NAT",
            format!("endpoint-independent mapping, {filtering} filtering: {p2p}"),
        ),
    }
}
