//! Clock offset against reference time over SNTP.

pub mod packet;

use std::net::SocketAddr;

use serde::Serialize;

use super::{Failure, Reason};

/// One round against every configured reference server.
#[derive(Clone, Debug, Serialize)]
pub struct ClockReport {
    pub servers: Vec<ClockServer>,
    /// The selected offset, local − reference (the controller's sign:
    /// negative means this host is behind). `None` when no server answered.
    pub offset_seconds: Option<f64>,
    /// The kernel's own view (Linux `adjtimex`); `None` where unavailable.
    pub kernel: Option<KernelClock>,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClockServer {
    /// The server as configured (host[:port]); the `server` label.
    pub server: String,
    pub outcome: Result<ClockSample, Failure>,
}

/// The kept (lowest-delay) sample of one server.
#[derive(Clone, Debug, Serialize)]
pub struct ClockSample {
    pub address: SocketAddr,
    /// local − server.
    pub offset_seconds: f64,
    pub rtt_seconds: f64,
    pub stratum: u8,
    pub root_distance_seconds: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct KernelClock {
    pub synchronized: bool,
    pub max_error_seconds: f64,
}

impl ClockReport {
    pub(super) fn part_failures(&self) -> Vec<&Failure> {
        self.servers
            .iter()
            .filter_map(|s| s.outcome.as_ref().err())
            .collect()
    }

    pub(super) fn shortfall(&self) -> Option<Failure> {
        if self.offset_seconds.is_some() {
            return None;
        }
        Some(match self.part_failures().first() {
            Some(first) => Failure::new(
                first.reason,
                format!("no reference server answered validly; first: {first}"),
            ),
            None => Failure::new(Reason::NotFound, "no reference server configured"),
        })
    }
}
