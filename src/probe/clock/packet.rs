//! The SNTP wire format (RFC 5905 § 7.3, RFC 4330 § 4) and every check a
//! reply must pass before its timestamps are believed.
//!
//! Pure functions on bytes and numbers, so that the fuzz target and the
//! property tests exercise exactly the code the probe runs.

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::probe::Reason;

/// Length of the fixed header; extension fields and a MAC may follow.
pub const LEN: usize = 48;
/// RFC 5905's MAXDISP. A server whose own error bound (root delay or root
/// dispersion) reaches this knows nothing useful about the time.
pub const MAX_ROOT_SECONDS: f64 = 16.0;
/// The most a negative delay may be excused by the server's stated precision:
/// a server with a coarse clock can stamp T3 − T2 a tick longer than it was,
/// which on a LAN makes the delay slightly negative without anything wrong.
pub const MAX_DELAY_SLACK_SECONDS: f64 = 0.001;

const MODE_CLIENT: u8 = 3;
const MODE_SERVER: u8 = 4;
const VERSION: u8 = 4;
const LEAP_UNSYNCHRONIZED: u8 = 3;
const STRATUM_UNSYNCHRONIZED: u8 = 16;
/// Seconds from 1900 (NTP era 0) to 1970 (the Unix epoch).
const UNIX_TO_NTP_SECONDS: u64 = 2_208_988_800;
const FRACTION: f64 = 4_294_967_296.0;

/// An NTP timestamp: seconds since 1900 in the high 32 bits, the fraction
/// of a second in the low 32. It wraps every 136 years (an era), so only
/// differences between timestamps are meaningful.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Timestamp(pub u64);

impl Timestamp {
    pub fn from_system_time(t: SystemTime) -> Timestamp {
        let epoch = (UNIX_TO_NTP_SECONDS << 32) as i128;
        let signed = match t.duration_since(UNIX_EPOCH) {
            Ok(d) => epoch + fixed_point(d),
            // A clock set before 1970 is exactly what this probe exists to
            // catch, so it must not be an error (or a panic) here.
            Err(before) => epoch - fixed_point(before.duration()),
        };
        // Keeping the low 64 bits is the era wrap-around.
        Timestamp(signed as u64)
    }

    pub fn after(self, d: Duration) -> Timestamp {
        Timestamp(self.0.wrapping_add(fixed_point(d) as u64))
    }

    /// `self − earlier` in seconds. Correct across an era boundary as long as
    /// the two are less than 68 years apart (RFC 5905 § 6).
    pub fn seconds_since(self, earlier: Timestamp) -> f64 {
        (self.0.wrapping_sub(earlier.0) as i64) as f64 / FRACTION
    }
}

fn fixed_point(d: Duration) -> i128 {
    let fraction = (u64::from(d.subsec_nanos()) << 32) / 1_000_000_000;
    (i128::from(d.as_secs()) << 32) + i128::from(fraction)
}

/// The request: version 4, client mode, and every other field zero except
/// the transmit timestamp, which carries `nonce` instead of our clock. The
/// server copies it into the reply's origin field, so a random nonce makes
/// off-path spoofing a 64-bit guess and tells the server nothing about our
/// clock (the NTP data-minimisation practice). The real send time stays with
/// us as T1.
pub fn request(nonce: Timestamp) -> [u8; LEN] {
    let mut packet = [0u8; LEN];
    packet[0] = (VERSION << 3) | MODE_CLIENT;
    packet[40..48].copy_from_slice(&nonce.0.to_be_bytes());
    packet
}

/// A reply that passed every check in [`decode`].
#[derive(Clone, Debug, PartialEq)]
pub struct Reply {
    pub leap: u8,
    pub version: u8,
    pub stratum: u8,
    pub poll: i8,
    /// log2 seconds.
    pub precision: i8,
    pub root_delay_seconds: f64,
    pub root_dispersion_seconds: f64,
    pub reference_id: [u8; 4],
    pub reference: Timestamp,
    pub origin: Timestamp,
    /// T2: when the server received the request, by its clock.
    pub receive: Timestamp,
    /// T3: when the server sent the reply, by its clock.
    pub transmit: Timestamp,
}

