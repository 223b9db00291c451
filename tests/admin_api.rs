//! The admin_api probe: the real binary against a real HTTPS GraphQL server
//! on loopback, honest (every state, pagination, persistence) and hostile
//! (every fault of the list). The key must appear in no output.

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use common::certs::{self, Certs};
use common::exporter::{Exporter, binary};
use common::graphql::{self, GraphqlServer, KEY, Mode, assert_no_key, eventually};
use common::metrics::Metrics;

const KEY_ENV: &str = "CONNECTOR_EXPORTER_TWINGATE_API_KEY";

fn args(server: &GraphqlServer, certs: &Certs, extra: &[&str]) -> Vec<String> {
    let mut a = vec![
        format!("--twingate.api-url={}", server.url()),
        format!("--twingate.ca-file={}", certs.path_str("ca.crt")),
    ];
    for default in ["--twingate.interval=1s", "--twingate.timeout=1s"] {
        let flag = default.split('=').next().unwrap();
        if !extra.iter().any(|e| e.starts_with(flag)) {
            a.push(default.to_owned());
        }
    }
    a.extend(extra.iter().map(|s| s.to_string()));
    a
}

fn start(server: &GraphqlServer, certs: &Certs, extra: &[&str]) -> Exporter {
    start_with_key(server, certs, KEY, extra)
}

fn start_with_key(server: &GraphqlServer, certs: &Certs, key: &str, extra: &[&str]) -> Exporter {
    let a = args(server, certs, extra);
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    let mut command = Command::new(binary());
    command.env(KEY_ENV, key);
    Exporter::start_with(command, &refs)
}

/// Waits for a finished admin_api round and returns the metrics then.
fn after_round(e: &Exporter) -> Metrics {
    e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_probe_success", &[("probe", "admin_api")])
            .is_some()
    })
}

/// Every output a person or a machine could see, for the key check.
fn every_output(e: &Exporter) -> Vec<(&'static str, String)> {
    vec![
        ("/metrics", e.metrics_text()),
        ("/", e.get("/").text()),
        ("/api/v1/status", e.get("/api/v1/status").text()),
        ("logs", e.logs()),
        (
            "command line",
            std::fs::read_to_string(format!("/proc/{}/cmdline", e.pid())).unwrap_or_default(),
        ),
    ]
}

fn state(m: &Metrics, connector: &str, state: &str) -> Option<f64> {
    m.get(
        "connector_controller_state",
        &[("connector", connector), ("state", state)],
    )
}

