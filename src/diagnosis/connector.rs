//! Connector rules: up or down and for how long, restarts, evidence.

use super::{Line, Verdict};
use crate::human;
use crate::probe::connector::ConnectorReport;

pub(super) fn connector(r: &ConnectorReport) -> Vec<Line> {
    let mut lines = vec![state(r)];
    if let Some(s) = r.state.as_ref().filter(|s| s.restarts > 0) {
        lines.push(
            Line::new(
                "restarts",
                "restarts",
                Verdict::Warning,
                format!("{} restarts seen since the exporter started", s.restarts),
            )
            .hint("the connector keeps restarting: read its logs for the cause"),
        );
    }
    if let Some(p) = &r.process {
        lines.push(Line::ok(
            "process",
            "process",
            format!(
                "pid {}, {:.1} MiB resident, {:.1} s CPU",
                p.pid,
                p.resident_memory_bytes as f64 / (1024.0 * 1024.0),
                p.cpu_seconds
            ),
        ));
    }
    for s in &r.sources {
        let state = match (s.up, s.read_error) {
            (true, _) => "up",
            (false, false) => "down",
            (false, true) => "could not be read",
        };
        let detail = s
            .failure
            .as_ref()
            .map(|f| format!(" ({f})"))
            .unwrap_or_default();
        // The state line judges the connector; a source that says down or
        // cannot be read is marked so the reader sees which one it was.
        let verdict = if s.up { Verdict::Ok } else { Verdict::Warning };
        lines.push(Line::new(
            "source",
            format!("{} source", s.source.as_str()),
            verdict,
            format!("{state}{detail}"),
        ));
    }
    lines
}

fn state(r: &ConnectorReport) -> Line {
    let Some(s) = &r.state else {
        let what = r
            .never_seen
            .as_ref()
            .map_or_else(|| "never seen".to_owned(), |f| f.message.clone());
        // Nothing by that name ever ran: more often a wrong name than an
        // outage, so the hint starts with the flags.
        return Line::new("state", "state", Verdict::Problem, what).hint(
            "check the name in --connector.process and --connector.systemd-unit (and --connector.metrics-url); if the connector is installed but has not been started yet, start it",
        );
    };
    let since = human::timestamp(s.state_change_timestamp_seconds);
    if s.up {
        Line::ok(
            "state",
            "state",
            format!("up for {} (since {since})", human::span(s.uptime_seconds)),
        )
    } else {
        Line::new(
            "state",
            "state",
            Verdict::Problem,
            format!("down for {} (since {since})", human::span(s.downtime_seconds)),
        )
        .hint("the connector is not running: start it and read its logs (`systemctl status`, `journalctl -u`, or `docker logs`)")
    }
}
