//! Clock offset against reference time over SNTP, and against HTTPS
//! servers (the controller above all) from their `Date` header.
//!
//! Each round resolves every configured server afresh, sends it a few
//! requests spread over the round (each on a fresh socket, see [`exchange`]),
//! keeps the lowest-delay answer (NTP's clock-filter idea: the least queued
//! sample has the smallest error bound) and selects the median across the
//! servers that answered validly. All servers are asked concurrently and the
//! round ends before the probe timeout, so partial results are kept rather
//! than cut off by the sampler. The HTTPS servers are measured in the same
//! round, concurrently ([`http_date`]); the selected offset comes from NTP
//! whenever an NTP server answered, from HTTPS otherwise (where outbound
//! UDP 123 is blocked), and always carries its error bar.

mod bisect;
pub mod date;
pub mod exchange;
pub mod http_date;
pub mod kernel;
pub mod packet;
mod select;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::{BoxFuture, join, join_all};
use serde::Serialize;
use tokio::time::Instant;

use self::exchange::Miss;
use self::packet::Kiss;
use self::select::best_sample;
pub use self::select::{Selected, median, select};
use super::{Failure, Probe, ProbeKind, Reason, Report};
use crate::config::{ClockConfig, ServerAddress};
use crate::https::HttpsUrl;

/// One round against every configured reference server.
#[derive(Clone, Debug, Serialize)]
pub struct ClockReport {
    pub servers: Vec<ClockServer>,
    /// The selected offset, local − reference (the controller's sign:
    /// negative means this host is behind). `None` when no server answered.
    pub offset_seconds: Option<f64>,
    /// The error bar of `offset_seconds`: the true offset lies within this
    /// of it (when the servers it came from are honest).
    pub offset_uncertainty_seconds: Option<f64>,
    /// Which protocol gave the selected offset.
    pub source: Option<Protocol>,
    /// The offset against the controller's own clock (its HTTPS `Date`),
    /// when the controller is among the servers and answered.
    pub controller: Option<ControllerOffset>,
    /// The kernel's own view (Linux `adjtimex`); `None` where unavailable.
    pub kernel: Option<KernelClock>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Protocol {
    Ntp,
    Https,
}

#[derive(Clone, Debug, Serialize)]
pub struct ControllerOffset {
    pub server: String,
    pub offset_seconds: f64,
    pub uncertainty_seconds: f64,
}

#[derive(Clone, Debug, Serialize)]
pub struct ClockServer {
    /// The server as configured (host:port for NTP, the https:// URL); the
    /// `server` label.
    pub server: String,
    pub protocol: Protocol,
    pub outcome: Result<ClockSample, Failure>,
}

/// What one server gave this round: for NTP the kept (lowest-delay)
/// sample, for HTTPS the result of the `Date` search.
#[derive(Clone, Debug, Serialize)]
pub struct ClockSample {
    pub address: SocketAddr,
    /// local − server: a server 3 s ahead of this host gives −3. The
    /// opposite of RFC 5905's θ, and the sign the controller shows.
    pub offset_seconds: f64,
    pub rtt_seconds: f64,
    /// The true offset lies within this of `offset_seconds`. NTP: the root
    /// distance (root delay/2 + root dispersion + delay/2); HTTPS: half the
    /// interval the answers proved, which holds half the round trip.
    pub uncertainty_seconds: f64,
    #[serde(flatten)]
    pub detail: SampleDetail,
}

#[derive(Clone, Debug, Serialize)]
#[serde(untagged)]
pub enum SampleDetail {
    Ntp {
        stratum: u8,
        root_distance_seconds: f64,
    },
    Https {
        requests: u32,
        /// Connections opened: more than one when the server closed them.
        connections: u32,
        /// HTTP status of the last answer (any status carries a Date).
        status: u16,
    },
}

#[derive(Clone, Debug, Serialize)]
pub struct KernelClock {
    pub synchronized: bool,
    pub max_error_seconds: f64,
}

impl ClockReport {
    pub(super) fn part_failures(&self) -> Vec<&Failure> {
        self.servers
            .iter()
            .filter_map(|s| s.outcome.as_ref().err())
            .collect()
    }

    pub(super) fn shortfall(&self) -> Option<Failure> {
        if self.offset_seconds.is_some() {
            return None;
        }
        Some(match self.part_failures().first() {
            Some(first) => Failure::new(
                first.reason,
                format!("no reference server answered validly; first: {first}"),
            ),
            None => Failure::new(Reason::NotFound, "no reference server configured"),
        })
    }
}

/// Turns a configured host into addresses. A trait so that tests can make a
/// lookup fail without sending anything to a DNS server.
pub trait Resolve: Send + Sync + 'static {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> BoxFuture<'a, std::io::Result<Vec<SocketAddr>>>;
}

