//! The controller's view of every connector, from the Twingate Admin API.
//!
//! One round reads every page of `connectors`. The API is throttled, so the
//! probe sends at most one round per interval (the sampler's schedule) and,
//! after an HTTP 429, sends nothing until the server's `Retry-After` has
//! passed (or, without one, for a doubling number of intervals). While it
//! waits, the last fleet it read stays published, marked by a `rate_limited`
//! shortfall, for at most [`STALE_ROUNDS`] intervals.

pub mod agreement;
mod client;
pub mod query;
pub mod state;

use std::path::PathBuf;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;
use tokio::time::Instant;

use self::client::{Client, PostError, Session};
use self::query::Node;
use self::state::Tracker;
use crate::config::AdminApiConfig;
use crate::probe::{Failure, Probe, ProbeKind, Reason, Report};
use crate::sampler::unix_now;

/// More pages than this is a server that never ends (50,000 connectors).
pub const MAX_PAGES: usize = 1000;
/// The last fleet read may stand in for this many skipped rounds.
pub const STALE_ROUNDS: u32 = 5;
/// Longest wait a `Retry-After` is taken for; past it the server is
/// asked again, once, after this long.
const MAX_WAIT: Duration = Duration::from_secs(3600);

/// One round's result: every connector the controller knows.
#[derive(Clone, Debug, Serialize)]
pub struct AdminApiReport {
    pub url: String,
    /// Unix time the fleet was read (older than the round while rate limited).
    pub fetched_at: f64,
    pub pages: usize,
    /// This host's connector (`--twingate.connector`), for the cross-check.
    pub own_connector: Option<String>,
    /// Sorted by remote network, then name.
    pub connectors: Vec<ControllerConnector>,
    /// Set while an older fleet is shown because the server throttles us.
    pub stale: Option<Failure>,
}

/// A connector as the controller reports it, with the state tracking of this exporter.
#[derive(Clone, Debug, Serialize)]
pub struct ControllerConnector {
    #[serde(flatten)]
    pub node: Node,
    pub state_change_timestamp_seconds: f64,
    pub uptime_seconds: f64,
    pub downtime_seconds: f64,
}

impl AdminApiReport {
    pub fn own(&self) -> Option<&ControllerConnector> {
        let name = self.own_connector.as_deref()?;
        self.connectors.iter().find(|c| c.node.name == name)
    }
}

pub struct AdminApiProbe {
    config: AdminApiConfig,
    /// `Err` when the client could not be built; every round reports it.
    client: Result<Client, String>,
    inner: Mutex<Inner>,
}

struct Inner {
    not_before: Option<Instant>,
    /// 429s in a row without a usable Retry-After.
    backoff: u32,
    last: Option<Arc<Fleet>>,
    tracker: Tracker,
}

struct Fleet {
    fetched_at: f64,
    pages: usize,
    nodes: Vec<Node>,
}

