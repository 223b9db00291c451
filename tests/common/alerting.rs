//! The shipped rules and Alertmanager example as the end-to-end alert tests run them: the
//! example's receivers pointed at a test webhook and its timers shortened, the rules' `for`
//! durations divided for tests that cannot wait minutes. Every change is a textual substitution
//! that must find its text, so what runs is otherwise the shipped configuration.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use serde_json::Value;

use super::http;
use super::prometheus::{Alertmanager, Notification, Webhook};

pub const RULES: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/alerts/connector-exporter.rules.yml"
);
pub const ALERTMANAGER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/alerts/alertmanager.example.yml"
);

/// Alertmanager timers for a test: every `group_wait`, `group_interval` and `repeat_interval`
/// of the example becomes one of these.
pub struct Timers {
    pub group_wait: &'static str,
    pub group_interval: &'static str,
    pub repeat_interval: &'static str,
}

/// Short enough to see every notification within seconds.
pub const SHORT: Timers = Timers {
    group_wait: "1s",
    group_interval: "2s",
    repeat_interval: "1m",
};

pub fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {path}: {e}"))
}

/// Replaces every `from` with `to`, failing when there is none: a substitution that silently
/// matched nothing would leave the test waiting on the shipped timers or posting elsewhere.
pub fn substitute(text: &str, from: &str, to: &str) -> String {
    assert!(
        text.contains(from),
        "the shipped configuration no longer contains {from:?}; update the substitutions in \
         tests/common/alerting.rs"
    );
    text.replace(from, to)
}

/// The example configuration with the receivers pointed at `webhook` and the timers shortened.
pub fn alertmanager_config(webhook: SocketAddr, timers: &Timers) -> String {
    let mut config = substitute(
        &read(ALERTMANAGER),
        "http://127.0.0.1:5001/",
        &format!("http://{webhook}/"),
    );
    let keys = [
        ("group_wait", timers.group_wait),
        ("group_interval", timers.group_interval),
        ("repeat_interval", timers.repeat_interval),
    ];
    for (from, key) in [
        ("group_wait: 30s", 0),
        ("group_wait: 10s", 0),
        ("group_interval: 5m", 1),
        ("group_interval: 1h", 1),
        ("repeat_interval: 4h", 2),
        ("repeat_interval: 1h", 2),
        ("repeat_interval: 24h", 2),
    ] {
        let (name, value) = keys[key];
        config = substitute(&config, from, &format!("{name}: {value}"));
    }
    // A timer added to the example later must be shortened too, or the test would wait on it.
    for line in config.lines() {
        let line = line.trim_start().trim_start_matches("- ");
        for (name, short) in keys {
            if let Some(value) = line.strip_prefix(name).and_then(|l| l.strip_prefix(':')) {
                assert_eq!(
                    value.trim(),
                    short,
                    "{ALERTMANAGER}: {line:?} is not shortened"
                );
            }
        }
    }
    assert!(!config.contains(":5001"), "a receiver still posts to :5001");
    config
}

/// Seconds in a Prometheus duration such as `2m30s` or `1h`.
pub fn seconds(duration: &str) -> u64 {
    let mut total = 0;
    let mut number = String::new();
    for c in duration.chars() {
        if c.is_ascii_digit() {
            number.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => panic!("unexpected duration {duration:?}"),
        };
        total += number.parse::<u64>().unwrap() * unit;
        number.clear();
    }
    assert!(number.is_empty(), "unexpected duration {duration:?}");
    total
}

/// The shipped rules with every `for:` divided by `scale` (at least 2 s).
pub fn rules_with_short_for(scale: u64) -> String {
    let text = read(RULES);
    let mut changed = 0;
    let out: Vec<String> = text
        .lines()
        .map(|line| {
            let indent = &line[..line.len() - line.trim_start().len()];
            match line.trim_start().strip_prefix("for: ") {
                Some(d) => {
                    changed += 1;
                    format!("{indent}for: {}s", (seconds(d) / scale).max(2))
                }
                None => line.to_owned(),
            }
        })
        .collect();
    assert!(changed > 10, "only {changed} `for:` lines in {RULES}");
    out.join("\n") + "\n"
}

/// `rules_with_short_for(scale)` written to a file in a new temporary directory (kept alive by
/// the returned guard).
pub fn short_rules_file(scale: u64) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("connector-exporter.rules.yml");
    std::fs::write(&path, rules_with_short_for(scale)).unwrap();
    (dir, path)
}

