//! Thresholds and the ±tolerance band of the clock panels.

use super::*;

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
        (FLEET, "Clock offset across connectors"),
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
