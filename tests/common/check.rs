//! Runs `connector-exporter check` as a user would, isolated from the public
//! default servers like the exporter harness.

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use super::exporter::{binary, isolated};

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
    pub took: Duration,
}

impl Run {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("check --json printed no JSON ({e}):\n{}", self.stdout))
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {} after {:?}\nstdout:\n{}\nstderr:\n{}",
            self.code, self.took, self.stdout, self.stderr
        )
    }
}

/// `check` with `args` (network probes not named in them disabled).
pub fn check(args: &[&str]) -> Run {
    run(Command::new(binary())
        .arg("check")
        .args(isolated(args))
        .env_remove("NO_COLOR"))
}

/// `check --json` with `args`.
pub fn check_json(args: &[&str]) -> Run {
    run(Command::new(binary())
        .args(["check", "--json"])
        .args(isolated(args))
        .env_remove("NO_COLOR"))
}

pub fn run(command: &mut Command) -> Run {
    let started = Instant::now();
    let output = command
        .stdin(Stdio::null())
        .output()
        .expect("run connector-exporter");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        took: started.elapsed(),
    }
}

/// The lines of one section of the JSON document, by section name.
pub fn section<'a>(json: &'a serde_json::Value, name: &str) -> &'a Vec<serde_json::Value> {
    json["sections"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["name"] == name))
        .and_then(|s| s["lines"].as_array())
        .unwrap_or_else(|| panic!("no section {name} in {json:#}"))
}

/// The first line of a section with the given `check` id.
pub fn line<'a>(json: &'a serde_json::Value, name: &str, check: &str) -> &'a serde_json::Value {
    section(json, name)
        .iter()
        .find(|l| l["check"] == check)
        .unwrap_or_else(|| panic!("no {check} line in {name}: {json:#}"))
}
