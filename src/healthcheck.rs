//! `connector-exporter healthcheck`: asks the running exporter's
//! `/-/healthy` on loopback, for container health checks in images that have
//! no curl or shell. It reads the same flags, environment and web config as
//! the server, so it finds the port and knows whether to speak TLS.

use std::io::{Read, Write};
use std::net::{Ipv4Addr, Ipv6Addr, SocketAddr, TcpStream};
use std::sync::Arc;
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{WebPkiSupportedAlgorithms, ring};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};

use crate::config::{Config, ListenAddress};

const TIMEOUT: Duration = Duration::from_secs(3);

/// `Ok` when the exporter answered 200.
pub fn run(config: &Config) -> Result<(), String> {
    let address = match config.web.listen_addresses.first() {
        Some(ListenAddress::AllInterfaces(port)) => SocketAddr::from((Ipv4Addr::LOCALHOST, *port)),
        Some(ListenAddress::Socket(addr)) if addr.ip().is_unspecified() => {
            let ip = if addr.is_ipv4() {
                Ipv4Addr::LOCALHOST.into()
            } else {
                Ipv6Addr::LOCALHOST.into()
            };
            SocketAddr::new(ip, addr.port())
        }
        Some(ListenAddress::Socket(addr)) => *addr,
        None => return Err("no listen address".to_owned()),
    };
    let tls = match &config.web.config_file {
        Some(path) => crate::web_config::load(path)
            .map_err(|e| format!("web config file {}: {e}", path.display()))?
            .tls
            .is_some(),
        None => false,
    };
    let mut stream = TcpStream::connect_timeout(&address, TIMEOUT)
        .map_err(|e| format!("cannot connect to {address}: {e}"))?;
    stream
        .set_read_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    stream
        .set_write_timeout(Some(TIMEOUT))
        .map_err(|e| e.to_string())?;
    let request = b"GET /-/healthy HTTP/1.0\r\nHost: localhost\r\n\r\n";
    let mut answer = Vec::new();
    let result = if tls {
        let mut connection = rustls::ClientConnection::new(
            client_config()?,
            "localhost".try_into().map_err(|_| "bad name")?,
        )
        .map_err(|e| e.to_string())?;
        let mut tls = rustls::Stream::new(&mut connection, &mut stream);
        tls.write_all(request)
            .and_then(|()| tls.read_to_end(&mut answer))
    } else {
        stream
            .write_all(request)
            .and_then(|()| stream.read_to_end(&mut answer))
    };
    // A TLS peer may close without close_notify; what was read still counts.
    if let (true, Err(e)) = (answer.is_empty(), result) {
        return Err(format!("{address}: {e}"));
    }
    let status_line = String::from_utf8_lossy(&answer)
        .lines()
        .next()
        .unwrap_or_default()
        .to_owned();
    if status_line.split(' ').nth(1) == Some("200") {
        Ok(())
    } else {
        Err(format!("{address}: /-/healthy answered {status_line:?}"))
    }
}

/// Trusts whatever certificate the local exporter shows: this checks that
/// the process serves, not who it is, and the name in the certificate need
/// not be "localhost". Signatures are still verified.
fn client_config() -> Result<Arc<rustls::ClientConfig>, String> {
    let provider = Arc::new(ring::default_provider());
    let verifier = Arc::new(AnyServerCert {
        algorithms: provider.signature_verification_algorithms,
    });
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| e.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(Arc::new(config))
}

#[derive(Debug)]
struct AnyServerCert {
    algorithms: WebPkiSupportedAlgorithms,
}

impl ServerCertVerifier for AnyServerCert {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}
