//! Real peers for the connector probe: a process under the connector's name
//! and an HTTP server playing the connector's own metrics endpoint.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
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

/// How the fake metrics endpoint answers.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    Normal,
    /// Answers after this long.
    Slow(Duration),
    /// 200 with a body that is not Prometheus text.
    Garbage,
    /// 500 Internal Server Error.
    Error,
    /// The page without the byte counters, as connectors before 1.80 serve it.
    NoTraffic,
    /// The inbound family declared a gauge.
    WrongType,
    /// This many extra inbound `transport` values, new names every request.
    ManyTransports(usize),
    /// The direct counters read NaN, +Inf and -Inf.
    NonFinite,
    /// A valid-looking page of this many bytes.
    Huge(usize),
    /// Headers, then a line every 50 ms, never ending.
    Endless,
}

/// The byte counters: direct and relay per direction, moving at a rate.
#[derive(Clone, Copy, Debug)]
struct Counters {
    /// inbound direct, inbound relay, outbound direct, outbound relay.
    base: [f64; 4],
    bytes_per_second: f64,
    direct_share: f64,
    since: Instant,
}

/// Inbound's part of the traffic; the rest is outbound.
const INBOUND_SHARE: f64 = 0.6;

impl Counters {
    fn now(&self) -> [f64; 4] {
        let moved = self.bytes_per_second * self.since.elapsed().as_secs_f64();
        let part = |direction: f64, share: f64| moved * direction * share;
        let d = self.direct_share;
        [
            self.base[0] + part(INBOUND_SHARE, d),
            self.base[1] + part(INBOUND_SHARE, 1.0 - d),
            self.base[2] + part(1.0 - INBOUND_SHARE, d),
            self.base[3] + part(1.0 - INBOUND_SHARE, 1.0 - d),
        ]
    }
}

struct Shared {
    mode: Mode,
    /// The uptime served is this plus the time since `since`.
    base_uptime: f64,
    since: Instant,
    counters: Counters,
    requests: u64,
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

fn serve(mut stream: TcpStream, shared: &Mutex<Shared>) {
    let _ = stream.set_nonblocking(false);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
    let mut head = Vec::new();
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    let (mode, uptime, counters, request) = {
        let mut s = shared.lock().expect("lock");
        s.requests += 1;
        (
            s.mode,
            s.base_uptime + s.since.elapsed().as_secs_f64(),
            s.counters.now(),
            s.requests,
        )
    };
    let values = counters.map(|v| format!("{v:.0}"));
    let normal = || page(uptime, Some(values.clone()), "counter", "");
    let (status, body) = match mode {
        Mode::Normal => ("200 OK", normal()),
        Mode::Slow(delay) => {
            std::thread::sleep(delay);
            ("200 OK", normal())
        }
        Mode::Garbage => (
            "200 OK",
            "<html><body><h1>It works!</h1></body></html>\n".to_owned(),
        ),
        Mode::Error => ("500 Internal Server Error", "oops\n".to_owned()),
        Mode::NoTraffic => ("200 OK", page(uptime, None, "counter", "")),
        Mode::WrongType => ("200 OK", page(uptime, Some(values.clone()), "gauge", "")),
        Mode::ManyTransports(n) => {
            let extra: String = (0..n)
                .map(|i| {
                    format!("twingate_inbound_bytes_total{{transport=\"t{request}-{i}\"}} {i}\n")
                })
                .collect();
            (
                "200 OK",
                page(uptime, Some(values.clone()), "counter", &extra),
            )
        }
        Mode::NonFinite => {
            let [_, in_relay, _, _] = values.clone();
            let odd = [
                "NaN".to_owned(),
                in_relay,
                "+Inf".to_owned(),
                "-Inf".to_owned(),
            ];
            ("200 OK", page(uptime, Some(odd), "counter", ""))
        }
        Mode::Huge(size) => {
            let filler: String = (0..1000)
                .map(|i| format!("twingate_padding{{n=\"{i}\"}} 1\n"))
                .collect();
            return stream_body(stream, Some(size), |i| {
                if i == 0 { normal() } else { filler.clone() }.into_bytes()
            });
        }
        Mode::Endless => {
            return stream_body(stream, None, |i| {
                std::thread::sleep(Duration::from_millis(50));
                format!("twingate_filler_{i} 1\n").into_bytes()
            });
        }
    };
    let response = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/plain; version=0.0.4\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes());
}

/// A 200 whose body is `chunk(i)` over and over, up to `size` bytes (with a
/// Content-Length) or until the client goes away.
fn stream_body(mut stream: TcpStream, size: Option<usize>, chunk: impl Fn(usize) -> Vec<u8>) {
    let length = size
        .map(|n| format!("Content-Length: {n}\r\n"))
        .unwrap_or_default();
    let head = format!(
        "HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4\r\n{length}Connection: close\r\n\r\n"
    );
    if stream.write_all(head.as_bytes()).is_err() {
        return;
    }
    let mut sent = 0;
    for i in 0.. {
        let mut bytes = chunk(i);
        if let Some(size) = size {
            if sent >= size {
                return;
            }
            bytes.truncate(size - sent);
        }
        sent += bytes.len();
        if stream.write_all(&bytes).is_err() {
            return;
        }
    }
}

/// The series the connector documents for its endpoint (v1.80+): byte
/// counters per transport and its uptime. Its resource-count series are not
/// named in that documentation and are left out.
/// `counters`: the four values as written (inbound direct and relay,
/// outbound direct and relay); `extra` are more inbound lines.
fn page(uptime: f64, counters: Option<[String; 4]>, kind: &str, extra: &str) -> String {
    let mut page = String::new();
    if let Some([in_direct, in_relay, out_direct, out_relay]) = counters {
        page.push_str(&format!(
            "# HELP twingate_inbound_bytes_total Inbound bytes by transport.\n\
             # TYPE twingate_inbound_bytes_total {kind}\n\
             twingate_inbound_bytes_total{{transport=\"direct\"}} {in_direct}\n\
             twingate_inbound_bytes_total{{transport=\"relay\"}} {in_relay}\n\
             {extra}\
             # HELP twingate_outbound_bytes_total Outbound bytes by transport.\n\
             # TYPE twingate_outbound_bytes_total counter\n\
             twingate_outbound_bytes_total{{transport=\"direct\"}} {out_direct}\n\
             twingate_outbound_bytes_total{{transport=\"relay\"}} {out_relay}\n"
        ));
    }
    page.push_str(&format!(
        "# HELP twingate_connector_uptime_seconds Connector uptime in seconds.\n\
         # TYPE twingate_connector_uptime_seconds gauge\n\
         twingate_connector_uptime_seconds {uptime:.3}\n"
    ));
    page
}
