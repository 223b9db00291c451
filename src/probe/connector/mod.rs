//! The connector's up/down state from the host's own evidence: its process,
//! its systemd unit and its own metrics endpoint. Each source gives a
//! verdict, [`decide`] turns them into `connector_up` in one place, and the
//! tracker turns that into since-when, uptime, downtime and restarts.

pub mod metrics_source;
pub mod process;
mod report;
pub mod state;
pub mod systemd;
pub mod text_format;
pub mod tracker;
pub mod traffic;

use std::path::Path;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;

use self::metrics_source::{FetchError, MetricsSource};
use self::process::ProcessSource;
pub use self::report::{
    ConnectorProcess, ConnectorReport, ConnectorState, Source, SourceVerdict, decide,
};
use self::state::StateStore;
use self::systemd::{Reading, SystemdSource, UnitVerdict};
use self::tracker::{Observation, TrackedState, Tracker};
use self::traffic::TrafficTracker;
use super::{Failure, Probe, ProbeKind, Reason, Report};
use crate::config::ConnectorConfig;
use crate::sampler::unix_now;

/// One source's reading, before the decision.
enum Evidence {
    /// Off here or not applicable (no systemd, unit not installed).
    Unavailable(String),
    Up,
    Down(Failure),
    Unreadable(Failure),
}

pub struct ConnectorProbe {
    process: Option<ProcessSource>,
    systemd: Option<SystemdSource>,
    metrics: Option<MetricsSource>,
    /// Kept apart from `inner`: the byte counters are read from the same
    /// page but judged on their own.
    traffic: Mutex<TrafficTracker>,
    store: Option<StateStore>,
    boot_id: Option<String>,
    inner: Mutex<Inner>,
    interval: Duration,
    timeout: Duration,
}

struct Inner {
    tracker: Tracker,
    /// What the state file holds, so it is written only on a change.
    saved: Option<TrackedState>,
    /// Each source's last verdict (`None`: unavailable) and the last
    /// decision, to log changes rather than every round.
    verdicts: Vec<(Source, Option<bool>)>,
    up: Option<bool>,
}

impl ConnectorProbe {
    /// The sources the configuration names (an empty process name or unit
    /// turns that source off), resuming from the state file when there is one.
    pub fn new(config: &ConnectorConfig, storage: Option<&Path>) -> ConnectorProbe {
        let metrics = config
            .metrics_url
            .as_deref()
            .and_then(|url| match MetricsSource::new(url) {
                Ok(source) => Some(source),
                Err(e) => {
                    tracing::error!("connector metrics source off: {e}");
                    None
                }
            });
        let boot_id = state::boot_id();
        let store = storage.map(StateStore::new);
        let loaded = store.as_ref().and_then(|s| s.load(boot_id.as_deref()));
        let (tracker, saved) = match loaded {
            Some(l) => (Tracker::resume(l.state.clone(), l.same_boot), Some(l.state)),
            None => (Tracker::new(), None),
        };
        ConnectorProbe {
            process: (!config.process.is_empty()).then(|| ProcessSource::new(&config.process)),
            systemd: (!config.systemd_unit.is_empty())
                .then(|| SystemdSource::new(&config.systemd_unit)),
            metrics,
            traffic: Mutex::new(TrafficTracker::new(
                config.traffic_window,
                config.traffic_min_bytes,
            )),
            store,
            boot_id,
            inner: Mutex::new(Inner {
                tracker,
                saved,
                verdicts: Vec::new(),
                up: None,
            }),
            interval: config.interval,
            timeout: config.timeout,
        }
    }

    /// Replaces the systemd source (tests: another marker, a fake systemctl).
    pub fn with_systemd(mut self, systemd: Option<SystemdSource>) -> ConnectorProbe {
        self.systemd = systemd;
        self
    }

    /// Replaces the process source (tests: a fake /proc).
    pub fn with_process(mut self, process: Option<ProcessSource>) -> ConnectorProbe {
        self.process = process;
        self
    }

