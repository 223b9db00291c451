//! Clock offset against an HTTPS server from its `Date` header, the method
//! of htpdate: a `Date` has one-second resolution, but requests timed to
//! straddle the server's second boundary narrow the offset to about the
//! round trip (see [`super::bisect`] for the arithmetic).
//!
//! One TLS connection is kept alive for the round. Every send and receive
//! instant is read from one monotonic clock, mapped to realtime once per
//! round, so a step of the system clock during the round cannot pass for an
//! offset. When the server closes the connection after an answer, a new one
//! is opened at once, before the next request is timed; if one has to be
//! opened at the moment of sending (the server dropped the idle
//! connection), its round trips fall inside that request's [sent, received]
//! window and so widen the error bar instead of being hidden.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant as StdInstant, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Empty};
use hyper::body::Incoming;
use hyper::client::conn::http1::SendRequest;
use hyper::header::{AGE, CACHE_CONTROL, DATE, HOST, USER_AGENT};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use tokio::time::{Instant, timeout, timeout_at};

use super::bisect::{Bounds, Plan};
use super::{ClockSample, SampleDetail, date};
use crate::https::HttpsUrl;
use crate::probe::{Failure, Reason};

/// Requests per server and round: one for the second, eleven halvings.
pub const MAX_REQUESTS: u32 = 12;
/// Time from deciding to send until the request leaves, with room for the
/// timer's wake-up.
const LEAD_SECONDS: f64 = 0.002;
/// A GET body is read and dropped up to this size; past it the connection
/// is given up and a new one opened.
const MAX_BODY_BYTES: usize = 1 << 20;

/// One monotonic clock, mapped to Unix time once.
struct LocalClock {
    mono: StdInstant,
    unix: f64,
    /// Half the time the mapping took to read: the error of every reading.
    slack: f64,
}

impl LocalClock {
    fn new() -> LocalClock {
        let before = StdInstant::now();
        let unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0.0, |d| d.as_secs_f64());
        let after = StdInstant::now();
        let half = (after - before) / 2;
        LocalClock {
            mono: before + half,
            unix,
            slack: half.as_secs_f64() + 1e-6,
        }
    }

    fn at(&self, instant: StdInstant) -> f64 {
        match instant.checked_duration_since(self.mono) {
            Some(d) => self.unix + d.as_secs_f64(),
            None => self.unix - (self.mono - instant).as_secs_f64(),
        }
    }

    fn instant(&self, unix: f64) -> StdInstant {
        let d = unix - self.unix;
        if d >= 0.0 {
            self.mono + Duration::from_secs_f64(d)
        } else {
            self.mono
                .checked_sub(Duration::from_secs_f64(-d))
                .unwrap_or(self.mono)
        }
    }
}

/// One kept-alive connection. Its driver task ends with it.
struct Session {
    sender: SendRequest<Empty<Bytes>>,
    driver: tokio::task::JoinHandle<()>,
    address: SocketAddr,
}

impl Drop for Session {
    fn drop(&mut self) {
        self.driver.abort();
    }
}

async fn open(
    url: &HttpsUrl,
    tls: &Arc<ClientConfig>,
    deadline: Instant,
) -> Result<Session, Failure> {
    let left = deadline.saturating_duration_since(Instant::now());
    let stream = crate::https::connect(url, tls, left).await?;
    let address = stream
        .get_ref()
        .0
        .peer_addr()
        .map_err(|e| Failure::from_io(&format!("{url}: peer address"), &e))?;
    let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|e| hyper_failure(url, &e))?;
    let label = url.to_string();
    let driver = tokio::spawn(async move {
        if let Err(e) = connection.await {
            tracing::debug!(server = label, "HTTPS clock connection ended: {e}");
        }
    });
    Ok(Session {
        sender,
        driver,
        address,
    })
}

fn hyper_failure(url: &HttpsUrl, e: &hyper::Error) -> Failure {
    let reason = if e.is_timeout() {
        Reason::Timeout
    } else if e.is_parse() || e.is_parse_status() {
        Reason::Malformed
    } else if e.is_closed() || e.is_incomplete_message() || e.is_canceled() {
        Reason::Unreachable
    } else {
        Reason::Io
    };
    Failure::new(reason, format!("{url}: {e}"))
}

