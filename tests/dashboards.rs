//! Structure and metric-name checks for the Grafana dashboards in `dashboards/`.
//!
//! Grafana itself cannot run here, so these checks stand in for loading the files: everything
//! Grafana would silently get wrong (a column renamed that does not exist, a link to a uid that is
//! not there, a metric that the exporter does not export) fails here instead.

#[path = "common/dashboards.rs"]
mod dash;

use dash::{RawQuery, Vars};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};

const DETAILS: &str = "connector-details.json";
const FLEET: &str = "fleet-overview.json";
/// Stable uids: bookmarks, links between the two dashboards and provisioning depend on them.
const UIDS: [(&str, &str); 2] = [
    (DETAILS, "connector-exporter-details"),
    (FLEET, "connector-exporter-fleet"),
];
/// Grafana 12's dashboard schema; older versions load it unchanged, newer ones migrate it.
const SCHEMA_VERSION: u64 = 41;
const GRID_WIDTH: u64 = 24;
const PANEL_TYPES: [&str; 5] = ["stat", "timeseries", "table", "state-timeline", "bargauge"];
/// Grafana unit ids used here (from Grafana's valueFormats categories).
#[rustfmt::skip]
const UNITS: [&str; 11] = [
    "none", "short", "s", "ms", "percent", "percentunit", "bytes", "dateTimeAsIso",
    "dateTimeFromNow", "cpm", "cps",
];
#[rustfmt::skip]
const OVERRIDE_PROPERTIES: [&str; 15] = [
    "unit", "decimals", "mappings", "thresholds", "color", "links", "displayName", "min", "max",
    "custom.cellOptions", "custom.width", "custom.fillBelowTo", "custom.fillOpacity",
    "custom.lineStyle", "custom.lineWidth",
];
/// Labels Prometheus adds to every scraped series.
const TARGET_LABELS: [&str; 2] = ["job", "instance"];

fn ds() -> Value {
    json!({"type": "prometheus", "uid": "${datasource}"})
}

fn all() -> Vec<(String, Value)> {
    dash::load_all()
}

fn title(panel: &Value) -> &str {
    panel["title"].as_str().unwrap_or("<untitled>")
}

fn is_row(panel: &Value) -> bool {
    panel["type"] == "row"
}

fn panel<'a>(dashboard: &'a Value, title_: &str) -> &'a Value {
    dash::panels(dashboard)
        .into_iter()
        .find(|p| title(p) == title_)
        .unwrap_or_else(|| panic!("no panel titled {title_:?}"))
}

fn strs(v: &Value) -> Vec<&str> {
    v.as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect()
}

// ------------------------------------------------------------------------------------- golden

/// `sample name -> label names` from the golden `/metrics` listing.
fn golden() -> BTreeMap<String, BTreeSet<String>> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/metrics.txt");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("reading {}: {e}", path.display()));
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
    {
        let (name, labels) = line.split_once(' ').unwrap_or((line, ""));
        let labels = labels
            .trim()
            .split(',')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        out.insert(name.to_string(), labels);
    }
    assert!(!out.is_empty(), "{} lists no metric", path.display());
    out
}

/// Label names a selector on `metric` may use: its own plus the target labels; `up` comes from
/// Prometheus and has only the target labels.
fn allowed_labels(golden: &BTreeMap<String, BTreeSet<String>>, metric: &str) -> BTreeSet<String> {
    let mut labels = golden.get(metric).cloned().unwrap_or_default();
    labels.extend(TARGET_LABELS.map(String::from));
    labels
}

fn metric_exists(golden: &BTreeMap<String, BTreeSet<String>>, metric: &str) -> bool {
    metric == "up" || golden.contains_key(metric)
}

// ------------------------------------------------------------------------------ structure

#[test]
fn files_are_valid_json_with_stable_identity() {
    let mut seen = BTreeSet::new();
    for (file, expected_uid) in UIDS {
        let d = dash::load(file);
        assert_eq!(d["uid"], expected_uid, "{file}: uid changed");
        assert!(seen.insert(expected_uid), "uid {expected_uid} used twice");
        assert!(
            expected_uid.len() <= 40,
            "{file}: Grafana uids are at most 40 characters"
        );
        assert!(
            d["id"].is_null(),
            "{file}: id must be null so imports do not clash"
        );
        assert_eq!(d["schemaVersion"], SCHEMA_VERSION, "{file}: schemaVersion");
        assert!(
            d["title"].as_str().is_some_and(|t| !t.is_empty()),
            "{file}: title"
        );
        assert!(
            strs(&d["tags"]).contains(&"connector-exporter"),
            "{file}: tags"
        );
        assert!(d["refresh"].is_string(), "{file}: refresh must be a string");
        let inputs = d["__inputs"].as_array().expect("__inputs");
        assert_eq!(
            inputs.len(),
            1,
            "{file}: one input, the Prometheus data source"
        );
        assert_eq!(inputs[0]["name"], "DS_PROMETHEUS");
        assert_eq!(inputs[0]["type"], "datasource");
        assert_eq!(inputs[0]["pluginId"], "prometheus");
        // The import UI replaces ${DS_PROMETHEUS}; it may only be the variable's default.
        let text = serde_json::to_string(&d).unwrap();
        assert_eq!(
            text.matches("${DS_PROMETHEUS}").count(),
            1,
            "{file}: ${{DS_PROMETHEUS}}"
        );
        assert_eq!(
            d["templating"]["list"][0]["current"]["value"], "${DS_PROMETHEUS}",
            "{file}: the import's data source becomes the datasource variable's default"
        );
    }
}

#[test]
fn panel_ids_are_unique() {
    for (file, d) in all() {
        let mut ids = BTreeSet::new();
        for p in dash::panels(&d) {
            let id = p["id"]
                .as_u64()
                .unwrap_or_else(|| panic!("{file}: {} has no id", title(p)));
            assert!(ids.insert(id), "{file}: panel id {id} used twice");
        }
    }
}

