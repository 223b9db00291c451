//! Clock rules: the offset against the controller's tolerance, with its
//! error bar and where it came from (NTP, or an HTTPS `Date` where NTP is
//! blocked), the reference servers, the kernel's own synchronisation.

use super::{Line, Verdict};
use crate::human;
use crate::probe::clock::{ClockReport, ClockSample, Protocol, SampleDetail};
use crate::probe::{Failure, Reason};

/// `6.0 s` for large values, `0.412 s` for small ones.
fn magnitude(seconds: f64) -> String {
    let a = seconds.abs();
    if a >= 1.0 {
        format!("{a:.1} s")
    } else {
        format!("{a:.3} s")
    }
}

/// Where the selected offset came from, for people.
fn source(r: &ClockReport) -> String {
    let answered = |p: Protocol| {
        r.servers
            .iter()
            .filter(|s| s.protocol == p && s.outcome.is_ok())
            .count()
    };
    match r.source {
        Some(Protocol::Https) => {
            let from_controller = r
                .controller
                .as_ref()
                .is_some_and(|c| Some(c.offset_seconds) == r.offset_seconds);
            let date = if from_controller {
                "the controller's HTTPS Date".to_owned()
            } else {
                match answered(Protocol::Https) {
                    1 => "an HTTPS server's Date".to_owned(),
                    n => format!("the HTTPS Date of {n} servers (median)"),
                }
            };
            let ntp_configured = r.servers.iter().any(|s| s.protocol == Protocol::Ntp);
            let blocked = if ntp_configured { "NTP blocked: " } else { "" };
            format!("{blocked}offset from {date}")
        }
        _ => match answered(Protocol::Ntp) {
            1 => "from NTP".to_owned(),
            n => format!("from NTP (median of {n} servers)"),
        },
    }
}

/// The verdict on an offset and its error bar against the tolerance.
fn judge(
    offset: f64,
    uncertainty: f64,
    tolerance: f64,
    about: &str,
) -> (Verdict, String, Option<&'static str>) {
    let tol = human::tolerance(tolerance);
    let side = if offset < 0.0 { "behind" } else { "ahead of" };
    let size = magnitude(offset);
    if offset.abs() >= tolerance {
        (
            Verdict::Problem,
            format!("clock is {size} {side} {about}; the controller tolerates ±{tol}"),
            Some(
                "sync the clock: run chrony or systemd-timesyncd against a reachable NTP server (check with `chronyc tracking` or `timedatectl`)",
            ),
        )
    } else if offset.abs() + uncertainty >= tolerance {
        (
            Verdict::Warning,
            format!(
                "clock is {size} {side} {about}, within ±{tol}, but the error bar of ±{} reaches past the tolerance",
                human::brief(uncertainty)
            ),
            Some(
                "the measurement cannot tell whether the controller accepts this clock: sync the clock, or measure against a closer server",
            ),
        )
    } else if offset.abs() >= tolerance / 2.0 {
        (
            Verdict::Warning,
            format!("clock is {size} {side} {about}, near the ±{tol} the controller tolerates"),
            Some(
                "the clock drifts toward the limit: check that chrony or systemd-timesyncd keeps it in sync",
            ),
        )
    } else {
        (Verdict::Ok, format!("within ±{tol}"), None)
    }
}

fn judged(
    check: &'static str,
    label: &str,
    verdict: Verdict,
    value: String,
    hint: Option<&str>,
) -> Line {
    let line = Line::new(check, label, verdict, value);
    match hint {
        Some(hint) => line.hint(hint),
        None => line,
    }
}

