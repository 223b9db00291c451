//! Every metric name, help text and label set, in one place.
//!
//! The sampler hands over a [`Snapshot`] after each probe round; this module
//! renders it once into both exposition formats (and their gzip forms), so a
//! scrape only copies bytes. Series are rendered from the latest results, so
//! an info series with old label values cannot linger, and a value that is
//! unknown is simply absent.

use std::fmt;
use std::io::Write as _;
use std::sync::Arc;

use bytes::Bytes;
use flate2::Compression;
use flate2::write::GzEncoder;
use prometheus_client::collector::Collector;
use prometheus_client::encoding::{DescriptorEncoder, EncodeMetric};
use prometheus_client::metrics::MetricType;
use prometheus_client::metrics::counter::ConstCounter;
use prometheus_client::metrics::gauge::ConstGauge;
use prometheus_client::registry::Registry;

mod controller;
mod probes;

use crate::probe::Report;
use crate::process::ProcessStats;
use crate::sampler::Snapshot;

pub const OPENMETRICS_CONTENT_TYPE: &str =
    "application/openmetrics-text; version=1.0.0; charset=utf-8";
pub const TEXT_CONTENT_TYPE: &str = prometheus_client::encoding::prometheus_text::CONTENT_TYPE;

/// The exposition of one snapshot, in every form a scrape may ask for.
#[derive(Clone, Debug, Default)]
pub struct Exposition {
    pub text: Bytes,
    pub text_gzip: Bytes,
    pub openmetrics: Bytes,
    pub openmetrics_gzip: Bytes,
}

impl Exposition {
    pub fn render(snapshot: Arc<Snapshot>) -> Exposition {
        let mut registry = Registry::default();
        registry.register_collector(Box::new(View(snapshot)));
        let mut text = String::with_capacity(8 * 1024);
        let mut openmetrics = String::with_capacity(8 * 1024);
        // Writing into a String cannot fail; an Err here would be a bug in the
        // encoder, and an empty body is the honest answer to it.
        if prometheus_client::encoding::prometheus_text::encode(&mut text, &registry).is_err() {
            text.clear();
        }
        if prometheus_client::encoding::text::encode(&mut openmetrics, &registry).is_err() {
            openmetrics.clear();
        }
        Exposition {
            text_gzip: gzip(text.as_bytes()),
            openmetrics_gzip: gzip(openmetrics.as_bytes()),
            text: Bytes::from(text),
            openmetrics: Bytes::from(openmetrics),
        }
    }
}

fn gzip(body: &[u8]) -> Bytes {
    let mut encoder = GzEncoder::new(Vec::with_capacity(body.len() / 4), Compression::default());
    // Writes into a Vec do not fail.
    let _ = encoder.write_all(body);
    Bytes::from(encoder.finish().unwrap_or_default())
}

