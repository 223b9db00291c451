//! The kernel's own view of its clock, read with `adjtimex` in read-only mode.
//!
//! A time daemon (chronyd, ntpd, systemd-timesyncd) that disciplines the
//! clock clears STA_UNSYNC and keeps the maximum error small; an offset near
//! the tolerance together with `synchronized 0` points at the daemon, not at
//! the network.

use super::KernelClock;

#[cfg(target_os = "linux")]
pub fn read() -> Option<KernelClock> {
    // SAFETY: timex is plain integers, so all-zero is a valid value, and
    // modes = 0 makes adjtimex only read (no privilege needed, nothing set).
    let mut timex: libc::timex = unsafe { std::mem::zeroed() };
    timex.modes = 0;
    // SAFETY: a valid, exclusively borrowed timex for the call's duration.
    let state = unsafe { libc::adjtimex(&mut timex) };
    if state < 0 {
        tracing::debug!(
            "adjtimex: {}; kernel clock metrics left out",
            std::io::Error::last_os_error()
        );
        return None;
    }
    Some(KernelClock {
        synchronized: state != libc::TIME_ERROR && timex.status & libc::STA_UNSYNC == 0,
        // The kernel counts in microseconds.
        max_error_seconds: timex.maxerror as f64 / 1e6,
    })
}

#[cfg(not(target_os = "linux"))]
pub fn read() -> Option<KernelClock> {
    None
}