/// A kiss-o'-death code: the reference id of a stratum-0 reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Kiss(pub [u8; 4]);

impl Kiss {
    /// RATE asks for fewer requests, DENY and RSTR for none (RFC 5905 § 7.4).
    /// Other codes carry no instruction for a client.
    pub fn asks_to_back_off(self) -> bool {
        matches!(&self.0, b"RATE" | b"DENY" | b"RSTR")
    }

    pub fn denies(self) -> bool {
        matches!(&self.0, b"DENY" | b"RSTR")
    }
}

impl fmt::Display for Kiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.iter().all(|b| b.is_ascii_graphic()) {
            self.0
                .iter()
                .try_for_each(|&b| write!(f, "{}", char::from(b)))
        } else {
            write!(f, "0x{:08x}", u32::from_be_bytes(self.0))
        }
    }
}

/// Why a reply was not believed.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Rejection {
    Truncated {
        length: usize,
    },
    Mode(u8),
    Version(u8),
    /// The origin timestamp is not the nonce we sent: not a reply to us.
    Origin,
    KissOfDeath(Kiss),
    LeapUnsynchronized,
    Stratum(u8),
    ZeroTimestamp,
    ReceiveAfterTransmit {
        seconds: f64,
    },
    RootDistance {
        delay: f64,
        dispersion: f64,
    },
    NegativeDelay {
        seconds: f64,
    },
}

impl Rejection {
    pub fn reason(self) -> Reason {
        match self {
            Rejection::Origin => Reason::Spoofed,
            Rejection::KissOfDeath(_) => Reason::KissOfDeath,
            Rejection::LeapUnsynchronized
            | Rejection::Stratum(_)
            | Rejection::RootDistance { .. } => Reason::Unsynchronized,
            Rejection::Truncated { .. }
            | Rejection::Mode(_)
            | Rejection::Version(_)
            | Rejection::ZeroTimestamp
            | Rejection::ReceiveAfterTransmit { .. }
            | Rejection::NegativeDelay { .. } => Reason::Malformed,
        }
    }

    /// Whether the packet is known to come from the server in answer to our
    /// request (the origin matched). Only then does it end the request; any
    /// other packet could be injected by anyone, so it is dropped and we keep
    /// listening for the real reply.
    pub fn is_answer(self) -> bool {
        !matches!(
            self,
            Rejection::Truncated { .. }
                | Rejection::Mode(_)
                | Rejection::Version(_)
                | Rejection::Origin
        )
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Truncated { length } => {
                write!(f, "reply of {length} bytes, shorter than {LEN}")
            }
            Rejection::Mode(m) => write!(f, "reply in mode {m}, not {MODE_SERVER} (server)"),
            Rejection::Version(v) => write!(f, "reply with NTP version {v}"),
            Rejection::Origin => write!(f, "origin timestamp is not the one we sent"),
            Rejection::KissOfDeath(k) => write!(f, "kiss-o'-death {k}"),
            Rejection::LeapUnsynchronized => {
                write!(f, "leap indicator 3: the server is not synchronised")
            }
            Rejection::Stratum(s) => write!(f, "stratum {s}: the server is not synchronised"),
            Rejection::ZeroTimestamp => write!(f, "zero receive or transmit timestamp"),
            Rejection::ReceiveAfterTransmit { seconds } => {
                write!(f, "server received {seconds:.6} s after it transmitted")
            }
            Rejection::RootDistance { delay, dispersion } => write!(
                f,
                "root delay {delay:.3} s / root dispersion {dispersion:.3} s not below {MAX_ROOT_SECONDS} s"
            ),
            Rejection::NegativeDelay { seconds } => {
                write!(f, "negative round-trip delay {seconds:.6} s")
            }
        }
    }
}

