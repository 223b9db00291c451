//! Real peers for the connector probe: a process under the connector's name
//! and an HTTP server playing the connector's own metrics endpoint.

use std::net::{SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

pub use super::connector_page::Mode;
use super::connector_page::{Counters, serve};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .expect("clock after 1970")
        .as_secs_f64()
}

/// A harmless long-running binary (`sleep`) copied into a temporary
/// directory as `twingate-connector`. Tests match it by its full path, so
/// tests running side by side never see each other's connector.
pub struct FakeConnector {
    _dir: tempfile::TempDir,
    path: PathBuf,
    child: Option<Child>,
}

impl FakeConnector {
    pub fn new() -> FakeConnector {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("twingate-connector");
        std::fs::copy("/bin/sleep", &path).expect("copy /bin/sleep");
        FakeConnector {
            _dir: dir,
            path,
            child: None,
        }
    }

    pub fn path(&self) -> &str {
        self.path.to_str().expect("UTF-8 temp path")
    }

    /// `--connector.process=<path>`
    pub fn flag(&self) -> String {
        format!("--connector.process={}", self.path())
    }

    /// Starts it; returns its PID and the Unix time just before the start.
    pub fn start(&mut self) -> (u32, f64) {
        assert!(self.child.is_none(), "already running");
        let before = unix_now();
        // Another test thread forking while our copy's write handle was open
        // leaves that handle in its child for a moment: exec then fails with
        // ETXTBSY ("text file busy") until that child has exec'd too.
        let mut attempts = 0;
        let child = loop {
            match Command::new(&self.path).arg("1000").spawn() {
                Ok(child) => break child,
                Err(e) if e.raw_os_error() == Some(26) && attempts < 50 => {
                    attempts += 1;
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(e) => panic!("start the fake connector: {e}"),
            }
        };
        let pid = child.id();
        self.child = Some(child);
        (pid, before)
    }

    /// SIGKILL, and reaps it unless `leave_zombie`: a zombie is a dead
    /// process still listed in /proc until its parent waits for it.
    pub fn kill(&mut self, leave_zombie: bool) {
        if let Some(child) = self.child.as_mut() {
            child.kill().expect("kill the fake connector");
            if !leave_zombie {
                child.wait().expect("reap the fake connector");
                self.child = None;
            }
        }
    }

    pub fn reap(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.wait();
        }
    }
}

impl Drop for FakeConnector {
    fn drop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

pub(super) struct Shared {
    pub(super) mode: Mode,
    /// The uptime served is this plus the time since `since`.
    pub(super) base_uptime: f64,
    pub(super) since: Instant,
    pub(super) counters: Counters,
    pub(super) requests: u64,
}

/// The connector's metrics endpoint (`TWINGATE_METRICS_PORT`): a real HTTP
/// server on loopback that a test can stop, slow down, break or "restart".
pub struct ConnectorMetrics {
    addr: SocketAddr,
    shared: Arc<Mutex<Shared>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl ConnectorMetrics {
    /// Serves an uptime of `uptime` seconds, growing from now.
    pub fn start(uptime: f64) -> ConnectorMetrics {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind metrics endpoint");
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("local addr");
        let shared = Arc::new(Mutex::new(Shared {
            mode: Mode::Normal,
            base_uptime: uptime,
            since: Instant::now(),
            counters: Counters {
                base: [1_234_567_890.0, 4567.0, 987_654_321.0, 8910.0],
                bytes_per_second: 0.0,
                direct_share: 0.0,
                since: Instant::now(),
            },
            requests: 0,
        }));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let shared = Arc::clone(&shared);
            let stop = Arc::clone(&stop);
            std::thread::spawn(move || {
                // Polling keeps stop() simple: the listener closes (and the
                // port refuses) as soon as this loop ends.
                while !stop.load(Ordering::SeqCst) {
                    match listener.accept() {
                        Ok((stream, _)) => {
                            let shared = Arc::clone(&shared);
                            std::thread::spawn(move || serve(stream, &shared));
                        }
                        Err(_) => std::thread::sleep(Duration::from_millis(10)),
                    }
                }
            })
        };
        ConnectorMetrics {
            addr,
            shared,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://{}/metrics", self.addr)
    }

    /// `--connector.metrics-url=<url>`
    pub fn flag(&self) -> String {
        format!("--connector.metrics-url={}", self.url())
    }

    pub fn set_mode(&self, mode: Mode) {
        self.shared.lock().expect("lock").mode = mode;
    }

    /// The connector started again: uptime and byte counters from zero.
    pub fn restart(&self) {
        let mut shared = self.shared.lock().expect("lock");
        shared.base_uptime = 0.0;
        shared.since = Instant::now();
        let c = &mut shared.counters;
        c.base = [0.0; 4];
        c.since = Instant::now();
    }

    /// From now on the counters grow by `bytes_per_second` in all, a
    /// `direct_share` of it direct (peer-to-peer) and the rest relayed,
    /// in both directions alike.
    pub fn set_traffic(&self, bytes_per_second: f64, direct_share: f64) {
        let mut shared = self.shared.lock().expect("lock");
        let c = &mut shared.counters;
        c.base = c.now();
        c.since = Instant::now();
        c.bytes_per_second = bytes_per_second;
        c.direct_share = direct_share;
    }

    /// Sets the counters (inbound direct, inbound relay, outbound direct,
    /// outbound relay) without a restart: lower values go backwards.
    pub fn set_counters(&self, values: [f64; 4]) {
        let mut shared = self.shared.lock().expect("lock");
        let c = &mut shared.counters;
        c.base = values;
        c.since = Instant::now();
    }

    /// Requests answered so far.
    pub fn requests(&self) -> u64 {
        self.shared.lock().expect("lock").requests
    }

    /// Closes the listening socket: connections are refused from now on.
    pub fn stop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for ConnectorMetrics {
    fn drop(&mut self) {
        self.stop();
    }
}

/// A loopback URL where nothing listens.
pub fn dead_url() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let addr = listener.local_addr().expect("local addr");
    drop(listener);
    format!("http://{addr}/metrics")
}
