//! Serving limits that hold whatever a client does.
//!
//! Every connection carries one deadline, moved by what it does:
//! - from accept, and from the first byte of each later request, it has
//!   the header-read timeout to finish its request headers (the TLS
//!   handshake and HTTP/2 preface included: hyper's own header timeout
//!   covers neither, and hyper-util's protocol sniffing waits forever);
//! - while a request is served, the idle timeout bounds writing the answer;
//! - between requests it may stay idle for the idle timeout.
//!
//! The cap counts every open connection, but a new connection past it
//! pushes out the one that has waited longest without a request in
//! progress. Clients that connect and say nothing therefore cannot lock
//! out a scrape, however many they are, and memory stays bounded by the
//! cap times the header size limit.

use std::collections::HashMap;
use std::convert::Infallible;
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::{Body, Frame, SizeHint};
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::Notify;
use tokio::time::Instant;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_connections: usize,
    pub header_read_timeout: Duration,
    pub idle_timeout: Duration,
    pub max_header_bytes: usize,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    /// Waiting for (the rest of) request headers.
    Head,
    /// Requests in progress.
    Busy(u32),
    /// Between requests.
    Idle,
}

struct State {
    phase: Phase,
    deadline: Instant,
    /// When the connection last started waiting on its client; the
    /// longest waiting goes first when the cap is reached.
    waiting_since: Instant,
    /// Part of a pipelined request arrived while one was being served.
    read_while_busy: bool,
    evicted: bool,
}

/// What one connection is doing, and until when it may.
pub struct Activity {
    state: Mutex<State>,
    changed: Notify,
    limits: Limits,
}

impl Activity {
    fn new(limits: Limits) -> Activity {
        let now = Instant::now();
        Activity {
            state: Mutex::new(State {
                phase: Phase::Head,
                deadline: now + limits.header_read_timeout,
                waiting_since: now,
                read_while_busy: false,
                evicted: false,
            }),
            changed: Notify::new(),
            limits,
        }
    }

    fn state(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    fn deadline(&self) -> Instant {
        self.state().deadline
    }

    /// Bytes came in. The first byte after an idle spell starts a request:
    /// its headers are due within the header timeout. Later bytes move
    /// nothing, so dribbling cannot stretch the deadline.
    fn bytes_read(&self) {
        let mut state = self.state();
        match state.phase {
            Phase::Idle => {
                state.phase = Phase::Head;
                state.deadline = Instant::now() + self.limits.header_read_timeout;
                drop(state);
                self.changed.notify_one();
            }
            Phase::Busy(_) => state.read_while_busy = true,
            Phase::Head => {}
        }
    }

    /// Headers are complete and the request goes to the handler.
    pub fn request_started(self: &Arc<Self>) -> RequestGuard {
        let mut state = self.state();
        state.phase = match state.phase {
            Phase::Busy(n) => Phase::Busy(n + 1),
            Phase::Head | Phase::Idle => Phase::Busy(1),
        };
        state.deadline = Instant::now() + self.limits.idle_timeout;
        RequestGuard(Arc::clone(self))
    }

    fn request_finished(&self) {
        let mut state = self.state();
        let now = Instant::now();
        match state.phase {
            Phase::Busy(n) if n > 1 => state.phase = Phase::Busy(n - 1),
            _ if state.read_while_busy => {
                state.phase = Phase::Head;
                state.deadline = now + self.limits.header_read_timeout;
                state.waiting_since = now;
                state.read_while_busy = false;
            }
            _ => {
                state.phase = Phase::Idle;
                state.deadline = now + self.limits.idle_timeout;
                state.waiting_since = now;
            }
        }
        drop(state);
        self.changed.notify_one();
    }

    fn evict(&self) {
        let mut state = self.state();
        state.evicted = true;
        state.deadline = Instant::now();
        drop(state);
        self.changed.notify_one();
    }

    /// Runs `connection` until it ends or its deadline passes; `None` when
    /// it was cut off (dropping it closes the socket).
    pub async fn guard<F: Future>(&self, connection: F) -> Option<F::Output> {
        let mut connection = std::pin::pin!(connection);
        loop {
            let deadline = self.deadline();
            tokio::select! {
                out = &mut connection => return Some(out),
                () = tokio::time::sleep_until(deadline) => {
                    if self.deadline() <= Instant::now() {
                        return None;
                    }
                }
                () = self.changed.notified() => {}
            }
        }
    }
}

/// Ends the request when hyper drops the response body, that is once the
/// answer is written (or the connection is gone).
pub struct RequestGuard(Arc<Activity>);

impl Drop for RequestGuard {
    fn drop(&mut self) {
        self.0.request_finished();
    }
}

/// A response body that carries its request's guard.
pub struct TrackedBody {
    inner: Full<Bytes>,
    _request: RequestGuard,
}

impl TrackedBody {
    pub fn new(inner: Full<Bytes>, request: RequestGuard) -> TrackedBody {
        TrackedBody {
            inner,
            _request: request,
        }
    }
}

impl Body for TrackedBody {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        Pin::new(&mut self.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// The open connections, for the cap.
pub struct Tracker {
    limits: Limits,
    open: Mutex<Open>,
    next_id: AtomicU64,
}

#[derive(Default)]
struct Open {
    connections: HashMap<u64, Arc<Activity>>,
    /// Told to close but not gone yet; they no longer count.
    evicted: usize,
}

impl Tracker {
    pub fn new(limits: Limits) -> Arc<Tracker> {
        Arc::new(Tracker {
            limits,
            open: Mutex::new(Open::default()),
            next_id: AtomicU64::new(0),
        })
    }

    fn open(&self) -> MutexGuard<'_, Open> {
        match self.open.lock() {
            Ok(guard) => guard,
            Err(poisoned) => poisoned.into_inner(),
        }
    }

    /// Registers a new connection, making room if the cap is reached.
    /// `None` when every slot is serving a request: then the newcomer is
    /// the one turned away.
    pub fn admit(self: &Arc<Self>) -> Option<Admission> {
        let mut open = self.open();
        // Counted, not scanned: under a flood every accept comes here.
        if open.connections.len() - open.evicted >= self.limits.max_connections {
            let victim = open
                .connections
                .values()
                .filter_map(|a| {
                    let state = a.state();
                    let waiting = !state.evicted && !matches!(state.phase, Phase::Busy(_));
                    waiting.then_some((state.waiting_since, a))
                })
                .min_by_key(|(since, _)| *since)
                .map(|(_, a)| Arc::clone(a));
            victim?.evict();
            open.evicted += 1;
        }
        let id = self.next_id.fetch_add(1, Ordering::Relaxed);
        let activity = Arc::new(Activity::new(self.limits));
        open.connections.insert(id, Arc::clone(&activity));
        Some(Admission {
            tracker: Arc::clone(self),
            id,
            activity,
        })
    }
}

/// A registered connection; dropping it frees the slot.
pub struct Admission {
    tracker: Arc<Tracker>,
    id: u64,
    pub activity: Arc<Activity>,
}

impl Drop for Admission {
    fn drop(&mut self) {
        let mut open = self.tracker.open();
        open.connections.remove(&self.id);
        if self.activity.state().evicted {
            open.evicted -= 1;
        }
    }
}

/// A socket that reports incoming bytes to its connection's [`Activity`].
pub struct Watched<T> {
    inner: T,
    activity: Arc<Activity>,
}

impl<T> Watched<T> {
    pub fn new(inner: T, activity: Arc<Activity>) -> Watched<T> {
        Watched { inner, activity }
    }
}

impl<T: AsyncRead + Unpin> AsyncRead for Watched<T> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<std::io::Result<()>> {
        let before = buf.filled().len();
        let result = Pin::new(&mut self.inner).poll_read(cx, buf);
        if matches!(result, Poll::Ready(Ok(()))) && buf.filled().len() > before {
            self.activity.bytes_read();
        }
        result
    }
}

impl<T: AsyncWrite + Unpin> AsyncWrite for Watched<T> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[std::io::IoSlice<'_>],
    ) -> Poll<std::io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<std::io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }
}