#[test]
fn panel_titles_are_unique_and_described() {
    for (file, d) in all() {
        let mut titles = BTreeSet::new();
        for p in dash::panels(&d) {
            let t = title(p);
            assert!(
                !t.is_empty() && titles.insert(t),
                "{file}: title {t:?} empty or repeated"
            );
            if !is_row(p) {
                assert!(
                    p["description"].as_str().is_some_and(|s| !s.is_empty()),
                    "{file}: {t}"
                );
            }
        }
    }
}

#[test]
fn grid_positions_fit_and_do_not_overlap() {
    for (file, d) in all() {
        let mut rects: Vec<(&str, [u64; 4])> = Vec::new();
        for p in d["panels"].as_array().unwrap() {
            let g = &p["gridPos"];
            let [x, y, w, h] = ["x", "y", "w", "h"].map(|k| {
                g[k].as_u64()
                    .unwrap_or_else(|| panic!("{file}: {}: gridPos.{k}", title(p)))
            });
            assert!(
                w >= 1 && h >= 1 && x + w <= GRID_WIDTH,
                "{file}: {} out of grid",
                title(p)
            );
            if is_row(p) {
                assert_eq!((x, w, h), (0, GRID_WIDTH, 1), "{file}: row {}", title(p));
                assert_eq!(p["collapsed"], false, "{file}: rows stay open");
            }
            for (other, [ox, oy, ow, oh]) in &rects {
                let apart = x + w <= *ox || ox + ow <= x || y + h <= *oy || oy + oh <= y;
                assert!(apart, "{file}: {} overlaps {other}", title(p));
            }
            rects.push((title(p), [x, y, w, h]));
        }
    }
}

/// Every `datasource` anywhere is the variable, so no data source uid is hard-coded.
#[test]
fn every_query_uses_the_datasource_variable() {
    fn walk(v: &Value, path: &str, file: &str) {
        match v {
            Value::Object(m) => {
                for (k, child) in m {
                    if k == "datasource" {
                        assert_eq!(child, &ds(), "{file}: {path}.datasource");
                    }
                    walk(child, &format!("{path}.{k}"), file);
                }
            }
            Value::Array(a) => a
                .iter()
                .enumerate()
                .for_each(|(i, c)| walk(c, &format!("{path}[{i}]"), file)),
            _ => {}
        }
    }
    for (file, d) in all() {
        walk(&d, "", &file);
        let vars = d["templating"]["list"].as_array().unwrap();
        assert_eq!(
            vars[0]["name"], "datasource",
            "{file}: the datasource variable comes first"
        );
        assert_eq!(vars[0]["type"], "datasource");
        assert_eq!(vars[0]["query"], "prometheus");
        for p in dash::panels(&d) {
            let targets = p["targets"].as_array();
            if is_row(p) {
                assert!(
                    targets.is_none_or(Vec::is_empty),
                    "{file}: row {} has queries",
                    title(p)
                );
                continue;
            }
            assert_eq!(p["datasource"], ds(), "{file}: {}", title(p));
            let targets = targets.filter(|t| !t.is_empty());
            let targets = targets.unwrap_or_else(|| panic!("{file}: {} has no query", title(p)));
            let mut ref_ids = BTreeSet::new();
            for t in targets {
                assert_eq!(t["datasource"], ds(), "{file}: {} target", title(p));
                assert!(t["expr"].as_str().is_some_and(|e| !e.trim().is_empty()));
                assert!(
                    ref_ids.insert(t["refId"].as_str().unwrap()),
                    "{file}: {} refId",
                    title(p)
                );
            }
        }
    }
}

#[test]
fn units_are_set_on_every_panel() {
    for (file, d) in all() {
        for p in dash::panels(&d).into_iter().filter(|p| !is_row(p)) {
            let unit = p["fieldConfig"]["defaults"]["unit"].as_str();
            assert!(
                unit.is_some_and(|u| UNITS.contains(&u)),
                "{file}: {} unit {unit:?}",
                title(p)
            );
            for o in p["fieldConfig"]["overrides"].as_array().unwrap() {
                for prop in o["properties"].as_array().unwrap() {
                    let id = prop["id"].as_str().unwrap();
                    assert!(
                        OVERRIDE_PROPERTIES.contains(&id),
                        "{file}: {}: {id}",
                        title(p)
                    );
                    if id == "unit" {
                        assert!(
                            UNITS.contains(&prop["value"].as_str().unwrap()),
                            "{file}: {}",
                            title(p)
                        );
                    }
                }
            }
        }
    }
}

/// Tables and single values ask for one instant sample; graphs ask for a range. Graph series are
/// named by a legend, so overrides and the tooltip do not show raw label sets.
#[test]
fn panel_types_match_their_queries() {
    for (file, d) in all() {
        for p in dash::panels(&d).into_iter().filter(|p| !is_row(p)) {
            let kind = p["type"].as_str().unwrap();
            assert!(
                PANEL_TYPES.contains(&kind),
                "{file}: {} type {kind}",
                title(p)
            );
            for t in p["targets"].as_array().unwrap() {
                let (instant, format) = match kind {
                    "table" => (true, "table"),
                    "stat" | "bargauge" => (true, "time_series"),
                    _ => (false, "time_series"),
                };
                let what = format!("{file}: {} {}", title(p), t["refId"]);
                assert_eq!(t["instant"], instant, "{what}: instant");
                assert_eq!(t["range"], !instant, "{what}: range");
                assert_eq!(t["format"], format, "{what}: format");
                if kind != "table" {
                    assert!(
                        t["legendFormat"].as_str().is_some_and(|l| !l.is_empty()),
                        "{what}"
                    );
                }
            }
        }
    }
}

