//! Clock rules: the offset against the controller's tolerance, the
//! reference servers, the kernel's own synchronisation.

use super::{Line, Verdict};
use crate::human;
use crate::probe::clock::ClockReport;
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

pub(super) fn clock(r: &ClockReport, tolerance: f64, failure: Option<&Failure>) -> Vec<Line> {
    let mut lines = Vec::new();
    let tol = human::tolerance(tolerance);
    match r.offset_seconds {
        Some(offset) => {
            let side = if offset < 0.0 { "behind" } else { "ahead of" };
            let line = if offset.abs() >= tolerance {
                Line::new(
                    "offset",
                    "time offset",
                    Verdict::Problem,
                    format!(
                        "clock is {} {side} the reference; the controller tolerates ±{tol}",
                        magnitude(offset)
                    ),
                )
                .hint("sync the clock: run chrony or systemd-timesyncd against a reachable NTP server (check with `chronyc tracking` or `timedatectl`)")
            } else if offset.abs() >= tolerance / 2.0 {
                Line::new(
                    "offset",
                    "time offset",
                    Verdict::Warning,
                    format!(
                        "clock is {} {side} the reference, near the ±{tol} the controller tolerates",
                        magnitude(offset)
                    ),
                )
                .hint("the clock drifts toward the limit: check that chrony or systemd-timesyncd keeps it in sync")
            } else {
                Line::ok(
                    "offset",
                    "time offset",
                    format!("{} (within ±{tol})", human::offset(offset)),
                )
            };
            lines.push(line);
        }
        None => {
            let hint = match failure.map(|f| f.reason) {
                Some(Reason::Resolve) => {
                    "the NTP server names do not resolve: check DNS, or name servers by address with --clock.server"
                }
                Some(Reason::NotFound) => {
                    "no NTP server is configured: name one with --clock.server"
                }
                Some(Reason::KissOfDeath) => {
                    "the NTP servers refuse us (rate limit or access control): name other servers with --clock.server"
                }
                _ => {
                    "allow outbound UDP to port 123 (NTP), or name reachable servers with --clock.server"
                }
            };
            // Only the reason: the server lines below carry the details.
            let why = failure
                .map(|f| format!(" ({})", f.reason))
                .unwrap_or_default();
            lines.push(
                Line::new(
                    "offset",
                    "time offset",
                    Verdict::Problem,
                    format!("no reference time: no NTP server answered{why}"),
                )
                .hint(hint),
            );
        }
    }
    for s in &r.servers {
        lines.push(match &s.outcome {
            Ok(sample) => Line::ok(
                "server",
                s.server.clone(),
                format!(
                    "offset {}, rtt {}, stratum {}",
                    human::offset(sample.offset_seconds),
                    human::brief(sample.rtt_seconds),
                    sample.stratum
                ),
            ),
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
