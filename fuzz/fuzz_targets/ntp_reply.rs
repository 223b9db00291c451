//! The SNTP reply decoder on arbitrary bytes: it must never panic, and what
//! it accepts must give finite numbers. The first 8 bytes are the nonce, so
//! the fuzzer can reach the checks behind the origin match.
#![no_main]

use connector_exporter::probe::clock::packet::{Timestamp, decode, measure};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Some((nonce, reply)) = data.split_first_chunk::<8>() else {
        return;
    };
    let nonce = Timestamp(u64::from_be_bytes(*nonce));
    if let Ok(r) = decode(reply, nonce) {
        assert_eq!(r.origin, nonce);
        let t1 = r.receive;
        if let Ok(m) = measure(&r, t1, r.transmit) {
            assert!(m.offset_seconds.is_finite() && m.delay_seconds >= 0.0);
        }
    }
});
