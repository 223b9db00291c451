//! The Grafana dashboards under `dashboards/` as data: every PromQL query that a panel, a template
//! variable or an annotation runs, with Grafana's variables filled in, so a test can run each one
//! against a real Prometheus. std + serde_json only.
//!
//! Values are inserted verbatim, as Grafana does for a single selection; for `=~` matchers that is
//! fine because host:port values only contain `.` as a regex metacharacter and it matches itself.
#![allow(dead_code)]

use serde_json::Value;
use std::path::PathBuf;
use std::time::Duration;

/// The dashboard files, relative to `dashboards/`.
pub const DASHBOARD_FILES: [&str; 2] = ["connector-details.json", "fleet-overview.json"];

/// Grafana's global variables that may appear in a query, besides the dashboard's own.
pub const BUILTIN_VARIABLES: [&str; 6] = [
    "__rate_interval",
    "__interval",
    "__interval_ms",
    "__range",
    "__range_s",
    "__range_ms",
];

pub fn dashboards_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("dashboards")
}

/// Parses one dashboard file; panics with the file name on any error.
pub fn load(file: &str) -> Value {
    let path = dashboards_dir().join(file);
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file} is not valid JSON: {e}"))
}

/// `(file name, dashboard)` for every dashboard.
pub fn load_all() -> Vec<(String, Value)> {
    DASHBOARD_FILES
        .iter()
        .map(|f| (f.to_string(), load(f)))
        .collect()
}

/// Every panel in file order, including panels nested in collapsed rows.
pub fn panels(dashboard: &Value) -> Vec<&Value> {
    fn walk<'a>(list: &'a Value, out: &mut Vec<&'a Value>) {
        for panel in list.as_array().into_iter().flatten() {
            out.push(panel);
            walk(&panel["panels"], out);
        }
    }
    let mut out = Vec::new();
    walk(&dashboard["panels"], &mut out);
    out
}

/// How Grafana sends a query to Prometheus.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `/api/v1/query` at the end of the time range: targets marked `instant` (stats, tables,
    /// bar gauges) and `query_result(…)` or plain-expression variables.
    Instant,
    /// `/api/v1/query_range` over the time range: graph and timeline targets.
    Range,
    /// `label_values(selector, label)`: Grafana asks
    /// `/api/v1/label/<label>/values?match[]=<selector>`.
    LabelValues(String),
    /// An annotation: a range query at the annotation's own step.
    Annotation { step: Duration },
}

/// One query as written in the dashboard, variables not yet filled in.
#[derive(Debug, Clone)]
pub struct RawQuery {
    pub dashboard: String,
    /// Panel title, or `variable <name>` / `annotation <name>`.
    pub title: String,
    pub kind: Kind,
    pub expr: String,
}

/// Every query of one dashboard: panel targets, query variables, Prometheus annotations.
/// A `label_values(selector, label)` variable yields its selector, `query_result(expr)` its expr.
pub fn raw_queries(file: &str, dashboard: &Value) -> Vec<RawQuery> {
    let mut out = Vec::new();
    let mut push = |title: String, kind: Kind, expr: &str| {
        out.push(RawQuery {
            dashboard: file.to_string(),
            title,
            kind,
            expr: expr.to_string(),
        })
    };
    for panel in panels(dashboard) {
        let title = panel["title"].as_str().unwrap_or_default();
        for target in panel["targets"].as_array().into_iter().flatten() {
            let expr = target["expr"]
                .as_str()
                .unwrap_or_else(|| panic!("{file}: panel {title:?} has a target without expr"));
            // Grafana's Prometheus data source runs a target as a range query unless it says
            // instant only.
            let kind = if target["instant"] == true && target["range"] != true {
                Kind::Instant
            } else {
                Kind::Range
            };
            push(title.to_string(), kind, expr);
        }
    }
    for var in dashboard["templating"]["list"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if var["type"] != "query" {
            continue;
        }
        let name = var["name"].as_str().unwrap_or_default();
        let query = match &var["query"] {
            Value::String(s) => s.as_str(),
            q => q["query"].as_str().unwrap_or_default(),
        };
        let expr =
            variable_promql(query).unwrap_or_else(|e| panic!("{file}: variable {name}: {e}"));
        let kind = match call_args(query.trim(), "label_values") {
            Some(args) => Kind::LabelValues(
                args.rsplit_once(',')
                    .map(|(_, label)| label.trim().to_string())
                    .unwrap_or_default(),
            ),
            None => Kind::Instant,
        };
        push(format!("variable {name}"), kind, &expr);
    }
    for ann in dashboard["annotations"]["list"]
        .as_array()
        .into_iter()
        .flatten()
    {
        if let Some(expr) = ann["expr"].as_str() {
            let name = ann["name"].as_str().unwrap_or_default();
            // Without a step of its own, Grafana uses the panel interval; 60 s stands in for it.
            let step = match ann["step"].as_str() {
                Some(step) => grafana_duration(step)
                    .unwrap_or_else(|| panic!("{file}: annotation {name}: step {step:?}")),
                None => Duration::from_secs(60),
            };
            push(
                format!("annotation {name}"),
                Kind::Annotation { step },
                expr,
            );
        }
    }
    out
}

