// Build facts for connector_exporter_build_info and --version.
use std::process::Command;
use std::time::{SystemTime, UNIX_EPOCH};

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
        .filter(|s| !s.is_empty())
}

/// `YYYYMMDD-HH:MM:SS` in UTC, the form the Prometheus exporters print.
/// SOURCE_DATE_EPOCH wins so that a package can be built reproducibly.
fn build_date() -> String {
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|s| s.trim().parse::<i64>().ok())
        .or_else(|| {
            SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .ok()
                .and_then(|d| i64::try_from(d.as_secs()).ok())
        })
        .unwrap_or(0);
    let (days, rest) = (seconds.div_euclid(86_400), seconds.rem_euclid(86_400));
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!(
        "{year:04}{month:02}{day:02}-{:02}:{:02}:{:02}",
        rest / 3600,
        rest % 3600 / 60,
        rest % 60
    )
}

fn main() {
    let revision = std::env::var("CONNECTOR_EXPORTER_REVISION")
        .ok()
        .or_else(|| output("git", &["rev-parse", "--short=12", "HEAD"]))
        .unwrap_or_else(|| "unknown".into());
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let rustc_version = output(&rustc, &["--version"])
        .and_then(|v| v.split_whitespace().nth(1).map(str::to_owned))
        .unwrap_or_else(|| "unknown".into());
    let target = std::env::var("TARGET").unwrap_or_else(|_| "unknown".into());
    println!("cargo:rustc-env=CONNECTOR_EXPORTER_REVISION={revision}");
    println!("cargo:rustc-env=CONNECTOR_EXPORTER_RUSTC={rustc_version}");
    println!(
        "cargo:rustc-env=CONNECTOR_EXPORTER_BUILD_DATE={}",
        build_date()
    );
    println!("cargo:rustc-env=CONNECTOR_EXPORTER_TARGET={target}");
    println!("cargo:rerun-if-env-changed=CONNECTOR_EXPORTER_REVISION");
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    for path in git_watch_paths() {
        println!("cargo:rerun-if-changed={path}");
    }
}

/// The files whose change moves the revision: HEAD and the branch it names.
/// Resolved through git because `.git` is a file in a worktree, and only
/// paths that exist are named: cargo reruns a build script on every build
/// when a `rerun-if-changed` path is missing.
fn git_watch_paths() -> Vec<String> {
    let Some(dirs) = output(
        "git",
        &[
            "rev-parse",
            "--path-format=absolute",
            "--git-dir",
            "--git-common-dir",
        ],
    ) else {
        return Vec::new();
    };
    let mut dirs = dirs.lines().map(str::to_owned);
    let (Some(git_dir), Some(common_dir)) = (dirs.next(), dirs.next()) else {
        return Vec::new();
    };
    let mut paths = vec![format!("{git_dir}/HEAD")];
    if let Some(branch) = output("git", &["symbolic-ref", "-q", "HEAD"]) {
        paths.push(format!("{common_dir}/{branch}"));
    }
    paths.push(format!("{common_dir}/packed-refs"));
    paths.retain(|p| std::path::Path::new(p).exists());
    paths
}
