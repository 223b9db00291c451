//! Metrics and labels the queries read, against the exporter's golden `/metrics` listing.

use super::*;
use common::dashboards::{self as dash, Kind, RawQuery};
use std::time::Duration;

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
            // The grouping labels are target labels of the user's scrape config, on every series.
            let mut allowed = allowed_labels(&golden, &sel.metric);
            allowed.extend(GROUPING_LABELS.map(String::from));
            // The Aggregates switch, a label no series has, may sit on any selector.
            allowed.insert(dash::SWITCH_LABEL.to_owned());
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
            let label = label.trim();
            assert!(
                allowed_labels(&golden, &metric).contains(label)
                    || GROUPING_LABELS.contains(&label),
                "{file}: {q}"
            );
        }
    }
}

/// The direct host/controller checks of an exporter polling for its own connector
/// (`--twingate.connector`, for `check` and small sites). The dashboards show the recorded
/// connector:controller_agreement:* instead, which covers that set-up as well as a dedicated
/// poller's; a self-polling host's series of its own would show only where it polls.
const NOT_ON_DASHBOARDS: [&str; 1] = ["connector_controller_agreement"];

/// A metric the exporter adds shows up on a dashboard, or this fails until it does.
#[test]
fn every_exported_metric_appears_on_a_dashboard() {
    let used: BTreeSet<String> = substituted()
        .iter()
        .flat_map(|(_, _, e)| promql::scan(e).unwrap().selectors)
        .map(|s| s.metric)
        .collect();
    let missing: Vec<String> = golden()
        .into_keys()
        .filter(|m| !used.contains(m) && !NOT_ON_DASHBOARDS.contains(&m.as_str()))
        .collect();
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

/// The data test sends each query the way Grafana would; this pins down how the helper tells.
#[test]
fn queries_helper_knows_how_grafana_sends_each_query() {
    let done = dash::substituted(&Vars::new("j", "h:1"));
    let kind_of = |file: &str, title_: &str| -> Vec<Kind> {
        done.iter()
            .filter(|q| q.dashboard == file && q.title == title_)
            .map(|q| q.kind.clone())
            .collect()
    };
    assert_eq!(kind_of(DETAILS, "Clock offset"), [Kind::Instant]);
    assert_eq!(
        kind_of(DETAILS, "Clock offset over time"),
        [Kind::Range, Kind::Range, Kind::Range]
    );
    for file in [DETAILS, FLEET] {
        assert_eq!(
            kind_of(file, "variable job"),
            [Kind::LabelValues("job".into())]
        );
        assert_eq!(
            kind_of(file, "variable instance"),
            [Kind::LabelValues("instance".into())]
        );
    }
    assert_eq!(
        kind_of(DETAILS, "annotation Connector up/down"),
        [Kind::Annotation {
            step: Duration::from_secs(60)
        }]
    );
    assert_eq!(
        dash::grafana_duration("500ms"),
        Some(Duration::from_millis(500))
    );
    assert_eq!(
        dash::grafana_duration("2h"),
        Some(Duration::from_secs(7200))
    );
    assert_eq!(dash::grafana_duration("1d"), None);
    assert_eq!(dash::grafana_duration("m"), None);
}
