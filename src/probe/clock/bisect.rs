//! The arithmetic of the HTTPS `Date` method: what each answer proves about
//! the offset, and when to send the next request so it proves the most.
//!
//! Write θ = server − local. A `Date` of D, stamped by the server at some
//! instant it received our request, sent at local time s and answered at
//! local time r, proves D ≤ t + θ < D + 1 for some t in [s, r], so
//! θ ∈ [D − r, D + 1 − s]. Intersecting these intervals is the whole
//! measurement: nothing is assumed about where in the round trip the server
//! stamped, so the half-width of the result is an honest error bar (it
//! contains the half round trip of the requests that set its ends).
//!
//! The server's second boundaries fall at local times N − θ. A request
//! stamped at local time t answers whether the boundary of its second has
//! passed: D = N means it had (boundary ≤ t), D = N − 1 that it had not.
//! The bisection aims each request at the middle of where the boundary can
//! still be. Time only runs forward, though: after "not yet", the next aim
//! lies later in the same second; after "already", it lies earlier, which
//! can only be tried one second later. With a round of a few seconds that
//! is the egg-drop problem: with `r` requests and `e` seconds (the current
//! one included), [`cells`] intervals can be told apart, and each request
//! splits its window in the ratio that keeps the most of them.

/// What the answers so far proved about θ = server − local, in seconds.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Bounds {
    pub lo: f64,
    pub hi: f64,
}

impl Bounds {
    /// What one answer proves: `date` (whole Unix seconds) stamped between
    /// local times `sent` and `received`; `slack` widens both ends by the
    /// error of reading the local clock.
    pub fn from_answer(sent: f64, received: f64, date: i64, slack: f64) -> Bounds {
        let d = date as f64;
        Bounds {
            lo: d - received - slack,
            hi: d + 1.0 - sent + slack,
        }
    }

    /// Both proofs at once; `None` when they contradict each other, which
    /// an honest clock read once per request cannot do.
    pub fn intersect(self, other: Bounds) -> Option<Bounds> {
        let b = Bounds {
            lo: self.lo.max(other.lo),
            hi: self.hi.min(other.hi),
        };
        (b.lo <= b.hi).then_some(b)
    }

    pub fn width(self) -> f64 {
        self.hi - self.lo
    }

    pub fn middle(self) -> f64 {
        (self.lo + self.hi) / 2.0
    }
}

/// How many intervals `r` requests over `e` seconds can tell apart, when
/// every answer "already" is followed at once by a check (another request,
/// which must say "already" too). The checks are what catch backends whose
/// clocks differ by less than two seconds (farther apart, their answers
/// contradict anyway): the search on its own never asks at a point it has
/// ruled out, so two clocks answering in turn would look like one between
/// them. Backends picked at random can still slip through now and then;
/// see the tests for the rates.
/// A request is aimed only when its check can follow, so an answer
/// "already" costs a second and two requests:
/// g(r, e) = g(r − 1, e) + g(r − 2, e − 1), and 1 with fewer than two
/// requests or no second. (Without checks: the sum of C(r, i) for i ≤ e.)
pub fn cells(r: u32, e: u32) -> f64 {
    let (r, e) = (r as usize, e.min(r) as usize);
    let mut g = vec![vec![1.0f64; e + 1]; r + 1];
    for i in 2..=r {
        for j in 1..=e {
            g[i][j] = g[i - 1][j] + g[i - 2][j - 1];
        }
    }
    g[r][e]
}

/// What the next request should be aimed at.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Bounds so far.
    pub bounds: Bounds,
    /// Local time now.
    pub now: f64,
    /// Time from deciding to send until the request leaves.
    pub lead: f64,
    /// The best round trip seen; the server is taken to stamp half of it
    /// after the request leaves.
    pub rtt: f64,
    pub requests_left: u32,
    /// Local time by which the last answer must be in.
    pub deadline: f64,
}

