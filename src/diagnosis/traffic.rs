//! Is traffic really peer-to-peer? The connector's own byte counters
//! against STUN's verdict: the contradiction between the two is the finding
//! (possible but relayed: a firewall drops the peers' UDP; impossible but
//! direct: STUN sees another path than the peers).

use super::{Line, Verdict};
use crate::human;
use crate::probe::connector::traffic::{Share, TrafficReport};

/// Below this direct share, "possible but relayed"; at or above it with
/// peer-to-peer impossible, "impossible but direct". The alerts use it too.
pub const DIRECT_RATIO_LOW: f64 = 0.10;

pub const RELAYED_HINT: &str = "check that outbound UDP to the peers is allowed: a firewall that lets STUN through but drops the peers' UDP forces every connection through a relay";
pub const DIRECT_HINT: &str = "the STUN servers see a different path than the peers do: name STUN servers reached the way the peers are (same egress, no separate NAT or proxy) with --stun.server";
pub const OLD_CONNECTOR_HINT: &str =
    "upgrade the connector to 1.80 or later to see how its traffic goes";

/// `p2p`: STUN's verdict, `None` while it has none (the mapping unknown,
/// the probe off or not run): then there is nothing to contradict.
pub(super) fn traffic(t: &TrafficReport, p2p: Option<bool>) -> Vec<Line> {
    if t.missing_families {
        return vec![
            Line::ok(
                "traffic",
                "traffic",
                "the connector's page has no byte counters: connector older than 1.80".to_owned(),
            )
            .hint(OLD_CONNECTOR_HINT),
        ];
    }
    let Some((share, ratio, when)) = judged_share(t) else {
        let value = match t.window.or(t.since_start) {
            Some(s) => format!(
                "too little traffic to judge ({}{}, fewer than {})",
                mib(s.total_bytes),
                span_text(&s, " in the last "),
                mib(t.min_bytes)
            ),
            None => "the connector's page could not be read this round".to_owned(),
        };
        return vec![Line::ok("traffic", "direct traffic", value)];
    };
    let percent = percent(ratio);
    let line = match p2p {
        Some(true) if ratio < DIRECT_RATIO_LOW => Line::new(
            "traffic",
            "direct traffic",
            Verdict::Warning,
            format!("peer-to-peer possible (STUN), but {percent} of traffic was direct {when}"),
        )
        .hint(RELAYED_HINT),
        Some(false) if ratio >= DIRECT_RATIO_LOW => Line::ok(
            "traffic",
            "direct traffic",
            format!("peer-to-peer impossible (STUN), but {percent} of traffic was direct {when}"),
        )
        .hint(DIRECT_HINT),
        _ => Line::ok(
            "traffic",
            "direct traffic",
            format!(
                "{percent} of {} was direct (peer-to-peer) {when}",
                mib(share.total_bytes)
            ),
        ),
    };
    vec![line]
}

/// The window when enough moved in it, else the connector's lifetime (all
/// a single round, as in `check`, can tell).
fn judged_share(t: &TrafficReport) -> Option<(Share, f64, String)> {
    if let (Some(ratio), Some(w)) = (t.direct_ratio, t.window) {
        return Some((w, ratio, span_text(&w, "in the last ")));
    }
    let s = t
        .since_start
        .filter(|s| s.total_bytes >= t.min_bytes.max(1.0))?;
    let when = match s.seconds {
        Some(seconds) => format!("since the connector started {} ago", span(seconds)),
        None => "since the connector started".to_owned(),
    };
    Some((s, s.direct_ratio()?, when))
}

fn span_text(s: &Share, prefix: &str) -> String {
    match s.seconds {
        Some(seconds) if seconds > 0.0 => format!("{prefix}{}", span(seconds)),
        _ => String::new(),
    }
}

/// The status page's one-glance fact: `2 % (15 min)`.
pub fn direct_share_text(t: &TrafficReport) -> Option<String> {
    let (_, ratio, _) = judged_share(t)?;
    let over = match (t.direct_ratio, t.window.and_then(|w| w.seconds)) {
        (Some(_), Some(seconds)) => span(seconds),
        _ => "since start".to_owned(),
    };
    Some(format!("{} ({over})", percent(ratio)))
}

/// `15 min` rather than `15 min 0 s`: windows are round numbers.
fn span(seconds: f64) -> String {
    let text = human::span(seconds);
    let tokens: Vec<&str> = text.split(' ').collect();
    match tokens.as_slice() {
        [n, unit, "0", _] => format!("{n} {unit}"),
        _ => text,
    }
}

fn percent(ratio: f64) -> String {
    let p = ratio * 100.0;
    if p > 0.0 && p < 1.0 {
        format!("{p:.1} %")
    } else {
        format!("{p:.0} %")
    }
}

fn mib(bytes: f64) -> String {
    format!("{:.1} MiB", bytes / (1024.0 * 1024.0))
}
