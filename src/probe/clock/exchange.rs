//! One request and its reply, on a fresh socket.
//!
//! A fresh socket per request means a late or duplicated reply to an earlier
//! request can never be read as the answer to this one.

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::time::SystemTime;

use tokio::net::UdpSocket;
use tokio::time::Instant;

use super::packet::{self, Measurement, Rejection, Reply, Timestamp};
use crate::probe::{Failure, Reason};

/// A reply that passed every check, and what it measured.
#[derive(Clone, Debug)]
pub struct Answer {
    pub reply: Reply,
    pub measurement: Measurement,
}

/// Why a request gave no usable answer.
#[derive(Clone, Debug)]
pub enum Miss {
    /// The server answered us, and what it said is not to be believed.
    Rejected(Rejection),
    /// No answer: timeout, network error, or only packets we had to drop.
    NoAnswer(Failure),
}

/// Sends one request to `server` and waits for its answer until `give_up`.
pub async fn exchange(server: SocketAddr, give_up: Instant) -> Result<Answer, Miss> {
    let no_answer = |what: &str, e: std::io::Error| {
        Miss::NoAnswer(Failure::from_io(&format!("{server}: {what}"), &e))
    };
    let local: SocketAddr = match server {
        SocketAddr::V4(_) => (Ipv4Addr::UNSPECIFIED, 0).into(),
        SocketAddr::V6(_) => (Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    let socket = UdpSocket::bind(local)
        .await
        .map_err(|e| no_answer("binding a UDP socket", e))?;
    report_icmp_errors(&socket, server);
    let nonce = Timestamp(rand::random::<u64>().max(1));
    let request = packet::request(nonce);
    // T4 is T1 plus a monotonic interval, so a clock step during the
    // exchange cannot pass for network delay.
    let t1 = Timestamp::from_system_time(SystemTime::now());
    let sent = std::time::Instant::now();
    socket
        .send_to(&request, server)
        .await
        .map_err(|e| no_answer("sending", e))?;

    // The socket is not connected, so packets from anywhere arrive here; the
    // last one dropped becomes the reason when no real answer follows.
    let mut dropped: Option<Failure> = None;
    let mut buffer = [0u8; 1024];
    loop {
        let Ok(received) = tokio::time::timeout_at(give_up, socket.recv_from(&mut buffer)).await
        else {
            return Err(Miss::NoAnswer(dropped.unwrap_or_else(|| {
                Failure::new(
                    Reason::Timeout,
                    format!(
                        "{server}: no reply within {:.3} s",
                        sent.elapsed().as_secs_f64()
                    ),
                )
            })));
        };
        let (length, from) = received.map_err(|e| no_answer("waiting for the reply", e))?;
        let t4 = t1.after(sent.elapsed());
        if (from.ip(), from.port()) != (server.ip(), server.port()) {
            dropped = Some(Failure::new(
                Reason::Spoofed,
                format!(
                    "{server}: dropped a reply from {from}, which is not the address asked, and no reply came from the server"
                ),
            ));
            continue;
        }
        let bytes = buffer.get(..length).unwrap_or(&buffer);
        let checked = packet::decode(bytes, nonce)
            .and_then(|reply| Ok((packet::measure(&reply, t1, t4)?, reply)));
        match checked {
            Ok((measurement, reply)) => return Ok(Answer { reply, measurement }),
            Err(rejection) if rejection.is_answer() => return Err(Miss::Rejected(rejection)),
            Err(rejection) => {
                dropped = Some(Failure::new(
                    rejection.reason(),
                    format!("{server}: dropped a reply ({rejection}) and no valid one followed"),
                ));
            }
        }
    }
}

/// Linux reports ICMP errors (port unreachable: nothing listens there) only
/// to connected UDP sockets unless IP_RECVERR is set. We stay unconnected so
/// that a reply from a wrong address is seen and named rather than silently
/// filtered, and ask for the errors explicitly so a closed port is reported
/// as `unreachable` at once instead of as a timeout. Best effort: without it
/// the same case ends as a timeout.
#[cfg(target_os = "linux")]
fn report_icmp_errors(socket: &UdpSocket, server: SocketAddr) {
    use std::os::fd::AsRawFd;
    let (level, name) = match server {
        SocketAddr::V4(_) => (libc::IPPROTO_IP, libc::IP_RECVERR),
        SocketAddr::V6(_) => (libc::IPPROTO_IPV6, libc::IPV6_RECVERR),
    };
    let on: libc::c_int = 1;
    // SAFETY: a valid open socket, and an option value of the size given.
    let rc = unsafe {
        libc::setsockopt(
            socket.as_raw_fd(),
            level,
            name,
            (&on as *const libc::c_int).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc != 0 {
        tracing::debug!(
            "IP_RECVERR not set: {}; a closed port will show as a timeout",
            std::io::Error::last_os_error()
        );
    }
}

#[cfg(not(target_os = "linux"))]
fn report_icmp_errors(_socket: &UdpSocket, _server: SocketAddr) {}
