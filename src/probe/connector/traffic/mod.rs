//! The bytes the connector moved, by direction and transport, from the page
//! its metrics endpoint serves (v1.80+), carried over into counters of our
//! own and turned into the share that went peer-to-peer.
//!
//! Our counters only grow: when a source counter goes down (the connector
//! restarted), its new value is what moved since, so it is added whole
//! instead of producing a negative step in any rate. A series seen for the
//! first time after the first round is likewise added whole: a counter
//! series appears when its first bytes are counted.

use std::collections::{BTreeMap, HashSet};
use std::time::{Duration, Instant};

use serde::Serialize;

use self::window::Window;
use super::text_format::Page;
use crate::probe::{Failure, Reason};

#[cfg(test)]
mod tests;
mod window;

pub const INBOUND_METRIC: &str = "twingate_inbound_bytes_total";
pub const OUTBOUND_METRIC: &str = "twingate_outbound_bytes_total";
pub const DIRECT: &str = "direct";
pub const RELAY: &str = "relay";
/// Where transport values past the bound are counted.
pub const OTHER: &str = "other";
/// Distinct `transport` values we export, `other` included: a label fed from
/// outside must not take unbounded values.
pub const MAX_TRANSPORTS: usize = 8;
/// A longer value is no transport name; it goes to `other`.
const MAX_TRANSPORT_LEN: usize = 32;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Inbound,
    Outbound,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::Inbound => "inbound",
            Direction::Outbound => "outbound",
        }
    }

    fn metric(self) -> &'static str {
        match self {
            Direction::Inbound => INBOUND_METRIC,
            Direction::Outbound => OUTBOUND_METRIC,
        }
    }
}

#[derive(Clone, Debug, Serialize)]
pub struct TrafficReport {
    /// Our carried-over counters, once seen; kept through rounds whose page
    /// could not be read.
    pub series: Vec<TrafficSeries>,
    /// What moved over the traffic window (or the part of it seen so far);
    /// `None` when this round's page was not read.
    pub window: Option<Share>,
    /// `connector_traffic_direct_ratio`: direct / all over the window, when
    /// at least the minimum moved in it.
    pub direct_ratio: Option<f64>,
    /// What moved since the connector started, from this page alone (the
    /// one share a single round, as in `check`, can tell).
    pub since_start: Option<Share>,
    /// The page was read but has neither byte counter: a connector older
    /// than 1.80, or one whose metrics are off.
    pub missing_families: bool,
    /// What on the page was unusable this round.
    pub failures: Vec<Failure>,
    /// `--connector.traffic-min-bytes`: less than this is too little to
    /// judge by, for the window and since the start alike.
    pub min_bytes: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TrafficSeries {
    pub direction: Direction,
    pub transport: String,
    pub bytes_total: f64,
}

#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Share {
    /// How long the bytes were counted over; `None` when unknown (a page
    /// without the connector's uptime).
    pub seconds: Option<f64>,
    pub direct_bytes: f64,
    pub total_bytes: f64,
}

impl Share {
    pub fn direct_ratio(&self) -> Option<f64> {
        (self.total_bytes > 0.0).then(|| self.direct_bytes / self.total_bytes)
    }
}

#[derive(Debug, Default)]
struct Carried {
    /// The source's last value, to tell growth from a reset.
    last: Option<f64>,
    total: f64,
}

pub struct TrafficTracker {
    min_bytes: f64,
    /// Transport values with a label of their own, in the order first seen;
    /// `direct` and `relay` always, `other` never (it is the rest).
    transports: Vec<String>,
    counters: BTreeMap<(Direction, usize), Carried>,
    window: Window,
    last_uptime: Option<f64>,
    /// Log once, not every round: whether the families were missing last
    /// round, and whether the bound was ever hit.
    missing_logged: bool,
    overflow_logged: bool,
}

/// One family's sum per transport slot on this page.
#[derive(Default)]
struct Sums {
    by_slot: BTreeMap<usize, f64>,
    /// Slots with a value that is not a byte count this round.
    bad: HashSet<usize>,
}

