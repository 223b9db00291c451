//! The series of each probe's report.

use super::{Family, bool_value, none};
use crate::probe::clock::{ClockReport, SampleDetail};
use crate::probe::connector::ConnectorReport;
use crate::probe::connector::traffic::TrafficReport;
use crate::probe::host::HostReport;
use crate::probe::stun::StunReport;

pub(super) fn clock(r: &ClockReport) -> Vec<Family> {
    let mut server_offset = Family::gauge(
        "connector_clock_server_offset_seconds",
        "Clock offset against one reference server (NTP, or https:// from its Date header), local minus reference (the controller's sign): a server 3 s ahead of this host gives -3",
    );
    let mut uncertainty = Family::gauge(
        "connector_clock_server_uncertainty_seconds",
        "Error bar of the server's offset: NTP root distance (root delay/2 + root dispersion + delay/2); HTTPS half the interval the Date answers proved, half the round trip included",
    );
    let mut rtt = Family::gauge(
        "connector_clock_server_rtt_seconds",
        "Round-trip delay of the kept (lowest-delay) sample; HTTPS: the fastest request",
    );
    let mut stratum = Family::gauge(
        "connector_clock_server_stratum",
        "Stratum of the NTP reference server",
    );
    let mut distance = Family::gauge(
        "connector_clock_server_root_distance_seconds",
        "Root delay/2 + root dispersion + round-trip delay/2 of the kept sample",
    );
    let mut up = Family::gauge(
        "connector_clock_server_up",
        "Whether the reference server gave a valid reply in the last round",
    );
    for s in &r.servers {
        let label = || vec![("server", s.server.clone())];
        up = up.with(label(), bool_value(s.outcome.is_ok()));
        if let Ok(sample) = &s.outcome {
            server_offset = server_offset.with(label(), sample.offset_seconds);
            uncertainty = uncertainty.with(label(), sample.uncertainty_seconds);
            rtt = rtt.with(label(), sample.rtt_seconds);
            if let SampleDetail::Ntp {
                stratum: st,
                root_distance_seconds,
            } = sample.detail
            {
                stratum = stratum.with(label(), f64::from(st));
                distance = distance.with(label(), root_distance_seconds);
            }
        }
    }
    let controller = r.controller.as_ref();
    let mut out = vec![
        Family::gauge(
            "connector_clock_offset_seconds",
            "Selected clock offset (median over the NTP servers that answered validly, over the HTTPS servers when none did), local minus reference as the controller shows it: negative means this host is behind, so a reference 3 s ahead gives -3. SNTP tools print the opposite sign",
        )
        .with_opt(none(), r.offset_seconds),
        Family::gauge(
            "connector_clock_offset_uncertainty_seconds",
            "Error bar of the selected offset: the true offset lies within this of connector_clock_offset_seconds",
        )
        .with_opt(none(), r.offset_uncertainty_seconds),
        Family::gauge(
            "connector_clock_controller_offset_seconds",
            "Clock offset against the controller itself, from its HTTPS Date header, local minus controller (the number the controller judges); absent unless --twingate.network is set and the controller answered",
        )
        .with_opt(none(), controller.map(|c| c.offset_seconds)),
        Family::gauge(
            "connector_clock_controller_offset_uncertainty_seconds",
            "Error bar of connector_clock_controller_offset_seconds",
        )
        .with_opt(none(), controller.map(|c| c.uncertainty_seconds)),
        server_offset,
        uncertainty,
        rtt,
        stratum,
        distance,
        up,
    ];
    if let Some(k) = &r.kernel {
        out.push(
            Family::gauge(
                "connector_clock_kernel_synchronized",
                "Whether the kernel says its clock is disciplined by a time daemon (adjtimex)",
            )
            .with(none(), bool_value(k.synchronized)),
        );
        out.push(
            Family::gauge(
                "connector_clock_kernel_maxerror_seconds",
                "Maximum error of the kernel clock as adjtimex reports it",
            )
            .with(none(), k.max_error_seconds),
        );
    }
    out
}