/// The PromQL a variable query evaluates: the selector of `label_values(selector, label)`, the
/// expression of `query_result(expr)`, or the query itself (a series selector).
pub fn variable_promql(query: &str) -> Result<String, String> {
    let q = query.trim();
    if let Some(args) = call_args(q, "label_values") {
        let (selector, label) = args
            .rsplit_once(',')
            .ok_or_else(|| format!("label_values without a selector: {q}"))?;
        if label.trim().is_empty() || selector.trim().is_empty() {
            return Err(format!("label_values needs a selector and a label: {q}"));
        }
        return Ok(selector.trim().to_string());
    }
    if let Some(expr) = call_args(q, "query_result") {
        return Ok(expr.trim().to_string());
    }
    for other in ["label_names(", "metrics("] {
        if q.starts_with(other) {
            return Err(format!("{other}…) is not a PromQL expression: {q}"));
        }
    }
    Ok(q.to_string())
}

/// `500ms`, `15s`, `1m`, `2h`: the interval strings Grafana takes for a step.
pub fn grafana_duration(text: &str) -> Option<Duration> {
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    Some(match unit {
        "ms" => Duration::from_millis(n),
        "s" => Duration::from_secs(n),
        "m" => Duration::from_secs(n * 60),
        "h" => Duration::from_secs(n * 3600),
        _ => return None,
    })
}

fn call_args<'a>(q: &'a str, name: &str) -> Option<&'a str> {
    q.strip_prefix(name)?
        .trim_start()
        .strip_prefix('(')?
        .strip_suffix(')')
}

/// The values of the fleet dashboard's Aggregates variable (`$rules`).
pub const RAW: &str = ".+";
pub const RECORDED: &str = ".*";
/// The label no series has, which `$rules` switches on (see mixin/dashboards/fleet-overview).
pub const SWITCH_LABEL: &str = "fleet_rules";

/// Values for the variables a query may use. Durations default long enough to hold several
/// samples at any scrape interval up to 15 s.
#[derive(Debug, Clone)]
pub struct Vars {
    pub job: String,
    pub instance: String,
    pub rate_interval: Duration,
    pub interval: Duration,
    pub range: Duration,
    /// The fleet dashboard's Aggregates variable: `.+` computes from every connector's series
    /// (the default here, since most tests load no recording rules), `.*` reads the rules.
    pub rules: String,
}

impl Vars {
    pub fn new(job: &str, instance: &str) -> Self {
        Vars {
            job: job.to_string(),
            instance: instance.to_string(),
            rate_interval: Duration::from_secs(60),
            interval: Duration::from_secs(60),
            range: Duration::from_secs(3600),
            rules: RAW.to_owned(),
        }
    }

    /// What `$name` becomes; `None` for a variable this does not know.
    pub fn value(&self, name: &str) -> Option<String> {
        Some(match name {
            "job" => self.job.clone(),
            "instance" => self.instance.clone(),
            // The grouping variables as the fleet dashboard opens: All.
            "remote_network" | "site" => ".*".to_owned(),
            "rules" => self.rules.clone(),
            "__rate_interval" => promql_duration(self.rate_interval),
            "__interval" => promql_duration(self.interval),
            "__interval_ms" => self.interval.as_millis().to_string(),
            "__range" => promql_duration(self.range),
            "__range_s" => self.range.as_secs().to_string(),
            "__range_ms" => self.range.as_millis().to_string(),
            _ => return None,
        })
    }
}

fn promql_duration(d: Duration) -> String {
    if d.subsec_millis() == 0 {
        format!("{}s", d.as_secs())
    } else {
        format!("{}ms", d.as_millis())
    }
}

/// Grafana variable references in `expr`: `(start, end, name)` for `$name`, `${name}` and
/// `${name:format}`. `$1` and the like (regex back-references) are not variables.
pub fn variable_refs(expr: &str) -> Vec<(usize, usize, String)> {
    let bytes = expr.as_bytes();
    let is_name = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] != b'$' {
            i += 1;
            continue;
        }
        if bytes.get(i + 1) == Some(&b'{')
            && let Some(close) = expr[i..].find('}')
        {
            let inner = &expr[i + 2..i + close];
            let name = inner.split(':').next().unwrap_or_default();
            out.push((i, i + close + 1, name.to_string()));
            i += close + 1;
            continue;
        }
        let start = i + 1;
        let mut end = start;
        while end < bytes.len() && is_name(bytes[end]) {
            end += 1;
        }
        if end > start && !bytes[start].is_ascii_digit() {
            out.push((i, end, expr[start..end].to_string()));
        }
        i = end.max(i + 1);
    }
    out
}

/// Fills in every variable of `expr`; an unknown variable is an error, not left in place.
pub fn substitute(expr: &str, vars: &Vars) -> Result<String, String> {
    let mut out = String::with_capacity(expr.len());
    let mut last = 0;
    for (start, end, name) in variable_refs(expr) {
        let value = vars
            .value(&name)
            .ok_or_else(|| format!("unknown variable ${name} in {expr}"))?;
        out.push_str(&expr[last..start]);
        out.push_str(&value);
        last = end;
    }
    out.push_str(&expr[last..]);
    Ok(out)
}

/// `(dashboard file, panel title, PromQL)` for every query of every dashboard, ready to send to
/// Prometheus. Titles are `variable <name>` and `annotation <name>` for those queries.
pub fn queries(vars: &Vars) -> Vec<(String, String, String)> {
    substituted(vars)
        .into_iter()
        .map(|q| (q.dashboard, q.title, q.expr))
        .collect()
}

/// Every query of every dashboard with its variables filled in, and how Grafana runs it.
pub fn substituted(vars: &Vars) -> Vec<RawQuery> {
    load_all()
        .iter()
        .flat_map(|(file, dash)| raw_queries(file, dash))
        .map(|q| {
            let expr = substitute(&q.expr, vars)
                .unwrap_or_else(|e| panic!("{}: {}: {e}", q.dashboard, q.title));
            RawQuery { expr, ..q }
        })
        .collect()
}