#[test]
fn requires_lists_exactly_the_panel_types_used() {
    for (file, d) in all() {
        let used: BTreeSet<&str> = dash::panels(&d)
            .into_iter()
            .filter(|p| !is_row(p))
            .map(|p| p["type"].as_str().unwrap())
            .collect();
        let reqs = d["__requires"].as_array().unwrap();
        let of = |kind: &str| -> BTreeSet<&str> {
            reqs.iter()
                .filter(|r| r["type"] == kind)
                .map(|r| r["id"].as_str().unwrap())
                .collect()
        };
        assert_eq!(of("panel"), used, "{file}: __requires panels");
        assert_eq!(of("datasource"), BTreeSet::from(["prometheus"]), "{file}");
        assert_eq!(of("grafana"), BTreeSet::from(["grafana"]), "{file}");
    }
}

#[test]
fn variables_are_defined_and_scoped() {
    for (file, d) in all() {
        let vars = d["templating"]["list"].as_array().unwrap();
        let names: Vec<&str> = vars.iter().map(|v| v["name"].as_str().unwrap()).collect();
        assert_eq!(
            names,
            ["datasource", "job", "instance"],
            "{file}: variables"
        );
        let multi = file == FLEET;
        for v in &vars[1..] {
            assert_eq!(v["type"], "query", "{file}: {}", v["name"]);
            assert_eq!(v["multi"], multi, "{file}: {} multi", v["name"]);
            assert_eq!(v["includeAll"], multi, "{file}: {} includeAll", v["name"]);
            assert_eq!(
                v["definition"], v["query"]["query"],
                "{file}: {}",
                v["name"]
            );
        }
        let op = if multi { "=~" } else { "=" };
        let instance_query = vars[2]["query"]["query"].as_str().unwrap();
        assert!(
            instance_query.contains(&format!("job{op}\"$job\"")),
            "{file}: instance follows job"
        );
        for q in dash::raw_queries(&file, &d) {
            for (_, _, name) in dash::variable_refs(&q.expr) {
                let known = names.contains(&name.as_str())
                    || dash::BUILTIN_VARIABLES.contains(&name.as_str());
                assert!(
                    known && name != "datasource",
                    "{file}: {}: ${name}",
                    q.title
                );
            }
        }
    }
}

/// Every selector of a panel is limited to the chosen job and instance, with `=` for a single
/// selection and `=~` where the variable takes several values.
#[test]
fn every_selector_is_scoped_to_job_and_instance() {
    for (file, d) in all() {
        let op = if file == FLEET { "=~" } else { "=" };
        for q in dash::raw_queries(&file, &d)
            .iter()
            .filter(|q| !q.title.starts_with("variable "))
        {
            let scan = promql::scan(&q.expr).unwrap_or_else(|e| panic!("{file}: {}: {e}", q.title));
            for sel in &scan.selectors {
                for var in TARGET_LABELS {
                    let m = sel.matchers.iter().find(|m| m.label == var);
                    let ok = m.is_some_and(|m| m.op == op && m.value == format!("${var}"));
                    assert!(
                        ok,
                        "{file}: {}: {} needs {var}{op}\"${var}\"",
                        q.title, sel.metric
                    );
                }
            }
        }
    }
}

#[test]
fn thresholds_are_ordered() {
    fn check(t: &Value, what: &str) {
        let steps = t["steps"].as_array().unwrap();
        assert_eq!(t["mode"], "absolute", "{what}");
        assert!(
            steps[0]["value"].is_null(),
            "{what}: the base step has no value"
        );
        let values: Vec<f64> = steps[1..]
            .iter()
            .map(|s| s["value"].as_f64().unwrap())
            .collect();
        assert!(
            values.windows(2).all(|w| w[0] < w[1]),
            "{what}: {values:?} not increasing"
        );
        assert!(
            steps
                .iter()
                .all(|s| s["color"].as_str().is_some_and(|c| !c.is_empty()))
        );
    }
    for (file, d) in all() {
        for p in dash::panels(&d).into_iter().filter(|p| !is_row(p)) {
            let what = format!("{file}: {}", title(p));
            check(&p["fieldConfig"]["defaults"]["thresholds"], &what);
            for o in p["fieldConfig"]["overrides"].as_array().unwrap() {
                for prop in o["properties"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .filter(|p| p["id"] == "thresholds")
                {
                    check(&prop["value"], &what);
                }
            }
        }
    }
}

/// Grafana colours a value by the last step whose value is <= it.
fn colour_at(thresholds: &Value, x: f64) -> &str {
    let steps = thresholds["steps"].as_array().unwrap();
    let active = steps
        .iter()
        .rev()
        .find(|s| s["value"].as_f64().is_none_or(|v| x >= v));
    active.unwrap()["color"].as_str().unwrap()
}

fn override_property<'a>(panel: &'a Value, field: &str, id: &str) -> &'a Value {
    panel["fieldConfig"]["overrides"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|o| o["matcher"]["options"] == field)
        .flat_map(|o| o["properties"].as_array().unwrap())
        .find(|p| p["id"] == id)
        .map(|p| &p["value"])
        .unwrap_or_else(|| panic!("{}: no {id} on {field}", title(panel)))
}

