//! The controller's view: this host's connector (`--twingate.connector`)
//! beside the host's own view, and every connector the controller says is
//! not ALIVE, each with what to look at.

use std::collections::BTreeMap;

use super::{Line, Verdict};
use crate::human;
use crate::probe::admin_api::agreement::Agreement;
use crate::probe::admin_api::query::ControllerState;
use crate::probe::admin_api::{AdminApiReport, ControllerConnector};

/// Connectors not ALIVE listed one by one; the rest are counted.
const LISTED: usize = 10;
/// A heartbeat older than this when the controller was asked is a warning
/// (the alert's threshold).
const HEARTBEAT_WARNING_SECONDS: f64 = 300.0;

pub const RATE_LIMITED_HINT: &str = "the Admin API throttles requests: raise --twingate.interval, and run one poller per network rather than one per host";

/// What a state means on the connector's host.
pub fn state_hint(state: ControllerState) -> &'static str {
    match state {
        ControllerState::Alive => "",
        ControllerState::DeadNoHeartbeat => {
            "no heartbeat reached the controller: check outbound TCP 443 from the connector host to the controller (NETWORK.twingate.com), and that the connector runs; a new connector shows this until its first heartbeat"
        }
        ControllerState::DeadHeartbeatTooOld => {
            "heartbeats stopped arriving: check DNS on the connector host, and whether the connector process is stalled (read its logs, restart it)"
        }
        ControllerState::DeadNoRelays => {
            "the connector reaches the controller but no relay: allow outbound TCP 443 and 30000-31000 to Twingate's relays"
        }
        ControllerState::Unknown => {
            "the controller gave a state this exporter does not know: see the connector in the admin console"
        }
    }
}

pub(super) fn admin_api(r: &AdminApiReport, agreement: Option<&Agreement>) -> Vec<Line> {
    let mut lines = Vec::new();
    if let Some(stale) = &r.stale {
        lines.push(
            Line::new(
                "rate_limited",
                "Admin API",
                Verdict::Warning,
                format!(
                    "{}; showing the fleet read at {}",
                    stale.message,
                    human::timestamp(r.fetched_at)
                ),
            )
            .hint(RATE_LIMITED_HINT),
        );
    }
    if let Some(name) = &r.own_connector {
        lines.extend(own(r, name, agreement));
    }
    lines.extend(fleet(r));
    lines
}

fn heartbeat_age(r: &AdminApiReport, c: &ControllerConnector) -> Option<f64> {
    c.node
        .last_heartbeat_timestamp_seconds
        .map(|t| (r.fetched_at - t).max(0.0))
}

fn own(r: &AdminApiReport, name: &str, agreement: Option<&Agreement>) -> Vec<Line> {
    let Some(c) = r.own() else {
        return vec![
            Line::new(
                "controller_state",
                "controller's view",
                Verdict::Warning,
                format!(
                    "no connector named {name:?} among the {} the controller knows",
                    r.connectors.len()
                ),
            )
            .hint("check --twingate.connector against the connector's name in the admin console"),
        ];
    };
    let since = human::timestamp(c.state_change_timestamp_seconds);
    let mut lines = vec![if c.node.state.is_alive() {
        Line::ok(
            "controller_state",
            "controller's view",
            format!(
                "ALIVE for {} (since {since})",
                human::span(c.uptime_seconds)
            ),
        )
    } else {
        Line::new(
            "controller_state",
            "controller's view",
            Verdict::Problem,
            format!(
                "{} for {} (since {since})",
                c.node.state.as_str(),
                human::span(c.downtime_seconds)
            ),
        )
        .hint(state_hint(c.node.state))
    }];
    lines.push(match heartbeat_age(r, c) {
        Some(age) if age > HEARTBEAT_WARNING_SECONDS => Line::new(
            "controller_heartbeat",
            "last heartbeat",
            Verdict::Warning,
            format!("{} old when the controller was asked", human::span(age)),
        )
        .hint(state_hint(ControllerState::DeadHeartbeatTooOld)),
        Some(age) => Line::ok(
            "controller_heartbeat",
            "last heartbeat",
            format!("{} old when the controller was asked", human::span(age)),
        ),
        None => Line::new(
            "controller_heartbeat",
            "last heartbeat",
            Verdict::Warning,
            "the controller has none".to_owned(),
        )
        .hint(state_hint(ControllerState::DeadNoHeartbeat)),
    });
    if let Some(a) = agreement {
        lines.extend(agreement_lines(c, a));
    }
    lines
}

