//! The connector process, found in /proc by its executable or command line.
//!
//! /proc is read directly rather than through sysinfo: one process is
//! wanted, and a steady connector then costs three small file reads a round
//! (the process found last time is checked first), not a walk over every
//! process on the host. A connector in a Docker container or in a pod with a
//! shared process namespace is seen the same way: same kernel, same /proc.

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, PoisonError};

use crate::probe::{Failure, Reason};
use crate::process::{clock_ticks, page_size, parse_stat};

/// The connector process as seen this round.
#[derive(Clone, Debug, PartialEq)]
pub struct Found {
    pub pid: u32,
    /// Clock ticks after boot; with the PID, names one process for a boot.
    pub start_ticks: u64,
    pub start_time_seconds: f64,
    pub resident_memory_bytes: u64,
    pub cpu_seconds: f64,
}

/// How the configured `--connector.process` is compared.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Matcher {
    /// A value with a slash: the exact executable path (or argv[0]).
    Path(PathBuf),
    /// A bare name: the last component of the executable path or argv[0].
    /// `comm` is not used: the kernel cuts it at 15 characters, and
    /// "twingate-connector" has 18.
    Name(String),
}

impl Matcher {
    fn new(configured: &str) -> Matcher {
        if configured.contains('/') {
            Matcher::Path(PathBuf::from(configured))
        } else {
            Matcher::Name(configured.to_owned())
        }
    }

    fn matches(&self, candidate: &Path) -> bool {
        match self {
            Matcher::Path(path) => candidate == path,
            Matcher::Name(name) => candidate.file_name().is_some_and(|n| n == name.as_str()),
        }
    }
}

pub struct ProcessSource {
    configured: String,
    matcher: Matcher,
    proc_root: PathBuf,
    /// Our own PID, never a candidate whatever our command line says.
    own_pid: u32,
    last: Mutex<Option<Found>>,
}

impl ProcessSource {
    pub fn new(configured: &str) -> ProcessSource {
        ProcessSource {
            configured: configured.to_owned(),
            matcher: Matcher::new(configured),
            proc_root: PathBuf::from("/proc"),
            own_pid: std::process::id(),
            last: Mutex::new(None),
        }
    }

    /// Reads a /proc laid out below `root` instead (tests).
    pub fn with_proc_root(mut self, root: impl Into<PathBuf>) -> ProcessSource {
        self.proc_root = root.into();
        self
    }

    pub fn configured(&self) -> &str {
        &self.configured
    }

    /// Whether there is a /proc to look in at all.
    pub fn available(&self) -> bool {
        self.proc_root.join("self").exists() || self.proc_root.join("1").exists()
    }

    /// The oldest matching live process, `None` when there is none.
    pub fn read(&self) -> Result<Option<Found>, Failure> {
        let mut last = self.last.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(previous) = last.as_ref()
            && let Some(found) = self.inspect(previous.pid, Some(previous))
            && found.start_ticks == previous.start_ticks
        {
            *last = Some(found.clone());
            return Ok(Some(found));
        }
        let entries = fs::read_dir(&self.proc_root).map_err(|e| {
            Failure::new(
                Reason::Io,
                format!("listing {}: {e}", self.proc_root.display()),
            )
        })?;
        let best = entries
            .filter_map(Result::ok)
            .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
            .filter(|&pid| pid != self.own_pid)
            .filter_map(|pid| self.inspect(pid, None))
            // The oldest is the main process when the connector has children.
            .min_by_key(|f| (f.start_ticks, f.pid));
        *last = best.clone();
        Ok(best)
    }

    /// The process `pid` if it is a live connector; `known` carries the start
    /// time computed when it was first seen, so the value stays the same for
    /// the process's life instead of wobbling with clock adjustments.
    fn inspect(&self, pid: u32, known: Option<&Found>) -> Option<Found> {
        let dir = self.proc_root.join(pid.to_string());
        if !self.is_connector(&dir) {
            return None;
        }
        let stat = parse_stat(&fs::read_to_string(dir.join("stat")).ok()?)?;
        // A killed process its parent has not reaped yet is not running.
        if matches!(stat.state, 'Z' | 'X' | 'x') {
            return None;
        }
        let start_time_seconds = match known {
            Some(k) if k.pid == pid && k.start_ticks == stat.start_ticks => k.start_time_seconds,
            _ => stat.start_time_seconds()?,
        };
        Some(Found {
            pid,
            start_ticks: stat.start_ticks,
            start_time_seconds,
            resident_memory_bytes: stat.rss_pages.saturating_mul(page_size()),
            cpu_seconds: stat.cpu_ticks() as f64 / clock_ticks(),
        })
    }

