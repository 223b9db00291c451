//! A STUN server written by hand (not with the exporter's codec), honest or
//! hostile on purpose, on a loopback socket in its own thread.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

pub const MAGIC_COOKIE: u32 = 0x2112_a442;

/// How the server answers a Binding request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Honest,
    /// Only the old MAPPED-ADDRESS, no XOR-MAPPED-ADDRESS.
    MappedAddressOnly,
    WrongTransactionId,
    WrongCookie,
    /// XOR-MAPPED-ADDRESS whose length says more than the bytes that follow.
    TruncatedAttribute,
    /// An IPv6 mapped address for a request that came over IPv4.
    WrongFamily,
    ErrorResponse,
    NoMappedAddress,
    BadFingerprint,
    /// A comprehension-required attribute nobody defined.
    UnknownRequiredAttribute,
    /// A correct answer, but sent from another socket.
    OtherSource,
    /// Ignores the first n requests; retransmission must get through.
    DropFirst(usize),
    /// Every answer twice.
    Duplicate,
    /// Never answers.
    Silent,
}

pub struct StunServer {
    pub addr: SocketAddr,
    requests: Arc<AtomicUsize>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl StunServer {
    /// Starts on `ip` with an ephemeral port.
    pub fn start(ip: &str, mode: Mode) -> StunServer {
        let ip: IpAddr = ip.parse().expect("server ip");
        let socket = UdpSocket::bind((ip, 0)).expect("bind test STUN server");
        socket
            .set_read_timeout(Some(Duration::from_millis(50)))
            .expect("read timeout");
        let other = UdpSocket::bind((ip, 0)).expect("bind second socket");
        let addr = socket.local_addr().expect("local addr");
        let requests = Arc::new(AtomicUsize::new(0));
        let stop = Arc::new(AtomicBool::new(false));
        let (count, halt) = (Arc::clone(&requests), Arc::clone(&stop));
        let thread = std::thread::spawn(move || {
            let mut buf = [0u8; 1500];
            while !halt.load(Ordering::Relaxed) {
                let Ok((len, from)) = socket.recv_from(&mut buf) else {
                    continue;
                };
                let Some(id) = parse_request(&buf[..len]) else {
                    continue;
                };
                let n = count.fetch_add(1, Ordering::Relaxed) + 1;
                if let Mode::DropFirst(k) = mode
                    && n <= k
                {
                    continue;
                }
                let Some(reply) = response(mode, id, from) else {
                    continue;
                };
                let sender = if mode == Mode::OtherSource {
                    &other
                } else {
                    &socket
                };
                let _ = sender.send_to(&reply, from);
                if mode == Mode::Duplicate {
                    let _ = sender.send_to(&reply, from);
                }
            }
        });
        StunServer {
            addr,
            requests,
            stop,
            thread: Some(thread),
        }
    }

    /// Binding requests received (each retransmission counts).
    pub fn requests(&self) -> usize {
        self.requests.load(Ordering::Relaxed)
    }
}

impl Drop for StunServer {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The transaction id of a Binding request, if that is what arrived. A
/// FINGERPRINT, when present, must be right: this checks the client's CRC
/// with an implementation of its own.
pub fn parse_request(datagram: &[u8]) -> Option<[u8; 12]> {
    if datagram.len() < 20 || datagram[..2] != [0x00, 0x01] {
        return None;
    }
    if u32::from_be_bytes(datagram[4..8].try_into().ok()?) != MAGIC_COOKIE {
        return None;
    }
    let length = usize::from(u16::from_be_bytes([datagram[2], datagram[3]]));
    if 20 + length != datagram.len() {
        return None;
    }
    let mut at = 20;
    while at + 4 <= datagram.len() {
        let kind = u16::from_be_bytes([datagram[at], datagram[at + 1]]);
        let len = usize::from(u16::from_be_bytes([datagram[at + 2], datagram[at + 3]]));
        if kind == 0x8028 {
            let sent = u32::from_be_bytes(datagram.get(at + 4..at + 8)?.try_into().ok()?);
            if sent != crc32(&datagram[..at]) ^ 0x5354_554e {
                return None;
            }
        }
        at += 4 + len.div_ceil(4) * 4;
    }
    datagram[8..20].try_into().ok()
}

/// The reply to a request with transaction id `id` from `client`, as `mode` wants it.
pub fn response(mode: Mode, id: [u8; 12], client: SocketAddr) -> Option<Vec<u8>> {
    let mut id = id;
    let mut class = 0x0101u16;
    let mut attributes: Vec<(u16, Vec<u8>)> = Vec::new();
    let mut cookie = MAGIC_COOKIE;
    let mut fingerprint_flip = 0;
    let mut declared_len = None;
    match mode {
        Mode::Silent => return None,
        Mode::MappedAddressOnly => attributes.push((0x0001, address(client, None))),
        Mode::NoMappedAddress => attributes.push((0x8022, b"test".to_vec())),
        Mode::ErrorResponse => {
            class = 0x0111;
            let mut value = vec![0, 0, 4, 0];
            value.extend_from_slice(b"Bad Request");
            attributes.push((0x0009, value));
        }
        Mode::WrongFamily => {
            let v6 = SocketAddr::new("2001:db8::1".parse().ok()?, client.port());
            attributes.push((0x0020, address(v6, Some(&id))));
        }
        Mode::TruncatedAttribute => declared_len = Some(8),
        _ => attributes.push((0x0020, address(client, Some(&id)))),
    }
    match mode {
        Mode::WrongTransactionId => id[0] ^= 0xff,
        Mode::WrongCookie => cookie ^= 1,
        Mode::BadFingerprint => fingerprint_flip = 1,
        Mode::UnknownRequiredAttribute => attributes.push((0x7ffe, vec![1, 2, 3, 4])),
        _ => {}
    }
    let mut body = Vec::new();
    for (kind, value) in &attributes {
        body.extend_from_slice(&kind.to_be_bytes());
        body.extend_from_slice(&(value.len() as u16).to_be_bytes());
        body.extend_from_slice(value);
        body.resize(body.len().div_ceil(4) * 4, 0);
    }
    if let Some(claimed) = declared_len {
        // XOR-MAPPED-ADDRESS claiming 8 bytes with only 4 present.
        body.extend_from_slice(&0x0020u16.to_be_bytes());
        body.extend_from_slice(&(claimed as u16).to_be_bytes());
        body.extend_from_slice(&[0, 1, 0, 0]);
    }
    let mut message = Vec::new();
    message.extend_from_slice(&class.to_be_bytes());
    message.extend_from_slice(&((body.len() + 8) as u16).to_be_bytes());
    message.extend_from_slice(&cookie.to_be_bytes());
    message.extend_from_slice(&id);
    message.extend_from_slice(&body);
    let crc = crc32(&message) ^ 0x5354_554e ^ fingerprint_flip;
    message.extend_from_slice(&[0x80, 0x28, 0x00, 0x04]);
    message.extend_from_slice(&crc.to_be_bytes());
    Some(message)
}

/// MAPPED-ADDRESS value, XORed as for XOR-MAPPED-ADDRESS when `xor_id` is given.
pub fn address(addr: SocketAddr, xor_id: Option<&[u8; 12]>) -> Vec<u8> {
    let cookie = MAGIC_COOKIE.to_be_bytes();
    let mut pad = cookie.to_vec();
    if let Some(id) = xor_id {
        pad.extend_from_slice(id);
    }
    let xor = |i: usize, b: u8| if xor_id.is_some() { b ^ pad[i] } else { b };
    let port = addr.port().to_be_bytes();
    let (family, ip) = match addr.ip() {
        IpAddr::V4(ip) => (1u8, ip.octets().to_vec()),
        IpAddr::V6(ip) => (2u8, ip.octets().to_vec()),
    };
    let mut value = vec![0, family, xor(0, port[0]), xor(1, port[1])];
    value.extend(ip.iter().enumerate().map(|(i, b)| xor(i, *b)));
    value
}

/// CRC-32 (ISO-HDLC), bit by bit: slow, short and independent of any crate.
pub fn crc32(data: &[u8]) -> u32 {
    let mut crc = 0xffff_ffffu32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ 0xedb8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// A raw Binding request (no attributes), for readiness checks of peers.
pub fn binding_request(id: [u8; 12]) -> Vec<u8> {
    let mut m = vec![0x00, 0x01, 0x00, 0x00];
    m.extend_from_slice(&MAGIC_COOKIE.to_be_bytes());
    m.extend_from_slice(&id);
    m
}

/// Whether a STUN server answers a Binding request at `server` within `wait`.
pub fn answers(server: SocketAddr, wait: Duration) -> bool {
    let local: SocketAddr = if server.is_ipv4() {
        "0.0.0.0:0".parse().unwrap()
    } else {
        "[::]:0".parse().unwrap()
    };
    let Ok(socket) = UdpSocket::bind(local) else {
        return false;
    };
    let _ = socket.set_read_timeout(Some(Duration::from_millis(100)));
    let deadline = std::time::Instant::now() + wait;
    let mut buf = [0u8; 1500];
    while std::time::Instant::now() < deadline {
        let _ = socket.send_to(&binding_request([7; 12]), server);
        if let Ok((len, _)) = socket.recv_from(&mut buf)
            && len >= 20
            && buf[8..20] == [7; 12]
        {
            return true;
        }
    }
    false
}
