//! NAT behaviour (RFC 4787 terms) from what the RFC 5780 tests observed.
//!
//! Kept free of I/O so every combination of answers can be checked directly.

use std::net::SocketAddr;

use super::NatBehaviour;
use super::transaction::Answer;
use crate::probe::{Failure, Reason};

/// Mapping behaviour from `(destination, mapped address)` pairs that were all
/// sent from one local socket: the RFC 5780 tests I–III and any other server
/// that answered in the same round.
///
/// A mapping that changes with the destination port alone is
/// address-and-port-dependent; one that changes only with the destination IP
/// is address-dependent; one that stays the same across destination IPs is
/// endpoint-independent. Same-IP destinations alone cannot tell
/// endpoint-independent from address-dependent, so that is `unknown`.
pub fn classify_mapping(observations: &[(SocketAddr, SocketAddr)]) -> NatBehaviour {
    let (mut ip_varies, mut ip_same, mut port_varies) = (false, false, false);
    for (i, (dest_a, mapped_a)) in observations.iter().enumerate() {
        for (dest_b, mapped_b) in &observations[i + 1..] {
            let same_mapping = mapped_a == mapped_b;
            if dest_a.ip() != dest_b.ip() {
                ip_varies |= !same_mapping;
                ip_same |= same_mapping;
            } else if dest_a.port() != dest_b.port() {
                port_varies |= !same_mapping;
            }
        }
    }
    if port_varies {
        NatBehaviour::AddressAndPortDependent
    } else if ip_varies {
        NatBehaviour::AddressDependent
    } else if ip_same {
        NatBehaviour::EndpointIndependent
    } else {
        NatBehaviour::Unknown
    }
}

/// Filtering behaviour from RFC 5780 tests II (CHANGE-REQUEST IP and port)
/// and III (port only), made after test I opened a mapping to the server.
///
/// Only silence counts as "filtered": a server that answers from the wrong
/// address (it ignored CHANGE-REQUEST) or with an error tells nothing about
/// the NAT, so that is `unknown`.
pub fn classify_filtering(
    change_ip_and_port: &Result<Answer, Failure>,
    change_port: &Result<Answer, Failure>,
) -> NatBehaviour {
    let heard = |r: &Result<Answer, Failure>| match r {
        Ok(_) => Some(true),
        Err(f) if f.reason == Reason::Timeout => Some(false),
        Err(_) => None,
    };
    match (heard(change_ip_and_port), heard(change_port)) {
        (Some(true), _) => NatBehaviour::EndpointIndependent,
        (Some(false), Some(true)) => NatBehaviour::AddressDependent,
        (Some(false), Some(false)) => NatBehaviour::AddressAndPortDependent,
        _ => NatBehaviour::Unknown,
    }
}

/// Peers can reach us at the address STUN saw only when the NAT gives every
/// destination the same mapping (or there is no NAT). `None` while the
/// mapping is unknown (one server without OTHER-ADDRESS, or no answer at
/// all): a verdict guessed from that would be a false alarm on every host.
pub fn p2p_possible(stun_works: bool, mapping: NatBehaviour) -> Option<bool> {
    match mapping {
        NatBehaviour::Unknown => None,
        NatBehaviour::EndpointIndependent | NatBehaviour::None => Some(stun_works),
        NatBehaviour::AddressDependent | NatBehaviour::AddressAndPortDependent => Some(false),
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::super::message::Response;
    use super::*;

    fn a(text: &str) -> SocketAddr {
        text.parse().unwrap()
    }

    #[test]
    fn rfc5780_mapping_tests() {
        use NatBehaviour::*;
        let (s, alt_ip, alt_both) = (a("1.1.1.1:3478"), a("2.2.2.2:3478"), a("2.2.2.2:3479"));
        let m = |p: u16| SocketAddr::new("9.9.9.9".parse().unwrap(), p);
        let cases = [
            (vec![(s, m(1)), (alt_ip, m(1))], EndpointIndependent),
            (
                vec![(s, m(1)), (alt_ip, m(2)), (alt_both, m(2))],
                AddressDependent,
            ),
            (
                vec![(s, m(1)), (alt_ip, m(2)), (alt_both, m(3))],
                AddressAndPortDependent,
            ),
            // Test III missing: it varies with the address, the port is untold.
            (vec![(s, m(1)), (alt_ip, m(2))], AddressDependent),
            // Only one server, or servers on one IP that agree: undecided.
            (vec![(s, m(1))], Unknown),
            (vec![(s, m(1)), (a("1.1.1.1:9"), m(1))], Unknown),
            (vec![], Unknown),
        ];
        for (observations, expected) in cases {
            assert_eq!(
                classify_mapping(&observations),
                expected,
                "{observations:?}"
            );
        }
    }

    #[test]
    fn rfc5780_filtering_tests() {
        let ok = || -> Result<Answer, Failure> {
            Ok(Answer {
                response: Response {
                    mapped: a("9.9.9.9:1"),
                    other_address: None,
                    response_origin: None,
                },
                rtt: Duration::from_millis(1),
            })
        };
        let silent = || Err(Failure::new(Reason::Timeout, "no answer"));
        let wrong_source = || Err(Failure::new(Reason::Spoofed, "from elsewhere"));
        use NatBehaviour::{
            AddressAndPortDependent, AddressDependent, EndpointIndependent, Unknown,
        };
        assert_eq!(classify_filtering(&ok(), &silent()), EndpointIndependent);
        assert_eq!(classify_filtering(&silent(), &ok()), AddressDependent);
        assert_eq!(
            classify_filtering(&silent(), &silent()),
            AddressAndPortDependent
        );
        assert_eq!(classify_filtering(&wrong_source(), &silent()), Unknown);
        assert_eq!(classify_filtering(&silent(), &wrong_source()), Unknown);
    }

    #[test]
    fn p2p_needs_stun_and_a_stable_mapping() {
        assert_eq!(p2p_possible(true, NatBehaviour::None), Some(true));
        assert_eq!(
            p2p_possible(true, NatBehaviour::EndpointIndependent),
            Some(true)
        );
        assert_eq!(
            p2p_possible(true, NatBehaviour::AddressDependent),
            Some(false)
        );
        assert_eq!(
            p2p_possible(true, NatBehaviour::AddressAndPortDependent),
            Some(false)
        );
        assert_eq!(p2p_possible(true, NatBehaviour::Unknown), None);
        assert_eq!(p2p_possible(false, NatBehaviour::Unknown), None);
        assert_eq!(
            p2p_possible(false, NatBehaviour::EndpointIndependent),
            Some(false)
        );
    }
}
