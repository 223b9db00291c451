//! Configuration: every invalid file under tests/testdata/config gives the
//! exact one-line error on its first line (`# want: ...`) and exit code 2;
//! the valid file round-trips into the typed config; flags beat the file.

mod common;

use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

use clap::Parser as _;
use connector_exporter::cli::Cli;
use connector_exporter::config::{Config, ListenAddress, LogFormat};
use connector_exporter::probe::ProbeKind;

fn run(args: &[&str]) -> (Option<i32>, String, String) {
    let out = Command::new(common::exporter::binary())
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn every_invalid_file_gives_its_exact_error() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/testdata/config");
    let mut checked = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if name == "valid.toml" || !name.ends_with(".toml") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let want = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# want: "))
            .unwrap_or_else(|| panic!("{name}: first line must be `# want: <error>`"));
        let (code, _, stderr) = run(&[&format!("--config.file=tests/testdata/config/{name}")]);
        assert_eq!(code, Some(2), "{name}: exit code; stderr: {stderr}");
        assert_eq!(stderr.trim_end(), want, "{name}");
        assert_eq!(stderr.lines().count(), 1, "{name}: one line");
        checked += 1;
    }
    assert!(checked >= 10, "only {checked} invalid files found");
}

#[test]
fn bad_flags_exit_2_with_one_line_naming_the_flag() {
    let cases: [(&[&str], &str); 5] = [
        (
            &["--clock.tolerance=abc"],
            "invalid value \"abc\" for clock.tolerance",
        ),
        (
            &["--web.listen-address=nowhere"],
            "invalid value \"nowhere\" for web.listen-address",
        ),
        (
            &["--stun.server=[::1"],
            "invalid value \"[::1\" for stun.server",
        ),
        (&["--no-such-flag"], "--no-such-flag"),
        (
            &["--config.file=/nonexistent/x.toml"],
            "config file /nonexistent/x.toml",
        ),
    ];
    for (args, needle) in cases {
        let (code, _, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{args:?}: {stderr}");
        assert!(stderr.contains(needle), "{args:?}: {stderr}");
    }
}

#[test]
fn environment_is_read_and_flags_win() {
    let out = Command::new(common::exporter::binary())
        .env("CONNECTOR_EXPORTER_CLOCK_TOLERANCE", "bogus-from-env")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("\"bogus-from-env\" for clock.tolerance")
    );
}

#[test]
fn help_and_version_are_for_people() {
    let (code, stdout, _) = run(&["--version"]);
    assert_eq!(code, Some(0));
    // The full layout is checked in tests/conventions.rs.
    assert!(
        stdout.starts_with(&format!(
            "connector-exporter, version {} (revision: ",
            env!("CARGO_PKG_VERSION")
        )),
        "{stdout}"
    );
    let (code, stdout, _) = run(&["--help"]);
    assert_eq!(code, Some(0));
    for flag in [
        "--web.listen-address",
        "--clock.server",
        "--clock.tolerance",
        "--stun.server",
        "--connector.process",
        "--connector.systemd-unit",
        "--connector.metrics-url",
        "--storage.path",
        "--log.format",
        "CONNECTOR_EXPORTER_CLOCK_TOLERANCE",
    ] {
        assert!(stdout.contains(flag), "--help lacks {flag}");
    }
}

fn load(args: &[&str]) -> Config {
    let mut full = vec!["connector-exporter"];
    full.extend_from_slice(args);
    Config::load(Cli::try_parse_from(full).unwrap().flags).unwrap()
}

