//! What moved over the last `--connector.traffic-window`, from the carried
//! totals seen at each round. Times are monotonic: a clock step (which the
//! clock probe exists to find) must not stretch or shrink the window.

use std::collections::VecDeque;
use std::time::{Duration, Instant};

use super::Share;

/// The window is remembered as at most this many points (plus one), so a
/// long window with a short interval stays small; its start is then known
/// to within window/POINTS.
const POINTS: u32 = 1024;

#[derive(Clone, Copy, Debug)]
struct Point {
    at: Instant,
    direct: f64,
    total: f64,
}

pub(super) struct Window {
    length: Duration,
    history: VecDeque<Point>,
}

impl Window {
    pub(super) fn new(length: Duration) -> Window {
        Window {
            length,
            history: VecDeque::new(),
        }
    }

    pub(super) fn is_empty(&self) -> bool {
        self.history.is_empty()
    }

    /// Adds this round's totals and returns what moved since the window's
    /// start: the newest point at or before it, else the oldest (the
    /// exporter has run for less than the window).
    pub(super) fn push(&mut self, now: Instant, direct: f64, total: f64) -> Share {
        let end = Point {
            at: now,
            direct,
            total,
        };
        let edge = now.checked_sub(self.length);
        let before = edge.and_then(|edge| self.history.iter().rev().find(|p| p.at <= edge));
        let start = before.or(self.history.front()).copied().unwrap_or(end);
        let share = Share {
            seconds: Some(end.at.saturating_duration_since(start.at).as_secs_f64()),
            direct_bytes: end.direct - start.direct,
            total_bytes: end.total - start.total,
        };
        let spacing = self.length / POINTS;
        if self
            .history
            .back()
            .is_none_or(|last| end.at.saturating_duration_since(last.at) >= spacing)
        {
            self.history.push_back(end);
        }
        if let Some(edge) = edge {
            // Keep one point at or before the edge: the next window's start.
            while self.history.get(1).is_some_and(|p| p.at <= edge) {
                self.history.pop_front();
            }
        }
        share
    }

    #[cfg(test)]
    pub(super) fn len(&self) -> usize {
        self.history.len()
    }
}
