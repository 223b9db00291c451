//! The Binding request we send and the checks a datagram must pass before it
//! counts as the answer to it.
//!
//! Everything here is pure, so the hostile cases and the property tests run
//! on bytes without a socket.

use std::net::SocketAddr;

use bytecodec::{DecodeExt, EncodeExt};
use stun_codec::Attribute as _;
use stun_codec::rfc5389::methods::BINDING;
use stun_codec::{Message, MessageClass, MessageDecoder, MessageEncoder, TransactionId};

use crate::probe::{Failure, Reason};

use attributes::{
    Attribute, ChangeRequest, ErrorCode, Fingerprint, MappedAddress, OtherAddress, ResponseOrigin,
    XorMappedAddress,
};

pub const MAGIC_COOKIE: u32 = 0x2112_a442;
pub const HEADER_LEN: usize = 20;
const FINGERPRINT: u16 = 0x8028;
const FINGERPRINT_XOR: u32 = 0x5354_554e;
const CRC32: crc::Crc<u32> = crc::Crc::<u32>::new(&crc::CRC_32_ISO_HDLC);

/// The attributes we understand. Anything else below 0x8000 in a response is
/// comprehension-required and unknown to us, which RFC 8489 says makes the
/// response unusable.
mod attributes {
    #![allow(missing_docs, clippy::large_enum_variant)]
    pub use stun_codec::rfc5389::attributes::{
        AlternateServer, ErrorCode, Fingerprint, MappedAddress, MessageIntegrity, Software,
        UnknownAttributes, XorMappedAddress, XorMappedAddress2,
    };
    pub use stun_codec::rfc5780::attributes::{
        ChangeRequest, OtherAddress, ResponseOrigin, ResponsePort,
    };

    stun_codec::define_attribute_enums!(
        Attribute,
        AttributeDecoder,
        AttributeEncoder,
        [
            MappedAddress,
            XorMappedAddress,
            XorMappedAddress2,
            ErrorCode,
            UnknownAttributes,
            Software,
            AlternateServer,
            MessageIntegrity,
            Fingerprint,
            ChangeRequest,
            ResponseOrigin,
            ResponsePort,
            OtherAddress
        ]
    );
}

/// What RFC 5780 asks the server to change about where it answers from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Change {
    pub ip: bool,
    pub port: bool,
}

/// A validated Binding success response.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Response {
    /// XOR-MAPPED-ADDRESS, or MAPPED-ADDRESS from servers that only send that.
    pub mapped: SocketAddr,
    /// RFC 5780 OTHER-ADDRESS: where the server can answer from instead.
    pub other_address: Option<SocketAddr>,
    pub response_origin: Option<SocketAddr>,
}

/// A fresh random 96-bit transaction id. Random so that nobody off the path
/// can forge an answer.
pub fn new_transaction_id() -> TransactionId {
    TransactionId::new(rand::random())
}

/// A Binding request, with CHANGE-REQUEST when asked, and FINGERPRINT so that
/// servers which echo it (coturn does) put one in the response.
pub fn encode_request(id: TransactionId, change: Option<Change>) -> Result<Vec<u8>, Failure> {
    let broken = |e: bytecodec::Error| Failure::new(Reason::Io, format!("encoding request: {e}"));
    let mut message = Message::<Attribute>::new(MessageClass::Request, BINDING, id);
    if let Some(c) = change {
        message.add_attribute(ChangeRequest::new(c.ip, c.port));
    }
    message.add_attribute(Fingerprint::new(&message).map_err(broken)?);
    MessageEncoder::new()
        .encode_into_bytes(message)
        .map_err(broken)
}

/// The transaction id of a datagram that is framed like an RFC 8489 message:
/// two zero bits, the magic cookie, and a length that matches what arrived.
/// Anything else is not STUN (or not modern STUN) and is discarded.
pub fn transaction_id(datagram: &[u8]) -> Result<TransactionId, String> {
    let Some(header) = datagram.get(..HEADER_LEN) else {
        return Err(format!(
            "{} bytes, shorter than a STUN header",
            datagram.len()
        ));
    };
    if header[0] & 0xc0 != 0 {
        return Err("first two bits are not zero".to_owned());
    }
    let length = usize::from(u16::from_be_bytes([header[2], header[3]]));
    if length % 4 != 0 || HEADER_LEN + length != datagram.len() {
        return Err(format!(
            "length field {length} does not match {} bytes received",
            datagram.len()
        ));
    }
    let cookie = u32::from_be_bytes([header[4], header[5], header[6], header[7]]);
    if cookie != MAGIC_COOKIE {
        return Err(format!(
            "magic cookie {cookie:#010x}, expected {MAGIC_COOKIE:#010x}"
        ));
    }
    let mut id = [0; 12];
    id.copy_from_slice(&header[8..HEADER_LEN]);
    Ok(TransactionId::new(id))
}