#[test]
fn every_state_of_a_small_fleet_is_exported_and_the_key_stays_secret() {
    let certs = certs::make();
    let server = GraphqlServer::start(&certs, graphql::small_fleet(), Mode::Honest);
    let e = start(&server, &certs, &[]);
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_probe_success", &[("probe", "admin_api")]) == Some(1.0)
    });
    for (name, current) in [
        ("alpha", "ALIVE"),
        ("bravo", "DEAD_NO_HEARTBEAT"),
        ("charlie", "DEAD_HEARTBEAT_TOO_OLD"),
        ("delta", "DEAD_NO_RELAYS"),
        ("echo", "unknown"),
    ] {
        for s in [
            "ALIVE",
            "DEAD_NO_HEARTBEAT",
            "DEAD_HEARTBEAT_TOO_OLD",
            "DEAD_NO_RELAYS",
            "unknown",
        ] {
            let want = if s == current { 1.0 } else { 0.0 };
            assert_eq!(state(&m, name, s), Some(want), "{name} {s}");
        }
        let up = m.get("connector_controller_up", &[("connector", name)]);
        assert_eq!(
            up,
            Some(if current == "ALIVE" { 1.0 } else { 0.0 }),
            "{name}"
        );
    }
    let alpha = m.find("connector_controller_info", &[("connector", "alpha")]);
    assert_eq!(alpha.len(), 1);
    let labels = &alpha[0].labels;
    assert_eq!(labels["hostname"], "host-alpha");
    assert_eq!(labels["version"], "1.80.0");
    assert_eq!(labels["public_ip"], "203.0.113.2");
    assert_eq!(labels["remote_network"], "network-1");
    assert_eq!(labels["connector_id"], "Q29ubmVjdG9yOj000001");
    assert_eq!(
        m.get(
            "connector_controller_private_ip_info",
            &[
                ("connector", "alpha"),
                ("address", "10.1.0.2"),
                ("family", "ipv4")
            ]
        ),
        Some(1.0)
    );
    // No heartbeat: absent, never 0. A heartbeat: the fixture's time.
    assert!(
        m.find(
            "connector_controller_last_heartbeat_timestamp_seconds",
            &[("connector", "bravo")]
        )
        .is_empty()
    );
    assert_eq!(
        m.get(
            "connector_controller_last_heartbeat_timestamp_seconds",
            &[("connector", "delta")]
        ),
        Some(1_796_079_600.0)
    );
    // Down since its last heartbeat when first seen; ALIVE since now.
    assert_eq!(
        m.get(
            "connector_controller_state_change_timestamp_seconds",
            &[("connector", "delta")]
        ),
        Some(1_796_079_600.0)
    );
    assert!(
        m.get(
            "connector_controller_downtime_seconds",
            &[("connector", "delta")]
        )
        .unwrap()
            > 3600.0
    );
    assert_eq!(
        m.get(
            "connector_controller_uptime_seconds",
            &[("connector", "delta")]
        ),
        Some(0.0)
    );
    assert_eq!(
        m.get(
            "connector_controller_downtime_seconds",
            &[("connector", "alpha")]
        ),
        Some(0.0)
    );
    let count = |network: &str, s: &str| {
        m.get(
            "connector_controller_connectors",
            &[("remote_network", network), ("state", s)],
        )
    };
    assert_eq!(count("network-1", "ALIVE"), Some(1.0));
    assert_eq!(count("network-1", "DEAD_NO_HEARTBEAT"), Some(1.0));
    assert_eq!(
        count("network-2", "ALIVE"),
        Some(0.0),
        "present as 0: the all-dead alert needs it"
    );
    assert_eq!(count("network-2", "unknown"), Some(1.0));
    // What went on the wire: the header, the page size, no cursor on page one.
    let seen = server.seen();
    assert!(!seen.is_empty());
    assert_eq!(seen[0].key.as_deref(), Some(KEY));
    assert_eq!(seen[0].first, Some(50));
    assert_eq!(seen[0].after, None);
    for (what, text) in every_output(&e) {
        assert_no_key(what, &text);
    }
    let status: serde_json::Value = serde_json::from_str(&e.get("/api/v1/status").text()).unwrap();
    let section = status["sections"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["probe"] == "admin_api");
    assert!(section.is_some(), "a Controller section: {status:#}");
}

#[test]
fn pages_are_followed_to_the_end() {
    let certs = certs::make();
    let server = GraphqlServer::start(&certs, graphql::big_fleet(120), Mode::Honest);
    let e = start(&server, &certs, &[]);
    let m = after_round(&e);
    assert_eq!(
        m.find("connector_controller_up", &[]).len(),
        120,
        "{}",
        e.logs()
    );
    let afters: Vec<Option<String>> = server
        .seen()
        .iter()
        .take(3)
        .map(|s| s.after.clone())
        .collect();
    assert_eq!(
        afters,
        [None, Some("c50".to_owned()), Some("c100".to_owned())]
    );
}

fn failing(mode: Mode, extra: &[&str]) -> (Metrics, Exporter, GraphqlServer, Certs) {
    let certs = certs::make();
    let server = GraphqlServer::start(&certs, graphql::small_fleet(), mode);
    let e = start(&server, &certs, extra);
    let m = after_round(&e);
    (m, e, server, certs)
}

fn assert_failed_with(m: &Metrics, e: &Exporter, reason: &str) {
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "admin_api")]),
        Some(0.0),
        "{}",
        e.logs()
    );
    assert!(
        m.get(
            "connector_probe_failures_total",
            &[("probe", "admin_api"), ("reason", reason)]
        )
        .is_some_and(|n| n >= 1.0),
        "reason {reason}:\n{}\n{}",
        e.metrics_text(),
        e.logs()
    );
    // No made-up numbers: no controller series at all.
    assert!(m.find("connector_controller_up", &[]).is_empty());
    // The exporter keeps serving and the other probes keep running.
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "host")]),
        Some(1.0)
    );
    for (what, text) in every_output(e) {
        assert_no_key(what, &text);
    }
}

#[test]
fn a_refused_key_says_so_and_never_shows_either_key() {
    for code in [401, 403] {
        let (m, e, _s, _c) = failing(Mode::Status(code), &[]);
        assert_failed_with(&m, &e, "error_response");
        assert!(e.logs().contains("refused the key"), "{}", e.logs());
    }
    // A wrong key: the server's real 401; the wrong key is a secret too.
    let certs = certs::make();
    let server = GraphqlServer::start(&certs, graphql::small_fleet(), Mode::Honest);
    let wrong = "tgk-WRONG-0000-111122223333";
    let e = start_with_key(&server, &certs, wrong, &[]);
    let m = after_round(&e);
    assert_failed_with(&m, &e, "error_response");
    for (what, text) in every_output(&e) {
        assert!(!text.contains(wrong), "{what} shows the wrong key");
    }
}