impl TrafficTracker {
    pub fn new(window: Duration, min_bytes: u64) -> TrafficTracker {
        TrafficTracker {
            min_bytes: min_bytes as f64,
            transports: vec![DIRECT.to_owned(), RELAY.to_owned()],
            counters: BTreeMap::new(),
            window: Window::new(window),
            last_uptime: None,
            missing_logged: false,
            overflow_logged: false,
        }
    }

    /// One round: `page` is `None` when the page could not be had (that is
    /// the metrics source's failure, reported there).
    pub fn observe(
        &mut self,
        page: Option<&Page>,
        uptime: Option<f64>,
        now: Instant,
    ) -> TrafficReport {
        let mut report = TrafficReport {
            series: Vec::new(),
            window: None,
            direct_ratio: None,
            since_start: None,
            missing_families: false,
            failures: Vec::new(),
            min_bytes: self.min_bytes,
        };
        if let Some(page) = page {
            self.read(page, uptime, now, &mut report);
        }
        report.series = self
            .counters
            .iter()
            .map(|(&(direction, slot), c)| TrafficSeries {
                direction,
                transport: self.transport_name(slot).to_owned(),
                bytes_total: c.total,
            })
            .collect();
        report
    }

    fn read(&mut self, page: &Page, uptime: Option<f64>, now: Instant, report: &mut TrafficReport) {
        let restarted = matches!((self.last_uptime, uptime), (Some(before), Some(u)) if u < before);
        let uptime_grew =
            matches!((self.last_uptime, uptime), (Some(before), Some(u)) if u >= before);
        self.last_uptime = uptime.or(self.last_uptime);
        let mut overflow = HashSet::new();
        let mut present = false;
        let mut source = Share {
            seconds: uptime,
            direct_bytes: 0.0,
            total_bytes: 0.0,
        };
        for direction in [Direction::Inbound, Direction::Outbound] {
            let Some(sums) = self.sum_family(page, direction, &mut overflow, report) else {
                continue;
            };
            present = true;
            for (&slot, &value) in &sums.by_slot {
                if sums.bad.contains(&slot) {
                    continue;
                }
                source.total_bytes += value;
                if slot == DIRECT_SLOT {
                    source.direct_bytes += value;
                }
                let first_round = self.window.is_empty();
                let carried = self.counters.entry((direction, slot)).or_default();
                match carried.last {
                    // Everything since the restart, even when it is already
                    // more than before it.
                    Some(_) if restarted => carried.total += value,
                    Some(last) if value >= last => carried.total += value - last,
                    Some(last) => {
                        carried.total += value;
                        // The sum of `other` moves as its members come and go.
                        if uptime_grew && slot != OTHER_SLOT {
                            report.failures.push(Failure::new(
                                Reason::Malformed,
                                format!(
                                    "{}{{transport={:?}}} went back from {last} to {value} while the connector kept running",
                                    direction.metric(),
                                    self.transports.get(slot).map_or(OTHER, String::as_str),
                                ),
                            ));
                        }
                    }
                    // The first page is the base; later newcomers moved
                    // their bytes since the last round.
                    None if first_round => carried.total = value,
                    None => carried.total += value,
                }
                carried.last = Some(value);
            }
        }
        if !overflow.is_empty() {
            report.failures.push(Failure::new(
                Reason::Malformed,
                format!(
                    "{} transport values past the {MAX_TRANSPORTS} kept (or unfit for a label): counted as transport=\"{OTHER}\"",
                    overflow.len()
                ),
            ));
            if !self.overflow_logged {
                tracing::warn!(
                    values = overflow.len(),
                    "the connector's page has more transport values than {MAX_TRANSPORTS}; the rest are counted as \"{OTHER}\""
                );
                self.overflow_logged = true;
            }
        }
        report.missing_families = !present;
        if present == self.missing_logged {
            if present {
                tracing::info!("the connector's page has traffic counters again");
            } else {
                tracing::info!(
                    "the connector's page has no {INBOUND_METRIC} or {OUTBOUND_METRIC}: the connector is older than 1.80, so there is no traffic share to report"
                );
            }
            self.missing_logged = !present;
        }
        if !present {
            return;
        }
        report.since_start = Some(source);
        let (mut direct, mut total) = (0.0, 0.0);
        for (&(_, slot), c) in &self.counters {
            total += c.total;
            if slot == DIRECT_SLOT {
                direct += c.total;
            }
        }
        let window = self.window.push(now, direct, total);
        report.window = Some(window);
        report.direct_ratio = window
            .direct_ratio()
            .filter(|_| window.total_bytes >= self.min_bytes.max(1.0));
    }

