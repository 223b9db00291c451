//! The diagnosis rules on hand-made reports, recorded through the sampler as
//! a real round would be: every verdict and hint the issue names.

mod common;

use std::time::Duration;

use common::reports::{clock, clock_from_https, connector, host, stun};
use connector_exporter::diagnosis::{
    Diagnosis, Line, STUN_BLOCKED_HINT, SYMMETRIC_NAT_HINT, Verdict, diagnose,
};
use connector_exporter::probe::stun::NatBehaviour;
use connector_exporter::probe::{Failure, ProbeKind, Reason, Report};
use connector_exporter::sampler::Sampler;

const TOLERANCE: Duration = Duration::from_secs(5);

/// Diagnoses one round of each given outcome; other probes are disabled.
fn diagnose_rounds(rounds: Vec<(ProbeKind, Result<Report, Failure>)>) -> Diagnosis {
    let kinds: Vec<ProbeKind> = rounds.iter().map(|(k, _)| *k).collect();
    let sampler = Sampler::new(&kinds, TOLERANCE);
    for (kind, outcome) in rounds {
        sampler.record(kind, outcome, Duration::from_millis(20));
    }
    diagnose(&sampler.latest().snapshot)
}

fn line<'a>(d: &'a Diagnosis, probe: ProbeKind, check: &str) -> &'a Line {
    d.section(probe)
        .and_then(|s| s.lines.iter().find(|l| l.check == check))
        .unwrap_or_else(|| panic!("no {check} line in {probe}: {d:#?}"))
}

/// Every problem comes with something to do about it.
fn assert_hints(d: &Diagnosis) {
    for l in d.sections.iter().flat_map(|s| &s.lines) {
        if l.verdict == Verdict::Problem {
            assert!(l.hint.is_some(), "problem without a hint: {l:?}");
        }
    }
}

#[test]
fn clock_offset_against_the_tolerance() {
    let cases = [
        (
            -6.0,
            Verdict::Problem,
            "clock is 6.0 s behind the reference; the controller tolerates ±5 s",
        ),
        (
            5.0,
            Verdict::Problem,
            "clock is 5.0 s ahead of the reference",
        ),
        (
            3.2,
            Verdict::Warning,
            "clock is 3.2 s ahead of the reference, near the ±5 s",
        ),
        (-2.6, Verdict::Warning, "2.6 s behind"),
        (
            -0.012,
            Verdict::Ok,
            "-0.012 s ± 1 ms (within ±5 s), from NTP",
        ),
    ];
    for (offset, verdict, text) in cases {
        let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock(Some(offset), true)))]);
        let l = line(&d, ProbeKind::Clock, "offset");
        assert_eq!(l.verdict, verdict, "offset {offset}: {l:?}");
        assert!(l.value.contains(text), "offset {offset}: {:?}", l.value);
        assert_eq!(d.verdict, verdict);
        assert_hints(&d);
    }
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock(Some(-6.0), true)))]);
    let hint = line(&d, ProbeKind::Clock, "offset")
        .hint
        .as_deref()
        .unwrap();
    assert!(hint.contains("chrony"), "{hint}");
}

#[test]
fn an_offset_from_https_says_ntp_is_blocked_and_carries_its_error_bar() {
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock_from_https(-0.41, 0.02)))]);
    let l = line(&d, ProbeKind::Clock, "offset");
    assert_eq!(l.verdict, Verdict::Ok, "{l:?}");
    assert_eq!(
        l.value,
        "NTP blocked: offset from the controller's HTTPS Date: -0.410 s ± 20 ms (within ±5 s)"
    );
    // The failed NTP server is still named, as a warning.
    let server = line(&d, ProbeKind::Clock, "server");
    assert_eq!(
        (server.label.as_str(), server.verdict),
        ("127.0.0.1:123", Verdict::Warning)
    );
    assert_eq!(d.verdict, Verdict::Warning);
}

#[test]
fn an_error_bar_reaching_past_the_tolerance_is_a_warning() {
    // 4.9 s is inside ±5 s, but ± 0.2 s reaches 5.1 s.
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock_from_https(-4.9, 0.2)))]);
    let l = line(&d, ProbeKind::Clock, "offset");
    assert_eq!(l.verdict, Verdict::Warning, "{l:?}");
    assert!(
        l.value
            .contains("error bar of ±200 ms reaches past the tolerance"),
        "{}",
        l.value
    );
    assert!(l.value.contains("NTP blocked"), "{}", l.value);
    assert!(l.hint.is_some());
    // The same offset measured to ± 20 ms is only near the limit.
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock_from_https(-4.9, 0.02)))]);
    let l = line(&d, ProbeKind::Clock, "offset");
    assert!(l.value.contains("near the ±5 s"), "{}", l.value);
    // Beyond it, a problem whatever the bar.
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock_from_https(5.2, 0.3)))]);
    let l = line(&d, ProbeKind::Clock, "offset");
    assert_eq!(l.verdict, Verdict::Problem);
    assert_hints(&d);
}

#[test]
fn no_reference_time_is_a_problem_pointing_at_udp_123() {
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock(None, true)))]);
    let l = line(&d, ProbeKind::Clock, "offset");
    assert_eq!(l.verdict, Verdict::Problem);
    assert!(l.value.starts_with("no reference time"), "{}", l.value);
    assert!(l.hint.as_deref().unwrap().contains("UDP to port 123"));
    let server = line(&d, ProbeKind::Clock, "server");
    assert_eq!(server.verdict, Verdict::Warning);
    assert_eq!(server.label, "127.0.0.1:123");
    assert!(server.value.contains("timeout"), "{}", server.value);
}

