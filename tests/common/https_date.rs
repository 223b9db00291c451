//! An HTTPS server for the clock tests: hyper over tokio-rustls with the
//! test CA's certificate, serving a `Date` from the system clock shifted by
//! a chosen offset, to the sub-second (the Date is floor(now + offset),
//! computed when the request is handled), and hostile modes.
//!
//! Its date formatting is its own, independent of the exporter's parser.
//! It runs on its own thread and runtime; dropping it stops it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use http_body_util::Full;
use hyper::body::{Bytes, Incoming};
use hyper::{Method, Request, Response};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};

use super::certs::Certs;

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Mode {
    Honest,
    /// The obsolete RFC 850 form, `Sunday, 06-Nov-94 08:49:37 GMT`.
    Rfc850,
    /// The obsolete asctime form, `Sun Nov  6 08:49:37 1994`.
    Asctime,
    NoDate,
    /// A Date no parser should accept.
    Malformed,
    /// Every other request from a backend whose clock is this much ahead.
    Jumping(f64),
    /// Answers with this status (and a Date).
    Status(u16),
    /// HEAD gets 405 (with a Date); GET works.
    HeadRefused,
    /// `Connection: close` after every answer.
    CloseEach,
    /// Claims the answer came from a cache 30 s ago.
    Cached,
    /// Accepts TCP and never speaks TLS.
    Silent,
}

#[derive(Default)]
pub struct Counts {
    pub heads: AtomicU64,
    pub gets: AtomicU64,
    pub connections: AtomicU64,
}

impl Counts {
    pub fn requests(&self) -> u64 {
        self.heads.load(Ordering::SeqCst) + self.gets.load(Ordering::SeqCst)
    }

    pub fn reset(&self) {
        self.heads.store(0, Ordering::SeqCst);
        self.gets.store(0, Ordering::SeqCst);
        self.connections.store(0, Ordering::SeqCst);
    }
}

#[derive(Clone, Copy)]
struct Settings {
    offset: f64,
    mode: Mode,
}

pub struct DateServer {
    pub addr: SocketAddr,
    pub counts: Arc<Counts>,
    settings: Arc<Mutex<Settings>>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl DateServer {
    /// On 127.0.0.1 with `certs`' server certificate (CA `ca.crt`).
    pub fn start(certs: &Certs, offset: f64, mode: Mode) -> DateServer {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        DateServer::on(listener, certs, "server", offset, mode)
    }

    /// On a bound listener, with certificate `name`.{crt,key} from `certs`.
    pub fn on(
        listener: std::net::TcpListener,
        certs: &Certs,
        name: &str,
        offset: f64,
        mode: Mode,
    ) -> DateServer {
        listener.set_nonblocking(true).expect("nonblocking");
        let addr = listener.local_addr().expect("address");
        let tls = tls_config(certs, name);
        let settings = Arc::new(Mutex::new(Settings { offset, mode }));
        let counts = Arc::new(Counts::default());
        let (stop, stopped) = tokio::sync::oneshot::channel();
        let (s, c) = (Arc::clone(&settings), Arc::clone(&counts));
        std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).expect("listener");
                tokio::select! {
                    _ = serve(listener, tls, s, c) => {}
                    _ = stopped => {}
                }
            });
        });
        DateServer {
            addr,
            counts,
            settings,
            stop: Some(stop),
        }
    }

    pub fn url(&self) -> String {
        format!("https://{}/", self.addr)
    }

    pub fn set_offset(&self, offset: f64) {
        self.settings.lock().unwrap().offset = offset;
    }

    pub fn set_mode(&self, mode: Mode) {
        self.settings.lock().unwrap().mode = mode;
    }
}

impl Drop for DateServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

fn tls_config(certs: &Certs, name: &str) -> Arc<rustls::ServerConfig> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(certs.path(&format!("{name}.crt")))
            .expect("certificate file")
            .map(|c| c.expect("certificate"))
            .collect();
    let key = PrivateKeyDer::from_pem_file(certs.path(&format!("{name}.key"))).expect("key");
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .expect("protocol versions")
    .with_no_client_auth()
    .with_single_cert(chain, key)
    .expect("server certificate");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Arc::new(config)
}