impl Plan {
    /// The local instant at which the server should stamp the next
    /// request, or `None` when another request cannot narrow the bounds
    /// (they are as narrow as the round trip allows, or time or requests
    /// are used up).
    pub fn next_stamp(&self) -> Option<f64> {
        let b = self.bounds;
        let width = b.width();
        if self.requests_left < 2 || width <= (1.25 * self.rtt).max(20e-6) {
            return None;
        }
        let earliest = self.now + self.lead + self.rtt / 2.0;
        let last = self.deadline - self.rtt / 2.0;
        // The boundary of second N lies in [N − hi, N − lo]; the first N
        // whose window has not wholly passed.
        let first = (earliest + b.lo).floor() + 1.0;
        for n in [first, first + 1.0] {
            let (start, end) = (n - b.hi, n - b.lo);
            if start > last {
                return None;
            }
            // Seconds left for this window and its repetitions; a window
            // the deadline cuts is a last one.
            let seconds = if end <= last {
                ((last - end).floor() as u32).saturating_add(1)
            } else {
                1
            };
            let r = self.requests_left;
            let e = seconds.min(r);
            let share = cells(r - 2, e - 1) / cells(r, e);
            let aim = start + width * share;
            let aim = if aim >= earliest {
                aim
            } else if earliest - start <= width / 2.0 {
                // Partly passed: aim as soon as possible, unless most of
                // the window is already gone and the next second serves
                // better.
                earliest
            } else {
                continue;
            };
            return (aim <= last.min(end)).then_some(aim);
        }
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_count_like_egg_drops_with_a_check_per_drop() {
        assert_eq!(cells(4, 0), 1.0);
        assert_eq!(cells(0, 3), 1.0);
        assert_eq!(cells(1, 3), 1.0);
        // One second: a linear sweep, one request kept for a check.
        assert_eq!(cells(10, 1), 10.0);
        // Each "already" costs two requests: Fibonacci numbers at most.
        assert_eq!(cells(5, 5), 8.0);
        assert_eq!(cells(10, 10), 89.0);
        assert_eq!(cells(11, 11), 144.0);
        assert_eq!(cells(10, 20), cells(10, 10));
    }

    #[test]
    fn contradicting_answers_have_no_intersection() {
        let a = Bounds::from_answer(100.0, 100.001, 105, 0.0);
        assert!((a.lo - 4.999).abs() < 1e-9 && (a.hi - 6.0).abs() < 1e-9);
        let b = Bounds::from_answer(101.0, 101.001, 104, 0.0);
        assert!(a.intersect(b).is_none());
        let c = Bounds::from_answer(101.5, 101.501, 107, 0.0);
        let both = a.intersect(c).expect("consistent");
        assert!((both.lo - 5.499).abs() < 1e-9 && (both.hi - 6.0).abs() < 1e-9);
    }

    /// Which backend answers request `i`: in turn without a seed, else
    /// pseudo-randomly, as a load balancer shared with other clients would.
    fn backend(count: usize, seed: Option<u64>, i: u32) -> usize {
        match seed {
            None => i as usize % count,
            Some(seed) => {
                let x = seed
                    .wrapping_add(u64::from(i))
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                (x >> 33) as usize % count
            }
        }
    }

    /// Runs the whole search, with the check after each "already", as the
    /// HTTPS method does, against simulated servers `thetas` ahead (chosen
    /// by [`backend`]), after the given round trip. `Err` when the answers
    /// contradicted each other.
    fn run(
        thetas: &[f64],
        seed: Option<u64>,
        rtt: f64,
        late: f64,
        start: f64,
        budget: f64,
    ) -> Result<(Bounds, u32, f64), u32> {
        let ask = |sent: f64, request: u32| {
            let theta = thetas[backend(thetas.len(), seed, request)];
            let date = (sent + rtt * 0.3 + theta).floor() as i64;
            Bounds::from_answer(sent, sent + rtt, date, 0.0)
        };
        let mut bounds = ask(start, 0);
        let mut requests = 1u32;
        let mut now = start + rtt;
        let mut check = false;
        while requests < 12 {
            let sent = if check {
                now + 0.0001
            } else {
                let plan = Plan {
                    bounds,
                    now,
                    lead: 0.002,
                    rtt,
                    requests_left: 12 - requests,
                    deadline: start + budget,
                };
                let Some(stamp) = plan.next_stamp() else {
                    break;
                };
                let sent = stamp - rtt / 2.0 + late;
                assert!(sent >= now, "planned in the past");
                sent
            };
            let proven = ask(sent, requests);
            requests += 1;
            let next = bounds.intersect(proven).ok_or(requests)?;
            check = !check && next.lo > bounds.lo;
            bounds = next;
            now = sent + rtt;
        }
        Ok((bounds, requests, now - start))
    }

    fn simulate(theta: f64, rtt: f64, late: f64, start: f64, budget: f64) -> (Bounds, u32, f64) {
        run(&[theta], None, rtt, late, start, budget).expect("one honest clock agrees with itself")
    }

    #[test]
    fn the_search_brackets_the_truth_within_its_budget() {
        let mut worst = 0.0f64;
        for i in 0..400 {
            let theta = -7.0 + f64::from(i) * 0.0371;
            let start = 1_796_103_655.0 + f64::from(i % 17) * 0.0613;
            let (b, requests, took) = simulate(theta, 0.0004, 0.0003, start, 2.6);
            assert!(b.lo <= theta && theta <= b.hi, "{theta}: {b:?}");
            assert!(
                requests <= 12 && took <= 2.6,
                "{requests} requests, {took} s"
            );
            worst = worst.max(b.width() / 2.0);
        }
        eprintln!("worst half-width in 2.6 s: {worst}");
        assert!(worst < 0.015, "worst half-width {worst}");
    }

    /// Backends a second or more apart always contradict each other (two
    /// intervals of width 1 + rtt cannot both hold the truth); closer ones
    /// answering in turn are caught by the checks or, when the checks come
    /// too late, leave one backend's honest offset. Backends picked at
    /// random can slip through as a value between them: the rates are
    /// printed for the record, and NTP is preferred whenever it answers.
    #[test]
    fn backends_whose_clocks_differ_are_caught_or_one_of_them_is_measured() {
        let gaps = [3.0, 2.1, 1.2, 0.6, 0.25, 0.05, 0.01];
        for budget in [2.6, 9.0] {
            let (mut caught, mut made_up) = ([[0u32; 7]; 2], [[0u32; 7]; 2]);
            for i in 0..200u32 {
                let theta = -3.0 + f64::from(i) * 0.0537;
                let start = 1_796_103_655.012_3 + f64::from(i % 13) * 0.0771;
                for (k, gap) in gaps.into_iter().enumerate() {
                    for (random, seed) in [(0, None), (1, Some(u64::from(i) * 7919))] {
                        for thetas in [[theta, theta + gap], [theta + gap, theta]] {
                            match run(&thetas, seed, 0.0004, 0.0003, start, budget) {
                                Err(_) => caught[random][k] += 1,
                                Ok((b, ..)) => {
                                    let honest = thetas
                                        .iter()
                                        .any(|t| b.lo - 0.001 <= *t && *t <= b.hi + 0.001);
                                    if !honest {
                                        made_up[random][k] += 1;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            eprintln!(
                "{budget} s, gaps {gaps:?}, of 400: in turn caught {:?} made up {:?}; at random caught {:?} made up {:?}",
                caught[0], made_up[0], caught[1], made_up[1]
            );
            assert_eq!(made_up[0], [0; 7], "in turn, {budget} s");
            assert_eq!([caught[0][0], caught[0][1]], [400, 400]);
            assert_eq!([caught[1][0], caught[1][1]], [400, 400]);
        }
    }

    #[test]
    fn with_time_to_spare_the_requests_set_the_limit() {
        for i in 0..50 {
            let theta = 0.3217 + f64::from(i) * 0.113;
            let start = 1_796_103_655.25 + f64::from(i) * 0.07;
            let (b, requests, _) = simulate(theta, 0.0004, 0.0002, start, 13.0);
            assert!(b.lo <= theta && theta <= b.hi);
            assert!(requests <= 12);
            // 144 intervals with the checks, plus the round trip.
            assert!(b.width() / 2.0 < 0.5 / 144.0 + 0.0006, "{b:?}");
        }
    }

    #[test]
    fn a_long_round_trip_bounds_the_error_bar_not_the_truth() {
        for i in 0..20 {
            let theta = 2.5 + f64::from(i) * 0.047;
            let (b, requests, _) = simulate(theta, 0.08, 0.0, 1000.3, 13.0);
            assert!(b.lo <= theta && theta <= b.hi);
            // The round trip is the floor: half of it on each side.
            assert!(b.width() >= 0.08 && b.width() < 0.08 * 2.0, "{b:?}");
            assert!(requests <= 12);
        }
    }
}