#[test]
fn server_errors_garbage_and_graphql_errors_are_failures_with_reasons() {
    for (mode, reason) in [
        (Mode::Status(500), "error_response"),
        (Mode::Status(503), "error_response"),
        (Mode::NotJson, "malformed"),
        (Mode::GraphqlErrors, "error_response"),
        (Mode::DataNull, "malformed"),
        (Mode::StuckCursor, "malformed"),
        (Mode::Huge, "malformed"),
    ] {
        let (m, e, _s, _c) = failing(mode.clone(), &[]);
        assert_failed_with(&m, &e, reason);
        if mode == Mode::GraphqlErrors {
            // The server echoed the key; it was cut out before the log.
            assert!(e.logs().contains("<redacted>"), "{}", e.logs());
        }
    }
}

#[test]
fn pagination_that_never_ends_is_cut_at_the_page_cap() {
    let (m, e, server, _c) = failing(
        Mode::EndlessCursor,
        &["--twingate.timeout=30s", "--twingate.interval=60s"],
    );
    assert_failed_with(&m, &e, "malformed");
    assert_eq!(server.requests(), 1000, "{}", e.logs());
    assert!(
        e.logs().contains("still more pages after 1000"),
        "{}",
        e.logs()
    );
}

#[test]
fn a_server_that_never_answers_is_a_timeout() {
    let (m, e, _s, _c) = failing(Mode::Silent, &[]);
    assert_failed_with(&m, &e, "timeout");
}

#[test]
fn a_certificate_that_does_not_verify_is_refused() {
    // Signed by a CA we do not trust, and with only the built-in roots.
    let certs = certs::make();
    let server = GraphqlServer::start(&certs, graphql::small_fleet(), Mode::Honest);
    for ca in [Some(certs.path_str("other-ca.crt")), None] {
        let mut a = vec![
            format!("--twingate.api-url={}", server.url()),
            "--twingate.interval=1s".to_owned(),
            "--twingate.timeout=1s".to_owned(),
        ];
        if let Some(ca) = &ca {
            a.push(format!("--twingate.ca-file={ca}"));
        }
        let refs: Vec<&str> = a.iter().map(String::as_str).collect();
        let mut command = Command::new(binary());
        command.env(KEY_ENV, KEY);
        let e = Exporter::start_with(command, &refs);
        let m = after_round(&e);
        assert_failed_with(&m, &e, "tls");
    }
    assert_eq!(
        server.requests(),
        0,
        "no request over an unverified connection"
    );
}

/// Rounds of admin_api that sent a request, by the server's count.
fn quiet_for(server: &GraphqlServer, since: Instant) -> Duration {
    let seen = server.seen();
    let last_429 = seen
        .iter()
        .rev()
        .find(|s| s.at <= since)
        .map(|s| s.at)
        .unwrap_or(since);
    match seen.iter().find(|s| s.at > last_429) {
        Some(next) => next.at - last_429,
        None => Instant::now() - last_429,
    }
}

#[test]
fn retry_after_in_seconds_is_honoured_and_counted() {
    let (_m, e, server, _c) = failing(
        Mode::RateLimited {
            retry_after: Some("4".to_owned()),
            times: 1,
        },
        &[],
    );
    let limited_at = Instant::now();
    // Success again once the wait is over.
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_probe_success", &[("probe", "admin_api")]) == Some(1.0)
    });
    let gap = quiet_for(&server, limited_at);
    assert!(
        gap >= Duration::from_millis(3800),
        "asked again after {gap:?}"
    );
    let limited = m
        .get(
            "connector_probe_failures_total",
            &[("probe", "admin_api"), ("reason", "rate_limited")],
        )
        .unwrap();
    assert!(
        limited >= 3.0,
        "the 429 and the skipped rounds are counted: {limited}"
    );
    assert_eq!(m.find("connector_controller_up", &[]).len(), 5);
}

