//! Table panels: every column their transformations, overrides and links name exists.

use super::*;

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
