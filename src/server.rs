//! HTTP: answers scrapes from what the sampler already rendered.

use std::convert::Infallible;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderMap, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;

use crate::metrics::{Exposition, OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE};
use crate::sampler::{Sampler, unix_now};
use crate::status::{self, Status};
use crate::web_config::{WebSettings, WebState};

mod limits;

pub use limits::Limits;
use limits::{TrackedBody, Tracker, Watched};

pub struct Server {
    pub sampler: Arc<Sampler>,
    pub telemetry_path: String,
    pub limits: Limits,
    pub web: Arc<WebState>,
}

type Body = Full<Bytes>;

/// Liveness and readiness stay answerable without credentials so that
/// container and orchestrator probes work with basic auth on (a kubelet
/// probe cannot read a password from a Secret); they tell nothing but "the
/// process serves" and "every probe finished a round".
const UNAUTHENTICATED_PATHS: [&str; 2] = ["/-/healthy", "/-/ready"];

impl Server {
    /// Serves every listener until `shutdown` resolves, then lets requests in
    /// flight finish (for at most a few seconds).
    pub async fn serve(
        self: Arc<Self>,
        listeners: Vec<TcpListener>,
        shutdown: impl Future<Output = ()>,
    ) {
        let mut limits = self.limits;
        // Each connection is a descriptor; keep some for probes and files.
        if let Some(available) = limits::raise_fd_limit() {
            let room = usize::try_from(available.saturating_sub(64)).unwrap_or(usize::MAX);
            if limits.max_connections > room {
                tracing::warn!(
                    requested = limits.max_connections,
                    allowed = room.max(1),
                    "open file limit too low for web.max-connections; lowering the cap"
                );
                limits.max_connections = room.max(1);
            }
        }
        let tracker = Tracker::new(limits);
        let graceful = Arc::new(GracefulShutdown::new());
        let mut accepting = tokio::task::JoinSet::new();
        for listener in listeners {
            let server = Arc::clone(&self);
            let graceful = Arc::clone(&graceful);
            let tracker = Arc::clone(&tracker);
            accepting.spawn(async move { server.accept_loop(listener, tracker, graceful).await });
        }
        shutdown.await;
        accepting.shutdown().await;
        match Arc::try_unwrap(graceful) {
            Ok(graceful) => {
                if tokio::time::timeout(Duration::from_secs(5), graceful.shutdown())
                    .await
                    .is_err()
                {
                    tracing::warn!("connections still open after 5s; closing them");
                }
            }
            Err(_) => tracing::warn!("accept loops did not stop cleanly"),
        }
    }

    fn builder(&self, http2: bool) -> auto::Builder<TokioExecutor> {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        if !http2 {
            builder = builder.http1_only();
        }
        // hyper's header_read_timeout is off on purpose: it also cuts idle
        // keep-alive connections at the header timeout, and it does not
        // cover the TLS handshake or protocol sniffing. limits.rs bounds
        // all of those. The timer is still needed for HTTP/2.
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(None)
            .max_buf_size(self.limits.max_header_bytes.max(8192));
        builder
            .http2()
            .timer(TokioTimer::new())
            .max_header_list_size(u32::try_from(self.limits.max_header_bytes).unwrap_or(u32::MAX));
        builder
    }

