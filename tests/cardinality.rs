//! The cardinality budget (docs/scale.md): series per connector host with the default flags. A
//! central store pays for every series of every connector, so a new family, a new label value or
//! one more server in the defaults must be a conscious change of `tests/golden/cardinality.txt`.

mod common;

use std::collections::BTreeMap;

use common::fleet::{Fleet, default_config};

const GOLDEN: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/golden/cardinality.txt");
/// Series Prometheus adds to every target: up and four scrape_* series.
const PER_TARGET: usize = 5;
/// The ceiling per connector, Prometheus' own series included.
const CEILING: usize = 80;

fn golden() -> BTreeMap<String, usize> {
    let text = std::fs::read_to_string(GOLDEN).expect("golden cardinality list");
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(|l| {
            let mut parts = l.split_whitespace();
            let name = parts.next().unwrap().to_owned();
            let max = parts
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("{GOLDEN}: {l:?} needs a series count"));
            (name, max)
        })
        .collect()
}

/// Every family name written in the metrics code: the first string literal after
/// `Family::gauge(` or `Family::counter(` (a counter's samples end in `_total`).
fn families_in_code() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = vec![dir.join("metrics.rs")];
    for entry in std::fs::read_dir(dir.join("metrics")).expect("src/metrics/") {
        files.push(entry.unwrap().path());
    }
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        for (marker, suffix) in [("Family::gauge(", ""), ("Family::counter(", "_total")] {
            for (at, _) in text.match_indices(marker) {
                let rest = text[at + marker.len()..].trim_start();
                let Some(rest) = rest.strip_prefix('"') else {
                    continue; // the constructors' own definitions
                };
                let name = &rest[..rest.find('"').unwrap()];
                out.push(format!("{name}{suffix}"));
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[test]
fn every_family_in_the_code_is_in_the_budget() {
    let golden = golden();
    let code = families_in_code();
    assert!(
        code.len() > 30,
        "found only {code:?}: did the metrics code move?"
    );
    let new: Vec<_> = code.iter().filter(|f| !golden.contains_key(*f)).collect();
    let gone: Vec<_> = golden.keys().filter(|f| !code.contains(f)).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "series families changed: new {new:?}, gone {gone:?}. Every connector host sends each \
         family to the central store: update {GOLDEN} and the budget in docs/scale.md"
    );
    let total: usize = golden.values().sum();
    assert!(
        total + PER_TARGET <= CEILING,
        "the budget adds up to {total} + {PER_TARGET} per connector, over {CEILING}"
    );
}

/// Series of each family in one text exposition.
fn count(text: &str) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for line in text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        let name = line.split(['{', ' ']).next().unwrap();
        *out.entry(name.to_owned()).or_insert(0) += 1;
    }
    out
}

#[test]
fn a_simulated_fleet_stays_within_the_budget() {
    let config = default_config();
    // The budget is written for these defaults; a new default server is a new series per host.
    assert_eq!(config.clock.servers.len(), 3, "default NTP servers");
    assert_eq!(config.stun.servers.len(), 2, "default STUN servers");
    let golden = golden();
    let fleet = Fleet::new(7, 400, 10, 1_790_000_000.0);
    let mut seen: BTreeMap<String, usize> = BTreeMap::new();
    let mut largest = 0;
    for hours in [0.0, 0.5, 2.0, 5.0] {
        let t = fleet.start + hours * 3600.0;
        for i in 0..fleet.hosts.len() {
            let exposition = fleet.render(i, t);
            let text = std::str::from_utf8(&exposition.text).unwrap();
            let counts = count(text);
            for (family, n) in &counts {
                let max = golden
                    .get(family)
                    .unwrap_or_else(|| panic!("{family} is exposed but not in {GOLDEN}:\n{text}"));
                assert!(
                    n <= max,
                    "connector {i} at +{hours} h has {n} series of {family}, the budget {max}:\n{text}"
                );
                let s = seen.entry(family.clone()).or_insert(0);
                *s = (*s).max(*n);
            }
            largest = largest.max(counts.values().sum::<usize>());
        }
    }
    eprintln!(
        "largest exposition: {largest} series (+{PER_TARGET} per target); per family: {seen:?}"
    );
    assert!(largest + PER_TARGET <= CEILING);
    // The simulated fleet shows every family, so the check above covers them all.
    let unseen: Vec<_> = golden
        .iter()
        .filter(|(f, max)| **max > 0 && !seen.contains_key(*f))
        .map(|(f, _)| f)
        .collect();
    assert!(
        unseen.is_empty(),
        "the fleet simulator never shows {unseen:?}"
    );
}
