//! Just enough of PromQL to find the metrics, label matchers, functions and grouping labels of
//! an expression. Not a validator of the whole grammar: Prometheus does that in the data test
//! (`tests/dashboards_data.rs`).

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
            _ if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) => {
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

fn matchers(toks: &[Tok], mut i: usize) -> Result<(Vec<Matcher>, Option<String>, usize), String> {
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
            Tok::Ident(id) if ["inf", "nan"].contains(&id.to_ascii_lowercase().as_str()) => i += 1,
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
