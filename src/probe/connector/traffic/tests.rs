use std::time::{Duration, Instant};

use super::*;
use crate::probe::connector::text_format::parse_page;

const MIB: u64 = 1 << 20;

fn page(inbound: &[(&str, &str)], outbound: &[(&str, &str)]) -> Page {
    let mut text = String::from("# TYPE twingate_inbound_bytes_total counter\n");
    for (t, v) in inbound {
        text.push_str(&format!(
            "twingate_inbound_bytes_total{{transport=\"{t}\"}} {v}\n"
        ));
    }
    text.push_str("# TYPE twingate_outbound_bytes_total counter\n");
    for (t, v) in outbound {
        text.push_str(&format!(
            "twingate_outbound_bytes_total{{transport=\"{t}\"}} {v}\n"
        ));
    }
    parse_page(&text).unwrap()
}

fn total(r: &TrafficReport, direction: Direction, transport: &str) -> Option<f64> {
    r.series
        .iter()
        .find(|s| s.direction == direction && s.transport == transport)
        .map(|s| s.bytes_total)
}

#[test]
fn counters_start_at_the_connectors_values_and_follow_them() {
    let mut t = TrafficTracker::new(Duration::from_secs(60), MIB);
    let t0 = Instant::now();
    let r = t.observe(
        Some(&page(
            &[("direct", "100"), ("relay", "50")],
            &[("relay", "7")],
        )),
        Some(10.0),
        t0,
    );
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(100.0));
    assert_eq!(total(&r, Direction::Outbound, "relay"), Some(7.0));
    // Not on the page yet, but its family is: nothing counted so far.
    assert_eq!(total(&r, Direction::Outbound, "direct"), Some(0.0));
    assert!(r.failures.is_empty());
    assert_eq!(r.direct_ratio, None, "one round has no window");
    let since = r.since_start.unwrap();
    assert_eq!(
        (since.direct_bytes, since.total_bytes, since.seconds),
        (100.0, 157.0, Some(10.0))
    );

    let r = t.observe(
        Some(&page(
            &[("direct", "300"), ("relay", "50")],
            &[("relay", "7"), ("direct", "5")],
        )),
        Some(11.0),
        t0 + Duration::from_secs(1),
    );
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(300.0));
    // A newcomer after the first round moved its bytes since the last one.
    assert_eq!(total(&r, Direction::Outbound, "direct"), Some(5.0));
    let w = r.window.unwrap();
    assert_eq!((w.direct_bytes, w.total_bytes), (205.0, 205.0));
}

#[test]
fn a_restart_adds_the_new_values_whole_and_nothing_goes_back() {
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let t0 = Instant::now();
    t.observe(
        Some(&page(&[("direct", "1000")], &[("relay", "400")])),
        Some(500.0),
        t0,
    );
    // Restarted (uptime went back) and already past its old value.
    let r = t.observe(
        Some(&page(&[("direct", "1200")], &[("relay", "30")])),
        Some(2.0),
        t0 + Duration::from_secs(5),
    );
    assert!(
        r.failures.is_empty(),
        "a restart is no failure: {:?}",
        r.failures
    );
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(2200.0));
    assert_eq!(total(&r, Direction::Outbound, "relay"), Some(430.0));
    let w = r.window.unwrap();
    assert_eq!((w.direct_bytes, w.total_bytes), (1200.0, 1230.0));
}

#[test]
fn a_counter_going_back_while_running_is_counted_as_malformed() {
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let t0 = Instant::now();
    t.observe(Some(&page(&[("direct", "1000")], &[])), Some(500.0), t0);
    let r = t.observe(
        Some(&page(&[("direct", "10")], &[])),
        Some(505.0),
        t0 + Duration::from_secs(5),
    );
    assert_eq!(r.failures.len(), 1);
    assert_eq!(r.failures[0].reason, Reason::Malformed);
    assert!(
        r.failures[0].message.contains("went back"),
        "{}",
        r.failures[0].message
    );
    // Still only up: the new value is taken as moved since.
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(1010.0));
    // Without the uptime nobody can tell a restart: no failure.
    let r = t.observe(
        Some(&page(&[("direct", "5")], &[])),
        None,
        t0 + Duration::from_secs(6),
    );
    assert!(r.failures.is_empty());
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(1015.0));
}

