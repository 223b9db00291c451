//! From the answers of one server to a sample, and from the servers to the
//! selected offset.

use std::net::SocketAddr;

use super::exchange::{Answer, Miss};
use super::packet::Rejection;
use super::{ClockSample, ServerMiss};
use crate::probe::{Failure, Reason};

/// The lowest-delay valid answer, or the most telling reason there is none.
///
/// A server that answered with a reply we reject is not used this round even
/// if its other replies looked fine: it said itself that it is not to be
/// trusted (or it lies), and the offset must never come from such a server.
pub(super) fn best_sample(
    address: SocketAddr,
    results: Vec<Result<Answer, Miss>>,
) -> Result<ClockSample, ServerMiss> {
    let rejection = results.iter().find_map(|r| match r {
        Err(Miss::Rejected(rejection)) => Some(*rejection),
        _ => None,
    });
    if let Some(rejection) = rejection {
        return Err(ServerMiss {
            failure: Failure::new(rejection.reason(), format!("{address}: {rejection}")),
            kiss: match rejection {
                Rejection::KissOfDeath(kiss) => Some(kiss),
                _ => None,
            },
        });
    }
    let best = results
        .iter()
        .filter_map(|r| r.as_ref().ok())
        .min_by(|a, b| {
            a.measurement
                .delay_seconds
                .total_cmp(&b.measurement.delay_seconds)
        });
    if let Some(best) = best {
        let m = &best.measurement;
        return Ok(ClockSample {
            address,
            // θ is server − local; we export local − server.
            offset_seconds: -m.offset_seconds,
            rtt_seconds: m.delay_seconds,
            stratum: best.reply.stratum,
            root_distance_seconds: m.root_distance_seconds,
        });
    }
    // Packets we dropped say more than silence, a refusal more than a timeout.
    let rank = |reason: Reason| match reason {
        Reason::Spoofed | Reason::Malformed => 0,
        Reason::Unreachable => 1,
        Reason::Io => 2,
        _ => 3,
    };
    let failure = results
        .into_iter()
        .filter_map(|r| match r {
            Err(Miss::NoAnswer(failure)) => Some(failure),
            _ => None,
        })
        .min_by_key(|f| rank(f.reason))
        .unwrap_or_else(|| {
            Failure::new(
                Reason::Timeout,
                format!("{address}: no request fitted in the round's time"),
            )
        });
    Err(failure.into())
}

/// With three or more servers, one falseticker cannot move the median past
/// an honest value; with two it is their mean.
pub fn median(mut offsets: Vec<f64>) -> Option<f64> {
    offsets.sort_by(f64::total_cmp);
    let n = offsets.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(offsets[n / 2]),
        _ => Some((offsets[n / 2 - 1] + offsets[n / 2]) / 2.0),
    }
}