#[test]
fn valid_file_round_trips() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/testdata/config/valid.toml"
    );
    let c = load(&[&format!("--config.file={path}")]);
    assert_eq!(
        c.probes,
        [
            ProbeKind::Clock,
            ProbeKind::Connector,
            ProbeKind::Host,
            ProbeKind::AdminApi
        ]
    );
    assert_eq!(
        c.web.listen_addresses,
        [
            ListenAddress::Socket("127.0.0.1:10150".parse().unwrap()),
            ListenAddress::Socket("[::1]:10150".parse().unwrap())
        ]
    );
    assert_eq!(c.web.max_connections, 32);
    assert_eq!(c.web.header_read_timeout, Duration::from_secs(3));
    assert_eq!(c.web.idle_timeout, Duration::from_secs(90));
    assert_eq!(c.web.max_header_bytes, 32768);
    let servers: Vec<String> = c.clock.servers.iter().map(|s| s.to_string()).collect();
    assert_eq!(servers, ["127.0.0.1:123", "[::1]:1123", "time.example:123"]);
    let https: Vec<&str> = c.clock.http_servers.iter().map(|u| u.as_str()).collect();
    assert_eq!(
        https,
        ["https://time.example/", "https://127.0.0.1:8443/health"]
    );
    assert!(c.clock.http_tls.is_some());
    assert_eq!(c.clock.tolerance, Duration::from_secs(4));
    assert_eq!(c.clock.samples, 3);
    assert_eq!(c.clock.interval, Duration::from_secs(30));
    assert_eq!(c.clock.timeout, Duration::from_secs(5));
    assert_eq!(c.stun.servers[0].to_string(), "127.0.0.1:3478");
    assert_eq!(c.stun.interval, Duration::from_secs(120));
    assert_eq!(c.connector.process, "/usr/bin/twingate-connector");
    assert_eq!(
        c.connector.metrics_url.as_deref(),
        Some("http://127.0.0.1:9999/metrics")
    );
    assert_eq!(c.connector.interval, Duration::from_secs(10));
    assert_eq!(c.connector.traffic_window, Duration::from_secs(1800));
    assert_eq!(c.connector.traffic_min_bytes, 4 << 20);
    assert_eq!(c.host.interval, Duration::from_secs(300));
    assert!(c.host.include_loopback && !c.host.include_link_local);
    assert_eq!(
        c.storage_path,
        Some(PathBuf::from("/var/lib/connector-exporter"))
    );
    assert_eq!(c.log.level, "debug");
    assert_eq!(c.log.format, LogFormat::Json);
    let api = c
        .twingate
        .admin_api()
        .expect("key file and url: admin_api on");
    assert_eq!(api.url.as_str(), "https://127.0.0.1:8443/api/graphql/");
    assert_eq!(api.key.expose(), "tgk-CONFIG-TESTDATA-not-a-real-key");
    assert_eq!(api.connector.as_deref(), Some("acme-connector-1"));
    assert_eq!(api.interval, Duration::from_secs(120));
    assert_eq!(api.timeout, Duration::from_secs(30));
    assert!(c.probes.contains(&ProbeKind::AdminApi));
    assert!(
        !format!("{c:?}").contains("tgk-CONFIG"),
        "Debug redacts the key"
    );

    // A flag beats the file; what the flag does not name stays from the file.
    let c = load(&[&format!("--config.file={path}"), "--clock.tolerance=2s"]);
    assert_eq!(c.clock.tolerance, Duration::from_secs(2));
    assert_eq!(c.clock.samples, 3);
}

#[test]
fn https_clock_servers_default_to_the_controller() {
    let c = load(&[]);
    assert!(c.clock.http_servers.is_empty() && c.clock.http_tls.is_none());
    assert!(c.clock.controller.is_none());
    let c = load(&["--twingate.network=acme"]);
    let https: Vec<&str> = c.clock.http_servers.iter().map(|u| u.as_str()).collect();
    assert_eq!(https, ["https://acme.twingate.com/"]);
    assert_eq!(
        c.clock.controller.as_ref().map(|u| u.as_str()),
        Some("https://acme.twingate.com/")
    );
    assert!(c.clock.http_tls.is_some());
    // Given servers replace the default; the controller stays known.
    let c = load(&[
        "--twingate.network=acme",
        "--clock.http-server=https://127.0.0.1:8443/",
    ]);
    let https: Vec<&str> = c.clock.http_servers.iter().map(|u| u.as_str()).collect();
    assert_eq!(https, ["https://127.0.0.1:8443/"]);
    assert!(c.clock.controller.is_some());
    // Empty turns a kind of server off.
    let c = load(&["--twingate.network=acme", "--clock.http-server="]);
    assert!(c.clock.http_servers.is_empty());
    let c = load(&["--clock.server="]);
    assert!(c.clock.servers.is_empty());
}

