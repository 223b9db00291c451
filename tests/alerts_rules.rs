//! The alerting rules, their promtool unit tests, the runbook they link to and the example
//! Alertmanager configuration.
//!
//! `promtool test rules` passes when a `rule_files` entry matches no file (a warning only), when
//! a test names an alert that does not exist (`exp_alerts: []` is then trivially true) and when
//! no test looks at an alert at all. So besides running promtool, these tests check that the unit
//! tests load the real rules, name only real alerts, cover every alert both firing and quiet, and
//! fail when a rule is broken (every rule replaced by one that never fires, then by one that
//! always fires).
//!
//! The rules file is generated from mixin/ (`make mixin`, checked by tests/mixin.rs); these
//! tests read the generated file, as Prometheus would.
//!
//! std only: the YAML files are read by line scanning, which relies on the layout they are
//! written in (one key per line, block lists); a file that leaves that layout makes these tests
//! fail with a message rather than pass.

use std::collections::{BTreeMap, BTreeSet};
use std::env;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{self, Command};

const RULES: &str = "alerts/connector-exporter.rules.yml";
const UNIT_TESTS: &str = "alerts/tests";
const ALERTMANAGER: &str = "alerts/alertmanager.example.yml";
const RUNBOOK: &str = "docs/runbook.md";
/// Every runbook_url is absolute (Alertmanager receivers cannot resolve a relative one) and
/// ends with the runbook's path and the alert's anchor.
const RUNBOOK_URL_SCHEME: &str = "https://";
const RUNBOOK_URL_TAIL: &str = "docs/runbook.md#";
const DASHBOARD_URL_SCHEME: &str = "http";
const GROUPS: [&str; 8] = [
    "clock",
    "stun",
    "connector",
    "exporter",
    "fleet",
    "widespread",
    "controller",
    "traffic",
];
const SEVERITIES: [&str; 3] = ["critical", "warning", "info"];

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()))
}

fn find_in_path(name: &str) -> Option<PathBuf> {
    env::split_paths(&env::var_os("PATH")?)
        .map(|dir| dir.join(name))
        .find(|candidate| candidate.is_file())
}

fn promtool() -> PathBuf {
    find_in_path("promtool").unwrap_or_else(|| {
        panic!(
            "promtool is not installed (Debian package `prometheus`); \
             run scripts/install-test-deps.sh, then run the tests again"
        )
    })
}

fn amtool() -> PathBuf {
    find_in_path("amtool").unwrap_or_else(|| {
        panic!(
            "amtool is not installed (Debian package `prometheus-alertmanager`), so \
             {ALERTMANAGER} cannot be checked; run scripts/install-test-deps.sh, then run the \
             tests again"
        )
    })
}

/// Runs a command and returns whether it succeeded and its stdout and stderr together (promtool
/// prints warnings on one and results on the other).
fn run(command: &mut Command) -> (bool, String) {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("cannot run {command:?}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    (output.status.success(), text)
}

fn indent(line: &str) -> usize {
    line.len() - line.trim_start().len()
}

/// The value of `key:` on `line` if the line is that key (inside a list item or not).
fn key_value<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let trimmed = line.trim_start().trim_start_matches("- ");
    trimmed
        .strip_prefix(key)
        .and_then(|rest| rest.strip_prefix(':'))
        .map(str::trim)
}

/// The text of `key` inside `lines`: its inline value plus every following line indented deeper
/// than the key (block scalars), joined by newlines.
fn block_value(lines: &[&str], key: &str) -> Option<String> {
    let start = lines.iter().position(|l| key_value(l, key).is_some())?;
    let key_indent = indent(lines[start]);
    let mut text = key_value(lines[start], key).unwrap().to_string();
    for line in &lines[start + 1..] {
        if !line.trim().is_empty() && indent(line) <= key_indent {
            break;
        }
        text.push('\n');
        text.push_str(line);
    }
    Some(text.trim_end().to_string())
}

#[derive(Debug)]
struct Alert {
    name: String,
    group: String,
    /// Line range of the rule in the rules file, `- alert:` line included.
    lines: std::ops::Range<usize>,
}

fn rules_text() -> String {
    read(&root().join(RULES))
}

/// Recording rules (`- record:` lines) in the rules file.
fn count_records(text: &str) -> usize {
    text.lines()
        .filter(|l| l.trim_start().starts_with("- record:"))
        .count()
}

