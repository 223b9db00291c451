//! Property tests of STUN response decoding: no input panics it, and nothing
//! but an intact response is accepted.

mod common;

use std::net::{IpAddr, SocketAddr};

use common::stun_server::{Mode, crc32, response};
use connector_exporter::probe::stun::message::{Response, decode_response, transaction_id};
use proptest::prelude::*;

/// What the transaction layer would take from `datagram` as the answer to
/// transaction `id` sent to `server`.
fn accepted(datagram: &[u8], id: [u8; 12], server: SocketAddr) -> Option<Response> {
    let got = transaction_id(datagram).ok()?;
    if got.as_bytes() != &id {
        return None;
    }
    decode_response(datagram, server).ok()
}

fn server() -> SocketAddr {
    "192.0.2.1:3478".parse().unwrap()
}

fn any_address() -> impl Strategy<Value = SocketAddr> {
    prop_oneof![
        (any::<[u8; 4]>(), 1..=u16::MAX)
            .prop_map(|(ip, port)| SocketAddr::new(IpAddr::from(ip), port)),
        (any::<[u8; 16]>(), 1..=u16::MAX)
            .prop_map(|(ip, port)| SocketAddr::new(IpAddr::from(ip), port)),
    ]
}

/// Unicast IPv4 addresses with a port: what a mapped address may be.
fn any_ipv4() -> impl Strategy<Value = SocketAddr> {
    (1..224u8, any::<[u8; 3]>(), 1..=u16::MAX).prop_map(|(first, rest, port)| {
        SocketAddr::new(IpAddr::from([first, rest[0], rest[1], rest[2]]), port)
    })
}

/// Attributes of types the decoder knows (and some it does not), with
/// arbitrary lengths and contents: far closer to a real message than noise.
fn attributes() -> impl Strategy<Value = Vec<u8>> {
    let kind = prop_oneof![
        3 => Just(0x0001u16),
        3 => Just(0x0020),
        1 => Just(0x0009),
        1 => Just(0x000a),
        1 => Just(0x8020),
        2 => Just(0x8022),
        1 => Just(0x8028),
        1 => Just(0x802b),
        1 => Just(0x802c),
        1 => any::<u16>(),
    ];
    // Most values are well-formed addresses, so that whole messages decode
    // often enough for the checks after decoding to be exercised.
    let value = prop_oneof![
        1 => prop::collection::vec(any::<u8>(), 0..24),
        3 => (any_address(), any::<u8>()).prop_map(|(a, reserved)| {
            let mut v = common::stun_server::address(a, None);
            v[0] = reserved & 1;
            v
        }),
    ];
    let attribute = (kind, value).prop_map(|(kind, value)| {
        let mut bytes = kind.to_be_bytes().to_vec();
        bytes.extend_from_slice(&(value.len() as u16).to_be_bytes());
        bytes.extend_from_slice(&value);
        bytes.resize(bytes.len().div_ceil(4) * 4, 0);
        bytes
    });
    prop::collection::vec(attribute, 0..4).prop_map(|a| a.concat())
}

fn tlvs(mut body: &[u8]) -> Vec<(u16, Vec<u8>)> {
    let mut out = Vec::new();
    while body.len() >= 4 {
        let kind = u16::from_be_bytes([body[0], body[1]]);
        let len = usize::from(u16::from_be_bytes([body[2], body[3]]));
        let Some(value) = body.get(4..4 + len) else {
            break;
        };
        out.push((kind, value.to_vec()));
        body = body.get(4 + len.div_ceil(4) * 4..).unwrap_or_default();
    }
    out
}

fn read_address(value: &[u8], xor_id: Option<&[u8; 12]>) -> Option<SocketAddr> {
    let mut pad = 0x2112_a442u32.to_be_bytes().to_vec();
    pad.extend_from_slice(xor_id.unwrap_or(&[0; 12]));
    let x = |i: usize, b: u8| if xor_id.is_some() { b ^ pad[i] } else { b };
    let port = u16::from_be_bytes([x(0, *value.get(2)?), x(1, *value.get(3)?)]);
    let ip = match (value.get(1)?, value.len()) {
        (1, 8) => IpAddr::from(<[u8; 4]>::try_from(&value[4..8]).ok()?),
        (2, 20) => IpAddr::from(<[u8; 16]>::try_from(&value[4..20]).ok()?),
        _ => return None,
    };
    let ip = match ip {
        IpAddr::V4(v4) => IpAddr::from(std::array::from_fn::<u8, 4, _>(|i| x(i, v4.octets()[i]))),
        IpAddr::V6(v6) => IpAddr::from(std::array::from_fn::<u8, 16, _>(|i| x(i, v6.octets()[i]))),
    };
    Some(SocketAddr::new(ip, port))
}

