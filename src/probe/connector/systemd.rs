//! The connector's systemd unit, read with `systemctl show`.
//!
//! Only where systemd runs (`/run/systemd/system` exists, as sd_booted(3)
//! checks) and only when the unit is installed: a container has no systemd,
//! and a Docker-run connector on a systemd host has no unit. Both say nothing
//! about the connector, so the source is then unavailable, never "down".

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use crate::probe::{Failure, Reason};

const PROPERTIES: &str =
    "--property=LoadState,ActiveState,SubState,MainPID,ExecMainStartTimestampMonotonic,NRestarts";

/// What `systemctl show` says about the unit.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UnitState {
    pub load_state: String,
    pub active_state: String,
    pub sub_state: String,
    /// `None` when there is no main process (MainPID=0).
    pub main_pid: Option<u32>,
    /// CLOCK_MONOTONIC microseconds of the main process's start; `None` when
    /// it never started.
    pub start_monotonic_us: Option<u64>,
    /// Automatic restarts systemd made (systemd 235 and later).
    pub restarts: Option<u64>,
}

/// The unit's word on the connector.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnitVerdict {
    /// Not installed (or not loadable): no evidence either way.
    Unavailable(String),
    Up,
    Down(String),
}

impl UnitState {
    pub fn verdict(&self) -> UnitVerdict {
        if self.load_state != "loaded" {
            return UnitVerdict::Unavailable(format!("unit LoadState={}", self.load_state));
        }
        match self.active_state.as_str() {
            // A reload keeps the main process running.
            "active" | "reloading" => UnitVerdict::Up,
            // activating/auto-restart is systemd waiting to start it again.
            _ => UnitVerdict::Down(format!(
                "unit ActiveState={} SubState={}",
                self.active_state, self.sub_state
            )),
        }
    }
}

/// Parses `KEY=VALUE` lines; properties this systemd does not know are
/// simply missing from its output.
pub fn parse_show(text: &str) -> Result<UnitState, Failure> {
    let mut state = UnitState::default();
    let bad = |line: &str| Failure::new(Reason::Malformed, format!("systemctl show: {line:?}"));
    for line in text.lines().filter(|l| !l.trim().is_empty()) {
        let (key, value) = line.split_once('=').ok_or_else(|| bad(line))?;
        let number = || value.trim().parse::<u64>().map_err(|_| bad(line));
        match key {
            "LoadState" => state.load_state = value.to_owned(),
            "ActiveState" => state.active_state = value.to_owned(),
            "SubState" => state.sub_state = value.to_owned(),
            "MainPID" => {
                state.main_pid = u32::try_from(number()?).ok().filter(|p| *p != 0);
            }
            "ExecMainStartTimestampMonotonic" => {
                state.start_monotonic_us = Some(number()?).filter(|t| *t != 0);
            }
            "NRestarts" => state.restarts = Some(number()?),
            _ => {}
        }
    }
    if state.load_state.is_empty() || state.active_state.is_empty() {
        return Err(Failure::new(
            Reason::Malformed,
            "systemctl show gave no LoadState or ActiveState",
        ));
    }
    Ok(state)
}

pub struct SystemdSource {
    unit: String,
    /// Exists when systemd is the running init (sd_booted).
    marker: PathBuf,
    /// The program and any leading arguments.
    systemctl: Vec<String>,
}

/// What one reading gave.
pub enum Reading {
    /// systemd is not running here.
    NoSystemd,
    Unit(UnitState),
}

impl SystemdSource {
    pub fn new(unit: &str) -> SystemdSource {
        SystemdSource {
            unit: unit.to_owned(),
            marker: PathBuf::from("/run/systemd/system"),
            systemctl: vec!["systemctl".to_owned()],
        }
    }

    /// Looks for the sd_booted marker elsewhere and runs another command in
    /// place of `systemctl` (tests).
    pub fn with_paths(mut self, marker: impl Into<PathBuf>, systemctl: &[&str]) -> Self {
        self.marker = marker.into();
        self.systemctl = systemctl.iter().map(|s| (*s).to_owned()).collect();
        self
    }

    pub fn unit(&self) -> &str {
        &self.unit
    }