    async fn round(&self) -> Result<ConnectorReport, Failure> {
        // Sources get less than the round's timeout, so a slow endpoint is
        // reported as that source timing out instead of the whole round
        // being cut off and the process evidence lost with it.
        let budget = self
            .timeout
            .saturating_sub((self.timeout / 4).min(Duration::from_millis(500)));
        let mut obs = Observation::default();
        let mut evidence = Vec::new();
        let mut process_info = None;
        let mut starts = (None, None);
        if let Some(source) = &self.process {
            let e = if !source.available() {
                Evidence::Unavailable("no /proc to look in".to_owned())
            } else {
                match source.read() {
                    Ok(Some(found)) => {
                        obs.identity.process = Some((found.pid, found.start_ticks));
                        starts.0 = Some(found.start_time_seconds);
                        process_info = Some(ConnectorProcess {
                            pid: found.pid,
                            start_time_seconds: found.start_time_seconds,
                            resident_memory_bytes: found.resident_memory_bytes,
                            cpu_seconds: found.cpu_seconds,
                        });
                        Evidence::Up
                    }
                    Ok(None) => Evidence::Down(Failure::new(
                        Reason::NotFound,
                        format!("no process matches {:?}", source.configured()),
                    )),
                    Err(f) => Evidence::Unreadable(f),
                }
            };
            evidence.push((Source::Process, e));
        }
        let unit = async {
            match &self.systemd {
                Some(s) => Some(s.read(budget).await),
                None => None,
            }
        };
        let page = async {
            match &self.metrics {
                Some(m) => Some(m.read(budget).await),
                None => None,
            }
        };
        let (unit, page) = tokio::join!(unit, page);
        let traffic = self.metrics.as_ref().map(|_| {
            let page = page.as_ref().and_then(|p| p.as_ref().ok());
            let uptime = page.and_then(metrics_source::uptime);
            let mut tracker = self.traffic.lock().unwrap_or_else(PoisonError::into_inner);
            tracker.observe(page, uptime, std::time::Instant::now())
        });
        match unit {
            None => {}
            Some(Ok(Reading::NoSystemd)) => evidence.push((
                Source::Systemd,
                Evidence::Unavailable("systemd is not running".to_owned()),
            )),
            Some(Ok(Reading::Unit(u))) => {
                let e = match u.verdict() {
                    UnitVerdict::Unavailable(why) => Evidence::Unavailable(why),
                    UnitVerdict::Down(why) => {
                        Evidence::Down(Failure::new(Reason::ErrorResponse, why))
                    }
                    UnitVerdict::Up => {
                        obs.identity.unit = u.main_pid.zip(u.start_monotonic_us);
                        obs.identity.unit_restarts = u.restarts;
                        starts.1 = u.start_monotonic_us.and_then(monotonic_to_unix);
                        Evidence::Up
                    }
                };
                evidence.push((Source::Systemd, e));
            }
            Some(Err(f)) => evidence.push((Source::Systemd, Evidence::Unreadable(f))),
        }
        match page {
            None => {}
            Some(Ok(page)) => {
                obs.metrics_uptime = metrics_source::uptime(&page);
                evidence.push((Source::Metrics, Evidence::Up));
            }
            Some(Err(FetchError::Refused(f))) => {
                evidence.push((Source::Metrics, Evidence::Down(f)))
            }
            Some(Err(FetchError::Failed(f))) => {
                evidence.push((Source::Metrics, Evidence::Unreadable(f)))
            }
        }

        let mut unavailable = Vec::new();
        let mut sources = Vec::new();
        for (source, e) in evidence {
            let (up, failure, read_error) = match e {
                Evidence::Unavailable(why) => {
                    unavailable.push((source, why));
                    continue;
                }
                Evidence::Up => (true, None, false),
                Evidence::Down(f) => (false, Some(f), false),
                Evidence::Unreadable(f) => (false, Some(f), true),
            };
            sources.push(SourceVerdict {
                source,
                up,
                failure,
                read_error,
            });
        }
        let Some(up) = decide(&sources) else {
            let why: Vec<String> = unavailable
                .iter()
                .map(|(s, why)| format!("{}: {why}", s.as_str()))
                .collect();
            return Err(Failure::new(
                Reason::NotFound,
                format!("no evidence source available ({})", why.join("; ")),
            ));
        };
        obs.now = unix_now();
        obs.up = up;
        obs.seen = sources.iter().any(|v| v.up);
        obs.start_time = starts
            .0
            .or(starts.1)
            .or(obs.metrics_uptime.map(|u| obs.now - u));
        let (tracked, to_save) = {
            let mut inner = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
            if !obs.seen && !inner.tracker.seen() {
                // Not tracked, so nothing is saved either: a later start is
                // the first one seen, and a typo leaves no state behind.
                inner.log_changes(&sources, &unavailable, None);
                return Ok(ConnectorReport {
                    state: None,
                    never_seen: Some(self.never_seen(&sources)),
                    process: None,
                    sources,
                    traffic,
                });
            }
            let tracked = inner.tracker.observe(obs);
            inner.log_changes(&sources, &unavailable, Some(&tracked));
            let current = inner.tracker.state().cloned();
            let changed = self.store.is_some() && current != inner.saved;
            if changed {
                inner.saved.clone_from(&current);
            }
            (tracked, current.filter(|_| changed))
        };
        if let (Some(store), Some(state)) = (&self.store, to_save)
            && let Err(e) = store.save(&state, self.boot_id.as_deref())
        {
            tracing::warn!(path = %store.path().display(), "cannot write the connector state file: {e}");
        }
        Ok(ConnectorReport {
            state: Some(ConnectorState {
                up: tracked.up,
                state_change_timestamp_seconds: tracked.since,
                uptime_seconds: tracked.uptime_seconds,
                downtime_seconds: tracked.downtime_seconds,
                restarts: tracked.restarts,
            }),
            never_seen: None,
            process: process_info,
            sources,
            traffic,
        })
    }

