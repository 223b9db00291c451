//! The one place that judges what the probes found: a verdict per line and a
//! hint for each problem. `check` prints it, the status page renders it and
//! `/api/v1/status` serves it, so the three cannot disagree.

mod admin_api;
mod clock;
mod connector;
mod host;
mod stun;
mod traffic;

use serde::Serialize;

pub use admin_api::{RATE_LIMITED_HINT, state_hint};
pub use stun::{NOT_CLASSIFIED, behaviour_text};
pub use traffic::{
    DIRECT_HINT, DIRECT_RATIO_LOW, OLD_CONNECTOR_HINT, RELAYED_HINT, direct_share_text,
};

use crate::probe::{ProbeKind, Reason, Report};
use crate::sampler::{ProbeStatus, Snapshot};

/// Ordered so the worst verdict of a set is its maximum.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Ok,
    Warning,
    Problem,
}

impl Verdict {
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Ok => "ok",
            Verdict::Warning => "warning",
            Verdict::Problem => "problem",
        }
    }
}

/// One judged fact.
#[derive(Clone, Debug, Serialize)]
pub struct Line {
    /// Stable identifier for machines: `offset`, `nat`, `private_ip`, …
    pub check: &'static str,
    /// What the line is about, for people. May come from outside (a server
    /// name, an interface name), so renderers escape it.
    pub label: String,
    pub verdict: Verdict,
    pub value: String,
    /// What to do about it; set on every problem.
    pub hint: Option<String>,
}

impl Line {
    fn new(check: &'static str, label: impl Into<String>, verdict: Verdict, value: String) -> Line {
        Line {
            check,
            label: label.into(),
            verdict,
            value,
            hint: None,
        }
    }

    fn ok(check: &'static str, label: impl Into<String>, value: String) -> Line {
        Line::new(check, label, Verdict::Ok, value)
    }