/// The alerts in a notification.
pub fn alerts(n: &Notification) -> Vec<&Value> {
    n.body["alerts"]
        .as_array()
        .map(|a| a.iter().collect())
        .unwrap_or_default()
}

pub fn label<'a>(alert: &'a Value, name: &str) -> &'a str {
    alert["labels"][name].as_str().unwrap_or("")
}

/// The alert named `alertname` in a notification.
pub fn alert_in<'a>(n: &'a Notification, alertname: &str) -> &'a Value {
    alerts(n)
        .into_iter()
        .find(|a| label(a, "alertname") == alertname)
        .unwrap_or_else(|| panic!("no {alertname} in {:?}", names(n)))
}

/// The alert's labels are exactly `expected`: none missing, none added.
pub fn assert_labels(alert: &Value, expected: &[(&str, &str)]) {
    let labels: BTreeMap<String, String> = serde_json::from_value(alert["labels"].clone()).unwrap();
    let expected: BTreeMap<String, String> = expected
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    assert_eq!(labels, expected);
}

pub fn names(n: &Notification) -> Vec<String> {
    alerts(n)
        .iter()
        .map(|a| {
            format!(
                "{}/{}",
                label(a, "alertname"),
                a["status"].as_str().unwrap_or("")
            )
        })
        .collect()
}

/// Every webhook notification, kept so the test can look back at what arrived while waiting for
/// something else.
pub struct Inbox {
    pub webhook: Webhook,
    pub seen: Vec<Notification>,
}

impl Inbox {
    pub fn start() -> Inbox {
        Inbox {
            webhook: Webhook::start(),
            seen: Vec::new(),
        }
    }

    /// The first notification for which `wanted` holds; on timeout, fails with what arrived and
    /// `context()`.
    pub fn wait(
        &mut self,
        timeout: Duration,
        wanted: impl Fn(&Notification) -> bool,
        context: &dyn Fn() -> String,
    ) -> Notification {
        let deadline = Instant::now() + timeout;
        if let Some(n) = self.seen.iter().find(|n| wanted(n)) {
            return n.clone();
        }
        while let Some(left) = deadline.checked_duration_since(Instant::now()) {
            let Ok(n) = self.webhook.notifications.recv_timeout(left) else {
                break;
            };
            self.seen.push(n.clone());
            if wanted(&n) {
                return n;
            }
        }
        panic!(
            "no such notification within {timeout:?}; got {}\n{}",
            self.summary(),
            context()
        )
    }

    pub fn summary(&self) -> String {
        let lines: Vec<String> = self
            .seen
            .iter()
            .map(|n| format!("  {} {:?}", n.path, names(n)))
            .collect();
        format!("{} notification(s):\n{}", self.seen.len(), lines.join("\n"))
    }
}

/// A notification at `path` carrying `alertname` for `instance` with `status`.
pub fn carries(
    n: &Notification,
    path: &str,
    alertname: &str,
    instance: &str,
    status: &str,
) -> bool {
    n.path == path
        && alerts(n).iter().any(|a| {
            label(a, "alertname") == alertname
                && label(a, "instance") == instance
                && a["status"] == status
        })
}

/// What Alertmanager holds of `alertname`, with its state (active, suppressed).
pub fn alertmanager_alerts(alertmanager: &Alertmanager, alertname: &str) -> Vec<Value> {
    let filter = super::prometheus::percent_encode(&format!("alertname=\"{alertname}\""));
    let response = http::get(
        alertmanager.addr,
        &format!("/api/v2/alerts?filter={filter}"),
    )
    .expect("Alertmanager API");
    assert_eq!(response.status, 200, "{}", response.text());
    serde_json::from_slice::<Vec<Value>>(&response.body).expect("Alertmanager answers JSON")
}

/// Polls `ok` until it holds; fails with `what` and `context()` after `timeout`.
pub fn wait_until(
    timeout: Duration,
    what: &str,
    context: &dyn Fn() -> String,
    ok: impl Fn() -> bool,
) {
    let deadline = Instant::now() + timeout;
    while !ok() {
        assert!(
            Instant::now() < deadline,
            "{what} within {timeout:?}\n{}",
            context()
        );
        std::thread::sleep(Duration::from_millis(250));
    }
}