    pub async fn read(&self, timeout: Duration) -> Result<Reading, Failure> {
        if !self.marker.is_dir() {
            return Ok(Reading::NoSystemd);
        }
        let Some((program, leading)) = self.systemctl.split_first() else {
            return Err(Failure::new(Reason::Io, "no systemctl command"));
        };
        let mut command = tokio::process::Command::new(program);
        command
            .args(leading)
            .args(["show", PROPERTIES, "--", &self.unit])
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            // Cut off at the timeout (or by the sampler), it must not linger.
            .kill_on_drop(true);
        let output = match tokio::time::timeout(timeout, command.output()).await {
            Ok(Ok(output)) => output,
            Ok(Err(e)) => {
                return Err(Failure::new(Reason::Io, format!("running {program}: {e}")));
            }
            Err(_) => {
                return Err(Failure::new(
                    Reason::Timeout,
                    format!("systemctl show {} took longer than {timeout:?}", self.unit),
                ));
            }
        };
        if !output.status.success() {
            let stderr = String::from_utf8_lossy(&output.stderr);
            return Err(Failure::new(
                Reason::ErrorResponse,
                format!(
                    "systemctl show {} failed ({}): {}",
                    self.unit,
                    output.status,
                    stderr.trim()
                ),
            ));
        }
        parse_show(&String::from_utf8_lossy(&output.stdout)).map(Reading::Unit)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // The shape `systemctl show --property=...` prints: properties in
    // systemd's own order, not the order asked for.
    const ACTIVE: &str = "MainPID=1234\nNRestarts=0\nExecMainStartTimestampMonotonic=8123456789\n\
        LoadState=loaded\nActiveState=active\nSubState=running\n";
    const FAILED: &str = "MainPID=0\nNRestarts=5\nExecMainStartTimestampMonotonic=9000000000\n\
        LoadState=loaded\nActiveState=failed\nSubState=failed\n";
    const ACTIVATING: &str = "MainPID=2001\nNRestarts=0\nExecMainStartTimestampMonotonic=9100000000\n\
        LoadState=loaded\nActiveState=activating\nSubState=start\n";
    const RESTARTING: &str = "MainPID=0\nNRestarts=3\nExecMainStartTimestampMonotonic=9200000000\n\
        LoadState=loaded\nActiveState=activating\nSubState=auto-restart\n";
    const NOT_FOUND: &str = "MainPID=0\nNRestarts=0\nExecMainStartTimestampMonotonic=0\n\
        LoadState=not-found\nActiveState=inactive\nSubState=dead\n";
    // systemd older than 235 has no NRestarts and leaves it out.
    const OLD_SYSTEMD: &str = "MainPID=77\nExecMainStartTimestampMonotonic=5\n\
        LoadState=loaded\nActiveState=active\nSubState=running\n";

    #[test]
    fn recorded_outputs_give_the_right_verdicts() {
        let active = parse_show(ACTIVE).unwrap();
        assert_eq!(active.verdict(), UnitVerdict::Up);
        assert_eq!(active.main_pid, Some(1234));
        assert_eq!(active.start_monotonic_us, Some(8_123_456_789));
        assert_eq!(active.restarts, Some(0));

        let failed = parse_show(FAILED).unwrap();
        assert_eq!(
            failed.verdict(),
            UnitVerdict::Down("unit ActiveState=failed SubState=failed".into())
        );
        assert_eq!(failed.main_pid, None);
        assert_eq!(failed.restarts, Some(5));

        assert!(matches!(
            parse_show(ACTIVATING).unwrap().verdict(),
            UnitVerdict::Down(_)
        ));
        let restarting = parse_show(RESTARTING).unwrap();
        assert_eq!(
            restarting.verdict(),
            UnitVerdict::Down("unit ActiveState=activating SubState=auto-restart".into())
        );

        let missing = parse_show(NOT_FOUND).unwrap();
        assert_eq!(
            missing.verdict(),
            UnitVerdict::Unavailable("unit LoadState=not-found".into())
        );
        assert_eq!(missing.start_monotonic_us, None);

        let old = parse_show(OLD_SYSTEMD).unwrap();
        assert_eq!(old.verdict(), UnitVerdict::Up);
        assert_eq!(old.restarts, None);
    }

    #[test]
    fn odd_output_is_malformed() {
        for text in [
            "",
            "LoadState=loaded\n",
            "garbage\n",
            "LoadState=loaded\nActiveState=active\nMainPID=x\n",
        ] {
            let err = parse_show(text).expect_err(text);
            assert_eq!(err.reason, Reason::Malformed, "{text:?}");
        }
    }

    #[tokio::test]
    async fn without_systemd_the_source_is_unavailable_and_systemctl_is_not_run() {
        let dir = tempfile::tempdir().unwrap();
        let source = SystemdSource::new("twingate-connector.service")
            .with_paths(dir.path().join("no-such-dir"), &["/nonexistent/systemctl"]);
        let reading = source.read(Duration::from_secs(1)).await.unwrap();
        assert!(matches!(reading, Reading::NoSystemd));
    }

    /// A stand-in `systemctl`: a shell script given the same arguments, so
    /// the command line, exit status and timeout paths run for real.
    fn fake_systemctl(script: &str) -> [&str; 4] {
        ["/bin/sh", "-c", script, "systemctl"]
    }

    #[tokio::test]
    async fn systemctl_is_run_with_the_unit_and_its_failures_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        let marker = dir.path().join("system");
        std::fs::create_dir(&marker).unwrap();
        // Print the recorded output only when asked for the right unit and properties.
        let script = format!(
            "[ \"$1 $2 $3 $4\" = \"show {PROPERTIES} -- twingate-connector.service\" ] || exit 3\nprintf '{}'",
            ACTIVE.replace('\n', "\\n")
        );
        let ok = fake_systemctl(&script);
        let source = SystemdSource::new("twingate-connector.service").with_paths(&marker, &ok);
        match source.read(Duration::from_secs(5)).await.unwrap() {
            Reading::Unit(unit) => assert_eq!(unit.main_pid, Some(1234)),
            Reading::NoSystemd => panic!("systemd is there"),
        }

        let failing = fake_systemctl("echo 'Failed to connect to bus' >&2; exit 1");
        let source = SystemdSource::new("x.service").with_paths(&marker, &failing);
        let err = source.read(Duration::from_secs(5)).await.err().unwrap();
        assert_eq!(err.reason, Reason::ErrorResponse);
        assert!(err.message.contains("Failed to connect to bus"), "{err}");

        let slow = fake_systemctl("exec sleep 10");
        let source = SystemdSource::new("x.service").with_paths(&marker, &slow);
        let started = std::time::Instant::now();
        let err = source.read(Duration::from_millis(200)).await.err().unwrap();
        assert_eq!(err.reason, Reason::Timeout);
        assert!(started.elapsed() < Duration::from_secs(2));
    }
}
