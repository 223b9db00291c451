//! The HTTPS client shared by the probes that talk to web servers (the
//! Admin API, HTTPS `Date` clock references).
//!
//! It is deliberately small: one TCP + TLS connection to one URL's host,
//! with HTTP/1.1 over it through hyper's connection API, so a probe decides
//! itself when to reconnect and can time each request on its own clock.
//! No proxy is used, whatever `HTTPS_PROXY` says: a proxy's own `Date` or an
//! intercepting proxy's certificate would be measured instead of the server.

use std::fmt;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use rustls::ClientConfig;
use rustls::pki_types::pem::PemObject as _;
use rustls::pki_types::{CertificateDer, ServerName};
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::config::{ServerAddress, parse_server};
use crate::probe::{Failure, Reason};
use crate::tcp::{ConnectError, connect_tcp};

/// An `https://host[:port]/path` URL, checked once at configuration time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HttpsUrl {
    /// As written, for labels and messages.
    text: String,
    server: ServerAddress,
    /// The authority as written, for the Host header.
    authority: String,
    /// Path and query, at least `/`.
    path: String,
}

impl HttpsUrl {
    pub fn parse(text: &str) -> Result<HttpsUrl, String> {
        let rest = text
            .strip_prefix("https://")
            .ok_or("expected an https:// URL")?;
        let rest = rest.split('#').next().unwrap_or_default();
        let split = rest.find(['/', '?']).unwrap_or(rest.len());
        let (authority, path) = rest.split_at(split);
        if authority.contains('@') {
            return Err("credentials in the URL are not accepted".to_owned());
        }
        let server = parse_server(authority, 443).map_err(|e| format!("host: {e}"))?;
        let path = match path {
            "" => "/".to_owned(),
            p if p.starts_with('?') => format!("/{p}"),
            p => p.to_owned(),
        };
        Ok(HttpsUrl {
            text: text.to_owned(),
            server,
            authority: authority.to_owned(),
            path,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn host(&self) -> &str {
        &self.server.host
    }

    pub fn port(&self) -> u16 {
        self.server.port
    }

    /// The value of the Host header.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// Path and query: the request target.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for HttpsUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

/// Why the trust store could not be built (a configuration error).
#[derive(Debug, thiserror::Error)]
pub enum TrustError {
    #[error("reading {path}: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: {problem}")]
    Certificates { path: String, problem: String },
}

/// The TLS client settings: Mozilla's roots built into the binary (so a
/// `FROM scratch` image or a host without ca-certificates still verifies),
/// or only the CAs in `ca_file` when one is given (a private CA, or a
/// TLS-inspecting proxy the operator chose to trust).
pub fn client_config(ca_file: Option<&Path>) -> Result<Arc<ClientConfig>, TrustError> {
    let mut roots = rustls::RootCertStore::empty();
    match ca_file {
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
        Some(path) => {
            let shown = path.display().to_string();
            let pem = std::fs::read(path).map_err(|source| TrustError::Read {
                path: shown.clone(),
                source,
            })?;
            let problem = |problem: String| TrustError::Certificates {
                path: shown.clone(),
                problem,
            };
            for cert in CertificateDer::pem_slice_iter(&pem) {
                let cert = cert.map_err(|e| problem(format!("not a PEM certificate: {e}")))?;
                roots
                    .add(cert)
                    .map_err(|e| problem(format!("unusable CA certificate: {e}")))?;
            }
            if roots.is_empty() {
                return Err(problem("holds no certificate".to_owned()));
            }
        }
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| TrustError::Certificates {
            path: String::new(),
            problem: e.to_string(),
        })?
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// A verified TLS connection to `url`'s host, within `timeout` for DNS, TCP
/// and the handshake together.
pub async fn connect(
    url: &HttpsUrl,
    tls: &Arc<ClientConfig>,
    timeout: Duration,
) -> Result<TlsStream<TcpStream>, Failure> {
    match tokio::time::timeout(timeout, connect_unbounded(url, tls)).await {
        Ok(result) => result,
        Err(_) => Err(Failure::new(
            Reason::Timeout,
            format!("{url}: no TLS connection within {timeout:?}"),
        )),
    }
}

async fn connect_unbounded(
    url: &HttpsUrl,
    tls: &Arc<ClientConfig>,
) -> Result<TlsStream<TcpStream>, Failure> {
    let name = ServerName::try_from(url.host().to_owned())
        .map_err(|e| Failure::new(Reason::Malformed, format!("{url}: not a server name: {e}")))?;
    let stream = connect_tcp(url.host(), url.port())
        .await
        .map_err(|e| match e {
            ConnectError::Resolve(failure) => failure,
            ConnectError::Connect(e) => Failure::from_io(&format!("connecting to {url}"), &e),
        })?;
    // Requests are small and timed: Nagle would hold the second one back.
    let _ = stream.set_nodelay(true);
    TlsConnector::from(Arc::clone(tls))
        .connect(name, stream)
        .await
        .map_err(|e| tls_failure(url, &e))
}

/// A refused certificate is its own reason, so an intercepting proxy or an
/// expired certificate is told apart from a network that says no.
fn tls_failure(url: &HttpsUrl, err: &std::io::Error) -> Failure {
    let is_tls = err
        .get_ref()
        .is_some_and(|inner| inner.downcast_ref::<rustls::Error>().is_some());
    if is_tls {
        Failure::new(Reason::Tls, format!("{url}: TLS handshake refused: {err}"))
    } else {
        Failure::from_io(&format!("TLS handshake with {url}"), err)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = HttpsUrl::parse("https://acme.twingate.com/api/graphql/").unwrap();
        assert_eq!(
            (u.host(), u.port(), u.path()),
            ("acme.twingate.com", 443, "/api/graphql/")
        );
        let u = HttpsUrl::parse("https://127.0.0.1:8443").unwrap();
        assert_eq!(
            (u.host(), u.port(), u.path(), u.authority()),
            ("127.0.0.1", 8443, "/", "127.0.0.1:8443")
        );
        let u = HttpsUrl::parse("https://[::1]:9?x=1").unwrap();
        assert_eq!((u.host(), u.path()), ("::1", "/?x=1"));
        assert!(HttpsUrl::parse("http://example.com/").is_err());
        assert!(HttpsUrl::parse("https://user:pw@example.com/").is_err());
        assert!(HttpsUrl::parse("https:///path").is_err());
        assert!(HttpsUrl::parse("https://bad host/").is_err());
    }

    #[test]
    fn built_in_roots_load() {
        assert!(client_config(None).is_ok());
    }

    #[test]
    fn a_ca_file_without_certificates_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("empty.pem");
        std::fs::write(&path, "nothing here\n").unwrap();
        let err = client_config(Some(&path)).unwrap_err().to_string();
        assert!(err.contains("holds no certificate"), "{err}");
        let missing = dir.path().join("missing.pem");
        assert!(client_config(Some(&missing)).is_err());
    }
}
