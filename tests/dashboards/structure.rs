//! Identity, layout, data source, units, panel types and variables of each dashboard.

use super::*;

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
                    // Cumulative `le` buckets over time, which Grafana's heat map de-accumulates.
                    "heatmap" => (false, "heatmap"),
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
        let multi = file == FLEET;
        let expected: Vec<&str> = if multi {
            ["datasource", "job"]
                .into_iter()
                .chain(GROUPING_LABELS)
                .chain(["rules", "instance"])
                .collect()
        } else {
            vec!["datasource", "job", "instance"]
        };
        assert_eq!(names, expected, "{file}: variables");
        // The fleet's Aggregates switch is a custom variable (recorded or raw); the rest query.
        for v in vars[1..].iter().filter(|v| v["name"] != "rules") {
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
        let instance_query = vars.last().unwrap()["query"]["query"].as_str().unwrap();
        assert!(
            instance_query.contains(&format!("job{op}\"$job\"")),
            "{file}: instance follows job"
        );
        if multi {
            for label in GROUPING_LABELS {
                assert!(
                    instance_query.contains(&format!("{label}=~\"${label}\"")),
                    "{file}: instance follows {label}"
                );
                let var = vars.iter().find(|v| v["name"] == label).unwrap();
                // All must match series without the label, or the dashboard would be empty
                // until every target has it.
                assert_eq!(var["allValue"], ".*", "{file}: {label} allValue");
            }
        }
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
            let scoped: Vec<&str> = if file == FLEET {
                TARGET_LABELS.into_iter().chain(GROUPING_LABELS).collect()
            } else {
                TARGET_LABELS.to_vec()
            };
            for sel in &scan.selectors {
                if polled(&sel.metric) {
                    poller_selector_is_scoped(&file, &q.title, &q.expr, sel, &scan);
                    continue;
                }
                // A recording rule's series keep only the grouping labels.
                let recorded = sel.metric.contains(':');
                for &var in scoped
                    .iter()
                    .filter(|v| !(recorded && TARGET_LABELS.contains(v)))
                {
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

/// The Admin API poller's series: their target is a poller, not a connector host.
fn polled(metric: &str) -> bool {
    metric.starts_with("connector_controller_")
}

/// A poller's series are selected by the mixin's controllerSelector (`job="connector-exporter"`
/// by default), never by the instance variable, which names connector hosts. On the details
/// dashboard they must be joined by hostname to the chosen host's connector_host_info; on the
/// fleet dashboard they narrow by their own remote_network, the grouping variable's name.
fn poller_selector_is_scoped(
    file: &str,
    title_: &str,
    expr: &str,
    sel: &promql::Selector,
    scan: &promql::Scan,
) {
    let what = format!("{file}: {title_}: {}", sel.metric);
    let has = |label: &str, op: &str, value: &str| {
        sel.matchers
            .iter()
            .any(|m| m.label == label && m.op == op && m.value == value)
    };
    assert!(
        has("job", "=", CONTROLLER_JOB),
        "{what} needs the controllerSelector job=\"{CONTROLLER_JOB}\""
    );
    assert!(
        !sel.matchers.iter().any(|m| m.label == "instance"),
        "{what}: the instance variable names connector hosts, not pollers"
    );
    if file == FLEET {
        assert!(
            has("remote_network", "=~", "$remote_network"),
            "{what} needs remote_network=~\"$remote_network\""
        );
        return;
    }
    let host_scoped = scan.selectors.iter().any(|s| {
        s.metric == "connector_host_info"
            && ["job", "instance"].iter().all(|l| {
                s.matchers
                    .iter()
                    .any(|m| m.label == *l && m.op == "=" && m.value == format!("${l}"))
            })
    });
    assert!(
        host_scoped && scan.grouping.iter().any(|l| l == "hostname"),
        "{what}: not joined on hostname to the chosen host's connector_host_info: {expr}"
    );
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