fn framed(class: u16, id: [u8; 12], body: &[u8]) -> Vec<u8> {
    let mut m = class.to_be_bytes().to_vec();
    m.extend_from_slice(&(body.len() as u16).to_be_bytes());
    m.extend_from_slice(&0x2112_a442u32.to_be_bytes());
    m.extend_from_slice(&id);
    m.extend_from_slice(body);
    m
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn noise_never_panics_and_is_never_accepted(bytes in prop::collection::vec(any::<u8>(), 0..200), id: [u8; 12]) {
        let _ = decode_response(&bytes, server());
        prop_assert!(accepted(&bytes, id, server()).is_none());
    }

    #[test]
    fn random_attributes_never_panic_or_invent_an_address(
        class in prop_oneof![4 => Just(0x0101u16), 1 => Just(0x0111), 1 => Just(0x0001), 1 => any::<u16>()],
        id: [u8; 12],
        body in attributes(),
    ) {
        let datagram = framed(class, id, &body);
        if let Some(r) = accepted(&datagram, id, server()) {
            prop_assert_eq!(class, 0x0101);
            prop_assert!(r.mapped.is_ipv4());
            // The address is the one the first XOR-MAPPED-ADDRESS (else
            // MAPPED-ADDRESS) carries, read here without the codec.
            let tlvs = tlvs(&body);
            let expected = tlvs
                .iter()
                .find(|(t, _)| *t == 0x0020)
                .and_then(|(_, v)| read_address(v, Some(&id)))
                .or_else(|| tlvs.iter().find(|(t, _)| *t == 0x0001).and_then(|(_, v)| read_address(v, None)));
            prop_assert_eq!(Some(r.mapped), expected);
        }
    }

    #[test]
    fn honest_responses_round_trip(id: [u8; 12], mapped in any_address()) {
        prop_assume!(!mapped.ip().is_unspecified() && !mapped.ip().is_multicast());
        let server = SocketAddr::new(if mapped.is_ipv4() { server().ip() } else { "2001:db8::1".parse().unwrap() }, 3478);
        for mode in [Mode::Honest, Mode::MappedAddressOnly] {
            let datagram = response(mode, id, mapped).unwrap();
            let r = accepted(&datagram, id, server);
            prop_assert_eq!(r.map(|r| r.mapped), Some(mapped), "{:?}", mode);
        }
    }

    /// With FINGERPRINT present, a changed byte is caught wherever it is.
    /// The one exception is the FINGERPRINT type itself: changed, it becomes
    /// an unknown optional attribute and the message one without FINGERPRINT,
    /// which STUN allows; then the address must still be the true one.
    #[test]
    fn any_changed_byte_is_rejected(id: [u8; 12], mapped in any_ipv4(), at: prop::sample::Index, flip in 1..=255u8) {
        let mut datagram = response(Mode::Honest, id, mapped).unwrap();
        let i = at.index(datagram.len());
        datagram[i] ^= flip;
        let fingerprint_type = datagram.len() - 8..datagram.len() - 6;
        match accepted(&datagram, id, server()) {
            None => {}
            Some(r) if fingerprint_type.contains(&i) => prop_assert_eq!(r.mapped, mapped),
            Some(r) => prop_assert!(false, "byte {} changed and {:?} accepted", i, r),
        }
    }

    #[test]
    fn any_truncation_is_rejected(id: [u8; 12], mapped in any_address(), at: prop::sample::Index) {
        let datagram = response(Mode::Honest, id, mapped).unwrap();
        let cut = at.index(datagram.len());
        prop_assert!(accepted(&datagram[..cut], id, server()).is_none());
    }
}

#[test]
fn the_independent_crc_matches_the_rfc5769_vector() {
    // RFC 5769 § 2.2: FINGERPRINT 0xc07d4c96 over the first 76 bytes.
    let head = [
        0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6,
        0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76,
        0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1,
        0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
        0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7,
    ];
    assert_eq!(crc32(&head) ^ 0x5354_554e, 0xc07d_4c96);
}
