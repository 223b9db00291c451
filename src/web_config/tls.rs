//! `tls_server_config`: the toolkit's fields mapped onto rustls (ring
//! provider). rustls speaks TLS 1.2 and 1.3 only, so a `min_version` of
//! TLS10 or TLS11 means TLS12 in practice.

use std::path::Path;
use std::sync::Arc;

use rustls::client::danger::HandshakeSignatureValid;
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms, ring};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, UnixTime};
use rustls::server::WebPkiClientVerifier;
use rustls::server::danger::{ClientCertVerified, ClientCertVerifier};
use rustls::{
    DigitallySignedStruct, DistinguishedName, RootCertStore, ServerConfig, SignatureScheme,
    SupportedCipherSuite, SupportedProtocolVersion,
};
use serde::Deserialize;

use super::{Sources, WebConfigError, error};

/// `tls_server_config` as written. No `Debug`: `key` may hold a private key.
#[derive(Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct TlsFile {
    cert_file: Option<String>,
    key_file: Option<String>,
    cert: Option<String>,
    key: Option<String>,
    client_ca_file: Option<String>,
    client_ca: Option<String>,
    client_auth_type: Option<String>,
    #[serde(default)]
    cipher_suites: Vec<String>,
    #[serde(default)]
    curve_preferences: Vec<String>,
    min_version: Option<String>,
    max_version: Option<String>,
    prefer_server_cipher_suites: Option<bool>,
    client_allowed_sans: Option<Vec<String>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ClientAuth {
    None,
    Request,
    RequireAny,
    VerifyIfGiven,
    RequireAndVerify,
}

impl TlsFile {
    /// Any TLS field set turns TLS on (then cert and key are required), as
    /// in the toolkit.
    pub(super) fn enabled(&self) -> bool {
        [
            &self.cert_file,
            &self.key_file,
            &self.cert,
            &self.key,
            &self.client_ca_file,
            &self.client_ca,
            &self.client_auth_type,
        ]
        .iter()
        .any(|f| f.as_deref().is_some_and(|v| !v.is_empty()))
    }
}

const F: &str = "tls_server_config";

pub(super) fn server_config(
    t: &TlsFile,
    dir: &Path,
    http2: bool,
    sources: &mut Sources,
) -> Result<Arc<ServerConfig>, WebConfigError> {
    let min = version("min_version", t.min_version.as_deref(), "TLS12")?;
    let max = version("max_version", t.max_version.as_deref(), "TLS13")?;
    if max < 12 {
        return Err(error(
            format!("{F}.max_version"),
            "only TLS12 and TLS13 are supported",
        ));
    }
    if min > max {
        return Err(error(format!("{F}.min_version"), "is above max_version"));
    }
    let versions: Vec<&'static SupportedProtocolVersion> =
        [(12, &rustls::version::TLS12), (13, &rustls::version::TLS13)]
            .into_iter()
            .filter(|(v, _)| (min.max(12)..=max).contains(v))
            .map(|(_, p)| p)
            .collect();

    let provider = Arc::new(provider(t)?);
    let client_auth = client_auth(t.client_auth_type.as_deref())?;
    let has_ca = t.client_ca_file.is_some() || t.client_ca.is_some();
    if has_ca && client_auth == ClientAuth::None {
        return Err(error(
            format!("{F}.client_auth_type"),
            "client CAs are configured but client_auth_type is NoClientCert",
        ));
    }
    if t.client_allowed_sans.is_some() {
        // Refused rather than ignored: ignoring it would let in clients the
        // operator meant to keep out.
        return Err(error(
            format!("{F}.client_allowed_sans"),
            "not supported by this exporter; use a client CA that issues only to allowed clients",
        ));
    }
    let cert_pem = pem_source(sources, dir, &t.cert_file, &t.cert, "cert_file", "cert")?;
    let key_pem = pem_source(sources, dir, &t.key_file, &t.key, "key_file", "key")?;
    let certs: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&cert_pem)
        .collect::<Result<_, _>>()
        .map_err(|e| error(format!("{F}.cert_file"), format!("bad PEM: {e}")))?;
    if certs.is_empty() {
        return Err(error(format!("{F}.cert_file"), "no certificate found"));
    }
    // The key's own parse error is not shown: it could quote key material.
    let key = PrivateKeyDer::from_pem_slice(&key_pem)
        .map_err(|_| error(format!("{F}.key_file"), "no PEM private key found"))?;

    let builder = ServerConfig::builder_with_provider(Arc::clone(&provider))
        .with_protocol_versions(&versions)
        .map_err(|e| error(F, e.to_string()))?;
    let builder = match client_auth {
        ClientAuth::None => builder.with_no_client_auth(),
        ClientAuth::Request | ClientAuth::RequireAny => {
            builder.with_client_cert_verifier(Arc::new(AnyClientCert {
                mandatory: client_auth == ClientAuth::RequireAny,
                algorithms: provider.signature_verification_algorithms,
            }))
        }
        ClientAuth::VerifyIfGiven | ClientAuth::RequireAndVerify => {
            let ca_pem = pem_source(
                sources,
                dir,
                &t.client_ca_file,
                &t.client_ca,
                "client_ca_file",
                "client_ca",
            )?;
            let mut roots = RootCertStore::empty();
            for cert in CertificateDer::pem_slice_iter(&ca_pem) {
                let cert = cert
                    .map_err(|e| error(format!("{F}.client_ca_file"), format!("bad PEM: {e}")))?;
                roots.add(cert).map_err(|e| {
                    error(
                        format!("{F}.client_ca_file"),
                        format!("bad CA certificate: {e}"),
                    )
                })?;
            }
            if roots.is_empty() {
                return Err(error(
                    format!("{F}.client_ca_file"),
                    "no CA certificate found",
                ));
            }
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots), Arc::clone(&provider));
            let verifier = if client_auth == ClientAuth::VerifyIfGiven {
                verifier.allow_unauthenticated()
            } else {
                verifier
            };
            let verifier = verifier
                .build()
                .map_err(|e| error(format!("{F}.client_ca_file"), e.to_string()))?;
            builder.with_client_cert_verifier(verifier)
        }
    };
    let mut config = builder.with_single_cert(certs, key).map_err(|e| {
        error(
            format!("{F}.key_file"),
            format!("does not fit the certificate: {e}"),
        )
    })?;
    config.ignore_client_order = t.prefer_server_cipher_suites.unwrap_or(true);
    config.alpn_protocols = if http2 {
        vec![b"h2".to_vec(), b"http/1.1".to_vec()]
    } else {
        vec![b"http/1.1".to_vec()]
    };
    Ok(Arc::new(config))
}

