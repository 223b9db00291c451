//! The host probe against faked root directories: each container runtime is
//! recognised from the signals it really leaves.

use std::fs;
use std::path::Path;

use connector_exporter::probe::host::{AddressFilter, Container, HostProbe};
use std::time::Duration;

fn write(root: &Path, path: &str, text: &str) {
    let full = root.join(path);
    fs::create_dir_all(full.parent().unwrap()).unwrap();
    fs::write(full, text).unwrap();
}

/// A plain Linux host: hostname, kernel, os-release, boot time, cgroup v2.
fn base_root() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    write(root, "proc/sys/kernel/hostname", "connector-host-1\n");
    write(root, "proc/sys/kernel/osrelease", "6.1.0-18-amd64\n");
    write(
        root,
        "etc/os-release",
        "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nNAME=\"Debian GNU/Linux\"\n",
    );
    write(
        root,
        "proc/stat",
        "cpu  1 2 3\nbtime 1700000000\nprocesses 10\n",
    );
    write(root, "proc/1/cgroup", "0::/init.scope\n");
    write(
        root,
        "proc/self/cgroup",
        "0::/system.slice/connector-exporter.service\n",
    );
    dir
}

fn probe(root: &Path, kubernetes_env: bool) -> HostProbe {
    HostProbe::new(
        AddressFilter::default(),
        Duration::from_secs(60),
        Duration::from_secs(5),
    )
    .with_root(root, kubernetes_env)
}

#[test]
fn plain_host() {
    let dir = base_root();
    let report = probe(dir.path(), false).read_files().unwrap();
    assert_eq!(report.hostname, "connector-host-1");
    assert_eq!(report.container, Container::None);
    assert_eq!(report.os_version, "Debian GNU/Linux 12 (bookworm)");
    assert_eq!(report.kernel_version, "6.1.0-18-amd64");
    assert_eq!(report.boot_time_seconds, Some(1_700_000_000.0));
}

#[test]
fn docker_by_dockerenv() {
    let dir = base_root();
    write(dir.path(), ".dockerenv", "");
    write(dir.path(), "proc/sys/kernel/hostname", "3f2a9c1b7d4e\n");
    let report = probe(dir.path(), false).read_files().unwrap();
    assert_eq!(report.container, Container::Docker);
    assert_eq!(report.hostname, "3f2a9c1b7d4e", "the container's hostname");
}

#[test]
fn docker_by_cgroup_v1() {
    let dir = base_root();
    write(
        dir.path(),
        "proc/1/cgroup",
        "12:pids:/docker/3f2a9c1b7d4e\n11:memory:/docker/3f2a9c1b7d4e\n",
    );
    assert_eq!(
        probe(dir.path(), false).read_files().unwrap().container,
        Container::Docker
    );
}

#[test]
fn podman_by_containerenv() {
    let dir = base_root();
    write(dir.path(), "run/.containerenv", "engine=\"podman-4.3.1\"\n");
    assert_eq!(
        probe(dir.path(), false).read_files().unwrap().container,
        Container::Podman
    );
}

#[test]
fn kubernetes_by_environment_wins_over_docker() {
    let dir = base_root();
    // A pod on a Docker-based node shows Docker's traces too.
    write(dir.path(), ".dockerenv", "");
    assert_eq!(
        probe(dir.path(), true).read_files().unwrap().container,
        Container::Kubernetes
    );
}

#[test]
fn kubernetes_by_cgroup() {
    let dir = base_root();
    write(
        dir.path(),
        "proc/1/cgroup",
        "0::/kubepods/besteffort/pod1234/cri-containerd-abcd\n",
    );
    assert_eq!(
        probe(dir.path(), false).read_files().unwrap().container,
        Container::Kubernetes
    );
}

#[test]
fn lxc_and_other_from_systemd_detection() {
    let dir = base_root();
    write(dir.path(), "run/systemd/container", "lxc\n");
    assert_eq!(
        probe(dir.path(), false).read_files().unwrap().container,
        Container::Lxc
    );
    write(dir.path(), "run/systemd/container", "systemd-nspawn\n");
    assert_eq!(
        probe(dir.path(), false).read_files().unwrap().container,
        Container::Other
    );
}

#[test]
fn hostname_falls_back_to_etc_and_missing_is_an_error_not_a_crash() {
    let dir = base_root();
    fs::remove_file(dir.path().join("proc/sys/kernel/hostname")).unwrap();
    write(dir.path(), "etc/hostname", "from-etc\n");
    assert_eq!(
        probe(dir.path(), false).read_files().unwrap().hostname,
        "from-etc"
    );
    fs::remove_file(dir.path().join("etc/hostname")).unwrap();
    let err = probe(dir.path(), false).read_files().unwrap_err();
    assert_eq!(err.reason.as_str(), "not_found");
}
