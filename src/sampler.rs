//! Runs each probe on its own schedule with a hard timeout and keeps the
//! latest results. After every round it renders the exposition once, so the
//! server hands out finished bytes and a scrape never waits on a probe.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio::time::MissedTickBehavior;

use crate::metrics::Exposition;
use crate::probe::{Failure, Probe, ProbeKind, Reason, Report};
use crate::process::ProcessStats;

/// Everything the exporter knows at one moment.
#[derive(Clone, Debug, Default)]
pub struct Snapshot {
    pub clock_tolerance_seconds: f64,
    /// One entry per configured probe, in a fixed order.
    pub probes: Vec<ProbeStatus>,
    pub failures: BTreeMap<(ProbeKind, Reason), u64>,
    pub process: Option<ProcessStats>,
}

impl Snapshot {
    pub fn probe(&self, kind: ProbeKind) -> Option<&ProbeStatus> {
        self.probes.iter().find(|p| p.kind == kind)
    }

    /// The latest report of `kind`, if its last round gave one.
    pub fn report(&self, kind: ProbeKind) -> Option<&Report> {
        self.probe(kind)?.report.as_deref()
    }

    /// Host view against controller view for `--twingate.connector`: where
    /// the reports of several probes meet, so no probe reads another.
    pub fn agreement(&self) -> Option<crate::probe::admin_api::agreement::Agreement> {
        let Some(Report::AdminApi(admin)) = self.report(ProbeKind::AdminApi) else {
            return None;
        };
        let connector = match self.report(ProbeKind::Connector) {
            Some(Report::Connector(c)) => Some(c),
            _ => None,
        };
        let stun = match self.report(ProbeKind::Stun) {
            Some(Report::Stun(s)) => Some(s),
            _ => None,
        };
        let host = match self.report(ProbeKind::Host) {
            Some(Report::Host(h)) => Some(h),
            _ => None,
        };
        crate::probe::admin_api::agreement::agreement(admin, connector, stun, host)
    }

    /// Every configured probe has finished its first round.
    pub fn ready(&self) -> bool {
        self.probes.iter().all(|p| p.rounds > 0)
    }
}

#[derive(Clone, Debug)]
pub struct ProbeStatus {
    pub kind: ProbeKind,
    pub rounds: u64,
    pub duration_seconds: f64,
    pub last_round_timestamp_seconds: Option<f64>,
    pub last_success_timestamp_seconds: Option<f64>,
    /// Why the last round failed; `None` after a success.
    pub failure: Option<Failure>,
    /// What the last round found; `None` when it produced nothing at all.
    pub report: Option<Arc<Report>>,
}

/// The snapshot and its rendering, published together.
#[derive(Debug, Default)]
pub struct Published {
    pub snapshot: Arc<Snapshot>,
    pub exposition: Exposition,
}

pub struct Sampler {
    state: Mutex<Snapshot>,
    published: watch::Sender<Arc<Published>>,
    /// `--web.disable-exporter-metrics` clears it: no `process_*`.
    exporter_metrics: AtomicBool,
}

pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

impl Sampler {
    pub fn new(kinds: &[ProbeKind], clock_tolerance: Duration) -> Arc<Sampler> {
        let snapshot = Snapshot {
            clock_tolerance_seconds: clock_tolerance.as_secs_f64(),
            probes: kinds
                .iter()
                .map(|&kind| ProbeStatus {
                    kind,
                    rounds: 0,
                    duration_seconds: 0.0,
                    last_round_timestamp_seconds: None,
                    last_success_timestamp_seconds: None,
                    failure: None,
                    report: None,
                })
                .collect(),
            failures: BTreeMap::new(),
            process: None,
        };
        let (published, _) = watch::channel(Arc::new(Published::default()));
        let sampler = Arc::new(Sampler {
            state: Mutex::new(snapshot),
            published,
            exporter_metrics: AtomicBool::new(true),
        });
        sampler.publish();
        sampler
    }

    /// Whether the exporter's own process metrics are exported (default yes).
    pub fn set_exporter_metrics(&self, on: bool) {
        self.exporter_metrics.store(on, Ordering::Relaxed);
        self.publish();
    }