    fn is_connector(&self, dir: &Path) -> bool {
        // argv[0] first: world-readable, where `exe` needs the right to
        // ptrace the process (another user's connector, without root).
        let argv0 = fs::read(dir.join("cmdline")).ok().and_then(|raw| {
            let first = raw.split(|b| *b == 0).next()?;
            (!first.is_empty()).then(|| String::from_utf8_lossy(first).into_owned())
        });
        if argv0.is_some_and(|a| self.matcher.matches(Path::new(&a))) {
            return true;
        }
        // The kernel marks a replaced or removed executable; it is still
        // the connector that runs (say, during a package upgrade).
        fs::read_link(dir.join("exe")).is_ok_and(|exe| {
            let text = exe.to_string_lossy();
            let exe = text.strip_suffix(" (deleted)").unwrap_or(&text);
            self.matcher.matches(Path::new(exe))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fake /proc entry: argv, an exe symlink target, and a stat line.
    fn fake(root: &Path, pid: u32, argv: &[&str], exe: Option<&str>, state: char, start: u64) {
        let dir = root.join(pid.to_string());
        fs::create_dir_all(&dir).unwrap();
        let mut cmdline = argv.join("\0");
        if !argv.is_empty() {
            cmdline.push('\0');
        }
        fs::write(dir.join("cmdline"), cmdline).unwrap();
        if let Some(target) = exe {
            std::os::unix::fs::symlink(target, dir.join("exe")).unwrap();
        }
        // pid (comm) state ppid ... utime(14) stime(15) ... starttime(22) vsize rss
        let mut fields = vec!["0".to_owned(); 22];
        fields[0] = state.to_string();
        fields[11] = "150".into(); // utime
        fields[12] = "50".into(); // stime
        fields[19] = start.to_string(); // starttime
        fields[20] = "1000000".into(); // vsize
        fields[21] = "256".into(); // rss pages
        let stat = format!("{pid} (twingate-connec) {}", fields.join(" "));
        fs::write(dir.join("stat"), stat).unwrap();
    }

    fn root() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        fs::create_dir_all(dir.path().join("self")).unwrap();
        dir
    }

    #[test]
    fn found_by_name_through_exe_or_argv0_but_not_by_arguments() {
        let dir = root();
        let r = dir.path();
        // Our own exporter names the connector in its arguments only.
        fake(
            r,
            10,
            &[
                "/usr/bin/connector-exporter",
                "--connector.process=twingate-connector",
            ],
            None,
            'S',
            5,
        );
        // The kernel's 15-character comm would not match; argv[0] does.
        fake(
            r,
            20,
            &["/usr/bin/twingate-connector", "--flag"],
            None,
            'S',
            900,
        );
        // argv[0] rewritten, exe still tells.
        fake(
            r,
            30,
            &["connector: main"],
            Some("/usr/bin/twingate-connector (deleted)"),
            'S',
            800,
        );
        fake(r, 40, &[], None, 'S', 1); // a kernel thread
        let source = ProcessSource::new("twingate-connector").with_proc_root(r);
        let found = source.read().unwrap().unwrap();
        assert_eq!(found.pid, 30, "the oldest match wins");
        assert_eq!(found.start_ticks, 800);
        assert_eq!(found.resident_memory_bytes, 256 * page_size());
        assert!((found.cpu_seconds - 200.0 / clock_ticks()).abs() < 1e-9);
    }

    #[test]
    fn a_path_must_match_exactly() {
        let dir = root();
        let r = dir.path();
        fake(r, 20, &["/opt/other/twingate-connector"], None, 'S', 1);
        let source = ProcessSource::new("/usr/bin/twingate-connector").with_proc_root(r);
        assert_eq!(source.read().unwrap(), None);
        fake(
            r,
            21,
            &["twingate-connector"],
            Some("/usr/bin/twingate-connector"),
            'S',
            2,
        );
        assert_eq!(source.read().unwrap().map(|f| f.pid), Some(21));
    }

    #[test]
    fn zombies_and_our_own_process_do_not_count() {
        let dir = root();
        let r = dir.path();
        fake(r, 20, &["twingate-connector"], None, 'Z', 1);
        fake(r, std::process::id(), &["twingate-connector"], None, 'S', 1);
        let source = ProcessSource::new("twingate-connector").with_proc_root(r);
        assert_eq!(source.read().unwrap(), None);
    }

    #[test]
    fn the_start_time_stays_fixed_and_a_new_process_is_noticed() {
        let dir = root();
        let r = dir.path();
        fake(r, 20, &["twingate-connector"], None, 'S', 100);
        let source = ProcessSource::new("twingate-connector").with_proc_root(r);
        let first = source.read().unwrap().unwrap();
        let again = source.read().unwrap().unwrap();
        assert_eq!(
            first.start_time_seconds.to_bits(),
            again.start_time_seconds.to_bits()
        );
        // Same PID reused by a later process: a different start.
        fs::remove_dir_all(r.join("20")).unwrap();
        fake(r, 20, &["twingate-connector"], None, 'S', 700);
        let next = source.read().unwrap().unwrap();
        assert_eq!(next.start_ticks, 700);
        let step = next.start_time_seconds - first.start_time_seconds;
        assert!((step - 600.0 / clock_ticks()).abs() < 0.05, "{step}");
    }

    #[test]
    fn the_real_proc_finds_a_real_process() {
        let dir = tempfile::tempdir().unwrap();
        let exe = dir.path().join("twingate-connector");
        fs::copy("/bin/sleep", &exe).unwrap();
        let before = crate::sampler::unix_now();
        let mut child = std::process::Command::new(&exe).arg("30").spawn().unwrap();
        // Right after exec the new image has touched no page yet: give it
        // a moment so its resident memory is more than zero.
        std::thread::sleep(std::time::Duration::from_millis(200));
        let source = ProcessSource::new(exe.to_str().unwrap());
        let found = source.read().unwrap().unwrap();
        let _ = child.kill();
        let _ = child.wait();
        assert_eq!(found.pid, child.id());
        assert!(
            (found.start_time_seconds - before).abs() < 0.5,
            "start {} vs spawn {before}",
            found.start_time_seconds
        );
        assert!(found.resident_memory_bytes > 0);
        assert_eq!(source.read().unwrap(), None);
    }
}