#[test]
fn bad_https_clock_settings_exit_2_naming_the_flag() {
    for (args, want) in [
        (
            &["--clock.http-server=http://time.example/"][..],
            "invalid value \"http://time.example/\" for clock.http-server: expected an https:// URL",
        ),
        (
            &[
                "--clock.http-server=https://time.example/",
                "--clock.http-ca-file=/nonexistent/ca.pem",
            ][..],
            "invalid value \"/nonexistent/ca.pem\" for clock.http-ca-file: reading /nonexistent/ca.pem",
        ),
    ] {
        let (code, _, stderr) = run(args);
        assert_eq!(code, Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
}

#[test]
fn defaults() {
    let c = load(&[]);
    // admin_api is off until it has a key and an address.
    assert_eq!(
        c.probes,
        [
            ProbeKind::Clock,
            ProbeKind::Stun,
            ProbeKind::Connector,
            ProbeKind::Host
        ]
    );
    assert!(c.twingate.admin_api().is_none());
    assert_eq!(
        c.web.listen_addresses,
        [ListenAddress::AllInterfaces(10150)]
    );
    assert_eq!(c.web.telemetry_path, "/metrics");
    assert_eq!(c.clock.tolerance, Duration::from_secs(5));
    assert_eq!(c.clock.interval, Duration::from_secs(64));
    assert_eq!(c.clock.samples, 4);
    assert_eq!(c.stun.interval, Duration::from_secs(60));
    assert_eq!(c.connector.interval, Duration::from_secs(5));
    assert_eq!(c.connector.process, "twingate-connector");
    assert_eq!(c.connector.systemd_unit, "twingate-connector.service");
    assert!(c.connector.metrics_url.is_none());
    assert!(c.storage_path.is_none());
    assert!(!c.clock.servers.is_empty() && !c.stun.servers.is_empty());
}

/// The key comes from the environment or a file, never a flag; a key with
/// nowhere to go is a config error that does not repeat it.
#[test]
fn the_api_key_rules() {
    let key = "tgk-ENV-abcdef-0123456789";
    let out = Command::new(common::exporter::binary())
        .env("CONNECTOR_EXPORTER_TWINGATE_API_KEY", key)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("CONNECTOR_EXPORTER_TWINGATE_API_KEY"),
        "{stderr}"
    );
    assert!(!stderr.contains(key), "{stderr}");
    let (code, _, stderr) = run(&["--twingate.api-key=x"]);
    assert_eq!(code, Some(2), "no such flag: {stderr}");
    let (_, help, _) = run(&["--help"]);
    for flag in [
        "--twingate.api-url",
        "--twingate.api-key-file",
        "--twingate.ca-file",
        "--twingate.connector",
        "--twingate.interval",
        "--twingate.timeout",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
    assert!(!help.contains("--twingate.api-key "), "{help}");

    // A network alone is for the clock only; with a key it polls.
    let flags = |args: &[&str], key: Option<&str>| {
        let mut full = vec!["connector-exporter"];
        full.extend_from_slice(args);
        let mut flags = Cli::try_parse_from(full).unwrap().flags;
        flags.twingate_api_key = key.map(connector_exporter::config::ApiKey::new);
        Config::from_flags(&flags)
    };
    let c = flags(&["--twingate.network=acme"], None).unwrap();
    assert!(!c.probes.contains(&ProbeKind::AdminApi));
    let c = flags(&["--twingate.network=acme"], Some(key)).unwrap();
    assert!(c.probes.contains(&ProbeKind::AdminApi));
    assert_eq!(
        c.twingate.admin_api().unwrap().url.as_str(),
        "https://acme.twingate.com/api/graphql/"
    );
    let c = flags(
        &["--twingate.network=acme", "--probe.disable=admin_api"],
        Some(key),
    )
    .unwrap();
    assert!(!c.probes.contains(&ProbeKind::AdminApi));
    let err = flags(&["--twingate.connector=c1"], None).unwrap_err();
    assert!(
        err.to_string()
            .starts_with("twingate.connector: needs an Admin API key"),
        "{err}"
    );
}

#[test]
fn traffic_settings_default_and_take_numbers_or_units() {
    let c = load(&[]);
    assert_eq!(c.connector.traffic_window, Duration::from_secs(900));
    assert_eq!(c.connector.traffic_min_bytes, 1 << 20);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("numbers.toml");
    std::fs::write(&path, "[connector]\ntraffic-min-bytes = 65536\n").unwrap();
    let c = load(&[&format!("--config.file={}", path.display())]);
    assert_eq!(c.connector.traffic_min_bytes, 65536);
    let c = load(&[
        &format!("--config.file={}", path.display()),
        "--connector.traffic-min-bytes=10MB",
        "--connector.traffic-window=1h",
    ]);
    assert_eq!(c.connector.traffic_min_bytes, 10_000_000);
    assert_eq!(c.connector.traffic_window, Duration::from_secs(3600));
}
