//! STUN transactions over one UDP socket (RFC 8489 § 6.2.1).
//!
//! Several transactions run at once on the same socket, so that every server
//! sees the same local port and differing mappings mean the NAT maps per
//! destination. Answers are told apart by transaction id.

use std::collections::HashSet;
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::Duration;

use stun_codec::TransactionId;
use tokio::net::UdpSocket;
use tokio::time::Instant;

use super::message::{self, Change, Response};
use crate::probe::{Failure, Reason};

/// RFC 8489's initial retransmission timeout; it doubles after each send.
pub const INITIAL_RTO: Duration = Duration::from_millis(500);
/// RFC 8489's Rc: requests sent before only waiting is left.
const MAX_REQUESTS: u32 = 7;
/// Larger than any sane STUN response; a longer datagram is cut and then
/// fails the length check instead of being read as something else.
const RECEIVE_BUFFER: usize = 2048;

/// One Binding request to make.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub server: SocketAddr,
    /// Where the answer must come from: the server itself, or the address a
    /// CHANGE-REQUEST asks it to answer from.
    pub source: SocketAddr,
    pub change: Option<Change>,
}

impl Request {
    pub fn binding(server: SocketAddr) -> Request {
        Request {
            server,
            source: server,
            change: None,
        }
    }
}

#[derive(Clone, Debug)]
pub struct Answer {
    pub response: Response,
    /// From the last request sent to the response; with retransmissions the
    /// answer usually belongs to the latest request.
    pub rtt: Duration,
}

pub struct Client {
    socket: UdpSocket,
    /// Ids of finished transactions: their late duplicates are expected and
    /// must not be taken for forgeries.
    finished: HashSet<TransactionId>,
}

struct Pending {
    request: Request,
    id: TransactionId,
    bytes: Vec<u8>,
    sent: u32,
    last_sent: Option<Instant>,
    next_send: Instant,
    rto: Duration,
    /// Why the latest datagram meant for this transaction was discarded; the
    /// failure if no valid answer follows.
    discarded: Option<Failure>,
    outcome: Option<Result<Answer, Failure>>,
}

impl Client {
    /// A socket on an ephemeral port of the given family.
    pub async fn bind(ipv4: bool) -> Result<Client, Failure> {
        let any: SocketAddr = if ipv4 {
            (Ipv4Addr::UNSPECIFIED, 0).into()
        } else {
            (Ipv6Addr::UNSPECIFIED, 0).into()
        };
        let socket = UdpSocket::bind(any)
            .await
            .map_err(|e| Failure::from_io("binding a UDP socket", &e))?;
        Ok(Client {
            socket,
            finished: HashSet::new(),
        })
    }

    pub fn local_port(&self) -> u16 {
        self.socket.local_addr().map(|a| a.port()).unwrap_or(0)
    }

    /// Runs `requests` at once until each is answered or `deadline` passes;
    /// results in the order of `requests`.
    pub async fn exchange(
        &mut self,
        requests: &[Request],
        deadline: Instant,
    ) -> Vec<Result<Answer, Failure>> {
        let now = Instant::now();
        let mut pending: Vec<Pending> = requests
            .iter()
            .map(|&request| {
                let id = message::new_transaction_id();
                let (bytes, outcome) = match message::encode_request(id, request.change) {
                    Ok(bytes) => (bytes, None),
                    Err(f) => (Vec::new(), Some(Err(f))),
                };
                Pending {
                    request,
                    id,
                    bytes,
                    sent: 0,
                    last_sent: None,
                    next_send: now,
                    rto: INITIAL_RTO,
                    discarded: None,
                    outcome,
                }
            })
            .collect();
        let mut buf = vec![0; RECEIVE_BUFFER];
        while Instant::now() < deadline {
            self.send_due(&mut pending).await;
            let open = pending.iter().filter(|p| p.outcome.is_none());
            let Some(wake) = open.map(|p| p.next_send).min() else {
                break;
            };
            tokio::select! {
                received = self.socket.recv_from(&mut buf) => match received {
                    Ok((len, from)) => self.receive(&mut pending, &buf[..len], from),
                    // Unconnected sockets rarely see errors; note it and go on.
                    Err(e) => {
                        for p in pending.iter_mut().filter(|p| p.outcome.is_none()) {
                            p.discarded = Some(Failure::from_io("receiving", &e));
                        }
                    }
                },
                _ = tokio::time::sleep_until(wake.min(deadline)) => {}
            }
        }
        pending
            .into_iter()
            .map(|p| {
                self.finished.insert(p.id);
                p.outcome.unwrap_or_else(|| {
                    Err(p.discarded.unwrap_or_else(|| {
                        Failure::new(
                            Reason::Timeout,
                            format!(
                                "{}: no response to {} request(s) in {:.1} s",
                                p.request.server,
                                p.sent,
                                now.elapsed().as_secs_f64()
                            ),
                        )
                    }))
                })
            })
            .collect()
    }

    async fn send_due(&self, pending: &mut [Pending]) {
        let now = Instant::now();
        for p in pending
            .iter_mut()
            .filter(|p| p.outcome.is_none() && p.next_send <= now)
        {
            if p.sent >= MAX_REQUESTS {
                // Only waiting is left; the deadline ends it.
                p.next_send = now + Duration::from_secs(3600);
                continue;
            }
            match self.socket.send_to(&p.bytes, p.request.server).await {
                Ok(_) => {
                    p.sent += 1;
                    p.last_sent = Some(now);
                    p.next_send = now + p.rto;
                    p.rto *= 2;
                }
                Err(e) => {
                    let context = format!("sending to {}", p.request.server);
                    p.outcome = Some(Err(Failure::from_io(&context, &e)));
                }
            }
        }
    }

    fn receive(&mut self, pending: &mut [Pending], datagram: &[u8], from: SocketAddr) {
        let id = match message::transaction_id(datagram) {
            Ok(id) => id,
            Err(problem) => {
                note(
                    pending,
                    from,
                    Reason::Malformed,
                    format!("not STUN: {problem}"),
                );
                return;
            }
        };
        let Some(p) = pending.iter_mut().find(|p| p.id == id) else {
            if !self.finished.contains(&id) {
                note(
                    pending,
                    from,
                    Reason::Spoofed,
                    "response with a transaction id we did not send".to_owned(),
                );
            }
            return;
        };
        if p.outcome.is_some() {
            return; // a duplicate of an answer already taken
        }
        if from != p.request.source {
            p.discarded = Some(Failure::new(
                Reason::Spoofed,
                format!(
                    "{}: response came from {from}, expected {}",
                    p.request.server, p.request.source
                ),
            ));
            return;
        }
        let rtt = p.last_sent.map(|t| t.elapsed()).unwrap_or_default();
        p.outcome = Some(
            message::decode_response(datagram, p.request.server)
                .map(|response| Answer { response, rtt }),
        );
    }
}

/// Keeps why a datagram from `from` was thrown away, for every open
/// transaction that waits for an answer from there.
fn note(pending: &mut [Pending], from: SocketAddr, reason: Reason, problem: String) {
    for p in pending
        .iter_mut()
        .filter(|p| p.outcome.is_none() && p.request.source == from)
    {
        p.discarded = Some(Failure::new(reason, format!("{from}: {problem}")));
    }
}