    fn hint(mut self, hint: impl Into<String>) -> Line {
        self.hint = Some(hint.into());
        self
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct Section {
    pub probe: ProbeKind,
    pub name: &'static str,
    pub verdict: Verdict,
    pub lines: Vec<Line>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Diagnosis {
    pub verdict: Verdict,
    pub sections: Vec<Section>,
}

impl Diagnosis {
    pub fn count(&self, verdict: Verdict) -> usize {
        self.sections
            .iter()
            .flat_map(|s| &s.lines)
            .filter(|l| l.verdict == verdict)
            .count()
    }

    pub fn section(&self, probe: ProbeKind) -> Option<&Section> {
        self.sections.iter().find(|s| s.probe == probe)
    }
}

pub const STUN_BLOCKED_HINT: &str = "UDP to the STUN servers is blocked: allow outbound UDP";
pub const SYMMETRIC_NAT_HINT: &str =
    "symmetric NAT: peer-to-peer impossible, traffic will be relayed";

/// Judges a snapshot. Pure: the same snapshot always gives the same lines.
pub fn diagnose(snapshot: &Snapshot) -> Diagnosis {
    let order = [
        (ProbeKind::Connector, "Connector"),
        (ProbeKind::Clock, "Clock"),
        (ProbeKind::Stun, "STUN/NAT"),
        (ProbeKind::Host, "Host"),
        (ProbeKind::AdminApi, "Controller"),
    ];
    let sections: Vec<Section> = order
        .into_iter()
        // Off unless configured with a key: no section of its own until then.
        .filter(|(probe, _)| *probe != ProbeKind::AdminApi || snapshot.probe(*probe).is_some())
        .map(|(probe, name)| {
            let lines = match snapshot.probe(probe) {
                // Only configured probes are in the snapshot.
                None => vec![Line::ok("probe", "probe", "disabled".to_owned())],
                Some(status) => {
                    let mut lines = probe_lines(status, snapshot);
                    if probe == ProbeKind::Connector {
                        lines.extend(traffic_lines(snapshot));
                    }
                    lines
                }
            };
            Section {
                probe,
                name,
                verdict: worst(&lines),
                lines,
            }
        })
        .collect();
    Diagnosis {
        verdict: sections
            .iter()
            .map(|s| s.verdict)
            .max()
            .unwrap_or(Verdict::Ok),
        sections,
    }
}

/// The connector's traffic judged against STUN's verdict, which lives in
/// another probe's report.
fn traffic_lines(snapshot: &Snapshot) -> Vec<Line> {
    let report = |kind| snapshot.probe(kind).and_then(|s| s.report.as_deref());
    let Some(Report::Connector(c)) = report(ProbeKind::Connector) else {
        return Vec::new();
    };
    let Some(t) = &c.traffic else {
        return Vec::new();
    };
    let p2p = match report(ProbeKind::Stun) {
        Some(Report::Stun(s)) => s.p2p_possible,
        _ => None,
    };
    traffic::traffic(t, p2p)
}

fn worst(lines: &[Line]) -> Verdict {
    lines.iter().map(|l| l.verdict).max().unwrap_or(Verdict::Ok)
}

fn probe_lines(status: &ProbeStatus, snapshot: &Snapshot) -> Vec<Line> {
    let tolerance = snapshot.clock_tolerance_seconds;
    if status.rounds == 0 {
        return vec![Line::new(
            "probe",
            "probe",
            Verdict::Warning,
            "waiting for the first round".to_owned(),
        )];
    }
    let failure = status.failure.as_ref();
    match status.report.as_deref() {
        Some(Report::Clock(r)) => clock::clock(r, tolerance, failure),
        Some(Report::Stun(r)) => stun::stun(r, failure),
        Some(Report::Connector(r)) => connector::connector(r),
        Some(Report::Host(r)) => host::host(r),
        Some(Report::AdminApi(r)) => admin_api::admin_api(r, snapshot.agreement().as_ref()),
        None => {
            let (value, reason) = match failure {
                Some(f) => (format!("round failed: {f}"), f.reason),
                None => ("round gave no result".to_owned(), Reason::Panic),
            };
            vec![
                Line::new("probe", "probe", Verdict::Problem, value)
                    .hint(reason_hint(status.kind, reason)),
            ]
        }
    }
}

/// What to do when a whole round failed for `reason`.
pub fn reason_hint(kind: ProbeKind, reason: Reason) -> String {
    match reason {
        Reason::Timeout => format!(
            "no answer in time: check that the servers are reachable, or raise --{kind}.timeout"
        ),
        Reason::Unreachable => "the network refused: check routes and firewall rules".to_owned(),
        Reason::Resolve => "a server name did not resolve: check DNS, or give addresses".to_owned(),
        Reason::Malformed => "a reply did not parse: something on the path may rewrite traffic".to_owned(),
        Reason::Spoofed => "a reply did not match the request: something on the path answers for the server".to_owned(),
        Reason::KissOfDeath => "the NTP server refused us (rate limit or access control): name another server".to_owned(),
        Reason::Unsynchronized => "the reference server is not synchronised itself: name another server".to_owned(),
        Reason::ErrorResponse => "the server answered with an error: see the message".to_owned(),
        Reason::NotFound => match kind {
            ProbeKind::Connector => "the connector was not found: check --connector.process and --connector.systemd-unit".to_owned(),
            ProbeKind::Host => "the host facts were not readable: is /proc mounted?".to_owned(),
            _ => format!("nothing to query: name a server with --{kind}.server"),
        },
        Reason::Tls => "the server's certificate was refused: a TLS-inspecting proxy on the path, an expired certificate, or a private CA that needs its CA file".to_owned(),
        Reason::RateLimited => RATE_LIMITED_HINT.to_owned(),
        Reason::Io => "a local error (socket or file): see the message and the exporter's permissions".to_owned(),
        Reason::Panic => "a bug in the exporter: please report it with this message".to_owned(),
    }
}
