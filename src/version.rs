//! Build facts, for `--version` and `connector_exporter_build_info`.

pub const VERSION: &str = env!("CARGO_PKG_VERSION");
pub const REVISION: &str = env!("CONNECTOR_EXPORTER_REVISION");
pub const RUSTC_VERSION: &str = env!("CONNECTOR_EXPORTER_RUSTC");
pub const BUILD_DATE: &str = env!("CONNECTOR_EXPORTER_BUILD_DATE");

/// The same layout as the Prometheus exporters' `--version`, so that
/// fleet tooling that reads theirs reads this one too.
pub fn long() -> String {
    format!(
        "connector-exporter, version {VERSION} (revision: {REVISION})\n  build date:       {BUILD_DATE}\n  rustc version:    {RUSTC_VERSION}\n  platform:         {}/{}\n",
        std::env::consts::OS,
        std::env::consts::ARCH,
    )
}
