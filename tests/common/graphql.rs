//! A test Admin API: a real HTTPS server (hyper + rustls, certificates from
//! `certs.rs`) answering the connectors query from a fixture, page by page,
//! or misbehaving on purpose in each way the probe must survive.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http_body_util::{BodyExt, Full};
use hyper::body::Incoming;
use hyper::service::service_fn;
use hyper::{Request, Response, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use serde_json::{Value, json};

use super::certs::Certs;
use super::exporter::Exporter;

pub const KEY: &str = "tgk-TEST-9f8e7d6c5b4a-SECRET";
pub const PATH: &str = "/api/graphql/";

/// How the server answers.
#[derive(Clone, Debug, PartialEq)]
pub enum Mode {
    Honest,
    /// This status for every request (401, 403, 500, 503…).
    Status(u16),
    /// 429 for the next `times` requests, with this Retry-After if any
    /// (`date+N` is sent as the HTTP date N seconds after the answer).
    RateLimited {
        retry_after: Option<String>,
        times: usize,
    },
    NotJson,
    /// HTTP 200 with a GraphQL `errors` array; the message quotes the key
    /// the request carried, as a careless server might.
    GraphqlErrors,
    DataNull,
    /// hasNextPage for ever, always the same cursor.
    StuckCursor,
    /// hasNextPage for ever, a new cursor each time.
    EndlessCursor,
    /// A body past 16 MiB.
    Huge,
    /// Accepts, reads the request, never answers.
    Silent,
}

#[derive(Clone, Debug)]
pub struct Seen {
    pub at: Instant,
    pub key: Option<String>,
    pub after: Option<String>,
    pub first: Option<u64>,
}

struct State {
    mode: Mode,
    fleet: Vec<Value>,
    seen: Vec<Seen>,
}

pub struct GraphqlServer {
    pub addr: SocketAddr,
    state: Arc<Mutex<State>>,
    runtime: Option<tokio::runtime::Runtime>,
}

/// One fixture connector, as the API spells it.
pub fn connector(i: usize, name: &str, state: &str, network: usize) -> Value {
    let heartbeat = match state {
        "DEAD_NO_HEARTBEAT" => Value::Null,
        "DEAD_HEARTBEAT_TOO_OLD" | "DEAD_NO_RELAYS" => json!("2026-11-30T23:00:00.000000+00:00"),
        _ => json!(iso_now()),
    };
    json!({
        "id": format!("Q29ubmVjdG9yOj{i:06}"),
        "name": name,
        "state": state,
        "lastHeartbeatAt": heartbeat,
        "hostname": format!("host-{name}"),
        "version": "1.80.0",
        "publicIP": format!("203.0.113.{}", i % 250 + 1),
        "privateIPs": [format!("10.{}.{}.{}", network % 250, (i / 250) % 250, i % 250 + 1)],
        "hasStatusNotificationsEnabled": true,
        "createdAt": "2026-01-01T00:00:00Z",
        "remoteNetwork": { "id": format!("UmVtb3RlTmV0d29yazo{network}"), "name": format!("network-{network}") },
    })
}

/// Five connectors in two remote networks: every state the API has, and
/// one it does not (kept as `unknown`). network-1 has only one ALIVE.
pub fn small_fleet() -> Vec<Value> {
    vec![
        connector(1, "alpha", "ALIVE", 1),
        connector(2, "bravo", "DEAD_NO_HEARTBEAT", 1),
        connector(3, "charlie", "DEAD_HEARTBEAT_TOO_OLD", 2),
        connector(4, "delta", "DEAD_NO_RELAYS", 2),
        connector(5, "echo", "HIBERNATING", 2),
    ]
}

/// `n` connectors cycling through the four states, 20 per remote network.
pub fn big_fleet(n: usize) -> Vec<Value> {
    let states = [
        "ALIVE",
        "DEAD_NO_HEARTBEAT",
        "DEAD_HEARTBEAT_TOO_OLD",
        "DEAD_NO_RELAYS",
    ];
    (0..n)
        .map(|i| connector(i, &format!("conn-{i:05}"), states[i % 4], i / 20))
        .collect()
}

fn iso_now() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let out = std::process::Command::new("date")
        .args(["-u", "-d", &format!("@{secs}"), "+%Y-%m-%dT%H:%M:%SZ"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

/// An Admin API poller: the real binary polling `server` every second, the test key in its
/// environment (the only way a key comes in besides a file), `extra` flags after.
pub fn start_poller(server: &GraphqlServer, certs: &Certs, extra: &[&str]) -> Exporter {
    let mut args = vec![
        format!("--twingate.api-url={}", server.url()),
        format!("--twingate.ca-file={}", certs.path_str("ca.crt")),
        "--twingate.interval=1s".to_owned(),
        "--twingate.timeout=1s".to_owned(),
    ];
    args.extend(extra.iter().map(|a| a.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut command = std::process::Command::new(super::exporter::binary());
    command.env("CONNECTOR_EXPORTER_TWINGATE_API_KEY", KEY);
    Exporter::start_with(command, &args)
}

impl GraphqlServer {
    pub fn start(certs: &Certs, fleet: Vec<Value>, mode: Mode) -> GraphqlServer {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .unwrap();
        let tls = server_tls(certs);
        let state = Arc::new(Mutex::new(State {
            mode,
            fleet,
            seen: Vec::new(),
        }));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .unwrap();
        let addr = listener.local_addr().unwrap();
        let shared = Arc::clone(&state);
        runtime.spawn(async move {
            let acceptor = tokio_rustls::TlsAcceptor::from(tls);
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                let acceptor = acceptor.clone();
                let state = Arc::clone(&shared);
                tokio::spawn(async move {
                    // A client that refuses our certificate ends here.
                    let Ok(stream) = acceptor.accept(tcp).await else {
                        return;
                    };
                    let service = service_fn(move |req| answer(Arc::clone(&state), req));
                    let _ = hyper::server::conn::http1::Builder::new()
                        .serve_connection(TokioIo::new(stream), service)
                        .await;
                });
            }
        });
        GraphqlServer {
            addr,
            state,
            runtime: Some(runtime),
        }
    }

    /// `https://127.0.0.1:PORT/api/graphql/`
    pub fn url(&self) -> String {
        format!("https://{}{PATH}", self.addr)
    }

    pub fn set_mode(&self, mode: Mode) {
        self.state.lock().unwrap().mode = mode;
    }

    pub fn set_fleet(&self, fleet: Vec<Value>) {
        self.state.lock().unwrap().fleet = fleet;
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.state.lock().unwrap().seen.clone()
    }

    pub fn requests(&self) -> usize {
        self.state.lock().unwrap().seen.len()
    }
}

impl Drop for GraphqlServer {
    fn drop(&mut self) {
        if let Some(rt) = self.runtime.take() {
            rt.shutdown_background();
        }
    }
}

fn server_tls(certs: &Certs) -> Arc<rustls::ServerConfig> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_file_iter(certs.path("server.crt"))
            .unwrap()
            .map(Result::unwrap)
            .collect();
    let key = PrivateKeyDer::from_pem_file(certs.path("server.key")).unwrap();
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
    Arc::new(config)
}

type Answer = Response<Full<Bytes>>;

fn reply(status: u16, body: impl Into<Bytes>) -> Answer {
    Response::builder()
        .status(status)
        .header("content-type", "application/json")
        .body(Full::new(body.into()))
        .unwrap()
}

async fn answer(state: Arc<Mutex<State>>, req: Request<Incoming>) -> Result<Answer, hyper::Error> {
    let key = req
        .headers()
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let right_request = req.method() == hyper::Method::POST && req.uri().path() == PATH;
    let body = req.into_body().collect().await?.to_bytes();
    let request: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
    let variables = &request["variables"];
    let after = variables["after"].as_str().map(str::to_owned);
    let first = variables["first"].as_u64();
    let (mode, page) = {
        let mut s = state.lock().unwrap();
        s.seen.push(Seen {
            at: Instant::now(),
            key: key.clone(),
            after: after.clone(),
            first,
        });
        let mode = s.mode.clone();
        if let Mode::RateLimited { retry_after, times } = &s.mode {
            s.mode = if *times > 1 {
                Mode::RateLimited {
                    retry_after: retry_after.clone(),
                    times: times - 1,
                }
            } else {
                Mode::Honest
            };
        }
        let page = page_of(&s.fleet, after.as_deref(), first.unwrap_or(50) as usize);
        (mode, page)
    };
    if !right_request {
        return Ok(reply(404, "{}"));
    }
    if key.as_deref() != Some(KEY) {
        return Ok(reply(401, r#"{"error":"invalid API key"}"#));
    }
    if !request["query"]
        .as_str()
        .is_some_and(|q| q.contains("connectors("))
    {
        return Ok(reply(400, r#"{"errors":[{"message":"no query"}]}"#));
    }
    Ok(match mode {
        Mode::Honest => reply(200, page.to_string()),
        Mode::Status(code) => reply(code, r#"{"message":"no"}"#),
        Mode::RateLimited { retry_after, .. } => {
            let mut r = reply(429, r#"{"message":"rate limited"}"#);
            if let Some(v) = retry_after {
                // `date+N`: an HTTP date N seconds from this answer.
                let v = match v.strip_prefix("date+").and_then(|n| n.parse().ok()) {
                    Some(n) => httpdate::fmt_http_date(
                        std::time::SystemTime::now() + Duration::from_secs(n),
                    ),
                    None => v,
                };
                r.headers_mut().insert("retry-after", v.parse().unwrap());
            }
            r
        }
        Mode::NotJson => Response::builder()
            .status(StatusCode::OK)
            .header("content-type", "text/html")
            .body(Full::new(Bytes::from_static(b"<html><body>Maintenance</body></html>")))
            .unwrap(),
        Mode::GraphqlErrors => reply(
            200,
            json!({"data": null, "errors": [{"message": format!("permission denied for key {}", key.unwrap_or_default())}]}).to_string(),
        ),
        Mode::DataNull => reply(200, r#"{"data":null}"#),
        Mode::StuckCursor => reply(200, connection(Vec::new(), true, Some("stuck".to_owned())).to_string()),
        Mode::EndlessCursor => {
            let n = after.as_deref().and_then(|a| a.strip_prefix("e")).and_then(|n| n.parse::<u64>().ok()).unwrap_or(0);
            reply(200, connection(Vec::new(), true, Some(format!("e{}", n + 1))).to_string())
        }
        Mode::Huge => {
            let mut body = br#"{"data":{"connectors":{"pageInfo":{"hasNextPage":false,"endCursor":null},"edges":[],"padding":""#.to_vec();
            body.resize(body.len() + (17 << 20), b'x');
            body.extend_from_slice(b"\"}}}");
            reply(200, body)
        }
        Mode::Silent => {
            std::future::pending::<()>().await;
            unreachable!()
        }
    })
}

fn connection(nodes: Vec<Value>, next: bool, cursor: Option<String>) -> Value {
    let edges: Vec<Value> = nodes
        .into_iter()
        .map(|n| json!({ "cursor": "x", "node": n }))
        .collect();
    json!({"data": {"connectors": {"pageInfo": {"hasNextPage": next, "endCursor": cursor}, "edges": edges}}})
}

fn page_of(fleet: &[Value], after: Option<&str>, first: usize) -> Value {
    let start = after
        .and_then(|a| a.strip_prefix("c"))
        .and_then(|n| n.parse::<usize>().ok())
        .unwrap_or(0)
        .min(fleet.len());
    let end = (start + first.max(1)).min(fleet.len());
    let next = end < fleet.len();
    connection(fleet[start..end].to_vec(), next, Some(format!("c{end}")))
}

/// Fails the test when `text` holds the key.
pub fn assert_no_key(what: &str, text: &str) {
    assert!(!text.contains(KEY), "{what} shows the API key:\n{text}");
    // A part of it would do harm too.
    assert!(
        !text.contains(&KEY[4..20]),
        "{what} shows part of the API key"
    );
}

/// Waits until `f` holds, up to `timeout`.
pub fn eventually(timeout: Duration, mut f: impl FnMut() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if f() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    f()
}