/// Alerting rules in file order. A rule ends at the first non-blank line (comments included)
/// indented no deeper than its `- alert:` line. Recording rules are skipped.
fn parse_alerts(text: &str) -> Vec<Alert> {
    let lines: Vec<&str> = text.lines().collect();
    let mut alerts = Vec::new();
    let mut group = String::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if line.trim_start().starts_with("- name:") {
            group = key_value(line, "name").unwrap().to_string();
        }
        if line.trim_start().starts_with("- alert:") {
            let dash = indent(line);
            let name = key_value(line, "alert").unwrap().to_string();
            let mut end = i + 1;
            while end < lines.len() && (lines[end].trim().is_empty() || indent(lines[end]) > dash) {
                end += 1;
            }
            alerts.push(Alert {
                name,
                group: group.clone(),
                lines: i..end,
            });
            i = end;
            continue;
        }
        i += 1;
    }
    alerts
}

fn alert_lines<'a>(text: &'a str, alert: &Alert) -> Vec<&'a str> {
    text.lines()
        .skip(alert.lines.start)
        .take(alert.lines.len())
        .collect()
}

/// The rules file with every rule's `expr` (recording rules too) replaced by `expr`.
fn with_every_expr(text: &str, expr: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut replaced = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        if key_value(line, "expr").is_some() {
            let key_indent = indent(line);
            out.push(format!("{}expr: {expr}", " ".repeat(key_indent)));
            replaced += 1;
            i += 1;
            while i < lines.len() && (lines[i].trim().is_empty() || indent(lines[i]) > key_indent) {
                i += 1;
            }
            continue;
        }
        out.push(line.to_string());
        i += 1;
    }
    assert_eq!(
        replaced,
        parse_alerts(text).len() + count_records(text),
        "expected exactly one expr per rule in {RULES}"
    );
    out.join("\n") + "\n"
}

fn unit_test_files() -> Vec<PathBuf> {
    let dir = root().join(UNIT_TESTS);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| {
            path.extension()
                .is_some_and(|ext| ext == "yml" || ext == "yaml")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no unit tests in {}", dir.display());
    files
}

/// `rule_files` entries of a unit test file.
fn rule_files(text: &str, file: &Path) -> Vec<String> {
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("rule_files:"))
        .unwrap_or_else(|| panic!("{}: no top-level rule_files", file.display()));
    assert_eq!(
        key_value(lines[start], "rule_files"),
        Some(""),
        "{}: write rule_files as a block list",
        file.display()
    );
    lines[start + 1..]
        .iter()
        .take_while(|l| l.trim().is_empty() || l.starts_with(' '))
        .filter_map(|l| l.trim().strip_prefix("- "))
        .map(|entry| entry.trim_matches(|c| c == '"' || c == '\'').to_string())
        .collect()
}

#[derive(Default, Debug)]
struct Coverage {
    firing: Vec<String>,
    quiet: Vec<String>,
}

/// For every alert name used in `alert_rule_test`, where it is expected to fire and where it is
/// expected to stay quiet (`file:line`).
fn coverage(files: &[PathBuf]) -> BTreeMap<String, Coverage> {
    let mut cases: BTreeMap<String, Coverage> = BTreeMap::new();
    for file in files {
        let text = read(file);
        let lines: Vec<&str> = text.lines().collect();
        let mut pending: Option<String> = None;
        for (i, line) in lines.iter().enumerate() {
            let place = format!("{}:{}", file.display(), i + 1);
            if let Some(name) = key_value(line, "alertname") {
                assert!(
                    pending.is_none(),
                    "{place}: the previous alert_rule_test has no exp_alerts; state it, [] if quiet"
                );
                pending = Some(name.to_string());
            } else if let Some(value) = key_value(line, "exp_alerts") {
                let name = pending
                    .take()
                    .unwrap_or_else(|| panic!("{place}: exp_alerts without alertname before it"));
                let next = lines.get(i + 1).map(|l| l.trim_start()).unwrap_or("");
                let entry = cases.entry(name).or_default();
                if value == "[]" {
                    entry.quiet.push(place);
                } else if value.is_empty() && next.starts_with("- exp_labels:") {
                    entry.firing.push(place);
                } else {
                    panic!("{place}: write exp_alerts as [] or as a list of `- exp_labels:` items");
                }
            }
        }
        assert!(
            pending.is_none(),
            "{}: the last alert_rule_test has no exp_alerts",
            file.display()
        );
    }
    cases
}