/// Parses and checks a reply to the request that carried `nonce`.
///
/// The order matters: nothing from the packet is believed before the origin
/// matched, so a forged kiss-o'-death cannot make us back off a server.
pub fn decode(bytes: &[u8], nonce: Timestamp) -> Result<Reply, Rejection> {
    let p: &[u8; LEN] = bytes
        .get(..LEN)
        .and_then(|head| head.try_into().ok())
        .ok_or(Rejection::Truncated {
            length: bytes.len(),
        })?;
    let mode = p[0] & 0b111;
    let version = (p[0] >> 3) & 0b111;
    let leap = p[0] >> 6;
    if mode != MODE_SERVER {
        return Err(Rejection::Mode(mode));
    }
    // Versions 3 and 4 share this header; nothing alive speaks an older one.
    if !(3..=VERSION).contains(&version) {
        return Err(Rejection::Version(version));
    }
    let timestamp = |at: usize| {
        let mut word = [0u8; 8];
        word.copy_from_slice(&p[at..at + 8]);
        Timestamp(u64::from_be_bytes(word))
    };
    let short = |at: usize| {
        f64::from(u32::from_be_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]])) / 65536.0
    };
    let origin = timestamp(24);
    if origin != nonce {
        return Err(Rejection::Origin);
    }
    let stratum = p[1];
    let reference_id = [p[12], p[13], p[14], p[15]];
    if stratum == 0 {
        return Err(Rejection::KissOfDeath(Kiss(reference_id)));
    }
    if leap == LEAP_UNSYNCHRONIZED {
        return Err(Rejection::LeapUnsynchronized);
    }
    if stratum >= STRATUM_UNSYNCHRONIZED {
        return Err(Rejection::Stratum(stratum));
    }
    let receive = timestamp(32);
    let transmit = timestamp(40);
    if receive.0 == 0 || transmit.0 == 0 {
        return Err(Rejection::ZeroTimestamp);
    }
    let held = transmit.seconds_since(receive);
    if held < 0.0 {
        return Err(Rejection::ReceiveAfterTransmit { seconds: -held });
    }
    let (delay, dispersion) = (short(4), short(8));
    if delay >= MAX_ROOT_SECONDS || dispersion >= MAX_ROOT_SECONDS {
        return Err(Rejection::RootDistance { delay, dispersion });
    }
    Ok(Reply {
        leap,
        version,
        stratum,
        poll: i8::from_be_bytes([p[2]]),
        precision: i8::from_be_bytes([p[3]]),
        root_delay_seconds: delay,
        root_dispersion_seconds: dispersion,
        reference_id,
        reference: timestamp(16),
        origin,
        receive,
        transmit,
    })
}

/// What one exchange says about the two clocks.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Measurement {
    /// θ = server − local, RFC 5905's sign (the opposite of what we export).
    pub offset_seconds: f64,
    /// δ, never negative.
    pub delay_seconds: f64,
    pub root_distance_seconds: f64,
}

/// RFC 5905 § 8 on-wire arithmetic, with T1 the local send time and T4 the
/// local receive time:
///   θ = ((T2 − T1) + (T3 − T4)) / 2    δ = (T4 − T1) − (T3 − T2)
pub fn measure(reply: &Reply, t1: Timestamp, t4: Timestamp) -> Result<Measurement, Rejection> {
    let offset = (reply.receive.seconds_since(t1) + reply.transmit.seconds_since(t4)) / 2.0;
    let delay = t4.seconds_since(t1) - reply.transmit.seconds_since(reply.receive);
    let slack = 2f64
        .powi(i32::from(reply.precision))
        .min(MAX_DELAY_SLACK_SECONDS);
    if delay < -slack {
        return Err(Rejection::NegativeDelay { seconds: delay });
    }
    let delay = delay.max(0.0);
    Ok(Measurement {
        offset_seconds: offset,
        delay_seconds: delay,
        root_distance_seconds: reply.root_delay_seconds / 2.0
            + reply.root_dispersion_seconds
            + delay / 2.0,
    })
}
