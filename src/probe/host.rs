//! Who this host is: hostname, container runtime, OS, boot time, addresses.
//!
//! Everything is read below a root directory the probe is given, so tests can
//! lay out `/.dockerenv`, cgroup files and the like in a temporary directory.

use std::fs;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use futures_util::future::BoxFuture;
use serde::Serialize;

use super::{Failure, Probe, ProbeKind, Reason, Report};

#[derive(Clone, Debug, Serialize)]
pub struct HostReport {
    pub hostname: String,
    pub container: Container,
    pub os_version: String,
    pub kernel_version: String,
    pub boot_time_seconds: Option<f64>,
    pub private_ips: Vec<InterfaceAddress>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct InterfaceAddress {
    pub interface: String,
    pub address: IpAddr,
}

impl InterfaceAddress {
    pub fn family(&self) -> &'static str {
        if self.address.is_ipv4() {
            "ipv4"
        } else {
            "ipv6"
        }
    }
}

/// The container runtime the exporter runs in, as the `container` label.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Container {
    None,
    Docker,
    Podman,
    Kubernetes,
    Lxc,
    Other,
}

impl Container {
    pub fn as_str(self) -> &'static str {
        match self {
            Container::None => "none",
            Container::Docker => "docker",
            Container::Podman => "podman",
            Container::Kubernetes => "kubernetes",
            Container::Lxc => "lxc",
            Container::Other => "other",
        }
    }
}

/// Which interface addresses to report besides the ordinary ones.
#[derive(Clone, Copy, Debug, Default)]
pub struct AddressFilter {
    pub loopback: bool,
    pub link_local: bool,
}

impl AddressFilter {
    pub fn keeps(&self, address: &IpAddr) -> bool {
        let link_local = match address {
            IpAddr::V4(a) => a.is_link_local(),
            IpAddr::V6(a) => (a.segments()[0] & 0xffc0) == 0xfe80,
        };
        (self.loopback || !address.is_loopback()) && (self.link_local || !link_local)
    }
}

pub struct HostProbe {
    root: PathBuf,
    /// Whether `KUBERNETES_SERVICE_HOST` is set: the environment, like the
    /// filesystem, is an input a test must be able to fake.
    kubernetes_env: bool,
    filter: AddressFilter,
    interval: Duration,
    timeout: Duration,
}

impl HostProbe {
    pub fn new(filter: AddressFilter, interval: Duration, timeout: Duration) -> Self {
        HostProbe {
            root: PathBuf::from("/"),
            kubernetes_env: std::env::var_os("KUBERNETES_SERVICE_HOST").is_some(),
            filter,
            interval,
            timeout,
        }
    }

    /// A probe that reads below `root` instead of `/` and takes the
    /// Kubernetes environment signal as given.
    pub fn with_root(mut self, root: impl Into<PathBuf>, kubernetes_env: bool) -> Self {
        self.root = root.into();
        self.kubernetes_env = kubernetes_env;
        self
    }

    /// Everything that comes from files, without the interface list.
    pub fn read_files(&self) -> Result<HostReport, Failure> {
        let hostname = self
            .read_first_line(&["proc/sys/kernel/hostname", "etc/hostname"])
            .ok_or_else(|| Failure::new(Reason::NotFound, "no hostname in /proc or /etc"))?;
        Ok(HostReport {
            hostname,
            container: detect_container(&self.root, self.kubernetes_env),
            os_version: os_version(&self.root),
            kernel_version: self
                .read_first_line(&["proc/sys/kernel/osrelease"])
                .unwrap_or_default(),
            boot_time_seconds: boot_time(&self.root),
            private_ips: Vec::new(),
        })
    }

    fn read_first_line(&self, candidates: &[&str]) -> Option<String> {
        candidates.iter().find_map(|c| {
            let text = fs::read_to_string(self.root.join(c)).ok()?;
            let line = text.lines().next()?.trim();
            (!line.is_empty()).then(|| line.to_owned())
        })
    }

    fn collect(&self) -> Result<HostReport, Failure> {
        let mut report = self.read_files()?;
        let interfaces = local_ip_address::list_afinet_netifas()
            .map_err(|e| Failure::new(Reason::Io, format!("listing interfaces: {e}")))?;
        report.private_ips = interface_addresses(interfaces, self.filter);
        Ok(report)
    }
}

