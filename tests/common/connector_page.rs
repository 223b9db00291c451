//! What the fake connector metrics endpoint writes: the connector's page
//! with its byte counters, and every kind of bad page a test asks for.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use super::connector::Shared;

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
pub(super) struct Counters {
    /// inbound direct, inbound relay, outbound direct, outbound relay.
    pub(super) base: [f64; 4],
    pub(super) bytes_per_second: f64,
    pub(super) direct_share: f64,
    pub(super) since: Instant,
}

/// Inbound's part of the traffic; the rest is outbound.
const INBOUND_SHARE: f64 = 0.6;

impl Counters {
    pub(super) fn now(&self) -> [f64; 4] {
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

pub(super) fn serve(mut stream: TcpStream, shared: &Mutex<Shared>) {
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