/// Decodes the answer to our request to `server` (whose transaction id and
/// source the caller has already matched). Error responses, broken or unknown
/// comprehension-required attributes, a bad FINGERPRINT and a missing or
/// nonsensical mapped address all make it a failure.
pub fn decode_response(datagram: &[u8], server: SocketAddr) -> Result<Response, Failure> {
    let malformed = |m: String| Failure::new(Reason::Malformed, format!("{server}: {m}"));
    check_fingerprint(datagram).map_err(malformed)?;
    let message = match MessageDecoder::<Attribute>::new().decode_from_bytes(datagram) {
        Ok(Ok(message)) => message,
        // trackable errors carry a multi-line history; the first line names the problem.
        Ok(Err(broken)) => {
            return Err(malformed(format!(
                "undecodable attribute: {}",
                first_line(&broken.error().to_string())
            )));
        }
        Err(e) => {
            return Err(malformed(format!(
                "undecodable: {}",
                first_line(&e.to_string())
            )));
        }
    };
    if message.method() != BINDING {
        return Err(malformed(format!(
            "method {:#05x} is not Binding",
            message.method().as_u16()
        )));
    }
    match message.class() {
        MessageClass::SuccessResponse => {}
        MessageClass::ErrorResponse => {
            let detail = message
                .get_attribute::<ErrorCode>()
                .map(|e| format!("{} {}", e.code(), e.reason_phrase().escape_debug()))
                .unwrap_or_else(|| "without ERROR-CODE".to_owned());
            return Err(Failure::new(
                Reason::ErrorResponse,
                format!("{server}: error response {detail}"),
            ));
        }
        other => return Err(malformed(format!("a {other}, not a response"))),
    }
    if let Some(unknown) = message
        .unknown_attributes()
        .find(|a| a.get_type().is_comprehension_required())
    {
        return Err(malformed(format!(
            "unknown comprehension-required attribute {:#06x}",
            unknown.get_type().as_u16()
        )));
    }
    let mapped = message
        .get_attribute::<XorMappedAddress>()
        .map(XorMappedAddress::address)
        .or_else(|| {
            message
                .get_attribute::<MappedAddress>()
                .map(MappedAddress::address)
        })
        .ok_or_else(|| malformed("no XOR-MAPPED-ADDRESS or MAPPED-ADDRESS".to_owned()))?;
    if mapped.is_ipv4() != server.is_ipv4() {
        return Err(malformed(format!(
            "mapped address {mapped} is of the other address family"
        )));
    }
    if mapped.ip().is_unspecified() || mapped.ip().is_multicast() || mapped.port() == 0 {
        return Err(malformed(format!("mapped address {mapped} is not usable")));
    }
    // An alternate address of the wrong family or equal to the server's own
    // cannot drive the RFC 5780 tests; it is dropped, not held against the
    // binding itself.
    let other_address = message
        .get_attribute::<OtherAddress>()
        .map(OtherAddress::address)
        .filter(|o| {
            o.is_ipv4() == server.is_ipv4()
                && o.ip() != server.ip()
                && o.port() != server.port()
                && o.port() != 0
                && !o.ip().is_unspecified()
        });
    Ok(Response {
        mapped,
        other_address,
        response_origin: message
            .get_attribute::<ResponseOrigin>()
            .map(ResponseOrigin::address),
    })
}