/// Where the search stands.
struct Search {
    bounds: Option<Bounds>,
    requests: u32,
    connections: u32,
    rtt: f64,
    method: Method,
    status: u16,
}

/// Measures `url`'s clock until `deadline`, with at most [`MAX_REQUESTS`].
pub async fn measure(
    url: &HttpsUrl,
    tls: &Arc<ClientConfig>,
    deadline: Instant,
) -> Result<ClockSample, Failure> {
    let clock = LocalClock::new();
    let year = date::year_of(clock.unix as i64);
    let end = clock.at(deadline.into_std()) - 0.005;
    let mut session = open(url, tls, deadline).await?;
    let mut s = Search {
        bounds: None,
        requests: 0,
        connections: 1,
        rtt: f64::INFINITY,
        method: Method::HEAD,
        status: 0,
    };
    // An answer "already past the boundary" is followed at once by a check:
    // see `bisect::cells`.
    let mut check = false;
    while s.requests < MAX_REQUESTS {
        if let (Some(bounds), false) = (s.bounds, check) {
            let plan = Plan {
                bounds,
                now: clock.at(StdInstant::now()),
                lead: LEAD_SECONDS,
                rtt: s.rtt,
                requests_left: MAX_REQUESTS - s.requests,
                deadline: end,
            };
            let Some(stamp) = plan.next_stamp() else {
                break;
            };
            // A closed connection is replaced now, before the request is
            // timed, so its handshakes do not widen that request's window.
            if !still_open(&mut session).await {
                match open(url, tls, deadline).await {
                    Ok(fresh) => {
                        session = fresh;
                        s.connections += 1;
                    }
                    Err(failure) => {
                        tracing::debug!(server = %url, "HTTPS clock reconnect failed: {failure}");
                        break;
                    }
                }
            }
            wait_until(clock.instant(stamp - s.rtt / 2.0)).await;
        }
        let sent_at = StdInstant::now();
        s.requests += 1;
        let answer = match ask(&mut session, &mut s, url, tls, deadline).await {
            Ok(answer) => answer,
            // What is proven stays proven: a server that stops answering
            // late in the round leaves a wider, still honest, error bar.
            Err(failure) if s.bounds.is_some() && failure.reason != Reason::Malformed => {
                tracing::debug!(server = %url, "HTTPS clock search cut short: {failure}");
                break;
            }
            Err(failure) => return Err(failure),
        };
        let received_at = StdInstant::now();
        let (sent, received) = (clock.at(sent_at), clock.at(received_at));
        s.rtt = s.rtt.min(received - sent);
        let unix = read_date(url, &answer, year)?;
        let proven = Bounds::from_answer(sent, received, unix, clock.slack);
        let next = match s.bounds {
            None => proven,
            Some(b) => b
                .intersect(proven)
                .ok_or_else(|| inconsistent(url, &answer, b, proven))?,
        };
        check = !check && s.bounds.is_some_and(|b| next.lo > b.lo);
        s.bounds = Some(next);
        s.status = answer.status().as_u16();
        if s.method == Method::HEAD
            && matches!(
                answer.status(),
                StatusCode::METHOD_NOT_ALLOWED | StatusCode::NOT_IMPLEMENTED
            )
        {
            s.method = Method::GET;
        }
        drain(answer, deadline).await;
    }
    let bounds = s.bounds.ok_or_else(|| {
        Failure::new(
            Reason::Timeout,
            format!("{url}: no answer within the round"),
        )
    })?;
    Ok(ClockSample {
        address: session.address,
        // θ is server − local; the exporter's sign is local − server.
        offset_seconds: -bounds.middle(),
        rtt_seconds: s.rtt,
        uncertainty_seconds: bounds.width() / 2.0,
        detail: SampleDetail::Https {
            requests: s.requests,
            connections: s.connections,
            status: s.status,
        },
    })
}

