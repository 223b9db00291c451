//! The status page in a real browser, the JSON twin, and their agreement
//! with `check --json`.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use common::check::check_json;
use common::chromium;
use common::connector::FakeConnector;
use common::coturn::Coturn;
use common::exporter::{Exporter, binary};
use common::ntp::NtpServer;
use serde_json::Value;

const HOSTILE: &str = "<script>document.title=1</script>x";

/// Polls `/-/ready` so every probe has a result before the page is read.
fn wait_ready(e: &Exporter) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while e.get("/-/ready").status != 200 {
        assert!(Instant::now() < deadline, "not ready:\n{}", e.logs());
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The exporter in its own UTS namespace, with a hostname the test chose:
/// the host probe reads it from /proc like any other. Needs root.
fn start_with_hostname(hostname: &str, args: &[&str]) -> Exporter {
    let mut command = Command::new("unshare");
    command
        .args(["--uts", "sh", "-c"])
        .arg(r#"printf %s "$TEST_HOSTNAME" > /proc/sys/kernel/hostname && exec "$0" "$@""#)
        .arg(binary())
        .env("TEST_HOSTNAME", hostname);
    Exporter::start_with(command, args)
}

/// Keeps a copy of a screenshot where `STATUS_SCREENSHOT_OUT` says, so a
/// person can look at it after the test's temp dir is gone.
fn keep(screenshot: &Path, name: &str) {
    if let Some(dir) = std::env::var_os("STATUS_SCREENSHOT_OUT") {
        let target = Path::new(&dir).join(name);
        std::fs::copy(screenshot, &target).expect("copy screenshot");
        eprintln!("screenshot kept at {}", target.display());
    }
}

/// The value of the element with `id`, as serialised in the DOM.
fn element_text<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("id=\"{id}\">"))
        .unwrap_or_else(|| panic!("no #{id} in\n{dom}"));
    let text = &dom[start + id.len() + 6..];
    &text[..text.find('<').unwrap_or(text.len())]
}

fn section_verdict<'a>(dom: &'a str, probe: &str) -> &'a str {
    let marker = format!("<section class=\"card\" id=\"{probe}\" data-verdict=\"");
    let start = dom
        .find(&marker)
        .unwrap_or_else(|| panic!("no {probe} section in\n{dom}"));
    let rest = &dom[start + marker.len()..];
    &rest[..rest.find('"').unwrap_or(0)]
}

#[test]
fn page_in_chromium_shows_hostile_hostname_as_text() {
    let ntp = NtpServer::honest(6.0);
    let closed = std::net::UdpSocket::bind("127.0.0.1:0").unwrap();
    let stun = format!("--stun.server={}", closed.local_addr().unwrap());
    drop(closed);
    let e = start_with_hostname(
        HOSTILE,
        &[
            &ntp.flag(),
            "--clock.timeout=3s",
            &stun,
            "--stun.timeout=2s",
        ],
    );
    wait_ready(&e);
    let url = format!("http://{}/", e.addr);
    let dom = chromium::dump_dom(&url);

    // Shown as text: serialised back as entities, inside the hostname element.
    let escaped = "&lt;script&gt;document.title=1&lt;/script&gt;x";
    assert_eq!(element_text(&dom, "hostname"), escaped, "{dom}");
    // Not run: no script element exists, and the title is the page's own.
    assert!(!dom.contains("<script"), "{dom}");
    assert!(
        dom.contains(&format!("<title>{escaped} · connector status</title>")),
        "{dom}"
    );
    // The offset (this host 6 s behind) and the STUN verdict with its hint.
    let offset: f64 = element_text(&dom, "offset")
        .trim_end_matches(" s")
        .parse()
        .expect("offset is a number");
    assert!((offset + 6.0).abs() < 0.05, "offset {offset}");
    assert_eq!(section_verdict(&dom, "clock"), "problem");
    assert_eq!(section_verdict(&dom, "stun"), "problem");
    assert!(dom.contains("UDP to the STUN servers is blocked: allow outbound UDP"));
    assert_eq!(element_text(&dom, "verdict"), "problem");

    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("status-hostile.png");
    chromium::screenshot(&url, &png, 412, 1400);
    keep(&png, "status-hostile.png");
}