pub(super) fn stun(r: &StunReport) -> Vec<Family> {
    let mut success = Family::gauge(
        "connector_stun_success",
        "Whether the STUN server answered the Binding request with a valid mapped address",
    );
    let mut rtt = Family::gauge(
        "connector_stun_rtt_seconds",
        "Time from the Binding request to its response in the last transaction",
    );
    let mut port = Family::gauge(
        "connector_stun_mapped_port",
        "Mapped (public) port the STUN server saw",
    );
    for s in &r.servers {
        let label = || vec![("server", s.server.clone())];
        success = success.with(label(), bool_value(s.outcome.is_ok()));
        if let Ok(binding) = &s.outcome {
            rtt = rtt.with(label(), binding.rtt_seconds);
            port = port.with(label(), f64::from(binding.mapped.port()));
        }
    }
    let mut public = Family::gauge(
        "connector_public_ip_info",
        "Public address seen by STUN, as labels; value 1",
    );
    if let Some(ip) = r.public_ip() {
        let family = if ip.is_ipv4() { "ipv4" } else { "ipv6" };
        public = public.with(
            vec![("address", ip.to_string()), ("family", family.to_owned())],
            1.0,
        );
    }
    vec![
        success,
        rtt,
        port,
        Family::gauge(
            "connector_nat_info",
            "NAT mapping and filtering behaviour (RFC 4787) as labels; value 1",
        )
        .with(
            vec![
                ("mapping", r.mapping.as_str().to_owned()),
                ("filtering", r.filtering.as_str().to_owned()),
            ],
            1.0,
        ),
        Family::gauge(
            "connector_p2p_possible",
            "Whether STUN works and the NAT mapping is endpoint-independent (or there is no NAT), so peers can connect directly; absent while the mapping is unknown",
        )
        .with_opt(none(), r.p2p_possible.map(bool_value)),
        public,
        Family::counter(
            "connector_public_ip_changes",
            "Times the public address seen by STUN changed",
        )
        .with(none(), r.public_ip_changes as f64),
    ]
}

pub(super) fn connector(r: &ConnectorReport) -> Vec<Family> {
    let mut source = Family::gauge(
        "connector_source_up",
        "Each available evidence source's verdict on the connector",
    );
    for v in &r.sources {
        source = source.with(
            vec![("source", v.source.as_str().to_owned())],
            bool_value(v.up),
        );
    }
    let process = r.process.as_ref();
    // A connector no source has ever seen has no state to claim: absent.
    let state = r.state.as_ref();
    let mut out = vec![
        Family::gauge("connector_up", "Whether the connector is running")
            .with_opt(none(), state.map(|s| bool_value(s.up))),
        Family::gauge(
            "connector_state_change_timestamp_seconds",
            "Unix time when connector_up last changed",
        )
        .with_opt(none(), state.map(|s| s.state_change_timestamp_seconds)),
        Family::gauge(
            "connector_uptime_seconds",
            "Time the connector has been up since its last start; 0 while down",
        )
        .with_opt(none(), state.map(|s| s.uptime_seconds)),
        Family::gauge(
            "connector_downtime_seconds",
            "Time the connector has been down; 0 while up",
        )
        .with_opt(none(), state.map(|s| s.downtime_seconds)),
        Family::counter(
            "connector_restarts",
            "Starts of the connector seen after the first",
        )
        .with_opt(none(), state.map(|s| s.restarts as f64)),
        Family::gauge(
            "connector_process_start_time_seconds",
            "Unix start time of the connector process",
        )
        .with_opt(none(), process.map(|p| p.start_time_seconds)),
        Family::gauge(
            "connector_process_resident_memory_bytes",
            "Resident memory of the connector process",
        )
        .with_opt(none(), process.map(|p| p.resident_memory_bytes as f64)),
        Family::counter(
            "connector_process_cpu_seconds",
            "CPU time used by the connector process",
        )
        .with_opt(none(), process.map(|p| p.cpu_seconds)),
        source,
    ];
    if let Some(t) = &r.traffic {
        out.extend(traffic(t));
    }
    out
}

fn traffic(t: &TrafficReport) -> Vec<Family> {
    let mut bytes = Family::counter(
        "connector_traffic_bytes",
        "Bytes the connector moved, from its own counters, carried over its restarts; transport is direct (peer-to-peer), relay, up to 5 more values the connector names, or other",
    );
    for s in &t.series {
        bytes = bytes.with(
            vec![
                ("direction", s.direction.as_str().to_owned()),
                ("transport", s.transport.clone()),
            ],
            s.bytes_total,
        );
    }
    vec![
        bytes,
        Family::gauge(
            "connector_traffic_direct_ratio",
            "Share of the connector's bytes (both directions) that went peer-to-peer over the traffic window; absent when too little moved",
        )
        .with_opt(none(), t.direct_ratio),
    ]
}

pub(super) fn host(r: &HostReport) -> Vec<Family> {
    let mut ips = Family::gauge(
        "connector_private_ip_info",
        "One series per interface address of the host; value 1",
    );
    for a in &r.private_ips {
        ips = ips.with(
            vec![
                ("interface", a.interface.clone()),
                ("address", a.address.to_string()),
                ("family", a.family().to_owned()),
            ],
            1.0,
        );
    }
    vec![
        Family::gauge(
            "connector_host_info",
            "Host facts as labels; value 1. container is none, docker, podman, kubernetes, lxc or other",
        )
        .with(
            vec![
                ("hostname", r.hostname.clone()),
                ("container", r.container.as_str().to_owned()),
                ("os_version", r.os_version.clone()),
                ("kernel_version", r.kernel_version.clone()),
            ],
            1.0,
        ),
        Family::gauge("connector_host_boot_time_seconds", "Unix time the host booted")
            .with_opt(none(), r.boot_time_seconds),
        ips,
    ]
}