pub(super) fn clock(r: &ClockReport, tolerance: f64, failure: Option<&Failure>) -> Vec<Line> {
    let mut lines = Vec::new();
    match (r.offset_seconds, r.offset_uncertainty_seconds) {
        (Some(offset), uncertainty) => {
            let uncertainty = uncertainty.unwrap_or(0.0);
            let bar = human::offset_with_bar(offset, uncertainty);
            let from = source(r);
            let (verdict, text, hint) = judge(offset, uncertainty, tolerance, "the reference");
            let value = match (verdict, r.source) {
                (Verdict::Ok, Some(Protocol::Https)) => format!("{from}: {bar} ({text})"),
                (Verdict::Ok, _) => format!("{bar} ({text}), {from}"),
                (_, _) => format!("{text}; {from}: {bar}"),
            };
            lines.push(judged("offset", "time offset", verdict, value, hint));
        }
        (None, _) => lines.push(no_offset(r, failure)),
    }
    if let (Some(c), Some(Protocol::Ntp)) = (&r.controller, r.source) {
        // NTP gave the selected offset; the controller's own view is shown
        // too, as it is the one that decides.
        let (verdict, text, hint) = judge(
            c.offset_seconds,
            c.uncertainty_seconds,
            tolerance,
            "the controller",
        );
        let bar = human::offset_with_bar(c.offset_seconds, c.uncertainty_seconds);
        let value = match verdict {
            Verdict::Ok => format!("{bar} against the controller's HTTPS Date ({text})"),
            _ => format!("{text}: {bar} (HTTPS Date)"),
        };
        lines.push(judged(
            "controller_offset",
            "controller offset",
            verdict,
            value,
            hint,
        ));
    }
    for s in &r.servers {
        lines.push(match &s.outcome {
            Ok(sample) => Line::ok("server", s.server.clone(), server_value(sample)),
            Err(f) => Line::new("server", s.server.clone(), Verdict::Warning, f.to_string()),
        });
    }
    if let Some(kernel) = &r.kernel {
        lines.push(if kernel.synchronized {
            Line::ok(
                "kernel",
                "kernel clock",
                format!(
                    "synchronised (max error {})",
                    human::brief(kernel.max_error_seconds)
                ),
            )
        } else {
            Line::new(
                "kernel",
                "kernel clock",
                Verdict::Warning,
                "not synchronised: nothing disciplines the kernel clock".to_owned(),
            )
            .hint("run an NTP daemon (chrony or systemd-timesyncd) so the clock stays in step")
        });
    }
    lines
}

fn no_offset(r: &ClockReport, failure: Option<&Failure>) -> Line {
    let https = r.servers.iter().any(|s| s.protocol == Protocol::Https);
    let hint = match failure.map(|f| f.reason) {
        Some(Reason::Resolve) => {
            "the server names do not resolve: check DNS, or name servers by address with --clock.server"
        }
        Some(Reason::NotFound) => {
            "no clock server is configured: name one with --clock.server, or set --twingate.network to measure against the controller"
        }
        Some(Reason::KissOfDeath) => {
            "the NTP servers refuse us (rate limit or access control): name other servers with --clock.server"
        }
        Some(Reason::Tls) => {
            "an HTTPS server's certificate was refused: a TLS-inspecting proxy, or a private CA that needs --clock.http-ca-file"
        }
        _ if https => {
            "allow outbound UDP to port 123 (NTP) or TCP to port 443 of the HTTPS servers, or name reachable servers"
        }
        _ => {
            "allow outbound UDP to port 123 (NTP), or name reachable servers with --clock.server; where only HTTPS is open, set --twingate.network or --clock.http-server"
        }
    };
    // Only the reason: the server lines below carry the details.
    let why = failure
        .map(|f| format!(" ({})", f.reason))
        .unwrap_or_default();
    let which = if https { "NTP or HTTPS" } else { "NTP" };
    Line::new(
        "offset",
        "time offset",
        Verdict::Problem,
        format!("no reference time: no {which} server answered{why}"),
    )
    .hint(hint)
}

fn server_value(sample: &ClockSample) -> String {
    let common = format!(
        "offset {}, rtt {}",
        human::offset_with_bar(sample.offset_seconds, sample.uncertainty_seconds),
        human::brief(sample.rtt_seconds),
    );
    match sample.detail {
        SampleDetail::Ntp { stratum, .. } => format!("{common}, stratum {stratum}"),
        SampleDetail::Https {
            requests,
            connections,
            status,
        } => {
            let reconnects = match connections {
                0 | 1 => String::new(),
                n => format!(", {n} connections (the server closes them)"),
            };
            format!("{common}, Date of HTTP {status}, {requests} requests{reconnects}")
        }
    }
}
