//! Host facts: reported, not judged, except a host without a private address.

use super::{Line, Verdict};
use crate::human;
use crate::probe::host::{Container, HostReport};

pub(super) fn host(r: &HostReport) -> Vec<Line> {
    let container = match r.container {
        Container::None => "none".to_owned(),
        other => format!("{} (the hostname is the container's)", other.as_str()),
    };
    let or_unknown = |s: &str| {
        if s.is_empty() {
            "unknown".to_owned()
        } else {
            s.to_owned()
        }
    };
    let mut lines = vec![
        Line::ok("hostname", "hostname", r.hostname.clone()),
        Line::ok("container", "container", container),
        Line::ok("os", "OS", or_unknown(&r.os_version)),
        Line::ok("kernel", "kernel", or_unknown(&r.kernel_version)),
    ];
    if let Some(boot) = r.boot_time_seconds {
        lines.push(Line::ok("boot_time", "booted", human::timestamp(boot)));
    }
    if r.private_ips.is_empty() {
        lines.push(
            Line::new("private_ip", "private IPs", Verdict::Warning, "none found".to_owned())
                .hint("the connector reaches resources over a private interface: check the network configuration"),
        );
    }
    for a in &r.private_ips {
        lines.push(Line::ok(
            "private_ip",
            "private IP",
            format!("{} ({})", a.address, a.interface),
        ));
    }
    lines
}
