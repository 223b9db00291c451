//! The fleet dashboard must read the same at 20 connectors and at 2,000: every panel but the
//! per-connector table draws a number of series that does not grow with the fleet, so each
//! query aggregates across connectors (or keeps a fixed top ten), never one series per
//! connector.

use super::*;

/// Aggregations whose result has a bounded number of series: none per connector.
const AGGREGATIONS: [&str; 8] = [
    "count(",
    "histogram_quantile(",
    "sum(",
    "sum by (",
    "max(",
    "min(",
    "quantile(",
    "topk(10,",
];

/// The expression inside wrappers that do not change how many series there are.
fn core(expr: &str) -> &str {
    let mut e = expr.trim();
    loop {
        let before = e;
        for prefix in ["-", "(", "60 * ", "sort(", "label_replace(", "round("] {
            if let Some(rest) = e.strip_prefix(prefix) {
                e = rest.trim_start();
            }
        }
        if e == before {
            return e;
        }
    }
}

#[test]
fn fleet_panels_other_than_the_table_aggregate_across_connectors() {
    let d = dash::load(FLEET);
    let mut checked = 0;
    for p in dash::panels(&d)
        .into_iter()
        .filter(|p| !is_row(p) && p["type"] != "table")
    {
        for t in p["targets"].as_array().unwrap() {
            let expr = t["expr"].as_str().unwrap();
            let inner = core(expr);
            assert!(
                AGGREGATIONS.iter().any(|a| inner.starts_with(a)),
                "{}: draws one series per connector: {expr}",
                title(p)
            );
            // Grouping keeps the result bounded only if it is not by connector.
            for by in expr.split("by (").skip(1) {
                let labels = by.split(')').next().unwrap();
                assert!(
                    !labels.split(',').any(|l| TARGET_LABELS.contains(&l.trim())),
                    "{}: groups by connector: {expr}",
                    title(p)
                );
            }
            checked += 1;
        }
    }
    assert!(checked > 10, "only {checked} queries checked");
    // The one per-connector list is a table (scrolls and sorts), and the worst offsets a top ten.
    let tables: Vec<&str> = dash::panels(&d)
        .into_iter()
        .filter(|p| p["type"] == "table")
        .map(title)
        .collect();
    // Besides: the controller's per remote network (one row each) and the connectors it does
    // not have ALIVE (a list to act on, empty in a healthy fleet).
    assert_eq!(
        tables,
        [
            "Worst clock offsets",
            "Connectors",
            "Controller states per remote network",
            "Connectors not ALIVE (controller)"
        ]
    );
    assert!(
        panel(&d, "Worst clock offsets")["targets"][0]["expr"]
            .as_str()
            .unwrap()
            .contains("topk(10,")
    );
    let heatmap = panel(&d, "Clock offset distribution");
    assert_eq!(heatmap["type"], "heatmap");
    assert_eq!(heatmap["targets"][0]["format"], "heatmap");
}
