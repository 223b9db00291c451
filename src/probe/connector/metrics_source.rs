//! The connector's own metrics endpoint (`TWINGATE_METRICS_PORT`), fetched
//! each round with a timeout and parsed as Prometheus text.

use std::time::Duration;

use bytes::Bytes;
use http_body_util::{BodyExt, Empty, LengthLimitError, Limited};
use hyper::Request;
use hyper::header::{ACCEPT, HOST, USER_AGENT};
use hyper_util::rt::TokioIo;

use super::text_format::{self, Page};
use crate::config::parse_server;
use crate::probe::{Failure, Reason};
use crate::tcp::{ConnectError, connect_tcp};

/// The metric whose presence the connector's page is read for.
pub const UPTIME_METRIC: &str = "twingate_connector_uptime_seconds";

/// A connector's page is a few kilobytes; this only stops a runaway (a
/// page that would not fit is cut off here, not read to its end).
pub const MAX_BODY: usize = 4 << 20;

/// The connector's uptime from its page; `None` when the page does not
/// have a usable one.
pub fn uptime(page: &Page) -> Option<f64> {
    page.samples
        .iter()
        .find(|s| s.name == UPTIME_METRIC)
        .map(|s| s.value)
        .filter(|v| v.is_finite() && *v >= 0.0)
}

pub struct MetricsSource {
    url: String,
    host: String,
    port: u16,
    /// Host header: the authority as written in the URL.
    authority: String,
    path: String,
}

/// Why the page could not be had.
#[derive(Debug)]
pub enum FetchError {
    /// Nothing listens there: the connector's endpoint is not up.
    Refused(Failure),
    /// Anything else: slow, garbage, an error status.
    Failed(Failure),
}

impl MetricsSource {
    /// `url` as validated by the configuration: `http://host[:port][/path]`.
    pub fn new(url: &str) -> Result<MetricsSource, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("{url:?} is not an http:// URL"))?;
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        let server = parse_server(authority, 80).map_err(|e| format!("{url:?}: {e}"))?;
        let path = match path {
            "" => "/".to_owned(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_owned(),
        };
        Ok(MetricsSource {
            url: url.to_owned(),
            host: server.host,
            port: server.port,
            authority: authority.to_owned(),
            path,
        })
    }

    pub fn url(&self) -> &str {
        &self.url
    }

    /// The connector's page, parsed whole.
    pub async fn read(&self, timeout: Duration) -> Result<Page, FetchError> {
        let body = match tokio::time::timeout(timeout, self.fetch()).await {
            Ok(result) => result?,
            Err(_) => {
                return Err(FetchError::Failed(Failure::new(
                    Reason::Timeout,
                    format!("{} did not answer within {timeout:?}", self.url),
                )));
            }
        };
        let malformed = |m: String| FetchError::Failed(Failure::new(Reason::Malformed, m));
        let text = std::str::from_utf8(&body)
            .map_err(|e| malformed(format!("{}: not UTF-8 text: {e}", self.url)))?;
        text_format::parse_page(text).map_err(|e| malformed(format!("{}: {e}", self.url)))
    }

    async fn fetch(&self) -> Result<Bytes, FetchError> {
        let failed = |reason, m: String| FetchError::Failed(Failure::new(reason, m));
        let stream = connect_tcp(&self.host, self.port)
            .await
            .map_err(|e| match e {
                ConnectError::Resolve(failure) => FetchError::Failed(failure),
                ConnectError::Connect(e) => {
                    let failure = Failure::from_io(&format!("connecting to {}", self.url), &e);
                    match e.kind() {
                        std::io::ErrorKind::ConnectionRefused => FetchError::Refused(failure),
                        _ => FetchError::Failed(failure),
                    }
                }
            })?;
        let http = |e: hyper::Error| {
            let reason = if e.is_parse() {
                Reason::Malformed
            } else {
                Reason::Unreachable
            };
            failed(reason, format!("{}: {e}", self.url))
        };
        let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
            .await
            .map_err(http)?;
        // The connection is driven on its own task; the guard stops it when
        // this round is over or cut off.
        let driver = AbortOnDrop(tokio::spawn(connection));
        let request = Request::get(&self.path)
            .header(HOST, &self.authority)
            // Ask for the classic text format, which is what we parse.
            .header(ACCEPT, "text/plain;version=0.0.4")
            .header(
                USER_AGENT,
                concat!("connector-exporter/", env!("CARGO_PKG_VERSION")),
            )
            .body(Empty::<Bytes>::new())
            .map_err(|e| failed(Reason::Io, format!("building the request: {e}")))?;
        let response = sender.send_request(request).await.map_err(http)?;
        let status = response.status();
        if !status.is_success() {
            return Err(failed(
                Reason::ErrorResponse,
                format!("{} answered {status}", self.url),
            ));
        }
        let body = Limited::new(response.into_body(), MAX_BODY)
            .collect()
            .await
            .map_err(|e| {
                let message = if e.is::<LengthLimitError>() {
                    format!(
                        "{}: page larger than {} MiB, cut off",
                        self.url,
                        MAX_BODY >> 20
                    )
                } else {
                    format!("{}: body: {e}", self.url)
                };
                failed(Reason::Malformed, message)
            })?
            .to_bytes();
        drop(driver);
        Ok(body)
    }
}

struct AbortOnDrop<T>(tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_split_into_address_and_path() {
        let s = MetricsSource::new("http://127.0.0.1:9999/metrics").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.path.as_str()),
            ("127.0.0.1", 9999, "/metrics")
        );
        assert_eq!(s.authority, "127.0.0.1:9999");
        let s = MetricsSource::new("http://[::1]:9999").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.path.as_str()),
            ("::1", 9999, "/")
        );
        let s = MetricsSource::new("http://connector?x=1#frag").unwrap();
        assert_eq!(
            (s.host.as_str(), s.port, s.path.as_str()),
            ("connector", 80, "/?x=1")
        );
        assert!(MetricsSource::new("https://x/").is_err());
        assert!(MetricsSource::new("http:///metrics").is_err());
    }
}
