//! A simulated fleet of connector hosts on one loopback port, for `make bench-fleet` and for
//! trying a fleet setup by hand. Each exporter's exposition is rendered by the exporter's own
//! metrics code from synthetic probe reports (tests/common/fleet.rs), seeded and moving over time.
//!
//! ```text
//! fleet-sim [--connectors N] [--sites S] [--seed X] [--listen ADDR] [--file-sd-dir DIR]
//!           [--speed F] [--fault I=500|hang]...
//! ```
//!
//! Targets are `ADDR/exporter/<i>/metrics`; with `--file-sd-dir` it writes `<site>.json` there for
//! Prometheus' `file_sd_configs`. Loopback only by intent: it answers whoever asks.

#[path = "../tests/common"]
mod common {
    pub mod fleet;
    pub mod fleet_server;
}

use std::path::PathBuf;

use anyhow::{Context as _, bail};
use common::fleet::Fleet;
use common::fleet_server::{Fault, State, serve, unix_now, write_file_sd};

struct Args {
    connectors: usize,
    sites: usize,
    seed: u64,
    listen: String,
    file_sd_dir: Option<PathBuf>,
    speed: f64,
    faults: Vec<(usize, Fault)>,
}

fn parse() -> anyhow::Result<Args> {
    let mut args = Args {
        connectors: 1000,
        sites: 10,
        seed: 1,
        listen: "127.0.0.1:9900".into(),
        file_sd_dir: None,
        speed: 1.0,
        faults: Vec::new(),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--connectors" => args.connectors = value()?.parse().context("--connectors")?,
            "--sites" => args.sites = value()?.parse().context("--sites")?,
            "--seed" => args.seed = value()?.parse().context("--seed")?,
            "--listen" => args.listen = value()?,
            "--file-sd-dir" => args.file_sd_dir = Some(value()?.into()),
            "--speed" => args.speed = value()?.parse().context("--speed")?,
            "--fault" => {
                let v = value()?;
                let (i, mode) = v.split_once('=').context("--fault takes I=500|hang")?;
                let fault = Fault::parse(mode).context("--fault mode is 500 or hang")?;
                args.faults
                    .push((i.parse().context("--fault index")?, fault));
            }
            other => bail!("unknown flag {other}"),
        }
    }
    Ok(args)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 1)]
async fn main() -> anyhow::Result<()> {
    let args = parse()?;
    let fleet =
        Fleet::new(args.seed, args.connectors, args.sites, unix_now()).with_speed(args.speed);
    let listener = tokio::net::TcpListener::bind(&args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let addr = listener.local_addr()?;
    if let Some(dir) = &args.file_sd_dir {
        std::fs::create_dir_all(dir)?;
        for (site, path) in write_file_sd(&fleet, addr, dir) {
            eprintln!("site {site}: {}", path.display());
        }
    }
    let state = State::new(fleet);
    for (i, fault) in args.faults {
        state.set_fault(i, Some(fault));
    }
    println!("listening on {addr}");
    eprintln!(
        "{} connectors at http://{addr}/exporter/<0..{}>/metrics",
        args.connectors, args.connectors
    );
    serve(listener, state).await;
    Ok(())
}
