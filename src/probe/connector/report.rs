//! What one round of the connector probe reports, and the decision.

use serde::Serialize;

use super::traffic::TrafficReport;
use crate::probe::Failure;

#[derive(Clone, Debug, Serialize)]
pub struct ConnectorReport {
    /// `None` while no source has ever seen the connector: a name that
    /// matches nothing (a typo) is not an outage, so nothing is claimed.
    #[serde(flatten)]
    pub state: Option<ConnectorState>,
    /// Set exactly when `state` is not: what was looked for and never seen.
    pub never_seen: Option<Failure>,
    pub process: Option<ConnectorProcess>,
    /// The verdict of every available evidence source; an unavailable source
    /// is left out, not reported as down.
    pub sources: Vec<SourceVerdict>,
    /// The connector's own byte counters; `None` without a metrics URL.
    pub traffic: Option<TrafficReport>,
}

/// Up or down since when, once some source has seen the connector.
#[derive(Clone, Debug, Serialize)]
pub struct ConnectorState {
    pub up: bool,
    /// Unix time when `up` last changed (or when it was first seen).
    pub state_change_timestamp_seconds: f64,
    /// Time up since the last start; 0 while down.
    pub uptime_seconds: f64,
    /// Time down; 0 while up.
    pub downtime_seconds: f64,
    /// Starts seen after the first.
    pub restarts: u64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ConnectorProcess {
    pub pid: u32,
    pub start_time_seconds: f64,
    pub resident_memory_bytes: u64,
    pub cpu_seconds: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Source {
    Process,
    Systemd,
    Metrics,
}

impl Source {
    pub fn as_str(self) -> &'static str {
        match self {
            Source::Process => "process",
            Source::Systemd => "systemd",
            Source::Metrics => "metrics",
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct SourceVerdict {
    pub source: Source,
    pub up: bool,
    /// Why the source says down, or why it could not be read.
    pub failure: Option<Failure>,
    /// The source could not be read (timeout, garbage, an error), as
    /// opposed to plainly saying "down". It then counts as down.
    pub read_error: bool,
}

impl ConnectorReport {
    /// Only sources that could not be read: a connector that is simply down
    /// is what `connector_up` says, and counting it in
    /// `connector_probe_failures_total` every round would drown the probe's
    /// own troubles.
    pub(crate) fn part_failures(&self) -> Vec<&Failure> {
        self.sources
            .iter()
            .filter(|s| s.read_error)
            .filter_map(|s| s.failure.as_ref())
            .chain(self.traffic.iter().flat_map(|t| &t.failures))
            .collect()
    }

    /// A connector never seen is the one thing this probe exists to find.
    pub(crate) fn shortfall(&self) -> Option<Failure> {
        self.never_seen.clone()
    }
}

/// `connector_up`: running when every available source says so, down when
/// any says otherwise, so a disagreement errs towards "look at it".
/// `None` when no source is available: then nothing is claimed.
pub fn decide(verdicts: &[SourceVerdict]) -> Option<bool> {
    (!verdicts.is_empty()).then(|| verdicts.iter().all(|v| v.up))
}