pub(crate) type Labels = Vec<(&'static str, String)>;

#[derive(Clone, Copy)]
enum Kind {
    Gauge,
    Counter,
}

/// One family's samples, written only when there is at least one.
pub(crate) struct Family {
    name: &'static str,
    help: &'static str,
    kind: Kind,
    samples: Vec<(Labels, f64)>,
}

impl Family {
    pub(crate) fn gauge(name: &'static str, help: &'static str) -> Self {
        Family {
            name,
            help,
            kind: Kind::Gauge,
            samples: Vec::new(),
        }
    }

    /// `name` without `_total`: the encoders add it as each format wants.
    pub(crate) fn counter(name: &'static str, help: &'static str) -> Self {
        Family {
            kind: Kind::Counter,
            ..Family::gauge(name, help)
        }
    }

    pub(crate) fn with(mut self, labels: Labels, value: f64) -> Self {
        self.samples.push((labels, value));
        self
    }

    pub(crate) fn with_opt(self, labels: Labels, value: Option<f64>) -> Self {
        match value {
            Some(v) => self.with(labels, v),
            None => self,
        }
    }

    fn encode(&self, encoder: &mut DescriptorEncoder) -> fmt::Result {
        if self.samples.is_empty() {
            return Ok(());
        }
        let metric_type = match self.kind {
            Kind::Gauge => MetricType::Gauge,
            Kind::Counter => MetricType::Counter,
        };
        let mut metric = encoder.encode_descriptor(self.name, self.help, None, metric_type)?;
        for (labels, value) in &self.samples {
            let sample = metric.encode_family(labels)?;
            match self.kind {
                Kind::Gauge => ConstGauge::new(*value).encode(sample)?,
                Kind::Counter => ConstCounter::new(*value).encode(sample)?,
            }
        }
        Ok(())
    }
}

pub(crate) fn none() -> Labels {
    Vec::new()
}

pub(crate) fn bool_value(b: bool) -> f64 {
    if b { 1.0 } else { 0.0 }
}

#[derive(Debug)]
struct View(Arc<Snapshot>);

impl Collector for View {
    fn encode(&self, mut encoder: DescriptorEncoder) -> fmt::Result {
        for family in families(&self.0) {
            family.encode(&mut encoder)?;
        }
        Ok(())
    }
}

fn families(s: &Snapshot) -> Vec<Family> {
    let mut out = vec![
        Family::gauge(
            "connector_exporter_build_info",
            "A metric with a constant 1 labelled by the exporter's version, revision and Rust version",
        )
        .with(
            vec![
                ("version", crate::version::VERSION.to_owned()),
                ("revision", crate::version::REVISION.to_owned()),
                ("rustc_version", crate::version::RUSTC_VERSION.to_owned()),
            ],
            1.0,
        ),
    ];
    out.extend(probe_families(s));
    out.push(
        Family::gauge(
            "connector_clock_offset_tolerance_seconds",
            "Clock offset the controller tolerates in either direction",
        )
        .with(none(), s.clock_tolerance_seconds),
    );
    for probe in &s.probes {
        match probe.report.as_deref() {
            Some(Report::Clock(r)) => out.extend(probes::clock(r)),
            Some(Report::Stun(r)) => out.extend(probes::stun(r)),
            Some(Report::Connector(r)) => out.extend(probes::connector(r)),
            Some(Report::Host(r)) => out.extend(probes::host(r)),
            Some(Report::AdminApi(r)) => out.extend(controller::admin_api(r)),
            None => {}
        }
    }
    if let Some(a) = s.agreement() {
        out.push(controller::agreement(&a));
    }
    if let Some(p) = &s.process {
        out.extend(process_families(p));
    }
    out
}

fn probe_families(s: &Snapshot) -> Vec<Family> {
    let mut success = Family::gauge(
        "connector_probe_success",
        "Whether the last round of the probe succeeded",
    );
    let mut duration = Family::gauge(
        "connector_probe_duration_seconds",
        "How long the last round of the probe took",
    );
    let mut last_success = Family::gauge(
        "connector_probe_last_success_timestamp_seconds",
        "Unix time of the probe's last successful round",
    );
    for p in s.probes.iter().filter(|p| p.rounds > 0) {
        let label = || vec![("probe", p.kind.as_str().to_owned())];
        success = success.with(label(), bool_value(p.failure.is_none()));
        duration = duration.with(label(), p.duration_seconds);
        last_success = last_success.with_opt(label(), p.last_success_timestamp_seconds);
    }
    let mut failures = Family::counter(
        "connector_probe_failures",
        "Failed probe rounds and failed parts of rounds (one server), by reason",
    );
    for ((kind, reason), count) in &s.failures {
        failures = failures.with(
            vec![
                ("probe", kind.as_str().to_owned()),
                ("reason", reason.as_str().to_owned()),
            ],
            *count as f64,
        );
    }
    vec![success, duration, last_success, failures]
}

fn process_families(p: &ProcessStats) -> Vec<Family> {
    vec![
        Family::counter(
            "process_cpu_seconds",
            "Total user and system CPU time spent in seconds",
        )
        .with(none(), p.cpu_seconds),
        Family::gauge(
            "process_resident_memory_bytes",
            "Resident memory size in bytes",
        )
        .with(none(), p.resident_memory_bytes as f64),
        Family::gauge(
            "process_virtual_memory_bytes",
            "Virtual memory size in bytes",
        )
        .with(none(), p.virtual_memory_bytes as f64),
        Family::gauge(
            "process_start_time_seconds",
            "Start time of the process since unix epoch in seconds",
        )
        .with(none(), p.start_time_seconds),
        Family::gauge("process_open_fds", "Number of open file descriptors")
            .with(none(), p.open_fds as f64),
        Family::gauge("process_max_fds", "Maximum number of open file descriptors")
            .with_opt(none(), p.max_fds.map(|v| v as f64)),
    ]
}
