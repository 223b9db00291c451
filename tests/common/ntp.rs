//! An NTP server for tests: the system clock plus an injected offset, an
//! optional network delay, and hostile modes, all changeable while it runs.
//!
//! Its packet code is deliberately independent of the exporter's, so one
//! mistake cannot cancel out in both; `ntpdig` vouches for its honesty
//! (tests/clock.rs). Dropping it stops it.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs, UdpSocket};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// What the server does with a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Behaviour {
    Honest,
    WrongOrigin,
    /// Mode 5 (broadcast) instead of 4.
    WrongMode,
    /// 40 bytes: the transmit timestamp cut off.
    Truncated,
    /// Leap indicator 3.
    Unsynchronized,
    /// Stratum 0 with this code, as RFC 5905 § 7.4 sends it.
    Kiss([u8; 4]),
    Stratum16,
    ZeroTransmit,
    /// Receive timestamp one second after the transmit timestamp.
    ReceiveAfterTransmit,
    /// Receive 5 s earlier and transmit 5 s later than true: the offset
    /// stays, the delay becomes −10 s.
    NegativeDelay,
    /// The reply comes from another port of the same address.
    OtherPort,
    /// The reply comes from another loopback address.
    OtherAddress,
    Silent,
    /// Every reply sent twice.
    Duplicate,
    /// Root dispersion of 32767 s.
    AbsurdDispersion,
}

#[derive(Clone, Copy, Debug)]
struct Settings {
    offset_seconds: f64,
    /// Network delay, half on the way in and half on the way out.
    delay: Duration,
    /// Extra delay on the way out for three requests of every four.
    slow_replies: Option<Duration>,
    behaviour: Behaviour,
}

pub struct NtpServer {
    pub addr: SocketAddr,
    settings: Arc<Mutex<Settings>>,
    requests: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

struct Sockets {
    main: UdpSocket,
    other_port: UdpSocket,
    other_address: Option<UdpSocket>,
}

impl NtpServer {
    /// An honest server on 127.0.0.1 and an ephemeral port.
    pub fn honest(offset_seconds: f64) -> NtpServer {
        let server = NtpServer::bind("127.0.0.1:0").expect("bind test NTP server");
        server.set_offset(offset_seconds);
        server
    }

    pub fn hostile(behaviour: Behaviour) -> NtpServer {
        let server = NtpServer::bind("127.0.0.1:0").expect("bind test NTP server");
        server.set_behaviour(behaviour);
        server
    }

