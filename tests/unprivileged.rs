//! The binary run as `nobody` (no capabilities, no supplementary groups)
//! completes a full probe round: SNTP and STUN use ephemeral ports, and
//! /proc and the interface list need no privilege.

mod common;

use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::process::CommandExt as _;
use std::process::Command;
use std::time::Duration;

use common::exporter::Exporter;

const NOBODY: u32 = 65534;

/// The probes the round must cover; clock and stun join when their
/// loopback peers are in tests/common (pass their flags to start_as_nobody).
const PROBES: &[&str] = &["host"];

/// The exporter started as `nobody` with `args`. This is the hook for probes
/// whose loopback peers come later: pass their `--clock.server=...` or
/// `--stun.server=...` flags here and the probes run unprivileged too.
fn start_as_nobody(args: &[&str]) -> Option<(Exporter, tempfile::TempDir)> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        eprintln!("skipped: switching to nobody needs root (CI runs as root)");
        return None;
    }
    // The build directory may not be reachable for nobody: run a copy from
    // a directory everyone can enter.
    let dir = tempfile::tempdir().unwrap();
    std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let binary = dir.path().join("connector-exporter");
    std::fs::copy(common::exporter::binary(), &binary).unwrap();
    std::fs::set_permissions(&binary, std::fs::Permissions::from_mode(0o755)).unwrap();
    let mut command = Command::new(&binary);
    // std drops supplementary groups when it changes the user as root.
    command.uid(NOBODY).gid(NOBODY).env_clear().current_dir("/");
    Some((Exporter::start_with(command, args), dir))
}

fn status_ids(pid: u32, key: &str) -> Vec<u32> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .unwrap_or_default()
        .split_whitespace()
        .filter_map(|v| v.parse().ok())
        .collect()
}

#[test]
fn a_full_probe_round_as_nobody() {
    let Some((exporter, _dir)) = start_as_nobody(&["--host.interval=1s"]) else {
        return;
    };
    assert!(
        status_ids(exporter.pid(), "Uid:")
            .iter()
            .all(|id| *id == NOBODY)
    );
    assert!(status_ids(exporter.pid(), "Groups:").is_empty());
    assert_eq!(
        status_ids(exporter.pid(), "CapEff:"),
        [0],
        "no effective capabilities"
    );
    let metrics = exporter.wait_rounds("host", 2, Duration::from_secs(20));
    for probe in PROBES {
        assert_eq!(
            metrics.get("connector_probe_success", &[("probe", probe)]),
            Some(1.0),
            "{probe} probe as nobody\n{}",
            exporter.logs()
        );
    }
    assert!(metrics.has("connector_host_info"));
    assert!(metrics.has("connector_host_boot_time_seconds"));
    assert_eq!(exporter.get("/-/ready").status, 200);
    assert!(exporter.stop().success());
}