/// PEM text from `<name>_file` (relative to the web config) or inline.
fn pem_source(
    sources: &mut Sources,
    dir: &Path,
    file: &Option<String>,
    inline: &Option<String>,
    file_field: &str,
    inline_field: &str,
) -> Result<Vec<u8>, WebConfigError> {
    match (file.as_deref(), inline.as_deref()) {
        (Some(f), Some(_)) if !f.is_empty() => Err(error(
            format!("{F}.{file_field}"),
            format!("set either {file_field} or {inline_field}, not both"),
        )),
        (Some(f), _) if !f.is_empty() => sources.read(&format!("{F}.{file_field}"), &dir.join(f)),
        (_, Some(text)) if !text.is_empty() => Ok(text.as_bytes().to_vec()),
        _ => Err(error(
            format!("{F}.{file_field}"),
            format!("required when TLS is on (or {inline_field})"),
        )),
    }
}

fn version(field: &str, value: Option<&str>, default: &str) -> Result<u8, WebConfigError> {
    match value.unwrap_or(default) {
        "TLS10" => Ok(10),
        "TLS11" => Ok(11),
        "TLS12" => Ok(12),
        "TLS13" => Ok(13),
        other => Err(error(
            format!("{F}.{field}"),
            format!("unknown TLS version {other:?}, expected TLS10, TLS11, TLS12 or TLS13"),
        )),
    }
}

fn client_auth(value: Option<&str>) -> Result<ClientAuth, WebConfigError> {
    Ok(match value.unwrap_or("") {
        "" | "NoClientCert" => ClientAuth::None,
        "RequestClientCert" => ClientAuth::Request,
        // RequireClientCert is the toolkit's older spelling.
        "RequireAnyClientCert" | "RequireClientCert" => ClientAuth::RequireAny,
        "VerifyClientCertIfGiven" => ClientAuth::VerifyIfGiven,
        "RequireAndVerifyClientCert" => ClientAuth::RequireAndVerify,
        other => {
            return Err(error(
                format!("{F}.client_auth_type"),
                format!(
                    "unknown value {other:?}, expected NoClientCert, RequestClientCert, \
                     RequireAnyClientCert, VerifyClientCertIfGiven or RequireAndVerifyClientCert"
                ),
            ));
        }
    })
}

/// The ring provider narrowed to the configured TLS 1.2 cipher suites and
/// key-exchange groups. As in Go, `cipher_suites` does not touch TLS 1.3.
fn provider(t: &TlsFile) -> Result<CryptoProvider, WebConfigError> {
    let mut provider = ring::default_provider();
    if !t.cipher_suites.is_empty() {
        let mut chosen: Vec<SupportedCipherSuite> = provider
            .cipher_suites
            .iter()
            .filter(|s| matches!(s, SupportedCipherSuite::Tls13(_)))
            .copied()
            .collect();
        for name in &t.cipher_suites {
            let suite = provider
                .cipher_suites
                .iter()
                .filter(|s| matches!(s, SupportedCipherSuite::Tls12(_)))
                .find(|s| format!("{:?}", s.suite()) == *name)
                .ok_or_else(|| {
                    error(
                        format!("{F}.cipher_suites"),
                        format!("{name:?} is not one of the TLS 1.2 suites offered (ECDHE with AES-GCM or ChaCha20-Poly1305)"),
                    )
                })?;
            chosen.push(*suite);
        }
        provider.cipher_suites = chosen;
    }
    if !t.curve_preferences.is_empty() {
        let mut groups = Vec::new();
        for name in &t.curve_preferences {
            let group: &'static dyn rustls::crypto::SupportedKxGroup = match name.as_str() {
                "X25519" => ring::kx_group::X25519,
                "CurveP256" => ring::kx_group::SECP256R1,
                "CurveP384" => ring::kx_group::SECP384R1,
                other => {
                    return Err(error(
                        format!("{F}.curve_preferences"),
                        format!(
                            "unsupported curve {other:?}, expected X25519, CurveP256 or CurveP384"
                        ),
                    ));
                }
            };
            groups.push(group);
        }
        provider.kx_groups = groups;
    }
    Ok(provider)
}

/// RequestClientCert and RequireAnyClientCert: a certificate is asked for
/// (and, for the latter, required) but not checked against any CA, as in
/// Go. The handshake signature is still verified, so the client holds the
/// key of what it presents.
#[derive(Debug)]
struct AnyClientCert {
    mandatory: bool,
    algorithms: WebPkiSupportedAlgorithms,
}

impl ClientCertVerifier for AnyClientCert {
    fn client_auth_mandatory(&self) -> bool {
        self.mandatory
    }

    fn root_hint_subjects(&self) -> &[DistinguishedName] {
        &[]
    }

    fn verify_client_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _now: UnixTime,
    ) -> Result<ClientCertVerified, rustls::Error> {
        Ok(ClientCertVerified::assertion())
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
