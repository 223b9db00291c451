//! Headless Chromium (Debian `chromium`) loading pages from the exporter.
//! Flags from PEERS.md: without the background-networking ones it keeps
//! trying to reach the internet.

use std::io::Read as _;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = "/usr/bin/chromium";
const LIMIT: Duration = Duration::from_secs(90);

/// Runs Chromium once with a fresh profile and returns its stdout.
fn run(extra: &[String], url: &str) -> String {
    assert!(
        Path::new(BINARY).exists(),
        "{BINARY} is missing: run scripts/install-test-deps.sh"
    );
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(BINARY)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(extra)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromium");
    let mut stdout = child.stdout.take().expect("stdout");
    let reader = std::thread::spawn(move || {
        let mut out = String::new();
        let _ = stdout.read_to_string(&mut out);
        out
    });
    let deadline = Instant::now() + LIMIT;
    let status = loop {
        if let Some(status) = child.try_wait().expect("wait for chromium") {
            break status;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {LIMIT:?} on {url}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    let out = reader.join().expect("stdout reader");
    assert!(status.success(), "chromium failed ({status}) on {url}");
    out
}

/// The DOM after the page loaded, serialised.
pub fn dump_dom(url: &str) -> String {
    run(&["--dump-dom".to_owned()], url)
}

/// A PNG of the page at `width`×`height` CSS pixels.
pub fn screenshot(url: &str, file: &Path, width: u32, height: u32) {
    run(
        &[
            format!("--screenshot={}", file.display()),
            format!("--window-size={width},{height}"),
            "--hide-scrollbars".to_owned(),
        ],
        url,
    );
    let png = std::fs::read(file).expect("screenshot written");
    assert!(
        png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 1000,
        "not a PNG: {}",
        file.display()
    );
}
