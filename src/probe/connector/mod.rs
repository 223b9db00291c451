//! The connector's up/down state from the host's own evidence.

use serde::Serialize;

use super::Failure;

#[derive(Clone, Debug, Serialize)]
pub struct ConnectorReport {
    pub up: bool,
    /// Unix time when `up` last changed (or when it was first seen).
    pub state_change_timestamp_seconds: f64,
    /// Time up since the last start; 0 while down.
    pub uptime_seconds: f64,
    /// Time down; 0 while up.
    pub downtime_seconds: f64,
    /// Starts seen after the first.
    pub restarts: u64,
    pub process: Option<ConnectorProcess>,
    /// The verdict of every available evidence source; an unavailable source
    /// is left out, not reported as down.
    pub sources: Vec<SourceVerdict>,
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
}

impl ConnectorReport {
    pub(super) fn part_failures(&self) -> Vec<&Failure> {
        self.sources
            .iter()
            .filter_map(|s| s.failure.as_ref())
            .collect()
    }
}
