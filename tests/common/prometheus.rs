//! Real Prometheus and Alertmanager (Debian packages), and a webhook
//! receiver, for end-to-end tests. Everything listens on loopback on free
//! ports, and processes die with their guard.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use super::http;

/// A free loopback port. Another process could take it before we bind it
/// again; tests tolerate that rare race with a clear failure.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("free port")
}

pub fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

struct Process {
    child: Child,
    name: &'static str,
    log: PathBuf,
}

impl Process {
    fn spawn(name: &'static str, program: &str, args: &[String], log: PathBuf) -> Process {
        let file = std::fs::File::create(&log).expect("log file");
        let child = Command::new(program)
            .args(args)
            .stdout(Stdio::null())
            .stderr(file)
            .spawn()
            .unwrap_or_else(|e| {
                panic!("{program} cannot start ({e}): run scripts/install-test-deps.sh")
            });
        Process { child, name, log }
    }

    fn logs(&self) -> String {
        std::fs::read_to_string(&self.log).unwrap_or_default()
    }

    /// Writes `config` into `dir`, starts `program` on a free loopback port
    /// with its storage below `dir`, and waits for `/-/ready`. In `flags`, a
    /// flag ending in `=` is passed as is, any other gets the storage path.
    fn serve(
        name: &'static str,
        program: &str,
        dir: &tempfile::TempDir,
        config: &str,
        flags: &[&str],
    ) -> (Process, SocketAddr) {
        let config_path = dir.path().join(format!("{name}.yml"));
        std::fs::write(&config_path, config).unwrap();
        let addr: SocketAddr = format!("127.0.0.1:{}", free_port()).parse().unwrap();
        let mut args = vec![
            format!("--config.file={}", config_path.display()),
            format!("--web.listen-address={addr}"),
        ];
        for flag in flags {
            args.push(if flag.ends_with('=') {
                (*flag).to_owned()
            } else {
                format!("{flag}={}", dir.path().join("data").display())
            });
        }
        let mut process =
            Process::spawn(name, program, &args, dir.path().join(format!("{name}.log")));
        process.wait_ready(addr, "/-/ready");
        (process, addr)
    }

    fn wait_ready(&mut self, addr: SocketAddr, path: &str) {
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                panic!("{} exited with {status}:\n{}", self.name, self.logs());
            }
            if http::get(addr, path)
                .map(|r| r.status == 200)
                .unwrap_or(false)
            {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "{} not ready:\n{}",
                self.name,
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Prometheus {
    process: Process,
    pub addr: SocketAddr,
    _dir: Option<tempfile::TempDir>,
}

/// What Prometheus scrapes and evaluates.
/// A scrape target and its target labels, as a relabelled scrape config would give them.
pub type Target<'a> = (SocketAddr, &'a [(&'a str, &'a str)]);

pub struct PrometheusSetup<'a> {
    /// Scraped by one job, `connector-exporter`.
    pub targets: &'a [Target<'a>],
    pub rule_files: &'a [&'a Path],
    pub alertmanager: Option<SocketAddr>,
    pub interval: &'a str,
}

impl Prometheus {
    pub fn start(setup: PrometheusSetup) -> Prometheus {
        let dir = tempfile::tempdir().unwrap();
        let rules: Vec<String> = setup
            .rule_files
            .iter()
            .map(|p| format!("  - {:?}\n", p.display().to_string()))
            .collect();
        let alerting = match setup.alertmanager {
            Some(am) => format!(
                "alerting:\n  alertmanagers:\n    - static_configs:\n        - targets: [\"{am}\"]\n"
            ),
            None => String::new(),
        };
        let config = format!(
            "global:\n  scrape_interval: {i}\n  evaluation_interval: {i}\n\
             rule_files:\n{rules}{alerting}\
             scrape_configs:\n  - job_name: connector-exporter\n    static_configs:\n{targets}",
            i = setup.interval,
            rules = if rules.is_empty() {
                "  []\n".to_owned()
            } else {
                rules.concat()
            },
            targets = setup
                .targets
                .iter()
                .map(|(addr, labels)| {
                    let labels: Vec<String> =
                        labels.iter().map(|(k, v)| format!("{k}: {v:?}")).collect();
                    format!(
                        "      - targets: [\"{addr}\"]\n        labels: {{{}}}\n",
                        labels.join(", ")
                    )
                })
                .collect::<String>(),
        );
        let (process, addr) = Process::serve(
            "prometheus",
            "prometheus",
            &dir,
            &config,
            &["--storage.tsdb.path"],
        );
        Prometheus {
            process,
            addr,
            _dir: Some(dir),
        }
    }

    /// Starts `prometheus` on `addr` with `config` and `flags` as given, its config file and log
    /// in `dir`, and waits for `/-/ready`. The caller keeps `dir`, so a second start there finds
    /// the storage of the first (name a storage path below `dir` in `flags`).
    pub fn start_in(
        dir: &Path,
        name: &'static str,
        addr: SocketAddr,
        config: &str,
        flags: &[String],
    ) -> Prometheus {
        let config_path = dir.join(format!("{name}.yml"));
        std::fs::write(&config_path, config).unwrap();
        let mut args = vec![
            format!("--config.file={}", config_path.display()),
            format!("--web.listen-address={addr}"),
        ];
        args.extend(flags.iter().cloned());
        let mut process =
            Process::spawn(name, "prometheus", &args, dir.join(format!("{name}.log")));
        process.wait_ready(addr, "/-/ready");
        Prometheus {
            process,
            addr,
            _dir: None,
        }
    }

