//! The exporter's own process metrics (`process_*`), read from /proc/self.

use std::fs;

#[derive(Clone, Debug, Default)]
pub struct ProcessStats {
    pub cpu_seconds: f64,
    pub resident_memory_bytes: u64,
    pub virtual_memory_bytes: u64,
    pub start_time_seconds: f64,
    pub open_fds: u64,
    pub max_fds: Option<u64>,
}

impl ProcessStats {
    /// `None` where /proc is not there (not Linux, or hidden): the series are
    /// then absent rather than zero.
    pub fn read() -> Option<ProcessStats> {
        let stat = parse_stat(&fs::read_to_string("/proc/self/stat").ok()?)?;
        Some(ProcessStats {
            cpu_seconds: stat.cpu_ticks() as f64 / clock_ticks(),
            resident_memory_bytes: stat.rss_pages * page_size(),
            virtual_memory_bytes: stat.vsize,
            start_time_seconds: stat.start_time_seconds()?,
            open_fds: fs::read_dir("/proc/self/fd")
                .map(|d| d.count() as u64)
                .unwrap_or(0),
            max_fds: max_fds(),
        })
    }
}

/// The fields of `/proc/<pid>/stat` the exporter uses (proc(5) numbering).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Stat {
    /// 3: R, S, D, Z (zombie), T, ...
    pub state: char,
    /// 14 + 15, in clock ticks.
    pub utime: u64,
    pub stime: u64,
    /// 22: clock ticks after boot (CLOCK_BOOTTIME), fixed for the process's life.
    pub start_ticks: u64,
    /// 23
    pub vsize: u64,
    /// 24
    pub rss_pages: u64,
}

impl Stat {
    pub fn cpu_ticks(&self) -> u64 {
        self.utime.saturating_add(self.stime)
    }

    /// Unix start time from the start in ticks after boot. The boot moment
    /// is taken as now minus CLOCK_BOOTTIME (the clock the start is counted
    /// on), which is exact to the tick; /proc/stat's `btime` is cut to whole
    /// seconds and is only the fallback.
    pub fn start_time_seconds(&self) -> Option<f64> {
        let since_boot = self.start_ticks as f64 / clock_ticks();
        let boot = match clock_seconds(libc::CLOCK_BOOTTIME) {
            Some(boottime) => crate::sampler::unix_now() - boottime,
            None => crate::probe::host::boot_time(std::path::Path::new("/"))?,
        };
        Some(boot + since_boot)
    }
}

pub(crate) fn parse_stat(stat: &str) -> Option<Stat> {
    // The command name may hold spaces and parentheses: fields start
    // after the last ')'.
    let fields: Vec<&str> = stat.get(stat.rfind(')')? + 2..)?.split(' ').collect();
    let field = |i: usize| fields.get(i - 3).and_then(|v| v.parse::<u64>().ok());
    Some(Stat {
        state: fields.first()?.chars().next()?,
        utime: field(14)?,
        stime: field(15)?,
        start_ticks: field(22)?,
        vsize: field(23)?,
        rss_pages: field(24)?,
    })
}

pub(crate) fn clock_ticks() -> f64 {
    // SAFETY: sysconf only reads a configuration value.
    let ticks = unsafe { libc::sysconf(libc::_SC_CLK_TCK) };
    if ticks > 0 { ticks as f64 } else { 100.0 }
}

pub(crate) fn page_size() -> u64 {
    // SAFETY: sysconf only reads a configuration value.
    let size = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    if size > 0 { size as u64 } else { 4096 }
}

fn max_fds() -> Option<u64> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: getrlimit writes into the struct we own.
    let rc = unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) };
    (rc == 0 && limit.rlim_cur != libc::RLIM_INFINITY).then_some(limit.rlim_cur)
}

/// Seconds on a kernel clock (CLOCK_BOOTTIME, CLOCK_MONOTONIC, ...).
pub(crate) fn clock_seconds(clock: libc::clockid_t) -> Option<f64> {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the struct we own.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    (rc == 0).then(|| ts.tv_sec as f64 + ts.tv_nsec as f64 / 1e9)
}
