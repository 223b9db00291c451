//! connector-exporter: watches a zero-trust network connector's host and
//! serves what it sees as Prometheus metrics.

pub mod check;
pub mod cli;
pub mod config;
pub mod diagnosis;
pub mod healthcheck;
pub mod https;
pub mod human;
pub mod logging;
pub mod metrics;
pub mod probe;
pub mod process;
pub mod sampler;
pub mod server;
pub mod status;
pub mod storage;
pub mod systemd;
pub mod tcp;
pub mod version;
pub mod web_config;

pub use logging::init_logging;

use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;

use anyhow::Context as _;
use tokio::net::TcpListener;

use crate::config::{Config, ListenAddress};
use crate::probe::admin_api::AdminApiProbe;
use crate::probe::clock::ClockProbe;
use crate::probe::connector::ConnectorProbe;
use crate::probe::host::{AddressFilter, HostProbe};
use crate::probe::stun::StunProbe;
use crate::probe::{Probe, ProbeKind};
use crate::sampler::Sampler;
use crate::server::{Limits, Server};
use crate::web_config::WebState;

/// The probes the configuration asks for.
pub fn probes(config: &Config) -> Vec<Arc<dyn Probe>> {
    config
        .probes
        .iter()
        .filter_map(|kind| -> Option<Arc<dyn Probe>> {
            Some(match kind {
                ProbeKind::Host => Arc::new(HostProbe::new(
                    AddressFilter {
                        loopback: config.host.include_loopback,
                        link_local: config.host.include_link_local,
                    },
                    config.host.interval,
                    config.host.timeout,
                )),
                ProbeKind::Connector => Arc::new(ConnectorProbe::new(
                    &config.connector,
                    config.storage_path.as_deref(),
                )),
                ProbeKind::Stun => Arc::new(StunProbe::new(&config.stun)),
                ProbeKind::Clock => Arc::new(ClockProbe::new(&config.clock)),
                // Config lists it only when a key and an address are given.
                ProbeKind::AdminApi => Arc::new(AdminApiProbe::new(
                    &config.twingate.admin_api()?,
                    config.storage_path.as_deref(),
                )),
            })
        })
        .collect()
}

/// Serves until SIGTERM or SIGINT.
pub async fn run(config: Config) -> anyhow::Result<()> {
    let probes = probes(&config);
    let kinds: Vec<_> = probes.iter().map(|p| p.kind()).collect();
    let sampler = Sampler::new(&kinds, config.clock.tolerance);
    sampler.set_exporter_metrics(config.web.exporter_metrics);
    let mut listeners = Vec::new();
    if config.web.systemd_socket {
        for listener in systemd::listeners()? {
            listener.set_nonblocking(true)?;
            listeners.push(TcpListener::from_std(listener)?);
        }
    } else {
        for address in &config.web.listen_addresses {
            listeners.push(bind(*address).await?);
        }
    }
    for listener in &listeners {
        tracing::info!(address = %listener.local_addr()?, "listening");
    }
    let web =
        Arc::new(WebState::load(config.web.config_file.as_deref()).context("web config file")?);
    tracing::info!(settings = %web.describe(), "web config");
    tokio::spawn(Arc::clone(&web).watch());
    let _probe_tasks = sampler.start(probes);
    let server = Arc::new(Server {
        sampler,
        telemetry_path: config.web.telemetry_path.clone(),
        limits: Limits {
            max_connections: config.web.max_connections,
            header_read_timeout: config.web.header_read_timeout,
            idle_timeout: config.web.idle_timeout,
            max_header_bytes: config.web.max_header_bytes,
        },
        web,
    });
    server.serve(listeners, shutdown_signal()).await;
    tracing::info!("stopped");
    Ok(())
}

async fn bind(address: ListenAddress) -> anyhow::Result<TcpListener> {
    match address {
        ListenAddress::Socket(addr) => listen(addr).with_context(|| format!("listening on {addr}")),
        ListenAddress::AllInterfaces(port) => {
            // [::] also takes IPv4 on Linux; fall back to 0.0.0.0 where IPv6 is off.
            let v6 = SocketAddr::from((Ipv6Addr::UNSPECIFIED, port));
            match listen(v6) {
                Ok(listener) => Ok(listener),
                Err(_) => listen(SocketAddr::from((Ipv4Addr::UNSPECIFIED, port)))
                    .with_context(|| format!("listening on :{port}")),
            }
        }
    }
}

/// A deeper accept queue than the usual 128: past it the kernel drops
/// SYNs and clients retry after a second, so a burst of connections (a
/// restarted Prometheus, or a flood) would stall a scrape for that long.
fn listen(addr: SocketAddr) -> std::io::Result<TcpListener> {
    let socket = if addr.is_ipv4() {
        tokio::net::TcpSocket::new_v4()?
    } else {
        tokio::net::TcpSocket::new_v6()?
    };
    socket.set_reuseaddr(true)?;
    socket.bind(addr)?;
    socket.listen(4096)
}

async fn shutdown_signal() {
    use tokio::signal::unix::{SignalKind, signal};
    let term = signal(SignalKind::terminate());
    let interrupt = signal(SignalKind::interrupt());
    match (term, interrupt) {
        (Ok(mut term), Ok(mut interrupt)) => {
            tokio::select! {
                _ = term.recv() => tracing::info!("SIGTERM received, shutting down"),
                _ = interrupt.recv() => tracing::info!("SIGINT received, shutting down"),
            }
        }
        _ => {
            tracing::warn!("cannot watch signals; stop with SIGKILL");
            std::future::pending::<()>().await;
        }
    }
}

/// glibc gives every thread that allocates its own arena, and each one keeps
/// freed pages resident. The exporter allocates little and rarely, so one
/// shared arena costs no measurable speed and keeps RSS flat under load.
pub fn tune_allocator() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only changes a malloc tunable; called before any thread starts.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 1);
    }
}
