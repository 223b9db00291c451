//! The connector's state over time: up or down since when, and how many
//! times it started again. Pure: each round hands in what the sources saw
//! and the time, so every path is tested without processes or clocks.

use serde::{Deserialize, Serialize};

/// What names one run of the connector, per source. Two rounds that see
/// different values saw two runs, even if no round in between saw it down.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Identity {
    /// PID and start in clock ticks after boot.
    pub process: Option<(u32, u64)>,
    /// Main PID and start on CLOCK_MONOTONIC (microseconds).
    pub unit: Option<(u32, u64)>,
    /// The unit's NRestarts.
    pub unit_restarts: Option<u64>,
}

impl Identity {
    /// Keeps what an earlier round knew where this one has nothing, so a
    /// source that could not be read for a round does not hide a restart.
    fn merged_over(self, earlier: &Identity) -> Identity {
        Identity {
            process: self.process.or(earlier.process),
            unit: self.unit.or(earlier.unit),
            unit_restarts: self.unit_restarts.or(earlier.unit_restarts),
        }
    }
}

/// What one round saw.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
    /// Unix time of the round.
    pub now: f64,
    pub up: bool,
    /// Some source saw the connector running, even if another disagreed.
    pub seen: bool,
    pub identity: Identity,
    /// Unix start time of the running connector, best source first.
    pub start_time: Option<f64>,
    /// `twingate_connector_uptime_seconds`: going backwards is a restart.
    pub metrics_uptime: Option<f64>,
}

/// The part that must survive an exporter restart.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TrackedState {
    pub up: bool,
    /// Unix time `up` last changed.
    pub since: f64,
    pub restarts: u64,
    /// A running connector was seen: its next start is a restart.
    pub seen_up: bool,
    /// Some source once saw it running, so its absence now is "down", not
    /// a name that matches nothing. Files from before this field count
    /// `seen_up` alone.
    #[serde(default)]
    pub seen: bool,
    /// The identity in the latest round that was up.
    pub last_up: Identity,
}

/// One round's result.
#[derive(Clone, Debug, PartialEq)]
pub struct Tracked {
    pub up: bool,
    pub since: f64,
    pub uptime_seconds: f64,
    pub downtime_seconds: f64,
    pub restarts: u64,
    /// Starts counted in this round.
    pub new_restarts: u64,
}

#[derive(Debug, Default)]
pub struct Tracker {
    state: Option<TrackedState>,
    /// The host booted since `state` was saved: a connector seen up now has
    /// started again, whatever the old identities said.
    rebooted: bool,
    last_metrics_uptime: Option<f64>,
}

impl Tracker {
    pub fn new() -> Tracker {
        Tracker::default()
    }

    /// Carries on from saved state. Identities are per boot (PIDs, ticks
    /// after boot), so after a reboot they are dropped.
    pub fn resume(mut saved: TrackedState, same_boot: bool) -> Tracker {
        if !same_boot {
            saved.last_up = Identity::default();
        }
        Tracker {
            state: Some(saved),
            rebooted: !same_boot,
            last_metrics_uptime: None,
        }
    }

    pub fn state(&self) -> Option<&TrackedState> {
        self.state.as_ref()
    }

    /// Whether any source has ever seen the connector running, in this run
    /// or in the state resumed from.
    pub fn seen(&self) -> bool {
        self.state.as_ref().is_some_and(|s| s.seen || s.seen_up)
    }

    pub fn observe(&mut self, o: Observation) -> Tracked {
        let new_restarts = if o.up { self.starts(&o) } else { 0 };
        let (since, mut restarts, seen_up, seen, last_up) = match self.state.take() {
            None => {
                let since = match (o.up, o.start_time) {
                    (true, Some(start)) if start <= o.now => start,
                    _ => o.now,
                };
                (since, 0, false, false, Identity::default())
            }
            Some(s) if s.up == o.up => (s.since, s.restarts, s.seen_up, s.seen, s.last_up),
            Some(s) => {
                // Up since the start when it is known and after the down
                // began; down since the round that noticed.
                let since = match (o.up, o.start_time) {
                    (true, Some(start)) if start >= s.since && start <= o.now => start,
                    _ => o.now,
                };
                (since, s.restarts, s.seen_up, s.seen, s.last_up)
            }
        };
        restarts += new_restarts;
        let last_up = if o.up {
            o.identity.clone().merged_over(&last_up)
        } else {
            last_up
        };
        self.state = Some(TrackedState {
            up: o.up,
            since,
            restarts,
            seen_up: seen_up || o.up,
            seen: seen || o.seen || o.up,
            last_up,
        });
        self.rebooted = false;
        if o.up {
            self.last_metrics_uptime = o.metrics_uptime.or(self.last_metrics_uptime);
        }
        let started = o.start_time.filter(|t| *t <= o.now).unwrap_or(since);
        Tracked {
            up: o.up,
            since,
            uptime_seconds: if o.up {
                (o.now - started).max(0.0)
            } else {
                0.0
            },
            downtime_seconds: if o.up { 0.0 } else { (o.now - since).max(0.0) },
            restarts,
            new_restarts,
        }
    }