#[test]
fn retry_after_as_an_http_date_is_honoured() {
    let (_m, e, server, _c) = failing(
        Mode::RateLimited {
            retry_after: Some("date+5".to_owned()),
            times: 1,
        },
        &[],
    );
    let limited_at = Instant::now();
    e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_probe_success", &[("probe", "admin_api")]) == Some(1.0)
    });
    // HTTP dates have whole seconds: at least 3 s of the 5 asked.
    let gap = quiet_for(&server, limited_at);
    assert!(gap >= Duration::from_secs(3), "asked again after {gap:?}");
}

#[test]
fn without_retry_after_the_probe_backs_off_and_keeps_the_last_fleet() {
    let certs = certs::make();
    let server = GraphqlServer::start(&certs, graphql::small_fleet(), Mode::Honest);
    let e = start(&server, &certs, &[]);
    e.wait_for(Duration::from_secs(20), |m| {
        m.find("connector_controller_up", &[]).len() == 5
    });
    server.set_mode(Mode::RateLimited {
        retry_after: None,
        times: 2,
    });
    let before = server.requests();
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.get(
            "connector_probe_failures_total",
            &[("probe", "admin_api"), ("reason", "rate_limited")],
        )
        .is_some_and(|n| n >= 2.0)
    });
    // While throttled the last fleet stays, marked by probe_success 0.
    assert_eq!(m.find("connector_controller_up", &[]).len(), 5);
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "admin_api")]),
        Some(0.0)
    );
    assert!(eventually(Duration::from_secs(20), || server.requests() >= before + 3));
    // Two 429s in a row: 1 then 2 intervals skipped; never more than one
    // request per interval.
    let seen = server.seen();
    let times: Vec<Instant> = seen[before..before + 3].iter().map(|s| s.at).collect();
    assert!(
        times[1] - times[0] >= Duration::from_millis(1500),
        "{:?}",
        times[1] - times[0]
    );
    assert!(
        times[2] - times[1] >= Duration::from_millis(2500),
        "{:?}",
        times[2] - times[1]
    );
    assert!(eventually(Duration::from_secs(10), || {
        e.metrics()
            .get("connector_probe_success", &[("probe", "admin_api")])
            == Some(1.0)
    }));
}

#[test]
fn controller_uptime_survives_an_exporter_restart() {
    let certs = certs::make();
    let storage = tempfile::tempdir().unwrap();
    let storage_flag = format!("--storage.path={}", storage.path().display());
    let server = GraphqlServer::start(&certs, graphql::small_fleet(), Mode::Honest);
    let e = start(&server, &certs, &[&storage_flag]);
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.find("connector_controller_up", &[]).len() == 5
    });
    let since = m
        .get(
            "connector_controller_state_change_timestamp_seconds",
            &[("connector", "alpha")],
        )
        .unwrap();
    e.stop();
    std::thread::sleep(Duration::from_millis(1100));
    let e = start(&server, &certs, &[&storage_flag]);
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.find("connector_controller_up", &[]).len() == 5
    });
    assert_eq!(
        m.get(
            "connector_controller_state_change_timestamp_seconds",
            &[("connector", "alpha")]
        ),
        Some(since)
    );
    assert!(
        m.get(
            "connector_controller_uptime_seconds",
            &[("connector", "alpha")]
        )
        .unwrap()
            >= 1.0
    );
    let file = std::fs::read_to_string(storage.path().join("controller-state.json")).unwrap();
    assert_no_key("state file", &file);
    // A transition is remembered too.
    let mut fleet = graphql::small_fleet();
    fleet[0]["state"] = "DEAD_NO_RELAYS".into();
    server.set_fleet(fleet);
    let m = e.wait_for(Duration::from_secs(20), |m| {
        m.get("connector_controller_up", &[("connector", "alpha")]) == Some(0.0)
    });
    let went_down = m
        .get(
            "connector_controller_state_change_timestamp_seconds",
            &[("connector", "alpha")],
        )
        .unwrap();
    assert!(went_down > since);
}

