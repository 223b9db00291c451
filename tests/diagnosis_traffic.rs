//! The traffic line: the connector's direct share judged against STUN's
//! verdict, on hand-made reports recorded through the sampler, and in the
//! status document that `/`, `/api/v1/status` and `check` share.

mod common;

use std::time::Duration;

use common::reports::{connector_traffic, stun};
use connector_exporter::diagnosis::{
    DIRECT_HINT, Diagnosis, Line, OLD_CONNECTOR_HINT, RELAYED_HINT, Verdict, diagnose,
};
use connector_exporter::probe::stun::NatBehaviour;
use connector_exporter::probe::{ProbeKind, Report};
use connector_exporter::sampler::Sampler;
use connector_exporter::status::{Status, render_html};

const MIB: f64 = 1024.0 * 1024.0;

fn sampler(connector: Report, stun: Option<Report>) -> std::sync::Arc<Sampler> {
    let mut kinds = vec![ProbeKind::Connector];
    if stun.is_some() {
        kinds.push(ProbeKind::Stun);
    }
    let sampler = Sampler::new(&kinds, Duration::from_secs(5));
    sampler.record(
        ProbeKind::Connector,
        Ok(connector),
        Duration::from_millis(5),
    );
    if let Some(stun) = stun {
        sampler.record(ProbeKind::Stun, Ok(stun), Duration::from_millis(5));
    }
    sampler
}

fn traffic_line(d: &Diagnosis) -> Line {
    d.section(ProbeKind::Connector)
        .and_then(|s| s.lines.iter().find(|l| l.check == "traffic"))
        .cloned()
        .unwrap_or_else(|| panic!("no traffic line: {d:#?}"))
}

fn judge(share: f64, mapping: Option<NatBehaviour>) -> Line {
    let stun = mapping.map(|m| stun(true, m));
    let s = sampler(connector_traffic(Some((900.0, 50.0 * MIB, share))), stun);
    traffic_line(&diagnose(&s.latest().snapshot))
}

#[test]
fn possible_but_relayed_is_a_warning_pointing_at_udp() {
    let l = judge(0.02, Some(NatBehaviour::EndpointIndependent));
    assert_eq!(l.verdict, Verdict::Warning);
    assert_eq!(
        l.value,
        "peer-to-peer possible (STUN), but 2 % of traffic was direct in the last 15 min"
    );
    assert_eq!(l.hint.as_deref(), Some(RELAYED_HINT));
    assert!(RELAYED_HINT.starts_with("check that outbound UDP to the peers is allowed"));
    // Not behind NAT at all: possible too.
    assert_eq!(
        judge(0.0, Some(NatBehaviour::None)).verdict,
        Verdict::Warning
    );
}

#[test]
fn impossible_but_direct_says_stun_sees_another_path() {
    let l = judge(0.5, Some(NatBehaviour::AddressAndPortDependent));
    assert_eq!(l.verdict, Verdict::Ok, "informative, like its alert");
    assert_eq!(
        l.value,
        "peer-to-peer impossible (STUN), but 50 % of traffic was direct in the last 15 min"
    );
    assert_eq!(l.hint.as_deref(), Some(DIRECT_HINT));
}

#[test]
fn agreement_and_no_verdict_are_plain_facts() {
    for (share, mapping) in [
        (0.9, Some(NatBehaviour::EndpointIndependent)),
        (0.0, Some(NatBehaviour::AddressDependent)),
        // The mapping unknown: STUN gives no verdict, nothing contradicts.
        (0.02, Some(NatBehaviour::Unknown)),
        // STUN off.
        (0.02, None),
    ] {
        let l = judge(share, mapping);
        assert_eq!(l.verdict, Verdict::Ok, "{share} {mapping:?}");
        assert!(l.hint.is_none(), "{share} {mapping:?}: {l:?}");
        assert!(
            l.value
                .contains("was direct (peer-to-peer) in the last 15 min"),
            "{}",
            l.value
        );
    }
    assert_eq!(
        judge(0.9, Some(NatBehaviour::None)).value,
        "90 % of 50.0 MiB was direct (peer-to-peer) in the last 15 min"
    );
}

#[test]
fn too_little_traffic_is_no_verdict() {
    let stun = Some(stun(true, NatBehaviour::EndpointIndependent));
    let s = sampler(connector_traffic(Some((900.0, 0.2 * MIB, 0.0))), stun);
    let l = traffic_line(&diagnose(&s.latest().snapshot));
    assert_eq!(l.verdict, Verdict::Ok);
    assert_eq!(
        l.value,
        "too little traffic to judge (0.2 MiB in the last 15 min, fewer than 1.0 MiB)"
    );
}

#[test]
fn an_old_connector_is_said_with_what_to_do() {
    let s = sampler(connector_traffic(None), None);
    let l = traffic_line(&diagnose(&s.latest().snapshot));
    assert_eq!(l.verdict, Verdict::Ok);
    assert!(l.value.contains("older than 1.80"), "{}", l.value);
    assert_eq!(l.hint.as_deref(), Some(OLD_CONNECTOR_HINT));
}

#[test]
fn the_page_and_the_json_carry_the_same_line() {
    let stun = Some(stun(true, NatBehaviour::EndpointIndependent));
    let s = sampler(connector_traffic(Some((900.0, 50.0 * MIB, 0.02))), stun);
    let published = s.latest();
    let status = Status::new(&published.snapshot, 1_700_000_000.0);
    let json: serde_json::Value = serde_json::from_str(&status.to_json()).unwrap();
    let lines = json["sections"][0]["lines"].as_array().unwrap();
    let line = lines.iter().find(|l| l["check"] == "traffic").unwrap();
    assert_eq!(line["verdict"], "warning");
    assert!(
        line["value"]
            .as_str()
            .unwrap()
            .contains("2 % of traffic was direct")
    );
    let connector = json["probes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["probe"] == "connector")
        .unwrap();
    assert_eq!(connector["report"]["traffic"]["direct_ratio"], 0.02);
    let html = render_html(&status, "/metrics");
    assert!(html.contains("data-check=\"traffic\" data-verdict=\"warning\""));
    assert!(html.contains("check that outbound UDP to the peers is allowed"));
    assert!(
        html.contains("<dt>Direct traffic</dt><dd>2 % (15 min)</dd>"),
        "{html}"
    );
}