    /// The family's sums per slot; `None` when the page lacks it or it is
    /// not a counter (then a failure says so).
    fn sum_family(
        &mut self,
        page: &Page,
        direction: Direction,
        overflow: &mut HashSet<String>,
        report: &mut TrafficReport,
    ) -> Option<Sums> {
        let name = direction.metric();
        let base = name.strip_suffix("_total").unwrap_or(name);
        let declared = page.types.get(name).or_else(|| page.types.get(base));
        if let Some(kind) = declared.filter(|k| !matches!(**k, "counter" | "untyped")) {
            report.failures.push(Failure::new(
                Reason::Malformed,
                format!("{name} is declared a {kind}, not a counter: its bytes are not counted"),
            ));
            return None;
        }
        let mut sums = Sums::default();
        let mut seen = declared.is_some();
        let mut bad = 0usize;
        for sample in page.samples.iter().filter(|s| s.name == name) {
            seen = true;
            let transport = sample
                .labels
                .iter()
                .find(|(l, _)| l == "transport")
                .map_or("", |(_, v)| v.as_str());
            let slot = self.slot(transport, overflow);
            if !sample.value.is_finite() || sample.value < 0.0 {
                bad += 1;
                sums.bad.insert(slot);
                continue;
            }
            *sums.by_slot.entry(slot).or_default() += sample.value;
        }
        if bad > 0 {
            report.failures.push(Failure::new(
                Reason::Malformed,
                format!("{name}: {bad} values are not byte counts (NaN, infinite or negative); those transports are left as they were"),
            ));
        }
        if seen {
            // A family the connector serves has counted its direct and
            // relayed bytes even before the first one: 0 is known, and a
            // "0 % direct" alert needs the series to exist.
            for slot in [DIRECT_SLOT, RELAY_SLOT] {
                if !self.counters.contains_key(&(direction, slot)) {
                    sums.by_slot.entry(slot).or_insert(0.0);
                }
            }
        }
        seen.then_some(sums)
    }

    /// The slot of a transport value: its own while there is room, else
    /// `other`. Slots are kept for the life of the process, so a label
    /// value does not move to `other` and back.
    fn slot(&mut self, transport: &str, overflow: &mut HashSet<String>) -> usize {
        if let Some(i) = self.transports.iter().position(|t| t == transport) {
            return i;
        }
        let usable = !transport.is_empty()
            && transport != OTHER
            && transport.len() <= MAX_TRANSPORT_LEN
            && transport
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'));
        if usable && self.transports.len() < MAX_TRANSPORTS - 1 {
            self.transports.push(transport.to_owned());
            return self.transports.len() - 1;
        }
        // The page is bounded (MAX_BODY), and so is this set; it lives
        // for one round.
        if !transport.is_empty() && transport != OTHER {
            overflow.insert(transport.to_owned());
        }
        OTHER_SLOT
    }

    fn transport_name(&self, slot: usize) -> &str {
        self.transports.get(slot).map_or(OTHER, String::as_str)
    }
}

const DIRECT_SLOT: usize = 0;
const RELAY_SLOT: usize = 1;
/// `other` has no entry in `transports`.
const OTHER_SLOT: usize = usize::MAX;