    pub fn bind(addr: impl ToSocketAddrs) -> std::io::Result<NtpServer> {
        let main = UdpSocket::bind(addr)?;
        let addr = main.local_addr()?;
        let other_port = UdpSocket::bind((addr.ip(), 0))?;
        // All of 127/8 is local on Linux; IPv6 has only ::1.
        let other_address = match addr.ip() {
            IpAddr::V4(ip) if ip.is_loopback() => {
                let other = if ip == Ipv4Addr::new(127, 0, 0, 254) {
                    Ipv4Addr::new(127, 0, 0, 253)
                } else {
                    Ipv4Addr::new(127, 0, 0, 254)
                };
                Some(UdpSocket::bind((other, 0))?)
            }
            _ => None,
        };
        main.set_read_timeout(Some(Duration::from_millis(20)))?;
        let settings = Arc::new(Mutex::new(Settings {
            offset_seconds: 0.0,
            delay: Duration::ZERO,
            slow_replies: None,
            behaviour: Behaviour::Honest,
        }));
        let requests = Arc::new(AtomicU64::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let sockets = Arc::new(Sockets {
            main,
            other_port,
            other_address,
        });
        let thread = {
            let (settings, requests, stop) = (settings.clone(), requests.clone(), stop.clone());
            std::thread::spawn(move || serve(sockets, settings, requests, stop))
        };
        Ok(NtpServer {
            addr,
            settings,
            requests,
            stop,
            thread: Some(thread),
        })
    }

    /// The server's clock minus the system clock: +3 means 3 s ahead.
    pub fn set_offset(&self, seconds: f64) {
        self.settings.lock().unwrap().offset_seconds = seconds;
    }

    pub fn set_delay(&self, delay: Duration) {
        self.settings.lock().unwrap().delay = delay;
    }

    pub fn set_slow_replies(&self, extra: Option<Duration>) {
        self.settings.lock().unwrap().slow_replies = extra;
    }

    pub fn set_behaviour(&self, behaviour: Behaviour) {
        self.settings.lock().unwrap().behaviour = behaviour;
    }

    /// Requests received so far.
    pub fn requests(&self) -> u64 {
        self.requests.load(Ordering::SeqCst)
    }

    /// The `server` label and flag value for this server.
    pub fn name(&self) -> String {
        self.addr.to_string()
    }

    pub fn flag(&self) -> String {
        format!("--clock.server={}", self.addr)
    }
}

impl Drop for NtpServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn serve(
    sockets: Arc<Sockets>,
    settings: Arc<Mutex<Settings>>,
    requests: Arc<AtomicU64>,
    stop: Arc<AtomicBool>,
) {
    let mut buffer = [0u8; 1024];
    while !stop.load(Ordering::SeqCst) {
        let Ok((length, peer)) = sockets.main.recv_from(&mut buffer) else {
            continue;
        };
        let arrived = SystemTime::now();
        let number = requests.fetch_add(1, Ordering::SeqCst);
        let settings = *settings.lock().unwrap();
        let request = buffer[..length].to_vec();
        let slow = settings.slow_replies.filter(|_| !number.is_multiple_of(4));
        if settings.delay.is_zero() && slow.is_none() {
            respond(&sockets, &request, peer, arrived, settings, Duration::ZERO);
        } else {
            // Delayed replies must not hold up the requests behind them.
            let sockets = sockets.clone();
            std::thread::spawn(move || {
                respond(
                    &sockets,
                    &request,
                    peer,
                    arrived,
                    settings,
                    slow.unwrap_or_default(),
                )
            });
        }
    }
}

fn respond(
    sockets: &Sockets,
    request: &[u8],
    peer: SocketAddr,
    arrived: SystemTime,
    s: Settings,
    slow: Duration,
) {
    if request.len() < 48 || s.behaviour == Behaviour::Silent {
        return;
    }
    let half = s.delay / 2;
    std::thread::sleep(half);
    let receive = ntp_time(arrived + half, s.offset_seconds);
    let version = (request[0] >> 3) & 0b111;
    let mut p = [0u8; 48];
    p[0] = (version << 3) | 4;
    p[1] = 2;
    p[2] = request[2];
    p[3] = (-20i8) as u8;
    p[4..8].copy_from_slice(&66u32.to_be_bytes()); // root delay ≈ 1 ms
    p[8..12].copy_from_slice(&66u32.to_be_bytes()); // root dispersion ≈ 1 ms
    p[12..16].copy_from_slice(&[127, 0, 0, 1]);
    let reference = ntp_time(
        SystemTime::now() - Duration::from_secs(16),
        s.offset_seconds,
    );
    p[16..24].copy_from_slice(&reference.to_be_bytes());
    p[24..32].copy_from_slice(&request[40..48]);
    p[32..40].copy_from_slice(&receive.to_be_bytes());
    let transmit = ntp_time(SystemTime::now(), s.offset_seconds);
    p[40..48].copy_from_slice(&transmit.to_be_bytes());
    let mut length = 48;
    let mut from = &sockets.main;
    let mut copies = 1;
    let put = |p: &mut [u8; 48], at: usize, value: u64| {
        p[at..at + 8].copy_from_slice(&value.to_be_bytes())
    };
    match s.behaviour {
        Behaviour::Honest | Behaviour::Silent => {}
        Behaviour::WrongOrigin => p[28..32].copy_from_slice(&0xdead_beef_u32.to_be_bytes()),
        Behaviour::WrongMode => p[0] = (p[0] & !0b111) | 5,
        Behaviour::Truncated => length = 40,
        Behaviour::Unsynchronized => p[0] |= 3 << 6,
        Behaviour::Kiss(code) => {
            p[0] |= 3 << 6;
            p[1] = 0;
            p[12..16].copy_from_slice(&code);
        }
        Behaviour::Stratum16 => p[1] = 16,
        Behaviour::ZeroTransmit => put(&mut p, 40, 0),
        Behaviour::ReceiveAfterTransmit => put(&mut p, 32, transmit.wrapping_add(1 << 32)),
        Behaviour::NegativeDelay => {
            put(&mut p, 32, receive.wrapping_sub(5 << 32));
            put(&mut p, 40, transmit.wrapping_add(5 << 32));
        }
        Behaviour::OtherPort => from = &sockets.other_port,
        Behaviour::OtherAddress => {
            from = sockets
                .other_address
                .as_ref()
                .unwrap_or(&sockets.other_port)
        }
        Behaviour::Duplicate => copies = 2,
        Behaviour::AbsurdDispersion => p[8..12].copy_from_slice(&0x7fff_0000u32.to_be_bytes()),
    }
    std::thread::sleep(half + slow);
    for _ in 0..copies {
        let _ = from.send_to(&p[..length], peer);
    }
}

/// `t` shifted by `offset_seconds`, as an NTP timestamp (era 0).
pub fn ntp_time(t: SystemTime, offset_seconds: f64) -> u64 {
    const NANOS: i128 = 1_000_000_000;
    let unix = t.duration_since(UNIX_EPOCH).expect("test clock after 1970");
    let nanos =
        unix.as_nanos() as i128 + (offset_seconds * 1e9).round() as i128 + 2_208_988_800 * NANOS;
    let seconds = nanos.div_euclid(NANOS) as u64;
    let fraction = ((nanos.rem_euclid(NANOS) << 32) / NANOS) as u64;
    (seconds << 32) | fraction
}
