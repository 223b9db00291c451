//! Every real peer at once, so the exporter shows every family it can:
//! two honest NTP servers and one that spoofs (so failures are counted),
//! coturn on loopback, a running fake connector and its metrics endpoint
//! with traffic moving.

use super::connector::{ConnectorMetrics, FakeConnector};
use super::coturn::Coturn;
use super::ntp::{Behaviour, NtpServer};

pub struct Peers {
    pub clocks: [NtpServer; 2],
    pub spoofing_clock: NtpServer,
    pub coturn: Coturn,
    pub connector: FakeConnector,
    pub connector_metrics: ConnectorMetrics,
}

impl Peers {
    pub fn start() -> Peers {
        let mut connector = FakeConnector::new();
        connector.start();
        let connector_metrics = ConnectorMetrics::start(3600.0);
        // Traffic that moves, a quarter of it peer-to-peer, so the
        // traffic series and the direct ratio are there too.
        connector_metrics.set_traffic(4.0 * 1024.0 * 1024.0, 0.25);
        Peers {
            clocks: [NtpServer::honest(0.0), NtpServer::honest(0.0)],
            spoofing_clock: NtpServer::hostile(Behaviour::WrongOrigin),
            coturn: Coturn::start_loopback(),
            connector,
            connector_metrics,
        }
    }

    /// Both honest servers' clocks run `seconds` ahead of ours.
    pub fn set_clock_offset(&self, seconds: f64) {
        for clock in &self.clocks {
            clock.set_offset(seconds);
        }
    }

    /// Exporter flags pointing every probe at these peers, with 1 s rounds.
    pub fn args(&self) -> Vec<String> {
        let mut args: Vec<String> = self.clocks.iter().map(NtpServer::flag).collect();
        args.push(self.spoofing_clock.flag());
        args.extend([
            format!("--stun.server={}", self.coturn.primary),
            self.connector.flag(),
            self.connector_metrics.flag(),
            "--connector.systemd-unit=".to_owned(),
            "--host.include-loopback".to_owned(),
        ]);
        for probe in ["clock", "stun", "connector", "host"] {
            args.push(format!("--{probe}.interval=1s"));
        }
        args.extend(["--clock.timeout=1s", "--stun.timeout=2s"].map(String::from));
        args
    }
}