async fn serve(
    listener: tokio::net::TcpListener,
    tls: Arc<rustls::ServerConfig>,
    settings: Arc<Mutex<Settings>>,
    counts: Arc<Counts>,
) {
    let acceptor = tokio_rustls::TlsAcceptor::from(tls);
    let mut held = Vec::new();
    loop {
        let Ok((tcp, _)) = listener.accept().await else {
            continue;
        };
        let _ = tcp.set_nodelay(true);
        let mode = settings.lock().unwrap().mode;
        if mode == Mode::Silent {
            held.push(tcp);
            continue;
        }
        let (acceptor, settings, counts) =
            (acceptor.clone(), Arc::clone(&settings), Arc::clone(&counts));
        tokio::spawn(async move {
            let Ok(stream) = acceptor.accept(tcp).await else {
                return;
            };
            counts.connections.fetch_add(1, Ordering::SeqCst);
            let service = hyper::service::service_fn(move |request: Request<Incoming>| {
                let response = answer(&request, &settings, &counts);
                async move { Ok::<_, std::convert::Infallible>(response) }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .auto_date_header(false)
                .keep_alive(mode != Mode::CloseEach)
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

fn answer(
    request: &Request<Incoming>,
    settings: &Mutex<Settings>,
    counts: &Counts,
) -> Response<Full<Bytes>> {
    // The clock is read first, as close to the request's arrival as can be.
    let now = SystemTime::now();
    let Settings { offset, mode } = *settings.lock().unwrap();
    let head = request.method() == Method::HEAD;
    if head {
        counts.heads.fetch_add(1, Ordering::SeqCst);
    } else {
        counts.gets.fetch_add(1, Ordering::SeqCst);
    }
    let shift = match mode {
        Mode::Jumping(ahead) if counts.requests().is_multiple_of(2) => offset + ahead,
        _ => offset,
    };
    let seconds = shifted_seconds(now, shift);
    let (status, date) = match mode {
        Mode::Rfc850 => (200, Some(rfc850(seconds))),
        Mode::Asctime => (200, Some(asctime(seconds))),
        Mode::NoDate => (200, None),
        Mode::Malformed => (200, Some("Tue, 01 Dec 2026 25:61:00 GMT".to_owned())),
        Mode::Status(code) => (code, Some(imf_fixdate(seconds))),
        Mode::HeadRefused if head => (405, Some(imf_fixdate(seconds))),
        _ => (200, Some(imf_fixdate(seconds))),
    };
    let mut response = Response::builder().status(status);
    if let Some(date) = date {
        response = response.header("date", date);
    }
    if mode == Mode::Cached {
        response = response.header("age", "30");
    }
    if status / 100 == 3 {
        response = response.header("location", "/elsewhere");
    }
    let body = if head {
        Bytes::new()
    } else {
        Bytes::from_static(b"the time is in the header\n")
    };
    response.body(Full::new(body)).expect("response")
}

/// floor(now + offset) in whole Unix seconds, exactly (no float rounding
/// of the large Unix time).
pub fn shifted_seconds(now: SystemTime, offset: f64) -> i64 {
    let nanos = now
        .duration_since(UNIX_EPOCH)
        .expect("after 1970")
        .as_nanos() as i128;
    let shifted = nanos + (offset * 1e9).round() as i128;
    shifted.div_euclid(1_000_000_000) as i64
}

const DAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

struct Parts {
    weekday: &'static str,
    year: i64,
    month: &'static str,
    day: i64,
    hms: String,
}

/// Calendar fields by counting whole years and months from 1970, slow and
/// plain on purpose: a different method from the exporter's.
fn parts(unix: i64) -> Parts {
    let mut days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    let weekday = DAYS[days.rem_euclid(7) as usize];
    let leap = |y: i64| (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let mut year = 1970;
    loop {
        let length = if leap(year) { 366 } else { 365 };
        if days < 0 {
            year -= 1;
            days += if leap(year) { 366 } else { 365 };
        } else if days >= length {
            days -= length;
            year += 1;
        } else {
            break;
        }
    }
    let lengths = [
        31,
        if leap(year) { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let mut month = 0;
    while days >= lengths[month] {
        days -= lengths[month];
        month += 1;
    }
    Parts {
        weekday,
        year,
        month: MONTHS[month],
        day: days + 1,
        hms: format!("{:02}:{:02}:{:02}", secs / 3600, secs / 60 % 60, secs % 60),
    }
}

pub fn imf_fixdate(unix: i64) -> String {
    let p = parts(unix);
    format!(
        "{}, {:02} {} {} {} GMT",
        &p.weekday[..3],
        p.day,
        p.month,
        p.year,
        p.hms
    )
}

pub fn rfc850(unix: i64) -> String {
    let p = parts(unix);
    format!(
        "{}, {:02}-{}-{:02} {} GMT",
        p.weekday,
        p.day,
        p.month,
        p.year % 100,
        p.hms
    )
}

pub fn asctime(unix: i64) -> String {
    let p = parts(unix);
    format!(
        "{} {} {:>2} {} {}",
        &p.weekday[..3],
        p.month,
        p.day,
        p.hms,
        p.year
    )
}
