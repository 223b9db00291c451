//! `--web.config.file`: TLS scraped by a real client (curl), mutual TLS,
//! the TLS version floor, basic auth, extra headers, and reloading.

mod common;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use base64::Engine as _;
use common::certs::{self, Certs};
use common::exporter::Exporter;
use common::http;

/// Runs curl; returns the HTTP status (None when the request failed) and
/// curl's error text.
fn curl(url: &str, args: &[&str]) -> (Option<u16>, String) {
    let out = Command::new("curl")
        .args([
            "-sS",
            "--max-time",
            "5",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
        ])
        .args(args)
        .arg(url)
        .output()
        .expect("run curl (Debian package curl)");
    let status = String::from_utf8_lossy(&out.stdout).trim().parse().ok();
    let status = if out.status.success() { status } else { None };
    (status, String::from_utf8_lossy(&out.stderr).into_owned())
}

fn write_config(dir: &Path, text: &str) -> String {
    let path = dir.join("web.yml");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

fn start_tls(certs: &Certs, extra: &str) -> Exporter {
    let config = write_config(
        certs.dir.path(),
        &format!("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n{extra}"),
    );
    Exporter::start(&[&format!("--web.config.file={config}")])
}

#[test]
fn tls_scrape_with_a_real_client() {
    let certs = certs::make();
    let exporter = start_tls(&certs, "");
    let url = format!("https://127.0.0.1:{}/metrics", exporter.addr.port());
    let (status, err) = curl(&url, &["--cacert", &certs.path_str("ca.crt")]);
    assert_eq!(status, Some(200), "{err}");
    // HTTP/2 is offered over ALPN, as in the toolkit.
    let (status, err) = curl(&url, &["--http2", "--cacert", &certs.path_str("ca.crt")]);
    assert_eq!(status, Some(200), "{err}");
    // A client trusting another CA refuses the server.
    let (status, _) = curl(&url, &["--cacert", &certs.path_str("other-ca.crt")]);
    assert_eq!(status, None);
    // Plain HTTP on the TLS port gets nothing useful.
    assert!(
        http::get(exporter.addr, "/metrics")
            .map(|r| r.status)
            .unwrap_or(0)
            != 200
    );
}

#[test]
fn mutual_tls_refuses_missing_and_foreign_client_certificates() {
    let certs = certs::make();
    let exporter = start_tls(
        &certs,
        "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.crt\n",
    );
    let url = format!("https://127.0.0.1:{}/metrics", exporter.addr.port());
    let ca = certs.path_str("ca.crt");
    let (status, err) = curl(
        &url,
        &[
            "--cacert",
            &ca,
            "--cert",
            &certs.path_str("client.crt"),
            "--key",
            &certs.path_str("client.key"),
        ],
    );
    assert_eq!(status, Some(200), "{err}");
    let (status, _) = curl(&url, &["--cacert", &ca]);
    assert_eq!(status, None, "no client certificate must be refused");
    let (status, _) = curl(
        &url,
        &[
            "--cacert",
            &ca,
            "--cert",
            &certs.path_str("stranger.crt"),
            "--key",
            &certs.path_str("stranger.key"),
        ],
    );
    assert_eq!(
        status, None,
        "a client certificate from another CA must be refused"
    );
}

#[test]
fn tls_below_min_version_is_refused() {
    let certs = certs::make();
    let exporter = start_tls(&certs, "  min_version: TLS13\n");
    let url = format!("https://127.0.0.1:{}/metrics", exporter.addr.port());
    let ca = certs.path_str("ca.crt");
    let (status, _) = curl(&url, &["--cacert", &ca, "--tls-max", "1.2"]);
    assert_eq!(
        status, None,
        "TLS 1.2 must be refused with min_version TLS13"
    );
    let (status, err) = curl(&url, &["--cacert", &ca, "--tlsv1.3"]);
    assert_eq!(status, Some(200), "{err}");
}

fn basic(user: &str, password: &str) -> String {
    let encoded = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{password}"));
    format!("Basic {encoded}")
}

fn status_with(exporter: &Exporter, path: &str, authorization: Option<&str>) -> http::Response {
    let headers: Vec<(&str, &str)> = authorization
        .map(|a| ("Authorization", a))
        .into_iter()
        .collect();
    http::request(exporter.addr, "GET", path, &headers).unwrap()
}

#[test]
fn basic_auth_and_headers() {
    let dir = tempfile::tempdir().unwrap();
    let hash = bcrypt::hash("right horse", 6).unwrap();
    let config = write_config(
        dir.path(),
        &format!(
            "basic_auth_users:\n  prometheus: {hash}\nhttp_server_config:\n  headers:\n    X-Frame-Options: deny\n    X-Content-Type-Options: nosniff\n"
        ),
    );
    let exporter = Exporter::start(&[&format!("--web.config.file={config}")]);
    for authorization in [
        None,
        Some(basic("prometheus", "wrong").as_str()),
        Some(basic("root", "right horse").as_str()),
    ] {
        let response = status_with(&exporter, "/metrics", authorization);
        assert_eq!(response.status, 401, "{authorization:?}");
        assert_eq!(response.header("WWW-Authenticate"), Some("Basic"));
        assert_eq!(response.header("X-Frame-Options"), Some("deny"));
    }
    let right = basic("prometheus", "right horse");
    for _ in 0..3 {
        let response = status_with(&exporter, "/metrics", Some(&right));
        assert_eq!(response.status, 200);
        assert_eq!(response.header("X-Content-Type-Options"), Some("nosniff"));
        assert!(response.text().contains("connector_exporter_build_info"));
    }
    // Health checks work without credentials.
    assert_eq!(status_with(&exporter, "/-/healthy", None).status, 200);
    assert_ne!(status_with(&exporter, "/-/ready", None).status, 401);
    // Nothing else is open: the status page and its JSON need the password.
    assert_eq!(status_with(&exporter, "/", None).status, 401);
    assert_eq!(status_with(&exporter, "/api/v1/status", None).status, 401);
    let logs = exporter.logs();
    assert!(!logs.contains(&hash) && !logs.contains("$2b$") && !logs.contains("right horse"));
}

#[test]
fn reload_on_sighup_and_on_change_keeps_the_old_file_when_the_new_is_bad() {
    let dir = tempfile::tempdir().unwrap();
    let users = |password: &str| {
        format!(
            "basic_auth_users:\n  prometheus: {}\n",
            bcrypt::hash(password, 4).unwrap()
        )
    };
    let first = users("one");
    let config = write_config(dir.path(), &first);
    let exporter = Exporter::start(&[&format!("--web.config.file={config}")]);
    let status = |password: &str| {
        status_with(&exporter, "/metrics", Some(&basic("prometheus", password))).status
    };
    assert_eq!(status("one"), 200);

    let second = users("two");
    write_config(dir.path(), &second);
    exporter.signal(1);
    wait(Duration::from_secs(5), || {
        status("two") == 200 && status("one") == 401
    });

    // A bad file is reported and the settings in force stay.
    write_config(dir.path(), "basic_auth_users:\n  prometheus: not-a-hash\n");
    exporter.signal(1);
    wait(Duration::from_secs(5), || {
        exporter.logs().contains("web config not reloaded")
    });
    assert_eq!(status("two"), 200);
    assert!(
        exporter
            .logs()
            .contains("basic_auth_users.prometheus: not a bcrypt hash")
    );

    // Without a signal: noticed within a few seconds.
    let third = users("three");
    write_config(dir.path(), &third);
    wait(Duration::from_secs(10), || status("three") == 200);

    // Still serving after all that, and no secret in the logs.
    let logs = exporter.logs();
    for secret in [&first, &second, &third] {
        let hash = secret.split_whitespace().last().unwrap();
        assert!(!logs.contains(hash), "hash in logs");
    }
    assert!(!logs.contains("not-a-hash"));
    assert!(exporter.stop().success());
}

#[test]
fn bad_web_config_exits_2_naming_the_field() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        (
            "tls_server_config:\n  cert_file: missing.crt\n  key_file: missing.key\n",
            "tls_server_config.cert_file: cannot read",
        ),
        (
            "tls_server_config:\n  key_file: x.key\n",
            "tls_server_config.cert_file: required",
        ),
        (
            "basic_auth_users:\n  u: $2y$10$short\n",
            "basic_auth_users.u: not a bcrypt hash",
        ),
        (
            "http_server_config:\n  headers:\n    Server: x\n",
            "http_server_config.headers.Server: this header can not be configured",
        ),
        ("tls_server_confg: {}\n", "unknown field `tls_server_confg`"),
    ];
    for (text, want) in cases {
        let config = write_config(dir.path(), text);
        let out = Command::new(common::exporter::binary())
            .arg(format!("--web.config.file={config}"))
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{text}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(want), "{text}: {stderr}");
        assert!(!stderr.contains("$2y$10$short"), "{stderr}");
    }
}

fn wait(timeout: Duration, mut done: impl FnMut() -> bool) {
    let deadline = Instant::now() + timeout;
    while !done() {
        assert!(
            Instant::now() < deadline,
            "condition not met within {timeout:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

fn healthcheck(args: &[&str]) -> (Option<i32>, String) {
    let out = Command::new(common::exporter::binary())
        .arg("healthcheck")
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn healthcheck_subcommand_over_http_and_tls() {
    let plain = Exporter::start(&[]);
    let listen = format!("--web.listen-address=127.0.0.1:{}", plain.addr.port());
    assert_eq!(healthcheck(&[&listen]), (Some(0), String::new()));
    drop(plain);
    let (code, stderr) = healthcheck(&[&listen]);
    assert_eq!(code, Some(1));
    assert!(stderr.starts_with("unhealthy: cannot connect"), "{stderr}");

    let certs = certs::make();
    let tls = start_tls(&certs, "");
    let config = format!("--web.config.file={}", certs.path_str("web.yml"));
    let listen = format!("--web.listen-address=127.0.0.1:{}", tls.addr.port());
    let (code, stderr) = healthcheck(&[&listen, &config]);
    assert_eq!(code, Some(0), "{stderr}");
}
