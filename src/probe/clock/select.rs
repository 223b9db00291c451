//! From the answers of one server to a sample, and from the servers to the
//! selected offset.

use std::net::SocketAddr;

use super::exchange::{Answer, Miss};
use super::packet::Rejection;
use super::{ClockSample, ClockServer, Protocol, SampleDetail, ServerMiss};
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
            // The root distance already holds half the delay.
            uncertainty_seconds: m.root_distance_seconds,
            detail: SampleDetail::Ntp {
                stratum: best.reply.stratum,
                root_distance_seconds: m.root_distance_seconds,
            },
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

/// The selected offset and where it came from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Selected {
    pub offset_seconds: f64,
    pub uncertainty_seconds: f64,
    pub protocol: Protocol,
}

/// The median over the NTP servers that answered; over the HTTPS servers
/// only when no NTP server did (NTP blocked, only TCP 443 open). Its error
/// bar is that of the median server (the mean of the two middle ones' for
/// an even count): the median is one honest server's value when most are
/// honest, and nothing bounds a falseticker's anyway.
pub fn select(servers: &[ClockServer]) -> Option<Selected> {
    [Protocol::Ntp, Protocol::Https]
        .into_iter()
        .find_map(|protocol| {
            let mut answers: Vec<(f64, f64)> = servers
                .iter()
                .filter(|s| s.protocol == protocol)
                .filter_map(|s| s.outcome.as_ref().ok())
                .map(|sample| (sample.offset_seconds, sample.uncertainty_seconds))
                .collect();
            answers.sort_by(|a, b| a.0.total_cmp(&b.0));
            let n = answers.len();
            let (offset, uncertainty) = match n {
                0 => return None,
                _ if n % 2 == 1 => answers[n / 2],
                _ => {
                    let (a, b) = (answers[n / 2 - 1], answers[n / 2]);
                    ((a.0 + b.0) / 2.0, (a.1 + b.1) / 2.0)
                }
            };
            Some(Selected {
                offset_seconds: offset,
                uncertainty_seconds: uncertainty,
                protocol,
            })
        })
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

#[cfg(test)]
mod tests {
    use std::time::{Duration, SystemTime};

    use super::*;
    use crate::probe::clock::packet::{self, Kiss, Reply, Timestamp};

    fn reply(receive: Timestamp, transmit: Timestamp) -> Reply {
        Reply {
            leap: 0,
            version: 4,
            stratum: 2,
            poll: 0,
            precision: -20,
            root_delay_seconds: 0.0,
            root_dispersion_seconds: 0.0,
            reference_id: [0; 4],
            reference: receive,
            origin: Timestamp(1),
            receive,
            transmit,
        }
    }

    /// An answer from a server `ahead` seconds ahead of us, `delay` seconds
    /// round trip split evenly, sent at local time `t1`.
    fn answer(t1: Timestamp, ahead: f64, delay: f64) -> Result<Answer, Miss> {
        let shift =
            |t: Timestamp, s: f64| Timestamp(t.0.wrapping_add((s * 4294967296.0) as i64 as u64));
        let receive = shift(t1, ahead + delay / 2.0);
        let t4 = t1.after(Duration::from_secs_f64(delay));
        let reply = reply(receive, receive);
        let measurement = packet::measure(&reply, t1, t4).expect("valid");
        Ok(Answer { reply, measurement })
    }

    fn address() -> SocketAddr {
        SocketAddr::from(([192, 0, 2, 1], 123))
    }

    #[test]
    fn a_server_three_seconds_ahead_gives_minus_three() {
        // RFC 5905's θ is server − local = +3; the controller, and so this
        // exporter, says local − server: this host is 3 s behind, −3.
        let t1 = Timestamp::from_system_time(SystemTime::now());
        let Ok(theta) = answer(t1, 3.0, 0.02).map(|a| a.measurement.offset_seconds) else {
            panic!("no answer");
        };
        assert!((theta - 3.0).abs() < 1e-6);
        let sample = best_sample(address(), vec![answer(t1, 3.0, 0.02)])
            .ok()
            .expect("sample");
        assert!((sample.offset_seconds + 3.0).abs() < 1e-6);
        assert!((sample.rtt_seconds - 0.02).abs() < 1e-6);
    }

    #[test]
    fn the_lowest_delay_answer_is_kept() {
        let t1 = Timestamp::from_system_time(SystemTime::now());
        let answers = vec![
            answer(t1, 1.25, 0.30),
            answer(t1, 1.00, 0.01),
            Err(Miss::NoAnswer(Failure::new(Reason::Timeout, "lost"))),
            answer(t1, 0.75, 0.20),
        ];
        let sample = best_sample(address(), answers).ok().expect("sample");
        assert!((sample.offset_seconds + 1.0).abs() < 1e-6);
    }

    #[test]
    fn one_rejected_reply_takes_the_server_out_of_the_round() {
        let t1 = Timestamp::from_system_time(SystemTime::now());
        let answers = vec![
            answer(t1, 1.0, 0.01),
            Err(Miss::Rejected(Rejection::KissOfDeath(Kiss(*b"RATE")))),
        ];
        let Err(miss) = best_sample(address(), answers) else {
            panic!("a server that kissed us gave a sample");
        };
        assert_eq!(miss.failure.reason, Reason::KissOfDeath);
        assert_eq!(miss.kiss, Some(Kiss(*b"RATE")));
    }

    #[test]
    fn dropped_packets_are_a_better_reason_than_silence() {
        let answers = vec![
            Err(Miss::NoAnswer(Failure::new(Reason::Timeout, "silent"))),
            Err(Miss::NoAnswer(Failure::new(
                Reason::Spoofed,
                "wrong origin",
            ))),
        ];
        let Err(miss) = best_sample(address(), answers) else {
            panic!("sample from nothing");
        };
        assert_eq!(miss.failure.reason, Reason::Spoofed);
        let Err(miss) = best_sample(address(), Vec::new()) else {
            panic!("sample from nothing");
        };
        assert_eq!(miss.failure.reason, Reason::Timeout);
    }

    #[test]
    fn median_resists_one_falseticker_among_three() {
        assert_eq!(median(vec![]), None);
        assert_eq!(median(vec![-0.5]), Some(-0.5));
        assert_eq!(median(vec![-0.5, -20.5, -0.4]), Some(-0.5));
        assert_eq!(median(vec![1.0, 3.0]), Some(2.0));
        assert_eq!(median(vec![4.0, 1.0, 3.0, 100.0]), Some(3.5));
    }
}
