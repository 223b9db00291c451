//! Real peers and helpers shared by the integration tests.
#![allow(dead_code)]

pub mod alerting;
pub mod certs;
pub mod check;
pub mod chromium;
pub mod connector;
pub mod connector_page;
pub mod coturn;
pub mod dashboards;
pub mod exporter;
pub mod fleet;
pub mod fleet_server;
pub mod fleet_stores;
pub mod graphql;
pub mod http;
pub mod https_date;
pub mod metrics;
pub mod netns;
pub mod ntp;
pub mod peers;
pub mod prometheus;
pub mod promql;
pub mod reports;
pub mod stun_server;