    /// Starts one task per probe. Dropping the returned set stops them.
    pub fn start(self: &Arc<Self>, probes: Vec<Arc<dyn Probe>>) -> JoinSet<()> {
        let mut tasks = JoinSet::new();
        for probe in probes {
            let sampler = Arc::clone(self);
            tasks.spawn(async move { sampler.schedule(probe).await });
        }
        tasks
    }

    /// The latest published state; cheap (an `Arc` clone), never blocks on a probe.
    pub fn latest(&self) -> Arc<Published> {
        self.published.borrow().clone()
    }

    pub fn subscribe(&self) -> watch::Receiver<Arc<Published>> {
        self.published.subscribe()
    }

    async fn schedule(self: Arc<Self>, probe: Arc<dyn Probe>) {
        let mut ticker = tokio::time::interval(probe.interval());
        // After a long round, wait a full interval rather than firing a burst.
        ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            let (outcome, took) = run_once(&probe).await;
            self.record(probe.kind(), outcome, took);
        }
    }

    /// Records one finished round and republishes.
    pub fn record(&self, kind: ProbeKind, outcome: Result<Report, Failure>, took: Duration) {
        let now = unix_now();
        {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            let mut counted = Vec::new();
            let (failure, report) = match outcome {
                Ok(report) => {
                    for part in report.part_failures() {
                        tracing::warn!(probe = %kind, reason = %part.reason, "{}", part.message);
                        counted.push(part.reason);
                    }
                    let shortfall = report.shortfall();
                    // Once per round and reason: a clock or STUN shortfall
                    // repeats a server's reason already counted, a connector
                    // never seen has a reason of its own.
                    if let Some(f) = shortfall.as_ref().filter(|f| !counted.contains(&f.reason)) {
                        counted.push(f.reason);
                    }
                    (shortfall, Some(Arc::new(report)))
                }
                Err(f) => {
                    counted.push(f.reason);
                    (Some(f), None)
                }
            };
            for reason in counted {
                *state.failures.entry((kind, reason)).or_insert(0) += 1;
            }
            if let Some(status) = state.probes.iter_mut().find(|p| p.kind == kind) {
                match &failure {
                    Some(f) => {
                        tracing::warn!(probe = %kind, reason = %f.reason, "probe round failed: {}", f.message)
                    }
                    None => {
                        tracing::debug!(probe = %kind, seconds = took.as_secs_f64(), "probe round done");
                        status.last_success_timestamp_seconds = Some(now);
                    }
                }
                status.rounds += 1;
                status.duration_seconds = took.as_secs_f64();
                status.last_round_timestamp_seconds = Some(now);
                status.failure = failure;
                status.report = report;
            }
        }
        self.publish();
    }

    fn publish(&self) {
        let snapshot = {
            let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
            state.process = if self.exporter_metrics.load(Ordering::Relaxed) {
                ProcessStats::read()
            } else {
                None
            };
            Arc::new(state.clone())
        };
        let exposition = Exposition::render(Arc::clone(&snapshot));
        self.published.send_replace(Arc::new(Published {
            snapshot,
            exposition,
        }));
    }
}

/// One round on its own task, so a panic or a hang is contained: a panic
/// becomes `reason="panic"`, a round past its timeout is aborted.
pub async fn run_once(probe: &Arc<dyn Probe>) -> (Result<Report, Failure>, Duration) {
    let started = Instant::now();
    let timeout = probe.timeout();
    let runner = Arc::clone(probe);
    let mut handle = tokio::spawn(async move { runner.run().await });
    let outcome = match tokio::time::timeout(timeout, &mut handle).await {
        Ok(Ok(outcome)) => outcome,
        Ok(Err(join)) => {
            let message = match join.try_into_panic() {
                Ok(payload) => payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown panic".to_owned()),
                Err(e) => e.to_string(),
            };
            Err(Failure::new(
                Reason::Panic,
                format!("probe panicked: {message}"),
            ))
        }
        Err(_) => {
            handle.abort();
            Err(Failure::new(
                Reason::Timeout,
                format!(
                    "round did not finish within {}",
                    humantime::format_duration(timeout)
                ),
            ))
        }
    };
    (outcome, started.elapsed())
}