impl AdminApiProbe {
    pub fn new(config: &AdminApiConfig, storage: Option<&std::path::Path>) -> AdminApiProbe {
        if let Some(path) = &config.key_file {
            warn_if_readable_by_others(path);
        }
        let client = crate::https::client_config(config.ca_file.as_deref())
            .map_err(|e| format!("TLS trust: {e}"))
            .and_then(|tls| Client::new(config.url.clone(), tls, &config.key));
        AdminApiProbe {
            config: config.clone(),
            client,
            inner: Mutex::new(Inner {
                not_before: None,
                backoff: 0,
                last: None,
                tracker: Tracker::new(storage),
            }),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(PoisonError::into_inner)
    }

    async fn round(&self) -> Result<Report, Failure> {
        let client = self
            .client
            .as_ref()
            .map_err(|e| Failure::new(Reason::Io, e.clone()))?;
        let waiting = {
            let inner = self.lock();
            inner
                .not_before
                .filter(|t| *t > Instant::now())
                .map(|t| (t, inner.last.clone()))
        };
        if let Some((until, last)) = waiting {
            let left = until.saturating_duration_since(Instant::now());
            let failure = Failure::new(
                Reason::RateLimited,
                format!(
                    "the Admin API throttles us: not asking again for {}s",
                    left.as_secs().max(1)
                ),
            );
            return self.stale(last, failure);
        }
        // Leaves a little of the sampler's timeout for our own message.
        let budget = self
            .config
            .timeout
            .saturating_sub(Duration::from_millis(200));
        let deadline = Instant::now() + budget;
        match fetch(client, deadline).await {
            Ok(fleet) => {
                let fleet = Arc::new(fleet);
                let mut inner = self.lock();
                inner.backoff = 0;
                inner.not_before = None;
                inner.last = Some(Arc::clone(&fleet));
                let report = self.report(&mut inner, &fleet, None);
                Ok(Report::AdminApi(report))
            }
            Err(PostError::RateLimited(asked)) => {
                let (wait, last) = {
                    let mut inner = self.lock();
                    let wait = match asked {
                        Some(wait) => wait.min(MAX_WAIT),
                        None => {
                            inner.backoff = (inner.backoff + 1).min(5);
                            self.config.interval * (1 << (inner.backoff - 1))
                        }
                    };
                    inner.not_before = Some(Instant::now() + wait);
                    (wait, inner.last.clone())
                };
                let told = if asked.is_some() {
                    "as its Retry-After asks"
                } else {
                    "backing off (no Retry-After)"
                };
                let failure = Failure::new(
                    Reason::RateLimited,
                    format!(
                        "{}: HTTP 429 Too Many Requests; waiting {}s {told}",
                        client.url,
                        wait.as_secs()
                    ),
                );
                self.stale(last, failure)
            }
            Err(PostError::Failed(failure)) => Err(failure),
        }
    }

    /// The last fleet with the reason it is not fresh, if it is recent
    /// enough to stand in; the failure alone otherwise.
    fn stale(&self, last: Option<Arc<Fleet>>, failure: Failure) -> Result<Report, Failure> {
        let limit = (self.config.interval * STALE_ROUNDS).as_secs_f64();
        match last.filter(|f| unix_now() - f.fetched_at <= limit) {
            Some(fleet) => {
                let mut inner = self.lock();
                Ok(Report::AdminApi(self.report(
                    &mut inner,
                    &fleet,
                    Some(failure),
                )))
            }
            None => Err(failure),
        }
    }

    fn report(&self, inner: &mut Inner, fleet: &Fleet, stale: Option<Failure>) -> AdminApiReport {
        let now = unix_now();
        let tracked = inner.tracker.update(&fleet.nodes, now);
        let mut connectors: Vec<ControllerConnector> = fleet
            .nodes
            .iter()
            .zip(tracked)
            .map(|(n, t)| {
                let span = (now - t.since).max(0.0);
                ControllerConnector {
                    node: n.clone(),
                    state_change_timestamp_seconds: t.since,
                    uptime_seconds: if t.up { span } else { 0.0 },
                    downtime_seconds: if t.up { 0.0 } else { span },
                }
            })
            .collect();
        connectors.sort_by(|a, b| {
            (&a.node.remote_network, &a.node.name, &a.node.id).cmp(&(
                &b.node.remote_network,
                &b.node.name,
                &b.node.id,
            ))
        });
        AdminApiReport {
            url: self.config.url.to_string(),
            fetched_at: fleet.fetched_at,
            pages: fleet.pages,
            own_connector: self.config.connector.clone(),
            connectors,
            stale,
        }
    }
}

/// Every page, following `endCursor` until `hasNextPage` is false.
async fn fetch(client: &Client, deadline: Instant) -> Result<Fleet, PostError> {
    let mut session = Session::default();
    let mut nodes = Vec::new();
    let mut after: Option<String> = None;
    let mut seen = std::collections::HashSet::new();
    for pages in 1..=MAX_PAGES {
        let body = client
            .post(
                &mut session,
                query::request_body(after.as_deref()),
                deadline,
            )
            .await?;
        let page = query::parse_page(&body)?;
        nodes.extend(page.nodes);
        match page.next {
            None => {
                return Ok(Fleet {
                    fetched_at: unix_now(),
                    pages,
                    nodes,
                });
            }
            Some(cursor) => {
                // A cursor seen before would loop for ever.
                if !seen.insert(cursor.clone()) {
                    return Err(Failure::new(
                        Reason::Malformed,
                        format!(
                            "{}: page {pages} gives a cursor already followed: pagination does not advance",
                            client.url
                        ),
                    )
                    .into());
                }
                after = Some(cursor);
            }
        }
    }
    Err(Failure::new(
        Reason::Malformed,
        format!(
            "{}: still more pages after {MAX_PAGES}: stopped (pagination does not end)",
            client.url
        ),
    )
    .into())
}

/// A key file others can read is a key others can use.
fn warn_if_readable_by_others(path: &PathBuf) {
    use std::os::unix::fs::PermissionsExt as _;
    if let Ok(meta) = std::fs::metadata(path)
        && meta.permissions().mode() & 0o077 != 0
    {
        tracing::warn!(
            path = %path.display(),
            mode = format!("{:o}", meta.permissions().mode() & 0o777),
            "the Admin API key file is readable by group or others: chmod 600 it"
        );
    }
}

impl Probe for AdminApiProbe {
    fn kind(&self) -> ProbeKind {
        ProbeKind::AdminApi
    }

    fn interval(&self) -> Duration {
        self.config.interval
    }

    fn timeout(&self) -> Duration {
        self.config.timeout
    }

    fn run(&self) -> BoxFuture<'_, Result<Report, Failure>> {
        Box::pin(async move {
            // A server could echo the key back in an error message; it
            // goes no further than this.
            let key = self.config.key.expose();
            self.round().await.map_err(|mut f| {
                if f.message.contains(key) {
                    f.message = f.message.replace(key, "<redacted>");
                }
                f
            })
        })
    }
}
