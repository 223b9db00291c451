//! Serving limits against clients that misbehave: many that connect and say
//! nothing or dribble a byte a second, idle keep-alive connections, and
//! oversized request heads.

mod common;

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use common::exporter::Exporter;

fn rss_kib(pid: u32) -> u64 {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS in /proc/<pid>/status")
}

/// The test holds a thousand sockets itself.
fn raise_fd_limit() {
    // SAFETY: only reads and writes the struct given.
    unsafe {
        let mut limit = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        if libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) == 0 {
            limit.rlim_cur = limit.rlim_max;
            libc::setrlimit(libc::RLIMIT_NOFILE, &limit);
        }
    }
}

/// Whether the peer has closed `stream` (EOF or reset), without blocking.
fn closed(stream: &TcpStream) -> bool {
    stream.set_nonblocking(true).unwrap();
    let mut buf = [0u8; 64];
    let result = (&*stream).read(&mut buf);
    stream.set_nonblocking(false).unwrap();
    match result {
        Ok(0) => true,
        Ok(_) => false,
        Err(e) if e.kind() == ErrorKind::WouldBlock => false,
        Err(_) => true,
    }
}

#[test]
fn slow_clients_do_not_block_a_scrape_and_memory_stays_bounded() {
    raise_fd_limit();
    // Defaults: the cap, header timeout and header size a user gets.
    let exporter = Exporter::start(&[]);
    let header_timeout = Duration::from_secs(5);
    exporter.metrics_text();
    let rss_before = rss_kib(exporter.pid());

    let opened = Instant::now();
    let silent: Vec<TcpStream> = (0..500)
        .map(|_| TcpStream::connect(exporter.addr).unwrap())
        .collect();
    let dribblers: Arc<Vec<TcpStream>> = Arc::new(
        (0..500)
            .map(|_| TcpStream::connect(exporter.addr).unwrap())
            .collect(),
    );
    let stop = Arc::new(AtomicBool::new(false));
    let dribbling = {
        let dribblers = Arc::clone(&dribblers);
        let stop = Arc::clone(&stop);
        std::thread::spawn(move || {
            let request = b"GET /metrics HTTP/1.1\r\nHost: exporter\r\nUser-Agent: slow\r\n\r\n";
            for byte in request.iter().cycle().take(15) {
                if stop.load(Ordering::Relaxed) {
                    return;
                }
                for stream in dribblers.iter() {
                    let _ = (&*stream).write(std::slice::from_ref(byte));
                }
                std::thread::sleep(Duration::from_secs(1));
            }
        })
    };

    let mut worst = Duration::ZERO;
    let mut rss_peak = 0;
    for _ in 0..10 {
        let started = Instant::now();
        let response = common::http::get(exporter.addr, "/metrics").expect("scrape");
        let took = started.elapsed();
        assert_eq!(response.status, 200);
        worst = worst.max(took);
        rss_peak = rss_peak.max(rss_kib(exporter.pid()));
        std::thread::sleep(Duration::from_millis(300));
    }
    assert!(
        worst < Duration::from_secs(1),
        "a scrape took {worst:?} beside 1000 slow clients"
    );

    // Past the header timeout (plus scheduling slack) none is left open.
    let check_at = opened + header_timeout + Duration::from_secs(2);
    std::thread::sleep(check_at.saturating_duration_since(Instant::now()));
    let open_silent = silent.iter().filter(|s| !closed(s)).count();
    let open_dribblers = dribblers.iter().filter(|s| !closed(s)).count();
    stop.store(true, Ordering::Relaxed);
    dribbling.join().unwrap();
    assert_eq!(
        open_silent, 0,
        "silent connections still open after the header timeout"
    );
    assert_eq!(
        open_dribblers, 0,
        "{open_dribblers} dribbling connections still open after the header timeout"
    );
    drop(silent);
    let rss_after = rss_kib(exporter.pid());
    let response = common::http::get(exporter.addr, "/metrics").unwrap();
    assert_eq!(response.status, 200);
    eprintln!(
        "slow clients: worst scrape {worst:?}; RSS before {rss_before} KiB, peak {rss_peak} KiB, after {rss_after} KiB"
    );
    assert!(
        rss_peak < rss_before + 64 * 1024,
        "RSS grew from {rss_before} KiB to {rss_peak} KiB"
    );
}

/// Sends one keep-alive request and reads its (small) answer.
fn request_on(stream: &mut TcpStream) -> String {
    stream
        .write_all(b"GET /-/healthy HTTP/1.1\r\nHost: exporter\r\n\r\n")
        .unwrap();
    let mut got = Vec::new();
    let mut buf = [0u8; 1024];
    while !String::from_utf8_lossy(&got).ends_with("OK\n") {
        let n = stream.read(&mut buf).unwrap();
        assert!(n > 0, "closed before answering");
        got.extend_from_slice(&buf[..n]);
    }
    String::from_utf8_lossy(&got).into_owned()
}

/// Time until the exporter closes `stream`.
fn time_to_close(stream: &mut TcpStream) -> Duration {
    let started = Instant::now();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut buf = [0u8; 64];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => return started.elapsed(),
            Ok(_) => continue,
            Err(e) if e.kind() == ErrorKind::WouldBlock || e.kind() == ErrorKind::TimedOut => {
                panic!("still open after 10s")
            }
            Err(_) => return started.elapsed(),
        }
    }
}

#[test]
fn idle_and_header_timeouts_and_header_size() {
    let exporter = Exporter::start(&[
        "--web.idle-timeout=2s",
        "--web.header-read-timeout=1s",
        "--web.max-header-bytes=8192",
    ]);
    let connect = || TcpStream::connect(exporter.addr).unwrap();

    // Keep-alive: a second request on the same connection is served, then
    // the idle connection is closed after the idle timeout, not the
    // (shorter) header timeout.
    let mut stream = connect();
    assert!(request_on(&mut stream).starts_with("HTTP/1.1 200"));
    assert!(request_on(&mut stream).starts_with("HTTP/1.1 200"));
    let idle = time_to_close(&mut stream);
    assert!(
        idle > Duration::from_millis(1500) && idle < Duration::from_millis(3500),
        "idle connection closed after {idle:?}"
    );

    // A request started on an idle connection has the header timeout.
    let mut stream = connect();
    request_on(&mut stream);
    std::thread::sleep(Duration::from_millis(300));
    stream.write_all(b"G").unwrap();
    let head = time_to_close(&mut stream);
    assert!(
        head < Duration::from_millis(1800),
        "partial request kept for {head:?}"
    );

    // A connection that never speaks has the header timeout.
    let mut stream = connect();
    let silent = time_to_close(&mut stream);
    assert!(
        silent > Duration::from_millis(700) && silent < Duration::from_millis(1800),
        "silent connection closed after {silent:?}"
    );

    // A request head over the limit is refused.
    let mut stream = connect();
    let big = format!(
        "GET / HTTP/1.1\r\nHost: e\r\nX-Big: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let _ = stream.write_all(big.as_bytes());
    let mut answer = String::new();
    let _ = stream.read_to_string(&mut answer);
    assert!(
        answer.is_empty() || answer.starts_with("HTTP/1.1 431"),
        "oversized head got: {}",
        answer.lines().next().unwrap_or_default()
    );
    // And the server still serves.
    assert_eq!(exporter.get("/-/healthy").status, 200);
}