/// The system resolver (getaddrinfo), which also takes IP literals.
pub struct SystemResolver;

impl Resolve for SystemResolver {
    fn resolve<'a>(
        &'a self,
        host: &'a str,
        port: u16,
    ) -> BoxFuture<'a, std::io::Result<Vec<SocketAddr>>> {
        Box::pin(async move { Ok(tokio::net::lookup_host((host, port)).await?.collect()) })
    }
}

/// How the requests of a round are spread over its time.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Schedule {
    /// Between the requests to one server. At most 2 s, the spacing of
    /// ntpd's own iburst, which public servers' rate limits are set to
    /// accept, so they do not answer with a RATE kiss.
    pub spacing: Duration,
    /// How long one request waits for its reply. A later reply would be
    /// useless anyway: its offset error bound is half its delay.
    pub wait: Duration,
    /// The whole round, kept below the probe timeout so the round ends by
    /// itself with whatever it has instead of being aborted.
    pub budget: Duration,
}

impl Schedule {
    pub fn new(samples: u32, timeout: Duration) -> Schedule {
        Schedule {
            spacing: (timeout / samples.saturating_add(1)).min(Duration::from_secs(2)),
            wait: timeout / 4,
            budget: timeout.mul_f64(0.9),
        }
    }
}

/// Rounds a server is skipped after a kiss-o'-death: RATE doubles the pause
/// each time (1, 2, 4 … rounds), DENY and RSTR take the longest at once.
/// RFC 5905 asks a client to stop for good after DENY; an exporter runs for
/// months, so it asks again about an hour later (at the default interval).
const MAX_BACKOFF_ROUNDS: u32 = 64;

#[derive(Debug, Default)]
struct Backoff {
    kiss: Option<Kiss>,
    /// Rounds still to skip.
    skip: u32,
    /// The pause after the next RATE.
    next: u32,
}

pub struct ClockProbe {
    servers: Vec<ServerAddress>,
    http_servers: Vec<HttpsUrl>,
    http_tls: Option<Arc<rustls::ClientConfig>>,
    controller: Option<HttpsUrl>,
    samples: u32,
    schedule: Schedule,
    interval: Duration,
    timeout: Duration,
    resolver: Arc<dyn Resolve>,
    /// Per server as configured; only servers that kissed us are here.
    backoff: Mutex<HashMap<String, Backoff>>,
}

/// What stopped a server from giving a sample this round.
pub(crate) struct ServerMiss {
    pub(crate) failure: Failure,
    pub(crate) kiss: Option<Kiss>,
}

impl From<Failure> for ServerMiss {
    fn from(failure: Failure) -> Self {
        ServerMiss {
            failure,
            kiss: None,
        }
    }
}

impl ClockProbe {
    pub fn new(config: &ClockConfig) -> ClockProbe {
        let samples = config.samples.max(1);
        ClockProbe {
            servers: config.servers.clone(),
            http_servers: config.http_servers.clone(),
            http_tls: config.http_tls.clone(),
            controller: config.controller.clone(),
            samples,
            schedule: Schedule::new(samples, config.timeout),
            interval: config.interval,
            timeout: config.timeout,
            resolver: Arc::new(SystemResolver),
            backoff: Mutex::new(HashMap::new()),
        }
    }

    pub fn with_resolver(mut self, resolver: Arc<dyn Resolve>) -> Self {
        self.resolver = resolver;
        self
    }

    pub async fn round(&self) -> ClockReport {
        let deadline = Instant::now() + self.schedule.budget;
        let ntp = join_all(self.servers.iter().map(|s| self.query(s, deadline)));
        let https = join_all(
            self.http_servers
                .iter()
                .map(|u| self.query_https(u, deadline)),
        );
        let (mut servers, https) = join(ntp, https).await;
        servers.extend(https);
        let selected = select(&servers);
        let controller = self.controller.as_ref().and_then(|url| {
            let server = servers.iter().find(|s| s.server == url.as_str())?;
            let sample = server.outcome.as_ref().ok()?;
            Some(ControllerOffset {
                server: server.server.clone(),
                offset_seconds: sample.offset_seconds,
                uncertainty_seconds: sample.uncertainty_seconds,
            })
        });
        ClockReport {
            servers,
            offset_seconds: selected.map(|s| s.offset_seconds),
            offset_uncertainty_seconds: selected.map(|s| s.uncertainty_seconds),
            source: selected.map(|s| s.protocol),
            controller,
            kernel: kernel::read(),
        }
    }

