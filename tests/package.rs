//! What a user installs without building: the Debian package (`make deb`)
//! installed with dpkg, and a `FROM scratch` image built with buildah and run.
//! Both need root (CI runs as root; without it they skip) and share one
//! release build per run, the one `make deb` ships. `make test-package` runs
//! only these.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn root() -> bool {
    // SAFETY: geteuid has no preconditions.
    unsafe { libc::geteuid() == 0 }
}

fn run(command: &mut Command) -> Output {
    let out = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    assert!(
        out.status.success(),
        "{command:?}: {}\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The release binary, built once per test run (lto and one codegen unit
/// make it the slowest step of `make test`); `cargo deb --no-build` and the
/// image both use it.
fn release_binary() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let started = Instant::now();
        let mut build = Command::new(env!("CARGO"));
        build
            .args([
                "build",
                "--release",
                "--locked",
                "--bin",
                "connector-exporter",
            ])
            .current_dir(repo());
        // cargo test hands this process the crate's own environment (its
        // CARGO_PKG_*, CARGO_MANIFEST_DIR, build.rs's rustc-env values); passed
        // on, they change build-script inputs (ring's, ours) and turn a fresh
        // release build into a full rebuild.
        for (key, _) in std::env::vars_os() {
            let key = key.to_string_lossy();
            let from_cargo_test = [
                "CARGO_PKG_",
                "CARGO_MANIFEST_",
                "CARGO_CRATE_",
                "CARGO_BIN_",
                "CARGO_PRIMARY_PACKAGE",
                "CARGO_TARGET_TMPDIR",
                "CARGO_RUSTC_CURRENT_DIR",
                "OUT_DIR",
                "CONNECTOR_EXPORTER_REVISION",
                "CONNECTOR_EXPORTER_RUSTC",
                "CONNECTOR_EXPORTER_BUILD_DATE",
                "CONNECTOR_EXPORTER_TARGET",
            ]
            .iter()
            .any(|prefix| key.starts_with(prefix));
            if from_cargo_test {
                build.env_remove(key.as_ref());
            }
        }
        run(&mut build);
        eprintln!("release build: {:.0?}", started.elapsed());
        let target = std::env::var_os("CARGO_TARGET_DIR")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("target"));
        target.join("release/connector-exporter")
    })
}

/// dpkg and buildah hold machine-wide state, and other checkouts on the same
/// machine run this test too: one install at a time, machine-wide. An flock
/// (per open file) also orders the two tests of this process.
fn machine_lock() -> std::fs::File {
    use std::os::fd::AsRawFd;
    let file = std::fs::File::create("/run/lock/connector-exporter-package-test.lock")
        .or_else(|_| std::fs::File::create("/tmp/connector-exporter-package-test.lock"))
        .unwrap();
    // SAFETY: a valid open descriptor; the lock goes when `file` is dropped.
    let locked = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) };
    assert_eq!(locked, 0, "flock: {}", std::io::Error::last_os_error());
    file
}

