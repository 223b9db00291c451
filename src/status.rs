//! The status document (`check --json`, `GET /api/v1/status`) and the HTML
//! status page (`GET /`) rendered from it. The page needs no JavaScript and
//! loads nothing else: every byte is in the response.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnosis::{
    Line, NOT_CLASSIFIED, Section, Verdict, behaviour_text, diagnose, direct_share_text,
};
use crate::human;
use crate::probe::stun::NatBehaviour;
use crate::probe::{ProbeKind, Reason, Report};
use crate::sampler::Snapshot;

/// Seconds between reloads of the page.
pub const REFRESH_SECONDS: u32 = 10;
pub const API_PATH: &str = "/api/v1/status";

/// Everything the exporter knows, judged. Documented in docs/status.md;
/// fields are only ever added.
#[derive(Debug, Serialize)]
pub struct Status<'a> {
    pub version: &'static str,
    /// Unix time the document was made.
    pub generated_at: f64,
    pub verdict: Verdict,
    pub problems: usize,
    pub warnings: usize,
    pub clock_tolerance_seconds: f64,
    pub sections: Vec<Section>,
    pub probes: Vec<ProbeEntry<'a>>,
}

#[derive(Debug, Serialize)]
pub struct ProbeEntry<'a> {
    pub probe: ProbeKind,
    pub enabled: bool,
    pub rounds: u64,
    /// `None` until the first round finished (and for a disabled probe).
    pub success: Option<bool>,
    pub duration_seconds: Option<f64>,
    pub last_round_timestamp_seconds: Option<f64>,
    pub last_success_timestamp_seconds: Option<f64>,
    pub reason: Option<Reason>,
    pub error: Option<&'a str>,
    pub failures_total: BTreeMap<Reason, u64>,
    /// The probe's raw report of its last round, as the probe defines it.
    pub report: Option<&'a Report>,
}

impl<'a> Status<'a> {
    pub fn new(snapshot: &'a Snapshot, now: f64) -> Status<'a> {
        let diagnosis = diagnose(snapshot);
        let probes = ProbeKind::ALL
            .into_iter()
            .map(|kind| {
                let failures_total = snapshot
                    .failures
                    .iter()
                    .filter(|((k, _), _)| *k == kind)
                    .map(|((_, reason), n)| (*reason, *n))
                    .collect();
                match snapshot.probe(kind) {
                    None => ProbeEntry {
                        probe: kind,
                        enabled: false,
                        rounds: 0,
                        success: None,
                        duration_seconds: None,
                        last_round_timestamp_seconds: None,
                        last_success_timestamp_seconds: None,
                        reason: None,
                        error: None,
                        failures_total,
                        report: None,
                    },
                    Some(p) => ProbeEntry {
                        probe: kind,
                        enabled: true,
                        rounds: p.rounds,
                        success: (p.rounds > 0).then_some(p.failure.is_none()),
                        duration_seconds: (p.rounds > 0).then_some(p.duration_seconds),
                        last_round_timestamp_seconds: p.last_round_timestamp_seconds,
                        last_success_timestamp_seconds: p.last_success_timestamp_seconds,
                        reason: p.failure.as_ref().map(|f| f.reason),
                        error: p.failure.as_ref().map(|f| f.message.as_str()),
                        failures_total,
                        report: p.report.as_deref(),
                    },
                }
            })
            .collect();
        Status {
            version: env!("CARGO_PKG_VERSION"),
            generated_at: now,
            verdict: diagnosis.verdict,
            problems: diagnosis.count(Verdict::Problem),
            warnings: diagnosis.count(Verdict::Warning),
            clock_tolerance_seconds: snapshot.clock_tolerance_seconds,
            sections: diagnosis.sections,
            probes,
        }
    }

    pub fn to_json(&self) -> String {
        // Plain data with string keys: serialising cannot fail.
        serde_json::to_string_pretty(self).unwrap_or_else(|_| "{}".to_owned())
    }

    fn report(&self, kind: ProbeKind) -> Option<&'a Report> {
        self.probes.iter().find(|p| p.probe == kind)?.report
    }

    fn line(&self, kind: ProbeKind, check: &str) -> Option<&Line> {
        self.sections
            .iter()
            .find(|s| s.probe == kind)?
            .lines
            .iter()
            .find(|l| l.check == check)
    }
}

