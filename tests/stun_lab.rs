//! The exporter in a NAT lab made of network namespaces (root only; CI runs
//! as root): each kind of NAT must be classified as RFC 4787 defines it.

mod common;

use std::process::Command;
use std::time::Duration;

use common::check::{line, run};
use common::exporter::{Exporter, binary, isolated};
use common::metrics::Metrics;
use common::netns::{CLIENT_ADDRESS, Lab, NatKind, OUTSIDE_ADDRESS, lab_available};
use connector_exporter::diagnosis::NOT_CLASSIFIED;

const ROUND: &[&str] = &["--stun.interval=1s", "--stun.timeout=3s"];

fn exporter_in(lab: &Lab) -> Exporter {
    let server = lab.stun_server_flag();
    let mut args = vec![server.as_str()];
    args.extend_from_slice(ROUND);
    Exporter::start_in_netns(&lab.client, &args)
}

/// The labels of the one `connector_nat_info` series and the public IP.
fn verdict(m: &Metrics) -> (String, String, f64, String) {
    let nat = m.find("connector_nat_info", &[]);
    assert_eq!(nat.len(), 1, "one connector_nat_info series");
    let public = m.find("connector_public_ip_info", &[]);
    assert_eq!(public.len(), 1, "one connector_public_ip_info series");
    (
        nat[0].labels["mapping"].clone(),
        nat[0].labels["filtering"].clone(),
        m.get("connector_p2p_possible", &[]).expect("p2p verdict"),
        public[0].labels["address"].clone(),
    )
}

fn classify(kind: NatKind, expected: (&str, &str, f64, &str)) {
    if !lab_available() {
        return;
    }
    let lab = Lab::new(kind);
    let e = exporter_in(&lab);
    let m = e.wait_rounds("stun", 1, Duration::from_secs(20));
    let context = || {
        format!(
            "{kind:?}\nexporter logs:\n{}\ncoturn:\n{}",
            e.logs(),
            lab.coturn_log()
        )
    };
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "stun")]),
        Some(1.0),
        "{}",
        context()
    );
    let (mapping, filtering, p2p, public) = verdict(&m);
    let seconds = m.get("connector_probe_duration_seconds", &[("probe", "stun")]);
    eprintln!(
        "{kind:?}: mapping={mapping} filtering={filtering} p2p={p2p} public={public} round={seconds:?}s"
    );
    assert_eq!(
        (mapping.as_str(), filtering.as_str(), p2p, public.as_str()),
        expected,
        "{}",
        context()
    );
}

#[test]
fn lab_no_nat() {
    classify(
        NatKind::NoNat,
        ("none", "endpoint_independent", 1.0, CLIENT_ADDRESS),
    );
}

#[test]
fn lab_full_cone() {
    let ei = "endpoint_independent";
    classify(NatKind::FullCone, (ei, ei, 1.0, OUTSIDE_ADDRESS));
}

#[test]
fn lab_port_restricted_cone() {
    classify(
        NatKind::PortRestricted,
        (
            "endpoint_independent",
            "address_and_port_dependent",
            1.0,
            OUTSIDE_ADDRESS,
        ),
    );
}

#[test]
fn lab_symmetric() {
    let apd = "address_and_port_dependent";
    classify(NatKind::Symmetric, (apd, apd, 0.0, OUTSIDE_ADDRESS));
}

#[test]
fn lab_public_ip_change_is_counted() {
    if !lab_available() {
        return;
    }
    let mut lab = Lab::new(NatKind::FullCone);
    let e = exporter_in(&lab);
    let before = [("address", OUTSIDE_ADDRESS), ("family", "ipv4")];
    e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_public_ip_info", &before) == Some(1.0)
    });
    let moved = "100.64.0.4";
    lab.move_outside_address(moved);
    assert_eq!(lab.outside(), moved);
    let after = [("address", moved), ("family", "ipv4")];
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_public_ip_info", &after) == Some(1.0)
    });
    assert_eq!(m.get("connector_public_ip_changes_total", &[]), Some(1.0));
    assert_eq!(
        m.find("connector_public_ip_info", &[]).len(),
        1,
        "the old address is gone"
    );
}

/// The README's own setup: one STUN server that offers no OTHER-ADDRESS,
/// behind a real NAT. The mapping cannot be classified, so there is no
/// peer-to-peer verdict at all (not a 0 that pages on every host), and the
/// status page and `check` say what would classify it.
#[test]
fn lab_one_server_without_other_address_gives_no_p2p_verdict() {
    if !lab_available() {
        return;
    }
    let lab = Lab::with_one_stun_address(NatKind::PortRestricted);
    let e = exporter_in(&lab);
    let m = e.wait_rounds("stun", 1, Duration::from_secs(20));
    let context = || {
        format!(
            "exporter logs:\n{}\ncoturn:\n{}",
            e.logs(),
            lab.coturn_log()
        )
    };
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "stun")]),
        Some(1.0),
        "{}",
        context()
    );
    let nat = m.find("connector_nat_info", &[]);
    assert_eq!(nat.len(), 1, "{}", context());
    assert_eq!(nat[0].labels["mapping"], "unknown", "{}", context());
    let public = [("address", OUTSIDE_ADDRESS), ("family", "ipv4")];
    assert_eq!(m.get("connector_public_ip_info", &public), Some(1.0));
    assert!(
        !m.has("connector_p2p_possible"),
        "mapping unknown: connector_p2p_possible must be absent\n{}",
        e.metrics_text()
    );

    let page = e.get("/").text();
    assert!(page.contains(NOT_CLASSIFIED), "{page}");

    let server = lab.stun_server_flag();
    let mut command = Command::new("ip");
    command
        .args(["netns", "exec", &lab.client])
        .arg(binary())
        .args(["check", "--json"])
        .args(isolated(&[&server, "--stun.timeout=3s"]));
    let run = run(&mut command);
    // A note, not a problem: nothing is wrong with the host.
    assert_eq!(run.code, 0, "{run}");
    let json = run.json();
    let nat = line(&json, "STUN/NAT", "nat");
    assert_eq!(nat["verdict"], "warning", "{nat}");
    assert!(
        nat["value"].as_str().unwrap().contains(NOT_CLASSIFIED),
        "{nat}"
    );
    let stun = json["probes"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["probe"] == "stun"))
        .expect("stun probe in the JSON");
    assert_eq!(stun["report"]["p2p_possible"], serde_json::Value::Null);
}