    /// Starts seen in a round that is up: one for a changed identity, or
    /// for coming up after down unless a source shows the same run went on
    /// (the "down" was another source disagreeing); or as many as NRestarts
    /// grew since the last round that was up, whichever is more (they can
    /// be the same start).
    fn starts(&self, o: &Observation) -> u64 {
        let Some(s) = self.state.as_ref().filter(|s| s.seen_up) else {
            // The first start seen is not a restart.
            return 0;
        };
        let (before, now) = (&s.last_up, &o.identity);
        let same = |a: Option<(u32, u64)>, b: Option<(u32, u64)>| match (a, b) {
            (Some(a), Some(b)) => Some(a == b),
            _ => None,
        };
        let uptime_went_on = match (self.last_metrics_uptime, o.metrics_uptime) {
            // A little slack for how the connector rounds its uptime.
            (Some(before), Some(now)) => Some(now + 1.0 >= before),
            _ => None,
        };
        let evidence = [
            same(before.process, now.process),
            same(before.unit, now.unit),
            uptime_went_on,
        ];
        let changed = evidence.contains(&Some(false));
        let continued = evidence.contains(&Some(true));
        let came_back = !s.up || self.rebooted;
        let mut starts = u64::from(changed || (came_back && !continued));
        if let (Some(before), Some(now)) = (before.unit_restarts, now.unit_restarts) {
            starts = starts.max(now.saturating_sub(before));
        }
        starts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn up(now: f64, pid: u32, start: f64) -> Observation {
        Observation {
            now,
            up: true,
            seen: true,
            identity: Identity {
                process: Some((pid, (start * 100.0) as u64)),
                ..Identity::default()
            },
            start_time: Some(start),
            metrics_uptime: None,
        }
    }

    fn down(now: f64) -> Observation {
        Observation {
            now,
            ..Observation::default()
        }
    }

    #[test]
    fn start_kill_start() {
        let mut t = Tracker::new();
        let r = t.observe(up(1000.0, 10, 990.0));
        assert_eq!(
            (r.up, r.since, r.uptime_seconds, r.restarts),
            (true, 990.0, 10.0, 0)
        );
        let r = t.observe(up(1005.0, 10, 990.0));
        assert_eq!((r.uptime_seconds, r.restarts), (15.0, 0));
        let r = t.observe(down(1010.0));
        assert_eq!(
            (r.up, r.since, r.uptime_seconds, r.downtime_seconds),
            (false, 1010.0, 0.0, 0.0)
        );
        let r = t.observe(down(1015.0));
        assert_eq!(r.downtime_seconds, 5.0);
        let r = t.observe(up(1020.0, 11, 1018.0));
        assert_eq!(
            (r.up, r.since, r.uptime_seconds, r.restarts),
            (true, 1018.0, 2.0, 1)
        );
    }

    #[test]
    fn a_restart_between_two_rounds_counts_once() {
        let mut t = Tracker::new();
        t.observe(up(1000.0, 10, 990.0));
        let r = t.observe(up(1005.0, 11, 1003.0));
        assert_eq!(
            (r.up, r.since, r.uptime_seconds, r.restarts),
            (true, 990.0, 2.0, 1)
        );
        // A PID reused by the new run: the start tells.
        let r = t.observe(up(1010.0, 11, 1009.0));
        assert_eq!(r.restarts, 2);
        let r = t.observe(up(1015.0, 11, 1009.0));
        assert_eq!(r.restarts, 2);
    }

    #[test]
    fn a_down_only_another_source_saw_is_not_a_restart() {
        let mut t = Tracker::new();
        t.observe(up(1000.0, 10, 990.0));
        // The metrics endpoint failed for a round while the process ran on.
        let mut disagreed = up(1005.0, 10, 990.0);
        disagreed.up = false;
        t.observe(disagreed);
        let r = t.observe(up(1010.0, 10, 990.0));
        assert_eq!((r.up, r.since, r.restarts), (true, 1010.0, 0));
    }

    #[test]
    fn first_seen_down_then_up_is_not_a_restart() {
        let mut t = Tracker::new();
        let r = t.observe(down(1000.0));
        assert_eq!((r.since, r.downtime_seconds), (1000.0, 0.0));
        let r = t.observe(up(1010.0, 5, 1008.0));
        assert_eq!((r.restarts, r.since), (0, 1008.0));
    }

    #[test]
    fn nrestarts_counts_restarts_faster_than_the_interval() {
        let unit = |now: f64, pid: u32, n: u64| Observation {
            now,
            up: true,
            seen: true,
            identity: Identity {
                unit: Some((pid, now as u64 * 1_000_000)),
                unit_restarts: Some(n),
                ..Identity::default()
            },
            start_time: Some(now - 1.0),
            metrics_uptime: None,
        };
        let mut t = Tracker::new();
        t.observe(unit(100.0, 1, 2));
        // Three automatic restarts within one interval.
        assert_eq!(t.observe(unit(105.0, 2, 5)).restarts, 3);
        // Seen down, then up after one more: not counted twice.
        t.observe(down(110.0));
        assert_eq!(t.observe(unit(115.0, 3, 6)).restarts, 4);
    }

    #[test]
    fn metrics_uptime_going_back_is_a_restart() {
        let m = |now: f64, uptime: f64| Observation {
            now,
            up: true,
            seen: true,
            start_time: Some(now - uptime),
            metrics_uptime: Some(uptime),
            ..Observation::default()
        };
        let mut t = Tracker::new();
        t.observe(m(100.0, 50.0));
        assert_eq!(t.observe(m(105.0, 55.0)).restarts, 0);
        let r = t.observe(m(110.0, 2.0));
        assert_eq!((r.restarts, r.uptime_seconds), (1, 2.0));
    }

    #[test]
    fn resumed_state_keeps_down_since_and_compares_identities() {
        let mut t = Tracker::new();
        t.observe(up(1000.0, 10, 990.0));
        t.observe(down(1010.0));
        let saved = t.state().cloned().unwrap();
        let mut t = Tracker::resume(saved.clone(), true);
        let r = t.observe(down(1100.0));
        assert_eq!((r.since, r.downtime_seconds), (1010.0, 90.0));
        assert_eq!(t.observe(up(1110.0, 12, 1105.0)).restarts, 1);

        // Up before, same process after: no restart; another process: one.
        let mut first = Tracker::new();
        first.observe(up(1000.0, 10, 990.0));
        let saved = first.state().cloned().unwrap();
        assert_eq!(
            Tracker::resume(saved.clone(), true)
                .observe(up(1200.0, 10, 990.0))
                .restarts,
            0
        );
        assert_eq!(
            Tracker::resume(saved.clone(), true)
                .observe(up(1200.0, 13, 1150.0))
                .restarts,
            1
        );
        // After a reboot the same PID and ticks are another run.
        assert_eq!(
            Tracker::resume(saved, false)
                .observe(up(1200.0, 10, 990.0))
                .restarts,
            1
        );
    }

    #[test]
    fn seen_by_one_source_while_another_disagreed_is_seen_for_good() {
        let mut t = Tracker::new();
        assert!(!t.seen());
        let mut disagreed = up(1000.0, 10, 990.0);
        disagreed.up = false;
        t.observe(disagreed);
        let saved = t.state().cloned().unwrap();
        assert!(!saved.seen_up && saved.seen);
        let mut resumed = Tracker::resume(saved, true);
        assert!(resumed.seen());
        resumed.observe(down(1010.0));
        assert!(resumed.seen());
    }

    #[test]
    fn a_state_file_from_before_the_seen_field_reads_as_seen_up() {
        let json = |seen_up: bool| {
            format!(
                r#"{{"up":false,"since":1.0,"restarts":0,"seen_up":{seen_up},"last_up":{{"process":null,"unit":null,"unit_restarts":null}}}}"#
            )
        };
        for seen_up in [true, false] {
            let state: TrackedState = serde_json::from_str(&json(seen_up)).unwrap();
            assert!(!state.seen);
            assert_eq!(Tracker::resume(state, true).seen(), seen_up);
        }
    }
}