    async fn query_https(&self, url: &HttpsUrl, deadline: Instant) -> ClockServer {
        let outcome = match &self.http_tls {
            Some(tls) => http_date::measure(url, tls, deadline).await,
            None => Err(Failure::new(
                Reason::Io,
                format!("{url}: no TLS settings for HTTPS clock servers"),
            )),
        };
        ClockServer {
            server: url.to_string(),
            protocol: Protocol::Https,
            outcome,
        }
    }

    async fn query(&self, server: &ServerAddress, deadline: Instant) -> ClockServer {
        let label = server.to_string();
        if let Some(failure) = self.skip_backed_off(&label) {
            return ClockServer {
                server: label,
                protocol: Protocol::Ntp,
                outcome: Err(failure),
            };
        }
        let outcome = self.sample(server, deadline).await;
        self.note_kiss(&label, &outcome);
        ClockServer {
            server: label,
            protocol: Protocol::Ntp,
            outcome: outcome.map_err(|miss| miss.failure),
        }
    }

    async fn sample(
        &self,
        server: &ServerAddress,
        deadline: Instant,
    ) -> Result<ClockSample, ServerMiss> {
        let resolved =
            tokio::time::timeout_at(deadline, self.resolver.resolve(&server.host, server.port))
                .await
                .map_err(|_| {
                    Failure::new(Reason::Resolve, format!("{server}: resolving timed out"))
                })?
                .map_err(|e| Failure::new(Reason::Resolve, format!("{server}: resolving: {e}")))?;
        // The resolver's order already prefers what this host can reach
        // (RFC 6724), so the first address is the one to ask.
        let address = *resolved.first().ok_or_else(|| {
            Failure::new(Reason::Resolve, format!("{server}: resolved to no address"))
        })?;
        let start = Instant::now();
        // Once the server has rejected us or is unreachable, the requests not
        // yet sent would only add load or noise.
        let stop = AtomicBool::new(false);
        let requests = (0..self.samples).map(|i| {
            let stop = &stop;
            async move {
                tokio::time::sleep_until(start + self.schedule.spacing * i).await;
                if stop.load(Ordering::Relaxed) || Instant::now() >= deadline {
                    return None;
                }
                let give_up = (Instant::now() + self.schedule.wait).min(deadline);
                let result = exchange::exchange(address, give_up).await;
                let finished = match &result {
                    Err(Miss::Rejected(_)) => true,
                    Err(Miss::NoAnswer(f)) => f.reason == Reason::Unreachable,
                    Ok(_) => false,
                };
                if finished {
                    stop.store(true, Ordering::Relaxed);
                }
                Some(result)
            }
        });
        let results: Vec<_> = join_all(requests).await.into_iter().flatten().collect();
        best_sample(address, results)
    }

    /// `Some` while the server is paused after a kiss-o'-death; counts the round.
    fn skip_backed_off(&self, label: &str) -> Option<Failure> {
        let mut backoff = self.backoff.lock().unwrap_or_else(PoisonError::into_inner);
        let state = backoff.get_mut(label).filter(|b| b.skip > 0)?;
        state.skip -= 1;
        let kiss = state.kiss.map(|k| k.to_string()).unwrap_or_default();
        Some(Failure::new(
            Reason::KissOfDeath,
            format!(
                "{label}: not asked this round after kiss-o'-death {kiss}; {} more round(s) to wait",
                state.skip
            ),
        ))
    }

    fn note_kiss(&self, label: &str, outcome: &Result<ClockSample, ServerMiss>) {
        let mut backoff = self.backoff.lock().unwrap_or_else(PoisonError::into_inner);
        match outcome {
            Ok(_) => {
                backoff.remove(label);
            }
            Err(ServerMiss {
                kiss: Some(kiss), ..
            }) if kiss.asks_to_back_off() => {
                let state = backoff.entry(label.to_owned()).or_insert(Backoff {
                    next: 1,
                    ..Backoff::default()
                });
                state.kiss = Some(*kiss);
                state.skip = if kiss.denies() {
                    MAX_BACKOFF_ROUNDS
                } else {
                    state.next
                };
                state.next = (state.next * 2).min(MAX_BACKOFF_ROUNDS);
                tracing::warn!(
                    server = label,
                    kiss = %kiss,
                    rounds = state.skip,
                    "server sent a kiss-o'-death; not asking it for a while"
                );
            }
            Err(_) => {}
        }
    }
}

impl Probe for ClockProbe {
    fn kind(&self) -> ProbeKind {
        ProbeKind::Clock
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn run(&self) -> BoxFuture<'_, Result<Report, Failure>> {
        Box::pin(async move { Ok(Report::Clock(self.round().await)) })
    }
}
