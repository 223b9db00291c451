//! The SNTP reply decoder on byte fixtures (every hostile case) and under
//! property tests: it never panics, and accepts exactly what RFC 5905 /
//! RFC 4330 allow, restated here independently of its code.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use connector_exporter::probe::Reason;
use connector_exporter::probe::clock::packet::{
    self, Kiss, LEN, Rejection, Timestamp, decode, measure,
};
use proptest::prelude::*;

const NONCE: u64 = 0x1234_5678_9abc_def0;
/// 3 900 000 000 s after 1900, in 2023.
const T2: u64 = 3_900_000_000 << 32;

/// A valid reply to NONCE: version 4, stratum 2, 1 ms root delay and
/// dispersion, held for 1 ms by the server.
fn valid() -> [u8; LEN] {
    let mut p = [0u8; LEN];
    p[0] = (4 << 3) | 4;
    p[1] = 2;
    p[3] = (-20i8) as u8;
    p[4..8].copy_from_slice(&66u32.to_be_bytes());
    p[8..12].copy_from_slice(&66u32.to_be_bytes());
    p[12..16].copy_from_slice(b"GPS\0");
    p[16..24].copy_from_slice(&(T2 - (16 << 32)).to_be_bytes());
    p[24..32].copy_from_slice(&NONCE.to_be_bytes());
    p[32..40].copy_from_slice(&T2.to_be_bytes());
    p[40..48].copy_from_slice(&(T2 + (1 << 32) / 1000).to_be_bytes());
    p
}

fn with(edit: impl FnOnce(&mut [u8; LEN])) -> [u8; LEN] {
    let mut p = valid();
    edit(&mut p);
    p
}

fn put(p: &mut [u8; LEN], at: usize, value: u64) {
    p[at..at + 8].copy_from_slice(&value.to_be_bytes());
}

#[test]
fn the_request_carries_only_version_mode_and_the_nonce() {
    let r = packet::request(Timestamp(NONCE));
    assert_eq!(r[0], 0x23, "LI 0, version 4, mode 3");
    assert!(r[1..40].iter().all(|&b| b == 0), "nothing about us leaks");
    assert_eq!(r[40..48], NONCE.to_be_bytes());
}

#[test]
fn a_valid_reply_decodes() {
    let reply = decode(&valid(), Timestamp(NONCE)).expect("valid");
    assert_eq!((reply.leap, reply.version, reply.stratum), (0, 4, 2));
    assert_eq!(reply.precision, -20);
    assert!((reply.root_delay_seconds - 66.0 / 65536.0).abs() < 1e-12);
    assert_eq!(reply.receive, Timestamp(T2));
    // Extension fields or a MAC after the header are no reason to refuse.
    let mut long = valid().to_vec();
    long.extend([0u8; 20]);
    assert!(decode(&long, Timestamp(NONCE)).is_ok());
    // NTPv3 servers answer in the same format.
    assert!(decode(&with(|p| p[0] = (3 << 3) | 4), Timestamp(NONCE)).is_ok());
}

