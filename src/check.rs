//! `connector-exporter check`: every configured probe once, concurrently,
//! with the server's configuration; then the diagnosis as text or JSON.

use std::collections::BTreeSet;
use std::io::{IsTerminal as _, Write as _};
use std::time::Duration;

use tokio::task::JoinSet;

use crate::config::Config;
use crate::diagnosis::Verdict;
use crate::human;
use crate::probe::{Failure, ProbeKind, Reason};
use crate::sampler::{Sampler, run_once, unix_now};
use crate::status::Status;

/// Extra time past the longest probe timeout before giving up on a probe
/// task; `run_once` already enforces each timeout, this only guards it.
const GRACE: Duration = Duration::from_millis(500);

/// Runs the probes and prints the report; returns the overall verdict.
pub async fn run(config: &Config, json: bool) -> Verdict {
    let probes = crate::probes(config);
    let kinds: Vec<ProbeKind> = probes.iter().map(|p| p.kind()).collect();
    let sampler = Sampler::new(&kinds, config.clock.tolerance);
    let limit = probes.iter().map(|p| p.timeout()).max().unwrap_or_default() + GRACE;
    let mut rounds = JoinSet::new();
    for probe in probes {
        rounds.spawn(async move {
            let (outcome, took) = run_once(&probe).await;
            (probe.kind(), outcome, took)
        });
    }
    let deadline = tokio::time::Instant::now() + limit;
    let mut pending: BTreeSet<ProbeKind> = kinds.iter().copied().collect();
    while let Ok(Some(joined)) = tokio::time::timeout_at(deadline, rounds.join_next()).await {
        if let Ok((kind, outcome, took)) = joined {
            pending.remove(&kind);
            sampler.record(kind, outcome, took);
        }
    }
    for kind in pending {
        let failure = Failure::new(Reason::Timeout, "round did not finish in time");
        sampler.record(kind, Err(failure), limit);
    }
    let published = sampler.latest();
    let status = Status::new(&published.snapshot, unix_now());
    let out = if json {
        status.to_json() + "\n"
    } else {
        render_text(&status, use_colour())
    };
    // A closed pipe (`check | head`) is not worth a panic.
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
    status.verdict
}

/// Colour only for a person at a terminal who has not asked for none
/// (https://no-color.org: any non-empty NO_COLOR).
fn use_colour() -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    !no_color && std::io::stdout().is_terminal()
}

struct Paint(bool);

impl Paint {
    fn wrap(&self, code: &str, text: &str) -> String {
        if self.0 {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_owned()
        }
    }

    fn verdict(&self, verdict: Verdict, text: &str) -> String {
        let code = match verdict {
            Verdict::Ok => "32",
            Verdict::Warning => "33",
            Verdict::Problem => "1;31",
        };
        self.wrap(code, text)
    }
}

/// Control characters from outside (a hostname, a server's error text) are
/// shown escaped, so they cannot move the cursor or recolour the terminal.
fn printable(text: &str) -> String {
    text.chars()
        .flat_map(|c| {
            if c.is_control() {
                c.escape_default().collect::<Vec<_>>()
            } else {
                vec![c]
            }
        })
        .collect()
}

pub fn render_text(status: &Status<'_>, colour: bool) -> String {
    let paint = Paint(colour);
    let label_width = status
        .sections
        .iter()
        .flat_map(|s| &s.lines)
        .map(|l| printable(&l.label).chars().count())
        .max()
        .unwrap_or(0)
        .clamp(8, 24);
    let mut out = format!(
        "connector-exporter {} check, {}\n\n",
        status.version,
        human::timestamp(status.generated_at)
    );
    for section in &status.sections {
        out.push_str(&paint.wrap("1", section.name));
        out.push('\n');
        for line in &section.lines {
            let word = format!("{:<8}", line.verdict.as_str());
            out.push_str(&format!(
                "  {} {:<label_width$}  {}\n",
                paint.verdict(line.verdict, &word),
                printable(&line.label),
                printable(&line.value),
            ));
            if let Some(hint) = &line.hint {
                let indent = " ".repeat(2 + 9 + label_width + 2);
                let text = format!("hint: {}", printable(hint));
                out.push_str(&format!("{indent}{}\n", paint.verdict(line.verdict, &text)));
            }
        }
        out.push('\n');
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    out.push_str(&format!(
        "{}: {}, {}\n",
        paint.verdict(status.verdict, status.verdict.as_str()),
        plural(status.problems, "problem"),
        plural(status.warnings, "warning"),
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn control_characters_from_outside_are_shown_escaped() {
        assert_eq!(printable("\x1b[31mred\x07"), "\\u{1b}[31mred\\u{7}");
        assert_eq!(printable("line\nbreak"), "line\\nbreak");
        assert_eq!(printable("host-1 ±5 µs"), "host-1 ±5 µs");
    }
}
