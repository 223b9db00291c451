//! Socket activation (`sd_listen_fds`): systemd, or `systemd-socket-activate`,
//! opens the listening sockets and passes them from descriptor 3 on, so the
//! exporter can bind a privileged port without the capability, or start on
//! the first scrape.

use std::os::fd::{FromRawFd as _, RawFd};

const FIRST_FD: RawFd = 3;

#[derive(Debug, thiserror::Error)]
pub enum ActivationError {
    #[error(
        "web.systemd-socket: no sockets were passed (LISTEN_FDS is not set; start through a .socket unit)"
    )]
    NotActivated,
    #[error("web.systemd-socket: LISTEN_PID {0} is another process")]
    OtherProcess(String),
    #[error("web.systemd-socket: bad LISTEN_FDS {0:?}")]
    BadCount(String),
    #[error("web.systemd-socket: descriptor {0} is not a listening TCP socket")]
    NotListening(RawFd),
}

/// The passed sockets, in order, as std listeners (blocking mode is left to
/// the caller).
pub fn listeners() -> Result<Vec<std::net::TcpListener>, ActivationError> {
    let pid = std::env::var("LISTEN_PID").map_err(|_| ActivationError::NotActivated)?;
    if pid.trim().parse::<u32>().ok() != Some(std::process::id()) {
        return Err(ActivationError::OtherProcess(pid));
    }
    let count = std::env::var("LISTEN_FDS").map_err(|_| ActivationError::NotActivated)?;
    let n = count
        .trim()
        .parse::<RawFd>()
        .ok()
        .filter(|n| (1..=64).contains(n))
        .ok_or(ActivationError::BadCount(count))?;
    (FIRST_FD..FIRST_FD + n)
        .map(|fd| {
            if !is_listening_stream(fd) {
                return Err(ActivationError::NotListening(fd));
            }
            // SAFETY: systemd hands these descriptors to this process and
            // nothing else in it owns them; checked above to be listening
            // stream sockets.
            let listener = unsafe { std::net::TcpListener::from_raw_fd(fd) };
            // Passed without close-on-exec; a child must not inherit them.
            // SAFETY: fcntl on a descriptor this process owns.
            unsafe { libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) };
            Ok(listener)
        })
        .collect()
}

fn is_listening_stream(fd: RawFd) -> bool {
    let option = |name| {
        let mut value: libc::c_int = 0;
        let mut len = std::mem::size_of::<libc::c_int>() as libc::socklen_t;
        // SAFETY: value and len point to a c_int and its size, as getsockopt wants.
        let rc = unsafe {
            libc::getsockopt(
                fd,
                libc::SOL_SOCKET,
                name,
                (&raw mut value).cast(),
                &raw mut len,
            )
        };
        (rc == 0).then_some(value)
    };
    let domain_ok = matches!(
        option(libc::SO_DOMAIN),
        Some(libc::AF_INET | libc::AF_INET6)
    );
    domain_ok
        && option(libc::SO_TYPE) == Some(libc::SOCK_STREAM)
        && option(libc::SO_ACCEPTCONN) == Some(1)
}