/// Alert names whose firing cases (expected alerts, none or others got) and quiet cases
/// (`exp:[]`, alerts got) failed, from promtool's report.
fn failed_cases(report: &str) -> (BTreeSet<String>, BTreeSet<String>) {
    let mut firing = BTreeSet::new();
    let mut quiet = BTreeSet::new();
    let lines: Vec<&str> = report.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        let Some(rest) = line.trim().strip_prefix("alertname: ") else {
            continue;
        };
        let Some((name, _)) = rest.split_once(", time:") else {
            continue;
        };
        match lines.get(i + 1).map(|l| l.trim()) {
            Some(l) if l.starts_with("exp:[],") => quiet.insert(name.to_string()),
            Some(l) if l.starts_with("exp:[") => firing.insert(name.to_string()),
            _ => panic!("unexpected promtool report layout after {line:?}:\n{report}"),
        };
    }
    (firing, quiet)
}

/// A scratch copy of alerts/ (rules and unit tests) that is removed when dropped.
struct Scratch(PathBuf);

impl Scratch {
    fn new(tag: &str, rules: &str) -> Self {
        let dir =
            env::temp_dir().join(format!("connector-exporter-alerts-{tag}-{}", process::id()));
        let _ = fs::remove_dir_all(&dir);
        let tests = dir.join(UNIT_TESTS);
        fs::create_dir_all(&tests).unwrap();
        fs::write(dir.join(RULES), rules).unwrap();
        for file in unit_test_files() {
            fs::copy(&file, tests.join(file.file_name().unwrap())).unwrap();
        }
        Scratch(dir)
    }

    fn unit_test_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = fs::read_dir(self.0.join(UNIT_TESTS))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .collect();
        files.sort();
        files
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

/// GitHub-style anchors of the Markdown headings outside code blocks.
fn anchors(markdown: &str) -> BTreeSet<String> {
    let mut in_code = false;
    let mut anchors = BTreeSet::new();
    for line in markdown.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
            continue;
        }
        if in_code || !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#').trim();
        let slug: String = heading
            .to_lowercase()
            .chars()
            .filter_map(|c| match c {
                ' ' => Some('-'),
                c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
                _ => None,
            })
            .collect();
        anchors.insert(slug);
    }
    anchors
}

#[test]
fn rules_pass_promtool_check() {
    let text = rules_text();
    let alerts = parse_alerts(&text);
    let (ok, report) = run(Command::new(promtool())
        .current_dir(root())
        .args(["check", "rules", RULES]));
    assert!(ok, "promtool check rules {RULES} failed:\n{report}");
    // The count ties promtool's view of the file to this file's parser.
    let expected = format!(
        "SUCCESS: {} rules found",
        alerts.len() + count_records(&text)
    );
    assert!(
        report.contains(&expected),
        "expected {expected:?} from promtool:\n{report}"
    );
}

#[test]
fn every_alert_is_complete_and_in_its_group() {
    let text = rules_text();
    let alerts = parse_alerts(&text);
    assert!(!alerts.is_empty(), "no alerts found in {RULES}");

    let mut names = BTreeSet::new();
    for alert in &alerts {
        let name = &alert.name;
        assert!(names.insert(name.clone()), "{name} is defined twice");
        let lines = alert_lines(&text, alert);
        let value =
            |key: &str| block_value(&lines, key).unwrap_or_else(|| panic!("{name} has no {key}"));

        let severity = value("severity");
        assert!(
            SEVERITIES.contains(&severity.as_str()),
            "{name}: severity {severity:?} is not one of {SEVERITIES:?}"
        );
        assert!(!value("summary").trim().is_empty(), "{name}: empty summary");
        let description = value("description");
        let dashboard = value("dashboard_url");
        assert!(
            dashboard.starts_with(DASHBOARD_URL_SCHEME) && dashboard.contains("/d/"),
            "{name}: dashboard_url {dashboard:?} is not an absolute Grafana dashboard link"
        );
        // Alerts about one connector name it and its host and link its details; alerts about a
        // group (fleet alerts) name the group instead and link the fleet dashboard.
        let per_connector = dashboard.contains("var-instance={{ $labels.instance }}");
        let needles: &[&str] = if per_connector {
            &[
                "$labels.instance",
                "connector_host_info",
                "label \"hostname\"",
            ]
        } else {
            &["$labels."]
        };
        for needle in needles {
            assert!(
                description.contains(needle),
                "{name}: the description must name {} (no {needle})",
                if per_connector {
                    "the instance and the hostname"
                } else {
                    "the group"
                }
            );
        }
        let url = value("runbook_url");
        assert!(
            url.starts_with(RUNBOOK_URL_SCHEME)
                && url.ends_with(&format!("{RUNBOOK_URL_TAIL}{}", name.to_lowercase())),
            "{name}: runbook_url {url:?} must be absolute and point at its own runbook section"
        );
        assert!(
            GROUPS
                .iter()
                .any(|g| alert.group.ends_with(&format!(".{g}"))),
            "{name} is in group {:?}, not one of {GROUPS:?}",
            alert.group
        );
    }
    for group in GROUPS {
        assert!(
            alerts
                .iter()
                .any(|a| a.group.ends_with(&format!(".{group}"))),
            "no alert in the {group} group"
        );
    }
}

