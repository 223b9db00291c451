//! Links between the dashboards and the series they are built from.

use super::*;

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
        for owner in ["Connectors", "Worst clock offsets"] {
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