    pub fn logs(&self) -> String {
        self.process.logs()
    }

    /// An instant query; panics on an API error, with the error.
    pub fn query(&self, expr: &str) -> Vec<serde_json::Value> {
        let path = format!("/api/v1/query?query={}", percent_encode(expr));
        let response = http::get(self.addr, &path).expect("query Prometheus");
        let body: serde_json::Value =
            serde_json::from_slice(&response.body).expect("Prometheus answers JSON");
        assert_eq!(body["status"], "success", "query {expr:?} failed: {body}");
        match &body["data"]["result"] {
            serde_json::Value::Array(items) => items.clone(),
            scalar => vec![scalar.clone()],
        }
    }

    /// GET an API path (`/api/v1/…?…`): the answer's `data`, or Prometheus' error or warnings
    /// (a query Grafana would show with a warning sign is not a clean answer either).
    pub fn api(&self, path: &str) -> Result<serde_json::Value, String> {
        let response = http::get(self.addr, path).map_err(|e| format!("GET {path}: {e}"))?;
        let body: serde_json::Value = serde_json::from_slice(&response.body)
            .map_err(|e| format!("GET {path}: {e}: {}", response.text()))?;
        if body["status"] != "success" {
            return Err(format!("{}: {}", body["errorType"], body["error"]));
        }
        match &body["warnings"] {
            serde_json::Value::Array(w) if !w.is_empty() => Err(format!("warnings: {w:?}")),
            _ => Ok(body["data"].clone()),
        }
    }

    /// A range query from `start` to `end` (Unix seconds) every `step`: one entry per series,
    /// each with its `values` as `[time, "value"]` pairs.
    pub fn query_range(
        &self,
        expr: &str,
        start: f64,
        end: f64,
        step: Duration,
    ) -> Result<Vec<serde_json::Value>, String> {
        let path = format!(
            "/api/v1/query_range?query={}&start={start}&end={end}&step={}",
            percent_encode(expr),
            step.as_secs_f64()
        );
        let data = self.api(&path)?;
        match &data["result"] {
            serde_json::Value::Array(series) => Ok(series.clone()),
            other => Err(format!("a range query answered {other}")),
        }
    }

    /// Polls a query until it returns something, up to `timeout`.
    pub fn wait_for_data(&self, expr: &str, timeout: Duration) -> Vec<serde_json::Value> {
        let deadline = Instant::now() + timeout;
        loop {
            let result = self.query(expr);
            if !result.is_empty() {
                return result;
            }
            assert!(
                Instant::now() < deadline,
                "{expr:?} returned nothing within {timeout:?}; Prometheus logs:\n{}",
                self.logs()
            );
            std::thread::sleep(Duration::from_millis(250));
        }
    }
}

pub struct Alertmanager {
    process: Process,
    pub addr: SocketAddr,
    _dir: tempfile::TempDir,
}

impl Alertmanager {
    /// Starts Alertmanager with `config` (YAML), gossip off.
    pub fn start(config: &str) -> Alertmanager {
        let dir = tempfile::tempdir().unwrap();
        // An empty cluster address turns gossip off.
        let (process, addr) = Process::serve(
            "alertmanager",
            "prometheus-alertmanager",
            &dir,
            config,
            &["--storage.path", "--cluster.listen-address="],
        );
        Alertmanager {
            process,
            addr,
            _dir: dir,
        }
    }

    pub fn logs(&self) -> String {
        self.process.logs()
    }
}

/// One webhook POST: when it came in, the path it was sent to (which tells
/// the receivers apart) and its JSON body.
#[derive(Clone, Debug)]
pub struct Notification {
    pub at: Instant,
    pub path: String,
    pub body: serde_json::Value,
}

/// Receives Alertmanager's webhook POSTs on loopback; each one arrives on
/// the channel as a `Notification`.
pub struct Webhook {
    pub addr: SocketAddr,
    pub notifications: mpsc::Receiver<Notification>,
}

impl Webhook {
    pub fn start() -> Webhook {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(mut stream) = stream else { continue };
                let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut request_line = String::new();
                let _ = reader.read_line(&mut request_line);
                let path = request_line
                    .split(' ')
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                let mut length = 0usize;
                let mut line = String::new();
                while reader.read_line(&mut line).map(|n| n > 0).unwrap_or(false) {
                    if line == "\r\n" {
                        break;
                    }
                    if let Some((_, v)) = line
                        .split_once(':')
                        .filter(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                    {
                        length = v.trim().parse().unwrap_or(0);
                    }
                    line.clear();
                }
                let mut body = vec![0; length];
                let json = reader
                    .read_exact(&mut body)
                    .ok()
                    .and_then(|_| serde_json::from_slice(&body).ok());
                if let Some(body) = json {
                    let at = Instant::now();
                    let _ = tx.send(Notification { at, path, body });
                }
                let _ = stream.write_all(
                    b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            }
        });
        Webhook {
            addr,
            notifications: rx,
        }
    }

    /// Waits for a notification for which `wanted` holds; the others are
    /// dropped.
    pub fn wait(
        &self,
        timeout: Duration,
        wanted: impl Fn(&Notification) -> bool,
    ) -> Option<Notification> {
        let deadline = Instant::now() + timeout;
        loop {
            let left = deadline.checked_duration_since(Instant::now())?;
            match self.notifications.recv_timeout(left) {
                Ok(n) if wanted(&n) => return Some(n),
                Ok(_) => continue,
                Err(_) => return None,
            }
        }
    }
}