#[test]
fn page_in_chromium_with_every_probe_answering() {
    let ntp = NtpServer::honest(1.3);
    let coturn = Coturn::start_loopback();
    let stun = format!("--stun.server={}", coturn.primary);
    let mut connector = FakeConnector::new();
    connector.start();
    let e = start_with_hostname(
        "connector-host-1",
        &[
            &ntp.flag(),
            "--clock.timeout=3s",
            &stun,
            "--stun.timeout=3s",
            &connector.flag(),
        ],
    );
    wait_ready(&e);
    let url = format!("http://{}/", e.addr);
    let dom = chromium::dump_dom(&url);
    assert_eq!(element_text(&dom, "hostname"), "connector-host-1");
    let offset: f64 = element_text(&dom, "offset")
        .trim_end_matches(" s")
        .parse()
        .expect("offset is a number");
    assert!((offset + 1.3).abs() < 0.05, "offset {offset}");
    assert_eq!(section_verdict(&dom, "stun"), "ok", "{dom}");
    assert_eq!(section_verdict(&dom, "connector"), "ok", "{dom}");
    assert!(dom.contains("peer-to-peer possible"), "{dom}");
    assert!(dom.contains("up for"), "{dom}");

    let dir = tempfile::tempdir().unwrap();
    let png = dir.path().join("status-page.png");
    chromium::screenshot(&url, &png, 412, 2300);
    keep(&png, "status-page.png");
}

#[test]
fn status_routes() {
    let e = Exporter::start(&[]);
    wait_ready(&e);
    let api = e.get("/api/v1/status");
    assert_eq!(api.status, 200);
    assert_eq!(api.header("content-type"), Some("application/json"));
    let json: Value = serde_json::from_slice(&api.body).expect("JSON");
    assert_eq!(json["verdict"], "ok");

    let page = e.get("/");
    assert_eq!(page.status, 200);
    assert_eq!(
        page.header("content-type"),
        Some("text/html; charset=utf-8")
    );
    let csp = page.header("content-security-policy").unwrap_or_default();
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    let html = page.text();
    assert!(html.contains("<meta http-equiv=\"refresh\""));
    assert!(html.contains("href=\"/metrics\""));
    assert!(html.contains("href=\"/api/v1/status\""));

    let post = common::http::request(e.addr, "POST", "/api/v1/status", &[]).unwrap();
    assert_eq!(post.status, 405);
}

/// What two documents of the same state must share: every judged line (its
/// value too, unless it is a time that moves) and every probe's outcome.
fn comparable(json: &Value) -> Value {
    let moving = ["state", "restarts", "process"];
    let sections: Vec<Value> = json["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let lines: Vec<Value> = s["lines"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| {
                    let value = if moving.contains(&l["check"].as_str().unwrap_or("")) {
                        Value::Null
                    } else {
                        l["value"].clone()
                    };
                    serde_json::json!([l["check"], l["label"], l["verdict"], value, l["hint"]])
                })
                .collect();
            serde_json::json!({"name": s["name"], "verdict": s["verdict"], "lines": lines})
        })
        .collect();
    let probes: Vec<Value> = json["probes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| serde_json::json!([p["probe"], p["enabled"], p["success"], p["reason"]]))
        .collect();
    serde_json::json!({
        "version": json["version"],
        "verdict": json["verdict"],
        "problems": json["problems"],
        "warnings": json["warnings"],
        "tolerance": json["clock_tolerance_seconds"],
        "sections": sections,
        "probes": probes,
    })
}

/// Asserts that the server's `/api/v1/status` and `check --json` with the
/// same flags describe the same state.
fn assert_agree(args: &[&str]) {
    let e = Exporter::start(args);
    wait_ready(&e);
    let api: Value = serde_json::from_slice(&e.get("/api/v1/status").body).expect("JSON");
    let run = check_json(args);
    let check = run.json();
    assert_eq!(
        comparable(&api),
        comparable(&check),
        "api:\n{api:#}\ncheck:\n{check:#}"
    );
    let host = |j: &Value| j["probes"][3]["report"]["hostname"].clone();
    assert_eq!(host(&api), host(&check));
}

#[test]
fn api_and_check_agree() {
    assert_agree(&[]);
    let mut connector = FakeConnector::new();
    connector.start();
    assert_agree(&[&connector.flag()]);
}