/// The signed offset is green within ±2.5 s, amber from there, red at ±5 s, wherever it is shown.
#[test]
fn offset_colours_follow_the_tolerance() {
    let details = dash::load(DETAILS);
    let fleet = dash::load(FLEET);
    let signed = [
        &panel(&details, "Clock offset")["fieldConfig"]["defaults"]["thresholds"],
        override_property(panel(&details, "Reference servers"), "Offset", "thresholds"),
        override_property(panel(&fleet, "Connectors"), "Clock offset", "thresholds"),
    ];
    let expected = [
        (-60.0, "red"),
        (-5.0, "red"),
        (-4.99, "orange"),
        (-2.5, "orange"),
        (-2.49, "green"),
        (0.0, "green"),
        (2.49, "green"),
        (2.5, "orange"),
        (4.99, "orange"),
        (5.0, "red"),
        (60.0, "red"),
    ];
    for t in signed {
        for (x, colour) in expected {
            assert_eq!(colour_at(t, x), colour, "offset {x}");
        }
    }
    let ratio = panel(&details, "Offset against tolerance");
    let expr = ratio["targets"][0]["expr"].as_str().unwrap();
    assert!(
        expr.starts_with("abs(connector_clock_offset_seconds{"),
        "{expr}"
    );
    assert!(
        expr.contains(") / connector_clock_offset_tolerance_seconds{"),
        "{expr}"
    );
    let t = &ratio["fieldConfig"]["defaults"]["thresholds"];
    for (x, colour) in [
        (0.0, "green"),
        (0.49, "green"),
        (0.5, "orange"),
        (0.99, "orange"),
        (1.0, "red"),
    ] {
        assert_eq!(colour_at(t, x), colour, "ratio {x}");
    }
    let worst = &panel(&fleet, "Worst clock offsets")["fieldConfig"]["defaults"];
    for (x, colour) in [
        (0.0, "green"),
        (2.49, "green"),
        (2.5, "orange"),
        (5.0, "red"),
    ] {
        assert_eq!(colour_at(&worst["thresholds"], x), colour, "worst {x}");
    }
}

/// The ±tolerance band is two series from the tolerance gauge with the area between them filled.
#[test]
fn offset_graphs_draw_the_tolerance_band() {
    for (file, title_) in [
        (DETAILS, "Clock offset over time"),
        (FLEET, "Clock offset by connector"),
    ] {
        let d = dash::load(file);
        let p = panel(&d, title_);
        let legend = |l: &str| {
            let t = p["targets"]
                .as_array()
                .unwrap()
                .iter()
                .find(|t| t["legendFormat"] == l);
            t.unwrap_or_else(|| panic!("{file}: {title_}: no {l} series"))["expr"]
                .as_str()
                .unwrap()
        };
        assert!(legend("tolerance").contains("connector_clock_offset_tolerance_seconds{"));
        assert!(
            legend("-tolerance").starts_with("-"),
            "{file}: lower edge is the negative"
        );
        assert_eq!(
            override_property(p, "tolerance", "custom.fillBelowTo"),
            "-tolerance"
        );
    }
    // Every byName override of a graph names one of its series.
    for (file, d) in all() {
        for p in dash::panels(&d)
            .into_iter()
            .filter(|p| !is_row(p) && p["type"] != "table")
        {
            let legends: BTreeSet<&str> = p["targets"]
                .as_array()
                .unwrap()
                .iter()
                .filter_map(|t| t["legendFormat"].as_str())
                .collect();
            for o in p["fieldConfig"]["overrides"].as_array().unwrap() {
                let name = o["matcher"]["options"].as_str().unwrap();
                let target_ok = match o["matcher"]["id"].as_str().unwrap() {
                    "byName" => legends.contains(name),
                    "byFrameRefID" => p["targets"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|t| t["refId"] == name),
                    other => panic!("{file}: {}: matcher {other}", title(p)),
                };
                assert!(target_ok, "{file}: {}: override on {name}", title(p));
            }
        }
    }
}

/// Columns a table query yields, as Grafana's Prometheus data source names them: Time, one column
/// per label, and `Value` (one query) or `Value #<refId>` (several).
fn table_columns(
    expr: &str,
    ref_id: &str,
    single: bool,
    golden: &BTreeMap<String, BTreeSet<String>>,
) -> BTreeSet<String> {
    let toks = promql::lex(expr).unwrap();
    let mut cols: BTreeSet<String> = match toks.as_slice() {
        [
            promql::Tok::Ident(_),
            promql::Tok::Ident(by),
            promql::Tok::LParen,
            rest @ ..,
        ] if by == "by" => rest
            .iter()
            .take_while(|t| **t != promql::Tok::RParen)
            .filter_map(|t| match t {
                promql::Tok::Ident(l) => Some(l.clone()),
                _ => None,
            })
            .collect(),
        [
            promql::Tok::Ident(metric),
            promql::Tok::LBrace,
            ..,
            promql::Tok::RBrace,
        ] if toks.iter().filter(|t| **t == promql::Tok::RBrace).count() == 1 => {
            let mut c = allowed_labels(golden, metric);
            c.insert("__name__".into());
            c
        }
        _ => panic!("table query must be `agg by (labels) (…)` or a bare selector: {expr}"),
    };
    cols.insert("Time".into());
    cols.insert(if single {
        "Value".into()
    } else {
        format!("Value #{ref_id}")
    });
    cols
}