#[test]
fn every_hostile_reply_is_rejected_for_its_own_reason() {
    let cases: Vec<(&str, Vec<u8>, Rejection, Reason)> = vec![
        (
            "empty",
            vec![],
            Rejection::Truncated { length: 0 },
            Reason::Malformed,
        ),
        (
            "truncated",
            valid()[..47].to_vec(),
            Rejection::Truncated { length: 47 },
            Reason::Malformed,
        ),
        (
            "client mode",
            with(|p| p[0] = (4 << 3) | 3).to_vec(),
            Rejection::Mode(3),
            Reason::Malformed,
        ),
        (
            "broadcast mode",
            with(|p| p[0] = (4 << 3) | 5).to_vec(),
            Rejection::Mode(5),
            Reason::Malformed,
        ),
        (
            "version 2",
            with(|p| p[0] = (2 << 3) | 4).to_vec(),
            Rejection::Version(2),
            Reason::Malformed,
        ),
        (
            "version 5",
            with(|p| p[0] = (5 << 3) | 4).to_vec(),
            Rejection::Version(5),
            Reason::Malformed,
        ),
        (
            "wrong origin",
            with(|p| put(p, 24, NONCE ^ 1)).to_vec(),
            Rejection::Origin,
            Reason::Spoofed,
        ),
        (
            "zero origin",
            with(|p| put(p, 24, 0)).to_vec(),
            Rejection::Origin,
            Reason::Spoofed,
        ),
        (
            "KoD RATE",
            with(|p| {
                p[0] |= 3 << 6;
                p[1] = 0;
                p[12..16].copy_from_slice(b"RATE")
            })
            .to_vec(),
            Rejection::KissOfDeath(Kiss(*b"RATE")),
            Reason::KissOfDeath,
        ),
        (
            "KoD DENY",
            with(|p| {
                p[1] = 0;
                p[12..16].copy_from_slice(b"DENY")
            })
            .to_vec(),
            Rejection::KissOfDeath(Kiss(*b"DENY")),
            Reason::KissOfDeath,
        ),
        (
            "LI 3",
            with(|p| p[0] |= 3 << 6).to_vec(),
            Rejection::LeapUnsynchronized,
            Reason::Unsynchronized,
        ),
        (
            "stratum 16",
            with(|p| p[1] = 16).to_vec(),
            Rejection::Stratum(16),
            Reason::Unsynchronized,
        ),
        (
            "stratum 255",
            with(|p| p[1] = 255).to_vec(),
            Rejection::Stratum(255),
            Reason::Unsynchronized,
        ),
        (
            "zero transmit",
            with(|p| put(p, 40, 0)).to_vec(),
            Rejection::ZeroTimestamp,
            Reason::Malformed,
        ),
        (
            "zero receive",
            with(|p| put(p, 32, 0)).to_vec(),
            Rejection::ZeroTimestamp,
            Reason::Malformed,
        ),
        (
            "receive after transmit",
            with(|p| put(p, 32, T2 + (1 << 32))).to_vec(),
            Rejection::ReceiveAfterTransmit {
                seconds: 1.0 - 1.0 / 1000.0,
            },
            Reason::Malformed,
        ),
    ];
    for (name, bytes, want, reason) in cases {
        let got = decode(&bytes, Timestamp(NONCE));
        match (got, want) {
            (
                Err(Rejection::ReceiveAfterTransmit { seconds: g }),
                Rejection::ReceiveAfterTransmit { seconds: w },
            ) => {
                assert!((g - w).abs() < 1e-6, "{name}: {g} vs {w}")
            }
            (got, want) => assert_eq!(got, Err(want), "{name}"),
        }
        assert_eq!(want.reason(), reason, "{name}");
    }
    for (name, field) in [("root delay", 4), ("root dispersion", 8)] {
        let bytes = with(|p| p[field..field + 4].copy_from_slice(&0x0010_0000u32.to_be_bytes()));
        let got = decode(&bytes, Timestamp(NONCE));
        assert!(
            matches!(got, Err(Rejection::RootDistance { .. })),
            "{name}: {got:?}"
        );
        let just_below =
            with(|p| p[field..field + 4].copy_from_slice(&0x000f_ffffu32.to_be_bytes()));
        assert!(decode(&just_below, Timestamp(NONCE)).is_ok(), "{name}");
    }
}

#[test]
fn a_forged_kiss_is_not_believed() {
    // Without our nonce it is just a stray packet, not an order to back off.
    let forged = with(|p| {
        p[1] = 0;
        p[12..16].copy_from_slice(b"DENY");
        put(p, 24, NONCE ^ 0xff);
    });
    let rejection = decode(&forged, Timestamp(NONCE)).expect_err("forged");
    assert_eq!(rejection, Rejection::Origin);
    assert!(!rejection.is_answer());
}

#[test]
fn negative_delay_is_rejected_beyond_the_servers_precision() {
    let reply = decode(&valid(), Timestamp(NONCE)).expect("valid");
    // The server held the request 1 ms; a round trip of 0.5 ms is impossible.
    let t1 = Timestamp(T2);
    let short = t1.after(Duration::from_micros(500));
    assert!(matches!(
        measure(&reply, t1, short),
        Err(Rejection::NegativeDelay { .. })
    ));
    // Within a coarse server's tick it is rounding, and counts as zero.
    let mut coarse = reply.clone();
    coarse.precision = -10; // about 1 ms
    let m = measure(&coarse, t1, short).expect("within precision");
    assert_eq!(m.delay_seconds, 0.0);
}

#[test]
fn timestamps_are_ntp_era_seconds_and_survive_a_clock_before_1970() {
    assert_eq!(
        Timestamp::from_system_time(UNIX_EPOCH),
        Timestamp(2_208_988_800 << 32)
    );
    let before = UNIX_EPOCH - Duration::from_secs(10);
    assert_eq!(
        Timestamp::from_system_time(before),
        Timestamp((2_208_988_800 - 10) << 32)
    );
    // 2036-02-07 06:28:16 UTC starts era 1: the difference still comes out right.
    let era_end = UNIX_EPOCH + Duration::from_secs((1 << 32) - 2_208_988_800);
    let a = Timestamp::from_system_time(era_end - Duration::from_millis(250));
    let b = Timestamp::from_system_time(era_end + Duration::from_millis(750));
    assert!(b.0 < a.0, "wrapped");
    assert!((b.seconds_since(a) - 1.0).abs() < 1e-9);
    let now = SystemTime::now();
    let t = Timestamp::from_system_time(now);
    let later = t.after(Duration::from_nanos(1_500_000_001));
    assert!((later.seconds_since(t) - 1.500_000_001).abs() < 1e-9);
}

