//! Real peers and helpers shared by the integration tests.
#![allow(dead_code)]

pub mod check;
pub mod chromium;
pub mod connector;
pub mod exporter;
pub mod http;
pub mod metrics;
pub mod prometheus;
pub mod reports;