    async fn accept_loop(
        self: Arc<Self>,
        listener: TcpListener,
        tracker: Arc<Tracker>,
        graceful: Arc<GracefulShutdown>,
    ) {
        let both = Arc::new(self.builder(true));
        let http1 = Arc::new(self.builder(false));
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Usually EMFILE: back off rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let Some(admission) = tracker.admit() else {
                tracing::debug!(%peer, "every connection slot is serving; refusing");
                continue;
            };
            // One snapshot per connection: a reload applies to the next one.
            let settings = self.web.current();
            let builder = Arc::clone(if settings.http2 { &both } else { &http1 });
            let server = Arc::clone(&self);
            let graceful = Arc::clone(&graceful);
            tokio::spawn(async move {
                let activity = Arc::clone(&admission.activity);
                let io = Watched::new(stream, Arc::clone(&activity));
                let service = {
                    let settings = Arc::clone(&settings);
                    let activity = Arc::clone(&activity);
                    hyper::service::service_fn(move |req| {
                        let request = activity.request_started();
                        let server = Arc::clone(&server);
                        let settings = Arc::clone(&settings);
                        async move {
                            let response = server.handle(&settings, req).await;
                            Ok::<_, Infallible>(
                                response.map(|body| TrackedBody::new(body, request)),
                            )
                        }
                    })
                };
                let served = activity
                    .guard(async {
                        match &settings.tls {
                            Some(acceptor) => {
                                let tls = match acceptor.accept(io).await {
                                    Ok(tls) => tls,
                                    Err(e) => {
                                        tracing::debug!(%peer, "TLS handshake failed: {e}");
                                        return Ok(());
                                    }
                                };
                                let connection =
                                    builder.serve_connection(TokioIo::new(tls), service);
                                graceful.watch(connection.into_owned()).await
                            }
                            None => {
                                let connection =
                                    builder.serve_connection(TokioIo::new(io), service);
                                graceful.watch(connection.into_owned()).await
                            }
                        }
                    })
                    .await;
                match served {
                    Some(Err(e)) => tracing::debug!(%peer, "connection ended: {e}"),
                    Some(Ok(())) => {}
                    None => tracing::debug!(%peer, "connection closed: timeout or room needed"),
                }
                drop(admission);
            });
        }
    }

    /// Basic auth, then the route, then the configured headers on whatever
    /// the answer is (401 included, as in the toolkit).
    async fn handle(&self, settings: &WebSettings, req: Request<Incoming>) -> Response<Body> {
        let path = req.uri().path();
        let mut response = match &settings.auth {
            Some(auth)
                if !UNAUTHENTICATED_PATHS.contains(&path)
                    && !auth.allows(req.headers().get(header::AUTHORIZATION)).await =>
            {
                let mut response = plain(StatusCode::UNAUTHORIZED, "Unauthorized\n");
                response
                    .headers_mut()
                    .insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Basic"));
                response
            }
            _ => self.route(&req, path),
        };
        for (name, value) in &settings.headers {
            response.headers_mut().insert(name.clone(), value.clone());
        }
        response
    }

    fn route(&self, req: &Request<Incoming>, path: &str) -> Response<Body> {
        let known = path == self.telemetry_path
            || matches!(path, "/" | "/-/healthy" | "/-/ready" | status::API_PATH);
        if !known {
            return plain(StatusCode::NOT_FOUND, "not found\n");
        }
        if req.method() != Method::GET && req.method() != Method::HEAD {
            let mut response = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
            response
                .headers_mut()
                .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
            return response;
        }
        match path {
            "/-/healthy" => plain(StatusCode::OK, "OK\n"),
            "/-/ready" => {
                if self.sampler.latest().snapshot.ready() {
                    plain(StatusCode::OK, "OK\n")
                } else {
                    plain(
                        StatusCode::SERVICE_UNAVAILABLE,
                        "not ready: some probes have not finished their first round\n",
                    )
                }
            }
            "/" => self.status_page(),
            status::API_PATH => self.status_json(),
            _ => self.metrics(req),
        }
    }

    fn metrics(&self, req: &Request<Incoming>) -> Response<Body> {
        metrics_response(&self.sampler.latest().exposition, req.headers())
    }

    fn status_page(&self) -> Response<Body> {
        let published = self.sampler.latest();
        let status = Status::new(&published.snapshot, unix_now());
        let page = status::render_html(&status, &self.telemetry_path);
        let mut response = Response::new(Full::new(Bytes::from(page)));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/html; charset=utf-8"),
        );
        // The page has no script and loads nothing: should escaping ever
        // miss, the browser still refuses to run what slipped through.
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(
                "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
            ),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }

    fn status_json(&self) -> Response<Body> {
        let published = self.sampler.latest();
        let status = Status::new(&published.snapshot, unix_now());
        let mut response = Response::new(Full::new(Bytes::from(status.to_json())));
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
        response
    }
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut response = Response::new(Full::new(Bytes::from_static(text.as_bytes())));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// The form of `exposition` a scrape's `Accept` and `Accept-Encoding` ask for, as a response.
/// Public so that the fleet simulator (examples/fleet-sim.rs) answers scrapes as the exporter does.
pub fn metrics_response(exposition: &Exposition, headers: &HeaderMap) -> Response<Body> {
    let openmetrics = header_has(headers, header::ACCEPT, "application/openmetrics-text");
    let gzip = header_has(headers, header::ACCEPT_ENCODING, "gzip");
    let (body, content_type) = match (openmetrics, gzip) {
        (true, true) => (&exposition.openmetrics_gzip, OPENMETRICS_CONTENT_TYPE),
        (true, false) => (&exposition.openmetrics, OPENMETRICS_CONTENT_TYPE),
        (false, true) => (&exposition.text_gzip, TEXT_CONTENT_TYPE),
        (false, false) => (&exposition.text, TEXT_CONTENT_TYPE),
    };
    let mut response = Response::new(Full::new(body.clone()));
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    headers.insert(
        header::VARY,
        HeaderValue::from_static("Accept, Accept-Encoding"),
    );
    if gzip {
        headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
    }
    response
}

/// Whether a list-valued header names `token` without refusing it (`q=0`).
fn header_has(headers: &HeaderMap, name: header::HeaderName, token: &str) -> bool {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';').map(str::trim);
            let matches = parts.next().is_some_and(|t| t.eq_ignore_ascii_case(token));
            let refused = parts.any(|p| {
                p.strip_prefix("q=")
                    .and_then(|q| q.parse::<f32>().ok())
                    .is_some_and(|q| q == 0.0)
            });
            matches && !refused
        })
}