#[test]
fn runbook_has_a_section_for_every_alert() {
    let text = rules_text();
    let runbook = read(&root().join(RUNBOOK));
    let anchors = anchors(&runbook);
    for alert in parse_alerts(&text) {
        let lines = alert_lines(&text, &alert);
        let url = block_value(&lines, "runbook_url")
            .unwrap_or_else(|| panic!("{} has no runbook_url", alert.name));
        let anchor = url
            .split_once(RUNBOOK_URL_TAIL)
            .map(|(_, anchor)| anchor)
            .unwrap_or_else(|| panic!("{}: runbook_url {url:?} is not in {RUNBOOK}", alert.name));
        assert!(
            anchors.contains(anchor),
            "{}: {RUNBOOK} has no heading with anchor #{anchor}",
            alert.name
        );
    }
    // The runbook's own cross-references must land too.
    for link in runbook.split("](#").skip(1) {
        let anchor = link.split(')').next().unwrap();
        assert!(
            anchors.contains(anchor),
            "{RUNBOOK} links to missing #{anchor}"
        );
    }
}

#[test]
fn unit_tests_load_the_real_rules() {
    let rules = fs::canonicalize(root().join(RULES)).unwrap();
    for file in unit_test_files() {
        let entries = rule_files(&read(&file), &file);
        assert!(
            !entries.is_empty(),
            "{}: rule_files is empty",
            file.display()
        );
        for entry in entries {
            let resolved = file.parent().unwrap().join(&entry);
            let resolved = fs::canonicalize(&resolved).unwrap_or_else(|e| {
                panic!(
                    "{}: rule_files entry {entry:?} matches no file: {e}",
                    file.display()
                )
            });
            assert_eq!(
                resolved,
                rules,
                "{}: rule_files entry {entry:?} is not {RULES}",
                file.display()
            );
        }
    }
}

#[test]
fn unit_tests_pass() {
    let files = unit_test_files();
    let (ok, report) = run(Command::new(promtool())
        .current_dir(root())
        .args(["test", "rules"])
        .args(&files));
    assert!(ok, "promtool test rules failed:\n{report}");
    // A rule_files pattern that matches nothing is only a warning and the tests then pass.
    assert!(
        !report.to_lowercase().contains("warning"),
        "promtool warned, the tests may not have loaded the rules:\n{report}"
    );
    assert_eq!(
        report.matches("SUCCESS").count(),
        files.len(),
        "expected one SUCCESS per test file:\n{report}"
    );
}

#[test]
fn every_alert_is_tested_firing_and_quiet() {
    let alerts: BTreeSet<String> = parse_alerts(&rules_text())
        .into_iter()
        .map(|a| a.name)
        .collect();
    let cases = coverage(&unit_test_files());
    for name in cases.keys() {
        assert!(
            alerts.contains(name),
            "unit tests name {name}, which is not an alert in {RULES} (a quiet case would pass vacuously)"
        );
    }
    for name in &alerts {
        let case = cases.get(name);
        assert!(
            case.is_some_and(|c| !c.firing.is_empty()),
            "{name} has no unit test case where it fires"
        );
        assert!(
            case.is_some_and(|c| !c.quiet.is_empty()),
            "{name} has no unit test case where it must stay quiet"
        );
    }
}

/// With every rule unable to fire, each alert's firing cases must fail; with every rule always
/// firing (after its `for`), each alert's quiet cases must fail. promtool judges each alert name
/// separately, so one run per mutation covers all alerts.
#[test]
fn unit_tests_fail_when_rules_are_broken() {
    let text = rules_text();
    let alerts: BTreeSet<String> = parse_alerts(&text).into_iter().map(|a| a.name).collect();
    for (tag, expr) in [("never", "vector(1) < 0"), ("always", "vector(1)")] {
        let scratch = Scratch::new(tag, &with_every_expr(&text, expr));
        let (ok, report) = run(Command::new(promtool())
            .args(["test", "rules"])
            .args(scratch.unit_test_files()));
        assert!(
            !ok,
            "unit tests still pass with every expr set to {expr:?}:\n{report}"
        );
        let (firing, quiet) = failed_cases(&report);
        let caught = if tag == "never" { &firing } else { &quiet };
        let missed: Vec<&String> = alerts.difference(caught).collect();
        assert!(
            missed.is_empty(),
            "with every expr set to {expr:?} the unit tests of {missed:?} still pass: \
             their {} cases test nothing\n{report}",
            if tag == "never" {
                "firing"
            } else {
                "quiet (evaluated after `for`)"
            }
        );
    }
}