#[test]
fn a_family_of_the_wrong_type_is_not_counted() {
    let text = "# TYPE twingate_inbound_bytes_total gauge\n\
        twingate_inbound_bytes_total{transport=\"direct\"} 100\n\
        # TYPE twingate_outbound_bytes_total counter\n\
        twingate_outbound_bytes_total{transport=\"relay\"} 9\n";
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let r = t.observe(Some(&parse_page(text).unwrap()), None, Instant::now());
    assert_eq!(r.failures.len(), 1, "{:?}", r.failures);
    assert!(r.failures[0].message.contains("declared a gauge"));
    assert_eq!(total(&r, Direction::Inbound, "direct"), None);
    assert_eq!(total(&r, Direction::Outbound, "relay"), Some(9.0));
    assert!(!r.missing_families);
    // Untyped (no TYPE line) is what a plain exposition may give: fine.
    let untyped = parse_page("twingate_inbound_bytes_total{transport=\"direct\"} 1\n").unwrap();
    let r = TrafficTracker::new(Duration::from_secs(60), 1).observe(
        Some(&untyped),
        None,
        Instant::now(),
    );
    assert!(r.failures.is_empty());
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(1.0));
}

#[test]
fn nan_and_infinities_leave_that_transport_as_it_was() {
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let t0 = Instant::now();
    t.observe(
        Some(&page(&[("direct", "100"), ("relay", "100")], &[])),
        Some(1.0),
        t0,
    );
    for (i, bad) in ["NaN", "+Inf", "-Inf", "-5"].into_iter().enumerate() {
        let r = t.observe(
            Some(&page(&[("direct", bad), ("relay", "150")], &[])),
            Some(2.0 + i as f64),
            t0 + Duration::from_secs(1 + i as u64),
        );
        assert_eq!(r.failures.len(), 1, "{bad}");
        assert_eq!(r.failures[0].reason, Reason::Malformed);
        assert_eq!(
            total(&r, Direction::Inbound, "direct"),
            Some(100.0),
            "{bad}"
        );
        assert_eq!(total(&r, Direction::Inbound, "relay"), Some(150.0), "{bad}");
        assert!(r.series.iter().all(|s| s.bytes_total.is_finite()));
    }
    let r = t.observe(
        Some(&page(&[("direct", "160"), ("relay", "150")], &[])),
        Some(9.0),
        t0 + Duration::from_secs(9),
    );
    assert!(r.failures.is_empty());
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(160.0));
}

#[test]
fn transport_values_are_bounded_and_the_rest_is_other() {
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let t0 = Instant::now();
    for round in 0..5u64 {
        let names: Vec<String> = (0..10_000).map(|i| format!("t{round}-{i}")).collect();
        let values: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "1")).collect();
        let r = t.observe(
            Some(&page(&values, &[("direct", "10")])),
            Some(round as f64),
            t0 + Duration::from_secs(round),
        );
        let transports: HashSet<&str> = r.series.iter().map(|s| s.transport.as_str()).collect();
        assert!(transports.len() <= MAX_TRANSPORTS, "{transports:?}");
        assert!(transports.contains(OTHER));
        assert_eq!(r.failures.len(), 1);
        assert!(
            r.failures[0]
                .message
                .starts_with(if round == 0 { "9995 " } else { "10000 " }),
            "{}",
            r.failures[0].message
        );
    }
    assert!(t.transports.len() < MAX_TRANSPORTS);
    assert!(t.counters.len() <= 2 * MAX_TRANSPORTS);
    // Unknown but few values keep a label of their own; odd ones do not.
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let long = "x".repeat(100);
    let r = t.observe(
        Some(&page(&[("quic", "3"), (&long, "4"), ("a b", "5")], &[])),
        None,
        t0,
    );
    assert_eq!(total(&r, Direction::Inbound, "quic"), Some(3.0));
    assert_eq!(total(&r, Direction::Inbound, OTHER), Some(9.0));
}

