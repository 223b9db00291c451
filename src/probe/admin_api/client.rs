//! POSTs to the Admin API over one kept-alive HTTPS connection per round.
//!
//! Messages name the URL and the status, never the key or the request; a
//! refused key is said in words. Bodies are cut at 16 MiB: a connectors page
//! is a few tens of kilobytes, so anything near that is not an answer.

use std::sync::Arc;
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use http_body_util::{BodyExt, Full, Limited};
use hyper::client::conn::http1::SendRequest;
use hyper::header::{CONTENT_TYPE, HOST, HeaderValue, RETRY_AFTER, USER_AGENT};
use hyper::{Request, StatusCode};
use hyper_util::rt::TokioIo;
use rustls::ClientConfig;
use tokio::time::Instant;

use crate::config::ApiKey;
use crate::https::{self, HttpsUrl};
use crate::probe::{Failure, Reason};

pub const MAX_BODY: usize = 16 << 20;

/// Why a page could not be had.
#[derive(Debug)]
pub enum PostError {
    /// HTTP 429, with the wait the server asked for, if it said.
    RateLimited(Option<Duration>),
    Failed(Failure),
}

impl From<Failure> for PostError {
    fn from(f: Failure) -> Self {
        PostError::Failed(f)
    }
}

pub struct Client {
    pub url: HttpsUrl,
    tls: Arc<ClientConfig>,
    key: HeaderValue,
}

/// One round's connection, opened on first use and again if the server
/// closed it between pages.
#[derive(Default)]
pub struct Session {
    sender: Option<SendRequest<Full<Bytes>>>,
    driver: Option<AbortOnDrop>,
}

impl Client {
    pub fn new(url: HttpsUrl, tls: Arc<ClientConfig>, key: &ApiKey) -> Result<Client, String> {
        let mut key = HeaderValue::from_str(key.expose())
            .map_err(|_| "the API key is not a valid header value".to_owned())?;
        // Keeps it out of hyper's Debug output of the request.
        key.set_sensitive(true);
        Ok(Client { url, tls, key })
    }

    /// One POST, all within `deadline`.
    pub async fn post(
        &self,
        session: &mut Session,
        body: Vec<u8>,
        deadline: Instant,
    ) -> Result<Bytes, PostError> {
        match tokio::time::timeout_at(deadline, self.post_unbounded(session, body, deadline)).await
        {
            Ok(result) => result,
            Err(_) => Err(PostError::Failed(Failure::new(
                Reason::Timeout,
                format!("{}: no complete answer in time", self.url),
            ))),
        }
    }

    async fn post_unbounded(
        &self,
        session: &mut Session,
        body: Vec<u8>,
        deadline: Instant,
    ) -> Result<Bytes, PostError> {
        let fresh = !matches!(&session.sender, Some(s) if !s.is_closed());
        if fresh {
            let left = deadline.saturating_duration_since(Instant::now());
            let stream = https::connect(&self.url, &self.tls, left).await?;
            let (sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
                .await
                .map_err(|e| self.http_failure(&e))?;
            session.driver = Some(AbortOnDrop(tokio::spawn(async move {
                let _ = connection.await;
            })));
            session.sender = Some(sender);
        }
        let Some(sender) = session.sender.as_mut() else {
            return Err(Failure::new(Reason::Io, "no connection").into());
        };
        sender.ready().await.map_err(|e| self.http_failure(&e))?;
        let request = Request::post(self.url.path())
            .header(HOST, self.url.authority())
            .header(CONTENT_TYPE, "application/json")
            .header("X-API-KEY", self.key.clone())
            .header(
                USER_AGENT,
                concat!("connector-exporter/", env!("CARGO_PKG_VERSION")),
            )
            .body(Full::new(Bytes::from(body)))
            .map_err(|e| Failure::new(Reason::Io, format!("building the request: {e}")))?;
        let response = sender
            .send_request(request)
            .await
            .map_err(|e| self.http_failure(&e))?;
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let wait = response
                .headers()
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| retry_after(v, SystemTime::now()));
            return Err(PostError::RateLimited(wait));
        }
        if status == StatusCode::UNAUTHORIZED || status == StatusCode::FORBIDDEN {
            return Err(Failure::new(
                Reason::ErrorResponse,
                format!(
                    "{}: the Admin API refused the key (HTTP {}): check the key file and that the key is not revoked or expired",
                    self.url,
                    status.as_u16()
                ),
            )
            .into());
        }
        if !status.is_success() {
            return Err(Failure::new(
                Reason::ErrorResponse,
                format!("{} answered HTTP {status}", self.url),
            )
            .into());
        }
        let body = Limited::new(response.into_body(), MAX_BODY)
            .collect()
            .await
            .map_err(|e| {
                let reason = if e
                    .downcast_ref::<http_body_util::LengthLimitError>()
                    .is_some()
                {
                    format!(
                        "{}: the answer is larger than {} MiB",
                        self.url,
                        MAX_BODY >> 20
                    )
                } else {
                    format!("{}: reading the answer: {e}", self.url)
                };
                Failure::new(Reason::Malformed, reason)
            })?
            .to_bytes();
        Ok(body)
    }

    fn http_failure(&self, e: &hyper::Error) -> PostError {
        let reason = if e.is_parse() {
            Reason::Malformed
        } else {
            Reason::Unreachable
        };
        Failure::new(reason, format!("{}: {e}", self.url)).into()
    }
}

/// `Retry-After` as delay-seconds or an HTTP date; `None` when it is
/// neither (then the caller backs off on its own).
pub fn retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

struct AbortOnDrop(tokio::task::JoinHandle<()>);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_103_655);
        assert_eq!(retry_after("120", now), Some(Duration::from_secs(120)));
        assert_eq!(
            retry_after("Tue, 01 Dec 2026 05:41:55 GMT", now),
            Some(Duration::from_secs(60))
        );
        assert_eq!(
            retry_after("Tue, 01 Dec 2026 05:00:00 GMT", now),
            Some(Duration::ZERO)
        );
        assert_eq!(retry_after("soon", now), None);
        assert_eq!(retry_after("-5", now), None);
    }
}