pub fn html_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// The page. Every value that came from outside goes through `html_escape`;
/// what is not escaped here is a literal of this file or a number.
pub fn render_html(status: &Status<'_>, telemetry_path: &str) -> String {
    let e = html_escape;
    let hostname = match status.report(ProbeKind::Host) {
        Some(Report::Host(h)) => h.hostname.as_str(),
        _ => "",
    };
    let mut page = String::with_capacity(16 * 1024);
    let _ = write!(
        page,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"refresh\" content=\"{REFRESH_SECONDS}\">\n\
         <title>{title}connector status</title>\n<style>{css}</style></head>\n<body>\n",
        title = if hostname.is_empty() {
            String::new()
        } else {
            format!("{} · ", e(hostname))
        },
        css = include_str!("status.css"),
    );
    let v = status.verdict.as_str();
    let _ = write!(
        page,
        "<header class=\"top\" data-verdict=\"{v}\"><h1>Connector status</h1>\n\
         <p class=\"host\" id=\"hostname\">{host}</p>\n\
         <p class=\"overall\"><span class=\"badge {v}\" id=\"verdict\">{v}</span> \
         {problems} problem{ps}, {warnings} warning{ws}</p>\n",
        host = e(if hostname.is_empty() {
            "unknown host"
        } else {
            hostname
        }),
        problems = status.problems,
        ps = if status.problems == 1 { "" } else { "s" },
        warnings = status.warnings,
        ws = if status.warnings == 1 { "" } else { "s" },
    );
    summary(&mut page, status);
    page.push_str("</header>\n<main>\n");
    for section in &status.sections {
        let v = section.verdict.as_str();
        let _ = writeln!(
            page,
            "<section class=\"card\" id=\"{id}\" data-verdict=\"{v}\">\
             <h2>{name} <span class=\"badge {v}\">{v}</span></h2>",
            id = section.probe.as_str(),
            name = e(section.name),
        );
        if section.probe == ProbeKind::Clock {
            offset_scale(&mut page, status);
        }
        page.push_str("<ul class=\"lines\">\n");
        for line in &section.lines {
            let v = line.verdict.as_str();
            let _ = write!(
                page,
                "<li class=\"line\" data-check=\"{check}\" data-verdict=\"{v}\">\
                 <span class=\"badge {v}\">{v}</span>\
                 <span class=\"label\">{label}</span>\
                 <span class=\"value\">{value}</span>",
                check = line.check,
                label = e(&line.label),
                value = e(&line.value),
            );
            if let Some(hint) = &line.hint {
                let _ = write!(page, "<span class=\"hint\">{}</span>", e(hint));
            }
            page.push_str("</li>\n");
        }
        page.push_str("</ul></section>\n");
    }
    probes_table(&mut page, status);
    let _ = write!(
        page,
        "</main>\n<footer><p><a href=\"{metrics}\">Metrics</a> · \
         <a href=\"{API_PATH}\">JSON</a> · <a href=\"/-/healthy\">Health</a> · \
         <a href=\"/-/ready\">Readiness</a></p>\
         <p>connector-exporter {version} · {generated} · reloads every {REFRESH_SECONDS} s</p>\
         </footer>\n</body></html>\n",
        metrics = e(telemetry_path),
        version = e(status.version),
        generated = human::timestamp(status.generated_at),
    );
    page
}

/// The facts the controller's Connector Details shows, at a glance.
fn summary(page: &mut String, status: &Status<'_>) {
    let e = html_escape;
    let verdict = |kind, check| status.line(kind, check).map_or("", |l| l.verdict.as_str());
    let mut facts: Vec<(&str, String, &str)> = Vec::new();
    if let Some(Report::Connector(c)) = status.report(ProbeKind::Connector) {
        let state = match &c.state {
            Some(s) if s.up => format!("up for {}", human::span(s.uptime_seconds)),
            Some(s) => format!("down for {}", human::span(s.downtime_seconds)),
            None => "never seen".to_owned(),
        };
        facts.push(("State", state, verdict(ProbeKind::Connector, "state")));
        if let Some(share) = c.traffic.as_ref().and_then(direct_share_text) {
            let traffic_verdict = verdict(ProbeKind::Connector, "traffic");
            facts.push(("Direct traffic", share, traffic_verdict));
        }
    }
    if let Some(Report::AdminApi(a)) = status.report(ProbeKind::AdminApi) {
        // The controller's verdict next to the host's: the two can disagree.
        let (value, check) = match a.own() {
            Some(c) => {
                let heartbeat = c
                    .node
                    .last_heartbeat_timestamp_seconds
                    .map(|t| {
                        format!(
                            ", last heartbeat {} old",
                            human::span((a.fetched_at - t).max(0.0))
                        )
                    })
                    .unwrap_or_default();
                (
                    format!("{}{heartbeat}", c.node.state.as_str()),
                    "controller_state",
                )
            }
            None => {
                let dead = a
                    .connectors
                    .iter()
                    .filter(|c| !c.node.state.is_alive())
                    .count();
                (
                    format!("{} connectors, {dead} not ALIVE", a.connectors.len()),
                    "controller_fleet",
                )
            }
        };
        facts.push(("Controller", value, verdict(ProbeKind::AdminApi, check)));
    }
    if let Some(Report::Clock(c)) = status.report(ProbeKind::Clock) {
        let offset = match (c.offset_seconds, c.offset_uncertainty_seconds) {
            (Some(o), Some(u)) => human::offset_with_bar(o, u),
            (Some(o), None) => human::offset(o),
            (None, _) => "unknown".to_owned(),
        };
        facts.push(("Time offset", offset, verdict(ProbeKind::Clock, "offset")));
    }
    if let Some(Report::Stun(s)) = status.report(ProbeKind::Stun) {
        let public = s
            .public_address
            .map_or("unknown".to_owned(), |a| a.to_string());
        let address_verdict = verdict(ProbeKind::Stun, "public_address");
        facts.push(("Public address", public, address_verdict));
        if s.public_address.is_some() {
            let mapping = match s.mapping {
                NatBehaviour::None => "no NAT",
                NatBehaviour::Unknown => NOT_CLASSIFIED,
                other => behaviour_text(other),
            };
            let nat_verdict = verdict(ProbeKind::Stun, "nat");
            facts.push(("NAT mapping", mapping.to_owned(), nat_verdict));
        }
    }
    if let Some(Report::Host(h)) = status.report(ProbeKind::Host) {
        facts.push(("Container", h.container.as_str().to_owned(), ""));
        let ips: Vec<String> = h
            .private_ips
            .iter()
            .map(|a| a.address.to_string())
            .collect();
        let ips = if ips.is_empty() {
            "none".to_owned()
        } else {
            ips.join(", ")
        };
        facts.push(("Private IPs", ips, verdict(ProbeKind::Host, "private_ip")));
    }
    page.push_str("<dl class=\"facts\">");
    for (name, value, verdict) in facts {
        let _ = write!(
            page,
            "<div class=\"{verdict}\"><dt>{name}</dt><dd>{}</dd></div>",
            e(&value)
        );
    }
    page.push_str("</dl>\n");
}

