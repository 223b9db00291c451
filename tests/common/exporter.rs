//! The real binary, started on an ephemeral loopback port.
//!
//! Network probes are disabled unless the test points them at its own
//! servers, so no test can reach the public defaults.

use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, mpsc};
use std::time::{Duration, Instant};

use super::http;
use super::metrics::Metrics;
use super::netns;

pub fn binary() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_BIN_EXE_connector-exporter"))
}

/// `args`, preceded by `--probe.disable` for every network probe the test
/// did not point at its own servers.
pub fn isolated(args: &[&str]) -> Vec<String> {
    let given = |flag: &str| args.iter().any(|a| a.starts_with(flag));
    let mut disabled = Vec::new();
    let mut extra = Vec::new();
    let (ntp, https) = (given("--clock.server"), given("--clock.http-server"));
    if !ntp && !https {
        disabled.push("clock");
    }
    // One kind of clock server named: the other kind gets none, rather
    // than the public NTP defaults or the controller of --twingate.network.
    if https && !ntp {
        extra.push("--clock.server=".to_owned());
    }
    if ntp && !https {
        extra.push("--clock.http-server=".to_owned());
    }
    if !given("--stun.server") {
        disabled.push("stun");
    }
    if !given("--connector.") {
        disabled.push("connector");
    }
    let mut full = Vec::new();
    if !disabled.is_empty() && !given("--probe.disable") {
        full.push(format!("--probe.disable={}", disabled.join(",")));
    }
    // Separately, whatever the test disabled itself: a key in the
    // environment plus a network name must never reach the real Admin API.
    if !given("--twingate.api-url") {
        full.push("--probe.disable=admin_api".to_owned());
    }
    full.extend(extra);
    full.extend(args.iter().map(|a| a.to_string()));
    full
}

/// This machine's hostname, the one the host probe puts in connector_host_info.
pub fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .expect("/proc/sys/kernel/hostname")
        .trim()
        .to_owned()
}

pub struct Exporter {
    child: Child,
    pub addr: SocketAddr,
    logs: Arc<Mutex<Vec<String>>>,
    /// The network namespace it runs in; `addr` is that namespace's loopback.
    netns: Option<String>,
}

impl Exporter {
    /// Starts the exporter with `args` and waits until it listens.
    pub fn start(args: &[&str]) -> Exporter {
        Exporter::start_with(Command::new(binary()), args)
    }

    /// In network namespace `ns`. It listens on that namespace's loopback,
    /// and requests to it are made from a thread inside the namespace, so
    /// nothing has to be routed into the root namespace.
    /// A host exporter watching the fake connector behind `connector_flag` (its
    /// `--connector.process` flag), every second, and the host itself.
    pub fn start_host(connector_flag: &str) -> Exporter {
        Exporter::start(&[
            connector_flag,
            "--connector.systemd-unit=",
            "--connector.interval=1s",
            "--host.interval=1s",
        ])
    }

    pub fn start_in_netns(ns: &str, args: &[&str]) -> Exporter {
        let mut command = Command::new("ip");
        command.args(["netns", "exec", ns]).arg(binary());
        let mut exporter = Exporter::start_with(command, args);
        exporter.netns = Some(ns.to_owned());
        exporter
    }

    /// As `start`, with a prepared command (environment, user, namespace).
    pub fn start_with(mut command: Command, args: &[&str]) -> Exporter {
        let mut full: Vec<String> = vec![
            "--web.listen-address=127.0.0.1:0".into(),
            "--log.format=json".into(),
        ];
        full.extend(isolated(args));
        let mut child = command
            .args(&full)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("start connector-exporter");
        let stderr = child.stderr.take().expect("stderr");
        let logs = Arc::new(Mutex::new(Vec::new()));
        let (tx, rx) = mpsc::channel();
        let sink = Arc::clone(&logs);
        std::thread::spawn(move || {
            for line in BufReader::new(stderr).lines().map_while(Result::ok) {
                if line.contains("\"listening\"") {
                    let _ = tx.send(line.clone());
                }
                sink.lock().unwrap().push(line);
            }
        });
        let line = match rx.recv_timeout(Duration::from_secs(20)) {
            Ok(line) => line,
            Err(_) => {
                let _ = child.kill();
                panic!(
                    "exporter did not start listening; args {full:?}; logs:\n{}",
                    logs.lock().unwrap().join("\n")
                );
            }
        };
        let json: serde_json::Value = serde_json::from_str(&line).expect("json log line");
        let addr = json["address"]
            .as_str()
            .and_then(|a| a.parse().ok())
            .expect("listening line has an address");
        Exporter {
            child,
            addr,
            logs,
            netns: None,
        }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Sends a signal (e.g. 1 for SIGHUP) to the exporter.
    pub fn signal(&self, signal: i32) {
        unsafe_kill(self.child.id(), signal);
    }

    pub fn logs(&self) -> String {
        self.logs.lock().unwrap().join("\n")
    }

    pub fn get(&self, path: &str) -> http::Response {
        let (addr, path) = (self.addr, path.to_owned());
        match &self.netns {
            Some(ns) => netns::in_netns(ns, move || http::get(addr, &path)),
            None => http::get(addr, &path),
        }
        .expect("GET from exporter")
    }

    pub fn metrics_text(&self) -> String {
        let response = self.get("/metrics");
        assert_eq!(response.status, 200, "{}", response.text());
        response.text()
    }

    pub fn metrics(&self) -> Metrics {
        Metrics::parse(&self.metrics_text())
    }

    /// Polls /metrics until `ready` holds, failing with the last body and
    /// the logs after `timeout`.
    pub fn wait_for(&self, timeout: Duration, ready: impl Fn(&Metrics) -> bool) -> Metrics {
        let deadline = Instant::now() + timeout;
        loop {
            let text = self.metrics_text();
            let metrics = Metrics::parse(&text);
            if ready(&metrics) {
                return metrics;
            }
            if Instant::now() > deadline {
                panic!(
                    "condition not met within {timeout:?}\n/metrics:\n{text}\nlogs:\n{}",
                    self.logs()
                );
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    /// Waits until the probe has finished `rounds` more rounds than when
    /// called. A round is noticed by its duration or success time changing.
    pub fn wait_rounds(&self, probe: &str, rounds: usize, timeout: Duration) -> Metrics {
        let marker = |m: &Metrics| {
            let d = m.get("connector_probe_duration_seconds", &[("probe", probe)]);
            let s = m.get(
                "connector_probe_last_success_timestamp_seconds",
                &[("probe", probe)],
            );
            (d.map(f64::to_bits), s.map(f64::to_bits))
        };
        let last = std::cell::Cell::new(marker(&self.metrics()));
        let seen = std::cell::Cell::new(0);
        self.wait_for(timeout, |m| {
            let now = marker(m);
            if now.0.is_some() && now != last.get() {
                last.set(now);
                seen.set(seen.get() + 1);
            }
            seen.get() >= rounds
        })
    }

    pub fn stop(mut self) -> std::process::ExitStatus {
        // SIGTERM so the graceful path is exercised.
        unsafe_kill(self.child.id(), 15);
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status;
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("exporter did not stop on SIGTERM");
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

fn unsafe_kill(pid: u32, signal: i32) {
    let _ = Command::new("kill")
        .arg(format!("-{signal}"))
        .arg(pid.to_string())
        .status();
}

impl Drop for Exporter {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