/// Sends one request on the session, replacing the connection first when
/// the server has closed it.
async fn ask(
    session: &mut Session,
    s: &mut Search,
    url: &HttpsUrl,
    tls: &Arc<ClientConfig>,
    deadline: Instant,
) -> Result<Response<Incoming>, Failure> {
    let late = || {
        Failure::new(
            Reason::Timeout,
            format!("{url}: no answer within the round"),
        )
    };
    if timeout_at(deadline, session.sender.ready())
        .await
        .map_err(|_| late())?
        .is_err()
    {
        *session = open(url, tls, deadline).await?;
        s.connections += 1;
        timeout_at(deadline, session.sender.ready())
            .await
            .map_err(|_| late())?
            .map_err(|e| hyper_failure(url, &e))?;
    }
    let request = Request::builder()
        .method(s.method.clone())
        .uri(url.path())
        .header(HOST, url.authority())
        .header(
            USER_AGENT,
            concat!("connector-exporter/", env!("CARGO_PKG_VERSION")),
        )
        // A cache answering for the server would hand out a stored Date.
        .header(CACHE_CONTROL, "no-cache")
        .body(Empty::new())
        .map_err(|e| Failure::new(Reason::Malformed, format!("{url}: request: {e}")))?;
    timeout_at(deadline, session.sender.send_request(request))
        .await
        .map_err(|_| late())?
        .map_err(|e| hyper_failure(url, &e))
}

/// The answer's `Date` in whole Unix seconds, whatever its status: a 3xx,
/// 4xx or 5xx answer still carries the server's clock.
fn read_date(url: &HttpsUrl, answer: &Response<Incoming>, year: i64) -> Result<i64, Failure> {
    let status = answer.status().as_u16();
    let malformed = |what: String| Failure::new(Reason::Malformed, format!("{url}: {what}"));
    let age = answer
        .headers()
        .get(AGE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if let Some(age) = age.filter(|a| *a > 0) {
        return Err(malformed(format!(
            "HTTP {status} came from a cache (Age: {age}): its Date is not the server's clock now"
        )));
    }
    let value = answer
        .headers()
        .get(DATE)
        .ok_or_else(|| malformed(format!("HTTP {status} has no Date header")))?;
    let text = value.to_str().unwrap_or_default();
    date::parse(text, year).map_err(|why| {
        let shown: String = String::from_utf8_lossy(value.as_bytes())
            .chars()
            .take(64)
            .collect();
        malformed(format!("HTTP {status}: malformed Date {shown:?}: {why}"))
    })
}

fn inconsistent(
    url: &HttpsUrl,
    answer: &Response<Incoming>,
    before: Bounds,
    now: Bounds,
) -> Failure {
    let value = answer
        .headers()
        .get(DATE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let gap = (before.lo - now.hi).max(now.lo - before.hi);
    Failure::new(
        Reason::Malformed,
        format!(
            "{url}: inconsistent Date: {value:?} contradicts the earlier answers by {gap:.3} s \
             (several servers with different clocks behind one name?); no offset taken"
        ),
    )
}

/// Reads and drops a body, so the connection can carry the next request.
async fn drain(answer: Response<Incoming>, deadline: Instant) {
    let mut body = answer.into_body();
    let mut read = 0;
    while read <= MAX_BODY_BYTES {
        match timeout_at(deadline, body.frame()).await {
            Ok(Some(Ok(frame))) => read += frame.data_ref().map_or(0, Bytes::len),
            _ => return,
        }
    }
}

/// Whether the connection will carry another request. A server that closes
/// after each answer has done so by the time its answer is read.
async fn still_open(session: &mut Session) -> bool {
    matches!(
        timeout(Duration::from_millis(100), session.sender.ready()).await,
        Ok(Ok(()))
    )
}

/// Sleeps until close to `at`, then yields until it: the timer alone can
/// be a millisecond late, a whole halving at the end of the search.
async fn wait_until(at: StdInstant) {
    if let Some(coarse) = at.checked_sub(Duration::from_millis(2)) {
        tokio::time::sleep_until(Instant::from_std(coarse)).await;
    }
    while StdInstant::now() < at {
        tokio::task::yield_now().await;
    }
}