#[test]
fn a_page_without_the_families_is_an_old_connector() {
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let old = parse_page("twingate_connector_uptime_seconds 5\n").unwrap();
    let r = t.observe(Some(&old), Some(5.0), Instant::now());
    assert!(r.missing_families);
    assert!(r.failures.is_empty());
    assert!(r.window.is_none() && r.series.is_empty());
}

#[test]
fn the_ratio_covers_the_window_and_needs_enough_bytes() {
    let window = Duration::from_secs(100);
    let mut t = TrafficTracker::new(window, 1000);
    let t0 = Instant::now();
    let (mut direct, mut relay) = (0u64, 0u64);
    let mut observe = |t: &mut TrafficTracker, second: u64, d: u64, r: u64| {
        direct += d;
        relay += r;
        let p = page(
            &[
                ("direct", &direct.to_string()),
                ("relay", &relay.to_string()),
            ],
            &[],
        );
        t.observe(
            Some(&p),
            Some(second as f64),
            t0 + Duration::from_secs(second),
        )
    };
    observe(&mut t, 0, 0, 0);
    // 2 % direct for 100 s, then all relayed for 50 s.
    let mut r = None;
    for s in 1..=100 {
        r = Some(observe(&mut t, s, 2, 98));
    }
    let r = r.unwrap();
    assert_eq!(r.window.unwrap().seconds, Some(100.0));
    assert!(
        (r.direct_ratio.unwrap() - 0.02).abs() < 1e-9,
        "{:?}",
        r.direct_ratio
    );
    let mut r = None;
    for s in 101..=150 {
        r = Some(observe(&mut t, s, 0, 100));
    }
    let r = r.unwrap();
    assert!(
        (r.direct_ratio.unwrap() - 0.01).abs() < 1e-9,
        "{:?}",
        r.direct_ratio
    );
    // Idle: too little moved in the window, so no ratio rather than 0.
    let mut r = None;
    for s in 151..=260 {
        r = Some(observe(&mut t, s, 0, 5));
    }
    let r = r.unwrap();
    assert_eq!(r.window.unwrap().total_bytes, 500.0);
    assert_eq!(r.direct_ratio, None);
}

#[test]
fn a_failed_read_keeps_the_counters_and_drops_the_ratio() {
    let mut t = TrafficTracker::new(Duration::from_secs(60), 1);
    let t0 = Instant::now();
    t.observe(Some(&page(&[("direct", "10")], &[])), None, t0);
    let r = t.observe(
        Some(&page(&[("direct", "20")], &[])),
        None,
        t0 + Duration::from_secs(1),
    );
    assert_eq!(r.direct_ratio, Some(1.0));
    let r = t.observe(None, None, t0 + Duration::from_secs(2));
    assert_eq!(total(&r, Direction::Inbound, "direct"), Some(20.0));
    assert_eq!(r.direct_ratio, None);
    assert!(r.window.is_none() && r.failures.is_empty());
}

#[test]
fn a_long_window_with_a_short_interval_stays_small() {
    let mut w = window::Window::new(Duration::from_secs(86_400));
    let t0 = Instant::now();
    for i in 0..200_000u64 {
        w.push(
            t0 + Duration::from_millis(i * 500),
            i as f64,
            2.0 * i as f64,
        );
    }
    assert!(w.len() <= 1025, "{} points", w.len());
    let share = w.push(
        t0 + Duration::from_millis(200_000 * 500),
        200_000.0,
        400_000.0,
    );
    // 100,000 s of history, more than the window.
    assert_eq!(share.direct_ratio(), Some(0.5));
}