/// Raises the soft open-file limit to the hard one (as Go programs do at
/// start): the cap is only real if there are descriptors for it. Returns
/// the limit in force.
pub fn raise_fd_limit() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit/setrlimit only read and write the struct given.
    unsafe {
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) != 0 {
            return None;
        }
        if limit.rlim_cur < limit.rlim_max {
            let raised = libc::rlimit {
                rlim_cur: limit.rlim_max,
                rlim_max: limit.rlim_max,
            };
            if libc::setrlimit(libc::RLIMIT_NOFILE, &raised) == 0 {
                limit = raised;
            }
        }
    }
    Some(limit.rlim_cur)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limits(max_connections: usize) -> Limits {
        Limits {
            max_connections,
            header_read_timeout: Duration::from_secs(5),
            idle_timeout: Duration::from_secs(60),
            max_header_bytes: 16384,
        }
    }

    #[tokio::test(start_paused = true)]
    async fn the_longest_waiting_idle_connection_makes_room() {
        let tracker = Tracker::new(limits(2));
        let first = tracker.admit().unwrap();
        tokio::time::advance(Duration::from_secs(1)).await;
        let second = tracker.admit().unwrap();
        let _busy = second.activity.request_started();
        let third = tracker.admit().unwrap();
        assert!(first.activity.state().evicted);
        assert!(!second.activity.state().evicted);
        // Every live slot serving: the newcomer is turned away.
        let _busy3 = third.activity.request_started();
        drop(first);
        assert!(tracker.admit().is_none());
    }

    #[tokio::test(start_paused = true)]
    async fn dribbling_does_not_move_the_header_deadline() {
        let activity = Arc::new(Activity::new(limits(8)));
        let start = activity.deadline();
        tokio::time::advance(Duration::from_secs(2)).await;
        activity.bytes_read();
        assert_eq!(activity.deadline(), start);
        let request = activity.request_started();
        drop(request);
        let idle = activity.deadline();
        assert!(idle > start + Duration::from_secs(30));
        tokio::time::advance(Duration::from_secs(1)).await;
        activity.bytes_read();
        assert!(
            activity.deadline() < idle,
            "a new request gets the header timeout"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn guard_cuts_off_at_the_deadline() {
        let activity = Arc::new(Activity::new(limits(8)));
        let out = activity.guard(std::future::pending::<()>()).await;
        assert!(out.is_none());
        assert!(Instant::now() >= activity.deadline());
    }
}
