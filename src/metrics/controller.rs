//! The controller's view (the `admin_api` probe's report) and, where a host
//! runs the poller for its own connector, the host/controller agreement.
//!
//! prometheus-client 0.26 has no state set type in its collector API, so
//! `connector_controller_state` is a gauge with a `state` label, 1 for the
//! current state and 0 for each other: the same samples a state set gives.

use std::collections::BTreeMap;

use super::{Family, Labels, bool_value};
use crate::probe::admin_api::agreement::Agreement;
use crate::probe::admin_api::query::ControllerState;
use crate::probe::admin_api::{AdminApiReport, ControllerConnector};

fn base(c: &ControllerConnector) -> Labels {
    vec![
        ("connector", c.node.name.clone()),
        ("connector_id", c.node.id.clone()),
        ("remote_network", c.node.remote_network.clone()),
    ]
}

fn with(mut labels: Labels, more: [(&'static str, String); 1]) -> Labels {
    labels.extend(more);
    labels
}

pub(super) fn admin_api(r: &AdminApiReport) -> Vec<Family> {
    let mut state = Family::gauge(
        "connector_controller_state",
        "The controller's state of the connector (Admin API), as a state set: 1 for the current state, 0 for the others",
    );
    let mut up = Family::gauge(
        "connector_controller_up",
        "Whether the controller says the connector is ALIVE",
    );
    let mut heartbeat = Family::gauge(
        "connector_controller_last_heartbeat_timestamp_seconds",
        "Unix time of the connector's last heartbeat as the controller saw it",
    );
    let mut info = Family::gauge(
        "connector_controller_info",
        "What the controller knows of the connector, as labels; value 1",
    );
    let mut private = Family::gauge(
        "connector_controller_private_ip_info",
        "One series per private address the controller knows of the connector; value 1",
    );
    let mut change = Family::gauge(
        "connector_controller_state_change_timestamp_seconds",
        "Unix time when connector_controller_up last changed (first sighting: now if ALIVE, else the last heartbeat)",
    );
    let mut uptime = Family::gauge(
        "connector_controller_uptime_seconds",
        "Time the controller has said ALIVE; 0 otherwise",
    );
    let mut downtime = Family::gauge(
        "connector_controller_downtime_seconds",
        "Time the controller has said not ALIVE; 0 while ALIVE",
    );
    let mut counts: BTreeMap<&str, [u64; 5]> = BTreeMap::new();
    for c in &r.connectors {
        let labels = base(c);
        for s in ControllerState::ALL {
            state = state.with(
                with(labels.clone(), [("state", s.as_str().to_owned())]),
                bool_value(s == c.node.state),
            );
        }
        up = up.with(labels.clone(), bool_value(c.node.state.is_alive()));
        heartbeat = heartbeat.with_opt(labels.clone(), c.node.last_heartbeat_timestamp_seconds);
        let mut info_labels = labels.clone();
        info_labels.extend([
            ("hostname", c.node.hostname.clone().unwrap_or_default()),
            ("version", c.node.version.clone().unwrap_or_default()),
            (
                "public_ip",
                c.node.public_ip.map(|a| a.to_string()).unwrap_or_default(),
            ),
        ]);
        info = info.with(info_labels, 1.0);
        for a in &c.node.private_ips {
            let family = if a.is_ipv4() { "ipv4" } else { "ipv6" };
            let mut l = with(labels.clone(), [("address", a.to_string())]);
            l.push(("family", family.to_owned()));
            private = private.with(l, 1.0);
        }
        change = change.with(labels.clone(), c.state_change_timestamp_seconds);
        uptime = uptime.with(labels.clone(), c.uptime_seconds);
        downtime = downtime.with(labels, c.downtime_seconds);
        let slot = ControllerState::ALL
            .iter()
            .position(|s| *s == c.node.state)
            .unwrap_or(4);
        counts.entry(c.node.remote_network.as_str()).or_default()[slot] += 1;
    }
    let mut fleet = Family::gauge(
        "connector_controller_connectors",
        "Connectors per remote network in each controller state",
    );
    for (network, n) in counts {
        for (s, count) in ControllerState::ALL.iter().zip(n) {
            fleet = fleet.with(
                vec![
                    ("remote_network", network.to_owned()),
                    ("state", s.as_str().to_owned()),
                ],
                count as f64,
            );
        }
    }
    vec![
        state, up, heartbeat, info, private, change, uptime, downtime, fleet,
    ]
}

pub(super) fn agreement(a: &Agreement) -> Family {
    let mut family = Family::gauge(
        "connector_controller_agreement",
        "Whether this host's view and the controller's agree on its connector (--twingate.connector): up, public_ip, hostname",
    );
    for (check, agrees) in a.checks() {
        family = family.with_opt(vec![("check", check.to_owned())], agrees.map(bool_value));
    }
    family
}