/// Every column a table's transformations, overrides, sorting and links name exists.
#[test]
fn table_columns_named_by_transformations_exist() {
    let golden = golden();
    for (file, d) in all() {
        for p in dash::panels(&d)
            .into_iter()
            .filter(|p| p["type"] == "table")
        {
            let what = format!("{file}: {}", title(p));
            let targets = p["targets"].as_array().unwrap();
            let single = targets.len() == 1;
            let per_query: Vec<BTreeSet<String>> = targets
                .iter()
                .map(|t| {
                    table_columns(
                        t["expr"].as_str().unwrap(),
                        t["refId"].as_str().unwrap(),
                        single,
                        &golden,
                    )
                })
                .collect();
            let columns: BTreeSet<String> = per_query.iter().flatten().cloned().collect();
            let ids: Vec<&str> = p["transformations"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].as_str().unwrap())
                .collect();
            if single {
                assert_eq!(ids, ["organize"], "{what}");
            } else {
                assert_eq!(ids, ["merge", "organize"], "{what}");
                // merge joins rows on the columns every query has: there must be a label among them.
                let key = per_query
                    .iter()
                    .skip(1)
                    .fold(per_query[0].clone(), |k, q| &k & q);
                assert!(
                    key.iter().any(|c| c != "Time"),
                    "{what}: queries share no label to merge on"
                );
            }
            let org = &p["transformations"][ids.len() - 1]["options"];
            let section = |k: &str| -> BTreeSet<String> {
                org[k].as_object().unwrap().keys().cloned().collect()
            };
            let (excluded, indexed, renamed) = (
                section("excludeByName"),
                section("indexByName"),
                section("renameByName"),
            );
            for name in excluded.iter().chain(&indexed).chain(&renamed) {
                assert!(
                    columns.contains(name),
                    "{what}: organize names {name:?}, columns are {columns:?}"
                );
            }
            let shown: BTreeSet<String> = &columns - &excluded;
            assert_eq!(indexed, shown, "{what}: every shown column has a position");
            let display: Vec<String> = shown
                .iter()
                .map(|c| org["renameByName"][c].as_str().unwrap_or(c).to_string())
                .collect();
            let unique: BTreeSet<&String> = display.iter().collect();
            assert_eq!(
                unique.len(),
                display.len(),
                "{what}: two columns show the same name"
            );
            for o in p["fieldConfig"]["overrides"].as_array().unwrap() {
                assert_eq!(o["matcher"]["id"], "byName", "{what}");
                let name = o["matcher"]["options"].as_str().unwrap().to_string();
                assert!(
                    display.contains(&name),
                    "{what}: override on {name:?}, shown {display:?}"
                );
            }
            for s in p["options"]["sortBy"].as_array().into_iter().flatten() {
                let name = s["displayName"].as_str().unwrap().to_string();
                assert!(display.contains(&name), "{what}: sortBy {name:?}");
            }
            for url in link_urls(p) {
                for (_, _, r) in dash::variable_refs(&url) {
                    if let Some(field) = r.strip_prefix("__data.fields.") {
                        assert!(
                            columns.contains(field),
                            "{what}: link uses missing field {field}"
                        );
                    }
                }
            }
        }
    }
}

fn link_urls(panel: &Value) -> Vec<String> {
    let mut out = Vec::new();
    let fc = &panel["fieldConfig"];
    let props = fc["overrides"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|o| o["properties"].as_array().unwrap());
    let lists = props
        .filter(|p| p["id"] == "links")
        .map(|p| &p["value"])
        .chain([&fc["defaults"]["links"], &panel["links"]]);
    for list in lists {
        for link in list.as_array().into_iter().flatten() {
            out.push(link["url"].as_str().unwrap().to_string());
        }
    }
    out
}

/// A link built from `${__field.labels.instance}` needs series that still carry the label: no
/// aggregation may have summed it away.
fn linked_series_keep_their_labels(file: &str, panel: &Value) {
    const DROPPING: [&str; 9] = [
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "quantile",
    ];
    let fc = &panel["fieldConfig"];
    let by_ref = fc["overrides"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|o| {
            o["matcher"]["id"] == "byFrameRefID"
                && o["properties"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|p| p["id"] == "links")
        });
    let linked: Vec<&Value> = match fc["defaults"]["links"].as_array() {
        Some(l) if !l.is_empty() => panel["targets"].as_array().unwrap().iter().collect(),
        _ => by_ref
            .flat_map(|o| {
                let targets = panel["targets"].as_array().unwrap();
                targets
                    .iter()
                    .filter(move |t| t["refId"] == o["matcher"]["options"])
            })
            .collect(),
    };
    for t in linked {
        let expr = t["expr"].as_str().unwrap();
        let functions = promql::scan(expr).unwrap().functions;
        let dropped = functions.iter().find(|f| DROPPING.contains(&f.as_str()));
        assert!(
            dropped.is_none(),
            "{file}: {}: linked series lose instance in {expr}",
            title(panel)
        );
    }
}

/// The fleet links every connector into the details dashboard with that connector preselected,
/// and every link to a dashboard names a uid that exists.
#[test]
fn links_open_the_details_of_the_clicked_connector() {
    let uids: BTreeSet<&str> = UIDS.iter().map(|(_, u)| *u).collect();
    let details_path = format!("/d/{}/", UIDS[0].1);
    for (file, d) in all() {
        let mut urls: Vec<(String, String)> = strs(
            &d["links"]
                .as_array()
                .unwrap()
                .iter()
                .map(|l| l["url"].clone())
                .collect(),
        )
        .into_iter()
        .map(|u| ("dashboard links".to_string(), u.to_string()))
        .collect();
        for p in dash::panels(&d) {
            urls.extend(link_urls(p).into_iter().map(|u| (title(p).to_string(), u)));
            linked_series_keep_their_labels(&file, p);
        }
        for (owner, url) in &urls {
            let uid = url
                .strip_prefix("/d/")
                .and_then(|r| r.split(['/', '?']).next());
            assert!(
                uid.is_some_and(|u| uids.contains(u)),
                "{file}: {owner}: {url}"
            );
            for (_, _, r) in dash::variable_refs(url) {
                let label = r.strip_prefix("__field.labels.");
                let ok = ["datasource", "job", "__url_time_range"].contains(&r.as_str())
                    || r.starts_with("__data.fields.")
                    || label.is_some_and(|l| TARGET_LABELS.contains(&l));
                assert!(ok, "{file}: {owner}: ${{{r}}} in {url}");
            }
        }
        if file != FLEET {
            continue;
        }
        for owner in [
            "Connectors",
            "Worst clock offsets",
            "Clock offset by connector",
            "Connector up",
            "P2P possible",
        ] {
            let url = urls
                .iter()
                .find(|(o, _)| o == owner)
                .map(|(_, u)| u.as_str());
            let url = url.unwrap_or_else(|| panic!("fleet: {owner} links nowhere"));
            assert!(url.starts_with(&details_path), "{owner}: {url}");
            let instance = ["${__data.fields.instance", "${__field.labels.instance"]
                .map(|v| format!("var-instance={v}"));
            assert!(
                instance.iter().any(|i| url.contains(i.as_str())),
                "{owner}: {url}"
            );
            assert!(url.contains("var-job=${__"), "{owner}: {url}");
            assert!(
                url.contains("${__url_time_range}"),
                "{owner}: keeps the time range"
            );
        }
        let table = panel(&d, "Connectors");
        assert!(!override_property(table, "Instance", "links")[0]["url"].is_null());
    }
}