fn agreement_lines(c: &ControllerConnector, a: &Agreement) -> Vec<Line> {
    let mut lines = Vec::new();
    match a.up {
        Some(true) => lines.push(Line::ok(
            "agreement_up",
            "host and controller",
            "agree on up/down".to_owned(),
        )),
        Some(false) if c.node.state.is_alive() => lines.push(
            Line::new(
                "agreement_up",
                "host and controller",
                Verdict::Problem,
                "the controller says ALIVE but this host sees no connector running".to_owned(),
            )
            .hint("another host may run a connector with the same token, or --twingate.connector names another connector"),
        ),
        Some(false) => lines.push(
            Line::new(
                "agreement_up",
                "host and controller",
                Verdict::Problem,
                format!(
                    "the connector runs here but the controller says {}",
                    c.node.state.as_str()
                ),
            )
            .hint(state_hint(c.node.state)),
        ),
        None => {}
    }
    if a.public_ip == Some(false) {
        lines.push(
            Line::new(
                "agreement_public_ip",
                "public address",
                Verdict::Warning,
                format!(
                    "STUN sees another address than the controller's {}",
                    c.node.public_ip.map(|a| a.to_string()).unwrap_or_default()
                ),
            )
            .hint("traffic to STUN and to the controller leaves by different paths (several NAT addresses, a proxy): peer-to-peer may fail"),
        );
    }
    if a.hostname == Some(false) {
        lines.push(
            Line::new(
                "agreement_hostname",
                "hostname",
                Verdict::Warning,
                format!(
                    "the controller's hostname for this connector is {:?}",
                    c.node.hostname.clone().unwrap_or_default()
                ),
            )
            .hint("--twingate.connector may name another host's connector (or the connector runs in a container with its own hostname)"),
        );
    }
    lines
}

fn fleet(r: &AdminApiReport) -> Vec<Line> {
    let mut networks: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    for c in &r.connectors {
        let n = networks.entry(c.node.remote_network.as_str()).or_default();
        n.0 += 1;
        n.1 += usize::from(c.node.state.is_alive());
    }
    let alive = r
        .connectors
        .iter()
        .filter(|c| c.node.state.is_alive())
        .count();
    let mut lines = vec![Line::ok(
        "controller_fleet",
        "controller",
        format!(
            "{} connectors in {} remote networks, {alive} ALIVE ({} pages)",
            r.connectors.len(),
            networks.len(),
            r.pages
        ),
    )];
    for (network, (total, alive)) in &networks {
        if *alive == 0 {
            lines.push(
                Line::new(
                    "remote_network",
                    format!("remote network {network}"),
                    Verdict::Problem,
                    format!("none of its {total} connectors is ALIVE"),
                )
                .hint("users cannot reach this remote network: see the hints of its connectors"),
            );
        } else if *alive == 1 && *total > 1 {
            lines.push(
                Line::new(
                    "remote_network",
                    format!("remote network {network}"),
                    Verdict::Warning,
                    format!("only 1 of its {total} connectors is ALIVE"),
                )
                .hint("no redundancy left: bring another connector back"),
            );
        }
    }
    let dead: Vec<&ControllerConnector> = r
        .connectors
        .iter()
        .filter(|c| !c.node.state.is_alive() && Some(&c.node.name) != r.own_connector.as_ref())
        .collect();
    for c in dead.iter().take(LISTED) {
        let heartbeat = match heartbeat_age(r, c) {
            Some(age) => format!("last heartbeat {} before the read", human::span(age)),
            None => "no heartbeat ever".to_owned(),
        };
        lines.push(
            Line::new(
                "controller_connector",
                format!("{} ({})", c.node.name, c.node.remote_network),
                Verdict::Problem,
                format!("{}, {heartbeat}", c.node.state.as_str()),
            )
            .hint(state_hint(c.node.state)),
        );
    }
    if dead.len() > LISTED {
        lines.push(
            Line::new(
                "controller_connector",
                "more connectors",
                Verdict::Problem,
                format!(
                    "{} more not ALIVE: see /metrics or /api/v1/status",
                    dead.len() - LISTED
                ),
            )
            .hint("see connector_controller_state in Prometheus for the whole list"),
        );
    }
    lines
}