/// The offset on a bar from −tolerance to +tolerance; the marker stops at the
/// ends when the offset is beyond them, and says so.
fn offset_scale(page: &mut String, status: &Status<'_>) {
    let Some(Report::Clock(c)) = status.report(ProbeKind::Clock) else {
        return;
    };
    let Some(offset) = c.offset_seconds else {
        return;
    };
    let tol = status.clock_tolerance_seconds;
    if tol <= 0.0 || !offset.is_finite() {
        return;
    }
    let percent = ((offset + tol) / (2.0 * tol) * 100.0).clamp(0.0, 100.0);
    let verdict = status
        .line(ProbeKind::Clock, "offset")
        .map_or("ok", |l| l.verdict.as_str());
    let beyond = if offset.abs() > tol {
        " (off the scale)"
    } else {
        ""
    };
    let t = human::tolerance(tol);
    let _ = writeln!(
        page,
        "<div class=\"scale-box\"><p class=\"offset\">Time offset \
         <strong id=\"offset\">{value}</strong>{beyond}</p>\
         <div class=\"scale\" role=\"img\" aria-label=\"offset {value} on a scale of ±{t}\">\
         <div class=\"mid\"></div><div class=\"marker {verdict}\" style=\"left:{percent:.1}%\"></div></div>\
         <div class=\"ticks\"><span>−{t}</span><span>behind · 0 · ahead</span><span>+{t}</span></div></div>",
        value = human::offset(offset),
    );
}

fn probes_table(page: &mut String, status: &Status<'_>) {
    let e = html_escape;
    page.push_str(
        "<section class=\"card\" id=\"probes\"><h2>Probes</h2>\n<table>\
         <thead><tr><th>probe</th><th>result</th><th>took</th><th>last round</th></tr></thead><tbody>\n",
    );
    for p in &status.probes {
        let (class, result) = match (p.enabled, p.success, p.reason) {
            (false, _, _) => ("off", "disabled".to_owned()),
            (true, None, _) => ("warning", "not run yet".to_owned()),
            (true, Some(true), _) => ("ok", "success".to_owned()),
            (true, Some(false), reason) => (
                "problem",
                reason.map_or("failed".to_owned(), |r| r.as_str().to_owned()),
            ),
        };
        let took = p.duration_seconds.map_or(String::new(), human::brief);
        let when = p.last_round_timestamp_seconds.map_or(String::new(), |t| {
            let full = human::timestamp(t);
            // The time of day is enough on a page that reloads every few seconds.
            let clock = full.get(11..).unwrap_or(&full);
            let ago = human::span((status.generated_at - t).max(0.0));
            format!("<time datetime=\"{full}\">{clock}</time> · {ago} ago")
        });
        let _ = writeln!(
            page,
            "<tr data-probe=\"{probe}\"><td>{probe}</td><td><span class=\"badge {class}\">{result}</span></td>\
             <td>{took}</td><td>{when}</td></tr>",
            probe = p.probe.as_str(),
            result = e(&result),
        );
        if let Some(error) = p.error {
            let _ = writeln!(
                page,
                "<tr class=\"error\"><td colspan=\"4\">{}</td></tr>",
                e(error)
            );
        }
    }
    page.push_str("</tbody></table></section>\n");
}