#[test]
fn unsynchronised_kernel_clock_is_a_warning() {
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Ok(clock(Some(0.01), false)))]);
    assert_eq!(line(&d, ProbeKind::Clock, "offset").verdict, Verdict::Ok);
    assert_eq!(
        line(&d, ProbeKind::Clock, "kernel").verdict,
        Verdict::Warning
    );
    assert_eq!(d.verdict, Verdict::Warning);
}

#[test]
fn no_stun_answer_means_udp_is_blocked() {
    let d = diagnose_rounds(vec![(
        ProbeKind::Stun,
        Ok(stun(false, NatBehaviour::Unknown)),
    )]);
    let l = line(&d, ProbeKind::Stun, "public_address");
    assert_eq!(l.verdict, Verdict::Problem);
    assert_eq!(l.hint.as_deref(), Some(STUN_BLOCKED_HINT));
    assert!(l.value.contains("unreachable"), "{}", l.value);
    assert_eq!(d.verdict, Verdict::Problem);
}

#[test]
fn nat_kinds() {
    let cases = [
        (NatBehaviour::AddressAndPortDependent, Verdict::Problem),
        (NatBehaviour::AddressDependent, Verdict::Problem),
        (NatBehaviour::Unknown, Verdict::Warning),
        (NatBehaviour::EndpointIndependent, Verdict::Ok),
        (NatBehaviour::None, Verdict::Ok),
    ];
    for (mapping, verdict) in cases {
        let d = diagnose_rounds(vec![(ProbeKind::Stun, Ok(stun(true, mapping)))]);
        let nat = line(&d, ProbeKind::Stun, "nat");
        assert_eq!(nat.verdict, verdict, "{mapping:?}: {nat:?}");
        if verdict == Verdict::Problem {
            assert_eq!(nat.hint.as_deref(), Some(SYMMETRIC_NAT_HINT));
            assert!(nat.value.starts_with("symmetric NAT"), "{}", nat.value);
        }
        let public = line(&d, ProbeKind::Stun, "public_address");
        assert_eq!(public.value, "203.0.113.7:54321");
        assert_hints(&d);
    }
}

#[test]
fn connector_state_uptime_downtime_and_restarts() {
    let d = diagnose_rounds(vec![(ProbeKind::Connector, Ok(connector(true, 0)))]);
    let state = line(&d, ProbeKind::Connector, "state");
    assert_eq!(state.verdict, Verdict::Ok);
    assert!(
        state.value.starts_with("up for 3 h 12 min"),
        "{}",
        state.value
    );

    let d = diagnose_rounds(vec![(ProbeKind::Connector, Ok(connector(false, 0)))]);
    let state = line(&d, ProbeKind::Connector, "state");
    assert_eq!(state.verdict, Verdict::Problem);
    assert!(
        state.value.starts_with("down for 5 min 0 s"),
        "{}",
        state.value
    );
    assert_hints(&d);

    let d = diagnose_rounds(vec![(ProbeKind::Connector, Ok(connector(true, 2)))]);
    assert_eq!(
        line(&d, ProbeKind::Connector, "restarts").verdict,
        Verdict::Warning
    );
    assert_eq!(d.verdict, Verdict::Warning);
}

#[test]
fn host_facts_are_ok_lines() {
    let d = diagnose_rounds(vec![(ProbeKind::Host, Ok(host("connector-host-1")))]);
    assert_eq!(
        line(&d, ProbeKind::Host, "hostname").value,
        "connector-host-1"
    );
    assert!(
        line(&d, ProbeKind::Host, "container")
            .value
            .starts_with("docker")
    );
    assert_eq!(
        line(&d, ProbeKind::Host, "private_ip").value,
        "10.0.0.5 (eth0)"
    );
    assert_eq!(d.verdict, Verdict::Ok);
}

#[test]
fn disabled_probes_are_said_and_not_a_problem() {
    let d = diagnose_rounds(vec![(ProbeKind::Host, Ok(host("h")))]);
    for probe in [ProbeKind::Clock, ProbeKind::Stun, ProbeKind::Connector] {
        let l = line(&d, probe, "probe");
        assert_eq!((l.verdict, l.value.as_str()), (Verdict::Ok, "disabled"));
    }
    let names: Vec<&str> = d.sections.iter().map(|s| s.name).collect();
    assert_eq!(names, ["Connector", "Clock", "STUN/NAT", "Host"]);
}

#[test]
fn a_failed_round_is_a_problem_with_its_reason() {
    let failure = Failure::new(Reason::Timeout, "round did not finish within 1s");
    let d = diagnose_rounds(vec![(ProbeKind::Clock, Err(failure))]);
    let l = line(&d, ProbeKind::Clock, "probe");
    assert_eq!(l.verdict, Verdict::Problem);
    assert_eq!(
        l.value,
        "round failed: timeout: round did not finish within 1s"
    );
    assert!(l.hint.as_deref().unwrap().contains("--clock.timeout"));
}

#[test]
fn a_probe_before_its_first_round_is_a_warning() {
    let sampler = Sampler::new(&[ProbeKind::Host], TOLERANCE);
    let d = diagnose(&sampler.latest().snapshot);
    assert_eq!(line(&d, ProbeKind::Host, "probe").verdict, Verdict::Warning);
}