#[test]
fn ten_thousand_connectors_over_two_hundred_pages() {
    let certs = certs::make();
    let server = GraphqlServer::start(&certs, graphql::big_fleet(10_000), Mode::Honest);
    let e = start(
        &server,
        &certs,
        &["--twingate.interval=60s", "--twingate.timeout=50s"],
    );
    let m = e.wait_for(Duration::from_secs(60), |m| {
        m.get("connector_probe_success", &[("probe", "admin_api")])
            .is_some()
    });
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "admin_api")]),
        Some(1.0),
        "{}",
        e.logs()
    );
    assert_eq!(m.find("connector_controller_up", &[]).len(), 10_000);
    assert_eq!(server.requests(), 200);
    let took = m
        .get(
            "connector_probe_duration_seconds",
            &[("probe", "admin_api")],
        )
        .unwrap();
    let rss = m.get("process_resident_memory_bytes", &[]).unwrap();
    let body = e.metrics_text().len();
    let status = std::fs::read_to_string(format!("/proc/{}/status", e.pid())).unwrap();
    let peak = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .unwrap_or("VmHWM: unknown")
        .to_owned();
    eprintln!("peak resident memory of the exporter: {peak}");
    eprintln!(
        "10,000 connectors: round {took:.2} s, exporter RSS {:.1} MiB, /metrics {:.1} MiB",
        rss / 1048576.0,
        body as f64 / 1048576.0
    );
    // Bounded: a few hundred bytes per series, not a copy per page.
    assert!(rss < 400.0 * 1048576.0, "RSS {rss}");
}

/// `--twingate.connector`: the host's view beside the controller's, as metrics
/// and in `check`, with the hint of the DEAD state.
#[test]
fn a_host_polling_for_its_own_connector_cross_checks_it() {
    let certs = certs::make();
    let hostname = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .unwrap()
        .trim()
        .to_owned();
    let mut fleet = graphql::small_fleet();
    fleet[0]["hostname"] = hostname.clone().into();
    let server = GraphqlServer::start(&certs, fleet.clone(), Mode::Honest);
    let mut connector = common::connector::FakeConnector::new();
    connector.start();
    let connector_flag = connector.flag();
    let own = [
        connector_flag.as_str(),
        "--connector.systemd-unit=",
        "--twingate.connector=alpha",
    ];
    let e = start(&server, &certs, &own);
    let agreement =
        |m: &Metrics, check: &str| m.get("connector_controller_agreement", &[("check", check)]);
    let m = e.wait_for(Duration::from_secs(20), |m| agreement(m, "up").is_some());
    assert_eq!(agreement(&m, "up"), Some(1.0), "{}", e.metrics_text());
    assert_eq!(agreement(&m, "hostname"), Some(1.0));
    assert_eq!(agreement(&m, "public_ip"), None, "no STUN: unknown, absent");
    // The controller loses it while the process runs.
    fleet[0]["state"] = "DEAD_NO_RELAYS".into();
    server.set_fleet(fleet);
    let m = e.wait_for(Duration::from_secs(20), |m| agreement(m, "up") == Some(0.0));
    assert_eq!(agreement(&m, "hostname"), Some(1.0));
    let page = e.get("/").text();
    assert!(page.contains("DEAD_NO_RELAYS"), "{page}");
    for (what, text) in every_output(&e) {
        assert_no_key(what, &text);
    }

    let a = args(&server, &certs, &own);
    let refs: Vec<&str> = a.iter().map(String::as_str).collect();
    let run = common::check::run(
        Command::new(binary())
            .args(["check", "--json"])
            .args(common::exporter::isolated(&refs))
            .env(KEY_ENV, KEY),
    );
    assert_eq!(run.code, 1, "a DEAD connector is a problem: {run}");
    assert_no_key("check --json", &run.stdout);
    assert_no_key("check stderr", &run.stderr);
    let json = run.json();
    let state = common::check::line(&json, "Controller", "controller_state");
    assert_eq!(state["verdict"], "problem");
    assert!(
        state["value"]
            .as_str()
            .unwrap()
            .starts_with("DEAD_NO_RELAYS"),
        "{state}"
    );
    assert!(state["hint"].as_str().unwrap().contains("relay"), "{state}");
    let up = common::check::line(&json, "Controller", "agreement_up");
    assert_eq!(up["verdict"], "problem", "{up}");
    // The other DEAD states, each with its own hint.
    let lines = common::check::section(&json, "Controller");
    let hint_of = |name: &str| {
        lines
            .iter()
            .find(|l| l["label"].as_str().is_some_and(|s| s.starts_with(name)))
            .and_then(|l| l["hint"].as_str())
            .unwrap_or_else(|| panic!("no line for {name}: {lines:#?}"))
            .to_owned()
    };
    assert!(hint_of("bravo").contains("443"));
    assert!(hint_of("charlie").contains("DNS"));
    // Text output too.
    let run = common::check::run(
        Command::new(binary())
            .arg("check")
            .args(common::exporter::isolated(&refs))
            .env(KEY_ENV, KEY),
    );
    assert!(run.stdout.contains("DEAD_NO_RELAYS"), "{run}");
    assert_no_key("check", &run.stdout);
}
