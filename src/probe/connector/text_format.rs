//! The Prometheus text exposition format (0.0.4), parsed strictly.
//!
//! A page either parses whole or is reported malformed with the line that
//! broke it, so a half-broken endpoint is not taken for a healthy one. The
//! rules follow the reference parser (Go `expfmt`): metric and label name
//! syntax, quoted label values with only `\\`, `\"` and `\n` escapes, a
//! float value and an optional integer timestamp, at most one HELP and one
//! TYPE per metric and no TYPE after that metric's samples.

use std::collections::{HashMap, HashSet};

#[derive(Clone, Debug, PartialEq)]
pub struct Sample {
    pub name: String,
    pub labels: Vec<(String, String)>,
    pub value: f64,
    pub timestamp_ms: Option<i64>,
}

#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

const TYPES: [&str; 5] = ["counter", "gauge", "histogram", "summary", "untyped"];

/// A whole page: its samples and the type each TYPE line declared.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Page {
    pub samples: Vec<Sample>,
    /// Metric name (as written on its TYPE line) to one of [`TYPES`].
    pub types: HashMap<String, &'static str>,
}

pub fn parse(text: &str) -> Result<Vec<Sample>, ParseError> {
    parse_page(text).map(|p| p.samples)
}

pub fn parse_page(text: &str) -> Result<Page, ParseError> {
    let mut samples = Vec::new();
    let mut types = HashMap::new();
    let mut helped = HashSet::new();
    let mut typed = HashSet::new();
    let mut sampled = HashSet::new();
    for (index, raw) in text.split('\n').enumerate() {
        let error = |message: String| ParseError {
            line: index + 1,
            message,
        };
        // Servers that end lines with CRLF are wrong but harmless.
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        if line.trim_matches(is_blank).is_empty() {
            continue;
        }
        if let Some(comment) = line.strip_prefix('#') {
            match parse_comment(comment).map_err(error)? {
                Some(Meta::Help(name)) if !helped.insert(name.to_owned()) => {
                    return Err(error(format!("second HELP line for {name}")));
                }
                Some(Meta::Type(name, kind)) => {
                    if sampled.contains(name) {
                        return Err(error(format!("TYPE line for {name} after its samples")));
                    }
                    if !typed.insert(name.to_owned()) {
                        return Err(error(format!("second TYPE line for {name}")));
                    }
                    types.insert(name.to_owned(), kind);
                }
                Some(Meta::Help(_)) | None => {}
            }
            continue;
        }
        let sample = parse_sample(line).map_err(error)?;
        if !sampled.contains(&sample.name) {
            sampled.insert(sample.name.clone());
        }
        samples.push(sample);
    }
    Ok(Page { samples, types })
}

enum Meta<'a> {
    Help(&'a str),
    Type(&'a str, &'static str),
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

fn parse_comment(comment: &str) -> Result<Option<Meta<'_>>, String> {
    let rest = comment.trim_start_matches(is_blank);
    let (keyword, rest) = rest.split_at(rest.find(is_blank).unwrap_or(rest.len()));
    if keyword != "HELP" && keyword != "TYPE" {
        // Any other comment is free text.
        return Ok(None);
    }
    let rest = rest.trim_start_matches(is_blank);
    let (name, rest) = take_name(rest, true);
    if name.is_empty() {
        return Err(format!("{keyword} line without a valid metric name"));
    }
    if !rest.is_empty() && !rest.starts_with(is_blank) {
        return Err(format!("invalid metric name in {keyword} line"));
    }
    let rest = rest.trim_start_matches(is_blank);
    if keyword == "TYPE" {
        let kind = rest.trim_end_matches(is_blank);
        let Some(known) = TYPES.iter().find(|t| **t == kind) else {
            return Err(format!("unknown metric type {kind:?} for {name}"));
        };
        return Ok(Some(Meta::Type(name, known)));
    }
    let mut chars = rest.chars();
    while let Some(c) = chars.next() {
        if c == '\\' && !matches!(chars.next(), Some('\\' | 'n')) {
            return Err(format!("invalid escape in HELP text of {name}"));
        }
    }
    Ok(Some(Meta::Help(name)))
}

/// Splits a metric name (`[a-zA-Z_:][a-zA-Z0-9_:]*`) or, without `colon`, a
/// label name off the front of `text`; empty when there is none.
fn take_name(text: &str, colon: bool) -> (&str, &str) {
    let allowed = |i: usize, c: char| {
        c.is_ascii_alphabetic() || c == '_' || (colon && c == ':') || (i > 0 && c.is_ascii_digit())
    };
    let end = text
        .char_indices()
        .find(|&(i, c)| !allowed(i, c))
        .map_or(text.len(), |(i, _)| i);
    text.split_at(end)
}