fn user_exists(name: &str) -> bool {
    Command::new("getent")
        .args(["passwd", name])
        .stdout(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

#[test]
fn debian_package_installs_verifies_runs_and_purges_cleanly() {
    if !root() {
        eprintln!("skipped: dpkg -i needs root");
        return;
    }
    let binary = release_binary();
    let _machine = machine_lock();
    assert!(
        !user_exists("connector-exporter") && !Path::new("/usr/bin/connector-exporter").exists(),
        "connector-exporter is already installed on this machine; the test would not leave it as it was"
    );
    let deb = build_deb(binary);
    let size = std::fs::metadata(&deb).unwrap().len();
    eprintln!("{}: {size} bytes", deb.display());
    let wants = Path::new("/etc/systemd/system/multi-user.target.wants/connector-exporter.service");
    let had_wants = wants.exists();

    run(Command::new("dpkg").arg("-i").arg(&deb));
    let installed = std::panic::catch_unwind(|| check_installed(binary));
    run(Command::new("dpkg").args(["--remove", "connector-exporter"]));
    // remove keeps the user and the conffile; purge takes them.
    let after_remove_user = user_exists("connector-exporter");
    let after_remove_default = Path::new("/etc/default/connector-exporter").exists();
    run(Command::new("dpkg").args(["--purge", "connector-exporter"]));
    if let Err(panic) = installed {
        std::panic::resume_unwind(panic);
    }
    assert!(
        after_remove_user,
        "remove must keep the user (and so the state's owner)"
    );
    assert!(
        after_remove_default,
        "remove must keep /etc/default/connector-exporter"
    );
    assert!(!user_exists("connector-exporter"), "purge left the user");
    for gone in [
        "/usr/bin/connector-exporter",
        "/etc/default/connector-exporter",
        "/usr/share/connector-exporter",
        "/usr/lib/systemd/system/connector-exporter.service",
        "/lib/systemd/system/connector-exporter.service",
        "/var/lib/connector-exporter",
    ] {
        assert!(!Path::new(gone).exists(), "purge left {gone}");
    }
    assert_eq!(wants.exists(), had_wants, "purge left the enable link");
    let status = Command::new("dpkg")
        .args(["-s", "connector-exporter"])
        .output()
        .unwrap();
    assert!(!status.status.success(), "dpkg still knows the package");
}

fn build_deb(binary: &Path) -> PathBuf {
    assert!(binary.exists());
    let out = run(Command::new("make")
        .args(["-s", "deb", "DEB_FLAGS=--no-build"])
        .current_dir(repo()));
    let path = text(&out)
        .lines()
        .rev()
        .find(|l| l.trim_end().ends_with(".deb"))
        .map(|l| PathBuf::from(l.trim()))
        .unwrap_or_else(|| panic!("make deb printed no .deb path: {}", text(&out)));
    assert!(path.exists(), "{}", path.display());
    path
}

fn check_installed(binary: &Path) {
    // The system user, with no login and the state directory as home.
    let passwd = text(&run(
        Command::new("getent").args(["passwd", "connector-exporter"])
    ));
    let fields: Vec<&str> = passwd.trim().split(':').collect();
    assert_eq!(fields[5], "/var/lib/connector-exporter", "{passwd}");
    assert_eq!(fields[6], "/usr/sbin/nologin", "{passwd}");
    let uid: u32 = fields[2].parse().unwrap();
    assert!(uid < 1000, "not a system user: {passwd}");
    run(Command::new("getent").args(["group", "connector-exporter"]));

    let files = text(&run(Command::new("dpkg").args(["-L", "connector-exporter"])));
    let unit = files
        .lines()
        .find(|l| l.ends_with("/systemd/system/connector-exporter.service"))
        .unwrap_or_else(|| panic!("no unit in the package:\n{files}"));
    for want in [
        "/usr/bin/connector-exporter",
        "/etc/default/connector-exporter",
        "/usr/share/connector-exporter/alerts/connector-exporter.rules.yml",
        "/usr/share/connector-exporter/dashboards/connector-details.json",
        "/usr/share/connector-exporter/dashboards/fleet-overview.json",
        "/usr/share/connector-exporter/web-config.example.yml",
        "/usr/share/doc/connector-exporter/copyright",
    ] {
        assert!(
            files.lines().any(|l| l == want),
            "{want} not in the package:\n{files}"
        );
        assert!(Path::new(want).exists(), "{want} not installed");
    }
    // Shipped files are the repository's.
    let same = |installed: &str, source: &str| {
        assert_eq!(
            std::fs::read(installed).unwrap(),
            std::fs::read(repo().join(source)).unwrap(),
            "{installed} differs from {source}"
        );
    };
    same(unit, "deploy/debian/connector-exporter.service");
    same(
        "/etc/default/connector-exporter",
        "deploy/debian/connector-exporter.default",
    );
    same(
        "/usr/share/connector-exporter/alerts/connector-exporter.rules.yml",
        "alerts/connector-exporter.rules.yml",
    );
    same("/usr/bin/connector-exporter", &binary.to_string_lossy());
    // The environment file may hold the Admin API key.
    let mode = std::os::unix::fs::PermissionsExt::mode(
        &std::fs::metadata("/etc/default/connector-exporter")
            .unwrap()
            .permissions(),
    );
    assert_eq!(mode & 0o777, 0o600);
    let conffiles =
        std::fs::read_to_string("/var/lib/dpkg/info/connector-exporter.conffiles").unwrap();
    assert!(
        conffiles
            .lines()
            .any(|l| l == "/etc/default/connector-exporter"),
        "{conffiles}"
    );

    // The installed unit, as systemd reads it, names the real user and binary.
    let verify = Command::new("systemd-analyze")
        .args(["verify", unit])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&verify.stderr);
    assert!(
        verify.status.success() && stderr.trim().is_empty(),
        "systemd-analyze verify {unit}:\n{stderr}"
    );
    let unit_text = std::fs::read_to_string(unit).unwrap();
    assert!(unit_text.contains("\nUser=connector-exporter\n"));
    assert!(
        !unit_text
            .lines()
            .any(|l| l.trim_start().starts_with("DynamicUser")),
        "{unit_text}"
    );
    // Enabled for multi-user.target, as deb-systemd-helper records it.
    assert!(
        Path::new("/etc/systemd/system/multi-user.target.wants/connector-exporter.service")
            .exists(),
        "postinst did not enable the unit"
    );

    let version = text(&run(
        Command::new("/usr/bin/connector-exporter").arg("--version")
    ));
    assert!(
        version.starts_with(&format!(
            "connector-exporter, version {} (revision: ",
            env!("CARGO_PKG_VERSION")
        )),
        "{version}"
    );
    // It runs as the package's user with the state directory it would get
    // from systemd (no systemd runs here, so set up the same by hand).
    let status = Command::new("setpriv")
        .args([
            "--reuid=connector-exporter",
            "--regid=connector-exporter",
            "--init-groups",
        ])
        .args([
            "/usr/bin/connector-exporter",
            "check",
            "--probe.disable=clock,stun,connector,admin_api",
        ])
        .output()
        .unwrap();
    assert_eq!(
        status.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
}

#[test]
fn scratch_image_builds_and_runs_version_and_healthcheck() {
    if !root() {
        eprintln!("skipped: buildah with the vfs driver needs root");
        return;
    }
    let binary = release_binary();
    let _machine = machine_lock();
    let context = tempfile::tempdir().unwrap();
    let rootfs = context.path().join("rootfs");
    let stage = |from: &Path, to: &str| {
        let dest = rootfs.join(to.trim_start_matches('/'));
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(from, &dest).unwrap();
    };
    stage(binary, "/usr/local/bin/connector-exporter");
    // Only the libraries the binary links, at the paths the loader looks.
    let ldd = text(&run(Command::new("ldd").arg(binary)));
    let mut libraries = Vec::new();
    for line in ldd.lines() {
        let path = match line.split_once("=>") {
            Some((_, right)) => right.split_whitespace().next(),
            None => line.split_whitespace().next(),
        };
        if let Some(path) = path.filter(|p| p.starts_with('/')) {
            let real = std::fs::canonicalize(path).unwrap();
            stage(&real, path);
            libraries.push(path.to_owned());
        }
    }
    assert!(libraries.iter().any(|l| l.contains("libc.so")), "{ldd}");
    assert!(libraries.len() <= 6, "links more than expected:\n{ldd}");
    std::fs::create_dir_all(rootfs.join("etc")).unwrap();
    std::fs::write(rootfs.join("etc/passwd"), "root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n").unwrap();
    std::fs::write(rootfs.join("etc/group"), "root:x:0:\nnonroot:x:65532:\n").unwrap();
    std::fs::create_dir_all(context.path().join("state")).unwrap();

    let tag = format!("localhost/connector-exporter-test:{}", std::process::id());
    let buildah = || {
        let mut command = Command::new("buildah");
        command.args(["--storage-driver", "vfs"]);
        command
    };
    run(buildah()
        .args(["bud", "--isolation", "chroot", "--quiet", "-t", &tag, "-f"])
        .arg(repo().join("deploy/docker/Containerfile.scratch"))
        .arg(context.path()));
    let mut cleanup = Cleanup {
        tag: tag.clone(),
        containers: Vec::new(),
    };
    let inspect = text(&run(buildah().args([
        "inspect",
        "--type",
        "image",
        "--format",
        "{{.OCIv1.Config.User}}",
        &tag,
    ])));
    let size_out = text(&run(buildah().args([
        "images",
        "--format",
        "{{.Size}}",
        &tag,
    ])));
    eprintln!("image {tag}: user {inspect}, size {}", size_out.trim());
    assert!(inspect.starts_with("65532:65532"), "{inspect}");

    let container = text(&run(buildah().args(["from", "--quiet", &tag])))
        .trim()
        .to_owned();
    cleanup.containers.push(container.clone());
    // The binary run inside the working container, as `buildah run` starts it.
    let in_image = |arg: &str| {
        let mut command = buildah();
        command.args(["run", "--isolation", "chroot", &container, "--"]);
        command.args(["/usr/local/bin/connector-exporter", arg]);
        command
    };
    let version = text(&run(&mut in_image("--version")));
    assert!(
        version.starts_with("connector-exporter, version "),
        "{version}"
    );

    // Serve inside the image, then ask it with `healthcheck` from a second
    // process in the same image, as a container runtime's HEALTHCHECK does.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let listen = format!("CONNECTOR_EXPORTER_WEB_LISTEN_ADDRESS=127.0.0.1:{port}");
    run(buildah().args([
        "config",
        "--env",
        &listen,
        "--env",
        "CONNECTOR_EXPORTER_PROBE_DISABLE=clock,stun,connector,admin_api",
        &container,
    ]));
    let unhealthy = in_image("healthcheck").output().unwrap();
    assert!(
        !unhealthy.status.success(),
        "healthcheck passed with nothing serving"
    );
    let mut server = in_image("--storage.path=/var/lib/connector-exporter")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    let healthy = loop {
        let out = in_image("healthcheck").output().unwrap();
        if out.status.success() || Instant::now() > deadline {
            break out;
        }
        std::thread::sleep(Duration::from_millis(200));
    };
    // The server inside runs as the image's user.
    let uid = exporter_uid_in_chroot();
    let _ = server.kill();
    let _ = server.wait();
    assert!(
        healthy.status.success(),
        "healthcheck inside the image: {}",
        String::from_utf8_lossy(&healthy.stderr)
    );
    assert_eq!(uid, Some(65532));
    drop(cleanup);
}

/// The uid of a connector-exporter process whose root is not the host's.
fn exporter_uid_in_chroot() -> Option<u32> {
    for entry in std::fs::read_dir("/proc").ok()?.flatten() {
        let dir = entry.path();
        let exe = std::fs::read_link(dir.join("exe")).unwrap_or_default();
        let root = std::fs::read_link(dir.join("root")).unwrap_or_default();
        if exe.ends_with("connector-exporter") && root != Path::new("/") {
            let status = std::fs::read_to_string(dir.join("status")).ok()?;
            let uid = status.lines().find_map(|l| l.strip_prefix("Uid:"))?;
            return uid.split_whitespace().next()?.parse().ok();
        }
    }
    None
}

struct Cleanup {
    tag: String,
    containers: Vec<String>,
}

impl Drop for Cleanup {
    fn drop(&mut self) {
        for container in &self.containers {
            let _ = Command::new("buildah")
                .args(["--storage-driver", "vfs", "rm", container])
                .output();
        }
        let _ = Command::new("buildah")
            .args(["--storage-driver", "vfs", "rmi", "--force", &self.tag])
            .output();
    }
}