/// FINGERPRINT over the bytes as they arrived. stun_codec checks it against
/// a re-encoding of what it decoded, which misses changes to bytes it drops
/// on decoding (the reserved byte of an address, for one).
fn check_fingerprint(datagram: &[u8]) -> Result<(), String> {
    let mut at = HEADER_LEN;
    while let Some(head) = datagram.get(at..at + 4) {
        let kind = u16::from_be_bytes([head[0], head[1]]);
        let len = usize::from(u16::from_be_bytes([head[2], head[3]]));
        let next = at + 4 + len.div_ceil(4) * 4;
        if kind == FINGERPRINT {
            let value = datagram.get(at + 4..at + 8).filter(|_| len == 4);
            let Some(value) = value.filter(|_| next == datagram.len()) else {
                return Err("FINGERPRINT is not a last attribute of 4 bytes".to_owned());
            };
            let sent = u32::from_be_bytes([value[0], value[1], value[2], value[3]]);
            let computed = CRC32.checksum(&datagram[..at]) ^ FINGERPRINT_XOR;
            if sent != computed {
                return Err(format!(
                    "FINGERPRINT {sent:#010x} does not match the message ({computed:#010x})"
                ));
            }
        }
        at = next;
    }
    Ok(())
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or(text).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 5769 2.2: the IPv4 sample response (with MESSAGE-INTEGRITY and FINGERPRINT).
    const RFC5769_IPV4_RESPONSE: [u8; 80] = [
        0x01, 0x01, 0x00, 0x3c, 0x21, 0x12, 0xa4, 0x42, 0xb7, 0xe7, 0xa7, 0x01, 0xbc, 0x34, 0xd6,
        0x86, 0xfa, 0x87, 0xdf, 0xae, 0x80, 0x22, 0x00, 0x0b, 0x74, 0x65, 0x73, 0x74, 0x20, 0x76,
        0x65, 0x63, 0x74, 0x6f, 0x72, 0x20, 0x00, 0x20, 0x00, 0x08, 0x00, 0x01, 0xa1, 0x47, 0xe1,
        0x12, 0xa6, 0x43, 0x00, 0x08, 0x00, 0x14, 0x2b, 0x91, 0xf5, 0x99, 0xfd, 0x9e, 0x90, 0xc3,
        0x8c, 0x74, 0x89, 0xf9, 0x2a, 0xf9, 0xba, 0x53, 0xf0, 0x6b, 0xe7, 0xd7, 0x80, 0x28, 0x00,
        0x04, 0xc0, 0x7d, 0x4c, 0x96,
    ];

    fn server() -> SocketAddr {
        "192.0.2.1:3478".parse().unwrap()
    }

    #[test]
    fn rfc5769_sample_response_is_accepted() {
        let id = transaction_id(&RFC5769_IPV4_RESPONSE).unwrap();
        assert_eq!(id.as_bytes()[0], 0xb7);
        let response = decode_response(&RFC5769_IPV4_RESPONSE, server()).unwrap();
        assert_eq!(response.mapped, "192.0.2.1:32853".parse().unwrap());
    }

    #[test]
    fn a_changed_byte_breaks_the_fingerprint() {
        let mut bytes = RFC5769_IPV4_RESPONSE;
        bytes[30] ^= 1; // inside SOFTWARE, covered by FINGERPRINT
        let failure = decode_response(&bytes, server()).unwrap_err();
        assert_eq!(failure.reason, Reason::Malformed);
        assert!(failure.message.contains("FINGERPRINT"), "{failure}");
        // The reserved byte of XOR-MAPPED-ADDRESS: the decoder drops it, the
        // FINGERPRINT still covers it.
        let mut reserved = RFC5769_IPV4_RESPONSE;
        reserved[40] = 0xff;
        assert!(decode_response(&reserved, server()).is_err());
    }

    #[test]
    fn framing_is_checked_before_anything_else() {
        assert!(transaction_id(&RFC5769_IPV4_RESPONSE[..79]).is_err());
        let mut cookie = RFC5769_IPV4_RESPONSE;
        cookie[4] = 0;
        assert!(transaction_id(&cookie).unwrap_err().contains("cookie"));
        let mut top = RFC5769_IPV4_RESPONSE;
        top[0] |= 0x80;
        assert!(transaction_id(&top).is_err());
    }

    #[test]
    fn requests_carry_change_request_and_fingerprint() {
        let id = new_transaction_id();
        let change = Change {
            ip: true,
            port: false,
        };
        let bytes = encode_request(id, Some(change)).unwrap();
        assert_eq!(transaction_id(&bytes).unwrap(), id);
        assert_eq!(&bytes[..2], [0x00, 0x01], "Binding request");
        // RFC 5780 § 7.2: change IP is 0x04, change port 0x02. Checked on the
        // bytes because stun_codec 0.4's CHANGE-REQUEST decoder reads 0x02 and
        // 0x01 (its encoder is right).
        assert_eq!(&bytes[20..28], [0x00, 0x03, 0x00, 0x04, 0, 0, 0, 0x04]);
        assert_eq!(&bytes[28..32], [0x80, 0x28, 0x00, 0x04], "FINGERPRINT last");
        assert_eq!(bytes.len(), 36);
    }
}
