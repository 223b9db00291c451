//! The probes and the results they hand to the sampler.
//!
//! A probe measures one aspect of the connector host and returns a typed
//! [`Report`]. It never touches metrics: `metrics.rs` turns reports into
//! series, `status.rs` into the status page, `check.rs` into a diagnosis.

pub mod admin_api;
pub mod clock;
pub mod connector;
pub mod host;
pub mod stun;

use std::fmt;
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;

pub use admin_api::AdminApiReport;
pub use clock::ClockReport;
pub use connector::ConnectorReport;
pub use host::HostReport;
pub use stun::StunReport;

/// The probes the exporter knows; the value of the `probe` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProbeKind {
    Clock,
    Stun,
    Connector,
    Host,
    /// The controller's view, from the Twingate Admin API; off by default.
    #[serde(rename = "admin_api")]
    AdminApi,
}

impl ProbeKind {
    pub const ALL: [ProbeKind; 5] = [
        ProbeKind::Clock,
        ProbeKind::Stun,
        ProbeKind::Connector,
        ProbeKind::Host,
        ProbeKind::AdminApi,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ProbeKind::Clock => "clock",
            ProbeKind::Stun => "stun",
            ProbeKind::Connector => "connector",
            ProbeKind::Host => "host",
            ProbeKind::AdminApi => "admin_api",
        }
    }
}

impl fmt::Display for ProbeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why a probe, or one part of it (a server), failed.
///
/// This is the `reason` label of `connector_probe_failures_total`, so it is a
/// small fixed set: the detail goes into [`Failure::message`] and the log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// No answer within the time allowed.
    Timeout,
    /// The network said no: connection refused, no route, port unreachable.
    Unreachable,
    /// A name did not resolve to an address.
    Resolve,
    /// A reply that does not parse or makes no sense.
    Malformed,
    /// A reply that does not belong to our request (wrong origin, id or source).
    Spoofed,
    /// An NTP server told us to go away (stratum 0, RATE/DENY/RSTR).
    KissOfDeath,
    /// A time source that says it is not synchronised itself.
    Unsynchronized,
    /// A server answered with an explicit error.
    ErrorResponse,
    /// The thing looked for does not exist (process, unit, file).
    NotFound,
    /// A TLS peer whose certificate or handshake was refused.
    Tls,
    /// The server throttled us (HTTP 429); rounds are skipped until it
    /// allows more.
    RateLimited,
    /// A local I/O error (socket, file).
    Io,
    /// The probe code panicked; a bug, reported rather than fatal.
    Panic,
}

impl Reason {
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Timeout => "timeout",
            Reason::Unreachable => "unreachable",
            Reason::Resolve => "resolve",
            Reason::Malformed => "malformed",
            Reason::Spoofed => "spoofed",
            Reason::KissOfDeath => "kiss_of_death",
            Reason::Unsynchronized => "unsynchronized",
            Reason::ErrorResponse => "error_response",
            Reason::NotFound => "not_found",
            Reason::Tls => "tls",
            Reason::RateLimited => "rate_limited",
            Reason::Io => "io",
            Reason::Panic => "panic",
        }
    }
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failed probe or part of one: a label-safe reason and a message for people.
#[derive(Clone, Debug, PartialEq, Serialize, thiserror::Error)]
#[error("{reason}: {message}")]
pub struct Failure {
    pub reason: Reason,
    pub message: String,
}

impl Failure {
    pub fn new(reason: Reason, message: impl Into<String>) -> Self {
        Failure {
            reason,
            message: message.into(),
        }
    }

    /// Classifies an I/O error from a socket: what the network refused is
    /// `unreachable`, what merely took too long is `timeout`, the rest is local.
    pub fn from_io(context: &str, err: &std::io::Error) -> Self {
        use std::io::ErrorKind::*;
        let reason = match err.kind() {
            ConnectionRefused | ConnectionReset | HostUnreachable | NetworkUnreachable
            | AddrNotAvailable | NetworkDown => Reason::Unreachable,
            TimedOut | WouldBlock => Reason::Timeout,
            _ => Reason::Io,
        };
        Failure::new(reason, format!("{context}: {err}"))
    }
}

/// What one round of a probe found.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "probe", rename_all = "lowercase")]
pub enum Report {
    Clock(ClockReport),
    Stun(StunReport),
    Connector(ConnectorReport),
    Host(HostReport),
    #[serde(rename = "admin_api")]
    AdminApi(AdminApiReport),
}

impl Report {
    /// Failures of parts of the round (a server that did not answer). They
    /// are counted in `connector_probe_failures_total` even when the round as
    /// a whole succeeded, so a flaky server shows before it matters.
    pub fn part_failures(&self) -> Vec<&Failure> {
        match self {
            Report::Clock(r) => r.part_failures(),
            Report::Stun(r) => r.part_failures(),
            Report::Connector(r) => r.part_failures(),
            Report::Host(_) | Report::AdminApi(_) => Vec::new(),
        }
    }

    /// Whether the round gave what the probe exists for (an offset, a public
    /// address); `None` means yes, `Some` names why not.
    pub fn shortfall(&self) -> Option<Failure> {
        match self {
            Report::Clock(r) => r.shortfall(),
            Report::Stun(r) => r.shortfall(),
            Report::Connector(r) => r.shortfall(),
            Report::AdminApi(r) => r.stale.clone(),
            Report::Host(_) => None,
        }
    }
}

/// One kind of measurement, run by the sampler on its own schedule.
///
/// `run` may take as long as it likes: the sampler cuts it off at `timeout`
/// and records a timeout. Implementations keep any cross-round state
/// (restarts, address changes) behind `&self`.
pub trait Probe: Send + Sync + 'static {
    fn kind(&self) -> ProbeKind;
    fn interval(&self) -> Duration;
    fn timeout(&self) -> Duration;
    fn run(&self) -> BoxFuture<'_, Result<Report, Failure>>;
}
