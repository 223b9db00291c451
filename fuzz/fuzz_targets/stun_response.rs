//! The STUN response decoder on arbitrary bytes: it must never panic, and a
//! datagram it accepts must be framed as STUN and carry a mapped address.
#![no_main]

use std::net::SocketAddr;

use connector_exporter::probe::stun::message::{decode_response, transaction_id};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let server = SocketAddr::from(([127, 0, 0, 1], 3478));
    let framed = transaction_id(data).is_ok();
    if decode_response(data, server).is_ok() {
        assert!(framed, "accepted a datagram that is not framed as STUN");
    }
});
