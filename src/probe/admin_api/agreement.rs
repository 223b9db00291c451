//! Host view against controller view, for a host that runs the poller
//! itself (`--twingate.connector=NAME`). Computed where the reports meet
//! (metrics and diagnosis render from the snapshot), never by one probe
//! reading another. Fleets use the Prometheus recording rules instead.

use serde::Serialize;

use super::{AdminApiReport, ControllerConnector};
use crate::probe::{ConnectorReport, HostReport, StunReport};

/// Each check is `None` when one side does not know (no STUN address,
/// connector probe off, the controller has no hostname): unknown, not a
/// disagreement.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Agreement {
    pub up: Option<bool>,
    pub public_ip: Option<bool>,
    pub hostname: Option<bool>,
}

impl Agreement {
    pub fn checks(&self) -> [(&'static str, Option<bool>); 3] {
        [
            ("up", self.up),
            ("public_ip", self.public_ip),
            ("hostname", self.hostname),
        ]
    }
}

/// `None` when no own connector is named or the controller does not know it.
pub fn agreement(
    admin: &AdminApiReport,
    connector: Option<&ConnectorReport>,
    stun: Option<&StunReport>,
    host: Option<&HostReport>,
) -> Option<Agreement> {
    let own = admin.own()?;
    Some(compare(own, connector, stun, host))
}

pub fn compare(
    own: &ControllerConnector,
    connector: Option<&ConnectorReport>,
    stun: Option<&StunReport>,
    host: Option<&HostReport>,
) -> Agreement {
    Agreement {
        up: connector
            .and_then(|c| c.state.as_ref())
            .map(|s| s.up == own.node.state.is_alive()),
        public_ip: match (stun.and_then(StunReport::public_ip), own.node.public_ip) {
            (Some(seen), Some(told)) => Some(seen == told),
            _ => None,
        },
        hostname: match (host, own.node.hostname.as_deref()) {
            (Some(h), Some(told)) => Some(same_host(&h.hostname, told)),
            _ => None,
        },
    }
}

/// Case aside, and a short name matches its fully qualified form: the
/// controller shows what the connector reported, which may be either.
fn same_host(a: &str, b: &str) -> bool {
    let short = |s: &str| s.split('.').next().unwrap_or_default().to_ascii_lowercase();
    a.eq_ignore_ascii_case(b) || (!a.is_empty() && short(a) == short(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostnames_match_short_and_long() {
        assert!(same_host("conn-1", "CONN-1"));
        assert!(same_host("conn-1", "conn-1.corp.example"));
        assert!(!same_host("conn-1", "conn-2"));
        assert!(!same_host("", "conn-2"));
    }
}