/// RFC 5905 § 8 and RFC 4330 § 5, restated without the decoder's code.
fn acceptable(b: &[u8], nonce: u64) -> bool {
    if b.len() < 48 {
        return false;
    }
    let word = |at: usize| u32::from_be_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
    let stamp = |at: usize| (u64::from(word(at)) << 32) | u64::from(word(at + 4));
    let (leap, version, mode) = (b[0] >> 6, (b[0] >> 3) & 7, b[0] & 7);
    mode == 4
        && (version == 3 || version == 4)
        && stamp(24) == nonce
        && (1..=15).contains(&b[1])
        && leap != 3
        && stamp(32) != 0
        && stamp(40) != 0
        && stamp(40).wrapping_sub(stamp(32)) < 1 << 63
        && word(4) < 16 << 16
        && word(8) < 16 << 16
}

fn valid_reply() -> impl Strategy<Value = (Vec<u8>, u64)> {
    (
        0u8..=2,
        3u8..=4,
        1u8..=15,
        any::<[u8; 2]>(),
        0u32..(16 << 16),
        0u32..(16 << 16),
        any::<[u8; 12]>(),
        1u64..,
        1u64..,
        0u64..(1 << 40),
    )
        .prop_map(
            |(
                leap,
                version,
                stratum,
                poll_precision,
                delay,
                dispersion,
                refs,
                nonce,
                receive,
                held,
            )| {
                let mut p = [0u8; LEN];
                p[0] = (leap << 6) | (version << 3) | 4;
                p[1] = stratum;
                p[2..4].copy_from_slice(&poll_precision);
                p[4..8].copy_from_slice(&delay.to_be_bytes());
                p[8..12].copy_from_slice(&dispersion.to_be_bytes());
                p[12..24].copy_from_slice(&refs);
                put(&mut p, 24, nonce);
                put(&mut p, 32, receive);
                put(&mut p, 40, receive.wrapping_add(held).max(1));
                (p.to_vec(), nonce)
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn random_bytes_never_panic_and_are_accepted_only_when_valid(
        bytes in proptest::collection::vec(any::<u8>(), 0..120),
        own_origin in any::<bool>(),
        other in any::<u64>(),
    ) {
        // Half the time the nonce is whatever the origin field holds, so the
        // checks after the origin are reached too.
        let nonce = match bytes.get(24..32) {
            Some(o) if own_origin => u64::from_be_bytes(o.try_into().unwrap()),
            _ => other,
        };
        let decoded = decode(&bytes, Timestamp(nonce));
        prop_assert_eq!(decoded.is_ok(), acceptable(&bytes, nonce));
        if let Err(r) = decoded && r.is_answer() {
            prop_assert_eq!(&bytes[24..32], &nonce.to_be_bytes()[..]);
        }
    }

    #[test]
    fn mutated_valid_replies_are_accepted_exactly_when_still_valid(
        (mut bytes, nonce) in valid_reply(),
        mutations in proptest::collection::vec((0usize..LEN, any::<u8>()), 0..4),
        cut in proptest::option::of(0usize..LEN),
        t1 in any::<u64>(),
        rtt_nanos in 0u64..5_000_000_000,
    ) {
        prop_assert!(decode(&bytes, Timestamp(nonce)).is_ok());
        for (at, value) in mutations {
            bytes[at] = value;
        }
        if let Some(cut) = cut {
            bytes.truncate(cut);
        }
        let decoded = decode(&bytes, Timestamp(nonce));
        prop_assert_eq!(decoded.is_ok(), acceptable(&bytes, nonce));
        if let Ok(reply) = decoded {
            let t1 = Timestamp(t1);
            let t4 = t1.after(Duration::from_nanos(rtt_nanos));
            if let Ok(m) = measure(&reply, t1, t4) {
                prop_assert!(m.offset_seconds.is_finite());
                prop_assert!(m.delay_seconds >= 0.0 && m.delay_seconds.is_finite());
                prop_assert!(m.root_distance_seconds >= m.delay_seconds / 2.0);
            }
        }
    }
}
