//! The Prometheus exporter conventions, through the real binary:
//! `--version`, logfmt logs, socket activation, `--web.disable-exporter-metrics`
//! and the `--[no-]probe.NAME` switches.

mod common;

use std::io::{BufRead, BufReader};
use std::net::{SocketAddr, TcpListener};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::exporter::{Exporter, binary};
use common::http;
use common::metrics::Metrics;

/// Every probe off; a test turns back on the one it looks at. Only the host
/// probe is ever turned on here: it reads local files and sends nothing.
const ALL_OFF: &str = "--probe.disable=clock,stun,connector,host";

#[test]
fn version_reads_like_the_prometheus_exporters() {
    let out = Command::new(binary()).arg("--version").output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    let head = format!(
        "connector-exporter, version {} (revision: ",
        env!("CARGO_PKG_VERSION")
    );
    assert!(lines[0].starts_with(&head), "{text}");
    let revision = lines[0][head.len()..].strip_suffix(')').unwrap();
    assert!(!revision.is_empty() && !revision.contains(' '), "{text}");
    let date = lines[1].strip_prefix("  build date:       ").unwrap();
    // YYYYMMDD-HH:MM:SS
    assert_eq!(date.len(), 17, "{date}");
    assert!(
        date.starts_with("20") && date.as_bytes()[8] == b'-',
        "{date}"
    );
    let rustc = lines[2].strip_prefix("  rustc version:    ").unwrap();
    assert!(rustc.starts_with("1."), "{rustc}");
    assert_eq!(lines[3], "  platform:         linux/x86_64");
    // -V is the same, and the metric carries the same revision.
    let short = Command::new(binary()).arg("-V").output().unwrap();
    assert_eq!(String::from_utf8(short.stdout).unwrap(), text);
    let exporter = Exporter::start(&[ALL_OFF]);
    let m = exporter.metrics();
    let info = m.find("connector_exporter_build_info", &[("revision", revision)]);
    assert_eq!(
        info.len(),
        1,
        "{:?}",
        m.find("connector_exporter_build_info", &[])
    );
    assert_eq!(info[0].labels["rustc_version"], rustc);
}

