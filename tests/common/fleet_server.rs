//! Serves a simulated fleet over HTTP: connector `i`'s exporter at `/exporter/<i>/metrics` on one
//! loopback port, with the exporter's own content negotiation (OpenMetrics or text, gzip or not),
//! and `file_sd` files that give each target its `instance`, `site` and `remote_network` labels.
//! One exporter can be made to answer 500 or to hang, while the others keep answering.
//!
//! Shared by the fleet tests and `examples/fleet-sim.rs`; depends on `fleet.rs` beside it.
#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;

use connector_exporter::server::metrics_response;

use super::fleet::Fleet;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Answers 500 Internal Server Error.
    Error,
    /// Accepts the request and never answers.
    Hang,
}

impl Fault {
    pub fn parse(text: &str) -> Option<Fault> {
        match text {
            "500" | "error" => Some(Fault::Error),
            "hang" => Some(Fault::Hang),
            _ => None,
        }
    }
}

pub fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs_f64())
        .unwrap_or(0.0)
}

pub struct State {
    pub fleet: Fleet,
    faults: Mutex<HashMap<usize, Fault>>,
}

impl State {
    pub fn new(fleet: Fleet) -> Arc<State> {
        Arc::new(State {
            fleet,
            faults: Mutex::new(HashMap::new()),
        })
    }

    pub fn set_fault(&self, i: usize, fault: Option<Fault>) {
        let mut faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
        match fault {
            Some(f) => faults.insert(i, f),
            None => faults.remove(&i),
        };
    }

    fn fault(&self, i: usize) -> Option<Fault> {
        let faults = self.faults.lock().unwrap_or_else(PoisonError::into_inner);
        faults.get(&i).copied()
    }

    fn answer(&self, req: &Request<Incoming>) -> Response<Full<Bytes>> {
        let index = req
            .uri()
            .path()
            .strip_prefix("/exporter/")
            .and_then(|rest| rest.strip_suffix("/metrics"))
            .and_then(|i| i.parse::<usize>().ok())
            .filter(|&i| i < self.fleet.hosts.len());
        let Some(i) = index else {
            return plain(StatusCode::NOT_FOUND, "no such exporter\n");
        };
        if self.fault(i) == Some(Fault::Error) {
            return plain(StatusCode::INTERNAL_SERVER_ERROR, "simulated failure\n");
        }
        metrics_response(&self.fleet.render(i, unix_now()), req.headers())
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response
}

/// Serves until the task is dropped.
pub async fn serve(listener: tokio::net::TcpListener, state: Arc<State>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            tokio::time::sleep(Duration::from_millis(10)).await;
            continue;
        };
        let state = Arc::clone(&state);
        tokio::spawn(async move {
            let service = hyper::service::service_fn(move |req: Request<Incoming>| {
                let state = Arc::clone(&state);
                async move {
                    let path = req.uri().path().to_owned();
                    let hang = path
                        .strip_prefix("/exporter/")
                        .and_then(|r| r.strip_suffix("/metrics"))
                        .and_then(|i| i.parse::<usize>().ok())
                        .is_some_and(|i| state.fault(i) == Some(Fault::Hang));
                    if hang {
                        // Longer than any scrape timeout; the scraper gives up first.
                        tokio::time::sleep(Duration::from_secs(600)).await;
                    }
                    Ok::<_, Infallible>(state.answer(&req))
                }
            });
            let _ = hyper::server::conn::http1::Builder::new()
                .serve_connection(TokioIo::new(stream), service)
                .await;
        });
    }
}

/// Writes one `file_sd` file per site into `dir` (`<site>.json`), every target at `addr` with its
/// own metrics path and the labels a fleet deployment gives it. Returns the files by site.
pub fn write_file_sd(fleet: &Fleet, addr: SocketAddr, dir: &Path) -> BTreeMap<String, PathBuf> {
    let mut by_site: BTreeMap<String, Vec<serde_json::Value>> = BTreeMap::new();
    for (i, h) in fleet.hosts.iter().enumerate() {
        by_site
            .entry(h.site.to_owned())
            .or_default()
            .push(serde_json::json!({
                "targets": [addr.to_string()],
                "labels": {
                    "__metrics_path__": format!("/exporter/{i}/metrics"),
                    "instance": fleet.instance(i),
                    "site": h.site,
                    "remote_network": h.remote_network,
                }
            }));
    }
    by_site
        .into_iter()
        .map(|(site, targets)| {
            let path = dir.join(format!("{site}.json"));
            let text = serde_json::to_string_pretty(&targets).unwrap_or_default();
            if let Err(e) = std::fs::write(&path, text) {
                panic!("cannot write {}: {e}", path.display());
            }
            (site, path)
        })
        .collect()
}

/// A fleet served from a background thread, for tests.
pub struct FleetServer {
    pub addr: SocketAddr,
    pub state: Arc<State>,
    _runtime: tokio::runtime::Runtime,
}

impl FleetServer {
    pub fn start(fleet: Fleet) -> FleetServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("tokio runtime");
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local address");
        let state = State::new(fleet);
        runtime.spawn(serve(listener, Arc::clone(&state)));
        FleetServer {
            addr,
            state,
            _runtime: runtime,
        }
    }
}