fn parse_sample(line: &str) -> Result<Sample, String> {
    let rest = line.trim_start_matches(is_blank);
    let (name, rest) = take_name(rest, true);
    if name.is_empty() {
        let shown: String = rest.chars().take(20).collect();
        return Err(format!("expected a metric name, found {shown:?}"));
    }
    let trimmed = rest.trim_start_matches(is_blank);
    let mut labels: Vec<(String, String)> = Vec::new();
    let rest = if let Some(inner) = trimmed.strip_prefix('{') {
        // After the closing brace the reference parser needs no blank.
        parse_labels(inner, &mut labels).map_err(|m| format!("{name}: {m}"))?
    } else if trimmed.len() < rest.len() {
        trimmed
    } else {
        return Err(format!("{name}: expected a blank or {{ after the name"));
    };
    let mut tokens = rest.split(is_blank).filter(|t| !t.is_empty());
    let value = tokens
        .next()
        .ok_or_else(|| format!("{name}: missing value"))?;
    let value = parse_float(value).ok_or_else(|| format!("{name}: invalid value {value:?}"))?;
    let timestamp_ms = tokens
        .next()
        .map(|t| {
            t.parse::<i64>()
                .map_err(|_| format!("{name}: invalid timestamp {t:?}"))
        })
        .transpose()?;
    if let Some(extra) = tokens.next() {
        return Err(format!("{name}: unexpected {extra:?} after the value"));
    }
    Ok(Sample {
        name: name.to_owned(),
        labels,
        value,
        timestamp_ms,
    })
}

/// Reads `name="value", ...}` and returns what follows the closing brace.
fn parse_labels<'a>(
    mut rest: &'a str,
    labels: &mut Vec<(String, String)>,
) -> Result<&'a str, String> {
    loop {
        rest = rest.trim_start_matches(is_blank);
        if let Some(after) = rest.strip_prefix('}') {
            return Ok(after);
        }
        let (label, after) = take_name(rest, false);
        if label.is_empty() {
            return Err("expected a label name or }".to_owned());
        }
        let after = after.trim_start_matches(is_blank);
        let after = after
            .strip_prefix('=')
            .ok_or_else(|| format!("expected = after label {label}"))?;
        let after = after.trim_start_matches(is_blank);
        let after = after
            .strip_prefix('"')
            .ok_or_else(|| format!("expected \" to open the value of label {label}"))?;
        let (value, after) = unquote(after).ok_or_else(|| format!("bad value of label {label}"))?;
        if labels.iter().any(|(l, _)| l == label) {
            return Err(format!("label {label} given twice"));
        }
        labels.push((label.to_owned(), value));
        rest = after.trim_start_matches(is_blank);
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if !rest.starts_with('}') {
            return Err("expected , or } after a label".to_owned());
        }
    }
}

/// A label value up to its closing quote: `None` when unterminated or when
/// an escape other than `\\`, `\"` or `\n` appears.
fn unquote(text: &str) -> Option<(String, &str)> {
    let mut value = String::new();
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((value, &text[i + 1..])),
            '\\' => match chars.next()?.1 {
                '\\' => value.push('\\'),
                '"' => value.push('"'),
                'n' => value.push('\n'),
                _ => return None,
            },
            c => value.push(c),
        }
    }
    None
}

