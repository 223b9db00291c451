//! HTTP: answers scrapes from what the sampler already rendered.

use std::convert::Infallible;
use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use http_body_util::Full;
use hyper::body::Incoming;
use hyper::header::{self, HeaderValue};
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::metrics::{OPENMETRICS_CONTENT_TYPE, TEXT_CONTENT_TYPE};
use crate::sampler::{Sampler, unix_now};
use crate::status::{self, Status};

pub struct Server {
    pub sampler: Arc<Sampler>,
    pub telemetry_path: String,
    pub max_connections: usize,
    pub header_read_timeout: Duration,
}

type Body = Full<Bytes>;

impl Server {
    /// Serves every listener until `shutdown` resolves, then lets requests in
    /// flight finish (for at most a few seconds).
    pub async fn serve(
        self: Arc<Self>,
        listeners: Vec<TcpListener>,
        shutdown: impl Future<Output = ()>,
    ) {
        let graceful = Arc::new(GracefulShutdown::new());
        let permits = Arc::new(Semaphore::new(self.max_connections));
        let mut accepting = tokio::task::JoinSet::new();
        for listener in listeners {
            let server = Arc::clone(&self);
            let graceful = Arc::clone(&graceful);
            let permits = Arc::clone(&permits);
            accepting.spawn(async move { server.accept_loop(listener, permits, graceful).await });
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

    async fn accept_loop(
        self: Arc<Self>,
        listener: TcpListener,
        permits: Arc<Semaphore>,
        graceful: Arc<GracefulShutdown>,
    ) {
        let mut builder = auto::Builder::new(TokioExecutor::new());
        // Without a timer hyper silently ignores header_read_timeout.
        builder
            .http1()
            .timer(TokioTimer::new())
            .header_read_timeout(self.header_read_timeout);
        builder.http2().timer(TokioTimer::new());
        loop {
            // Take the permit before accepting: past the cap, clients wait in
            // the kernel's backlog instead of costing us memory.
            let Ok(permit) = Arc::clone(&permits).acquire_owned().await else {
                return;
            };
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Usually EMFILE: back off rather than spin.
                    tracing::warn!("accept failed: {e}");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            };
            let server = Arc::clone(&self);
            let service = hyper::service::service_fn(move |req| {
                let server = Arc::clone(&server);
                async move { Ok::<_, Infallible>(server.route(&req, peer)) }
            });
            let connection = builder
                .serve_connection(TokioIo::new(stream), service)
                .into_owned();
            let connection = graceful.watch(connection);
            tokio::spawn(async move {
                if let Err(e) = connection.await {
                    tracing::debug!(%peer, "connection ended: {e}");
                }
                drop(permit);
            });
        }
    }

    fn route(&self, req: &Request<Incoming>, _peer: SocketAddr) -> Response<Body> {
        let path = req.uri().path();
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
        let published = self.sampler.latest();
        let exposition = &published.exposition;
        let openmetrics = header_has(req, header::ACCEPT, "application/openmetrics-text");
        let gzip = header_has(req, header::ACCEPT_ENCODING, "gzip");
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

/// Whether a list-valued header names `token` without refusing it (`q=0`).
fn header_has(req: &Request<Incoming>, name: header::HeaderName, token: &str) -> bool {
    req.headers()
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
