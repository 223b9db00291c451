//! The status document and page, rendered in-process from hand-made rounds:
//! field by field, escaping of everything from outside, the offset scale.

mod common;

use std::time::Duration;

use common::reports::{clock, connector, host, stun};
use connector_exporter::probe::stun::NatBehaviour;
use connector_exporter::probe::{Failure, ProbeKind, Reason, Report};
use connector_exporter::sampler::{Sampler, Snapshot};
use connector_exporter::status::{Status, render_html};
use serde_json::Value;

const HOSTILE: &str = "<script>document.title=1</script>x";

fn snapshot(rounds: Vec<(ProbeKind, Result<Report, Failure>)>) -> std::sync::Arc<Snapshot> {
    let kinds: Vec<ProbeKind> = rounds.iter().map(|(k, _)| *k).collect();
    let sampler = Sampler::new(&kinds, Duration::from_secs(5));
    for (kind, outcome) in rounds {
        sampler.record(kind, outcome, Duration::from_millis(20));
    }
    std::sync::Arc::clone(&sampler.latest().snapshot)
}

#[test]
fn json_document_fields() {
    let snap = snapshot(vec![
        (ProbeKind::Clock, Ok(clock(Some(-6.0), true))),
        (ProbeKind::Host, Ok(host("connector-host-1"))),
    ]);
    let status = Status::new(&snap, 1_700_000_100.0);
    let json: Value = serde_json::from_str(&status.to_json()).unwrap();
    assert_eq!(json["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(json["generated_at"], 1_700_000_100.0);
    assert_eq!(json["verdict"], "problem");
    assert_eq!(json["problems"], 1);
    assert_eq!(json["clock_tolerance_seconds"], 5.0);
    let sections = json["sections"].as_array().unwrap();
    let names: Vec<&str> = sections
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["Connector", "Clock", "STUN/NAT", "Host"]);
    let clock_section = &sections[1];
    assert_eq!(clock_section["probe"], "clock");
    assert_eq!(clock_section["verdict"], "problem");
    let offset = &clock_section["lines"][0];
    assert_eq!(offset["check"], "offset");
    assert_eq!(offset["verdict"], "problem");
    assert!(offset["hint"].as_str().unwrap().contains("chrony"));

    let probes = json["probes"].as_array().unwrap();
    let by_name = |name: &str| probes.iter().find(|p| p["probe"] == name).unwrap();
    let c = by_name("clock");
    assert_eq!(c["enabled"], true);
    assert_eq!(c["rounds"], 1);
    assert_eq!(c["success"], true);
    assert_eq!(c["duration_seconds"], 0.02);
    assert!(c["last_round_timestamp_seconds"].as_f64().unwrap() > 1.6e9);
    assert_eq!(c["reason"], Value::Null);
    assert_eq!(c["report"]["offset_seconds"], -6.0);
    assert_eq!(c["failures_total"], serde_json::json!({}));
    let h = by_name("host");
    assert_eq!(h["report"]["hostname"], "connector-host-1");
    let s = by_name("stun");
    assert_eq!(s["enabled"], false);
    assert_eq!(s["success"], Value::Null);
    assert_eq!(s["report"], Value::Null);
}

#[test]
fn failed_round_shows_reason_and_counts() {
    let failure = Failure::new(Reason::Unreachable, "connection refused");
    let snap = snapshot(vec![(ProbeKind::Connector, Err(failure))]);
    let json: Value = serde_json::from_str(&Status::new(&snap, 0.0).to_json()).unwrap();
    let p = &json["probes"][2];
    assert_eq!(p["probe"], "connector");
    assert_eq!(p["success"], false);
    assert_eq!(p["reason"], "unreachable");
    assert_eq!(p["error"], "connection refused");
    assert_eq!(p["failures_total"]["unreachable"], 1);
}

#[test]
fn everything_from_outside_is_escaped() {
    let mut stun_report = stun(false, NatBehaviour::Unknown);
    if let Report::Stun(r) = &mut stun_report {
        r.servers[0].server = "\"><img src=x onerror=alert(1)>".to_owned();
        r.servers[0].outcome = Err(Failure::new(Reason::Malformed, "<b>bold</b> & 'quoted'"));
    }
    let snap = snapshot(vec![
        (ProbeKind::Stun, Ok(stun_report)),
        (ProbeKind::Host, Ok(host(HOSTILE))),
    ]);
    let page = render_html(&Status::new(&snap, 0.0), "/metrics\"><script>x</script>");
    assert!(!page.contains("<script"), "{page}");
    assert!(!page.contains("<img"), "{page}");
    assert!(!page.contains("<b>"), "{page}");
    assert!(page.contains("&lt;script&gt;document.title=1&lt;/script&gt;x"));
    assert!(page.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
    assert!(page.contains("&lt;b&gt;bold&lt;/b&gt; &amp; &#39;quoted&#39;"));
}

#[test]
fn page_shows_the_details_and_links() {
    let snap = snapshot(vec![
        (ProbeKind::Connector, Ok(connector(true, 0))),
        (ProbeKind::Clock, Ok(clock(Some(2.5), true))),
        (
            ProbeKind::Stun,
            Ok(stun(true, NatBehaviour::AddressAndPortDependent)),
        ),
        (ProbeKind::Host, Ok(host("connector-host-1"))),
    ]);
    let page = render_html(&Status::new(&snap, 1_700_000_100.0), "/metrics");
    for needle in [
        "<meta http-equiv=\"refresh\" content=\"10\">",
        "name=\"viewport\"",
        "<p class=\"host\" id=\"hostname\">connector-host-1</p>",
        "up for 3 h 12 min",
        "id=\"offset\">+2.500 s</strong>",
        "203.0.113.7:54321",
        "symmetric NAT",
        "10.0.0.5",
        "href=\"/metrics\"",
        "href=\"/api/v1/status\"",
        "<section class=\"card\" id=\"stun\" data-verdict=\"problem\">",
        "<section class=\"card\" id=\"clock\" data-verdict=\"warning\">",
        // +2.5 s of ±5 s is three quarters along the bar.
        "style=\"left:75.0%\"",
    ] {
        assert!(page.contains(needle), "missing {needle:?} in\n{page}");
    }
}

#[test]
fn offset_beyond_the_tolerance_stops_at_the_end_of_the_scale() {
    let snap = snapshot(vec![(ProbeKind::Clock, Ok(clock(Some(-60.0), true)))]);
    let page = render_html(&Status::new(&snap, 0.0), "/metrics");
    assert!(page.contains("style=\"left:0.0%\""), "{page}");
    assert!(page.contains("(off the scale)"));
    assert!(page.contains("class=\"marker problem\""));
}