#[test]
fn alertmanager_example_is_valid() {
    let amtool = amtool();
    let (ok, report) = run(Command::new(&amtool)
        .current_dir(root())
        .args(["check-config", ALERTMANAGER]));
    assert!(ok, "amtool check-config {ALERTMANAGER} failed:\n{report}");

    for severity in SEVERITIES {
        let (ok, report) = run(Command::new(&amtool).current_dir(root()).args([
            "config",
            "routes",
            "test",
            &format!("--config.file={ALERTMANAGER}"),
            &format!("severity={severity}"),
        ]));
        assert!(ok, "amtool config routes test failed:\n{report}");
        let receiver = format!("connector-{severity}");
        assert!(
            report.lines().any(|l| l.trim() == receiver),
            "severity={severity} is not routed to {receiver}:\n{report}"
        );
    }

    // Inhibition and routing that name alerts must name real ones.
    let alerts: BTreeSet<String> = parse_alerts(&rules_text())
        .into_iter()
        .map(|a| a.name)
        .collect();
    let config = read(&root().join(ALERTMANAGER));
    let mut named = 0;
    for part in config.split("alertname").skip(1) {
        // Matchers only: `group_by: [alertname, ...]` names the label, not an alert.
        if !part.starts_with(['=', '!']) {
            continue;
        }
        let value = part
            .trim_start_matches(['=', '~', '!'])
            .trim_start_matches(['"', '\''])
            .split(['"', '\'', ']', ','])
            .next()
            .unwrap();
        for name in value.split('|') {
            named += 1;
            assert!(
                alerts.contains(name),
                "{ALERTMANAGER} names {name:?}, which is not an alert"
            );
        }
    }
    assert!(
        named > 0,
        "{ALERTMANAGER} names no alert (the clock inhibition is missing)"
    );
}

/// `name -> text` of each rule group of a generated rule file (every group starts with a
/// `  - name:` line).
fn groups_of(text: &str) -> BTreeMap<String, String> {
    let mut groups = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for line in text.lines().filter(|l| !l.starts_with('#')) {
        if let Some(name) = line.strip_prefix("  - name: ") {
            groups.extend(current.take());
            current = Some((name.to_owned(), String::new()));
        }
        if let Some((_, body)) = current.as_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    groups.extend(current);
    // The last group of a file ends with the file's own final newline.
    for body in groups.values_mut() {
        let end = body.trim_end().len();
        body.truncate(end);
    }
    groups
}

/// A fleet evaluates the site groups at each site and the rest centrally: together they are
/// every group of the single-Prometheus file, each once, unchanged, and promtool loads both.
#[test]
fn fleet_rule_files_split_every_group_once() {
    let all = groups_of(&rules_text());
    let mut seen = BTreeMap::new();
    for file in [
        "deploy/fleet/site.rules.yml",
        "deploy/fleet/central.rules.yml",
    ] {
        let text = fs::read_to_string(root().join(file)).unwrap();
        let groups = groups_of(&text);
        assert!(!groups.is_empty(), "{file} has no groups");
        for (name, body) in groups {
            assert_eq!(all.get(&name), Some(&body), "{file}: group {name} differs");
            assert!(seen.insert(name.clone(), file).is_none(), "{name} twice");
        }
        let (ok, report) = run(Command::new(promtool())
            .current_dir(root())
            .args(["check", "rules", file]));
        assert!(ok, "promtool check rules {file} failed:\n{report}");
    }
    let missing: Vec<_> = all.keys().filter(|g| !seen.contains_key(*g)).collect();
    assert!(
        missing.is_empty(),
        "groups in neither fleet file: {missing:?}"
    );
    // Aggregating over a whole remote network needs every site of it.
    assert_eq!(
        seen["connector-exporter.fleet"],
        "deploy/fleet/central.rules.yml"
    );
    assert_eq!(
        seen["connector-exporter.clock"],
        "deploy/fleet/site.rules.yml"
    );
}
