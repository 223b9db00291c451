mod common;
use std::time::Duration;

use common::exporter::Exporter;

#[test]
fn host_probe_round_shows_up() {
    let e = Exporter::start(&["--host.interval=200ms"]);
    let m = e.wait_rounds("host", 2, Duration::from_secs(10));
    assert_eq!(
        m.get("connector_probe_success", &[("probe", "host")]),
        Some(1.0)
    );
}