/// Starts the binary with `args`, returns it and its first stderr line.
fn first_log_line(args: &[&str]) -> (std::process::Child, String) {
    let mut child = Command::new(binary())
        .args(args)
        .stderr(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let mut reader = BufReader::new(child.stderr.take().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    // Keep reading: a closed pipe would fail the exporter's next log line.
    std::thread::spawn(move || std::io::copy(&mut reader, &mut std::io::sink()));
    (child, line)
}

/// `key=value` pairs of one logfmt line, quotes undone.
fn logfmt(line: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    let mut rest = line.trim_end();
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=').expect("key=value");
        let (value, after) = if let Some(quoted) = after.strip_prefix('"') {
            let mut value = String::new();
            let mut chars = quoted.char_indices();
            let end = loop {
                match chars.next().expect("closing quote") {
                    (i, '"') => break i,
                    (_, '\\') => value.push(chars.next().unwrap().1),
                    (_, c) => value.push(c),
                }
            };
            (value, &quoted[end + 1..])
        } else {
            let end = after.find(' ').unwrap_or(after.len());
            (after[..end].to_owned(), &after[end..])
        };
        pairs.push((key.to_owned(), value));
        rest = after.trim_start();
    }
    pairs
}

#[test]
fn logs_are_logfmt_by_default_and_text_is_an_alias() {
    for format in [None, Some("--log.format=logfmt"), Some("--log.format=text")] {
        let mut args = vec!["--web.listen-address=127.0.0.1:0", ALL_OFF];
        args.extend(format);
        let (mut child, line) = first_log_line(&args);
        let pairs = logfmt(&line);
        let keys: Vec<&str> = pairs.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(
            keys,
            ["time", "level", "msg", "address"],
            "{format:?}: {line}"
        );
        assert!(
            pairs[0].1.ends_with('Z') && pairs[0].1.contains('T'),
            "{line}"
        );
        assert_eq!(pairs[1].1, "info");
        assert_eq!(pairs[2].1, "listening");
        // The address in the line is where it serves.
        let addr: SocketAddr = pairs[3].1.parse().unwrap();
        assert_eq!(http::get(addr, "/-/healthy").unwrap().status, 200);
        child.kill().unwrap();
        child.wait().unwrap();
    }
    // A message with spaces and quotes stays one parseable line.
    let out = Command::new(binary())
        .args(["--web.systemd-socket", ALL_OFF])
        .env_remove("LISTEN_FDS")
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let pairs = logfmt(&stderr);
    assert_eq!(pairs[1], ("level".into(), "error".into()), "{stderr}");
    assert!(
        pairs[2].1.starts_with("web.systemd-socket: no sockets"),
        "{stderr}"
    );
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

#[test]
fn systemd_socket_serves_on_the_passed_socket_only() {
    // systemd-socket-activate (from systemd) binds, then execs the exporter
    // with LISTEN_FDS=1 on the first connection, as a .socket unit does.
    let port = free_port();
    let listen = format!("127.0.0.1:{port}");
    let mut child = Command::new("systemd-socket-activate")
        .args(["-l", &listen])
        .arg(binary())
        .args([
            "--web.systemd-socket",
            // Ignored with socket activation: nothing may listen here.
            "--web.listen-address=127.0.0.1:1",
            "--log.format=json",
            ALL_OFF,
            "--probe.host",
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("systemd-socket-activate (package systemd)");
    let addr: SocketAddr = listen.parse().unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let response = loop {
        match http::get(addr, "/-/healthy") {
            Ok(response) => break response,
            Err(e) if Instant::now() < deadline => {
                let _ = e;
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(e) => panic!("no answer on the activated socket: {e}"),
        }
    };
    assert_eq!(response.status, 200);
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let text = http::get(addr, "/metrics").unwrap().text();
        if Metrics::parse(&text).get("connector_probe_success", &[("probe", "host")]) == Some(1.0) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "host probe never reported:\n{text}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(http::get("127.0.0.1:1".parse().unwrap(), "/").is_err());
    child.kill().unwrap();
    let mut logs = String::new();
    let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut logs);
    child.wait().unwrap();
    let listening: Vec<&str> = logs
        .lines()
        .filter(|l| l.contains("\"listening\""))
        .collect();
    assert_eq!(listening.len(), 1, "{logs}");
    assert!(listening[0].contains(&listen), "{logs}");
}

#[test]
fn exporter_metrics_can_be_left_out() {
    let with = Exporter::start(&[ALL_OFF]).metrics();
    assert!(with.has("process_resident_memory_bytes"));
    let without = Exporter::start(&[ALL_OFF, "--web.disable-exporter-metrics"]).metrics();
    assert!(
        !without
            .samples
            .iter()
            .any(|s| s.name.starts_with("process_")),
        "{:?}",
        without.samples
    );
    assert!(without.has("connector_exporter_build_info"));
}

/// The probes an exporter started with `args` (and `env`) runs.
fn probes_run(args: &[&str], env: &[(&str, &str)]) -> Vec<String> {
    let mut command = Command::new(binary());
    command.env_remove("CONNECTOR_EXPORTER_PROBE_HOST");
    for (k, v) in env {
        command.env(k, v);
    }
    let exporter = Exporter::start_with(command, args);
    // Ready once every probe that runs has finished its first round.
    let deadline = Instant::now() + Duration::from_secs(20);
    while exporter.get("/-/ready").status != 200 {
        assert!(
            Instant::now() < deadline,
            "never ready: {}",
            exporter.logs()
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    let m = exporter.metrics();
    m.find("connector_probe_success", &[])
        .iter()
        .map(|s| s.labels["probe"].clone())
        .collect()
}

#[test]
fn probe_switches_override_the_disable_list_last_one_winning() {
    assert_eq!(probes_run(&[ALL_OFF], &[]), Vec::<String>::new());
    assert_eq!(probes_run(&[ALL_OFF, "--probe.host"], &[]), ["host"]);
    assert_eq!(probes_run(&[ALL_OFF, "--probe.host=true"], &[]), ["host"]);
    assert_eq!(
        probes_run(&[ALL_OFF, "--probe.host", "--no-probe.host"], &[]),
        Vec::<String>::new()
    );
    assert_eq!(
        probes_run(&[ALL_OFF, "--no-probe.host", "--probe.host"], &[]),
        ["host"]
    );
    assert_eq!(
        probes_run(&[ALL_OFF, "--probe.host=false"], &[]),
        Vec::<String>::new()
    );
    // The environment switches too, and a flag beats it.
    assert_eq!(
        probes_run(&[ALL_OFF], &[("CONNECTOR_EXPORTER_PROBE_HOST", "true")]),
        ["host"]
    );
    assert_eq!(
        probes_run(
            &[ALL_OFF, "--no-probe.host"],
            &[("CONNECTOR_EXPORTER_PROBE_HOST", "true")]
        ),
        Vec::<String>::new()
    );
    // A file's switch, beaten by a flag.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("config.toml");
    std::fs::write(
        &file,
        "[probe]\ndisable = [\"clock\", \"stun\", \"connector\"]\nhost = false\n",
    )
    .unwrap();
    let config = format!("--config.file={}", file.display());
    assert_eq!(probes_run(&[&config], &[]), Vec::<String>::new());
    assert_eq!(probes_run(&[&config, "--probe.host"], &[]), ["host"]);
}

#[test]
fn a_bad_switch_value_exits_2_naming_it() {
    let out = Command::new(binary())
        .args(["--probe.host=maybe"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("--probe.host"), "{stderr}");
}