    /// What each source that gave a verdict looked for, in words that name
    /// the configured value, so a typo is visible in the message itself.
    fn never_seen(&self, sources: &[SourceVerdict]) -> Failure {
        let looked: Vec<String> = sources
            .iter()
            .filter_map(|v| match v.source {
                Source::Process => self
                    .process
                    .as_ref()
                    .map(|p| format!("no process named {} has run on this host", p.configured())),
                Source::Systemd => self
                    .systemd
                    .as_ref()
                    .map(|s| format!("systemd unit {} has not been active", s.unit())),
                Source::Metrics => self
                    .metrics
                    .as_ref()
                    .map(|m| format!("the connector has not answered at {}", m.url())),
            })
            .collect();
        let since = if self.store.is_some() {
            "since the exporter started, nor in its saved state"
        } else {
            "since the exporter started"
        };
        Failure::new(Reason::NotFound, format!("{} ({since})", looked.join("; ")))
    }
}

impl Inner {
    /// Logs what changed: a source's verdict, the decision, a restart.
    fn log_changes(
        &mut self,
        sources: &[SourceVerdict],
        unavailable: &[(Source, String)],
        tracked: Option<&tracker::Tracked>,
    ) {
        const ALL: [Source; 3] = [Source::Process, Source::Systemd, Source::Metrics];
        for source in ALL {
            let now = sources.iter().find(|v| v.source == source);
            let before = self.verdicts.iter().find(|(s, _)| *s == source);
            // `Some(None)`: seen unavailable; `None`: first round.
            if before.map(|(_, up)| *up) == Some(now.map(|v| v.up)) {
                continue;
            }
            let name = source.as_str();
            match now {
                Some(SourceVerdict { up: true, .. }) => {
                    tracing::info!(source = name, "connector source says running")
                }
                Some(SourceVerdict {
                    failure: Some(f), ..
                }) => tracing::info!(
                    source = name,
                    reason = %f.reason,
                    "connector source says down: {}",
                    f.message
                ),
                Some(_) => tracing::info!(source = name, "connector source says down"),
                None => {
                    if let Some((_, why)) = unavailable.iter().find(|(s, _)| *s == source) {
                        tracing::info!(source = name, "connector source unavailable: {why}");
                    }
                }
            }
        }
        self.verdicts = ALL
            .into_iter()
            .map(|s| (s, sources.iter().find(|v| v.source == s).map(|v| v.up)))
            .collect();
        // Never seen: the sampler logs why every round.
        let Some(tracked) = tracked else {
            return;
        };
        if self.up != Some(tracked.up) {
            if tracked.up {
                tracing::info!("connector is up");
            } else {
                tracing::warn!("connector is down");
            }
            self.up = Some(tracked.up);
        }
        if tracked.new_restarts > 0 {
            tracing::info!(restarts = tracked.restarts, "connector started again");
        }
    }
}

/// A CLOCK_MONOTONIC time in microseconds (systemd's) as Unix time.
fn monotonic_to_unix(us: u64) -> Option<f64> {
    let monotonic = crate::process::clock_seconds(libc::CLOCK_MONOTONIC)?;
    Some(unix_now() - monotonic + us as f64 / 1e6)
}

impl Probe for ConnectorProbe {
    fn kind(&self) -> ProbeKind {
        ProbeKind::Connector
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn run(&self) -> BoxFuture<'_, Result<Report, Failure>> {
        Box::pin(async move { self.round().await.map(Report::Connector) })
    }
}
