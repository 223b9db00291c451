//! The PromQL scanner the structure tests read queries with.

use super::promql::scan;

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