#[test]
fn provisioning_examples_are_present() {
    let dir = dash::dashboards_dir().join("provisioning");
    let read =
        |p: &str| std::fs::read_to_string(dir.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let provider = read("dashboards/connector-exporter.yml");
    for needle in ["apiVersion: 1", "providers:", "type: file", "path: "] {
        assert!(
            provider.contains(needle),
            "dashboard provider lacks {needle:?}"
        );
    }
    let datasource = read("datasources/prometheus.yml");
    for needle in ["apiVersion: 1", "datasources:", "type: prometheus", "url: "] {
        assert!(datasource.contains(needle), "datasource lacks {needle:?}");
    }
    for text in [&provider, &datasource] {
        assert!(!text.contains('\t'), "YAML must not contain tabs");
    }
}

// ---------------------------------------------------------------------------------- names

fn substituted() -> Vec<(String, String, String)> {
    dash::queries(&Vars::new("connector-exporter", "127.0.0.1:10150"))
}

/// Every metric a query reads is one the exporter exports (or Prometheus' `up`), and every label
/// a query filters or groups on exists on the metrics it reads.
#[test]
fn every_metric_and_label_used_exists_in_the_golden_file() {
    let golden = golden();
    for (file, title_, expr) in substituted() {
        let what = format!("{file}: {title_}: {expr}");
        let scan = promql::scan(&expr).unwrap_or_else(|e| panic!("{what}: {e}"));
        assert!(!scan.selectors.is_empty(), "{what}: reads no metric");
        let mut labels_here = BTreeSet::new();
        for sel in &scan.selectors {
            assert!(
                metric_exists(&golden, &sel.metric),
                "{what}: {} is not exported",
                sel.metric
            );
            let allowed = allowed_labels(&golden, &sel.metric);
            for m in &sel.matchers {
                assert!(
                    allowed.contains(&m.label),
                    "{what}: {} has no label {}",
                    sel.metric,
                    m.label
                );
            }
            labels_here.extend(allowed);
        }
        for l in &scan.grouping {
            assert!(
                labels_here.contains(l),
                "{what}: groups by {l}, which no metric here has"
            );
        }
    }
    for (file, d) in all() {
        for v in d["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|v| v["type"] == "query")
        {
            let q = v["query"]["query"].as_str().unwrap();
            let args = q
                .strip_prefix("label_values(")
                .and_then(|r| r.strip_suffix(')'))
                .unwrap();
            let (selector, label) = args.rsplit_once(',').unwrap();
            let metric = promql::scan(selector).unwrap().selectors[0].metric.clone();
            assert!(
                allowed_labels(&golden, &metric).contains(label.trim()),
                "{file}: {q}"
            );
        }
    }
}

/// A metric the exporter adds shows up on a dashboard, or this fails until it does.
#[test]
fn every_exported_metric_appears_on_a_dashboard() {
    let used: BTreeSet<String> = substituted()
        .iter()
        .flat_map(|(_, _, e)| promql::scan(e).unwrap().selectors)
        .map(|s| s.metric)
        .collect();
    let missing: Vec<String> = golden().into_keys().filter(|m| !used.contains(m)).collect();
    assert!(
        missing.is_empty(),
        "exported but on no dashboard: {missing:?}"
    );
}

#[test]
fn queries_helper_fills_in_every_variable() {
    let raw: Vec<RawQuery> = all()
        .iter()
        .flat_map(|(f, d)| dash::raw_queries(f, d))
        .collect();
    let done = substituted();
    assert_eq!(raw.len(), done.len());
    assert!(raw.iter().any(|q| q.expr.contains("$__rate_interval")));
    assert!(raw.iter().any(|q| q.expr.contains("$__range")));
    for (_, title_, expr) in &done {
        assert!(dash::variable_refs(expr).is_empty(), "{title_}: {expr}");
        assert!(!expr.contains("$__"), "{title_}: {expr}");
    }
    let titles: BTreeSet<&str> = done.iter().map(|(_, t, _)| t.as_str()).collect();
    for t in [
        "variable job",
        "variable instance",
        "Clock offset",
        "Connectors",
    ] {
        assert!(titles.contains(t), "{t} missing from the query list");
    }
    let vars = Vars::new("j", "h:1");
    assert_eq!(
        dash::substitute(
            "rate(x{job=\"$job\",instance=~\"${instance}\"}[$__rate_interval])",
            &vars
        )
        .unwrap(),
        "rate(x{job=\"j\",instance=~\"h:1\"}[60s])"
    );
    assert_eq!(
        dash::substitute("label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")", &vars).unwrap(),
        "label_replace(x, \"a\", \"$1\", \"b\", \"(.*)\")"
    );
    assert!(dash::substitute("x[$nope]", &vars).is_err());
    assert_eq!(
        dash::variable_promql("label_values(up{job=\"a,b\"}, instance)").unwrap(),
        "up{job=\"a,b\"}"
    );
}

// --------------------------------------------------------------------------------- promql

/// Just enough of PromQL to find the metrics, label matchers, functions and grouping labels of
/// an expression. Not a validator of the whole grammar: Prometheus does that in the data test.
mod promql {
    #[derive(Debug, Clone, PartialEq)]
    pub enum Tok {
        Ident(String),
        Str(String),
        Num,
        /// `[…]`: a range or subquery, kept whole so `5m:1m` is not read as names.
        Range,
        Op(String),
        LParen,
        RParen,
        LBrace,
        RBrace,
        Comma,
    }

    #[derive(Debug)]
    pub struct Matcher {
        pub label: String,
        pub op: String,
        pub value: String,
    }

    #[derive(Debug)]
    pub struct Selector {
        pub metric: String,
        pub matchers: Vec<Matcher>,
    }

    #[derive(Debug, Default)]
    pub struct Scan {
        pub selectors: Vec<Selector>,
        pub functions: Vec<String>,
        /// Labels in by / without / on / ignoring / group_left / group_right lists.
        pub grouping: Vec<String>,
    }

    /// Stable PromQL functions (experimental ones need a feature flag, so they are refused).
    #[rustfmt::skip]
    const FUNCTIONS: &[&str] = &[
        "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh",
        "avg_over_time", "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh",
        "count_over_time", "day_of_month", "day_of_week", "day_of_year", "days_in_month", "deg",
        "delta", "deriv", "exp", "floor", "histogram_avg", "histogram_count", "histogram_fraction",
        "histogram_quantile", "histogram_stddev", "histogram_stdvar", "histogram_sum", "hour",
        "idelta", "increase", "irate", "label_join", "label_replace", "last_over_time", "ln",
        "log10", "log2", "max_over_time", "min_over_time", "minute", "month", "pi",
        "predict_linear", "present_over_time", "quantile_over_time", "rad", "rate", "resets",
        "round", "scalar", "sgn", "sin", "sinh", "sort", "sort_desc", "sqrt", "stddev_over_time",
        "stdvar_over_time", "sum_over_time", "tan", "tanh", "time", "timestamp", "vector", "year",
        "start", "end",
    ];
    #[rustfmt::skip]
    const AGGREGATIONS: &[&str] = &[
        "sum", "min", "max", "avg", "group", "stddev", "stdvar", "count", "count_values",
        "bottomk", "topk", "quantile",
    ];
    #[rustfmt::skip]
    const GROUPING: &[&str] = &[
        "by", "without", "on", "ignoring", "group_left", "group_right",
    ];
    const KEYWORDS: &[&str] = &["and", "or", "unless", "bool", "atan2", "offset"];

    pub fn lex(src: &str) -> Result<Vec<Tok>, String> {
        let chars: Vec<char> = src.chars().collect();
        let mut toks = Vec::new();
        let mut i = 0;
        while i < chars.len() {
            let c = chars[i];
            let next = chars.get(i + 1).copied();
            match c {
                _ if c.is_whitespace() => i += 1,
                '#' => {
                    while i < chars.len() && chars[i] != '\n' {
                        i += 1;
                    }
                }
                '"' | '\'' | '`' => {
                    let mut s = String::new();
                    i += 1;
                    loop {
                        let ch = *chars.get(i).ok_or("unterminated string")?;
                        i += 1;
                        if ch == c {
                            break;
                        }
                        if ch == '\\' && c != '`' {
                            s.push(*chars.get(i).ok_or("unterminated string")?);
                            i += 1;
                        } else {
                            s.push(ch);
                        }
                    }
                    toks.push(Tok::Str(s));
                }
                '[' => {
                    let close = chars[i..]
                        .iter()
                        .position(|&ch| ch == ']')
                        .ok_or("unclosed [")?;
                    i += close + 1;
                    toks.push(Tok::Range);
                }
                _ if c.is_ascii_digit()
                    || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) =>
                {
                    let hex = c == '0' && matches!(next, Some('x' | 'X'));
                    i += 1;
                    while let Some(&ch) = chars.get(i) {
                        let exp_sign =
                            !hex && matches!(ch, '+' | '-') && matches!(chars[i - 1], 'e' | 'E');
                        if !(ch.is_ascii_alphanumeric() || ch == '.' || ch == '_' || exp_sign) {
                            break;
                        }
                        i += 1;
                    }
                    toks.push(Tok::Num);
                }
                _ if c.is_ascii_alphabetic() || c == '_' || c == ':' => {
                    let start = i;
                    while chars
                        .get(i)
                        .is_some_and(|ch| ch.is_ascii_alphanumeric() || *ch == '_' || *ch == ':')
                    {
                        i += 1;
                    }
                    toks.push(Tok::Ident(chars[start..i].iter().collect()));
                }
                '(' | ')' | '{' | '}' | ',' => {
                    toks.push(match c {
                        '(' => Tok::LParen,
                        ')' => Tok::RParen,
                        '{' => Tok::LBrace,
                        '}' => Tok::RBrace,
                        _ => Tok::Comma,
                    });
                    i += 1;
                }
                _ => {
                    let two: String = chars[i..chars.len().min(i + 2)].iter().collect();
                    let op = if ["==", "!=", "=~", "!~", ">=", "<="].contains(&two.as_str()) {
                        two
                    } else if "=<>+-*/%^@".contains(c) {
                        c.to_string()
                    } else {
                        return Err(format!(
                            "unexpected {c:?} at {i} (a Grafana variable outside a string or range?)"
                        ));
                    };
                    i += op.len();
                    toks.push(Tok::Op(op));
                }
            }
        }
        Ok(toks)
    }

    fn matchers(
        toks: &[Tok],
        mut i: usize,
    ) -> Result<(Vec<Matcher>, Option<String>, usize), String> {
        let (mut out, mut bare_name) = (Vec::new(), None);
        loop {
            match (toks.get(i), toks.get(i + 1), toks.get(i + 2)) {
                (Some(Tok::RBrace), ..) => return Ok((out, bare_name, i + 1)),
                (Some(Tok::Ident(l) | Tok::Str(l)), Some(Tok::Op(op)), Some(Tok::Str(v)))
                    if ["=", "!=", "=~", "!~"].contains(&op.as_str()) =>
                {
                    out.push(Matcher {
                        label: l.clone(),
                        op: op.clone(),
                        value: v.clone(),
                    });
                    i += 3;
                }
                (Some(Tok::Str(name)), ..) => {
                    bare_name = Some(name.clone());
                    i += 1;
                }
                (t, ..) => return Err(format!("bad label matcher at {t:?}")),
            }
            match toks.get(i) {
                Some(Tok::Comma) => i += 1,
                Some(Tok::RBrace) => {}
                t => return Err(format!("expected , or }} after a matcher, got {t:?}")),
            }
        }
    }

    pub fn scan(src: &str) -> Result<Scan, String> {
        let toks = lex(src)?;
        let mut depth: Vec<&Tok> = Vec::new();
        for t in &toks {
            match t {
                Tok::LParen | Tok::LBrace => depth.push(t),
                Tok::RParen if depth.pop() == Some(&Tok::LParen) => {}
                Tok::RBrace if depth.pop() == Some(&Tok::LBrace) => {}
                Tok::RParen | Tok::RBrace => return Err(format!("unbalanced {t:?}")),
                _ => {}
            }
        }
        if !depth.is_empty() {
            return Err("unclosed ( or {".into());
        }
        let mut out = Scan::default();
        let mut i = 0;
        while i < toks.len() {
            let next = toks.get(i + 1);
            match &toks[i] {
                Tok::Ident(id) if GROUPING.contains(&id.as_str()) => {
                    i += 1;
                    if next == Some(&Tok::LParen) {
                        i += 1;
                        while toks[i] != Tok::RParen {
                            match &toks[i] {
                                Tok::Ident(l) | Tok::Str(l) => out.grouping.push(l.clone()),
                                Tok::Comma => {}
                                t => return Err(format!("{id} list holds {t:?}")),
                            }
                            i += 1;
                        }
                        i += 1;
                    } else if !id.starts_with("group_") {
                        return Err(format!("{id} without a label list"));
                    }
                }
                Tok::Ident(id) if KEYWORDS.contains(&id.as_str()) => i += 1,
                Tok::Ident(id) if ["inf", "nan"].contains(&id.to_ascii_lowercase().as_str()) => {
                    i += 1
                }
                Tok::Ident(id) if next == Some(&Tok::LParen) => {
                    if !FUNCTIONS.contains(&id.as_str()) && !AGGREGATIONS.contains(&id.as_str()) {
                        return Err(format!("unknown function {id}"));
                    }
                    out.functions.push(id.clone());
                    i += 1;
                }
                Tok::Ident(id)
                    if AGGREGATIONS.contains(&id.as_str())
                        && matches!(next, Some(Tok::Ident(k)) if k == "by" || k == "without") =>
                {
                    out.functions.push(id.clone());
                    i += 1;
                }
                Tok::Ident(metric) => {
                    let (matchers, end) = if next == Some(&Tok::LBrace) {
                        let (m, bare, end) = matchers(&toks, i + 2)?;
                        if bare.is_some() {
                            return Err(format!("{metric} named twice"));
                        }
                        (m, end)
                    } else {
                        (Vec::new(), i + 1)
                    };
                    out.selectors.push(Selector {
                        metric: metric.clone(),
                        matchers,
                    });
                    i = end;
                }
                Tok::LBrace => {
                    let (mut m, bare, end) = matchers(&toks, i + 1)?;
                    let by_label = m.iter().position(|m| m.label == "__name__" && m.op == "=");
                    let metric = match (bare, by_label) {
                        (Some(name), None) => name,
                        (None, Some(p)) => m.remove(p).value,
                        _ => return Err("a selector needs exactly one metric name".into()),
                    };
                    out.selectors.push(Selector {
                        metric,
                        matchers: m,
                    });
                    i = end;
                }
                _ => i += 1,
            }
        }
        Ok(out)
    }

    #[test]
    fn finds_metrics_labels_and_functions() {
        let s = scan(
            r#"60 * sum by (probe, reason) (rate(a_total{job="j", instance=~"x.+"}[5m:1m] offset 1h))
               / on (job) group_left (version) b{__name__!="z"} and {__name__="c", "l"="v"} > bool 1e-3
               or max(d) without (x) unless label_replace(e, "dst", "$1 } {", "src", "(.*)") # f{}"#,
        )
        .unwrap();
        let names: Vec<&str> = s.selectors.iter().map(|s| s.metric.as_str()).collect();
        assert_eq!(names, ["a_total", "b", "c", "d", "e"]);
        assert_eq!(s.selectors[0].matchers[1].op, "=~");
        assert_eq!(s.selectors[0].matchers[1].value, "x.+");
        assert_eq!(s.selectors[2].matchers[0].label, "l");
        assert_eq!(s.grouping, ["probe", "reason", "job", "version", "x"]);
        assert_eq!(s.functions, ["sum", "rate", "max", "label_replace"]);
    }

    #[test]
    fn refuses_what_it_cannot_read() {
        assert!(scan("rate(x[5m]").is_err());
        assert!(scan("holt_winters(x[5m], 0.1, 0.1)").is_err());
        assert!(scan("x{job=$job}").is_err());
        assert!(scan(r#"{job="a"}"#).is_err());
        assert!(scan("sum by x").is_err());
        assert!(scan(r#"x{job="a}"#).is_err());
        assert!(scan("topk(5, x) @ end()").is_ok());
        assert!(scan("sum without (a) (x) * Inf + NaN - 0x1F").is_ok());
    }
}