impl Probe for HostProbe {
    fn kind(&self) -> ProbeKind {
        ProbeKind::Host
    }
    fn interval(&self) -> Duration {
        self.interval
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn run(&self) -> BoxFuture<'_, Result<Report, Failure>> {
        // A handful of small file reads: cheaper inline than on a blocking thread.
        Box::pin(async move { self.collect().map(Report::Host) })
    }
}

/// Sorted and deduplicated, so the series set only changes when an address does.
pub fn interface_addresses(
    interfaces: impl IntoIterator<Item = (String, IpAddr)>,
    filter: AddressFilter,
) -> Vec<InterfaceAddress> {
    let mut kept: Vec<InterfaceAddress> = interfaces
        .into_iter()
        .filter(|(_, address)| filter.keeps(address))
        .map(|(interface, address)| InterfaceAddress { interface, address })
        .collect();
    kept.sort_by(|a, b| (&a.interface, a.address).cmp(&(&b.interface, b.address)));
    kept.dedup();
    kept
}

/// The signals, strongest first. Kubernetes comes before the runtimes because
/// a pod also runs under containerd or Docker and shows their traces.
pub fn detect_container(root: &Path, kubernetes_env: bool) -> Container {
    let cgroup = ["proc/1/cgroup", "proc/self/cgroup"]
        .iter()
        .filter_map(|p| fs::read_to_string(root.join(p)).ok())
        .collect::<Vec<_>>()
        .join("\n");
    if kubernetes_env || cgroup.contains("kubepods") {
        return Container::Kubernetes;
    }
    if root.join("run/.containerenv").exists() || cgroup.contains("libpod") {
        return Container::Podman;
    }
    if root.join(".dockerenv").exists() || cgroup.contains("/docker") {
        return Container::Docker;
    }
    if cgroup.contains("/lxc") {
        return Container::Lxc;
    }
    // systemd writes what it detected here; any other value is some runtime
    // we do not name.
    match fs::read_to_string(root.join("run/systemd/container")) {
        Ok(kind) => match kind.trim() {
            "" => Container::None,
            "docker" => Container::Docker,
            "podman" => Container::Podman,
            "lxc" | "lxc-libvirt" => Container::Lxc,
            _ => Container::Other,
        },
        Err(_) => Container::None,
    }
}

fn os_version(root: &Path) -> String {
    let Ok(text) = fs::read_to_string(root.join("etc/os-release"))
        .or_else(|_| fs::read_to_string(root.join("usr/lib/os-release")))
    else {
        return String::new();
    };
    let field = |key: &str| {
        text.lines()
            .find_map(|l| l.strip_prefix(key)?.strip_prefix('='))
            .map(|v| v.trim().trim_matches('"').to_owned())
    };
    field("PRETTY_NAME")
        .or_else(|| field("NAME"))
        .unwrap_or_default()
}

/// From `btime` in `<root>/proc/stat`, whole seconds.
pub(crate) fn boot_time(root: &Path) -> Option<f64> {
    let stat = fs::read_to_string(root.join("proc/stat")).ok()?;
    stat.lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|v| v as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_local_and_loopback_are_left_out_unless_asked() {
        let input = vec![
            ("lo".to_owned(), "127.0.0.1".parse().unwrap()),
            ("lo".to_owned(), "::1".parse().unwrap()),
            ("eth0".to_owned(), "10.0.0.5".parse().unwrap()),
            ("eth0".to_owned(), "fe80::1".parse().unwrap()),
            ("eth0".to_owned(), "169.254.1.1".parse().unwrap()),
            ("eth0".to_owned(), "2001:db8::5".parse().unwrap()),
        ];
        let kept = interface_addresses(input.clone(), AddressFilter::default());
        let shown: Vec<String> = kept.iter().map(|a| a.address.to_string()).collect();
        assert_eq!(shown, ["10.0.0.5", "2001:db8::5"]);
        let all = interface_addresses(
            input,
            AddressFilter {
                loopback: true,
                link_local: true,
            },
        );
        assert_eq!(all.len(), 6);
    }
}
