//! Real peers and helpers shared by the integration tests.
#![allow(dead_code)]

pub mod exporter;
pub mod http;
pub mod metrics;
pub mod ntp;