/// Go's float syntax as Prometheus writes it: decimals, exponents, `NaN`,
/// `+Inf`, `-Inf`.
fn parse_float(text: &str) -> Option<f64> {
    // Rust would also take "infinity" and "nan" in any case; so does Go's
    // ParseFloat, which the reference parser uses.
    text.parse::<f64>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "# HELP twingate_connector_uptime_seconds Seconds since start\n\
        # TYPE twingate_connector_uptime_seconds gauge\n\
        twingate_connector_uptime_seconds 1234.5\n\
        # a free comment\n\
        \n\
        # TYPE twingate_connector_bytes_total counter\n\
        twingate_connector_bytes_total{direction=\"rx\",resource=\"a \\\"b\\\" \\\\ c\\nd\"} 1e3 1700000000000\n\
        twingate_connector_bytes_total{ direction = \"tx\" , } +Inf\n\
        odd:name_with_colon NaN\n\
        trailing_blanks -3 \t\r\n";

    #[test]
    fn a_realistic_page_parses() {
        let samples = parse(PAGE).unwrap();
        assert_eq!(samples.len(), 5);
        assert_eq!(samples[0].name, "twingate_connector_uptime_seconds");
        assert_eq!(samples[0].value, 1234.5);
        assert_eq!(
            samples[1].labels,
            vec![
                ("direction".to_owned(), "rx".to_owned()),
                ("resource".to_owned(), "a \"b\" \\ c\nd".to_owned()),
            ]
        );
        assert_eq!(samples[1].timestamp_ms, Some(1_700_000_000_000));
        assert_eq!(samples[2].value, f64::INFINITY);
        assert_eq!(samples[2].labels.len(), 1);
        assert!(samples[3].value.is_nan());
        assert_eq!(samples[4].value, -3.0);
    }

    #[test]
    fn garbage_is_rejected_with_its_line() {
        let cases = [
            ("<html><body>Not Found</body></html>", 1),
            ("ok 1\nmissing_value\n", 2),
            ("bad_value one\n", 1),
            ("x{a=\"unterminated} 1\n", 1),
            ("x{a=\"bad \\t escape\"} 1\n", 1),
            ("x{a=\"1\",a=\"2\"} 1\n", 1),
            ("x{a=1} 1\n", 1),
            ("x{a=\"1\" b=\"2\"} 1\n", 1),
            ("9lives 1\n", 1),
            ("x 1 2 3\n", 1),
            ("x 1 1.5\n", 1),
            ("# TYPE x gauge\n# TYPE x gauge\n", 2),
            ("# HELP x a\n# HELP x b\n", 2),
            ("x 1\n# TYPE x gauge\n", 2),
            ("# TYPE x thermometer\n", 1),
            ("# TYPE\n", 1),
            ("# HELP x bad \\escape\n", 1),
            ("\u{1}\u{2}binary", 1),
        ];
        for (text, line) in cases {
            let err = parse(text).expect_err(text);
            assert_eq!(err.line, line, "{text:?}: {err}");
        }
    }

    #[test]
    fn types_are_kept_by_name() {
        let page = parse_page(PAGE).unwrap();
        assert_eq!(
            page.types.get("twingate_connector_uptime_seconds"),
            Some(&"gauge")
        );
        assert_eq!(
            page.types.get("twingate_connector_bytes_total"),
            Some(&"counter")
        );
        assert_eq!(page.types.get("odd:name_with_colon"), None);
    }

    #[test]
    fn an_empty_page_has_no_samples() {
        assert_eq!(parse("").unwrap(), vec![]);
        assert_eq!(parse("\n\n# EOF\n").unwrap(), vec![]);
    }

    #[test]
    fn what_prometheus_client_writes_parses_back() {
        use prometheus_client::encoding::text::encode;
        use prometheus_client::metrics::counter::Counter;
        use prometheus_client::metrics::family::Family;
        use prometheus_client::metrics::gauge::Gauge;
        use prometheus_client::registry::Registry;
        let mut registry = Registry::default();
        let uptime: Gauge<f64, std::sync::atomic::AtomicU64> = Gauge::default();
        uptime.set(42.25);
        registry.register("twingate_connector_uptime_seconds", "Uptime", uptime);
        let bytes = Family::<Vec<(String, String)>, Counter>::default();
        bytes
            .get_or_create(&vec![("peer".to_owned(), "a\"b\\c\nd".to_owned())])
            .inc_by(7);
        registry.register("twingate_connector_bytes", "Bytes", bytes);
        let mut text = String::new();
        encode(&mut text, &registry).unwrap();
        let samples = parse(&text).unwrap();
        let uptime = samples
            .iter()
            .find(|s| s.name == "twingate_connector_uptime_seconds")
            .unwrap();
        assert_eq!(uptime.value, 42.25);
        let bytes = samples
            .iter()
            .find(|s| s.name == "twingate_connector_bytes_total")
            .unwrap();
        assert_eq!(bytes.value, 7.0);
        assert_eq!(bytes.labels[0].1, "a\"b\\c\nd");
    }

    mod roundtrip {
        use super::super::*;
        use proptest::prelude::*;

        fn escape(v: &str) -> String {
            v.replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n")
        }

        proptest! {
            #[test]
            fn written_samples_read_back(
                name in "[a-zA-Z_:][a-zA-Z0-9_:]{0,20}",
                labels in proptest::collection::btree_map("[a-zA-Z_][a-zA-Z0-9_]{0,10}", "\\PC*", 0..4),
                value in proptest::num::f64::NORMAL | proptest::num::f64::ZERO,
                timestamp in proptest::option::of(any::<i64>()),
            ) {
                let pairs: Vec<String> =
                    labels.iter().map(|(k, v)| format!("{k}=\"{}\"", escape(v))).collect();
                let mut line = name.clone();
                if !pairs.is_empty() {
                    line.push_str(&format!("{{{}}}", pairs.join(",")));
                }
                line.push_str(&format!(" {value:e}"));
                if let Some(t) = timestamp {
                    line.push_str(&format!(" {t}"));
                }
                let samples = parse(&line).map_err(|e| TestCaseError::fail(format!("{line}: {e}")))?;
                prop_assert_eq!(samples.len(), 1);
                let s = &samples[0];
                prop_assert_eq!(&s.name, &name);
                let expected: Vec<(String, String)> = labels.into_iter().collect();
                prop_assert_eq!(&s.labels, &expected);
                prop_assert_eq!(s.value, value);
                prop_assert_eq!(s.timestamp_ms, timestamp);
            }

            #[test]
            fn arbitrary_text_never_panics(text in "\\PC*") {
                let _ = parse(&text);
            }
        }
    }
}
